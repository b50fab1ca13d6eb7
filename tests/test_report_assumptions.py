"""The report's assumptions: only the values in force, each source stating its value.

The road fixture is ``tests/data/roads/equator.yaml`` (see its README): A-B-C primary paved
(70 x 0.9 = 63 km/h dry, x 0.5 = 31.5 wet), a wet flood area across B-C, B-D track unpaved
closed in the wet (20 x 0.7 = 14 dry), C-E secondary with its own 30 / 10 km/h, and a
residential paved island (30 x 0.9 = 27, wet 13.5); convoy factor 1. Each piece is 0.1
degree: 11.13 km along the equator, 11.06 km along a meridian.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ONE_KM_A_MINUTE, facility, make_scenario

from medevac.report.assumptions import Assumption, assumptions, timeline_source, wet_factor_source
from medevac.scenario import load_scenario

ROADS = Path(__file__).resolve().parent / "data" / "roads" / "equator.yaml"


def _by_item(rows: list[Assumption]) -> dict[str, Assumption]:
    return {row.item: row for row in rows}


def test_road_layer_rows_are_the_speeds_applied() -> None:
    rows = assumptions(load_scenario(ROADS))
    items = _by_item(rows)
    # The no-roads estimate is not in force with a road layer, so not listed.
    assert "detour factor" not in items and "road speed" not in items
    assert items["road layer"].value.startswith("equator.geojson (")
    assert "hand-made test fixture" in items["road layer"].source
    assert items["closure areas"].value == "flood.geojson"
    speeds = {row.item: row.value for row in rows if row.group == "road speeds"}
    assert speeds == {
        "primary, paved: closed in the wet season": "dry 63.0 km/h, wet closed; 11 km",  # B-C, flooded
        "primary, paved": "dry 63.0 km/h, wet 31.5 km/h; 11 km",  # A-B
        "residential, paved": "dry 27.0 km/h, wet 13.5 km/h; 11 km",
        "secondary, unpaved: the layer's own speeds": "dry 30.0 km/h, wet 10.0 km/h; 11 km",
        "track, unpaved: closed in the wet season": "dry 14.0 km/h, wet closed; 11 km",
    }
    rule = items["primary, paved"]
    assert rule.source.startswith("primary 70 km/h (open health-accessibility default) x paved 0.9")
    assert "= 63.0 km/h; wet season x 0.5, the wet-season factor" in rule.source
    assert items["secondary, unpaved: the layer's own speeds"].origin == "road layer"


def test_road_speeds_follow_the_scenario_settings(tmp_path: Path) -> None:
    """A scenario's own class speed and wet factor by class are the ones listed (and applied)."""
    text = ROADS.read_text(encoding="utf-8").replace(
        "  closures: [flood.geojson]\n",
        "  speeds_kmh: {primary: 50}\n  wet_factors: {residential: 0.2}\n  convoy_factor: 0.8\n",
    )
    for name in ("equator.geojson", "flood.geojson"):
        (tmp_path / name).write_bytes((ROADS.parent / name).read_bytes())
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    items = _by_item(assumptions(load_scenario(tmp_path / "s.yaml")))
    primary = items["primary, paved"]  # 50 x 0.9 x 0.8 = 36; wet x 0.5 = 18, both pieces open now
    assert primary.value == "dry 36.0 km/h, wet 18.0 km/h; 22 km"
    assert primary.origin == "scenario file"
    assert "primary 50 km/h (the scenario's speeds_kmh)" in primary.source
    residential = items["residential, paved"]  # 30 x 0.9 x 0.8 = 21.6; wet x 0.2 = 4.32
    assert residential.value == "dry 21.6 km/h, wet 4.3 km/h; 11 km"
    assert "wet season x 0.2, the scenario's wet factor for residential" in residential.source
    assert "closure areas" not in items


def test_no_road_layer_lists_the_estimate_and_no_road_settings() -> None:
    scenario = make_scenario(ground=ONE_KM_A_MINUTE, facilities=[facility("l2", 0, "2")])
    items = _by_item(assumptions(scenario))
    assert items["detour factor"].value == "1" and items["detour factor"].origin == "scenario file"
    assert items["road speed"].value == "60 km/h"
    assert "60 km/h is within it" in items["road speed"].source  # 40 (unclassified) to 80 (trunk)
    for road_only in ("road layer", "off-road speed", "farthest from a road", "joins the road at"):
        assert road_only not in items
    assert not any(row.group == "road speeds" for row in assumptions(scenario))
    assert items["wet-season factor"].origin == "medevac default"


def test_each_source_states_its_value() -> None:
    """Rumbek-Yirol, 12 h instead of 4, implies 0.33: a source never cites it for 0.5 silently."""
    assert "a factor of about 0.33; 0.5 is milder: a wet-season trip takes 2x the dry one" in (
        wet_factor_source(0.5)
    )
    assert wet_factor_source(1 / 3).endswith("0.333333 is that figure")
    assert wet_factor_source(0.25).endswith("0.25 is harsher: a wet-season trip takes 4x the dry one, not 3x")
    assert timeline_source("handover", 5).endswith("5 min is that value")
    assert timeline_source("handover", 8).endswith("this scenario uses 8 min")
    assert timeline_source("approval", 30).startswith("no public figure states 30 min")
    scenario = make_scenario(
        standard="custom",
        thresholds={"first_aid": 10, "resuscitation": 60, "surgery": 90},
        facilities=[facility("l2", 0, "2")],
    )
    surgery = _by_item(assumptions(scenario))["surgery threshold"]
    assert surgery.origin == "scenario file"
    assert surgery.source == "set by the scenario's author: 90 min (the UN 10-1-2 standard sets 120 min)"


@pytest.mark.parametrize("word", ["spec v1", "domain.md", "/work/", "profile "])
def test_no_internal_words(word: str) -> None:
    for scenario in (load_scenario(ROADS), make_scenario(facilities=[facility("l2", 0, "2")])):
        for row in assumptions(scenario):
            assert word not in " ".join((row.item, row.value, row.origin, row.source))
