"""Benchmark: the whole 10-1-2 check of a 1,000-site mission, against a plain Python loop.

Builds a seeded, deterministic mission over about 1,000 x 1,000 km of the Sahel (1,000
sites, 50 facilities, 30 airframes), times :func:`medevac.check.check` (engine, planner's
explanations and the JSON document) and the engine alone, by day and by night, then runs
the baseline of :mod:`baseline_loop` on a random sample of sites, asserts both give the
same leg times there, and scales the loop's time up to all sites.

Run from the repository root: ``.venv/bin/python bench/check.py`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from baseline_loop import baseline_leg_times

from medevac.check import check, make_router
from medevac.model import Light, Scenario, Season
from medevac.scenario import scenario_from_mapping
from medevac.standards import standard_of
from medevac.timeline import Engine, WoundingPoints

SEED = 20_260_512
N_SITES = 1_000
N_FACILITIES = 50
N_AIRFRAMES = 30

# A box of about 1,000 x 1,000 km over northern Mali and Niger: 9 degrees of latitude is
# 1,000 km; at 16.5 N one degree of longitude is 107 km, so 9.35 degrees is 1,000 km.
LAT_RANGE_DEG = (12.0, 21.0)
LON_RANGE_DEG = (-3.5, 5.85)

CHECK_TARGET_S = 1.0
SPEEDUP_TARGET = 20.0

CONDITIONS: tuple[tuple[Light, Season], ...] = (("day", "dry"), ("night", "wet"))
"""Night is checked in the wet season so that both the night rules and the wet-season
road factor go through the equality check."""


def _point(rng: np.random.Generator) -> dict[str, float]:
    return {
        "lat": round(float(rng.uniform(*LAT_RANGE_DEG)), 5),
        "lon": round(float(rng.uniform(*LON_RANGE_DEG)), 5),
    }


def mission_mapping(seed: int = SEED) -> dict[str, Any]:
    """The benchmark mission as a scenario document (spec v1), the same for a given seed."""
    rng = np.random.default_rng(seed)
    levels = rng.choice(["1", "1+", "2", "2+", "3"], size=N_FACILITIES, p=[0.5, 0.2, 0.16, 0.1, 0.04])
    levels[:2] = ["3", "2"]  # at least one hospital of each surgical level
    facilities: list[dict[str, Any]] = [
        {
            "id": f"fac-{i:02d}",
            "level": str(levels[i]),
            **_point(rng),
            "helipad": bool(rng.random() < 0.8),
            "airstrip": bool(rng.random() < 0.2),
            "ground_team": bool(rng.random() < 0.85),
        }
        for i in range(N_FACILITIES)
    ]
    airframes = []
    for i in range(N_AIRFRAMES):
        fixed_wing = i % 8 == 7  # a few fixed wing: 3 of 30
        if fixed_wing:
            with_strip = [f["id"] for f in facilities if f["airstrip"]]
            base: str | dict[str, float] = str(rng.choice(with_strip))
            kind, cruise_kmh, range_km = (
                "fixed_wing",
                float(rng.uniform(380, 520)),
                float(rng.uniform(1500, 2600)),
            )
        else:
            # Most helicopters sit at a hospital's helipad; one in five at a forward point.
            base = (
                _point(rng)
                if rng.random() < 0.2
                else str(rng.choice([f["id"] for f in facilities if f["helipad"]]))
            )
            kind, cruise_kmh, range_km = (
                "helicopter",
                float(rng.uniform(200, 290)),
                float(rng.uniform(450, 850)),
            )
        day_min = float(rng.choice([15, 20, 30, 45]))
        airframes.append(
            {
                "id": f"air-{i:02d}",
                "type": "fixed wing" if fixed_wing else "utility helicopter",
                "kind": kind,
                "base": base,
                "cruise_kmh": round(cruise_kmh),
                "range_km": round(range_km),
                "launch": {"day": day_min, "night": day_min * 2} if rng.random() < 0.7 else {"day": day_min},
                "night": bool(rng.random() < 0.6),
                "medical_team": bool(rng.random() < 0.7),
                "available": i not in (4, 19),  # two unserviceable
            }
        )
    sites = [
        {
            "id": f"site-{i:04d}",
            **_point(rng),
            "kind": str(rng.choice(["camp", "team_site", "tob", "other"])),
            "personnel": int(rng.integers(10, 800)),
            "first_responders": bool(rng.random() < 0.9),
            "hls": bool(rng.random() < 0.85),
            "airstrip": bool(rng.random() < 0.05),
        }
        for i in range(N_SITES)
    ]
    return {
        "medevac": 1,
        "name": f"Benchmark mission, Sahel (seed {seed})",
        "standard": "nato-10-1-2-2",  # all four legs, so Level 3 is exercised too
        "ground": {"detour_factor": 1.35, "road_kmh": 45, "convoy_factor": 0.8, "wet_season_factor": 0.6},
        "facilities": facilities,
        "airframes": airframes,
        "sites": sites,
    }


@dataclass(frozen=True)
class Timing:
    """Best wall time (``time.perf_counter``) and best CPU time of this process, seconds.

    The machine is shared: when others load it the wall time grows, the CPU time much less;
    the targets are judged on the wall time, the CPU time says what the code itself costs.
    """

    wall_s: float
    cpu_s: float


def best_of(repeats: int, run: Callable[[], object]) -> Timing:
    """Shortest times of ``repeats`` runs (the least disturbed by the machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return Timing(min(wall), min(cpu))


@dataclass(frozen=True)
class Comparison:
    """The baseline loop on the sampled sites, and how its leg times compare to the engine's."""

    sites: int
    setup_s: float
    sites_s: float
    max_abs_diff_min: float
    mismatches: tuple[str, ...]

    @property
    def scaled_s(self) -> float:
        """The loop's set-up once, plus its per-site time scaled up to every site."""
        return self.setup_s + self.sites_s / self.sites * N_SITES


@dataclass(frozen=True)
class Row:
    light: Light
    season: Season
    check: Timing
    engine: Timing
    loop: Comparison

    @property
    def speedup(self) -> float:
        """Scaled loop over the whole check (wall): the figure the target is set on."""
        return self.loop.scaled_s / self.check.wall_s

    @property
    def engine_speedup(self) -> float:
        """Scaled loop over the engine alone: like for like (both compute leg times only)."""
        return self.loop.scaled_s / self.engine.wall_s


def whole_check(scenario: Scenario, light: Light, season: Season) -> str:
    """What ``medevac check --format json`` does after loading: check, explain, shape, dump."""
    return json.dumps(check(scenario, light=light, season=season).to_json())


def engine_only(scenario: Scenario, light: Light, season: Season) -> None:
    """The engine part of the check: build the engine, leg times of every site."""
    legs = standard_of(scenario).legs
    engine = Engine(scenario, make_router(scenario), light, season, legs)
    engine.leg_times(WoundingPoints.from_sites(scenario.sites))


def compare(scenario: Scenario, light: Light, season: Season, sample: list[int]) -> Comparison:
    """Run the loop on the sampled sites and compare its leg times with the engine's there.

    Equal means within 1e-6 min, and unreachable (inf) in both at the same places.
    """
    legs = standard_of(scenario).legs
    engine = Engine(scenario, make_router(scenario), light, season, legs)
    engine_min = engine.leg_times(WoundingPoints.from_sites(scenario.sites)).time_min[:, sample]
    loop = baseline_leg_times(scenario, light, season, legs, sample)
    loop_min = np.array(loop.time_min, dtype=np.float64)
    finite = np.isfinite(engine_min) & np.isfinite(loop_min)
    max_diff = float(np.abs(engine_min[finite] - loop_min[finite]).max()) if finite.any() else 0.0
    # isclose takes inf == inf as close and inf vs a number as not: both rules of "equal".
    bad = np.argwhere(~np.isclose(engine_min, loop_min, rtol=0.0, atol=1e-6))
    mismatches = tuple(
        f"{light}, {season}: {legs[leg]} at {scenario.sites[sample[col]].id}: "
        f"engine {engine_min[leg, col]:.6f} min, loop {loop_min[leg, col]:.6f} min"
        for leg, col in bad
    )
    return Comparison(len(sample), loop.setup_s, loop.sites_s, max_diff, mismatches)


def main(argv: list[str] | None = None) -> int:
    """Time, compare, print the table; exit 1 if the engine and the loop disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sample", type=int, default=30, help="sites the baseline loop runs on (default 30)")
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed runs of the check and engine, best kept (default 7)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the mission and of the sample")
    args = parser.parse_args(argv)
    if not 1 <= args.sample <= N_SITES or args.repeats < 1:
        parser.error(f"--sample must be in 1..{N_SITES} and --repeats at least 1")

    scenario = scenario_from_mapping(mission_mapping(args.seed), source="<benchmark mission>")
    airframes = scenario.airframes
    print(
        f"mission: {len(scenario.sites):,} sites, {len(scenario.facilities)} facilities, "
        f"{len(airframes)} airframes ({sum(a.kind == 'fixed_wing' for a in airframes)} fixed wing, "
        f"{sum(not a.available for a in airframes)} unavailable, "
        f"{sum(a.available and a.night for a in airframes)} usable at night); "
        f"standard {scenario.standard}; seed {args.seed}"
    )
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    busy = " (busy: other work shares the CPUs, wall times are inflated)" if load > cores / 2 else ""
    print(f"machine: {cores} cores, load average {load:.1f}{busy}")
    sample = sorted(
        int(i) for i in np.random.default_rng(args.seed + 1).choice(N_SITES, size=args.sample, replace=False)
    )
    rows = []
    for light, season in CONDITIONS:
        whole_check(scenario, light, season)  # warm-up: imports, caches
        check_time = best_of(args.repeats, partial(whole_check, scenario, light, season))
        engine_time = best_of(args.repeats, partial(engine_only, scenario, light, season))
        rows.append(Row(light, season, check_time, engine_time, compare(scenario, light, season, sample)))

    print()
    print(
        f"{'conditions':<11} {'check s':>8} {'(cpu s)':>8} {'engine s':>9} {'(cpu s)':>8} "
        f"{'loop s/site':>12} {'loop scaled s':>14} {'check x':>8} {'engine x':>9} {'max |diff| min':>15}"
    )
    for r in rows:
        print(
            f"{r.light + ', ' + r.season:<11} {r.check.wall_s:>8.3f} {r.check.cpu_s:>8.3f} "
            f"{r.engine.wall_s:>9.3f} {r.engine.cpu_s:>8.3f} {r.loop.sites_s / r.loop.sites:>12.3f} "
            f"{r.loop.scaled_s:>14.1f} {r.speedup:>7.0f}x {r.engine_speedup:>8.0f}x "
            f"{r.loop.max_abs_diff_min:>15.1e}"
        )
    print()
    print(
        f"check = medevac.check.check + to_json + json.dumps on all {N_SITES:,} sites; "
        f"engine = Engine(...) + leg_times alone; best of {args.repeats} (wall, and CPU of this process)."
    )
    print(
        f"loop = bench/baseline_loop.py run on {len(sample)} random sites and SCALED UP to {N_SITES:,}: "
        f"set-up once + (time on {len(sample)} sites) x {N_SITES:,}/{len(sample)}."
    )
    mismatches = [m for r in rows for m in r.loop.mismatches]
    if mismatches:
        print(f"FAILED: engine and loop leg times differ on {len(mismatches)} (leg, site) pairs:")
        for line in mismatches[:20]:
            print("  " + line)
    else:
        print(
            f"engine and loop leg times equal on the {len(sample)} sampled sites, day and night "
            "(atol 1e-6 min, inf in the same places)."
        )
    worst = max(rows, key=lambda r: r.check.wall_s)
    least = min(rows, key=lambda r: r.speedup)
    print(
        f"check: {worst.check.wall_s:.2f} s for {N_SITES:,} sites (target < {CHECK_TARGET_S:g} s); "
        f"baseline loop (scaled from {len(sample)} sites): {least.loop.scaled_s:.1f} s; "
        f"speed-up {least.speedup:.0f}x (target >= {SPEEDUP_TARGET:g}x)"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
