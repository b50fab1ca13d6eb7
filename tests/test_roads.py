"""Road networks on hand-built layers with answers worked out by hand, and invariants.

On the equator 0.1 degree of longitude is 6378.137 km x pi/180 x 0.1 = 11.13195 km
(WGS84 equatorial radius); 0.1 degree of latitude from the equator is about 11.0574 km
(meridian radius of curvature there, a (1 - e^2) = 6335.439 km).
"""

from __future__ import annotations

import itertools
import math
import pickle
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely

from medevac.geo import FloatArray, distance_km
from medevac.ground import AccessProblem, CachedRouter
from medevac.model import Ground, Season
from medevac.roads import (
    RoadRouter,
    SpeedSettings,
    from_networkx,
    load_network,
    network_from_lines,
    shortest_min,
    to_networkx,
)
from medevac.roads.network import RoadNetwork
from medevac.roads.routing import point_tree_min
from medevac.roads.speeds import line_speeds

DATA = Path(__file__).parent / "data" / "roads"
Line = dict[str, Any]
SEASONS: tuple[Season, ...] = ("dry", "wet")
KM_PER_TENTH_LON = 6378.137 * math.pi / 180 * 0.1  # 11.13195 km along the equator
KM_PER_TENTH_LAT = 6335.439 * math.pi / 180 * 0.1  # 11.0574 km along a meridian at the equator
PRIMARY_PAVED_KMH = 70 * 0.9  # 63 km/h
TRACK_UNPAVED_KMH = 20 * 0.7  # 14 km/h


def network(lines: list[Line], ground: Ground | None = None) -> RoadNetwork:
    """A network from (lon, lat) coordinate lists and attributes, in WGS84."""
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in line.items() if k != "coords"} for line in lines],
        geometry=[shapely.LineString(line["coords"]) for line in lines],
        crs=4326,
    )
    settings = SpeedSettings.from_ground(ground or Ground())
    table = frame.drop(columns="geometry")
    return network_from_lines(frame, line_speeds(table, settings, "test"), "test")


def router(
    net: RoadNetwork, ground: Ground | None = None, facilities: tuple[tuple[float, float], ...] = ()
) -> RoadRouter:
    lat = np.array([f[0] for f in facilities], dtype=float)
    lon = np.array([f[1] for f in facilities], dtype=float)
    return RoadRouter(net, ground or Ground(), lat, lon)


def minutes(r: RoadRouter, a: tuple[float, float], b: tuple[float, float], season: Season = "dry") -> float:
    """Travel minutes from point a to point b, each (lat, lon)."""
    m = r.travel_min(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]), season)
    return float(m[0, 0])


STRAIGHT: list[Line] = [
    {"coords": [(0.0, 0.0), (0.1, 0.0), (0.2, 0.0)], "class": "primary", "surface": "paved"}
]


def test_time_along_a_road_is_length_over_class_speed() -> None:
    r = router(network(STRAIGHT))
    along = KM_PER_TENTH_LON / PRIMARY_PAVED_KMH * 60  # 10.6019 min per 0.1 degree
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(along, rel=1e-6)
    assert minutes(r, (0.0, 0.0), (0.0, 0.2)) == pytest.approx(2 * along, rel=1e-6)
    assert minutes(r, (0.0, 0.2), (0.0, 0.0)) == pytest.approx(2 * along, rel=1e-6)
    # Wet season: x wet_season_factor 0.5, so twice the time.
    assert minutes(r, (0.0, 0.0), (0.0, 0.2), "wet") == pytest.approx(4 * along, rel=1e-6)


def test_point_beside_the_road_walks_to_its_nearest_node_then_drives() -> None:
    r = router(network(STRAIGHT))  # snap_to: node, the default
    # P is 0.01 degree north of the road at lon 0.04: its nearest node is A (0, 0), at
    # sqrt(1.10574^2 + 4.45278^2) = 4.58802 km (pyproj: 4.5880 km) off-road at 5 km/h, then
    # the whole road A-B, 0.1 degree (11.13195 km), at 63 km/h.
    walk = distance_km(0.01, 0.04, 0.0, 0.0) / 5 * 60
    assert float(walk) == pytest.approx(4.58802 / 5 * 60, rel=1e-4)
    drive = KM_PER_TENTH_LON / PRIMARY_PAVED_KMH * 60
    assert minutes(r, (0.01, 0.04), (0.0, 0.1)) == pytest.approx(float(walk) + drive, rel=1e-6)
    assert minutes(r, (0.0, 0.1), (0.01, 0.04)) == pytest.approx(float(walk) + drive, rel=1e-6)


