"""Where the minutes go (medevac.breakdown): steps that add up to the check's time, the
check's own pathway and assets, and a next best that a second computation agrees with.

The second computation (:func:`every_option`) is written here from spec v1's formulas,
one option at a time in plain Python: pyproj's geodesic for every flight, the router asked
for one site's road minutes at a time, each range and landing rule read off the scenario's
own objects (not the engine's arrays).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Geod

from medevac.breakdown import KIND_OF, Breakdown, Breakdowns, road_km
from medevac.check import CheckResult, check, reported_min
from medevac.ground import GeodesicRouter
from medevac.model import Scenario
from medevac.report.summary import check_conditions
from medevac.results import Results
from medevac.scenario import load_scenario
from medevac.standards import LEG_MIN_RANK, TEAM_LEGS, Leg
from medevac.timeline import Pathway

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
DEMOS = sorted(SCENARIOS.glob("*.yaml"))
WGS84 = Geod(ellps="WGS84")


@pytest.fixture(scope="module", params=[p.name for p in DEMOS])
def demo(request: pytest.FixtureRequest) -> tuple[Scenario, dict[Any, CheckResult]]:
    scenario = load_scenario(SCENARIOS / request.param)
    return scenario, check_conditions(scenario, patrols=False)


def km(p: Any, q: Any) -> float:
    return float(WGS84.inv(p.lon, p.lat, q.lon, q.lat)[2]) / 1000.0


def every_option(result: CheckResult, s: int, leg: Leg) -> dict[str, float]:
    """The best minutes of each kind of pathway for one site and leg, option by option."""
    scenario, light = result.scenario, result.light
    t, site = scenario.timeline, scenario.sites[s]
    facilities, sites = scenario.facilities, scenario.sites
    need = LEG_MIN_RANK[leg]
    team_leg = leg in TEAM_LEGS
    router = result.engine.router
    points: list[Any] = [*facilities, *(x for i, x in enumerate(sites) if i != s)]
    road_out = router.travel_min(
        np.array([site.lat]),
        np.array([site.lon]),
        np.array([p.lat for p in points]),
        np.array([p.lon for p in points]),
        result.season,
    )[0]
    road_in = router.travel_min(
        np.array([f.lat for f in facilities]),
        np.array([f.lon for f in facilities]),
        np.array([site.lat]),
        np.array([site.lon]),
        result.season,
    )[:, 0]
    best: dict[str, float] = {}

    def offer(kind: str, minutes: float) -> None:
        if math.isfinite(minutes):
            best[kind] = min(best.get(kind, math.inf), minutes)

    if leg == "first_aid" and site.first_responders:
        offer("on_site", t.first_aid_on_site)
    for j, facility in enumerate(facilities):
        if facility.rank >= need:
            offer("road", t.ground_departure + road_out[j] + t.handover)
        if facility.ground_team:
            at = t.request + road_in[j]
            if team_leg:
                offer("ground_team", at)
            if facility.rank >= need:
                offer("ground_team", at + t.on_scene + road_out[j] + t.handover)
    for airframe in scenario.airframes:
        if not airframe.available or (light == "night" and not airframe.night):
            continue
        heli = airframe.kind == "helicopter"
        base = scenario.base_location(airframe)
        wheels_up = t.request + t.approval + airframe.launch.minutes(light)

        def lands_at_facility(f: Any, heli: bool = heli) -> bool:
            return bool(f.helipad if heli else f.airstrip)

        def flight(p: Any, q: Any, cruise: float = airframe.cruise_kmh) -> float:
            return km(p, q) / cruise * 60

        pickups: list[tuple[Any, bool, float]] = [
            (f, lands_at_facility(f), road_out[j]) for j, f in enumerate(facilities)
        ]
        pickups += [
            (x, bool(x.hls if heli else x.airstrip), road_out[len(facilities) + k])
            for k, x in enumerate(x for i, x in enumerate(sites) if i != s)
        ]
        if site.hls if heli else site.airstrip:
            at = wheels_up + flight(base, site)
            for f in facilities:
                if not lands_at_facility(f) or km(base, site) + km(site, f) > airframe.range_km:
                    continue
                if team_leg and airframe.medical_team:
                    offer("air", at)
                if f.rank >= need:
                    offer("air", at + t.on_scene + flight(site, f) + t.handover)
        for point, lands, road in pickups:
            if not lands:
                continue
            pick_up = max(t.ground_departure + road, wheels_up + flight(base, point))
            for f in facilities:
                if not lands_at_facility(f) or km(base, point) + km(point, f) > airframe.range_km:
                    continue
                if team_leg and airframe.medical_team:
                    offer("road_air", pick_up)
                if f.rank >= need:
                    offer("road_air", pick_up + t.on_scene + flight(point, f) + t.handover)
    return best


def check_steps(found: Breakdown) -> None:
    """The critical steps follow each other from wounding; parallel ones end before the
    pick-up they wait for; a moving step's km and km/h give its minutes."""
    critical = [step for step in found.steps if step.critical]
    assert critical[0].start_min == 0.0
    for before, after in itertools.pairwise(critical):
        assert after.start_min == pytest.approx(before.end_min, abs=1e-9)
    after_pick_up = ("on_scene", "flight_to_facility", "handover")
    pick_up = max(s.end_min for s in critical if s.code not in after_pick_up)
    for step in found.steps:
        assert step.minutes >= 0
        if not step.critical:  # the faster track to the pick-up waits for the other
            assert step.end_min <= pick_up + 1e-9
        if step.code.startswith("flight"):
            assert step.km is not None and step.kmh is not None
            assert step.km / step.kmh * 60 == pytest.approx(step.minutes, rel=1e-12)
        if step.km is not None and step.kmh is not None and step.minutes > 0:
            assert step.km / step.kmh * 60 == pytest.approx(step.minutes, rel=1e-9)


