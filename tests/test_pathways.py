"""Hand-computed cases for each pathway of spec v1 and each condition that changes them.

Every scenario sits on the equator (see ``conftest``): a point at ``k`` km is ``k`` km from
the origin, checked against pyproj. Unless a test says otherwise the timeline is the spec's
default: request 10, approval 10, on_scene 10, handover 5, ground_departure 15,
first_aid_on_site 5 (minutes). Airframes fly 240 km/h (4 km a minute) and launch in 20 min
by day, so an aircraft reaches a point ``k`` km from its base at ``10 + 10 + 20 + k / 4``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ONE_KM_A_MINUTE,
    airframe,
    assert_km,
    facility,
    geodesic_km,
    make_scenario,
    on_equator,
    site,
)

from medevac.check import CheckResult, check
from medevac.coverage.surface import failing_stretches
from medevac.model import Light, Scenario, Season
from medevac.patrols import patrol_pieces
from medevac.timeline import Pathway


def run(scenario: Scenario, light: Light | None = None, season: Season | None = None) -> CheckResult:
    return check(scenario, light=light, season=season)


def times_of(result: CheckResult, site_id: str) -> dict[str, float]:
    """Unrounded minutes of every leg at one site, straight from the engine's arrays."""
    s = [x.id for x in result.scenario.sites].index(site_id)
    return {leg: float(result.times.time_min[i, s]) for i, leg in enumerate(result.times.legs)}


def pathways_of(result: CheckResult, site_id: str) -> dict[str, Pathway]:
    s = [x.id for x in result.scenario.sites].index(site_id)
    return {leg: Pathway(int(result.times.pathway[i, s])) for i, leg in enumerate(result.times.legs)}


def row_of(result: CheckResult, site_id: str) -> dict[str, Any]:
    """The site's record in the JSON document of ``medevac check --format json``."""
    rows: dict[str, dict[str, Any]] = {r["site_id"]: r for r in result.to_json()["sites"]}
    return rows[site_id]


def approx(value: float) -> Any:
    return pytest.approx(value, abs=1e-6)


# -- 1. on-site first aid -----------------------------------------------------------------


def test_on_site_first_aid_with_first_responders() -> None:
    # f2 at 0 km, site at 30 km; roads 1 km a minute.
    # On site: first_aid_on_site = 5. The ground team would take request 10 + road 30 = 40.
    assert_km(on_equator(0), on_equator(30), 30.0)
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0)],
        sites=[site("s", 30, first_responders=True)],
    )
    result = run(scenario)
    assert times_of(result, "s")["first_aid"] == approx(5.0)
    assert pathways_of(result, "s")["first_aid"] is Pathway.ON_SITE
    row = row_of(result, "s")
    assert row["first_aid_min"] == 5.0
    assert row["pathway"]["first_aid"] == "first responders on site"


def test_without_first_responders_first_aid_comes_from_elsewhere() -> None:
    # Same as above without first responders: ground team 10 + 30 = 40 beats
    # self-evacuation 15 + 30 + 5 = 50.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0)],
        sites=[site("s", 30, first_responders=False)],
    )
    result = run(scenario)
    assert times_of(result, "s")["first_aid"] == approx(40.0)
    assert row_of(result, "s")["pathway"]["first_aid"] == "ground team from f2"
    assert row_of(result, "s")["meets"]["first_aid"] is False


def test_custom_first_aid_on_site_time() -> None:
    # timeline.first_aid_on_site: 12 -> first aid at 12, over the 10-minute threshold.
    scenario = make_scenario(
        timeline={"first_aid_on_site": 12},
        facilities=[facility("f2", 0)],
        sites=[site("s", 30)],
    )
    row = row_of(run(scenario), "s")
    assert row["first_aid_min"] == 12.0
    assert row["meets"]["first_aid"] is False


# -- 2. self-evacuation by road -----------------------------------------------------------


def test_self_evacuation_by_road_picks_the_nearest_facility_of_each_level() -> None:
    # f2 (Level 2) at 0 km, f1 (Level 1) at 40 km, site at 30 km; roads 1 km a minute; no
    # ground teams. Resuscitation: 15 + road 10 (to f1) + 5 = 30.
    # Surgery needs Level 2: 15 + road 30 (to f2) + 5 = 50.
    assert_km(on_equator(30), on_equator(40), 10.0)
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False), facility("f1", 40, level="1", ground_team=False)],
        sites=[site("s", 30)],
    )
    result = run(scenario)
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(30.0)
    assert minutes["surgery"] == approx(50.0)
    assert pathways_of(result, "s")["surgery"] is Pathway.ROAD
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "road -> f1"
    assert row["pathway"]["surgery"] == "road -> f2"
    assert row["meets_all"] is True
    assert row["limiting_factor"] is None


