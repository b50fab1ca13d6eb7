"""Coverage maps: 10-1-2 time surfaces over a mission area, isochrones and patrol gaps.

A grid of cells over the area (:mod:`.grid`) goes through the same engine as the site check
(:mod:`.surface`); the cells meeting each leg are traced into polygons (:mod:`.polygons`)
and everything is shaped into GIS layers (:mod:`.layers`). Names are imported on first use,
so that ``medevac`` starts without geopandas and rasterio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medevac.coverage.grid import CoverageInputError as CoverageInputError
    from medevac.coverage.grid import Grid as Grid
    from medevac.coverage.grid import MissionArea as MissionArea
    from medevac.coverage.grid import grid_over as grid_over
    from medevac.coverage.grid import read_polygons as read_polygons
    from medevac.coverage.grid import scenario_area as scenario_area
    from medevac.coverage.layers import write_coverage as write_coverage
    from medevac.coverage.polygons import Isochrone as Isochrone
    from medevac.coverage.polygons import isochrones as isochrones
    from medevac.coverage.polygons import mask_polygon as mask_polygon
    from medevac.coverage.surface import CONDITIONS as CONDITIONS
    from medevac.coverage.surface import Coverage as Coverage
    from medevac.coverage.surface import PatrolStretch as PatrolStretch
    from medevac.coverage.surface import Surface as Surface
    from medevac.coverage.surface import coverage as coverage


_HOME = {
    "CoverageInputError": "grid",
    "Grid": "grid",
    "MissionArea": "grid",
    "grid_over": "grid",
    "read_polygons": "grid",
    "scenario_area": "grid",
    "Isochrone": "polygons",
    "isochrones": "polygons",
    "mask_polygon": "polygons",
    "write_coverage": "layers",
    "CONDITIONS": "surface",
    "Coverage": "surface",
    "PatrolStretch": "surface",
    "Surface": "surface",
    "coverage": "surface",
}

__all__ = [
    "CONDITIONS",
    "Coverage",
    "CoverageInputError",
    "Grid",
    "Isochrone",
    "MissionArea",
    "PatrolStretch",
    "Surface",
    "coverage",
    "grid_over",
    "isochrones",
    "mask_polygon",
    "read_polygons",
    "scenario_area",
    "write_coverage",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"medevac.coverage.{_HOME[name]}"), name)
