"""The mission area and its grid of square cells, each a possible point of wounding.

Cells are laid out in a Lambert azimuthal equal-area projection centred on the area, so
every cell has the same true area (``cell_km ** 2``) and the grid is also a raster (for
GeoTIFFs and for tracing isochrones). Cells are handed to the engine by their centres in
WGS84; their polygons are built only when exported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from medevac.errors import LayerError, MedevacError, Problem
from medevac.geo import FloatArray
from medevac.i18n import N_, format_template, gettext
from medevac.layers import POLYGON_TYPES, read_layer_wgs84
from medevac.model import Scenario
from medevac.patrols import patrol_line
from medevac.timeline import BoolArray, IntArray, WoundingPoints

WGS84_CRS = CRS.from_epsg(4326)

HULL_BUFFER_KM = 50.0
"""Default margin around the scenario's points when no area polygon is given."""

_SEGMENT_DEG = 0.05
"""Longest polygon edge (degrees) carried between WGS84 and the projection unbent."""

MAX_CELLS = 5_000_000
"""Largest grid accepted: beyond this a run takes minutes and output files get unwieldy."""

MAX_BUFFER_KM = 2_000.0
"""Widest margin around the scenario's points (a continent; more distorts the projection)."""

MAX_AREA_KM2 = 100_000_000.0
"""Largest mission area: a fifth of the Earth (one equal-area map of it stays sound)."""


class CoverageInputError(ValueError, MedevacError):
    """An argument or input file of a coverage run that cannot be used."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def equal_area_crs(lat_deg: float, lon_deg: float) -> CRS:
    """Lambert azimuthal equal-area on WGS84, centred on a point (metres)."""
    return CRS.from_proj4(f"+proj=laea +lat_0={lat_deg:.6f} +lon_0={lon_deg:.6f} +datum=WGS84 +units=m")


def _to(crs_from: CRS, crs_to: CRS) -> Transformer:
    """The transformer between two CRSs (x = lon), made once: making one costs tens of
    milliseconds, and a coverage run asks for the same two dozens of times."""
    return _transformer(crs_from.srs, crs_to.srs)


@lru_cache(maxsize=64)
def _transformer(srs_from: str, srs_to: str) -> Transformer:
    # Shared between threads (Streamlit sessions): pyproj's transformers are thread-safe.
    return Transformer.from_crs(CRS.from_user_input(srs_from), CRS.from_user_input(srs_to), always_xy=True)


def _mean_position(lat_deg: FloatArray, lon_deg: FloatArray) -> tuple[float, float]:
    """Centre of points on the sphere (mean of unit vectors): safe across the antimeridian."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    x, y, z = (np.cos(lat) * np.cos(lon)).mean(), (np.cos(lat) * np.sin(lon)).mean(), np.sin(lat).mean()
    return float(np.degrees(np.arctan2(z, np.hypot(x, y)))), float(np.degrees(np.arctan2(y, x)))