def test_self_evacuation_with_default_ground_estimate() -> None:
    # Defaults: detour 1.4, 40 km/h. Site 100 km from f2: road = 100 * 1.4 / 40 * 60 = 210.
    # In care at 15 + 210 + 5 = 230.
    assert_km(on_equator(0), on_equator(100), 100.0)
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", 100)],
    )
    assert times_of(run(scenario), "s")["surgery"] == approx(230.0)


def test_self_evacuation_uses_geodesic_distance_off_the_equator() -> None:
    # A second method for a distance that is not a round number: pyproj directly.
    # Gao (16.27, -0.04) to Kidal (18.44, 1.41): road min = d * 1.4 / 40 * 60 = 2.1 d.
    gao = {"lat": 16.27, "lon": -0.04}
    kidal = {"lat": 18.44, "lon": 1.41}
    distance = geodesic_km(kidal, gao)
    scenario = make_scenario(
        facilities=[{"id": "gao", "level": "2", **gao, "ground_team": False}],
        sites=[{"id": "kidal", **kidal}],
    )
    assert times_of(run(scenario), "kidal")["surgery"] == pytest.approx(15 + distance * 2.1 + 5, abs=1e-6)


# -- 3. ground team from a facility -------------------------------------------------------


def test_ground_team_arrival_and_back_to_facility_care() -> None:
    # The unit has no vehicle of its own: ground_departure 60; on_scene 5. f2 at 0, site at
    # 30 km, roads 1 km a minute, no first responders.
    # Team reaches the site at request 10 + road 30 = 40: first aid and resuscitation at 40.
    # Back in care at f2: 40 + on_scene 5 + road 30 + handover 5 = 80 (surgery).
    # Self-evacuation would be 60 + 30 + 5 = 95.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        timeline={"ground_departure": 60, "on_scene": 5},
        facilities=[facility("f2", 0)],
        sites=[site("s", 30, first_responders=False)],
    )
    result = run(scenario)
    minutes = times_of(result, "s")
    assert minutes["first_aid"] == approx(40.0)
    assert minutes["resuscitation"] == approx(40.0)
    assert minutes["surgery"] == approx(80.0)
    kinds = pathways_of(result, "s")
    assert kinds["resuscitation"] is Pathway.GROUND_TEAM
    assert kinds["surgery"] is Pathway.GROUND_TEAM_BACK
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "ground team from f2"
    assert row["pathway"]["surgery"] == "ground team from f2, back by road -> f2"


def test_facility_without_ground_team_sends_none() -> None:
    # As above with ground_team: false: only self-evacuation, 60 + 30 + 5 = 95 for every leg.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        timeline={"ground_departure": 60, "on_scene": 5},
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", 30, first_responders=False)],
    )
    minutes = times_of(run(scenario), "s")
    assert minutes == {"first_aid": approx(95.0), "resuscitation": approx(95.0), "surgery": approx(95.0)}


# -- 4. air evacuation from the site ------------------------------------------------------

# f2 (Level 2, helipad, base of puma-1) at 0 km; site with an HLS at 120 km; default ground
# estimate, so by road: 120 * 1.4 / 40 * 60 = 252 min, in care at 15 + 252 + 5 = 272.
# puma-1 at the site: P = 10 + 10 + 20 + 120 / 4 = 70; in care at f2: 70 + 10 + 30 + 5 = 115.
AIR_ROAD_ONLY_MIN = 272.0
AIR_AT_SITE_MIN = 70.0
AIR_IN_CARE_MIN = 115.0


def air_scenario(
    *,
    site_flags: dict[str, Any] | None = None,
    facility_flags: dict[str, Any] | None = None,
    **airframe_fields: Any,
) -> Scenario:
    assert_km(on_equator(0), on_equator(120), 120.0)
    return make_scenario(
        facilities=[facility("f2", 0, ground_team=False, **(facility_flags or {}))],
        airframes=[airframe("puma-1", "f2", **airframe_fields)],
        sites=[site("s", 120, first_responders=False, **(site_flags or {}))],
    )


