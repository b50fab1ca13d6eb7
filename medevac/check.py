"""The 10-1-2 check of a scenario's sites and patrols, with a planner's explanations.

A thin adapter over :mod:`medevac.timeline`: sites and patrol samples become wounding
points, the engine returns arrays, and this module rounds, judges, explains and shapes the
spec's JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from medevac.geo import FloatArray
from medevac.ground import GeodesicRouter, GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.patrols import PatrolSamples, sample_patrol
from medevac.standards import LEG_LABEL, LEG_MIN_RANK, Leg, Standard, standard_of
from medevac.timeline import BoolArray, Engine, LegTimes, Pathway, WoundingPoints


def make_router(scenario: Scenario, *, exact_distances: bool = True) -> GroundRouter:
    """The scenario's ground router: its road layer when it names one, else the estimate.

    ``exact_distances`` applies to the estimate (see :class:`medevac.timeline.Engine`).
    """
    if scenario.ground.roads:
        from medevac.roads import road_router  # road support is optional at import time

        router: GroundRouter = road_router(scenario)
        return router
    return GeodesicRouter(scenario.ground, exact_distances=exact_distances)


def reported_min(time_min: npt.ArrayLike) -> FloatArray:
    """Times as reported: minutes rounded half up to 0.1 (spec v1.1); ``inf`` stays ``inf``.

    ``floor(t * 10 + 0.5 + 1e-9) / 10``: 10.05 reports 10.1 (and fails a 10-minute leg),
    where numpy's half-to-even rounding of the binary 10.05 would give 10.0.

    >>> reported_min([10.05, 9.95, 131.04, float("inf")]).tolist()
    [10.1, 10.0, 131.0, inf]
    """
    time = np.asarray(time_min, dtype=np.float64)
    return np.floor(time * 10.0 + 0.5 + 1e-9) / 10.0


def judge(time_min: FloatArray, standard: Standard) -> BoolArray:
    """(legs, points): each leg's reported time is within its threshold (equal meets)."""
    thresholds = np.array([standard.thresholds_min[leg] for leg in standard.legs])
    return np.asarray(reported_min(time_min) <= thresholds[:, None])


