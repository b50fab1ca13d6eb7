"""The variant core: thousands of variants of one scenario judged as arrays.

A planning question asks about many variants of one mission: each airframe lost in turn,
thousands of fleet states drawn from their availability, a new Level 2 at each of hundreds
of candidate places, every hour of the day. A variant here is never a new scenario: it is a
*state* of a fixed pool of assets, the scenario's own facilities and airframes plus
candidates that may be added, as boolean masks:

- ``facility_on`` (F) and ``airframe_on`` (A): which assets exist in the variant;
- ``airframe_night`` (A): which airframes fly with their night figures (an hour of the day
  lights some bases and not others).

:class:`VariantCore` computes once everything that no state changes (ground minutes from
the router's cached trees, geodesic km, each pathway's minutes for every asset) and then
judges any state in two ways that agree exactly (``docs/engine.md``):

- :meth:`VariantCore.leg_times`: the engine's own minima over the assets that are on, with
  which pathway and assets won: the same numbers as a check of the edited scenario;
- :meth:`VariantCore.judge`: verdicts only, for a batch of states at once, from the
  *covering options* of each site and leg: the sets of assets that together deliver the leg
  within its threshold (an airframe by its light, a facility as pick-up point, any of a group
  of destination facilities). A state meets a leg when all the assets of some option are on.
  The optimiser's covering constraints are these options.

Candidates keep the order a scenario would have once edited: a candidate that
``replaces`` an existing asset (a move) follows it, new ones come last, so ties between
equal times go to the same asset as in the check of the edited scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, partial

import numpy as np
import numpy.typing as npt
from scipy import sparse

from medevac.check import make_router, reported_min
from medevac.geo import FloatArray
from medevac.ground import GroundRouter
from medevac.model import Airframe, Facility, Location, Scenario, Season, Timeline
from medevac.standards import LEG_MIN_RANK, TEAM_LEGS, Leg, Standard, standard_of
from medevac.timeline import (
    Assets,
    BoolArray,
    Engine,
    IntArray,
    LegTimes,
    PickupDistances,
    PointTables,
    WoundingPoints,
    air_care_min,
    aircraft_at_min,
    ground_team_at_min,
    ground_team_back_min,
    pickup_onward_min,
    point_tables,
    self_evacuation_min,
)

NightArg = bool | npt.ArrayLike
"""Each airframe's light: one bool for all (``True`` = night), or one per airframe."""


@dataclass(frozen=True)
class CandidateFacility:
    """A facility that a variant may add; ``replaces`` names an existing one it moves."""

    facility: Facility
    replaces: str | None = None


@dataclass(frozen=True)
class CandidateAirframe:
    """An airframe (its figures) based at a point, that a variant may add.

    ``replaces`` names the existing airframe it moves (the candidate keeps that id).
    """

    airframe: Airframe
    base: Location
    replaces: str | None = None


def _ordered(
    existing: Sequence[object],
    ids: Sequence[str],
    candidates: Sequence[CandidateFacility | CandidateAirframe],
) -> tuple[list[object], list[int]]:
    """Existing assets, each followed by the candidates replacing it, then the new ones.

    Returns the items and, per item, its index among the candidates (-1 for existing ones).
    The order is the edited scenario's: a move keeps the asset's place, additions come last.
    """
    known = set(ids)
    new_ids: set[str] = set()
    for candidate in candidates:
        own = candidate.facility.id if isinstance(candidate, CandidateFacility) else candidate.airframe.id
        if candidate.replaces is not None:
            if candidate.replaces not in known or own != candidate.replaces:
                raise ValueError(
                    f"a move keeps the id of the asset it moves: {own!r} replaces {candidate.replaces!r}"
                )
        elif own in known or own in new_ids:
            raise ValueError(f"a new asset needs an id of its own: {own!r} is taken")
        else:
            new_ids.add(own)
    items: list[object] = []
    source: list[int] = []
    for item, item_id in zip(existing, ids, strict=True):
        items.append(item)
        source.append(-1)
        for k, candidate in enumerate(candidates):
            if candidate.replaces == item_id:
                items.append(candidate)
                source.append(k)
    for k, candidate in enumerate(candidates):
        if candidate.replaces is None:
            items.append(candidate)
            source.append(k)
    return items, source


