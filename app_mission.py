"""The planner app's Tables tab: the mission's sites, facilities, airframes and timeline as
editable tables, and the mission as a file to take away (YAML or a workbook).

A table shows what the map shows (the baseline with the working variant's edits). A changed
cell, an added row or a deleted one becomes what-if edits (:mod:`medevac.intake.edits`) that
are checked against the scenario model before they join the working variant; a refused
change is listed beside its table, naming the row and column, and stays in the table to be
put right. The columns are the workbook's (intake-v1), so a planner who filled the
template reads the same names.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st  # noqa: TID251 (the front end)

from medevac import i18n, messages
from medevac.errors import Problem, ScenarioError
from medevac.intake import template_workbook
from medevac.intake.edits import (
    entry_rows,
    locate,
    rows_after,
    table_edits,
    timeline_edits,
    timeline_rows,
)
from medevac.intake.tables import AIRFRAME_KINDS, COLUMNS, LEVELS, SITE_KINDS, Column, boolean
from medevac.model import Scenario
from medevac.scenario import dump_scenario
from medevac.whatif import ENTRY_TABLES, Edit, EntryTable, apply_edits, content_key

TABLE_ORDER: tuple[EntryTable, ...] = ("facilities", "airframes", "sites")
Delta = Mapping[str, Any]
"""The state of a data editor: ``edited_rows``, ``added_rows``, ``deleted_rows``."""


def text(key: str, **fields: object) -> str:
    return messages.mission_app_text(key, **fields)


def table_key(role: str, shown_key: str) -> str:
    """The editor's key: its table and the content of what it shows, so a change that is
    taken gives a fresh editor, and a refused one stays to be put right."""
    return f"table_{role}_{shown_key[:12]}"


def _column_config(role: str, column: Column) -> Any:
    label = column.name  # the workbook's machine name, the same in every language
    # The words allowed are intake-v1's (read in the catalogue's language where it holds them).
    hint = i18n.gettext(column.allowed) + (f" ({i18n.gettext(column.unit)})" if column.unit else "")
    if column.default:
        hint = i18n.format_template(
            i18n.gettext("{hint}; empty: {default}"), hint=hint, default=column.default
        )
    if column.parse is boolean:
        return st.column_config.CheckboxColumn(label, help=hint, default=column.default == "yes")
    if column.name == "level":
        return st.column_config.SelectboxColumn(label, help=hint, options=list(LEVELS), required=True)
    if column.name == "kind":
        options = SITE_KINDS if role == "sites" else AIRFRAME_KINDS
        return st.column_config.SelectboxColumn(
            label, help=hint, options=list(options), default=column.default
        )
    if column.name in ("lat", "lon"):
        return st.column_config.NumberColumn(label, help=hint, format="%.4f", required=True)
    if column.name == "personnel":
        return st.column_config.NumberColumn(label, help=hint, step=1, format="%d")
    if column.unit or column.name == "availability":
        return st.column_config.NumberColumn(label, help=hint, required=column.required)
    return st.column_config.TextColumn(label, help=hint, required=column.required)


def _delta(key: str) -> Delta:
    state = st.session_state.get(key)
    return state if isinstance(state, Mapping) else {}


def _has_changes(delta: Delta) -> bool:
    return bool(delta.get("edited_rows") or delta.get("added_rows") or delta.get("deleted_rows"))


def _orders(shown: Scenario) -> dict[str, list[tuple[int, str]]]:
    return {
        role: [(i + 1, entry.id) for i, entry in enumerate(getattr(shown, role))] for role in ENTRY_TABLES
    }


def changes_of(
    role: str, rows: Sequence[dict[str, Any]], delta: Delta, shown: Scenario
) -> tuple[list[Edit], dict[str, list[tuple[int, str]]], list[Problem]]:
    """The edits of an editor's changes, the tables' order after them, and refused cells."""
    edited = {int(k): v for k, v in (delta.get("edited_rows") or {}).items()}
    orders = _orders(shown)
    if role == "timeline":
        edits, problems = timeline_edits(rows, edited)
        return edits, orders, problems
    assert role in ENTRY_TABLES
    added = list(delta.get("added_rows") or [])
    deleted = [int(i) for i in delta.get("deleted_rows") or []]
    edits, problems = table_edits(role, rows, edited=edited, added=added, deleted=deleted)
    orders[role] = rows_after(rows, deleted, added)
    return edits, orders, problems


def take(
    role: str, key: str, rows: Sequence[dict[str, Any]], baseline: Scenario, shown: Scenario
) -> list[str]:
    """Add an editor's changes to the working variant if the scenario takes them; else the
    problems, each at its row and column (the changes stay in the editor)."""
    delta = _delta(key)
    if not _has_changes(delta):
        return []
    edits, orders, problems = changes_of(role, rows, delta, shown)
    if problems:
        return [str(p) for p in problems]
    if not edits:
        return []
    working = [*st.session_state.edits, *edits]
    try:
        apply_edits(baseline, working)
    except ScenarioError as error:
        return [str(locate(problem, orders)) for problem in error.problems]
    st.session_state.edits = working
    st.session_state.edit_errors = []
    return []


def _on_change(
    role: str, key: str, rows: Sequence[dict[str, Any]], baseline: Scenario, shown: Scenario
) -> None:
    take(role, key, rows, baseline, shown)  # a refused change is shown by the next run


def _editor(
    role: str,
    frame: pd.DataFrame,
    config: dict[str, Any],
    baseline: Scenario,
    shown: Scenario,
    shown_key: str,
) -> None:
    key = table_key(role, shown_key)
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()}
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]
    box = st.container()
    st.data_editor(
        frame,
        key=key,
        num_rows="fixed" if role == "timeline" else "dynamic",
        column_config=config,
        hide_index=True,
        width="stretch",
        on_change=_on_change,
        args=(role, key, rows, baseline, shown),
    )
    before = list(st.session_state.edits)
    problems = take(role, key, rows, baseline, shown)  # the editor's changes not taken yet
    for problem in problems:
        box.error(text("table.refused", problem=problem))
    if st.session_state.edits != before:
        st.rerun()  # the map and the numbers above follow the table


def mission_tab(baseline: Scenario, shown: Scenario, stem: str) -> None:
    """The Tables tab: each table of what the map shows, editable, and the mission to take away."""
    st.write(text("tab.intro"))
    shown_key = content_key(shown)
    for role in TABLE_ORDER:
        st.subheader(text(f"title.{role}", count=len(getattr(shown, role))))
        columns = COLUMNS[role]
        frame = pd.DataFrame(entry_rows(shown, role), columns=[c.name for c in columns])
        for column in columns:  # yes/no that a new row may leave empty (its default)
            if column.parse is boolean:
                frame[column.name] = frame[column.name].astype("boolean")
        config = {c.name: _column_config(role, c) for c in columns}
        _editor(role, frame, config, baseline, shown, shown_key)
    st.subheader(text("title.timeline"))
    st.caption(text("timeline.caption"))
    frame = pd.DataFrame(timeline_rows(shown), columns=["value", "minutes"])
    config = {
        "value": st.column_config.TextColumn("value", disabled=True),
        "minutes": st.column_config.NumberColumn("minutes", help=text("timeline.help"), min_value=0.0),
    }
    _editor("timeline", frame, config, baseline, shown, shown_key)

    st.subheader(text("title.download"))
    left, right = st.columns(2)
    left.download_button(
        text("download.yaml"),
        dump_scenario(shown),
        f"{stem}.yaml",
        "application/x-yaml",
        key="dl_mission_yaml",
    )
    right.download_button(
        text("download.workbook"),
        workbook_bytes(content_key(shown), shown),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="dl_mission_xlsx",
    )
    st.caption(text("download.caption"))


@st.cache_data(max_entries=8, show_spinner=False)
def workbook_bytes(key: str, _scenario: Scenario) -> bytes:
    """The scenario as a filled workbook (``medevac template --from``), its file names as the
    scenario gives them."""
    book = template_workbook(_scenario, _scenario.source_dir)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
