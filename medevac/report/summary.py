"""Figures of a gap report: the check under four conditions and the per-site table.

A commander asks "which sites meet each leg, by day and by night, in the dry and the wet
season?": that is four checks of the same scenario (:data:`CONDITIONS`), each reduced here
to shares of sites and personnel, and one table of sites sorted by how far they fall short.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from medevac.check import CheckResult, check, make_router, reported_min
from medevac.geo import FloatArray
from medevac.ground import GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.standards import LEG_LABEL, Leg
from medevac.timeline import BoolArray

Condition = tuple[Light, Season]
IntArray = npt.NDArray[np.int64]

CONDITIONS: tuple[Condition, ...] = (("day", "dry"), ("night", "dry"), ("day", "wet"), ("night", "wet"))
"""The four conditions of the executive summary, in the order they are shown."""


def condition_label(condition: Condition) -> str:
    """``("night", "wet")`` -> ``"night, wet season"``."""
    light, season = condition
    return f"{light}, {season} season"


class CachedRouter:
    """A ground router that remembers its matrices: what-if searches ask the same ones often.

    Edits to airframes and timelines leave every site, facility and pick-up point where it
    was, so the road matrices of hundreds of re-checks are the same few. The full matrix is
    cached (``max_min`` is only a hint a router may use to skip work, so ignoring it is
    exact).
    """

    def __init__(self, inner: GroundRouter) -> None:
        self.inner = inner
        self.symmetric = inner.symmetric
        self._matrices: dict[tuple[bytes, str], FloatArray] = {}

    def travel_min(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
        max_min: FloatArray | None = None,
    ) -> FloatArray:
        arrays = (from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg)
        shapes = np.array([len(a) for a in arrays], dtype=np.float64)
        key = (np.concatenate([shapes, *(np.asarray(a, dtype=np.float64) for a in arrays)]).tobytes(), season)
        if key not in self._matrices:
            matrix = self.inner.travel_min(*arrays, season)
            matrix.setflags(write=False)  # shared between checks: nobody may change it
            self._matrices[key] = matrix
        return self._matrices[key]

    def carry_km(
        self,
        from_lat_deg: FloatArray,
        from_lon_deg: FloatArray,
        to_lat_deg: FloatArray,
        to_lon_deg: FloatArray,
        season: Season,
    ) -> FloatArray:
        return self.inner.carry_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg, season)

    def access_problem(self, lat_deg: float, lon_deg: float, season: Season) -> str | None:
        return self.inner.access_problem(lat_deg, lon_deg, season)


def check_conditions(
    scenario: Scenario, router: GroundRouter | None = None, *, patrols: bool = True
) -> dict[Condition, CheckResult]:
    """The check under each of the four conditions, sharing one ground router.

    ``patrols=False`` drops the patrols first: what-if searches only need the sites.
    """
    router = router or make_router(scenario)
    if not patrols:
        scenario = scenario.model_copy(update={"patrols": ()})
    return {
        (light, season): check(scenario, light=light, season=season, router=router)
        for light, season in CONDITIONS
    }


def personnel_of(scenario: Scenario) -> IntArray:
    """Personnel at each site, in the scenario's order."""
    return np.array([s.personnel for s in scenario.sites], dtype=np.int64)


@dataclass(frozen=True)
class LegShare:
    """How many sites and personnel meet one leg under one condition."""

    condition: Condition
    leg: str  # a Leg, or ALL_LEGS
    sites_meeting: int
    sites: int
    personnel_meeting: int
    personnel: int

    @property
    def sites_share(self) -> float | None:
        return self.sites_meeting / self.sites if self.sites else None

    @property
    def personnel_share(self) -> float | None:
        return self.personnel_meeting / self.personnel if self.personnel else None


ALL_LEGS = "all"
"""Pseudo-leg of :func:`leg_shares`: the site meets every leg of the profile."""


