"""The planner app driven headless with Streamlit's AppTest: the flows a planner follows.

Expected numbers come from the core called directly (check, apply_edits, gap_rows), so the
test asserts that the page shows what the engine computes, for the bundled demo.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import re
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import cells_containing, facility, gap_table, site
from streamlit.testing.v1 import AppTest

from medevac import messages
from medevac.check import CheckResult, check, reported_min
from medevac.model import Scenario
from medevac.planning.robustness import availability
from medevac.scenario import load_scenario, parse_scenario, scenario_to_mapping
from medevac.standards import LEG_LABEL, Leg
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
    apply_edits,
    compare,
    describe,
    gap_rows,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEMO = ROOT / "scenarios" / "minusma-north.yaml"


@pytest.fixture
def app(downloads: dict[str, bytes]) -> Iterator[AppTest]:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    yield at


def downloaded(at: AppTest, key: str, stored: dict[str, bytes]) -> bytes:
    button = next(b for b in at.get("download_button") if b.key == key)
    file_id = Path(button.proto.url).stem
    return stored[file_id]


def upload(at: AppTest, name: str, data: bytes, layers: dict[str, bytes] | None = None) -> None:
    """Upload a scenario and the layers it names (none: the layer box emptied) in the sidebar."""
    boxes = {str(box.key).rsplit("_", 1)[0]: box for box in at.file_uploader}
    files = [
        (file_name, content, "application/octet-stream") for file_name, content in (layers or {}).items()
    ]
    boxes["layers_upload"].set_value(files or None)
    boxes["upload"].set_value((name, data, "application/x-yaml")).run()


def tab(at: AppTest, label: str) -> Any:
    return next(t for t in at.tabs if t.label == label)


def metric(at: AppTest, leg: Leg) -> tuple[str, str]:
    label = LEG_LABEL[leg]
    found = next(m for m in at.metric if m.label.startswith(f"{label} within"))
    return found.value, found.delta


def sites_text(result: CheckResult, leg: Leg) -> str:
    row = result.legs.index(leg)
    return f"{int(result.meets[row].sum())}/{len(result.scenario.sites)}"


def test_opens_on_the_demo_with_map_metrics_and_gap_table(app: AppTest, downloads: dict[str, bytes]) -> None:
    expected = check(load_scenario(DEMO))
    assert app.main[0].type == "title"  # nothing above it (a bare string in app.py would be)
    assert len(app.get("deck_gl_json_chart")) == 1
    for leg in expected.legs:
        value, delta = metric(app, leg)
        assert value == sites_text(expected, leg)
        assert not delta  # no variant yet
    gaps = gap_rows(expected)
    table = gap_table(app)
    assert list(table["site_id"]) == [g["site_id"] for g in gaps]
    rows = list(csv.DictReader(io.StringIO(downloaded(app, "dl_gaps", downloads).decode())))
    assert [r["site_id"] for r in rows] == [g["site_id"] for g in gaps]
    assert rows[0]["limiting_factor"] == gaps[0]["limiting_factor"]
    # Hover texts: plain lines (Streamlit escapes markup), on everything that can be picked.
    assert json.loads(app.get("deck_gl_json_chart")[0].proto.tooltip)["text"] == "{tooltip}"
    for layer in ("sites", "facilities", "bases", "patrols", "towns", "airfields", "places"):
        tooltips = [record["tooltip"] for record in deck_layer(app, layer)]
        assert tooltips, layer
        assert not any("<" in text for text in tooltips), layer
    site = deck_layer(app, "sites")[0]["tooltip"].splitlines()
    assert site[:2] == ["Gao supercamp (gao-camp), 2600 personnel", "meets all legs"]


def test_switch_to_night(app: AppTest) -> None:
    legs: tuple[Leg, ...] = ("resuscitation", "surgery")
    day = {leg: metric(app, leg)[0] for leg in legs}
    app.radio(key="light").set_value("night").run()
    assert not app.exception
    night = check(apply_edits(load_scenario(DEMO), [SetConditions(light="night")]))
    for leg in legs:
        assert metric(app, leg)[0] == sites_text(night, leg)
    assert {leg: metric(app, leg)[0] for leg in day} != day  # the demo has few night-capable aircraft


def _failing_surgery_site() -> tuple[str, float, float]:
    scenario = load_scenario(DEMO)
    result = check(scenario)
    row = result.legs.index("surgery")
    index = next(s for s in range(len(scenario.sites)) if not result.meets[row, s])
    site = scenario.sites[index]
    return site.id, site.lat, site.lon


def add_level_2_at(at: AppTest, lat: float, lon: float) -> None:
    at.selectbox(key="wi_action").set_value("Add a facility").run()
    at.selectbox(key="wi_level").set_value("2").run()
    at.radio(key="wi_add_how").set_value("coordinates").run()
    at.number_input(key="wi_add_lat").set_value(lat)
    at.number_input(key="wi_add_lon").set_value(lon).run()
    at.button(key="wi_apply").click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_add_a_facility_compare_and_download_the_variant(app: AppTest, downloads: dict[str, bytes]) -> None:
    demo_text = DEMO.read_text(encoding="utf-8")
    site_id, lat, lon = _failing_surgery_site()
    add_level_2_at(app, lat, lon)
    baseline = load_scenario(DEMO)
    # A Level 2 on the site itself: surgery by the unit's own vehicle at ground departure
    # 15 + 0 km + handover 5 = 20 min, inside 120, so the site must be gained.
    edit = AddFacility("new-l2-1", "2", Point(round(lat, 4), round(lon, 4)))
    variant = apply_edits(baseline, [edit])
    before, after = check(baseline), check(variant)
    surgery = next(d for d in compare(before, after) if d.leg == "surgery")
    assert site_id in surgery.sites_gained
    value, delta = metric(app, "surgery")
    assert value == sites_text(after, "surgery")
    gained = surgery.sites_after - surgery.sites_before
    assert delta.startswith(f"{gained:+d} sites, {surgery.personnel_gained - surgery.personnel_lost:+,d}")

    app.text_input(key="wi_name").set_value("L2 forward").run()
    app.button(key="wi_save").click().run()
    table = tab(app, "Compare").dataframe[0].value
    assert list(table["variant"]) == ["baseline", "working variant", "L2 forward"]
    surgery_column = table["surgery: sites"].tolist()
    assert surgery_column == [surgery.sites_before, surgery.sites_after, surgery.sites_after]

    saved = downloaded(app, "dl_variant_l2-forward", downloads).decode()
    assert scenario_to_mapping(parse_scenario(saved)) == scenario_to_mapping(variant)
    assert yaml.safe_load(saved)["facilities"][-1]["id"] == "new-l2-1"
    assert DEMO.read_text(encoding="utf-8") == demo_text  # the user's file is never written


def test_an_invalid_upload_shows_its_errors_and_keeps_the_scenario(app: AppTest) -> None:
    before = [m.value for m in app.metric]
    bad = b"medevac: 1\nname: bad\nfacilities:\n  - {id: a, level: 7, lat: 100, lon: 0}\n"
    upload(app, "bad.yaml", bad)
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert "bad.yaml: facilities[0].level: must be one of" in errors
    assert "bad.yaml: facilities[0].lat: must be at most 90" in errors
    assert [m.value for m in app.metric] == before
    assert "minusma-north.yaml" in " ".join(c.value for c in app.sidebar.caption)


def test_a_valid_upload_replaces_the_scenario(app: AppTest) -> None:
    good = (
        b"medevac: 1\nname: two camps\n"
        b"facilities: [{id: h, level: 2, lat: 0, lon: 0}]\n"
        b"sites: [{id: near, lat: 0, lon: 0.1, personnel: 10}, {id: far, lat: 0, lon: 9, personnel: 5}]\n"
    )
    upload(app, "two.yaml", good)
    assert not app.exception
    assert not app.error
    # near is 11 km from the Level 2 (15 + 11.13 * 1.4 / 40 * 60 + 5 = 43.4 min of surgery); far
    # is 1,000 km away: it fails surgery by road.
    assert metric(app, "surgery")[0] == "1/2"


def test_export_downloads_and_the_gap_report(app: AppTest, downloads: dict[str, bytes]) -> None:
    expected = check(load_scenario(DEMO))
    sites = list(csv.DictReader(io.StringIO(downloaded(app, "dl_sites", downloads).decode())))
    assert [row["site_id"] for row in sites] == [s.id for s in expected.scenario.sites]
    layers = yaml.safe_load(downloaded(app, "dl_layers", downloads))  # JSON is YAML
    site_features = [f for f in layers["features"] if f["properties"]["layer"] == "sites"]
    assert len(site_features) == len(expected.scenario.sites)
    app.button(key="build_report").click().run()
    assert not app.exception
    report = downloaded(app, "dl_report", downloads).decode()
    assert "<html" in report.lower()
    assert expected.scenario.name in report


# -- placing what-ifs: the map click, a town, typed coordinates ------------------------------


def deck_layer(at: AppTest, layer_id: str) -> list[dict[str, Any]]:
    """The records a map layer was drawn with (what the browser gets, and sends back on a click)."""
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = next(layer for layer in deck["layers"] if layer["id"] == layer_id)
    return list(layer["data"])


def click_map(at: AppTest, layer_id: str, obj: dict[str, Any]) -> None:
    """Rerun as the browser does when a planner clicks ``obj`` on the map.

    AppTest has no deck.gl clicks, so the selection the front end sends is added to the
    widget states of the next run (AppTest's private ``_tree`` and ``_run``).
    """
    chart = at.get("deck_gl_json_chart")[0]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = chart.proto.id
    selection = {"indices": {layer_id: [0]}, "objects": {layer_id: [obj]}}
    state.string_value = json.dumps({"selection": selection})
    at._run(states)
    assert not at.exception, [e.message for e in at.exception]


def place_and_apply(at: AppTest, prefix: str, way: str, clicked: tuple[str, int], town: int) -> Point:
    """Choose a place one way (clicking object ``clicked`` of a layer, picking town number
    ``town``, or typing coordinates), apply the edit, return the place the edit must use."""
    at.radio(key=f"{prefix}_how").set_value(way).run()
    if way == "map click":
        layer_id, index = clicked
        obj = deck_layer(at, layer_id)[index]
        click_map(at, layer_id, obj)
        label = None if layer_id == "places" else obj.get("name") or obj.get("label")
        point = Point(float(obj["lat"]), float(obj["lon"]), label)
    elif way == "town":
        at.selectbox(key=f"{prefix}_town").set_value(town).run()
        record = deck_layer(at, "towns")[town]
        point = Point(float(record["lat"]), float(record["lon"]), str(record["label"]))
    else:
        at.number_input(key=f"{prefix}_lat").set_value(16.5)
        at.number_input(key=f"{prefix}_lon").set_value(0.75).run()
        point = Point(16.5, 0.75)
    at.button(key="wi_apply").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return point


def assert_working_variant(at: AppTest, edits: list[Edit], downloads: dict[str, bytes]) -> None:
    """The page lists the edits and saves exactly the demo with them applied."""
    listed = [t.value for t in tab(at, "What-if").text]
    assert listed == [f"{n}. {describe(e)}" for n, e in enumerate(edits, start=1)]
    saved = parse_scenario(downloaded(at, "dl_scenario", downloads).decode())
    assert scenario_to_mapping(saved) == scenario_to_mapping(apply_edits(load_scenario(DEMO), edits))


WAYS = ("map click", "town", "coordinates")


@pytest.fixture
def quick(app: AppTest) -> AppTest:
    """The app with no coverage surface drawn: what-if flows rerun in a fraction of a second."""
    app.selectbox(key="surface_leg").set_value("none").run()
    return app


def test_add_a_facility_at_a_click_a_town_or_coordinates(quick: AppTest, downloads: dict[str, bytes]) -> None:
    quick.selectbox(key="wi_action").set_value("Add a facility").run()
    edits: list[Edit] = []
    for n, way in enumerate(WAYS, start=1):
        point = place_and_apply(quick, "wi_add", way, ("towns", 2), town=3)
        edits.append(AddFacility(f"new-l2-{n}", "2", point, helipad=True, airstrip=False))
    assert_working_variant(quick, edits, downloads)


def test_move_a_facility_to_a_click_a_town_or_coordinates(
    quick: AppTest, downloads: dict[str, bytes]
) -> None:
    quick.selectbox(key="wi_action").set_value("Move a facility").run()
    quick.selectbox(key="wi_move_facility").set_value("kidal-l1").run()
    edits: list[Edit] = []
    for way in WAYS:
        point = place_and_apply(quick, "wi_move", way, ("sites", 4), town=5)
        edits.append(MoveFacility("kidal-l1", point))
    assert_working_variant(quick, edits, downloads)


def test_add_a_helicopter_at_a_click_a_town_or_coordinates(
    quick: AppTest, downloads: dict[str, bytes]
) -> None:
    quick.selectbox(key="wi_action").set_value("Add an airframe").run()
    quick.radio(key="wi_af_base_how").set_value("a place").run()
    edits: list[Edit] = []
    for n, way in enumerate(WAYS, start=1):
        point = place_and_apply(quick, "wi_af", way, ("airfields", 1), town=6)
        edits.append(
            AddAirframe(f"helicopter-{n}", point, 250.0, 570.0, 30.0, 60.0, night=True, medical_team=True)
        )
    assert_working_variant(quick, edits, downloads)


def test_move_a_helicopter_base_to_a_click_a_town_or_coordinates(
    quick: AppTest, downloads: dict[str, bytes]
) -> None:
    quick.selectbox(key="wi_action").set_value("Move an airframe base").run()
    quick.selectbox(key="wi_move_af").set_value("puma-1").run()
    quick.radio(key="wi_move_af_how").set_value("a place").run()  # crashed: duplicate key
    assert not quick.exception, [e.message for e in quick.exception]
    edits: list[Edit] = []
    for way in WAYS:
        point = place_and_apply(quick, "wi_move_af_to", way, ("places", 400), town=1)
        edits.append(MoveAirframe("puma-1", point))
    assert_working_variant(quick, edits, downloads)


# -- a new mission starts from its own file ------------------------------------------------

NIGHT_WET = b"""medevac: 1
name: night camps
standard: nato-10-1-2-2
conditions: {light: night, season: wet}
ground: {convoy_factor: 0.5}
facilities: [{id: h, level: 2, lat: 0, lon: 0}]
sites:
  - {id: near, lat: 0, lon: 0.1, personnel: 10}
  - {id: far, lat: 0, lon: 3, personnel: 5}
"""


def conditions_shown(at: AppTest) -> tuple[Any, ...]:
    return (
        at.radio(key="light").value,
        at.radio(key="season").value,
        at.selectbox(key="profile").value,
        at.slider(key="convoy_factor").value,
    )


def test_an_upload_keeps_its_own_conditions_after_the_next_click(app: AppTest) -> None:
    upload(app, "night.yaml", NIGHT_WET)
    # far is 333.9 km from the only hospital: 333.9 x 1.4 km by road at 40 x 0.5 (convoy)
    # x 0.5 (wet) km/h is 2805.3 min, + ground departure 15 + handover 5 = 2825.3 min.
    expected = gap_rows(check(parse_scenario(NIGHT_WET.decode())))
    assert [g["surgery_min"] for g in expected] == [113.5, 2825.3]
    for _ in range(2):  # the upload's own run, then an unrelated click
        assert conditions_shown(app) == ("night", "wet", "nato-10-1-2-2", 0.5)
        assert " · nato-10-1-2-2 · night, wet season · baseline" in app.caption[0].value
        gaps = gap_table(app)
        assert list(gaps["surgery_min"]) == [113.5, 2825.3]
        assert list(gaps["failing_legs"]) == [g["failing_legs"] for g in expected]
        app.selectbox(key="surface_leg").set_value("none").run()
    assert "Loaded: **night.yaml** (night camps)" in [c.value for c in app.sidebar.caption]


def test_switching_demo_and_uploading_again_loads_each_mission(app: AppTest) -> None:
    upload(app, "night.yaml", NIGHT_WET)
    app.selectbox(key="demo").set_value("unmiss.yaml").run()
    unmiss = load_scenario(ROOT / "scenarios" / "unmiss.yaml")
    assert conditions_shown(app)[3] == unmiss.ground.convoy_factor
    assert f"Loaded: **unmiss.yaml** ({unmiss.name})" in [c.value for c in app.sidebar.caption]
    assert not any(box.value for box in app.file_uploader)  # emptied
    upload(app, "night.yaml", NIGHT_WET)  # the same file again: it loads again
    assert conditions_shown(app) == ("night", "wet", "nato-10-1-2-2", 0.5)
    assert "Loaded: **night.yaml** (night camps)" in [c.value for c in app.sidebar.caption]
    assert app.selectbox(key="demo").value is None  # the demo box no longer claims a demo...
    app.selectbox(key="demo").set_value("minusma-north.yaml").run()  # ...so any can be chosen
    assert app.caption[0].value.startswith(load_scenario(DEMO).name)


def test_a_new_hospital_gains_area_on_the_baselines_grid(app: AppTest) -> None:
    """A Level 2 at Kidal (a town near the mission's edge) moves the variant's own hull, and
    over that grid first aid "lost" 588 km2; over the baseline's grid it changes by 0."""
    from medevac.coverage import coverage, grid_over, scenario_area

    kidal = next(i for i, t in enumerate(deck_layer(app, "towns")) if t["label"] == "Kidal")
    app.selectbox(key="wi_action").set_value("Add a facility").run()
    app.radio(key="wi_add_how").set_value("town").run()
    app.selectbox(key="wi_add_town").set_value(kidal).run()
    app.button(key="wi_apply").click().run()
    assert not app.exception, [e.message for e in app.exception]
    line = next(m.value for m in tab(app, "What-if").markdown if m.value.startswith("Change in covered area"))
    shown = dict(part.rsplit(" ", 2)[:2] for part in line.split(": ", 1)[1].split(", "))
    change = {label: float(km2.replace(",", "")) for label, km2 in shown.items()}

    baseline = load_scenario(DEMO)
    town = deck_layer(app, "towns")[kidal]
    variant = apply_edits(baseline, [AddFacility("new-l2-1", "2", Point(town["lat"], town["lon"], "Kidal"))])
    grid = grid_over(scenario_area(baseline), 14.0)  # the demo's grid: 14 km cells (2,321)
    before, after = (coverage(s, grid).surfaces[0] for s in (baseline, variant))
    expected = {
        LEG_LABEL[leg]: float(after.meets[i].sum() - before.meets[i].sum()) * grid.cell_area_km2
        for i, leg in enumerate(before.check.legs)
    }
    assert change == expected
    assert change["first aid"] == 0.0  # first aid is given on site: no hospital changes it
    assert all(km2 >= 0 for km2 in change.values())  # adding a facility never loses area
    assert change["surgery"] > 0


# -- hostile uploads: files outside the upload, broken layers, leftovers -----------------------


def line_layer(coordinates: list[tuple[float, float]], **properties: Any) -> bytes:
    """A GeoJSON layer of one line (lon, lat pairs, WGS84)."""
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "LineString", "coordinates": [list(xy) for xy in coordinates]},
    }
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}).encode()


