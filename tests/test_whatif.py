"""What-if edits, their application and the comparison, on tiny equator scenarios.

Ground settings are one km a minute (``ONE_KM_A_MINUTE``), so every time below is a sum of
timeline values and km stated in the comments; default timeline: request 10, approval 10,
on scene 10, handover 5, ground departure 15, first aid on site 5.
"""

from __future__ import annotations

import pytest
from conftest import ONE_KM_A_MINUTE, airframe, assert_km, facility, make_scenario, on_equator, site

from medevac.check import CheckResult, check
from medevac.errors import ScenarioError
from medevac.model import Location, Scenario
from medevac.scenario import dump_scenario, parse_scenario, scenario_to_mapping
from medevac.whatif import (
    AddAirframe,
    AddFacility,
    Edit,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveFacility,
    SetAirframe,
    SetConditions,
    SetConvoyFactor,
    SetTimeline,
    SetWeather,
    apply_edits,
    compare,
    describe,
    describe_variant,
    evaluate,
    first_failed_leg,
    gap_rows,
    leg_summary,
    variant_table,
)


def at_km(km: float, label: str | None = None) -> Point:
    """A what-if place ``km`` east of (0, 0) on the equator."""
    where = on_equator(km)
    return Point(where["lat"], where["lon"], label)


def ground_only() -> Scenario:
    """A Level 1 at 0 km; sites ``near`` at 20 km (50 people) and ``far`` at 300 km (100)."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l1", 0, level="1")],
        sites=[site("near", 20, personnel=50), site("far", 300, personnel=100)],
    )


def with_helicopter() -> Scenario:
    """A Level 2 at 0 km with a helicopter (4 km/min, launch 10, team on board); a site at 120 km."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0)],
        airframes=[airframe("heli", "l2", launch_day_min=10.0, medical_team=True)],
        sites=[site("camp", 120, personnel=200)],
    )


def minutes(result: CheckResult, leg: str, site_id: str) -> float:
    row = next(r for r in result.site_rows() if r["site_id"] == site_id)
    return float(row[f"{leg}_min"]) if row[f"{leg}_min"] is not None else float("inf")


def test_adding_a_level_2_next_to_a_failing_site_makes_it_meet_surgery() -> None:
    baseline = ground_only()
    assert_km(on_equator(0), on_equator(300), 300)
    before = check(baseline)
    # No Level 2 anywhere: surgery has no pathway. far's best resuscitation is the Level 1
    # ground team: request 10 + 300 km = 310 min.
    assert minutes(before, "surgery", "far") == float("inf")
    assert minutes(before, "resuscitation", "far") == 310.0
    # near: the ground team arrives at 10 + 20 = 30 min.
    assert minutes(before, "resuscitation", "near") == 30.0

    variant = apply_edits(baseline, [AddFacility("new-l2", "2", at_km(300, "Far"))])
    after = check(variant)
    # far drives 0 km: ground departure 15 + 0 + handover 5 = 20 min of surgery; the new
    # facility's ground team is there at 10 + 0 = 10 min.
    assert minutes(after, "surgery", "far") == 20.0
    assert minutes(after, "resuscitation", "far") == 10.0
    # near now reaches a Level 2 by road: 15 + 280 km + 5 = 300 min (fails, but changed).
    assert minutes(after, "surgery", "near") == 300.0

    deltas = {d.leg: d for d in compare(before, after)}
    assert deltas["surgery"].sites_gained == ("far",)
    assert deltas["surgery"].sites_lost == ()
    assert deltas["surgery"].personnel_gained == 100
    assert (deltas["surgery"].sites_before, deltas["surgery"].sites_after) == (0, 1)
    assert {c.site_id: (c.before_min, c.after_min) for c in deltas["surgery"].changed} == {
        "near": (None, 300.0),
        "far": (None, 20.0),
    }
    assert deltas["resuscitation"].sites_gained == ("far",)
    assert {c.site_id for c in deltas["resuscitation"].changed} == {"far"}  # near keeps 30 min
    assert deltas["first_aid"].changed == ()  # first aid on site: 5 min everywhere, before and after


