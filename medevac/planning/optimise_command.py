"""``medevac optimise SCENARIO ...`` (``optimise-v1.md``): arguments, run, and the table."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import cast

from medevac.errors import Problem, ScenarioError
from medevac.i18n import N_, format_template, gettext
from medevac.model import LEVEL_RANK, Level, Scenario
from medevac.planning.candidates import load_candidates
from medevac.planning.optimise import (
    Question,
    Solution,
    condition_name,
    optimise,
    parse_conditions,
    placement_edits,
)
from medevac.scenario import relocated, write_scenario
from medevac.whatif import apply_edits

_COUNT = re.compile(r"^(?P<what>.+?)(?:x(?P<count>\d+))?$")

HEAD: dict[tuple[str, bool], str] = {
    ("personnel", False): N_("optimise: personnel meeting every leg, summed over {conditions}"),
    ("sites", False): N_("optimise: sites meeting every leg, summed over {conditions}"),
    ("personnel", True): N_(
        "optimise: personnel meeting every leg, summed over {conditions}, robust to one airframe lost"
    ),
    ("sites", True): N_(
        "optimise: sites meeting every leg, summed over {conditions}, robust to one airframe lost"
    ),
}
"""The table's first line, by objective and whether the answer is robust to a loss."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from medevac.cli import format_argument, scenario_argument

    scenario_argument(parser)
    parser.add_argument(
        "--add-facility", nargs="+", action="extend", default=[], metavar=gettext("LEVEL[xN]"),
        help=gettext(
            "new facilities of a level, e.g. 2 or 2x2 (helipad and ground team; airstrip as the place has)"
        ),
    )  # fmt: skip
    parser.add_argument(
        "--add-airframe", nargs="+", action="extend", default=[], metavar=gettext("LIKE_ID[xN]"),
        help=gettext("new airframes with every figure of an existing one, e.g. puma-1x1"),
    )  # fmt: skip
    parser.add_argument(
        "--move", nargs="+", action="extend", default=[], metavar="ID",
        help=gettext("an existing airframe's base or an existing facility (with its airframes) may move"),
    )  # fmt: skip
    parser.add_argument(
        "--candidates", default="facilities,sites", metavar=gettext("PLACES"),
        help=gettext(
            "places: a CSV (id,lat,lon[,name][,airstrip]), a GeoJSON of points, or built-ins "
            "facilities, sites, towns (comma list; default facilities,sites)"
        ),
    )  # fmt: skip
    parser.add_argument(
        "--objective",
        choices=("personnel", "sites"),
        default="personnel",
        help=gettext("what to count: personnel (default) or sites meeting every leg"),
    )
    parser.add_argument(
        "--conditions",
        default="scenario",
        help=gettext("scenario (default), all, or a list such as night-dry,night-wet"),
    )
    parser.add_argument(
        "--robust",
        choices=("none", "n-1"),
        default="none",
        help=gettext(
            "n-1: a site counts only if it meets every leg with any one airframe lost (default none)"
        ),
    )
    parser.add_argument(
        "--cover-all", action="store_true", help=gettext("the fewest new assets so that every site counts")
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar=gettext("SECONDS"),
        help=gettext("stop the solver, keep the best found"),
    )
    format_argument(parser, "json")
    parser.add_argument(
        "--out",
        metavar=gettext("VARIANT.yaml"),
        help=gettext("write the scenario with the placements applied"),
    )
    parser.add_argument("--force", action="store_true", help=gettext("replace an existing --out file"))


def _counted(option: str, texts: list[str], known: set[str] | None) -> list[tuple[str, int]]:
    """``2x2`` -> ("2", 2); an id that is itself known (``heli-x2``) is taken whole."""
    wanted = []
    for text in texts:
        if known is not None and text in known:
            wanted.append((text, 1))
            continue
        match = _COUNT.match(text)
        if not match:
            raise ScenarioError([Problem(option, "", text, gettext("WHAT or WHATxN"))])
        count = int(match["count"] or 1)
        if count < 1:
            raise ScenarioError([Problem(option, "", text, gettext("a count of at least 1"))])
        wanted.append((match["what"], count))
    return wanted


