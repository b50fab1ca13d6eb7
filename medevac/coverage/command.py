"""``medevac coverage``: arguments and the run, kept here so the CLI only dispatches.

Heavy imports (geopandas, rasterio) happen when the command runs, not when ``medevac``
starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medevac.coverage.surface import Coverage
    from medevac.model import Scenario

PROGRESS_FROM_CELLS = 50_000
"""Runs evaluating at least this many cells (over all conditions) show progress on stderr."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="scenario file (YAML, format v1)")
    parser.add_argument("--cell-km", type=float, required=True, help="cell size in km (e.g. 2)")
    parser.add_argument(
        "--out", required=True, help="a .gpkg file, or a folder for one GeoJSON file per layer"
    )
    parser.add_argument("--light", choices=("day", "night"), help="override the scenario's light")
    parser.add_argument("--season", choices=("dry", "wet"), help="override the scenario's season")
    parser.add_argument(
        "--all-conditions", action="store_true", help="day and night, dry and wet: all four combinations"
    )
    parser.add_argument("--area", help="polygon layer of the mission area (default: hull of the scenario)")
    parser.add_argument(
        "--buffer-km", type=float, default=50.0, help="margin around the scenario's hull (default 50)"
    )
    parser.add_argument("--no-landing", help="polygon layer of zones where no aircraft may land")
    parser.add_argument(
        "--exact",
        action="store_true",
        help="every cell through the exact engine (the same reported minutes and verdicts; slower)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing output files")


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
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _progress_line(done: int, total: int) -> None:
    end = "" if sys.stderr.isatty() else "\n"
    print(f"\rcells {done:,}/{total:,} ({done / total:.0%})", end=end, file=sys.stderr, flush=True)


def summary_text(result: Coverage) -> str:
    """Shares of area, personnel and patrol length meeting each leg, per conditions."""
    from medevac.standards import LEG_LABEL

    grid = result.grid
    lines = [
        f"{result.scenario.name}: {result.standard.name}, {len(grid):,} cells of {grid.cell_km:g} km "
        f"over {len(grid) * grid.cell_area_km2:,.0f} km2"
    ]
    for surface in result.surfaces:
        lines.append(f"{surface.light}, {surface.season} season:")
        area, personnel = surface.area_share(), surface.personnel_share()
        for leg in result.legs:
            people = "no personnel" if personnel[leg] is None else f"{personnel[leg]:.0%} of site personnel"
            lines.append(f"  {LEG_LABEL[leg]}: {area[leg]:.0%} of the area, {people}")
        for patrol in surface.check.patrols:
            shares = patrol.share_meeting(result.legs)
            text = ", ".join(f"{LEG_LABEL[leg]} {shares[leg]:.0%}" for leg in result.legs)
            lines.append(f"  patrol {patrol.patrol_id}: {text} of its length")
    return "\n".join(lines)
