"""``medevac robustness`` and ``medevac profile`` (``robustness-v1.md``): arguments and tables."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math

from medevac import i18n, messages
from medevac.errors import Problem, ScenarioError
from medevac.i18n import N_, format_template, gettext
from medevac.model import Scenario
from medevac.planning.cluster import announce, estimate_s, judging
from medevac.planning.daylight import Profile, profile
from medevac.planning.optimise import parse_conditions
from medevac.planning.robustness import Availability, NMinusOne, availability, n_minus_1, states_to_judge
from medevac.variants import VariantCore

SCHEDULER_HELP = N_(
    "run on Dask: local[:N] starts N local workers (default 2), tcp://HOST:PORT joins a scheduler"
)


def _common(parser: argparse.ArgumentParser) -> None:
    from medevac.cli import format_argument, scenario_argument

    scenario_argument(parser)
    format_argument(parser, "json")
    parser.add_argument("--scheduler", metavar="local[:N]|tcp://HOST:PORT", help=gettext(SCHEDULER_HELP))
    parser.add_argument(
        "--no-progress", action="store_true", help=gettext("no progress bar on standard error")
    )


def add_robustness_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--n-1", dest="n_minus_1", action="store_true", help=gettext("each airframe and facility lost alone")
    )
    what.add_argument(
        "--availability", action="store_true", help=gettext("chance of meeting each leg over availability")
    )
    parser.add_argument(
        "--conditions", default="scenario", help=gettext("scenario (default), all, or e.g. day-dry,night-wet")
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=10_000,
        metavar="N",
        help=gettext("Monte Carlo draws beyond 16 variables"),
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help=gettext("seed of the Monte Carlo draws (default 0)")
    )


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--date",
        required=True,
        metavar=gettext("YYYY-MM-DD"),
        help=gettext("the day (civil twilight at each base)"),
    )
    parser.add_argument("--season", choices=("dry", "wet"), help=gettext("default: the scenario's"))
    parser.add_argument(
        "--utc-offset", type=float, default=0.0, metavar="H", help=gettext("shift the printed clock only")
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
# The words of the tables, in the current language (medevac.i18n); the JSON stays English.

ASSET_TEXT: dict[str, str] = {"airframe": N_("airframe {id}"), "facility": N_("facility {id}")}
"""An asset lost, by its kind: ``airframe puma-1``."""


def asset_text(asset: str, asset_id: str) -> str:
    return format_template(gettext(ASSET_TEXT[asset]), id=asset_id) if asset in ASSET_TEXT else asset_id


def _labelled(label: str, text: str) -> str:
    """``gao-camp: ...``, with the language's space before the colon."""
    return format_template(gettext("{label}: {text}"), label=label, text=text)


def _tally(sites: int, personnel: int) -> str:
    return format_template("{sites} ({personnel:,})", sites=sites, personnel=personnel)


def format_n_minus_1(result: NMinusOne) -> str:
    names = list(result.baseline)
    lines = [gettext("Each asset lost alone: sites (personnel) meeting every leg"), ""]
    header = [gettext("lost"), *(messages.condition_name_text(c) for c in names)]
    baseline = result.baseline
    rows = [
        [
            gettext("nothing"),
            *(_tally(baseline[c].sites_meeting_all, baseline[c].personnel_meeting_all) for c in names),
        ]
    ]
    for loss in result.losses:
        rows.append(
            [
                asset_text(loss.asset, loss.id),
                *(_tally(t.sites_meeting_all, t.personnel_meeting_all) for t in loss.by_condition.values()),
            ]
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *rows]
    ]
    failures = result.single_points_of_failure()
    lines += [
        "",
        gettext("Single points of failure (most personnel lost first):")
        if failures
        else gettext("No single loss costs a site."),
    ]
    for loss in failures:
        lost = sorted({s for t in loss.by_condition.values() for s in t.sites_lost})
        asset = asset_text(loss.asset, loss.id)
        lines.append("  " + _labelled(asset, ", ".join(lost)))
    return "\n".join(lines) + "\n"


def format_availability(result: Availability) -> str:
    method = (
        gettext("exact")
        if result.method == "exact"
        else format_template(
            gettext("Monte Carlo, {samples:,} draws (95 % Wilson interval)"), samples=result.samples
        )
    )
    lines = [format_template(gettext("Chance of meeting every leg ({method})"), method=method), ""]
    for site in result.sites:
        parts = []
        for c, p in site.p_meets_all.items():
            text = format_template("{condition} {p:.1%}", condition=messages.condition_name_text(c), p=p)
            if site.interval is not None:
                low, high = site.interval[c]
                text += format_template(" [{low:.1%}, {high:.1%}]", low=low, high=high)
            parts.append(text)
        lines.append("  " + _labelled(site.site_id, messages.semicolon().join(parts)))
    expected = messages.semicolon().join(
        format_template("{condition} {value:,.1f}", condition=messages.condition_name_text(c), value=v)
        for c, v in result.expected_personnel_meeting_all.items()
    )
    lines += [
        "",
        format_template(gettext("expected personnel meeting every leg: {expected}"), expected=expected),
    ]
    return "\n".join(lines) + "\n"


def format_profile(result: Profile, utc_offset_h: float) -> str:
    shift = dt.timedelta(hours=utc_offset_h)
    zone = "UTC" if utc_offset_h == 0 else f"UTC{utc_offset_h:+g}"
    none = gettext("none")

    def clock(moment: dt.datetime | None) -> str:
        return none if moment is None else (moment + shift).strftime("%H:%M")

    english = i18n.current_language() == i18n.DEFAULT_LANGUAGE
    date = result.date.isoformat() if english else i18n.format_date(result.date)
    season = gettext(messages.SEASON_NAME[result.season])
    lines = [
        format_template(gettext("{date}, {season}; clock {zone}"), date=date, season=season, zone=zone),
        "",
        gettext("Civil dawn and dusk at each base:"),
    ]
    lines += [
        "  " + _labelled(b.airframe_id, f"{clock(b.civil_dawn_utc)} - {clock(b.civil_dusk_utc)}")
        for b in result.bases
    ]
    hour, sites = gettext("hour"), gettext("sites")
    hour_width, sites_width = max(len(hour), 5), max(len(sites), 5)
    heading = gettext("personnel meeting every leg")
    lines += ["", f"{hour.ljust(hour_width)}  {sites.rjust(sites_width)}  {heading}"]
    start = dt.datetime(result.date.year, result.date.month, result.date.day, tzinfo=dt.UTC)
    for row in result.hours():
        moment = start + dt.timedelta(hours=row["hour_utc"])
        count = format_template("{n:,}", n=row["personnel_meeting_all"])
        lines.append(
            f"{clock(moment).ljust(hour_width)}  {row['sites_meeting_all']:>{sites_width}}  {count:>9}"
        )
    lines += ["", gettext("Hours of 24 in which each site meets every leg:")]
    sites_json = result.to_json()["sites"]
    lines += ["  " + _labelled(s["site_id"], str(s["hours_meeting_all"])) for s in sites_json]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"