def test_point_beside_the_road_walks_to_its_nearest_point_then_drives() -> None:
    r = router(network(STRAIGHT), Ground(snap_to="segment"))
    # P is 0.01 degree north of the road at lon 0.05: 1.10574 km off-road at 5 km/h,
    # then 0.05 degree (5.56597 km) of primary road at 63 km/h to B.
    walk = KM_PER_TENTH_LAT / 10 / 5 * 60
    drive = KM_PER_TENTH_LON / 2 / PRIMARY_PAVED_KMH * 60
    assert minutes(r, (0.01, 0.05), (0.0, 0.1)) == pytest.approx(walk + drive, rel=1e-4)
    assert minutes(r, (0.0, 0.1), (0.01, 0.05)) == pytest.approx(walk + drive, rel=1e-4)


def test_two_points_on_one_long_segment_drive_straight_between_them() -> None:
    one_leg = [{"coords": [(0.0, 0.0), (1.0, 0.0)], "class": "primary", "surface": "paved"}]
    r = router(network(one_leg), Ground(snap_to="segment"))
    # 0.3 to 0.7 degree: 0.4 degree = 44.5278 km at 63 km/h, no detour to a vertex.
    assert minutes(r, (0.0, 0.3), (0.0, 0.7)) == pytest.approx(4 * KM_PER_TENTH_LON / 63 * 60, rel=1e-6)


def test_same_point_is_zero_minutes_even_off_road() -> None:
    r = router(network(STRAIGHT))
    assert minutes(r, (0.05, 0.05), (0.05, 0.05)) == 0.0


def test_walking_straight_across_wins_when_shorter_than_the_road() -> None:
    # Two points 2 km north of the road and 1 km apart: via the road 2 x 24 min walking.
    r = router(network(STRAIGHT))
    a, b = (0.018, 0.05), (0.018, 0.059)
    across = float(distance_km(*a, *b)) / 5 * 60
    assert minutes(r, a, b) == pytest.approx(across, rel=1e-9)


def test_one_way_road_is_driven_only_its_way() -> None:
    lines = [{"coords": [(0.0, 0.0), (0.1, 0.0)], "class": "primary", "surface": "paved", "oneway": "yes"}]
    r = router(network(lines), Ground(max_snap_km=1))
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(KM_PER_TENTH_LON / 63 * 60, rel=1e-6)
    assert minutes(r, (0.0, 0.1), (0.0, 0.0)) == math.inf
    # OSM oneway=-1: one-way against the drawing direction.
    reverse = [{**lines[0], "oneway": "-1"}]
    r = router(network(reverse), Ground(max_snap_km=1))
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == math.inf
    assert minutes(r, (0.0, 0.1), (0.0, 0.0)) == pytest.approx(KM_PER_TENTH_LON / 63 * 60, rel=1e-6)
    assert not r.symmetric


def test_point_beyond_the_snap_limit_is_unreachable_and_explained() -> None:
    r = router(network(STRAIGHT), facilities=((0.0, 0.0),))
    far = (0.2, 0.1)  # 22.1 km north of the road
    assert minutes(r, far, (0.0, 0.0)) == math.inf
    assert minutes(r, (0.0, 0.0), far) == math.inf
    problem = r.access_problem(*far, "dry")
    assert problem is not None and problem.code == "no_road_nearby"
    assert problem.numbers["max_snap_km"] == 10
    assert problem.numbers["nearest_km"] == pytest.approx(22.1, abs=0.05)
    assert r.access_problem(0.0, 0.1, "dry") is None


def test_road_not_joined_to_any_facility_is_explained() -> None:
    island = {"coords": [(1.0, 0.0), (1.1, 0.0)], "class": "residential", "surface": "paved"}
    r = router(network([*STRAIGHT, island]), facilities=((0.0, 0.0),))
    assert minutes(r, (0.0, 1.05), (0.0, 0.0)) == math.inf
    assert r.access_problem(0.0, 1.05, "dry") == AccessProblem("road_not_connected")