def test_air_evacuation_with_team_on_board() -> None:
    result = run(air_scenario(medical_team=True))
    minutes = times_of(result, "s")
    assert minutes["first_aid"] == approx(AIR_AT_SITE_MIN)
    assert minutes["resuscitation"] == approx(AIR_AT_SITE_MIN)
    assert minutes["surgery"] == approx(AIR_IN_CARE_MIN)
    kinds = pathways_of(result, "s")
    assert kinds["resuscitation"] is Pathway.AIR_TEAM
    assert kinds["surgery"] is Pathway.AIR
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "air puma-1 (team on board)"
    assert row["pathway"]["surgery"] == "air puma-1 -> f2"
    assert row["resuscitation_min"] == 70.0
    assert row["surgery_min"] == 115.0
    assert row["meets"] == {"first_aid": False, "resuscitation": False, "surgery": True}


def test_air_evacuation_without_team_resuscitates_only_in_care() -> None:
    # No medical team on board: resuscitation waits for care at f2, 115.
    result = run(air_scenario(medical_team=False))
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(AIR_IN_CARE_MIN)
    assert row_of(result, "s")["pathway"]["resuscitation"] == "air puma-1 -> f2"


def test_air_timeline_components_all_count() -> None:
    # request 5, approval 15, on_scene 20, handover 2, launch 30:
    # P = 5 + 15 + 30 + 120 / 4 = 80; care = 80 + 20 + 30 + 2 = 132.
    scenario = make_scenario(
        timeline={"request": 5, "approval": 15, "on_scene": 20, "handover": 2},
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", "f2", launch_day_min=30, medical_team=True)],
        sites=[site("s", 120, first_responders=False)],
    )
    minutes = times_of(run(scenario), "s")
    assert minutes["resuscitation"] == approx(80.0)
    assert minutes["surgery"] == approx(132.0)


def test_air_from_a_base_that_is_a_point_and_flies_to_another_facility() -> None:
    # Base at a bare point 40 km, site at 120 km (80 km from base), f2 at 0 km.
    # P = 10 + 10 + 20 + 80 / 4 = 60; care at f2 = 60 + 10 + 120 / 4 + 5 = 105.
    assert_km(on_equator(40), on_equator(120), 80.0)
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", on_equator(40), medical_team=True)],
        sites=[site("s", 120, first_responders=False)],
    )
    minutes = times_of(run(scenario), "s")
    assert minutes["resuscitation"] == approx(60.0)
    assert minutes["surgery"] == approx(105.0)


# -- 5. road to a pick-up point, then air -------------------------------------------------


def test_road_then_air_when_the_aircraft_arrives_later() -> None:
    # f2 (base) at 0 km; landing zone `lz` (a site with HLS) at 180 km; site at 200 km
    # without HLS; roads 1 km a minute.
    # Casualty at lz: 15 + 20 = 35. Aircraft at lz: 10 + 10 + 20 + 180 / 4 = 85.
    # Pick-up at max(35, 85) = 85 (team on board meets the casualty then).
    # In care at f2: 85 + 10 + 45 + 5 = 145. By road alone: 15 + 200 + 5 = 220.
    assert_km(on_equator(200), on_equator(180), 20.0)
    assert_km(on_equator(180), on_equator(0), 180.0)
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", "f2", medical_team=True)],
        sites=[site("lz", 180, hls=True), site("s", 200, hls=False, first_responders=False)],
    )
    result = run(scenario)
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(85.0)
    assert minutes["surgery"] == approx(145.0)
    kinds = pathways_of(result, "s")
    assert kinds["resuscitation"] is Pathway.ROAD_AIR_TEAM
    assert kinds["surgery"] is Pathway.ROAD_AIR
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "road to lz, air puma-1 (team on board)"
    assert row["pathway"]["surgery"] == "road to lz, air puma-1 -> f2"


def test_road_then_air_when_the_aircraft_arrives_earlier() -> None:
    # The aircraft waits at lz: base is a point at lz (180 km), site at 230 km.
    # Casualty at lz: 15 + 50 = 65. Aircraft at lz: 10 + 10 + 20 + 0 = 40.
    # Pick-up at max(65, 40) = 65; in care at f2: 65 + 10 + 45 + 5 = 125.
    assert_km(on_equator(230), on_equator(180), 50.0)
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", on_equator(180), medical_team=True)],
        sites=[site("lz", 180, hls=True), site("s", 230, hls=False, first_responders=False)],
    )
    minutes = times_of(run(scenario), "s")
    assert minutes["resuscitation"] == approx(65.0)
    assert minutes["surgery"] == approx(125.0)


