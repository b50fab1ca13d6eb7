"""The results table and its tallies, by hand on a line of places on the equator.

Ground at one km a minute (``ONE_KM_A_MINUTE``), default timeline (request 10, approval 10,
on scene 10, handover 5, ground departure 15, first aid on site 5). A Level 2 ``l2`` at km
0 and a Level 1 ``l1`` at km 120, both with ground teams; one day-only helicopter ``heli``
at ``l2``, 4 km a minute, launch 10 by day, a medical team on board: at a point k km from
l2 at 10 + 10 + 10 + k / 4.

- ``near`` (km 20, 50 people). First aid on site 5. Resuscitation: l2's ground team
  10 + 20 = 30 (the air team is there at 35). Surgery: road to l2 15 + 20 + 5 = 40.
- ``camp`` (km 120, 200 people, beside l1). Resuscitation: l1's ground team 10 + 0 = 10.
  Surgery by day: air from camp 60 + 10 + 30 + 5 = 105 (the road to l2 takes 140; road to
  l1 then air ties at max(15, 60) + 45 = 105 and the earlier pathway wins). At night heli is
  grounded: road, 140.
- ``far`` (km 300, 100 people, no landing site). Resuscitation: l1's ground team
  10 + 180 = 190. Surgery by day: road to l1 (180 km; camp ties and l1, a facility, comes
  first) then air: max(15 + 180, 60) + 10 + 30 + 5 = 240; at night road to l2, 320.

Meeting, day: first aid 3 sites (350 people), resuscitation and surgery 2 (250), every leg
2 (250). Night: surgery 1 (50), every leg 1 (50).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ONE_KM_A_MINUTE, airframe, facility, make_scenario, on_equator, site

from medevac import messages
from medevac.check import CheckResult, check, judge, reported_min
from medevac.explain import explain
from medevac.geo import FloatArray
from medevac.ground import GeodesicRouter
from medevac.model import Scenario, Season
from medevac.results import ALL_LEGS, COLUMNS, Results, condition_name
from medevac.scenario import load_scenario
from medevac.standards import LEG_LABEL
from medevac.timeline import Engine, Pathway
from medevac.whatif import compare, first_failed_leg, gap_rows, leg_summary, variant_table

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def line() -> Scenario:
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, "2"), facility("l1", 120, "1")],
        airframes=[airframe("heli", "l2", launch_day_min=10.0, medical_team=True)],
        sites=[
            site("near", 20, personnel=50, name="Near post"),
            site("camp", 120, personnel=200, kind="camp"),
            site("far", 300, personnel=100, hls=False),
        ],
    )


@pytest.fixture(scope="module")
def day() -> CheckResult:
    return check(line())


@pytest.fixture(scope="module")
def night() -> CheckResult:
    return check(line(), light="night")


def row(results: Results, condition: str, site_id: str, leg: str) -> dict[str, Any]:
    table = results.table
    found = table[(table["condition"] == condition) & (table["site_id"] == site_id) & (table["leg"] == leg)]
    assert len(found) == 1
    return dict(found.iloc[0])


# -- the table ---------------------------------------------------------------------------------


def test_one_row_per_condition_site_and_leg_in_order(day: CheckResult, night: CheckResult) -> None:
    results = Results([day, night])
    table = results.table
    assert tuple(table.columns) == COLUMNS
    assert results.conditions == ("day-dry", "night-dry")
    assert len(table) == 2 * 3 * 3
    assert list(table["condition"][:9]) == ["day-dry"] * 9
    assert list(table["site_id"][:9]) == ["near"] * 3 + ["camp"] * 3 + ["far"] * 3
    assert list(table["leg"][:3]) == ["first_aid", "resuscitation", "surgery"]
    assert set(zip(table["light"], table["season"], strict=True)) == {("day", "dry"), ("night", "dry")}
    assert list(table["site_name"][:9:3]) == ["Near post", "", ""]
    assert list(table["site_kind"][:9:3]) == ["other", "camp", "other"]
    assert list(table["personnel"][:9:3]) == [50, 200, 100]
    assert list(table["threshold_min"][:3]) == [10.0, 60.0, 120.0]


def test_rows_by_hand(day: CheckResult, night: CheckResult) -> None:
    results = Results([day, night])
    expected = {
        ("day-dry", "near", "first_aid"): (5.0, True, "on_site", None, None, None),
        ("day-dry", "near", "resuscitation"): (30.0, True, "ground_team", None, "l2", None),
        ("day-dry", "near", "surgery"): (40.0, True, "road", None, "l2", None),
        ("day-dry", "camp", "resuscitation"): (10.0, True, "ground_team", None, "l1", None),
        ("day-dry", "camp", "surgery"): (105.0, True, "air", "heli", "l2", None),
        ("day-dry", "far", "resuscitation"): (190.0, False, "ground_team", None, "l1", None),
        ("day-dry", "far", "surgery"): (240.0, False, "road_air", "heli", "l2", "l1"),
        ("night-dry", "camp", "surgery"): (140.0, False, "road", None, "l2", None),
        ("night-dry", "far", "surgery"): (320.0, False, "road", None, "l2", None),
    }
    for (condition, site_id, leg), (minutes, meets, pathway, plane, place, via) in expected.items():
        got = row(results, condition, site_id, leg)
        assert got["time_min"] == pytest.approx(minutes), (condition, site_id, leg)
        assert got["meets"] is meets or got["meets"] == meets
        assert (got["pathway"], got["airframe_id"], got["facility_id"], got["pickup_id"]) == (
            pathway,
            plane,
            place,
            via,
        ), (condition, site_id, leg)
        assert got["carry_km"] == 0.0  # the no-roads estimate never carries
        assert (got["reasons"] == ()) is meets


def test_unreachable_is_nan_and_pathway_none() -> None:
    scenario = make_scenario(facilities=[facility("l1", 0, "1")], sites=[site("s", 10, personnel=5)])
    results = check(scenario).results
    surgery = row(results, "day-dry", "s", "surgery")
    assert math.isnan(surgery["time_min"])
    assert surgery["pathway"] == "none" and surgery["airframe_id"] is None and surgery["facility_id"] is None
    assert surgery["meets"] == False  # noqa: E712 (a numpy bool)
    assert [r.code for r in surgery["reasons"]] == ["no_facility_level"]


def test_reasons_column_is_the_explanations(day: CheckResult) -> None:
    explanations = explain(day)
    table = day.results.table
    for s, site_id in enumerate(["near", "camp", "far"]):
        for leg in day.legs:
            found = table[(table["site_id"] == site_id) & (table["leg"] == leg)].iloc[0]
            assert found["reasons"] == explanations.get((s, leg), ())
    assert set(explanations) == {(2, "resuscitation"), (2, "surgery")}


def test_the_table_is_frozen(day: CheckResult) -> None:
    results = day.results
    table = results.table
    table["time_min"] = 0.0
    table.loc[0, "site_id"] = "changed"
    assert results.table["time_min"].iloc[1] == 30.0
    assert results.table["site_id"].iloc[0] == "near"
    with pytest.raises(AttributeError):
        results.extra = 1
    with pytest.raises(TypeError):
        results.records()[0]["meets"] = False  # type: ignore[index]
    with pytest.raises(ValueError, match="one check per light and season"):
        Results([day, day])


def test_a_check_has_one_results_and_views_share_it(day: CheckResult) -> None:
    assert Results.of(day) is day.results is day.results
    assert Results([day]).table.equals(day.results.table)


# -- tallies -------------------------------------------------------------------------------


def test_leg_tallies_by_hand(day: CheckResult, night: CheckResult) -> None:
    tallies = Results([day, night]).leg_tallies()
    got = {
        (r["condition"], r["leg"]): (r["sites_meeting"], r["sites"], r["personnel_meeting"], r["personnel"])
        for r in tallies.to_dict("records")
    }
    assert got == {
        ("day-dry", "first_aid"): (3, 3, 350, 350),
        ("day-dry", "resuscitation"): (2, 3, 250, 350),
        ("day-dry", "surgery"): (2, 3, 250, 350),
        ("day-dry", ALL_LEGS): (2, 3, 250, 350),
        ("night-dry", "first_aid"): (3, 3, 350, 350),
        ("night-dry", "resuscitation"): (2, 3, 250, 350),
        ("night-dry", "surgery"): (1, 3, 50, 350),
        ("night-dry", ALL_LEGS): (1, 3, 50, 350),
    }
    assert math.isnan(tallies[tallies["leg"] == ALL_LEGS]["threshold_min"].iloc[0])


def test_summary_is_the_spec_summary(day: CheckResult, night: CheckResult) -> None:
    results = Results([day, night])
    assert results.summary("day-dry") == {
        "sites": 3,
        "sites_meeting_all": 2,
        "personnel": 350,
        "personnel_meeting_all": 250,
    }
    assert results.summary("night-dry")["personnel_meeting_all"] == 50
    assert night.summary() == results.summary("night-dry") == night.to_json()["summary"]
    with pytest.raises(ValueError, match="name a condition"):
        results.summary()


def test_site_tallies_gaps_and_order(day: CheckResult, night: CheckResult) -> None:
    results = Results([day, night])
    sites = results.site_tallies("night-dry")
    assert list(sites["site_id"]) == ["near", "camp", "far"]
    assert list(sites["meets_all"]) == [True, False, False]
    assert list(sites["first_failed_leg"]) == [None, "surgery", "resuscitation"]
    # far at night: resuscitation 190 - 60 = 130 over, surgery 320 - 120 = 200 over.
    assert list(sites["worst_leg"]) == [None, "surgery", "surgery"]
    assert list(sites["shortfall_min"]) == [0.0, 20.0, 200.0]
    assert list(sites["failing_legs"]) == [(), ("surgery",), ("resuscitation", "surgery")]
    assert list(results.gaps("night-dry")["site_id"]) == ["far", "camp"]
    assert list(results.worst_first("night-dry")["site_id"]) == ["far", "camp", "near"]
    by_day = results.gaps("day-dry")
    assert list(by_day["site_id"]) == ["far"]
    assert by_day["worst_leg"].iloc[0] == "resuscitation" and by_day["shortfall_min"].iloc[0] == 130.0


def test_no_pathway_sorts_first_then_personnel() -> None:
    """No Level 2: surgery has no pathway anywhere (infinite shortfall); far (100 people)
    sorts before near (50), and both before any finite shortfall."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l1", 0, level="1")],
        sites=[site("near", 20, personnel=50), site("far", 300, personnel=100)],
    )
    gaps = check(scenario).results.gaps()
    assert list(gaps["site_id"]) == ["far", "near"]
    assert np.isinf(gaps["shortfall_min"]).all()


