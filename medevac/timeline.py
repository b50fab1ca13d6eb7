"""The 10-1-2 engine: earliest time of each leg at many points of wounding, as arrays.

Sites, points along patrols and cells of a coverage grid are all *points of wounding*; this
module computes, for arrays of them, the five pathways of spec v1 and keeps, beside each
leg's minimum, which pathway, airframe, facility and pick-up point achieved it.

Decomposition (see ``docs/engine.md``): ground times come from a :class:`GroundRouter` as
matrices; air legs are geodesic arrays over airframes x points x facilities; road-then-air
is reduced over the (airframe, pick-up point) pairs that can deliver anything at all,
precomputed once per scenario and independent of the points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from medevac.geo import FAST_DISTANCE_ERROR_KM, FloatArray, distance_matrix_km
from medevac.ground import GroundRouter
from medevac.model import Airframe, Facility, Light, Location, Scenario, Season, Site, Timeline
from medevac.standards import LEG_MIN_RANK, TEAM_LEGS, Leg

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

_CHUNK_ELEMENTS = 4_000_000
"""Largest intermediate array (elements) built at once; bounds memory on large grids."""


class Pathway(IntEnum):
    """How a leg is delivered; the team/care split says who delivers it."""

    NONE = 0
    ON_SITE = 1  # first responders on site
    ROAD = 2  # self-evacuation by road, in care at the facility
    GROUND_TEAM = 3  # a facility's ground team reaches the casualty
    GROUND_TEAM_BACK = 4  # ... and brings the casualty back into its facility
    AIR_TEAM = 5  # airframe with a medical team reaches the casualty
    AIR = 6  # airframe picks up at the point, in care at a facility
    ROAD_AIR_TEAM = 7  # road to a pick-up point, team on board meets the casualty there
    ROAD_AIR = 8  # road to a pick-up point, then air to a facility


@dataclass(frozen=True)
class WoundingPoints:
    """Points where a casualty may be wounded, with what is there to help."""

    lat_deg: FloatArray
    lon_deg: FloatArray
    first_responders: BoolArray
    hls: BoolArray
    airstrip: BoolArray

    def __len__(self) -> int:
        return len(self.lat_deg)

    @classmethod
    def from_sites(cls, sites: tuple[Site, ...] | list[Site]) -> WoundingPoints:
        return cls(
            lat_deg=np.array([s.lat for s in sites], dtype=np.float64),
            lon_deg=np.array([s.lon for s in sites], dtype=np.float64),
            first_responders=np.array([s.first_responders for s in sites], dtype=bool),
            hls=np.array([s.hls for s in sites], dtype=bool),
            airstrip=np.array([s.airstrip for s in sites], dtype=bool),
        )

    @classmethod
    def uniform(
        cls,
        lat_deg: npt.ArrayLike,
        lon_deg: npt.ArrayLike,
        *,
        first_responders: bool = True,
        hls: bool = True,
        airstrip: bool = False,
    ) -> WoundingPoints:
        """Points that all share the same flags (patrol samples, grid cells)."""
        lat = np.asarray(lat_deg, dtype=np.float64)
        return cls(
            lat_deg=lat,
            lon_deg=np.asarray(lon_deg, dtype=np.float64),
            first_responders=np.full(lat.shape, first_responders),
            hls=np.full(lat.shape, hls),
            airstrip=np.full(lat.shape, airstrip),
        )

    def take(self, index: slice | IntArray) -> WoundingPoints:
        return WoundingPoints(
            self.lat_deg[index],
            self.lon_deg[index],
            self.first_responders[index],
            self.hls[index],
            self.airstrip[index],
        )


@dataclass(frozen=True)
class Assets:
    """A scenario's facilities, airframes and pick-up points as arrays, and a variant's state.

    The figures (positions, levels, speeds, both launch times) never change; the state says
    which facilities and airframes are *on* and which airframes fly with their night figures
    (``airframe_night``, per airframe, so an hour of the day can be a variant). Airframes that
    cannot fly (off, unavailable, or at night without night capability) are kept with
    ``usable`` false, and facilities that are off keep their row, so indexes always match the
    lists they came from. Pick-up points are the facilities, then the sites.
    """

    facility_ids: tuple[str, ...]
    facility_lat_deg: FloatArray
    facility_lon_deg: FloatArray
    facility_rank: IntArray
    facility_helipad: BoolArray
    facility_airstrip: BoolArray
    facility_ground_team: BoolArray
    airframe_ids: tuple[str, ...]
    base_lat_deg: FloatArray
    base_lon_deg: FloatArray
    cruise_kmh: FloatArray
    range_km: FloatArray
    launch_day_min: FloatArray
    launch_night_min: FloatArray
    night_capable: BoolArray
    available: BoolArray
    medical_team: BoolArray
    helicopter: BoolArray
    site_ids: tuple[str, ...]
    site_lat_deg: FloatArray
    site_lon_deg: FloatArray
    site_hls: BoolArray
    site_airstrip: BoolArray
    facility_on: BoolArray
    airframe_on: BoolArray
    airframe_night: BoolArray

    @classmethod
    def of(
        cls,
        facilities: Sequence[Facility],
        airframes: Sequence[Airframe],
        bases: Sequence[Location],
        sites: Sequence[Site],
        light: Light,
    ) -> Assets:
        """Arrays of these assets, every one on, every airframe flying by ``light``."""
        return cls(
            facility_ids=tuple(f.id for f in facilities),
            facility_lat_deg=np.array([f.lat for f in facilities], dtype=np.float64),
            facility_lon_deg=np.array([f.lon for f in facilities], dtype=np.float64),
            facility_rank=np.array([f.rank for f in facilities], dtype=np.intp),
            facility_helipad=np.array([f.helipad for f in facilities], dtype=bool),
            facility_airstrip=np.array([f.airstrip for f in facilities], dtype=bool),
            facility_ground_team=np.array([f.ground_team for f in facilities], dtype=bool),
            airframe_ids=tuple(a.id for a in airframes),
            base_lat_deg=np.array([b.lat for b in bases], dtype=np.float64),
            base_lon_deg=np.array([b.lon for b in bases], dtype=np.float64),
            cruise_kmh=np.array([a.cruise_kmh for a in airframes], dtype=np.float64),
            range_km=np.array([a.range_km for a in airframes], dtype=np.float64),
            launch_day_min=np.array([a.launch.minutes("day") for a in airframes], dtype=np.float64),
            launch_night_min=np.array([a.launch.minutes("night") for a in airframes], dtype=np.float64),
            night_capable=np.array([a.night for a in airframes], dtype=bool),
            available=np.array([a.available for a in airframes], dtype=bool),
            medical_team=np.array([a.medical_team for a in airframes], dtype=bool),
            helicopter=np.array([a.kind == "helicopter" for a in airframes], dtype=bool),
            site_ids=tuple(s.id for s in sites),
            site_lat_deg=np.array([s.lat for s in sites], dtype=np.float64),
            site_lon_deg=np.array([s.lon for s in sites], dtype=np.float64),
            site_hls=np.array([s.hls for s in sites], dtype=bool),
            site_airstrip=np.array([s.airstrip for s in sites], dtype=bool),
            facility_on=np.ones(len(facilities), dtype=bool),
            airframe_on=np.ones(len(airframes), dtype=bool),
            airframe_night=np.full(len(airframes), light == "night"),
        )

    @classmethod
    def from_scenario(cls, scenario: Scenario, light: Light) -> Assets:
        airframes = scenario.airframes
        bases = [scenario.base_location(a) for a in airframes]
        return cls.of(scenario.facilities, airframes, bases, scenario.sites, light)

    def with_state(
        self,
        facility_on: BoolArray | None = None,
        airframe_on: BoolArray | None = None,
        airframe_night: BoolArray | None = None,
    ) -> Assets:
        """The same assets in another state (arrays left ``None`` keep theirs)."""
        changes = {
            key: np.asarray(value, dtype=bool)
            for key, value in (
                ("facility_on", facility_on),
                ("airframe_on", airframe_on),
                ("airframe_night", airframe_night),
            )
            if value is not None
        }
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def usable(self) -> BoolArray:
        """Airframes that fly in this state: on, available, and night-capable if at night."""
        return np.asarray(self.airframe_on & self.available & (~self.airframe_night | self.night_capable))

    @property
    def launch_min(self) -> FloatArray:
        """Minutes from launch authorised to wheels-up, by each airframe's own light."""
        return np.where(self.airframe_night, self.launch_night_min, self.launch_day_min)

    def provides(self, leg: Leg) -> BoolArray:
        """(facility): on, and of a level that delivers ``leg`` to a casualty in its care."""
        return np.asarray(self.facility_on & (self.facility_rank >= LEG_MIN_RANK[leg]))

    @property
    def pickup_ids(self) -> tuple[str, ...]:
        return self.facility_ids + self.site_ids

    @property
    def pickup_lat_deg(self) -> FloatArray:
        return np.concatenate([self.facility_lat_deg, self.site_lat_deg])

    @property
    def pickup_lon_deg(self) -> FloatArray:
        return np.concatenate([self.facility_lon_deg, self.site_lon_deg])

    @property
    def pickup_helicopter(self) -> BoolArray:
        """A helicopter can land: the helipad of a facility that is on, or a site's HLS."""
        return np.concatenate([self.facility_helipad & self.facility_on, self.site_hls])

    @property
    def pickup_airstrip(self) -> BoolArray:
        return np.concatenate([self.facility_airstrip & self.facility_on, self.site_airstrip])

    def can_land_at_facility(self) -> BoolArray:
        """(airframe, facility): the airframe can land there (helipad or airstrip, and on)."""
        lands = np.where(
            self.helicopter[:, None], self.facility_helipad[None, :], self.facility_airstrip[None, :]
        )
        return np.asarray(lands & self.facility_on[None, :])

    def can_pick_up_at(self, hls: BoolArray, airstrip: BoolArray) -> BoolArray:
        """(airframe, point): the airframe can land at points with these flags."""
        return np.where(self.helicopter[:, None], hls[None, :], airstrip[None, :])