def test_winner_steps_sum_to_the_checks_time_with_its_pathway_and_assets(
    demo: tuple[Scenario, dict[Any, CheckResult]],
) -> None:
    scenario, checks = demo
    table = Results.from_conditions(checks).table
    count = 0
    for (light, season), result in checks.items():
        found = Breakdowns(result)
        rows = table[table["condition"] == f"{light}-{season}"]
        for row in rows.to_dict("records"):
            s = [x.id for x in scenario.sites].index(row["site_id"])
            won = found.winner(row["site_id"], row["leg"])
            exact = float(result.times.time_min[result.times.leg_index(row["leg"]), s])
            if not math.isfinite(row["time_min"]):
                assert won is None and not math.isfinite(exact)
                continue
            assert won is not None
            assert abs(won.total_min - exact) <= 1e-6
            assert float(reported_min(won.total_min)) == row["time_min"]
            assert (won.pathway, won.airframe_id, won.facility_id, won.pickup_id) == (
                row["pathway"],
                row["airframe_id"],
                row["facility_id"],
                row["pickup_id"],
            )
            check_steps(won)
            count += 1
    assert count > 50  # every condition, site and leg that has a pathway


def test_next_best_is_the_best_of_another_kind(demo: tuple[Scenario, dict[Any, CheckResult]]) -> None:
    scenario, checks = demo
    seen_kinds: set[str] = set()
    for result in checks.values():
        found = Breakdowns(result)
        for s, site in enumerate(scenario.sites):
            for leg in result.legs:
                expected = every_option(result, s, leg)
                won = found.winner(site.id, leg)
                if won is None:
                    assert expected == {}
                    continue
                # The second computation finds the check's own time, by the same kind.
                assert min(expected.values()) == pytest.approx(won.time_min, abs=1e-6)
                assert expected[won.kind] == pytest.approx(won.time_min, abs=1e-6)
                by_kind = found.by_kind(site.id, leg)
                assert set(by_kind) == set(expected)
                for kind, option in by_kind.items():
                    assert option.time_min == pytest.approx(expected[kind], abs=1e-6)
                    assert option.total_min == pytest.approx(option.time_min, abs=1e-6)
                    check_steps(option)
                others = {k: v for k, v in expected.items() if k != won.kind}
                nxt = found.next_best(site.id, leg)
                if not others:
                    assert nxt is None
                    continue
                assert nxt is not None and nxt.kind != won.kind
                assert nxt.time_min == pytest.approx(min(others.values()), abs=1e-6)
                assert nxt.total_min == pytest.approx(nxt.time_min, abs=1e-6)
                seen_kinds.add(nxt.kind)
    assert len(seen_kinds) >= 2


