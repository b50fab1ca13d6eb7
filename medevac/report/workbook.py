"""The report as an Excel workbook (openpyxl): one sheet per table, numbers kept as numbers.

Sheets: summary, sites, patrols, facilities, airframes, assumptions, referral (each Level 1
to its nearest Level 2 or higher and Level 3, by road per season and in a straight line),
catchments (personnel by their quickest facility by road, per season), results (the tidy
results table: one row per condition, site and leg), limiting_factors (one row per reason
record), recommendations and, when present, comparison. Times are numbers (minutes) and blanks
where no pathway delivers a leg, so planners can sort and filter them. Each sheet has two
header rows (:data:`HEADER_ROWS`: words, then the machine name), an autofilter, columns as wide
as their content (long text wrapped) and shares formatted as percentages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from medevac import messages
from medevac.i18n import N_, gettext
from medevac.report.analysis import ReportData
from medevac.report.summary import ALL_LEGS, CONDITIONS, condition_label

Cell = str | int | float | bool | None


def _cell(value: object) -> Cell:
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


NO_FACILITY_BY_ROAD = N_("(none by road)")
"""The catchments sheet's facility cell for the personnel no facility reaches by road."""

HEADER_ROWS = 2
"""Row 1: each column in words with its unit; row 2: its machine name (for formulas and
scripts, the names of the CSV and the GeoPackage); data from row 3."""

WRAP_WIDTH = 50
"""Columns wider than this many characters wrap their text at this width."""


SHEET_TITLES: dict[str, str] = {
    "summary": N_("summary"),
    "sites": N_("sites"),
    "patrols": N_("patrols"),
    "facilities": N_("facilities"),
    "airframes": N_("airframes"),
    "assumptions": N_("assumptions"),
    "referral": N_("referral"),
    "catchments": N_("catchments"),
    "results": N_("results"),
    "limiting_factors": N_("limiting_factors"),
    "recommendations": N_("recommendations"),
    "comparison": N_("comparison"),
    "time_changes": N_("time_changes"),
    "variants": N_("variants"),
}
"""Each sheet's name, in the reader's language (at most 31 characters, none of ``[]:*?/\\``)."""


def _is_share(name: str) -> bool:
    return name.startswith("share") or name.endswith("_share")


