"""The planner app's Library tab: variants saved across sessions and restarts
(:mod:`medevac.library`, one SQLite file: ``MEDEVAC_LIBRARY``, else the user's data folder).

The working variant is saved as the mission as loaded (its file) and every edit that makes
what the map shows: the sidebar's conditions, then the working variant's edits, so opening
it again shows the same scenario. Every variant of the library is listed, this mission's
first; one is opened (its edits re-applied by this medevac), renamed, deleted, exported as
YAML, or compared with another under every light and season.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st  # noqa: TID251 (the front end)

from medevac import i18n, messages
from medevac.errors import LibraryError, MedevacError, ScenarioError, problem_lines
from medevac.library import Library, SavedVariant, compare_scenarios, default_path
from medevac.model import Scenario
from medevac.scenario import dump_scenario, scenario_to_mapping
from medevac.whatif import Edit, apply_edits, content_key


def text(key: str, **fields: object) -> str:
    return messages.library_app_text(key, **fields)


@st.cache_resource(show_spinner=False)
def library_at(path: str) -> Library:
    """One :class:`Library` per file, shared by the sessions (each thread its connection)."""
    return Library(path)


def the_library() -> Library:
    return library_at(str(default_path()))


def same_mission(parent: Scenario, mission: Scenario) -> bool:
    """Whether a saved parent is the mission loaded now, whatever folder each was read from
    (an upload is read from a new folder each time)."""
    return scenario_to_mapping(parent) == scenario_to_mapping(mission)


def saved_mission(library: Library, saved: SavedVariant, mission: Scenario) -> tuple[Scenario, bool]:
    """A saved variant's parent, its files read from the mission loaded now when it is the
    same mission, else from where it was saved; and whether it is the loaded mission."""
    if saved.parent_key == content_key(mission):
        return mission, True
    try:
        parent = library.parent(saved.id, source_dir=mission.source_dir)
    except ScenarioError:
        parent = None
    if parent is not None and same_mission(parent, mission):
        return mission, True
    return library.parent(saved.id), False


def variant_of(library: Library, saved: SavedVariant, mission: Scenario) -> Scenario:
    """The saved variant's scenario: its parent (see :func:`saved_mission`) and its edits."""
    parent, _ = saved_mission(library, saved, mission)
    return apply_edits(parent, library.edits(saved.id))


def _error(error: Exception) -> str:
    if isinstance(error, ScenarioError):
        return "; ".join(problem_lines(error.problems))
    return str(error)


def of_this_mission(library: Library, variants: Sequence[SavedVariant], mission: Scenario) -> set[int]:
    """Ids of the variants saved on the mission loaded now (from any folder: an upload of the
    same mission is read from a new one each time)."""
    key = content_key(mission)
    ours = set()
    for saved in variants:
        if saved.parent_key == key:
            ours.add(saved.id)
        elif saved.parent_name == mission.name:
            try:
                if saved_mission(library, saved, mission)[1]:
                    ours.add(saved.id)
            except (MedevacError, ScenarioError):
                continue
    return ours


def edits_text(library: Library | None, saved: SavedVariant) -> str:
    """A saved variant's edits in the page's language (:meth:`medevac.library.Library.edits_text`)."""
    return saved.description if library is None else library.edits_text(saved)


def variant_rows(
    variants: Sequence[SavedVariant], ours: set[int], library: Library | None = None
) -> list[dict[str, Any]]:
    """The library's table: one row per variant, this mission's first, each with its sites
    meeting every leg (of all sites) under each light and season when it was saved."""
    rows = []
    for saved in sorted(variants, key=lambda v: (v.id not in ours, v.id)):
        row: dict[str, Any] = {
            "id": saved.id,
            messages.column_title("name"): saved.name,
            i18n.gettext("mission"): saved.parent_name + (text("list.this") if saved.id in ours else ""),
            i18n.gettext("saved (UTC)"): saved.created_utc,
            i18n.gettext("edits"): edits_text(library, saved),
        }
        row |= {
            text("list.headline", condition=messages.condition_text(h.light, h.season)): (
                f"{h.sites_meeting_all}/{h.sites}"
            )
            for h in saved.headline
        }
        rows.append(row)
    return rows


