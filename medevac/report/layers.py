"""The report's GeoPackage: sites with their results, facilities, airframe bases,
isochrones and failing patrol stretches, all in WGS84 (EPSG:4326) for QGIS, each with its
QGIS style in the ``layer_styles`` table (:mod:`medevac.report.styles`).

Isochrones and patrol stretches come from :mod:`medevac.coverage` (the same engine over a
grid of cells), written with :func:`medevac.export.write_layers`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from medevac.coverage.grid import Grid, grid_over, scenario_area
from medevac.coverage.layers import isochrones_frame, patrol_gaps_frame
from medevac.coverage.surface import coverage
from medevac.export import save_layers
from medevac.files import atomic_outputs
from medevac.ground import uncached
from medevac.model import Scenario
from medevac.report.analysis import ReportData
from medevac.report.styles import LayerStyle, report_styles, save_layer_styles
from medevac.report.summary import CONDITIONS

CRS = "EPSG:4326"
LAYER_NAMES = ("sites", "facilities", "airframe_bases", "isochrones", "patrol_gaps")

TARGET_CELLS = 6_000
"""Cells of the isochrone grid per condition: fine enough to read at mission scale, cheap."""
MIN_CELL_KM = 2.0


def isochrone_cell_km(scenario: Scenario) -> float:
    """A cell size giving about :data:`TARGET_CELLS` cells over the scenario's area."""
    area_km2 = scenario_area(scenario).area_km2
    return max(MIN_CELL_KM, round(math.sqrt(area_km2 / TARGET_CELLS), 1))


def isochrone_grid(scenario: Scenario, cell_km: float | None = None) -> Grid:
    """The grid of the report's isochrones: checked (``--cell-km``) before any work."""
    return grid_over(scenario_area(scenario), cell_km or isochrone_cell_km(scenario))


def sites_frame(data: ReportData) -> gpd.GeoDataFrame:
    """The per-site table (sorted by shortfall) as points."""
    frame = data.table.copy()
    by_id = {s.id: s for s in data.scenario.sites}
    geometry = [Point(by_id[i].lon, by_id[i].lat) for i in frame["site_id"]]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def facilities_frame(data: ReportData) -> gpd.GeoDataFrame:
    rows = [
        {
            "facility_id": f.id,
            "name": f.name or "",
            "level": f.level,
            "helipad": f.helipad,
            "airstrip": f.airstrip,
            "ground_team": f.ground_team,
            "geometry": Point(f.lon, f.lat),
        }
        for f in data.scenario.facilities
    ]
    columns = ["facility_id", "name", "level", "helipad", "airstrip", "ground_team", "geometry"]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


def bases_frame(data: ReportData) -> gpd.GeoDataFrame:
    scenario = data.scenario
    rows = []
    for airframe in scenario.airframes:
        base = scenario.base_location(airframe)
        rows.append(
            {
                "airframe_id": airframe.id,
                "type": airframe.type,
                "kind": airframe.kind,
                "base": airframe.base if isinstance(airframe.base, str) else "",
                "cruise_kmh": airframe.cruise_kmh,
                "range_km": airframe.range_km,
                "launch_day_min": airframe.launch.day,
                "launch_night_min": airframe.launch.minutes("night"),
                "night": airframe.night,
                "medical_team": airframe.medical_team,
                "available": airframe.available,
                "geometry": Point(base.lon, base.lat),
            }
        )
    columns = [
        "airframe_id",
        "type",
        "kind",
        "base",
        "cruise_kmh",
        "range_km",
        "launch_day_min",
        "launch_night_min",
        "night",
        "medical_team",
        "available",
        "geometry",
    ]
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=CRS)


def layer_frames(data: ReportData, cell_km: float | None = None, grid: Grid | None = None) -> dict[str, Any]:
    """Every layer of the GeoPackage, keyed by layer name (isochrones over ``grid``)."""
    grid = grid or isochrone_grid(data.scenario, cell_km)
    router = uncached(data.result.engine.router)  # grid matrices are used once: a cache only costs
    surfaces = coverage(data.scenario, grid, conditions=CONDITIONS, router=router)
    return {
        "sites": sites_frame(data),
        "facilities": facilities_frame(data),
        "airframe_bases": bases_frame(data),
        "isochrones": isochrones_frame(surfaces),
        "patrol_gaps": patrol_gaps_frame(surfaces),
    }


def layer_styles(data: ReportData) -> dict[str, LayerStyle]:
    """The QGIS style of each layer (:mod:`medevac.report.styles`), for ``layer_styles``."""
    return report_styles(data.result.legs, [f.level for f in data.scenario.facilities], data.condition)


def write_geopackage(data: ReportData, path: Path, *, force: bool, cell_km: float | None = None) -> Path:
    """Write every layer, with its QGIS style, to ``path`` atomically (refused if it
    exists, unless ``force``)."""
    frames = layer_frames(data, cell_km)
    with atomic_outputs([path], force=force) as temporary:
        save_layers(path, frames, temporary)
        save_layer_styles(temporary[path], layer_styles(data))
    return path