@dataclass(frozen=True)
class Options:
    """The covering options of every (leg, site) under one season, for both lights.

    Option ``k`` delivers leg ``legs[leg[k]]`` at site ``site[k]`` within its threshold when
    its pseudo-airframe ``craft[k]`` is on (airframe ``a`` by day is ``a``, by night
    ``A + a``; -1: none needed), its pick-up facility ``pickup[k]`` is on (-1: none), and at
    least one facility of group ``group[k]`` is on (-1: none). ``groups`` is the (groups x
    facilities) membership matrix. ``always[leg, site]`` marks legs met whatever the state
    (first responders on site).
    """

    legs: tuple[Leg, ...]
    leg: IntArray
    site: IntArray
    craft: IntArray
    pickup: IntArray
    group: IntArray
    groups: sparse.csr_matrix
    always: BoolArray

    def __len__(self) -> int:
        return len(self.leg)


class VariantCore:
    """A scenario's assets plus candidates, precomputed once; any state judged as arrays.

    >>> from medevac.scenario import scenario_from_mapping
    >>> scenario = scenario_from_mapping({"medevac": 1, "name": "two camps",
    ...     "facilities": [{"id": "l2", "level": "2", "lat": 0, "lon": 0}],
    ...     "airframes": [{"id": "heli", "base": "l2", "cruise_kmh": 240, "range_km": 600,
    ...                    "launch": {"day": 15}, "medical_team": True}],
    ...     "sites": [{"id": "near", "lat": 0, "lon": 0.5}, {"id": "far", "lat": 0, "lon": 2.5}]})
    >>> core = VariantCore(scenario)
    >>> core.judge(core.baseline_mask)[0].tolist()  # legs x sites, all assets on
    [[True, True], [True, False], [True, False]]
    >>> without_heli = core.mask(airframes_off=["heli"])
    >>> core.judge(without_heli)[0].tolist()  # by road only: 117 min to reach "near"
    [[True, True], [False, False], [False, False]]
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        router: GroundRouter | None = None,
        facilities: Sequence[CandidateFacility] = (),
        airframes: Sequence[CandidateAirframe] = (),
    ) -> None:
        self.scenario = scenario
        self.router = router or make_router(scenario)
        self.standard: Standard = standard_of(scenario)
        self.legs = self.standard.legs
        self.thresholds_min = np.array([self.standard.thresholds_min[leg] for leg in self.legs])

        facility_items, self.facility_candidate = _ordered(
            scenario.facilities, [f.id for f in scenario.facilities], facilities
        )
        airframe_items, self.airframe_candidate = _ordered(
            scenario.airframes, [a.id for a in scenario.airframes], airframes
        )
        self.facilities: tuple[Facility, ...] = tuple(
            item.facility if isinstance(item, CandidateFacility) else item  # type: ignore[misc]
            for item in facility_items
        )
        self.airframes: tuple[Airframe, ...] = tuple(
            item.airframe if isinstance(item, CandidateAirframe) else item  # type: ignore[misc]
            for item in airframe_items
        )
        bases = [
            item.base if isinstance(item, CandidateAirframe) else scenario.base_location(item)  # type: ignore[arg-type]
            for item in airframe_items
        ]
        self.assets = Assets.of(self.facilities, self.airframes, bases, scenario.sites, "day")
        self.points = WoundingPoints.from_sites(scenario.sites)
        self.pickup_km = PickupDistances.of(self.assets)
        self._tables: dict[Season, PointTables] = {}
        self._options: dict[Season, Options] = {}
        self.personnel = np.array([s.personnel for s in scenario.sites], dtype=np.int64)

    # -- states ----------------------------------------------------------------------------

    @property
    def n_facilities(self) -> int:
        return len(self.facilities)

    @property
    def n_airframes(self) -> int:
        return len(self.airframes)

    @property
    def baseline_mask(self) -> BoolArray:
        """(F + A): the scenario as it is: its own assets on, every candidate off."""
        return np.concatenate(
            [np.asarray(self.facility_candidate) < 0, np.asarray(self.airframe_candidate) < 0]
        )

    def mask(
        self,
        *,
        facilities_off: Sequence[str] = (),
        airframes_off: Sequence[str] = (),
        facility_candidates_on: Sequence[int] = (),
        airframe_candidates_on: Sequence[int] = (),
    ) -> BoolArray:
        """The baseline with existing assets (by id) off and candidates (by index) on.

        A candidate that replaces an asset turns it off: a move.
        """
        mask = self.baseline_mask.copy()
        fac, air = mask[: self.n_facilities], mask[self.n_facilities :]
        kinds = (
            (fac, self.facility_ids, self.facility_candidate, facilities_off, facility_candidates_on),
            (air, self.airframe_ids, self.airframe_candidate, airframes_off, airframe_candidates_on),
        )
        for on, ids, source, off, chosen in kinds:
            existing = {ids[i]: i for i, k in enumerate(source) if k < 0}
            for asset_id in off:
                on[existing[asset_id]] = False
            for k in chosen:
                row = source.index(k)
                on[row] = True
                if ids[row] in existing:  # a move: the asset leaves its old place
                    on[existing[ids[row]]] = False
        return mask

    def _split(self, masks: npt.ArrayLike) -> tuple[BoolArray, BoolArray]:
        masks = np.atleast_2d(np.asarray(masks, dtype=bool))
        if masks.shape[1] != self.n_facilities + self.n_airframes:
            raise ValueError(
                f"a mask has {masks.shape[1]} entries; this core has "
                f"{self.n_facilities} facilities and {self.n_airframes} airframes"
            )
        return masks[:, : self.n_facilities], masks[:, self.n_facilities :]

    def _night(self, night: NightArg, batch: int) -> BoolArray:
        return np.broadcast_to(np.asarray(night, dtype=bool), (batch, self.n_airframes))

    # -- exact times of one state ----------------------------------------------------------

    def tables(self, season: Season) -> PointTables:
        """Ground minutes and air km of the sites to every asset, once per season."""
        if season not in self._tables:
            self._tables[season] = point_tables(
                self.router, self.assets, self.points, season, air_km=self._air_km
            )
        return self._tables[season]

    @cached_property
    def _air_km(self) -> tuple[FloatArray, FloatArray]:
        """The sites' air km, whatever the season: the sites are the last pick-up points, so
        these are the same geodesics as theirs (computed once, bit for bit the same)."""
        n_fac, km = self.n_facilities, self.pickup_km
        return km.base_to_pickup_km[:, n_fac:], km.pickup_to_facility_km[n_fac:, :]

    def _engine(self, assets: Assets, season: Season) -> Engine:
        return Engine(
            self.scenario, self.router, "day", season, self.legs, assets=assets, pickup_km=self.pickup_km
        )

    def leg_times(self, mask: npt.ArrayLike, season: Season, night: NightArg = False) -> LegTimes:
        """Every leg's earliest time at every site in one state, with what achieved it.

        Indexes of airframes, facilities and pick-up points are into this core's lists
        (:attr:`facilities`, :attr:`airframes`, then the sites).
        """
        facility_on, airframe_on = self._split(mask)
        state = self.assets.with_state(facility_on[0], airframe_on[0], self._night(night, 1)[0])
        return self._engine(state, season).leg_times(self.points, self.tables(season))

    def meets(self, times: LegTimes) -> BoolArray:
        """(legs, sites): each leg's reported time within its threshold."""
        return np.asarray(reported_min(times.time_min) <= self.thresholds_min[:, None])

    # -- verdicts of many states -----------------------------------------------------------

    def options(self, season: Season) -> Options:
        """The covering options of every leg and site in this season (built once)."""
        if season not in self._options:
            self._options[season] = _covering_options(self, season)
        return self._options[season]

    def judge(
        self, masks: npt.ArrayLike, season: Season = "dry", night: NightArg = False, *, batch: int = 256
    ) -> BoolArray:
        """(states, legs, sites): which legs each state meets at each site.

        ``masks`` is one state (F + A) or a batch (states, F + A); ``night`` is one light for
        every airframe, one per airframe, or (states, A); one of the two may be a single
        state for the whole batch (every hour of the day of one fleet, say).
        """
        facility_on, airframe_on = self._split(masks)
        night_on = np.atleast_2d(np.asarray(night, dtype=bool))
        n = max(len(facility_on), len(night_on))
        facility_on = np.broadcast_to(facility_on, (n, self.n_facilities))
        airframe_on = np.broadcast_to(airframe_on, (n, self.n_airframes))
        night_on = self._night(night_on, n)
        options = self.options(season)
        legs, sites = len(self.legs), len(self.scenario.sites)
        out = np.empty((n, legs, sites), dtype=bool)
        order = np.lexsort((options.site, options.leg))
        key = options.leg[order] * sites + options.site[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.intp)
        craft, pickup, group = options.craft[order], options.pickup[order], options.group[order]
        members = options.groups.T.tocsr().astype(np.float32)  # (F, groups)
        for first in range(0, n, batch):
            rows = slice(first, first + batch)
            b = len(facility_on[rows])
            on = airframe_on[rows]
            crafts = np.concatenate(
                [on & ~night_on[rows], on & night_on[rows], np.ones((b, 1), dtype=bool)], axis=1
            )  # (b, 2A + 1): the last column is "no airframe needed"
            pickups = np.concatenate([facility_on[rows], np.ones((b, 1), dtype=bool)], axis=1)
            groups = np.concatenate(
                [
                    np.asarray(members.T @ facility_on[rows].T.astype(np.float32)).T > 0,
                    np.ones((b, 1), dtype=bool),
                ],
                axis=1,
            )
            met = crafts[:, craft] & pickups[:, pickup] & groups[:, group]  # (b, options); -1: last column
            verdict = np.zeros((b, legs * sites), dtype=bool)
            if len(key):
                verdict[:, key[starts]] = np.logical_or.reduceat(met, starts, axis=1)
            out[rows] = verdict.reshape(b, legs, sites) | options.always[None]
        return out

    def summary(self, verdicts: BoolArray) -> tuple[IntArray, npt.NDArray[np.int64]]:
        """Per state: sites and personnel meeting every leg (from :meth:`judge`)."""
        every_leg = verdicts.all(axis=1)  # (states, sites)
        return every_leg.sum(axis=1), every_leg.astype(np.int64) @ self.personnel

    @cached_property
    def facility_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.facilities)

    @cached_property
    def airframe_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.airframes)