def library_tab(
    mission: Scenario,
    edits: Sequence[Edit],
    *,
    load: Callable[[Scenario, str], None],
    reset_conditions: Callable[[Scenario], None],
) -> None:
    """The Library tab. ``mission`` is the scenario as loaded, ``edits`` every edit that makes
    what the map shows (conditions first); ``load`` makes another scenario the mission,
    ``reset_conditions`` sets the sidebar back to the mission file's."""
    library = the_library()
    st.write(text("intro"))
    st.caption(text("where", path=library.path))
    for note in st.session_state.pop("library_notes", []):
        st.success(note)
    for problem in st.session_state.pop("library_errors", []):
        st.error(problem)

    st.subheader(text("save.head"))
    left, right = st.columns([3, 1])
    name = left.text_input(text("save.name"), key="lib_name", placeholder=text("save.placeholder"))
    right.write("")
    if right.button(text("save.button"), key="lib_save", type="primary", disabled=not edits):
        with st.spinner(text("save.spinner")):
            try:
                saved = library.save(mission, edits, name)
            except (MedevacError, ScenarioError) as error:
                st.error(_error(error))
            else:
                st.success(text("save.done", name=saved.name, id=saved.id))
    if not edits:
        st.caption(text("save.nothing"))

    try:
        variants = library.list()
    except LibraryError as error:
        st.error(str(error))
        return
    st.subheader(text("list.head", count=len(variants)))
    if not variants:
        st.info(text("list.empty"))
        return
    rows = variant_rows(variants, of_this_mission(library, variants, mission), library)
    st.dataframe(rows, hide_index=True, width="stretch", key="lib_table")
    by_id = {v.id: v for v in variants}
    ids = [row["id"] for row in rows]

    def label(variant_id: int) -> str:
        saved = by_id[variant_id]
        return text("pick.label", id=saved.id, name=saved.name, mission=saved.parent_name)

    chosen = st.selectbox(text("pick"), ids, format_func=label, key="lib_pick")
    saved = by_id[int(chosen)]
    open_col, export_col, delete_col = st.columns(3)
    open_col.button(
        text("open.button"),
        key="lib_open",
        on_click=open_variant,
        args=(saved.id, mission, load, reset_conditions),
    )
    try:
        exported = dump_scenario(variant_of(library, saved, mission))
    except (MedevacError, ScenarioError) as error:
        export_col.caption(text("export.unavailable", problem=_error(error)))
    else:
        export_col.download_button(
            text("export.button"),
            exported,
            f"{_slug(saved.name)}.yaml",
            "application/x-yaml",
            key="lib_export",
        )
    delete_col.button(text("delete.button"), key="lib_delete", on_click=delete_variant, args=(saved.id,))
    left, right = st.columns([3, 1])
    rename_key = f"lib_rename_{saved.id}"
    left.text_input(text("rename.name"), value=saved.name, key=rename_key)
    right.write("")
    right.button(
        text("rename.button"), key="lib_rename", on_click=rename_variant, args=(saved.id, rename_key)
    )

    st.subheader(text("compare.head"))
    left, right = st.columns(2)
    a = left.selectbox(text("compare.a"), ids, format_func=label, key="lib_compare_a")
    b = right.selectbox(
        text("compare.b"), ids, index=min(1, len(ids) - 1), format_func=label, key="lib_compare_b"
    )
    if st.button(text("compare.button"), key="lib_compare", disabled=a == b):
        with st.spinner(text("compare.spinner")):
            try:
                frame = compare_scenarios(
                    variant_of(library, by_id[int(a)], mission), variant_of(library, by_id[int(b)], mission)
                )
            except (MedevacError, ScenarioError) as error:
                st.error(_error(error))
            else:
                st.session_state.library_comparison = (int(a), int(b), frame)
    comparison = st.session_state.get("library_comparison")
    if comparison is not None and comparison[:2] == (int(a), int(b)):
        frame = comparison[2]
        changed = frame[frame["changed"]]
        st.write(text("compare.summary", changed=len(changed), rows=len(frame), a=int(a), b=int(b)))
        st.dataframe(changed, hide_index=True, width="stretch", key="lib_comparison")


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "variant"


def open_variant(
    variant_id: int,
    mission: Scenario,
    load: Callable[[Scenario, str], None],
    reset_conditions: Callable[[Scenario], None],
) -> None:
    """Make a saved variant the working variant: on the mission loaded when it is the same,
    else on its own mission (loaded from the library, its files where they were saved)."""
    library = the_library()
    try:
        saved = library.get(variant_id)
        parent, loaded = saved_mission(library, saved, mission)
        edits = library.edits(variant_id)
        apply_edits(parent, edits)  # refused here, not on the page
    except ScenarioError as error:
        st.session_state.library_errors = [text("open.missing_files", problem=_error(error))]
        return
    except MedevacError as error:
        st.session_state.library_errors = [str(error)]
        return
    if loaded:
        reset_conditions(mission)
    else:
        load(parent, text("open.loaded_label", name=saved.parent_name, id=saved.id))
    st.session_state.edits = list(edits)
    st.session_state.edit_errors = []
    st.session_state.library_notes = [text("open.done", name=saved.name, id=saved.id)]


def rename_variant(variant_id: int, name_key: str) -> None:
    """Rename to the name typed (read when the button is pressed, not when it was drawn)."""
    name = str(st.session_state.get(name_key, ""))
    try:
        before = the_library().get(variant_id).name
        saved = the_library().rename(variant_id, name)
    except MedevacError as error:
        st.session_state.library_errors = [str(error)]
        return
    st.session_state.library_notes = [messages.renamed_text(saved, before).strip()]


def delete_variant(variant_id: int) -> None:
    try:
        gone = the_library().delete(variant_id)
    except MedevacError as error:
        st.session_state.library_errors = [str(error)]
        return
    st.session_state.library_notes = [messages.deleted_text(gone).strip()]
