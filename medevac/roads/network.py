"""The routable road network: nodes, straight segments, minutes per season, CSR matrices.

Lines are noded where they share a vertex (coordinates equal after rounding to
:data:`NODE_DECIMALS` decimals of a degree, about 1 cm); every vertex is a node, so every
edge is a straight segment, which keeps snapping exact. The arrays are the computing form;
:func:`to_networkx` gives the same network as a networkx ``MultiDiGraph`` to inspect or
edit, and :func:`from_networkx` turns an edited graph back into a network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import geopandas as gpd
import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import sparse

from medevac.errors import RoadDataError, located
from medevac.geo import WGS84, FloatArray
from medevac.i18n import format_template, gettext
from medevac.model import Season
from medevac.roads.snapping import SegmentIndex
from medevac.roads.speeds import LineSpeeds

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
ArrayT = TypeVar("ArrayT", bound=npt.NDArray[Any])
KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")

NODE_DECIMALS = 7
"""Vertices equal to this many decimals of a degree (about 1 cm) are one node."""

MIN_EDGE_MIN = 1e-9
"""Floor on an edge's minutes: scipy's csgraph must never see a zero weight as no edge."""

SEASONS: tuple[Season, ...] = ("dry", "wet")

# Segment attributes carried into the networkx model when a layer has them.
INSPECT_COLUMNS = ("class", "highway", "surface", "smoothness", "name", "ref", "source")


class ReadOnlyMapping(Mapping[KeyT, ValueT]):
    """A mapping nobody can change that still pickles (``MappingProxyType`` does not), so a
    network can be sent to another process (a Dask worker).

    >>> import pickle
    >>> m = ReadOnlyMapping({"dry": 1})
    >>> m["dry"], pickle.loads(pickle.dumps(m)) == m
    (1, True)
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[KeyT, ValueT]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: KeyT) -> ValueT:
        return self._data[key]

    def __iter__(self) -> Iterator[KeyT]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ReadOnlyMapping({self._data!r})"

    def __reduce__(self) -> tuple[type[ReadOnlyMapping[KeyT, ValueT]], tuple[dict[KeyT, ValueT]]]:
        return type(self), (self._data,)