def test_compare_day_against_night(day: CheckResult, night: CheckResult) -> None:
    deltas = {d.leg: d for d in day.results.compare(night.results)}
    surgery = deltas["surgery"]
    assert (surgery.sites_before, surgery.sites_after) == (2, 1)
    assert (surgery.personnel_before, surgery.personnel_after) == (250, 50)
    assert surgery.sites_lost == ("camp",) and surgery.sites_gained == ()
    assert surgery.personnel_lost == 200
    assert {c.site_id: (c.before_min, c.after_min) for c in surgery.changed} == {
        "camp": (105.0, 140.0),
        "far": (240.0, 320.0),
    }
    assert deltas["resuscitation"].changed == ()  # ground teams by day and night
    both = Results([day, night])
    assert both.compare(both, "day-dry", "night-dry") == day.results.compare(night.results)
    assert set(both.compare_all(both)) == {"day-dry", "night-dry"}


def test_whatif_views_are_the_tallies(day: CheckResult, night: CheckResult) -> None:
    summary = {r["leg"]: r for r in leg_summary(night)}
    assert (summary["surgery"]["sites_meeting"], summary["surgery"]["personnel_meeting"]) == (1, 50)
    assert summary["surgery"]["personnel_share"] == pytest.approx(50 / 350)
    assert first_failed_leg(night) == [None, "surgery", "resuscitation"]
    gaps = gap_rows(night)
    assert [(g["site_id"], g["shortfall_min"], g["failing_legs"]) for g in gaps] == [
        ("far", 200.0, "resuscitation, surgery"),
        ("camp", 20.0, "surgery"),
    ]
    assert gaps[1]["surgery_min"] == 140.0 and gaps[1]["name"] == "camp"
    assert gaps[0]["limiting_factor"] == night.limiting_factor(2)
    table = variant_table({"day": day, "night": night})
    assert [r["surgery: sites"] for r in table] == [2, 1]
    assert [r["all legs: personnel"] for r in table] == [250, 50]
    assert compare(day, night) == day.results.compare(night.results)


