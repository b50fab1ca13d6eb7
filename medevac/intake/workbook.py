"""The planner's workbook: an empty template, or a scenario as a filled workbook.

Sheets ``sites``, ``facilities``, ``airframes`` and ``settings`` with the columns of
intake-v1, a header note on every column (unit, what is allowed, the default), drop-down
lists (data validation) for levels, kinds and booleans, and a ``help`` sheet that the
import ignores. A cell is left empty where the scenario keeps the spec's default, so that
importing the workbook gives back the scenario exactly as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from medevac.i18n import N_, format_template, gettext
from medevac.intake.settings import SETTINGS, TABLE_KEYS, Setting, settings_rows
from medevac.intake.tables import BOOLEAN_WORDS, COLUMNS, Column
from medevac.model import Scenario
from medevac.scenario import scenario_to_mapping

Cell = str | int | float | None

EXAMPLE: dict[str, dict[str, Cell]] = {
    "sites": {
        "id": "example-camp",
        "name": N_("Example camp (replace or delete this row)"),
        "lat": 16.44,
        "lon": 0.45,
        "kind": "camp",
        "personnel": 800,
        "first_responders": "yes",
        "hls": "yes",
        "airstrip": "no",
    },
    "facilities": {
        "id": "example-l2",
        "name": N_("Example Level 2 hospital (replace or delete this row)"),
        "level": "2",
        "lat": 16.25,
        "lon": -0.01,
        "helipad": "yes",
        "airstrip": "yes",
        "ground_team": "yes",
    },
    "airframes": {
        "id": "example-heli",
        "type": N_("Example utility helicopter (replace or delete this row)"),
        "kind": "helicopter",
        "base": "example-l2",
        "cruise_kmh": 230,
        "range_km": 465,
        "launch_day_min": 30,
        "launch_night_min": 60,
        "night": "no",
        "medical_team": "yes",
        "available": "yes",
        "availability": 1,
    },
}
"""One example row per sheet; the three fit together (the airframe is based at the
facility), so the template imports as it is to a valid scenario. Its names are words of the
catalogue: the template is written in the reader's language."""

_LAST_ROW = 1000
"""Drop-down lists and number checks reach down to this row."""

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_workbook(scenario: Scenario | None = None, folder: Path | None = None) -> Workbook:
    """The template (``scenario`` None: one example row per sheet) or a scenario as a workbook.

    ``folder`` is where the workbook will be written: the scenario's file names (road
    layer, closures, patrol lines) are rewritten relative to it.
    """
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    document = scenario_to_mapping(scenario) if scenario is not None else {}
    for role in ("sites", "facilities", "airframes"):
        if scenario is None:
            rows = [[_words(EXAMPLE[role].get(column.name)) for column in COLUMNS[role]]]
        else:
            rows = [_row(role, entry) for entry in document.get(role, [])]
        _table_sheet(book, role, COLUMNS[role], rows)
    if scenario is None:
        settings: list[tuple[str, object]] = [(setting.key, None) for setting in SETTINGS]
    else:
        settings = settings_rows(document, folder or Path.cwd(), scenario.source_dir)
    _settings_sheet(book, settings)
    _help_sheet(book)
    return book


def write_template(path: Path, scenario: Scenario | None = None, *, overwrite: bool = False) -> Path:
    """Write the workbook; an existing file is replaced only with ``overwrite``."""
    book = template_workbook(scenario, path.parent)
    mode = "wb" if overwrite else "xb"
    with path.open(mode) as out:
        book.save(out)
    return path


