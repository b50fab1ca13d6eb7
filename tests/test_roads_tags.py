"""OSM tags read as OSM means them: roundabouts, classes no vehicle drives, classes without a
speed, lists of tags on simplified OSMnx edges, multi-value surfaces, access tags.

Layers are hand-made on the equator and read from files through ``load_network``, the
loader the check uses. Distances are worked out by hand (0.1 degree of longitude along the
equator is 6378.137 km x pi/180 x 0.1 = 11.13195 km) or by pyproj's geodesic, a second
method that does not go through medevac.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from medevac.geo import WGS84
from medevac.model import Ground, Season
from medevac.roads import RoadRouter, SpeedSettings, load_network, to_networkx
from medevac.roads.network import RoadNetwork
from medevac.roads.speeds import line_speeds

KM_PER_TENTH_LON = 6378.137 * math.pi / 180 * 0.1  # 11.13195 km along the equator
Line = dict[str, Any]


def layer(tmp_path: Path, lines: list[Line], name: str = "osm.geojson") -> Path:
    """A GeoJSON layer of (lon, lat) lines with their tags, as an OSM export would hold it."""
    path = tmp_path / name
    gpd.GeoDataFrame(
        [{k: v for k, v in line.items() if k != "coords"} for line in lines],
        geometry=[shapely.LineString(line["coords"]) for line in lines],
        crs=4326,
    ).to_file(path)
    return path


def load(path: Path, ground: Ground | None = None) -> RoadNetwork:
    return load_network(path, SpeedSettings.from_ground(ground or Ground()))


def minutes(
    net: RoadNetwork, a: tuple[float, float], b: tuple[float, float], season: Season = "dry"
) -> float:
    """Minutes from a to b, each (lat, lon); 1 km snap limit so nothing walks across."""
    r = RoadRouter(net, Ground(max_snap_km=1))
    return float(
        r.travel_min(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]), season)[0, 0]
    )


def geodesic_km(lon: list[float], lat: list[float]) -> float:
    return float(WGS84.line_length(lon, lat)) / 1000


# A square ring drawn anticlockwise: A (0, 0) -> B (0, 0.1) -> C (0.1, 0.1) -> D (0.1, 0) -> A.
RING = [(0.0, 0.0), (0.1, 0.0), (0.1, 0.1), (0.0, 0.1), (0.0, 0.0)]
A, B = (0.0, 0.0), (0.0, 0.1)
PRIMARY_PAVED_KMH = 70 * 0.9  # 63 km/h


@pytest.mark.parametrize("junction", ["roundabout", "circular"])
def test_roundabout_without_oneway_is_one_way_along_its_drawing(tmp_path: Path, junction: str) -> None:
    net = load(
        layer(tmp_path, [{"coords": RING, "highway": "primary", "surface": "asphalt", "junction": junction}])
    )
    # A -> B: along the drawing, one side: 11.13195 km at 63 km/h = 10.6019 min.
    assert minutes(net, A, B) == pytest.approx(KM_PER_TENTH_LON / PRIMARY_PAVED_KMH * 60, rel=1e-6)
    # B -> A: only round the other three sides, B -> C -> D -> A: 11.057 + 11.132 + 11.057 km.
    three_sides_km = geodesic_km([0.1, 0.1, 0.0, 0.0], [0.0, 0.1, 0.1, 0.0])
    assert three_sides_km == pytest.approx(33.247, abs=0.001)
    assert minutes(net, B, A) == pytest.approx(three_sides_km / PRIMARY_PAVED_KMH * 60, rel=1e-6)
    assert not RoadRouter(net, Ground()).symmetric


def test_roundabout_tagged_oneway_no_or_reverse_follows_its_oneway_tag(tmp_path: Path) -> None:
    one_side_min = KM_PER_TENTH_LON / PRIMARY_PAVED_KMH * 60
    both = {
        "coords": RING,
        "highway": "primary",
        "surface": "asphalt",
        "junction": "roundabout",
        "oneway": "no",
    }
    net = load(layer(tmp_path, [both], "no.geojson"))
    assert minutes(net, B, A) == pytest.approx(one_side_min, rel=1e-6)  # explicitly two-way
    against = {**both, "oneway": "-1"}
    net = load(layer(tmp_path, [against], "reverse.geojson"))
    assert minutes(net, B, A) == pytest.approx(one_side_min, rel=1e-6)
    assert minutes(net, A, B) > 2 * one_side_min  # round the three other sides


def test_every_osm_class_a_vehicle_drives_has_its_documented_speed() -> None:
    # docs/roads.md, "OSM highway values": base km/h of each class, x 0.7 for a missing surface.
    documented_kmh = {
        "motorway": 90, "motorway_link": 90, "trunk": 80, "trunk_link": 80, "primary": 70,
        "primary_link": 70, "secondary": 60, "secondary_link": 60, "tertiary": 50,
        "tertiary_link": 50, "unclassified": 40, "road": 40, "residential": 30,
        "living_street": 30, "service": 30, "track": 20,
    }  # fmt: skip
    table = pd.DataFrame({"highway": list(documented_kmh)})
    speeds = line_speeds(table, SpeedSettings.from_ground(Ground()), "x")
    np.testing.assert_allclose(speeds.dry_kmh, [kmh * 0.7 for kmh in documented_kmh.values()], rtol=1e-12)


def test_osm_ways_no_vehicle_drives_are_left_out_silently(tmp_path: Path) -> None:
    # One primary road A-B and, beside it, ways a planner must not be routed on: trail (which
    # used to take the unclassified speed, 28 km/h), path, footway, construction, private access.
    lines: list[Line] = [{"coords": [(0.0, 0.0), (0.1, 0.0)], "highway": "primary", "name": "road"}]
    for k, tags in enumerate(
        [
            {"highway": "trail"},
            {"highway": "path"},
            {"highway": "footway"},
            {"highway": "cycleway"},
            {"highway": "steps"},
            {"highway": "pedestrian"},
            {"highway": "construction"},
            {"highway": "residential", "access": "private"},
            {"highway": "service", "access": "no"},
            {"highway": "residential", "motor_vehicle": "no"},
            {"highway": "residential", "access": "yes", "motorcar": "private;delivery"},
            {"highway": "service", "area": "yes"},
        ]
    ):
        lines.append({"coords": [(0.1 * k, 0.2), (0.1 * k + 0.1, 0.2)], "name": f"not {k}", **tags})
    # Kept: a more specific tag opens what the general one closes.
    lines.append(
        {
            "coords": [(0.0, -0.2), (0.1, -0.2)],
            "highway": "track",
            "access": "no",
            "motor_vehicle": "yes",
            "name": "open track",
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dropped by design: no warning
        net = load(layer(tmp_path, lines))
    names = {d["name"] for _, _, d in to_networkx(net).edges(data=True)}
    assert names == {"road", "open track"}
    assert minutes(net, (0.2, 0.0), (0.2, 0.1)) == math.inf  # the trail is not a road
    # ... unless the scenario gives the class a speed of its own.
    kept = load(layer(tmp_path, lines, "kept.geojson"), Ground(speeds_kmh={"trail": 10}))
    trail_km = geodesic_km([0.0, 0.1], [0.2, 0.2])  # 0.1 degree of longitude at 0.2 N
    assert minutes(kept, (0.2, 0.0), (0.2, 0.1)) == pytest.approx(trail_km / (10 * 0.7) * 60, rel=1e-6)


def test_unknown_osm_classes_are_left_out_and_reported_once_with_their_length(tmp_path: Path) -> None:
    lines: list[Line] = [
        {"coords": [(0.0, 0.0), (0.1, 0.0)], "highway": "primary"},
        {"coords": [(0.1, 0.0), (0.2, 0.0)], "highway": "residental"},  # a typo: 11.132 km
        {"coords": [(0.2, 0.0), (0.25, 0.0)], "highway": "residental"},  # 5.566 km
        {"coords": [(0.25, 0.0), (0.26, 0.0)], "highway": "emergency_bay"},  # 1.113 km
        {"coords": [(0.3, 0.0), (0.32, 0.0)], "highway": None},  # 2.226 km
        {"coords": [(0.4, 0.0), (0.5, 0.0)], "highway": "ford", "dry_kmh": 15.0},  # its own speed: kept
    ]
    path = layer(tmp_path, lines)
    with pytest.warns(UserWarning) as caught:
        net = load(path)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message == (
        f"{path}: 4 lines (20.0 km) left out: no speed for their OSM highway value: "
        "'residental' (2 lines, 16.7 km), (no highway value) (1 line, 2.2 km), "
        "'emergency_bay' (1 line, 1.1 km); give a value a speed in ground.speeds_kmh to route it"
    )
    assert type(caught[0].message).__name__ == "RoadDataWarning"
    assert minutes(net, (0.0, 0.1), (0.0, 0.2)) == math.inf  # never a guessed speed
    assert minutes(net, (0.0, 0.4), (0.0, 0.5)) == pytest.approx(KM_PER_TENTH_LON / 15 * 60, rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load(path) is net  # once per layer: loaded again from the cache, no second warning
    with pytest.warns(UserWarning, match=r"2 lines \(3\.3 km\) left out"):  # the other two still
        typo_fixed = load(path, Ground(speeds_kmh={"residental": 30}))
    assert minutes(typo_fixed, (0.0, 0.1), (0.0, 0.2)) == pytest.approx(KM_PER_TENTH_LON / 21 * 60, rel=1e-6)


@pytest.mark.parametrize(
    ("surface", "factor"),
    [
        ("paved;cobblestone", 0.9),  # both paved
        ("asphalt;gravel", 0.7),  # the worst: unpaved
        ("asphalt; fine_gravel", 0.85),  # compacted, whatever the spaces
        ("concrete;moon_dust", 0.7),  # a value that is no OSM surface counts as unknown
        ("['asphalt', 'compacted']", 0.85),  # an OSMnx GraphML list
    ],
)
def test_multi_value_surfaces_take_the_worst(surface: str, factor: float) -> None:
    table = pd.DataFrame({"highway": ["primary"], "surface": [surface]})
    speeds = line_speeds(table, SpeedSettings.from_ground(Ground()), "x")
    assert float(speeds.dry_kmh[0]) == pytest.approx(70 * factor, rel=1e-12)


def test_multi_value_classes_and_smoothness_take_the_slowest() -> None:
    table = pd.DataFrame(
        {
            "highway": ["primary;track", "['residential', 'secondary']", "primary", "primary"],
            "surface": ["paved"] * 4,
            "smoothness": [None, None, "good;horrible", "['intermediate', 'impassable']"],
        }
    )
    speeds = line_speeds(table, SpeedSettings.from_ground(Ground()), "x")
    # track 20 x 0.9; residential 30 x 0.9; a horrible stretch: no faster than a track (20); closed.
    np.testing.assert_allclose(speeds.dry_kmh, [18.0, 27.0, 20.0, 0.0], rtol=1e-12)


def test_real_pbf_keeps_tracks_and_service_roads_and_drops_what_no_vehicle_drives() -> None:
    # pyrosm's bundled extract (south-east Finland, 26.9 E 60.5 N; OSM data, ODbL): its ways by
    # highway value, counted with pyrosm's own "all" network: residential 124, cycleway 81,
    # service 36 (one of them access=private), footway 29, tertiary 20, secondary 13, path 12,
    # motorway_link 10, motorway 2, track 2, living_street 1, unclassified 1.
    pyrosm = pytest.importorskip("pyrosm")
    path = Path(pyrosm.get_data("test_pbf"))
    net = load(path)
    graph = to_networkx(net)
    assert {d["highway"] for _, _, d in graph.edges(data=True)} == {
        "residential", "service", "tertiary", "secondary", "motorway_link", "motorway", "track",
        "living_street", "unclassified",
    }  # fmt: skip
    ways = pyrosm.OSM(str(path)).get_network(network_type="all")
    private = ways[ways["access"] == "private"].geometry.iloc[0]
    inner_lon, inner_lat = shapely.get_coordinates(private)[1]  # a vertex of the private driveway only
    at_node = (np.round(net.node_lon_deg, 7) == round(inner_lon, 7)) & (
        np.round(net.node_lat_deg, 7) == round(inner_lat, 7)
    )
    assert not at_node.any()
    track = ways[ways["highway"] == "track"].geometry.iloc[0]
    lon0, lat0 = shapely.get_coordinates(track)[0]
    lon1, lat1 = shapely.get_coordinates(track)[1]
    # Its first segment is driven at the track speed, 20 x 0.7 (no surface) = 14 km/h.
    first_km = geodesic_km([lon0, lon1], [lat0, lat1])
    assert minutes(net, (lat0, lon0), (lat1, lon1)) == pytest.approx(first_km / 14 * 60, rel=1e-6)


def test_roundabout_in_a_pbf_is_read_one_way(tmp_path: Path) -> None:
    # The bundled extract has no roundabout: tag one of its two-way residential ways
    # junction=roundabout and write the extract back with pyrosm's own PBF writer.
    pyrosm = pytest.importorskip("pyrosm")
    osm = pyrosm.OSM(pyrosm.get_data("test_pbf"))
    ways = osm.get_network(network_type="all")
    way = ways[(ways["highway"] == "residential") & ways["oneway"].isna()].iloc[0]
    ways["junction"] = ways["highway"].where(ways["id"] == way["id"]).map({"residential": "roundabout"})
    path = tmp_path / "roundabout.osm.pbf"
    osm.write_pbf(ways, str(path))
    plain = to_networkx(load(Path(pyrosm.get_data("test_pbf"))))
    graph = to_networkx(load(path))
    (lon0, lat0), (lon1, lat1) = shapely.get_coordinates(way.geometry)[:2]

    def node(g: Any, lon: float, lat: float) -> int:
        at = (round(lon, 7), round(lat, 7))
        return int(next(n for n, d in g.nodes(data=True) if (round(d["x"], 7), round(d["y"], 7)) == at))

    assert plain.has_edge(node(plain, lon0, lat0), node(plain, lon1, lat1))
    assert plain.has_edge(node(plain, lon1, lat1), node(plain, lon0, lat0))  # two-way before
    assert graph.has_edge(node(graph, lon0, lat0), node(graph, lon1, lat1))
    assert not graph.has_edge(node(graph, lon1, lat1), node(graph, lon0, lat0))  # one-way now