def leg_shares(results: dict[Condition, CheckResult]) -> list[LegShare]:
    """Sites and personnel meeting each leg (and all legs), per condition."""
    shares = []
    for condition, result in results.items():
        personnel = personnel_of(result.scenario)
        rows: list[tuple[str, BoolArray]] = [(leg, result.meets[i]) for i, leg in enumerate(result.legs)]
        rows.append((ALL_LEGS, result.meets_all))
        for leg, meets in rows:
            shares.append(
                LegShare(
                    condition=condition,
                    leg=leg,
                    sites_meeting=int(meets.sum()),
                    sites=len(meets),
                    personnel_meeting=int(personnel[meets].sum()),
                    personnel=int(personnel.sum()),
                )
            )
    return shares


def shortfall_min(result: CheckResult) -> tuple[FloatArray, list[Leg | None]]:
    """Minutes over threshold of each site's worst leg (0 when it meets all), and that leg.

    The worst leg is the one with the largest excess of reported time over its threshold; a
    leg no pathway delivers has an infinite excess.
    """
    thresholds = np.array([result.standard.thresholds_min[leg] for leg in result.legs])
    excess = reported_min(result.times.time_min) - thresholds[:, None]  # (legs, sites)
    if excess.shape[1] == 0:
        return np.zeros(0), []
    worst = np.argmax(excess, axis=0)
    worst_excess = excess[worst, np.arange(excess.shape[1])]
    legs: list[Leg | None] = [
        result.legs[int(w)] if e > 0 else None for w, e in zip(worst, worst_excess, strict=True)
    ]
    return np.round(np.maximum(worst_excess, 0.0), 1), legs


def site_table(result: CheckResult, by_condition: dict[Condition, CheckResult] | None = None) -> pd.DataFrame:
    """One row per site, sorted by shortfall (no pathway first, then the largest excess).

    Columns: identity, each leg's time and verdict, the worst leg and its shortfall, the
    pathways, the limiting factor, and, with ``by_condition``, whether the site meets every
    leg under each of the four conditions.
    """
    shortfall, worst = shortfall_min(result)
    reported = reported_min(result.times.time_min)
    records = []
    for s, site in enumerate(result.scenario.sites):
        row: dict[str, object] = {
            "site_id": site.id,
            "name": site.name or "",
            "kind": site.kind,
            "personnel": site.personnel,
        }
        for i, leg in enumerate(result.legs):
            value = float(reported[i, s])
            row[f"{leg}_min"] = value if np.isfinite(value) else None
        for i, leg in enumerate(result.legs):
            row[f"meets_{leg}"] = bool(result.meets[i, s])
        row["meets_all"] = bool(result.meets_all[s])
        worst_leg = worst[s]
        row["worst_leg"] = LEG_LABEL[worst_leg] if worst_leg else ""
        row["shortfall_min"] = float(shortfall[s]) if np.isfinite(shortfall[s]) else None
        for leg in result.legs:
            row[f"pathway_{leg}"] = result.pathway_text(leg, s) or ""
        row["limiting_factor"] = result.limiting_factor(s) or ""
        for condition, other in (by_condition or {}).items():
            row[f"meets_all_{condition[0]}_{condition[1]}"] = bool(other.meets_all[s])
        records.append(row)
    columns = [
        "site_id",
        "name",
        "kind",
        "personnel",
        *(f"{leg}_min" for leg in result.legs),
        *(f"meets_{leg}" for leg in result.legs),
        "meets_all",
        "worst_leg",
        "shortfall_min",
        *(f"pathway_{leg}" for leg in result.legs),
        "limiting_factor",
        *(f"meets_all_{light}_{season}" for light, season in (by_condition or {})),
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    if frame.empty:
        return frame
    order = np.lexsort(
        (
            np.array([site.id for site in result.scenario.sites]),
            -personnel_of(result.scenario),
            -np.where(np.isfinite(shortfall), shortfall, np.inf),
        )
    )
    return frame.iloc[order].reset_index(drop=True)
