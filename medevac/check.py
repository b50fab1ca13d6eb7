"""The 10-1-2 check of a scenario's sites and patrols, with a planner's explanations.

A thin adapter over :mod:`medevac.timeline`: sites and patrol samples become wounding
points, the engine returns arrays, and this module rounds, judges, explains and shapes the
spec's JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from medevac import messages
from medevac.geo import FloatArray
from medevac.ground import GeodesicRouter, GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.patrols import PatrolSamples, sample_patrol
from medevac.standards import Leg, Standard, standard_of
from medevac.timeline import BoolArray, Engine, LegTimes, WoundingPoints

if TYPE_CHECKING:
    from medevac.results import Results


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

    @cached_property
    def results(self) -> Results:
        """This check as the one results table (:mod:`medevac.results`), built once."""
        from medevac.results import Results  # built on checks: imported when first asked

        return Results([self])

    @cached_property
    def names(self) -> dict[str, str]:
        return self.scenario.names()

    def pathway_text(self, leg: Leg, site: int) -> str | None:
        """How a leg is delivered at a site, in a planner's words (places by name)."""
        return messages.row_pathway_text(self.results.record(site, leg), self.names)

    def limiting_factor(self, site: int) -> str | None:
        """Why a site fails, leg by leg, with numbers (places by name); ``None`` when it meets
        every leg."""
        return messages.limiting_factor(self.results.site_records(site), self.names)

    def site_rows(self) -> list[dict[str, Any]]:
        """One record per site in the spec's JSON shape."""
        from medevac.results import leg_minutes

        rows = []
        for s in range(len(self.scenario.sites)):
            records = self.results.site_records(s)
            row: dict[str, Any] = {"site_id": self.scenario.sites[s].id, **leg_minutes(records)}
            row["meets"] = {r["leg"]: bool(r["meets"]) for r in records}
            row["meets_all"] = all(row["meets"].values())
            row["pathway"] = {r["leg"]: messages.row_pathway_text(r) for r in records}
            row["limiting_factor"] = messages.limiting_factor(records)
            rows.append(row)
        return rows

    def summary(self) -> dict[str, int]:
        return self.results.summary()

    def to_json(self) -> dict[str, Any]:
        """The document of ``medevac check --format json`` (spec v1)."""
        return {
            "scenario": self.scenario.name,
            "standard": self.standard.name,
            "conditions": {"light": self.light, "season": self.season},
            "thresholds": {leg: messages.number(v) for leg, v in self.standard.thresholds_min.items()},
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
    times = engine.leg_times(WoundingPoints.from_sites(scenario.sites), engine.site_tables())
    # Every patrol's samples in one computation (a point's times never depend on the others).
    samples = [sample_patrol(patrol, scenario.source_dir) for patrol in scenario.patrols]
    patrols = []
    if samples:
        lat = np.concatenate([s.lat_deg for s in samples])
        lon = np.concatenate([s.lon_deg for s in samples])
        meets = judge(
            engine.leg_times(WoundingPoints.uniform(lat, lon, first_responders=True, hls=True)).time_min,
            standard,
        )
        ends = np.cumsum([len(s.lat_deg) for s in samples])
        for patrol, sampled, part in zip(
            scenario.patrols, samples, np.split(meets, ends[:-1], axis=1), strict=True
        ):
            patrols.append(PatrolResult(patrol.id, patrol.personnel, sampled, part))
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
#
# Explanations are records (medevac.explain), built with the results table (medevac.results)
# and put into words by medevac.messages: the JSON's pathway and limiting_factor are read
# from that table like every other view.