@dataclass(frozen=True)
class MissionArea:
    """The area to map: one (multi)polygon, in WGS84 and in its equal-area projection."""

    crs: CRS
    polygon_m: BaseGeometry
    polygon_deg: BaseGeometry

    @property
    def area_km2(self) -> float:
        return float(self.polygon_m.area) / 1e6

    @property
    def centre_lon(self) -> float:
        """Longitude the projection is centred on: longitudes are unwrapped around it."""
        return _centre_lon(self.crs)

    def to_wgs84(self, geometry_m: BaseGeometry) -> BaseGeometry:
        """A geometry of the area's projection in WGS84 degrees: see :func:`to_wgs84`."""
        return to_wgs84(geometry_m, self.crs)

    def check(self, what: str) -> MissionArea:
        """The area itself, or :class:`CoverageInputError` when one map cannot hold it."""
        _refuse_poles(self.crs, self.polygon_m, 0.0)
        coordinates = shapely.get_coordinates(self.polygon_deg)
        if self.polygon_m.is_empty or not np.isfinite(coordinates).all():
            raise CoverageInputError(
                Problem(
                    what,
                    "",
                    gettext("an area reaching the far side of the Earth"),
                    gettext("an area within a hemisphere"),
                )
            )
        if self.area_km2 > MAX_AREA_KM2:
            raise CoverageInputError(
                Problem(
                    what,
                    "",
                    format_template(gettext("{area_km2:,.0f} km2"), area_km2=self.area_km2),
                    format_template(
                        gettext("an area of at most {limit_km2:,.0f} km2"), limit_km2=MAX_AREA_KM2
                    ),
                )
            )
        return self

    @classmethod
    def from_polygon(cls, polygon_deg: BaseGeometry) -> MissionArea:
        """An area given in WGS84 degrees (x = lon, y = lat)."""
        boundary = np.asarray(shapely.get_coordinates(polygon_deg))
        lat, lon = _mean_position(boundary[:, 1], boundary[:, 0])
        crs = equal_area_crs(lat, lon)
        # Edges are straight in degrees (as GIS tools draw them): keep them so once projected.
        dense_deg = shapely.segmentize(polygon_deg, _SEGMENT_DEG)
        polygon_m = shapely.transform(dense_deg, _xy(_to(WGS84_CRS, crs)))
        return cls(crs, shapely.make_valid(polygon_m), polygon_deg).check("--area")

    @classmethod
    def around(
        cls, lat_deg: FloatArray, lon_deg: FloatArray, buffer_km: float = HULL_BUFFER_KM
    ) -> MissionArea:
        """The convex hull of points, widened by ``buffer_km`` (measured in the projection)."""
        if not 0 <= buffer_km <= MAX_BUFFER_KM:  # also refuses NaN
            raise CoverageInputError(Problem("--buffer-km", "", buffer_km, buffer_allowed()))
        lat, lon = _mean_position(lat_deg, lon_deg)
        crs = equal_area_crs(lat, lon)
        x_m, y_m = _to(WGS84_CRS, crs).transform(lon_deg, lat_deg)
        hull = shapely.multipoints(np.column_stack([x_m, y_m])).convex_hull
        polygon_m = hull.buffer(buffer_km * 1000.0, quad_segs=16)
        _refuse_poles(crs, polygon_m, 0.0)
        polygon_deg = to_wgs84(shapely.segmentize(polygon_m, 5000.0), crs)
        return cls(crs, polygon_m, polygon_deg).check("the scenario's area")


def _xy(transformer: Transformer, centre_lon: float | None = None):  # type: ignore[no-untyped-def]
    """A coordinate function for :func:`shapely.transform` from a pyproj transformer.

    With ``centre_lon`` (to WGS84), longitudes are unwrapped to within 180 degrees of it.
    """

    def apply(xy: FloatArray) -> FloatArray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        if centre_lon is not None:
            x = unwrap_lon(np.asarray(x), centre_lon)
        return np.column_stack([x, y])

    return apply


def _centre_lon(crs: CRS) -> float:
    """Longitude of the projection's natural origin (EPSG parameter 8802), else 0."""
    operation = crs.coordinate_operation
    params = operation.params if operation is not None else []
    return next((float(p.value) for p in params if p.code == "8802"), 0.0)


def to_wgs84(geometry_m: BaseGeometry, crs: CRS) -> BaseGeometry:
    """A geometry of a projection centred on a point, in WGS84 degrees (x = lon).

    Longitudes are continuous around the centre (within 180 degrees of it), so an area
    across the antimeridian has longitudes past 180 (or -180) rather than parts drawn round
    the globe. GeoJSON files cut such geometries at 180 (:func:`medevac.export.save_layers`).
    """
    return shapely.transform(geometry_m, _xy(_to(crs, WGS84_CRS), _centre_lon(crs)))


def unwrap_lon(lon_deg: FloatArray, centre_lon: float) -> FloatArray:
    """Longitudes shifted by whole turns to lie within 180 degrees of ``centre_lon``.

    >>> unwrap_lon(np.array([-179.0, 179.0]), 180.0).tolist()
    [181.0, 179.0]
    """
    return np.asarray(centre_lon + (lon_deg - centre_lon + 180.0) % 360.0 - 180.0)


def scenario_points(scenario: Scenario) -> tuple[FloatArray, FloatArray]:
    """Every location of a scenario: facilities, airframe bases, sites and patrol vertices."""
    lat = [f.lat for f in scenario.facilities] + [s.lat for s in scenario.sites]
    lon = [f.lon for f in scenario.facilities] + [s.lon for s in scenario.sites]
    for airframe in scenario.airframes:
        base = scenario.base_location(airframe)
        lat.append(base.lat)
        lon.append(base.lon)
    lats, lons = [np.array(lat, dtype=np.float64)], [np.array(lon, dtype=np.float64)]
    for patrol in scenario.patrols:
        patrol_lat, patrol_lon = patrol_line(patrol, scenario.source_dir)
        lats.append(patrol_lat)
        lons.append(patrol_lon)
    return np.concatenate(lats), np.concatenate(lons)


def buffer_allowed() -> str:
    """What ``--buffer-km`` allows, in the current language."""
    return format_template(gettext("a margin in km from 0 to {limit_km:,.0f}"), limit_km=MAX_BUFFER_KM)