def test_results_from_conditions_take_each_checks_rows(day: CheckResult, night: CheckResult) -> None:
    results = Results.from_conditions({("day", "dry"): day, ("night", "dry"): night})
    assert results.conditions == (condition_name("day", "dry"), condition_name("night", "dry"))
    rows = results.rows("night-dry")
    assert rows.equals(night.results.rows())
    reasons = results.reasons()
    assert set(reasons["condition"]) == {"day-dry", "night-dry"}
    assert all(r.code == code for r, code in zip(reasons["reason"], reasons["code"], strict=True))


@pytest.mark.parametrize("path", DEMOS)
def test_records_are_the_tables_rows_and_each_view_reads_the_same(path: Path) -> None:
    """Records, tallies and gaps are made from the checks' arrays without the table; each must
    say what the table's own rows say (NaN where no pathway delivers)."""
    scenario = load_scenario(path)
    for light in ("day", "night"):
        result = check(scenario, light=light, season="wet")
        results = Results.of(result)
        rows = results.rows().to_dict("records")
        records = [dict(r) for r in results.records()]
        assert len(records) == len(rows)
        for mine, theirs in zip(records, rows, strict=True):
            assert mine.keys() == theirs.keys()
            for key, value in mine.items():
                if isinstance(value, float) and math.isnan(value):
                    assert math.isnan(theirs[key])
                else:
                    assert value == theirs[key] and type(value) is type(theirs[key]), key
        table = results.table
        tallies = {r["site_id"]: r for r in results.site_tally_records()}
        for site_id, site_rows in table.groupby("site_id", sort=False):
            assert tallies[site_id]["meets_all"] == bool(site_rows["meets"].all())
            assert tallies[site_id]["failing_legs"] == tuple(site_rows.loc[~site_rows["meets"], "leg"])
        assert [g["site_id"] for _, g in results.gap_records()] == list(results.gaps()["site_id"])
        assert [r["sites_meeting"] for r in results.leg_tally_records(all_legs=False)] == [
            int(table.loc[table["leg"] == leg, "meets"].sum()) for leg in result.legs
        ]