@dataclass(frozen=True)
class LegTimes:
    """Earliest minutes from wounding of each leg at each point, and what achieved it.

    ``time_min[leg, point]`` is ``inf`` where no pathway delivers the leg. The route arrays
    hold the winning :class:`Pathway` and the indexes (into :class:`Assets`) of the
    airframe, facility and pick-up point it used, ``-1`` where not applicable.
    """

    legs: tuple[Leg, ...]
    time_min: FloatArray
    pathway: IntArray
    airframe: IntArray
    facility: IntArray
    pickup: IntArray

    def leg_index(self, leg: Leg) -> int:
        return self.legs.index(leg)


@dataclass(frozen=True)
class _Candidate:
    time_min: FloatArray  # (points,)
    pathway: Pathway
    airframe: IntArray
    facility: IntArray
    pickup: IntArray


def _argmin_rows(times: FloatArray) -> tuple[FloatArray, IntArray]:
    """Minimum over the last axis and where it is; works on an empty last axis."""
    if times.shape[-1] == 0:
        shape = times.shape[:-1]
        return np.full(shape, np.inf), np.full(shape, -1, dtype=np.intp)
    index = np.argmin(times, axis=-1)
    best = np.min(times, axis=-1)  # the value at ``index``: a minimum is exact
    return best, np.where(np.isfinite(best), index, -1).astype(np.intp, copy=False)