def test_road_then_fixed_wing_at_an_airstrip() -> None:
    # The same max(...) with a fixed wing: f2 has an airstrip (and base), `strip` at 180 km
    # has an airstrip and no HLS, the site at 200 km has neither.
    # Pick-up at max(15 + 20, 10 + 10 + 20 + 45) = 85; care: 85 + 10 + 45 + 5 = 145.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False, airstrip=True, helipad=False)],
        airframes=[airframe("caravan", "f2", kind="fixed_wing")],
        sites=[
            site("strip", 180, hls=False, airstrip=True),
            site("s", 200, hls=False, airstrip=False, first_responders=False),
        ],
    )
    result = run(scenario)
    assert times_of(result, "s")["surgery"] == approx(145.0)
    assert row_of(result, "s")["pathway"]["surgery"] == "road to strip, air caravan -> f2"


def test_road_to_a_facility_helipad_then_air_to_a_higher_level() -> None:
    # f1 (Level 1, helipad) at 180 km is a pick-up point; site at 200 km without HLS.
    # Resuscitation: road to f1, 15 + 20 + 5 = 40 (pathway 2).
    # Surgery: road to f1 then puma-1 (based at f2, 0 km) to f2:
    # max(15 + 20, 10 + 10 + 20 + 45) = 85; 85 + 10 + 45 + 5 = 145.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[
            facility("f2", 0, ground_team=False),
            facility("f1", 180, level="1", ground_team=False),
        ],
        airframes=[airframe("puma-1", "f2")],
        sites=[site("s", 200, hls=False, first_responders=False)],
    )
    result = run(scenario)
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(40.0)
    assert minutes["surgery"] == approx(145.0)
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "road -> f1"
    assert row["pathway"]["surgery"] == "road to f1, air puma-1 -> f2"


# -- day and night ------------------------------------------------------------------------


def test_night_launch_time() -> None:
    # launch {day: 20, night: 50}, night-capable. By night P = 10 + 10 + 50 + 30 = 100;
    # care at f2 = 100 + 10 + 30 + 5 = 145. By day: 70 and 115.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[
            {**airframe("puma-1", "f2", medical_team=True, night=True), "launch": {"day": 20, "night": 50}}
        ],
        sites=[site("s", 120, first_responders=False)],
    )
    night = times_of(run(scenario, light="night"), "s")
    assert night["resuscitation"] == approx(100.0)
    assert night["surgery"] == approx(145.0)
    day = times_of(run(scenario, light="day"), "s")
    assert day["resuscitation"] == approx(AIR_AT_SITE_MIN)
    assert day["surgery"] == approx(AIR_IN_CARE_MIN)


def test_night_launch_defaults_to_day() -> None:
    result = run(air_scenario(medical_team=True, night=True), light="night")
    assert times_of(result, "s")["surgery"] == approx(AIR_IN_CARE_MIN)


def test_night_without_night_capable_airframe() -> None:
    # night: false (the default): by night only the road is left, 272 for every leg.
    result = run(air_scenario(medical_team=True), light="night")
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(AIR_ROAD_ONLY_MIN)
    assert minutes["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    document = result.to_json()
    assert document["conditions"] == {"light": "night", "season": "dry"}
    assert "night: no night-capable airframe" in document["sites"][0]["limiting_factor"]


def test_night_grounds_only_the_airframes_that_are_not_capable() -> None:
    # puma-1 flies at night (launch 20); puma-2 does not, and names itself in the reason.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[
            airframe("puma-1", "f2", night=True, medical_team=True),
            airframe("puma-2", "f2", launch_day_min=5, medical_team=True),
        ],
        sites=[site("s", 120, first_responders=False)],
    )
    result = run(scenario, light="night")
    assert times_of(result, "s")["resuscitation"] == approx(AIR_AT_SITE_MIN)
    assert row_of(result, "s")["pathway"]["resuscitation"] == "air puma-1 (team on board)"
    assert "night: puma-2 not night-capable" in row_of(result, "s")["limiting_factor"]
    # By day puma-2 is faster: P = 10 + 10 + 5 + 30 = 55.
    assert times_of(run(scenario, light="day"), "s")["resuscitation"] == approx(55.0)


