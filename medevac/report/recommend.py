"""Recommendations: the optimiser's best placements, training, and a greedy search for settings.

- **Placements** (:mod:`medevac.planning.optimise`): the best single new Level 2, the best new
  Level 1 and the best new helicopter like one of the mission's, each at the places that
  suit it (:func:`~medevac.planning.candidates.facility_places`,
  :func:`~medevac.planning.candidates.base_places`), and the best new base for each
  aircraft. Each maximises the personnel meeting every leg over the four conditions,
  proven optimal, and is one alternative against the scenario as it is.
- **Training**: a site with no first responders whose first aid fails, where first responders
  would give it in time: "train first responders at X". A first-aid gap is never closed by a
  hospital (a liaison office is no place for one).
- **Settings**, searched greedily as AccessMod's "scaling up" does, each on top of the ones
  before it: night capability, return to service, standby launch, approval time. The
  optimiser places assets; it cannot choose these values.

Every effect stated is the verified difference between two checks (``apply_edits`` and the
check under the four conditions); a placement's re-check must equal the optimiser's value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from medevac import messages
from medevac.check import CheckResult, check, make_router
from medevac.geo import distance_km
from medevac.ground import GroundRouter
from medevac.model import Airframe, Level, Scenario
from medevac.planning.candidates import Candidate as Place
from medevac.planning.candidates import base_places, facility_places
from medevac.planning.optimise import Question, Solution, optimise, placement_edits
from medevac.report.summary import CONDITIONS, CachedRouter, Condition, check_conditions, personnel_of
from medevac.standards import Leg
from medevac.whatif import (
    AddAirframe,
    AddFacility,
    Edit,
    MoveAirframe,
    SetAirframe,
    SetSite,
    SetTimeline,
    apply_edits,
)

APPROVAL_TARGETS_MIN: tuple[float, ...] = (10.0, 5.0)
"""Approval times tried: 10 min is spec v1's default; 5 min a delegated launch authority."""

STANDBY_LAUNCH_MIN = 15.0
"""Launch time tried for an airframe on strip alert (a planning choice, not a UN figure)."""

MAX_SETTINGS = 3
"""Settings the greedy search keeps at most."""

MAX_PER_KIND = 2
"""Settings of one kind kept at most, so the list shows the range of fixes."""

NEW_FACILITY_LEVELS: tuple[Level, ...] = ("2", "1")
"""New facilities the optimiser places, one of each."""

OPTIMISE_LIMIT_S = 60.0
"""Time each placement may take; past it the best found is stated as not proven."""

DAY: tuple[Condition, ...] = tuple(c for c in CONDITIONS if c[0] == "day")
NIGHT: tuple[Condition, ...] = tuple(c for c in CONDITIONS if c[0] == "night")

Source = Literal["optimiser", "training", "greedy"]


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
class EveryLeg:
    """What a change does under one condition to the sites meeting every leg."""

    condition: Condition
    sites_gained: tuple[str, ...]
    sites_lost: tuple[str, ...]
    personnel_gained: int
    personnel_lost: int
    sites_after: int
    personnel_after: int


@dataclass(frozen=True)
class Recommendation:
    """A change, how it was chosen, and its verified effect.

    ``before`` are the changes its effect is measured on top of (the greedy settings listed
    before it); a placement or a training is measured against the scenario as it is.
    """

    candidate: Candidate
    gains: tuple[Gain, ...]
    base_to_sites_km: float | None  # farthest gained site from a new or moved airframe's base
    source: Source = "greedy"
    every_leg: tuple[EveryLeg, ...] = ()
    before: tuple[Edit, ...] = ()
    how: str = ""  # how the optimiser chose it (empty for the others)
    solution: Solution | None = field(default=None, compare=False)

    @property
    def edit(self) -> Edit:
        return self.candidate.edit

    @property
    def legs_gained(self) -> int:
        """(condition, site, leg) triples that now meet, minus those that no longer do."""
        return sum(len(g.sites_gained) - len(g.sites_lost) for g in self.gains)

    @property
    def personnel_gained(self) -> int:
        """Personnel newly meeting every leg, summed over the four conditions."""
        return sum(e.personnel_gained - e.personnel_lost for e in self.every_leg)

    @property
    def sites_gained(self) -> int:
        """Sites newly meeting every leg, summed over the four conditions."""
        return sum(len(e.sites_gained) - len(e.sites_lost) for e in self.every_leg)

    def text(self, names: messages.Names | None = None) -> str:
        """The recommendation and its effect in a planner's words (sites named by ``names``)."""
        how = [self.how] if self.how else []
        if self.base_to_sites_km is not None and self.base_to_sites_km >= 1.0:
            how.append(messages.reach_text(self.base_to_sites_km))
        every = messages.every_leg_text(
            [
                (e.condition, e.sites_gained, e.personnel_gained, e.sites_lost, e.personnel_lost)
                for e in self.every_leg
            ],
            names,
        )
        return messages.recommendation_text(
            self.candidate.action, messages.semicolon().join(how), every, effect_text(self.gains, names)
        )


