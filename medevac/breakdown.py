"""Where the minutes go: a leg's winning pathway as a timeline of steps, and the next best.

A check says *how long* a leg takes at a site and by which pathway; a planner deciding what
to change needs *where the minutes go*: how much is the request, the approval, the launch,
the flight, the road, and how far and how fast each moving leg is. This module turns one
(site, leg) of a check into a :class:`Breakdown`: the pathway of spec v1 as steps from
wounding, each with its minutes, the km and km/h of a moving step and the assets it uses.
The steps on the critical path add up to the engine's own time (to float rounding).

Two questions, two functions of :class:`Breakdowns`:

- :meth:`Breakdowns.winner`: the check's own winning pathway and assets (read from the
  check's arrays, as the results table does), broken down;
- :meth:`Breakdowns.next_best`: the fastest option of a *different kind* of pathway, with
  its own breakdown: what the site falls back on if the winning kind is not there.

The kinds are the ways of getting a casualty to care (:data:`KIND_OF`): on-site first aid,
self-evacuation by road, a ground team (reaching the casualty, or bringing them back: one
team, so one kind), air from the point (with the team on board or to a facility: one
sortie), and road to a pick-up point then air. Road to the site's own landing site then air
is air from the point (the engine allows it; it never wins), so it is left out of road then
air.

Options are enumerated for the one site, over every facility, airframe and pick-up point,
with the engine's own formulas (:func:`medevac.timeline.aircraft_at_min` and the others), so
each kind's best is what the engine would find if the other kinds were not there.

Road km: the no-roads estimate's road is ``geodesic km x detour_factor`` at its speed; on a
road network the fastest route is found again (Dijkstra with predecessors over the
network's node matrix, joining the points as the router does) and its length summed; the
km are kept only when that route's minutes are the router's own (to 1e-6 min), else left
unknown. A carry (straight across on foot, spec v1.1) is its straight km at
``off_road_kmh``. A moving step's km/h is its km over its minutes: the average, access legs
off the road included.

Words for the step codes are in :data:`medevac.messages.STEP_TEXT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np
from scipy.sparse import csgraph

from medevac.check import CheckResult
from medevac.geo import FloatArray, distance_km
from medevac.ground import CachedRouter, GeodesicRouter, GroundRouter
from medevac.model import Season
from medevac.standards import TEAM_LEGS, Leg
from medevac.timeline import (
    IntArray,
    Pathway,
    air_care_min,
    aircraft_at_min,
    ground_team_at_min,
    ground_team_back_min,
    pickup_onward_min,
    self_evacuation_min,
)

Track = Literal["casualty", "team", "aircraft"]

STEP_CODES: tuple[str, ...] = (
    "first_aid_on_site",
    "ground_departure",
    "request",
    "approval",
    "launch",
    "team_road",
    "flight_to_pickup",
    "road",
    "on_scene",
    "flight_to_facility",
    "handover",
)
"""The steps a pathway is made of (each pathway uses some of them, in its own order)."""

KIND_OF: dict[Pathway, str] = {
    Pathway.ON_SITE: "on_site",
    Pathway.ROAD: "road",
    Pathway.GROUND_TEAM: "ground_team",
    Pathway.GROUND_TEAM_BACK: "ground_team",
    Pathway.AIR_TEAM: "air",
    Pathway.AIR: "air",
    Pathway.ROAD_AIR_TEAM: "road_air",
    Pathway.ROAD_AIR: "road_air",
}
"""The kind of each pathway: the next best is the fastest option of another kind."""

KINDS: tuple[str, ...] = ("on_site", "road", "ground_team", "air", "road_air")
"""Kinds in the engine's order of pathways (which also breaks ties)."""

ROUTE_TOLERANCE_MIN = 1e-6
"""A road route found again is trusted for its km when its minutes are the router's to this."""


