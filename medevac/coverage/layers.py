"""Coverage results as GIS layers and files: cells, isochrones, failing patrol stretches,
and one GeoTIFF per leg's time surface.

Column names carry the leg, the unit and the conditions, e.g. ``surgery_min_night_wet``,
so one cells layer holds every (light, season) computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from medevac.check import reported_min
from medevac.coverage.grid import WGS84_CRS, unwrap_lon
from medevac.coverage.polygons import isochrones
from medevac.coverage.surface import Coverage
from medevac.export import GEOPACKAGE_SUFFIX, save_geotiff, save_layers, vector_paths
from medevac.files import atomic_outputs, ensure_writable
from medevac.i18n import format_template, gettext
from medevac.standards import Leg

__all__ = [
    "LAYER_NAMES",
    "band_description",
    "cells_frame",
    "check_target",
    "isochrones_frame",
    "patrol_gaps_frame",
    "raster_paths",
    "write_coverage",
]
from medevac.timeline import Pathway

LAYER_NAMES = ("cells", "isochrones", "patrol_gaps")


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def cells_frame(result: Coverage) -> Any:
    """One row per cell: centre, landing, and per conditions each leg's time, pathway, verdict.

    Unreachable is null (NaN), as in ``medevac check``.
    """
    import geopandas as gpd

    grid = result.grid
    columns: dict[str, Any] = {
        "cell": np.arange(len(grid)),
        "lat": grid.lat_deg,
        "lon": grid.lon_deg,
        "landing": grid.landing,
    }
    names = np.array([p.name.lower() for p in sorted(Pathway)], dtype=object)
    for surface in result.surfaces:
        reported = reported_min(surface.times.time_min)
        for i, leg in enumerate(result.legs):
            suffix = surface.label
            columns[f"{leg}_min_{suffix}"] = np.where(np.isfinite(reported[i]), reported[i], np.nan)
            columns[f"{leg}_pathway_{suffix}"] = names[surface.times.pathway[i]]
            columns[f"meets_{leg}_{suffix}"] = surface.meets[i]
    return gpd.GeoDataFrame(columns, geometry=grid.polygons_deg(), crs=WGS84_CRS)


def isochrones_frame(result: Coverage) -> Any:
    """One row per dissolved polygon: where a leg is met, and each time band."""
    import geopandas as gpd

    rows = [
        {
            "light": iso.light,
            "season": iso.season,
            "leg": iso.leg,
            "kind": iso.kind,
            "band": iso.label,
            "lower_min": _finite_or_none(iso.lower_min),
            "upper_min": _finite_or_none(iso.upper_min),
            "cells": iso.cells,
            "area_km2": iso.area_km2,
            "geometry": iso.geometry,
        }
        for iso in isochrones(result)
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84_CRS)


def patrol_gaps_frame(result: Coverage) -> Any:
    """One row per failing stretch of a patrol route (LineString, WGS84)."""
    import geopandas as gpd

    rows = [
        {
            "patrol_id": stretch.patrol_id,
            "light": surface.light,
            "season": surface.season,
            "leg": stretch.leg,
            "start_km": round(stretch.start_km, 3),
            "end_km": round(stretch.end_km, 3),
            "length_km": round(stretch.length_km, 3),
            "geometry": _unwrapped(stretch.line, result.grid.area.centre_lon),
        }
        for surface in result.surfaces
        for stretch in surface.patrol_stretches()
    ]
    columns = ["patrol_id", "light", "season", "leg", "start_km", "end_km", "length_km", "geometry"]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=WGS84_CRS)
    return frame.astype({"start_km": float, "end_km": float, "length_km": float})


def _unwrapped(line: Any, centre_lon: float) -> Any:
    """A line with longitudes continuous around the area's centre, as the other layers
    (no jump of 360 degrees where it crosses the antimeridian)."""
    import shapely

    xy = shapely.get_coordinates(line)
    xy[:, 0] = unwrap_lon(xy[:, 0], centre_lon)
    return shapely.LineString(xy)


def raster_paths(result: Coverage, target: Path) -> dict[tuple[str, str], Path]:
    """Where each (conditions, leg) GeoTIFF goes: beside a GeoPackage, or in the folder."""
    paths: dict[tuple[str, str], Path] = {}
    for surface in result.surfaces:
        for leg in result.legs:
            name = f"{leg}_{surface.label}.tif"
            if target.suffix.lower() == GEOPACKAGE_SUFFIX:
                paths[surface.label, leg] = target.with_name(f"{target.stem}_{name}")
            else:
                paths[surface.label, leg] = target / name
    return paths


def check_target(target: Path) -> None:
    """A target is a ``.gpkg`` file or a folder (for GeoJSON): say so for anything else."""
    from medevac.coverage.grid import CoverageInputError
    from medevac.errors import Problem

    if target.suffix and target.suffix.lower() != GEOPACKAGE_SUFFIX:
        raise CoverageInputError(
            Problem(
                "--out",
                "",
                str(target),
                gettext("a .gpkg file, or a folder to hold one GeoJSON file per layer"),
            )
        )
    if target.suffix.lower() == GEOPACKAGE_SUFFIX and target.is_dir():
        raise CoverageInputError(Problem("--out", "", str(target), gettext("a .gpkg file, not a folder")))
    if not target.suffix and target.exists() and not target.is_dir():
        raise CoverageInputError(
            Problem("--out", "", str(target), gettext("a folder for the GeoJSON layers"))
        )


def band_description(leg: Leg, light: str, season: str) -> str:
    """A GeoTIFF band's description, as GIS software shows it, in the current language; the
    values are data (minutes, ``inf``, nodata).

    >>> band_description("surgery", "night", "wet")
    'surgery: minutes from wounding, night, wet season (inf: no pathway; nodata: outside the area)'
    """
    from medevac import messages

    return format_template(
        gettext("{leg}: minutes from wounding, {condition} (inf: no pathway; nodata: outside the area)"),
        leg=messages.leg_text(leg),
        condition=messages.condition_text(light, season),
    )


def write_coverage(result: Coverage, target: Path, *, force: bool = False) -> list[Path]:
    """Every layer and GeoTIFF of a coverage run, put in place together (atomic: a failure
    midway leaves any old files as they were); refuses before writing if any exists."""
    check_target(target)
    rasters = raster_paths(result, target)
    paths = [*vector_paths(target, LAYER_NAMES), *rasters.values()]
    ensure_writable(paths, force=force)
    layers = {
        "cells": cells_frame(result),
        "isochrones": isochrones_frame(result),
        "patrol_gaps": patrol_gaps_frame(result),
    }
    grid = result.grid
    with atomic_outputs(paths, force=force) as temporary:
        save_layers(target, layers, temporary)
        for surface in result.surfaces:
            reported = reported_min(surface.times.time_min)
            for i, leg in enumerate(result.legs):
                save_geotiff(
                    temporary[rasters[surface.label, leg]],
                    grid.raster(reported[i]),
                    grid.transform,
                    grid.area.crs,
                    description=band_description(leg, surface.light, surface.season),
                )
    return paths