# -- covering options ------------------------------------------------------------------------

_BAND_MIN = 0.06
"""A time this far from a threshold is judged the same whether rounded or not: rounding to
0.1 moves a time by at most 0.05 min."""


def _meets(time_min: FloatArray, threshold_min: float) -> BoolArray:
    """The check's own judgement: the reported (rounded half up) time within the threshold.

    Only times near the threshold are rounded: the same verdicts, for much less arithmetic.
    It is monotone: a later time never meets where an earlier one does not.
    """
    meets = time_min <= threshold_min - _BAND_MIN
    near = np.abs(time_min - threshold_min) < _BAND_MIN
    meets[near] = reported_min(time_min[near]) <= threshold_min
    return np.asarray(meets)


def _prefix_length(length: IntArray, holds: Callable[[IntArray, IntArray], BoolArray]) -> IntArray:
    """Per query, how many of its first ``length`` items hold, by bisection: ``holds(queries,
    j)`` says whether item ``j`` holds for these queries, and must be true, then false."""
    lo = np.zeros(len(length), dtype=np.intp)
    hi = np.asarray(length, dtype=np.intp).copy()
    active = np.flatnonzero(lo < hi)
    while len(active):
        mid = (lo[active] + hi[active]) // 2
        ok = holds(active, mid)
        lo[active[ok]] = mid[ok] + 1
        hi[active[~ok]] = mid[~ok]
        active = active[lo[active] < hi[active]]
    return lo


