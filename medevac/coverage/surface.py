"""Time surfaces: every cell of a grid through the same engine as the site check.

For each (light, season) the site check runs as usual (:func:`medevac.check.check`), and
the grid's cells go through the same :class:`medevac.timeline.Engine`: sites, patrol samples
and cells share one code path. By default cells go through it with fast distances (within
:data:`medevac.geo.FAST_DISTANCE_ERROR_KM` of the geodesic; range limits decided exactly),
so each time is within a bound of the exact one that the scenario's speeds give
(:func:`fast_error_min`, about 1e-5 min with a road layer); the cells whose reported
minutes that bound could change (a time that close to a rounding boundary of the 0.1 min)
are computed again by the check's exact engine. Reported minutes and verdicts are then
those of the exact computation (spec v1.1), at the cost of the fast one. With
``exact_distances`` every cell goes through the check's engine.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
from pyproj import Geod
from shapely import LineString

from medevac.check import CheckResult, PatrolResult, check, judge, make_router, reported_min
from medevac.coverage.grid import Grid
from medevac.geo import FAST_DISTANCE_ERROR_KM, WGS84, FloatArray, distance_matrix_km
from medevac.ground import GeodesicRouter, GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.patrols import Line, patrol_pieces
from medevac.results import Results
from medevac.standards import Leg, Standard
from medevac.timeline import Assets, BoolArray, Engine, IntArray, LegTimes, PointTables, WoundingPoints

Progress = Callable[[int, int], None]
"""Called with (cells done, cells in all) as a run proceeds."""

CONDITIONS: tuple[tuple[Light, Season], ...] = tuple(product(("day", "night"), ("dry", "wet")))
"""Every (light, season) combination."""

_PROGRESS_CELLS = 20_000
"""Cells handed to the engine per call when reporting progress."""


@dataclass(frozen=True)
class PatrolStretch:
    """A stretch of a patrol route where a leg fails, ``start_km`` to ``end_km`` along it."""

    patrol_id: str
    leg: Leg
    start_km: float
    end_km: float
    line: LineString

    @property
    def length_km(self) -> float:
        return self.end_km - self.start_km


@dataclass(frozen=True)
class Surface:
    """One (light, season): each leg's time and pathway at every cell, and the site check."""

    light: Light
    season: Season
    check: CheckResult  # the sites and patrols
    engine: Engine  # the engine the cells went through
    times: LegTimes  # (legs, cells)
    meets: BoolArray  # (legs, cells), judged like sites: reported time <= threshold

    @property
    def label(self) -> str:
        return f"{self.light}_{self.season}"

    def area_share(self) -> dict[Leg, float]:
        """Share of the mission area where each leg is met (cells are of equal area)."""
        cells = self.meets.shape[1]
        return {leg: float(self.meets[i].mean()) if cells else 0.0 for i, leg in enumerate(self.check.legs)}

    def personnel_share(self) -> dict[Leg, float | None]:
        """Share of the sites' personnel whose site meets each leg (``None`` with no
        personnel): read from the check's results table, as every view reads it."""
        return {
            row["leg"]: (row["personnel_meeting"] / row["personnel"]) if row["personnel"] else None
            for row in Results.of(self.check).leg_tally_records(all_legs=False)
        }

    def patrol_stretches(self) -> list[PatrolStretch]:
        """Failing stretches of every patrol, consecutive failing samples merged."""
        scenario = self.check.scenario
        stretches: list[PatrolStretch] = []
        for patrol, result in zip(scenario.patrols, self.check.patrols, strict=True):
            stretches += failing_stretches(
                result, self.check.legs, patrol_pieces(patrol, scenario.source_dir)
            )
        return stretches


@dataclass(frozen=True)
class Coverage:
    """Surfaces of one scenario over one grid, for one or more (light, season)."""

    scenario: Scenario
    standard: Standard
    grid: Grid
    surfaces: tuple[Surface, ...]

    @property
    def legs(self) -> tuple[Leg, ...]:
        return self.standard.legs


