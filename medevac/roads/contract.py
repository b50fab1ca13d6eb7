"""Chains of degree-2 nodes contracted away: Dijkstra on junctions, exact times to every node.

Every vertex of a road is a node, so most nodes are shape points with exactly two
neighbours. A node with one or two neighbours is a *chain node*; every other node
(crossing, isolated node, one chosen node of a piece with no crossing: a ring, a lone
line) is a *junction*. A chain runs from junction ``A`` through its chain nodes to
junction ``B`` and becomes one contracted edge each way, its minutes the sum of its
segments' (``inf`` if any is); a chain that ends in a dead end has no ``B`` and no edge.
Dijkstra runs on the junctions only; each chain node then takes the better of its two
ends, ``T(A) + A -> x`` and ``T(B) + B -> x``, from minutes summed along the chain once
per network and season. A source inside a chain is a virtual node joined to ``A`` and
``B`` by the parts of the chain on each side, and also reaches its own chain's nodes
straight along it. The result equals Dijkstra on every node up to float rounding (the
same sums, added in another order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from medevac.geo import FloatArray
from medevac.model import Season
from medevac.roads.network import MIN_EDGE_MIN, ArrayT, BoolArray, IntArray, ReadOnlyMapping, RoadNetwork

NETWORK_CACHE_SIZE = 8
"""Networks whose contraction is kept (the loader keeps 8 networks too)."""


BATCH_SOURCES = 8
"""Sources per csgraph call: its output stays small enough to be reused, not faulted in anew."""


@dataclass(frozen=True, eq=False)
class Chains:
    """Which nodes are junctions and how the chain nodes line up between them.

    Chain nodes are listed chain by chain, from the ``A`` end to the ``B`` end; ``step_seg``
    is the segment each one is reached by from the ``A`` side and ``last_seg`` the
    segment from a chain's last node to ``B``.
    """

    junction: IntArray  # node ids of the junctions, ascending
    junction_at: IntArray  # per node: its position among the junctions, -1 in a chain
    row_at: IntArray  # per node: its position in ``node``, -1 for a junction
    node: IntArray  # chain nodes, chain by chain, A side first
    chain: IntArray  # per chain node: its chain
    pos: IntArray  # per chain node: 0 next to A
    start: IntArray  # per chain: offset of its first node in ``node``
    length: IntArray  # per chain: its number of nodes
    end_a: IntArray  # per chain: junction node id at the A end
    end_b: IntArray  # per chain: junction node id at the B end (A's when dead)
    dead: BoolArray  # per chain: it ends in a dead end, not at a junction B
    step_seg: IntArray
    step_from_u: BoolArray  # the previous node is the segment's ``seg_u``
    last_seg: IntArray  # -1 when dead
    last_from_u: BoolArray  # the chain's last node is the segment's ``seg_u``
    seg_chain: IntArray  # per segment: its chain, -1 between two junctions
    seg_index: IntArray  # per segment in a chain: 0 .. length, counted from A
    seg_lower_is_u: BoolArray  # per segment in a chain: ``seg_u`` is its A-side end


@dataclass(frozen=True, eq=False)
class Contracted:
    """One season's minutes along the chains and the junction-to-junction matrices."""

    chains: Chains
    step_f: FloatArray  # per chain node: from the previous node (A side) to it
    step_b: FloatArray  # per chain node: from it back to the previous node
    from_a: FloatArray  # per chain node: A -> it along the chain
    to_a: FloatArray  # it -> A
    from_b: FloatArray  # B -> it
    to_b: FloatArray  # it -> B
    csr: Mapping[bool, sparse.csr_matrix]  # junction positions; transposed when reverse


@dataclass(frozen=True)
class ChainSource:
    """A source on a chain's segment ``index`` (0 .. length, from A), with the minutes
    between it and the segment's A-side end (``lower_min``) and B-side end (``upper_min``):
    from the source when growing forwards, to it when reversed."""

    chain: int
    index: int
    lower_min: float
    upper_min: float