def _in_time_in_turn(
    start_min: FloatArray,
    onward_min: FloatArray,
    first: IntArray,
    threshold_min: float,
    q: IntArray,
    j: IntArray,
) -> BoolArray:
    """Whether query ``q``, starting at ``start_min[q]``, is in time with the ``j``-th of its
    onward times (``onward_min[first[q] + j]``, sorted)."""
    return _meets(start_min[q] + onward_min[first[q] + j], threshold_min)


@dataclass(frozen=True)
class _Nearest:
    """Per origin point, the facilities allowed as destinations, nearest first.

    ``order[p, j]`` is the j-th nearest allowed facility of point ``p``, ``km[p, j]`` its
    distance. Every destination condition of a sortie (a facility in range, in care in time)
    is a bound on a time or a distance computed from the km by correctly rounded, hence
    monotone, floating-point operations: true up to some distance and false beyond. So the
    facilities that meet a query are a prefix of its point's list, found by bisection with
    the exact condition, and only the facilities that meet it are ever listed.
    """

    order: IntArray
    km: FloatArray

    @classmethod
    def of(cls, km: FloatArray, allowed: BoolArray) -> _Nearest:
        columns = np.flatnonzero(allowed)
        rank = np.argsort(km[:, columns], axis=1, kind="stable")
        return cls(columns[rank], np.take_along_axis(km[:, columns], rank, axis=1))

    def prefix(
        self,
        origin: IntArray,
        holds: Callable[[IntArray, FloatArray], BoolArray],
        most: IntArray | None = None,
    ) -> IntArray:
        """Per query (a point in ``origin``), how many of its nearest facilities meet it:
        ``holds(queries, km)`` says whether these queries are met by a facility this far
        (``most``: at most this many, known for each query)."""
        return _prefix_length(
            np.full(len(origin), self.order.shape[1], dtype=np.intp) if most is None else most,
            lambda q, j: holds(q, self.km[origin[q], j]),
        )

    def members(self, origin: IntArray, count: IntArray) -> tuple[IntArray, IntArray]:
        """(query, facility) for the first ``count`` facilities of each query's point."""
        query = np.repeat(np.arange(len(count)), count)
        rank = np.arange(len(query)) - np.repeat(np.cumsum(count) - count, count)
        return query, self.order[origin[query], rank]


