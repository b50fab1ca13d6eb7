"""Isochrones: the cells meeting a leg, and time bands, as dissolved WGS84 polygons.

The grid is a raster in its equal-area projection, so the cells of a mask are traced into
polygons along cell edges (:func:`rasterio.features.shapes`, 4-connected: diagonal
neighbours meet at a point, which keeps every ring simple). Edges are densified to the
cell size before going to WGS84, so a polygon's true area stays the cells' count times the
cell area, and holes (pockets that fail inside an area that meets) are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import shapely
from rasterio.features import shapes
from rasterio.transform import Affine
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from medevac.check import reported_min
from medevac.coverage.grid import Grid
from medevac.coverage.surface import Coverage, Surface
from medevac.export import single_parts
from medevac.standards import Leg
from medevac.timeline import BoolArray

BAND_EDGES_MIN: tuple[float, ...] = (30.0, 60.0, 90.0, 120.0)
"""Upper edges of the time bands; the last band is everything over the last edge."""

BAND_LEGS: tuple[Leg, ...] = ("resuscitation", "surgery")
"""Legs drawn as time bands (first aid is on site almost everywhere: one band)."""


@dataclass(frozen=True)
class Isochrone:
    """One dissolved polygon: where a leg is met, or where its time falls in a band.

    ``lower_min < reported time <= upper_min``; ``kind`` is ``"meets"`` for the leg's
    threshold (``lower_min`` is then ``-inf``) and ``"band"`` for a time band. Cells where
    no pathway delivers the leg fall in the last band (``upper_min`` is ``inf``).
    """

    light: str
    season: str
    leg: Leg
    kind: str
    lower_min: float
    upper_min: float
    cells: int
    area_km2: float
    geometry: BaseGeometry

    @property
    def label(self) -> str:
        if self.kind == "meets":
            return f"<= {self.upper_min:g} min"
        if not np.isfinite(self.upper_min):
            return f"over {self.lower_min:g} min"
        return f"{max(self.lower_min, 0):g}-{self.upper_min:g} min"


def mask_polygon(grid: Grid, mask: BoolArray) -> BaseGeometry:
    """The union of the masked cells as a valid WGS84 multipolygon (x = lon).

    An empty mask gives an empty polygon.
    """
    if not mask.any():
        return MultiPolygon()
    raster = grid.raster(mask.astype(np.uint8), outside=0)
    transform = Affine(*grid.transform)
    parts = [
        _polygon(geometry["coordinates"])
        for geometry, value in shapes(raster, mask=raster.astype(bool), connectivity=4, transform=transform)
        if value == 1
    ]
    projected = shapely.segmentize(MultiPolygon(parts), grid.cell_m)
    polygon = grid.area.to_wgs84(projected)  # continuous longitudes across the antimeridian
    if not polygon.is_valid:
        # make_valid may give a collection (lines where a ring touched itself): keep areas.
        polygon = shapely.make_valid(polygon)
    # One geometry type per layer, as GIS formats expect.
    polygons = [p for p in single_parts(polygon) if isinstance(p, Polygon) and not p.is_empty]
    return MultiPolygon(polygons)


def _polygon(rings: list[list[tuple[float, float]]]) -> Polygon:
    """A traced polygon from its GeoJSON rings, through arrays (shapely reads a list of
    tuples point by point, in Python)."""
    shell, *holes = (np.asarray(ring, dtype=np.float64) for ring in rings)
    return Polygon(shell, holes)


def isochrones(result: Coverage, band_edges_min: tuple[float, ...] = BAND_EDGES_MIN) -> list[Isochrone]:
    """For each surface: where each leg is met, then time bands of the band legs."""
    out = []
    cell_km2 = result.grid.cell_area_km2
    for surface in result.surfaces:
        for leg, kind, lower, upper, mask in _masks(result, surface, band_edges_min):
            count = int(mask.sum())
            polygon = mask_polygon(result.grid, mask)
            out.append(
                Isochrone(
                    surface.light, surface.season, leg, kind, lower, upper, count, count * cell_km2, polygon
                )
            )
    return out


def _masks(
    result: Coverage, surface: Surface, band_edges_min: tuple[float, ...]
) -> Iterator[tuple[Leg, str, float, float, BoolArray]]:
    """(leg, kind, lower, upper, cells) of each isochrone of one surface."""
    for i, leg in enumerate(result.legs):
        yield leg, "meets", -np.inf, result.standard.thresholds_min[leg], surface.meets[i]
    reported = reported_min(surface.times.time_min)
    edges = (-np.inf, *band_edges_min, np.inf)
    for leg in BAND_LEGS:
        if leg in result.legs:
            times = reported[result.legs.index(leg)]
            for lower, upper in pairwise(edges):
                yield leg, "band", lower, upper, (times > lower) & (times <= upper)
