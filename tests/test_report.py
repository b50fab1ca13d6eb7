"""Gap reports: figures, limiting factors and recommendations by hand, every output read back.

The fixture is a line of places on the equator, ground at one km a minute in the dry season
(``ONE_KM_A_MINUTE``) and half that in the wet (default ``wet_season_factor`` 0.5), default
timeline (request 10, approval 10, on scene 10, handover 5, ground departure 15, first aid
5). A Level 2 ``l2`` at km 0, a Level 1 ``l1`` at km 120, one day-only helicopter ``heli``
at ``l2`` flying 4 km a minute with a medical team, launch 20 min: wheels-up at 40 min.

Hand arithmetic, minutes from wounding (resuscitation / surgery):

- ``near`` (km 50, 100 people). Day: air team 40 + 50/4 = 52.5; surgery by road to l2
  15 + 50 + 5 = 70. Night: ground team from l2 10 + 50 = 60; road 70. Wet night: ground
  team 10 + 100 = 110 (fails), road 15 + 100 + 5 = 120 (meets: equal).
- ``mid`` (km 120, 200 people, beside l1). Resuscitation: l1's ground team 10 + 0 = 10.
  Surgery by day: air 40 + 120/4 = 70 at mid, + 10 + 30 + 5 = 115. At night by road:
  15 + 120 + 5 = 140 (dry), 15 + 240 + 5 = 260 (wet): fails.
- ``far`` (km 200, 300 people). Day dry: l1's ground team 10 + 80 = 90 = air team
  40 + 200/4; surgery by road to l1 then air: max(15 + 80, 40 + 30) + 10 + 30 + 5 = 140.
  Fails both legs in every condition.

Meeting every leg (sites, personnel): day dry near+mid (2, 300); night dry near (1, 100);
day wet near+mid (2, 300); night wet none (0, 0).
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from conftest import ONE_KM_A_MINUTE, airframe, facility, make_scenario, on_equator, site
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from medevac.check import check, reported_min
from medevac.cli import main
from medevac.model import Scenario
from medevac.planning.candidates import facility_places
from medevac.report.analysis import ReportData, analyse
from medevac.report.build import OUTPUTS, write_report
from medevac.report.factors import group_findings, limiting_factors
from medevac.report.recommend import recommend
from medevac.report.summary import (
    CONDITIONS,
    CachedRouter,
    Condition,
    check_conditions,
    condition_label,
    leg_shares,
)
from medevac.scenario import dump_scenario, load_scenario
from medevac.whatif import AddAirframe, AddFacility, Edit, Point, SetAirframe, SetSite, apply_edits

CELL_KM = 10.0  # isochrone grid of the fixture: a few hundred cells

HAND_ALL_LEGS: dict[Condition, tuple[int, int]] = {
    ("day", "dry"): (2, 300),
    ("night", "dry"): (1, 100),
    ("day", "wet"): (2, 300),
    ("night", "wet"): (0, 0),
}
"""Sites and personnel meeting every leg, from the module docstring's arithmetic."""

HEADLINES: dict[Condition, str] = {
    ("day", "dry"): "Day, dry season (the scenario's conditions): 2 of 3 sites and 300 of 600 personnel",
    ("night", "dry"): "Night, dry season: 1 of 3 sites and 100 of 600 personnel",
    ("day", "wet"): "Day, wet season: 2 of 3 sites and 300 of 600 personnel",
    ("night", "wet"): "Night, wet season: 0 of 3 sites and 0 of 600 personnel",
}


def fixture_scenario() -> Scenario:
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, "2"), facility("l1", 120, "1")],
        airframes=[airframe("heli", "l2", medical_team=True)],
        sites=[
            site("near", 50, personnel=100),
            site("mid", 120, personnel=200),
            site("far", 200, personnel=300),
        ],
        patrols=[{"id": "line", "personnel": 20, "path": [on_equator(50), on_equator(200)]}],
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportData]:
    folder = tmp_path_factory.mktemp("report")
    variant = apply_edits(fixture_scenario(), [SetAirframe("heli", night=True)])
    result = write_report(
        fixture_scenario(), folder, variants=[("night-heli", variant)], progress=False, cell_km=CELL_KM
    )
    return folder, result.data


# -- figures -------------------------------------------------------------------------------


def test_four_conditions_match_hand_arithmetic() -> None:
    results = check_conditions(fixture_scenario())
    for condition, (sites, personnel) in HAND_ALL_LEGS.items():
        share = next(s for s in leg_shares({condition: results[condition]}) if s.leg == "all")
        assert (share.sites_meeting, share.personnel_meeting) == (sites, personnel), condition
    far = 2
    day_dry = results[("day", "dry")]
    assert day_dry.times.time_min[1, far] == pytest.approx(90.0)  # resuscitation
    assert day_dry.times.time_min[2, far] == pytest.approx(140.0)  # surgery, road to l1 then air
    assert results[("night", "wet")].times.time_min[2, 0] == pytest.approx(120.0)  # near, equal meets


def test_cached_router_gives_the_same_times() -> None:
    scenario = fixture_scenario()
    plain = check_conditions(scenario)
    cached = check_conditions(scenario, CachedRouter(plain[("day", "dry")].engine.router))
    for condition in CONDITIONS:
        np.testing.assert_array_equal(plain[condition].times.time_min, cached[condition].times.time_min)