@dataclass(frozen=True)
class EdgeSource:
    """A source joined straight to junctions: ``(node id, minutes)`` pairs, or a junction itself."""

    ends: tuple[tuple[int, float], ...]


Source = ChainSource | EdgeSource


@lru_cache(maxsize=NETWORK_CACHE_SIZE)
def chains(network: RoadNetwork) -> Chains:
    """The chains of ``network``, found once (the network itself is never changed)."""
    n = network.n_nodes
    u, v = network.seg_u, network.seg_v
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    inner = (degree == 1) | (degree == 2)
    label, inner_degree = _chain_components(n, u, v, inner)
    # A piece with no junction next to it (a ring, a lone line) gets its smallest node as one.
    open_end = inner & (inner_degree < degree)
    has_end = np.zeros(n, dtype=bool)
    has_end[label[open_end]] = True
    closed = np.flatnonzero(inner & ~has_end[label])
    if len(closed):
        _, first = np.unique(label[closed], return_index=True)
        inner[closed[first]] = False
        label, inner_degree = _chain_components(n, u, v, inner)
    ends = np.flatnonzero(inner & (inner_degree < degree))
    _, first = np.unique(label[ends], return_index=True)
    heads = ends[first]  # the smallest node next to a junction: position 0
    both = inner[u] & inner[v]
    hops = sparse.csr_matrix(
        (
            np.ones(2 * int(both.sum()) + len(heads)),
            (
                np.concatenate([u[both], v[both], np.full(len(heads), n)]),
                np.concatenate([v[both], u[both], heads]),
            ),
        ),
        shape=(n + 1, n + 1),
    )
    depth = csgraph.dijkstra(hops, directed=True, unweighted=True, indices=n)
    members = np.flatnonzero(inner)
    pos_all = np.full(n, -1, dtype=np.intp)
    pos_all[members] = depth[members].astype(np.intp) - 1
    chain_labels, chain_of = np.unique(label[members], return_inverse=True)
    order = np.lexsort((pos_all[members], chain_of))
    node = members[order]
    chain = chain_of[order].astype(np.intp)
    pos = pos_all[node]
    length = np.bincount(chain, minlength=len(chain_labels)).astype(np.intp)
    start = (np.cumsum(length) - length).astype(np.intp)
    # Each chain node's two segments: the one from the A side and the one towards B.
    inc_node = np.concatenate([u, v])
    inc_seg = np.concatenate([np.arange(len(u)), np.arange(len(u))])
    inc_nbr = np.concatenate([v, u])
    keep = inner[inc_node]
    by_node = np.argsort(inc_node[keep], kind="stable")
    inc_node, inc_seg, inc_nbr = inc_node[keep][by_node], inc_seg[keep][by_node], inc_nbr[keep][by_node]
    first_of_node = np.searchsorted(inc_node, inc_node)
    slot = np.arange(len(inc_node)) - first_of_node  # 0 or 1; a dead end has only slot 0
    row_at = np.full(n, -1, dtype=np.intp)
    row_at[node] = np.arange(len(node))
    seg_pair = np.full((len(node), 2), -1, dtype=np.intp)
    nbr_pair = np.full((len(node), 2), -1, dtype=np.intp)
    seg_pair[row_at[inc_node], slot] = inc_seg
    nbr_pair[row_at[inc_node], slot] = inc_nbr
    p = pos[:, None]
    real = nbr_pair >= 0
    nbr_inner = inner[nbr_pair] & real
    before = np.where(p > 0, nbr_inner & (pos_all[nbr_pair] == p - 1), real & ~nbr_inner)
    pick = np.argmax(before, axis=1)  # a one-node chain: its first segment faces A
    other = 1 - pick
    rows = np.arange(len(node))
    step_seg = seg_pair[rows, pick]
    prev_node = nbr_pair[rows, pick]
    next_seg = seg_pair[rows, other]
    next_node = nbr_pair[rows, other]
    last = start + length - 1
    end_a = prev_node[start]
    dead = next_node[last] < 0  # the chain ends in a dead end: no B
    end_b = np.where(dead, end_a, next_node[last])  # a dead end's B side is never reached
    last_seg = next_seg[last]
    step_from_u = u[step_seg] == prev_node
    last_from_u = u[last_seg] == node[last]
    seg_chain = np.full(len(u), -1, dtype=np.intp)
    seg_index = np.full(len(u), -1, dtype=np.intp)
    seg_lower_is_u = np.zeros(len(u), dtype=bool)
    seg_chain[step_seg], seg_index[step_seg], seg_lower_is_u[step_seg] = chain, pos, step_from_u
    through = ~dead
    seg_chain[last_seg[through]], seg_index[last_seg[through]] = np.flatnonzero(through), length[through]
    seg_lower_is_u[last_seg[through]] = last_from_u[through]
    junction = np.flatnonzero(~inner)
    junction_at = np.full(n, -1, dtype=np.intp)
    junction_at[junction] = np.arange(len(junction))
    return Chains(
        junction=_frozen(junction),
        junction_at=_frozen(junction_at),
        row_at=_frozen(row_at),
        node=_frozen(node),
        chain=_frozen(chain),
        pos=_frozen(pos),
        start=_frozen(start),
        length=_frozen(length),
        end_a=_frozen(end_a),
        end_b=_frozen(end_b),
        dead=_frozen(dead),
        step_seg=_frozen(step_seg),
        step_from_u=_frozen(step_from_u),
        last_seg=_frozen(last_seg),
        last_from_u=_frozen(last_from_u),
        seg_chain=_frozen(seg_chain),
        seg_index=_frozen(seg_index),
        seg_lower_is_u=_frozen(seg_lower_is_u),
    )


