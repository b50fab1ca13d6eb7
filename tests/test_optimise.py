"""``medevac optimise`` against brute force: every placement checked by ``check`` itself.

The brute force builds each possible placement as a scenario document by hand (not through
the optimiser's pool nor the what-if edits), checks it under each condition (and, robust,
with each airframe made unavailable in turn) and keeps the best value. The optimiser must
find that value, prove it optimal, and its ``--out`` scenario must check to it.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
from conftest import facility, make_scenario, site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import Document, documents, points

from medevac.check import check
from medevac.model import Level, Scenario
from medevac.planning.candidates import Candidate
from medevac.planning.optimise import CONDITION_NAMES, Condition, Question, optimise, placement_edits
from medevac.scenario import scenario_from_mapping
from medevac.whatif import apply_edits

BRUTE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def counts(scenario: Scenario, conditions: tuple[Condition, ...], robust: str) -> np.ndarray:
    """(sites, conditions): meets every leg, with every airframe and (n-1) each one lost."""
    cases = [scenario]
    if robust == "n-1":
        for airframe in scenario.airframes:
            document = scenario.model_dump(mode="json", exclude_unset=True)
            for entry in document.get("airframes", []):
                if entry["id"] == airframe.id:
                    entry["available"] = False
            cases.append(scenario_from_mapping(document, source="<n-1>"))
    result = np.ones((len(scenario.sites), len(conditions)), dtype=bool)
    for c, (light, season) in enumerate(conditions):
        for case in cases:
            result[:, c] &= check(case, light=light, season=season).meets.all(axis=0)
    return result


def value_of(scenario: Scenario, question: Question) -> int:
    met = counts(scenario, question.conditions, question.robust)
    weights = [s.personnel if question.objective == "personnel" else 1 for s in scenario.sites]
    return int((met * np.array(weights)[:, None]).sum())


def placed(document: Document, assignment: dict[str, Any], places: list[Candidate]) -> Document:
    """The document with one assignment applied, by hand."""
    out = copy.deepcopy(document)
    for (level, _), spots in zip(assignment["facilities"][0], assignment["facilities"][1], strict=True):
        for k, spot in enumerate(spots):
            place = places[spot]
            out["facilities"].append(
                {
                    "id": f"bf-l{level}-{k}",
                    "level": level,
                    "lat": place.lat,
                    "lon": place.lon,
                    "airstrip": place.airstrip,
                }
            )
    for (like, _), spots in zip(assignment["airframes"][0], assignment["airframes"][1], strict=True):
        template = next(a for a in document["airframes"] if a["id"] == like)
        for k, spot in enumerate(spots):
            place = places[spot]
            out["airframes"].append(
                template
                | {"id": f"bf-{like}-{k}", "available": True, "base": {"lat": place.lat, "lon": place.lon}}
            )
    for asset_id, spot in assignment["moves"]:
        if spot is None:
            continue
        place = places[spot]
        for entry in out["airframes"]:
            if entry["id"] == asset_id:
                entry["base"] = {"lat": place.lat, "lon": place.lon}
        for entry in out["facilities"]:
            if entry["id"] == asset_id:
                entry["lat"], entry["lon"] = place.lat, place.lon
    return out


def brute_force(document: Document, question: Question, places: list[Candidate]) -> int:
    n = len(places)
    facility_kinds = list(question.add_facilities)
    airframe_kinds = list(question.add_airframes)
    best = -1
    # Lists, not iterators: the inner products are walked again for every outer choice.
    facility_options = [list(itertools.combinations(range(n), count)) for _, count in facility_kinds]
    airframe_options = [list(itertools.combinations(range(n), count)) for _, count in airframe_kinds]
    for fac_spots in itertools.product(*facility_options):
        used = [s for spots in fac_spots for s in spots]
        if len(used) != len(set(used)):  # two new facilities never share a place
            continue
        for air_spots in itertools.product(*airframe_options):
            used = [s for spots in air_spots for s in spots]
            if len(used) != len(set(used)):
                continue
            for move_spots in itertools.product(*[[None, *range(n)] for _ in question.moves]):
                assignment = {
                    "facilities": (facility_kinds, fac_spots),
                    "airframes": (airframe_kinds, air_spots),
                    "moves": list(zip(question.moves, move_spots, strict=True)),
                }
                scenario = scenario_from_mapping(placed(document, assignment, places), source="<brute>")
                best = max(best, value_of(scenario, question))
    return best


@st.composite
def questions(draw: st.DrawFn) -> tuple[Document, Question, list[Candidate]]:
    document = draw(documents(min_airframes=1))
    # Places anywhere, or next to a site or facility, where new assets interact most.
    anchors = [(x["lat"], x["lon"]) for x in document["sites"] + document["facilities"]]
    places = []
    for k in range(draw(st.integers(1, 3))):
        where = draw(points())
        if draw(st.booleans()):
            lat, lon = draw(st.sampled_from(anchors))
            jitter = st.floats(-0.3, 0.3, allow_nan=False)
            where = {"lat": lat + draw(jitter), "lon": lon + draw(jitter)}
        places.append(Candidate(f"p{k}", where["lat"], where["lon"], airstrip=draw(st.booleans())))
    airframe_ids = [a["id"] for a in document["airframes"]]
    facility_ids = [f["id"] for f in document["facilities"]]
    kind = draw(st.sampled_from(["facility", "airframe", "move", "mixed"]))
    level: Level = draw(st.sampled_from(["1", "2", "3"]))
    add_facilities: tuple[tuple[Level, int], ...] = ()
    add_airframes: tuple[tuple[str, int], ...] = ()
    moves: tuple[str, ...] = ()
    if kind in ("facility", "mixed"):
        add_facilities = ((level, draw(st.integers(1, min(2, len(places))))),)
    if kind in ("airframe", "mixed"):
        add_airframes = ((draw(st.sampled_from(airframe_ids)), 1),)
    if kind == "move":
        moves = (draw(st.sampled_from(airframe_ids + facility_ids)),)
    conditions = tuple(
        draw(st.lists(st.sampled_from(list(CONDITION_NAMES.values())), min_size=1, max_size=2, unique=True))
    )
    question = Question(
        add_facilities=add_facilities,
        add_airframes=add_airframes,
        moves=moves,
        objective=draw(st.sampled_from(["personnel", "sites"])),
        conditions=conditions,
        robust=draw(st.sampled_from(["none", "n-1"])),
    )
    return document, question, places


@BRUTE
@given(questions())
def test_optimise_equals_brute_force(case: tuple[Document, Question, list[Candidate]]) -> None:
    document, question, places = case
    scenario = scenario_from_mapping(document, source="<test>")
    solution = optimise(scenario, question, places)
    assert solution.optimal
    assert solution.value == brute_force(document, question, places)
    assert solution.bound == solution.value
    assert solution.baseline == value_of(scenario, question)
    # The written variant checks to the value (the contract of --out).
    variant = apply_edits(scenario, placement_edits(scenario, solution))
    assert value_of(variant, question) == solution.value


def test_a_level_2_goes_where_it_gains_most_by_hand() -> None:
    # Equator, roads 1 km a minute, no airframes, f1 a Level 1 at 0 km. Surgery needs a Level 2
    # within 15 + x + 5 <= 120: x <= 100 km. Sites at 0 (100 people), 150 (300) and 180 km (50).
    # A Level 2 at the place at 160 km serves 150 and 180 (350 people), at 0 km only 100.
    scenario = make_scenario(
        ground={"detour_factor": 1.0, "road_kmh": 60.0},
        facilities=[facility("f1", 0, level="1")],
        sites=[site("a", 0, personnel=100), site("b", 150, personnel=300), site("c", 180, personnel=50)],
    )
    places = [Candidate("west", 0.0, 0.0), Candidate("east", 0.0, 160 / 111.3195)]
    solution = optimise(scenario, Question(add_facilities=(("2", 1),)), places)
    assert (solution.baseline, solution.value, solution.optimal) == (0, 350, True)
    assert [(p.id, p.candidate.id) for p in solution.placements] == [("new-l2-1", "east")]
    assert solution.sites_gained == ("b", "c")
    two = optimise(scenario, Question(add_facilities=(("2", 2),)), places)
    assert two.value == 450
    assert {p.candidate.id for p in two.placements} == {"west", "east"}
    cover = optimise(scenario, Question(add_facilities=(("2", 2),), cover_all=True), places)
    assert (cover.feasible, cover.new_assets, cover.value) == (True, 2, 450)


def test_new_ids_never_clash_with_the_scenarios_and_progress_tells_each_phase() -> None:
    # As above, with a Level 1 already called new-l2-1 (a variant the app kept, say): the
    # new Level 2 takes new-l2-2, and its --out variant is a valid scenario.
    scenario = make_scenario(
        ground={"detour_factor": 1.0, "road_kmh": 60.0},
        facilities=[facility("f1", 0, level="1"), facility("new-l2-1", 0, level="1")],
        sites=[site("a", 0, personnel=100), site("b", 150, personnel=300), site("c", 180, personnel=50)],
    )
    places = [Candidate("west", 0.0, 0.0), Candidate("east", 0.0, 160 / 111.3195)]
    phases: list[str] = []
    solution = optimise(scenario, Question(add_facilities=(("2", 2),)), places, progress=phases.append)
    assert phases == ["pool", "model", "solve", "check"]
    assert sorted(p.id for p in solution.placements) == ["new-l2-2", "new-l2-3"]
    variant = apply_edits(scenario, placement_edits(scenario, solution))
    assert value_of(variant, solution.question) == solution.value == 450


def test_a_new_helicopter_counts_only_with_a_new_hospital_it_reaches_by_hand() -> None:
    # Equator; roads are useless (1 km/h). f1, a Level 1 at 0 km, has helicopter h (4 km a
    # minute, launch 20). The site at 200 km: h is there at 10 + 10 + 20 + 50 = 90 min, too
    # late for resuscitation (60). A copy of h at "near" (190 km) is there at 42.5 min and in
    # care at a Level 2 also at "near" at 42.5 + 10 + 2.5 + 5 = 60.0: both legs met; with the
    # Level 2 anywhere else, or without the new helicopter, nothing is gained.
    scenario = make_scenario(
        ground={"detour_factor": 1.0, "road_kmh": 1.0},
        facilities=[facility("f1", 0, level="1")],
        airframes=[{"id": "h", "base": "f1", "cruise_kmh": 240, "range_km": 1000, "launch": {"day": 20}}],
        sites=[site("s", 200, personnel=100)],
    )
    places = [Candidate("near", 0.0, 190 / 111.3195), Candidate("far", 0.0, -100 / 111.3195)]
    both = Question(add_facilities=(("2", 1),), add_airframes=(("h", 1),))
    solution = optimise(scenario, both, places)
    assert (solution.baseline, solution.value) == (0, 100)
    assert sorted((p.asset, p.candidate.id) for p in solution.placements) == [
        ("airframe", "near"),
        ("facility", "near"),
    ]
    assert optimise(scenario, Question(add_facilities=(("2", 1),)), places).value == 0
    assert optimise(scenario, Question(add_airframes=(("h", 1),)), places).value == 0
    cover = optimise(
        scenario, Question(add_facilities=(("2", 2),), add_airframes=(("h", 2),), cover_all=True), places
    )
    assert (cover.feasible, cover.new_assets) == (True, 2)