def effect_text(gains: tuple[Gain, ...], names: messages.Names | None = None) -> str:
    """E.g. ``closes the surgery gap at 3 sites (a, b, c) at night, in both seasons``."""
    return messages.leg_gaps_text([(g.condition, g.leg, g.sites_gained, g.sites_lost) for g in gains], names)


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


def every_leg_between(
    before: dict[Condition, CheckResult], after: dict[Condition, CheckResult]
) -> tuple[EveryLeg, ...]:
    """Per condition: the sites newly meeting every leg, those no longer meeting it, and the
    sites and personnel meeting every leg after the change."""
    changes = []
    for condition in CONDITIONS:
        old, new = before[condition], after[condition]
        ids = [s.id for s in old.scenario.sites]
        personnel = personnel_of(old.scenario)
        up, down = new.meets_all & ~old.meets_all, old.meets_all & ~new.meets_all
        changes.append(
            EveryLeg(
                condition,
                tuple(ids[k] for k in np.flatnonzero(up)),
                tuple(ids[k] for k in np.flatnonzero(down)),
                int(personnel[up].sum()),
                int(personnel[down].sum()),
                int(new.meets_all.sum()),
                int(personnel[new.meets_all].sum()),
            )
        )
    return tuple(changes)


def _failing_legs(results: dict[Condition, CheckResult]) -> set[Leg]:
    return {leg for r in results.values() for i, leg in enumerate(r.legs) if not r.meets[i].all()}


def _type(airframe: Airframe) -> str:
    return airframe.type or ""


def _reach_km(
    base_lat_lon: tuple[float, float] | None, scenario: Scenario, gains: tuple[Gain, ...]
) -> float | None:
    if base_lat_lon is None:
        return None
    ids = {site for g in gains for site in g.sites_gained}
    sites = [s for s in scenario.sites if s.id in ids]
    if not sites:
        return None
    lat, lon = base_lat_lon
    return float(distance_km(lat, lon, [s.lat for s in sites], [s.lon for s in sites]).max())


def _trial(
    scenario: Scenario,
    edits: Sequence[Edit],
    results: dict[Condition, CheckResult],
    router: GroundRouter,
    conditions: tuple[Condition, ...] = CONDITIONS,
) -> dict[Condition, CheckResult]:
    """The four checks with the changes applied; conditions they cannot change are reused."""
    changed = apply_edits(scenario, edits)
    return {
        c: check(changed, light=c[0], season=c[1], router=router) if c in conditions else results[c]
        for c in CONDITIONS
    }


# -- placements, by the optimiser ------------------------------------------------------------


def _designs(scenario: Scenario) -> list[Airframe]:
    """One helicopter of each design of the mission (its figures), available ones first."""
    helicopters = [a for a in scenario.airframes if a.kind == "helicopter"]
    seen: dict[tuple[object, ...], Airframe] = {}
    for airframe in sorted(helicopters, key=lambda a: not a.available):
        key = (
            (a := airframe).type,
            a.cruise_kmh,
            a.range_km,
            a.launch.day,
            a.launch.night,
            a.night,
            a.medical_team,
        )
        seen.setdefault(key, airframe)
    return list(seen.values())


def _place_name(place: Place) -> str:
    return place.name or place.id


def _base_name(scenario: Scenario, airframe: Airframe) -> str:
    if isinstance(airframe.base, str):
        facility = next(f for f in scenario.facilities if f.id == airframe.base)
        return facility.name or facility.id
    return f"({airframe.base.lat:.2f}, {airframe.base.lon:.2f})"