def test_light_from_the_scenario_and_its_override() -> None:
    scenario = make_scenario(
        conditions={"light": "night"},
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", "f2", medical_team=True)],
        sites=[site("s", 120, first_responders=False)],
    )
    assert times_of(run(scenario), "s")["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    assert times_of(run(scenario, light="day"), "s")["surgery"] == approx(AIR_IN_CARE_MIN)


# -- season and convoys -------------------------------------------------------------------

# f2 at 0 km, site at 30 km, 1 km a minute by road when dry, no ground team.
# Dry: 15 + 30 + 5 = 50.


def road_scenario(**ground: Any) -> Scenario:
    return make_scenario(
        ground={**ONE_KM_A_MINUTE, **ground},
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", 30)],
    )


def test_wet_season_factor_slows_the_road() -> None:
    # Wet, factor 0.5 (default): 30 km/h, 60 min: 15 + 60 + 5 = 80.
    assert times_of(run(road_scenario(), season="dry"), "s")["surgery"] == approx(50.0)
    assert times_of(run(road_scenario(), season="wet"), "s")["surgery"] == approx(80.0)
    # Factor 0.75: 45 km/h, 40 min: 15 + 40 + 5 = 60.
    assert times_of(run(road_scenario(wet_season_factor=0.75), season="wet"), "s")["surgery"] == approx(60.0)


def test_season_from_the_scenario_and_its_override() -> None:
    scenario = make_scenario(
        conditions={"season": "wet"},
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", 30)],
    )
    assert times_of(run(scenario), "s")["surgery"] == approx(80.0)
    assert run(scenario).to_json()["conditions"] == {"light": "day", "season": "wet"}
    assert times_of(run(scenario, season="dry"), "s")["surgery"] == approx(50.0)


def test_convoy_factor_slows_every_road_leg() -> None:
    # Convoy 0.5: 30 km/h, 60 min: 80. Convoy 0.5 in the wet (0.5): 15 km/h, 120 min: 140.
    convoy = road_scenario(convoy_factor=0.5)
    assert times_of(run(convoy, season="dry"), "s")["surgery"] == approx(80.0)
    assert times_of(run(convoy, season="wet"), "s")["surgery"] == approx(140.0)


def test_season_does_not_touch_the_air() -> None:
    # Air from the site does not depend on the season: 115 dry and wet.
    scenario = air_scenario()
    assert times_of(run(scenario, season="wet"), "s")["surgery"] == approx(AIR_IN_CARE_MIN)


# -- range --------------------------------------------------------------------------------


def test_sortie_exactly_at_range_is_allowed() -> None:
    # base f2 (0 km) -> site (100 km) -> f2: 200 km, computed by pyproj in the engine's order.
    # P = 10 + 10 + 20 + 25 = 65; care = 65 + 10 + 25 + 5 = 105.
    f2, s = facility("f2", 0, ground_team=False), site("s", 100, first_responders=False)
    sortie_km = geodesic_km(f2, s) + geodesic_km(s, f2)
    assert sortie_km == pytest.approx(200.0, abs=0.01)
    scenario = make_scenario(
        facilities=[f2], airframes=[airframe("puma-1", "f2", range_km=sortie_km)], sites=[s]
    )
    assert times_of(run(scenario), "s")["surgery"] == approx(105.0)


def test_sortie_one_km_beyond_range_is_not() -> None:
    # Range 199 for the 200 km sortie: by road, 100 * 1.4 / 40 * 60 = 210; 15 + 210 + 5 = 230.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", "f2", range_km=199)],
        sites=[site("s", 100, first_responders=False)],
    )
    result = run(scenario)
    assert times_of(result, "s")["surgery"] == approx(230.0)
    assert "out of range: puma-1 would fly 200 km, range 199" in row_of(result, "s")["limiting_factor"]


def test_out_of_range_text_of_the_spec() -> None:
    # Site 300 km out: base -> site -> f2 = 600 km > 570.
    assert_km(on_equator(0), on_equator(300), 300.0)
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[airframe("puma-1", "f2", range_km=570)],
        sites=[site("s", 300)],
    )
    factor = row_of(run(scenario), "s")["limiting_factor"]
    assert "out of range: puma-1 would fly 600 km, range 570" in factor


def test_range_counts_base_to_pickup_to_facility_in_road_then_air() -> None:
    # Pick-up at lz (180 km) from f2: 180 + 180 = 360 km. Range 360 allows it (145 as in
    # the road-then-air test), range 359 does not: by road 15 + 200 + 5 = 220.
    f2, lz = facility("f2", 0, ground_team=False), site("lz", 180)
    sortie_km = geodesic_km(f2, lz) + geodesic_km(lz, f2)
    assert sortie_km == pytest.approx(360.0, abs=0.01)

    def surgery_min(range_km: float) -> float:
        scenario = make_scenario(
            ground=ONE_KM_A_MINUTE,
            facilities=[f2],
            airframes=[airframe("puma-1", "f2", range_km=range_km)],
            sites=[lz, site("s", 200, hls=False)],
        )
        return times_of(run(scenario), "s")["surgery"]

    assert surgery_min(sortie_km) == approx(145.0)
    assert surgery_min(359.0) == approx(220.0)