@dataclass(frozen=True)
class Step:
    """One step of a pathway: ``minutes`` from ``start_min`` (minutes from wounding).

    ``km`` and ``kmh`` are given for moving steps (a flight, a road), ``None`` otherwise or
    when unknown; ``on_foot`` marks a road step that is a carry straight across. ``track``
    says who moves (the casualty, a ground team, the aircraft); ``critical`` is false for a
    step done in parallel and waited for (the faster of road-then-air's two tracks to the
    pick-up): the critical steps add up to the leg's time.
    """

    code: str
    start_min: float
    minutes: float
    km: float | None = None
    kmh: float | None = None
    asset_ids: tuple[str, ...] = ()
    track: Track = "casualty"
    critical: bool = True
    on_foot: bool = False

    @property
    def end_min(self) -> float:
        return self.start_min + self.minutes


@dataclass(frozen=True)
class Breakdown:
    """One option for a leg at a site: its pathway, its assets and its steps."""

    site_id: str
    leg: Leg
    light: str
    season: str
    pathway: str  # the results table's code: "air", "road_air_team" ...
    airframe_id: str | None
    facility_id: str | None
    pickup_id: str | None
    time_min: float  # the engine's minutes (not rounded)
    steps: tuple[Step, ...]

    @property
    def kind(self) -> str:
        """The kind of pathway (:data:`KIND_OF`); road then air picking up at the site
        itself (a road of 0 km, which the engine may find 1e-14 min quicker than the same
        sortie from the point) is air from the point."""
        if self.pathway.startswith("road_air") and self.pickup_id == self.site_id:
            return "air"
        return KIND_OF[Pathway[self.pathway.upper()]]

    @property
    def total_min(self) -> float:
        """The critical steps' minutes added up: the leg's time."""
        return float(sum(step.minutes for step in self.steps if step.critical))


@dataclass(frozen=True)
class _Option:
    time_min: float
    pathway: Pathway
    airframe: int = -1
    facility: int = -1
    pickup: int = -1


