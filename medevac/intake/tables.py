"""Planners' tables as records, and their cells typed (intake-v1).

A table is a sheet of a workbook (XLSX, ODS), a CSV, or the placemarks of a KML or
GeoJSON file (:mod:`medevac.intake.placemarks`). Reading keeps, for every value, where it
came from (:class:`Where`), so that every bad cell can be named in one message: file,
sheet, row as the spreadsheet numbers it, column, value and what is allowed.

Typing is done here, before the scenario model sees the values, because a spreadsheet
says ``oui`` or ``12,5`` where YAML would not, and the planner must be told which cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medevac.errors import Problem
from medevac.i18n import N_, format_template, gettext

# -- where a value came from ----------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """The place of a value in the planner's files, as the planner would look it up.

    >>> Where("book.xlsx", sheet="sites", row=4, column="lat", letter="C").key_path()
    'sheet sites, row 4, column lat (C)'
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    letter: str | None = None
    row_word: str = N_("row")
    column_word: str = N_("column")
    """What a row and a column are called (placemarks: ``placemark``, ``property``), as
    catalogue ids: :meth:`key_path` says them in the current language."""
    label: str | None = None
    """A placemark's name, to find it in Google Earth (placemarks have no row numbers)."""

    def key_path(self) -> str:
        parts = []
        if self.sheet is not None:
            parts.append(sheet_text(self.sheet))
        if self.row is not None:
            parts.append(
                f"{gettext(self.row_word)} {self.row}" + (f" ({self.label!r})" if self.label else "")
            )
        if self.column is not None:
            column = f"{gettext(self.column_word)} {self.column}"
            parts.append(column + (f" ({self.letter})" if self.letter else ""))
        return ", ".join(parts)

    def at(self, column: str, letter: str | None = None) -> Where:
        """The same row, one column."""
        return Where(
            self.file,
            self.sheet,
            self.row,
            column,
            letter,
            self.row_word,
            self.column_word,
            self.label,
        )

    def problem(self, value: object, allowed: str) -> Problem:
        # Spreadsheets hold every number as a float: show 4, not 4.0, as the planner typed it.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return CellProblem(self.file, self.key_path(), value, allowed, self)


def sheet_text(name: str) -> str:
    """A workbook's sheet as messages name it: ``sheet sites`` / ``feuille sites``."""
    return format_template(gettext("sheet {sheet}"), sheet=name)


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem that knows its cell, so that a list of them can be put in sheet order."""

    where: Where | None = None


def in_sheet_order(problems: list[Problem]) -> list[Problem]:
    """Problems by file, sheet and row, as a planner goes through them (stable otherwise)."""
    files: dict[str, int] = {}
    sheets: dict[tuple[str, str | None], int] = {}
    for problem in problems:
        files.setdefault(problem.file, len(files))
        if isinstance(problem, CellProblem) and problem.where is not None:
            sheets.setdefault((problem.file, problem.where.sheet), len(sheets))

    def key(problem: Problem) -> tuple[int, int, int, int]:
        where = problem.where if isinstance(problem, CellProblem) else None
        if where is None:
            return files[problem.file], -1, -1, -1
        column = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(where.letter or "")))
        return files[problem.file], sheets[(problem.file, where.sheet)], where.row or 0, column

    return sorted(problems, key=key)


@dataclass(frozen=True)
class Record:
    """One row of a table: its place, and its non-empty cells by lower-case column name."""

    where: Where
    cells: Mapping[str, tuple[object, Where]]
    reported: frozenset[str] = frozenset()
    """Columns whose problem the reader has already named (a placemark with no point)."""


@dataclass
class Table:
    """A table as read: header problems already found, records still untyped."""

    role: str
    """sites, facilities, airframes or settings."""
    where: Where
    """The file (and sheet) it came from."""
    columns: list[str] = field(default_factory=list)
    """Lower-case names of the columns present (for placemarks: every property seen)."""
    headers: dict[str, Where] = field(default_factory=dict)
    """Where each column's header cell is, to name it when the column is unknown."""
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lenient: bool = False
    """Placemarks: unknown properties are warned about, not bad input (a KML or GeoJSON
    from Google Earth, QGIS or geojson.io carries styling and other fields of its own)."""


# -- cells ----------------------------------------------------------------------------------