def test_fixture_layer_by_hand_dry_wet_closures() -> None:
    ground = Ground(roads="equator.geojson")
    settings = SpeedSettings.from_ground(ground)
    plain = RoadRouter(load_network(DATA / "equator.geojson", settings), ground, np.zeros(1), np.zeros(1))
    a, c, d, e = (0.0, 0.0), (0.0, 0.2), (0.1, 0.1), (0.1, 0.2)
    ab = KM_PER_TENTH_LON / PRIMARY_PAVED_KMH * 60  # 10.6019
    bd = KM_PER_TENTH_LAT / TRACK_UNPAVED_KMH * 60  # 47.389
    assert minutes(plain, a, d) == pytest.approx(ab + bd, rel=1e-4)
    assert minutes(plain, a, d, "wet") == math.inf  # B-D has closed_wet
    assert plain.access_problem(*d, "wet") == AccessProblem("road_closed_wet")
    # C-E carries its own speeds: 30 km/h dry, 10 km/h wet (instead of the class's).
    assert minutes(plain, c, e) == pytest.approx(KM_PER_TENTH_LAT / 30 * 60, rel=1e-4)
    assert minutes(plain, c, e, "wet") == pytest.approx(KM_PER_TENTH_LAT / 10 * 60, rel=1e-4)
    flooded = RoadRouter(
        load_network(DATA / "equator.geojson", settings, (DATA / "flood.geojson",)),
        ground,
        np.zeros(1),
        np.zeros(1),
    )
    assert minutes(flooded, a, c) == pytest.approx(2 * ab, rel=1e-6)  # the flood is wet-season only
    assert minutes(flooded, a, c, "wet") == math.inf
    assert flooded.access_problem(*e, "wet") == AccessProblem("road_cut_wet")


def test_access_problems_of_many_points_at_once_are_each_point_s_own() -> None:
    """One batch (one snap, one routing) says for each point what it says of that point alone:
    a closed road, a road cut in the wet season, an open one, far from any road, an island."""
    ground = Ground(roads="equator.geojson")
    settings = SpeedSettings.from_ground(ground)
    flooded = RoadRouter(
        load_network(DATA / "equator.geojson", settings, (DATA / "flood.geojson",)),
        ground,
        np.zeros(1),
        np.zeros(1),
    )
    points = [(0.1, 0.1), (0.1, 0.2), (0.0, 0.1), (0.5, 0.1), (0.0, 0.0), (0.05, 0.15)]
    lat, lon = (np.array(values) for values in zip(*points, strict=True))
    for season in ("dry", "wet"):
        alone = [flooded.access_problem(la, lo, season) for la, lo in points]
        assert flooded.access_problems(lat, lon, season) == alone
        assert CachedRouter(flooded).access_problems(lat, lon, season) == alone
    wet = flooded.access_problems(lat, lon, "wet")
    assert wet[:3] == [AccessProblem("road_closed_wet"), AccessProblem("road_cut_wet"), None]
    assert wet[3] is not None and wet[3].code == "no_road_nearby"


def test_scenario_speed_tables_override_the_defaults() -> None:
    ground = Ground(
        speeds_kmh={"primary": 100}, surface_factors={"paved": 1.0}, wet_factors={"primary": 0.25}
    )
    r = router(network(STRAIGHT, ground), ground)
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(KM_PER_TENTH_LON / 100 * 60, rel=1e-6)
    assert minutes(r, (0.0, 0.0), (0.0, 0.1), "wet") == pytest.approx(KM_PER_TENTH_LON / 25 * 60, rel=1e-6)
    closed = Ground(wet_factors={"primary": 0})
    assert minutes(router(network(STRAIGHT, closed), closed), (0.0, 0.0), (0.0, 0.1), "wet") == math.inf


def test_convoy_factor_scales_every_road_speed_including_the_layer_s_own() -> None:
    ground = Ground(convoy_factor=0.5)
    lines = [{**STRAIGHT[0], "dry_kmh": 60.0}]
    r = router(network(lines, ground), ground)
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(KM_PER_TENTH_LON / 30 * 60, rel=1e-6)