def test_apply_edits_never_mutates_its_inputs() -> None:
    baseline = ground_only()
    text_before = dump_scenario(baseline)
    edits: list[Edit] = [AddFacility("x", "2", Point(0.0, 1.0)), MoveFacility("l1", Point(0.0, 0.5))]
    variant = apply_edits(baseline, edits)
    assert dump_scenario(baseline) == text_before
    assert [f.id for f in baseline.facilities] == ["l1"]
    assert [f.id for f in variant.facilities] == ["l1", "x"]
    assert (variant.facility("l1").lat, variant.facility("l1").lon) == (0.0, 0.5)
    assert apply_edits(baseline, []) is baseline


def test_a_variant_round_trips_through_a_scenario_file() -> None:
    variant = apply_edits(ground_only(), [AddFacility("x", "2+", Point(0.0, 1.0, "Somewhere"))])
    again = parse_scenario(dump_scenario(variant))
    assert scenario_to_mapping(again) == scenario_to_mapping(variant)
    assert again.facility("x").name == "Level 2+, Somewhere"


def test_moving_a_facility_moves_its_airframes_and_removing_it_rebases_them() -> None:
    baseline = with_helicopter()
    moved = apply_edits(baseline, [MoveFacility("l2", Point(0.0, 0.2))])
    assert moved.base_location(moved.airframes[0]) == Location(lat=0.0, lon=0.2)
    removed = apply_edits(baseline, [RemoveFacility("l2")])
    assert removed.facilities == ()
    assert removed.airframes[0].base == Location(lat=0.0, lon=0.0)  # the airfield stays


def test_night_grounds_a_day_only_helicopter_and_making_it_night_capable_restores_it() -> None:
    baseline = with_helicopter()
    assert_km(on_equator(0), on_equator(120), 120)
    day = evaluate(baseline)
    # Air: at the camp at 10 + 10 + launch 10 + 120 km / 4 km/min = 60 min (team on board:
    # resuscitation 60, equal meets); in care at 60 + on scene 10 + 30 + handover 5 = 105.
    assert minutes(day, "resuscitation", "camp") == 60.0
    assert minutes(day, "surgery", "camp") == 105.0
    night = evaluate(apply_edits(baseline, [SetConditions(light="night")]))
    # Grounded: ground team 10 + 120 = 130; by road 15 + 120 + 5 = 140.
    assert minutes(night, "resuscitation", "camp") == 130.0
    assert minutes(night, "surgery", "camp") == 140.0
    deltas = {d.leg: d for d in compare(day, night)}
    assert deltas["surgery"].sites_lost == ("camp",)
    assert deltas["surgery"].personnel_lost == 200
    assert deltas["resuscitation"].personnel_lost == 200
    fixed = evaluate(apply_edits(baseline, [SetConditions(light="night"), SetAirframe("heli", night=True)]))
    assert minutes(fixed, "surgery", "camp") == 105.0  # night launch defaults to day launch
    slower = evaluate(
        apply_edits(
            baseline,
            [SetConditions(light="night"), SetAirframe("heli", night=True, launch_night_min=40.0)],
        )
    )
    assert minutes(slower, "surgery", "camp") == 135.0  # 30 min later launch


def test_timeline_convoy_and_airframe_edits() -> None:
    baseline = with_helicopter()
    faster = evaluate(apply_edits(baseline, [SetTimeline((("approval", 0.0),))]))
    assert minutes(faster, "surgery", "camp") == 95.0  # 105 - 10 min of approval
    unavailable = evaluate(apply_edits(baseline, [SetAirframe("heli", available=False)]))
    assert minutes(unavailable, "surgery", "camp") == 140.0  # road only
    slow_roads = evaluate(apply_edits(baseline, [SetAirframe("heli", available=False), SetConvoyFactor(0.5)]))
    assert minutes(slow_roads, "surgery", "camp") == 15 + 240 + 5  # 120 km at half speed
    # A second helicopter based at the camp itself: at the camp at 10 + 10 + 10 + 0 = 30,
    # in care at 30 + 10 + 30 + 5 = 75.
    based_here = evaluate(
        apply_edits(
            baseline,
            [AddAirframe("heli-2", at_km(120), cruise_kmh=240.0, range_km=500.0, launch_day_min=10)],
        )
    )
    assert minutes(based_here, "surgery", "camp") == 75.0
    rebased = evaluate(apply_edits(baseline, [MoveAirframe("heli", at_km(120))]))
    assert minutes(rebased, "surgery", "camp") == 75.0


