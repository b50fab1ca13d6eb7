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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy import sparse

from medevac.check import make_router, reported_min
from medevac.geo import FloatArray
from medevac.ground import GroundRouter
from medevac.model import Airframe, Facility, Location, Scenario, Season
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
            self._tables[season] = self._engine(self.assets, season).point_tables(self.points)
        return self._tables[season]

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

_PAIRS_AT_ONCE = 2048
"""(site, pick-up point) pairs per chunk: (2A, pairs, F) arrays stay near 10^7 elements."""


_BAND_MIN = 0.06
"""A time this far from a threshold is judged the same whether rounded or not: rounding to
0.1 moves a time by at most 0.05 min."""


def _meets(time_min: FloatArray, threshold_min: float) -> BoolArray:
    """The check's own judgement: the reported (rounded half up) time within the threshold.

    Only times near the threshold are rounded: the same verdicts, for much less arithmetic.
    """
    meets = time_min <= threshold_min - _BAND_MIN
    near = np.abs(time_min - threshold_min) < _BAND_MIN
    meets[near] = reported_min(time_min[near]) <= threshold_min
    return np.asarray(meets)


class _Collector:
    """Options as they are found; facility groups deduplicated by their members."""

    def __init__(self, n_facilities: int) -> None:
        self.n_facilities = n_facilities
        self.columns: dict[str, list[IntArray]] = {k: [] for k in ("leg", "site", "craft", "pickup", "group")}
        self._group_rows: list[BoolArray] = []
        self._group_count = 0

    def add(self, leg: int, site: IntArray, craft: IntArray, pickup: IntArray, members: BoolArray) -> None:
        """Options (one per row of ``members``, a (n, F) matrix): all of these, any of those."""
        keep = members.any(axis=1)
        n = int(keep.sum())
        if n == 0:
            return
        self.columns["leg"].append(np.full(n, leg, dtype=np.intp))
        self.columns["site"].append(np.asarray(site, dtype=np.intp)[keep])
        self.columns["craft"].append(np.asarray(craft, dtype=np.intp)[keep])
        self.columns["pickup"].append(np.asarray(pickup, dtype=np.intp)[keep])
        self.columns["group"].append(self._group_count + np.arange(n, dtype=np.intp))
        self._group_rows.append(members[keep])
        self._group_count += n

    def build(self, legs: tuple[Leg, ...], always: BoolArray) -> Options:
        def joined(key: str) -> IntArray:
            parts = self.columns[key]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)

        rows = (
            np.concatenate(self._group_rows)
            if self._group_rows
            else np.zeros((0, self.n_facilities), dtype=bool)
        )
        # Deduplicate the groups as packed bytes: one comparison per row, not per member.
        unique, group = rows, joined("group")
        if len(rows):
            packed = np.ascontiguousarray(np.packbits(rows, axis=1))
            keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            unique, group = rows[first], inverse.reshape(-1).astype(np.intp)[group]
        return Options(
            legs=legs,
            leg=joined("leg"),
            site=joined("site"),
            craft=joined("craft"),
            pickup=joined("pickup"),
            group=group,
            groups=sparse.csr_matrix(unique),
            always=always,
        )


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
    for i, leg in enumerate(core.legs):
        threshold = float(core.thresholds_min[i])
        provides = (a.facility_rank >= LEG_MIN_RANK[leg])[None, :]
        ground = provides & (_meets(self_road, threshold) | _meets(team_back, threshold))
        if i in team_legs:
            ground |= _meets(team_at, threshold)
        collect.add(i, sites, np.full(n_sites, -1), np.full(n_sites, -1), ground)
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
    team = np.tile(a.medical_team, 2)
    crafts = np.arange(2 * n_air)
    lands_at_facility = np.where(
        heli[:, None], a.facility_helipad[None, :], a.facility_airstrip[None, :]
    )  # (2A, F)

    # Air from the site (pathway 4).
    base_to_site = np.tile(tables.base_to_point_km, (2, 1))  # (2A, S)
    site_to_facility = tables.point_to_facility_km  # (S, F)
    lands_at_site = usable[:, None] & np.where(heli[:, None], a.site_hls[None, :], a.site_airstrip[None, :])
    at_site = aircraft_at_min(wheels_up, base_to_site, cruise)  # (2A, S)
    range_left = range_km[:, None] - base_to_site
    in_range = (
        lands_at_site[:, :, None]
        & lands_at_facility[:, None, :]
        & (site_to_facility[None, :, :] <= range_left[:, :, None])
    )  # (2A, S, F)
    care = air_care_min(t, at_site[:, :, None], site_to_facility[None, :, :], cruise[:, None, None])

    # Road then air (pathway 5): pick-up points are the facilities, then the sites.
    base_to_pickup = np.tile(core.pickup_km.base_to_pickup_km, (2, 1))  # (2A, H)
    pickup_to_facility = core.pickup_km.pickup_to_facility_km  # (H, F)
    pickup_helicopter = np.concatenate([a.facility_helipad, a.site_hls])
    pickup_airstrip = np.concatenate([a.facility_airstrip, a.site_airstrip])
    lands_at_pickup = usable[:, None] & np.where(
        heli[:, None], pickup_helicopter[None, :], pickup_airstrip[None, :]
    )
    ready = aircraft_at_min(wheels_up, base_to_pickup, cruise)  # (2A, H)
    reach = (
        (base_to_pickup[:, :, None] + pickup_to_facility[None, :, :] <= range_km[:, None, None])
        & lands_at_facility[:, None, :]
        & lands_at_pickup[:, :, None]
    )  # (2A, H, F)
    onward = pickup_onward_min(t, pickup_to_facility, cruise)  # (2A, H, F)
    assert tables.road_to_site_min is not None  # point_tables always has them
    arrive = np.concatenate([tables.road_to_facility_min, tables.road_to_site_min], axis=1)  # (S, H)
    arrive = arrive + t.ground_departure

    for i, leg in enumerate(core.legs):
        threshold = float(core.thresholds_min[i])
        provides = (a.facility_rank >= LEG_MIN_RANK[leg])[None, :]
        # From the site, and from sites' landing sites (no asset besides the airframe).
        by_air = in_range & provides[None] & _meets(care, threshold)  # (2A, S, F)
        if i in team_legs:
            by_air |= (team & usable)[:, None, None] & _meets(at_site, threshold)[:, :, None] & in_range
        # Road then air: only (site, pick-up point) pairs the casualty reaches in time at all
        # (a team meets it on arrival at the earliest; care takes on-scene and handover more).
        soonest = 0.0 if i in team_legs else t.on_scene + t.handover
        pair_site, pair_pickup = np.nonzero(arrive + soonest < threshold + _BAND_MIN)  # sorted by site
        by_pickup_site = np.zeros_like(by_air)
        by_pickup_facility: list[tuple[IntArray, IntArray, IntArray, BoolArray]] = []
        for chunk in range(0, len(pair_site), _PAIRS_AT_ONCE):
            s = pair_site[chunk : chunk + _PAIRS_AT_ONCE]
            h = pair_pickup[chunk : chunk + _PAIRS_AT_ONCE]
            start = np.maximum(arrive[s, h][None, :], ready[:, h])  # (2A, pairs)
            cover = reach[:, h, :] & provides[None] & _meets(start[:, :, None] + onward[:, h, :], threshold)
            if i in team_legs:
                with_team = (team & usable)[:, None] & _meets(start + 0.0, threshold)
                cover |= with_team[:, :, None] & reach[:, h, :]
            via_site = h >= n_fac
            if via_site.any():  # the pick-up site is no asset: fold into the site's own options
                s_site, cover_site = s[via_site], cover[:, via_site]
                first = np.flatnonzero(np.r_[True, s_site[1:] != s_site[:-1]])
                by_pickup_site[:, s_site[first]] |= np.logical_or.reduceat(cover_site, first, axis=1)
            if (~via_site).any():
                by_pickup_facility.append((s[~via_site], h[~via_site], crafts, cover[:, ~via_site]))
        combined = by_air | by_pickup_site  # (2A, S, F)
        collect.add(
            i,
            np.tile(sites, 2 * n_air),
            np.repeat(crafts, n_sites),
            np.full(2 * n_air * n_sites, -1),
            combined.reshape(-1, n_fac),
        )
        for s, h, c, cover in by_pickup_facility:
            collect.add(
                i,
                np.tile(s, len(c)),
                np.repeat(c, len(s)),
                np.tile(h, len(c)),
                cover.reshape(-1, n_fac),
            )
    return collect.build(core.legs, always)


__all__ = ["CandidateAirframe", "CandidateFacility", "Options", "VariantCore"]