def test_limiting_factors_are_the_records_grouped() -> None:
    """The report's factors are the results table's reason records, grouped by code.

    heli is day-only: at night no airframe flies, and made night-capable it would give mid
    its 115 min surgery (meets) and far 140 instead of 220 by road (better, still over).
    near's wet-night resuscitation: 110 by l2's ground team (10 + 100); 52.5 by air with a
    night-capable heli, 60 in the dry season (10 + 50): either alone meets.
    far's resuscitation by day, dry: 90 (ground team from l1, and air team 40 + 50). Launch
    at once gives 70, approval at once 80: neither alone meets, both together give 10 + 50 =
    60, which meets: several factors together. far's surgery, 140 (road to l1 then air),
    stays over 120 with every change at once (by air from far: 10 + 50 + 10 + 50 + 5 = 125):
    no Level 2 within reach of the assets as placed.
    """
    findings = limiting_factors(check_conditions(fixture_scenario()))
    by_key = {(f.condition, f.site_id, f.leg): f.factors for f in findings}
    assert by_key[(("night", "dry"), "mid", "surgery")] == ("no_night_airframe",)
    assert by_key[(("night", "wet"), "mid", "surgery")] == ("no_night_airframe",)
    assert by_key[(("night", "dry"), "far", "surgery")] == ("no_night_airframe", "out_of_reach")
    assert by_key[(("night", "wet"), "near", "resuscitation")] == ("no_night_airframe", "wet_season")
    assert by_key[(("day", "dry"), "far", "resuscitation")] == ("combined",)
    assert by_key[(("day", "dry"), "far", "surgery")] == ("out_of_reach",)
    mid = next(f for f in findings if (f.condition, f.site_id, f.leg) == (("night", "dry"), "mid", "surgery"))
    assert mid.reasons[0].assets == ("heli",) and mid.reasons[0].alone_meets
    groups = {g.factor: g for g in group_findings(findings)}
    assert set(groups) == {"no_night_airframe", "wet_season", "combined", "out_of_reach"}
    assert set(groups["no_night_airframe"].sites()) == {"mid", "near", "far"}
    assert groups["no_night_airframe"].assets == ("heli",)
    # Each site keeps its own conditions: near is in the group for the wet night only.
    assert groups["no_night_airframe"].summary_text() == (
        "surgery at mid (night, dry season; night, wet season), far (night, dry season; night, wet season). "
        "resuscitation at near (night, wet season), far (night, wet season)"
    )


def every_leg_personnel(scenario: Scenario) -> dict[Condition, tuple[tuple[str, ...], int]]:
    """Per condition, by the plain check: the sites meeting every leg and their personnel."""
    found = {}
    for light, season in CONDITIONS:
        result = check(scenario, light=light, season=season)
        met = [site for site, ok in zip(scenario.sites, result.meets_all, strict=True) if ok]
        found[(light, season)] = (tuple(site.id for site in met), sum(site.personnel for site in met))
    return found


def gain_by_brute_force(scenario: Scenario, edit: Edit) -> int:
    """Personnel newly meeting every leg over the four conditions, by apply_edits + check."""
    before, after = every_leg_personnel(scenario), every_leg_personnel(apply_edits(scenario, [edit]))
    return sum(after[c][1] - before[c][1] for c in CONDITIONS)


def test_recommendations_are_the_optimum_and_verified_by_rechecking() -> None:
    """The fixture's sites are not camps, so a new facility suits only l2 (km 0) and l1 (km 120).

    A Level 2 beside l1: mid (km 120) gets surgery by road 15 + 0 + 5 = 20 at night, and its
    resuscitation by l1's ground team is 10: mid newly meets every leg at night, in both
    seasons (200 x 2 = 400). far (km 200) gets surgery 15 + 80 + 5 = 100 but its
    resuscitation stays 10 + 80 = 90 by ground (no team aboard at night). Beside l2 it adds
    nothing. A Level 1 adds nothing at either. A second heli (day only) or heli moved to l1
    cannot fly at night, and by day far's surgery by air from l1 is 40 + 20 + 10 + 50 + 5 =
    125: no site newly meets every leg, so no placement of an aircraft is recommended.
    Settings (greedy): heli night-capable gives mid at night (surgery by air 40 + 30 + 10 +
    30 + 5 = 115) and, wet, near (air team 52.5): 200 + 200 + 100 = 500."""
    scenario = fixture_scenario()
    recommendations = recommend(scenario)
    assert [(r.source, r.edit) for r in recommendations] == [
        ("optimiser", recommendations[0].edit),
        ("greedy", SetAirframe("heli", night=True)),
    ]
    first, second = recommendations
    assert isinstance(first.edit, AddFacility) and first.edit.level == "2"
    assert (first.edit.at.lat, first.edit.at.lon) == pytest.approx((0.0, on_equator(120)["lon"]))
    assert [(e.condition, e.sites_gained) for e in first.every_leg if e.sites_gained] == [
        (("night", "dry"), ("mid",)),
        (("night", "wet"), ("mid",)),
    ]
    assert first.personnel_gained == 400
    assert first.text().startswith("raise l1 to Level 2 (the best of 2 places that suit it, proven optimal)")
    # By brute force: every place a Level 2 suits, and every site (which it does not suit).
    suits = {
        place.id: gain_by_brute_force(
            scenario, AddFacility("bf", "2", Point(place.lat, place.lon), airstrip=place.airstrip)
        )
        for place in facility_places(scenario, "2")
    }
    assert suits == {"l2": 0, "l1": 400}
    at_far = AddFacility("bf", "2", Point(0.0, on_equator(200)["lon"]))
    assert gain_by_brute_force(scenario, at_far) == 4 * 300 + 200  # far is a site, not a camp
    assert second.personnel_gained == 500 == gain_by_brute_force(scenario, second.edit)
    assert "at night, in the wet season (near, mid)" in second.text()


def test_a_first_aid_gap_is_closed_by_training_not_by_a_hospital() -> None:
    """An office (12 civilians, km 20, no first responders) beside a camp (km 10) and l2 (km 0).
    Dry: the office's first aid comes at best from l2's ground team, 10 + 20 = 30 (limit 10),
    resuscitation 30, surgery by road 15 + 20 + 5 = 40; wet: 50 and 60. Only first aid fails,
    in all four conditions. A Level 2 in the camp (10 + 10 = 20) closes nothing; one at the
    office would (10 + 0), but an office is no place for a hospital. Training first
    responders there gives first aid on site in 5: the office meets every leg, 4 x 12."""
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, "2")],
        sites=[
            site("camp", 10, kind="camp", personnel=500),
            site("office", 20, kind="other", personnel=12, first_responders=False),
        ],
    )
    recommendations = recommend(scenario)
    assert [r.source for r in recommendations] == ["training"]
    (training,) = recommendations
    assert training.edit == SetSite("office", first_responders=True)
    assert training.text().startswith("train first responders at office:")
    assert training.personnel_gained == 48 == gain_by_brute_force(scenario, training.edit)
    assert gain_by_brute_force(scenario, AddFacility("bf", "2", Point(0.0, on_equator(10)["lon"]))) == 0
    assert gain_by_brute_force(scenario, AddFacility("bf", "2", Point(0.0, on_equator(20)["lon"]))) == 48
    assert [p.id for p in facility_places(scenario, "2")] == ["l2", "camp"]