@dataclass(frozen=True)
class PatrolResult:
    patrol_id: str
    personnel: int
    samples: PatrolSamples
    meets: BoolArray  # (legs, samples)

    def share_meeting(self, legs: tuple[Leg, ...]) -> dict[Leg, float]:
        """Share of the route's length that meets each leg (by nearest sample point)."""
        length = self.samples.length_km
        if length == 0:
            return {leg: float(self.meets[i].all()) for i, leg in enumerate(legs)}
        return {
            leg: round(float(self.samples.weight_km[self.meets[i]].sum() / length), 4)
            for i, leg in enumerate(legs)
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: per-site times, verdicts, pathways and explanations."""

    scenario: Scenario
    standard: Standard
    light: Light
    season: Season
    engine: Engine
    times: LegTimes
    meets: BoolArray  # (legs, sites)
    patrols: tuple[PatrolResult, ...] = field(default=())

    @property
    def legs(self) -> tuple[Leg, ...]:
        return self.standard.legs

    @property
    def site_distances_km(self) -> tuple[FloatArray, FloatArray]:
        """Geodesic km from each airframe base to each site (A, S) and site to facility (S, F).

        The engine's pick-up points are the facilities, then the sites: these are its rows.
        """
        first_site = len(self.scenario.facilities)
        return (
            self.engine.base_to_pickup_km[:, first_site:],
            self.engine.pickup_to_facility_km[first_site:],
        )

    @property
    def meets_all(self) -> BoolArray:
        return np.asarray(self.meets.all(axis=0))

    def pathway_text(self, leg: Leg, site: int) -> str | None:
        """How a leg is delivered at a site, in a planner's words."""
        row = self.times.leg_index(leg)
        return describe_route(
            self.engine,
            Pathway(int(self.times.pathway[row, site])),
            int(self.times.airframe[row, site]),
            int(self.times.facility[row, site]),
            int(self.times.pickup[row, site]),
        )

    def limiting_factor(self, site: int) -> str | None:
        """Why a site fails, leg by leg, with numbers; ``None`` when it meets every leg."""
        heads: list[str] = []
        reasons: list[str] = []
        for i, leg in enumerate(self.legs):
            if not self.meets[i, site]:
                head, why = explain_failure(self, leg, site)
                heads.append(head)
                reasons += [r for r in why if r not in reasons]
        return "; ".join(heads + reasons) if heads else None

    def site_rows(self) -> list[dict[str, Any]]:
        """One record per site in the spec's JSON shape."""
        reported = reported_min(self.times.time_min)
        rows = []
        for s, site in enumerate(self.scenario.sites):
            row: dict[str, Any] = {"site_id": site.id}
            for i, leg in enumerate(self.legs):
                value = float(reported[i, s])
                row[f"{leg}_min"] = value if np.isfinite(value) else None
            row["meets"] = {leg: bool(self.meets[i, s]) for i, leg in enumerate(self.legs)}
            row["meets_all"] = bool(self.meets_all[s])
            row["pathway"] = {leg: self.pathway_text(leg, s) for leg in self.legs}
            row["limiting_factor"] = self.limiting_factor(s)
            rows.append(row)
        return rows

    def summary(self) -> dict[str, int]:
        personnel = np.array([s.personnel for s in self.scenario.sites], dtype=np.int64)
        return {
            "sites": len(self.scenario.sites),
            "sites_meeting_all": int(self.meets_all.sum()),
            "personnel": int(personnel.sum()),
            "personnel_meeting_all": int(personnel[self.meets_all].sum()),
        }

    def to_json(self) -> dict[str, Any]:
        """The document of ``medevac check --format json`` (spec v1)."""
        return {
            "scenario": self.scenario.name,
            "standard": self.standard.name,
            "conditions": {"light": self.light, "season": self.season},
            "thresholds": {leg: _number(v) for leg, v in self.standard.thresholds_min.items()},
            "sites": self.site_rows(),
            "patrols": [
                {"patrol_id": p.patrol_id, "share_meeting": p.share_meeting(self.legs)} for p in self.patrols
            ],
            "summary": self.summary(),
        }


def check(
    scenario: Scenario,
    *,
    light: Light | None = None,
    season: Season | None = None,
    router: GroundRouter | None = None,
) -> CheckResult:
    """Check every site and patrol of a scenario against its 10-1-2 profile.

    ``light`` and ``season`` override the scenario's conditions; ``router`` overrides its
    ground model (the road layer, or the no-roads estimate).
    """
    light = light or scenario.conditions.light
    season = season or scenario.conditions.season
    standard = standard_of(scenario)
    engine = Engine(scenario, router or make_router(scenario), light, season, standard.legs)
    times = engine.leg_times(WoundingPoints.from_sites(scenario.sites))
    patrols = []
    for patrol in scenario.patrols:
        samples = sample_patrol(patrol, scenario.source_dir)
        patrol_times = engine.leg_times(
            WoundingPoints.uniform(samples.lat_deg, samples.lon_deg, first_responders=True, hls=True)
        )
        patrols.append(
            PatrolResult(patrol.id, patrol.personnel, samples, judge(patrol_times.time_min, standard))
        )
    return CheckResult(
        scenario=scenario,
        standard=standard,
        light=light,
        season=season,
        engine=engine,
        times=times,
        meets=judge(times.time_min, standard),
        patrols=tuple(patrols),
    )


# -- explanations -------------------------------------------------------------------------


def describe_route(engine: Engine, pathway: Pathway, airframe: int, facility: int, pickup: int) -> str | None:
    """A pathway with the assets it used, e.g. ``road to tessalit, air puma-1 -> gao-l2``."""
    a = engine.assets
    plane = a.airframe_ids[airframe] if airframe >= 0 else "?"
    place = a.facility_ids[facility] if facility >= 0 else "?"
    via = a.pickup_ids[pickup] if pickup >= 0 else "?"
    texts = {
        Pathway.NONE: None,
        Pathway.ON_SITE: "first responders on site",
        Pathway.ROAD: f"road -> {place}",
        Pathway.GROUND_TEAM: f"ground team from {place}",
        Pathway.GROUND_TEAM_BACK: f"ground team from {place}, back by road -> {place}",
        Pathway.AIR_TEAM: f"air {plane} (team on board)",
        Pathway.AIR: f"air {plane} -> {place}",
        Pathway.ROAD_AIR_TEAM: f"road to {via}, air {plane} (team on board)",
        Pathway.ROAD_AIR: f"road to {via}, air {plane} -> {place}",
    }
    return texts[pathway]


def explain_failure(result: CheckResult, leg: Leg, site_index: int) -> tuple[str, list[str]]:
    """One failing leg in a planner's words: its best time and how, and what holds it back."""
    row = result.times.leg_index(leg)
    label = LEG_LABEL[leg]
    limit = _number(result.standard.thresholds_min[leg])
    time = float(reported_min(result.times.time_min[row, site_index]))
    if np.isfinite(time):
        head = f"{label}: best is {time:.1f} min (limit {limit}), by {result.pathway_text(leg, site_index)}"
    else:
        head = f"{label}: no pathway delivers it"
    reasons = _air_obstacles(result, leg, site_index)
    site = result.scenario.sites[site_index]
    access = result.engine.router.access_problem(site.lat, site.lon, result.season)
    if access:
        reasons.append(f"roads: {access}")
    return head, reasons


def _air_obstacles(result: CheckResult, leg: Leg, site_index: int) -> list[str]:
    """What keeps aircraft from doing better at one site: night, availability, landing, range."""
    scenario, engine = result.scenario, result.engine
    a = engine.assets
    site = scenario.sites[site_index]
    need = LEG_MIN_RANK[leg]
    providers = a.facility_rank >= need
    if not providers.any():
        level = {1: "Level 1", 2: "Level 2", 3: "Level 3"}[need]
        return [f"no {level} facility in the scenario"]
    if len(a.airframe_ids) == 0:
        return ["no airframe in the scenario"]
    available = [af for af in scenario.airframes if af.available]
    if not available:
        return ["no airframe available (" + ", ".join(af.id for af in scenario.airframes) + " unavailable)"]
    reasons = []
    if result.light == "night" and not any(af.night for af in available):
        return ["night: no night-capable airframe"]
    can_land_here = a.can_pick_up_at(np.array([site.hls]), np.array([site.airstrip]))[:, 0]
    if not (can_land_here & a.usable).any():
        missing = "helicopter landing site" if a.helicopter[a.usable].all() else "landing site"
        return [f"landing: no {missing} at {site.id}, casualties must first go by road"]
    base_to_sites, sites_to_facility = result.site_distances_km
    base_to_site = base_to_sites[:, site_index]
    site_to_facility = sites_to_facility[site_index]
    destinations = providers[None, :] & engine.land_at_facility  # (A, F)
    sorties_km = np.where(destinations, base_to_site[:, None] + site_to_facility[None, :], np.inf)
    nearest = sorties_km.argmin(axis=1)
    sortie_km = sorties_km[np.arange(len(nearest)), nearest]
    too_far = a.usable & can_land_here & np.isfinite(sortie_km) & (sortie_km > a.range_km)
    for k in np.flatnonzero(too_far):
        flown_km, range_km = sortie_km[k], _number(a.range_km[k])
        reasons.append(
            f"out of range: {a.airframe_ids[k]} would fly {flown_km:.0f} km, range {range_km} "
            f"(to {a.facility_ids[nearest[k]]})"
        )
    if result.light == "night":
        grounded = [af.id for af in available if not af.night]
        if grounded:
            reasons.append("night: " + ", ".join(grounded) + " not night-capable")
    unavailable = [af.id for af in scenario.airframes if not af.available]
    if unavailable:
        reasons.append("unavailable: " + ", ".join(unavailable))
    return reasons


def _number(value: float) -> float | int:
    """A threshold as written: 120 rather than 120.0."""
    return int(value) if float(value).is_integer() else float(value)