def cell_size_allowed() -> str:
    """What ``--cell-km`` allows, in the current language."""
    return gettext("a cell size in km greater than 0")


def scenario_area(scenario: Scenario, buffer_km: float = HULL_BUFFER_KM) -> MissionArea:
    """The default mission area: the hull of the scenario's points, buffered."""
    lat, lon = scenario_points(scenario)
    if len(lat) == 0:
        raise CoverageInputError(
            Problem(
                "<scenario>",
                "",
                gettext("no locations"),
                gettext("facilities, sites or patrols to draw an area around"),
            )
        )
    return MissionArea.around(lat, lon, buffer_km)


def read_polygons(path: str | Path, what: str) -> BaseGeometry:
    """The union of the polygons of a vector file, in WGS84 (an area or no-landing zones)."""

    def fail(value: object, allowed: str) -> CoverageInputError:
        return CoverageInputError(Problem(str(path), what, value, allowed))

    if not Path(path).is_file():
        raise fail(gettext("no such file"), gettext("a polygon layer (GeoPackage, GeoJSON, shapefile)"))
    try:
        geometry = read_layer_wgs84(Path(path), POLYGON_TYPES, "polygon").geometry
    except LayerError as error:
        raise fail(Path(path).name, str(error)) from None
    union = shapely.union_all(shapely.make_valid(np.asarray(geometry.array)))
    if union.is_empty or union.area == 0:
        raise fail(gettext("empty polygons"), gettext("polygons with an area"))
    return union


def _refuse_poles(crs: CRS, polygon_m: BaseGeometry, margin_m: float) -> None:
    """Maps are drawn in longitude and latitude, where a pole is a line, not a point: an area
    around a pole (or with a cell of its edge over one) cannot be drawn, so it is refused."""
    x_m, y_m = _to(WGS84_CRS, crs).transform([0.0, 0.0], [90.0, -90.0])
    over = {"North": N_("an area over the North Pole"), "South": N_("an area over the South Pole")}
    near = {
        "North": N_("an area within a cell of the North Pole"),
        "South": N_("an area within a cell of the South Pole"),
    }
    for name, x, y in zip(("North", "South"), x_m, y_m, strict=True):
        if np.isfinite(x) and polygon_m.distance(shapely.Point(x, y)) <= margin_m:
            found = gettext((over if margin_m == 0 else near)[name])
            raise CoverageInputError(
                Problem(
                    gettext("the mission area"),
                    "",
                    found,
                    gettext(
                        "an area away from the poles (coverage maps are drawn in longitude and latitude)"
                    ),
                )
            )