@lru_cache(maxsize=2 * NETWORK_CACHE_SIZE)
def contracted(network: RoadNetwork, season: Season) -> Contracted:
    """The contracted graph of one season, built once per network and season."""
    c = chains(network)
    a_all, b_all = (np.maximum(m, MIN_EDGE_MIN) for m in network.seg_min[season])
    step_f = np.where(c.step_from_u, a_all[c.step_seg], b_all[c.step_seg])
    step_b = np.where(c.step_from_u, b_all[c.step_seg], a_all[c.step_seg])
    last_f = np.where(c.dead, np.inf, np.where(c.last_from_u, a_all[c.last_seg], b_all[c.last_seg]))
    last_b = np.where(c.dead, np.inf, np.where(c.last_from_u, b_all[c.last_seg], a_all[c.last_seg]))
    # The step out of each node towards B: the next node's step, or the last segment.
    is_last = c.pos == c.length[c.chain] - 1
    ahead = np.minimum(np.arange(len(c.node)) + 1, max(len(c.node) - 1, 0))
    next_f = np.where(is_last, last_f[c.chain], step_f[ahead]) if len(c.node) else step_f
    next_b = np.where(is_last, last_b[c.chain], step_b[ahead]) if len(c.node) else step_b
    from_a, to_a = _scan(step_f, c.pos), _scan(step_b, c.pos)
    back_pos = (c.length[c.chain] - 1 - c.pos)[::-1]
    to_b, from_b = _scan(next_f[::-1], back_pos)[::-1], _scan(next_b[::-1], back_pos)[::-1]
    first = c.start
    total_f = step_f[first] + to_b[first]  # A -> B
    total_b = from_b[first] + step_b[first]  # B -> A
    between = c.seg_chain < 0
    loop = c.end_a == c.end_b  # a dead end's chain too: no edge
    tail = np.concatenate([network.seg_u[between], network.seg_v[between], c.end_a[~loop], c.end_b[~loop]])
    head = np.concatenate([network.seg_v[between], network.seg_u[between], c.end_b[~loop], c.end_a[~loop]])
    weight = np.concatenate([a_all[between], b_all[between], total_f[~loop], total_b[~loop]])
    n_junctions = len(c.junction)
    matrix = _min_csr(c.junction_at[tail], c.junction_at[head], weight, (n_junctions, n_junctions))
    return Contracted(
        chains=c,
        step_f=_frozen(step_f),
        step_b=_frozen(step_b),
        from_a=_frozen(from_a),
        to_a=_frozen(to_a),
        from_b=_frozen(from_b),
        to_b=_frozen(to_b),
        csr=ReadOnlyMapping({False: matrix, True: matrix.T.tocsr()}),
    )