class BadCellError(ValueError):
    """A cell whose value is not allowed; the message says what is, in the language of the
    moment it is raised (the parsers make their words only when a cell is bad)."""


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_TRUE = {"true", "yes", "1", "oui"}
_FALSE = {"false", "no", "0", "non"}
BOOLEAN_WORDS = N_("true/false, yes/no, 1/0 or oui/non")
"""The words a yes/no cell takes (a catalogue id: ``gettext(BOOLEAN_WORDS)`` in a message)."""


def is_empty(value: object) -> bool:
    """Empty cells take the spec's defaults: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: object, allowed: Callable[[], str]) -> float:
    """``value`` as a number, else :class:`BadCellError` with the words ``allowed()`` makes."""
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise BadCellError(allowed())
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.match(value.strip()):
        number = float(value.strip())
    else:
        raise BadCellError(allowed())
    if not math.isfinite(number):
        raise BadCellError(allowed())
    return number


def number(unit: str) -> Callable[[object], object]:
    """A number with a decimal point (``12,5`` is bad input: a decimal comma is ambiguous).
    ``unit`` is a symbol (``km/h``) or a catalogue id (``N_("minutes")``)."""

    def allowed() -> str:
        if not unit:
            return gettext("a number with a decimal point, such as 12.5")
        template = gettext("a number ({unit}) with a decimal point, such as 12.5")
        return format_template(template, unit=gettext(unit))

    def parse(value: object) -> object:
        return _number(value, allowed)

    return parse


def degrees(low: float, high: float) -> Callable[[object], object]:
    """Decimal degrees only: ``12°30'N`` and ``12,5`` are refused, naming the cell."""

    def allowed() -> str:
        template = gettext(
            "decimal degrees from {low:g} to {high:g}, such as 12.5 or -3.25 "
            "(no degrees-minutes-seconds, no N/S/E/W, no decimal comma)"
        )
        return format_template(template, low=low, high=high)

    def parse(value: object) -> object:
        number_ = _number(value, allowed)
        if not low <= number_ <= high:
            raise BadCellError(allowed())
        return number_

    return parse


def _whole_allowed() -> str:
    return gettext("a whole number, 0 or more")


def whole(value: object) -> object:
    """A count of people: a whole number, 0 or more (``1200.0`` from a spreadsheet is fine)."""
    number_ = _number(value, _whole_allowed)
    if number_ != int(number_) or number_ < 0:
        raise BadCellError(_whole_allowed())
    return int(number_)


def boolean(value: object) -> object:
    """``true/false``, ``yes/no``, ``1/0``, ``oui/non`` in any case, or a boolean cell."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise BadCellError(gettext(BOOLEAN_WORDS))


def text(value: object) -> object:
    """Free text; a number typed in a text column (an id such as ``101``) is kept as typed."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise BadCellError(gettext("text (the cell holds a date or a boolean: format the column as text)"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value == int(value) else repr(value)
    raise BadCellError(gettext("text"))


def choice(options: Sequence[str], *, loose: bool = False) -> Callable[[object], object]:
    """One word of a list, in any case; ``loose`` also takes ``fixed wing`` for ``fixed_wing``."""

    def parse(value: object) -> object:
        word = str(text(value)).lower()
        if loose:
            word = re.sub(r"[\s-]+", "_", word)
        if word in options:
            return word
        raise BadCellError(_one_of(options))

    return parse


LEVELS = ("1", "1+", "2", "2+", "3")


def level(value: object) -> object:
    """A facility level; a spreadsheet turns a typed ``2`` into the number 2, which is fine."""
    word = str(text(value)).replace(" ", "")
    if word in LEVELS:
        return word
    raise BadCellError(_one_of(LEVELS))


def _one_of(options: Sequence[str]) -> str:
    return format_template(gettext("one of {options}"), options=", ".join(options))


_PAIR = re.compile(r"^\s*(?P<lat>[^,;\s]+)\s*[,;]\s*(?P<lon>[^,;\s]+)\s*$")
PAIR_ALLOWED = N_("lat,lon in decimal degrees, such as 16.25,-0.01")
"""What a point cell takes (a catalogue id)."""


def _pair_allowed() -> str:
    return gettext(PAIR_ALLOWED)


def point(value: object) -> dict[str, float]:
    """``lat,lon`` in one cell (a base or a patrol point), decimal degrees."""
    match = _PAIR.match(str(text(value)))
    if not match:
        raise BadCellError(_pair_allowed())
    lat = _number(match["lat"], _pair_allowed)
    lon = _number(match["lon"], _pair_allowed)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        template = gettext("{allowed} (latitude -90 to 90, longitude -180 to 180)")
        raise BadCellError(format_template(template, allowed=_pair_allowed()))
    return {"lat": lat, "lon": lon}


