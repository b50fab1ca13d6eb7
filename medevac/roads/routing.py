"""Shortest road times with scipy's csgraph Dijkstra, cached by tree.

A travel-time query pairs FEW points (facilities, pick-up points) with MANY (sites, patrol
samples, grid cells). One shortest-path tree is grown per end node of each few point's
segment, on the reversed matrix when the few points are destinations, and cached by
(network, season, direction, node): a what-if that moves one facility grows only that
facility's trees. The many points are then read off the trees as arrays.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy.sparse import csgraph

from medevac.geo import FloatArray
from medevac.model import Season
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
    matrix = network.csr[season, reverse]
    times: FloatArray = np.asarray(
        csgraph.dijkstra(matrix, directed=True, indices=np.asarray(sources, dtype=np.intp)), dtype=np.float64
    )
    shaped: FloatArray = times.reshape(len(sources), network.n_nodes)
    return shaped


@lru_cache(maxsize=TREE_CACHE_SIZE)
def node_tree_min(network: RoadNetwork, season: Season, reverse: bool, node: int) -> FloatArray:
    """One cached tree: minutes from ``node`` to every node (to it when ``reverse``); read-only."""
    tree: FloatArray = shortest_min(network, season, np.array([node], dtype=np.intp), reverse=reverse)[0]
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
    u_all, v_all = network.seg_u, network.seg_v
    sp, fp = many.segment, many.fraction
    ap, bp = a_all[sp], b_all[sp]
    out = np.empty((len(sp), len(few.segment)))
    for j, (sx, fx) in enumerate(zip(few.segment, few.fraction, strict=True)):
        ax, bx = a_all[sx : sx + 1], b_all[sx : sx + 1]
        fx_arr = np.array([fx])
        if few_are_origins:
            # Leave X's segment backwards to u or forwards to v, then grow out from there.
            tree = np.minimum(
                along_min(fx_arr, bx) + node_tree_min(network, season, False, int(u_all[sx])),
                along_min(1 - fx_arr, ax) + node_tree_min(network, season, False, int(v_all[sx])),
            )
            # Reach P's segment at u and drive forwards, or at v and drive backwards.
            times = np.minimum(tree[u_all[sp]] + along_min(fp, ap), tree[v_all[sp]] + along_min(1 - fp, bp))
            ahead = fp >= fx
            direct = np.where(ahead, along_min(fp - fx, ap), along_min(fx - fp, bp))
        else:
            # Times from every node to X: arrive at u and drive forwards, or at v and back.
            tree = np.minimum(
                node_tree_min(network, season, True, int(u_all[sx])) + along_min(fx_arr, ax),
                node_tree_min(network, season, True, int(v_all[sx])) + along_min(1 - fx_arr, bx),
            )
            times = np.minimum(along_min(1 - fp, ap) + tree[v_all[sp]], along_min(fp, bp) + tree[u_all[sp]])
            ahead = fx >= fp
            direct = np.where(ahead, along_min(fx - fp, ap), along_min(fp - fx, bp))
        same = sp == sx
        out[:, j] = np.where(same, np.minimum(times, direct), times)
    return out