CAMPS = """medevac: 1
name: camps
facilities: [{id: h, level: 2, lat: 0, lon: 0}]
sites: [{id: near, lat: 0, lon: 0.1, personnel: 10}, {id: far, lat: 0, lon: 0.9, personnel: 5}]
"""
ROADS = line_layer([(0.0, 0.0), (0.5, 0.0), (1.0, 0.0)], **{"class": "primary"})


def naming(path: str) -> bytes:
    """CAMPS naming ``path`` as its road layer, a closure layer and a patrol's file."""
    named = f"ground: {{roads: '{path}', closures: ['{path}']}}\npatrols: [{{id: p, file: '{path}'}}]\n"
    return (CAMPS + named).encode()


def test_an_upload_reads_no_file_outside_its_folder(app: AppTest) -> None:
    """Absolute names are refused, and so are names no uploaded file answers, whether the
    server file exists or not (the answer never depends on it); no message shows a server
    path; the demo stays."""
    before = [m.value for m in app.metric]
    replies = {}
    paths = ("/etc/passwd", "/etc/no-such-file", "../../../../etc/passwd", "../../../../etc/no-such-file")
    for path in (*paths, "C:/Windows/win.ini", "~/.ssh/id_rsa"):
        upload(app, "camps.yaml", naming(path), {"roads.geojson": ROADS})
        assert not app.exception, [e.message for e in app.exception]
        errors = [e.value for e in app.error]
        assert len(errors) == 3, errors
        for error in errors:
            assert path in error
            assert tempfile.gettempdir() not in error and "medevac-upload" not in error
        file = Path(path).name
        replies[path] = [error.replace(path, "<name>").replace(file, "<file>") for error in errors]
        assert [m.value for m in app.metric] == before
    assert replies[paths[0]] == replies[paths[1]]  # nothing tells what exists
    assert replies[paths[2]] == replies[paths[3]]
    keys = ("ground.closures[0]", "patrols[0].path.file", "ground.roads")
    assert replies["/etc/passwd"] == [
        f"Upload not loaded: camps.yaml: {key}: must name a file uploaded with the scenario, by a name "
        "relative to it (not an absolute path) (got '<name>')"
        for key in keys
    ]
    assert replies["C:/Windows/win.ini"] == replies["~/.ssh/id_rsa"] == replies["/etc/passwd"]
    assert replies["../../../../etc/passwd"] == [
        f"Upload not loaded: camps.yaml: {key}: was not uploaded: add <file> to the upload (or upload a "
        ".zip of the mission's folder) (got '<name>')"
        for key in keys
    ]
    # The upload limit: 50 MB, set for the server and shown by both boxes.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == 50
    assert [box.proto.max_upload_size_mb for box in app.file_uploader] == [50, 50]