def test_osm_tags_map_to_classes_surfaces_and_smoothness() -> None:
    lines = [
        {"coords": [(0.0, 0.0), (0.1, 0.0)], "highway": "primary_link", "surface": "asphalt"},
        {
            "coords": [(0.1, 0.0), (0.2, 0.0)],
            "highway": "primary",
            "surface": "asphalt",
            "smoothness": "horrible",
        },
        {"coords": [(0.2, 0.0), (0.3, 0.0)], "highway": "primary", "smoothness": "impassable"},
    ]
    r = router(network(lines), Ground(max_snap_km=1))
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(KM_PER_TENTH_LON / 63 * 60, rel=1e-6)
    # Horrible smoothness: no faster than a track (20 km/h), surface factor still applies: min(63, 20).
    assert minutes(r, (0.0, 0.1), (0.0, 0.2)) == pytest.approx(KM_PER_TENTH_LON / 20 * 60, rel=1e-6)
    assert minutes(r, (0.0, 0.2), (0.0, 0.3)) == math.inf


def test_missing_surface_is_taken_as_unpaved() -> None:
    r = router(network([{"coords": [(0.0, 0.0), (0.1, 0.0)], "class": "primary"}]))
    assert minutes(r, (0.0, 0.0), (0.0, 0.1)) == pytest.approx(KM_PER_TENTH_LON / (70 * 0.7) * 60, rel=1e-6)


def test_lines_join_only_where_they_share_a_vertex() -> None:
    # A line crossing the road without a shared vertex (a bridge) does not join it.
    bridge = {"coords": [(0.05, -0.05), (0.05, 0.05)], "class": "primary", "surface": "paved"}
    net = network([*STRAIGHT, bridge])
    assert net.n_nodes == 5
    joined = {**bridge, "coords": [(0.05, -0.05), (0.05, 0.0), (0.05, 0.05)]}
    assert network([{**STRAIGHT[0], "coords": [(0.0, 0.0), (0.05, 0.0), (0.1, 0.0)]}, joined]).n_nodes == 5


def random_road_graph(seed: int, n: int = 60) -> nx.MultiDiGraph:
    """A random graph of straight roads with random minutes, some one-way, some parallel."""
    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(f"n{i}", y=float(rng.uniform(0, 0.5)), x=float(rng.uniform(0, 0.5)))
    for _ in range(3 * n):
        u, v = rng.integers(0, n, size=2)
        if u == v:
            continue
        dry = float(rng.uniform(1, 30))
        wet = dry / float(rng.uniform(0.2, 1.0))
        graph.add_edge(f"n{u}", f"n{v}", dry_min=dry, wet_min=wet)
        if rng.random() < 0.7:
            graph.add_edge(f"n{v}", f"n{u}", dry_min=dry, wet_min=wet)
    return graph


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_csgraph_times_equal_networkx_dijkstra(seed: int) -> None:
    graph = random_road_graph(seed)
    net = from_networkx(graph)
    inspected = to_networkx(net)  # node ids 0..n-1 in graph order
    sources = np.arange(0, net.n_nodes, 7)
    for season in SEASONS:
        for reverse in (False, True):
            ours = shortest_min(net, season, sources, reverse=reverse)
            view = inspected.reverse(copy=False) if reverse else inspected
            for row, s in enumerate(sources):
                theirs = nx.single_source_dijkstra_path_length(view, int(s), weight=f"{season}_min")
                expected = np.full(net.n_nodes, np.inf)
                expected[list(theirs)] = list(theirs.values())
                np.testing.assert_allclose(ours[row], expected, rtol=1e-12)


