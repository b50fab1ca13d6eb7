"""Explanation records by hand: a reason is given only when its change matters to that leg.

Every scenario sits on the equator (see ``conftest``); roads at one km a minute unless a
test says otherwise; default timeline (request 10, approval 10, on scene 10, handover 5,
ground departure 15, first aid on site 5). Airframes fly 4 km a minute: one launching in L
minutes is at a point k km from its base at 10 + 10 + L + k / 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import ONE_KM_A_MINUTE, airframe, facility, make_scenario, site

from medevac import messages
from medevac.check import CheckResult, check, reported_min
from medevac.explain import (
    REASON_CODES,
    Change,
    Numbers,
    Reason,
    _road_access,
    changed_min,
    explain,
)
from medevac.ground import AccessProblem
from medevac.messages import REASONS
from medevac.model import Scenario
from medevac.report.factors import group_findings, limiting_factors
from medevac.report.summary import check_conditions
from medevac.results import Results
from medevac.scenario import dump_scenario
from medevac.whatif import SetAirframe, apply_edits


def reasons_of(result: CheckResult, site_id: str) -> dict[str, tuple[Reason, ...]]:
    s = [x.id for x in result.scenario.sites].index(site_id)
    return {leg: reasons for (i, leg), reasons in explain(result).items() if i == s}


def codes_of(result: CheckResult, site_id: str) -> dict[str, list[str]]:
    return {leg: [r.code for r in reasons] for leg, reasons in reasons_of(result, site_id).items()}


def text_of(result: CheckResult, site_id: str) -> str:
    s = [x.id for x in result.scenario.sites].index(site_id)
    return result.limiting_factor(s) or ""


def minutes(result: CheckResult, site_id: str) -> Any:
    s = [x.id for x in result.scenario.sites].index(site_id)
    return reported_min(result.times.time_min[:, s])


# -- an asset is named only where changing it alone helps ---------------------------------------


def spare_scenario() -> Scenario:
    """heli (launch 60) flies from l2; spare (launch 20, range 120 km) is unserviceable.

    close (km 50): by road in care at l2 at 15 + 50 + 5 = 70, heli there at 10 + 10 + 60 +
    12.5 = 92.5: resuscitation fails (70); spare, returned to service, would be there at
    10 + 10 + 20 + 12.5 = 52.5 (sortie 50 + 50 = 100 km, within 120).
    distant (km 400): heli at 10 + 10 + 60 + 100 = 180, in care at 180 + 10 + 100 + 5 = 295.
    spare cannot fly there (800 km), and by road to close then spare: 15 + 350 = 365, in
    care at 380: later. By road to l2: 15 + 400 + 5 = 420.
    """
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        airframes=[
            airframe("heli", "l2", launch_day_min=60.0, medical_team=True),
            airframe("spare", "l2", range_km=120.0, medical_team=True, available=False),
        ],
        sites=[site("close", 50), site("distant", 400)],
    )


def test_unavailable_is_named_only_where_it_could_serve() -> None:
    scenario = spare_scenario()
    result = check(scenario)
    restored = check(apply_edits(scenario, [SetAirframe("spare", available=True)]))
    # By the model, independently of the explanations: spare helps close, not distant.
    assert (minutes(restored, "close") < minutes(result, "close")).any()
    assert (minutes(restored, "distant") >= minutes(result, "distant")).all()
    assert minutes(result, "close")[1] == 70.0 and minutes(restored, "close")[1] == 52.5
    assert "unavailable: spare" in text_of(result, "close")
    assert "spare" not in text_of(result, "distant")
    close = reasons_of(result, "close")["resuscitation"]
    assert Reason("unavailable", "resuscitation", ("spare",), alone_meets=True) in close


def test_unavailable_is_not_named_on_a_first_aid_failure() -> None:
    """post (km 30) has no first responders: first aid by l2's ground team at 10 + 30 = 40.
    spare, returned to service, would be there at 10 + 10 + 20 + 7.5 = 47.5: no better.
    First responders on site would give 5: that is the reason, and alone it meets."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0)],
        airframes=[airframe("spare", "l2", medical_team=True, available=False)],
        sites=[site("post", 30, first_responders=False)],
    )
    result = check(scenario)
    assert minutes(result, "post").tolist() == [40.0, 40.0, 50.0]
    assert codes_of(result, "post") == {"first_aid": ["no_first_responders"]}
    (reason,) = reasons_of(result, "post")["first_aid"]
    assert reason == Reason(
        "no_first_responders", "first_aid", ("post",), {"first_aid_on_site_min": 5.0}, True
    )
    head = "first aid: best is 40.0 min (limit 10), by ground team from l2"
    assert text_of(result, "post") == f"{head}; first aid: no first responders at post"


