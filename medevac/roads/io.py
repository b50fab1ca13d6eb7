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

from medevac.errors import RoadDataError

LINE_TYPES = frozenset({"LineString", "MultiLineString"})
POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})


def read_road_lines(path: Path) -> gpd.GeoDataFrame:
    """A road layer as single-part LineStrings in WGS84 (EPSG:4326), attributes kept.

    ``.pbf`` is read with pyrosm (the drivable network), ``.graphml`` with networkx (an
    OSMnx graph, one line per directed edge, marked one-way), anything else with pyogrio.
    """
    if not path.is_file():
        raise RoadDataError(f"{path}: road layer not found")
    suffix = path.name.lower()
    if suffix.endswith(".pbf"):
        frame = _read_pbf(path)
    elif suffix.endswith(".graphml"):
        frame = _read_graphml(path)
    else:
        frame = _read_vector(path, LINE_TYPES, "line")
    return _single_lines(frame, path)


def read_closure_polygons(path: Path) -> gpd.GeoDataFrame:
    """A closure layer as polygons in WGS84 with a ``when`` column: ``wet`` or ``always``.

    A polygon without ``when`` closes its roads always (an insecure zone); flood areas
    say ``when: wet``.
    """
    if not path.is_file():
        raise RoadDataError(f"{path}: closure layer not found")
    frame = _read_vector(path, POLYGON_TYPES, "polygon")
    when = frame["when"] if "when" in frame.columns else None
    text = (
        np.full(len(frame), "always")
        if when is None
        else when.where(when.notna(), "always").astype(str).str.strip().str.lower().to_numpy()
    )
    bad = ~np.isin(text, ["wet", "always"])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RoadDataError(
            f"{path}: column 'when', polygon {row}: expected 'wet' or 'always' (got {text[row]!r})"
        )
    return gpd.GeoDataFrame({"when": text}, geometry=frame.geometry.to_numpy(), crs=frame.crs)


def _read_vector(path: Path, allowed: frozenset[str], kind: str) -> gpd.GeoDataFrame:
    """One layer of a vector file, checked for a CRS, its geometry type, and content."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception as error:
        raise RoadDataError(f"{path}: cannot read as a vector layer ({error})") from error
    if len(layers) == 0:
        raise RoadDataError(f"{path}: the file holds no layer")
    layer = str(layers[0][0])
    if len(layers) > 1:
        fitting = [str(name) for name, geometry_type in layers if _geometry_fits(geometry_type, allowed)]
        named = [name for name in fitting if name.lower() in {"roads", "closures"}]
        if len(fitting) == 1 or named:
            layer = (named or fitting)[0]
        else:
            names = [str(name) for name, _ in layers]
            raise RoadDataError(
                f"{path}: several layers {names}; keep one {kind} layer in the file or name it 'roads'"
            )
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as error:
        raise RoadDataError(f"{path}: cannot read layer {layer!r} ({error})") from error
    if frame.crs is None:
        raise RoadDataError(f"{path}: the layer has no coordinate reference system (CRS); set one")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if len(frame) == 0:
        raise RoadDataError(f"{path}: the layer is empty (no {kind} geometry)")
    types = sorted(set(frame.geom_type))
    if not set(types) <= allowed:
        raise RoadDataError(
            f"{path}: expected {kind}s ({', '.join(sorted(allowed))}), found {', '.join(types)}"
        )
    return frame.to_crs(4326)


def _geometry_fits(geometry_type: object, allowed: frozenset[str]) -> bool:
    text = str(geometry_type).replace(" Z", "").replace(" M", "")
    return text in allowed


def _read_pbf(path: Path) -> gpd.GeoDataFrame:
    """The drivable network of an OSM PBF extract, with pyrosm."""
    try:
        import pyrosm
    except ImportError as error:  # pragma: no cover - pyrosm is a dependency
        raise RoadDataError(f"{path}: reading OSM PBF needs the pyrosm package") from error
    try:
        frame = pyrosm.OSM(str(path)).get_network(network_type="driving", extra_attributes=["smoothness"])
    except Exception as error:
        raise RoadDataError(f"{path}: cannot read as an OSM PBF extract ({error})") from error
    if frame is None or len(frame) == 0:
        raise RoadDataError(f"{path}: the OSM extract holds no drivable road")
    if frame.crs is None:
        frame = frame.set_crs(4326)
    return frame.to_crs(4326)


def _read_graphml(path: Path) -> gpd.GeoDataFrame:
    """An OSMnx GraphML graph: nodes with ``x``/``y`` (WGS84), edges with optional WKT geometry."""
    import networkx as nx

    try:
        graph = nx.read_graphml(path)
    except Exception as error:
        raise RoadDataError(f"{path}: cannot read as GraphML ({error})") from error
    crs = graph.graph.get("crs", "epsg:4326")
    rows: list[dict[str, object]] = []
    geometries = []
    for u, v, data in graph.edges(data=True):
        try:
            start = (float(graph.nodes[u]["x"]), float(graph.nodes[u]["y"]))
            end = (float(graph.nodes[v]["x"]), float(graph.nodes[v]["y"]))
        except (KeyError, ValueError) as error:
            raise RoadDataError(f"{path}: node {u!r} or {v!r} has no numeric 'x' and 'y'") from error
        wkt = data.get("geometry")
        geometry = shapely.from_wkt(wkt) if wkt else shapely.LineString([start, end])
        row = {k: val for k, val in data.items() if k not in {"geometry", "oneway"}}
        row["oneway"] = "yes"  # a directed graph holds each direction of a two-way road
        rows.append(row)
        geometries.append(geometry)
    if not rows:
        raise RoadDataError(f"{path}: the graph has no edge")
    frame = gpd.GeoDataFrame(rows, geometry=geometries, crs=crs)
    return frame.to_crs(4326)


def _single_lines(frame: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Multi-part lines split into parts; empty and one-point lines dropped."""
    types = set(frame.geom_type)
    if not types <= LINE_TYPES:
        raise RoadDataError(f"{path}: expected lines, found {', '.join(sorted(types))}")
    frame = frame.explode(index_parts=False, ignore_index=True)
    counts = shapely.get_num_coordinates(frame.geometry.to_numpy())
    frame = frame[counts >= 2].reset_index(drop=True)
    if len(frame) == 0:
        raise RoadDataError(f"{path}: the layer holds no line with two or more points")
    return frame
