"""The one results table: a tidy, frozen frame of checks, and every tally the views need.

A check answers per site and leg; the command line, the report, the app, the exports and
the what-if comparisons all ask the same few questions of it (how many sites and personnel
meet each leg, which sites meet every leg, which fail worst, what a variant gains). They are
answered here, once, from one table:

one row per (condition, site, leg), in the order condition, site (the scenario's), leg (the
profile's), with the columns of :data:`COLUMNS`:

=================  ============================================================================
``condition``      ``"day-dry"``: light and season (:func:`condition_name`)
``light``          ``day`` / ``night``
``season``         ``dry`` / ``wet``
``site_id``        the site's id
``site_name``      its name (``""`` when it has none)
``site_kind``      ``camp``, ``team_site``, ``tob``, ``other``
``personnel``      its personnel
``leg``            ``first_aid``, ``resuscitation``, ``surgery``, ``primary_surgery``
``threshold_min``  the profile's limit for the leg
``time_min``       reported minutes (rounded as :func:`medevac.check.reported_min`); NaN where
                   no pathway delivers the leg
``meets``          the verdict on the reported time
``pathway``        the winning pathway's code: :class:`medevac.timeline.Pathway`'s name in
                   lower case (``road``, ``air``, ``road_air`` ...; ``none`` when unreachable)
``airframe_id``    the airframe it uses, or None
``facility_id``    the facility it delivers to (or whose ground team comes), or None
``pickup_id``      the pick-up point of road-then-air, or None
``carry_km``       km its road legs go on foot straight across (a carry, not a drive); 0 when
                   it drives or uses no road
``reasons``        the :class:`medevac.explain.Reason` records of a failing leg (``()`` when
                   it meets)
=================  ============================================================================

The frame is built once and never changed: :attr:`Results.table` hands out copies.
Words come from :mod:`medevac.messages`; nothing here formats a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from medevac.check import CheckResult, reported_min
from medevac.explain import Reason, explain
from medevac.geo import FloatArray
from medevac.model import Light, Season
from medevac.standards import Leg
from medevac.timeline import BoolArray, IntArray, Pathway

ObjectArray = npt.NDArray[np.object_]

ALL_LEGS = "all"
"""Pseudo-leg of the tallies: the site meets every leg of the profile."""

PATHWAY_CODES: tuple[str, ...] = tuple(p.name.lower() for p in Pathway)
"""Pathway codes of the table, indexed by :class:`medevac.timeline.Pathway` value."""

COLUMNS: tuple[str, ...] = (
    "condition",
    "light",
    "season",
    "site_id",
    "site_name",
    "site_kind",
    "personnel",
    "leg",
    "threshold_min",
    "time_min",
    "meets",
    "pathway",
    "airframe_id",
    "facility_id",
    "pickup_id",
    "carry_km",
    "reasons",
)

_ROAD_OUT = (Pathway.ROAD, Pathway.GROUND_TEAM_BACK, Pathway.ROAD_AIR, Pathway.ROAD_AIR_TEAM)
"""Pathways whose casualty goes by road from the site (to a facility or a pick-up point)."""
_ROAD_IN = (Pathway.GROUND_TEAM, Pathway.GROUND_TEAM_BACK)
"""Pathways whose ground team comes by road from a facility to the site."""


def condition_name(light: Light | str, season: Season | str) -> str:
    """``("night", "wet")`` -> ``"night-wet"``: the ``condition`` column."""
    return f"{light}-{season}"


# -- what a variant gains --------------------------------------------------------------------


@dataclass(frozen=True)
class SiteChange:
    site_id: str
    before_min: float | None  # reported minutes; None = no pathway
    after_min: float | None


@dataclass(frozen=True)
class EveryLegDelta:
    """What a variant gains and loses on every leg at once: people newly meeting 10-1-2
    (a person counts once, whatever the number of legs their site gains)."""

    sites_before: int
    sites_after: int
    personnel_before: int
    personnel_after: int
    sites_gained: tuple[str, ...]
    sites_lost: tuple[str, ...]
    personnel_gained: int
    personnel_lost: int

    @staticmethod
    def counts(ids: list[str], personnel: IntArray, was: BoolArray, now: BoolArray) -> dict[str, Any]:
        """The fields above from per-site verdicts before and after (sites in both)."""
        return {
            "sites_before": int(was.sum()),
            "sites_after": int(now.sum()),
            "personnel_before": int(personnel[was].sum()),
            "personnel_after": int(personnel[now].sum()),
            "sites_gained": tuple(ids[k] for k in np.flatnonzero(now & ~was)),
            "sites_lost": tuple(ids[k] for k in np.flatnonzero(was & ~now)),
            "personnel_gained": int(personnel[now & ~was].sum()),
            "personnel_lost": int(personnel[was & ~now].sum()),
        }


@dataclass(frozen=True)
class LegDelta(EveryLegDelta):
    """What a variant gains and loses on one leg against the baseline."""

    leg: Leg
    changed: tuple[SiteChange, ...]  # sites whose reported time for this leg changed

    @property
    def label(self) -> str:
        from medevac.messages import leg_text  # words live above; a label is a convenience

        return leg_text(self.leg)


def _minutes_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def leg_minutes(records: Iterable[Mapping[str, Any]]) -> dict[str, float | None]:
    """``{"surgery_min": 131.0, ...}`` from a site's rows: reported minutes, None where no
    pathway delivers the leg (spec v1's ``<leg>_min`` keys)."""
    return {f"{r['leg']}_min": _minutes_or_none(float(r["time_min"])) for r in records}


# -- the table -----------------------------------------------------------------------------


def _ids(ids: tuple[str, ...], index: IntArray) -> ObjectArray:
    """``ids[index]`` as objects, None where the index is -1."""
    table = np.array([*ids, None], dtype=object)
    return np.asarray(table[np.where(index >= 0, index, len(ids))])


def _carry_km(check: CheckResult) -> FloatArray:
    """(legs, sites) km on foot in each winning road leg; the router is asked only for those."""
    times, engine = check.times, check.engine
    a, router, season = engine.assets, engine.router, check.season
    out = np.zeros(times.pathway.shape)
    lat = np.array([s.lat for s in check.scenario.sites], dtype=np.float64)
    lon = np.array([s.lon for s in check.scenario.sites], dtype=np.float64)
    out_legs = np.isin(times.pathway, _ROAD_OUT)
    if out_legs.any():
        # Where the casualty goes: the facility (road, team back) or the pick-up point;
        # pick-up points are the facilities, then the sites, so a facility f is pick-up f.
        to_road_air = np.isin(times.pathway, (Pathway.ROAD_AIR, Pathway.ROAD_AIR_TEAM))
        target = np.where(to_road_air, times.pickup, times.facility)
        sites = np.flatnonzero(out_legs.any(axis=0))
        targets = np.unique(target[out_legs])
        km = router.carry_km(
            lat[sites], lon[sites], a.pickup_lat_deg[targets], a.pickup_lon_deg[targets], season
        )
        rows, cols = np.nonzero(out_legs)
        out[rows, cols] += km[np.searchsorted(sites, cols), np.searchsorted(targets, target[rows, cols])]
    in_legs = np.isin(times.pathway, _ROAD_IN)
    if in_legs.any():
        sites = np.flatnonzero(in_legs.any(axis=0))
        sources = np.unique(times.facility[in_legs])
        km = router.carry_km(
            a.facility_lat_deg[sources], a.facility_lon_deg[sources], lat[sites], lon[sites], season
        )
        rows, cols = np.nonzero(in_legs)
        out[rows, cols] += km[
            np.searchsorted(sources, times.facility[rows, cols]), np.searchsorted(sites, cols)
        ]
    return out


def _core_columns(check: CheckResult) -> dict[str, npt.NDArray[Any]]:
    """The columns of one check's rows but its reasons: site-major, legs in the profile's
    order (what the table and the records are both made of)."""
    sites = check.scenario.sites
    legs = check.legs
    n_legs, n_sites = len(legs), len(sites)
    times = check.times
    a = check.engine.assets
    reported = reported_min(times.time_min)

    def flat(values: Any) -> Any:
        return np.asarray(values).T.ravel()  # (legs, sites) -> site-major rows

    def per_site(values: list[Any]) -> Any:
        return np.repeat(np.array(values, dtype=object), n_legs)

    thresholds = np.array([check.standard.thresholds_min[leg] for leg in legs], dtype=np.float64)
    rows = n_legs * n_sites
    return {
        "condition": np.full(rows, condition_name(check.light, check.season), dtype=object),
        "light": np.full(rows, check.light, dtype=object),
        "season": np.full(rows, check.season, dtype=object),
        "site_id": per_site([s.id for s in sites]),
        "site_name": per_site([s.name or "" for s in sites]),
        "site_kind": per_site([s.kind for s in sites]),
        "personnel": np.repeat(np.array([s.personnel for s in sites], dtype=np.int64), n_legs),
        "leg": np.tile(np.array(legs, dtype=object), n_sites),
        "threshold_min": np.tile(thresholds, n_sites),
        "time_min": flat(np.where(np.isfinite(reported), reported, np.nan)),
        "meets": flat(check.meets).astype(bool),
        "pathway": flat(np.array(PATHWAY_CODES, dtype=object)[times.pathway]),
        "airframe_id": flat(_ids(a.airframe_ids, times.airframe)),
        "facility_id": flat(_ids(a.facility_ids, times.facility)),
        "pickup_id": flat(_ids(a.pickup_ids, times.pickup)),
        "carry_km": flat(_carry_km(check)),
    }


_ID_COLUMNS = ("airframe_id", "facility_id", "pickup_id")
"""Columns of ids or None: kept as objects in the table (None is not a missing string)."""


def _frame_of(columns: Mapping[str, npt.NDArray[Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {k: pd.Series(v, dtype=object) if k in _ID_COLUMNS else v for k, v in columns.items()},
        columns=[c for c in COLUMNS if c in columns],
    )


def _records_of(columns: Mapping[str, npt.NDArray[Any]]) -> tuple[Mapping[str, Any], ...]:
    """The rows of these columns as read-only mappings of plain Python values (what the
    table's rows give, without building it)."""
    keys = [c for c in COLUMNS if c in columns]
    values = [columns[k].tolist() for k in keys]
    return tuple(MappingProxyType(dict(zip(keys, row, strict=True))) for row in zip(*values, strict=True))


def _reasons_of(check: CheckResult) -> ObjectArray:
    """The reasons column of one check's rows (``()`` where a leg meets)."""
    legs = check.legs
    explanations = explain(check)
    column = np.empty(len(legs) * len(check.scenario.sites), dtype=object)
    for row, (s, leg) in enumerate((s, leg) for s in range(len(check.scenario.sites)) for leg in legs):
        column[row] = explanations.get((s, leg), ())
    return column


_LEG_TALLY_COLUMNS = (
    "condition",
    "light",
    "season",
    "leg",
    "threshold_min",
    "sites_meeting",
    "sites",
    "personnel_meeting",
    "personnel",
)
"""The columns of :meth:`Results.leg_tallies`."""

_SITE_TALLY_COLUMNS: dict[str, str] = {
    "condition": "object",
    "light": "object",
    "season": "object",
    "site_id": "object",
    "site_name": "object",
    "site_kind": "object",
    "personnel": "int64",
    "meets_all": "bool",
    "failing_legs": "object",
    "first_failed_leg": "object",
    "worst_leg": "object",
    "shortfall_min": "float64",
}
"""The columns of :meth:`Results.site_tallies`, with their dtypes (None stays None)."""


@dataclass(frozen=True)
class _Grid:
    """One condition's columns as (sites, legs) arrays, for the tallies."""

    legs: tuple[Leg, ...]
    site_ids: tuple[str, ...]
    personnel: npt.NDArray[np.int64]  # (sites,)
    time_min: FloatArray  # (sites, legs), inf where unreachable
    threshold_min: FloatArray  # (legs,)
    meets: BoolArray  # (sites, legs)


def _grid_of(check: CheckResult) -> _Grid:
    """One check's tallied columns as (sites, legs) arrays: the values :func:`_core_columns` puts in
    the table (reported minutes, inf where no pathway), read from the check directly."""
    legs = check.legs
    return _Grid(
        legs=legs,
        site_ids=tuple(s.id for s in check.scenario.sites),
        personnel=np.array([s.personnel for s in check.scenario.sites], dtype=np.int64),
        time_min=reported_min(check.times.time_min).T,
        threshold_min=np.array([check.standard.thresholds_min[leg] for leg in legs], dtype=np.float64),
        meets=np.asarray(check.meets, dtype=bool).T,
    )


class Results:
    """Checks (one per condition) as one tidy table, with the tallies every view reads.

    Build it from one or more :class:`medevac.check.CheckResult` (at most one per light and
    season): ``Results([day_dry, night_dry])`` or ``Results.of(check)`` (the check's own,
    cached). Nothing is ever changed after construction: :attr:`table` and every method
    return new objects.
    """

    def __init__(self, checks: Iterable[CheckResult]) -> None:
        checks = tuple(checks)
        named = {condition_name(c.light, c.season): c for c in checks}
        if len(named) != len(checks):
            raise ValueError("Results takes at most one check per light and season")
        self._checks: Mapping[str, CheckResult]
        object.__setattr__(self, "_checks", MappingProxyType(named))

    def _parts(self) -> list[Results | CheckResult]:
        """Per condition, the check itself when these are its own results, else its results:
        each check's rows are built once, by its own results, and shared."""
        return [c if c.results is self else c.results for c in self._checks.values()]

    def _own_check(self) -> CheckResult | None:
        """The check these results are the own results of (:meth:`of`), else None."""
        parts = self._parts()
        return parts[0] if len(parts) == 1 and isinstance(parts[0], CheckResult) else None

    @cached_property
    def _own_columns(self) -> dict[str, npt.NDArray[Any]]:
        """The own check's columns, reasons included (which cost re-checks: made when asked)."""
        check = self._own_check()
        assert check is not None, "only a check's own results hold its columns"
        return {**_core_columns(check), "reasons": _reasons_of(check)}

    @cached_property
    def _frame(self) -> pd.DataFrame:
        """The whole table; its reasons (which cost re-checks) are computed when first asked."""
        if self._own_check() is not None:
            return _frame_of(self._own_columns)
        frames = [p._frame for p in self._parts() if isinstance(p, Results)]
        if not frames:
            return pd.DataFrame(columns=list(COLUMNS))
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Results is frozen: cannot set {name!r}")

    @classmethod
    def of(cls, check: CheckResult) -> Results:
        """The results of one check (built once per check, then shared)."""
        return check.results

    @classmethod
    def from_conditions(cls, checks: Mapping[tuple[Light, Season], CheckResult]) -> Results:
        """From checks keyed by (light, season), as :func:`medevac.report.summary.check_conditions`."""
        return cls(checks.values())

    # -- what it holds -------------------------------------------------------------------------

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(self._checks)

    @property
    def checks(self) -> Mapping[str, CheckResult]:
        return self._checks

    def check(self, condition: str | None = None) -> CheckResult:
        return self._checks[self._condition(condition)]

    def _condition(self, condition: str | None) -> str:
        if condition is not None:
            if condition not in self._checks:
                raise KeyError(f"no condition {condition!r} (have {', '.join(self._checks) or 'none'})")
            return condition
        if len(self._checks) != 1:
            raise ValueError(f"name a condition: these results hold {', '.join(self._checks) or 'none'}")
        return next(iter(self._checks))

    @property
    def table(self) -> pd.DataFrame:
        """The whole table (a copy: changing it never changes these results)."""
        return self._frame.copy(deep=False)

    def rows(self, condition: str | None = None) -> pd.DataFrame:
        """The rows of one condition (a copy), site-major, legs in the profile's order."""
        name = self._condition(condition)
        return self._frame[self._frame["condition"] == name].reset_index(drop=True)

    def records(self, condition: str | None = None) -> tuple[Mapping[str, Any], ...]:
        """The rows of one condition as read-only mappings (for per-site views)."""
        return self._records[self._condition(condition)]

    @cached_property
    def _records(self) -> dict[str, tuple[Mapping[str, Any], ...]]:
        if self._own_check() is not None:
            return {name: _records_of(self._own_columns) for name in self._checks}
        parts = [p for p in self._parts() if isinstance(p, Results)]
        return {name: part._records[name] for name, part in zip(self._checks, parts, strict=True)}

    def site_records(self, site: int, condition: str | None = None) -> tuple[Mapping[str, Any], ...]:
        """One site's rows (by its index in the scenario), legs in order."""
        name = self._condition(condition)
        n_legs = len(self._checks[name].legs)
        return self._records[name][site * n_legs : (site + 1) * n_legs]

    def record(self, site: int, leg: Leg, condition: str | None = None) -> Mapping[str, Any]:
        """The row of one site (by index) and leg."""
        name = self._condition(condition)
        legs = self._checks[name].legs
        return self._records[name][site * len(legs) + legs.index(leg)]

    # -- tallies ---------------------------------------------------------------------------------

    @cached_property
    def _grids(self) -> dict[str, _Grid]:
        """Per condition, its check's own arrays (the table's columns, without building it)."""
        return {
            name: _grid_of(p) if isinstance(p, CheckResult) else p._grids[name]
            for name, p in zip(self._checks, self._parts(), strict=True)
        }

    @cached_property
    def _leg_tally_records(self) -> tuple[Mapping[str, Any], ...]:
        records = []
        for name, grid in self._grids.items():
            check = self._checks[name]
            columns: list[tuple[str, float, BoolArray]] = [
                (leg, float(grid.threshold_min[i]), grid.meets[:, i]) for i, leg in enumerate(grid.legs)
            ]
            columns.append((ALL_LEGS, np.nan, np.asarray(grid.meets.all(axis=1))))
            for leg, threshold, meets in columns:
                records.append(
                    MappingProxyType(
                        {
                            "condition": name,
                            "light": check.light,
                            "season": check.season,
                            "leg": leg,
                            "threshold_min": threshold,
                            "sites_meeting": int(meets.sum()),
                            "sites": len(meets),
                            "personnel_meeting": int(grid.personnel[meets].sum()),
                            "personnel": int(grid.personnel.sum()),
                        }
                    )
                )
        return tuple(records)

    def leg_tally_records(
        self, condition: str | None = None, *, all_legs: bool = True
    ) -> tuple[Mapping[str, Any], ...]:
        """The rows of :meth:`leg_tallies` as read-only records, without a frame."""
        name = None if condition is None else self._condition(condition)
        return tuple(
            r
            for r in self._leg_tally_records
            if (name is None or r["condition"] == name) and (all_legs or r["leg"] != ALL_LEGS)
        )

    def leg_tallies(self, condition: str | None = None, *, all_legs: bool = True) -> pd.DataFrame:
        """Sites and personnel meeting each leg, per condition (every condition by default).

        Columns: condition, light, season, leg, threshold_min, sites_meeting, sites,
        personnel_meeting, personnel. With ``all_legs`` a row per condition with leg
        :data:`ALL_LEGS` counts the sites meeting every leg (threshold NaN).
        """
        records = self.leg_tally_records(condition, all_legs=all_legs)
        return pd.DataFrame.from_records([dict(r) for r in records], columns=list(_LEG_TALLY_COLUMNS))

    def summary(self, condition: str | None = None) -> dict[str, int]:
        """Spec v1's ``summary``: sites, sites meeting every leg, personnel, and theirs."""
        name = self._condition(condition)
        row = next(r for r in self._leg_tally_records if r["condition"] == name and r["leg"] == ALL_LEGS)
        return {
            "sites": int(row["sites"]),
            "sites_meeting_all": int(row["sites_meeting"]),
            "personnel": int(row["personnel"]),
            "personnel_meeting_all": int(row["personnel_meeting"]),
        }

    @cached_property
    def _site_tally_records(self) -> dict[str, tuple[Mapping[str, Any], ...]]:
        """Per condition, a read-only record per site (the scenario's order): the rows of
        :meth:`site_tallies`, and what :meth:`gap_records` reads without building a frame."""
        tallies: dict[str, tuple[Mapping[str, Any], ...]] = {}
        for name, grid in self._grids.items():
            check = self._checks[name]
            legs = grid.legs
            failing = ~grid.meets
            excess = grid.time_min - grid.threshold_min[None, :]  # (sites, legs); inf: no pathway
            n = len(grid.site_ids)
            if legs and n:
                worst = np.argmax(excess, axis=1)
                worst_excess = excess[np.arange(n), worst]
                first = np.argmax(failing, axis=1)
            else:
                worst = first = np.zeros(n, dtype=np.intp)
                worst_excess = np.zeros(n)
            shortfall = np.round(np.maximum(worst_excess, 0.0), 1)
            tallies[name] = tuple(
                MappingProxyType(
                    {
                        "condition": name,
                        "light": check.light,
                        "season": check.season,
                        "site_id": site.id,
                        "site_name": site.name or "",
                        "site_kind": site.kind,
                        "personnel": int(grid.personnel[s]),
                        "meets_all": not failing[s].any(),
                        "failing_legs": tuple(leg for leg, f in zip(legs, failing[s], strict=True) if f),
                        "first_failed_leg": legs[int(first[s])] if failing[s].any() else None,
                        "worst_leg": legs[int(worst[s])] if worst_excess[s] > 0 else None,
                        "shortfall_min": float(shortfall[s]),
                    }
                )
                for s, site in enumerate(check.scenario.sites)
            )
        return tallies

    @cached_property
    def _worst_first_order(self) -> dict[str, IntArray]:
        """Per condition, site indices by shortfall (no pathway first), then personnel, then id."""
        orders = {}
        for name, records in self._site_tally_records.items():
            orders[name] = np.lexsort(
                (
                    np.array([r["site_id"] for r in records], dtype=object),
                    -np.array([r["personnel"] for r in records], dtype=np.int64),
                    -np.array([r["shortfall_min"] for r in records], dtype=np.float64),
                )
            ).astype(np.intp)
        return orders

    @staticmethod
    def _tally_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
        rows = tuple(records)
        return pd.DataFrame(
            {
                column: pd.Series([r[column] for r in rows], dtype=dtype)
                for column, dtype in _SITE_TALLY_COLUMNS.items()
            }
        )

    def site_tally_records(self, condition: str | None = None) -> tuple[Mapping[str, Any], ...]:
        """The rows of :meth:`site_tallies` as read-only records, without a frame."""
        return self._site_tally_records[self._condition(condition)]

    def site_tallies(self, condition: str | None = None) -> pd.DataFrame:
        """Per site (the scenario's order): meets_all, failing_legs, first_failed_leg,
        worst_leg and shortfall_min (minutes over the limit of its worst leg, rounded to 0.1;
        0 when it meets every leg; inf when a failing leg has no pathway)."""
        return self._tally_frame(self.site_tally_records(condition))

    def worst_first(self, condition: str | None = None) -> pd.DataFrame:
        """:meth:`site_tallies` sorted by shortfall (no pathway first), then personnel, then id."""
        name = self._condition(condition)
        records = self._site_tally_records[name]
        return self._tally_frame(records[s] for s in self._worst_first_order[name])

    def gaps(self, condition: str | None = None) -> pd.DataFrame:
        """Failing sites, worst first (as :meth:`worst_first`)."""
        return self._tally_frame(record for _, record in self.gap_records(condition))

    def gap_records(self, condition: str | None = None) -> tuple[tuple[int, Mapping[str, Any]], ...]:
        """The rows of :meth:`gaps` as (site index in the scenario, read-only record): what a
        per-site view reads, without a frame."""
        name = self._condition(condition)
        records = self._site_tally_records[name]
        return tuple(
            (int(s), records[s]) for s in self._worst_first_order[name] if not records[s]["meets_all"]
        )

    def reasons(self, condition: str | None = None) -> pd.DataFrame:
        """The explanation records, tidy: one row per (condition, site, leg, reason).

        Columns: condition, light, season, site_id, personnel, leg, code, assets,
        alone_meets, reason (the :class:`medevac.explain.Reason` itself); every condition by
        default.
        """
        frame = self._frame if condition is None else self.rows(condition)
        keys = ["condition", "light", "season", "site_id", "personnel", "leg"]
        records = [
            {
                **dict(zip(keys, values, strict=True)),
                "code": reason.code,
                "assets": reason.assets,
                "alone_meets": reason.alone_meets,
                "reason": reason,
            }
            for *values, reasons in zip(*(frame[k] for k in keys), frame["reasons"], strict=True)
            for reason in reasons
        ]
        columns = ["condition", "light", "season", "site_id", "personnel", "leg", "code", "assets"]
        return pd.DataFrame.from_records(records, columns=[*columns, "alone_meets", "reason"])

    # -- against another -----------------------------------------------------------------------

    def compare(
        self, other: Results, condition: str | None = None, other_condition: str | None = None
    ) -> tuple[LegDelta, ...]:
        """Per leg of both profiles: sites and personnel gained or lost, and sites that changed.

        ``other`` is the variant. Sites are matched by id, so a variant may add or drop sites;
        only sites in both count. The conditions default to each one's only condition.
        """
        before = self._grids[self._condition(condition)]
        after = other._grids[other._condition(other_condition)]
        after_index = {site_id: j for j, site_id in enumerate(after.site_ids)}
        pairs = [
            (i, after_index[site_id]) for i, site_id in enumerate(before.site_ids) if site_id in after_index
        ]
        rows = np.array([i for i, _ in pairs], dtype=np.intp)
        columns = np.array([j for _, j in pairs], dtype=np.intp)
        ids = [before.site_ids[i] for i, _ in pairs]
        personnel = before.personnel[rows]
        deltas = []
        for leg in (leg for leg in before.legs if leg in after.legs):
            was = before.meets[rows, before.legs.index(leg)]
            now = after.meets[columns, after.legs.index(leg)]
            t0 = before.time_min[rows, before.legs.index(leg)]
            t1 = after.time_min[columns, after.legs.index(leg)]
            moved = t0 != t1  # inf == inf: both unreachable is no change
            deltas.append(
                LegDelta(
                    **EveryLegDelta.counts(ids, personnel, was, now),
                    leg=leg,
                    changed=tuple(
                        SiteChange(ids[k], _minutes_or_none(t0[k]), _minutes_or_none(t1[k]))
                        for k in np.flatnonzero(moved)
                    ),
                )
            )
        return tuple(deltas)

    def compare_every_leg(
        self, other: Results, condition: str | None = None, other_condition: str | None = None
    ) -> EveryLegDelta:
        """Sites and personnel meeting *every* leg, before and after (sites in both)."""
        both = self.meets_all_changes(other, condition, other_condition)
        personnel = self.site_tallies(condition).set_index("site_id")["personnel"]
        return EveryLegDelta(
            **EveryLegDelta.counts(
                both["site_id"].tolist(),
                personnel.loc[both["site_id"]].to_numpy(np.int64),
                both["meets_all_before"].to_numpy(bool),
                both["meets_all_after"].to_numpy(bool),
            )
        )

    def compare_all(self, other: Results) -> dict[str, tuple[LegDelta, ...]]:
        """:meth:`compare` under every condition both hold."""
        return {name: self.compare(other, name, name) for name in self._checks if name in other._checks}

    def meets_all_changes(
        self, other: Results, condition: str | None = None, other_condition: str | None = None
    ) -> pd.DataFrame:
        """Per site in both: site_id, meets_all before and after (the report's change map)."""
        before = self.site_tallies(condition)[["site_id", "meets_all"]]
        after = other.site_tallies(other_condition)[["site_id", "meets_all"]]
        return before.merge(after, on="site_id", how="inner", suffixes=("_before", "_after"))


__all__ = [
    "ALL_LEGS",
    "COLUMNS",
    "PATHWAY_CODES",
    "EveryLegDelta",
    "LegDelta",
    "Reason",
    "Results",
    "SiteChange",
    "condition_name",
    "leg_minutes",
]
