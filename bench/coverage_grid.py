"""Benchmark: coverage surfaces over about 1,000,000 km2 at 2 km cells (about 250,000 cells).

Builds a seeded, deterministic mission over a box of about 1,000 x 1,000 km of the Sahel
(30 facilities, 20 airframes, 60 sites, 4 patrols) on a road-like graph of about 207,000
nodes and 550,000 directed edges over the same box (bench/roads.py's generator; its build
is timed apart, being done once per mission), or with ``--no-roads`` on the no-roads
estimate. The site check is run once first and timed apart too: on a road graph it grows the
router's shortest-path trees from the facilities and sites (about 120 Dijkstra runs), which
the router keeps for every later check and surface of the mission; the app draws its
coverage layer after the check, with the check's router, so this is what a surface costs
there. It then times:

- the grid (cells in an equal-area projection, centres in WGS84),
- the surfaces: every cell through the engine with fast distances and the undecided cells
  again through the exact one (three legs of un-10-1-2), plus the site check and patrols,
  for the scenario's conditions,
- the isochrones (meeting polygons and time bands, dissolved and made valid),

and measures peak memory (resident set high-water mark, which includes the interpreter and
libraries). It then applies the per-site check cell by cell (the check's own exact engine,
prepared once, one call per cell) on a random sample of cells, asserts the same reported
minutes and verdicts, and scales its time up to all cells for the ratio.

Run from the repository root: ``.venv/bin/python bench/coverage_grid.py``. The last line
printed states time (wall, then this process's CPU time), memory and ratio.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from typing import Any

import numpy as np
import roads as road_bench
import shapely
from check import LAT_RANGE_DEG, LON_RANGE_DEG, _point  # the same Sahel box as the check bench

from medevac.check import check, judge, reported_min
from medevac.coverage.grid import MissionArea, grid_over
from medevac.coverage.polygons import isochrones
from medevac.coverage.surface import coverage
from medevac.ground import GroundRouter
from medevac.model import Scenario
from medevac.roads import RoadRouter
from medevac.scenario import scenario_from_mapping

SEED = 20_260_513
N_FACILITIES = 30
N_AIRFRAMES = 20
N_SITES = 60
N_PATROLS = 4
CELL_KM = 2.0

TIME_TARGET_S = 3.0
MEMORY_TARGET_MB = 2048.0


def mission_mapping(seed: int = SEED) -> dict[str, Any]:
    """The benchmark mission as a scenario document (spec v1), the same for a given seed."""
    rng = np.random.default_rng(seed)
    levels = rng.choice(["1", "1+", "2", "2+", "3"], size=N_FACILITIES, p=[0.5, 0.2, 0.16, 0.1, 0.04])
    levels[:2] = ["3", "2"]
    facilities = [
        {
            "id": f"fac-{i:02d}",
            "level": str(levels[i]),
            **_point(rng),
            "helipad": bool(rng.random() < 0.8),
            "airstrip": bool(i < 3 or rng.random() < 0.2),
            "ground_team": bool(rng.random() < 0.85),
        }
        for i in range(N_FACILITIES)
    ]
    helipads = [str(f["id"]) for f in facilities if f["helipad"]]
    strips = [str(f["id"]) for f in facilities if f["airstrip"]]
    airframes = []
    for i in range(N_AIRFRAMES):
        fixed_wing = i % 8 == 7
        airframes.append(
            {
                "id": f"air-{i:02d}",
                "kind": "fixed_wing" if fixed_wing else "helicopter",
                "base": str(rng.choice(strips if fixed_wing else helipads)),
                "cruise_kmh": round(float(rng.uniform(380, 520) if fixed_wing else rng.uniform(200, 290))),
                "range_km": round(float(rng.uniform(1500, 2600) if fixed_wing else rng.uniform(450, 850))),
                "launch": {"day": float(rng.choice([15, 20, 30, 45]))},
                "night": bool(rng.random() < 0.6),
                "medical_team": bool(rng.random() < 0.7),
            }
        )
    sites = [
        {"id": f"site-{i:03d}", **_point(rng), "personnel": int(rng.integers(10, 800))}
        for i in range(N_SITES)
    ]
    patrols = [
        {"id": f"patrol-{i}", "personnel": 40, "path": [_point(rng) for _ in range(4)]}
        for i in range(N_PATROLS)
    ]
    return {
        "medevac": 1,
        "name": f"Coverage benchmark, Sahel (seed {seed})",
        "ground": {"detour_factor": 1.35, "road_kmh": 45},
        "facilities": facilities,
        "airframes": airframes,
        "sites": sites,
        "patrols": patrols,
    }


def bench_road_router(scenario: Scenario) -> RoadRouter:
    """A road-like graph of about 207,000 nodes (bench/roads.py) spread over the mission box."""
    side = road_bench.SIDE
    step = (
        (LAT_RANGE_DEG[1] - LAT_RANGE_DEG[0]) / (side - 1),
        (LON_RANGE_DEG[1] - LON_RANGE_DEG[0]) / (side - 1),
    )
    arrays = road_bench.road_like_arrays(south_west_deg=(LAT_RANGE_DEG[0], LON_RANGE_DEG[0]), step_deg=step)
    network = road_bench.build_network(*arrays)
    return RoadRouter(
        network,
        scenario.ground,
        np.array([f.lat for f in scenario.facilities]),
        np.array([f.lon for f in scenario.facilities]),
    )


def peak_mb() -> float:
    """Resident-set high-water mark of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cell-km", type=float, default=CELL_KM)
    parser.add_argument("--sample", type=int, default=300, help="cells checked one by one for the ratio")
    parser.add_argument(
        "--no-roads", action="store_true", help="the no-roads estimate instead of a road graph"
    )
    args = parser.parse_args(argv)

    scenario = scenario_from_mapping(mission_mapping())
    area = MissionArea.from_polygon(
        shapely.box(LON_RANGE_DEG[0], LAT_RANGE_DEG[0], LON_RANGE_DEG[1], LAT_RANGE_DEG[1])
    )

    router: GroundRouter | None = None
    if not args.no_roads:
        start = time.perf_counter()
        router = bench_road_router(scenario)
        network = router.network
        print(
            f"road graph: {network.n_nodes:,} nodes, {network.csr['dry', False].nnz:,} directed edges, "
            f"built in {time.perf_counter() - start:.2f} s (not counted below: built once per mission)"
        )

    start = time.perf_counter()
    first = check(scenario, router=router)
    print(
        f"site check, first run: {time.perf_counter() - start:.2f} s (not counted below: "
        "it grows the road router's trees, kept for the mission)"
    )

    cpu_start = time.process_time()
    start = time.perf_counter()
    grid = grid_over(area, args.cell_km)
    grid_s = time.perf_counter() - start
    start = time.perf_counter()
    result = coverage(scenario, grid, router=router)
    surface_s = time.perf_counter() - start
    start = time.perf_counter()
    polygons = isochrones(result)
    isochrone_s = time.perf_counter() - start
    total_s = grid_s + surface_s + isochrone_s
    cpu_s = time.process_time() - cpu_start  # the machine is shared: wall time grows with its load
    memory_mb = peak_mb()

    surface = result.surfaces[0]
    print(
        f"area {area.area_km2:,.0f} km2, {len(grid):,} cells of {args.cell_km:g} km, "
        f"{N_FACILITIES} facilities, {N_AIRFRAMES} airframes, {N_SITES} sites, {N_PATROLS} patrols"
    )
    print(
        f"grid {grid_s:.2f} s, surfaces {surface_s:.2f} s, isochrones {isochrone_s:.2f} s "
        f"({len(polygons)} polygons)"
    )
    for leg, share in surface.area_share().items():
        print(f"  {leg}: {share:.1%} of the area")

    # The per-site check, cell by cell: its exact engine, one call per cell on a sample.
    rng = np.random.default_rng(SEED)
    sample = rng.choice(len(grid), size=min(args.sample, len(grid)), replace=False)
    points = grid.points()
    engine = first.engine
    start = time.perf_counter()
    one_by_one = np.array([engine.leg_times(points.take(np.array([k]))).time_min[:, 0] for k in sample]).T
    loop_s = (time.perf_counter() - start) / len(sample) * len(grid)
    # Exactly the same reported minutes and verdicts (spec v1.1), not merely close ones.
    reported = reported_min(surface.times.time_min[:, sample])
    same = bool(
        np.array_equal(reported_min(one_by_one), reported)
        and np.array_equal(judge(one_by_one, first.standard), surface.meets[:, sample])
    )
    print(f"cell by cell: {loop_s:.1f} s for all cells (from {len(sample)}), same reported times: {same}")
    if not same:
        print("error: cell-by-cell reported times differ from the surface", file=sys.stderr)
        return 1
    ratio = loop_s / surface_s
    verdict = "OK" if total_s < TIME_TARGET_S and memory_mb < MEMORY_TARGET_MB else "OVER TARGET"
    print(
        f"coverage of {len(grid):,} cells: {total_s:.2f} s (CPU {cpu_s:.2f} s), peak {memory_mb:,.0f} MB, "
        f"{ratio:,.0f}x faster than cell by cell "
        f"({verdict}: < {TIME_TARGET_S:g} s, < {MEMORY_TARGET_MB:,.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
