"""Why a site fails a leg, as records: a code, the leg, the asset ids, the numbers.

A :class:`Reason` is data; :mod:`medevac.messages` turns it into words. Every reason that
names something a planner could change (an airframe, a site's landing site or first
responders, a delay, the season) is decided by the model: the check is re-run with that one
change applied (:func:`changed_min`) and the reason is kept only when the change alone
matters to *that* site and leg:

- a change to an asset (return an airframe to service, make it night-capable, give it
  unlimited range; a landing site or first responders at the site) must **improve** the
  leg's reported time;
- a cut of a delay or a better season (launch at once, approval at once, the dry season),
  which shortens every leg it touches, must make the leg **meet** its threshold.

Facts that need no re-check (no facility of the level in the scenario, no airframe, why the
site has no road access) are stated as they are. When no single change makes a leg meet,
one more re-check with every change at once says whether several together would
(``combined``) or whether the level the leg needs is out of reach of the assets as placed
(``out_of_reach``).

Re-checks are exact and cheap: a change alters the arrays of the check's engine (its
:class:`~medevac.timeline.Assets` figures and flags, or the timeline), never its geometry, so
the geodesic distances are the check's own and the road minutes of the failing sites are
asked of the router once per season (:func:`changed_engine`, :func:`changed_min`). Each
distinct change is re-checked once per check, and skipped where a bound proves it useless: a
change to one airframe never gains more than the same change to all of them together, so the
single changes are re-checked only at the sites where all of them together would help; and a
road to a pick-up point arriving after a site's slowest failing time can never matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal

import numpy as np

from medevac.check import CheckResult, reported_min
from medevac.geo import FloatArray
from medevac.ground import AccessCode, AccessProblem
from medevac.model import Light, Scenario, Season
from medevac.standards import LEG_MIN_RANK, Leg
from medevac.timeline import BoolArray, Engine, IntArray, PickupDistances, PointTables, WoundingPoints

UNLIMITED_RANGE_KM = 45_000.0
"""A range no sortie on Earth exceeds (two legs of at most half the circumference each)."""

ReasonCode = Literal[
    "no_first_responders",
    "no_facility_level",
    "no_airframe",
    "no_airframe_available",
    "no_night_airframe",
    "no_helicopter_landing_site",
    "no_landing_site",
    "out_of_range",
    "not_night_capable",
    "unavailable",
    AccessCode,  # the road router's own, as it gives them
    "launch_time",
    "approval_time",
    "wet_season",
    "combined",
    "out_of_reach",
]

REASON_CODES: tuple[ReasonCode, ...] = ReasonCode.__args__  # type: ignore[attr-defined]
"""Every code, in the order reasons are listed for a leg."""


class Numbers(Mapping[str, float]):
    """The numbers of a reason (``flown_km``, ``range_km`` ...): an immutable, hashable mapping."""

    __slots__ = ("_items",)

    def __init__(self, values: Mapping[str, float] | None = None, /, **more: float) -> None:
        items = {**(values or {}), **more}
        self._items: tuple[tuple[str, float], ...] = tuple(sorted((k, float(v)) for k, v in items.items()))

    def __getitem__(self, key: str) -> float:
        for name, value in self._items:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Numbers({dict(self._items)!r})"


@dataclass(frozen=True)
class Reason:
    """One limiting factor of one failing leg at one site.

    ``assets`` are the ids the reason names (airframe, then facility, for ``out_of_range``;
    the site for a landing site or first responders). ``alone_meets`` is true when the
    change the reason names would, alone, make the leg meet.

    >>> Reason("out_of_range", "surgery", ("puma-1", "gao-l2"), {"flown_km": 612.0, "range_km": 570.0})
    Reason(code='out_of_range', leg='surgery', assets=('puma-1', 'gao-l2'), numbers=Numbers({'flown_km': 612.0, 'range_km': 570.0}), alone_meets=False)
    """  # noqa: E501

    code: ReasonCode
    leg: Leg
    assets: tuple[str, ...] = ()
    numbers: Mapping[str, float] = field(default_factory=Numbers)
    alone_meets: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.numbers, Numbers):
            object.__setattr__(self, "numbers", Numbers(self.numbers))
        object.__setattr__(self, "assets", tuple(self.assets))


# -- the counterfactual: one change, re-checked -------------------------------------------


@dataclass(frozen=True)
class Change:
    """One what-if on a checked scenario, to test whether a reason matters (hashable).

    Airframe changes name airframe ids; ``landing_here`` and ``first_responders`` apply to
    the sites re-checked (a site's own landing site never helps another through it, and
    first responders only ever give first aid on site); ``landing_everywhere`` gives every
    site a landing site, so other sites become pick-up points too.
    """

    available: tuple[str, ...] = ()
    night: tuple[str, ...] = ()
    unlimited_range: tuple[str, ...] = ()
    launch_at_once: tuple[str, ...] = ()
    approval_at_once: bool = False
    landing_here: bool = False
    landing_everywhere: bool = False
    first_responders: bool = False
    light: Light | None = None
    season: Season | None = None

    @property
    def changes_scenario(self) -> bool:
        return bool(
            self.available
            or self.night
            or self.unlimited_range
            or self.launch_at_once
            or self.approval_at_once
            or self.landing_everywhere
        )

    def scenario(self, scenario: Scenario) -> Scenario:
        """The scenario with the change applied (a copy; the input is never touched)."""
        if not self.changes_scenario:
            return scenario
        airframes = []
        for airframe in scenario.airframes:
            update: dict[str, object] = {}
            if airframe.id in self.available:
                update["available"] = True
            if airframe.id in self.night:
                update["night"] = True
            if airframe.id in self.unlimited_range:
                update["range_km"] = UNLIMITED_RANGE_KM
            if airframe.id in self.launch_at_once:
                update["launch"] = airframe.launch.model_copy(update={"day": 0.0, "night": 0.0})
            airframes.append(airframe.model_copy(update=update) if update else airframe)
        changed: dict[str, object] = {"airframes": tuple(airframes)}
        if self.approval_at_once:
            changed["timeline"] = scenario.timeline.model_copy(update={"approval": 0.0})
        if self.landing_everywhere:
            changed["sites"] = tuple(
                s.model_copy(update={"hls": True, "airstrip": True}) for s in scenario.sites
            )
        return scenario.model_copy(update=changed)


def changed_engine(result: CheckResult, change: Change) -> Engine:
    """The check's engine with one change applied to its assets and timeline.

    Every change leaves the facilities, bases and sites where they are, so the geodesic
    distances of the check's engine are reused as they are; only the figures and flags
    change (the arrays of :class:`~medevac.timeline.Assets`, not a new scenario). The
    site-level changes (``landing_here``, ``first_responders``) are on the points instead.
    """
    engine = result.engine
    light = change.light or result.light
    season = change.season or result.season
    if not change.changes_scenario and (light, season) == (result.light, result.season):
        return engine
    a = engine.assets

    def named(ids: tuple[str, ...]) -> BoolArray:
        return np.array([i in ids for i in a.airframe_ids], dtype=bool)

    at_once = named(change.launch_at_once)
    sites_land = np.ones(len(a.site_ids), dtype=bool) if change.landing_everywhere else None
    assets = replace(
        a,
        available=a.available | named(change.available),
        night_capable=a.night_capable | named(change.night),
        range_km=np.where(named(change.unlimited_range), UNLIMITED_RANGE_KM, a.range_km),
        launch_day_min=np.where(at_once, 0.0, a.launch_day_min),
        launch_night_min=np.where(at_once, 0.0, a.launch_night_min),
        site_hls=a.site_hls if sites_land is None else sites_land,
        site_airstrip=a.site_airstrip if sites_land is None else sites_land,
        airframe_night=np.full(len(a.airframe_ids), light == "night"),
    )
    scenario = result.scenario
    if change.approval_at_once:
        scenario = scenario.model_copy(
            update={"timeline": scenario.timeline.model_copy(update={"approval": 0.0})}
        )
    pickup_km = PickupDistances(engine.base_to_pickup_km, engine.pickup_to_facility_km)
    return Engine(
        scenario,
        engine.router,
        light,
        season,
        result.legs,
        exact_distances=engine.exact_distances,
        assets=assets,
        pickup_km=pickup_km,
    )


def changed_min(
    result: CheckResult, change: Change, sites: IntArray, tables: PointTables | None = None
) -> tuple[FloatArray, IntArray]:
    """Reported minutes (legs, sites) at some of a check's sites with one change applied,
    and the airframe each leg's winning pathway uses (-1: none).

    The counterfactual test of every reason. Exact: the engine itself with the change
    (:func:`changed_engine`), for these sites only (a point's times never depend on the
    others); ``tables`` are the engine's site tables of these sites in the change's season.
    """
    engine = changed_engine(result, change)
    points = WoundingPoints.from_sites([result.scenario.sites[s] for s in sites])
    everywhere = np.ones(len(points), dtype=bool)
    if change.landing_here or change.landing_everywhere:
        points = replace(points, hls=everywhere, airstrip=everywhere)
    if change.first_responders:
        points = replace(points, first_responders=everywhere)
    if tables is None:
        tables = result.engine.site_tables(sites, season=engine.season, roads_to_sites=True)
    times = engine.leg_times(points, tables)
    return reported_min(times.time_min), times.airframe


# -- explaining a check --------------------------------------------------------------------

Explanations = dict[tuple[int, Leg], tuple[Reason, ...]]
"""Reasons per (site index, leg), for the failing legs only."""


def explain(result: CheckResult) -> Explanations:
    """The reasons of every failing leg of a check, decided by re-checks (module docstring)."""
    return _Explainer(result).explain()


class _Explainer:
    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.scenario = result.scenario
        self.assets = result.engine.assets
        self.reported = reported_min(result.times.time_min)  # (legs, sites)
        legs = result.legs
        self.thresholds = np.array([result.standard.thresholds_min[leg] for leg in legs])[:, None]
        self.failing: BoolArray = ~result.meets
        self.sites: IntArray = np.flatnonzero(self.failing.any(axis=0))
        # Every change only ever shortens a leg, and a re-check's time matters only where it
        # beats the check's (every test is "improves", or "meets" a threshold the check's time
        # is over): a road to a pick-up point arriving after the slowest failing leg's time,
        # less the ground departure, never matters, so the router may skip it.
        slowest_failing_min = np.where(self.failing, self.reported, -np.inf).max(axis=0, initial=-np.inf)
        self._useful_road_min = slowest_failing_min - self.scenario.timeline.ground_departure
        self.router = result.engine.router
        self._tables: dict[Season, PointTables] = {}
        self._cache: dict[tuple[Change, tuple[int, ...]], tuple[FloatArray, IntArray]] = {}

    # -- re-checks --------------------------------------------------------------------------

    def lifted(self, change: Change, sites: IntArray | None = None) -> FloatArray:
        """(legs, all sites) reported minutes with the change at ``sites`` (default: every
        failing site); elsewhere the check's own."""
        return self._rechecked(change, self.sites if sites is None else sites)[0]

    def _rechecked(self, change: Change, sites: IntArray) -> tuple[FloatArray, IntArray]:
        key = (change, tuple(int(s) for s in sites))
        if key not in self._cache:
            times = self.reported.copy()
            winners = np.full(times.shape, -1, dtype=np.intp)
            if len(sites):
                tables = self._tables_of(change.season or self.result.season, sites)
                times[:, sites], winners[:, sites] = changed_min(self.result, change, sites, tables)
            self._cache[key] = (times, winners)
        return self._cache[key]

    def _tables_of(self, season: Season, sites: IntArray) -> PointTables:
        """The tables of these failing sites: those of every site, asked of the router once
        per season (the same origins for every variant, so a shared router has them), then
        taken row by row; roads from a site that meets every leg are never needed."""
        if season not in self._tables:
            self._tables[season] = self.result.engine.site_tables(
                season=season, roads_to_sites=True, useful_road_min=self._useful_road_min
            )
        return self._tables[season].take(sites)

    def improves(self, times: FloatArray) -> BoolArray:
        return np.asarray(times < self.reported)

    def meets(self, times: FloatArray) -> BoolArray:
        return np.asarray(times <= self.thresholds)

    def _improved(self, times: FloatArray, i: int, s: int) -> bool:
        return bool(times[i, s] < self.reported[i, s])

    def _meets(self, times: FloatArray, i: int, s: int) -> bool:
        return bool(times[i, s] <= self.thresholds[i, 0])

    def best(
        self,
        members: Iterable[str],
        make: Callable[[tuple[str, ...]], Change],
        helps: Callable[[FloatArray], BoolArray],
        sites: IntArray | None = None,
    ) -> dict[tuple[int, int], tuple[str, float]]:
        """Per failing (site, leg index) that a change to these airframes helps: the airframe
        whose change alone helps most, and the reported minutes it gives alone.

        One re-check with every member changed: an airframe's own pathways depend on its
        own figures only, so where the leg is helped, the winning pathway's airframe is a
        member and gives that time alone (exact). Other members may help too; only the best
        is named (a re-check per member would cost a re-check per airframe: see
        ``docs/results.md``).
        """
        members = tuple(members)
        if not members:
            return {}
        times, winners = self._rechecked(make(members), self._points(sites))
        helped = helps(times) & self.failing & (winners >= 0)
        ids = self.assets.airframe_ids
        return {
            (int(s), int(i)): (ids[winners[i, s]], float(times[i, s]))
            for i, s in zip(*np.nonzero(helped), strict=True)
        }

    def _points(self, sites: IntArray | None) -> IntArray:
        """Sites a re-check runs on: these, or every failing site."""
        return self.sites if sites is None else sites

    # -- the reasons ------------------------------------------------------------------------

    def explain(self) -> Explanations:
        if not len(self.sites):
            return {}
        result, scenario, a = self.result, self.scenario, self.assets
        light, season = result.light, result.season
        airframes = scenario.airframes
        available = [af for af in airframes if af.available]
        usable = [af.id for k, af in enumerate(airframes) if a.usable[k]]

        unavailable = [af.id for af in airframes if not af.available]
        restore = self.best(unavailable, lambda ids: Change(available=ids), self.improves)
        day_only = [af.id for af in available if not af.night] if light == "night" else []
        night = self.best(day_only, lambda ids: Change(night=ids), self.improves)
        too_far = self._too_far()
        out_of_range = sorted({k for cases in too_far.values() for k, _, _ in cases})
        ranged = self.best(
            [a.airframe_ids[k] for k in out_of_range],
            lambda ids: Change(unlimited_range=ids),
            self.improves,
            np.array(sorted({s for s, _ in too_far}), dtype=np.intp),
        )
        slow = [i for k, i in enumerate(a.airframe_ids) if a.usable[k] and a.launch_min[k] > 0]
        launch = self.best(slow, lambda ids: Change(launch_at_once=ids), self.meets)
        approval = (
            self.lifted(Change(approval_at_once=True), self._approval_sites(launch, slow))
            if usable and scenario.timeline.approval > 0
            else None
        )
        dry = self.lifted(Change(season="dry")) if season == "wet" else None
        no_landing = self._no_landing_here()
        landing = self.lifted(Change(landing_here=True), no_landing)
        no_responders = np.array(
            [s for s in self.sites if not scenario.sites[s].first_responders], dtype=np.intp
        )
        responders = self.lifted(Change(first_responders=True), no_responders)

        reasons: dict[tuple[int, Leg], list[Reason]] = {}
        access_problems = self.router.access_problems(
            a.site_lat_deg[self.sites], a.site_lon_deg[self.sites], season
        )
        for s, access_problem in zip(self.sites, access_problems, strict=True):
            site = scenario.sites[s]
            access = _road_access(access_problem)
            for i, leg in enumerate(result.legs):
                if not self.failing[i, s]:
                    continue
                improved = partial(self._improved, i=i, s=s)
                meets = partial(self._meets, i=i, s=s)
                out: list[Reason] = []
                if leg == "first_aid" and not site.first_responders and improved(responders):
                    minutes = float(scenario.timeline.first_aid_on_site)
                    out.append(
                        Reason(
                            "no_first_responders",
                            leg,
                            (site.id,),
                            {"first_aid_on_site_min": minutes},
                            meets(responders),
                        )
                    )
                need = LEG_MIN_RANK[leg]
                if not (a.facility_rank >= need).any():
                    out.append(Reason("no_facility_level", leg, numbers={"level": need}))
                    out += access(leg)
                    reasons[(int(s), leg)] = out
                    continue
                if not airframes:
                    out.append(Reason("no_airframe", leg))
                threshold = float(self.thresholds[i, 0])
                restored = restore.get((int(s), i))
                if restored and not available:
                    out.append(
                        Reason(
                            "no_airframe_available", leg, restored[:1], alone_meets=restored[1] <= threshold
                        )
                    )
                capable = night.get((int(s), i))
                if capable and not any(af.night for af in available):
                    out.append(
                        Reason("no_night_airframe", leg, capable[:1], alone_meets=capable[1] <= threshold)
                    )
                if s in no_landing and improved(landing):
                    helicopters_only = bool(a.helicopter[a.usable].all())
                    code: ReasonCode = "no_helicopter_landing_site" if helicopters_only else "no_landing_site"
                    out.append(Reason(code, leg, (site.id,), alone_meets=meets(landing)))
                longer = ranged.get((int(s), i))
                for k, facility, flown_km in too_far.get((int(s), leg), ()):
                    if longer and a.airframe_ids[k] == longer[0]:
                        out.append(
                            Reason(
                                "out_of_range",
                                leg,
                                (a.airframe_ids[k], a.facility_ids[facility]),
                                {"flown_km": flown_km, "range_km": float(a.range_km[k])},
                                longer[1] <= threshold,
                            )
                        )
                if capable and any(af.night for af in available):
                    out.append(
                        Reason("not_night_capable", leg, capable[:1], alone_meets=capable[1] <= threshold)
                    )
                if restored and available:
                    out.append(Reason("unavailable", leg, restored[:1], alone_meets=restored[1] <= threshold))
                out += access(leg)
                faster = launch.get((int(s), i))
                if faster:
                    launch_min = float(a.launch_min[a.airframe_ids.index(faster[0])])
                    out.append(Reason("launch_time", leg, faster[:1], {"launch_min": launch_min}, True))
                if approval is not None and meets(approval):
                    minutes = float(scenario.timeline.approval)
                    out.append(
                        Reason("approval_time", leg, numbers={"approval_min": minutes}, alone_meets=True)
                    )
                if dry is not None and meets(dry):
                    out.append(Reason("wet_season", leg, alone_meets=True))
                reasons[(int(s), leg)] = out
        self._fall_back(reasons)
        return {key: tuple(out) for key, out in reasons.items()}

    def _fall_back(self, reasons: dict[tuple[int, Leg], list[Reason]]) -> None:
        """A leg no single change makes meet: several together would, or it is out of reach."""
        pending = [
            key
            for key, out in reasons.items()
            if not any(r.alone_meets for r in out) and not any(r.code == "no_facility_level" for r in out)
        ]
        if not pending:
            return
        ids = tuple(af.id for af in self.scenario.airframes)
        everything = Change(
            available=ids,
            night=ids,
            unlimited_range=ids,
            launch_at_once=ids,
            approval_at_once=True,
            landing_here=True,
            landing_everywhere=True,
            first_responders=True,
            season="dry" if self.result.season == "wet" else None,
        )
        sites = np.array(sorted({s for s, _ in pending}), dtype=np.intp)
        times = self.lifted(everything, self._points(sites))
        legs = self.result.legs
        for s, leg in pending:
            i = legs.index(leg)
            if times[i, s] <= self.thresholds[i, 0]:
                reasons[(s, leg)].append(Reason("combined", leg))
            else:
                reasons[(s, leg)].append(Reason("out_of_reach", leg, numbers={"level": LEG_MIN_RANK[leg]}))

    def _approval_sites(
        self, launch: Mapping[tuple[int, int], tuple[str, float]], slow: list[str]
    ) -> IntArray:
        """Sites where approval at once may make a leg meet: all failing ones, or, when no
        airframe that flies launches faster than approval takes, only those where every
        airframe launching at once would (wheels-up is then never earlier: exact bound)."""
        a = self.assets
        launches = a.launch_min[a.usable]
        if len(slow) < int(a.usable.sum()) or not len(launches):
            return self.sites
        if self.scenario.timeline.approval > float(launches.min()):
            return self.sites
        return self._points(np.array(sorted({s for s, _ in launch}), dtype=np.intp))

    def _no_landing_here(self) -> IntArray:
        """Failing sites where no airframe that flies can land (so it must go by road first)."""
        a = self.assets
        if not a.usable.any():
            return np.zeros(0, dtype=np.intp)
        hls = np.array([self.scenario.sites[s].hls for s in self.sites], dtype=bool)
        airstrip = np.array([self.scenario.sites[s].airstrip for s in self.sites], dtype=bool)
        lands = (a.can_pick_up_at(hls, airstrip) & a.usable[:, None]).any(axis=0)
        return self.sites[~lands]

    def _too_far(self) -> dict[tuple[int, Leg], list[tuple[int, int, float]]]:
        """Per failing (site, leg): airframes whose sortie from the site to the nearest facility
        they may land at that gives the leg is beyond their range: (airframe, facility, km)."""
        result, a = self.result, self.assets
        if not a.usable.any():
            return {}
        base_to_sites, sites_to_facility = result.site_distances_km
        found: dict[tuple[int, Leg], list[tuple[int, int, float]]] = {}
        if not len(a.facility_ids):
            return found
        chunk = max(1, 4_000_000 // max(1, len(a.airframe_ids) * len(a.facility_ids)))
        for start in range(0, len(self.sites), chunk):  # (A, sites, F) arrays kept bounded
            sites = self.sites[start : start + chunk]
            can_land_here = a.can_pick_up_at(a.site_hls[sites], a.site_airstrip[sites])  # (A, S)
            sortie_from = base_to_sites[:, sites][:, :, None] + sites_to_facility[sites][None, :, :]
            for i, leg in enumerate(result.legs):
                providers = a.facility_rank >= LEG_MIN_RANK[leg]
                destinations = providers[None, :] & result.engine.land_at_facility  # (A, F)
                sorties_km = np.where(destinations[:, None, :], sortie_from, np.inf)  # (A, S, F)
                nearest = sorties_km.argmin(axis=2)  # (A, S)
                sortie_km = np.take_along_axis(sorties_km, nearest[:, :, None], axis=2)[:, :, 0]
                beyond = (
                    a.usable[:, None]
                    & can_land_here
                    & np.isfinite(sortie_km)
                    & (sortie_km > a.range_km[:, None])
                    & self.failing[i, sites][None, :]
                )
                for column in np.flatnonzero(beyond.any(axis=0)):
                    found[(int(sites[column]), leg)] = [
                        (int(k), int(nearest[k, column]), float(sortie_km[k, column]))
                        for k in np.flatnonzero(beyond[:, column])
                    ]
        return found


# -- road access: the router's record, per leg ----------------------------------------------


def _road_access(problem: AccessProblem | None) -> Callable[[Leg], list[Reason]]:
    """Why a site has no road access, as a record per failing leg (none when it has access):
    the router's own code and numbers (:class:`medevac.ground.AccessProblem`)."""
    if problem is None:
        return lambda leg: []
    return lambda leg: [Reason(problem.code, leg, numbers=problem.numbers)]


__all__ = [
    "REASON_CODES",
    "UNLIMITED_RANGE_KM",
    "Change",
    "Explanations",
    "Numbers",
    "Reason",
    "ReasonCode",
    "changed_engine",
    "changed_min",
    "explain",
]