def freeze_arrays(value: object) -> None:
    """Mark every numpy array in ``value`` (and in its tuples and mappings) read-only.

    Pickle does not keep numpy's read-only flag: an unpickled network is frozen again, so
    the promise that nothing changes a shared network holds in the receiving process too.
    """
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple | list):
        for item in value:
            freeze_arrays(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            freeze_arrays(item)


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A road network ready to route; never mutated after it is built (caches share it).

    Each segment joins nodes ``seg_u < seg_v`` in a straight line; ``seg_min[season]``
    holds minutes along it (``u -> v``) and back (``v -> u``), ``inf`` where one-way or
    closed. ``csr[season, reverse]`` is the node-to-node matrix of minutes (transposed
    when ``reverse``) for :mod:`scipy.sparse.csgraph`.
    """

    source: str
    node_lat_deg: FloatArray
    node_lon_deg: FloatArray
    seg_u: IntArray
    seg_v: IntArray
    seg_length_km: FloatArray
    seg_min: Mapping[Season, tuple[FloatArray, FloatArray]]
    seg_allowed: tuple[BoolArray, BoolArray]
    seg_attributes: pd.DataFrame
    csr: Mapping[tuple[Season, bool], sparse.csr_matrix]
    index: SegmentIndex

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Unpickling: restore the fields (frozen, so not by attribute) and freeze the arrays again.
        for name in (f.name for f in fields(self)):
            object.__setattr__(self, name, state[name])
            freeze_arrays(state[name])

    @property
    def n_nodes(self) -> int:
        return len(self.node_lat_deg)

    @property
    def n_segments(self) -> int:
        return len(self.seg_u)

    @property
    def symmetric(self) -> bool:
        """Every road takes the same time both ways, in both seasons (no one-way road)."""
        return all(np.array_equal(a, b) for a, b in self.seg_min.values())


def check_wgs84(lon_deg: FloatArray, lat_deg: FloatArray, where: Callable[[int], str], source: str) -> None:
    """Raise a :class:`RoadDataError` for the first vertex that is not a WGS84 position.

    A vertex beyond the poles or the antimeridian (or not a number) is almost always a
    layer in metres that says it is in degrees; snapping and lengths would fail on it.
    ``where(k)`` names the line or node of vertex ``k`` for the message.
    """
    lon_deg, lat_deg = np.asarray(lon_deg, dtype=np.float64), np.asarray(lat_deg, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        good = (
            np.isfinite(lon_deg) & np.isfinite(lat_deg) & (np.abs(lon_deg) <= 180) & (np.abs(lat_deg) <= 90)
        )
    if not good.all():
        k = int(np.flatnonzero(~good)[0])
        template = gettext(
            "{where}: vertex at lon {lon}, lat {lat} is not a WGS84 position in degrees (allowed: lon "
            "-180 to 180, lat -90 to 90); is the layer's coordinate reference system right?"
        )
        detail = format_template(
            template, where=where(k), lon=str(float(lon_deg[k])), lat=str(float(lat_deg[k]))
        )
        raise RoadDataError(located(source, detail))


def line_text(line: object) -> str:
    """A line of a layer as messages name it (numbered from 0): ``line 12`` / ``ligne 12``."""
    return format_template(gettext("line {line}"), line=line)


def network_from_lines(
    lines: gpd.GeoDataFrame,
    speeds: LineSpeeds,
    source: str,
    closures: gpd.GeoDataFrame | None = None,
) -> RoadNetwork:
    """Node the lines at shared vertices and build the network, closures applied.

    ``lines`` are single-part LineStrings in WGS84; ``closures`` polygons in WGS84 with a
    ``when`` column (``wet`` or ``always``) close every segment that intersects them.
    """
    coords, line_of_vertex = shapely.get_coordinates(lines.geometry.to_numpy(), return_index=True)
    check_wgs84(coords[:, 0], coords[:, 1], lambda k: line_text(line_of_vertex[k]), source)
    rounded = np.round(coords, NODE_DECIMALS)
    nodes, node_of_vertex = np.unique(rounded, axis=0, return_inverse=True)
    node_of_vertex = node_of_vertex.ravel()
    first = np.flatnonzero(line_of_vertex[:-1] == line_of_vertex[1:])
    u, v = node_of_vertex[first], node_of_vertex[first + 1]
    line = line_of_vertex[first]
    keep = u != v
    u, v, line = u[keep], v[keep], line[keep]
    if len(u) == 0:
        raise RoadDataError(located(source, gettext("no line has two distinct points")))
    lon, lat = nodes[:, 0], nodes[:, 1]
    direction = speeds.direction[line]
    allowed_forward = direction >= 0
    allowed_backward = direction <= 0
    length_km = _length_km(lat, lon, u, v)
    open_dry = np.ones(len(u), dtype=bool)
    open_wet = np.ones(len(u), dtype=bool)
    if closures is not None and len(closures):
        segments = shapely.linestrings(np.stack([nodes[u], nodes[v]], axis=1))
        polygon, segment = shapely.STRtree(segments).query(
            closures.geometry.to_numpy(), predicate="intersects"
        )
        always = closures["when"].to_numpy()[polygon] == "always"
        open_dry[segment[always]] = False
        open_wet[segment] = False
    minutes: dict[Season, tuple[FloatArray, FloatArray]] = {}
    by_season: tuple[tuple[Season, FloatArray, BoolArray], ...] = (
        ("dry", speeds.dry_kmh, open_dry),
        ("wet", speeds.wet_kmh, open_wet),
    )
    for season, kmh, is_open in by_season:
        segment_kmh = np.where(is_open, kmh[line], 0.0)
        along = _minutes(length_km, segment_kmh)
        minutes[season] = (
            np.where(allowed_forward, along, np.inf),
            np.where(allowed_backward, along, np.inf),
        )
    table = pd.DataFrame({c: lines[c].to_numpy() for c in INSPECT_COLUMNS if c in lines.columns})
    attributes = table.iloc[line].reset_index(drop=True)
    return assemble(
        source, lat, lon, u, v, length_km, minutes, (allowed_forward, allowed_backward), attributes
    )


def assemble(
    source: str,
    node_lat_deg: FloatArray,
    node_lon_deg: FloatArray,
    seg_u: IntArray,
    seg_v: IntArray,
    seg_length_km: FloatArray,
    seg_min: Mapping[Season, tuple[FloatArray, FloatArray]],
    seg_allowed: tuple[BoolArray, BoolArray],
    seg_attributes: pd.DataFrame,
) -> RoadNetwork:
    """A network from directed segment arrays: one segment per node pair, CSR, snap index.

    Segments between the same two nodes (each direction of a road, or duplicated lines)
    become one, keeping the fastest minutes of each direction.
    """
    swap = seg_u > seg_v
    lo = np.where(swap, seg_v, seg_u).astype(np.intp)
    hi = np.where(swap, seg_u, seg_v).astype(np.intp)
    order = np.lexsort((hi, lo))
    lo, hi = lo[order], hi[order]
    starts = np.flatnonzero(np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])])
    first = order[starts]

    def fastest(forward: FloatArray, backward: FloatArray) -> tuple[FloatArray, FloatArray]:
        a = np.where(swap, backward, forward)[order]
        b = np.where(swap, forward, backward)[order]
        return _frozen(np.minimum.reduceat(a, starts)), _frozen(np.minimum.reduceat(b, starts))

    def either(forward: BoolArray, backward: BoolArray) -> tuple[BoolArray, BoolArray]:
        a = np.where(swap, backward, forward)[order]
        b = np.where(swap, forward, backward)[order]
        return _frozen(np.logical_or.reduceat(a, starts)), _frozen(np.logical_or.reduceat(b, starts))

    minutes = {season: fastest(forward, backward) for season, (forward, backward) in seg_min.items()}
    u, v = _frozen(lo[starts]), _frozen(hi[starts])
    lat = _frozen(np.asarray(node_lat_deg, dtype=np.float64))
    lon = _frozen(np.asarray(node_lon_deg, dtype=np.float64))
    csr: dict[tuple[Season, bool], sparse.csr_matrix] = {}
    for season, (a, b) in minutes.items():
        matrix = _csr(len(lat), u, v, a, b)
        csr[season, False] = matrix
        csr[season, True] = matrix.T.tocsr()
    length_km = _frozen(np.minimum.reduceat(seg_length_km[order], starts))
    return RoadNetwork(
        source=source,
        node_lat_deg=lat,
        node_lon_deg=lon,
        seg_u=u,
        seg_v=v,
        seg_length_km=length_km,
        seg_min=ReadOnlyMapping(minutes),
        seg_allowed=either(*seg_allowed),
        seg_attributes=seg_attributes.iloc[first].reset_index(drop=True),
        csr=ReadOnlyMapping(csr),
        index=SegmentIndex.build(lat, lon, u, v, length_km),
    )


def to_networkx(network: RoadNetwork) -> nx.MultiDiGraph:
    """The network as a networkx graph to inspect or edit: one edge per direction of travel.

    Nodes carry ``y`` (lat) and ``x`` (lon) in degrees; edges carry ``length_km``,
    ``dry_min`` and ``wet_min`` (``inf`` when closed) and the layer's own attributes.

    >>> import numpy as np, pandas as pd
    >>> net = assemble("demo", np.array([0.0, 0.0]), np.array([0.0, 0.1]), np.array([0]), np.array([1]),
    ...                np.array([11.132]), {"dry": (np.array([10.0]), np.array([np.inf])),
    ...                "wet": (np.array([20.0]), np.array([np.inf]))},
    ...                (np.array([True]), np.array([False])), pd.DataFrame(index=[0]))
    >>> sorted(to_networkx(net).edges(data="dry_min"))
    [(0, 1, 10.0)]
    """
    graph = nx.MultiDiGraph(source=network.source, crs="EPSG:4326")
    graph.add_nodes_from(
        (i, {"y": float(lat), "x": float(lon)})
        for i, (lat, lon) in enumerate(zip(network.node_lat_deg, network.node_lon_deg, strict=True))
    )
    records = network.seg_attributes.to_dict("records")
    dry_a, dry_b = network.seg_min["dry"]
    wet_a, wet_b = network.seg_min["wet"]
    allowed_a, allowed_b = network.seg_allowed
    for s in range(network.n_segments):
        u, v = int(network.seg_u[s]), int(network.seg_v[s])
        common = {str(k): val for k, val in records[s].items() if not pd.isna(val)}
        common["length_km"] = float(network.seg_length_km[s])
        if allowed_a[s]:
            graph.add_edge(u, v, dry_min=float(dry_a[s]), wet_min=float(wet_a[s]), **common)
        if allowed_b[s]:
            graph.add_edge(v, u, dry_min=float(dry_b[s]), wet_min=float(wet_b[s]), **common)
    return graph


def from_networkx(graph: nx.MultiDiGraph | nx.DiGraph, source: str = "networkx graph") -> RoadNetwork:
    """A network from a graph whose nodes have ``y``/``x`` (degrees) and edges ``dry_min``.

    ``wet_min`` defaults to ``dry_min``; ``inf`` means closed in that season. Node ids may
    be anything hashable.
    """
    ids = list(graph.nodes)
    position = {node: i for i, node in enumerate(ids)}
    try:
        lat = np.array([float(graph.nodes[n]["y"]) for n in ids])
        lon = np.array([float(graph.nodes[n]["x"]) for n in ids])
    except (KeyError, TypeError, ValueError) as error:
        detail = gettext("every node needs numeric 'y' (lat) and 'x' (lon)")
        raise RoadDataError(located(source, detail)) from error
    check_wgs84(lon, lat, lambda k: format_template(gettext("node {node}"), node=repr(ids[k])), source)
    edges = list(graph.edges(data=True))
    if not edges:
        raise RoadDataError(located(source, gettext("the graph has no edge")))
    u = np.array([position[e[0]] for e in edges], dtype=np.intp)
    v = np.array([position[e[1]] for e in edges], dtype=np.intp)
    try:
        dry = np.array([float(e[2]["dry_min"]) for e in edges])
        wet = np.array([float(e[2].get("wet_min", e[2]["dry_min"])) for e in edges])
    except (KeyError, TypeError, ValueError) as error:
        detail = gettext("every edge needs numeric 'dry_min' (and optionally 'wet_min')")
        raise RoadDataError(located(source, detail)) from error
    keep = u != v
    u, v, dry, wet = u[keep], v[keep], dry[keep], wet[keep]
    attributes = pd.DataFrame(
        [
            {k: e[2].get(k) for k in INSPECT_COLUMNS if k in e[2]}
            for e, k_ in zip(edges, keep, strict=True)
            if k_
        ]
    )
    blocked = np.full(len(u), np.inf)
    return assemble(
        source,
        lat,
        lon,
        u,
        v,
        _length_km(lat, lon, u, v),
        {"dry": (dry, blocked), "wet": (wet, blocked)},
        (np.ones(len(u), dtype=bool), np.zeros(len(u), dtype=bool)),
        attributes if len(attributes.columns) else pd.DataFrame(index=range(len(u))),
    )


def line_length_km(lines: npt.NDArray[Any]) -> FloatArray:
    """Geodesic length of each (multi)line in WGS84, km: its straight segments summed."""
    coords, line_of_vertex = shapely.get_coordinates(lines, return_index=True)
    first = np.flatnonzero(line_of_vertex[:-1] == line_of_vertex[1:])
    segment_km = _length_km(coords[:, 1], coords[:, 0], first, first + 1)
    return np.bincount(line_of_vertex[first], weights=segment_km, minlength=len(lines)).astype(np.float64)


def _length_km(lat: FloatArray, lon: FloatArray, u: IntArray, v: IntArray) -> FloatArray:
    """Geodesic length of each straight segment on the WGS84 ellipsoid."""
    if len(u) == 0:
        return np.zeros(0)
    _, _, metres = WGS84.inv(lon[u], lat[u], lon[v], lat[v])
    return np.asarray(metres, dtype=np.float64) / 1000.0


def _minutes(length_km: FloatArray, kmh: FloatArray) -> FloatArray:
    """Minutes to drive each segment; ``inf`` at 0 km/h (closed)."""
    with np.errstate(divide="ignore"):
        minutes = np.where(kmh > 0, length_km / np.where(kmh > 0, kmh, 1.0) * 60.0, np.inf)
    return np.maximum(minutes, MIN_EDGE_MIN)


def _csr(n: int, u: IntArray, v: IntArray, a: FloatArray, b: FloatArray) -> sparse.csr_matrix:
    """Node-to-node minutes; each node pair appears once, so no duplicate is summed."""
    forward, backward = np.isfinite(a), np.isfinite(b)
    rows = np.concatenate([u[forward], v[backward]])
    cols = np.concatenate([v[forward], u[backward]])
    data = np.maximum(np.concatenate([a[forward], b[backward]]), MIN_EDGE_MIN)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, n))


def _frozen(values: ArrayT) -> ArrayT:
    """A read-only array: cached networks are shared and must never change."""
    values.flags.writeable = False
    return values
