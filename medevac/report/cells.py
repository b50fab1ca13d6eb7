"""The compliance matrix's cells: one rule for the report's table and the app's matrix.

A cell is a reported time and its verdict; it reads as the minutes, marked ``!`` when the
leg fails (so print and colour-blind readers see it without the colour), and is shaded
light bluish green (meets), light vermillion (fails) or grey (no pathway): Okabe-Ito
colours, safe for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from medevac.check import CheckResult, reported_min
from medevac.i18n import N_, format_template, gettext
from medevac.model import Light, Season
from medevac.results import Results, condition_name

MEETS_SHADE, FAILS_SHADE, NO_PATHWAY_SHADE = "#cfe8dc", "#f6c9a6", "#d9d9d9"
"""Compliance cells: light bluish green, light vermillion (Okabe-Ito, safe for colour-blind
readers) and grey for no pathway; a failing cell is marked ``!`` as well, for print."""

FAIL_MARK = " !"
NO_PATHWAY_TEXT = "none !"
NO_PATHWAY_WORD = N_("none")


def compliance_cell(minutes: float, meets: bool) -> tuple[str, str]:
    """``(text, shade)`` of one cell from a reported time (``inf`` or NaN: no pathway).

    >>> compliance_cell(52.3, True), compliance_cell(131.0, False), compliance_cell(float("inf"), False)
    (('52.3', '#cfe8dc'), ('131.0 !', '#f6c9a6'), ('none !', '#d9d9d9'))
    """
    if not math.isfinite(minutes):
        return gettext(NO_PATHWAY_WORD) + FAIL_MARK, NO_PATHWAY_SHADE
    text = format_template("{minutes:.1f}", minutes=minutes)  # in the current language's symbols
    return (text, MEETS_SHADE) if meets else (text + FAIL_MARK, FAILS_SHADE)


def compliance_frames(
    checks: Mapping[tuple[Light, Season], CheckResult],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(minutes, meets)`` of every condition side by side: one row per site (index: site
    id, the scenario's order), one column per (leg, condition) as a two-level column index
    (the profile's legs, each under the conditions in the order given). ``minutes`` are the
    reported times (NaN: no pathway), ``meets`` the verdicts: what the report's compliance
    matrix shows, for :func:`compliance_cell`.
    """
    columns: list[tuple[str, str]] = []
    minutes: list[np.ndarray] = []
    meets: list[np.ndarray] = []
    first = next(iter(checks.values()))
    for leg in first.legs:
        for (light, season), check in checks.items():
            k = check.times.leg_index(leg)
            times = reported_min(check.times.time_min[k])
            minutes.append(np.where(np.isfinite(times), times, np.nan))
            meets.append(np.asarray(check.meets[k], dtype=bool))
            columns.append((leg, condition_name(light, season)))
    index = pd.Index([site.id for site in first.scenario.sites], name="site_id")
    header = pd.MultiIndex.from_tuples(columns, names=["leg", "condition"])
    return (
        pd.DataFrame(np.column_stack(minutes) if minutes else None, index=index, columns=header),
        pd.DataFrame(np.column_stack(meets) if meets else None, index=index, columns=header),
    )


def worst_conditions(results: Results) -> pd.DataFrame:
    """Per site, the worst of the conditions the results hold: the one whose worst leg falls
    furthest short (no pathway first), then fails most legs, then comes first.

    Columns: site_id, site_name, personnel, worst_condition (None when the site meets
    every leg under every condition), worst_leg, shortfall_min, failing_legs (under the worst
    condition), failing_conditions (every condition under which it fails a leg). Read from
    :meth:`medevac.results.Results.site_tallies`: no explanation is computed.
    """
    tallies = [results.site_tallies(name) for name in results.conditions]
    rows = []
    for s in range(len(tallies[0]) if tallies else 0):
        per = [frame.iloc[s] for frame in tallies]
        failing = [row for row in per if not row["meets_all"]]
        worst = (
            max(failing, key=lambda row: (float(row["shortfall_min"]), len(row["failing_legs"])))
            if failing
            else None
        )
        rows.append(
            {
                "site_id": per[0]["site_id"],
                "site_name": per[0]["site_name"],
                "personnel": int(per[0]["personnel"]),
                "worst_condition": None if worst is None else worst["condition"],
                "worst_leg": None if worst is None else worst["worst_leg"],
                "shortfall_min": 0.0 if worst is None else float(worst["shortfall_min"]),
                "failing_legs": () if worst is None else tuple(worst["failing_legs"]),
                "failing_conditions": tuple(row["condition"] for row in failing),
            }
        )
    columns = [
        "site_id",
        "site_name",
        "personnel",
        "worst_condition",
        "worst_leg",
        "shortfall_min",
        "failing_legs",
        "failing_conditions",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("worst_condition", "worst_leg"):  # None, not NaN, where the site meets
        frame[column] = pd.Series([row[column] for row in rows], dtype=object)
    return frame


__all__ = [
    "FAILS_SHADE",
    "FAIL_MARK",
    "MEETS_SHADE",
    "NO_PATHWAY_SHADE",
    "NO_PATHWAY_TEXT",
    "compliance_cell",
    "compliance_frames",
    "worst_conditions",
]