def question_of(scenario: Scenario, args: argparse.Namespace) -> Question:
    """The question the arguments ask; bad values are :class:`ScenarioError` (exit 2)."""
    facilities = _counted("--add-facility", args.add_facility, set(LEVEL_RANK))
    for level, _ in facilities:
        if level not in LEVEL_RANK:
            allowed = format_template(gettext("a level: {levels}"), levels=", ".join(LEVEL_RANK))
            raise ScenarioError([Problem("--add-facility", "", level, allowed)])
    airframe_ids = {a.id for a in scenario.airframes}
    airframes = _counted("--add-airframe", args.add_airframe, airframe_ids)
    for like, _ in airframes:
        if like not in airframe_ids:
            known = ", ".join(sorted(airframe_ids)) or gettext("none")
            allowed = format_template(gettext("the id of an airframe ({ids})"), ids=known)
            raise ScenarioError([Problem("--add-airframe", "", like, allowed)])
    known_ids = airframe_ids | {f.id for f in scenario.facilities}
    for asset_id in args.move:
        if asset_id not in known_ids:
            raise ScenarioError(
                [Problem("--move", "", asset_id, gettext("the id of an airframe or a facility"))]
            )
    if args.time_limit is not None and not args.time_limit > 0:
        raise ScenarioError([Problem("--time-limit", "", args.time_limit, gettext("seconds, more than 0"))])
    if not (facilities or airframes or args.move):
        raise ScenarioError(
            [
                Problem(
                    "optimise",
                    "",
                    gettext("nothing to place"),
                    gettext("at least one --add-facility, --add-airframe or --move"),
                )
            ]
        )
    merged_facilities: dict[Level, int] = {}
    for text, count in facilities:
        kind = cast(Level, text)  # checked against LEVEL_RANK above
        merged_facilities[kind] = merged_facilities.get(kind, 0) + count
    merged_airframes: dict[str, int] = {}
    for like, count in airframes:
        merged_airframes[like] = merged_airframes.get(like, 0) + count
    return Question(
        add_facilities=tuple(merged_facilities.items()),
        add_airframes=tuple(merged_airframes.items()),
        moves=tuple(args.move),
        objective=args.objective,
        conditions=parse_conditions(args.conditions, scenario),
        robust=args.robust,
        cover_all=args.cover_all,
    )


def format_table(solution: Solution) -> str:
    """What to place where, what it gains, and whether it is proven best, in the current
    language (the JSON stays English)."""
    from medevac import messages

    q = solution.question
    conditions = messages.semicolon().join(
        messages.condition_name_text(condition_name(c)) for c in q.conditions
    )
    head = gettext(HEAD[q.objective, q.robust == "n-1"])
    lines = [format_template(head, conditions=conditions)]
    if q.cover_all and not solution.feasible:
        lines.append(gettext("no choice of the assets asked for makes every site meet every leg"))
        if solution.uncoverable:
            lines.append(
                format_template(
                    gettext("sites no choice can cover: {sites}"), sites=", ".join(solution.uncoverable)
                )
            )
        return "\n".join(lines) + "\n"
    proof = (
        gettext("proven optimal")
        if solution.optimal
        else format_template(gettext("best found in the time limit; bound {bound:g}"), bound=solution.bound)
    )
    lines.append(
        format_template(
            gettext("baseline {baseline:,}; with the placements {value:,} ({proof})"),
            baseline=solution.baseline,
            value=solution.value,
            proof=proof,
        )
    )
    for placement in solution.placements:
        if placement.moved:
            what = format_template(gettext("move {id}"), id=placement.id)
        elif placement.asset == "facility":
            what = format_template(gettext("new Level {level} {id}"), level=placement.level, id=placement.id)
        else:
            what = format_template(gettext("new {like} copy {id}"), like=placement.like, id=placement.id)
        place = placement.candidate
        lines.append(f"  {what} -> {place.id} ({place.lat:.3f}, {place.lon:.3f})")  # degrees: data
    if not solution.placements:
        lines.append("  " + gettext("no change gains anything: every asset stays where it is"))
    if solution.sites_gained:
        lines.append(
            format_template(gettext("sites gained: {sites}"), sites=", ".join(solution.sites_gained))
        )
    if solution.sites_lost:
        lines.append(format_template(gettext("sites lost: {sites}"), sites=", ".join(solution.sites_lost)))
    lines.append(format_template(gettext("solved in {seconds:.2f} s"), seconds=solution.seconds))
    return "\n".join(lines) + "\n"


def run(scenario: Scenario, args: argparse.Namespace) -> int:
    question = question_of(scenario, args)
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force:
        raise ScenarioError(
            [Problem(str(out), "", str(out), gettext("already exists; choose another name or --force"))]
        )
    candidates = load_candidates(scenario, args.candidates)
    solution = optimise(scenario, question, candidates, time_limit_s=args.time_limit)
    if out is not None and solution.feasible:
        variant = apply_edits(scenario, placement_edits(scenario, solution))
        write_scenario(relocated(variant, out.resolve().parent), out, overwrite=args.force)
    if args.format == "json":
        print(json.dumps(solution.to_json(), indent=2))
    else:
        print(format_table(solution), end="")
    return 0
