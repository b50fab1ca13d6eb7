"""Figures of a gap report: the check under four conditions and the per-site table.

A commander asks "which sites meet each leg, by day and by night, in the dry and the wet
season?": that is four checks of the same scenario (:data:`CONDITIONS`), each reduced here
to shares of sites and personnel, and one table of sites sorted by how far they fall short.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from medevac import messages
from medevac.check import CheckResult, check, make_router
from medevac.ground import CachedRouter, GroundRouter
from medevac.model import Light, Scenario, Season
from medevac.results import ALL_LEGS, Results, condition_name, leg_minutes

Condition = tuple[Light, Season]
IntArray = npt.NDArray[np.int64]

CONDITIONS: tuple[Condition, ...] = (("day", "dry"), ("night", "dry"), ("day", "wet"), ("night", "wet"))
"""The four conditions of the executive summary, in the order they are shown."""


def condition_label(condition: Condition) -> str:
    """``("night", "wet")`` -> ``"night, wet season"``."""
    return messages.condition_text(*condition)


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


def _results(results: Results | Mapping[Condition, CheckResult]) -> Results:
    return results if isinstance(results, Results) else Results.from_conditions(results)


def leg_shares(results: Results | Mapping[Condition, CheckResult]) -> list[LegShare]:
    """Sites and personnel meeting each leg (and all legs), per condition: the table's tallies."""
    return [
        LegShare(
            condition=(tally["light"], tally["season"]),
            leg=tally["leg"],
            sites_meeting=int(tally["sites_meeting"]),
            sites=int(tally["sites"]),
            personnel_meeting=int(tally["personnel_meeting"]),
            personnel=int(tally["personnel"]),
        )
        for tally in _results(results).leg_tally_records()
    ]


def site_table(results: Results | Mapping[Condition, CheckResult], condition: Condition) -> pd.DataFrame:
    """One row per site under ``condition``, sorted by shortfall (no pathway first, then the
    largest excess, then personnel, then id).

    Columns: identity and position, the condition (light, season), each leg's time and
    verdict, the worst leg and its shortfall, the pathways, the limiting factor (the words
    of the site's reason records), and whether the site meets every leg under each
    condition the results hold.
    """
    results = _results(results)
    name = condition_name(*condition)
    check = results.check(name)
    legs = check.legs
    index = {site.id: s for s, site in enumerate(check.scenario.sites)}
    names = check.names
    others = {c: results.site_tallies(c).set_index("site_id")["meets_all"] for c in results.conditions}
    records = []
    for tally in results.worst_first(name).to_dict("records"):
        site = check.scenario.sites[index[tally["site_id"]]]
        rows = results.site_records(index[tally["site_id"]], name)
        row: dict[str, object] = {
            "site_id": tally["site_id"],
            "name": tally["site_name"],
            "kind": tally["site_kind"],
            "lat": site.lat,
            "lon": site.lon,
            "light": check.light,
            "season": check.season,
            "personnel": int(tally["personnel"]),
        }
        row |= leg_minutes(rows)
        for record in rows:
            row[f"meets_{record['leg']}"] = bool(record["meets"])
        row["meets_all"] = bool(tally["meets_all"])
        row["worst_leg"] = messages.leg_text(tally["worst_leg"]) if tally["worst_leg"] else ""
        shortfall = float(tally["shortfall_min"])
        row["shortfall_min"] = shortfall if np.isfinite(shortfall) else None
        for record in rows:
            row[f"pathway_{record['leg']}"] = messages.row_pathway_text(record, names) or ""
        row["limiting_factor"] = messages.limiting_factor(rows, names) or ""
        for other, meets_all in others.items():
            other_check = results.check(other)
            row[f"meets_all_{other_check.light}_{other_check.season}"] = bool(meets_all[tally["site_id"]])
        records.append(row)
    columns = [
        "site_id",
        "name",
        "kind",
        "lat",
        "lon",
        "light",
        "season",
        "personnel",
        *(f"{leg}_min" for leg in legs),
        *(f"meets_{leg}" for leg in legs),
        "meets_all",
        "worst_leg",
        "shortfall_min",
        *(f"pathway_{leg}" for leg in legs),
        "limiting_factor",
        *(f"meets_all_{results.check(c).light}_{results.check(c).season}" for c in results.conditions),
    ]
    return pd.DataFrame.from_records(records, columns=columns)


__all__ = [
    "ALL_LEGS",
    "CONDITIONS",
    "CachedRouter",
    "Condition",
    "LegShare",
    "check_conditions",
    "condition_label",
    "leg_shares",
    "personnel_of",
    "site_table",
]