def coverage(
    scenario: Scenario,
    grid: Grid,
    *,
    conditions: Iterable[tuple[Light, Season]] | None = None,
    router: GroundRouter | None = None,
    exact_distances: bool = False,
    progress: Progress | None = None,
) -> Coverage:
    """Each leg's time at every cell of ``grid``, for each (light, season) asked.

    ``conditions`` defaults to the scenario's own; the ground router (road layer or
    estimate) is built once and shared by every combination. Sites and patrols are always
    checked with exact distances, as by ``medevac check``. Cells go through the engine with
    fast distances, and those whose reported minutes the fast distances' error could change
    through the check's exact engine again (module docstring): reported minutes and
    verdicts are the exact ones either way; ``exact_distances`` sends every cell through the
    exact engine (the same reports, exact times to the last digit, slower).
    """
    asked = (
        tuple(conditions)
        if conditions is not None
        else ((scenario.conditions.light, scenario.conditions.season),)
    )
    router = router or make_router(scenario)
    cell_router = router if exact_distances else _fast(router)
    points = grid.points()
    total = len(points) * len(asked)
    done = 0
    surfaces = []
    for light, season in asked:
        result = check(scenario, light=light, season=season, router=router)
        engine = result.engine
        if not exact_distances:
            engine = Engine(scenario, cell_router, light, season, result.standard.legs, exact_distances=False)
        parts = []
        step = _PROGRESS_CELLS if progress else max(1, len(points))
        for start in range(0, max(1, len(points)), step):
            part = points.take(slice(start, start + step))
            times = engine.leg_times(part)
            if not exact_distances:
                error_min = fast_error_min(engine, cell_router)
                times = _exact_where_undecided(times, error_min, part, result.engine)
            parts.append(times)
            done += min(step, len(points) - start)
            if progress:
                progress(done, total)
        times = _concatenate(parts)
        surfaces.append(Surface(light, season, result, engine, times, judge(times.time_min, result.standard)))
    return Coverage(scenario, standard=surfaces[0].check.standard, grid=grid, surfaces=tuple(surfaces))


Position = tuple[float, float]
"""An asset's place, (lat, lon) degrees: what a column of the cells' tables depends on."""


class CellTables:
    """The ground minutes and exact air km of a grid's cells to assets, column by column, kept
    for the variants of one mission.

    Every column depends only on the cells, the ground (router) and the season and on one
    asset's *position*: road minutes from the cells to a facility or a pick-up site and back,
    km to a facility, km from a base. So a what-if that adds a facility at a new place costs
    one router call and one column of geodesics from that place; the other columns are the
    baseline's, bit for bit (a router computes each column on its own: one tree per place,
    the cells read off it; pyproj's geodesic is computed entry by entry, in the same
    direction as the engine's: bases to cells, cells to facilities).

    The tables are full (no ``max_min`` cut: a road that cannot win in one variant may win in
    another), so :meth:`surface` gives the exact engine's times at every cell (the reported
    minutes of :func:`coverage`, which computes the cells with fast distances and makes the
    undecided ones exact). Only for scenarios on the same ground as ``router`` (the same road
    layer and ground settings): the caller keys the tables by it. At most ``kept`` positions
    of each kind are remembered beyond those asked last.
    """

    def __init__(self, points: WoundingPoints, router: GroundRouter, *, kept: int = 256) -> None:
        self.points = points
        self.router = router
        self.kept = kept
        self._road_to: dict[Season, OrderedDict[Position, FloatArray]] = {}
        self._road_from: dict[Season, OrderedDict[Position, FloatArray]] = {}
        self._km_to: OrderedDict[Position, FloatArray] = OrderedDict()
        self._km_from: OrderedDict[Position, FloatArray] = OrderedDict()
        self._lock = threading.Lock()

    def tables(self, assets: Assets, season: Season) -> PointTables:
        """The cells' tables for these assets (whatever their state) in this season."""
        facilities = _positions(assets.facility_lat_deg, assets.facility_lon_deg)
        sites = _positions(assets.site_lat_deg, assets.site_lon_deg)
        bases = _positions(assets.base_lat_deg, assets.base_lon_deg)
        road_to = self._columns(
            self._road_to.setdefault(season, OrderedDict()), facilities + sites, season, "to"
        )
        road_from = (
            road_to[:, : len(facilities)]
            if self.router.symmetric
            else self._columns(self._road_from.setdefault(season, OrderedDict()), facilities, season, "from")
        )
        return PointTables(
            road_to_facility_min=road_to[:, : len(facilities)],
            road_from_facility_min=road_from,
            road_to_site_min=road_to[:, len(facilities) :],
            base_to_point_km=self._columns(self._km_from, bases, season, "km_from").T,
            point_to_facility_km=self._columns(self._km_to, facilities, season, "km_to"),
        )

    def _columns(
        self, kept: OrderedDict[Position, FloatArray], wanted: list[Position], season: Season, kind: str
    ) -> FloatArray:
        """(cells, wanted): the kept columns, the missing ones computed once and kept."""
        with self._lock:
            found = {p: kept[p] for p in wanted if p in kept}
        missing = list(dict.fromkeys(p for p in wanted if p not in found))
        if missing:
            computed = self._compute(missing, season, kind)
            found |= {position: computed[:, j] for j, position in enumerate(missing)}
        with self._lock:
            for position in dict.fromkeys(wanted):
                kept[position] = found[position]
                kept.move_to_end(position)
            while len(kept) > max(self.kept, len(found)):
                kept.popitem(last=False)
        if not wanted:
            return np.zeros((len(self.points), 0))
        return np.column_stack([found[p] for p in wanted])

    def _compute(self, positions: list[Position], season: Season, kind: str) -> FloatArray:
        """(cells, positions) of one kind, as the engine computes them without tables."""
        lat = np.array([p[0] for p in positions], dtype=np.float64)
        lon = np.array([p[1] for p in positions], dtype=np.float64)
        cells_lat, cells_lon = self.points.lat_deg, self.points.lon_deg
        if kind == "km_to":
            return distance_matrix_km(cells_lat, cells_lon, lat, lon)
        if kind == "km_from":
            return distance_matrix_km(lat, lon, cells_lat, cells_lon).T
        # Road columns in batches of fewer places than cells: the router then grows its trees
        # from the places, as it does for the engine's own calls on a grid.
        step = max(1, len(cells_lat) - 1)
        parts = []
        for first in range(0, len(positions), step):
            part = slice(first, first + step)
            if kind == "to":
                parts.append(self.router.travel_min(cells_lat, cells_lon, lat[part], lon[part], season))
            else:
                parts.append(self.router.travel_min(lat[part], lon[part], cells_lat, cells_lon, season).T)
        return np.concatenate(parts, axis=1)

    def surface(self, result: CheckResult) -> tuple[LegTimes, BoolArray]:
        """A checked scenario's exact times and verdicts at the cells, from the tables: the
        check's own engine (its assets, light and season), no router call for the positions
        already kept and no geodesic but theirs."""
        engine = result.engine
        times = engine.leg_times(self.points, self.tables(engine.assets, engine.season))
        return times, judge(times.time_min, result.standard)