def test_next_best_equals_a_check_without_the_winning_kind(
    demo: tuple[Scenario, dict[Any, CheckResult]],
) -> None:
    """Where one scenario edit removes exactly one kind at a site (first responders for
    on-site first aid; the landing site for air from the point), the check of the edited
    scenario gives the next best's time."""
    scenario, checks = demo
    compared = 0
    for (light, season), result in checks.items():
        found = Breakdowns(result)
        for s, site in enumerate(scenario.sites):
            for leg in result.legs:
                won = found.winner(site.id, leg)
                if won is None or won.kind not in ("on_site", "air"):
                    continue
                change = (
                    {"first_responders": False}
                    if won.kind == "on_site"
                    else {"hls": False, "airstrip": False}
                )
                sites = list(scenario.sites)
                sites[s] = site.model_copy(update=change)
                edited = scenario.model_copy(update={"sites": tuple(sites), "patrols": ()})
                again = check(edited, light=light, season=season, router=result.engine.router)
                minutes = float(again.times.time_min[again.times.leg_index(leg), s])
                nxt = found.next_best(site.id, leg)
                if nxt is None:
                    assert not math.isfinite(minutes)
                else:
                    assert nxt.time_min == pytest.approx(minutes, abs=1e-6)
                    assert (
                        KIND_OF[Pathway(int(again.times.pathway[again.times.leg_index(leg), s]))] == nxt.kind
                    )
                compared += 1
    assert compared > 0


def test_a_hand_worked_air_evacuation() -> None:
    """One site, one Level 2 and one helicopter on the equator: every step by hand."""
    scenario = Scenario.model_validate(
        {
            "medevac": 1,
            "name": "hand",
            "ground": {"detour_factor": 1.5, "road_kmh": 30},
            "facilities": [{"id": "l2", "level": "2", "lat": 0.0, "lon": 0.0}],
            "airframes": [
                {"id": "h1", "base": "l2", "cruise_kmh": 200, "range_km": 500, "launch": {"day": 20}}
            ],
            "sites": [{"id": "camp", "lat": 0.0, "lon": 1.0, "personnel": 100}],
        }
    )
    result = check(scenario)
    found = Breakdowns(result)
    d = km(scenario.facilities[0], scenario.sites[0])  # 111.32 km
    won = found.winner("camp", "surgery")
    assert won is not None and won.pathway == "air"
    assert [s.code for s in won.steps] == [
        "request", "approval", "launch", "flight_to_pickup", "on_scene", "flight_to_facility", "handover",
    ]  # fmt: skip
    assert [s.minutes for s in won.steps] == pytest.approx([10, 10, 20, d / 200 * 60, 10, d / 200 * 60, 5])
    assert won.steps[3].km == pytest.approx(d) and won.steps[3].kmh == 200
    assert won.total_min == pytest.approx(55 + 2 * d / 200 * 60)  # 121.8 min
    nxt = found.next_best("camp", "surgery")
    road_min = d * 1.5 / 30 * 60  # 334 min each way
    assert nxt is not None and nxt.pathway == "road"  # the unit's own vehicle
    assert [s.code for s in nxt.steps] == ["ground_departure", "road", "handover"]
    assert nxt.time_min == pytest.approx(15 + road_min + 5)
    assert nxt.steps[1].km == pytest.approx(d * 1.5) and nxt.steps[1].kmh == pytest.approx(30)
    # The ground team drives out and back: slower than the road, so third.
    team = found.by_kind("camp", "surgery")["ground_team"]
    assert team.pathway == "ground_team_back"
    assert team.time_min == pytest.approx(10 + road_min + 10 + road_min + 5)


def test_road_km_on_the_no_roads_estimate() -> None:
    router = GeodesicRouter(
        Scenario.model_validate(
            {"medevac": 1, "name": "x", "ground": {"detour_factor": 2.0, "road_kmh": 50}, "sites": []}
        ).ground
    )
    distance, kmh, on_foot = road_km(router, (0.0, 0.0), (0.0, 1.0), "wet", 1.0)
    assert distance == pytest.approx(2 * 111.3195, rel=1e-5)
    assert kmh == pytest.approx(25.0) and not on_foot  # wet season factor 0.5