# -- landing ------------------------------------------------------------------------------


def test_site_without_hls() -> None:
    result = run(air_scenario(site_flags={"hls": False}, medical_team=True))
    assert times_of(result, "s")["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    # Read literally, pathway 5 lets the team on board meet the casualty at f2's helipad,
    # the pick-up point: road arrival 15 + 252 = 267, before the handover into f2 (272).
    assert times_of(result, "s")["resuscitation"] == approx(267.0)
    assert row_of(result, "s")["pathway"]["resuscitation"] == "road to f2, air puma-1 (team on board)"
    factor = row_of(result, "s")["limiting_factor"]
    assert "landing: no helicopter landing site at s" in factor


def test_facility_without_helipad() -> None:
    # f2 (Level 2) has no helipad; f1 (Level 1, helipad) at 60 km.
    # Resuscitation by air to f1: 70 + 10 + 60 / 4 + 5 = 100 (road to f1 would be
    # 15 + 60 * 1.4 / 40 * 60 + 5 = 146). Surgery only by road to f2: 272.
    assert_km(on_equator(120), on_equator(60), 60.0)
    scenario = make_scenario(
        facilities=[
            facility("f2", 0, ground_team=False, helipad=False),
            facility("f1", 60, level="1", ground_team=False),
        ],
        airframes=[airframe("puma-1", "f2")],
        sites=[site("s", 120, first_responders=False)],
    )
    result = run(scenario)
    minutes = times_of(result, "s")
    assert minutes["resuscitation"] == approx(100.0)
    assert minutes["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    row = row_of(result, "s")
    assert row["pathway"]["resuscitation"] == "air puma-1 -> f1"
    assert row["pathway"]["surgery"] == "road -> f2"


def test_helicopter_team_needs_somewhere_to_land_the_casualty() -> None:
    # The only facility has no helipad: the team on board cannot complete a sortie either.
    result = run(air_scenario(facility_flags={"helipad": False}, medical_team=True))
    assert times_of(result, "s")["resuscitation"] == approx(AIR_ROAD_ONLY_MIN)


@pytest.mark.parametrize(
    ("site_airstrip", "facility_airstrip", "surgery_min"),
    [(True, True, AIR_IN_CARE_MIN), (False, True, AIR_ROAD_ONLY_MIN), (True, False, AIR_ROAD_ONLY_MIN)],
)
def test_fixed_wing_needs_airstrips_at_both_ends(
    site_airstrip: bool, facility_airstrip: bool, surgery_min: float
) -> None:
    # Same numbers as the helicopter: P = 70, care at 115, or 272 by road.
    result = run(
        air_scenario(
            site_flags={"hls": True, "airstrip": site_airstrip},
            facility_flags={"helipad": True, "airstrip": facility_airstrip},
            kind="fixed_wing",
        )
    )
    assert times_of(result, "s")["surgery"] == approx(surgery_min)


def test_helicopter_cannot_use_an_airstrip_only_site() -> None:
    helicopter = run(air_scenario(site_flags={"hls": False, "airstrip": True}))
    assert times_of(helicopter, "s")["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    fixed_wing = run(
        air_scenario(
            site_flags={"hls": False, "airstrip": True},
            facility_flags={"airstrip": True},
            kind="fixed_wing",
        )
    )
    assert times_of(fixed_wing, "s")["surgery"] == approx(AIR_IN_CARE_MIN)


# -- availability -------------------------------------------------------------------------


def test_unavailable_airframe_is_not_used() -> None:
    result = run(air_scenario(medical_team=True, available=False))
    assert times_of(result, "s")["surgery"] == approx(AIR_ROAD_ONLY_MIN)
    assert "no airframe available (puma-1 unavailable)" in row_of(result, "s")["limiting_factor"]


def test_unavailable_airframe_named_beside_the_one_that_flies() -> None:
    # puma-2 would launch in 5 (P = 55) but is unserviceable; puma-1 flies: P = 70.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[
            airframe("puma-1", "f2", medical_team=True),
            airframe("puma-2", "f2", launch_day_min=5, medical_team=True, available=False),
        ],
        sites=[site("s", 120, first_responders=False)],
    )
    result = run(scenario)
    assert times_of(result, "s")["resuscitation"] == approx(AIR_AT_SITE_MIN)
    assert "unavailable: puma-2" in row_of(result, "s")["limiting_factor"]