MINUSMA = Path(__file__).resolve().parent.parent / "scenarios" / "minusma-north.yaml"


@pytest.mark.skipif(not MINUSMA.exists(), reason="demo scenario not present")
def test_minusma_recommendations_suit_the_places() -> None:
    """The MINUSMA demo: the best new Level 2 by brute force over the 15 places that suit one
    (its facilities and its camps) is beside Timbuktu's Level 1+ or in Timbuktu camp (1,400
    personnel under each condition: 5,600), and that is the first recommendation. Goundam's
    liaison office (12 civilians, no first responders) gets training, never a hospital; no
    recommendation names an asset the reader never met."""
    scenario = load_scenario(MINUSMA).model_copy(update={"patrols": ()})
    recommendations = recommend(scenario)
    by_place = {
        place.id: gain_by_brute_force(
            scenario, AddFacility("bf", "2", Point(place.lat, place.lon), airstrip=place.airstrip)
        )
        for place in facility_places(scenario, "2")
    }
    assert max(by_place.values()) == by_place["timbuktu-l1"] == by_place["timbuktu-camp"] == 5600
    first = recommendations[0]
    assert isinstance(first.edit, AddFacility) and first.edit.level == "2"
    assert first.personnel_gained == 5600 and first.source == "optimiser"
    assert first.candidate.action == "raise Level 1+ (AMET), Timbuktu camp to Level 2"
    goundam = next(s for s in scenario.sites if s.id == "goundam-liaison")
    hosts = {(p.lat, p.lon) for level in ("1", "2") for p in facility_places(scenario, level)}
    for r in recommendations:
        if isinstance(r.edit, AddFacility):
            assert (r.edit.at.lat, r.edit.at.lon) in hosts
            assert (r.edit.at.lat, r.edit.at.lon) != (goundam.lat, goundam.lon)
        assert "new-" not in r.text() and "heli-" not in r.text()
    assert SetSite("goundam-liaison", first_responders=True) in [r.edit for r in recommendations]
    helicopter = next(r for r in recommendations if isinstance(r.edit, AddAirframe))
    assert helicopter.candidate.action.startswith("base a new helicopter like puma-1 (IAR-330 Puma) at ")


# -- the outputs, read back by their own readers --------------------------------------------