def _placement(
    scenario: Scenario,
    question: Question,
    places: list[Place],
    results: dict[Condition, CheckResult],
    router: GroundRouter,
) -> Recommendation | None:
    """The optimiser's best placement for one question, re-checked; None when it gains nothing."""
    solution = optimise(scenario, question, places, router=router, time_limit_s=OPTIMISE_LIMIT_S)
    if solution.value <= solution.baseline or not solution.placements:
        return None
    (placement,) = solution.placements
    (edit,) = placement_edits(scenario, solution)
    place = placement.candidate
    facility_ids = {f.id for f in scenario.facilities}
    airframes = {a.id: a for a in scenario.airframes}
    base: tuple[float, float] | None = (place.lat, place.lon)
    if isinstance(edit, AddFacility):
        edit = AddFacility(
            edit.facility_id,
            edit.level,
            edit.at,
            helipad=edit.helipad,
            airstrip=edit.airstrip,
            ground_team=edit.ground_team,
            name=f"Level {edit.level}, {_place_name(place)}",
        )
        action = messages.open_facility_action(edit.level, _place_name(place), place.id in facility_ids)
        base = None
    elif isinstance(edit, AddAirframe):
        like = airframes[str(placement.like)]
        action = messages.new_airframe_action(like.kind, like.id, _type(like), _place_name(place))
    else:
        assert isinstance(edit, MoveAirframe)
        moved = airframes[placement.id]
        action = messages.move_airframe_action(
            moved.id, _type(moved), _base_name(scenario, moved), _place_name(place)
        )
    after = _trial(scenario, [edit], results, router)
    gains = gains_between(results, after)
    every = every_leg_between(results, after)
    gained = sum(e.personnel_gained - e.personnel_lost for e in every)
    if gained != solution.value - solution.baseline:  # the optimiser and the check must agree
        promised = solution.value - solution.baseline
        raise RuntimeError(f"recommend: the optimiser gains {promised} for {action}, the check {gained}")
    how = messages.placement_proof_text(len(places), solution.optimal, solution.bound, solution.value)
    return Recommendation(
        Candidate(edit, action, base),
        gains,
        _reach_km(base, scenario, gains),
        source="optimiser",
        every_leg=every,
        how=how,
        solution=solution,
    )


def placements(
    scenario: Scenario, results: dict[Condition, CheckResult], router: GroundRouter
) -> list[Recommendation]:
    """The best new facility of each level, new helicopter and move of each aircraft."""
    question = Question(objective="personnel", conditions=CONDITIONS)
    found: list[Recommendation] = []
    for level in NEW_FACILITY_LEVELS:
        places = facility_places(scenario, level)
        if places:
            asked = replace(question, add_facilities=((level, 1),))
            found += [r for r in [_placement(scenario, asked, places, results, router)] if r]
    helicopter_bases = base_places(scenario, "helicopter")
    best: Recommendation | None = None
    for design in _designs(scenario) if helicopter_bases else []:
        asked = replace(question, add_airframes=((design.id, 1),))
        option = _placement(scenario, asked, helicopter_bases, results, router)
        if option and (best is None or option.personnel_gained > best.personnel_gained):
            best = option
    found += [best] if best else []
    for airframe in scenario.airframes:
        places = base_places(scenario, airframe.kind)
        if places and airframe.available:
            asked = replace(question, moves=(airframe.id,))
            found += [r for r in [_placement(scenario, asked, places, results, router)] if r]
    return found


# -- training ---------------------------------------------------------------------------------


def training(
    scenario: Scenario, results: dict[Condition, CheckResult], router: GroundRouter
) -> list[Recommendation]:
    """First responders at each site that has none and fails first aid, where they close it."""
    found = []
    for s, site in enumerate(scenario.sites):
        failing = [
            c
            for c, r in results.items()
            if "first_aid" in r.legs and not r.meets[r.legs.index("first_aid"), s]
        ]
        if site.first_responders or not failing:
            continue
        edit = SetSite(site.id, first_responders=True)
        after = _trial(scenario, [edit], results, router)
        gains = gains_between(results, after)
        if any(g.leg == "first_aid" and site.id in g.sites_gained for g in gains):
            action = messages.training_action(site.name or site.id)
            found.append(
                Recommendation(
                    Candidate(edit, action),
                    gains,
                    None,
                    source="training",
                    every_leg=every_leg_between(results, after),
                )
            )
    return found


# -- settings, greedy -------------------------------------------------------------------------


