"""``medevac report SCENARIO [--compare VARIANT ...] --out DIR [--force]``."""

from __future__ import annotations

import argparse

from medevac.coverage.grid import CoverageInputError, cell_size_allowed
from medevac.errors import Problem
from medevac.i18n import format_template, gettext
from medevac.model import Scenario


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from medevac.cli import scenario_argument

    scenario_argument(parser)
    parser.add_argument(
        "--out",
        required=True,
        metavar=gettext("FOLDER"),
        help=gettext(
            "folder to write report.html, report.pdf, workbook.xlsx, layers.gpkg and sites.csv into"
        ),
    )
    parser.add_argument(
        "--compare",
        nargs="+",
        action="extend",
        default=[],
        metavar=gettext("VARIANT"),
        help=gettext("variant scenario files to compare (repeat the option or list several)"),
    )
    parser.add_argument(
        "--force", action="store_true", help=gettext("overwrite existing files in the folder")
    )
    parser.add_argument(
        "--cell-km",
        type=float,
        metavar="KM",
        help=gettext("cell size of the isochrones (default: automatic)"),
    )
    parser.add_argument(
        "--no-progress", action="store_true", help=gettext("no progress bar on standard error")
    )


def run(scenario: Scenario, args: argparse.Namespace) -> int:
    """Write the report and say where, and how long it took."""
    if args.cell_km is not None and not args.cell_km > 0:
        raise CoverageInputError(Problem("--cell-km", "", args.cell_km, cell_size_allowed()))
    from medevac.report.build import load_variants, write_report

    written = write_report(
        scenario,
        args.out,
        variants=load_variants(args.compare),
        force=args.force,
        progress=not args.no_progress,
        cell_km=args.cell_km,
    )
    print(
        format_template(
            gettext("report written to {folder} in {seconds:.1f} s"), folder=args.out, seconds=written.seconds
        )
    )
    return 0