@dataclass(frozen=True)
class Grid:
    """Square cells of ``cell_km`` in the area's equal-area projection, kept where their
    centre lies inside the area.

    The full raster is ``n_rows x n_cols`` with its north-west corner at ``(west_m,
    north_m)``; ``row`` and ``col`` place each kept cell in it. ``landing`` is false for
    cells inside a no-landing zone.
    """

    area: MissionArea
    cell_km: float
    west_m: float
    north_m: float
    n_rows: int
    n_cols: int
    row: IntArray
    col: IntArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    landing: BoolArray

    def __len__(self) -> int:
        return len(self.row)

    @property
    def cell_m(self) -> float:
        return self.cell_km * 1000.0

    @property
    def cell_area_km2(self) -> float:
        return self.cell_km**2

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL-style affine of the raster: ``(a, b, c, d, e, f)`` with x = a*col + b*row + c."""
        return (self.cell_m, 0.0, self.west_m, 0.0, -self.cell_m, self.north_m)

    def points(self) -> WoundingPoints:
        """Cells as points of wounding: first responders there, landing unless a zone forbids."""
        points = WoundingPoints.uniform(self.lat_deg, self.lon_deg, first_responders=True, hls=True)
        return replace(points, hls=self.landing.copy())

    def raster(self, values: FloatArray, outside: float = np.nan) -> FloatArray:
        """Cell values as a ``(n_rows, n_cols)`` array, ``outside`` where no cell is kept."""
        out = np.full((self.n_rows, self.n_cols), outside, dtype=np.asarray(values).dtype)
        out[self.row, self.col] = values
        return out

    def polygons_deg(self) -> FloatArray:
        """Each cell's square as a WGS84 polygon (corners transformed, edges straight).

        Longitudes are continuous around the area's centre (:func:`to_wgs84`): a cell
        across the antimeridian is a small square past 180, not a band round the globe.
        """
        to_deg = _to(self.area.crs, WGS84_CRS)
        x_m = self.west_m + np.array([self.col, self.col + 1, self.col + 1, self.col]) * self.cell_m
        y_m = self.north_m - np.array([self.row, self.row, self.row + 1, self.row + 1]) * self.cell_m
        lon, lat = to_deg.transform(x_m, y_m)  # (4, cells)
        lon = unwrap_lon(np.asarray(lon), self.area.centre_lon)
        rings = np.stack([lon.T, np.asarray(lat).T], axis=-1)  # (cells, 4, 2)
        return np.asarray(shapely.polygons(np.concatenate([rings, rings[:, :1]], axis=1)))


def grid_over(area: MissionArea, cell_km: float, no_landing_deg: BaseGeometry | None = None) -> Grid:
    """Cells of ``cell_km`` over an area, aligned on the area's bounds.

    >>> import shapely
    >>> area = MissionArea.from_polygon(shapely.box(0.0, 0.0, 0.2, 0.2))  # 22.1 x 22.1 km: 12 x 12 cells
    >>> grid = grid_over(area, 2.0)
    >>> len(grid), grid.cell_area_km2
    (144, 4.0)
    """
    if not (np.isfinite(cell_km) and cell_km > 0):
        raise CoverageInputError(Problem("--cell-km", "", cell_km, cell_size_allowed()))
    cell_m = cell_km * 1000.0
    west_m, south_m, east_m, north_m = area.polygon_m.bounds
    extent_km = max(east_m - west_m, north_m - south_m) / 1000.0
    if cell_km > extent_km:
        raise CoverageInputError(
            Problem(
                "--cell-km",
                "",
                cell_km,
                format_template(
                    gettext("a cell size at most the area's extent ({extent_km:,.1f} km)"),
                    extent_km=extent_km,
                ),
            )
        )
    _refuse_poles(area.crs, area.polygon_m, 1.5 * cell_m)
    n_cols = max(1, int(np.ceil((east_m - west_m) / cell_m)))
    n_rows = max(1, int(np.ceil((north_m - south_m) / cell_m)))
    expected = area.area_km2 / cell_km**2
    if n_rows * n_cols > 4 * MAX_CELLS or expected > MAX_CELLS:
        raise CoverageInputError(
            Problem(
                "--cell-km",
                "",
                cell_km,
                format_template(
                    gettext(
                        "a cell size giving at most {limit:,} cells over {area_km2:,.0f} km2 "
                        "(this one gives about {expected:,.0f}; try {cell_km:.2g} km or more)"
                    ),
                    limit=MAX_CELLS,
                    area_km2=area.area_km2,
                    expected=expected,
                    cell_km=float(np.sqrt(area.area_km2 / MAX_CELLS)),
                ),
            )
        )
    # Centre the raster on the area's bounds so edge cells are trimmed evenly.
    west_m -= (n_cols * cell_m - (east_m - west_m)) / 2
    north_m += (n_rows * cell_m - (north_m - south_m)) / 2
    rows, cols = [], []
    shapely.prepare(area.polygon_m)  # a cache inside the geometry: its value is unchanged
    band = max(1, 2_000_000 // n_cols)  # rows tested at once: bounds memory
    for start in range(0, n_rows, band):
        r, c = np.divmod(np.arange(start * n_cols, min(n_rows, start + band) * n_cols), n_cols)
        inside = shapely.contains_xy(
            area.polygon_m, west_m + (c + 0.5) * cell_m, north_m - (r + 0.5) * cell_m
        )
        rows.append(r[inside])
        cols.append(c[inside])
    row = np.concatenate(rows).astype(np.intp)
    col = np.concatenate(cols).astype(np.intp)
    x_m = west_m + (col + 0.5) * cell_m
    y_m = north_m - (row + 0.5) * cell_m
    lon, lat = _to(area.crs, WGS84_CRS).transform(x_m, y_m)
    landing = np.ones(len(row), dtype=bool)
    if no_landing_deg is not None:
        zones_m = shapely.transform(no_landing_deg, _xy(_to(WGS84_CRS, area.crs)))
        landing = ~shapely.contains_xy(zones_m, x_m, y_m)
    return Grid(
        area=area,
        cell_km=float(cell_km),
        west_m=float(west_m),
        north_m=float(north_m),
        n_rows=n_rows,
        n_cols=n_cols,
        row=row,
        col=col,
        lat_deg=np.asarray(lat, dtype=np.float64),
        lon_deg=np.asarray(lon, dtype=np.float64),
        landing=np.asarray(landing, dtype=bool),
    )