@dataclass(frozen=True)
class PickupDistances:
    """Geodesic km that no variant's state changes: bases to pick-up points (A, H) and
    pick-up points to facilities (H, F). A variant core computes them once for all."""

    base_to_pickup_km: FloatArray
    pickup_to_facility_km: FloatArray

    @classmethod
    def of(cls, assets: Assets, *, exact: bool = True) -> PickupDistances:
        a = assets
        return cls(
            distance_matrix_km(
                a.base_lat_deg, a.base_lon_deg, a.pickup_lat_deg, a.pickup_lon_deg, exact=exact
            ),
            distance_matrix_km(
                a.pickup_lat_deg, a.pickup_lon_deg, a.facility_lat_deg, a.facility_lon_deg, exact=exact
            ),
        )


@dataclass(frozen=True)
class PointTables:
    """What the engine needs of fixed points that no variant's state changes, per season.

    Ground minutes to and from every facility (S, F) and to every site as a pick-up point
    (S, sites), in full (no ``max_min`` cut: what cannot win in one variant may in
    another), and the air km from every base (A, S) and to every facility (S, F).
    ``road_to_site_min`` ``None``: the engine asks the router for the roads to pick-up
    sites it needs, with its own cut (one check, not a variant core).
    """

    road_to_facility_min: FloatArray
    road_from_facility_min: FloatArray
    road_to_site_min: FloatArray | None
    base_to_point_km: FloatArray
    point_to_facility_km: FloatArray

    def take(self, rows: IntArray | slice) -> PointTables:
        """The tables of some of the points (rows of every table, columns of the air km)."""
        return PointTables(
            road_to_facility_min=self.road_to_facility_min[rows],
            road_from_facility_min=self.road_from_facility_min[rows],
            road_to_site_min=None if self.road_to_site_min is None else self.road_to_site_min[rows],
            base_to_point_km=self.base_to_point_km[:, rows],
            point_to_facility_km=self.point_to_facility_km[rows],
        )


def point_tables(
    router: GroundRouter,
    assets: Assets,
    points: WoundingPoints,
    season: Season,
    *,
    exact: bool = True,
    air_km: tuple[FloatArray, FloatArray] | None = None,
) -> PointTables:
    """What :meth:`Engine.leg_times` asks of the router and of geodesics for these points,
    for every asset whatever its state (:meth:`Engine.point_tables`). ``air_km``: the km
    from every base to the points and from the points to every facility, when known."""
    a = assets
    road_to_facility = router.travel_min(
        points.lat_deg, points.lon_deg, a.facility_lat_deg, a.facility_lon_deg, season
    )
    road_from_facility = (
        road_to_facility
        if router.symmetric
        else router.travel_min(
            a.facility_lat_deg, a.facility_lon_deg, points.lat_deg, points.lon_deg, season
        ).T
    )
    return PointTables(
        road_to_facility_min=road_to_facility,
        road_from_facility_min=road_from_facility,
        road_to_site_min=router.travel_min(
            points.lat_deg, points.lon_deg, a.site_lat_deg, a.site_lon_deg, season
        ),
        base_to_point_km=(
            air_km[0]
            if air_km is not None
            else distance_matrix_km(
                a.base_lat_deg, a.base_lon_deg, points.lat_deg, points.lon_deg, exact=exact
            )
        ),
        point_to_facility_km=(
            air_km[1]
            if air_km is not None
            else distance_matrix_km(
                points.lat_deg, points.lon_deg, a.facility_lat_deg, a.facility_lon_deg, exact=exact
            )
        ),
    )