def test_an_upload_cannot_reach_a_server_file_through_a_layer(app: AppTest) -> None:
    """GDAL opens files by content: a "p.geojson" that is a VRT (alone or zipped) would draw
    and export any vector file on the server, here the demo's road layer."""
    vrt = f"""<OGRVRTDataSource><OGRVRTLayer name="p">
      <SrcDataSource>{ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson"}</SrcDataSource>
      <SrcLayer>roads</SrcLayer></OGRVRTLayer></OGRVRTDataSource>""".encode()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("p.geojson", vrt)
    for name, content in (("p.geojson", vrt), ("p.zip", zipped.getvalue())):
        scenario = CAMPS + f"patrols: [{{id: p, file: {name}}}]\n"
        upload(app, "camps.yaml", scenario.encode(), {name: content})
        assert not app.exception, [e.message for e in app.exception]
        assert [e.value for e in app.error] == [
            f"Upload not loaded: {name}: a layer (GeoPackage, GeoJSON, shapefile, OSM .pbf, GraphML), "
            f"not an XML descriptor such as a VRT (got '{'XML' if name == 'p.geojson' else 'p.geojson'}')"
        ]
        assert deck_layer(app, "patrols")[0]["id"] != "p"  # still the demo's


def test_an_upload_reads_the_layers_it_names_from_its_folder(app: AppTest, tmp_path: Path) -> None:
    patrol = line_layer([(0.1, 0.0), (0.9, 0.0)], id="p")
    flood = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Polygon", "coordinates": [[[5, 5], [6, 5], [6, 6], [5, 5]]]},
                }
            ],
        }
    ).encode()
    text = (
        CAMPS
        + "ground: {roads: roads.geojson, closures: [flood.geojson]}\npatrols: [{id: p, file: p.geojson}]\n"
    )
    upload(
        app,
        "camps.yaml",
        text.encode(),
        {"roads.geojson": ROADS, "flood.geojson": flood, "p.geojson": patrol},
    )
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    for name, content in (("camps.yaml", text.encode()), ("roads.geojson", ROADS), ("flood.geojson", flood)):
        (tmp_path / name).write_bytes(content)
    (tmp_path / "p.geojson").write_bytes(patrol)
    expected = check(load_scenario(tmp_path / "camps.yaml"))
    assert metric(app, "surgery")[0] == sites_text(expected, "surgery")
    gaps = gap_table(app)
    assert list(gaps["surgery_min"]) == [g["surgery_min"] for g in gap_rows(expected)]
    assert {r["id"] for r in deck_layer(app, "patrols")} == {"p"}  # drawn from the uploaded file