def reference_travel_min(r: RoadRouter, lat: FloatArray, lon: FloatArray, season: Season) -> FloatArray:
    """A second method: insert each point's foot into the networkx graph, then Dijkstra."""
    net = r.network
    snapped = net.index.snap_to_node(lat, lon) if r.ground.snap_to == "node" else net.index.snap(lat, lon)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(net.n_nodes))
    a_all, b_all = net.seg_min[season]
    feet: dict[int, list[tuple[float, object]]] = {}
    at_node = r.ground.snap_to == "node"  # then the foot is the node itself, on every road
    for p, (s, f) in enumerate(zip(snapped.segment, snapped.fraction, strict=True)):
        if at_node:
            node = int(net.seg_u[s] if f == 0 else net.seg_v[s])
            graph.add_edge(("foot", p), node, w=0.0)
            graph.add_edge(node, ("foot", p), w=0.0)
        else:
            feet.setdefault(int(s), []).append((float(f), ("foot", p)))
    for s in range(net.n_segments):
        chain = [
            (0.0, int(net.seg_u[s])),
            *sorted(feet.get(s, []), key=lambda t: t[0]),
            (1.0, int(net.seg_v[s])),
        ]
        for (f0, x), (f1, y) in itertools.pairwise(chain):
            for head, tail, total in ((x, y, a_all[s]), (y, x, b_all[s])):
                if np.isfinite(total):
                    weight = (f1 - f0) * total
                    if not graph.has_edge(head, tail) or graph[head][tail]["w"] > weight:
                        graph.add_edge(head, tail, w=weight)
    for p, gap in enumerate(snapped.access_km):
        if gap <= r.ground.max_snap_km:
            graph.add_edge(("point", p), ("foot", p), w=gap / r.ground.off_road_kmh * 60)
            graph.add_edge(("foot", p), ("point", p), w=gap / r.ground.off_road_kmh * 60)
    out = np.full((len(lat), len(lat)), np.inf)
    for p in range(len(lat)):
        if ("point", p) in graph:
            reached = nx.single_source_dijkstra_path_length(graph, ("point", p), weight="w")
            for q in range(len(lat)):
                out[p, q] = reached.get(("point", q), np.inf)
        across = distance_km(lat[p], lon[p], lat, lon)
        walk = np.where(across <= r.ground.max_snap_km, across / r.ground.off_road_kmh * 60, np.inf)
        out[p] = np.minimum(out[p], walk)
    return out


@pytest.mark.parametrize("snap_to", ["node", "segment"])
@pytest.mark.parametrize("seed", [4, 5])
def test_router_equals_a_second_method_on_random_points(
    seed: int, snap_to: Literal["node", "segment"]
) -> None:
    net = from_networkx(random_road_graph(seed, n=40))
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(-0.05, 0.55, 30), rng.uniform(-0.05, 0.55, 30)
    lat[1], lon[1] = lat[0], lon[0]  # a duplicated point
    ground = Ground(max_snap_km=3 if snap_to == "segment" else 8, snap_to=snap_to)
    r = RoadRouter(net, ground)
    for season in SEASONS:
        expected = reference_travel_min(r, lat, lon, season)
        many_to_few = r.travel_min(lat, lon, lat[:4], lon[:4], season)
        few_to_many = r.travel_min(lat[:4], lon[:4], lat, lon, season)
        np.testing.assert_allclose(many_to_few, expected[:, :4], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(few_to_many, expected[:4, :], rtol=1e-9, atol=1e-9)


def grid_lines(n: int = 6) -> list[Line]:
    """An n x n grid of roads 0.05 degree apart, classes alternating, one row one-way."""
    classes = ["primary", "track", "secondary", "residential"]
    lines: list[Line] = []
    for i in range(n):
        row = [(0.05 * j, 0.05 * i) for j in range(n)]
        col = [(0.05 * i, 0.05 * j) for j in range(n)]
        lines.append(
            {"coords": row, "class": classes[i % 4], "surface": "paved", "oneway": "yes" if i == 2 else "no"}
        )
        lines.append({"coords": col, "class": classes[(i + 1) % 4], "surface": "unpaved"})
    return lines


def test_wet_is_never_faster_than_dry_and_closures_never_shorten() -> None:
    rng = np.random.default_rng(7)
    lines = grid_lines()
    lines[3]["wet_kmh"] = 500.0  # a wet speed above the dry one is taken as the dry one
    lines[5]["closed_wet"] = True
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in line.items() if k != "coords"} for line in lines],
        geometry=[shapely.LineString(line["coords"]) for line in lines],
        crs=4326,
    )
    settings = SpeedSettings.from_ground(Ground())
    speeds = line_speeds(frame.drop(columns="geometry"), settings, "grid")
    open_net = network_from_lines(frame, speeds, "grid")
    lat, lon = rng.uniform(0, 0.25, 40), rng.uniform(0, 0.25, 40)
    base = RoadRouter(open_net, Ground())
    dry = base.travel_min(lat, lon, lat[:5], lon[:5], "dry")
    wet = base.travel_min(lat, lon, lat[:5], lon[:5], "wet")
    assert np.all(wet >= dry - 1e-9)
    for k in range(5):
        cx, cy = rng.uniform(0, 0.25, 2)
        polygon = shapely.box(cx - 0.03, cy - 0.03, cx + 0.03, cy + 0.03)
        for when in ("wet", "always"):
            closures = gpd.GeoDataFrame({"when": [when]}, geometry=[polygon], crs=4326)
            closed = RoadRouter(network_from_lines(frame, speeds, "grid", closures), Ground())
            for season in SEASONS:
                before = base.travel_min(lat, lon, lat[:5], lon[:5], season)
                after = closed.travel_min(lat, lon, lat[:5], lon[:5], season)
                assert np.all(after >= before - 1e-9), (k, when, season)
                if when == "wet" and season == "dry":
                    np.testing.assert_array_equal(after, before)


