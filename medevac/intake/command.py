"""``medevac import`` and ``medevac template`` (intake-v1): arguments and runs.

Both exit 2 on bad input with every problem listed, and write nothing then; neither
replaces an existing ``--out`` without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medevac import messages
from medevac.errors import Problem, ScenarioError
from medevac.i18n import format_template, gettext

EXIT_OK = 0


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    file = gettext("FILE")
    parser.add_argument(
        "workbook",
        nargs="?",
        metavar=gettext("WORKBOOK"),
        help=gettext("XLSX or ODS workbook with sheets sites, facilities, airframes, settings"),
    )
    parser.add_argument(
        "--sites",
        metavar=file,
        help=gettext("sites: CSV, KML, KMZ or GeoJSON (replaces the workbook's)"),
    )
    parser.add_argument("--facilities", metavar=file, help=gettext("facilities: CSV, KML, KMZ or GeoJSON"))
    parser.add_argument("--airframes", metavar=file, help=gettext("airframes: CSV"))
    parser.add_argument("--settings", metavar=file, help=gettext("settings: CSV with columns key, value"))
    parser.add_argument(
        "--base",
        metavar=gettext("SCENARIO"),
        help=gettext("scenario file giving everything that is not imported"),
    )
    parser.add_argument(
        "--out", required=True, metavar=gettext("SCENARIO.yaml"), help=gettext("scenario file to write")
    )
    parser.add_argument("--force", action="store_true", help=gettext("replace an existing --out file"))


def add_template_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="from_scenario",
        metavar=gettext("SCENARIO"),
        help=gettext(
            "write this scenario as a filled workbook (else an empty template with one example row)"
        ),
    )
    parser.add_argument(
        "--out", required=True, metavar=gettext("WORKBOOK.xlsx"), help=gettext("workbook to write")
    )
    parser.add_argument("--force", action="store_true", help=gettext("replace an existing --out file"))


def run(args: argparse.Namespace) -> int:
    """Run ``import`` or ``template``; bad input raises :class:`ScenarioError` (exit 2)."""
    if args.command == "template":
        return run_template(args)
    return run_import(args)


def _out_problems(out: Path, force: bool, inputs: list[Path]) -> list[Problem]:
    problems = []
    if out.is_dir():
        problems.append(Problem(str(out), "--out", str(out), gettext("a file name, not a folder")))
    elif out.exists() and not force:
        problems.append(
            Problem(
                str(out),
                "--out",
                str(out),
                gettext("a file that does not exist yet (use --force to replace it)"),
            )
        )
    if not out.parent.is_dir():
        problems.append(Problem(str(out), "--out", str(out.parent), gettext("an existing folder")))
    if any(out.resolve() == path.resolve() for path in inputs):
        problems.append(Problem(str(out), "--out", str(out), gettext("a file other than the inputs")))
    return problems


def run_import(args: argparse.Namespace) -> int:
    from medevac.intake.assemble import Sources, import_scenario
    from medevac.scenario import scenario_warnings, write_scenario

    def path(value: str | None) -> Path | None:
        return Path(value) if value else None

    sources = Sources(
        workbook=path(args.workbook),
        sites=path(args.sites),
        facilities=path(args.facilities),
        airframes=path(args.airframes),
        settings=path(args.settings),
        base=path(args.base),
    )
    out = Path(args.out)
    inputs = [p for p in (sources.workbook, sources.sites, sources.facilities, sources.airframes,
                          sources.settings, sources.base) if p is not None]  # fmt: skip
    problems = _out_problems(out, args.force, inputs)
    try:
        imported = import_scenario(sources, out.parent if out.parent.is_dir() else Path.cwd())
    except ScenarioError as error:
        raise ScenarioError(problems + error.problems) from None
    if problems:
        raise ScenarioError(problems)
    for warning in imported.warnings:
        print(format_template(gettext("warning: {warning}"), warning=warning), file=sys.stderr)
    scenario = imported.scenario
    for warning in scenario_warnings(scenario):
        print(messages.warning_text(str(out), warning), file=sys.stderr)
    write_scenario(scenario, out, overwrite=args.force)
    counts = messages.counts_text(
        len(scenario.facilities), len(scenario.airframes), len(scenario.sites), len(scenario.patrols)
    )
    print(format_template(gettext("{out}: written ({counts})"), out=out, counts=counts))
    return EXIT_OK


def run_template(args: argparse.Namespace) -> int:
    from medevac.intake.workbook import write_template
    from medevac.scenario import load_scenario

    out = Path(args.out)
    source = Path(args.from_scenario) if args.from_scenario else None
    problems = _out_problems(out, args.force, [source] if source else [])
    if out.suffix.lower() != ".xlsx":
        problems.append(
            Problem(str(out), "--out", out.suffix or gettext("no suffix"), gettext("a .xlsx workbook"))
        )
    scenario = None
    if source is not None:
        try:
            scenario = load_scenario(source)
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)
    write_template(out, scenario, overwrite=args.force)
    what = (
        format_template(gettext("{source} as a workbook"), source=source)
        if source
        else gettext("template with one example row per sheet")
    )
    print(format_template(gettext("{out}: written ({what})"), out=out, what=what))
    return EXIT_OK