def node_source(network: RoadNetwork, season: Season, node: int, *, reverse: bool) -> Source:
    """A node as a source: itself when a junction, else the far end of the segment that
    reaches it from the chain's A side."""
    c = chains(network)
    if c.junction_at[node] >= 0:
        return EdgeSource(((node, 0.0),))
    k = contracted(network, season)
    i = int(c.row_at[node])
    step = k.step_f[i] if reverse else k.step_b[i]
    return ChainSource(int(c.chain[i]), int(c.pos[i]), float(step), 0.0)


def segment_source(network: RoadNetwork, segment: int, u_min: float, v_min: float) -> Source:
    """A point on ``segment`` with the minutes between it and the segment's ``seg_u`` and ``seg_v``."""
    c = chains(network)
    chain = int(c.seg_chain[segment])
    if chain < 0:
        ends = (int(network.seg_u[segment]), u_min), (int(network.seg_v[segment]), v_min)
        return EdgeSource(tuple(e for e in ends if np.isfinite(e[1])))
    lower, upper = (u_min, v_min) if c.seg_lower_is_u[segment] else (v_min, u_min)
    return ChainSource(chain, int(c.seg_index[segment]), lower, upper)


def tree_min(network: RoadNetwork, season: Season, sources: Sequence[Source], *, reverse: bool) -> FloatArray:
    """Minutes from each source to every node (to it when ``reverse``), (sources, nodes)."""
    k = contracted(network, season)
    c = k.chains
    n_junctions = len(c.junction)
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    indices = np.empty(len(sources), dtype=np.intp)
    n_virtual = 0
    for i, source in enumerate(sources):
        ends = _junction_ends(k, source, reverse=reverse)
        if len(ends) == 1 and ends[0][1] == 0.0:
            indices[i] = c.junction_at[ends[0][0]]
            continue
        indices[i] = n_junctions + n_virtual
        for node, minutes in ends:
            rows.append(n_virtual)
            cols.append(int(c.junction_at[node]))
            weights.append(minutes)
        n_virtual += 1
    matrix = k.csr[reverse]
    if n_virtual:
        extra = _min_csr(
            np.array(rows, dtype=np.intp),
            np.array(cols, dtype=np.intp),
            np.array(weights),
            (n_virtual, n_junctions + n_virtual),
        )
        padded = sparse.csr_matrix(
            (matrix.data, matrix.indices, matrix.indptr), shape=(n_junctions, n_junctions + n_virtual)
        )
        matrix = sparse.vstack([padded, extra], format="csr")
    out = np.empty((len(sources), network.n_nodes))
    via_a, via_b = (k.to_a, k.to_b) if reverse else (k.from_a, k.from_b)
    end_a, end_b = c.junction_at[c.end_a[c.chain]], c.junction_at[c.end_b[c.chain]]
    inner = np.empty(len(c.node))
    for first in range(0, len(sources), BATCH_SOURCES):
        batch = indices[first : first + BATCH_SOURCES]
        at_junctions = np.asarray(csgraph.dijkstra(matrix, directed=True, indices=batch), dtype=np.float64)
        for row, junction_min in zip(out[first:], at_junctions.reshape(len(batch), -1), strict=False):
            row[c.junction] = junction_min[:n_junctions]
            np.add(junction_min[end_a], via_a, out=inner)
            np.minimum(inner, junction_min[end_b] + via_b, out=inner)
            row[c.node] = inner
    for i, source in enumerate(sources):
        if isinstance(source, ChainSource):
            _along_own_chain(k, source, out[i], reverse=reverse)
    return out


