"""The mission's tables as a planner edits them (the app's editable tables): rows of the
intake-v1 columns, and the changes to a table as what-if edits.

A row holds each column of :data:`medevac.intake.tables.COLUMNS` as the scenario has it
(booleans, numbers, text; an airframe's ``base`` as a facility id or ``lat,lon``; an empty
``launch_night_min`` when the night launch follows the day's). A changed cell is typed by
its column's own parser, as a workbook's cell is, so it is refused in the same words,
naming the table, the row and the column. The edits (:class:`medevac.whatif.SetEntry`,
:class:`~medevac.whatif.AddEntry`, :class:`~medevac.whatif.RemoveEntry`,
:class:`~medevac.whatif.SetTimeline`) then go through the scenario model with
:func:`medevac.whatif.apply_edits`, whose problems (``sites[3].lat``) :func:`locate` turns
back into the rows and columns they came from.

>>> from medevac.scenario import parse_scenario
>>> camps = parse_scenario('''
... medevac: 1
... name: camps
... facilities: [{id: l1, level: "1", lat: 0, lon: 0}]
... sites: [{id: near, lat: 0, lon: 0.1}]
... ''')
>>> entry_rows(camps, "facilities")[0]["level"]
'1'
>>> edits, problems = table_edits("facilities", entry_rows(camps, "facilities"), edited={0: {"level": 2}})
>>> edits, problems
([SetEntry(table='facilities', entry_id='l1', values=(('level', '2'),))], [])
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from medevac.errors import Problem
from medevac.i18n import N_, format_template, gettext
from medevac.intake.assemble import _in_cell_words
from medevac.intake.tables import COLUMNS, BadCellError, Column, Where, column_of_key, is_empty, number
from medevac.model import Scenario, Timeline
from medevac.whatif import (
    ENTRY_TABLES,
    TIMELINE_KEYS,
    AddEntry,
    Edit,
    EntryTable,
    EntryValue,
    RemoveEntry,
    SetEntry,
    SetTimeline,
)

TIMELINE_TABLE = N_("timeline table")
"""How the timeline table is named in its problems (a catalogue id: ``gettext`` it)."""
Row = dict[str, Any]
"""A table row: column name -> value."""


def table_name(role: str) -> str:
    """How a table is named in its problems: ``sites table``."""
    return format_template(gettext("{role} table"), role=role)


def _columns(role: str) -> dict[str, Column]:
    return {column.name: column for column in COLUMNS[role]}


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _at(entry: Mapping[str, Any], path: Sequence[str]) -> Any:
    node: Any = entry
    for step in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(step)
    return node


def entry_rows(scenario: Scenario, role: EntryTable) -> list[Row]:
    """The sites, facilities or airframes of a scenario as rows of the intake-v1 columns."""
    rows = []
    for entry in getattr(scenario, role):
        document = entry.model_dump(mode="json")
        row: Row = {}
        for column in COLUMNS[role]:
            value = _at(document, column.path)
            if column.name == "base" and isinstance(value, Mapping):
                value = f"{_number_text(value['lat'])},{_number_text(value['lon'])}"
            row[column.name] = value
        rows.append(row)
    return rows


def timeline_rows(scenario: Scenario) -> list[Row]:
    """The timeline as rows ``{"value": "approval", "minutes": 10.0}``, in spec order."""
    return [{"value": key, "minutes": float(getattr(scenario.timeline, key))} for key in TIMELINE_KEYS]


def _plain(value: object) -> object:
    """A cell as plain Python: numpy scalars unwrapped, NaN and blank text empty."""
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, str | bytes):
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = value.strip()
    return None if is_empty(value) else value


def _same(a: object, b: object) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def cell_values(role: str, name: str, raw: object) -> tuple[tuple[str, EntryValue], ...]:
    """A cell as ``(key path, value)`` pairs of its entry, typed by the column's parser.

    An empty cell removes the key (its default again); ``base`` as ``lat,lon`` sets
    ``base.lat`` and ``base.lon``. Raises :class:`~medevac.intake.tables.BadCellError`.

    >>> cell_values("airframes", "base", "16.25,-0.01")
    (('base.lat', 16.25), ('base.lon', -0.01))
    >>> cell_values("airframes", "launch_day_min", 20)
    (('launch.day', 20.0),)
    """
    column = _columns(role)[name]
    key = ".".join(column.path)
    value = _plain(raw)
    if value is None:
        return ((key, None),)
    parsed = column.parse(value)
    if isinstance(parsed, Mapping):
        return tuple((f"{key}.{part}", float(parsed[part])) for part in ("lat", "lon"))
    assert parsed is None or isinstance(parsed, str | int | float | bool)
    return ((key, parsed),)


def table_edits(
    role: EntryTable,
    rows: Sequence[Row],
    *,
    edited: Mapping[int, Mapping[str, object]] | None = None,
    added: Sequence[Mapping[str, object]] = (),
    deleted: Sequence[int] = (),
) -> tuple[list[Edit], list[Problem]]:
    """The edits a table's changes make, and the cells refused (each naming its row).

    ``rows`` are the table as shown (:func:`entry_rows`); ``edited`` maps a row's position
    to its changed cells, ``added`` are new rows, ``deleted`` positions of rows removed
    (the shape of Streamlit's data editor state). A cell equal to what the row holds is no
    change. Edits come changed rows first, then removals, then additions.
    """
    columns = _columns(role)
    ids = [str(row.get("id")) for row in rows]
    gone = {int(index) for index in deleted if 0 <= int(index) < len(rows)}
    edits: list[Edit] = []
    problems: list[Problem] = []
    for index, changes in sorted((edited or {}).items(), key=lambda item: int(item[0])):
        position = int(index)
        if position in gone or not 0 <= position < len(rows):
            continue
        where = Where(table_name(role), row=position + 1, label=ids[position])
        values: list[tuple[str, EntryValue]] = []
        for name, raw in changes.items():
            if name not in columns or _same(raw, rows[position].get(name)):
                continue
            try:
                values += cell_values(role, name, raw)
            except BadCellError as bad:
                problems.append(where.at(name).problem(_plain(raw), str(bad)))
        if values:
            edits.append(SetEntry(role, ids[position], tuple(values)))
    edits += [RemoveEntry(role, ids[position]) for position in sorted(gone)]
    for number_, row in enumerate(added):
        where = Where(table_name(role), row=len(rows) + number_ + 1, label=_label(row))
        values = []
        for name, raw in row.items():
            if name not in columns or _plain(raw) is None:
                continue
            try:
                values += cell_values(role, name, raw)
            except BadCellError as bad:
                problems.append(where.at(name).problem(_plain(raw), str(bad)))
        if values:
            edits.append(AddEntry(role, tuple(values)))
    return edits, problems


def _label(row: Mapping[str, object]) -> str:
    value = _plain(row.get("id"))
    return str(value) if value is not None else gettext("new")


def timeline_edits(
    rows: Sequence[Row], edited: Mapping[int, Mapping[str, object]]
) -> tuple[list[Edit], list[Problem]]:
    """The timeline table's changed minutes as one :class:`~medevac.whatif.SetTimeline`; an
    emptied cell takes the spec's default."""
    parse = number(N_("minutes"))
    values: list[tuple[str, float]] = []
    problems: list[Problem] = []
    for index, changes in sorted(edited.items(), key=lambda item: int(item[0])):
        position = int(index)
        if not 0 <= position < len(rows) or "minutes" not in changes:
            continue
        key = str(rows[position]["value"])
        raw = _plain(changes["minutes"])
        if _same(raw, rows[position]["minutes"]):
            continue
        try:
            minutes = float(Timeline.model_fields[key].default) if raw is None else float(parse(raw))  # type: ignore[arg-type]
        except BadCellError as bad:
            where = Where(gettext(TIMELINE_TABLE), row=position + 1, column="minutes", label=key)
            problems.append(where.problem(raw, str(bad)))
            continue
        values.append((key, minutes))
    return ([SetTimeline(tuple(values))] if values else []), problems


def rows_after(
    rows: Sequence[Row], deleted: Sequence[int] = (), added: Sequence[Mapping[str, object]] = ()
) -> list[tuple[int, str]]:
    """``(row number, id)`` of each entry of the edited table in the scenario's order: the
    rows kept, then the rows added (those with a cell filled)."""
    gone = {int(index) for index in deleted}
    order = [(i + 1, str(row.get("id"))) for i, row in enumerate(rows) if i not in gone]
    order += [
        (len(rows) + n + 1, _label(row))
        for n, row in enumerate(added)
        if any(_plain(value) is not None for value in row.values())
    ]
    return order


_ENTRY_KEY = re.compile(r"^(?P<role>sites|facilities|airframes)\[(?P<index>\d+)\](?:\.(?P<rest>.+))?$")
_TIMELINE_KEY = re.compile(r"^timeline\.(?P<key>\w+)$")


def locate(problem: Problem, orders: Mapping[str, Sequence[tuple[int, str]]]) -> Problem:
    """A problem of the edited scenario at the table row and column it comes from.

    ``orders`` gives, per table, each entry's row number and id in the scenario's order
    (:func:`rows_after`); a problem of no table row is returned as it is.

    >>> from medevac.errors import Problem
    >>> str(locate(Problem("<what-if>", "sites[1].lat", 95, "must be at most 90"),
    ...            {"sites": [(1, "a"), (3, "c")]}))
    "sites table: row 3 ('c'), column lat: must be at most 90 (got 95)"
    """
    allowed = _in_cell_words(problem.allowed)  # the file's wording, as a table's cell is told
    timeline = _TIMELINE_KEY.match(problem.key_path)
    if timeline and timeline["key"] in TIMELINE_KEYS:
        key = timeline["key"]
        where = Where(gettext(TIMELINE_TABLE), row=TIMELINE_KEYS.index(key) + 1, column="minutes", label=key)
        return where.problem(problem.value, allowed)
    match = _ENTRY_KEY.match(problem.key_path)
    if match is None:
        return problem
    role, index = match["role"], int(match["index"])
    order = orders.get(role, ())
    if role not in ENTRY_TABLES or index >= len(order):
        return problem
    row_number, entry_id = order[index]
    where = Where(table_name(role), row=row_number, label=entry_id)
    if match["rest"]:
        column = column_of_key(role, [step for step in re.split(r"[.\[\]]+", match["rest"]) if step])
        if column is not None:
            where = where.at(column.name)
    return where.problem(problem.value, allowed)


__all__ = [
    "TIMELINE_TABLE",
    "cell_values",
    "entry_rows",
    "locate",
    "rows_after",
    "table_edits",
    "table_name",
    "timeline_edits",
    "timeline_rows",
]