class _Tables(HTMLParser):
    """Rows of every ``<table id=...>`` and every image source, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self._table = values.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(values.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _html(folder: Path) -> _Tables:
    parser = _Tables()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    return parser


def test_all_five_outputs(written: tuple[Path, ReportData]) -> None:
    folder, _ = written
    assert sorted(p.name for p in folder.iterdir()) == sorted(OUTPUTS)


def test_html_summary_figures(written: tuple[Path, ReportData]) -> None:
    folder, _ = written
    html = _html(folder)
    header, *rows = html.tables["summary"]
    assert header[:2] == ["condition", "leg"]
    every_leg = {row[0]: (int(row[3]), int(row[6])) for row in rows if row[1] == "every leg"}
    for (light, season), figures in HAND_ALL_LEGS.items():
        assert every_leg[f"{light}, {season} season"] == figures
    surgery_day_dry = next(r for r in rows if r[0] == "day, dry season" and r[1] == "surgery")
    assert surgery_day_dry[3:9] == ["2", "3", "67 %", "300", "600", "50 %"]
    text = " ".join("".join(html.text).split())
    for headline in HEADLINES.values():
        assert headline in text
    # Self-contained: every image is inline PNG, nothing is fetched.
    assert html.images and all(src.startswith("data:image/png;base64,") for src in html.images)
    assert not re.search(r"(src|href)=\"https?:", (folder / "report.html").read_text())


def test_does_it_hold_n_minus_1_by_hand(written: tuple[Path, ReportData]) -> None:
    # Day, dry. Without heli, mid's surgery goes by road to l2: 15 + 120 + 5 = 140 (fails).
    # Without l2 (and heli, based there): near's resuscitation by l1's team 10 + 70 = 80
    # fails, and nothing does surgery. Without l1, mid's resuscitation: l2's team 10 + 120,
    # heli's team 40 + 30 = 70, both over 60.
    folder, _ = written
    header, *rows = _html(folder).tables["n-minus-1"]
    assert header[:2] == ["lost", "day, dry season"] and header[-1] == "sites lost (any condition)"
    day_dry = {row[0]: (row[1], row[-1]) for row in rows}
    assert day_dry["nothing lost"] == ("2 (300)", "")
    assert day_dry["airframe heli"] == ("1 (100)", "mid, near")  # near by day in the wet: 10 + 100 = 110
    assert day_dry["facility l2"] == ("0 (0)", "mid, near")
    assert day_dry["facility l1"] == ("1 (100)", "mid")
    assert rows[1][0] == "facility l2"  # the worst single point of failure first
    text = " ".join("".join(_html(folder).text).split())
    assert "Does it hold?" in text


def test_html_site_table_sorted_by_shortfall(written: tuple[Path, ReportData]) -> None:
    folder, _ = written
    header, *rows = _html(folder).tables["sites"]
    assert [r[0] for r in rows] == ["far", "mid", "near"]  # far 30 min over (resuscitation 90)
    shortfall = header.index("shortfall (min)")
    assert [r[shortfall] for r in rows] == ["30.0", "0.0", "0.0"]
    assert rows[0][header.index("surgery (min)")] == "140.0 !"


def test_pdf_numbers_equal_the_check(written: tuple[Path, ReportData]) -> None:
    folder, data = written
    text = " ".join(page.extract_text() for page in PdfReader(folder / "report.pdf").pages)
    text = " ".join(text.split())
    for condition, headline in HEADLINES.items():
        summary = data.results[condition].summary()
        assert f"{summary['sites_meeting_all']} of {summary['sites']} sites" in headline
        assert headline in text
    for recommendation in data.recommendations:
        assert " ".join(recommendation.candidate.action.split()) in text
    assert "Comparison with variants" in text


def test_workbook_sheets(written: tuple[Path, ReportData]) -> None:
    folder, _ = written
    book = load_workbook(folder / "workbook.xlsx", read_only=True)
    for name in ("summary", "sites", "patrols", "facilities", "airframes", "assumptions"):
        assert name in book.sheetnames
    summary = [list(r) for r in book["summary"].iter_rows(values_only=True)]
    words, header = summary[0], summary[1]  # a header in words with units, then machine names
    assert words[:5] == ["light", "season", "leg", "threshold (min)", "sites meeting"]
    assert header[:5] == ["light", "season", "leg", "threshold_min", "sites_meeting"]
    for light, season, leg, *_rest in summary[2:]:
        assert light in ("day", "night") and season in ("dry", "wet") and leg
    rows = {(r[0], r[1], r[2]): dict(zip(header, r, strict=True)) for r in summary[2:]}
    for (light, season), (sites, personnel) in HAND_ALL_LEGS.items():
        row = rows[(light, season, "all")]
        assert (row["sites_meeting"], row["personnel_meeting"]) == (sites, personnel)
    site_rows = [list(r) for r in book["sites"].iter_rows(values_only=True)]
    columns = site_rows[1]
    assert [r[0] for r in site_rows[2:]] == ["far", "mid", "near"]
    far = dict(zip(columns, site_rows[2], strict=True))
    assert far["resuscitation_min"] == pytest.approx(90.0)
    assert far["surgery_min"] == pytest.approx(140.0)
    airframes = list(book["airframes"].iter_rows(values_only=True))
    assert airframes[2][0] == "heli" and len(airframes) == 3
    assumptions = [r[1] for r in book["assumptions"].iter_rows(values_only=True)]
    assert "approval" in assumptions and "surgery threshold" in assumptions
    full = load_workbook(folder / "workbook.xlsx")  # not read-only: formats and filters
    site_sheet = full["sites"]
    assert site_sheet.auto_filter.ref == f"A2:{get_column_letter(site_sheet.max_column)}{site_sheet.max_row}"
    assert site_sheet.freeze_panes == "B3"  # the site id stays in view
    patrols = full["patrols"]
    share_column = [c.value for c in patrols[2]].index("share_meeting_surgery") + 1
    assert all(
        patrols.cell(row=r, column=share_column).number_format == "0.0%"
        for r in range(3, patrols.max_row + 1)
    )
    limit = full["limiting_factors"]
    text_column = get_column_letter([c.value for c in limit[2]].index("text") + 1)
    assert limit.column_dimensions[text_column].width <= 52


def _failing_runs(meets: np.ndarray) -> int:
    """Runs of consecutive failing samples, counted by walking the array."""
    runs, inside = 0, False
    for ok in meets:
        if not ok and not inside:
            runs += 1
        inside = not ok
    return runs


def test_geopackage_layers(written: tuple[Path, ReportData]) -> None:
    folder, data = written
    path = folder / "layers.gpkg"
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == ["sites", "facilities", "airframe_bases", "isochrones", "patrol_gaps", "layer_styles"]
    names.remove("layer_styles")  # QGIS's styles: an attributes table, no geometry
    expected = {"sites": 3, "facilities": 2, "airframe_bases": 1}
    for name in names:
        frame = gpd.read_file(path, layer=name)
        assert frame.crs is not None and frame.crs.to_epsg() == 4326, name
        if name in expected:
            assert len(frame) == expected[name], name
    sites = gpd.read_file(path, layer="sites")
    assert list(sites["site_id"]) == ["far", "mid", "near"]
    assert sites.geometry.x.iloc[0] == pytest.approx(on_equator(200)["lon"])
    isochrones = gpd.read_file(path, layer="isochrones")
    assert set(zip(isochrones["light"], isochrones["season"], strict=True)) == set(CONDITIONS)
    gaps = gpd.read_file(path, layer="patrol_gaps")
    runs = sum(
        _failing_runs(patrol.meets[i])
        for result in data.results.values()
        for patrol in result.patrols
        for i in range(len(result.legs))
    )
    assert len(gaps) == runs > 0


def test_csv_is_the_site_table(written: tuple[Path, ReportData]) -> None:
    folder, data = written
    frame = pd.read_csv(folder / "sites.csv")
    assert list(frame["site_id"]) == ["far", "mid", "near"]
    assert frame.loc[0, "shortfall_min"] == pytest.approx(30.0)
    assert list(frame.columns) == list(data.table.columns)
    by_id = {s.id: s for s in data.scenario.sites}
    assert list(frame["lat"]) == [by_id[i].lat for i in frame["site_id"]]
    assert list(frame["lon"]) == [by_id[i].lon for i in frame["site_id"]]
    assert set(zip(frame["light"], frame["season"], strict=True)) == {data.condition}


def test_repeated_compare_keeps_every_variant() -> None:
    """``--compare a --compare b c`` compares all three (a repeated option used to keep the last)."""
    import argparse

    from medevac.report.command import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["s.yaml", "--out", "o", "--compare", "a.yaml", "--compare", "b.yaml", "c.yaml"])
    assert args.compare == ["a.yaml", "b.yaml", "c.yaml"]
    assert parser.parse_args(["s.yaml", "--out", "o"]).compare == []


def test_comparison_gains_per_leg(written: tuple[Path, ReportData]) -> None:
    """A night-capable heli: mid's surgery at night (by air) and near's wet-night
    resuscitation (air team 52.5) are gained; nothing is lost, nothing changes by day."""
    folder, data = written
    header, *rows = _html(folder).tables["compare-1"]
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    every = {c["condition"]: c for c in cells if c["leg"] == "every leg"}
    assert len(every) == 4
    variant = data.comparisons[0]
    ids = [s.id for s in data.scenario.sites]
    people = {s.id: s.personnel for s in data.scenario.sites}
    for condition in CONDITIONS:  # the every-leg row against the two checks' own verdicts
        was, now = data.results[condition].meets_all, variant.results[condition].meets_all
        newly = [ids[k] for k in np.flatnonzero(now & ~was)]
        row = every[condition_label(condition)]
        assert row["sites gained"] == (", ".join(newly) or "-")
        assert row["personnel gained"] == str(sum(people[i] for i in newly))
    cells = [c for c in cells if c["leg"] != "every leg"]
    summary_text = " ".join("".join(_html(folder).text).split())
    after = variant.every_leg[("night", "dry")]
    assert f"Variant {variant.name} (airframes heli: night no -> yes): " in summary_text
    night_dry = f"night, dry season: {after.sites_after} sites and {after.personnel_after:,} personnel"
    assert f"{night_dry} meet every leg" in summary_text
    gained = {(c["condition"], c["leg"]): c["sites gained"] for c in cells if c["sites gained"] != "-"}
    assert gained == {
        ("night, dry season", "surgery"): "mid",
        ("night, wet season", "resuscitation"): "near",
        ("night, wet season", "surgery"): "mid",
    }
    assert all(c["sites lost"] == "-" for c in cells)
    book = load_workbook(folder / "workbook.xlsx", read_only=True)
    rows_xlsx = list(book["comparison"].iter_rows(values_only=True))
    assert sum(1 for r in rows_xlsx[2:] if r[5] and r[2] != "all") == 3
    times = _html(folder).tables["compare-1-times"]
    assert any(r[:3] == ["night, dry season", "mid", "surgery"] for r in times[1:])
    changes = list(book["time_changes"].iter_rows(values_only=True))[2:]
    mid = [r for r in changes if r[1:5] == ("night", "dry", "mid", "surgery")]
    again = check(variant.scenario, light="night", season="dry")  # a re-check of the variant
    mid_after = float(reported_min(again.times.time_min)[again.legs.index("surgery"), ids.index("mid")])
    assert len(mid) == 1 and mid[0][6] == pytest.approx(mid_after) and mid[0][8] is True
    assert mid[0][7] == pytest.approx(round(mid_after - float(str(mid[0][5])), 1))
    described = [r[6] for r in list(book["variants"].iter_rows(values_only=True))[2:]]
    assert described == ["airframes heli: night no -> yes"]


# -- the command line ------------------------------------------------------------------------


def test_cli_refuses_to_overwrite_then_forces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_file = tmp_path / "fixture.yaml"
    scenario_file.write_text(dump_scenario(fixture_scenario()), encoding="utf-8")
    variant_file = tmp_path / "variant.yaml"
    variant_file.write_text(
        dump_scenario(apply_edits(load_scenario(scenario_file), [SetAirframe("heli", night=True)])),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["report", str(scenario_file), "--compare", str(variant_file), "--out", str(out), "--no-progress"]
    args += ["--cell-km", str(CELL_KM)]
    assert main(args) == 0
    assert re.search(r"report written to .*out in \d+\.\d s", capsys.readouterr().out)
    before = (out / "report.html").stat().st_mtime_ns
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "already exists" in error and "--force" in error
    assert (out / "report.html").stat().st_mtime_ns == before
    assert main([*args, "--force"]) == 0


def test_cli_bad_cell_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_file = tmp_path / "fixture.yaml"
    scenario_file.write_text(dump_scenario(fixture_scenario()), encoding="utf-8")
    assert main(["report", str(scenario_file), "--out", str(tmp_path / "o"), "--cell-km", "0"]) == 2
    assert "--cell-km" in capsys.readouterr().err


# -- a demo ----------------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "scenarios" / "unmiss.yaml"


@pytest.mark.skipif(not DEMO.exists(), reason="demo scenario not present")
def test_demo_report_with_comparison(tmp_path: Path) -> None:
    scenario = load_scenario(DEMO)
    data: Any = analyse(scenario)
    assert data.recommendations, "the demo has gaps a change can close"
    edits = [r.edit for r in data.recommendations]
    variant = apply_edits(scenario, edits[:1])
    cpu_start_s = time.process_time()
    written = write_report(scenario, tmp_path, variants=[("first-fix", variant)], progress=False)
    # CPU, not wall, time: the machine running the tests may be shared and busy.
    assert time.process_time() - cpu_start_s < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUTS)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "report.pdf").pages).split())
    for light, season in CONDITIONS:
        summary = check(scenario, light=light, season=season).summary()
        assert (
            f"{summary['sites_meeting_all']} of {summary['sites']} sites and "
            f"{summary['personnel_meeting_all']:,} of {summary['personnel']:,} personnel"
        ) in text
    # Each recommendation's stated gain is what a plain re-check finds, on its own basis: the
    # scenario as it is, or the greedy settings listed before it.
    for recommendation in written.data.recommendations:
        current = apply_edits(scenario, recommendation.before)
        changed = apply_edits(current, [recommendation.edit])
        gained = 0
        for light, season in CONDITIONS:
            before = check(current, light=light, season=season).meets
            after = check(changed, light=light, season=season).meets
            gained += int((after & ~before).sum()) - int((before & ~after).sum())
        assert gained == recommendation.legs_gained > 0
        assert gain_by_brute_force(current, recommendation.edit) == recommendation.personnel_gained
    compare_rows = _html(tmp_path).tables["compare-1"]
    assert len(compare_rows) == 1 + 4 * (len(written.data.result.legs) + 1)  # each leg, then every leg


def test_scenario_without_sites_still_reports(tmp_path: Path) -> None:
    scenario = make_scenario(facilities=[facility("l2", 0, "2")])
    written = write_report(scenario, tmp_path, progress=False, cell_km=CELL_KM)
    assert written.data.recommendations == []
    assert len(gpd.read_file(tmp_path / "layers.gpkg", layer="sites")) == 0
    assert pd.read_csv(tmp_path / "sites.csv").empty
    _, *rows = _html(tmp_path).tables["summary"]
    assert all(row[4] == "0" and row[5] == "n/a" for row in rows)  # no sites: no share


# -- page 1, the compliance matrix, the finish -------------------------------------------------


def test_bottom_line_states_each_verdict_in_people(written: tuple[Path, ReportData]) -> None:
    """The fixture by hand (HAND_ALL_LEGS): 3 sites, 600 personnel; the failing ones are the
    rest. The bottom line comes first and names the people left out, never a rounded share."""
    folder, data = written
    text = " ".join("".join(_html(folder).text).split())
    assert text.index("Bottom line") < text.index("Executive summary")
    for (light, season), (sites, personnel) in HAND_ALL_LEGS.items():
        label = f"{light.capitalize()}, {season} season"
        verdict = (
            f"not compliant: {3 - sites} of 3 sites, {600 - personnel:,} of 600 personnel "
            "fail at least one leg"
        )
        assert re.search(re.escape(label) + r"( \(the scenario's conditions\))?: " + re.escape(verdict), text)
    # The site with most people at risk under any condition is named first, with its legs.
    people = {s.id: s.personnel for s in data.scenario.sites}
    failing_somewhere = {
        s.id
        for c in CONDITIONS
        for k, s in enumerate(data.scenario.sites)
        if not data.results[c].meets_all[k]
    }
    first = max(sorted(failing_somewhere), key=lambda i: people[i])
    assert (
        f"Most people at risk (under any of the four conditions): {first}: {people[first]:,} personnel"
        in text
    )


def test_share_text_never_hides_people() -> None:
    from medevac.report.content import share_text

    assert share_text(8710, 8722) == "99.8 %"  # not "100 %" while 12 fail
    assert share_text(8722, 8722) == "100 %"
    assert share_text(1, 5000) == "0.1 %"  # not "0 %" while one meets
    assert share_text(0, 5000) == "0 %"
    assert share_text(2, 3) == "67 %"


def test_compliance_matrix_is_every_check_cell_by_cell(written: tuple[Path, ReportData]) -> None:
    folder, data = written
    header, *rows = _html(folder).tables["compliance"]
    legs = data.result.legs
    assert len(header) == 1 + 4 * len(legs) and len(rows) == len(data.scenario.sites)
    for s, row in enumerate(rows):
        for c, condition in enumerate(CONDITIONS):
            check_ = data.results[condition]
            times = reported_min(check_.times.time_min)
            for i in range(len(legs)):
                cell = row[1 + c * len(legs) + i]
                minutes = float(times[i, s])
                expected = "none !" if not np.isfinite(minutes) else f"{minutes:.1f}"
                if np.isfinite(minutes) and not check_.meets[i, s]:
                    expected += " !"
                assert cell == expected
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'style="background:#f6c9a6"' in html and 'style="background:#cfe8dc"' in html


def test_pdf_pages_are_numbered_and_carry_the_version_and_key(written: tuple[Path, ReportData]) -> None:
    from medevac import __version__
    from medevac.whatif import content_key

    folder, data = written
    pages = PdfReader(folder / "report.pdf").pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"page {number}" in text
        assert f"medevac {__version__}; scenario content key {content_key(data.scenario)[:12]}" in text


# -- referral and catchments (AccessMod's tables) ----------------------------------------------


def test_referral_and_catchments_by_hand(written: tuple[Path, ReportData]) -> None:
    """l1 (km 120) to the only facility of Level 2 or higher, l2 (km 0): 120 km, 120 min by
    road in the dry season and 240 in the wet (half speed); no Level 3 at all. Catchments:
    near (km 50) reaches l2 in 50 min and l1 in 70; mid is beside l1; far (km 200) reaches
    l1 in 80 and l2 in 200: l2 holds 100 personnel, l1 200 + 300, in both seasons."""
    folder, data = written
    referral = data.accessibility.referral
    rows = {(r["season"], r["to_level"]): r for r in referral.to_dict("records")}
    assert set(referral["facility_id"]) == {"l1"} and len(rows) == 4
    for season, minutes in (("dry", 120.0), ("wet", 240.0)):
        to_two = rows[season, "2"]
        assert to_two["by_time_facility_id"] == to_two["by_distance_facility_id"] == "l2"
        assert to_two["ground_min"] == pytest.approx(minutes)
        assert to_two["distance_km"] == pytest.approx(120.0)
        to_three = rows[season, "3"]
        assert to_three["by_time_facility_id"] is None and to_three["by_distance_facility_id"] is None
        assert np.isnan(to_three["ground_min"]) and np.isnan(to_three["distance_km"])
    catchments = data.accessibility.catchments
    for season in ("dry", "wet"):
        mine = {r["facility_id"]: r for r in catchments[catchments["season"] == season].to_dict("records")}
        assert {f: (r["sites"], r["personnel"], r["site_ids"]) for f, r in mine.items()} == {
            "l2": (1, 100, ("near",)),
            "l1": (2, 500, ("mid", "far")),
            None: (0, 0, ()),
        }
    html = _html(folder)
    header, *table = html.tables["referral"]
    assert header[:2] == ["Level 1 facility", "referred to"]
    assert table == [["l1", "Level 2 or higher", "l2", "120.0", "l2", "240.0", "l2", "120.0"]]
    assert "The mission has no Level 3 facility." in " ".join("".join(html.text).split())
    _, *catchment_rows = html.tables["catchments"]
    assert catchment_rows == [
        ["l2", "2", "100", "near", "100", "as in the dry season"],
        ["l1", "1", "500", "mid, far", "500", "as in the dry season"],
    ]  # nobody is out of reach by road: no such row
    book = load_workbook(folder / "workbook.xlsx", read_only=True)
    sheet = [list(r) for r in book["referral"].iter_rows(values_only=True)]
    assert sheet[0][3:6] == [
        "referred to level (or higher)",
        "quickest by road (facility id)",
        "ground time (min)",
    ]
    assert sheet[1] == list(referral.columns)
    wet_two = dict(zip(sheet[1], sheet[4], strict=True))
    assert (wet_two["season"], wet_two["to_level"], wet_two["by_time_facility_id"]) == ("wet", "2", "l2")
    assert wet_two["ground_min"] == pytest.approx(240.0)
    catchment_sheet = [list(r) for r in book["catchments"].iter_rows(values_only=True)]
    assert catchment_sheet[1] == ["season", "facility_id", "level", "sites", "personnel", "site_ids"]
    assert catchment_sheet[2:5] == [
        ["dry", "l2", "2", 1, 100, "near"],
        ["dry", "l1", "1", 2, 500, "mid, far"],
        ["dry", "(none by road)", None, 0, 0, None],
    ]


def test_referral_and_catchments_on_a_road_layer(tmp_path: Path) -> None:
    """Two roads on the equator at one km a minute in the dry season: A from km 0 to 120
    (30 km/h in the wet: 2 min a km), B from km 120 to 300, closed in the wet. l2 at km 0,
    l1 at 120, l3 at 300; near at km 50, far at km 200 on B, off 110 km north of the roads.

    Referral from l1: Level 2 or higher by road l2 (120 min) before l3 (180) in the dry, l2
    (240) in the wet; Level 3: l3 in 180 min in the dry, none by road in the wet (B closed),
    180 km in a straight line. Catchments: dry, near -> l2 (50 against l1's 70), far -> l1
    (80 against l3's 100), off -> none (no road within 10 km); wet, near -> l2 (100), far is
    cut off with B: l2 100, nobody at l1 or l3, 350 out of reach.
    """
    import json

    from medevac.check import make_router
    from medevac.report.referral import accessibility

    def line(kms: list[float], **properties: object) -> dict[str, object]:
        coordinates = [[on_equator(km)["lon"], 0.0] for km in kms]
        return {
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "LineString", "coordinates": coordinates},
        }

    roads = {
        "type": "FeatureCollection",
        "features": [
            line([0, 50, 120], **{"class": "primary", "dry_kmh": 60, "wet_kmh": 30}),
            line([120, 200, 300], **{"class": "track", "dry_kmh": 60, "closed_wet": True}),
        ],
    }
    (tmp_path / "roads.geojson").write_text(json.dumps(roads), encoding="utf-8")
    document = {
        "medevac": 1,
        "name": "road referral",
        "ground": {"roads": "roads.geojson"},
        "facilities": [facility("l2", 0, "2"), facility("l1", 120, "1"), facility("l3", 300, "3")],
        "sites": [
            site("near", 50, personnel=100),
            site("far", 200, personnel=300),
            {"id": "off", "lat": 1.0, "lon": 0.0, "personnel": 50},
        ],
    }
    (tmp_path / "s.yaml").write_text(json.dumps(document), encoding="utf-8")
    scenario = load_scenario(tmp_path / "s.yaml")
    tables = accessibility(scenario, make_router(scenario))
    referral = {(r["season"], r["to_level"]): r for r in tables.referral.to_dict("records")}
    expected = {
        ("dry", "2"): ("l2", 120.0, "l2", 120.0),
        ("wet", "2"): ("l2", 240.0, "l2", 120.0),
        ("dry", "3"): ("l3", 180.0, "l3", 180.0),
        ("wet", "3"): (None, None, "l3", 180.0),
    }
    for key, (by_time, minutes, by_distance, km) in expected.items():
        row = referral[key]
        assert row["by_time_facility_id"] == by_time, key
        assert np.isnan(row["ground_min"]) if minutes is None else row["ground_min"] == pytest.approx(minutes)
        assert (row["by_distance_facility_id"], row["distance_km"]) == (by_distance, pytest.approx(km))
    catchments = tables.catchments
    people = {
        (r["season"], r["facility_id"]): (r["personnel"], r["site_ids"])
        for r in catchments.to_dict("records")
    }
    assert people == {
        ("dry", "l2"): (100, ("near",)),
        ("dry", "l1"): (300, ("far",)),
        ("dry", "l3"): (0, ()),
        ("dry", None): (50, ("off",)),
        ("wet", "l2"): (100, ("near",)),
        ("wet", "l1"): (0, ()),
        ("wet", "l3"): (0, ()),
        ("wet", None): (350, ("far", "off")),
    }
    # Every person is counted once per season.
    for season in ("dry", "wet"):
        assert catchments[catchments["season"] == season]["personnel"].sum() == 450


def test_report_names_sites_facilities_and_patrols() -> None:
    """Tables and prose say names (with the id beside them), and no internal words."""
    from medevac.report.content import build_document
    from medevac.report.document import Table

    named = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[
            facility("l2", 0, "2", name="Level 2 hospital"),
            facility("l1", 120, "1", name="Level 1 post"),
        ],
        airframes=[airframe("heli", "l2", medical_team=True, type="Mi-17")],
        sites=[
            site("near", 50, personnel=100, name="Near camp"),
            site("mid", 120, personnel=200, name="Mid camp"),
            site("far", 200, personnel=300, name="Far camp"),
        ],
        patrols=[
            {"id": "line", "name": "Line patrol", "personnel": 20, "path": [on_equator(50), on_equator(200)]}
        ],
    )
    document = build_document(analyse(named))
    tables = {b.table_id: b for b in document.blocks if isinstance(b, Table)}
    assert [row[0] for row in tables["sites"].rows] == [
        "Far camp (far)",
        "Mid camp (mid)",
        "Near camp (near)",
    ]
    lost = {row[0]: row[-1] for row in tables["n-minus-1"].rows}
    assert lost["facility Level 2 hospital (l2)"] == "Mid camp (mid), Near camp (near)"
    assert "airframe heli (Mi-17)" in lost and "facility Level 1 post (l1)" in lost
    assert {row[0] for row in tables["patrols"].rows} == {"Line patrol (line)"}
    assert tables["referral"].rows[0][:3] == (
        "Level 1 post (l1)",
        "Level 2 or higher",
        "Level 2 hospital (l2)",
    )
    assert (
        "Far camp (far)" in tables["factors"].rows[0][-1] or "Far camp (far)" in tables["factors"].rows[1][-1]
    )
    assert document.subtitle.startswith("Held to the UN 10-1-2 standard; 3 sites")
    for word in ("Profile", "un-10-1-2", "spec v1"):
        assert word not in document.subtitle
        assert not any(word in cell for row in tables["assumptions"].rows for cell in row)


def test_geopackage_layers_carry_qgis_styles(written: tuple[Path, ReportData]) -> None:
    """The layer_styles table QGIS reads: one default style per layer, its geometry column,
    and QML drawing what the report's maps draw (colours of the first failing leg, levels)."""
    import sqlite3
    import xml.etree.ElementTree as ET

    from medevac.mapdata import FAIL_COLOUR, LEVEL_COLOUR, MEETS_ALL_COLOUR

    folder, data = written
    path = folder / "layers.gpkg"
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(layer_styles)")]
        rows = connection.execute(
            "SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, update_time "
            "FROM layer_styles ORDER BY id"
        ).fetchall()
        geometry = dict(connection.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        kind = connection.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    connection.close()
    assert columns == [
        "id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
        "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time",
    ]  # fmt: skip
    assert kind == ("attributes",)
    styles = {name: (column, qml, default, when) for name, column, _, qml, default, when in rows}
    assert list(styles) == ["sites", "facilities", "airframe_bases", "isochrones", "patrol_gaps"]
    for name, (column, qml, default, when) in styles.items():
        assert column == geometry[name] and default == 1 and re.match(r"\d{4}-\d\d-\d\dT", when)
        root = ET.fromstring(qml.split("\n", 1)[1])
        assert root.tag == "qgis" and root.find("renderer-v2") is not None

    def colours(qml: str) -> dict[str, str]:
        """Legend label -> fill colour of each rule or category."""
        root = ET.fromstring(qml.split("\n", 1)[1])
        renderer = root.find("renderer-v2")
        assert renderer is not None
        fills = {
            s.get("name"): next(
                o.get("value") for o in s.iter("Option") if o.get("name") in ("color", "line_color")
            )
            for s in renderer.iter("symbol")
        }
        entries = [*renderer.iter("rule"), *renderer.iter("category")]
        return {str(e.get("label")): str(fills[e.get("symbol")]) for e in entries}

    def rgba(rgb: tuple[int, int, int]) -> str:
        return ",".join(str(v) for v in (*rgb, 255))

    site_colours = colours(styles["sites"][1])
    assert site_colours == {
        "meets every leg": rgba(MEETS_ALL_COLOUR),
        **{f"fails {leg.replace('_', ' ')} first": rgba(FAIL_COLOUR[leg]) for leg in data.result.legs},
    }
    assert colours(styles["facilities"][1]) == {
        "Level 1": rgba(LEVEL_COLOUR[1]),
        "Level 2": rgba(LEVEL_COLOUR[2]),
    }
    assert set(colours(styles["patrol_gaps"][1])) == {
        f"fails {leg.replace('_', ' ')}" for leg in data.result.legs
    }
    # The rules pick what the layer holds: surgery's bands under the scenario's own conditions.
    rules = ET.fromstring(styles["isochrones"][1].split("\n", 1)[1]).iter("rule")
    filters = [str(r.get("filter")) for r in rules]
    assert len(filters) == 5 and all("\"light\" = 'day' AND \"season\" = 'dry'" in f for f in filters)
    isochrones = gpd.read_file(path, layer="isochrones")
    bands = isochrones[
        (isochrones["light"] == "day") & (isochrones["season"] == "dry") & (isochrones["leg"] == "surgery")
        & (isochrones["kind"] == "band")
    ]  # fmt: skip
    uppers = {None if np.isnan(v) else float(v) for v in bands["upper_min"]}
    assert uppers <= {30.0, 60.0, 90.0, 120.0, None} and uppers
    read = pyogrio.read_dataframe(path, layer="layer_styles")  # GDAL, as QGIS reads it
    assert list(read["f_table_name"]) == list(styles)


def test_report_speaks_no_internal_words(written: tuple[Path, ReportData]) -> None:
    folder, _ = written
    html = (folder / "report.html").read_text(encoding="utf-8")
    pdf = " ".join(page.extract_text() for page in PdfReader(folder / "report.pdf").pages)
    for text in (html, pdf):
        for word in ("spec v1", "format v1", "profile un-10-1-2", "profile nato-10-1-2-2"):
            assert word not in text.lower()


def test_workbook_gains_are_people_newly_meeting_every_leg_by_re_check(
    written: tuple[Path, ReportData],
) -> None:
    """Each recommendation's row per condition: the personnel of the sites that meet every
    leg with the change (on top of what it is measured on) and did not without it, counted
    once each, from two checks of the scenario."""
    folder, data = written
    assert data.recommendations
    book = load_workbook(folder / "workbook.xlsx", read_only=True)
    header, *rows = list(book["recommendations"].iter_rows(values_only=True))[1:]
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    people = [s.personnel for s in data.scenario.sites]
    for rank, recommendation in enumerate(data.recommendations, start=1):
        before = apply_edits(data.scenario, list(recommendation.before))
        after = apply_edits(before, [recommendation.edit])
        for condition in CONDITIONS:
            was = check(before, light=condition[0], season=condition[1]).meets_all
            now = check(after, light=condition[0], season=condition[1]).meets_all
            gained = sum(p for p, w, n in zip(people, was, now, strict=True) if n and not w)
            row = next(c for c in cells if c["rank"] == rank and (c["light"], c["season"]) == condition)
            assert row["personnel_gained"] == gained