def _junction_ends(k: Contracted, source: Source, *, reverse: bool) -> list[tuple[int, float]]:
    """The junctions a source joins directly, with the minutes between them, finite only."""
    if isinstance(source, EdgeSource):
        return [(node, minutes) for node, minutes in source.ends if np.isfinite(minutes)]
    c = k.chains
    start, length = int(c.start[source.chain]), int(c.length[source.chain])
    j = source.index
    if reverse:  # from A to the point, and from B
        to_lower = k.from_a[start + j - 1] if j > 0 else 0.0
        to_upper = k.from_b[start + j] if j < length else 0.0
        ends = [
            (int(c.end_a[source.chain]), float(to_lower + source.lower_min)),
            (int(c.end_b[source.chain]), float(to_upper + source.upper_min)),
        ]
    else:
        to_lower = k.to_a[start + j - 1] if j > 0 else 0.0
        to_upper = k.to_b[start + j] if j < length else 0.0
        ends = [
            (int(c.end_a[source.chain]), float(source.lower_min + to_lower)),
            (int(c.end_b[source.chain]), float(source.upper_min + to_upper)),
        ]
    return [(node, minutes) for node, minutes in ends if np.isfinite(minutes)]


def _along_own_chain(k: Contracted, source: ChainSource, row: FloatArray, *, reverse: bool) -> None:
    """Straight along the source's own chain, without passing A or B."""
    c = k.chains
    start, length, j = int(c.start[source.chain]), int(c.length[source.chain]), source.index
    nodes = c.node[start : start + length]
    # Towards B: nodes j .. length-1, each one step further on from the segment's upper end.
    up_steps = (k.step_b if reverse else k.step_f)[start + j + 1 : start + length]
    up = source.upper_min + np.concatenate([[0.0], np.cumsum(up_steps)])
    # Towards A: nodes j-1 .. 0, each one step further back from the lower end.
    down_steps = (k.step_f if reverse else k.step_b)[start + 1 : start + j][::-1]
    down = (source.lower_min + np.concatenate([[0.0], np.cumsum(down_steps)]))[::-1]
    if j < length:
        row[nodes[j:]] = np.minimum(row[nodes[j:]], up)
    if j > 0:
        row[nodes[:j]] = np.minimum(row[nodes[:j]], down)


def _chain_components(n: int, u: IntArray, v: IntArray, inner: BoolArray) -> tuple[IntArray, IntArray]:
    """Connected pieces of chain nodes joined to chain nodes, and each node's such neighbours."""
    both = inner[u] & inner[v]
    graph = sparse.csr_matrix((np.ones(int(both.sum())), (u[both], v[both])), shape=(n, n))
    _, label = csgraph.connected_components(graph, directed=False)
    inner_degree = np.bincount(u[both], minlength=n) + np.bincount(v[both], minlength=n)
    return np.asarray(label, dtype=np.intp), inner_degree


def _scan(values: FloatArray, pos: IntArray) -> FloatArray:
    """Running sums within each chain (``pos`` counts from a chain's first value), by doubling.

    Only additions of non-negative minutes, so ``inf`` stays ``inf`` and nothing cancels.
    """
    out = np.array(values, dtype=np.float64)
    step = 1
    top = int(pos.max()) if len(pos) else 0
    while step <= top:
        i = np.flatnonzero(pos >= step)
        out[i] = out[i] + out[i - step]
        step *= 2
    return out


def _min_csr(
    rows: IntArray, cols: IntArray, weights: FloatArray, shape: tuple[int, int]
) -> sparse.csr_matrix:
    """A CSR of the fastest finite weight per (row, col), explicit zeros kept as edges.

    Built from its own index arrays: scipy would sum duplicates and may drop zeros.
    """
    finite = np.isfinite(weights)
    rows, cols, weights = rows[finite], cols[finite], weights[finite]
    order = np.lexsort((cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    if len(rows):
        starts = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])])
        rows, cols, weights = rows[starts], cols[starts], np.minimum.reduceat(weights, starts)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=shape[0]))])
    return sparse.csr_matrix((weights, cols, indptr), shape=shape)


def _frozen(values: ArrayT) -> ArrayT:
    """A read-only array: contractions are cached and shared."""
    values.flags.writeable = False
    return values