_LOOKS_LIKE_POINT = re.compile(r"^\s*[-+]?\d[^,;]*[,;]\s*[-+]?\d")


def base(value: object) -> object:
    """A facility id, or ``lat,lon`` in one cell."""
    word = str(text(value))
    if _LOOKS_LIKE_POINT.match(word):
        try:
            return point(word)
        except BadCellError as bad:
            raise BadCellError(format_template(gettext("a facility id, or {allowed}"), allowed=bad)) from None
    return word


def path_points(value: object) -> object:
    """A short patrol path in one cell: ``lat,lon; lat,lon; ...`` (two points or more)."""
    pieces = [piece for piece in str(text(value)).split(";") if piece.strip()]
    try:
        if len(pieces) < 2:
            raise BadCellError
        return [point(piece) for piece in pieces]
    except BadCellError:
        allowed = gettext("two points or more as lat,lon; lat,lon; ... in decimal degrees")
        raise BadCellError(allowed) from None


# -- the columns of each table --------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a table: how its cells are typed and where the value goes in the entry."""

    name: str
    parse: Callable[[object], object]
    path: tuple[str, ...]
    required: bool = False
    unit: str = ""
    allowed: str = ""
    default: str = ""
    choices: tuple[str, ...] = ()
    """Words for the template's drop-down list (data validation)."""


def _c(
    name: str,
    parse: Callable[[object], object],
    *,
    path: tuple[str, ...] | None = None,
    required: bool = False,
    unit: str = "",
    allowed: str = "",
    default: str = "",
    choices: tuple[str, ...] = (),
) -> Column:
    return Column(name, parse, path or (name,), required, unit, allowed, default, choices)


_YES_NO = ("yes", "no")
_LAT = _c(
    "lat", degrees(-90, 90), required=True, unit=N_("degrees"), allowed=N_("decimal degrees, -90 to 90")
)
_LON = _c(
    "lon", degrees(-180, 180), required=True, unit=N_("degrees"), allowed=N_("decimal degrees, -180 to 180")
)


def _flag(name: str, default: bool) -> Column:
    return _c(name, boolean, allowed=BOOLEAN_WORDS, default="yes" if default else "no", choices=_YES_NO)


SITE_KINDS = ("camp", "team_site", "tob", "other")
AIRFRAME_KINDS = ("helicopter", "fixed_wing")

COLUMNS: dict[str, tuple[Column, ...]] = {
    "sites": (
        _c("id", text, required=True, allowed=N_("text, unique across facilities, airframes and sites")),
        _c("name", text, allowed=N_("text")),
        _LAT,
        _LON,
        _c(
            "kind",
            choice(SITE_KINDS, loose=True),
            allowed=", ".join(SITE_KINDS),
            default="other",
            choices=SITE_KINDS,
        ),
        _c("personnel", whole, unit=N_("people"), allowed=N_("a whole number, 0 or more"), default="0"),
        _flag("first_responders", True),
        _flag("hls", True),
        _flag("airstrip", False),
    ),
    "facilities": (
        _c("id", text, required=True, allowed=N_("text, unique across facilities, airframes and sites")),
        _c("name", text, allowed=N_("text")),
        _c("level", level, required=True, allowed=", ".join(LEVELS), choices=LEVELS),
        _LAT,
        _LON,
        _flag("helipad", True),
        _flag("airstrip", False),
        _flag("ground_team", True),
    ),
    "airframes": (
        _c("id", text, required=True, allowed=N_("text, unique across facilities, airframes and sites")),
        _c("type", text, allowed=N_("text")),
        _c(
            "kind",
            choice(AIRFRAME_KINDS, loose=True),
            allowed=", ".join(AIRFRAME_KINDS),
            default="helicopter",
            choices=AIRFRAME_KINDS,
        ),
        _c("base", base, required=True, allowed=N_("a facility id, or lat,lon in one cell")),
        _c("cruise_kmh", number("km/h"), required=True, unit="km/h", allowed=N_("more than 0")),
        _c("range_km", number("km"), required=True, unit="km", allowed=N_("more than 0")),
        _c(
            "launch_day_min",
            number(N_("minutes")),
            path=("launch", "day"),
            required=True,
            unit="min",
            allowed=N_("0 or more"),
        ),
        _c(
            "launch_night_min",
            number(N_("minutes")),
            path=("launch", "night"),
            unit="min",
            allowed=N_("0 or more"),
            default="launch_day_min",
        ),
        _flag("night", False),
        _flag("medical_team", False),
        _flag("available", True),
        _c("availability", number(N_("probability")), unit=N_("0 to 1"), allowed=N_("0 to 1"), default="1"),
    ),
}
"""The columns of intake-v1, in the spec's order (the template writes them so)."""