def test_moving_one_facility_grows_only_its_trees() -> None:
    net = network(grid_lines())
    r = RoadRouter(net, Ground())
    sites_lat, sites_lon = np.linspace(0, 0.25, 50), np.linspace(0.25, 0, 50)
    facilities_lat, facilities_lon = np.array([0.0, 0.1, 0.2]), np.array([0.0, 0.12, 0.2])
    r.travel_min(sites_lat, sites_lon, facilities_lat, facilities_lon, "dry")
    before = point_tree_min.cache_info()
    facilities_lon = facilities_lon.copy()
    facilities_lon[1] = 0.17  # one facility moves
    r.travel_min(sites_lat, sites_lon, facilities_lat, facilities_lon, "dry")
    after = point_tree_min.cache_info()
    assert after.misses - before.misses == 1  # its new tree only


def test_cached_networks_are_read_only_and_shared() -> None:
    settings = SpeedSettings.from_ground(Ground())
    first = load_network(DATA / "equator.geojson", settings)
    assert load_network(DATA / "equator.geojson", settings) is first
    with pytest.raises(ValueError, match="read-only"):
        first.seg_min["dry"][0][0] = 0.0
    assert (
        load_network(DATA / "equator.geojson", SpeedSettings.from_ground(Ground(convoy_factor=0.5)))
        is not first
    )


def test_networkx_model_round_trips() -> None:
    net = load_network(DATA / "equator.geojson", SpeedSettings.from_ground(Ground()))
    graph = to_networkx(net)
    assert graph.number_of_nodes() == net.n_nodes
    assert {d["class"] for _, _, d in graph.edges(data=True)} == {
        "primary",
        "track",
        "secondary",
        "residential",
    }
    again = from_networkx(graph)
    for season in SEASONS:
        np.testing.assert_array_equal(
            shortest_min(again, season, np.arange(net.n_nodes)),
            shortest_min(net, season, np.arange(net.n_nodes)),
        )


def test_router_round_trips_through_pickle_with_identical_times() -> None:
    # A Dask worker receives the router pickled: the copy must give the same matrices, on the
    # demo road layer (minusma-north) and on the hand-made fixture, in both seasons.
    from medevac.roads import road_router
    from medevac.scenario import load_scenario

    demo = road_router(load_scenario(Path(__file__).parent.parent / "scenarios" / "minusma-north.yaml"))
    ground = Ground(roads="equator.geojson")
    fixture = RoadRouter(
        load_network(DATA / "equator.geojson", SpeedSettings.from_ground(ground), (DATA / "flood.geojson",)),
        ground,
        np.zeros(1),
        np.zeros(1),
    )
    rng = np.random.default_rng(11)
    for original in (demo, fixture):
        lat0, lon0 = original.network.node_lat_deg, original.network.node_lon_deg
        lat = rng.uniform(lat0.min() - 0.05, lat0.max() + 0.05, 40)
        lon = rng.uniform(lon0.min() - 0.05, lon0.max() + 0.05, 40)
        lat[:5], lon[:5] = lat0[:5], lon0[:5]  # some points on the road
        copy = pickle.loads(pickle.dumps(original))
        assert copy.network is not original.network
        for season in SEASONS:
            before = original.travel_min(lat, lon, lat[:6], lon[:6], season)
            assert np.isfinite(before).any() and np.isinf(before).any()
            np.testing.assert_array_equal(copy.travel_min(lat, lon, lat[:6], lon[:6], season), before)
            back = original.travel_min(lat[:6], lon[:6], lat, lon, season)
            np.testing.assert_array_equal(copy.travel_min(lat[:6], lon[:6], lat, lon, season), back)
        # The copy keeps the cache's promise: its arrays are read-only too.
        with pytest.raises(ValueError, match="read-only"):
            copy.network.seg_min["dry"][0][0] = 0.0
        with pytest.raises(ValueError, match="read-only"):
            copy.network.node_lat_deg[0] = 0.0


