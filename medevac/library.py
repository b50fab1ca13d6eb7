"""The saved variant library: a planner's variants kept across sessions, in one SQLite file.

A saved variant is its parent scenario and its what-if edits **as data** (the records of
:mod:`medevac.whatif`, as versioned JSON), never a frozen copy of the result: opening it
re-applies the edits with :func:`medevac.whatif.apply_edits`, so a library survives a code
update (a new engine gives new times for the same edits). The parent scenario's document
is stored too (once per content key), so a library survives the original file moving.
Beside them: a name, the parent's content key, the time it was saved (UTC) and the
headline results at that time (sites and personnel meeting every leg, per light and
season), so a list of variants needs no check.

The file is ``MEDEVAC_LIBRARY`` when that is set, else ``library.sqlite`` in the user's
data folder (:func:`platformdirs.user_data_path`). Every call runs one transaction (on a
connection of the calling thread): writes take the write lock first (``BEGIN IMMEDIATE``), the journal
is a write-ahead log (readers never wait for a writer) and a busy library is waited for
(``busy_timeout``), so two browser sessions saving at once both land. Checks run before
the lock is taken, so a save holds it for milliseconds.

Names are unique per parent scenario (its content key): saving a second ``"Kidal L2"``
of the same mission is refused with the id of the first (:class:`VariantNameError`).
Ids are never reused after a delete.

>>> import tempfile
>>> from medevac.scenario import parse_scenario
>>> from medevac.whatif import AddFacility, Point
>>> parent = parse_scenario('''
... medevac: 1
... name: two camps
... facilities: [{id: l1, level: "1", lat: 0, lon: 0}]
... sites: [{id: near, lat: 0, lon: 0.1, personnel: 50}, {id: far, lat: 0, lon: 2, personnel: 100}]
... ''')
>>> library = Library(Path(tempfile.mkdtemp()) / "variants.sqlite")
>>> saved = library.save(parent, [AddFacility("l2", "2", Point(0.0, 2.0, "Far"))], "L2 at Far")
>>> saved.id, saved.name, saved.headline[0].condition, saved.headline[0].sites_meeting_all
(1, 'L2 at Far', 'day-dry', 1)
>>> [f.id for f in library.open(saved.id).facilities]
['l1', 'l2']
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from platformdirs import user_data_path

from medevac import __version__, messages
from medevac.check import check, make_router, reported_min
from medevac.errors import (
    LibraryCorruptError,
    LibraryError,
    MedevacError,
    ScenarioError,
    StaleVariantError,
    VariantNameError,
    VariantNotFoundError,
    problem_lines,
)
from medevac.files import write_atomic
from medevac.i18n import DEFAULT_LANGUAGE, current_language, using
from medevac.model import Light, Scenario, Season
from medevac.results import Results, condition_name
from medevac.scenario import dump_scenario, relocated, scenario_from_mapping, scenario_to_mapping
from medevac.whatif import (
    ENTRY_TABLES,
    AddAirframe,
    AddEntry,
    AddFacility,
    Edit,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveEntry,
    RemoveFacility,
    SetAirframe,
    SetConditions,
    SetConvoyFactor,
    SetEntry,
    SetSite,
    SetTimeline,
    SetWeather,
    apply_edits,
    content_key,
    describe_variant,
)

LIBRARY_ENV = "MEDEVAC_LIBRARY"
"""Environment variable naming the library file (else the user's data folder)."""

LIBRARY_FILE = "library.sqlite"

SCHEMA_VERSION = 1
"""The layout of the tables (``PRAGMA user_version``); a newer file is refused, not guessed at."""

APPLICATION_ID = 0x4D454456  # "MEDV"
"""``PRAGMA application_id`` of a medevac library: another program's database is refused."""

EDITS_FORMAT = 1
"""The encoding of the edit records (:func:`edits_to_json`). Raise it when an edit's fields
change meaning, and teach :func:`edits_from_json` to read the older format."""

MAX_NAME_CHARS = 200

BUSY_TIMEOUT_S = 30.0
"""How long a call waits for another session's write before giving up."""

CONDITIONS: tuple[tuple[Light, Season], ...] = (
    ("day", "dry"),
    ("night", "dry"),
    ("day", "wet"),
    ("night", "wet"),
)
"""The conditions of the headline and of a comparison, in the report's order."""

_SCHEMA = """
CREATE TABLE parents (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    folder TEXT NOT NULL
);
CREATE TABLE variants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    parent_key TEXT NOT NULL REFERENCES parents (key),
    edits_format INTEGER NOT NULL,
    edits TEXT NOT NULL,
    description TEXT NOT NULL,
    variant_key TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    headline TEXT NOT NULL,
    medevac_version TEXT NOT NULL,
    UNIQUE (parent_key, name)
);
CREATE INDEX variants_by_parent ON variants (parent_key);
"""

_VARIANT_COLUMNS = (
    "v.id, v.name, v.parent_key, p.name, v.description, v.created_utc, v.headline, v.edits, "
    "v.edits_format, v.medevac_version, v.variant_key"
)


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """Sites and personnel meeting every leg under one light and season, when saved."""

    light: Light
    season: Season
    sites: int
    sites_meeting_all: int
    personnel: int
    personnel_meeting_all: int

    @property
    def condition(self) -> str:
        """``day-dry``: the results table's condition name."""
        return condition_name(self.light, self.season)


@dataclass(frozen=True)
class SavedVariant:
    """One row of the library, without its (re-applied on demand) scenario."""

    id: int
    name: str
    parent_key: str
    parent_name: str
    description: str  # the edits in words when saved (medevac.whatif.describe_variant)
    created_utc: str  # ISO 8601, seconds, UTC: 2026-12-02T13:14:05+00:00
    headline: tuple[Headline, ...]  # in CONDITIONS order
    edit_count: int
    edits_format: int
    medevac_version: str
    variant_key: str  # the variant's content key when saved


def headline_of(results: Results) -> tuple[Headline, ...]:
    """The headline of results checked under one or more conditions, in their order."""
    headlines = []
    for name, result in results.checks.items():
        summary = results.summary(name)
        headlines.append(
            Headline(
                light=result.light,
                season=result.season,
                sites=summary["sites"],
                sites_meeting_all=summary["sites_meeting_all"],
                personnel=summary["personnel"],
                personnel_meeting_all=summary["personnel_meeting_all"],
            )
        )
    return tuple(headlines)


def check_all_conditions(scenario: Scenario) -> Results:
    """The sites' check under each of :data:`CONDITIONS`, sharing one ground router
    (patrols left out: the headline and the comparison are per site)."""
    sites_only = scenario.model_copy(update={"patrols": ()})
    router = make_router(sites_only)
    return Results(
        check(sites_only, light=light, season=season, router=router) for light, season in CONDITIONS
    )


# -- edits as data ---------------------------------------------------------------------------

EDIT_KINDS: dict[str, type[Any]] = {
    "add_facility": AddFacility,
    "move_facility": MoveFacility,
    "remove_facility": RemoveFacility,
    "add_airframe": AddAirframe,
    "move_airframe": MoveAirframe,
    "set_airframe": SetAirframe,
    "set_timeline": SetTimeline,
    "set_convoy_factor": SetConvoyFactor,
    "set_conditions": SetConditions,
    "set_weather": SetWeather,
    "set_site": SetSite,
    "set_entry": SetEntry,
    "add_entry": AddEntry,
    "remove_entry": RemoveEntry,
}
"""The stored name of each kind of edit: fixed, so a class may be renamed without breaking
saved variants."""

_KIND_OF: dict[type[Any], str] = {cls: kind for kind, cls in EDIT_KINDS.items()}
_POINT_FIELDS = ("at", "to")  # always a place
_BASE_FIELDS = ("base",)  # a facility id or a place


class EditFormatError(ValueError):
    """A stored edit record that cannot be read back; ``number`` is its place (from 1)."""

    def __init__(self, detail: str, number: int = 0) -> None:
        super().__init__(detail)
        self.detail = detail
        self.number = number


def _point_record(point: Point) -> dict[str, Any]:
    return {"lat": point.lat, "lon": point.lon, "label": point.label}


def edit_record(edit: Edit) -> dict[str, Any]:
    """An edit as a plain JSON-ready mapping: ``{"edit": "add_facility", ...every field}``.

    Every field is written, defaults too, so a saved edit keeps its meaning if a default
    changes.

    >>> edit_record(SetTimeline((("approval", 5.0),)))
    {'edit': 'set_timeline', 'values': [['approval', 5.0]]}
    """
    kind = _KIND_OF.get(type(edit))
    if kind is None:  # a new kind of edit not yet given a stored name here
        raise EditFormatError(messages.edit_format_problem("unstored_kind", value=type(edit).__name__))
    record: dict[str, Any] = {"edit": kind}
    for field in dataclasses.fields(edit):
        value = getattr(edit, field.name)
        if isinstance(value, Point):
            value = _point_record(value)
        elif isinstance(edit, SetTimeline | SetEntry | AddEntry) and field.name == "values":
            value = [[key, item] for key, item in value]
        record[field.name] = value
    return record


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _point(kind: str, field: str, value: object, code: str = "bad_point") -> Point:
    shown = json.dumps(value)[:80]
    if not isinstance(value, Mapping) or set(value) - {"lat", "lon", "label"}:
        raise EditFormatError(messages.edit_format_problem(code, kind=kind, field=field, value=shown))
    lat, lon, label = value.get("lat"), value.get("lon"), value.get("label")
    if not (_is_number(lat) and _is_number(lon)) or not (label is None or isinstance(label, str)):
        raise EditFormatError(messages.edit_format_problem(code, kind=kind, field=field, value=shown))
    return Point(float(lat), float(lon), label)  # type: ignore[arg-type]


def edit_from_record(record: object) -> Edit:
    """The edit of a record written by :func:`edit_record`; :class:`EditFormatError` if the
    record is not one this medevac reads (an unknown kind, unknown or missing fields)."""
    if not isinstance(record, Mapping):
        raise EditFormatError(messages.edit_format_problem("not_a_record", value=json.dumps(record)[:80]))
    kind = record.get("edit")
    if not isinstance(kind, str) or kind not in EDIT_KINDS:
        known = ", ".join(EDIT_KINDS)
        raise EditFormatError(messages.edit_format_problem("unknown_kind", value=kind, known=known))
    cls = EDIT_KINDS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    given = {key: value for key, value in record.items() if key != "edit"}
    unknown = [key for key in given if key not in fields]
    if unknown:
        raise EditFormatError(
            messages.edit_format_problem(
                "unknown_fields", kind=kind, fields=", ".join(map(str, unknown)), known=", ".join(fields)
            )
        )
    missing = [
        name
        for name, f in fields.items()
        if name not in given and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise EditFormatError(
            messages.edit_format_problem("missing_fields", kind=kind, fields=", ".join(missing))
        )
    for name in _POINT_FIELDS:
        if name in given:
            given[name] = _point(kind, name, given[name])
    for name in _BASE_FIELDS:
        if name in given and not isinstance(given[name], str):
            given[name] = _point(kind, name, given[name], "bad_base")
    if cls is SetTimeline:
        values = given["values"]
        pairs = values if isinstance(values, list) else None
        if pairs is None or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_number(p[1]) for p in pairs
        ):
            shown = json.dumps(values)[:80]
            raise EditFormatError(
                messages.edit_format_problem("bad_values", kind=kind, field="values", value=shown)
            )
        given["values"] = tuple((key, float(minutes)) for key, minutes in pairs)
    if cls in (SetEntry, AddEntry):
        given["values"] = _entry_values(kind, given["values"])
    if cls in (SetEntry, AddEntry, RemoveEntry) and given["table"] not in ENTRY_TABLES:
        raise EditFormatError(
            messages.edit_format_problem(
                "bad_table", kind=kind, value=json.dumps(given["table"])[:80], known=", ".join(ENTRY_TABLES)
            )
        )
    edit: Edit = cls(**given)
    return edit


def _entry_values(kind: str, values: object) -> tuple[tuple[str, Any], ...]:
    """The ``[key, scalar]`` pairs of a table edit, as the edit holds them."""

    def scalar(value: object) -> bool:
        return value is None or isinstance(value, str | bool) or _is_number(value)

    pairs = values if isinstance(values, list) else None
    if pairs is None or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and scalar(p[1]) for p in pairs
    ):
        shown = json.dumps(values)[:80]
        raise EditFormatError(
            messages.edit_format_problem("bad_entry_values", kind=kind, field="values", value=shown)
        )
    return tuple((key, value) for key, value in pairs)