def _value(value: object) -> Cell:
    """A cell for a scenario value: booleans as yes/no (the drop-down's words)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        # openpyxl keeps 16 significant digits; the last bit of a 17-digit float would be
        # lost, so it goes in as text, which the import reads back exactly.
        return repr(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _row(role: str, entry: Mapping[str, object]) -> list[Cell]:
    cells: list[Cell] = []
    for column in COLUMNS[role]:
        value: object = entry
        for step in column.path:
            value = value.get(step) if isinstance(value, Mapping) else None
        if column.name == "base" and isinstance(value, Mapping):
            value = f"{value['lat']!r},{value['lon']!r}"
        cells.append(_value(value))
    return cells


def _words(value: Cell) -> Cell:
    """A cell of the template in the reader's language where it is a phrase of the catalogue
    (help, the examples' names); a single word or code is data (``helicopter``, ``yes``,
    ``launch_day_min``: what the import reads) and stays as it is."""
    return gettext(value) if isinstance(value, str) and " " in value else value


def _note(column: Column | Setting) -> str:
    parts = []
    if column.unit:
        parts.append(format_template(gettext("Unit: {unit}."), unit=gettext(column.unit)))
    if column.allowed:
        parts.append(format_template(gettext("Allowed: {allowed}."), allowed=_words(column.allowed)))
    if isinstance(column, Column) and column.required:
        parts.append(gettext("Required."))
    elif column.default:
        parts.append(format_template(gettext("Empty: {default}."), default=_words(column.default)))
    return " ".join(parts)


def _append(sheet: Worksheet, row: Sequence[Cell]) -> None:
    """Append a row; text starting with ``=`` stays text, never becomes a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _header(sheet: Worksheet, names: Sequence[str]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"


def _table_sheet(book: Workbook, role: str, columns: Sequence[Column], rows: list[list[Cell]]) -> None:
    sheet: Worksheet = book.create_sheet(role)
    _header(sheet, [column.name for column in columns])
    for row in rows:
        _append(sheet, row)
    last = max(_LAST_ROW, len(rows) + 200)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.comment = Comment(_note(column), "medevac", width=320, height=110)
        wide = 40 if column.name in ("name", "type") else 12
        sheet.column_dimensions[letter].width = max(wide, len(column.name) + 4)
        cells = f"{letter}2:{letter}{last}"
        if column.choices:
            _list(sheet, column.choices, cells, f"{column.name}: {_words(column.allowed)}")
        elif column.name in ("lat", "lon"):
            limit = 90 if column.name == "lat" else 180
            check = DataValidation(
                type="decimal",
                operator="between",
                formula1=str(-limit),
                formula2=str(limit),
                allow_blank=True,
                showErrorMessage=True,
                error=format_template(
                    gettext("{column}: decimal degrees from -{limit} to {limit}, such as 12.5"),
                    column=column.name,
                    limit=limit,
                ),
                errorTitle="medevac",
            )
            check.add(cells)
            sheet.add_data_validation(check)


def _list(sheet: Worksheet, words: Sequence[str], cells: str, error: str) -> None:
    check = DataValidation(
        type="list",
        formula1='"' + ",".join(words) + '"',
        allow_blank=True,
        showErrorMessage=True,
        error=error,
        errorTitle="medevac",
    )
    check.add(cells)
    sheet.add_data_validation(check)


def _settings_sheet(book: Workbook, rows: list[tuple[str, object]]) -> None:
    sheet: Worksheet = book.create_sheet("settings")
    _header(sheet, ["key", "value"])
    notes = {setting.key: setting for setting in SETTINGS}
    for number, (key, value) in enumerate(rows, start=2):
        _append(sheet, [key, _value(value)])
        setting = notes.get(key)
        if setting is None:
            continue
        sheet.cell(row=number, column=1).comment = Comment(_note(setting), "medevac", width=320, height=90)
        if setting.choices:
            _list(sheet, setting.choices, f"B{number}", f"{key}: {_words(setting.allowed)}")
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 60


def _help_sheet(book: Workbook) -> None:
    """What each column and key means; the import does not read this sheet."""
    sheet: Worksheet = book.create_sheet("help")
    headings = (N_("sheet"), N_("column or key"), N_("unit"), N_("allowed"), N_("when empty"))
    _header(sheet, [gettext(heading) for heading in headings])
    for role in ("sites", "facilities", "airframes"):
        for column in COLUMNS[role]:
            sheet.append(
                [
                    role,
                    column.name,
                    gettext(column.unit) if column.unit else "",
                    _words(column.allowed),
                    gettext("required") if column.required else _words(column.default),
                ]
            )
    for setting in (*SETTINGS, *TABLE_KEYS.values()):
        unit = gettext(setting.unit) if setting.unit else ""
        sheet.append(["settings", setting.key, unit, _words(setting.allowed), _words(setting.default)])
    for key, allowed in (
        ("patrols.ID.name", N_("text")),
        ("patrols.ID.personnel", N_("a whole number, 0 or more")),
        ("patrols.ID.path", N_("lat,lon; lat,lon; ... (two points or more)")),
        ("patrols.ID.file", N_("a line file (GeoJSON, GeoPackage...), instead of path")),
    ):
        sheet.append(["settings", key, "", gettext(allowed), ""])
    for line in (
        "",
        format_template(
            gettext("Booleans: {booleans}. Coordinates: decimal degrees (12.5, not 12°30'N or 12,5)."),
            booleans=gettext(BOOLEAN_WORDS),
        ),
        gettext(
            "Columns in any order, names in any case; unknown columns are refused; "
            "empty cells take the default."
        ),
        gettext("File names in settings are relative to this workbook."),
        gettext("This help sheet is not read by medevac import."),
    ):
        sheet.append([line])
    for letter, width in zip("ABCDE", (12, 30, 12, 60, 36), strict=True):
        sheet.column_dimensions[letter].width = width