@dataclass(frozen=True)
class _Sorties:
    """Aircraft at points, each to fly on to a facility: which facilities each can use.

    Pathway 4 (``flown_km`` None): the aircraft is at the site at ``at_min`` with
    ``range_km`` left; the casualty is in care by :func:`air_care_min`. Pathway 5: the
    casualty is aboard at the pick-up point at ``at_min``, after ``flown_km`` of the
    airframe's ``range_km``; in care by :func:`pickup_onward_min`. With ``threshold_min``
    None any facility in range will do (a team on board has met the casualty).
    """

    t: Timeline
    threshold_min: float | None
    at_min: FloatArray
    cruise_kmh: FloatArray
    range_km: FloatArray
    flown_km: FloatArray | None = None

    def take(self, index: IntArray) -> _Sorties:
        return replace(
            self,
            at_min=self.at_min[index],
            cruise_kmh=self.cruise_kmh[index],
            range_km=self.range_km[index],
            flown_km=None if self.flown_km is None else self.flown_km[index],
        )

    def holds(self, q: IntArray, km: FloatArray) -> BoolArray:
        """Sorties ``q`` can use a facility ``km`` away (the engine's own arithmetic)."""
        t, cruise = self.t, self.cruise_kmh[q]
        if self.flown_km is None:  # pathway 4
            ok = km <= self.range_km[q]
            time = air_care_min(t, self.at_min[q], km, cruise) if self.threshold_min is not None else None
        else:
            ok = self.flown_km[q] + km <= self.range_km[q]
            time = (
                self.at_min[q] + pickup_onward_min(t, km, cruise) if self.threshold_min is not None else None
            )
        if time is not None and self.threshold_min is not None:
            ok &= _meets(time, self.threshold_min)
        return np.asarray(ok)


class _Collector:
    """Options as they are found; facility groups deduplicated by their members."""

    def __init__(self, n_facilities: int) -> None:
        self.n_facilities = n_facilities
        self.columns: dict[str, list[IntArray]] = {k: [] for k in ("leg", "site", "craft", "pickup")}
        self._member_option: list[IntArray] = []
        self._member_facility: list[IntArray] = []
        self._count = 0

    def add(
        self,
        leg: int,
        site: IntArray,
        craft: IntArray,
        pickup: IntArray,
        member: tuple[IntArray, IntArray],
    ) -> None:
        """Options ``k``: all of (craft[k], pickup[k]), any of the facilities ``f`` of the
        (option, facility) pairs ``member`` with option ``k`` (sorted, distinct). Options
        with no facility are left out."""
        option, facility = member
        keep = np.zeros(len(site), dtype=bool)
        keep[option] = True
        renumber = np.cumsum(keep) - 1
        n = int(keep.sum())
        self.columns["leg"].append(np.full(n, leg, dtype=np.intp))
        for key, values in (("site", site), ("craft", craft), ("pickup", pickup)):
            self.columns[key].append(np.broadcast_to(np.asarray(values, dtype=np.intp), keep.shape)[keep])
        self._member_option.append(self._count + renumber[option])
        self._member_facility.append(np.asarray(facility, dtype=np.intp))
        self._count += n

    def build(self, legs: tuple[Leg, ...], always: BoolArray) -> Options:
        def joined(parts: list[IntArray]) -> IntArray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)

        option, facility = joined(self._member_option), joined(self._member_facility)
        group, groups = _distinct_groups(option, facility, self._count, self.n_facilities)
        return Options(
            legs=legs,
            leg=joined(self.columns["leg"]),
            site=joined(self.columns["site"]),
            craft=joined(self.columns["craft"]),
            pickup=joined(self.columns["pickup"]),
            group=group,
            groups=groups,
            always=always,
        )