def edits_to_json(edits: Iterable[Edit]) -> str:
    """The edits as a JSON list of :func:`edit_record` (format :data:`EDITS_FORMAT`)."""
    return json.dumps([edit_record(edit) for edit in edits], ensure_ascii=False, allow_nan=False)


def edits_from_json(text: str) -> tuple[Edit, ...]:
    """The edits of :func:`edits_to_json`; :class:`EditFormatError` names the first bad one.

    >>> edits_from_json(edits_to_json([SetConvoyFactor(0.8)]))
    (SetConvoyFactor(factor=0.8),)
    """
    try:
        records = json.loads(text)
    except ValueError as error:
        raise EditFormatError(messages.edit_format_problem("not_json", detail=error)) from None
    if not isinstance(records, list):
        raise EditFormatError(messages.edit_format_problem("not_a_list", value=type(records).__name__))
    edits = []
    for number, record in enumerate(records, start=1):
        try:
            edits.append(edit_from_record(record))
        except EditFormatError as error:
            raise EditFormatError(error.detail, number) from None
        except (TypeError, ValueError) as error:  # a field of the wrong type for its class
            raise EditFormatError(str(error), number) from None
    return tuple(edits)


# -- comparing -------------------------------------------------------------------------------

COMPARISON_COLUMNS: tuple[str, ...] = (
    "condition",
    "site_id",
    "leg",
    "time_min_a",
    "time_min_b",
    "delta_min",
    "meets_a",
    "meets_b",
    "changed",
)


