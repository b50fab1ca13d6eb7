"""The ``medevac`` command line.

Exit status: 0 when the command ran (whatever the check found), 1 with ``--fail-on-gap``
when a site fails a leg, 2 on bad input (with one message per problem, never a traceback),
3 on an internal error (a bug: one line asking for a report; ``MEDEVAC_TRACEBACK=1`` shows
the traceback). An unexpected error must never exit 1, which scripts read as "a gap".
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

from medevac import i18n, messages
from medevac.check import CheckResult, check
from medevac.errors import (
    LayerError,
    MedevacError,
    Problem,
    ScenarioError,
    error_line,
    located,
    one_line,
    problem_lines,
    shorten,
)
from medevac.i18n import N_
from medevac.model import PathFile, Scenario
from medevac.scenario import json_schema_text, load_scenario, scenario_warnings

EXIT_OK, EXIT_GAP, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

MAX_MESSAGE_CHARS = 1_000
"""Longest error message printed (a layer's reader may quote a whole line of a file)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        text = i18n.gettext("%(prog)s: error: %(message)s\n")  # argparse's own sentence
        self.exit(EXIT_BAD_INPUT, text % {"prog": self.prog, "message": message})


COMMAND_HELP: dict[str, str] = {
    "check": N_("check every site and patrol against the standard"),
    "validate": N_("validate a scenario file and list every problem"),
    "schema": N_("print the JSON Schema of scenario files"),
    "coverage": N_("map coverage over the mission area"),
    "report": N_("write a gap report (HTML, PDF, workbook, GIS)"),
    "optimise": N_("where new or moved assets do most (exact)"),
    "robustness": N_("does the plan hold: N-1, availability"),
    "profile": N_("the day in 24 hours, by civil twilight"),
    "import": N_("a scenario from a workbook, CSVs, KML or GeoJSON"),
    "template": N_("a workbook to fill in, or a scenario as one"),
    "library": N_("saved variants: list, show, export ..."),
}
"""What each command does, as ``medevac --help`` lists it and its own ``--help`` begins."""

SCENARIO_HELP = N_("scenario file (YAML, format v1)")
"""The help of every command's ``SCENARIO`` argument."""


def scenario_argument(parser: argparse.ArgumentParser) -> None:
    """The ``scenario`` positional every scenario command takes, named in the reader's language."""
    parser.add_argument("scenario", metavar=i18n.gettext("scenario"), help=i18n.gettext(SCENARIO_HELP))


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser, its help and argparse's own words in the current language
    (:func:`main` builds it once the language is known, so that ``--help`` speaks it)."""
    from medevac.cli_argparse import use_catalogue

    use_catalogue()
    gettext = i18n.gettext
    parser = _Parser(
        prog="medevac", description=gettext("10-1-2 casualty evacuation response-time analyzer.")
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str) -> argparse.ArgumentParser:
        text = gettext(COMMAND_HELP[name])
        return commands.add_parser(name, help=text, description=text)

    run = add("check")
    scenario_argument(run)
    format_argument(run, "json", "csv")
    light_and_season_arguments(run)
    run.add_argument("--fail-on-gap", action="store_true", help=gettext("exit 1 when any site fails a leg"))

    scenario_argument(add("validate"))
    add("schema")

    from medevac.coverage.command import add_arguments as add_coverage_arguments

    add_coverage_arguments(add("coverage"))

    from medevac.report.command import add_arguments as add_report_arguments

    add_report_arguments(add("report"))

    from medevac.planning.optimise_command import add_arguments as add_optimise_arguments

    add_optimise_arguments(add("optimise"))

    from medevac.planning.robustness_command import add_profile_arguments, add_robustness_arguments

    add_robustness_arguments(add("robustness"))
    add_profile_arguments(add("profile"))

    from medevac.intake.command import add_import_arguments, add_template_arguments

    add_import_arguments(add("import"))
    add_template_arguments(add("template"))

    from medevac.library_command import add_arguments as add_library_arguments

    add_library_arguments(add("library"))
    name_commands(commands)
    lang_help = i18n.format_template(
        gettext(
            "language of the text output ({languages}); default: ${variable}, else the locale, "
            "else en. Data (JSON, CSV) stays English"
        ),
        languages=", ".join(i18n.LANGUAGES),
        variable=i18n.ENVIRONMENT_VARIABLE,
    )
    # Before the command (medevac --lang fr check ...), after it (medevac library --lang fr
    # list) or among its options; the last given wins (SUPPRESS: a parser's --lang not given
    # leaves the one before it).
    parser.add_argument("--lang", metavar=gettext("LANG"), help=lang_help)
    for command in _all_parsers(commands):
        command.add_argument("--lang", metavar=gettext("LANG"), help=lang_help, default=argparse.SUPPRESS)
    return parser


def format_argument(parser: argparse.ArgumentParser, *data: str) -> None:
    """``--format table|...``: the text for a person (default) or the data (``json``, ``csv``)."""
    parser.add_argument(
        "--format",
        choices=("table", *data),
        default="table",
        help=i18n.format_template(
            i18n.gettext("table (default), or the data: {formats} (English in every language)"),
            formats=", ".join(data),
        ),
    )


def light_and_season_arguments(parser: argparse.ArgumentParser) -> None:
    """``--light`` and ``--season``, overriding the scenario's conditions."""
    parser.add_argument(
        "--light", choices=("day", "night"), help=i18n.gettext("override the scenario's light")
    )
    parser.add_argument(
        "--season", choices=("dry", "wet"), help=i18n.gettext("override the scenario's season")
    )


def name_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """Name a command's place by its choices (``{check,validate,...}``), as the usage line
    shows it, so that argparse's "the following arguments are required" names the choices
    rather than the English ``dest``."""
    commands.metavar = "{" + ",".join(commands.choices) + "}"


def _all_parsers(
    commands: argparse._SubParsersAction[Any],
) -> list[argparse.ArgumentParser]:
    """Each command's parser, and each of its actions' (``medevac library show ...``)."""
    found: list[argparse.ArgumentParser] = []
    for command in commands.choices.values():
        found.append(command)
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += _all_parsers(action)
    return found


def _language_option(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang X`` or ``--lang=X`` before any ``--``, read before the
    parser is built so that ``--help`` and argparse's errors speak it."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.removeprefix("--lang=")
    return found


def _parser_language(argv: Sequence[str]) -> str:
    """The language of the parser's words: as :func:`main` will resolve it, English when that
    fails (the parser runs first, then the bad language is reported)."""
    try:
        return i18n.resolve_language(_language_option(argv))
    except i18n.LanguageError:
        return i18n.DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    with i18n.using(_parser_language(argv)):
        args = build_parser().parse_args(argv)
    try:
        language = i18n.resolve_language(args.lang)
    except i18n.LanguageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with i18n.using(language):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    scenario: Scenario | None = None
    try:
        if args.command == "schema":
            print(json_schema_text())
            return EXIT_OK
        if args.command in ("import", "template"):
            from medevac.intake.command import run as run_intake

            return run_intake(args)
        if args.command == "library":
            from medevac.library_command import run as run_library

            return run_library(args)
        scenario = load_scenario(args.scenario)
        for warning in scenario_warnings(scenario):
            print(messages.warning_text(args.scenario, warning), file=sys.stderr)
        if args.command == "validate":
            problems = layer_problems(scenario, args.scenario)
            if problems:
                raise ScenarioError(problems)
            sizes = (scenario.facilities, scenario.airframes, scenario.sites, scenario.patrols)
            print(messages.validated_text(args.scenario, *(len(items) for items in sizes)))
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
        if args.format == "table":
            print(format_table(result), end="")
        else:
            with i18n.using(i18n.DEFAULT_LANGUAGE):  # data: English keys and values
                print(_FORMATS[args.format](result), end="")
    except ScenarioError as error:
        _print_problems(error.problems)
        return EXIT_BAD_INPUT
    except LayerError as error:
        if scenario is None:
            print(error_line(shorten(one_line(str(error)), MAX_MESSAGE_CHARS)), file=sys.stderr)
        else:
            _print_problems([layer_problem(scenario, args.scenario, error)])
        return EXIT_BAD_INPUT
    except MedevacError as error:
        print(error_line(shorten(one_line(str(error)), MAX_MESSAGE_CHARS)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # an output that cannot be written: a read-only folder, a full disk
        where = f"{error.filename}: " if error.filename else ""
        print(error_line(f"{where}{error.strerror or error}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        if os.environ.get("MEDEVAC_TRACEBACK"):
            raise
        text = shorten(one_line(f"{type(error).__name__}: {error}"), MAX_MESSAGE_CHARS)
        template = i18n.gettext(
            "internal error: {text}; please report it with the scenario file "
            "(MEDEVAC_TRACEBACK=1 shows the traceback)"
        )
        print(error_line(i18n.format_template(template, text=text)), file=sys.stderr)
        return EXIT_INTERNAL
    if args.fail_on_gap and not result.meets_all.all():
        return EXIT_GAP
    return EXIT_OK


def _print_problems(problems: Sequence[Problem]) -> None:
    for line in problem_lines(problems):
        print(error_line(line), file=sys.stderr)


def layer_problems(scenario: Scenario, source: str) -> list[Problem]:
    """Problems of the files a scenario names, as ``check`` would meet them.

    The road layer and its closures are read and built into the network (cached, so a
    check that follows does not read them again), each patrol file is read.
    """
    from medevac.check import make_router
    from medevac.patrols import patrol_line

    problems: list[Problem] = []
    if scenario.ground.roads:
        try:
            make_router(scenario)
        except LayerError as error:
            problems.append(layer_problem(scenario, source, error))
    for patrol in scenario.patrols:
        if isinstance(patrol.path, PathFile):
            try:
                patrol_line(patrol, scenario.source_dir)
            except ScenarioError as error:
                problems += error.problems
    return problems


def layer_problem(scenario: Scenario, source: str, error: LayerError) -> Problem:
    """A road or closure layer's error as a problem of the scenario, under its key.

    The readers' messages start with the layer's path; that tells which key named it.
    """
    ground, folder = scenario.ground, scenario.source_dir
    named = [(f"ground.closures[{i}]", path) for i, path in enumerate(ground.closures)]
    if ground.roads:
        named.insert(0, ("ground.roads", ground.roads))
    message = str(error)
    for key, written in named:
        for path in (folder / written, (folder / written).resolve()):  # readers name either
            prefix = located(path, "")  # the readers' own words: ``path: `` or ``path : ``
            if message.startswith(prefix):
                return Problem(source, key, written, message[len(prefix) :])
    return Problem(source, "ground.roads", ground.roads, message)


def format_json(result: CheckResult) -> str:
    """The spec's JSON document; a number that is not finite is written ``null``, never
    ``Infinity`` (which is not JSON)."""
    return json.dumps(json_safe(result.to_json()), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def json_safe(value: Any) -> Any:
    """``value`` with every infinite or NaN float replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


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
    """A terminal table: one line per site, failing legs marked, then why they fail, in the
    current language (:mod:`medevac.i18n`), numbers as its locale writes them."""
    legs = result.legs
    doc = result.to_json()
    text = messages.check_table_text
    headers = [
        text("site"),
        *(
            i18n.format_template(
                "{leg} (<= {limit})", leg=messages.leg_text(leg), limit=doc["thresholds"][leg]
            )
            for leg in legs
        ),
        text("verdict"),
    ]
    body = []
    for row in doc["sites"]:
        cells = [row["site_id"]]
        for leg in legs:
            value = row[f"{leg}_min"]
            cell = text("none") if value is None else i18n.format_decimal(value, 1, grouping=False)
            cells.append(cell if row["meets"][leg] else f"{cell} !")
        cells.append(text("meets_all") if row["meets_all"] else text("gap"))
        body.append(cells)
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    condition = messages.condition_text(result.light, result.season)
    title = text("title", scenario=doc["scenario"], standard=doc["standard"], condition=condition)
    lines = [title, "", line(headers), line(["-" * w for w in widths]), *(line(r) for r in body)]
    gaps = [r for r in doc["sites"] if not r["meets_all"]]
    if gaps:
        lines += ["", text("why")]
        lines += ["  " + text("site_why", site=r["site_id"], why=r["limiting_factor"]) for r in gaps]
    if doc["patrols"]:
        lines += ["", text("patrols")]
        for patrol in doc["patrols"]:
            shares = ", ".join(
                f"{messages.leg_text(leg)} {i18n.format_percent(patrol['share_meeting'][leg])}"
                for leg in legs
            )
            lines.append("  " + text("patrol_shares", patrol=patrol["patrol_id"], shares=shares))
    s = doc["summary"]
    lines += [
        "",
        text(
            "summary",
            sites_meeting=s["sites_meeting_all"],
            sites=s["sites"],
            personnel_meeting=s["personnel_meeting_all"],
            personnel=s["personnel"],
        ),
    ]
    return "\n".join(lines) + "\n"


_FORMATS = {"json": format_json, "csv": format_csv, "table": format_table}


def main_exit() -> None:
    """Entry point of the installed ``medevac`` command."""
    sys.exit(main())


if __name__ == "__main__":
    main_exit()