def _sheet(book: Workbook, title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Worksheet:
    sheet: Worksheet = book.create_sheet(gettext(SHEET_TITLES[title]))
    sheet.append([messages.column_title(c) for c in columns])
    sheet.append(list(columns))
    for title_cell in sheet[1]:
        title_cell.font = Font(bold=True)
        title_cell.alignment = Alignment(wrap_text=True, vertical="top")
    for name_cell in sheet[2]:
        name_cell.font = Font(italic=True, color="666666", size=9)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = f"{'B' if title == 'sites' else 'A'}{HEADER_ROWS + 1}"  # the site id in view
    if columns:
        sheet.auto_filter.ref = f"A{HEADER_ROWS}:{get_column_letter(len(columns))}{max(sheet.max_row, 2)}"
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = sheet[letter][HEADER_ROWS:]
        longest = max([len(str(c.value)) for c in cells if c.value is not None] + [len(name)], default=0)
        title_words = max(len(word) for word in messages.column_title(name).split())
        sheet.column_dimensions[letter].width = min(WRAP_WIDTH, max(8, longest, title_words) + 2)
        if longest > WRAP_WIDTH:
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if _is_share(name):
            for cell in cells:
                cell.number_format = "0.0%"
    return sheet


def write_workbook(data: ReportData, path: Path) -> Path:
    """Write the workbook to ``path`` (the caller has checked it may be written)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    tallies = data.results_table.leg_tallies().drop(columns="condition")
    _sheet(book, "summary", [str(c) for c in tallies.columns], tallies.itertuples(index=False))
    table = data.table
    _sheet(book, "sites", [str(c) for c in table.columns], table.itertuples(index=False))
    legs = data.result.legs
    names = data.result.names
    patrol_rows = []
    for condition in CONDITIONS:
        for patrol, result in zip(data.scenario.patrols, data.results[condition].patrols, strict=True):
            shares = result.share_meeting(legs)
            patrol_rows.append(
                (
                    patrol.id,
                    patrol.personnel,
                    *condition,
                    round(result.samples.length_km, 3),
                    *(shares[leg] for leg in legs),
                )
            )
    _sheet(
        book,
        "patrols",
        ("patrol_id", "personnel", "light", "season", "length_km", *(f"share_meeting_{leg}" for leg in legs)),
        patrol_rows,
    )
    _sheet(
        book,
        "facilities",
        ("facility_id", "name", "level", "lat", "lon", "helipad", "airstrip", "ground_team"),
        (
            (f.id, f.name, f.level, f.lat, f.lon, f.helipad, f.airstrip, f.ground_team)
            for f in data.scenario.facilities
        ),
    )
    airframe_rows = []
    for a in data.scenario.airframes:
        base = data.scenario.base_location(a)
        airframe_rows.append(
            (
                a.id,
                a.type,
                a.kind,
                a.base if isinstance(a.base, str) else f"{base.lat:.5f}, {base.lon:.5f}",
                base.lat,
                base.lon,
                a.cruise_kmh,
                a.range_km,
                a.launch.day,
                a.launch.minutes("night"),
                a.night,
                a.medical_team,
                a.available,
            )
        )
    _sheet(
        book,
        "airframes",
        (
            "airframe_id",
            "type",
            "kind",
            "base",
            "base_lat",
            "base_lon",
            "cruise_kmh",
            "range_km",
            "launch_day_min",
            "launch_night_min",
            "night",
            "medical_team",
            "available",
        ),
        airframe_rows,
    )
    _sheet(
        book,
        "assumptions",
        ("group", "item", "value", "set_by", "source"),
        ((a.group, a.item, a.value, a.origin, a.source) for a in data.assumptions),
    )
    access = data.accessibility
    _sheet(
        book,
        "referral",
        [str(c) for c in access.referral.columns],
        access.referral.itertuples(index=False),
    )
    catchments = access.catchments.assign(
        facility_id=[
            gettext(NO_FACILITY_BY_ROAD) if f is None else f for f in access.catchments["facility_id"]
        ],
        site_ids=[", ".join(ids) for ids in access.catchments["site_ids"]],
    )
    _sheet(book, "catchments", [str(c) for c in catchments.columns], catchments.itertuples(index=False))
    results = data.results_table.table
    results["reasons"] = [", ".join(r.code for r in reasons) for reasons in results["reasons"]]
    _sheet(book, "results", [str(c) for c in results.columns], results.itertuples(index=False))
    _sheet(
        book,
        "limiting_factors",
        ("light", "season", "site_id", "personnel", "leg", "code", "factor", "named", "alone_meets", "text"),
        (
            (
                *f.condition,
                f.site_id,
                f.personnel,
                f.leg,
                r.code,
                messages.factor_name(r.code),
                ", ".join(r.assets),
                r.alone_meets,
                messages.reason_text(r, names),
            )
            for f in data.findings
            for r in f.reasons
        ),
    )
    _sheet(
        book,
        "recommendations",
        (
            "rank",
            "source",
            "change",
            "effect",
            "light",
            "season",
            "sites_gained",
            "personnel_gained",
            "sites_lost",
            "personnel_lost",
            "sites_after",
            "personnel_after",
        ),
        (  # one row per condition: people newly meeting every leg, each person once
            (
                n,
                r.source,
                r.candidate.action,
                r.text(names),
                *e.condition,
                ", ".join(e.sites_gained),
                e.personnel_gained,
                ", ".join(e.sites_lost),
                e.personnel_lost,
                e.sites_after,
                e.personnel_after,
            )
            for n, r in enumerate(data.recommendations, start=1)
            for e in r.every_leg
        ),
    )
    if data.comparisons:
        comparison_rows: list[tuple[object, ...]] = []
        for c in data.comparisons:
            for condition in CONDITIONS:
                for d in c.deltas[condition]:
                    comparison_rows.append(
                        (
                            c.name,
                            condition_label(condition),
                            d.leg,
                            d.sites_before,
                            d.sites_after,
                            ", ".join(d.sites_gained),
                            ", ".join(d.sites_lost),
                            d.personnel_gained,
                            d.personnel_lost,
                        )
                    )
                every = c.every_leg[condition]
                comparison_rows.append(
                    (
                        c.name,
                        condition_label(condition),
                        ALL_LEGS,
                        every.sites_before,
                        every.sites_after,
                        ", ".join(every.sites_gained),
                        ", ".join(every.sites_lost),
                        every.personnel_gained,
                        every.personnel_lost,
                    )
                )
        _sheet(
            book,
            "comparison",
            (
                "variant",
                "condition",
                "leg",
                "sites_before",
                "sites_after",
                "sites_gained",
                "sites_lost",
                "personnel_gained",
                "personnel_lost",
            ),
            comparison_rows,
        )
        thresholds = data.result.standard.thresholds_min
        _sheet(
            book,
            "time_changes",
            (
                "variant",
                "light",
                "season",
                "site_id",
                "leg",
                "before_min",
                "after_min",
                "change_min",
                "meets_after",
            ),
            (
                (
                    c.name,
                    *condition,
                    change.site_id,
                    d.leg,
                    change.before_min,
                    change.after_min,
                    None
                    if change.before_min is None or change.after_min is None
                    else round(change.after_min - change.before_min, 1),
                    change.after_min is not None and change.after_min <= thresholds[d.leg],
                )
                for c in data.comparisons
                for condition in CONDITIONS
                for d in c.deltas[condition]
                for change in d.changed
            ),
        )
        _sheet(
            book,
            "variants",
            ("variant", "section", "item", "field", "before", "after", "change"),
            (
                (c.name, d.section, d.item, d.field, str(d.before), str(d.after), messages.difference_text(d))
                for c in data.comparisons
                for d in c.differences
            ),
        )
    book.save(path)
    return path