def _times(results: Results) -> pd.DataFrame:
    """condition, site_id, leg, time_min, meets: the results table's columns, from the checks
    directly (the table's reasons column costs re-checks a comparison does not need)."""
    frames = []
    for name, result in results.checks.items():
        reported = reported_min(result.times.time_min)  # (legs, sites)
        n_legs, n_sites = reported.shape
        frames.append(
            pd.DataFrame(
                {
                    "condition": name,
                    "site_id": np.repeat(
                        np.array([s.id for s in result.scenario.sites], dtype=object), n_legs
                    ),
                    "leg": np.tile(np.array(result.legs, dtype=object), n_sites),
                    "time_min": np.where(np.isfinite(reported), reported, np.nan).T.ravel(),
                    "meets": np.asarray(result.meets, dtype=bool).T.ravel(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["condition", "site_id", "leg", "time_min", "meets"])
    return pd.concat(frames, ignore_index=True)


def compare_results(a: Results, b: Results) -> pd.DataFrame:
    """Per (condition, site, leg) in both: reported minutes of ``a`` and ``b`` and the change.

    Columns :data:`COMPARISON_COLUMNS`. Sites are matched by id and legs by name, only
    conditions both hold count, rows in ``a``'s order. Times are NaN where no pathway
    delivers the leg (as in the results table); ``delta_min`` is ``b - a`` rounded to 0.1
    min, NaN unless both are reached; ``changed`` is true when the times differ (a leg
    reached in one and not the other has changed; unreached in both has not).
    """
    keys = ["condition", "site_id", "leg"]
    merged = _times(a).merge(_times(b), on=keys, how="inner", suffixes=("_a", "_b"))
    time_a, time_b = merged["time_min_a"], merged["time_min_b"]
    merged["delta_min"] = (time_b - time_a).round(1)
    merged["meets_a"] = merged["meets_a"].astype(bool)
    merged["meets_b"] = merged["meets_b"].astype(bool)
    merged["changed"] = (time_a != time_b) & ~(time_a.isna() & time_b.isna())
    return merged[list(COMPARISON_COLUMNS)]


def compare_scenarios(a: Scenario, b: Scenario) -> pd.DataFrame:
    """:func:`compare_results` of two scenarios checked under every one of :data:`CONDITIONS`."""
    return compare_results(check_all_conditions(a), check_all_conditions(b))


# -- the library -----------------------------------------------------------------------------


def default_path() -> Path:
    """``MEDEVAC_LIBRARY`` if set, else ``library.sqlite`` in the user's data folder."""
    chosen = os.environ.get(LIBRARY_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return user_data_path("medevac", appauthor=False) / LIBRARY_FILE


def _now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Library:
    """Saved variants in one SQLite file (:func:`default_path` unless ``path`` is given).

    Safe to share between threads and sessions: each call runs in one transaction, on a
    connection of its own thread (kept open between calls: closing the last connection to a
    WAL file checkpoints it, which would cost every call a few fsyncs). Nothing is read or
    created until the first call; :meth:`close` closes the calling thread's connection.
    """

    def __init__(self, path: str | Path | None = None, *, timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.timeout_s = timeout_s
        self._local = threading.local()

    def close(self) -> None:
        """Close this thread's connection (the next call opens another)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            with suppress(sqlite3.Error):
                connection.close()

    def __repr__(self) -> str:
        return f"Library({str(self.path)!r})"

    # -- connections -----------------------------------------------------------------------

    def _error(self, code: str, cls: type[LibraryError] = LibraryError, **fields: object) -> LibraryError:
        return cls(messages.library_error(code, path=self.path, **fields))

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise self._error("cannot_open", detail=error) from None
        connection.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        return connection

    def _translate(self, error: sqlite3.Error) -> LibraryError:
        text = str(error)
        name = getattr(error, "sqlite_errorname", "")
        if name in ("SQLITE_BUSY", "SQLITE_LOCKED") or (
            isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)
        ):
            return self._error("busy", timeout_s=self.timeout_s)
        if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
            return self._error("cannot_open", detail=text)
        return self._error("corrupt", LibraryCorruptError, detail=text)

    def _ensure_schema(self, connection: sqlite3.Connection) -> None:
        """Check the file is a library of this format; make the tables in an empty file."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        application = connection.execute("PRAGMA application_id").fetchone()[0]
        if version == SCHEMA_VERSION and application == APPLICATION_ID:
            return
        if application not in (0, APPLICATION_ID):
            raise self._error("not_a_library", LibraryCorruptError)
        if version > SCHEMA_VERSION:
            raise self._error("newer_library", LibraryCorruptError, found=version, known=SCHEMA_VERSION)
        connection.execute("PRAGMA journal_mode = WAL")  # persistent; outside any transaction
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]  # another may have won
            if version == 0:
                tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise self._error("not_a_library", LibraryCorruptError)
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction on this thread's connection: ``BEGIN IMMEDIATE`` (the write lock
        first, so two writers queue rather than deadlock) or a plain read snapshot."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        try:
            self._ensure_schema(connection)
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self.close()  # a file moved aside and made anew must not be read through the old one
            raise self._translate(error) from None
        except LibraryCorruptError:
            self.close()
            raise

    # -- rows ---------------------------------------------------------------------------------

    def _variant(self, row: Sequence[Any], *, lenient: bool = False) -> SavedVariant:
        """A row as a record; a damaged headline or edit list raises, or with ``lenient``
        (to delete it) reads as none."""
        variant_id = row[0]
        try:
            headline = tuple(Headline(**h) for h in json.loads(row[6]))
            edit_count = len(json.loads(row[7]))
        except (TypeError, ValueError) as error:
            if not lenient:
                raise self._error(
                    "bad_row", LibraryCorruptError, variant_id=variant_id, detail=error
                ) from None
            headline, edit_count = (), 0
        return SavedVariant(
            id=int(variant_id),
            name=str(row[1]),
            parent_key=str(row[2]),
            parent_name=str(row[3]),
            description=str(row[4]),
            created_utc=str(row[5]),
            headline=headline,
            edit_count=edit_count,
            edits_format=int(row[8]),
            medevac_version=str(row[9]),
            variant_key=str(row[10]),
        )

    def _row(self, connection: sqlite3.Connection, variant_id: int, columns: str) -> Sequence[Any]:
        row = connection.execute(
            f"SELECT {columns} FROM variants v JOIN parents p ON p.key = v.parent_key WHERE v.id = ?",
            (int(variant_id),),
        ).fetchone()
        if row is None:
            raise self._error("not_found", VariantNotFoundError, variant_id=variant_id)
        return tuple(row)

    def _checked_name(self, name: str) -> str:
        cleaned = " ".join(str(name).split())
        if not cleaned:
            raise self._error("empty_name", VariantNameError, name=name)
        if len(cleaned) > MAX_NAME_CHARS:
            raise self._error("long_name", VariantNameError, limit=MAX_NAME_CHARS, length=len(cleaned))
        return cleaned

    def _refuse_taken(
        self, connection: sqlite3.Connection, parent_key: str, name: str, parent_name: str, but: int = -1
    ) -> None:
        row = connection.execute(
            "SELECT id FROM variants WHERE parent_key = ? AND name = ? AND id != ?", (parent_key, name, but)
        ).fetchone()
        if row is not None:
            raise self._error(
                "duplicate_name", VariantNameError, parent=parent_name, name=name, other_id=row[0]
            )

    # -- the API ------------------------------------------------------------------------------

    def save(self, parent: Scenario, edits: Iterable[Edit], name: str) -> SavedVariant:
        """Save ``parent`` + ``edits`` as a variant called ``name``; return its row.

        The edits are applied and the variant checked under every condition first (bad edits
        raise :class:`ScenarioError`, and nothing is saved); only then is the write lock
        taken. A name already used for the same parent raises :class:`VariantNameError`.
        """
        edits = tuple(edits)
        name = self._checked_name(name)
        try:
            edits_text = edits_to_json(edits)
        except EditFormatError as error:
            raise self._error("unstorable_edit", LibraryError, detail=error.detail) from None
        variant = apply_edits(parent, edits)
        headline = headline_of(check_all_conditions(variant))
        parent_key = content_key(parent)
        parent_document = json.dumps(scenario_to_mapping(parent), ensure_ascii=False, allow_nan=False)
        headline_json = json.dumps([dataclasses.asdict(h) for h in headline])
        with using(DEFAULT_LANGUAGE):  # the stored description is data: English, whoever saves it
            description = describe_variant(edits)
        with self._transaction(write=True) as connection:
            self._refuse_taken(connection, parent_key, name, parent.name)
            connection.execute(
                "INSERT OR IGNORE INTO parents (key, name, document, folder) VALUES (?, ?, ?, ?)",
                (parent_key, parent.name, parent_document, str(parent.source_dir)),
            )
            cursor = connection.execute(
                "INSERT INTO variants (name, parent_key, edits_format, edits, description, variant_key, "
                "created_utc, headline, medevac_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    parent_key,
                    EDITS_FORMAT,
                    edits_text,
                    description,
                    content_key(variant),
                    _now_utc(),
                    headline_json,
                    __version__,
                ),
            )
            variant_id = int(cursor.lastrowid or 0)
            return self._variant(self._row(connection, variant_id, _VARIANT_COLUMNS))

    def list(self, parent_key: str | None = None) -> tuple[SavedVariant, ...]:
        """Every saved variant (of one parent scenario, by its content key), oldest first."""
        query = f"SELECT {_VARIANT_COLUMNS} FROM variants v JOIN parents p ON p.key = v.parent_key"
        with self._transaction(write=False) as connection:
            if parent_key is None:
                rows = connection.execute(f"{query} ORDER BY v.id").fetchall()
            else:
                rows = connection.execute(
                    f"{query} WHERE v.parent_key = ? ORDER BY v.id", (parent_key,)
                ).fetchall()
        return tuple(self._variant(row) for row in rows)

    def get(self, variant_id: int) -> SavedVariant:
        """One saved variant's row; :class:`VariantNotFoundError` for an unknown id."""
        with self._transaction(write=False) as connection:
            return self._variant(self._row(connection, variant_id, _VARIANT_COLUMNS))

    def parent(self, variant_id: int, *, source_dir: Path | None = None) -> Scenario:
        """The variant's parent scenario as saved, its files read from ``source_dir`` (default:
        the folder it was saved from, where its road layer was)."""
        with self._transaction(write=False) as connection:
            document, folder = self._row(connection, variant_id, "p.document, p.folder")
        try:
            data = json.loads(document)
        except ValueError as error:
            raise self._error("bad_row", LibraryCorruptError, variant_id=variant_id, detail=error) from None
        source = messages.variant_source(self.path, variant_id)
        return scenario_from_mapping(data, source=source, source_dir=source_dir or Path(folder))

    def edits(self, variant_id: int) -> tuple[Edit, ...]:
        """The variant's edits, read back; :class:`StaleVariantError` if this medevac cannot."""
        with self._transaction(write=False) as connection:
            text, edits_format, name = self._row(connection, variant_id, "v.edits, v.edits_format, v.name")
        if int(edits_format) > EDITS_FORMAT:
            raise self._error(
                "newer_edits",
                StaleVariantError,
                variant_id=variant_id,
                name=name,
                found=edits_format,
                known=EDITS_FORMAT,
            )
        try:
            return edits_from_json(text)
        except EditFormatError as error:
            raise self._error(
                "unreadable_edit",
                StaleVariantError,
                variant_id=variant_id,
                name=name,
                number=error.number,
                detail=error.detail,
            ) from None

    def edits_text(self, saved: SavedVariant) -> str:
        """A saved variant's edits in words, in the current language, from the edits
        themselves; its stored description (English data, written when saved) stands in
        when this medevac cannot read them back."""
        if current_language() == DEFAULT_LANGUAGE:
            return saved.description
        try:
            return describe_variant(self.edits(saved.id))
        except MedevacError:  # a stale or unreadable variant still shows what was saved
            return saved.description

    def open(self, variant_id: int, *, source_dir: Path | None = None) -> Scenario:
        """The variant: its parent with its edits re-applied by this medevac.

        :class:`StaleVariantError` when the edits cannot be read or no longer apply (an edit
        naming a facility the parent lacks, a value the validator now refuses); the parent
        alone still opens with :meth:`parent`.
        """
        parent = self.parent(variant_id, source_dir=source_dir)
        edits = self.edits(variant_id)
        try:
            return apply_edits(parent, edits)
        except ScenarioError as error:
            name = self.get(variant_id).name
            raise self._error(
                "stale_edits",
                StaleVariantError,
                variant_id=variant_id,
                name=name,
                parent=parent.name,
                detail="; ".join(problem_lines(error.problems)),
            ) from None

    def rename(self, variant_id: int, name: str) -> SavedVariant:
        """Give a variant a new name (unique under its parent); return its row."""
        name = self._checked_name(name)
        with self._transaction(write=True) as connection:
            parent_key, parent_name = self._row(connection, variant_id, "v.parent_key, p.name")
            self._refuse_taken(connection, parent_key, name, parent_name, but=int(variant_id))
            connection.execute("UPDATE variants SET name = ? WHERE id = ?", (name, int(variant_id)))
            return self._variant(self._row(connection, variant_id, _VARIANT_COLUMNS))

    def delete(self, variant_id: int) -> SavedVariant:
        """Remove a variant (and its parent document when no other variant needs it); return
        the row it had. A damaged row is removed too (its headline reads as none)."""
        with self._transaction(write=True) as connection:
            gone = self._variant(self._row(connection, variant_id, _VARIANT_COLUMNS), lenient=True)
            connection.execute("DELETE FROM variants WHERE id = ?", (int(variant_id),))
            connection.execute(
                "DELETE FROM parents WHERE key = ? AND NOT EXISTS "
                "(SELECT 1 FROM variants WHERE parent_key = ?)",
                (gone.parent_key, gone.parent_key),
            )
            return gone

    def compare(self, a_id: int, b_id: int) -> pd.DataFrame:
        """:func:`compare_scenarios` of two saved variants (``b`` against ``a``), re-opened and
        checked by this medevac."""
        return compare_scenarios(self.open(a_id), self.open(b_id))

    def export(self, variant_id: int, path: str | Path, *, force: bool = False) -> Path:
        """Write the variant as a scenario file (YAML), atomically; an existing file is never
        replaced unless ``force`` (:class:`medevac.files.OutputExistsError`). The files it
        names (road layer, patrols) are rewritten relative to the new file's folder."""
        path = Path(path)
        variant = self.open(variant_id)
        folder = path.parent.resolve()
        missing = [f for f in (folder, *folder.parents) if not f.exists()]  # innermost first
        try:
            folder.mkdir(parents=True, exist_ok=True)  # relative paths are checked from there
            return write_atomic(path, dump_scenario(relocated(variant, folder)), force=force)
        except BaseException:
            for made in missing:  # as medevac.files does: no empty folders left behind
                with suppress(OSError):
                    made.rmdir()
            raise


__all__ = [
    "CONDITIONS",
    "EDITS_FORMAT",
    "EDIT_KINDS",
    "LIBRARY_ENV",
    "EditFormatError",
    "Headline",
    "Library",
    "LibraryCorruptError",
    "LibraryError",
    "SavedVariant",
    "StaleVariantError",
    "VariantNameError",
    "VariantNotFoundError",
    "check_all_conditions",
    "compare_results",
    "compare_scenarios",
    "default_path",
    "edit_from_record",
    "edit_record",
    "edits_from_json",
    "edits_to_json",
    "headline_of",
]