# -- profiles, thresholds, rounding -------------------------------------------------------

# f2 (Level 2) at 0 km, f3 (Level 3) at 230 km, site at 30 km; 1 km a minute; no teams.
# Surgery at f2: 15 + 30 + 5 = 50. Primary surgery at f3: 15 + 200 + 5 = 220.


def levels_scenario(f3_level: str = "3", **parts: Any) -> Scenario:
    assert_km(on_equator(30), on_equator(230), 200.0)
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[
            facility("f2", 0, ground_team=False),
            facility("f3", 230, level=f3_level, ground_team=False),
        ],
        sites=[site("s", 30)],
        **parts,
    )


def test_un_profile_has_three_legs() -> None:
    document = run(levels_scenario()).to_json()
    assert document["standard"] == "un-10-1-2"
    assert document["thresholds"] == {"first_aid": 10, "resuscitation": 60, "surgery": 120}
    row = document["sites"][0]
    assert "primary_surgery_min" not in row
    assert set(row["meets"]) == {"first_aid", "resuscitation", "surgery"}


def test_nato_profile_adds_primary_surgery_at_level_3() -> None:
    result = run(levels_scenario(standard="nato-10-1-2-2"))
    document = result.to_json()
    assert document["thresholds"] == {
        "first_aid": 10,
        "resuscitation": 60,
        "surgery": 120,
        "primary_surgery": 240,
    }
    row = document["sites"][0]
    assert row["surgery_min"] == 50.0
    assert row["primary_surgery_min"] == 220.0
    assert row["pathway"]["primary_surgery"] == "road -> f3"
    assert row["meets_all"] is True


def test_nato_profile_without_level_3() -> None:
    result = run(levels_scenario(f3_level="2+", standard="nato-10-1-2-2"))
    row = row_of(result, "s")
    assert row["primary_surgery_min"] is None
    assert row["meets"]["primary_surgery"] is False
    assert row["pathway"]["primary_surgery"] is None
    assert "primary surgery: no pathway delivers it" in row["limiting_factor"]
    assert "no Level 3 facility in the scenario" in row["limiting_factor"]


def test_custom_thresholds() -> None:
    # Surgery 50 against 45: fails; primary surgery 220 against 200: fails.
    scenario = levels_scenario(
        standard="custom",
        thresholds={"first_aid": 10, "resuscitation": 60, "surgery": 45, "primary_surgery": 200},
    )
    document = run(scenario).to_json()
    assert document["standard"] == "custom"
    assert document["thresholds"] == {
        "first_aid": 10,
        "resuscitation": 60,
        "surgery": 45,
        "primary_surgery": 200,
    }
    row = document["sites"][0]
    assert row["meets"] == {
        "first_aid": True,
        "resuscitation": True,
        "surgery": False,
        "primary_surgery": False,
    }
    assert row["limiting_factor"].startswith("surgery: best is 50.0 min (limit 45), by road -> f2")


def test_custom_thresholds_without_primary_surgery_have_three_legs() -> None:
    scenario = levels_scenario(
        standard="custom", thresholds={"first_aid": 10, "resuscitation": 60, "surgery": 45.5}
    )
    document = run(scenario).to_json()
    assert document["thresholds"] == {"first_aid": 10, "resuscitation": 60, "surgery": 45.5}
    assert "primary_surgery_min" not in document["sites"][0]


@pytest.mark.parametrize(
    ("site_km", "reported_min", "meets"),
    [
        (30.0, 50.0, True),  # 15 + 30 + 5 = 50.0: equal to the threshold meets
        (30.04, 50.0, True),  # 50.04 is reported as 50.0, and judged on that
        (30.06, 50.1, False),  # 50.06 is reported as 50.1: over
    ],
)
def test_rounding_to_a_tenth_and_equal_meets(site_km: float, reported_min: float, meets: bool) -> None:
    assert_km(on_equator(0), on_equator(site_km), site_km)
    scenario = make_scenario(
        standard="custom",
        thresholds={"first_aid": 10, "resuscitation": 60, "surgery": 50},
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", site_km)],
    )
    row = row_of(run(scenario), "s")
    assert row["surgery_min"] == reported_min
    assert row["meets"]["surgery"] is meets


# -- the document as a whole --------------------------------------------------------------