class Engine:
    """Everything of a scenario that does not depend on the points, computed once.

    Build one per (scenario, light, season) and call :meth:`leg_times` on any points:
    sites, patrol samples or grid cells all go through the same code. ``exact_distances``
    false trades pyproj's geodesic for :func:`medevac.geo.fast_distance_matrix_km` (within
    :data:`medevac.geo.FAST_DISTANCE_ERROR_KM` of it) on the (airframes x points) and
    (points x facilities) distances of pathway 4, with range limits still decided exactly:
    each leg's time is then within the bound's minutes of the exact engine's (large grids;
    :func:`medevac.coverage.coverage` makes the reported times exact). Point tables and the
    pick-up distances are always exact.

    A variant core passes ``assets`` (its own, in a variant's state) and the distances it
    has computed once (``pickup_km``); the scenario then only gives the timeline.
    """

    def __init__(
        self,
        scenario: Scenario,
        router: GroundRouter,
        light: Light,
        season: Season,
        legs: tuple[Leg, ...],
        *,
        exact_distances: bool = True,
        assets: Assets | None = None,
        pickup_km: PickupDistances | None = None,
    ) -> None:
        self.scenario = scenario
        self.exact_distances = exact_distances
        self.router = router
        self.light: Light = light
        self.season: Season = season
        self.legs = legs
        self.leg_groups = _leg_groups(legs)
        self.timeline: Timeline = scenario.timeline
        self.assets = assets = assets if assets is not None else Assets.from_scenario(scenario, light)
        t = self.timeline
        # Minutes from wounding to wheels-up of each airframe.
        self.wheels_up_min = t.request + t.approval + assets.launch_min
        self.land_at_facility = assets.can_land_at_facility() & assets.usable[:, None]
        # Bases to pick-up points and on to facilities: few, so always exact (the fast
        # distances are for the (airframes x points) and (points x facilities) of grids).
        self._prepare_pickups(pickup_km or PickupDistances.of(assets))

    # -- road then air: everything that does not depend on the point of wounding ---------

    def _prepare_pickups(self, pickup_km: PickupDistances) -> None:
        """For each pick-up point, its airframes sorted by when they can be there.

        Pathway 5 at a point is ``min over (a, H) of max(x_H, ready[a, H]) + onward[a, H]``
        with ``x_H`` the casualty's arrival at H by road. For one H, with its airframes
        sorted by ``ready``, the airframes already there when the casualty arrives give
        ``x_H + min onward`` (a prefix minimum) and the others ``min (ready + onward)`` (a
        suffix minimum). So each point needs only a count of the airframes there before it
        and two lookups per pick-up point, whatever the leg: see :meth:`_offer_road_then_air`.
        """
        a, t = self.assets, self.timeline
        base_to_pickup_km = pickup_km.base_to_pickup_km  # (A, H)
        pickup_to_facility_km = pickup_km.pickup_to_facility_km  # (H, F)
        # Kept: pick-up points are the facilities then the sites, so explanations read the
        # sites' distances here instead of computing them again.
        self.base_to_pickup_km, self.pickup_to_facility_km = base_to_pickup_km, pickup_to_facility_km
        lands = a.can_pick_up_at(a.pickup_helicopter, a.pickup_airstrip) & a.usable[:, None]
        ready_min = aircraft_at_min(self.wheels_up_min, base_to_pickup_km, a.cruise_kmh)
        reachable = (
            (base_to_pickup_km[:, :, None] + pickup_to_facility_km[None, :, :] <= a.range_km[:, None, None])
            & self.land_at_facility[:, None, :]
            & lands[:, :, None]
        )  # (A, H, F)
        onward_min = pickup_onward_min(
            t, pickup_to_facility_km[None], a.cruise_kmh[:, None, None]
        )  # (A, H, F)
        # What each (airframe, pick-up point) adds after the pick-up, per leg; the team
        # "leg" adds nothing but needs a medical team on a sortie that can land somewhere.
        onward: dict[str, tuple[FloatArray, IntArray]] = {}
        for legs in self.leg_groups:  # legs needing the same level share everything
            gives = reachable & a.provides(legs[0])[None, None, :]
            onward[legs[0]] = _argmin_rows(np.where(gives, onward_min, np.inf))
        team_ok = a.medical_team[:, None] & reachable.any(axis=2)  # (A, H)
        onward[_TEAM] = (np.where(team_ok, 0.0, np.inf), np.full(team_ok.shape, -1, dtype=np.intp))
        useful = np.logical_or.reduce([np.isfinite(times) for times, _ in onward.values()])  # (A, H)
        used = np.flatnonzero(useful.any(axis=0))
        self._used_pickups = used  # pick-up points the road leg must reach

        # Per used pick-up point, its useful airframes sorted by ready time, padded with inf.
        width = int(useful.sum(axis=0).max()) if len(used) else 0
        order = np.argsort(np.where(useful, ready_min, np.inf)[:, used].T, axis=1, kind="stable")[:, :width]
        columns = used[:, None]
        kept = useful[order, columns]  # (used, width)
        self._ready_sorted = np.where(kept, ready_min[order, columns], np.inf)
        self._airframe_sorted = np.where(kept, order, -1)
        self._envelope: dict[str, _Envelope] = {}
        for key, (times, facility) in onward.items():
            onward_sorted = np.where(kept, times[order, columns], np.inf)
            self._envelope[key] = _Envelope.build(
                self._ready_sorted, onward_sorted, np.where(kept, facility[order, columns], -1)
            )

    # -- the computation ------------------------------------------------------------------

    def point_tables(self, points: WoundingPoints) -> PointTables:
        """Everything :meth:`leg_times` asks of the router and of geodesics for these points,
        for every asset whatever its state: what a variant core keeps and reuses."""
        return point_tables(self.router, self.assets, points, self.season)

    def leg_times(self, points: WoundingPoints, tables: PointTables | None = None) -> LegTimes:
        """Earliest time of each leg at each point, chunked so memory stays bounded.

        With ``tables`` (from :meth:`point_tables` for these points) nothing is asked of the
        router or of geodesics: a variant costs array arithmetic only.
        """
        n = len(points)
        a = self.assets
        width = max(1, len(a.facility_ids), len(a.airframe_ids), len(self._used_pickups))
        chunk = max(1, _CHUNK_ELEMENTS // width)
        if n <= chunk:
            return self._leg_times_chunk(points, tables)
        parts = []
        for i in range(0, n, chunk):
            rows = slice(i, i + chunk)
            parts.append(
                self._leg_times_chunk(points.take(rows), None if tables is None else tables.take(rows))
            )
        return LegTimes(
            legs=self.legs,
            time_min=np.concatenate([p.time_min for p in parts], axis=1),
            pathway=np.concatenate([p.pathway for p in parts], axis=1),
            airframe=np.concatenate([p.airframe for p in parts], axis=1),
            facility=np.concatenate([p.facility for p in parts], axis=1),
            pickup=np.concatenate([p.pickup for p in parts], axis=1),
        )

    def site_tables(
        self,
        sites: IntArray | None = None,
        *,
        season: Season | None = None,
        roads_to_sites: bool = False,
        useful_road_min: FloatArray | None = None,
    ) -> PointTables:
        """The tables of some of the scenario's own sites (default all) in a season (default
        the engine's): the air km are the pick-up distances already computed (the sites are
        pick-up points), the road minutes are asked of the router.

        ``roads_to_sites``: the roads to the other sites too, in full or, with
        ``useful_road_min`` (per site), as ``inf`` beyond it (the router may skip those).
        """
        a, router = self.assets, self.router
        season = season or self.season
        rows = np.arange(len(a.site_ids)) if sites is None else sites
        lat, lon = a.site_lat_deg[rows], a.site_lon_deg[rows]
        to_facility = router.travel_min(lat, lon, a.facility_lat_deg, a.facility_lon_deg, season)
        first_site = len(a.facility_ids)
        return PointTables(
            road_to_facility_min=to_facility,
            road_from_facility_min=(
                to_facility
                if router.symmetric
                else router.travel_min(a.facility_lat_deg, a.facility_lon_deg, lat, lon, season).T
            ),
            road_to_site_min=(
                router.travel_min(lat, lon, a.site_lat_deg, a.site_lon_deg, season, max_min=useful_road_min)
                if roads_to_sites
                else None
            ),
            base_to_point_km=self.base_to_pickup_km[:, first_site + rows],
            point_to_facility_km=self.pickup_to_facility_km[first_site + rows],
        )

    def _leg_times_chunk(self, points: WoundingPoints, tables: PointTables | None = None) -> LegTimes:
        a, t = self.assets, self.timeline
        n = len(points)
        none = np.full(n, -1, dtype=np.intp)
        if tables is not None:
            road_to_facility = tables.road_to_facility_min  # (S, F)
            road_from_facility = tables.road_from_facility_min  # (S, F)
        else:
            road_to_facility = self.router.travel_min(
                points.lat_deg, points.lon_deg, a.facility_lat_deg, a.facility_lon_deg, self.season
            )
            road_from_facility = (
                road_to_facility
                if self.router.symmetric
                else self.router.travel_min(
                    a.facility_lat_deg, a.facility_lon_deg, points.lat_deg, points.lon_deg, self.season
                ).T
            )
        candidates: dict[Leg, list[_Candidate]] = {leg: [] for leg in self.legs}

        def offer(legs: tuple[Leg, ...], pathway: Pathway, times: FloatArray, **index: IntArray) -> None:
            for leg in legs:
                if leg in candidates:
                    candidates[leg].append(
                        _Candidate(
                            times,
                            pathway,
                            index.get("airframe", none),
                            index.get("facility", none),
                            index.get("pickup", none),
                        )
                    )

        # 1. On-site first aid.
        offer(
            ("first_aid",),
            Pathway.ON_SITE,
            np.where(points.first_responders, t.first_aid_on_site, np.inf),
        )
        # 2. Self-evacuation by road; 3. a facility's ground team.
        team_sent = a.facility_ground_team & a.facility_on
        team_arrives = np.where(team_sent[None, :], ground_team_at_min(t, road_from_facility), np.inf)
        best, facility = _argmin_rows(team_arrives)
        offer(TEAM_LEGS, Pathway.GROUND_TEAM, best, facility=facility)
        team_back = ground_team_back_min(t, team_arrives, road_to_facility)
        self_road = self_evacuation_min(t, road_to_facility)
        for legs in self.leg_groups:
            gives = a.provides(legs[0])[None, :]
            best, facility = _argmin_rows(np.where(gives, self_road, np.inf))
            offer(legs, Pathway.ROAD, best, facility=facility)
            best, facility = _argmin_rows(np.where(gives, team_back, np.inf))
            offer(legs, Pathway.GROUND_TEAM_BACK, best, facility=facility)
        # 4. Air evacuation from the point itself.
        self._offer_air_from_point(points, offer, tables)
        # 5. Road to a pick-up point, then air. A road leg longer than the latest of the
        # best times found so far cannot improve any leg, so the router may skip it.
        latest_best_min = np.max(
            [np.min([c.time_min for c in options], axis=0) for options in candidates.values()], axis=0
        )
        self._offer_road_then_air(points, offer, road_to_facility, latest_best_min, tables)

        shape = (len(self.legs), n)
        time_min = np.full(shape, np.inf)
        route = {k: np.full(shape, -1, dtype=np.intp) for k in ("pathway", "airframe", "facility", "pickup")}
        for row, leg in enumerate(self.legs):
            options = candidates[leg]
            stacked = np.stack([c.time_min for c in options])  # (options, S)
            winner = np.argmin(stacked, axis=0)
            columns = np.arange(n)
            best = stacked[winner, columns]
            found = np.isfinite(best)
            time_min[row] = best
            route["pathway"][row] = np.where(found, np.array([c.pathway for c in options])[winner], 0)
            for key in ("airframe", "facility", "pickup"):
                values = np.stack([getattr(c, key) for c in options])[winner, columns]
                route[key][row] = np.where(found, values, -1)
        return LegTimes(legs=self.legs, time_min=time_min, **route)

    def _offer_air_from_point(
        self, points: WoundingPoints, offer: _Offer, tables: PointTables | None = None
    ) -> None:
        """Pathway 4. For one airframe and point the best facility is the nearest one it can
        land at that gives the leg: nearest is both fastest and the most within range.

        Only the facilities an aircraft can land at (helipad or airstrip, and on) are
        measured, and each base once however many airframes it holds. With fast distances,
        a range limit that a distance's error could decide is decided with exact geodesics
        (:meth:`_refine_range_limits`), so the fast path changes a time by at most the
        distances' error, never whether a sortie is within range.
        """
        a, t = self.assets, self.timeline
        n = len(points)
        if len(a.airframe_ids) == 0 or len(a.facility_ids) == 0 or n == 0:
            return
        landable = np.flatnonzero((a.facility_helipad | a.facility_airstrip) & a.facility_on)
        if tables is not None:
            base_to_point_km = tables.base_to_point_km  # (A, S)
            point_to_facility_km = tables.point_to_facility_km[:, landable]  # (S, K)
        else:
            base_to_point_km, point_to_facility_km = self._air_km(points, landable, self.exact_distances)
        lands = a.can_pick_up_at(points.hls, points.airstrip) & a.usable[:, None]  # (A, S)
        masks = {"any": a.facility_on[landable]} | {leg: a.provides(leg)[landable] for leg in self.legs}
        kinds = (a.facility_helipad[landable], a.facility_airstrip[landable])
        nearest = _nearest_by_kind(point_to_facility_km, masks, kinds)
        if tables is None and not self.exact_distances:
            cells = self._refine_range_limits(
                points, landable, lands, base_to_point_km, point_to_facility_km, nearest
            )
            if len(cells):
                patch = _nearest_by_kind(point_to_facility_km[cells], masks, kinds)
                for key, by_kind in nearest.items():
                    for (km_all, at_all), (km_new, at_new) in zip(by_kind, patch[key], strict=True):
                        km_all[cells], at_all[cells] = km_new, at_new
        at_point_min = aircraft_at_min(self.wheels_up_min, base_to_point_km, a.cruise_kmh)
        range_left_km = a.range_km[:, None] - base_to_point_km  # (A, S)
        heli = a.helicopter

        done: dict[int, FloatArray] = {}

        def in_range(key: str) -> FloatArray:
            """(A, S): distance to the nearest facility each airframe may use (``inf`` where
            none is in range or it cannot land); legs that share their nearest facilities
            share this too."""
            by_kind = nearest[key]
            if id(by_kind) not in done:
                (heli_km, _), (strip_km, _) = by_kind
                distance = np.empty(base_to_point_km.shape)
                distance[heli] = heli_km
                distance[~heli] = strip_km
                np.copyto(distance, np.inf, where=~(lands & (distance <= range_left_km)))
                done[id(by_kind)] = distance
            return done[id(by_kind)]

        any_distance = in_range("any")
        team_min = np.where(a.medical_team[:, None] & np.isfinite(any_distance), at_point_min, np.inf)
        best, airframe = _argmin_rows(team_min.T)
        offer(TEAM_LEGS, Pathway.AIR_TEAM, best, airframe=airframe)
        for legs in self.leg_groups:
            distance = in_range(legs[0])
            care_min = air_care_min(t, at_point_min, distance, a.cruise_kmh[:, None])
            best, airframe = _argmin_rows(care_min.T)
            # The winner's facility: the nearest of its landing kind (it is in range: it won).
            (_, heli_at), (_, strip_at) = nearest[legs[0]]
            found = airframe >= 0
            nearest_at = np.where(heli[np.where(found, airframe, 0)], heli_at, strip_at)
            at = _pick(landable, np.where(found, nearest_at, -1))
            offer(legs, Pathway.AIR, best, airframe=airframe, facility=at)

    def _air_km(
        self, points: WoundingPoints, landable: IntArray, exact: bool
    ) -> tuple[FloatArray, FloatArray]:
        """(A, S) km from each airframe's base, each distinct base measured once (rows of
        airframes that cannot fly are ``inf``: nothing reads them), and (S, K) km to the
        facilities ``landable``."""
        a = self.assets
        flying = np.flatnonzero(a.usable)
        base_to_point_km = np.full((len(a.airframe_ids), len(points)), np.inf)
        if len(flying):
            bases, which = np.unique(
                np.column_stack([a.base_lat_deg[flying], a.base_lon_deg[flying]]), axis=0, return_inverse=True
            )
            from_bases = distance_matrix_km(
                bases[:, 0], bases[:, 1], points.lat_deg, points.lon_deg, exact=exact
            )
            base_to_point_km[flying] = from_bases[which.ravel()]
        point_to_facility_km = distance_matrix_km(
            points.lat_deg,
            points.lon_deg,
            a.facility_lat_deg[landable],
            a.facility_lon_deg[landable],
            exact=exact,
        )
        return base_to_point_km, point_to_facility_km

    def _refine_range_limits(
        self,
        points: WoundingPoints,
        landable: IntArray,
        lands: BoolArray,
        base_to_point_km: FloatArray,
        point_to_facility_km: FloatArray,
        nearest: _Nearest,
    ) -> IntArray:
        """Exact geodesics, in place, at the points where a fast distance could decide a range
        limit: ``base km + nearest facility km`` within twice :data:`FAST_DISTANCE_ERROR_KM`
        of an airframe's range, for the nearest facility of any leg. Returns those points.

        Elsewhere the fast distances decide every limit as the exact ones would (each is
        within the bound). The caller recomputes the nearest facilities of these points.
        """
        a = self.assets
        heli = a.helicopter[:, None]
        slack_km = a.range_km[:, None] - base_to_point_km  # (A, S)
        undecided = np.zeros(len(points), dtype=bool)
        for (heli_km, _), (strip_km, _) in {id(v): v for v in nearest.values()}.values():
            gap_km = np.where(heli, heli_km[None, :], strip_km[None, :])
            gap_km -= slack_km
            np.abs(gap_km, out=gap_km)
            undecided |= np.any(lands & (gap_km <= 2 * FAST_DISTANCE_ERROR_KM), axis=0)
        cells = np.flatnonzero(undecided)
        if len(cells):
            flying = np.flatnonzero(a.usable)
            lat, lon = points.lat_deg[cells], points.lon_deg[cells]
            base_to_point_km[np.ix_(flying, cells)] = distance_matrix_km(
                a.base_lat_deg[flying], a.base_lon_deg[flying], lat, lon
            )
            point_to_facility_km[cells] = distance_matrix_km(
                lat, lon, a.facility_lat_deg[landable], a.facility_lon_deg[landable]
            )
        return cells

    def _offer_road_then_air(
        self,
        points: WoundingPoints,
        offer: _Offer,
        road_to_facility: FloatArray,
        latest_best_min: FloatArray,
        tables: PointTables | None = None,
    ) -> None:
        """Pathway 5, with the sorted-ready envelope of :meth:`_prepare_pickups`.

        Pick-up points that are facilities reuse ``road_to_facility``; for the others, a
        road arriving after ``latest_best_min`` (per point: the latest of the best times
        already found) cannot win, and the router may return it as ``inf``.
        """
        a, t = self.assets, self.timeline
        used = self._used_pickups
        if len(used) == 0 or len(points) == 0:
            return
        n_facilities = len(a.facility_ids)
        at_sites = used[used >= n_facilities]
        road_min = np.empty((len(points), len(used)))
        road_min[:, : len(used) - len(at_sites)] = road_to_facility[:, used[used < n_facilities]]
        if tables is not None and tables.road_to_site_min is not None:
            road_min[:, len(used) - len(at_sites) :] = tables.road_to_site_min[:, at_sites - n_facilities]
        else:
            road_min[:, len(used) - len(at_sites) :] = self.router.travel_min(
                points.lat_deg,
                points.lon_deg,
                a.pickup_lat_deg[at_sites],
                a.pickup_lon_deg[at_sites],
                self.season,
                max_min=latest_best_min - t.ground_departure,
            )  # (S, used): `used` is sorted, facilities first
        arrive_min = road_min
        arrive_min += t.ground_departure
        # Only the (point, pick-up point) pairs where the casualty arrives by the latest of the
        # best times already found: elsewhere every time of the pair is later than that
        # (``max(arrive, ready) + onward >= arrive``), so it cannot win any leg, and the
        # minimum over the pairs that are left is the same. ``np.nonzero`` lists the pairs
        # point by point, pick-up points in order, so ties go to the same pick-up point.
        point, column = np.nonzero(arrive_min <= latest_best_min[:, None])
        arrive = arrive_min[point, column]
        # Flat index into each envelope row at "how many airframes are there already".
        ready = self._ready_sorted  # (used, W), sorted, inf-padded
        width = ready.shape[1]
        there = np.count_nonzero(ready[column] <= arrive[:, None], axis=1)
        there += column * (width + 1)
        starts = np.flatnonzero(np.r_[True, point[1:] != point[:-1]]) if len(point) else point
        owners = point[starts]
        for key, pathway, legs in (
            (_TEAM, Pathway.ROAD_AIR_TEAM, TEAM_LEGS),
            *((legs[0], Pathway.ROAD_AIR, legs) for legs in self.leg_groups),
        ):
            envelope = self._envelope[key]
            times = envelope.prefix_min.ravel().take(there)
            times += arrive  # casualty there last: it waits for nobody
            np.minimum(times, envelope.suffix_min.ravel().take(there), out=times)
            best = np.full(len(points), np.inf)
            pair = np.full(len(points), -1, dtype=np.intp)
            if len(point):
                best[owners] = np.minimum.reduceat(times, starts)
                # The first pair of each point that reaches its minimum (the lowest column).
                first = np.flatnonzero(times == best[point])
                owner, at = np.unique(point[first], return_index=True)
                pair[owner] = first[at]
            pair[~np.isfinite(best)] = -1
            airframe, facility = envelope.winner(arrive, there, pair, self._airframe_sorted, column)
            offer(
                legs,
                pathway,
                best,
                airframe=airframe,
                facility=facility,
                pickup=_pick(used, _pick(column, pair)),
            )


_TEAM = "team"
"""Key of the medical-team pseudo-leg in the road-then-air envelopes."""


# -- the arithmetic of each pathway, shared with the variant core ----------------------------
# One function per formula of spec v1, so that the engine's minima and the variant core's
# covering options compute every time with the same floating-point operations, bit for bit.


def aircraft_at_min(
    wheels_up_min: FloatArray, base_to_point_km: FloatArray, cruise_kmh: FloatArray
) -> FloatArray:
    """(A, points): minutes from wounding to each aircraft's arrival at each point."""
    return np.asarray(wheels_up_min[:, None] + base_to_point_km / cruise_kmh[:, None] * 60)


def air_care_min(
    t: Timeline, at_point_min: FloatArray, point_to_facility_km: FloatArray, cruise_kmh: FloatArray
) -> FloatArray:
    """Pathway 4: in care at a facility after the pick-up at the point (broadcast)."""
    return np.asarray(at_point_min + t.on_scene + point_to_facility_km / cruise_kmh * 60 + t.handover)


def pickup_onward_min(t: Timeline, pickup_to_facility_km: FloatArray, cruise_kmh: FloatArray) -> FloatArray:
    """Pathway 5: minutes from the pick-up to in care at the facility (broadcast: the engine
    passes (1, H, F) km and (A, 1, 1) speeds, the variant core one pair per entry)."""
    return np.asarray(t.on_scene + pickup_to_facility_km / cruise_kmh * 60 + t.handover)


def self_evacuation_min(t: Timeline, road_to_facility_min: FloatArray) -> FloatArray:
    """Pathway 2: in care at the facility after the unit's own vehicle drives there."""
    return np.asarray(t.ground_departure + road_to_facility_min + t.handover)


def ground_team_at_min(t: Timeline, road_from_facility_min: FloatArray) -> FloatArray:
    """Pathway 3: the facility's ground team reaches the casualty."""
    return np.asarray(t.request + road_from_facility_min)


def ground_team_back_min(
    t: Timeline, team_at_min: FloatArray, road_to_facility_min: FloatArray
) -> FloatArray:
    """Pathway 3: ... and brings the casualty back into its facility."""
    return np.asarray(team_at_min + t.on_scene + road_to_facility_min + t.handover)


@dataclass(frozen=True)
class _Envelope:
    """``min over airframes of max(x, ready) + onward`` at one pick-up point, for any x.

    Rows are pick-up points, columns their airframes sorted by ready time (inf-padded).
    ``prefix_*[h, k]``: best onward among the first k airframes (already there);
    ``suffix_*[h, k]``: best ``ready + onward`` among the others.
    """

    prefix_min: FloatArray  # (H, W + 1)
    prefix_slot: IntArray
    suffix_min: FloatArray  # (H, W + 1)
    suffix_slot: IntArray
    facility: IntArray  # (H, W): the onward facility of each slot

    @classmethod
    def build(cls, ready_sorted: FloatArray, onward_sorted: FloatArray, facility: IntArray) -> _Envelope:
        rows, width = onward_sorted.shape
        prefix_min = np.full((rows, width + 1), np.inf)
        prefix_slot = np.full((rows, width + 1), -1, dtype=np.intp)
        suffix_min = np.full((rows, width + 1), np.inf)
        suffix_slot = np.full((rows, width + 1), -1, dtype=np.intp)
        if width:
            prefix_min[:, 1:] = np.minimum.accumulate(onward_sorted, axis=1)
            prefix_slot[:, 1:] = _running_argmin(onward_sorted)
            total = ready_sorted + onward_sorted
            suffix_min[:, :-1] = np.minimum.accumulate(total[:, ::-1], axis=1)[:, ::-1]
            from_end = _running_argmin(total[:, ::-1])[:, ::-1]
            suffix_slot[:, :-1] = np.where(from_end >= 0, width - 1 - from_end, -1)
        return cls(prefix_min, prefix_slot, suffix_min, suffix_slot, facility)

    def winner(
        self,
        arrive_min: FloatArray,
        there: IntArray,
        pair: IntArray,
        airframe_sorted: IntArray,
        column: IntArray,
    ) -> tuple[IntArray, IntArray]:
        """Airframe and facility of each point's best (point, pick-up point) pair.

        ``arrive_min``, ``there`` (the flat index into the envelope rows) and ``column`` (the
        pick-up point's row) are per pair, as in the caller; ``pair`` is per point, -1 where
        no pair delivers.
        """
        found = pair >= 0
        pair = np.where(found, pair, 0)
        if len(there) == 0:
            none = np.full(pair.shape, -1, dtype=np.intp)
            return none, none.copy()
        flat = there[pair]
        early = arrive_min[pair] + self.prefix_min.ravel()[flat]
        use_early = early <= self.suffix_min.ravel()[flat]
        slot = np.where(use_early, self.prefix_slot.ravel()[flat], self.suffix_slot.ravel()[flat])
        ok = found & (slot >= 0)
        slot = np.where(ok, slot, 0)
        row = column[pair]
        airframe = np.where(ok, airframe_sorted[row, slot], -1).astype(np.intp)
        facility = np.where(ok, self.facility[row, slot], -1).astype(np.intp)
        return airframe, facility


def _leg_groups(legs: tuple[Leg, ...]) -> tuple[tuple[Leg, ...], ...]:
    """The legs grouped by the facility level they need, in order: every facility that gives
    one leg of a group gives the others, so the engine computes each group's minima once.

    >>> _leg_groups(("first_aid", "resuscitation", "surgery"))
    (('first_aid', 'resuscitation'), ('surgery',))
    """
    groups: dict[int, list[Leg]] = {}
    for leg in legs:
        groups.setdefault(LEG_MIN_RANK[leg], []).append(leg)
    return tuple(tuple(group) for group in groups.values())


def _running_argmin(values: FloatArray) -> IntArray:
    """Per row, the column of the minimum of ``values[:, :j + 1]`` for each j; -1 while all inf.

    A loop over the few columns (airframes at one pick-up point), vectorised over rows.
    """
    rows, width = values.shape
    slots = np.full((rows, width), -1, dtype=np.intp)
    best = np.full(rows, np.inf)
    slot = np.full(rows, -1, dtype=np.intp)
    for column in range(width):
        better = values[:, column] < best
        best = np.where(better, values[:, column], best)
        slot = np.where(better, column, slot)
        slots[:, column] = slot
    return slots


_Nearest = dict[str, tuple[tuple[FloatArray, IntArray], tuple[FloatArray, IntArray]]]
"""Per key (a leg, or ``"any"``) and landing kind (helipad, airstrip): km to and index of
each point's nearest facility of that kind giving the leg, (points,) each."""


def _nearest_by_kind(
    point_to_facility_km: FloatArray, masks: dict[str, BoolArray], kinds: tuple[BoolArray, BoolArray]
) -> _Nearest:
    """The nearest facility of each mask and landing kind, computed once per distinct mask
    (legs needing the same level share theirs)."""
    done: dict[bytes, tuple[tuple[FloatArray, IntArray], tuple[FloatArray, IntArray]]] = {}
    out: _Nearest = {}
    for key, mask in masks.items():
        signature = mask.tobytes()
        if signature not in done:
            heli, strip = (
                _argmin_rows(np.where((mask & kind)[None, :], point_to_facility_km, np.inf)) for kind in kinds
            )
            done[signature] = (heli, strip)
        out[key] = done[signature]
    return out


class _Offer(Protocol):  # the signature of the ``offer`` callback, for type checkers
    def __call__(
        self, legs: tuple[Leg, ...], pathway: Pathway, times: FloatArray, **index: IntArray
    ) -> None: ...


def _pick(values: IntArray, index: IntArray) -> IntArray:
    """``values[index]`` where ``index >= 0``, else -1."""
    if len(values) == 0:
        return np.full(index.shape, -1, dtype=np.intp)
    return np.where(index >= 0, values[np.clip(index, 0, None)], -1).astype(np.intp)


def _pick_rows(table: IntArray, column: IntArray) -> IntArray:
    """``table[s, column[s]]`` for each row s, -1 where ``column`` is -1."""
    if table.shape[1] == 0:
        return np.full(column.shape, -1, dtype=np.intp)
    values = table[np.arange(len(column)), np.clip(column, 0, None)]
    return np.where(column >= 0, values, -1).astype(np.intp)
