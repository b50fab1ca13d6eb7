"""Recommendations computed from the model: candidate changes, each re-checked, ranked greedily.

Candidates are the fixes a planner would try (make an airframe night-capable, return one
to service, base a helicopter at a facility or move one there, open a Level 2 at a facility
or at a failing site, cut approval or launch times). Each is applied to the scenario with
:func:`medevac.whatif.apply_edits` and the check re-run under the four conditions; the one
that closes the most failing (condition, site, leg) triples is kept, applied, and the search
repeats on the changed scenario (greedy, as AccessMod's "scaling up" does for facilities).
Every effect stated is therefore the verified difference between two checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from medevac import messages
from medevac.check import CheckResult, check, make_router
from medevac.geo import distance_km
from medevac.ground import GroundRouter
from medevac.model import Airframe, Scenario
from medevac.report.summary import CONDITIONS, CachedRouter, Condition, check_conditions, personnel_of
from medevac.standards import LEG_LABEL, LEG_MIN_RANK, Leg
from medevac.whatif import (
    AddAirframe,
    AddFacility,
    Edit,
    MoveAirframe,
    Point,
    SetAirframe,
    SetTimeline,
    apply_edits,
)

APPROVAL_TARGETS_MIN: tuple[float, ...] = (10.0, 5.0)
"""Approval times tried: 10 min is spec v1's default; 5 min a delegated launch authority."""

STANDBY_LAUNCH_MIN = 15.0
"""Launch time tried for an airframe on strip alert (a planning choice, not a UN figure)."""

MAX_RECOMMENDATIONS = 5

MAX_PER_KIND = 2
"""Changes of one kind kept at most, so the list shows the range of fixes, not five hospitals."""

DAY: tuple[Condition, ...] = tuple(c for c in CONDITIONS if c[0] == "day")
NIGHT: tuple[Condition, ...] = tuple(c for c in CONDITIONS if c[0] == "night")


@dataclass(frozen=True)
class Candidate:
    """One change to try: the edit and how a planner would say it."""

    edit: Edit
    action: str
    base_lat_lon: tuple[float, float] | None = None  # where a new or moved airframe sits
    conditions: tuple[Condition, ...] = CONDITIONS  # the only conditions it can change

    @property
    def kind(self) -> str:
        """The family of change (a new facility, a timeline cut, a launch time...)."""
        edit = self.edit
        if isinstance(edit, SetAirframe):
            return "night" if edit.night else "service" if edit.available else "launch"
        return type(edit).__name__


@dataclass(frozen=True)
class Gain:
    """What a change does to one leg under one condition."""

    condition: Condition
    leg: Leg
    sites_gained: tuple[str, ...]
    sites_lost: tuple[str, ...]
    personnel_gained: int
    personnel_lost: int


@dataclass(frozen=True)
class Recommendation:
    """A change kept by the greedy search, with its verified effect on top of earlier ones."""

    candidate: Candidate
    gains: tuple[Gain, ...]
    base_to_sites_km: float | None  # farthest gained site from a new or moved airframe's base

    @property
    def edit(self) -> Edit:
        return self.candidate.edit

    @property
    def legs_gained(self) -> int:
        """(condition, site, leg) triples that now meet, minus those that no longer do."""
        return sum(len(g.sites_gained) - len(g.sites_lost) for g in self.gains)

    @property
    def personnel_gained(self) -> int:
        return sum(g.personnel_gained - g.personnel_lost for g in self.gains)

    def text(self) -> str:
        """The recommendation and its effect in a planner's words."""
        action = self.candidate.action
        if self.base_to_sites_km is not None:
            action += f" (the sites it helps lie within {self.base_to_sites_km:.0f} km of its base)"
        return f"{action}: {effect_text(self.gains)}"


def effect_text(gains: tuple[Gain, ...]) -> str:
    """E.g. ``closes the surgery gap at 3 sites (a, b, c) at night, in both seasons``."""
    parts = []
    for verb, field in (("closes", "sites_gained"), ("opens", "sites_lost")):
        grouped: dict[tuple[Leg, tuple[str, ...]], list[Condition]] = {}
        for gain in gains:
            sites = getattr(gain, field)
            if sites:
                grouped.setdefault((gain.leg, sites), []).append(gain.condition)
        for (leg, sites), conditions in grouped.items():
            noun = "site" if len(sites) == 1 else "sites"
            parts.append(
                f"{verb} the {LEG_LABEL[leg]} gap at {len(sites)} {noun} ({', '.join(sites)}) "
                f"{messages.conditions_phrase(tuple(conditions))}"
            )
    return "; ".join(parts) if parts else "no change"


