"""The road-network ground router of a scenario (implements :class:`medevac.ground.GroundRouter`)."""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from medevac.errors import RoadDataError, located
from medevac.geo import FloatArray, distance_km
from medevac.ground import AccessProblem
from medevac.i18n import gettext
from medevac.model import Ground, Scenario, Season
from medevac.roads.io import read_closure_polygons, read_road_lines
from medevac.roads.network import RoadNetwork, line_length_km, network_from_lines
from medevac.roads.routing import IntArray, road_min
from medevac.roads.snapping import Snap, unit_vectors
from medevac.roads.speeds import (
    RoadDataWarning,
    SpeedSettings,
    classify,
    line_speeds,
    unknown_class_message,
)

EARTH_RADIUS_KM = 6371.0088  # mean radius, only to pre-select pairs close enough to walk


def load_network(roads: Path, settings: SpeedSettings, closures: tuple[Path, ...] = ()) -> RoadNetwork:
    """The road layer at ``roads`` as a network, cached by file, modification time and settings.

    The cached network is shared (by every Streamlit session too) and never mutated.
    """
    return _load_cached(_file_key(roads), settings, tuple(_file_key(p) for p in closures))


def _file_key(path: Path) -> tuple[str, int]:
    resolved = path.resolve()
    try:
        return str(resolved), resolved.stat().st_mtime_ns
    except OSError:
        return str(resolved), -1  # the reader reports the missing file


@lru_cache(maxsize=8)
def _load_cached(
    roads: tuple[str, int], settings: SpeedSettings, closures: tuple[tuple[str, int], ...]
) -> RoadNetwork:
    path = Path(roads[0])
    lines = read_road_lines(path)
    classes = classify(pd.DataFrame(lines.drop(columns=lines.geometry.name)), settings, str(path))
    unknown = classes.unknown != ""
    if unknown.any():
        # Once per layer: the loaded network is cached, and the message names the file.
        length_km = line_length_km(lines.geometry.to_numpy()[unknown])
        message = unknown_class_message(classes.unknown[unknown], length_km, str(path))
        warnings.warn(message, RoadDataWarning, stacklevel=3)
    lines = lines[classes.drivable].reset_index(drop=True)
    if len(lines) == 0:
        raise RoadDataError(located(path, gettext("the layer holds no drivable road")))
    table = pd.DataFrame(lines.drop(columns=lines.geometry.name))
    speeds = line_speeds(table, settings, str(path))
    polygons = [read_closure_polygons(Path(p)) for p, _ in closures]
    closure = (
        gpd.GeoDataFrame(pd.concat(polygons, ignore_index=True), geometry="geometry", crs=4326)
        if polygons
        else None
    )
    return network_from_lines(lines, speeds, str(path), closure)


SnapTo = Literal["node", "segment"]


@lru_cache(maxsize=32)
def _snap_cached(network: RoadNetwork, lat_bytes: bytes, lon_bytes: bytes, to: SnapTo) -> Snap:
    lat = np.frombuffer(lat_bytes, dtype=np.float64)
    lon = np.frombuffer(lon_bytes, dtype=np.float64)
    return network.index.snap_to_node(lat, lon) if to == "node" else network.index.snap(lat, lon)


def snap(network: RoadNetwork, lat_deg: FloatArray, lon_deg: FloatArray, to: SnapTo = "node") -> Snap:
    """Snap points to nodes or segments, cached: the engine asks about the same points in
    both directions."""
    lat = np.ascontiguousarray(lat_deg, dtype=np.float64)
    lon = np.ascontiguousarray(lon_deg, dtype=np.float64)
    return _snap_cached(network, lat.tobytes(), lon.tobytes(), to)


@lru_cache(maxsize=4)
def _point_tree(lat_bytes: bytes, lon_bytes: bytes) -> cKDTree:
    """A KD-tree of points' unit vectors, cached: the engine asks about the same many points
    (a chunk of grid cells) to the facilities, from them and to the pick-up sites."""
    lat = np.frombuffer(lat_bytes, dtype=np.float64)
    lon = np.frombuffer(lon_bytes, dtype=np.float64)
    return cKDTree(unit_vectors(lat, lon))


