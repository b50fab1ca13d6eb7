"""Benchmark: thousands of variants of a 1,000-site mission, by the variant core and by re-check.

The mission of ``bench/check.py`` (1,000 sites, 50 facilities, 30 airframes). Every asset
may be lost: a variant is a random mask over the 80 assets (each on with probability
``--keep``), each airframe flying by day or by night at random (as an hour of the day would
have it). The core judges ``--variants`` of them (default 10,000) in batches; the baseline
(named in the output) is what each variant cost before the core: the scenario edited
(``apply_edits``: facilities removed, airframes made unavailable, the night figures of
airframes flying by day set to their day figures) and checked (``check``, under the night
light), run on ``--sample`` variants and scaled. The verdicts of both are asserted equal on
the sample, and so are the core's exact minima (``VariantCore.leg_times``).

Run from the repository root: ``.venv/bin/python bench/variants.py`` (or ``make bench``).
The last line reads ``RESULT: <ms> ms a variant, <N>x the re-check``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
from check import SEED, mission_mapping

from medevac.check import check, make_router, reported_min
from medevac.model import Scenario
from medevac.scenario import scenario_from_mapping
from medevac.variants import VariantCore
from medevac.whatif import Edit, RemoveFacility, SetAirframe, apply_edits

TARGET_MS = 1.0
TARGET_RATIO = 100.0


def edits_of(core: VariantCore, mask: np.ndarray, night: np.ndarray) -> list[Edit]:
    """The what-if edits of one variant (no candidates: assets only go)."""
    edits: list[Edit] = [
        RemoveFacility(f.id)
        for f, on in zip(core.facilities, mask[: core.n_facilities], strict=True)
        if not on
    ]
    for a, on, dark in zip(core.airframes, mask[core.n_facilities :], night, strict=True):
        if not on:
            edits.append(SetAirframe(a.id, available=False))
        elif not dark:  # by day at night: its night figures are its day figures
            edits.append(SetAirframe(a.id, night=True, launch_night_min=a.launch.day))
    return edits


def recheck(scenario: Scenario, core: VariantCore, mask: np.ndarray, night: np.ndarray) -> np.ndarray:
    edited = apply_edits(scenario, edits_of(core, mask, night))
    return check(edited, light="night", season="dry", router=core.router).meets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--variants", type=int, default=10_000, help="variants the core judges (default 10,000)"
    )
    parser.add_argument("--sample", type=int, default=40, help="variants re-checked in full (default 40)")
    parser.add_argument(
        "--keep", type=float, default=0.8, help="probability that an asset is on (default 0.8)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    scenario = scenario_from_mapping(mission_mapping(args.seed), source="<bench>")
    load = os.getloadavg()[0]
    print(
        f"mission: {len(scenario.sites):,} sites, {len(scenario.facilities)} facilities, "
        f"{len(scenario.airframes)} airframes; {args.variants:,} variants; seed {args.seed}"
    )
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}")

    started = time.perf_counter()
    core = VariantCore(scenario, router=make_router(scenario))
    core.tables("dry")
    tables_s = time.perf_counter() - started
    options = core.options("dry")
    build_s = time.perf_counter() - started
    print(f"core: built in {build_s:.2f} s (tables {tables_s:.2f} s; {len(options):,} covering options)")

    rng = np.random.default_rng(args.seed)
    masks = rng.random((args.variants, core.n_facilities + core.n_airframes)) < args.keep
    nights = rng.random((args.variants, core.n_airframes)) < 0.5

    core.judge(masks[:256], "dry", nights[:256])  # warm
    started = time.perf_counter()
    verdicts = core.judge(masks, "dry", nights)
    judge_s = time.perf_counter() - started
    per_variant_ms = judge_s / args.variants * 1000

    sample = rng.choice(args.variants, size=min(args.sample, args.variants), replace=False)
    started = time.perf_counter()
    rechecked = [recheck(scenario, core, masks[k], nights[k]) for k in sample]
    recheck_ms = (time.perf_counter() - started) / len(sample) * 1000
    started = time.perf_counter()
    minima = [core.leg_times(masks[k], "dry", nights[k]) for k in sample]
    minima_ms = (time.perf_counter() - started) / len(sample) * 1000

    wrong = [
        int(k)
        for k, expected in zip(sample, rechecked, strict=True)
        if not np.array_equal(verdicts[k], expected)
    ]
    wrong += [
        int(k)
        for k, times, expected in zip(sample, minima, rechecked, strict=True)
        if not np.array_equal(reported_min(times.time_min) <= core.thresholds_min[:, None], expected)
    ]
    if wrong:
        print(f"MISMATCH: the core and the re-check disagree on variants {sorted(set(wrong))}")
        return 1

    ratio = recheck_ms / per_variant_ms
    print()
    print(f"{'method':<52} {'ms a variant':>12}")
    print(f"{'core: batch verdicts (covering options)':<52} {per_variant_ms:>12.3f}")
    print(f"{'core: exact minima of one variant (leg_times)':<52} {minima_ms:>12.2f}")
    print(
        f"{'baseline: apply_edits + check, ' + str(len(sample)) + ' variants scaled':<52} {recheck_ms:>12.1f}"
    )
    print(
        f"verdicts equal on the {len(sample)} re-checked variants; the core's {args.variants:,} variants "
        f"took {judge_s:.2f} s, the re-check would take {recheck_ms * args.variants / 1000:,.0f} s"
    )
    met = "met" if per_variant_ms < TARGET_MS and ratio >= TARGET_RATIO else "NOT met"
    print(f"targets: < {TARGET_MS:g} ms a variant and >= {TARGET_RATIO:g}x: {met}")
    print(f"RESULT: {per_variant_ms:.3f} ms a variant, {ratio:,.0f}x the re-check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