def gains_between(
    before: dict[Condition, CheckResult], after: dict[Condition, CheckResult]
) -> tuple[Gain, ...]:
    """Per condition and leg: sites that meet after but not before, and the reverse.

    Both results must hold the same sites in the same order (edits never touch sites).
    """
    gains = []
    for condition in CONDITIONS:
        if condition not in before or condition not in after:
            continue
        old, new = before[condition], after[condition]
        ids = [s.id for s in old.scenario.sites]
        personnel = personnel_of(old.scenario)
        for i, leg in enumerate(old.legs):
            up = new.meets[i] & ~old.meets[i]
            down = old.meets[i] & ~new.meets[i]
            if up.any() or down.any():
                gains.append(
                    Gain(
                        condition,
                        leg,
                        tuple(ids[k] for k in np.flatnonzero(up)),
                        tuple(ids[k] for k in np.flatnonzero(down)),
                        int(personnel[up].sum()),
                        int(personnel[down].sum()),
                    )
                )
    return tuple(gains)


def _failing_legs(results: dict[Condition, CheckResult]) -> set[Leg]:
    return {leg for r in results.values() for i, leg in enumerate(r.legs) if not r.meets[i].all()}


def _template(scenario: Scenario) -> Airframe | None:
    """The helicopter copied for a new base: the fastest, then the longest-ranged."""
    helicopters = [a for a in scenario.airframes if a.kind == "helicopter"]
    if not helicopters:
        return None
    return max(helicopters, key=lambda a: (a.cruise_kmh, a.range_km, a.id))


def _new_id(scenario: Scenario, stem: str) -> str:
    taken = {f.id for f in scenario.facilities} | {a.id for a in scenario.airframes}
    taken |= {s.id for s in scenario.sites}
    number = 1
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def candidates(scenario: Scenario, results: dict[Condition, CheckResult]) -> Iterator[Candidate]:
    """Changes worth trying on this scenario given where it fails."""
    night_gaps = any(not r.meets_all.all() for (light, _), r in results.items() if light == "night")
    for airframe in scenario.airframes:
        if night_gaps and not airframe.night:
            yield Candidate(
                SetAirframe(airframe.id, night=True),
                f"make {airframe.id}{_type(airframe)} night-capable (night-vision crews and aircraft)",
                conditions=NIGHT,
            )
        if not airframe.available:
            yield Candidate(SetAirframe(airframe.id, available=True), f"return {airframe.id} to service")
        if airframe.launch.day > STANDBY_LAUNCH_MIN:
            yield Candidate(
                SetAirframe(airframe.id, launch_day_min=STANDBY_LAUNCH_MIN),
                f"put {airframe.id} on {STANDBY_LAUNCH_MIN:g}-minute standby by day "
                f"(launch now {airframe.launch.day:g} min)",
                conditions=DAY,
            )
        night_launch = airframe.launch.minutes("night")
        if airframe.night and night_launch > STANDBY_LAUNCH_MIN:
            yield Candidate(
                SetAirframe(airframe.id, launch_night_min=STANDBY_LAUNCH_MIN),
                f"put {airframe.id} on {STANDBY_LAUNCH_MIN:g}-minute standby at night "
                f"(launch now {night_launch:g} min)",
                conditions=NIGHT,
            )
    for target in APPROVAL_TARGETS_MIN:
        if scenario.timeline.approval > target:
            yield Candidate(
                SetTimeline((("approval", target),)),
                f"cut approval from {scenario.timeline.approval:g} to {target:g} minutes",
            )
    template = _template(scenario)
    for facility in scenario.facilities:
        if not facility.helipad:
            continue
        where = (facility.lat, facility.lon)
        if template is not None:
            new_id = _new_id(scenario, "heli")
            yield Candidate(
                AddAirframe(
                    new_id,
                    facility.id,
                    cruise_kmh=template.cruise_kmh,
                    range_km=template.range_km,
                    launch_day_min=template.launch.day,
                    launch_night_min=template.launch.night,
                    night=True,
                    medical_team=template.medical_team,
                    type=template.type,
                ),
                f"base a night-capable {template.type or 'helicopter'} like {template.id} "
                f"at {facility.name or facility.id}",
                where,
            )
        for airframe in scenario.airframes:
            if airframe.kind == "helicopter" and airframe.base != facility.id:
                yield Candidate(
                    MoveAirframe(airframe.id, facility.id),
                    f"rebase {airframe.id} to {facility.name or facility.id}",
                    where,
                )
    yield from _facility_candidates(scenario, results)


