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

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from medevac.geo import FloatArray, distance_matrix_km
from medevac.ground import GroundRouter
from medevac.model import Light, Scenario, Season, Site, Timeline
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
    """A scenario's facilities, airframes and pick-up points as arrays, for one light.

    Airframes that cannot fly (unavailable, or at night without night capability) are kept
    with ``usable`` false so indexes match the scenario's lists.
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
    launch_min: FloatArray
    medical_team: BoolArray
    helicopter: BoolArray
    usable: BoolArray
    pickup_ids: tuple[str, ...]
    pickup_lat_deg: FloatArray
    pickup_lon_deg: FloatArray
    pickup_helicopter: BoolArray  # a helicopter can land: facility helipad or site HLS
    pickup_airstrip: BoolArray

    @classmethod
    def from_scenario(cls, scenario: Scenario, light: Light) -> Assets:
        facilities = scenario.facilities
        airframes = scenario.airframes
        bases = [scenario.base_location(a) for a in airframes]
        sites = scenario.sites
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
            launch_min=np.array([a.launch.minutes(light) for a in airframes], dtype=np.float64),
            medical_team=np.array([a.medical_team for a in airframes], dtype=bool),
            helicopter=np.array([a.kind == "helicopter" for a in airframes], dtype=bool),
            usable=np.array([a.available and (light == "day" or a.night) for a in airframes], dtype=bool),
            pickup_ids=tuple(f.id for f in facilities) + tuple(s.id for s in sites),
            pickup_lat_deg=np.array([f.lat for f in facilities] + [s.lat for s in sites]),
            pickup_lon_deg=np.array([f.lon for f in facilities] + [s.lon for s in sites]),
            pickup_helicopter=np.array([f.helipad for f in facilities] + [s.hls for s in sites], dtype=bool),
            pickup_airstrip=np.array(
                [f.airstrip for f in facilities] + [s.airstrip for s in sites], dtype=bool
            ),
        )

    def can_land_at_facility(self) -> BoolArray:
        """(airframe, facility): the airframe can land there (helipad or airstrip)."""
        return np.where(
            self.helicopter[:, None], self.facility_helipad[None, :], self.facility_airstrip[None, :]
        )

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
    best = np.take_along_axis(times, index[..., None], axis=-1)[..., 0]
    return best, np.where(np.isfinite(best), index, -1).astype(np.intp)


class Engine:
    """Everything of a scenario that does not depend on the points, computed once.

    Build one per (scenario, light, season) and call :meth:`leg_times` on any points:
    sites, patrol samples or grid cells all go through the same code. ``exact_distances``
    false trades pyproj's geodesic for a formula within 10 m of it (large grids).
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
    ) -> None:
        self.scenario = scenario
        self.exact_distances = exact_distances
        self.router = router
        self.light: Light = light
        self.season: Season = season
        self.legs = legs
        self.timeline: Timeline = scenario.timeline
        self.assets = assets = Assets.from_scenario(scenario, light)
        t = self.timeline
        # Minutes from wounding to wheels-up of each airframe.
        self.wheels_up_min = t.request + t.approval + assets.launch_min
        self.land_at_facility = assets.can_land_at_facility() & assets.usable[:, None]
        self._prepare_pickups()

    # -- road then air: everything that does not depend on the point of wounding ---------

    def _prepare_pickups(self) -> None:
        """For each (airframe, pick-up point): when the aircraft can be there, and onward.

        Keeps only the pairs that can deliver some leg, flattened, so the per-point work is
        one (points x pairs) array per leg.
        """
        a, t = self.assets, self.timeline
        base_to_pickup_km = distance_matrix_km(
            a.base_lat_deg, a.base_lon_deg, a.pickup_lat_deg, a.pickup_lon_deg
        )  # (A, H)
        pickup_to_facility_km = distance_matrix_km(
            a.pickup_lat_deg, a.pickup_lon_deg, a.facility_lat_deg, a.facility_lon_deg
        )  # (H, F)
        lands = a.can_pick_up_at(a.pickup_helicopter, a.pickup_airstrip) & a.usable[:, None]
        ready_min = self.wheels_up_min[:, None] + base_to_pickup_km / a.cruise_kmh[:, None] * 60
        in_range = (
            base_to_pickup_km[:, :, None] + pickup_to_facility_km[None, :, :] <= a.range_km[:, None, None]
        )  # (A, H, F)
        reachable = in_range & self.land_at_facility[:, None, :] & lands[:, :, None]
        onward_min = (
            t.on_scene + pickup_to_facility_km[None, :, :] / a.cruise_kmh[:, None, None] * 60 + t.handover
        )  # (A, H, F)
        onward: dict[Leg, tuple[FloatArray, IntArray]] = {}
        for leg in self.legs:
            gives = reachable & (a.facility_rank >= LEG_MIN_RANK[leg])[None, None, :]
            onward[leg] = _argmin_rows(np.where(gives, onward_min, np.inf))
        team_ok = a.medical_team[:, None] & reachable.any(axis=2)  # (A, H)
        useful = team_ok | np.logical_or.reduce([np.isfinite(onward[leg][0]) for leg in self.legs])
        pair_airframe, pair_pickup = np.nonzero(useful)
        self._pair_airframe = pair_airframe.astype(np.intp)
        self._pair_pickup = pair_pickup.astype(np.intp)
        self._pair_ready_min = ready_min[pair_airframe, pair_pickup]
        self._pair_team = team_ok[pair_airframe, pair_pickup]
        self._pair_onward = {
            leg: (times[pair_airframe, pair_pickup], facility[pair_airframe, pair_pickup])
            for leg, (times, facility) in onward.items()
        }
        used = np.unique(pair_pickup)
        self._used_pickups = used  # pick-up points the road leg must reach
        self._pair_column = np.searchsorted(used, pair_pickup)

    # -- the computation ------------------------------------------------------------------

    def leg_times(self, points: WoundingPoints) -> LegTimes:
        """Earliest time of each leg at each point, chunked so memory stays bounded."""
        n = len(points)
        a = self.assets
        width = max(1, len(a.facility_ids) * max(1, len(a.airframe_ids)), len(self._pair_airframe))
        chunk = max(1, _CHUNK_ELEMENTS // width)
        parts = [self._leg_times_chunk(points.take(slice(i, i + chunk))) for i in range(0, n, chunk)]
        if not parts:
            parts = [self._leg_times_chunk(points)]
        return LegTimes(
            legs=self.legs,
            time_min=np.concatenate([p.time_min for p in parts], axis=1),
            pathway=np.concatenate([p.pathway for p in parts], axis=1),
            airframe=np.concatenate([p.airframe for p in parts], axis=1),
            facility=np.concatenate([p.facility for p in parts], axis=1),
            pickup=np.concatenate([p.pickup for p in parts], axis=1),
        )

    def _leg_times_chunk(self, points: WoundingPoints) -> LegTimes:
        a, t = self.assets, self.timeline
        n = len(points)
        none = np.full(n, -1, dtype=np.intp)
        road_to_facility = self.router.travel_min(
            points.lat_deg, points.lon_deg, a.facility_lat_deg, a.facility_lon_deg, self.season
        )  # (S, F)
        road_from_facility = (
            road_to_facility
            if self.router.symmetric
            else self.router.travel_min(
                a.facility_lat_deg, a.facility_lon_deg, points.lat_deg, points.lon_deg, self.season
            ).T
        )  # (S, F)
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
        team_arrives = np.where(a.facility_ground_team[None, :], t.request + road_from_facility, np.inf)
        best, facility = _argmin_rows(team_arrives)
        offer(TEAM_LEGS, Pathway.GROUND_TEAM, best, facility=facility)
        team_back = team_arrives + t.on_scene + road_to_facility + t.handover
        self_road = t.ground_departure + road_to_facility + t.handover
        for leg in self.legs:
            gives = (a.facility_rank >= LEG_MIN_RANK[leg])[None, :]
            best, facility = _argmin_rows(np.where(gives, self_road, np.inf))
            offer((leg,), Pathway.ROAD, best, facility=facility)
            best, facility = _argmin_rows(np.where(gives, team_back, np.inf))
            offer((leg,), Pathway.GROUND_TEAM_BACK, best, facility=facility)
        # 4. Air evacuation from the point itself.
        self._offer_air_from_point(points, offer)
        # 5. Road to a pick-up point, then air.
        self._offer_road_then_air(points, offer)

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

    def _offer_air_from_point(self, points: WoundingPoints, offer: _Offer) -> None:
        a, t = self.assets, self.timeline
        n = len(points)
        if len(a.airframe_ids) == 0 or len(a.facility_ids) == 0 or n == 0:
            return
        exact = self.exact_distances
        base_to_point_km = distance_matrix_km(
            a.base_lat_deg, a.base_lon_deg, points.lat_deg, points.lon_deg, exact=exact
        )  # (A, S)
        point_to_facility_km = distance_matrix_km(
            points.lat_deg, points.lon_deg, a.facility_lat_deg, a.facility_lon_deg, exact=exact
        )  # (S, F)
        lands = a.can_pick_up_at(points.hls, points.airstrip) & a.usable[:, None]  # (A, S)
        at_point_min = self.wheels_up_min[:, None] + base_to_point_km / a.cruise_kmh[:, None] * 60
        reachable = (
            (base_to_point_km[:, :, None] + point_to_facility_km[None, :, :] <= a.range_km[:, None, None])
            & self.land_at_facility[:, None, :]
            & lands[:, :, None]
        )  # (A, S, F)
        care_min = (
            at_point_min[:, :, None]
            + t.on_scene
            + point_to_facility_km[None, :, :] / a.cruise_kmh[:, None, None] * 60
            + t.handover
        )
        team_min = np.where(a.medical_team[:, None] & reachable.any(axis=2), at_point_min, np.inf)
        best, airframe = _argmin_rows(team_min.T)
        offer(TEAM_LEGS, Pathway.AIR_TEAM, best, airframe=airframe)
        n_facilities = len(a.facility_ids)
        for leg in self.legs:
            gives = reachable & (a.facility_rank >= LEG_MIN_RANK[leg])[None, None, :]
            flat = np.where(gives, care_min, np.inf).transpose(1, 0, 2).reshape(n, -1)  # (S, A*F)
            best, pair = _argmin_rows(flat)
            airframe = np.where(pair >= 0, pair // n_facilities, -1)
            facility = np.where(pair >= 0, pair % n_facilities, -1)
            offer((leg,), Pathway.AIR, best, airframe=airframe, facility=facility)

    def _offer_road_then_air(self, points: WoundingPoints, offer: _Offer) -> None:
        a, t = self.assets, self.timeline
        if len(self._pair_airframe) == 0 or len(points) == 0:
            return
        used = self._used_pickups
        road_min = self.router.travel_min(
            points.lat_deg, points.lon_deg, a.pickup_lat_deg[used], a.pickup_lon_deg[used], self.season
        )  # (S, used pick-ups)
        pickup_min = np.maximum(
            t.ground_departure + road_min[:, self._pair_column], self._pair_ready_min[None, :]
        )  # (S, pairs)
        team = np.where(self._pair_team[None, :], pickup_min, np.inf)
        best, pair = _argmin_rows(team)
        offer(
            TEAM_LEGS,
            Pathway.ROAD_AIR_TEAM,
            best,
            airframe=_pick(self._pair_airframe, pair),
            pickup=_pick(self._pair_pickup, pair),
        )
        for leg in self.legs:
            onward_min, onward_facility = self._pair_onward[leg]
            best, pair = _argmin_rows(pickup_min + onward_min[None, :])
            offer(
                (leg,),
                Pathway.ROAD_AIR,
                best,
                airframe=_pick(self._pair_airframe, pair),
                facility=_pick(onward_facility, pair),
                pickup=_pick(self._pair_pickup, pair),
            )


class _Offer(Protocol):  # the signature of the ``offer`` callback, for type checkers
    def __call__(
        self, legs: tuple[Leg, ...], pathway: Pathway, times: FloatArray, **index: IntArray
    ) -> None: ...


def _pick(values: IntArray, index: IntArray) -> IntArray:
    """``values[index]`` where ``index >= 0``, else -1."""
    if len(values) == 0:
        return np.full(index.shape, -1, dtype=np.intp)
    return np.where(index >= 0, values[np.clip(index, 0, None)], -1).astype(np.intp)
