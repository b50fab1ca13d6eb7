"""Referral and catchment tables, the two accessibility tables health planners know from
WHO AccessMod 5 (``docs/sources.md``, ``accessmod-5``), over the scenario's own ground router.

- **Referral**: each Level 1 facility (1 and 1+) to its nearest facility of Level 2 or
  higher (damage-control surgery: 2, 2+ or 3) and its nearest Level 3, by ground time in
  each season (the router the checks use: the road layer, or the no-roads estimate) and by
  geodesic distance (:mod:`medevac.geo`). The two may name different facilities.
- **Catchments**: each site's personnel counted at the facility they reach quickest by road
  (any level), per season; personnel no facility reaches by road are counted apart (facility
  ``None``). Ties go to the facility listed first in the scenario.

Both are tidy frames (one row per record, unreachable as NaN or ``None``), computed once for
the report, its workbook and anything else that wants them. Nothing here is judged against
the 10-1-2 limits: these are the mission's ground links as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from medevac.geo import distance_matrix_km
from medevac.ground import GroundRouter
from medevac.model import Facility, Scenario, Season

SEASONS: tuple[Season, ...] = ("dry", "wet")

REFERRAL_RANKS: tuple[int, ...] = (2, 3)
"""Levels (ranks) a Level 1 refers to: 2 or higher for surgery, 3 for specialist care."""

REFERRAL_COLUMNS = (
    "season",
    "facility_id",
    "level",
    "to_level",
    "by_time_facility_id",
    "ground_min",
    "by_distance_facility_id",
    "distance_km",
)
CATCHMENT_COLUMNS = ("season", "facility_id", "level", "sites", "personnel", "site_ids")
NEAREST_COLUMNS = ("season", "site_id", "personnel", "facility_id", "ground_min")


MAYBE_NONE = frozenset({"by_time_facility_id", "by_distance_facility_id", "facility_id", "level", "site_ids"})
"""Columns that hold ``None`` (no facility) or tuples: kept as Python objects, not text."""


def _tidy(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows as a frame; :data:`MAYBE_NONE` columns as objects, so ``None`` stays ``None``."""
    return pd.DataFrame(
        {c: pd.Series([r[c] for r in rows], dtype=object if c in MAYBE_NONE else None) for c in columns},
        columns=list(columns),
    )


@dataclass(frozen=True)
class Accessibility:
    """The referral and catchment tables of a scenario (see the module)."""

    referral: pd.DataFrame
    catchments: pd.DataFrame
    nearest: pd.DataFrame  # each site's quickest facility by road, per season


def _points(facilities: list[Facility]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([f.lat for f in facilities], dtype=np.float64), np.array(
        [f.lon for f in facilities], dtype=np.float64
    )


def referral_table(scenario: Scenario, router: GroundRouter) -> pd.DataFrame:
    """Each Level 1 to its nearest Level 2-or-higher and Level 3, by time and by distance.

    One row per season, Level 1 facility (scenario order) and level referred to; where no
    facility of that level exists, or none is reachable by road, the ids are ``None`` and
    the figure NaN.
    """
    origins = [f for f in scenario.facilities if f.rank == 1]
    rows: list[dict[str, object]] = []
    if not origins:
        return _tidy(rows, REFERRAL_COLUMNS)
    from_lat, from_lon = _points(origins)
    matrices = {}
    for season in SEASONS:
        for rank in REFERRAL_RANKS:
            targets = [f for f in scenario.facilities if f.rank >= rank]
            to_lat, to_lon = _points(targets)
            minutes = (
                np.asarray(router.travel_min(from_lat, from_lon, to_lat, to_lon, season), dtype=np.float64)
                if targets
                else np.zeros((len(origins), 0))
            )
            matrices[season, rank] = (
                targets,
                minutes,
                distance_matrix_km(from_lat, from_lon, to_lat, to_lon),
            )
    for i, origin in enumerate(origins):  # a facility's referrals read together
        for season in SEASONS:
            for rank in REFERRAL_RANKS:
                targets, minutes, km = matrices[season, rank]
                by_time = by_distance = None
                ground_min = distance_km = float("nan")
                if targets:
                    j = int(np.argmin(minutes[i]))
                    if np.isfinite(minutes[i, j]):
                        by_time, ground_min = targets[j].id, float(minutes[i, j])
                    k = int(np.argmin(km[i]))
                    by_distance, distance_km = targets[k].id, float(km[i, k])
                rows.append(
                    {
                        "season": season,
                        "facility_id": origin.id,
                        "level": origin.level,
                        "to_level": str(rank),
                        "by_time_facility_id": by_time,
                        "ground_min": ground_min,
                        "by_distance_facility_id": by_distance,
                        "distance_km": distance_km,
                    }
                )
    return _tidy(rows, REFERRAL_COLUMNS)


def nearest_by_road(scenario: Scenario, router: GroundRouter) -> pd.DataFrame:
    """Each site's quickest facility by road, per season (``None`` and NaN when none)."""
    rows: list[dict[str, object]] = []
    sites = scenario.sites
    facilities = list(scenario.facilities)
    site_lat = np.array([s.lat for s in sites], dtype=np.float64)
    site_lon = np.array([s.lon for s in sites], dtype=np.float64)
    for season in SEASONS:
        if facilities and sites:
            to_lat, to_lon = _points(facilities)
            minutes = np.asarray(router.travel_min(site_lat, site_lon, to_lat, to_lon, season), float)
        for s, site in enumerate(sites):
            facility_id, ground_min = None, float("nan")
            if facilities:
                j = int(np.argmin(minutes[s]))
                if np.isfinite(minutes[s, j]):
                    facility_id, ground_min = facilities[j].id, float(minutes[s, j])
            rows.append(
                {
                    "season": season,
                    "site_id": site.id,
                    "personnel": site.personnel,
                    "facility_id": facility_id,
                    "ground_min": ground_min,
                }
            )
    return _tidy(rows, NEAREST_COLUMNS)


def catchment_table(scenario: Scenario, nearest: pd.DataFrame) -> pd.DataFrame:
    """Personnel and sites whose quickest facility by road is each facility, per season.

    Every facility has a row (0 where it is nobody's quickest), then one row with facility
    ``None`` for the sites no facility reaches by road.
    """
    rows: list[dict[str, object]] = []
    for season in SEASONS:
        in_season = nearest[nearest["season"] == season]
        for facility_id, level in [(f.id, f.level) for f in scenario.facilities] + [(None, None)]:
            mine = in_season[
                in_season["facility_id"].isna()
                if facility_id is None
                else in_season["facility_id"] == facility_id
            ]
            rows.append(
                {
                    "season": season,
                    "facility_id": facility_id,
                    "level": level,
                    "sites": len(mine),
                    "personnel": int(mine["personnel"].sum()),
                    "site_ids": tuple(mine["site_id"]),
                }
            )
    return _tidy(rows, CATCHMENT_COLUMNS)


def accessibility(scenario: Scenario, router: GroundRouter) -> Accessibility:
    """The referral and catchment tables (and each site's quickest facility) of a scenario."""
    nearest = nearest_by_road(scenario, router)
    return Accessibility(
        referral=referral_table(scenario, router),
        catchments=catchment_table(scenario, nearest),
        nearest=nearest,
    )