def carry(r: Any, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-across km of the quickest ground route from a to b, each (lat, lon)."""
    return float(
        r.carry_km(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]), "dry")[0, 0]
    )


def test_carry_km_says_when_the_quickest_ground_route_is_a_carry_not_a_drive() -> None:
    # Two roads that do not join: A-B on the equator, C-D 0.081 degree (about 9 km) north.
    other = {"coords": [(0.0, 0.081), (0.1, 0.081)], "class": "primary", "surface": "paved"}
    r = router(network([*STRAIGHT, other]), Ground(snap_to="segment"))
    a, c = (0.0, 0.05), (0.081, 0.05)  # on each road, 8.96 km apart: within max_snap_km (10)
    across_km = float(distance_km(*a, *c))
    assert across_km == pytest.approx(0.081 * 6335.439 * math.pi / 180, rel=1e-3)  # 8.957 km
    assert minutes(r, a, c) == pytest.approx(across_km / 5 * 60, rel=1e-9)  # 107.5 min on foot
    assert carry(r, a, c) == pytest.approx(across_km, rel=1e-12)
    assert carry(r, c, a) == pytest.approx(across_km, rel=1e-12)
    # Along one road it drives (5.3 min), though walking is allowed (0.05 degree, 5.566 km).
    assert minutes(r, (0.0, 0.0), (0.0, 0.05)) == pytest.approx(KM_PER_TENTH_LON / 2 / 63 * 60, rel=1e-6)
    assert carry(r, (0.0, 0.0), (0.0, 0.05)) == 0.0
    # Beside the road and 1 km apart (2 x 24 min walk to the road and back): a carry of 1 km.
    near_a, near_b = (0.018, 0.05), (0.018, 0.059)
    assert carry(r, near_a, near_b) == pytest.approx(float(distance_km(*near_a, *near_b)), rel=1e-12)
    # No route at all: no carry either.
    far = (0.5, 0.5)
    assert minutes(r, a, far) == math.inf
    assert carry(r, a, far) == 0.0


def test_carry_km_matrix_lines_up_with_travel_min_both_ways() -> None:
    net = network(grid_lines())
    r = RoadRouter(net, Ground(max_snap_km=4))
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-0.05, 0.3, 30), rng.uniform(-0.05, 0.3, 30)
    for origins, destinations in ((slice(None), slice(0, 4)), (slice(0, 4), slice(None))):
        args = (lat[origins], lon[origins], lat[destinations], lon[destinations])
        times = r.travel_min(*args, "dry")
        km = r.carry_km(*args, "dry")
        assert km.shape == times.shape
        across = distance_km(
            lat[origins][:, None], lon[origins][:, None], lat[destinations], lon[destinations]
        )
        carried = km > 0
        assert carried.any() and (~carried & np.isfinite(times) & (across > 0)).any()
        # Where it is a carry, the time is the walk straight across; elsewhere it is not.
        np.testing.assert_allclose(km[carried], across[carried], rtol=1e-12)
        np.testing.assert_allclose(times[carried], across[carried] / 5 * 60, rtol=1e-12)
        assert np.all(across[carried] <= 4)


def test_geodesic_router_never_carries() -> None:
    from medevac.ground import GeodesicRouter

    r = GeodesicRouter(Ground())
    km = r.carry_km(np.zeros(3), np.zeros(3), np.zeros(2), np.array([0.0, 0.01]), "wet")
    np.testing.assert_array_equal(km, np.zeros((3, 2)))