def _positions(lat_deg: FloatArray, lon_deg: FloatArray) -> list[Position]:
    return list(
        zip(
            np.asarray(lat_deg, dtype=np.float64).tolist(),
            np.asarray(lon_deg, dtype=np.float64).tolist(),
            strict=True,
        )
    )


def _fast(router: GroundRouter) -> GroundRouter:
    """The no-roads estimate with fast distances; a road router is kept as it is."""
    if isinstance(router, GeodesicRouter) and router.exact_distances:
        return GeodesicRouter(router.ground, exact_distances=False)
    return router


def fast_error_min(engine: Engine, router: GroundRouter) -> float:
    """Bound on how far a leg's time by ``engine`` with fast distances can be from the
    exact engine's, in minutes.

    Every pathway adds at most two fast distances, each within
    :data:`medevac.geo.FAST_DISTANCE_ERROR_KM`: two air legs (base to point, point to
    facility) at the slowest cruise, or two road legs (a ground team out and back) on the
    no-roads estimate with fast distances; a road layer and the pick-up distances are
    exact, range limits are decided exactly, and ``max`` and ``min`` never widen an error.
    The margin covers float rounding (the same operations on both sides otherwise).
    """
    a = engine.assets
    per_km = [60.0 / float(a.cruise_kmh[a.usable].min())] if a.usable.any() else []
    if isinstance(router, GeodesicRouter) and not router.exact_distances:
        per_km.append(router.ground.detour_factor / router.speed_kmh(engine.season) * 60.0)
    return 2 * FAST_DISTANCE_ERROR_KM * max(per_km, default=0.0) + 1e-9


def undecided_points(time_min: FloatArray, error_min: float) -> IntArray:
    """Points where some leg's reported time (rounded half up to 0.1 min) is not the same
    at ``time - error_min`` and ``time + error_min``: there a time known only to within
    ``error_min`` does not decide the reported value, nor so the verdict."""
    low, high = reported_min(time_min - error_min), reported_min(time_min + error_min)
    return np.flatnonzero(np.any((low != high) & np.isfinite(time_min), axis=0))


