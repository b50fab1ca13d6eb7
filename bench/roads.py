"""Benchmark: shortest road times on a road-like graph, this engine against networkx.

A perturbed grid of about 207,000 nodes with random deletions and some one-way streets
(about 550,000 directed edges). Times: building the network (CSR matrices and snap
index), 50 sources to every node with scipy's csgraph (on the graph with chains of shape
points contracted; the contraction's build printed and counted in that time), the same
with networkx's own ``single_source_dijkstra_path_length`` (identical results asserted),
and the router's
``travel_min`` for every node against 50 facilities. The last line gives the speed-up
and the process's peak memory (``ru_maxrss``, networkx's graph included).

Run: ``.venv/bin/python bench/roads.py`` (about a minute; ``--nx-sources 10`` times
networkx on 10 sources only and scales, saying so).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import networkx as nx
import numpy as np
import pandas as pd

from medevac.geo import FloatArray
from medevac.model import Ground
from medevac.roads import RoadRouter, shortest_min
from medevac.roads.contract import contracted
from medevac.roads.network import RoadNetwork, _length_km, assemble

SIDE = 455  # 455 x 455 = 207,025 nodes
KEEP_SHARE = 0.70  # of the grid's 412,230 street pieces: about 288,500 kept
ONE_WAY_SHARE = 0.1
SPEEDS_KMH = np.array([63.0, 54.0, 45.0, 28.0, 27.0, 14.0])  # primary ... track, surfaces applied


def road_like_arrays(
    seed: int = 42,
    *,
    south_west_deg: tuple[float, float] = (10.0, 20.0),
    step_deg: tuple[float, float] = (0.01, 0.01),
) -> tuple[FloatArray, FloatArray, np.ndarray, np.ndarray, np.ndarray]:
    """Node positions and directed street pieces (u, v, one_way) of a perturbed grid.

    ``SIDE`` x ``SIDE`` nodes from ``south_west_deg`` (lat, lon), ``step_deg`` apart.
    """
    rng = np.random.default_rng(seed)
    i, j = np.divmod(np.arange(SIDE * SIDE), SIDE)
    (lat0, lon0), (dlat, dlon) = south_west_deg, step_deg
    lat = lat0 + i * dlat + rng.uniform(-0.3, 0.3, i.size) * dlat
    lon = lon0 + j * dlon + rng.uniform(-0.3, 0.3, j.size) * dlon
    node = np.arange(SIDE * SIDE).reshape(SIDE, SIDE)
    u = np.concatenate([node[:, :-1].ravel(), node[:-1, :].ravel()])
    v = np.concatenate([node[:, 1:].ravel(), node[1:, :].ravel()])
    keep = rng.random(u.size) < KEEP_SHARE
    u, v = u[keep], v[keep]
    one_way = rng.random(u.size) < ONE_WAY_SHARE
    return lat, lon, u, v, one_way


def build_network(
    lat: FloatArray, lon: FloatArray, u: np.ndarray, v: np.ndarray, one_way: np.ndarray
) -> RoadNetwork:
    rng = np.random.default_rng(7)
    length_km = _length_km(lat, lon, u, v)
    dry = length_km / SPEEDS_KMH[rng.integers(0, len(SPEEDS_KMH), u.size)] * 60
    wet = dry / 0.5
    back = np.where(one_way, np.inf, 1.0)
    return assemble(
        "bench grid",
        lat,
        lon,
        u,
        v,
        length_km,
        {"dry": (dry, dry * back), "wet": (wet, wet * back)},
        (np.ones(u.size, dtype=bool), ~one_way),
        pd.DataFrame(index=range(u.size)),
    )


def networkx_graph(network: RoadNetwork) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(network.n_nodes))
    a, b = network.seg_min["dry"]
    u, v = network.seg_u, network.seg_v
    forward, backward = np.isfinite(a), np.isfinite(b)
    graph.add_weighted_edges_from(
        zip(u[forward].tolist(), v[forward].tolist(), a[forward].tolist(), strict=True)
    )
    graph.add_weighted_edges_from(
        zip(v[backward].tolist(), u[backward].tolist(), b[backward].tolist(), strict=True)
    )
    return graph


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--nx-sources", type=int, default=None, help="time networkx on this many, then scale")
    args = parser.parse_args(argv)

    lat, lon, u, v, one_way = road_like_arrays()
    start = time.perf_counter()
    network = build_network(lat, lon, u, v, one_way)
    build_s = time.perf_counter() - start
    edges = network.csr["dry", False].nnz
    print(f"network: {network.n_nodes:,} nodes, {edges:,} directed edges; built in {build_s:.2f} s")

    rng = np.random.default_rng(3)
    sources = rng.choice(network.n_nodes, size=args.sources, replace=False)
    start = time.perf_counter()
    contraction = contracted(network, "dry")
    contract_s = time.perf_counter() - start
    print(
        f"contraction: {len(contraction.chains.junction):,} junctions, "
        f"{contraction.csr[False].nnz:,} directed edges; built in {contract_s:.2f} s "
        "(counted in the csgraph time)"
    )
    start = time.perf_counter()
    ours = shortest_min(network, "dry", sources)
    ours_s = time.perf_counter() - start + contract_s
    print(f"csgraph: {args.sources} sources to every node in {ours_s:.2f} s (contraction build included)")

    start = time.perf_counter()
    graph = networkx_graph(network)
    print(f"networkx graph built in {time.perf_counter() - start:.2f} s ({graph.number_of_edges():,} edges)")
    timed = sources if args.nx_sources is None else sources[: args.nx_sources]
    start = time.perf_counter()
    worst = 0.0
    for row, source in enumerate(timed):
        reached = nx.single_source_dijkstra_path_length(graph, int(source), weight="weight")
        theirs = np.full(network.n_nodes, np.inf)
        theirs[list(reached)] = list(reached.values())
        np.testing.assert_allclose(ours[row], theirs, rtol=1e-12, atol=0)
        assert np.array_equal(np.isinf(ours[row]), np.isinf(theirs))
        finite = np.isfinite(theirs)
        worst = max(worst, float(np.max(np.abs(ours[row][finite] - theirs[finite]))))
    nx_s = (time.perf_counter() - start) * len(sources) / len(timed)
    scaled = "" if len(timed) == len(sources) else f" (timed on {len(timed)}, scaled to {len(sources)})"
    print(
        f"networkx: {args.sources} sources in {nx_s:.1f} s{scaled}; "
        f"identical (largest difference {worst:.1e} min)"
    )
    del graph

    router = RoadRouter(network, Ground())
    facilities = rng.choice(network.n_nodes, size=50, replace=False)
    start = time.perf_counter()
    times = router.travel_min(lat, lon, lat[facilities], lon[facilities], "dry")
    travel_s = time.perf_counter() - start
    print(
        f"router: travel_min {len(lat):,} points x 50 facilities (snap + trees) in {travel_s:.2f} s; "
        f"{np.isfinite(times).mean():.1%} reachable"
    )
    ratio = nx_s / ours_s
    print(
        f"RESULT: csgraph {ratio:.0f}x faster than networkx ({args.sources} sources to all nodes); "
        f"peak memory {peak_mb():,.0f} MB"
    )
    if ratio < 20 or peak_mb() > 1500:
        sys.exit(1)


if __name__ == "__main__":
    main()