class RoadRouter:
    """Ground times on a road network: an off-road leg to the nearest road, then the road.

    A point joins the road at its nearest road node, or with ``ground.snap_to: segment`` at
    the nearest point of the nearest segment, going there at ``off_road_kmh``; farther than
    ``max_snap_km`` it has no road access (``inf``).
    Two points within ``max_snap_km`` of each other may also go straight across at
    ``off_road_kmh``, which makes a point to itself 0 minutes.
    """

    def __init__(
        self,
        network: RoadNetwork,
        ground: Ground,
        facility_lat_deg: FloatArray | None = None,
        facility_lon_deg: FloatArray | None = None,
    ) -> None:
        self.network = network
        self.ground = ground
        self.symmetric = network.symmetric  # no one-way road: the engine may skip the reverse matrix
        self.facility_lat_deg = np.asarray(facility_lat_deg if facility_lat_deg is not None else [], float)
        self.facility_lon_deg = np.asarray(facility_lon_deg if facility_lon_deg is not None else [], float)

    def access_min(self, snapped: Snap) -> FloatArray:
        """Minutes of the off-road leg to the road; ``inf`` beyond ``max_snap_km``."""
        within = snapped.access_km <= self.ground.max_snap_km
        return np.where(within, snapped.access_km / self.ground.off_road_kmh * 60.0, np.inf)

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

        Trees grow from the smaller side (its distinct points only); the other side is read
        off them as arrays. ``max_min`` is accepted (protocol) but not needed: reading a
        time off a cached tree costs less than deciding to skip it.
        """
        return self._route(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg, season, carry=False)[0]

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

        Spec v1.1 lets two points within ``max_snap_km`` of each other go straight across;
        a planner must see that such a time is a walk or a carry, not a drive. Only the
        pairs that close are routed (a pair's route never depends on the others).
        """
        from_lat, from_lon = np.asarray(from_lat_deg, float), np.asarray(from_lon_deg, float)
        to_lat, to_lon = np.asarray(to_lat_deg, float), np.asarray(to_lon_deg, float)
        carried_km = np.zeros((len(from_lat), len(to_lat)))
        if not len(from_lat) or not len(to_lat):
            return carried_km
        near = _point_tree(to_lat.tobytes(), to_lon.tobytes()).query_ball_point(
            unit_vectors(from_lat, from_lon), r=self._across_chord
        )
        rows = np.array([i for i, found in enumerate(near) if found], dtype=np.intp)
        if not len(rows):
            return carried_km
        cols = np.unique(np.concatenate([near[i] for i in rows])).astype(np.intp)
        carried = self._route(from_lat[rows], from_lon[rows], to_lat[cols], to_lon[cols], season, carry=True)[
            1
        ]
        carried_km[np.ix_(rows, cols)] = carried
        return carried_km

    @property
    def _across_chord(self) -> float:
        """The unit-sphere chord within which two points may be near enough to go straight
        across: the arc of ``max_snap_km`` on the mean sphere, 1 % over for the ellipsoid."""
        limit_km = self.ground.max_snap_km
        return float(2 * np.sin(min(np.pi / 2, limit_km * 1.01 / EARTH_RADIUS_KM / 2)))

    def _route(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
        *,
        carry: bool,
    ) -> tuple[FloatArray, FloatArray]:
        """Minutes and carried km, (origins, destinations): the work of both public methods.

        The km are only kept when ``carry`` (else an empty array): ``travel_min`` on a
        coverage grid need not hold a second matrix of its size.
        """
        n_from, n_to = len(from_lat_deg), len(to_lat_deg)
        if n_from == 0 or n_to == 0:
            return np.zeros((n_from, n_to)), np.zeros((n_from, n_to))
        few_are_origins = n_from < n_to
        if few_are_origins:
            few_lat, few_lon, many_lat, many_lon = from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg
        else:
            few_lat, few_lon, many_lat, many_lon = to_lat_deg, to_lon_deg, from_lat_deg, from_lon_deg
        few_xy = np.column_stack([np.asarray(few_lat, float), np.asarray(few_lon, float)])
        distinct, inverse = np.unique(few_xy, axis=0, return_inverse=True)
        back: IntArray | None = inverse
        if len(distinct) == len(few_xy):  # all distinct: kept in their order, nothing to copy back
            distinct, back = few_xy, None
        few_lat, few_lon = distinct[:, 0].copy(), distinct[:, 1].copy()
        many_lat = np.asarray(many_lat, dtype=np.float64)
        many_lon = np.asarray(many_lon, dtype=np.float64)
        few_snap = snap(self.network, few_lat, few_lon, self.ground.snap_to)
        many_snap = snap(self.network, many_lat, many_lon, self.ground.snap_to)
        times = road_min(self.network, season, few_snap, many_snap, few_are_origins=few_are_origins)
        times += self.access_min(many_snap)[:, None] + self.access_min(few_snap)[None, :]
        carried_km = np.zeros(times.shape if carry else (0, 0))
        self._walk_across(times, carried_km, many_lat, many_lon, few_lat, few_lon)
        if back is not None:
            times = times[:, back.ravel()]
            carried_km = carried_km[:, back.ravel()] if carry else carried_km
        if few_are_origins:
            return np.asarray(times.T), np.asarray(carried_km.T)
        return np.asarray(times), np.asarray(carried_km)

    def _walk_across(
        self, times: FloatArray, carried_km: FloatArray, many_lat: FloatArray, many_lon: FloatArray,
        few_lat: FloatArray, few_lon: FloatArray,
    ) -> None:  # fmt: skip
        """Lower ``times`` in place where going straight across, off-road, is quicker, and
        write the km carried there into ``carried_km`` (unless it is empty)."""
        limit_km = self.ground.max_snap_km
        few_xyz = unit_vectors(few_lat, few_lon)
        nearby = _point_tree(many_lat.tobytes(), many_lon.tobytes()).query_ball_point(
            few_xyz, r=self._across_chord
        )
        for j, near_list in enumerate(nearby):
            if not near_list:
                continue
            near = np.asarray(near_list, dtype=np.intp)
            across_km = distance_km(many_lat[near], many_lon[near], few_lat[j], few_lon[j])
            walk_min = np.where(across_km <= limit_km, across_km / self.ground.off_road_kmh * 60.0, np.inf)
            quicker = walk_min < times[near, j]
            times[near[quicker], j] = walk_min[quicker]
            if carried_km.size:
                carried_km[near[quicker], j] = across_km[quicker]

    def access_problem(self, lat_deg: float, lon_deg: float, season: Season) -> AccessProblem | None:
        """Why a point has no ground access: too far from any road, or cut off from facilities."""
        return self.access_problems(np.array([lat_deg]), np.array([lon_deg]), season)[0]

    def access_problems(
        self, lat_deg: FloatArray, lon_deg: FloatArray, season: Season
    ) -> list[AccessProblem | None]:
        """Per point, why it has no ground access (``None`` when it has): too far from any
        road, or cut off from the facilities. All points at once: one snap and one routing."""
        lat, lon = np.asarray(lat_deg, dtype=np.float64), np.asarray(lon_deg, dtype=np.float64)
        limit = float(self.ground.max_snap_km)
        gap_km = snap(self.network, lat, lon, self.ground.snap_to).access_km
        problems: list[AccessProblem | None] = [
            AccessProblem("no_road_nearby", {"max_snap_km": limit, "nearest_km": km}) if km > limit else None
            for km in gap_km.tolist()
        ]
        near = np.flatnonzero(gap_km <= limit)
        if len(self.facility_lat_deg) == 0 or not len(near):
            return problems
        facility_snap = snap(self.network, self.facility_lat_deg, self.facility_lon_deg, self.ground.snap_to)
        if not np.isfinite(self.access_min(facility_snap)).any():
            for i in near:
                problems[i] = AccessProblem("no_facility_near_road", {"max_snap_km": limit})
            return problems
        cut_off = near[~self._connected(lat[near], lon[near], season)]
        if not len(cut_off):
            return problems
        forward, backward = self.network.seg_min[season]
        segment = snap(self.network, lat[cut_off], lon[cut_off], self.ground.snap_to).segment
        closed = np.isinf(forward[segment]) & np.isinf(backward[segment])
        in_the_dry = (
            self._connected(lat[cut_off], lon[cut_off], "dry")
            if season == "wet"
            else np.zeros(len(cut_off), dtype=bool)
        )
        for i, shut, dry in zip(cut_off.tolist(), closed.tolist(), in_the_dry.tolist(), strict=True):
            if shut:
                problems[i] = AccessProblem("road_closed_wet" if season == "wet" else "road_closed")
            elif dry:
                problems[i] = AccessProblem("road_cut_wet")
            else:
                problems[i] = AccessProblem("road_not_connected")
        return problems

    def _connected(self, lat: FloatArray, lon: FloatArray, season: Season) -> npt.NDArray[np.bool_]:
        """Per point: a ground route to or from at least one facility in the season."""
        there_lat, there_lon = self.facility_lat_deg, self.facility_lon_deg
        out_min = self.travel_min(lat, lon, there_lat, there_lon, season)
        connected: npt.NDArray[np.bool_] = np.asarray(np.isfinite(out_min).any(axis=1))
        rest = np.flatnonzero(~connected)  # the way back is asked only where the way out is cut
        if len(rest):
            back = self.travel_min(there_lat, there_lon, lat[rest], lon[rest], season)
            connected[rest] = np.isfinite(back).any(axis=0)
        return connected


def road_router(scenario: Scenario) -> RoadRouter:
    """The scenario's road router: its ``ground.roads`` layer, closures and speed settings.

    Paths are relative to the scenario's folder.
    """
    ground = scenario.ground
    if not ground.roads:
        raise RoadDataError(
            located(scenario.name, gettext("the scenario names no road layer (ground.roads)"))
        )
    folder = scenario.source_dir
    network = load_network(
        folder / ground.roads,
        SpeedSettings.from_ground(ground),
        tuple(folder / p for p in ground.closures),
    )
    return RoadRouter(
        network,
        ground,
        np.array([f.lat for f in scenario.facilities]),
        np.array([f.lon for f in scenario.facilities]),
    )