def _exact_where_undecided(
    times: LegTimes, error_min: float, points: WoundingPoints, exact: Engine
) -> LegTimes:
    """``times`` with the undecided points (:func:`undecided_points`) computed again by the
    exact engine: every reported time and verdict is then the exact computation's."""
    cells = undecided_points(times.time_min, error_min)
    if len(cells) == 0:
        return times
    again = exact.leg_times(points.take(cells))
    fields = {}
    for key in ("time_min", "pathway", "airframe", "facility", "pickup"):
        values = getattr(times, key).copy()
        values[:, cells] = getattr(again, key)
        fields[key] = values
    return LegTimes(legs=times.legs, **fields)


def _concatenate(parts: Sequence[LegTimes]) -> LegTimes:
    if len(parts) == 1:
        return parts[0]
    return LegTimes(
        legs=parts[0].legs,
        **{
            key: np.concatenate([getattr(p, key) for p in parts], axis=1)
            for key in ("time_min", "pathway", "airframe", "facility", "pickup")
        },
    )


def failing_stretches(
    result: PatrolResult, legs: tuple[Leg, ...], pieces: Sequence[Line]
) -> list[PatrolStretch]:
    """Runs of failing samples as lines along the route, never across the gap between two
    pieces of a MultiLineString route (gaps are not route: spec v1.1).

    Each sample stands for the stretch of route nearer to it than to its neighbours (the
    weights of :func:`medevac.geo.sample_line`), so a run of failing samples covers from the
    first one's start to the last one's end, and the stretches' lengths add up to the
    failing share that :meth:`PatrolResult.share_meeting` reports. Kilometres count along
    the route, pieces one after the other.
    """
    samples = result.samples
    stretches = []
    offset_km = 0.0
    for k, (lat_deg, lon_deg) in enumerate(pieces):
        on_piece = samples.piece == k
        bounds_km = np.concatenate([[0.0], np.cumsum(samples.weight_km[on_piece])])
        for i, leg in enumerate(legs):
            failing = ~result.meets[i][on_piece]
            edges = np.diff(np.concatenate([[0], failing.astype(np.int8), [0]]))
            for first, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
                start_km, end_km = float(bounds_km[first]), float(bounds_km[end])
                if end_km <= start_km:
                    continue  # a route of no length has nothing to draw
                line = line_between(lat_deg, lon_deg, start_km, end_km)
                stretches.append(
                    PatrolStretch(result.patrol_id, leg, offset_km + start_km, offset_km + end_km, line)
                )
        offset_km += float(bounds_km[-1])
    return stretches


def line_between(
    lat_deg: FloatArray, lon_deg: FloatArray, start_km: float, end_km: float, geod: Geod = WGS84
) -> LineString:
    """The part of a polyline from ``start_km`` to ``end_km`` along it (geodesic), x = lon.

    >>> import numpy as np
    >>> line = line_between(np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0]), 50.0, 200.0)
    >>> [tuple(round(v, 3) for v in xy) for xy in line.coords]  # 50/111.32 deg; 88.68/110.57 deg
    [(0.449, 0.0), (1.0, 0.0), (1.0, 0.802)]
    """
    azimuth, _, metres = geod.inv(lon_deg[:-1], lat_deg[:-1], lon_deg[1:], lat_deg[1:])
    ends_km = np.concatenate([[0.0], np.cumsum(np.asarray(metres) / 1000.0)])
    last = len(ends_km) - 2

    def at(km: float) -> tuple[float, float, int]:
        segment = int(np.clip(np.searchsorted(ends_km, km, side="right") - 1, 0, last))
        lon, lat, _ = geod.fwd(
            lon_deg[segment], lat_deg[segment], azimuth[segment], (km - ends_km[segment]) * 1000
        )
        return float(lon), float(lat), segment

    lon0, lat0, first = at(start_km)
    lon1, lat1, final = at(end_km)
    inner = [(float(lon_deg[k]), float(lat_deg[k])) for k in range(first + 1, final + 1)]
    return LineString([(lon0, lat0), *inner, (lon1, lat1)])


__all__ = [
    "CONDITIONS",
    "CellTables",
    "Coverage",
    "PatrolStretch",
    "Surface",
    "coverage",
    "failing_stretches",
    "fast_error_min",
    "undecided_points",
]