def test_a_broken_upload_or_a_core_error_is_an_error_on_the_page(app: AppTest) -> None:
    before = [m.value for m in app.metric]
    beyond_pole = line_layer([(0.0, 0.0), (0.5, 95.0), (1.0, 0.0)], **{"class": "primary"})
    scenario = CAMPS + "ground: {roads: roads.geojson}\n"
    upload(app, "camps.yaml", scenario.encode(), {"roads.geojson": beyond_pole})
    assert not app.exception, [e.message for e in app.exception]
    errors = " ".join(e.value for e in app.error)
    # The core names the road layer once it refuses such a vertex (a RoadDataError); until
    # then the app names the scenario and the error it got.
    assert errors.startswith("Upload not loaded: ")
    assert "roads.geojson" in errors or errors.startswith(
        "Upload not loaded: camps.yaml: could not be checked"
    )
    assert tempfile.gettempdir() not in errors
    assert [m.value for m in app.metric] == before
    upload(app, "binary.yaml", b"\xff\xfe\x00medevac")
    assert [e.value for e in app.error] == [
        "Upload not loaded: binary.yaml: a scenario must be UTF-8 text (YAML) (got 'binary data')"
    ]
    upload(app, "empty.yaml", b"medevac: 1\nname: nothing yet\n")  # valid, but no area to map
    assert not app.exception, [e.message for e in app.exception]
    assert [w.value for w in app.warning] == [
        "No coverage surface: <scenario>: facilities, sites or patrols to draw an area around "
        "(got 'no locations')"
    ]


def upload_folders() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob("medevac-upload-*"))


