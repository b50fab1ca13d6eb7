"""Why sites fail, grouped: each failing leg is tested against one relaxation at a time.

A planner's question "is it the night, the range, the approval time or the roads?" is
answered by the model itself rather than by reading explanation text: for every failing
(condition, site, leg) the check is re-run with one constraint lifted (daylight, the dry
season, no approval delay, unlimited range, every airframe serviceable, a landing site at
every site); each lift that makes the leg meet is a limiting factor. A leg that no single
lift fixes and that still fails with all of them lifted has no facility of the level it
needs within reach of the assets as they are placed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from medevac.check import CheckResult, check
from medevac.ground import GroundRouter
from medevac.model import Scenario
from medevac.report.summary import CONDITIONS, Condition, check_conditions, condition_label
from medevac.standards import LEG_LABEL, LEG_MIN_RANK, Leg
from medevac.timeline import BoolArray

UNLIMITED_RANGE_KM = 45_000.0
"""A range no sortie on Earth exceeds (two legs of at most half the circumference each)."""

NIGHT = "night"
WET_SEASON = "roads: wet season"
APPROVAL = "approval time"
RANGE = "range"
UNSERVICEABLE = "unserviceable airframes"
LANDING = "roads: no landing site"
COMBINED = "several factors together"
REACH = "no {level} within reach"

FACTOR_ORDER: tuple[str, ...] = (NIGHT, RANGE, APPROVAL, WET_SEASON, LANDING, UNSERVICEABLE, COMBINED)
"""Groups in the order a report lists them; the reach groups (per level) follow."""

FACTOR_MEANING: dict[str, str] = {
    NIGHT: "meets by day: no night-capable airframe can do it in time",
    WET_SEASON: "meets in the dry season: wet-season roads are too slow",
    APPROVAL: "meets if launch were authorised without delay",
    RANGE: "meets if the airframes had unlimited range",
    UNSERVICEABLE: "meets if every airframe were serviceable",
    LANDING: "meets with a landing site at the site: casualties must first go by road",
    COMBINED: "meets only with several of these lifted at once",
}


def _no_approval(scenario: Scenario) -> Scenario:
    return scenario.model_copy(update={"timeline": scenario.timeline.model_copy(update={"approval": 0.0})})


def _unlimited_range(scenario: Scenario) -> Scenario:
    airframes = tuple(a.model_copy(update={"range_km": UNLIMITED_RANGE_KM}) for a in scenario.airframes)
    return scenario.model_copy(update={"airframes": airframes})


def _all_serviceable(scenario: Scenario) -> Scenario:
    airframes = tuple(a.model_copy(update={"available": True}) for a in scenario.airframes)
    return scenario.model_copy(update={"airframes": airframes})


def _landing_everywhere(scenario: Scenario) -> Scenario:
    sites = tuple(s.model_copy(update={"hls": True, "airstrip": True}) for s in scenario.sites)
    return scenario.model_copy(update={"sites": sites})


_LIFTS: dict[str, Callable[[Scenario], Scenario]] = {
    APPROVAL: _no_approval,
    RANGE: _unlimited_range,
    UNSERVICEABLE: _all_serviceable,
    LANDING: _landing_everywhere,
}


def reach_label(leg: Leg) -> str:
    """``surgery`` -> ``no Level 2 within reach``."""
    return REACH.format(level=f"Level {LEG_MIN_RANK[leg]}")


@dataclass(frozen=True)
class Finding:
    """One failing leg at one site under one condition, and what holds it back."""

    condition: Condition
    site_id: str
    personnel: int
    leg: Leg
    factors: tuple[str, ...]


def _applies(name: str, scenario: Scenario) -> bool:
    """Whether a lift changes anything in this scenario (skip the re-run if not)."""
    if name == APPROVAL:
        return scenario.timeline.approval > 0
    if name == UNSERVICEABLE:
        return any(not a.available for a in scenario.airframes)
    if name == LANDING:
        return any(not (s.hls and s.airstrip) for s in scenario.sites)
    return bool(scenario.airframes)


def limiting_factors(
    results: dict[Condition, CheckResult], router: GroundRouter | None = None
) -> list[Finding]:
    """Every failing (condition, site, leg) of the four checks, with its limiting factors.

    ``results`` are the four checks of :func:`medevac.report.summary.check_conditions`; the
    relaxed re-runs share their ground router.
    """
    any_result = next(iter(results.values()))
    scenario = any_result.scenario.model_copy(update={"patrols": ()})
    router = router or any_result.engine.router
    relaxed: dict[str, dict[Condition, BoolArray]] = {}
    for name, lift in _LIFTS.items():
        if _applies(name, scenario):
            lifted = check_conditions(lift(scenario), router, patrols=False)
            relaxed[name] = {c: r.meets for c, r in lifted.items()}
    everything = _landing_everywhere(_all_serviceable(_unlimited_range(_no_approval(scenario))))
    meets_relaxed = check(everything, light="day", season="dry", router=router).meets
    findings = []
    for condition in CONDITIONS:
        if condition not in results:
            continue
        result = results[condition]
        light, season = condition
        for i, leg in enumerate(result.legs):
            for s in np.flatnonzero(~result.meets[i]):
                factors = []
                if light == "night" and results.get(("day", season)) is not None:
                    factors += [NIGHT] if results[("day", season)].meets[i, s] else []
                if season == "wet" and results.get((light, "dry")) is not None:
                    factors += [WET_SEASON] if results[(light, "dry")].meets[i, s] else []
                factors += [name for name, meets in relaxed.items() if meets[condition][i, s]]
                if not factors:
                    factors = [COMBINED] if meets_relaxed[i, s] else [reach_label(leg)]
                site = result.scenario.sites[s]
                findings.append(Finding(condition, site.id, site.personnel, leg, tuple(_ordered(factors))))
    return findings


def _rank(factor: str) -> int:
    return FACTOR_ORDER.index(factor) if factor in FACTOR_ORDER else len(FACTOR_ORDER)


def _ordered(factors: list[str]) -> list[str]:
    return sorted(factors, key=_rank)


@dataclass(frozen=True)
class FactorGroup:
    """One limiting factor and the failing legs it holds back, per condition."""

    factor: str
    findings: tuple[Finding, ...]

    @property
    def meaning(self) -> str:
        if self.factor in FACTOR_MEANING:
            return FACTOR_MEANING[self.factor]
        return "fails even by day, dry, with no approval delay and unlimited range"

    def sites(self, condition: Condition | None = None) -> tuple[str, ...]:
        """Distinct sites in this group (under one condition, or any)."""
        ids = [f.site_id for f in self.findings if condition is None or f.condition == condition]
        return tuple(dict.fromkeys(ids))

    def summary_text(self) -> str:
        """E.g. ``surgery at kidal, tessalit (night, dry season; night, wet season)``."""
        parts = []
        by_leg: dict[Leg, list[Finding]] = {}
        for finding in self.findings:
            by_leg.setdefault(finding.leg, []).append(finding)
        for leg, findings in by_leg.items():
            sites = ", ".join(dict.fromkeys(f.site_id for f in findings))
            conditions = "; ".join(condition_label(c) for c in dict.fromkeys(f.condition for f in findings))
            parts.append(f"{LEG_LABEL[leg]} at {sites} ({conditions})")
        return ". ".join(parts)


def group_findings(findings: list[Finding]) -> list[FactorGroup]:
    """Findings grouped by factor (one finding may sit in several groups), largest first."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        for factor in finding.factors:
            groups.setdefault(factor, []).append(finding)
    ordered = sorted(
        groups.items(),
        key=lambda item: (-len({f.site_id for f in item[1]}), _rank(item[0]), item[0]),
    )
    return [FactorGroup(factor, tuple(items)) for factor, items in ordered]