ROLES = ("sites", "facilities", "airframes", "settings")


# -- typing the records of a table ----------------------------------------------------------


@dataclass
class Typed:
    """The entries of a table for the scenario mapping, and where each value came from."""

    entries: list[dict[str, object]] = field(default_factory=list)
    origins: dict[str, tuple[Where, object]] = field(default_factory=dict)
    """Key path in the scenario document (``sites[3].lat``) -> cell and value as read."""
    problems: list[Problem] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)
    """Key paths of cells already reported bad: their "missing" echo is not repeated."""
    absent_columns: set[str] = field(default_factory=set)


def check_header(table: Table) -> set[str]:
    """Unknown and missing columns of a sheet or CSV; returns the required ones missing."""
    known = {column.name: column for column in COLUMNS[table.role]}
    allowed = ", ".join(known)
    if not table.lenient:
        for name in table.columns:
            if name not in known:
                where = table.headers.get(name, table.where)
                template = gettext("unknown column; the columns of {role} are {allowed}")
                table.problems.append(
                    where.problem(name, format_template(template, role=table.role, allowed=allowed))
                )
    missing = {name for name, column in known.items() if column.required and name not in table.columns}
    for name in sorted(missing, key=list(known).index):
        template = gettext("a column {name} is required in {role} (columns: {allowed})")
        problem = table.where.problem(
            None, format_template(template, name=name, role=table.role, allowed=allowed)
        )
        table.problems.append(problem)
    return missing


def type_table(table: Table) -> Typed:
    """Typed entries of a sites, facilities or airframes table, every bad cell reported."""
    typed = Typed(absent_columns=check_header(table))
    typed.problems += table.problems
    columns = {column.name: column for column in COLUMNS[table.role]}
    for index, record in enumerate(table.records):
        entry: dict[str, object] = {}
        prefix = f"{table.role}[{index}]"
        typed.origins[prefix] = (record.where, None)
        for name in record.reported:
            typed.bad.add(prefix + "".join(f".{step}" for step in columns[name].path))
        for name, (raw, where) in record.cells.items():
            column = columns.get(name)
            if column is None or is_empty(raw):
                continue
            key = prefix + "".join(f".{step}" for step in column.path)
            try:
                value = column.parse(raw)
            except BadCellError as bad:
                typed.problems.append(where.problem(raw, str(bad)))
                typed.bad.add(key)
                continue
            _put(entry, column.path, value)
            typed.origins[key] = (where, raw)
        typed.entries.append(entry)
    return typed


def _put(mapping: dict[str, object], path: Sequence[str], value: object) -> None:
    node = mapping
    for step in path[:-1]:
        child = node.setdefault(step, {})
        assert isinstance(child, dict)
        node = child
    node[path[-1]] = value


def column_of_key(role: str, keys: Sequence[str]) -> Column | None:
    """The column a key path inside an entry comes from (``launch.day`` -> launch_day_min)."""
    for column in COLUMNS.get(role, ()):
        if tuple(keys[: len(column.path)]) == column.path:
            return column
    for column in COLUMNS.get(role, ()):
        if column.required and column.path[: len(keys)] == tuple(keys):
            return column
    return None


# -- reading tables from files --------------------------------------------------------------


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def table_from_rows(
    role: str,
    where: Where,
    rows: Iterable[Sequence[object]],
    *,
    letters: bool,
) -> Table:
    """A table from rows of cells: the first non-empty row is the header.

    Rows keep the numbers the spreadsheet gives them (the header is row 1 when it is on the
    first line); wholly empty rows are skipped.
    """
    table = Table(role, where)
    header: list[tuple[int, str, str]] = []
    for number_, row in enumerate(rows, start=1):
        cells = list(row)
        if all(is_empty(value) for value in cells):
            continue
        if not header and not table.columns:
            if role == "settings" and not _is_settings_header(cells):
                # A settings sheet written without its header row: key, value in A and B.
                header = [(0, "key", "A" if letters else ""), (1, "value", "B" if letters else "")]
                table.columns = ["key", "value"]
            else:
                header = _header(table, where, number_, cells, letters)
                continue
        row_where = Where(where.file, where.sheet, number_)
        record_cells: dict[str, tuple[object, Where]] = {}
        for index, name, letter in header:
            value = cells[index] if index < len(cells) else None
            if not is_empty(value):
                record_cells[name] = (value, row_where.at(name, letter or None))
        _check_headerless_cells(table, where, number_, cells, header, letters)
        table.records.append(Record(row_where, record_cells))
    return table


