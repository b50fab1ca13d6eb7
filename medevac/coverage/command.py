"""``medevac coverage``: arguments and the run, kept here so the CLI only dispatches.

Heavy imports (geopandas, rasterio) happen when the command runs, not when ``medevac``
starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from medevac.i18n import format_template, gettext

if TYPE_CHECKING:
    from medevac.coverage.surface import Coverage
    from medevac.model import Scenario

PROGRESS_FROM_CELLS = 50_000
"""Runs evaluating at least this many cells (over all conditions) show progress on stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from medevac.cli import light_and_season_arguments, scenario_argument

    scenario_argument(parser)
    parser.add_argument(
        "--cell-km", type=float, required=True, metavar="KM", help=gettext("cell size in km (e.g. 2)")
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar=gettext("OUT"),
        help=gettext("a .gpkg file, or a folder for one GeoJSON file per layer"),
    )
    light_and_season_arguments(parser)
    parser.add_argument(
        "--all-conditions",
        action="store_true",
        help=gettext("day and night, dry and wet: all four combinations"),
    )
    parser.add_argument(
        "--area",
        metavar=gettext("FILE"),
        help=gettext("polygon layer of the mission area (default: hull of the scenario)"),
    )
    parser.add_argument(
        "--buffer-km",
        type=float,
        default=50.0,
        metavar="KM",
        help=gettext("margin around the scenario's hull (default 50)"),
    )
    parser.add_argument(
        "--no-landing",
        metavar=gettext("FILE"),
        help=gettext("polygon layer of zones where no aircraft may land"),
    )
    parser.add_argument(
        "--exact",
        action="store_true",
        help=gettext("every cell through the exact engine (the same reported minutes and verdicts; slower)"),
    )
    parser.add_argument("--force", action="store_true", help=gettext("overwrite existing output files"))


def run(scenario: Scenario, args: argparse.Namespace) -> int:
    """Build the grid, compute the surfaces, write the layers, print a summary."""
    from medevac.coverage.grid import (
        MAX_BUFFER_KM,
        CoverageInputError,
        MissionArea,
        buffer_allowed,
        grid_over,
        read_polygons,
        scenario_area,
    )
    from medevac.coverage.layers import LAYER_NAMES, check_target, raster_paths, write_coverage
    from medevac.coverage.surface import CONDITIONS, coverage
    from medevac.errors import Problem
    from medevac.export import vector_paths
    from medevac.files import check_outputs, ensure_writable
    from medevac.i18n import format_template, gettext

    target = Path(args.out)
    if args.all_conditions and (args.light or args.season):
        raise CoverageInputError(
            Problem(
                "--all-conditions",
                "",
                gettext("with --light/--season"),
                gettext("either --all-conditions or overrides"),
            )
        )
    if not 0 <= args.buffer_km <= MAX_BUFFER_KM:  # also refuses NaN
        raise CoverageInputError(Problem("--buffer-km", "", args.buffer_km, buffer_allowed()))
    check_target(target)
    # Refuse early, before a long run, if the layers are already there or cannot be written
    # (rasters, named by the conditions computed, are checked below).
    check_outputs(vector_paths(target, LAYER_NAMES), force=args.force)
    if args.area:
        area = MissionArea.from_polygon(read_polygons(args.area, "--area"))
    else:
        area = scenario_area(scenario, args.buffer_km)
    no_landing = read_polygons(args.no_landing, "--no-landing") if args.no_landing else None
    grid = grid_over(area, args.cell_km, no_landing)
    if len(grid) == 0:
        raise CoverageInputError(
            Problem(
                "--cell-km",
                "",
                args.cell_km,
                format_template(
                    gettext("cells smaller than the area ({area_km2:,.1f} km2)"), area_km2=area.area_km2
                ),
            )
        )
    if args.all_conditions:
        conditions = CONDITIONS
    else:
        conditions = ((args.light or scenario.conditions.light, args.season or scenario.conditions.season),)
    show = len(grid) * len(conditions) >= PROGRESS_FROM_CELLS
    result = coverage(
        scenario,
        grid,
        conditions=conditions,
        exact_distances=args.exact,
        progress=_progress_line if show else None,
    )
    if show:
        print(file=sys.stderr)
    ensure_writable(raster_paths(result, target).values(), force=args.force)
    written = write_coverage(result, target, force=args.force)
    print(summary_text(result))
    print(format_template(gettext("wrote {paths}"), paths=", ".join(str(p) for p in written)))
    return 0


def _progress_line(done: int, total: int) -> None:
    end = "" if sys.stderr.isatty() else "\n"
    line = format_template(
        gettext("cells {done:,}/{total:,} ({share:.0%})"), done=done, total=total, share=done / total
    )
    print(f"\r{line}", end=end, file=sys.stderr, flush=True)


def summary_text(result: Coverage) -> str:
    """Shares of area, personnel and patrol length meeting each leg, per conditions, in the
    current language."""
    from medevac import messages

    grid = result.grid
    lines = [
        format_template(
            gettext("{scenario}: {standard}, {cells:,} cells of {cell_km:g} km over {area_km2:,.0f} km2"),
            scenario=result.scenario.name,
            standard=result.standard.name,
            cells=len(grid),
            cell_km=grid.cell_km,
            area_km2=len(grid) * grid.cell_area_km2,
        )
    ]
    for surface in result.surfaces:
        lines.append(
            format_template(
                gettext("{condition}:"), condition=messages.condition_text(surface.light, surface.season)
            )
        )
        area, personnel = surface.area_share(), surface.personnel_share()
        for leg in result.legs:
            share = personnel[leg]
            people = (
                gettext("no personnel")
                if share is None
                else format_template(gettext("{share:.0%} of site personnel"), share=share)
            )
            lines.append(
                "  "
                + format_template(
                    gettext("{leg}: {share:.0%} of the area, {people}"),
                    leg=messages.leg_text(leg),
                    share=area[leg],
                    people=people,
                )
            )
        for patrol in surface.check.patrols:
            shares = patrol.share_meeting(result.legs)
            text = ", ".join(
                format_template("{leg} {share:.0%}", leg=messages.leg_text(leg), share=shares[leg])
                for leg in result.legs
            )
            lines.append(
                "  "
                + format_template(
                    gettext("patrol {patrol}: {shares} of its length"), patrol=patrol.patrol_id, shares=text
                )
            )
    return "\n".join(lines)