def test_launch_time_by_hand() -> None:
    """heli launches in 30; site s at km 120, no ground team, roads 140 min.
    Resuscitation: team on board at 10 + 10 + 30 + 30 = 80 (over 60); launched at once 50
    (meets); approval at once 70 (still over). Surgery: 80 + 10 + 30 + 5 = 125 (over 120);
    launched at once 95, approval at once 115: either alone meets."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        airframes=[airframe("heli", "l2", launch_day_min=30.0, medical_team=True)],
        sites=[site("s", 120)],
    )
    result = check(scenario)
    assert minutes(result, "s").tolist() == [5.0, 80.0, 125.0]
    assert codes_of(result, "s") == {
        "resuscitation": ["launch_time"],
        "surgery": ["launch_time", "approval_time"],
    }
    launch = reasons_of(result, "s")["surgery"][0]
    assert launch.assets == ("heli",) and launch.numbers == {"launch_min": 30.0} and launch.alone_meets
    assert text_of(result, "s") == (
        "resuscitation: best is 80.0 min (limit 60), by air heli (team on board); "
        "surgery: best is 125.0 min (limit 120), by air heli -> l2; "
        "launch: meets if heli launched at once (now 30 min); "
        "approval: meets if launch were authorised at once (now 10 min)"
    )


def range_scenario(short_launch_min: float) -> Scenario:
    """s at km 200; long (range 1000) launches in 30: there at 10 + 10 + 30 + 50 = 100;
    short (range 399: the sortie is 400 km) launches in ``short_launch_min``."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        airframes=[
            airframe("long", "l2", launch_day_min=30.0, medical_team=True),
            airframe("short", "l2", range_km=399.0, launch_day_min=short_launch_min, medical_team=True),
        ],
        sites=[site("s", 200)],
    )


def test_out_of_range_is_named_only_when_more_range_would_help() -> None:
    # short launching in 40 would be there at 110, later than long: more range, no gain.
    slow = check(range_scenario(40.0))
    assert "out of range" not in text_of(slow, "s")
    # short launching in 5 would be there at 75 instead of 100: named, with the numbers.
    quick = check(range_scenario(5.0))
    (reason,) = [r for r in reasons_of(quick, "s")["resuscitation"] if r.code == "out_of_range"]
    assert reason.assets == ("short", "l2")
    assert (
        reason.numbers["flown_km"] == pytest.approx(400.0, abs=0.01) and reason.numbers["range_km"] == 399.0
    )
    assert not reason.alone_meets  # 75 is still over 60
    assert "out of range: short would fly 400 km, range 399 (to l2)" in text_of(quick, "s")


def night_scenario(puma_2_night_launch_min: float) -> Scenario:
    """puma-1 flies at night (launch 60); puma-2 is day-only. s at km 120, no ground team."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        airframes=[
            {**airframe("puma-1", "l2", night=True, medical_team=True), "launch": {"day": 30, "night": 60}},
            {
                **airframe("puma-2", "l2", medical_team=True),
                "launch": {"day": 30, "night": puma_2_night_launch_min},
            },
        ],
        sites=[site("s", 120)],
    )


def test_not_night_capable_is_named_only_when_it_would_do_better() -> None:
    """At night puma-1 is at s at 10 + 10 + 60 + 30 = 110. puma-2 made night-capable with a
    night launch of 60 would be there at 110 too: not named. With 30, at 80: named."""
    same = check(night_scenario(60.0), light="night")
    assert "not night-capable" not in text_of(same, "s")
    faster = check(night_scenario(30.0), light="night")
    assert "night: puma-2 not night-capable" in text_of(faster, "s")
    assert codes_of(faster, "s")["resuscitation"][0] == "not_night_capable"


def test_wet_season_by_hand() -> None:
    """s at km 40 by road only: dry 15 + 40 + 5 = 60 (resuscitation meets); wet, half speed,
    15 + 80 + 5 = 100 (fails): the dry season alone would make it meet."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        sites=[site("s", 40)],
    )
    wet = check(scenario, season="wet")
    assert minutes(wet, "s").tolist() == [5.0, 100.0, 100.0]
    assert codes_of(wet, "s") == {"resuscitation": ["no_airframe", "wet_season"]}
    assert text_of(wet, "s").endswith("; no airframe in the scenario; wet season: meets in the dry season")
    assert explain(check(scenario, season="dry")) == {}