# -- carried on foot ------------------------------------------------------------------------


class CarryingRouter(GeodesicRouter):
    """The no-roads estimate, but ``near`` and ``l2`` are 3.2 km apart on foot (a stand-in for
    a road router whose quickest route between them is a carry)."""

    def carry_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
    ) -> FloatArray:
        near, l2 = on_equator(20)["lon"], on_equator(0)["lon"]
        pair = {round(near, 9), round(l2, 9)}
        out = np.zeros((len(from_lat_deg), len(to_lat_deg)))
        for i, a in enumerate(from_lon_deg):
            for j, b in enumerate(to_lon_deg):
                if {round(float(a), 9), round(float(b), 9)} == pair:
                    out[i, j] = 3.2
        return out


def test_carry_km_on_the_winning_road_legs_and_in_the_pathway_text() -> None:
    scenario = line()
    result = check(scenario, router=CarryingRouter(scenario.ground))
    results = result.results
    assert row(results, "day-dry", "near", "surgery")["carry_km"] == 3.2  # road -> l2
    assert row(results, "day-dry", "near", "resuscitation")["carry_km"] == 3.2  # l2's ground team
    assert row(results, "day-dry", "near", "first_aid")["carry_km"] == 0.0  # on site
    assert row(results, "day-dry", "camp", "surgery")["carry_km"] == 0.0  # by air
    document = result.to_json()["sites"][0]
    assert document["pathway"]["surgery"] == "road -> l2 (on foot 3.2 km)"
    assert document["pathway"]["resuscitation"] == "ground team from l2 (on foot 3.2 km)"