class Breakdowns:
    """The breakdowns of one check's sites: build once per check, ask per site and leg.

    The road minutes are the check's own tables (:meth:`medevac.timeline.Engine.site_tables`
    with the roads to every site), asked of the router once.
    """

    def __init__(self, check: CheckResult) -> None:
        self.check = check
        self.engine = check.engine
        self.assets = check.engine.assets
        self._site_index = {site.id: i for i, site in enumerate(check.scenario.sites)}

    @cached_property
    def _tables(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        tables = self.engine.site_tables(roads_to_sites=True)
        assert tables.road_to_site_min is not None
        return tables.road_to_facility_min, tables.road_from_facility_min, tables.road_to_site_min

    def _site(self, site: str | int) -> int:
        if isinstance(site, str):
            if site not in self._site_index:
                raise KeyError(f"no site {site!r} in {self.check.scenario.name}")
            return self._site_index[site]
        return int(site)

    # -- the check's winner ------------------------------------------------------------------

    def winner(self, site: str | int, leg: Leg) -> Breakdown | None:
        """The check's winning pathway of ``leg`` at ``site``, broken down; None if none."""
        s = self._site(site)
        times = self.check.times
        i = times.leg_index(leg)
        pathway = Pathway(int(times.pathway[i, s]))
        if pathway == Pathway.NONE:
            return None
        option = _Option(
            float(times.time_min[i, s]),
            pathway,
            int(times.airframe[i, s]),
            int(times.facility[i, s]),
            int(times.pickup[i, s]),
        )
        return self._breakdown(s, leg, option)

    # -- every kind's best -------------------------------------------------------------------

    def by_kind(self, site: str | int, leg: Leg) -> dict[str, Breakdown]:
        """The fastest option of each kind of pathway that delivers ``leg`` at ``site``."""
        s = self._site(site)
        return {
            KIND_OF[option.pathway]: self._breakdown(s, leg, option) for option in self._best_options(s, leg)
        }

    def next_best(self, site: str | int, leg: Leg) -> Breakdown | None:
        """The fastest option of a kind other than the winner's; None if there is none."""
        s = self._site(site)
        won = self.winner(s, leg)
        if won is None:
            return None
        others = [o for o in self._best_options(s, leg) if KIND_OF[o.pathway] != won.kind]
        if not others:
            return None
        return self._breakdown(s, leg, min(others, key=lambda o: o.time_min))

    def _best_options(self, s: int, leg: Leg) -> list[_Option]:
        """The best option of each kind, in the order of :data:`KINDS` (ties: earlier
        pathway, then the first asset, as the engine)."""
        a, t, engine = self.assets, self.engine.timeline, self.engine
        to_facility, from_facility, to_site = (table[s] for table in self._tables)
        n_facilities = len(a.facility_ids)
        pickup_index = n_facilities + s
        provides = a.provides(leg)
        team_leg = leg in TEAM_LEGS
        found: dict[str, list[_Option]] = {kind: [] for kind in KINDS}

        def best_of(times: FloatArray, pathway: Pathway, **index: IntArray) -> None:
            flat = np.asarray(times, dtype=np.float64).ravel()
            if flat.size == 0 or not np.isfinite(flat).any():
                return
            k = int(np.argmin(flat))
            where = np.unravel_index(k, np.shape(times))
            chosen = {key: int(values[where]) for key, values in index.items()}
            found[KIND_OF[pathway]].append(_Option(float(flat[k]), pathway, **chosen))

        def grid(*shape: int) -> tuple[IntArray, ...]:
            return tuple(np.asarray(g, dtype=np.intp) for g in np.indices(shape))

        # 1. On-site first aid.
        if leg == "first_aid" and self.check.scenario.sites[s].first_responders:
            found["on_site"].append(_Option(float(t.first_aid_on_site), Pathway.ON_SITE))
        # 2. Road to a facility; 3. a ground team.
        (facility,) = grid(n_facilities)
        self_road = np.where(provides, self_evacuation_min(t, to_facility), np.inf)
        best_of(self_road, Pathway.ROAD, facility=facility)
        team_sent = a.facility_ground_team & a.facility_on
        team_at = np.where(team_sent, ground_team_at_min(t, from_facility), np.inf)
        if team_leg:
            best_of(team_at, Pathway.GROUND_TEAM, facility=facility)
        team_back = np.where(provides, ground_team_back_min(t, team_at, to_facility), np.inf)
        best_of(team_back, Pathway.GROUND_TEAM_BACK, facility=facility)
        # 4. Air from the point: (airframes, facilities).
        base_km = engine.base_to_pickup_km[:, pickup_index]  # (A,)
        onward_km = engine.pickup_to_facility_km[pickup_index]  # (F,)
        site = self.check.scenario.sites[s]
        lands_here = (
            a.can_pick_up_at(np.array([site.hls]), np.array([site.airstrip]))[:, 0] & a.usable
        )  # (A,)
        at_point = aircraft_at_min(engine.wheels_up_min, base_km[:, None], a.cruise_kmh)[:, 0]
        in_range = (onward_km[None, :] <= (a.range_km - base_km)[:, None]) & engine.land_at_facility
        sortie = lands_here[:, None] & in_range  # (A, F)
        airframe, facility2 = grid(len(a.airframe_ids), n_facilities)
        if team_leg:
            (airframe1,) = grid(len(a.airframe_ids))
            team = np.where(a.medical_team & sortie.any(axis=1), at_point, np.inf)
            best_of(team, Pathway.AIR_TEAM, airframe=airframe1)
        care = air_care_min(t, at_point[:, None], onward_km[None, :], a.cruise_kmh[:, None])
        best_of(
            np.where(sortie & provides[None, :], care, np.inf),
            Pathway.AIR,
            airframe=airframe,
            facility=facility2,
        )
        # 5. Road to a pick-up point (not the site itself), then air: (A, H, F).
        road_to_pickup = np.concatenate([to_facility, to_site])  # (H,)
        road_to_pickup[pickup_index] = np.inf
        arrive = t.ground_departure + road_to_pickup
        lands = a.can_pick_up_at(a.pickup_helicopter, a.pickup_airstrip) & a.usable[:, None]  # (A, H)
        ready = aircraft_at_min(engine.wheels_up_min, engine.base_to_pickup_km, a.cruise_kmh)  # (A, H)
        reachable = (
            (engine.base_to_pickup_km[:, :, None] + engine.pickup_to_facility_km[None, :, :])
            <= a.range_km[:, None, None]
        ) & engine.land_at_facility[:, None, :] & lands[:, :, None]  # fmt: skip
        pick_up = np.maximum(arrive[None, :], ready)  # (A, H)
        n_pickups = len(arrive)
        if team_leg:
            airframe_h, pickup_h = grid(len(a.airframe_ids), n_pickups)
            team_ok = a.medical_team[:, None] & reachable.any(axis=2)
            best_of(
                np.where(team_ok, pick_up, np.inf),
                Pathway.ROAD_AIR_TEAM,
                airframe=airframe_h,
                pickup=pickup_h,
            )
        onward = pickup_onward_min(t, engine.pickup_to_facility_km[None], a.cruise_kmh[:, None, None])
        delivered = pick_up[:, :, None] + onward
        airframe3, pickup3, facility3 = grid(len(a.airframe_ids), n_pickups, n_facilities)
        best_of(
            np.where(reachable & provides[None, None, :], delivered, np.inf),
            Pathway.ROAD_AIR,
            airframe=airframe3,
            pickup=pickup3,
            facility=facility3,
        )
        best = []
        for kind in KINDS:
            if found[kind]:
                best.append(min(found[kind], key=lambda o: (o.time_min, o.pathway)))
        return best

    # -- steps -------------------------------------------------------------------------------

    def _breakdown(self, s: int, leg: Leg, option: _Option) -> Breakdown:
        a = self.assets
        return Breakdown(
            site_id=a.site_ids[s],
            leg=leg,
            light=self.check.light,
            season=self.check.season,
            pathway=option.pathway.name.lower(),
            airframe_id=a.airframe_ids[option.airframe] if option.airframe >= 0 else None,
            facility_id=a.facility_ids[option.facility] if option.facility >= 0 else None,
            pickup_id=a.pickup_ids[option.pickup] if option.pickup >= 0 else None,
            time_min=option.time_min,
            steps=tuple(self._steps(s, option)),
        )

    def _road_step(
        self, code: str, start_min: float, minutes: float, origin: tuple[float, float],
        destination: tuple[float, float], asset_ids: tuple[str, ...], track: Track = "casualty",
        critical: bool = True,
    ) -> Step:  # fmt: skip
        km, kmh, on_foot = road_km(self.engine.router, origin, destination, self.check.season, minutes)
        return Step(code, start_min, minutes, km, kmh, asset_ids, track, critical, on_foot)

    def _steps(self, s: int, option: _Option) -> list[Step]:
        a, t, engine = self.assets, self.engine.timeline, self.engine
        to_facility, from_facility, to_site = (table[s] for table in self._tables)
        pathway, af, fac, pick = option.pathway, option.airframe, option.facility, option.pickup
        here = (float(a.site_lat_deg[s]), float(a.site_lon_deg[s]))
        site_id = a.site_ids[s]
        if pathway == Pathway.ON_SITE:
            return [Step("first_aid_on_site", 0.0, float(t.first_aid_on_site), asset_ids=(site_id,))]
        facility_at = (float(a.facility_lat_deg[fac]), float(a.facility_lon_deg[fac])) if fac >= 0 else here
        facility_id = (a.facility_ids[fac],) if fac >= 0 else ()
        if pathway == Pathway.ROAD:
            road = float(to_facility[fac])
            gd = float(t.ground_departure)
            return [
                Step("ground_departure", 0.0, gd),
                self._road_step("road", gd, road, here, facility_at, facility_id),
                Step("handover", gd + road, float(t.handover), asset_ids=facility_id),
            ]
        if pathway in (Pathway.GROUND_TEAM, Pathway.GROUND_TEAM_BACK):
            request, team_road = float(t.request), float(from_facility[fac])
            team = [
                Step("request", 0.0, request),
                self._road_step("team_road", request, team_road, facility_at, here, facility_id, "team"),
            ]
            if pathway == Pathway.GROUND_TEAM:
                return team
            at = request + team_road
            back = float(to_facility[fac])
            return [
                *team,
                Step("on_scene", at, float(t.on_scene), asset_ids=facility_id, track="team"),
                self._road_step("road", at + t.on_scene, back, here, facility_at, facility_id, "team"),
                Step("handover", at + t.on_scene + back, float(t.handover), asset_ids=facility_id),
            ]
        airframe_id = (a.airframe_ids[af],)
        cruise = float(a.cruise_kmh[af])
        pickup = len(a.facility_ids) + s if pick < 0 else pick
        pickup_at = (float(a.pickup_lat_deg[pickup]), float(a.pickup_lon_deg[pickup]))
        fly_km = float(engine.base_to_pickup_km[af, pickup])
        request, approval, launch = float(t.request), float(t.approval), float(a.launch_min[af])
        wheels_up = request + approval + launch
        flight = fly_km / cruise * 60
        ready = wheels_up + flight
        steps: list[Step] = []
        aircraft_critical = True
        if pathway in (Pathway.ROAD_AIR, Pathway.ROAD_AIR_TEAM):
            gd = float(t.ground_departure)
            road_min = float(np.concatenate([to_facility, to_site])[pickup])
            aircraft_critical = ready >= gd + road_min
            pickup_ids = (a.pickup_ids[pickup],)
            steps += [
                Step("ground_departure", 0.0, gd, critical=not aircraft_critical),
                self._road_step(
                    "road", gd, road_min, here, pickup_at, pickup_ids, critical=not aircraft_critical
                ),
            ]
        steps = [
            Step("request", 0.0, request, track="aircraft", critical=aircraft_critical),
            Step("approval", request, approval, track="aircraft", critical=aircraft_critical),
            Step(
                "launch",
                request + approval,
                launch,
                asset_ids=airframe_id,
                track="aircraft",
                critical=aircraft_critical,
            ),
            Step(
                "flight_to_pickup",
                wheels_up,
                flight,
                fly_km,
                cruise,
                airframe_id,
                "aircraft",
                aircraft_critical,
            ),
            *steps,
        ]
        if pathway in (Pathway.AIR_TEAM, Pathway.ROAD_AIR_TEAM):
            return steps
        picked_up = max(step.end_min for step in steps)
        onward_km = float(engine.pickup_to_facility_km[pickup, fac])
        onward = onward_km / cruise * 60
        return [
            *steps,
            Step("on_scene", picked_up, float(t.on_scene), asset_ids=airframe_id, track="aircraft"),
            Step(
                "flight_to_facility",
                picked_up + t.on_scene,
                onward,
                onward_km,
                cruise,
                (*airframe_id, *facility_id),
                "aircraft",
            ),
            Step("handover", picked_up + t.on_scene + onward, float(t.handover), asset_ids=facility_id),
        ]


# -- road km -----------------------------------------------------------------------------------


def _inner(router: GroundRouter) -> GroundRouter:
    while isinstance(router, CachedRouter):
        router = router.inner
    return router


def road_km(
    router: GroundRouter,
    origin: tuple[float, float],
    destination: tuple[float, float],
    season: Season,
    minutes: float,
) -> tuple[float | None, float | None, bool]:
    """``(km, km/h, on foot)`` of the ground leg from ``origin`` to ``destination`` (lat, lon)
    that takes ``minutes`` (the router's own): km/h is the average over the leg. ``None``
    where the router does not say how far (another router, or a route not found again)."""
    if not np.isfinite(minutes):
        return None, None, False
    lat = np.array([origin[0]]), np.array([origin[1]])
    to = np.array([destination[0]]), np.array([destination[1]])
    inner = _inner(router)
    carried = float(router.carry_km(lat[0], lat[1], to[0], to[1], season)[0, 0])
    if carried > 0:
        kmh = float(getattr(getattr(inner, "ground", None), "off_road_kmh", 0.0)) or None
        return carried, kmh, True
    if isinstance(inner, GeodesicRouter):
        km = float(distance_km(lat[0], lat[1], to[0], to[1])[0]) * inner.ground.detour_factor
        return km, inner.speed_kmh(season), False
    network = getattr(inner, "network", None)
    ground = getattr(inner, "ground", None)
    if network is None or ground is None or minutes <= 0:
        return (0.0, None, False) if minutes == 0 else (None, None, False)
    found = _network_route(inner, origin, destination, season)
    if found is None or abs(found[0] - minutes) > ROUTE_TOLERANCE_MIN:
        return None, None, False
    km = found[1]
    return km, km / (minutes / 60.0), False


@lru_cache(maxsize=4)
def _edge_segments(network: object, season: Season) -> dict[tuple[int, int], int]:
    """(from node, to node) -> the segment the node matrix drives on (one per pair)."""
    net = network
    forward, backward = net.seg_min[season]  # type: ignore[attr-defined]
    u, v = net.seg_u, net.seg_v  # type: ignore[attr-defined]
    edges: dict[tuple[int, int], int] = {}
    for k in np.flatnonzero(np.isfinite(forward)):
        edges[int(u[k]), int(v[k])] = int(k)
    for k in np.flatnonzero(np.isfinite(backward)):
        edges[int(v[k]), int(u[k])] = int(k)
    return edges


def _network_route(
    router: object, origin: tuple[float, float], destination: tuple[float, float], season: Season
) -> tuple[float, float] | None:
    """``(minutes, km)`` of the fastest road route as :class:`medevac.roads.RoadRouter` drives
    it: off-road to the road, along the network, off-road to the point; None if none."""
    from medevac.roads.router import snap
    from medevac.roads.routing import along_min

    network, ground = router.network, router.ground  # type: ignore[attr-defined]
    snapped = snap(
        network, np.array([origin[0], destination[0]]), np.array([origin[1], destination[1]]), ground.snap_to
    )
    if np.any(snapped.access_km > ground.max_snap_km):
        return None
    forward, backward = network.seg_min[season]
    length = network.seg_length_km
    s0, s1 = (int(x) for x in snapped.segment)
    f0, f1 = (float(x) for x in snapped.fraction)

    def part(fraction: float, minutes: float) -> float:
        return float(along_min(np.array([fraction]), np.array([minutes]))[0])

    # Leaving the origin's segment by either end, reaching the destination's from either end.
    leave = {
        int(network.seg_u[s0]): (part(f0, backward[s0]), f0 * length[s0]),
        int(network.seg_v[s0]): (part(1 - f0, forward[s0]), (1 - f0) * length[s0]),
    }
    arrive = {
        int(network.seg_u[s1]): (part(f1, forward[s1]), f1 * length[s1]),
        int(network.seg_v[s1]): (part(1 - f1, backward[s1]), (1 - f1) * length[s1]),
    }
    starts = list(leave)
    times, previous = csgraph.dijkstra(
        network.csr[season, False], directed=True, indices=starts, return_predecessors=True
    )
    edges = _edge_segments(network, season)
    best: tuple[float, float] | None = None
    for row, start in enumerate(starts):
        for end, (end_min, end_km) in arrive.items():
            total = leave[start][0] + float(times[row, end]) + end_min
            if not np.isfinite(total) or (best is not None and total >= best[0]):
                continue
            km, node = leave[start][1] + end_km, end
            while node != start:
                before = int(previous[row, node])
                km += float(length[edges[before, node]])
                node = before
            best = (total, km)
    if s0 == s1:  # on the same segment: straight along it
        ahead = f1 >= f0
        direct = part(abs(f1 - f0), forward[s0] if ahead else backward[s0])
        if best is None or direct < best[0]:
            best = (direct, abs(f1 - f0) * length[s0])
    if best is None:
        return None
    access_km = float(snapped.access_km.sum())
    access_min = access_km / ground.off_road_kmh * 60.0
    return best[0] + access_min, best[1] + access_km


__all__ = [
    "KINDS",
    "KIND_OF",
    "STEP_CODES",
    "Breakdown",
    "Breakdowns",
    "Step",
    "road_km",
]