def test_no_landing_site_and_out_of_reach() -> None:
    """t (km 100) has no landing site and heli launches in 20: by road to l2 and heli is
    not needed (15 + 100 + 5 = 120: surgery meets; resuscitation 120 fails). A landing site
    at t: heli there at 10 + 10 + 20 + 25 = 65, better, still over 60; and with every change
    at once (launch and approval at once) 10 + 25 = 35: several changes together."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        airframes=[airframe("heli", "l2", medical_team=True)],
        sites=[site("t", 100, hls=False)],
    )
    result = check(scenario)
    assert codes_of(result, "t") == {"resuscitation": ["no_helicopter_landing_site", "combined"]}
    assert "landing: no helicopter landing site at t, casualties must first go by road" in text_of(
        result, "t"
    )
    far = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, ground_team=False)],
        sites=[site("u", 1000)],
    )
    assert codes_of(check(far), "u") == {
        "resuscitation": ["no_airframe", "out_of_reach"],
        "surgery": ["no_airframe", "out_of_reach"],
    }
    assert text_of(check(far), "u").endswith(
        "no Level 1 within reach of the assets as placed; no Level 2 within reach of the assets as placed"
    )


# -- the counterfactual itself ------------------------------------------------------------------


def test_changed_min_is_the_check_of_the_changed_scenario() -> None:
    scenario = spare_scenario()
    result = check(scenario)
    sites = np.arange(len(scenario.sites))
    same, _ = changed_min(result, Change(), sites)
    np.testing.assert_array_equal(same, reported_min(result.times.time_min))
    restored, winners = changed_min(result, Change(available=("spare",)), sites)
    again = check(apply_edits(scenario, [SetAirframe("spare", available=True)]))
    np.testing.assert_array_equal(restored, reported_min(again.times.time_min))
    np.testing.assert_array_equal(winners, again.times.airframe)


def test_a_change_never_touches_the_scenario() -> None:
    scenario = spare_scenario()
    before = dump_scenario(scenario)
    changed = Change(
        available=("spare",),
        night=("heli",),
        unlimited_range=("spare",),
        launch_at_once=("heli",),
        approval_at_once=True,
        landing_everywhere=True,
    ).scenario(scenario)
    assert dump_scenario(scenario) == before
    assert changed.airframes[1].available and changed.airframes[1].range_km == 45_000.0
    assert changed.airframes[0].launch.minutes("night") == 0.0 and changed.timeline.approval == 0.0
    assert Change().scenario(scenario) is scenario


# -- records ---------------------------------------------------------------------------------


def test_reasons_are_frozen_hashable_records() -> None:
    a = Reason("out_of_range", "surgery", ("puma-1", "gao-l2"), {"flown_km": 612.0, "range_km": 570.0})
    b = Reason("out_of_range", "surgery", ["puma-1", "gao-l2"], Numbers(range_km=570, flown_km=612))  # type: ignore[arg-type]
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a.numbers == {"flown_km": 612.0, "range_km": 570.0} and a.numbers["range_km"] == 570.0
    with pytest.raises(AttributeError):
        a.code = "unavailable"  # type: ignore[misc]
    assert messages.reason_text(a) == "out of range: puma-1 would fly 612 km, range 570 (to gao-l2)"


def test_every_code_has_words_and_a_group_name() -> None:
    assert set(REASONS) == set(REASON_CODES) == set(messages.FACTOR_NAME) == set(messages.FACTOR_MEANING)


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            AccessProblem("no_road_nearby", {"max_snap_km": 10.0, "nearest_km": 33.94}),
            "no road within 10 km (nearest 33.9 km)",
        ),
        (
            AccessProblem("no_facility_near_road", {"max_snap_km": 10.0}),
            "no facility is within 10 km of a road",
        ),
        (AccessProblem("road_closed"), "its nearest road is closed"),
        (AccessProblem("road_closed_wet"), "its nearest road is closed in the wet season"),
        (
            AccessProblem("road_cut_wet"),
            "in the wet season its road does not connect to any facility (roads closed)",
        ),
        (AccessProblem("road_not_connected"), "its road does not connect to any facility"),
    ],
)
def test_the_road_routers_records_become_reasons_and_words(problem: AccessProblem, text: str) -> None:
    (reason,) = _road_access(problem)("surgery")
    assert (reason.code, dict(reason.numbers), reason.leg) == (problem.code, dict(problem.numbers), "surgery")
    assert messages.reason_text(reason) == f"roads: {text}"
    assert _road_access(None)("surgery") == []


# -- the report's grouped factors are the records ----------------------------------------------


def test_report_groups_are_the_records_codes() -> None:
    scenario = spare_scenario()
    results = Results.from_conditions(check_conditions(scenario))
    findings = limiting_factors(results)
    groups = group_findings(findings)
    records = results.reasons()
    assert {g.factor for g in groups} == set(records["code"])
    for group in groups:
        mine = {(f.condition, f.site_id, f.leg) for f in group.findings}
        theirs = {
            ((r["light"], r["season"]), r["site_id"], r["leg"])
            for r in records[records["code"] == group.factor].to_dict("records")
        }
        assert mine == theirs, group.factor
    # Each failing leg's text is made of the same records.
    for finding in findings:
        check_result = results.check(f"{finding.condition[0]}-{finding.condition[1]}")
        s = [x.id for x in scenario.sites].index(finding.site_id)
        text = check_result.limiting_factor(s) or ""
        for reason in finding.reasons:
            if reason.code not in ("unavailable", "not_night_capable", "no_airframe_available"):
                assert messages.reason_text(reason) in text


def _with_sites(scenario: Scenario, **flags: bool) -> Scenario:
    return scenario.model_copy(update={"sites": tuple(s.model_copy(update=flags) for s in scenario.sites)})


@pytest.mark.parametrize("demo", ["minusma-north.yaml", "unmiss.yaml"])
@pytest.mark.parametrize(("light", "season"), [("day", "dry"), ("night", "wet")])
def test_every_change_re_checked_on_the_engine_equals_the_check_of_the_changed_scenario(
    demo: str, light: str, season: str
) -> None:
    """changed_min changes arrays of the check's engine (no new scenario, no new distances):
    each kind of change, and all of them at once, gives what a check of the changed scenario
    gives, at every site, with road layers."""
    from pathlib import Path

    from medevac.scenario import load_scenario

    scenario = load_scenario(Path(__file__).parent.parent / "scenarios" / demo)
    result = check(scenario, light=light, season=season)  # type: ignore[arg-type]
    ids = tuple(a.id for a in scenario.airframes)
    half = ids[::2]
    changes = [
        Change(available=ids),
        Change(night=half),
        Change(unlimited_range=half),
        Change(launch_at_once=ids),
        Change(approval_at_once=True),
        Change(landing_everywhere=True),
        Change(landing_here=True),
        Change(first_responders=True),
        Change(season="dry"),
        Change(light="day"),
        Change(
            available=ids,
            night=ids,
            unlimited_range=ids,
            launch_at_once=ids,
            approval_at_once=True,
            landing_here=True,
            landing_everywhere=True,
            first_responders=True,
            season="dry",
        ),
    ]
    sites = np.arange(len(scenario.sites))
    for change in changes:
        times, winners = changed_min(result, change, sites)
        each_site: list[int | None] = [int(s) for s in sites] if change.landing_here else [None]
        for s in each_site:
            # A landing site "here" is at the re-checked site only: checked one site at a time.
            changed = change.scenario(scenario)
            if s is not None:
                sites_now = list(changed.sites)
                sites_now[s] = sites_now[s].model_copy(update={"hls": True, "airstrip": True})
                changed = changed.model_copy(update={"sites": tuple(sites_now)})
            if change.first_responders:
                changed = _with_sites(changed, first_responders=True)
            expected = check(changed, light=change.light or light, season=change.season or season)  # type: ignore[arg-type]
            at = slice(None) if s is None else slice(s, s + 1)
            np.testing.assert_array_equal(
                times[:, at], reported_min(expected.times.time_min)[:, at], err_msg=str(change)
            )
            np.testing.assert_array_equal(winners[:, at], expected.times.airframe[:, at], err_msg=str(change))
