"""The baseline of the benchmark: spec v1 as a plain per-site, per-pathway Python loop.

Written from ``scenario-v1.md`` ("What a check computes"), not from :mod:`medevac.timeline`:
it shares no code with the engine beyond reading the scenario's model objects, so that
equal results are a real cross-check and its running time is what a readable loop costs.
Every distance is one scalar call to pyproj's ``Geod.inv``; every pathway is a loop over
the facilities, airframes and pick-up points it can use.

Distances that do not depend on the site (base to pick-up point, pick-up point to facility)
are computed once, before the loop over sites, as any hand-written loop would; the set-up
time is returned apart so that a sample of sites can be scaled up honestly.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from pyproj import Geod

from medevac.model import Airframe, Facility, Light, Scenario, Season, Site

GEOD = Geod(ellps="WGS84")
INF = math.inf

LEGS_IN_CARE_BY_LEVEL: dict[str, tuple[str, ...]] = {
    "1": ("first_aid", "resuscitation"),
    "1+": ("first_aid", "resuscitation"),
    "2": ("first_aid", "resuscitation", "surgery"),
    "2+": ("first_aid", "resuscitation", "surgery"),
    "3": ("first_aid", "resuscitation", "surgery", "primary_surgery"),
}
"""Spec v1: in care at level 1 and up gives first aid and resuscitation, 2 adds surgery,
3 primary surgery. Restated here on purpose, not imported from the engine."""

TEAM_GIVES: tuple[str, ...] = ("first_aid", "resuscitation")
"""What a medical team (ground team or AMET on board) delivers where it meets the casualty."""


def geodesic_km(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float) -> float:
    """One scalar geodesic distance on the WGS84 ellipsoid, in km."""
    _, _, metres = GEOD.inv(lon1_deg, lat1_deg, lon2_deg, lat2_deg)
    return float(metres) / 1000.0


@dataclass(frozen=True)
class PickUp:
    """A place where the road leg of road-then-air ends: a facility or another site."""

    id: str
    lat: float
    lon: float
    helicopter_can_land: bool  # facility helipad, or site HLS
    airstrip: bool


@dataclass(frozen=True)
class LoopResult:
    """Leg times (minutes, ``inf`` when no pathway) of the sampled sites, and the timings."""

    legs: tuple[str, ...]
    time_min: list[list[float]]  # [leg][sampled site]
    setup_s: float
    sites_s: float


class BaselineLoop:
    """The five pathways of spec v1 for one scenario, light and season, site by site."""

    def __init__(self, scenario: Scenario, light: Light, season: Season, legs: tuple[str, ...]) -> None:
        self.scenario = scenario
        self.light: Light = light
        self.legs = legs
        self.t = scenario.timeline
        ground = scenario.ground
        wet = ground.wet_season_factor if season == "wet" else 1.0
        self.road_kmh = ground.road_kmh * ground.convoy_factor * wet
        self.detour = ground.detour_factor
        self.facilities: tuple[Facility, ...] = scenario.facilities
        self.airframes: list[Airframe] = [
            a for a in scenario.airframes if a.available and (light == "day" or a.night)
        ]
        self.bases = {a.id: scenario.base_location(a) for a in self.airframes}
        self.pickups: list[PickUp] = [
            PickUp(f.id, f.lat, f.lon, f.helipad, f.airstrip) for f in scenario.facilities
        ] + [PickUp(s.id, s.lat, s.lon, s.hls, s.airstrip) for s in scenario.sites]
        # Site-independent distances, computed once (scalar calls, like everything here).
        self.base_to_pickup_km: dict[tuple[str, str], float] = {}
        for a in self.airframes:
            base = self.bases[a.id]
            for h in self.pickups:
                self.base_to_pickup_km[a.id, h.id] = geodesic_km(base.lat, base.lon, h.lat, h.lon)
        self.pickup_to_facility_km: dict[tuple[str, str], float] = {}
        for h in self.pickups:
            for f in self.facilities:
                self.pickup_to_facility_km[h.id, f.id] = geodesic_km(h.lat, h.lon, f.lat, f.lon)

    # -- the spec's building blocks -------------------------------------------------------

    def road_min(self, km: float) -> float:
        """No-roads estimate: geodesic km x detour factor at the season's convoy speed."""
        return km * self.detour / self.road_kmh * 60.0

    def launch_min(self, a: Airframe) -> float:
        night = a.launch.night if a.launch.night is not None else a.launch.day
        return night if self.light == "night" else a.launch.day

    @staticmethod
    def lands_at_facility(a: Airframe, f: Facility) -> bool:
        return f.helipad if a.kind == "helicopter" else f.airstrip

    @staticmethod
    def picks_up_at(a: Airframe, helicopter_can_land: bool, airstrip: bool) -> bool:
        return helicopter_can_land if a.kind == "helicopter" else airstrip

    # -- one site -------------------------------------------------------------------------

    def site_times(self, s: Site) -> dict[str, float]:
        """Earliest minute of each leg at one site: the minimum over all five pathways."""
        t = self.t
        best = dict.fromkeys(self.legs, INF)

        def offer(legs: tuple[str, ...], minutes: float) -> None:
            for leg in legs:
                if leg in best and minutes < best[leg]:
                    best[leg] = minutes

        # 1. On-site first aid.
        if s.first_responders:
            offer(("first_aid",), t.first_aid_on_site)

        site_to_facility_km = {f.id: geodesic_km(s.lat, s.lon, f.lat, f.lon) for f in self.facilities}
        for f in self.facilities:
            road = self.road_min(site_to_facility_km[f.id])  # same both ways without roads
            in_care = LEGS_IN_CARE_BY_LEVEL[f.level]
            # 2. Self-evacuation by road.
            offer(in_care, t.ground_departure + road + t.handover)
            # 3. Ground team: meets the casualty, then brings them back into F.
            if f.ground_team:
                team_at_site = t.request + road
                offer(TEAM_GIVES, team_at_site)
                offer(in_care, team_at_site + t.on_scene + road + t.handover)

        # 4. Air evacuation, picking up at the site.
        for a in self.airframes:
            if not self.picks_up_at(a, s.hls, s.airstrip):
                continue
            base = self.bases[a.id]
            base_to_site_km = geodesic_km(base.lat, base.lon, s.lat, s.lon)
            at_site = t.request + t.approval + self.launch_min(a) + base_to_site_km / a.cruise_kmh * 60
            for f in self.facilities:
                if not self.lands_at_facility(a, f):
                    continue
                if base_to_site_km + site_to_facility_km[f.id] > a.range_km:
                    continue
                if a.medical_team:
                    offer(TEAM_GIVES, at_site)
                care_min = at_site + t.on_scene + site_to_facility_km[f.id] / a.cruise_kmh * 60 + t.handover
                offer(LEGS_IN_CARE_BY_LEVEL[f.level], care_min)

        # 5. Road to a pick-up point (a facility or another site), then air.
        for h in self.pickups:
            if h.id == s.id:
                continue
            road_to_h = t.ground_departure + self.road_min(geodesic_km(s.lat, s.lon, h.lat, h.lon))
            for a in self.airframes:
                if not self.picks_up_at(a, h.helicopter_can_land, h.airstrip):
                    continue
                base_to_h_km = self.base_to_pickup_km[a.id, h.id]
                aircraft_at_h = t.request + t.approval + self.launch_min(a) + base_to_h_km / a.cruise_kmh * 60
                pick_up = max(road_to_h, aircraft_at_h)
                for f in self.facilities:
                    if not self.lands_at_facility(a, f):
                        continue
                    h_to_f_km = self.pickup_to_facility_km[h.id, f.id]
                    if base_to_h_km + h_to_f_km > a.range_km:
                        continue
                    if a.medical_team:
                        offer(TEAM_GIVES, pick_up)
                    care_min = pick_up + t.on_scene + h_to_f_km / a.cruise_kmh * 60 + t.handover
                    offer(LEGS_IN_CARE_BY_LEVEL[f.level], care_min)
        return best


def baseline_leg_times(
    scenario: Scenario, light: Light, season: Season, legs: tuple[str, ...], site_indexes: list[int]
) -> LoopResult:
    """Run the loop on some of a scenario's sites; time the set-up and the sites apart."""
    start = time.perf_counter()
    loop = BaselineLoop(scenario, light, season, legs)
    setup_s = time.perf_counter() - start
    start = time.perf_counter()
    per_site = [loop.site_times(scenario.sites[i]) for i in site_indexes]
    sites_s = time.perf_counter() - start
    return LoopResult(
        legs=legs,
        time_min=[[times[leg] for times in per_site] for leg in legs],
        setup_s=setup_s,
        sites_s=sites_s,
    )
