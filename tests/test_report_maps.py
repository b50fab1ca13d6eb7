"""The report's maps, tested as data: the legend against what is drawn, labels placed,
roads, reach rings, towns, the scale bar.

The fixture is the report's (``tests/test_report.py``): a Level 2 ``l2`` at km 0 and a
Level 1 ``l1`` at km 120 on the equator, a day-only helicopter at ``l2`` (range 1,000 km:
a ring of 500 km), sites near (km 50), mid (km 120), far (km 200), a patrol from km 50 to
200. By night, dry: near meets every leg, mid fails surgery first, far resuscitation first.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import ONE_KM_A_MINUTE, airframe, facility, make_scenario, on_equator, site
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.lines import Line2D
from matplotlib.text import Text

from medevac.check import check
from medevac.coverage.surface import failing_stretches
from medevac.geo import distance_km
from medevac.ground import road_network
from medevac.mapdata import scenario_bounds, towns
from medevac.model import Scenario
from medevac.patrols import patrol_pieces
from medevac.report import maps
from medevac.report.maps import (
    BASE,
    BASE_GROUNDED,
    FURNITURE,
    LABEL,
    MEETS_ALL,
    NO_DATA_COLOUR,
    PATROL_MEETS,
    REACH,
    REACH_GROUNDED,
    ROAD,
    ROAD_CLOSED,
    draw_conditions_map,
    draw_status_map,
    host_countries,
    map_towns,
)
from medevac.report.summary import check_conditions
from medevac.scenario import load_scenario
from medevac.standards import LEG_LABEL

ROADS = Path(__file__).resolve().parent / "data" / "roads" / "equator.yaml"
UNMISS = Path(__file__).resolve().parent.parent / "scenarios" / "unmiss.yaml"


def fixture_scenario() -> Scenario:
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, "2", name="Level 2 hospital, Zero"), facility("l1", 120, "1")],
        airframes=[airframe("heli", "l2", medical_team=True)],
        sites=[
            site("near", 50, personnel=100),
            site("mid", 120, personnel=200),
            site("far", 200, personnel=300, name="Far camp (no marked HLS)"),
        ],
        patrols=[{"id": "line", "personnel": 20, "path": [on_equator(50), on_equator(200)]}],
    )


def _artists(drawing: maps.MapDrawing, gid: str) -> list[Artist]:
    return [a for ax in drawing.figure.axes for a in ax.get_children() if a.get_gid() == gid]


def test_legend_is_every_symbol_drawn_at_night() -> None:
    result = check(fixture_scenario(), light="night", season="dry")
    drawing = draw_status_map(result, "night")
    assert set(drawing.legend) == drawing.drawn  # nothing drawn without an entry, no entry without a symbol
    legend = drawing.figure.axes[0].get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == list(drawing.legend)
    # heli is day-only: grounded at night, its base hollow and its ring grey.
    assert {BASE_GROUNDED, REACH_GROUNDED} <= drawing.drawn and not {BASE, REACH} & drawing.drawn
    sites = {e for e in drawing.drawn if e.startswith("site ")}
    assert sites == {MEETS_ALL, "site fails surgery first", "site fails resuscitation first"}
    assert {"Level 1 facility (labelled L1)", "Level 2 facility (labelled L2)"} <= drawing.drawn
    assert not any("Level 3" in e for e in drawing.drawn)
    pieces = patrol_pieces(result.scenario.patrols[0], result.scenario.source_dir)
    failing = {s.leg for s in failing_stretches(result.patrols[0], result.legs, pieces)}
    assert failing and {e for e in drawing.drawn if e.startswith("patrol")} == {PATROL_MEETS} | {
        f"patrol stretch failing {LEG_LABEL[leg]}" for leg in failing
    }
    assert not {ROAD, *ROAD_CLOSED.values()} & drawing.drawn  # no road layer: no roads drawn
    assert len(_artists(drawing, FURNITURE)) == 3  # scale bar, its length, the north arrow


def test_legend_by_day_and_of_the_four_conditions() -> None:
    day = draw_status_map(check(fixture_scenario(), light="day", season="dry"), "day")
    assert {BASE, REACH} <= day.drawn and not {BASE_GROUNDED, REACH_GROUNDED} & day.drawn
    assert set(day.legend) == day.drawn
    four = draw_conditions_map(check_conditions(fixture_scenario()))
    assert set(four.legend) == four.drawn
    assert {BASE, BASE_GROUNDED} <= four.drawn  # flies by day, grounded at night
    texts = [t.get_text() for t in four.figure.legends[0].get_texts()]
    assert texts == list(four.legend)


def test_reach_ring_is_half_the_range() -> None:
    drawing = draw_status_map(check(fixture_scenario(), light="day", season="dry"), "day")
    (ring,) = _artists(drawing, REACH)
    assert isinstance(ring, Line2D)
    lon, lat = ring.get_data()
    assert distance_km(0.0, 0.0, np.asarray(lat), np.asarray(lon)) == pytest.approx(500.0, abs=0.01)


def test_scale_bar_is_as_long_as_it_says() -> None:
    drawing = draw_status_map(check(fixture_scenario(), light="day", season="dry"), "day")
    bar = next(a for a in _artists(drawing, FURNITURE) if isinstance(a, Line2D))
    text = next(
        a for a in _artists(drawing, FURNITURE) if isinstance(a, Text) and a.get_text().endswith(" km")
    )
    (lon0, lon1), (lat0, lat1) = np.asarray(bar.get_xdata()), np.asarray(bar.get_ydata())
    stated_km = float(text.get_text().removesuffix(" km"))
    assert float(distance_km(lat0, lon0, lat1, lon1)) == pytest.approx(stated_km, rel=1e-6)


def test_labels_do_not_collide_and_facilities_come_first() -> None:
    """Twelve failing sites within 6 km of l1 cannot all be named; l1's name is placed first,
    no two labels overlap, and none covers another symbol."""
    crowd = [site(f"s{k:02d}", 120 + 0.5 * k, name=f"Crowded camp {k}") for k in range(12)]
    scenario = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l2", 0, "2"), facility("l1", 120, "1", name="Level 1, One-twenty")],
        sites=crowd,
    )
    drawing = draw_status_map(check(scenario, light="day", season="dry"), "crowd")
    assert drawing.placed[0].kind == "facility"
    assert {p.text for p in drawing.placed if p.kind == "facility"} == {"L2 l2", "L1 One-twenty"}
    assert drawing.skipped  # the crowd does not fit
    boxes = [p.box for p in drawing.placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    ranks = [maps.PRIORITY[p.kind] for p in drawing.placed]
    assert ranks == sorted(ranks)  # placed in order of priority
    texts = {t.get_text() for t in drawing.figure.axes[0].texts if t.get_gid() == LABEL}
    assert texts == {p.text for p in drawing.placed}  # what is placed is what is drawn


def test_labels_are_names() -> None:
    drawing = draw_status_map(check(fixture_scenario(), light="day", season="dry"), "day")
    placed = {p.text for p in drawing.placed}
    assert {"L2 hospital, Zero", "L1 l1", "Far camp", "heli"} <= placed


def test_roads_drawn_are_the_network_of_the_ground_times() -> None:
    """equator.yaml: B-D is closed in the wet and the flood closes B-C: dotted in the wet."""
    scenario = load_scenario(ROADS)
    for season in ("dry", "wet"):
        result = check(scenario, light="day", season=season)
        network = road_network(result.engine.router)
        assert network is not None
        drawing = draw_status_map(result, season)
        forward, backward = network.seg_min[season]
        closed = int((~np.isfinite(np.minimum(forward, backward))).sum())
        open_lines = [a for a in _artists(drawing, ROAD) if isinstance(a, LineCollection)]
        assert sum(len(c.get_segments()) for c in open_lines) == network.n_segments - closed
        closed_lines = [a for a in _artists(drawing, ROAD_CLOSED[season]) if isinstance(a, LineCollection)]
        assert sum(len(c.get_segments()) for c in closed_lines) == closed
        assert (closed > 0) == (season == "wet")
        assert set(drawing.legend) == drawing.drawn


def test_land_outside_the_outlines_is_not_water() -> None:
    drawing = draw_status_map(check(fixture_scenario(), light="day", season="dry"), "day")
    colour = drawing.figure.axes[0].get_facecolor()
    assert to_hex(colour) == NO_DATA_COLOUR
    red, green, blue = to_rgb(colour)
    assert not blue > max(red, green)  # grey, not the blue of water


@pytest.mark.skipif(not UNMISS.exists(), reason="demo scenario not present")
def test_the_mission_towns_come_before_the_neighbours() -> None:
    """UNMISS: South Sudan holds the sites. Bakwa (DR Congo, about 100,000 people) is among
    the ten largest towns in the view but is left for South Sudan's own."""
    scenario = load_scenario(UNMISS)
    assert host_countries(scenario) == {"SS"}
    bounds = scenario_bounds(scenario)
    largest = [t["label"] for t in towns(bounds)[: maps.TOWN_LABELS]]
    drawn = map_towns(bounds, host_countries(scenario))
    assert "Bakwa" in largest and "Bakwa" not in [t["label"] for t in drawn]
    countries = [t["country"] for t in drawn]
    assert countries == sorted(countries, key=lambda c: c != "SS")
