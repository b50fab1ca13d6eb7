"""Ground travel times: the router interface and the no-roads estimate of spec v1.

The engine asks a :class:`GroundRouter` for matrices of travel minutes between points and
never looks inside it, so the road-network router plugs in without changing the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from medevac.geo import FAST_DISTANCE_ERROR_KM, FloatArray, distance_km, distance_matrix_km
from medevac.model import Ground, Season

if TYPE_CHECKING:  # road support is optional at import time
    from medevac.roads.network import RoadNetwork


AccessCode = Literal[
    "no_road_nearby",
    "no_facility_near_road",
    "road_closed",
    "road_closed_wet",
    "road_cut_wet",
    "road_not_connected",
]


@dataclass(frozen=True)
class AccessProblem:
    """Why a point has no ground access, as data: a code (the explanations' reason code) and
    its numbers (``max_snap_km``, ``nearest_km``); :mod:`medevac.messages` says it in words."""

    code: AccessCode
    numbers: Mapping[str, float] = field(default_factory=dict)


class GroundRouter(Protocol):
    """Travel minutes by ground between points, in the given season.

    ``symmetric`` routers (the same time both ways) let the engine skip the reverse matrix.
    """

    symmetric: bool

    def travel_min(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
        max_min: FloatArray | None = None,
    ) -> FloatArray:
        """Minutes from each origin (rows) to each destination (columns); ``inf`` if none.

        With ``max_min`` (one per origin), times above it are of no use to the caller and
        may be returned as ``inf``: a router may use this to skip work.
        """
        ...

    def carry_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
    ) -> FloatArray:
        """(origins, destinations): the straight-across km where the quickest ground route is
        a carry at ``off_road_kmh`` rather than a drive on the network; 0 where it drives or
        there is no route.

        Spec v1.1: two points within ``max_snap_km`` may go straight across, and the pathway
        must then say it is a carry, not a drive.
        """
        ...

    def access_problems(
        self, lat_deg: FloatArray, lon_deg: FloatArray, season: Season
    ) -> list[AccessProblem | None]:
        """Per point, why it has no ground access (for explanations), or ``None`` when it has."""
        ...


class GeodesicRouter:
    """The no-roads estimate: geodesic km x detour factor, at ``road_kmh`` scaled by season.

    >>> from medevac.model import Ground
    >>> router = GeodesicRouter(Ground(detour_factor=1.0, road_kmh=60))
    >>> import numpy as np
    >>> minutes = router.travel_min(np.array([0.0]), np.array([0.0]), np.array([0.0]),
    ...                             np.array([1.0]), "dry")
    >>> round(float(minutes[0, 0]), 2)  # 111.32 km at 60 km/h
    111.32
    """

    symmetric = True

    _KEPT = 4
    """Distance matrices remembered: a variant core asks the same ones for each season."""

    _KEPT_SIZE = 1 << 22
    """Larger matrices (coverage grids) are not kept: 32 MB each at most."""

    def __init__(self, ground: Ground, *, exact_distances: bool = True) -> None:
        self.ground = ground
        self.exact_distances = exact_distances
        self._km: dict[bytes, FloatArray] = {}  # the last few full matrices, by their points
        self._lock = threading.Lock()

    def __getstate__(self) -> tuple[Ground, bool]:
        return self.ground, self.exact_distances  # not the kept matrices, nor the lock

    def __setstate__(self, state: tuple[Ground, bool]) -> None:
        self.ground, self.exact_distances = state
        self._km = {}
        self._lock = threading.Lock()

    def _distance_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
    ) -> FloatArray:
        """The km matrix between the points, the same numbers whatever the season: the last
        few are kept (read only), so the wet season costs one multiplication."""
        parts = [
            np.asarray(v, dtype=np.float64) for v in (from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg)
        ]
        key = b"|".join([str(len(parts[0])).encode(), *(p.tobytes() for p in parts)])
        with self._lock:
            if key in self._km:
                return self._km[key]
        km = distance_matrix_km(*parts, exact=self.exact_distances)
        km.setflags(write=False)
        if km.size > self._KEPT_SIZE:
            return km
        with self._lock:
            self._km[key] = km
            while len(self._km) > self._KEPT:
                del self._km[next(iter(self._km))]
        return km

    def speed_kmh(self, season: Season) -> float:
        """Speed on the notional road: convoy factor always, wet-season factor in the wet."""
        wet = self.ground.wet_season_factor if season == "wet" else 1.0
        return self.ground.road_kmh * self.ground.convoy_factor * wet

    def travel_min(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
        max_min: FloatArray | None = None,
    ) -> FloatArray:
        minutes_per_km = self.ground.detour_factor / self.speed_kmh(season) * 60.0
        if max_min is None or not self.exact_distances:
            road_km = self._distance_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg)
            return np.asarray(road_km * minutes_per_km)
        # Exact geodesics only where the fast distance says the time may be within max_min:
        # the fast one errs by less than FAST_DISTANCE_ERROR_KM, so nothing useful is lost.
        fast_km = distance_matrix_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg, exact=False)
        may_help = (fast_km - FAST_DISTANCE_ERROR_KM) * minutes_per_km <= np.asarray(max_min)[:, None]
        rows, columns = np.nonzero(may_help)
        minutes = np.full(fast_km.shape, np.inf)
        minutes[rows, columns] = (
            distance_km(from_lat_deg[rows], from_lon_deg[rows], to_lat_deg[columns], to_lon_deg[columns])
            * minutes_per_km
        )
        return minutes

    def carry_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
    ) -> FloatArray:
        """Zeros: the no-roads estimate has a notional road everywhere, so nothing is carried."""
        return np.zeros((len(from_lat_deg), len(to_lat_deg)))

    def access_problems(
        self, lat_deg: FloatArray, lon_deg: FloatArray, season: Season
    ) -> list[AccessProblem | None]:
        return [None] * len(lat_deg)


class CachedRouter:
    """A ground router that remembers what it computed: re-checks ask the same times often.

    Edits to airframes and timelines leave every site, facility and pick-up point where it
    was, so the road matrices of hundreds of re-checks are the same few; a re-check that
    uses one more pick-up point asks for one more column. Times are kept per origin set
    and season, column by column (destination), and only missing columns are computed.
    ``max_min`` is only a hint a router may use to skip work, so ignoring it is exact.
    Matrices handed out are read-only: they are shared between checks.
    """

    def __init__(self, inner: GroundRouter) -> None:
        self.inner = inner
        self.symmetric = inner.symmetric
        self._columns: dict[tuple[bytes, str], dict[tuple[float, float], FloatArray]] = {}
        self._matrices: dict[tuple[bytes, bytes, str], FloatArray] = {}
        self._access: dict[tuple[float, float, str], AccessProblem | None] = {}

    def travel_min(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
        max_min: FloatArray | None = None,
    ) -> FloatArray:
        origins = np.concatenate([np.asarray(from_lat_deg, np.float64), np.asarray(from_lon_deg, np.float64)])
        to_lat = np.asarray(to_lat_deg, dtype=np.float64)
        to_lon = np.asarray(to_lon_deg, dtype=np.float64)
        whole = (origins.tobytes(), np.concatenate([to_lat, to_lon]).tobytes(), season)
        if whole in self._matrices:
            return self._matrices[whole]
        columns = self._columns.setdefault((origins.tobytes(), season), {})
        wanted = list(zip(to_lat.tolist(), to_lon.tolist(), strict=True))
        missing = list(dict.fromkeys(point for point in wanted if point not in columns))
        if missing:
            lat, lon = (np.array(values, dtype=np.float64) for values in zip(*missing, strict=True))
            computed = self.inner.travel_min(from_lat_deg, from_lon_deg, lat, lon, season)
            for j, point in enumerate(missing):
                columns[point] = computed[:, j]
        matrix = (
            np.column_stack([columns[point] for point in wanted])
            if wanted
            else np.zeros((len(from_lat_deg), 0))
        )
        matrix.setflags(write=False)  # shared between checks: nobody may change it
        self._matrices[whole] = matrix
        return matrix

    def sharing(self, inner: GroundRouter) -> CachedRouter:
        """A cached router over ``inner`` that shares this one's times (not its access words).

        For the variants of one mission: ``inner`` must route as this one's inner router
        does (the same road network and settings), differing only in what its words about
        access depend on (the facilities), so a what-if asks the network only for the
        columns of what it adds.
        """
        shared = CachedRouter(inner)
        shared._columns, shared._matrices = self._columns, self._matrices
        return shared

    def access_problems(
        self, lat_deg: FloatArray, lon_deg: FloatArray, season: Season
    ) -> list[AccessProblem | None]:
        keys = [
            (lat, lon, season)
            for lat, lon in zip(
                np.asarray(lat_deg, float).tolist(), np.asarray(lon_deg, float).tolist(), strict=True
            )
        ]
        missing = list(dict.fromkeys(key for key in keys if key not in self._access))
        if missing:
            lat = np.array([key[0] for key in missing])
            lon = np.array([key[1] for key in missing])
            for key, problem in zip(missing, self.inner.access_problems(lat, lon, season), strict=True):
                self._access[key] = problem
        return [self._access[key] for key in keys]

    def carry_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
    ) -> FloatArray:
        """The inner router's km carried on foot, not cached (asked only for the rows shown)."""
        return self.inner.carry_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg, season)


def uncached(router: GroundRouter) -> GroundRouter:
    """The router under any :class:`CachedRouter`: what computes the minutes."""
    while isinstance(router, CachedRouter):
        router = router.inner
    return router


def road_network(router: GroundRouter) -> RoadNetwork | None:
    """The road network a router drives on (through a :class:`CachedRouter`), or ``None``
    for the no-roads estimate: what the report draws and lists as the roads used."""
    network = getattr(uncached(router), "network", None)
    return network if network is not None and hasattr(network, "seg_u") else None
