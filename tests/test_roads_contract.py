"""Dijkstra on the contracted graph (chains of shape points folded away) equals Dijkstra on
every node: a hand-built network with chains, one-way pieces, a closed piece, a dead end, a
ring through a junction, an isolated ring and a lone line, with times worked out by hand,
and random networks with many shape points against the uncontracted reference.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from medevac.geo import FloatArray
from medevac.model import Season
from medevac.roads import shortest_min
from medevac.roads.contract import chains
from medevac.roads.network import RoadNetwork, assemble
from medevac.roads.routing import _dijkstra_min, along_min, point_tree_min

SEASONS: tuple[Season, ...] = ("dry", "wet")
INF = np.inf

# Nodes: 0 = J0 and 1 = J1 (crossings); 2 a, 3 b, 4 c on a chain J0-a-b-c-J1; 5 d on a chain
# J0-d-J1; 6 e, 7 f a dead end J0-e-f; 8 g, 9 h a ring J1-g-h-J1; 10 p, 11 q, 12 r an
# isolated ring; 13 s, 14 t a lone line; 15 an isolated node.
# (u, v, dry minutes u -> v, dry minutes v -> u); wet = 2 x dry, and d-J1 closed in the wet.
HAND_SEGMENTS = [
    (0, 2, 1.0, 1.0),
    (2, 3, 2.0, 2.0),
    (3, 4, 3.0, INF),  # one-way b -> c
    (4, 1, 4.0, 4.0),
    (0, 5, 5.0, 5.0),
    (5, 1, 6.0, 6.0),  # closed in the wet
    (0, 1, 20.0, 20.0),  # straight between the two crossings
    (0, 6, 1.0, 1.0),
    (6, 7, 1.0, INF),  # one-way into the dead end
    (1, 8, 2.0, 2.0),
    (8, 9, 2.0, 2.0),
    (9, 1, 2.0, 2.0),
    (10, 11, 1.0, 1.0),
    (11, 12, 1.0, 1.0),
    (12, 10, 1.0, 1.0),
    (13, 14, 3.0, INF),
]
N_HAND = 16


def build(n: int, segments: list[tuple[int, int, float, float]], wet_closed: set[int]) -> RoadNetwork:
    """A network straight from minutes (positions only matter for snapping, unused here)."""
    u = np.array([s[0] for s in segments], dtype=np.intp)
    v = np.array([s[1] for s in segments], dtype=np.intp)
    dry_a = np.array([s[2] for s in segments])
    dry_b = np.array([s[3] for s in segments])
    closed = np.isin(np.arange(len(segments)), sorted(wet_closed))
    wet_a, wet_b = np.where(closed, INF, 2 * dry_a), np.where(closed, INF, 2 * dry_b)
    rng = np.random.default_rng(0)
    return assemble(
        "contract test",
        rng.uniform(-1, 1, n),
        rng.uniform(-1, 1, n),
        u,
        v,
        np.ones(len(segments)),
        {"dry": (dry_a, dry_b), "wet": (wet_a, wet_b)},
        (np.isfinite(dry_a), np.isfinite(dry_b)),
        pd.DataFrame(index=range(len(segments))),
    )


def hand_network() -> RoadNetwork:
    return build(N_HAND, HAND_SEGMENTS, wet_closed={5})


def test_junctions_are_crossings_and_one_node_of_each_piece_without_one() -> None:
    # J0 and J1 cross; the isolated ring and the lone line each get their smallest node; the
    # isolated node stays. Everything else (shape points, the dead end f) is folded away.
    assert chains(hand_network()).junction.tolist() == [0, 1, 10, 13, 15]


def test_hand_worked_times() -> None:
    net = hand_network()
    from_j0 = shortest_min(net, "dry", np.array([0]))[0]
    # a 1; b 1+2; c 1+2+3 (b -> c is allowed); J1 min(6+4, 5+6, 20) = 10; d 5; e 1; f 1+1;
    # g 10+2; h 10+2 (J1-h directly); the other pieces are not connected.
    expected = [0, 10, 1, 3, 6, 5, 1, 2, 12, 12, INF, INF, INF, INF, INF, INF]
    np.testing.assert_allclose(from_j0, expected, rtol=1e-12)
    # c -> b is one-way against us: c -> J1 -> d -> J0 -> a -> b = 4+6+5+1+2 = 18 dry; in
    # the wet d-J1 is closed: c -> J1 -> J0 -> a -> b = 8+40+2+4 = 54.
    assert shortest_min(net, "dry", np.array([4]))[0, 3] == pytest.approx(18.0, rel=1e-12)
    assert shortest_min(net, "wet", np.array([4]))[0, 3] == pytest.approx(54.0, rel=1e-12)
    # Reversed: minutes TO J0 from c = 4+6+5 = 15; from f none (f -> e is one-way against).
    to_j0 = shortest_min(net, "dry", np.array([0]), reverse=True)[0]
    assert to_j0[4] == pytest.approx(15.0, rel=1e-12)
    assert to_j0[7] == INF
    # Inside the isolated ring, q -> p: 1 either way round; the lone line t -> s: never.
    assert shortest_min(net, "dry", np.array([11]))[0, 10] == pytest.approx(1.0, rel=1e-12)
    assert shortest_min(net, "dry", np.array([14]))[0, 13] == INF
    assert shortest_min(net, "dry", np.array([13]))[0, 14] == pytest.approx(3.0, rel=1e-12)


def assert_same_times(ours: FloatArray, reference: FloatArray) -> None:
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(reference))


@pytest.mark.parametrize("season", SEASONS)
@pytest.mark.parametrize("reverse", [False, True])
def test_contracted_equals_every_node_dijkstra_on_the_hand_network(season: Season, reverse: bool) -> None:
    net = hand_network()
    every = np.arange(net.n_nodes)
    assert_same_times(
        shortest_min(net, season, every, reverse=reverse),
        _dijkstra_min(net, season, every, reverse=reverse),
    )


def random_chained_network(seed: int) -> RoadNetwork:
    """A grid with random gaps whose streets bend through 0-4 shape points each, with one-way
    pieces (anywhere along a street) and pieces closed in the wet."""
    rng = np.random.default_rng(seed)
    side = 7
    node = np.arange(side * side).reshape(side, side)
    ends = np.concatenate(
        [
            np.stack([node[:, :-1].ravel(), node[:, 1:].ravel()], 1),
            np.stack([node[:-1].ravel(), node[1:].ravel()], 1),
        ]
    )
    ends = ends[rng.random(len(ends)) < 0.75]
    segments: list[tuple[int, int, float, float]] = []
    n = side * side
    for a, b in ends.tolist():
        bends = int(rng.integers(0, 5))
        path = [a, *range(n, n + bends), b]
        n += bends
        for x, y in itertools.pairwise(path):
            minutes = float(rng.uniform(0.5, 5))
            kind = rng.random()
            back = INF if kind < 0.15 else minutes * float(rng.uniform(0.8, 1.2))
            forward = INF if 0.15 <= kind < 0.2 else minutes
            segments.append((x, y, forward, back))
    wet_closed = set(np.flatnonzero(rng.random(len(segments)) < 0.1).tolist())
    return build(n, segments, wet_closed)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_contracted_equals_every_node_dijkstra_on_random_chains(seed: int) -> None:
    net = random_chained_network(seed)
    assert len(chains(net).junction) < net.n_nodes / 2  # most nodes really are folded away
    every = np.arange(net.n_nodes)
    for season in SEASONS:
        for reverse in (False, True):
            assert_same_times(
                shortest_min(net, season, every, reverse=reverse),
                _dijkstra_min(net, season, every, reverse=reverse),
            )


@pytest.mark.parametrize("network", [hand_network, lambda: random_chained_network(4)])
def test_point_trees_equal_the_better_segment_end(network: object) -> None:
    """A second method: from a point on segment u-v, every route first reaches u or v."""
    assert callable(network)
    net: RoadNetwork = network()
    for season in SEASONS:
        a_all, b_all = net.seg_min[season]
        for reverse in (False, True):
            from_u = _dijkstra_min(net, season, net.seg_u, reverse=reverse)
            from_v = _dijkstra_min(net, season, net.seg_v, reverse=reverse)
            for s in range(net.n_segments):
                for fraction in (0.0, 0.3, 1.0):
                    at = np.array([fraction])
                    if reverse:  # arrive at u and drive on forwards, or at v and back
                        u_min = along_min(at, a_all[s : s + 1])[0]
                        v_min = along_min(1 - at, b_all[s : s + 1])[0]
                    else:
                        u_min = along_min(at, b_all[s : s + 1])[0]
                        v_min = along_min(1 - at, a_all[s : s + 1])[0]
                    expected = np.minimum(u_min + from_u[s], v_min + from_v[s])
                    tree = point_tree_min(net, season, reverse, s, fraction)
                    assert_same_times(tree, expected)
