"""The ``medevac`` command line.

Exit status: 0 when the command ran (whatever the check found), 1 with ``--fail-on-gap``
when a site fails a leg, 2 on bad input (with one message per problem, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence

from medevac.check import CheckResult, check
from medevac.errors import MedevacError, ScenarioError
from medevac.scenario import json_schema_text, load_scenario, scenario_warnings
from medevac.standards import LEG_LABEL

EXIT_OK, EXIT_GAP, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="medevac", description="10-1-2 casualty evacuation response-time analyzer.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("check", help="check every site and patrol against the standard")
    run.add_argument("scenario", help="scenario file (YAML, format v1)")
    run.add_argument("--format", choices=("table", "json", "csv"), default="table")
    run.add_argument("--light", choices=("day", "night"), help="override the scenario's light")
    run.add_argument("--season", choices=("dry", "wet"), help="override the scenario's season")
    run.add_argument("--fail-on-gap", action="store_true", help="exit 1 when any site fails a leg")

    validate = commands.add_parser("validate", help="validate a scenario file and list every problem")
    validate.add_argument("scenario")

    commands.add_parser("schema", help="print the JSON Schema of scenario files")

    from medevac.coverage.command import add_arguments as add_coverage_arguments

    add_coverage_arguments(commands.add_parser("coverage", help="map coverage over the mission area"))

    from medevac.report.command import add_arguments as add_report_arguments

    add_report_arguments(commands.add_parser("report", help="write a gap report (HTML, PDF, workbook, GIS)"))

    from medevac.planning.optimise_command import add_arguments as add_optimise_arguments

    add_optimise_arguments(commands.add_parser("optimise", help="where new or moved assets do most (exact)"))

    from medevac.planning.robustness_command import add_profile_arguments, add_robustness_arguments

    add_robustness_arguments(commands.add_parser("robustness", help="does the plan hold: N-1, availability"))
    add_profile_arguments(commands.add_parser("profile", help="the day in 24 hours, by civil twilight"))

    from medevac.intake.command import add_import_arguments, add_template_arguments

    add_import_arguments(
        commands.add_parser("import", help="a scenario from a workbook, CSVs, KML or GeoJSON")
    )
    add_template_arguments(
        commands.add_parser("template", help="a workbook to fill in, or a scenario as one")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "schema":
            print(json_schema_text())
            return EXIT_OK
        if args.command in ("import", "template"):
            from medevac.intake.command import run as run_intake

            return run_intake(args)
        scenario = load_scenario(args.scenario)
        for warning in scenario_warnings(scenario):
            print(f"{args.scenario}: warning: {warning}", file=sys.stderr)
        if args.command == "validate":
            print(
                f"{args.scenario}: valid ({len(scenario.facilities)} facilities, "
                f"{len(scenario.airframes)} airframes, {len(scenario.sites)} sites, "
                f"{len(scenario.patrols)} patrols)"
            )
            return EXIT_OK
        if args.command == "coverage":
            from medevac.coverage.command import run as run_coverage

            return run_coverage(scenario, args)
        if args.command == "report":
            from medevac.report.command import run as run_report

            return run_report(scenario, args)
        if args.command == "optimise":
            from medevac.planning.optimise_command import run as run_optimise

            return run_optimise(scenario, args)
        if args.command in ("robustness", "profile"):
            from medevac.planning.robustness_command import run_profile, run_robustness

            return (run_robustness if args.command == "robustness" else run_profile)(scenario, args)
        result = check(scenario, light=args.light, season=args.season)
    except ScenarioError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MedevacError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_FORMATS[args.format](result), end="")
    if args.fail_on_gap and not result.meets_all.all():
        return EXIT_GAP
    return EXIT_OK


def format_json(result: CheckResult) -> str:
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


def format_csv(result: CheckResult) -> str:
    """One row per site: times, verdicts, pathways and the limiting factor."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    legs = result.legs
    writer.writerow(
        [
            "site_id",
            *(f"{leg}_min" for leg in legs),
            *(f"meets_{leg}" for leg in legs),
            "meets_all",
            *(f"pathway_{leg}" for leg in legs),
            "limiting_factor",
        ]
    )
    for row in result.site_rows():
        writer.writerow(
            [
                row["site_id"],
                *("" if row[f"{leg}_min"] is None else row[f"{leg}_min"] for leg in legs),
                *(row["meets"][leg] for leg in legs),
                row["meets_all"],
                *(row["pathway"][leg] or "" for leg in legs),
                row["limiting_factor"] or "",
            ]
        )
    return out.getvalue()


def format_table(result: CheckResult) -> str:
    """A terminal table: one line per site, failing legs marked, then why they fail."""
    legs = result.legs
    doc = result.to_json()
    headers = ["site", *(f"{LEG_LABEL[leg]} (<= {doc['thresholds'][leg]})" for leg in legs), "verdict"]
    body = []
    for row in doc["sites"]:
        cells = [row["site_id"]]
        for leg in legs:
            value = row[f"{leg}_min"]
            text = "none" if value is None else f"{value:.1f}"
            cells.append(text if row["meets"][leg] else f"{text} !")
        cells.append("meets all" if row["meets_all"] else "GAP")
        body.append(cells)
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    title = (
        f"{doc['scenario']}: {doc['standard']}, {result.light}, {result.season} season "
        "(minutes from wounding)"
    )
    lines = [title, "", line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]
    gaps = [r for r in doc["sites"] if not r["meets_all"]]
    if gaps:
        lines += ["", "Why sites fail (! marks a leg over its threshold):"]
        lines += [f"  {r['site_id']}: {r['limiting_factor']}" for r in gaps]
    if doc["patrols"]:
        lines += ["", "Patrols (share of route length meeting each leg):"]
        for patrol in doc["patrols"]:
            shares = ", ".join(f"{LEG_LABEL[leg]} {patrol['share_meeting'][leg]:.0%}" for leg in legs)
            lines.append(f"  {patrol['patrol_id']}: {shares}")
    s = doc["summary"]
    lines += [
        "",
        f"{s['sites_meeting_all']} of {s['sites']} sites meet every leg; "
        f"{s['personnel_meeting_all']} of {s['personnel']} personnel.",
    ]
    return "\n".join(lines) + "\n"


_FORMATS = {"json": format_json, "csv": format_csv, "table": format_table}


def main_exit() -> None:
    """Entry point of the installed ``medevac`` command."""
    sys.exit(main())


if __name__ == "__main__":
    main_exit()
