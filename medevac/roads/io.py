"""Reading road layers: GeoPackage, GeoJSON, Shapefile, OSM PBF and OSMnx GraphML.

Every reader returns the same thing, a GeoDataFrame of LineStrings in WGS84 with the
layer's attribute columns, so speeds and noding are written once. Anything that cannot be
used raises :class:`~medevac.errors.RoadDataError` naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from medevac.errors import RoadDataError, located
from medevac.i18n import format_template, gettext
from medevac.layers import LINE_TYPES, POLYGON_TYPES, read_layer_wgs84
from medevac.roads.network import check_wgs84, line_text

PBF_TAGS = ("smoothness", "junction", "motorcar", "motor_vehicle", "vehicle")
"""OSM tags read from a PBF besides pyrosm's network columns (``highway``, ``surface``,
``oneway``, ``access``, ``service``, ...), when any way of the extract carries them."""


def read_road_lines(path: Path) -> gpd.GeoDataFrame:
    """A road layer as single-part LineStrings in WGS84 (EPSG:4326), attributes kept.

    ``.pbf`` is read with pyrosm (every way of the street network), ``.graphml`` with networkx (an
    OSMnx graph, one line per directed edge, marked one-way), anything else with pyogrio.
    """
    if not path.is_file():
        raise RoadDataError(located(path, gettext("road layer not found")))
    suffix = path.name.lower()
    if suffix.endswith(".pbf"):
        frame = _read_pbf(path)
    elif suffix.endswith(".graphml"):
        frame = _read_graphml(path)
    else:
        frame = read_layer_wgs84(path, LINE_TYPES, "line", error_type=RoadDataError)
    return _single_lines(frame, path)


def read_closure_polygons(path: Path) -> gpd.GeoDataFrame:
    """A closure layer as polygons in WGS84 with a ``when`` column: ``wet`` or ``always``.

    A polygon without ``when`` closes its roads always (an insecure zone); flood areas
    say ``when: wet``.
    """
    if not path.is_file():
        raise RoadDataError(located(path, gettext("closure layer not found")))
    frame = read_layer_wgs84(path, POLYGON_TYPES, "polygon", error_type=RoadDataError)
    when = frame["when"] if "when" in frame.columns else None
    text = (
        np.full(len(frame), "always")
        if when is None
        else when.where(when.notna(), "always").astype(str).str.strip().str.lower().to_numpy()
    )
    bad = ~np.isin(text, ["wet", "always"])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        template = gettext("column 'when', polygon {row}: expected 'wet' or 'always' (got {value})")
        raise RoadDataError(located(path, format_template(template, row=row, value=repr(text[row]))))
    return gpd.GeoDataFrame({"when": text}, geometry=frame.geometry.to_numpy(), crs=frame.crs)


def _read_pbf(path: Path) -> gpd.GeoDataFrame:
    """Every way of the street network of an OSM PBF extract, with pyrosm, and the tags
    the speed rules read.

    pyrosm's ``all`` network, not ``driving``: the driving network follows OSMnx and drops
    tracks and service roads, which are often the only roads to a camp. Which ways a
    vehicle drives is decided by :func:`medevac.roads.speeds.classify`, as for every format.
    """
    try:
        import pyrosm
    except ImportError as error:  # pragma: no cover - pyrosm is a dependency
        raise RoadDataError(located(path, gettext("reading OSM PBF needs the pyrosm package"))) from error
    try:
        frame = pyrosm.OSM(str(path)).get_network(network_type="all", extra_attributes=list(PBF_TAGS))
    except Exception as error:
        detail = format_template(gettext("cannot read as an OSM PBF extract ({cause})"), cause=error)
        raise RoadDataError(located(path, detail)) from error
    if frame is None or len(frame) == 0:
        raise RoadDataError(located(path, gettext("the OSM extract holds no drivable road")))
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(4326)


def _read_graphml(path: Path) -> gpd.GeoDataFrame:
    """An OSMnx GraphML graph: nodes with ``x``/``y`` (WGS84), edges with optional WKT geometry."""
    import networkx as nx

    try:
        graph = nx.read_graphml(path)
    except Exception as error:
        detail = format_template(gettext("cannot read as GraphML ({cause})"), cause=error)
        raise RoadDataError(located(path, detail)) from error
    crs = graph.graph.get("crs", "epsg:4326")
    rows: list[dict[str, object]] = []
    geometries = []
    for u, v, data in graph.edges(data=True):
        try:
            start = (float(graph.nodes[u]["x"]), float(graph.nodes[u]["y"]))
            end = (float(graph.nodes[v]["x"]), float(graph.nodes[v]["y"]))
        except (KeyError, ValueError) as error:
            template = gettext("node {u} or {v} has no numeric 'x' and 'y'")
            raise RoadDataError(located(path, format_template(template, u=repr(u), v=repr(v)))) from error
        wkt = data.get("geometry")
        geometry = shapely.from_wkt(wkt) if wkt else shapely.LineString([start, end])
        row = {k: val for k, val in data.items() if k not in {"geometry", "oneway"}}
        row["oneway"] = "yes"  # a directed graph holds each direction of a two-way road
        rows.append(row)
        geometries.append(geometry)
    if not rows:
        raise RoadDataError(located(path, gettext("the graph has no edge")))
    frame = gpd.GeoDataFrame(rows, geometry=geometries, crs=crs)
    return frame.to_crs(4326)


def _single_lines(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Multi-part lines split into parts; empty and one-point lines dropped; every vertex
    checked to be a WGS84 position (naming the line as numbered in the file, from 0)."""
    types = set(frame.geom_type)
    if not types <= LINE_TYPES:
        detail = format_template(gettext("expected lines, found {found}"), found=", ".join(sorted(types)))
        raise RoadDataError(located(path, detail))
    coords, line_of_vertex = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    check_wgs84(coords[:, 0], coords[:, 1], lambda k: line_text(line_of_vertex[k]), str(path))
    frame = frame.explode(index_parts=False, ignore_index=True)
    counts = shapely.get_num_coordinates(frame.geometry.to_numpy())
    frame = frame[counts >= 2].reset_index(drop=True)
    if len(frame) == 0:
        raise RoadDataError(located(path, gettext("the layer holds no line with two or more points")))
    return frame