def _distinct_groups(
    option: IntArray, facility: IntArray, n_options: int, n_facilities: int
) -> tuple[IntArray, sparse.csr_matrix]:
    """Each option's group of facilities, the equal ones as one: (group per option, groups).

    ``option`` is sorted and every option has a member. Groups are told apart by their size
    and two random 64-bit sums of their members; that they are equal is then checked member
    by member (a collision, were one ever met, would only take another draw).
    """
    size = np.bincount(option, minlength=n_options)
    starts = np.cumsum(size) - size
    for seed in range(100):
        if n_options == 0:
            return np.zeros(0, dtype=np.intp), sparse.csr_matrix((0, n_facilities), dtype=bool)
        weights = np.random.default_rng(seed).integers(0, 2**63, size=(2, n_facilities), dtype=np.uint64)
        first = np.add.reduceat(weights[0][facility], starts)
        second = np.add.reduceat(weights[1][facility], starts)
        order = np.lexsort((second, first, size))
        new = np.r_[
            True,
            (np.diff(size[order]) != 0) | (np.diff(first[order]) != 0) | (np.diff(second[order]) != 0),
        ]
        group = np.empty(n_options, dtype=np.intp)
        group[order] = np.cumsum(new) - 1
        representative = order[new]  # one option per group
        own = representative[group]
        offset = np.arange(len(option)) - starts[option]
        if np.array_equal(facility[starts[own][option] + offset], facility):
            rows = representative
            indptr = np.r_[0, np.cumsum(size[rows])]
            take = np.repeat(starts[rows] - indptr[:-1], size[rows]) + np.arange(indptr[-1])
            matrix = sparse.csr_matrix(
                (np.ones(indptr[-1], dtype=bool), facility[take], indptr), shape=(len(rows), n_facilities)
            )
            return group, matrix
    raise RuntimeError("covering options: facility groups could not be told apart")


def _union(key: list[IntArray], facility: list[IntArray], n_facilities: int) -> tuple[IntArray, IntArray]:
    """(key, facility) pairs from several lists, distinct and sorted by key then facility."""
    if not key:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.intp)
    code = np.concatenate(key).astype(np.int64) * n_facilities + np.concatenate(facility)
    code.sort()
    code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
    return code // n_facilities, (code % n_facilities).astype(np.intp)


