"""Benchmark: the covering-model builder against spopt, and exact placement at mission scale.

(a) **Maximal covering from a plain coverage matrix.** Demand: the 1,000 sites of the
mission of ``bench/check.py``, weighted by personnel; candidates: 200 of those sites, drawn
with the seed; a candidate covers a site within ``--radius-km`` (default 100 km, geodesic).
For p = 5 and 10 the same matrix is solved by medevac (``CoveringModel.from_coverage_matrix``
then HiGHS) and by **the baseline, spopt's ``MCLP``** (``from_cost_matrix`` then CBC through
PuLP), each built and solved from scratch, timed in this run. Both must reach the same
objective, and the sites each chose are judged again from the matrix. spopt is not a
dependency of medevac: install it for this part with ``.venv/bin/pip install spopt pulp``;
without it part (a) is skipped with a message.

(b) **Mission scale.** The same mission (1,000 sites, 50 facilities, 30 airframes,
``nato-10-1-2-2``), 200 candidate places (as in (a)), two new Level 2s and two new
helicopters (copies of the first available, night-capable helicopter with a medical team),
all four conditions, robust to the loss of any one airframe (``--robust n-1``). Timed by
phase: the pool (variant core of 400 candidate assets, ground tables), the coverage options
(both seasons), the model build, the solve, and the core's judgement of the answer. The
answer must be proven optimal and judged by the core to its value. **The baseline** is
proving the same optimum by enumeration with the fastest judge medevac has: every placement
(two of the 200 places for the Level 2s, two for the helicopters) judged by the variant
core (``counted``, every loss and condition, batched), timed on ``--sample`` random
placements and scaled to all of them; no sampled placement may beat the optimum.

Run from the repository root: ``.venv/bin/python bench/optimise.py`` (or ``make bench``).
The last line reads ``RESULT: ...`` with both parts' ratios and the mission's total time.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from check import SEED, mission_mapping

from medevac.check import make_router
from medevac.geo import distance_matrix_km
from medevac.model import Scenario, Season
from medevac.planning.candidates import Candidate
from medevac.planning.optimise import (
    CONDITION_NAMES,
    CoveringModel,
    Question,
    build_model,
    build_pool,
    counted,
    solve,
)
from medevac.scenario import scenario_from_mapping

N_CANDIDATES = 200
P_VALUES = (5, 10)
MATRIX_TARGET_RATIO = 10.0
MISSION_TARGET_S = 30.0
INSTALL_SPOPT = ".venv/bin/pip install spopt pulp"


def candidate_sites(scenario: Scenario, count: int, seed: int) -> list[int]:
    """The sites that are candidate places, drawn with the seed (in site order)."""
    picks = np.random.default_rng(seed).choice(len(scenario.sites), size=count, replace=False)
    return sorted(int(i) for i in picks)


# -- (a) the matrix models against spopt -----------------------------------------------------


def spopt_modules() -> tuple[Any, Any] | None:
    """spopt's ``locate`` and PuLP, or None: they are the baseline, not medevac's dependencies."""
    try:
        return importlib.import_module("spopt.locate"), importlib.import_module("pulp")
    except ImportError:
        return None


@dataclass(frozen=True)
class MatrixRow:
    p: int
    medevac_build_s: float
    medevac_solve_s: float
    spopt_build_s: float
    spopt_solve_s: float
    medevac_value: float
    spopt_value: float

    @property
    def ratio(self) -> float:
        return (self.spopt_build_s + self.spopt_solve_s) / (self.medevac_build_s + self.medevac_solve_s)


def covered_weight(
    covers: npt.NDArray[np.bool_], weights: npt.NDArray[np.float64], sites: list[int]
) -> float:
    return float(weights[covers[:, sites].any(axis=1)].sum())


def matrix_part(
    covers: npt.NDArray[np.bool_], weights: npt.NDArray[np.float64], locate: Any, pulp: Any
) -> list[MatrixRow]:
    """Each p solved by both, from scratch; the objective and the judged coverage compared."""
    cost = np.where(covers, 0.0, 1.0)  # spopt covers where cost <= radius: exactly this matrix
    rows = []
    for p in P_VALUES:
        started = time.perf_counter()
        model = CoveringModel.from_coverage_matrix(covers, weights, p)
        built = time.perf_counter()
        ours = model.solve()
        solved = time.perf_counter()
        mclp = locate.MCLP.from_cost_matrix(cost, weights, service_radius=0.5, p_facilities=p)
        spopt_built = time.perf_counter()
        mclp = mclp.solve(pulp.PULP_CBC_CMD(msg=False))
        spopt_solved = time.perf_counter()
        theirs = [j for j, x in enumerate(mclp.fac_vars) if (x.value() or 0) > 0.5]
        if not ours.optimal or mclp.problem.status != pulp.LpStatusOptimal:
            raise SystemExit(f"p = {p}: a solver did not prove its optimum")
        judged = covered_weight(covers, weights, list(ours.sites)), covered_weight(covers, weights, theirs)
        if (
            abs(judged[0] - ours.value) > 0.5
            or abs(judged[1] - float(pulp.value(mclp.problem.objective))) > 0.5
        ):
            raise SystemExit(f"p = {p}: a solver's objective is not the coverage of the sites it chose")
        rows.append(
            MatrixRow(
                p, built - started, solved - built, spopt_built - solved, spopt_solved - spopt_built, *judged
            )
        )
    return rows


# -- (b) the mission -------------------------------------------------------------------------


@dataclass(frozen=True)
class MissionRun:
    phases_s: dict[str, float]
    cpu_s: dict[str, float]
    value: int
    baseline_value: int
    optimal: bool
    rows: int
    columns: int
    enumeration_s_per_placement: float
    placements: int
    sampled_best: int

    @property
    def total_s(self) -> float:
        return sum(self.phases_s.values())

    @property
    def enumeration_s(self) -> float:
        return self.enumeration_s_per_placement * self.placements


def mission_part(scenario: Scenario, places: list[Candidate], sample: int, seed: int) -> MissionRun:
    heli = next(
        a for a in scenario.airframes if a.kind == "helicopter" and a.available and a.night and a.medical_team
    )
    question = Question(
        add_facilities=(("2", 2),),
        add_airframes=((heli.id, 2),),
        conditions=tuple(CONDITION_NAMES.values()),
        robust="n-1",
    )
    print(
        f"  the new helicopters are copies of {heli.id} ({heli.type}, {heli.cruise_kmh:g} km/h)", flush=True
    )
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = [time.perf_counter(), time.process_time()]

    def done(phase: str) -> None:
        phases[phase] = time.perf_counter() - clock[0]
        cpu[phase] = time.process_time() - clock[1]
        print(f"  {phase:<52} {phases[phase]:>8.2f} s {cpu[phase]:>8.2f} s", flush=True)
        clock[:] = [time.perf_counter(), time.process_time()]

    print(f"  {'phase':<52} {'wall':>8}   {'(cpu)':>8}", flush=True)
    pool = build_pool(scenario, question, places, make_router(scenario))
    seasons: tuple[Season, ...] = ("dry", "wet")
    for season in seasons:
        pool.core.tables(season)
    done(f"pool: core of {2 * len(places)} candidate assets, ground tables")
    for season in seasons:
        pool.core.options(season)
    done("coverage options (both seasons)")
    model = build_model(pool, question)
    done("model build")
    result = solve(model.covering)
    done("solve (HiGHS)")
    assert result.chosen is not None
    met = counted(pool, question, result.chosen)
    done("judge the answer (core)")
    value = round(float((met * model.weights[:, None]).sum()))
    if abs(value - result.value) > 0.5:
        raise SystemExit(f"mission: the model promised {result.value}, the core judges {value}")
    stays = np.zeros(len(pool.choices), dtype=bool)
    baseline_value = round(float((counted(pool, question, stays) * model.weights[:, None]).sum()))

    # The baseline: every placement judged by the core, on a sample, scaled.
    facility_choices = pool.groups["facility:2"]
    airframe_choices = pool.groups[f"airframe:{heli.id}"]
    rng = np.random.default_rng(seed + 2)
    batch = np.zeros((sample, len(pool.choices)), dtype=bool)
    for row in batch:
        row[rng.choice(facility_choices, size=2, replace=False)] = True
        row[rng.choice(airframe_choices, size=2, replace=False)] = True
    started = time.perf_counter()
    sampled = counted(pool, question, batch)  # (placements, sites, conditions)
    per_placement_s = (time.perf_counter() - started) / sample
    sampled_best = round(float((sampled * model.weights[None, :, None]).sum(axis=(1, 2)).max()))
    if sampled_best > value:
        raise SystemExit(f"mission: a sampled placement ({sampled_best}) beats the 'optimum' ({value})")
    placements = math.comb(len(facility_choices), 2) * math.comb(len(airframe_choices), 2)
    return MissionRun(
        phases,
        cpu,
        value,
        baseline_value,
        result.optimal,
        model.covering.matrix.shape[0],
        model.covering.matrix.shape[1],
        per_placement_s,
        placements,
        sampled_best,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--radius-km", type=float, default=100.0, help="coverage radius of (a) (default 100)")
    parser.add_argument(
        "--sample", type=int, default=40, help="placements the enumeration baseline judges (default 40)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--part", choices=("a", "b", "both"), default="both")
    args = parser.parse_args(argv)

    scenario = scenario_from_mapping(mission_mapping(args.seed), source="<bench>")
    chosen = candidate_sites(scenario, N_CANDIDATES, args.seed)
    places = [Candidate(s.id, s.lat, s.lon, airstrip=s.airstrip) for s in (scenario.sites[i] for i in chosen)]
    cores = os.cpu_count() or 1
    print(
        f"mission: {len(scenario.sites):,} sites, {len(scenario.facilities)} facilities, "
        f"{len(scenario.airframes)} airframes; {len(places)} candidate places; seed {args.seed}"
    )
    print(f"machine: {cores} cores, load average {os.getloadavg()[0]:.1f} at the start")
    results: list[str] = []

    if args.part in ("a", "both"):
        print()
        modules = spopt_modules()
        if modules is None:
            print(f"(a) SKIPPED: spopt is not installed (the baseline). Install it with: {INSTALL_SPOPT}")
            results.append("(a) skipped, spopt not installed")
        else:
            locate, pulp = modules
            lat = np.array([s.lat for s in scenario.sites])
            lon = np.array([s.lon for s in scenario.sites])
            covers = distance_matrix_km(lat, lon, lat[chosen], lon[chosen]) <= args.radius_km
            weights = np.array([s.personnel for s in scenario.sites], dtype=np.float64)
            print(
                f"(a) maximal covering: {covers.shape[0]:,} demand points x {covers.shape[1]} candidates "
                f"within {args.radius_km:g} km ({covers.sum(axis=1).mean():.1f} a demand point); "
                f"baseline: spopt's MCLP + CBC "
                f"(spopt {importlib.import_module('spopt').__version__}, pulp {pulp.__version__})"
            )
            rows = matrix_part(covers, weights, locate, pulp)
            print(
                f"{'p':>3} {'medevac build s':>16} {'solve s':>8} {'spopt build s':>14} {'solve s':>8} "
                f"{'objective (both)':>17} {'speed-up':>9}"
            )
            for r in rows:
                same = "" if abs(r.medevac_value - r.spopt_value) < 0.5 else "  DIFFERENT"
                print(
                    f"{r.p:>3} {r.medevac_build_s:>16.3f} {r.medevac_solve_s:>8.3f} {r.spopt_build_s:>14.3f} "
                    f"{r.spopt_solve_s:>8.3f} {r.medevac_value:>17,.0f} {r.ratio:>8.0f}x{same}"
                )
            if any(abs(r.medevac_value - r.spopt_value) >= 0.5 for r in rows):
                print("FAILED: medevac and spopt reach different objectives")
                return 1
            least = min(r.ratio for r in rows)
            met = "met" if least >= MATRIX_TARGET_RATIO else "NOT met"
            print(
                f"same objective for every p; speed-up {least:.0f}x at least "
                f"(target >= {MATRIX_TARGET_RATIO:g}x): {met}"
            )
            results.append(f"(a) {least:.0f}x spopt")

    if args.part in ("b", "both"):
        print()
        print(
            "(b) mission: two new Level 2s and two new helicopters at 200 places, all four "
            "conditions, robust n-1",
            flush=True,
        )
        run = mission_part(scenario, places, args.sample, args.seed)
        print(f"  {'total':<52} {run.total_s:>8.2f} s {sum(run.cpu_s.values()):>8.2f} s")
        print(
            f"model: {run.rows:,} rows x {run.columns:,} columns; personnel counted over the four "
            f"conditions: {run.baseline_value:,} as it is, {run.value:,} optimal "
            f"({'proven' if run.optimal else 'NOT proven'}), judged by the core to the same value"
        )
        print(
            f"baseline: enumeration judged by the variant core, {run.placements:,} placements; "
            f"{run.enumeration_s_per_placement * 1000:.0f} ms a placement on {args.sample} sampled "
            f"(none beats the optimum; best {run.sampled_best:,}), SCALED: {run.enumeration_s:.3g} s"
        )
        ratio = run.enumeration_s / run.total_s
        met = "met" if run.optimal and run.total_s < MISSION_TARGET_S else "NOT met"
        print(
            f"optimal in {run.total_s:.1f} s (target < {MISSION_TARGET_S:g} s): {met}; "
            f"{ratio:.3g}x the enumeration"
        )
        results.append(f"(b) optimal in {run.total_s:.1f} s, {ratio:.3g}x the enumeration")

    print(f"machine: load average {os.getloadavg()[0]:.1f} at the end")
    print("RESULT: " + "; ".join(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