def _is_settings_header(cells: Sequence[object]) -> bool:
    names = {str(value).strip().lower() for value in cells if not is_empty(value)}
    return bool(names & {"key", "value"})


def _header(
    table: Table, where: Where, row: int, cells: Sequence[object], letters: bool
) -> list[tuple[int, str, str]]:
    """Column names of the header row (lower case); a repeated name is bad input."""
    header: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(cells):
        if is_empty(value):
            continue
        name = str(value).strip().lower()
        letter = column_letter(index) if letters else ""
        if name in seen:
            table.problems.append(
                Where(where.file, where.sheet, row, name, letter or None).problem(
                    str(value),
                    format_template(
                        gettext("a column named once (also column {letter})"),
                        letter=column_letter(seen[name]),
                    ),
                )
            )
            continue
        seen[name] = index
        header.append((index, name, letter))
        table.headers[name] = Where(where.file, where.sheet, row, name, letter or None)
    table.columns = [name for _, name, _ in header]
    return header


def _check_headerless_cells(
    table: Table,
    where: Where,
    row: int,
    cells: Sequence[object],
    header: Sequence[tuple[int, str, str]],
    letters: bool,
) -> None:
    """A value in a column without a header would be dropped silently: it is bad input."""
    named = {index for index, _, _ in header}
    for index, value in enumerate(cells):
        if index not in named and not is_empty(value) and header:
            letter = column_letter(index) if letters else str(index + 1)
            table.problems.append(
                Where(where.file, where.sheet, row, letter).problem(
                    value, gettext("a value under a column header (this column has none)")
                )
            )


def read_csv(path: Path, role: str) -> Table:
    """A CSV table (UTF-8, with or without BOM; comma, semicolon or tab separated)."""
    where = Where(str(path))
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        table = Table(role, where)
        allowed = format_template(gettext("a readable UTF-8 CSV file ({reason})"), reason=reason)
        table.problems.append(where.problem(str(path), allowed))
        return table
    first = next((line for line in content.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    delimiter = max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","
    try:
        rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    except csv.Error as error:
        table = Table(role, where)
        allowed = format_template(gettext("a well-formed CSV file ({reason})"), reason=error)
        table.problems.append(where.problem(str(path), allowed))
        return table
    return table_from_rows(role, where, rows, letters=False)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
IGNORED_SHEETS = ("help",)
"""Sheets the template adds for the planner; they are not read."""


def read_workbook(path: Path) -> tuple[dict[str, Table], list[Problem], list[str]]:
    """The sites, facilities, airframes and settings sheets of a workbook (XLSX or ODS).

    Sheet names are matched in any case. Other sheets are left alone, with a warning when
    they hold anything (a planner's notes are not bad input; a misspelt sheet is named).
    """
    from python_calamine import CalamineError, CalamineWorkbook

    file = str(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        allowed = format_template(gettext("a readable XLSX or ODS workbook ({reason})"), reason=error)
        return {}, [Problem(file, "", file, allowed)], []
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    for name in book.sheet_names:
        role = name.strip().lower()
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as error:
            allowed = format_template(gettext("a readable sheet ({reason})"), reason=error)
            problems.append(Problem(file, sheet_text(name), name, allowed))
            continue
        if role in tables:
            template = gettext("one sheet named {role} (names are matched in any case)")
            problems.append(Problem(file, sheet_text(name), name, format_template(template, role=role)))
            continue
        if not any(not is_empty(v) for row in rows for v in row):
            continue  # an empty sheet is no table: nothing replaces a base's entries
        if role not in ROLES:
            if role not in IGNORED_SHEETS:
                template = gettext("{file}: sheet {sheet} ignored (the sheets read are {roles})")
                warnings.append(format_template(template, file=file, sheet=name, roles=", ".join(ROLES)))
            continue
        tables[role] = table_from_rows(role, Where(file, name), rows, letters=True)
    if not tables:
        found = ", ".join(book.sheet_names) or gettext("no sheets")
        allowed = format_template(gettext("sheets named {roles}"), roles=", ".join(ROLES))
        problems.append(Problem(file, "", found, allowed))
    return tables, problems, warnings