def _numbered(key: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct values of a sorted array, and each entry's number among them."""
    new = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    return key[new], np.cumsum(new) - 1


def _covering_options(core: VariantCore, season: Season) -> Options:
    """Every way each leg can be met at each site in this season, by any state.

    The minutes are those of :class:`~medevac.timeline.Engine` (the same functions, so the
    same floating-point results), taken per asset instead of minimised over assets:

    - ground (pathways 2 and 3): any of the facilities whose road or ground team is in time;
    - air from the site (4): an airframe by its light, and any facility it reaches in time;
    - road to a site's landing site, then air (5): likewise (the pick-up site is no asset);
    - road to a facility's helipad or airstrip, then air (5): the airframe, that facility
      as pick-up point, and any facility reached in time;
    - a medical team on board (4 and 5) needs a facility the sortie could land at in range.

    Only what can meet a leg is computed: (airframe, site) and (airframe, pick-up point)
    pairs whose time with no flight onward (an exact lower bound, by the same functions) is
    in time, and for each the nearest destinations that are (:class:`_Nearest`). A pick-up at
    a facility is left out where a ground option of the same leg and site already names that
    facility: it needs that facility too, and more (the same verdict in every state).
    """
    a, t = core.assets, core.scenario.timeline
    tables = core.tables(season)
    n_sites, n_fac, n_air = len(a.site_ids), len(a.facility_ids), len(a.airframe_ids)
    sites = np.arange(n_sites)
    collect = _Collector(n_fac)
    team_legs = [i for i, leg in enumerate(core.legs) if leg in TEAM_LEGS]

    # Ground: pathways 2 and 3 need one facility each.
    self_road = self_evacuation_min(t, tables.road_to_facility_min)  # (S, F)
    team_at = np.where(
        a.facility_ground_team[None, :], ground_team_at_min(t, tables.road_from_facility_min), np.inf
    )
    team_back = ground_team_back_min(t, team_at, tables.road_to_facility_min)
    always = np.zeros((len(core.legs), n_sites), dtype=bool)
    by_ground: list[BoolArray] = []
    for i, leg in enumerate(core.legs):
        threshold = float(core.thresholds_min[i])
        provides = (a.facility_rank >= LEG_MIN_RANK[leg])[None, :]
        ground = provides & (_meets(self_road, threshold) | _meets(team_back, threshold))
        if i in team_legs:
            ground |= _meets(team_at, threshold)
        by_ground.append(ground)
        site_of, facility_of = np.nonzero(ground)
        collect.add(i, sites, np.full(n_sites, -1), np.full(n_sites, -1), (site_of, facility_of))
        if leg == "first_aid":
            on_site = np.where(core.points.first_responders, t.first_aid_on_site, np.inf)
            always[i] = _meets(on_site, threshold)

    if n_air == 0 or n_fac == 0:
        return collect.build(core.legs, always)

    # Each airframe by day and by night: pseudo-airframe c = a + A * night.
    usable = np.concatenate([a.available, a.available & a.night_capable])  # (2A,)
    wheels_up = np.concatenate(
        [t.request + t.approval + a.launch_day_min, t.request + t.approval + a.launch_night_min]
    )
    cruise = np.tile(a.cruise_kmh, 2)
    range_km = np.tile(a.range_km, 2)
    heli = np.tile(a.helicopter, 2)
    team = np.tile(a.medical_team, 2) & usable
    kind = np.where(heli, 0, 1)  # lands at helipads, or at airstrips
    landing = (a.facility_helipad, a.facility_airstrip)

    base_to_site = np.tile(tables.base_to_point_km, (2, 1))  # (2A, S)
    lands_at_site = usable[:, None] & np.where(heli[:, None], a.site_hls[None, :], a.site_airstrip[None, :])
    at_site = aircraft_at_min(wheels_up, base_to_site, cruise)  # (2A, S)
    range_left = range_km[:, None] - base_to_site
    base_to_pickup = np.tile(core.pickup_km.base_to_pickup_km, (2, 1))  # (2A, H)
    pickup_helicopter = np.concatenate([a.facility_helipad, a.site_hls])
    pickup_airstrip = np.concatenate([a.facility_airstrip, a.site_airstrip])
    lands_at_pickup = usable[:, None] & np.where(
        heli[:, None], pickup_helicopter[None, :], pickup_airstrip[None, :]
    )
    ready = aircraft_at_min(wheels_up, base_to_pickup, cruise)  # (2A, H)
    assert tables.road_to_site_min is not None  # point_tables always has them
    arrive = np.concatenate([tables.road_to_facility_min, tables.road_to_site_min], axis=1)  # (S, H)
    arrive = arrive + t.ground_departure
    n_pickups = arrive.shape[1]
    # The casualty aboard at the pick-up point, by road: (pick-up point, craft) pairs.
    pickup_of, craft_at = np.nonzero(lands_at_pickup.T)  # sorted by pick-up point

    nearest: dict[tuple[str, int, int], _Nearest] = {}

    def destinations(origin: str, landing_kind: int, min_rank: int) -> _Nearest:
        key = (origin, landing_kind, min_rank)
        if key not in nearest:
            km = tables.point_to_facility_km if origin == "site" else core.pickup_km.pickup_to_facility_km
            nearest[key] = _Nearest.of(km, landing[landing_kind] & (a.facility_rank >= min_rank))
        return nearest[key]

    for i, leg in enumerate(core.legs):
        threshold = float(core.thresholds_min[i])
        rank = LEG_MIN_RANK[leg]
        kinds = (True, False) if i in team_legs else (True,)  # in care in time; a team on board
        air: tuple[list[IntArray], list[IntArray]] = ([], [])  # (craft * S + site, facility)
        via: tuple[list[IntArray], list[IntArray]] = ([], [])  # ((craft * H + pick-up) * S + site, ...)

        # Air from the site (pathway 4). With no flight onward, a lower bound on the time.
        soonest_min = air_care_min(t, at_site, np.zeros((1, 1)), cruise[:, None])
        for care in kinds:
            pairs = lands_at_site & (
                _meets(soonest_min, threshold) if care else team[:, None] & _meets(at_site, threshold)
            )
            c, s = np.nonzero(pairs)
            sorties = _Sorties(t, threshold if care else None, at_site[c, s], cruise[c], range_left[c, s])
            for landing_kind in (0, 1):
                pick = np.flatnonzero(kind[c] == landing_kind)
                near = destinations("site", landing_kind, rank if care else 0)
                query, facility = near.members(s[pick], near.prefix(s[pick], sorties.take(pick).holds))
                air[0].append(c[pick][query] * n_sites + s[pick][query])
                air[1].append(facility)

        # Road then air (pathway 5), the casualty aboard at max(its arrival by road, the
        # aircraft's) and flown on. Per (pick-up point, airframe), the destinations it serves
        # if the casualty is there first; arriving later only shortens that list. A (site,
        # pick-up point, airframe) is listed only if the nearest of them is in time, which
        # for one pick-up point is a prefix of its airframes sorted by that time onward. A
        # pick-up at a facility is left out where a ground option of the leg and site names
        # that facility (it needs it, and more), and for care where the facility gives the
        # leg itself (by road into it is never later).
        named = np.zeros((n_sites, n_pickups), dtype=bool)
        named[:, :n_fac] = by_ground[i]
        gives = np.zeros(n_pickups, dtype=bool)
        gives[:n_fac] = a.facility_rank >= rank
        for care in kinds:
            for landing_kind in (0, 1):
                near = destinations("pickup", landing_kind, rank if care else 0)
                pick = np.flatnonzero((kind[craft_at] == landing_kind) & (care | team[craft_at]))
                h, c = pickup_of[pick], craft_at[pick]
                if not care:
                    h, c = h[_meets(ready[c, h], threshold)], c[_meets(ready[c, h], threshold)]
                if near.order.shape[1] == 0 or len(h) == 0:
                    continue
                sorties = _Sorties(
                    t, threshold if care else None, ready[c, h], cruise[c], range_km[c], base_to_pickup[c, h]
                )
                most = near.prefix(h, sorties.holds)
                keep = np.flatnonzero(most > 0)
                h, c, most = h[keep], c[keep], most[keep]
                onward = pickup_onward_min(t, near.km[h, 0], cruise[c]) if care else np.zeros(len(h))
                order = np.lexsort((onward, h))
                h, c, most, onward = h[order], c[order], most[order], onward[order]
                crafts = np.bincount(h, minlength=n_pickups)
                first = np.cumsum(crafts) - crafts
                soonest = np.full(n_pickups, np.inf)
                soonest[h[first[crafts > 0]]] = onward[first[crafts > 0]]
                pairs = _meets(arrive + soonest[None, :], threshold) & ~named
                if care:
                    pairs &= ~gives[None, :]
                pair_site, pair_pickup = np.nonzero(pairs)
                count = crafts[pair_pickup]
                if care:  # airframes whose nearest destination is in time for this casualty
                    count = _prefix_length(
                        count,
                        partial(
                            _in_time_in_turn,
                            arrive[pair_site, pair_pickup],
                            onward,
                            first[pair_pickup],
                            threshold,
                        ),
                    )
                pair = np.repeat(np.arange(len(pair_site)), count)
                row = (
                    first[pair_pickup[pair]]
                    + np.arange(len(pair))
                    - np.repeat(np.cumsum(count) - count, count)
                )
                hq, cq, sq = h[row], c[row], pair_site[pair]
                if care:
                    start = np.maximum(arrive[sq, hq], ready[cq, hq])
                    sorties = _Sorties(t, threshold, start, cruise[cq], range_km[cq], base_to_pickup[cq, hq])
                    reached = near.prefix(hq, sorties.holds, most[row])
                else:
                    reached = most[row]  # a team meets the casualty aboard: any destination in range
                query, facility = near.members(hq, reached)
                hq, cq, sq = hq[query], cq[query], sq[query]
                by_site = hq >= n_fac  # the pick-up site is no asset: the site's own option
                air[0].append(cq[by_site] * n_sites + sq[by_site])
                air[1].append(facility[by_site])
                via[0].append(
                    (cq[~by_site].astype(np.int64) * n_pickups + hq[~by_site]) * n_sites + sq[~by_site]
                )
                via[1].append(facility[~by_site])

        key, facility = _union(*air, n_fac)
        options, member = _numbered(key)
        collect.add(i, options % n_sites, options // n_sites, np.full(len(options), -1), (member, facility))
        key, facility = _union(*via, n_fac)
        options, member = _numbered(key)
        collect.add(
            i,
            options % n_sites,
            options // (n_sites * n_pickups),
            options // n_sites % n_pickups,
            (member, facility),
        )
    return collect.build(core.legs, always)


__all__ = ["CandidateAirframe", "CandidateFacility", "Options", "VariantCore"]