def _facility_candidates(scenario: Scenario, results: dict[Condition, CheckResult]) -> Iterator[Candidate]:
    """A facility of the level a failing leg needs: at each lower facility, and at failing sites."""
    ranks = sorted({LEG_MIN_RANK[leg] for leg in _failing_legs(results)})
    failing_sites = np.logical_or.reduce([~r.meets_all for r in results.values()])
    for rank in ranks:
        level = str(rank)
        for facility in scenario.facilities:
            if facility.rank < rank:
                yield Candidate(
                    AddFacility(
                        _new_id(scenario, f"l{level}"),
                        level,  # type: ignore[arg-type]
                        Point(facility.lat, facility.lon, facility.name or facility.id),
                        helipad=facility.helipad,
                        airstrip=facility.airstrip,
                    ),
                    f"raise {facility.name or facility.id} to Level {level}",
                )
        for s in np.flatnonzero(failing_sites):
            site = scenario.sites[s]
            yield Candidate(
                AddFacility(
                    _new_id(scenario, f"l{level}"),
                    level,  # type: ignore[arg-type]
                    Point(site.lat, site.lon, site.name or site.id),
                    helipad=site.hls,
                    airstrip=site.airstrip,
                ),
                f"open a Level {level} at {site.name or site.id}",
            )


def _type(airframe: Airframe) -> str:
    return f" ({airframe.type})" if airframe.type else ""


def _reach_km(candidate: Candidate, scenario: Scenario, gains: tuple[Gain, ...]) -> float | None:
    if candidate.base_lat_lon is None:
        return None
    ids = {site for g in gains for site in g.sites_gained}
    sites = [s for s in scenario.sites if s.id in ids]
    if not sites:
        return None
    lat, lon = candidate.base_lat_lon
    return float(distance_km(lat, lon, [s.lat for s in sites], [s.lon for s in sites]).max())


def _score(gains: tuple[Gain, ...]) -> tuple[int, int]:
    return (
        sum(len(g.sites_gained) - len(g.sites_lost) for g in gains),
        sum(g.personnel_gained - g.personnel_lost for g in gains),
    )


def _trial(
    scenario: Scenario,
    candidate: Candidate,
    results: dict[Condition, CheckResult],
    router: GroundRouter,
) -> dict[Condition, CheckResult]:
    """The four checks with the change applied; conditions it cannot change are reused."""
    changed = apply_edits(scenario, [candidate.edit])
    return {
        c: check(changed, light=c[0], season=c[1], router=router) if c in candidate.conditions else results[c]
        for c in CONDITIONS
    }


def recommend(
    scenario: Scenario,
    router: GroundRouter | None = None,
    *,
    limit: int = MAX_RECOMMENDATIONS,
) -> list[Recommendation]:
    """Up to ``limit`` changes, each the best next one on top of those before it.

    A change is kept only when it gains more (condition, site, leg) triples than it loses;
    ties go to more personnel, then to the first candidate generated (airframe settings and
    timeline cuts before new bases and new facilities). After the first round the search
    is lazy (as in CELF): candidates are re-checked in order of their last gain, and the
    round stops when no remaining candidate gained more last time than the best found now,
    since a change rarely gains more once other gaps are closed. At most
    :data:`MAX_PER_KIND` changes of one kind are kept. Every kept change is
    re-checked in the round it is chosen, so its stated effect is always verified.
    """
    scenario = scenario.model_copy(update={"patrols": ()})
    router = router or CachedRouter(make_router(scenario))
    results = check_conditions(scenario, router, patrols=False)
    chosen: list[Recommendation] = []
    last_score: dict[str, tuple[int, int]] = {}
    while len(chosen) < limit and not all(r.meets_all.all() for r in results.values()):
        pool = sorted(
            enumerate(candidates(scenario, results)),
            key=lambda item: (
                tuple(-v for v in last_score.get(item[1].action, (_UNSEEN, _UNSEEN))),
                item[0],
            ),
        )
        best: (
            tuple[tuple[tuple[int, int], int], Candidate, tuple[Gain, ...], dict[Condition, CheckResult]]
            | None
        )
        best = None
        for order, candidate in pool:
            if sum(r.candidate.kind == candidate.kind for r in chosen) >= MAX_PER_KIND:
                continue
            bound = last_score.get(candidate.action, (_UNSEEN, _UNSEEN))
            if best is not None and bound < best[0][0]:
                break
            trial = _trial(scenario, candidate, results, router)
            gains = gains_between(results, trial)
            score = _score(gains)
            last_score[candidate.action] = score
            if score[0] > 0 and (best is None or (score, -order) > best[0]):
                best = ((score, -order), candidate, gains, trial)
        if best is None:
            break
        _, candidate, gains, results = best
        chosen.append(Recommendation(candidate, gains, _reach_km(candidate, scenario, gains)))
        scenario = apply_edits(scenario, [candidate.edit])
        del last_score[candidate.action]
    return chosen


_Best = tuple[tuple[tuple[int, int], int], Candidate, tuple[Gain, ...], dict[Condition, CheckResult]]
"""((score, -order), candidate, its gains, its checks): the best of a round so far."""

_UNSEEN = 1 << 30
"""Bound of a candidate never evaluated: above any real gain, so it is always tried."""