def candidates(scenario: Scenario, results: dict[Condition, CheckResult]) -> Iterator[Candidate]:
    """Settings worth trying on this scenario given where it fails (the optimiser places the
    assets; these are the values it cannot choose)."""
    night_gaps = any(not r.meets_all.all() for (light, _), r in results.items() if light == "night")
    for airframe in scenario.airframes:
        if night_gaps and not airframe.night:
            yield Candidate(
                SetAirframe(airframe.id, night=True),
                messages.night_capable_action(airframe.id, _type(airframe)),
                conditions=NIGHT,
            )
        if not airframe.available:
            yield Candidate(
                SetAirframe(airframe.id, available=True), messages.return_to_service_action(airframe.id)
            )
        if airframe.launch.day > STANDBY_LAUNCH_MIN:
            yield Candidate(
                SetAirframe(airframe.id, launch_day_min=STANDBY_LAUNCH_MIN),
                messages.standby_action(airframe.id, STANDBY_LAUNCH_MIN, "day", airframe.launch.day),
                conditions=DAY,
            )
        night_launch = airframe.launch.minutes("night")
        if airframe.night and night_launch > STANDBY_LAUNCH_MIN:
            yield Candidate(
                SetAirframe(airframe.id, launch_night_min=STANDBY_LAUNCH_MIN),
                messages.standby_action(airframe.id, STANDBY_LAUNCH_MIN, "night", night_launch),
                conditions=NIGHT,
            )
    for target in APPROVAL_TARGETS_MIN:
        if scenario.timeline.approval > target:
            yield Candidate(
                SetTimeline((("approval", target),)),
                messages.approval_action(scenario.timeline.approval, target),
            )


def _score(gains: tuple[Gain, ...]) -> tuple[int, int]:
    return (
        sum(len(g.sites_gained) - len(g.sites_lost) for g in gains),
        sum(g.personnel_gained - g.personnel_lost for g in gains),
    )


def settings(
    scenario: Scenario,
    results: dict[Condition, CheckResult],
    router: GroundRouter,
    *,
    limit: int = MAX_SETTINGS,
) -> list[Recommendation]:
    """Up to ``limit`` settings, each the best next one on top of those before it.

    A change is kept only when it gains more (condition, site, leg) triples than it loses;
    ties go to more personnel, then to the first candidate generated. After the first round
    the search is lazy (as in CELF): candidates are re-checked in order of their last gain,
    and the round stops when no remaining candidate gained more last time than the best
    found now. At most :data:`MAX_PER_KIND` changes of one kind are kept. Every kept change
    is re-checked in the round it is chosen, so its stated effect is always verified.
    """
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
        best: _Best | None = None
        for order, candidate in pool:
            if sum(r.candidate.kind == candidate.kind for r in chosen) >= MAX_PER_KIND:
                continue
            bound = last_score.get(candidate.action, (_UNSEEN, _UNSEEN))
            if best is not None and bound < best[0][0]:
                break
            trial = _trial(scenario, [candidate.edit], results, router, candidate.conditions)
            gains = gains_between(results, trial)
            score = _score(gains)
            last_score[candidate.action] = score
            if score[0] > 0 and (best is None or (score, -order) > best[0]):
                best = ((score, -order), candidate, gains, trial)
        if best is None:
            break
        _, candidate, gains, trial = best
        chosen.append(
            Recommendation(
                candidate,
                gains,
                None,
                source="greedy",
                every_leg=every_leg_between(results, trial),
                before=tuple(r.edit for r in chosen),
            )
        )
        results = trial
        scenario = apply_edits(scenario, [candidate.edit])
        del last_score[candidate.action]
    return chosen


def recommend(scenario: Scenario, router: GroundRouter | None = None) -> list[Recommendation]:
    """The placements and trainings, most personnel newly meeting every leg first, then the
    greedy settings in the order chosen."""
    scenario = scenario.model_copy(update={"patrols": ()})
    router = router or CachedRouter(make_router(scenario))
    results = check_conditions(scenario, router, patrols=False)
    if not scenario.sites or all(r.meets_all.all() for r in results.values()):
        return []
    alone = placements(scenario, results, router) + training(scenario, results, router)
    alone.sort(key=lambda r: (-r.personnel_gained, -r.sites_gained, -r.legs_gained))
    return alone + settings(scenario, results, router)


_Best = tuple[tuple[tuple[int, int], int], Candidate, tuple[Gain, ...], dict[Condition, CheckResult]]
"""((score, -order), candidate, its gains, its checks): the best of a round so far."""

_UNSEEN = 1 << 30
"""Bound of a candidate never evaluated: above any real gain, so it is always tried."""

__all__ = [
    "Candidate",
    "EveryLeg",
    "Gain",
    "Recommendation",
    "candidates",
    "effect_text",
    "every_leg_between",
    "gains_between",
    "placements",
    "recommend",
    "settings",
    "training",
]
