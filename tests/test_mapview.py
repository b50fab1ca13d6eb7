"""The main map's own records: labels by priority, roads, the view, the scale bar, and the
cells that turn a click into a place. Expected values are worked out here from the
scenario, the check and pyproj's geodesics, not from the functions under test."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from conftest import cells_containing
from pyproj import Geod

from medevac.check import CheckResult, check
from medevac.ground import road_network
from medevac.mapdata import (
    Bounds,
    ascii_label,
    facility_label,
    map_label,
    result_layers,
    scenario_bounds,
    towns,
)
from medevac.mapview import (
    PLACEMENT_ACCURACY_KM,
    View,
    coarse_cells,
    fine_cells,
    label_records,
    nice_length_km,
    road_records,
    scale_bar,
)
from medevac.scenario import load_scenario
from medevac.whatif import evaluate

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
UNMISS = ROOT / "scenarios" / "unmiss.yaml"
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def demo() -> CheckResult:
    return check(load_scenario(DEMO))


def test_labels_are_names_ranked_failing_sites_by_personnel_then_facilities_then_the_rest(
    demo: CheckResult,
) -> None:
    scenario = demo.scenario
    town_records = towns(scenario_bounds(scenario))
    labels = label_records(result_layers(demo), town_records)
    priorities = [r["priority"] for r in labels]
    assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) == len(priorities)
    meets_all = [bool(demo.meets[:, s].all()) for s in range(len(demo.scenario.sites))]
    failing = sorted(
        (s for s, ok in zip(scenario.sites, meets_all, strict=True) if not ok), key=lambda s: -s.personnel
    )
    assert failing, "the demo has failing sites"

    def rank_of(name: str) -> int:
        """The index of the label carrying this name on one of its lines (each name once)."""
        found = [
            i for i, r in enumerate(labels) if any(line.startswith(name) for line in r["text"].split("\n"))
        ]
        assert len(found) == 1, (name, found)
        return found[0]

    failing_ranks = [rank_of(map_label(ascii_label(s.name or s.id))) for s in failing]
    assert failing_ranks == sorted(failing_ranks)  # most personnel first
    assert labels[0]["text"].split("\n")[0].startswith(map_label(failing[0].name or failing[0].id))

    kinds = [r["kind"] for r in labels]
    first_town = kinds.index("town")
    assert set(kinds[first_town:]) == {"town"}  # towns last, largest first
    assert [r["text"] for r in labels[first_town:]] == [t["label"] for t in town_records][
        : len(kinds) - first_town
    ]
    for site in scenario.sites:  # names, never the id where there is a name
        assert site.name and site.id not in " ".join(r["text"] for r in labels)


def test_label_priority_by_hand() -> None:
    def place(lat: float, **fields: object) -> dict[str, object]:
        return {"lat": lat, "lon": 0.0, **fields}

    layers = {
        "sites": [
            place(0.0, id="a", name="Alpha", code="ok", personnel=900),
            place(1.0, id="b", name="Bravo", code="S", personnel=100),
            place(2.0, id="c", name="Charlie", code="R", personnel=500),
            place(3.0, id="d", name="Delta", code="ok", personnel=50),
        ],
        "facilities": [place(4.0, id="h", name="Level 2 hospital, Echo", level="2")],
        "airframe_bases": [place(5.0, id="heli-1", label="heli-1")],
    }
    town_list = [place(6.0, label="Big town"), place(7.0, label="Small town")]
    texts = [r["text"] for r in label_records(layers, town_list)]
    assert texts == [
        "Charlie [R]",  # failing, 500 personnel
        "Bravo [S]",  # failing, 100
        "L2 hospital, Echo",
        "heli-1",
        "Alpha [ok]",  # meeting, 900
        "Delta [ok]",
        "Big town",
        "Small town",
    ]


def test_a_camp_with_its_hospital_and_helicopters_is_one_label_of_lines(demo: CheckResult) -> None:
    # Gao: the supercamp, its Level 2 hospital 1.5 km away, and the helicopters based there.
    scenario = demo.scenario
    site = next(s for s in scenario.sites if s.id == "gao-camp")
    hospital = next(f for f in scenario.facilities if f.id == "gao-l2")
    assert GEOD.inv(site.lon, site.lat, hospital.lon, hospital.lat)[2] < 2000
    based = [a.id for a in scenario.airframes if a.base == "gao-l2"]
    assert len(based) == 3
    labels = label_records(result_layers(demo))
    gao = [r for r in labels if "Gao supercamp [ok]" in r["text"].split("\n")]
    assert len(gao) == 1
    lines = gao[0]["text"].split("\n")
    assert facility_label(hospital.level, hospital.name or hospital.id) in lines
    assert lines[-1] == ", ".join(based)
    assert not any(r is not gao[0] and "L2 hospital, Gao" in r["text"] for r in labels)


def test_road_records_are_the_networks_segments_closed_in_the_season() -> None:
    result = evaluate(load_scenario(UNMISS))
    network = road_network(result.engine.router)
    assert network is not None
    for season in ("dry", "wet"):
        records = road_records(network, season)
        assert len(records) == network.n_segments
        forward, backward = network.seg_min[season]
        closed = np.isinf(forward) & np.isinf(backward)
        assert [r["closed"] for r in records] == closed.tolist()
        assert all((r["dash"] != [0, 0]) == r["closed"] for r in records)  # closed: dashed
        k = int(np.argmax(closed)) if closed.any() else 0
        u, v = network.seg_u[k], network.seg_v[k]
        expected = [
            [network.node_lon_deg[u], network.node_lat_deg[u]],
            [network.node_lon_deg[v], network.node_lat_deg[v]],
        ]
        assert np.allclose(records[k]["path"], expected, atol=1e-5)
    assert any(r["closed"] for r in road_records(network, "wet"))  # wet-season closures in the demo
    assert road_records(None, "dry") == []


@pytest.mark.parametrize("zoom", [4.0, 5.58, 7.3, 9.0, 12.0])
@pytest.mark.parametrize("lat", [-35.0, 0.0, 16.4, 60.0])
def test_scale_bar_is_a_round_geodesic_length_of_about_a_fifth_of_the_map(lat: float, zoom: float) -> None:
    height_px, width_px = 620.0, 700.0
    view = View(lat, 10.0, zoom)
    bar = scale_bar(view, height_px, width_px)
    measured_km = GEOD.inv(bar.lon_start, bar.lat, bar.lon_end, bar.lat)[2] / 1000
    assert measured_km == pytest.approx(bar.length_km, rel=1e-6)
    mantissa = bar.length_km / 10 ** math.floor(math.log10(bar.length_km))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    # Web mercator, 512-pixel world at zoom 0: ground metres per pixel at the bar's latitude.
    metres_per_px = 2 * math.pi * 6378137.0 * math.cos(math.radians(bar.lat)) / (512 * 2**zoom)
    bar_px = bar.length_km * 1000 / metres_per_px
    assert width_px / 12.5 <= bar_px <= width_px / 5 * 1.05  # a round length of at most ~a fifth
    # Inside the view: between the centre and the bottom edge, 40 px above it.
    y_centre = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    y_bar = math.log(math.tan(math.pi / 4 + math.radians(bar.lat) / 2))
    px_below = (y_centre - y_bar) / (2 * math.pi) * 512 * 2**zoom
    assert px_below == pytest.approx(height_px / 2 - 40, abs=0.01)
    assert bar.lon_start < 10.0 < bar.lon_end


def test_nice_lengths() -> None:
    assert [nice_length_km(x) for x in (0.7, 1.0, 3.0, 19.9, 20.0, 180.0, 999.0)] == [
        0.5,
        1.0,
        2.0,
        10.0,
        20.0,
        100.0,
        500.0,
    ]


@pytest.mark.parametrize("bounds", [scenario_bounds(load_scenario(DEMO)), Bounds(3.5, 24.0, 10.5, 34.5)])
def test_two_clicks_place_within_the_stated_accuracy_of_the_point_clicked(bounds: Bounds) -> None:
    coarse = coarse_cells(bounds)
    coarse_records = coarse.records("coarse")
    rng = random.Random(17)
    placed = 0
    for _ in range(40):
        lat = rng.uniform(bounds.south, bounds.north)
        lon = rng.uniform(bounds.west, bounds.east)
        hit = cells_containing(coarse_records, coarse.cell_km, lat, lon)
        if not hit:  # between the squares (they are km squares on a degree lattice): no pick
            continue
        cell = hit[0]
        fine = fine_cells(cell["lat"], cell["lon"], coarse.cell_km)
        inside = cells_containing(fine.records("fine"), fine.cell_km, lat, lon)
        assert inside, (lat, lon, cell)
        km = GEOD.inv(lon, lat, inside[0]["lon"], inside[0]["lat"])[2] / 1000
        assert km <= PLACEMENT_ACCURACY_KM + 0.01
        placed += 1
    assert placed >= 30  # the squares cover nearly all of the box
    assert PLACEMENT_ACCURACY_KM <= 1.0


def test_a_deck_sends_pre_encoded_records_as_pydeck_would_send_them() -> None:
    """The roads' JSON, made once, goes into the deck's JSON byte for byte where pydeck's own
    encoding of the same records would be."""
    import pydeck as pdk
    from pydeck.bindings.json_tools import default_serialize

    from app_layers import CompactDeck  # beside app.py; the package never imports pydeck

    result = evaluate(load_scenario(UNMISS))
    roads = road_records(road_network(result.engine.router), "wet")
    text = "tooltip \x00 and \\u0000 in a record"
    layers = [
        pdk.Layer("PathLayer", roads, id="roads", get_path="path"),
        pdk.Layer("TextLayer", [{"text": text}], id="words", get_text="text"),
    ]
    sent = CompactDeck(layers=layers).to_json()
    layers[0].data = [dict(r) for r in roads]
    own = json.dumps(
        CompactDeck(layers=layers), sort_keys=True, default=default_serialize, separators=(",", ":")
    )
    assert sent == own
    assert json.loads(sent)["layers"][1]["data"] == [{"text": text}]