# -- the check's JSON, from the table --------------------------------------------------------


def _old_pathway_text(
    engine: Engine, pathway: Pathway, airframe: int, facility: int, pickup: int
) -> str | None:
    """check.describe_route as it was before the results table: the reference."""
    a = engine.assets
    plane = a.airframe_ids[airframe] if airframe >= 0 else "?"
    place = a.facility_ids[facility] if facility >= 0 else "?"
    via = a.pickup_ids[pickup] if pickup >= 0 else "?"
    return {
        Pathway.NONE: None,
        Pathway.ON_SITE: "first responders on site",
        Pathway.ROAD: f"road -> {place}",
        Pathway.GROUND_TEAM: f"ground team from {place}",
        Pathway.GROUND_TEAM_BACK: f"ground team from {place}, back by road -> {place}",
        Pathway.AIR_TEAM: f"air {plane} (team on board)",
        Pathway.AIR: f"air {plane} -> {place}",
        Pathway.ROAD_AIR_TEAM: f"road to {via}, air {plane} (team on board)",
        Pathway.ROAD_AIR: f"road to {via}, air {plane} -> {place}",
    }[pathway]


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_demo_json_is_what_the_engine_says(path: Path) -> None:
    """Times, verdicts, pathways and the heads of the limiting factors are as before the
    table (from the engine's arrays directly); the reasons are the table's records."""
    scenario = load_scenario(path)
    for light in ("day", "night"):
        result = check(scenario, light=light)
        document = json.loads(json.dumps(result.to_json()))
        reported = reported_min(result.times.time_min)
        meets = judge(result.times.time_min, result.standard)
        for s, site_row in enumerate(document["sites"]):
            heads = []
            for i, leg in enumerate(result.legs):
                t = float(reported[i, s])
                assert site_row[f"{leg}_min"] == (t if np.isfinite(t) else None)
                assert site_row["meets"][leg] is bool(meets[i, s])
                old = _old_pathway_text(
                    result.engine,
                    Pathway(int(result.times.pathway[i, s])),
                    int(result.times.airframe[i, s]),
                    int(result.times.facility[i, s]),
                    int(result.times.pickup[i, s]),
                )
                # A road leg that is a carry on foot says so (roads layers); the rest is as before.
                assert re.sub(r" \(on foot [0-9.]+ km\)", "", site_row["pathway"][leg] or "") == (old or "")
                if not meets[i, s]:
                    limit = messages.number(result.standard.thresholds_min[leg])
                    heads.append(
                        f"{LEG_LABEL[leg]}: best is {t:.1f} min (limit {limit}), by {old}"
                        if np.isfinite(t)
                        else f"{LEG_LABEL[leg]}: no pathway delivers it"
                    )
            if not heads:
                assert site_row["limiting_factor"] is None
                continue
            reasons = [r for rec in result.results.site_records(s) for r in rec["reasons"]]
            expected = "; ".join(heads + messages.reasons_text(reasons))
            assert re.sub(r" \(on foot [0-9.]+ km\)", "", site_row["limiting_factor"]) == expected
