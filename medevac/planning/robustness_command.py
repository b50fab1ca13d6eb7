"""``medevac robustness`` and ``medevac profile`` (``robustness-v1.md``): arguments and tables."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math

from medevac.errors import Problem, ScenarioError
from medevac.i18n import gettext
from medevac.model import Scenario
from medevac.planning.cluster import announce, estimate_s, judging
from medevac.planning.daylight import Profile, profile
from medevac.planning.optimise import parse_conditions
from medevac.planning.robustness import Availability, NMinusOne, availability, n_minus_1, states_to_judge
from medevac.variants import VariantCore

SCHEDULER_HELP = (
    "run on Dask: local[:N] starts N local workers (default 2), tcp://HOST:PORT joins a scheduler"
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="scenario file (YAML, format v1)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--scheduler", metavar="local[:N]|tcp://HOST:PORT", help=SCHEDULER_HELP)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")


def add_robustness_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--n-1", dest="n_minus_1", action="store_true", help="each airframe and facility lost alone"
    )
    what.add_argument(
        "--availability", action="store_true", help="chance of meeting each leg over availability"
    )
    parser.add_argument(
        "--conditions", default="scenario", help="scenario (default), all, or e.g. day-dry,night-wet"
    )
    parser.add_argument("--samples", type=int, default=10_000, help="Monte Carlo draws beyond 16 variables")
    parser.add_argument("--seed", type=int, default=0, help="seed of the Monte Carlo draws (default 0)")


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--date", required=True, metavar="YYYY-MM-DD", help="the day (civil twilight at each base)"
    )
    parser.add_argument("--season", choices=("dry", "wet"), help="default: the scenario's")
    parser.add_argument(
        "--utc-offset", type=float, default=0.0, metavar="H", help="shift the printed clock only"
    )


def run_robustness(scenario: Scenario, args: argparse.Namespace) -> int:
    conditions = parse_conditions(args.conditions, scenario)
    if args.samples < 1:
        raise ScenarioError(
            [Problem("--samples", "", args.samples, gettext("a number of draws of at least 1"))]
        )
    core = VariantCore(scenario)
    progress = not args.no_progress
    if args.n_minus_1:
        with judging(args.scheduler, progress=progress) as judge:
            result: NMinusOne | Availability = n_minus_1(scenario, conditions, core=core, judge=judge)
    else:
        states = states_to_judge(scenario, core, conditions, args.samples)
        if progress:
            announce(estimate_s(core, conditions[0][1], states))
        with judging(args.scheduler, progress=progress) as judge:
            result = availability(
                scenario, conditions, samples=args.samples, seed=args.seed, core=core, judge=judge
            )
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    elif isinstance(result, NMinusOne):
        print(format_n_minus_1(result), end="")
    else:
        print(format_availability(result), end="")
    return 0


def run_profile(scenario: Scenario, args: argparse.Namespace) -> int:
    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        raise ScenarioError([Problem("--date", "", args.date, gettext("a date as YYYY-MM-DD"))]) from None
    if not (math.isfinite(args.utc_offset) and -14 <= args.utc_offset <= 14):
        raise ScenarioError(
            [Problem("--utc-offset", "", args.utc_offset, gettext("hours from UTC, -14 to 14"))]
        )
    with judging(args.scheduler, progress=not args.no_progress) as judge:
        result = profile(scenario, date, args.season, judge=judge)
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(format_profile(result, args.utc_offset), end="")
    return 0


# -- tables ----------------------------------------------------------------------------------


def format_n_minus_1(result: NMinusOne) -> str:
    names = list(result.baseline)
    lines = ["Each asset lost alone: sites (personnel) meeting every leg", ""]
    header = ["lost", *names]
    rows = [
        [
            "nothing",
            *(
                f"{result.baseline[c].sites_meeting_all} ({result.baseline[c].personnel_meeting_all:,})"
                for c in names
            ),
        ]
    ]
    for loss in result.losses:
        rows.append(
            [
                f"{loss.asset} {loss.id}",
                *(f"{t.sites_meeting_all} ({t.personnel_meeting_all:,})" for t in loss.by_condition.values()),
            ]
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *rows]
    ]
    failures = result.single_points_of_failure()
    lines += [
        "",
        "Single points of failure (most personnel lost first):"
        if failures
        else "No single loss costs a site.",
    ]
    for loss in failures:
        lost = sorted({s for t in loss.by_condition.values() for s in t.sites_lost})
        lines.append(f"  {loss.asset} {loss.id}: {', '.join(lost)}")
    return "\n".join(lines) + "\n"


def format_availability(result: Availability) -> str:
    method = (
        "exact"
        if result.method == "exact"
        else f"Monte Carlo, {result.samples:,} draws (95 % Wilson interval)"
    )
    lines = [f"Chance of meeting every leg ({method})", ""]
    for site in result.sites:
        parts = []
        for c, p in site.p_meets_all.items():
            text = f"{c} {p:.1%}"
            if site.interval is not None:
                low, high = site.interval[c]
                text += f" [{low:.1%}, {high:.1%}]"
            parts.append(text)
        lines.append(f"  {site.site_id}: " + "; ".join(parts))
    expected = "; ".join(f"{c} {v:,.1f}" for c, v in result.expected_personnel_meeting_all.items())
    lines += ["", f"expected personnel meeting every leg: {expected}"]
    return "\n".join(lines) + "\n"


def format_profile(result: Profile, utc_offset_h: float) -> str:
    shift = dt.timedelta(hours=utc_offset_h)
    zone = "UTC" if utc_offset_h == 0 else f"UTC{utc_offset_h:+g}"

    def clock(moment: dt.datetime | None) -> str:
        return "none" if moment is None else (moment + shift).strftime("%H:%M")

    lines = [
        f"{result.date.isoformat()}, {result.season} season; clock {zone}",
        "",
        "Civil dawn and dusk at each base:",
    ]
    lines += [
        f"  {b.airframe_id}: {clock(b.civil_dawn_utc)} - {clock(b.civil_dusk_utc)}" for b in result.bases
    ]
    lines += ["", "hour   sites  personnel meeting every leg"]
    start = dt.datetime(result.date.year, result.date.month, result.date.day, tzinfo=dt.UTC)
    for row in result.hours():
        moment = start + dt.timedelta(hours=row["hour_utc"])
        lines.append(f"{clock(moment)}  {row['sites_meeting_all']:>5}  {row['personnel_meeting_all']:>9,}")
    lines += ["", "Hours of 24 in which each site meets every leg:"]
    lines += [f"  {s['site_id']}: {s['hours_meeting_all']}" for s in result.to_json()["sites"]]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"
