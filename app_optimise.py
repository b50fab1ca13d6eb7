"""The planner app's Optimise tab: where should the next facility or helicopter go?

Widgets ask a :class:`medevac.planning.optimise.Question` about what the map shows; the
candidates come from :mod:`medevac.planning.candidates` (built-ins, an uploaded CSV, places
clicked on the main map); :func:`medevac.planning.optimise.optimise` answers it, telling its
phases to a status box. The answer is drawn on a map of its own, and "keep as variant" stores
it as the app stores every variant: the working edits plus the placement's edits
(:func:`~medevac.planning.optimise.placement_edits`) under a name in
``st.session_state.variants``, so the Compare tab shows it beside the others.
"""

from __future__ import annotations

from typing import Any, cast

import streamlit as st

from app_layers import Records, build_planning_deck
from medevac import messages
from medevac.errors import MedevacError, ScenarioError
from medevac.ground import GroundRouter
from medevac.mapdata import scenario_bounds
from medevac.mapdata_planning import placement_layers, placement_lines
from medevac.mapview import facility_tooltips
from medevac.model import Level, Scenario
from medevac.planning.candidates import BUILT_INS, Candidate, built_in, parse_csv, unique
from medevac.planning.optimise import (
    CONDITION_NAMES,
    Objective,
    Phase,
    Question,
    Solution,
    condition_name,
    optimise,
    placement_edits,
)
from medevac.whatif import Edit, Point, content_key, describe_variant

T = messages.APP_TEXT
LEVELS: tuple[Level, ...] = ("1", "1+", "2", "2+", "3")
DEFAULT_TIME_LIMIT_S = 60.0


def optimise_tab(
    shown: Scenario, router: GroundRouter, countries: Records, *, online_tiles: bool = False
) -> None:
    """The question, the candidates, the solve, and the answer on a map."""
    working: tuple[Edit, ...] = tuple(st.session_state.get("edits", []))
    st.write(messages.app_text("op.intro", scenario=describe_variant(working)))
    question = question_widgets(shown)
    places = candidate_widgets(shown)
    nothing = not (question.add_facilities or question.add_airframes or question.moves)
    if nothing:
        st.info(T["op.nothing"])
    elif not question.conditions:
        st.info(T["op.no_conditions"])
    time_limit = st.number_input(
        T["op.time_limit"], min_value=1.0, max_value=3600.0, value=DEFAULT_TIME_LIMIT_S, key="op_time_limit"
    )
    ready = not nothing and bool(question.conditions) and bool(places)
    if st.button(T["op.solve"], key="op_solve", type="primary", disabled=not ready):
        solve(shown, router, question, places, float(time_limit), working)
    answer_view(shown, countries, online_tiles, working)


def question_widgets(shown: Scenario) -> Question:
    st.subheader(T["op.what"])
    airframe_ids = [a.id for a in shown.airframes]
    facility_ids = [f.id for f in shown.facilities]
    left, mid, right = st.columns(3)
    level = left.selectbox(T["op.level"], LEVELS, index=2, key="op_level")
    n_facilities = left.number_input(
        T["op.n_facilities"], min_value=0, max_value=5, value=1, key="op_n_facilities"
    )
    like = mid.selectbox(T["op.like"], airframe_ids, key="op_like") if airframe_ids else None
    n_airframes = mid.number_input(
        T["op.n_airframes"], min_value=0, max_value=5, value=0, key="op_n_airframes", disabled=like is None
    )
    moves = right.multiselect(T["op.moves"], airframe_ids + facility_ids, key="op_moves")
    names = list(CONDITION_NAMES)
    own = condition_name((shown.conditions.light, shown.conditions.season))
    left, mid, right = st.columns(3)
    chosen = left.multiselect(
        T["op.conditions"],
        names,
        default=[own],
        format_func=lambda n: messages.condition_text(*CONDITION_NAMES[n]),
        key="op_conditions",
    )
    objective = mid.radio(
        T["op.objective"],
        ("personnel", "sites"),
        format_func=lambda o: T[f"op.objective.{o}"],
        horizontal=True,
        key="op_objective",
    )
    robust = right.toggle(T["op.robust"], value=False, key="op_robust")
    return Question(
        add_facilities=((level, int(n_facilities)),) if n_facilities else (),
        add_airframes=((str(like), int(n_airframes)),) if like is not None and n_airframes else (),
        moves=tuple(moves),
        objective=cast(Objective, objective),
        conditions=tuple(CONDITION_NAMES[n] for n in chosen),
        robust="n-1" if robust else "none",
    )