def test_upload_folders_go_when_replaced_and_when_the_session_ends(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    upload(at, "bad.yaml", b"medevac: 1\nname: bad\nsites: 3\n")
    assert at.error and upload_folders() == []  # a refused upload leaves nothing
    upload(at, "camps.yaml", CAMPS.encode())
    first = upload_folders()
    assert len(first) == 1
    upload(at, "camps.yaml", CAMPS.encode())  # uploaded again: a new folder replaces the old
    assert len(upload_folders()) == 1 and upload_folders() != first
    at.selectbox(key="demo").set_value("unmiss.yaml").run()
    assert upload_folders() == []
    upload(at, "camps.yaml", CAMPS.encode())
    assert len(upload_folders()) == 1
    del at  # the session ends: Streamlit drops its state
    gc.collect()
    assert upload_folders() == []


# -- the planning tabs: robustness and optimise ------------------------------------------------


def open_tab(at: AppTest, key: str) -> None:
    """Switch to a tab as a click does (the tabs track which is open; the planning tabs
    compute only when open)."""
    at.session_state["main_tabs"] = messages.APP_TEXT[key]
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def chart_data(at: AppTest, layered: bool) -> pd.DataFrame:
    """The table an Altair chart of the page was drawn from: the heat map (layered) or the day."""
    import pyarrow as pa

    for chart in at.get("vega_lite_chart"):
        if ("layer" in json.loads(chart.proto.spec)) == layered:
            data = chart.proto.datasets[0].data.data
            frame: pd.DataFrame = pa.ipc.open_stream(data).read_all().to_pandas()
            return frame
    raise AssertionError("no such chart")


def planning_deck(at: AppTest, layer_id: str) -> list[dict[str, Any]]:
    """The records of a layer of the planning tab's own map (the page's second map)."""
    deck = json.loads(at.get("deck_gl_json_chart")[1].proto.json)
    return list(next(layer for layer in deck["layers"] if layer["id"] == layer_id)["data"])


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The page's table with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def without(scenario: Scenario, kind: str, asset_id: str) -> Scenario:
    """The scenario with one asset lost, by edits (a facility with the airframes based on it)."""
    if kind == "airframe":
        return apply_edits(scenario, [SetAirframe(asset_id, available=False)])
    based = [a.id for a in scenario.airframes if a.base == asset_id]
    return apply_edits(
        scenario, [RemoveFacility(asset_id), *(SetAirframe(a, available=False) for a in based)]
    )


def test_robustness_tab_n_minus_1_heat_map_and_table(quick: AppTest) -> None:
    """Each loss checked one by one: the single points of failure, the N-1 table, and the heat
    map's cells (gao-l2 with the three helicopters based on it costs the Gao supercamp two legs)."""
    open_tab(quick, "tab.robustness")
    scenario = load_scenario(DEMO)
    base = check(scenario)
    personnel = np.array([s.personnel for s in scenario.sites])
    losses = [("airframe", a.id) for a in scenario.airframes] + [
        ("facility", f.id) for f in scenario.facilities
    ]
    after = {loss: check(without(scenario, *loss), router=base.engine.router) for loss in losses}
    cost = {loss: int(personnel[base.meets_all & ~r.meets_all].sum()) for loss, r in after.items()}
    hurt = sorted((loss for loss in losses if cost[loss]), key=lambda loss: -cost[loss])
    assert hurt[0] == ("facility", "gao-l2")  # the known single point of failure
    spof = messages.app_text(
        "rb.n1.spof",
        count=len(hurt),
        condition="day, dry season",
        assets=", ".join(f"{kind} {asset_id}" for kind, asset_id in hurt),
    )
    assert spof in [m.value for m in quick.markdown]

    rows = table(quick, "sites lost").set_index("asset lost")
    for kind, asset_id in losses:
        lost = [
            s.id
            for s, b, a in zip(scenario.sites, base.meets_all, after[kind, asset_id].meets_all, strict=True)
            if b and not a
        ]
        row = rows.loc[f"{kind} {asset_id}"]
        assert row["sites lost"] == ", ".join(lost)
        assert row["sites meeting every leg"] == int(after[kind, asset_id].meets_all.sum())
        assert row["personnel lost"] == cost[kind, asset_id]
    assert rows.loc["facility gao-l2", "sites lost"] == "gao-camp, ansongo-camp"
    assert list(rows.index[1 : 1 + len(hurt)]) == [f"{kind} {i}" for kind, i in hurt]  # worst first

    cells = chart_data(quick, layered=True)
    assert len(cells) == len(losses) * len(scenario.sites)
    before_min = reported_min(base.times.time_min)
    for (kind, asset_id), result in after.items():
        legs_lost = (base.meets & ~result.meets).sum(axis=0)
        rise = np.where(np.isfinite(before_min), reported_min(result.times.time_min) - before_min, 0.0)
        added = np.maximum(rise.max(axis=0), 0.0)
        mine = cells[cells["asset_label"] == f"{kind} {asset_id}"].set_index("site_id")
        for s, site_ in enumerate(scenario.sites):
            cell = mine.loc[site_.id]
            assert cell["legs_lost"] == legs_lost[s]
            assert cell["mark"] == messages.loss_mark(int(legs_lost[s]), float(added[s]))
            if np.isfinite(added[s]):
                assert cell["minutes_added"] == pytest.approx(added[s])
    gao = cells[(cells["asset_label"] == "facility gao-l2") & (cells["site_id"] == "gao-camp")].iloc[0]
    assert (gao["legs_lost"], gao["mark"], gao["band"]) == (2, "−2", "2")


def helicopter_camp(**extra: Any) -> bytes:
    """One helicopter (availability 0.8; 4 km a minute, launch 20, team on board) is the only
    way to resuscitation and surgery at s, 60 km away (roads 10 km/h; test_robustness.py): the
    team is there at 55 min, in care at 85; the wet season grounds it with probability 0.25."""
    document = {
        "medevac": 1,
        "name": "helicopter camp",
        "ground": {"road_kmh": 10.0},
        "weather": {"wet": 0.25},
        "facilities": [facility("f2", 0, ground_team=False)],
        "airframes": [
            {
                "id": "h",
                "base": "f2",
                "cruise_kmh": 240,
                "range_km": 900,
                "launch": {"day": 20},
                "medical_team": True,
                "availability": 0.8,
            }
        ],
        "sites": [site("s", 60, personnel=50)],
        **extra,
    }
    return yaml.safe_dump(document).encode()


def chance_of_s(at: AppTest) -> tuple[float, str, str]:
    [record] = planning_deck(at, "sites")
    expected = next(m for m in at.metric if m.label == messages.APP_TEXT["rb.p.expected"])
    return round(record["p_meets_all"], 9), record["label"], expected.value


def test_robustness_tab_chance_map_by_hand(app: AppTest) -> None:
    upload(app, "camp.yaml", helicopter_camp())
    open_tab(app, "tab.robustness")
    # Dry: p = 0.8, 40 of 50 expected; wet: 0.8 x (1 - 0.25) = 0.6, 30 expected.
    assert chance_of_s(app) == (0.8, "s 80 %", "40")
    assert messages.app_text("rb.p.exact", count=1) in [c.value for c in app.caption]
    app.selectbox(key="rb_condition").set_value("day-wet").run()
    assert chance_of_s(app) == (0.6, "s 60 %", "30")
    assert messages.app_text("rb.p.exact", count=2) in [c.value for c in app.caption]
    # Set in the tab: availability 0.5 gives 0.5 x 0.75 = 0.375; no weather risk then 0.5.
    app.number_input(key="rb_av_h").set_value(0.5).run()
    assert chance_of_s(app)[:2] == (0.375, "s 38 %")
    app.number_input(key="rb_wx_wet").set_value(0.0).run()
    assert chance_of_s(app) == (0.5, "s 50 %", "25")
    rows = table(app, "every leg")
    assert rows.to_dict("records") == [
        {"site": "s", "every leg": 0.5, "first aid": 1.0, "resuscitation": 0.5, "surgery": 0.5}
    ]


def test_robustness_tab_monte_carlo_is_seeded(app: AppTest) -> None:
    """17 uncertain helicopters (more than 16 variables): Monte Carlo. s meets every leg when
    any one flies: p = 1 - 0.9**17 = 0.8332, inside the page's 95 % interval; a seed and a
    sample count chosen on the page give the library's numbers for them."""
    fleet = [
        {
            "id": f"h{k}",
            "base": "f2",
            "cruise_kmh": 240,
            "range_km": 900,
            "launch": {"day": 20},
            "medical_team": True,
            "availability": 0.1,
        }
        for k in range(17)
    ]
    text = helicopter_camp(airframes=fleet, weather={})
    upload(app, "fleet.yaml", text)
    open_tab(app, "tab.robustness")
    assert messages.app_text("rb.p.monte_carlo", samples=10_000, seed=0) in [c.value for c in app.caption]
    [row] = table(app, "95 % interval").to_dict("records")
    low, high = (float(x) for x in row["95 % interval"].split(" to "))
    assert low <= 1 - 0.9**17 <= high
    app.number_input(key="rb_samples").set_value(4000)
    app.number_input(key="rb_seed").set_value(7).run()
    expected = availability(parse_scenario(text.decode()), [("day", "dry")], samples=4000, seed=7)
    assert chance_of_s(app)[0] == round(expected.sites[0].p_meets_all["day-dry"], 9)
    assert expected.method == "monte_carlo"


def test_robustness_tab_day_profile(quick: AppTest) -> None:
    """At noon UTC every base is in daylight (the check by day); at midnight every base is in
    darkness (the check by night), leg by leg (test_profile_cluster.py: dawns 05:46 to 06:17)."""
    open_tab(quick, "tab.robustness")
    quick.date_input(key="rb_date").set_value(dt.date(2027, 3, 15)).run()
    assert not quick.exception
    scenario = load_scenario(DEMO)
    personnel = np.array([s.personnel for s in scenario.sites])
    rows = chart_data(quick, layered=False)
    assert sorted(set(rows["hour_utc"])) == list(range(24))
    for hour, light in ((12, "day"), (0, "night")):
        result = check(scenario, light=light, season="dry")  # type: ignore[arg-type]
        at_hour = rows[rows["hour_utc"] == hour].set_index("leg")
        for i, leg in enumerate(result.legs):
            assert at_hour.loc[leg, "personnel_meeting"] == int(personnel[result.meets[i]].sum())
        assert at_hour.loc["all", "personnel_meeting"] == int(personnel[result.meets_all].sum())
        assert at_hour.loc["all", "line"] == "every leg"
    twilight = next(c.value for c in quick.caption if c.value.startswith("Civil dawn and dusk"))
    assert "puma-1 05:46-18:31" in twilight


def best_single_level_2(
    scenario: Scenario, conditions: list[tuple[str, str]], robust: bool
) -> dict[str, int]:
    """Brute force: a Level 2 at each candidate in turn, each checked; the personnel meeting
    every leg summed over the conditions (robust: with every airframe, and each one lost)."""
    from medevac.planning.candidates import load_candidates

    router = check(scenario).engine.router
    values = {}
    for place in load_candidates(scenario, "facilities,sites"):
        edit = AddFacility("x", "2", Point(place.lat, place.lon), airstrip=place.airstrip)
        variant = apply_edits(scenario, [edit])
        value = 0
        for light, season in conditions:
            fleets = [variant] + (
                [without(variant, "airframe", a.id) for a in variant.airframes] if robust else []
            )
            met = np.logical_and.reduce(
                [check(v, light=light, season=season, router=router).meets_all for v in fleets]  # type: ignore[arg-type]
            )
            value += int(np.array([s.personnel for s in scenario.sites])[met].sum())
        values[place.id] = value
    return values


def test_optimise_tab_proposes_the_best_level_2_and_keeps_it_as_a_variant(quick: AppTest) -> None:
    open_tab(quick, "tab.optimise")
    scenario = load_scenario(DEMO)
    values = best_single_level_2(scenario, [("day", "dry")], robust=False)
    best = max(values, key=values.__getitem__)
    assert sorted(values.values())[-2] < values[best]  # one best place: douentza-tob, 5,500
    baseline = int(np.array([s.personnel for s in scenario.sites])[check(scenario).meets_all].sum())
    quick.button(key="op_solve").click().run()
    assert not quick.exception, [e.message for e in quick.exception]
    [status] = quick.status
    assert status.state == "complete" and status.label.startswith("Solved in ")
    value = next(m for m in quick.metric if m.label.startswith("Personnel meeting every leg"))
    assert value.value == f"{values[best]:,}"
    assert value.delta == f"{values[best] - baseline:+,} (proven optimal)"
    place = next(s for s in scenario.sites if s.id == best)
    line = messages.placement_text(
        "facility", "new-l2-1", f"{place.name} ({place.lat:.2f}, {place.lon:.2f})", level="2"
    )
    assert f"- {line}" in [m.value for m in quick.markdown]
    [badge] = planning_deck(quick, "placements")
    assert (badge["label"], badge["lat"], badge["lon"]) == ("+L2", place.lat, place.lon)
    variant = apply_edits(scenario, [AddFacility("new-l2-1", "2", Point(place.lat, place.lon, place.name))])
    gained = [
        s.id
        for s, b, a in zip(scenario.sites, check(scenario).meets_all, check(variant).meets_all, strict=True)
        if a and not b
    ]
    assert messages.app_text("op.gained", sites=", ".join(gained)) in [m.value for m in quick.markdown]
    gained_on_map = [r["id"] for r in planning_deck(quick, "sites") if r["state"] == "gained"]
    assert gained_on_map == gained

    quick.text_input(key="op_name").set_value("L2 optimised").run()
    quick.button(key="op_keep").click().run()
    assert not quick.exception
    compared = tab(quick, "Compare").dataframe[0].value.set_index("variant")
    assert list(compared.index) == ["baseline", "L2 optimised"]
    assert compared.loc["L2 optimised", "all legs: personnel"] == values[best]
    assert compared.loc["baseline", "all legs: personnel"] == baseline


def test_optimise_tab_candidates_from_a_csv_and_a_map_click_robust(quick: AppTest) -> None:
    """Candidates: only an uploaded CSV (Douentza, and a place in the desert) and the clicked
    town of Kidal; robust n-1 by day and night: the page's answer is the brute force's."""
    open_tab(quick, "tab.optimise")
    scenario = load_scenario(DEMO)
    kidal = next(t for t in deck_layer(quick, "towns") if t["label"] == "Kidal")
    click_map(quick, "towns", kidal)
    quick.button(key="op_add_click").click().run()
    assert f"Places clicked on the map: Kidal ({kidal['lat']:.2f}, {kidal['lon']:.2f})." in [
        m.value for m in quick.markdown
    ]
    douentza = next(s for s in scenario.sites if s.id == "douentza-tob")
    places = f"id,lat,lon,name\ndtza,{douentza.lat},{douentza.lon},Douentza\nsand,21.5,-4.0,desert\n"
    quick.file_uploader(key="op_csv").set_value(("places.csv", places.encode(), "text/csv"))
    quick.multiselect(key="op_builtins").set_value([])
    quick.multiselect(key="op_conditions").set_value(["day-dry", "night-dry"])
    quick.toggle(key="op_robust").set_value(True).run()
    assert messages.app_text("op.candidate_count", count=3) in [c.value for c in quick.caption]
    quick.button(key="op_solve").click().run()
    assert not quick.exception, [e.message for e in quick.exception]

    router = check(scenario).engine.router
    personnel = np.array([s.personnel for s in scenario.sites])
    value = {}
    for name, lat, lon in (
        ("Douentza", douentza.lat, douentza.lon),
        ("desert", 21.5, -4.0),
        ("Kidal", kidal["lat"], kidal["lon"]),
    ):
        variant = apply_edits(scenario, [AddFacility("x", "2", Point(lat, lon))])
        total = 0
        for light in ("day", "night"):
            fleets = [variant, *(without(variant, "airframe", a.id) for a in variant.airframes)]
            met = np.logical_and.reduce([check(v, light=light, router=router).meets_all for v in fleets])
            total += int(personnel[met].sum())
        value[name] = total
    best = max(value, key=value.__getitem__)
    shown = next(m for m in quick.metric if m.label.startswith("Personnel meeting every leg"))
    assert shown.value == f"{value[best]:,}"
    assert any(m.value.startswith(f"- a new Level 2 at {best} (") for m in quick.markdown)


def test_optimise_tab_works_on_the_working_variant(quick: AppTest) -> None:
    """With a Level 2 already added by a what-if (new-l2-1), the optimiser places the next one
    on top of it, under an id of its own (new-l2-2); the kept variant is both edits."""
    from medevac.planning.candidates import load_candidates
    from medevac.planning.optimise import Question, optimise, placement_edits

    _, lat, lon = _failing_surgery_site()
    add_level_2_at(quick, lat, lon)
    open_tab(quick, "tab.optimise")
    quick.button(key="op_solve").click().run()
    assert not quick.exception, [e.message for e in quick.exception]
    scenario = load_scenario(DEMO)
    working = [AddFacility("new-l2-1", "2", Point(round(lat, 4), round(lon, 4)))]
    shown = apply_edits(scenario, working)
    solution = optimise(
        shown, Question(add_facilities=(("2", 1),)), load_candidates(shown, "facilities,sites")
    )
    [placement] = solution.placements
    assert placement.id == "new-l2-2"
    quick.button(key="op_keep").click().run()
    assert not quick.exception, [e.message for e in quick.exception]
    kept = apply_edits(scenario, [*working, *placement_edits(shown, solution)])
    personnel = np.array([s.personnel for s in scenario.sites])
    compared = tab(quick, "Compare").dataframe[0].value.set_index("variant")
    assert compared.loc["optimised 1", "all legs: personnel"] == int(personnel[check(kept).meets_all].sum())
    assert compared.loc["optimised 1", "all legs: personnel"] == solution.value
    assert [f.id for f in kept.facilities][-2:] == ["new-l2-1", "new-l2-2"]


# -- the main map ---------------------------------------------------------------------------


def deck_json(at: AppTest) -> dict[str, Any]:
    return dict(json.loads(at.get("deck_gl_json_chart")[0].proto.json))


def deck_layers(at: AppTest) -> dict[str, dict[str, Any]]:
    return {layer["id"]: layer for layer in deck_json(at)["layers"]}


def test_map_labels_are_names_decluttered_by_priority_ids_in_tooltips(quick: AppTest) -> None:
    from medevac.mapdata import ascii_label, facility_label, map_label

    demo = load_scenario(DEMO)
    labels = deck_layers(quick)["labels"]
    assert labels["extensions"] == [{"@@type": "CollisionFilterExtension"}]
    assert labels["getCollisionPriority"] == "@@=priority"
    lines = [line for record in labels["data"] for line in record["text"].split("\n")]
    expected = check(demo)
    for s, camp in enumerate(demo.sites):
        failed = [leg for i, leg in enumerate(expected.legs) if not expected.meets[i, s]]
        code = {"first_aid": "FA", "resuscitation": "R", "surgery": "S"}[failed[0]] if failed else "ok"
        assert f"{map_label(ascii_label(camp.name or camp.id))} [{code}]" in lines
    for hospital in demo.facilities:
        assert facility_label(hospital.level, ascii_label(hospital.name or hospital.id)) in lines
    text = " ".join(lines)
    assert not any(camp.id in text for camp in demo.sites)  # names on the map, ids in the tooltips
    for record in deck_layer(quick, "sites"):
        assert f"({record['id']})" in record["tooltip"].splitlines()[0]
    for record in deck_layer(quick, "facilities"):
        assert f"({record['id']})" in record["tooltip"].splitlines()[0]
    # Priority: the failing site with the most personnel first.
    top = max(
        (site for s, site in enumerate(demo.sites) if not expected.meets[:, s].all()),
        key=lambda site: site.personnel,
    )
    first = max(labels["data"], key=lambda record: record["priority"])
    assert first["text"].split("\n")[0].startswith(map_label(top.name or top.id))


def test_a_site_at_a_facility_keeps_its_dot_above_the_badge(quick: AppTest) -> None:
    from medevac.mapview import BADGE_OFFSET_PX

    order = [layer["id"] for layer in deck_json(quick)["layers"]]
    layers = deck_layers(quick)
    assert order.index("sites") > order.index("facilities") > order.index("facility-places")
    assert layers["facilities"]["getPixelOffset"] == [0, BADGE_OFFSET_PX] and BADGE_OFFSET_PX <= -14
    assert "getPixelOffset" not in layers["sites"]  # the dot is at the site itself
    demo = load_scenario(DEMO)
    assert [(r["lat"], r["lon"]) for r in layers["facility-places"]["data"]] == [
        (f.lat, f.lon) for f in demo.facilities
    ]


def test_a_facility_badge_follows_its_level_after_a_whatif(quick: AppTest) -> None:
    from medevac.mapdata import LEVEL_COLOUR
    from medevac.whatif import SetEntry

    before = next(r for r in deck_layer(quick, "facilities") if r["id"] == "kidal-l1")
    assert (before["label"], before["colour"]) == ("L1", list(LEVEL_COLOUR[1]))
    quick.session_state["edits"] = [
        SetEntry("facilities", "kidal-l1", (("level", "3"),)),
        AddFacility("new-l2-1", "2+", Point(17.0, -1.0)),
    ]
    quick.run()
    assert not quick.exception
    badges = {r["id"]: r for r in deck_layer(quick, "facilities")}
    assert (badges["kidal-l1"]["label"], badges["kidal-l1"]["colour"]) == ("L3", list(LEVEL_COLOUR[3]))
    assert badges["kidal-l1"]["text_colour"] == [255, 255, 255]  # white on the black of Level 3
    assert (badges["new-l2-1"]["label"], badges["new-l2-1"]["colour"]) == ("L2+", list(LEVEL_COLOUR[2]))
    lines = [line for r in deck_layer(quick, "labels") for line in r["text"].split("\n")]
    assert "L3 Kidal camp" in lines


def swatches(html: str) -> list[str]:
    return re.findall(r'<span style="(display:inline-block[^"]*)"', html)


def test_the_legend_shows_every_swatch_and_only_the_profiles_legs(app: AppTest) -> None:
    from medevac.mapdata import BAND_COLOURS, FAIL_COLOUR, SURFACE_ALPHA

    def legend() -> str:
        return next(m.value for m in app.markdown if m.value.startswith("<b>Sites</b>"))

    html = legend()
    assert "primary surgery" not in html
    assert len(re.findall(r"\] fails [a-z ]+ first", html)) == 3  # un-10-1-2: three legs
    for style in swatches(html):  # every swatch has a border: a box, a ring or a line
        assert ("border" in style and "solid" in style) or "dashed" in style
    for leg in ("first_aid", "resuscitation", "surgery"):
        r, g, b = FAIL_COLOUR[leg]
        assert f"background:rgb({r},{g},{b})" in html
    alpha = SURFACE_ALPHA / 255
    for colour in BAND_COLOURS:  # as drawn: over the basemap's land
        r, g, b = (
            round(alpha * c + (1 - alpha) * base) for c, base in zip(colour, (245, 243, 238), strict=True)
        )
        assert f"background:rgb({r},{g},{b})" in html
    app.selectbox(key="profile").set_value("nato-10-1-2-2").run()
    html = legend()
    assert len(re.findall(r"\] fails [a-z ]+ first", html)) == 4
    assert "[PS] fails primary surgery first" in html
    r, g, b = FAIL_COLOUR["primary_surgery"]
    assert f"background:rgb({r},{g},{b})" in html


def test_the_scale_bar_is_a_round_geodesic_length_in_the_view(quick: AppTest) -> None:
    from pyproj import Geod

    layers = deck_layers(quick)
    (bar,) = layers["scale-bar"]["data"]
    (label,) = layers["scale-label"]["data"]
    (lon0, lat0), (lon1, lat1) = bar["path"]
    assert lat0 == lat1
    km = Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000
    assert label["text"] == f"{round(km):g} km" and round(km) in (50, 100, 200, 500)
    view = deck_json(quick)["initialViewState"]
    bounds = scenario_bounds_of(DEMO)
    assert bounds.south < lat0 < view["latitude"] and lon0 < view["longitude"] < lon1


def scenario_bounds_of(path: Path) -> Any:
    from medevac.mapdata import scenario_bounds

    return scenario_bounds(load_scenario(path))


def test_layer_toggles_and_the_scenarios_roads(app: AppTest) -> None:
    from medevac.ground import road_network

    layers = deck_layers(app)
    network = road_network(check(load_scenario(DEMO)).engine.router)
    assert network is not None and len(layers["roads"]["data"]) == network.n_segments
    for layer in ("coverage", "range-rings", "patrols", "labels", "roads"):
        assert layer in layers
    for key, layer in (
        ("surface", "coverage"),
        ("rings", "range-rings"),
        ("patrols", "patrols"),
        ("labels", "labels"),
        ("roads", "roads"),
    ):
        app.checkbox(key=f"map_{key}").set_value(False).run()
        assert layer not in deck_layers(app), layer
        app.checkbox(key=f"map_{key}").set_value(True).run()
        assert layer in deck_layers(app), layer
    app.checkbox(key="map_roads").set_value(False).run()
    assert "<b>Roads</b>" not in next(m.value for m in app.markdown if m.value.startswith("<b>Sites</b>"))


def test_find_a_site_recentres_the_map_and_shows_its_numbers(quick: AppTest) -> None:
    demo = load_scenario(DEMO)
    expected = check(demo)
    s = next(i for i, site in enumerate(demo.sites) if site.id == "kidal-camp")
    whole = deck_json(quick)["initialViewState"]
    quick.selectbox(key="find_site").set_value("kidal-camp").run()
    view = deck_json(quick)["initialViewState"]
    assert (view["latitude"], view["longitude"]) == (demo.sites[s].lat, demo.sites[s].lon)
    assert view["zoom"] >= 9 > whole["zoom"] + 2
    shown = "\n".join(t.value for t in quick.text)
    times = reported_min(expected.times.time_min)
    for i, leg in enumerate(expected.legs):
        assert f"{LEG_LABEL[leg]}: {times[i, s]:.1f} min" in shown
    quick.button(key="map_whole").click().run()
    assert deck_json(quick)["initialViewState"] == whole


def test_two_clicks_place_a_facility_within_a_km_of_the_point_clicked(quick: AppTest) -> None:
    from pyproj import Geod

    clicked = (16.31, -1.23)  # a spot in the open, between Gao and Timbuktu
    quick.selectbox(key="wi_action").set_value("Add a facility").run()
    quick.radio(key="wi_add_how").set_value("map click").run()
    places = deck_layers(quick)["places"]
    side_km = places["radius"] * 2**0.5 / 1000  # the squares as drawn
    (coarse,) = cells_containing(places["data"], side_km, *clicked)
    click_map(quick, "places", coarse)
    layers = deck_layers(quick)
    view = deck_json(quick)["initialViewState"]
    assert (view["latitude"], view["longitude"]) == (coarse["lat"], coarse["lon"]) and view["zoom"] > 8
    fine_side_km = layers["fine-places"]["radius"] * 2**0.5 / 1000
    assert fine_side_km == pytest.approx(1.0)
    (fine,) = cells_containing(layers["fine-places"]["data"], fine_side_km, *clicked)
    click_map(quick, "fine-places", fine)
    quick.button(key="wi_apply").click().run()
    (edit,) = quick.session_state["edits"]
    assert isinstance(edit, AddFacility)
    km = Geod(ellps="WGS84").inv(clicked[1], clicked[0], edit.at.lon, edit.at.lat)[2] / 1000
    assert km <= 0.5**0.5 + 1e-3  # half a 1-km cell's diagonal


def test_the_map_as_a_png_image_of_the_shown_variant(quick: AppTest, downloads: dict[str, bytes]) -> None:
    from medevac.report.maps import status_map

    edits: list[Edit] = [AddFacility("new-l2-1", "2", Point(18.4, 1.4))]
    quick.session_state["edits"] = edits
    quick.run()
    quick.button(key="map_png_make").click().run()
    png = downloaded(quick, "dl_map_png", downloads)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    variant = check(apply_edits(load_scenario(DEMO), edits))
    title = f"{variant.scenario.name}: {variant.light}, {variant.season} season ({variant.standard.name})"
    assert png == status_map(variant, title)
