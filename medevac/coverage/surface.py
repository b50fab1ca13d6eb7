"""Time surfaces: every cell of a grid through the same engine as the site check.

For each (light, season) the site check runs as usual (:func:`medevac.check.check`), and
the grid's cells go through the same :class:`medevac.timeline.Engine`: sites, patrol samples
and cells share one code path. By default cells use the engine's fast distances (within
:data:`medevac.geo.FAST_DISTANCE_ERROR_KM` of the geodesic, a few seconds instead of a
minute on 250,000 cells); with ``exact_distances`` they use the very engine of the check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
from pyproj import Geod
from shapely import LineString

from medevac.check import CheckResult, PatrolResult, check, judge, make_router
from medevac.coverage.grid import Grid
from medevac.geo import WGS84, FloatArray
from medevac.ground import GeodesicRouter, GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.patrols import Line, patrol_pieces
from medevac.standards import Leg, Standard
from medevac.timeline import BoolArray, Engine, LegTimes

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
        """Share of the sites' personnel whose site meets each leg (``None`` with no personnel)."""
        personnel = np.array([s.personnel for s in self.check.scenario.sites], dtype=np.int64)
        total = int(personnel.sum())
        return {
            leg: float(personnel[self.check.meets[i]].sum() / total) if total else None
            for i, leg in enumerate(self.check.legs)
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
    checked with exact distances, as by ``medevac check``.
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
            parts.append(engine.leg_times(points.take(slice(start, start + step))))
            done += min(step, len(points) - start)
            if progress:
                progress(done, total)
        times = _concatenate(parts)
        surfaces.append(Surface(light, season, result, engine, times, judge(times.time_min, result.standard)))
    return Coverage(scenario, standard=surfaces[0].check.standard, grid=grid, surfaces=tuple(surfaces))


def _fast(router: GroundRouter) -> GroundRouter:
    """The no-roads estimate with fast distances; a road router is kept as it is."""
    if isinstance(router, GeodesicRouter) and router.exact_distances:
        return GeodesicRouter(router.ground, exact_distances=False)
    return router


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


__all__ = ["CONDITIONS", "Coverage", "PatrolStretch", "Surface", "coverage", "failing_stretches"]