def test_availability_and_weather_edits() -> None:
    baseline = with_helicopter()
    variant = apply_edits(baseline, [SetAirframe("heli", availability=0.8), SetWeather(wet=0.25)])
    assert variant.airframes[0].p_available == 0.8
    assert (variant.weather.p_grounded("dry"), variant.weather.p_grounded("wet")) == (0.0, 0.25)
    again = apply_edits(variant, [SetWeather(dry=0.1)])
    assert (again.weather.p_grounded("dry"), again.weather.p_grounded("wet")) == (0.1, 0.25)
    assert describe(SetAirframe("heli", availability=0.8)) == "heli: availability 80%"
    assert describe(SetWeather(wet=0.25)) == "weather grounds helicopters: 25% in the wet season"
    with pytest.raises(ScenarioError) as bad:
        apply_edits(baseline, [SetWeather(dry=1.5)])
    assert "weather.dry" in str(bad.value)


def test_bad_edits_get_clear_errors() -> None:
    baseline = with_helicopter()
    with pytest.raises(ScenarioError) as unknown:
        apply_edits(baseline, [MoveFacility("nowhere", Point(0.0, 0.0))])
    assert "edit 1 (move nowhere to (0.00, 0.00)" in str(unknown.value)
    assert "must name one of the facilities (l2)" in str(unknown.value)
    with pytest.raises(ScenarioError) as bad_lat:
        apply_edits(baseline, [AddFacility("x", "2", Point(95.0, 0.0))])
    assert "<what-if>: facilities[1].lat: must be at most 90.0 (got 95.0)" in str(bad_lat.value)
    with pytest.raises(ScenarioError) as duplicate:
        apply_edits(baseline, [AddFacility("camp", "2", Point(0.0, 0.0))])
    assert "ids must be unique" in str(duplicate.value)
    with pytest.raises(ScenarioError) as key:
        apply_edits(baseline, [SetTimeline((("lunch", 5.0),))])
    assert "timeline keys are request, approval" in str(key.value)
    with pytest.raises(ScenarioError) as base:
        apply_edits(baseline, [MoveAirframe("heli", "gone")])
    assert "airframes[0].base: must name a facility (facilities: l2)" in str(base.value)


def test_descriptions() -> None:
    assert describe(AddFacility("k", "2", Point(18.44, 1.41, "Kidal"))) == "+ Level 2 at Kidal (18.44, 1.41)"
    assert describe(AddFacility("k", "1", Point(18.44, 1.41))) == "+ Level 1 k at (18.44, 1.41)"
    assert describe(SetTimeline((("approval", 5.0),))) == "timeline: approval 5 min"
    assert describe_variant([]) == "baseline"
    assert (
        describe_variant([SetAirframe("puma-1", night=True), SetConvoyFactor(0.8)])
        == "puma-1: night-capable; convoy factor 0.8"
    )


def test_gaps_summary_and_variant_table() -> None:
    result = check(ground_only())
    # Surgery limit 120: no Level 2 means an infinite shortfall for both sites; far (100
    # people) sorts before near (50).
    gaps = gap_rows(result)
    assert [g["site_id"] for g in gaps] == ["far", "near"]
    assert gaps[0]["shortfall_min"] is None
    assert gaps[0]["failing_legs"] == "resuscitation, surgery"
    assert "no Level 2 facility" in gaps[0]["limiting_factor"]
    assert first_failed_leg(result) == ["surgery", "resuscitation"]
    summary = {row["leg"]: row for row in leg_summary(result)}
    assert summary["resuscitation"]["sites_meeting"] == 1
    assert summary["resuscitation"]["personnel_share"] == pytest.approx(50 / 150)
    variant = check(apply_edits(ground_only(), [AddFacility("l2", "2", at_km(20))]))
    # near is now 0 km from a Level 2 and meets all. far: resuscitation by the new ground
    # team at 10 + 280 = 290 (230 over 60); surgery by road 15 + 280 + 5 = 300 (180 over
    # 120): the shortfall is the larger, 230.
    gaps = gap_rows(variant)
    assert [(g["site_id"], g["shortfall_min"]) for g in gaps] == [("far", 230.0)]
    table = variant_table({"baseline": result, "+ L2": variant})
    assert [row["surgery: sites"] for row in table] == [0, 1]
    assert [row["all legs: personnel"] for row in table] == [0, 50]
