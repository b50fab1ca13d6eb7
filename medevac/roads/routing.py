"""Shortest road times with scipy's csgraph Dijkstra, cached by tree.

A travel-time query pairs FEW points (facilities, pick-up points) with MANY (sites, patrol
samples, grid cells). One shortest-path tree is grown per few point, from a virtual node
standing where the point meets its road segment (on the reversed matrix when the few points
are destinations), and cached by (network, season, direction, segment, fraction): a what-if
that moves one facility grows only that facility's tree. The many points are then read off
the trees as arrays. Every tree is grown on the graph with chains of shape points
contracted (:mod:`medevac.roads.contract`) and filled in to every node.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.sparse import csgraph

from medevac.geo import FloatArray
from medevac.model import Season
from medevac.roads.contract import node_source, segment_source, tree_min
from medevac.roads.network import RoadNetwork
from medevac.roads.snapping import Snap

IntArray = npt.NDArray[np.intp]

TREE_CACHE_SIZE = 256
"""Trees kept (each one float64 per node: 256 trees of a 200,000-node network = 410 MB)."""


def shortest_min(
    network: RoadNetwork, season: Season, sources: IntArray, *, reverse: bool = False
) -> FloatArray:
    """Minutes from each source node to every node (to it when ``reverse``), (k, nodes).

    >>> import numpy as np, pandas as pd
    >>> from medevac.roads.network import assemble
    >>> net = assemble("demo", np.zeros(3), np.array([0.0, 0.1, 0.2]), np.array([0, 1]), np.array([1, 2]),
    ...                np.array([11.1, 11.1]), {s: (np.array([6.0, 4.0]), np.array([np.inf, np.inf]))
    ...                for s in ("dry", "wet")}, (np.ones(2, bool), np.zeros(2, bool)),
    ...                pd.DataFrame(index=[0, 1]))
    >>> shortest_min(net, "dry", np.array([0])).tolist()  # one-way 0 -> 1 -> 2: 6 + 4
    [[0.0, 6.0, 10.0]]
    >>> shortest_min(net, "dry", np.array([0]), reverse=True).tolist()  # nothing reaches node 0
    [[0.0, inf, inf]]
    """
    starts = [node_source(network, season, int(s), reverse=reverse) for s in sources]
    return tree_min(network, season, starts, reverse=reverse)


def _dijkstra_min(
    network: RoadNetwork, season: Season, sources: IntArray, *, reverse: bool = False
) -> FloatArray:
    """:func:`shortest_min` on every node, no contraction: the reference the tests compare with."""
    matrix = network.csr[season, reverse]
    times: FloatArray = np.asarray(
        csgraph.dijkstra(matrix, directed=True, indices=np.asarray(sources, dtype=np.intp)), dtype=np.float64
    )
    shaped: FloatArray = times.reshape(len(sources), network.n_nodes)
    return shaped


@lru_cache(maxsize=TREE_CACHE_SIZE)
def point_tree_min(
    network: RoadNetwork, season: Season, reverse: bool, segment: int, fraction: float
) -> FloatArray:
    """One cached tree: minutes from a point on a segment to every node (to it when
    ``reverse``); read-only.

    The point becomes a virtual node joined to the segment's two ends by the part of the
    segment on each side (to the ends of its chain, on the contracted graph of
    :mod:`medevac.roads.contract`), so one Dijkstra serves it instead of one per end node.
    """
    a_all, b_all = network.seg_min[season]
    at = np.array([fraction])
    if reverse:  # arrive at u and drive forwards to the point, or at v and drive back
        weights = (
            along_min(at, a_all[segment : segment + 1]),
            along_min(1 - at, b_all[segment : segment + 1]),
        )
    else:  # leave backwards to u or forwards to v
        weights = (
            along_min(at, b_all[segment : segment + 1]),
            along_min(1 - at, a_all[segment : segment + 1]),
        )
    start = segment_source(network, segment, float(weights[0][0]), float(weights[1][0]))
    tree: FloatArray = tree_min(network, season, [start], reverse=reverse)[0]
    tree.flags.writeable = False
    return tree


def along_min(fraction: FloatArray, minutes: FloatArray) -> FloatArray:
    """Minutes for a fraction of a segment: 0 at its end even when closed, else ``inf`` if closed.

    A point snapped to a segment's end node stands on that node, whatever the segment.
    """
    closed = np.isinf(minutes)
    return np.where(fraction <= 0, 0.0, np.where(closed, np.inf, fraction * np.where(closed, 0.0, minutes)))


def road_min(
    network: RoadNetwork, season: Season, few: Snap, many: Snap, *, few_are_origins: bool
) -> FloatArray:
    """Minutes on the road between the snapped feet of many points and few, (many, few).

    Direction: few -> many when ``few_are_origins``, else many -> few. A route may leave
    a segment by either end when the road runs that way, and two points on the same
    segment also go straight along it.
    """
    a_all, b_all = network.seg_min[season]
    sp, fp = many.segment, many.fraction
    ap, bp = a_all[sp], b_all[sp]
    u_of_many, v_of_many = network.seg_u[sp], network.seg_v[sp]
    # The many points' own legs to the ends of their segments, the same for every tree.
    if few_are_origins:  # reach P's segment at u and drive forwards, or at v and backwards
        from_u, from_v = along_min(fp, ap), along_min(1 - fp, bp)
    else:  # leave P's segment forwards to v, or backwards to u
        from_v, from_u = along_min(1 - fp, ap), along_min(fp, bp)
    out = np.empty((len(sp), len(few.segment)))
    on_few = np.flatnonzero(np.isin(sp, few.segment))  # many points on some few point's segment
    for j, (sx, fx) in enumerate(zip(few.segment, few.fraction, strict=True)):
        tree = point_tree_min(network, season, not few_are_origins, int(sx), float(fx))
        column = out[:, j]
        np.add(tree[u_of_many], from_u, out=column)
        np.minimum(column, tree[v_of_many] + from_v, out=column)
        same = on_few[sp[on_few] == sx]  # on X's own segment: also straight along it
        if len(same):
            f_same = fp[same]
            ahead = f_same >= fx if few_are_origins else fx >= f_same
            gap = np.abs(f_same - fx)
            direct = np.where(ahead, along_min(gap, ap[same]), along_min(gap, bp[same]))
            column[same] = np.minimum(column[same], direct)
    return out