def test_unreachable_is_null_and_fails() -> None:
    # No facility at all: only on-site first aid.
    scenario = make_scenario(sites=[site("s", 0, personnel=30)])
    document = run(scenario).to_json()
    row = document["sites"][0]
    assert row["first_aid_min"] == 5.0
    assert row["resuscitation_min"] is None
    assert row["surgery_min"] is None
    assert row["meets_all"] is False
    assert "resuscitation: no pathway delivers it" in row["limiting_factor"]
    assert document["summary"] == {
        "sites": 1,
        "sites_meeting_all": 0,
        "personnel": 30,
        "personnel_meeting_all": 0,
    }


def test_summary_counts_sites_and_personnel() -> None:
    # Near site (30 km, surgery 50) meets; far site (300 km, 320) does not.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("near", 30, personnel=100), site("far", 300, personnel=40)],
    )
    document = run(scenario).to_json()
    assert document["summary"] == {
        "sites": 2,
        "sites_meeting_all": 1,
        "personnel": 140,
        "personnel_meeting_all": 100,
    }
    assert [r["site_id"] for r in document["sites"]] == ["near", "far"]
    assert document["sites"][1]["surgery_min"] == 320.0


def test_patrol_share_meeting() -> None:
    # A 100 km patrol from f2 eastwards; roads 1 km a minute, no ground team; first
    # responders everywhere. Resuscitation at x km: 15 + x + 5 <= 60 for x <= 40.
    # Samples every 5 km stand for the stretch nearest to them; the sample at 40 km meets,
    # at 45 km does not, so the meeting stretch is [0, 42.5]: share 0.425.
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        patrols=[{"id": "east", "path": [on_equator(0), on_equator(100)]}],
    )
    share = run(scenario).to_json()["patrols"][0]
    assert share["patrol_id"] == "east"
    assert share["share_meeting"]["first_aid"] == 1.0
    assert share["share_meeting"]["resuscitation"] == pytest.approx(0.425, abs=1e-4)
    # Surgery likewise: 15 + x + 5 <= 120 for x <= 100: the whole route.
    assert share["share_meeting"]["surgery"] == 1.0


@pytest.mark.parametrize(
    ("on_site_min", "reported", "meets"),
    [
        (10.05, 10.1, False),  # half up (spec v1.1): 10.05 reports 10.1 and fails
        (9.95, 10.0, True),  # 9.95 reports 10.0 and meets
        (10.04, 10.0, True),
    ],
)
def test_rounding_half_up(on_site_min: float, reported: float, meets: bool) -> None:
    scenario = make_scenario(timeline={"first_aid_on_site": on_site_min}, sites=[site("s", 0)])
    row = row_of(run(scenario), "s")
    assert row["first_aid_min"] == reported
    assert row["meets"]["first_aid"] is meets


def test_multilinestring_patrol_gaps_are_not_route(tmp_path: Path) -> None:
    # Two pieces on the equator, 0-20 km and 80-100 km: 40 km of route, not 100. f2 at 0 km,
    # roads 1 km a minute, no ground team: surgery = 15 + x + 5 <= 120 for x <= 100 km, so
    # every point meets surgery; resuscitation within 60 needs x <= 40: the first piece only.
    route = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "split"},
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [
                        [[on_equator(0)["lon"], 0.0], [on_equator(20)["lon"], 0.0]],
                        [[on_equator(80)["lon"], 0.0], [on_equator(100)["lon"], 0.0]],
                    ],
                },
            }
        ],
    }
    (tmp_path / "route.geojson").write_text(json.dumps(route))
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("f2", 0, ground_team=False)],
        patrols=[{"id": "split", "path": {"file": "route.geojson"}}],
    ).with_source_dir(tmp_path)
    result = run(scenario)
    samples = result.patrols[0].samples
    assert samples.length_km == pytest.approx(40.0, abs=0.01)
    assert samples.piece.tolist() == [0] * 5 + [1] * 5  # 0, 5, ..., 20 and 80, ..., 100
    share = result.to_json()["patrols"][0]["share_meeting"]
    assert share["surgery"] == 1.0
    assert share["resuscitation"] == 0.5
    # The failing stretch is the second piece, km 20-40 of route, drawn from 80 to 100 km
    # east: never across the gap.
    [stretch] = failing_stretches(
        result.patrols[0], result.legs, patrol_pieces(scenario.patrols[0], tmp_path)
    )
    assert stretch.leg == "resuscitation"
    assert [stretch.start_km, stretch.end_km] == pytest.approx([20.0, 40.0], abs=1e-6)
    west, east = stretch.line.bounds[0], stretch.line.bounds[2]
    assert [west, east] == pytest.approx([on_equator(80)["lon"], on_equator(100)["lon"]])