def candidate_widgets(shown: Scenario) -> tuple[Candidate, ...]:
    """Built-ins, an uploaded CSV and the places clicked on the main map, the first of an id kept."""
    st.subheader(T["op.candidates"])
    builtins = st.multiselect(
        T["op.builtins"],
        BUILT_INS,
        default=["facilities", "sites"],
        format_func=lambda name: T[f"op.builtin.{name}"],
        key="op_builtins",
    )
    places: list[Candidate] = [place for name in builtins for place in built_in(shown, name)]
    upload = st.file_uploader(T["op.upload"], type=["csv"], key="op_csv")
    if upload is not None:
        try:
            places += parse_csv(upload.getvalue().decode("utf-8-sig"), source=str(upload.name))
        except UnicodeDecodeError:
            st.error(messages.app_text("op.upload_binary", name=upload.name))
        except ScenarioError as error:
            for problem in error.problems:
                st.error(str(problem))
    clicked: list[Candidate] = st.session_state.setdefault("op_clicked", [])
    if clicked:
        st.write(messages.app_text("op.clicked", places=", ".join(place_text(c) for c in clicked)))
    else:
        st.caption(T["op.clicked_none"])
    left, right = st.columns(2)
    picked: Point | None = st.session_state.get("picked")
    if picked is not None:
        left.button(
            messages.app_text("op.add_click", place=picked.text()),
            key="op_add_click",
            on_click=add_clicked,
            args=(picked,),
        )
    right.button(T["op.clear_clicks"], key="op_clear_clicks", disabled=not clicked, on_click=clear_clicked)
    found = unique([*places, *clicked])
    st.caption(messages.app_text("op.candidate_count", count=len(found)))
    return found


def place_text(place: Candidate) -> str:
    return Point(place.lat, place.lon, place.name).text()


def add_clicked(picked: Point) -> None:
    clicked: list[Candidate] = list(st.session_state.get("op_clicked", []))
    if any((c.lat, c.lon) == (picked.lat, picked.lon) for c in clicked):
        return
    clicked.append(Candidate(f"clicked-{len(clicked) + 1}", picked.lat, picked.lon, picked.label))
    st.session_state.op_clicked = clicked


def clear_clicked() -> None:
    st.session_state.op_clicked = []


def solve(
    shown: Scenario,
    router: GroundRouter,
    question: Question,
    places: tuple[Candidate, ...],
    time_limit_s: float,
    working: tuple[Edit, ...],
) -> None:
    """Run the optimiser under a status box that names each phase; keep the answer."""
    st.session_state.op_solution = None
    with st.status(messages.phase_text("pool"), expanded=False) as status:

        def tell(phase: Phase) -> None:
            status.update(label=messages.phase_text(phase))

        try:
            solution = optimise(
                shown, question, places, router=router, time_limit_s=time_limit_s, progress=tell
            )
            edits = tuple(placement_edits(shown, solution))
        except MedevacError as error:
            status.update(label=messages.app_text("op.failed", error=error), state="error")
            return
        status.update(label=messages.app_text("op.done", seconds=solution.seconds), state="complete")
    st.session_state.op_solution = {
        "key": content_key(shown),
        "solution": solution,
        "edits": edits,
        "working": working,
    }
    st.session_state.op_kept = None


def answer_view(shown: Scenario, countries: Records, online_tiles: bool, working: tuple[Edit, ...]) -> None:
    kept = st.session_state.get("op_solution")
    if not kept:
        return
    if kept["key"] != content_key(shown) or kept["working"] != working:
        st.info(T["op.stale"])
        return
    solution: Solution = kept["solution"]
    st.subheader(T["op.result"])
    unit = T[f"op.objective.{solution.question.objective}"]
    proof = T["op.optimal"] if solution.optimal else messages.app_text("op.bound", bound=solution.bound)
    st.metric(
        messages.app_text("op.value", unit=unit).capitalize(),
        f"{solution.value:,}",
        delta=f"{solution.value - solution.baseline:+,} ({proof})",
        delta_color="normal" if solution.value > solution.baseline else "off",
    )
    lines = placement_lines(shown, solution)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    else:
        st.write(T["op.no_change"])
    gained = ", ".join(solution.sites_gained)
    st.write(messages.app_text("op.gained", sites=gained) if gained else T["op.none_gained"])
    if solution.sites_lost:
        st.write(messages.app_text("op.lost", sites=", ".join(solution.sites_lost)))
    layers = placement_layers(shown, solution)
    deck = build_planning_deck(
        bounds=scenario_bounds(shown),
        countries=countries,
        sites=layers["sites"],
        facilities=facility_tooltips(layers["facilities"], shown),
        badges=layers["placements"],
        paths=layers["moves"],
        online_tiles=online_tiles,
    )
    st.pydeck_chart(deck, key="op_map", height=480)
    st.caption(T["op.legend"])
    if not kept["edits"]:
        return
    left, right = st.columns(2)
    variants: dict[str, Any] = st.session_state.get("variants", {})
    name = left.text_input(
        T["op.name"], value=messages.app_text("op.default_name", number=len(variants) + 1), key="op_name"
    )
    right.button(T["op.keep"], key="op_keep", on_click=keep_variant, args=(name, working + kept["edits"]))
    if st.session_state.get("op_kept"):
        st.success(messages.app_text("op.kept", name=st.session_state.op_kept))


def keep_variant(name: str, edits: tuple[Edit, ...]) -> None:
    """Into the app's variants, as the What-if tab's "Save as variant" puts them."""
    name = name.strip() or "variant"
    st.session_state.variants = {**st.session_state.get("variants", {}), name: edits}
    st.session_state.op_kept = name
