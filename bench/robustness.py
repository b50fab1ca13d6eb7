"""Benchmark: Monte Carlo of 100,000 fleet states on the larger demo, by the variant core.

Every airframe of the larger demo mission is given an availability of ``--availability``
(default 0.8) and the wet season a 0.25 chance of grounding the helicopters; ``--states``
fleet states (default 100,000) are drawn from ``--seed`` and judged under two conditions
(day-dry and night-wet):

- in-process, by ``medevac.planning.robustness.availability`` (the variant core);
- on a two-worker Dask ``LocalCluster`` (``--scheduler local:2``), whose numbers must be
  the in-process ones exactly;
- the baseline, named in the output: each state as a full check of the edited scenario
  (the airframes down made unavailable, ``apply_edits`` + ``check``), on ``--sample``
  states, scaled. Its verdicts must equal the core's on those states.

The last line reads ``RESULT: <states/s> states a second in-process, <N>x the full checks``.
Run from the repository root: ``.venv/bin/python bench/robustness.py`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from medevac.check import check
from medevac.model import Scenario, Weather
from medevac.planning.cluster import judging
from medevac.planning.optimise import Condition
from medevac.planning.robustness import availability, sampled_states, uncertainty_of
from medevac.scenario import load_scenario
from medevac.variants import VariantCore
from medevac.whatif import SetAirframe, apply_edits

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 100.0
CONDITIONS: tuple[Condition, ...] = (("day", "dry"), ("night", "wet"))


def larger_demo() -> Path:
    demos = sorted((ROOT / "scenarios").glob("*.yaml"))
    return max(demos, key=lambda path: len(load_scenario(path).sites))


def uncertain(scenario: Scenario, p_available: float) -> Scenario:
    airframes = tuple(a.model_copy(update={"availability": p_available}) for a in scenario.airframes)
    return scenario.model_copy(update={"airframes": airframes, "weather": Weather(dry=0.0, wet=0.25)})


def full_check(scenario: Scenario, airframe_on: np.ndarray, condition: Condition) -> np.ndarray:
    edits = [
        SetAirframe(a.id, available=False)
        for a, on in zip(scenario.airframes, airframe_on, strict=True)
        if not on
    ]
    light, season = condition
    return check(apply_edits(scenario, edits), light=light, season=season).meets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("scenario", nargs="?", type=Path, help="default: the demo with the most sites")
    parser.add_argument("--states", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=30, help="states checked in full (default 30)")
    parser.add_argument("--availability", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-cluster", action="store_true", help="skip the LocalCluster run")
    args = parser.parse_args(argv)

    path = args.scenario or larger_demo()
    scenario = uncertain(load_scenario(path), args.availability)
    print(
        f"scenario: {path.name}: {len(scenario.sites)} sites, {len(scenario.facilities)} facilities, "
        f"{len(scenario.airframes)} airframes (availability {args.availability:g}, wet grounding 0.25); "
        f"{args.states:,} states x {len(CONDITIONS)} conditions; seed {args.seed}"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")

    started = time.perf_counter()
    core = VariantCore(scenario)
    for _, season in CONDITIONS:
        core.options(season)
    build_s = time.perf_counter() - started

    started = time.perf_counter()
    here = availability(
        scenario, CONDITIONS, samples=args.states, seed=args.seed, core=core, monte_carlo=True
    )
    in_process_s = time.perf_counter() - started
    judged = args.states * len(CONDITIONS)

    cluster_s = None
    if not args.no_cluster:
        with judging("local:2") as judge:
            availability(
                scenario, CONDITIONS, samples=100, seed=1, core=core, judge=judge, monte_carlo=True
            )  # warm
            started = time.perf_counter()
            there = availability(
                scenario,
                CONDITIONS,
                samples=args.states,
                seed=args.seed,
                core=core,
                judge=judge,
                monte_carlo=True,
            )
            cluster_s = time.perf_counter() - started
        if there.to_json() != here.to_json():
            print("MISMATCH: the LocalCluster's numbers differ from the in-process run")
            return 1

    # The baseline: the same states (the same draws) as full checks, on a sample.
    draws = np.random.default_rng(args.seed).random((args.states, core.n_airframes + 1))
    rng = np.random.default_rng(args.seed + 1)
    sample = rng.choice(args.states, size=min(args.sample, args.states), replace=False)
    started = time.perf_counter()
    mismatches = 0
    for condition in CONDITIONS:
        light, season = condition
        states = sampled_states(uncertainty_of(scenario, core, season), draws[sample])
        verdicts = core.judge(
            np.concatenate([np.ones((len(sample), core.n_facilities), bool), states], axis=1),
            season,
            light == "night",
        )
        for k in range(len(sample)):
            mismatches += not np.array_equal(full_check(scenario, states[k], condition), verdicts[k])
    full_s_per_state = (time.perf_counter() - started) / (len(sample) * len(CONDITIONS))
    if mismatches:
        print(f"MISMATCH: {mismatches} sampled states differ between the core and the full check")
        return 1

    throughput = judged / in_process_s
    ratio = full_s_per_state * judged / in_process_s
    print(f"core built (covering options, two seasons): {build_s:.2f} s")
    print()
    print(f"{'method':<58} {'seconds':>9} {'states/s':>11}")
    print(f"{'core, in-process':<58} {in_process_s:>9.2f} {throughput:>11,.0f}")
    if cluster_s is not None:
        print(
            f"{'core, LocalCluster of 2 workers (same numbers)':<58} {cluster_s:>9.2f} "
            f"{judged / cluster_s:>11,.0f}"
        )
    label = f"baseline: apply_edits + check, {len(sample) * len(CONDITIONS)} states scaled"
    print(f"{label:<58} {full_s_per_state * judged:>9.0f} {1 / full_s_per_state:>11,.1f}")
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"verdicts equal on the sampled states; target >= {TARGET_RATIO:g}x: {met}")
    print(f"RESULT: {throughput:,.0f} states a second in-process, {ratio:,.0f}x the full checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
