"""The ``settings`` sheet: two columns ``key, value``, keys written with dots as in the file.

Every key of a scenario file that is not a list of facilities, airframes or sites has a
row here (``conditions.light``, ``timeline.approval``, ``ground.road_kmh`` ...), so that a
scenario written as a workbook and read back is the same scenario. Files (a road layer,
closures, patrol lines) are carried as file names, relative to the file that names them.
Patrols are keys too: ``patrols.ID.name``, ``patrols.ID.personnel``, and either
``patrols.ID.file`` (a line file) or ``patrols.ID.path`` (``lat,lon; lat,lon; ...``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medevac.errors import Problem
from medevac.i18n import N_, format_template, gettext
from medevac.intake.tables import (
    BadCellError,
    Table,
    Where,
    choice,
    is_empty,
    number,
    path_points,
    text,
    whole,
)

STANDARDS = ("un-10-1-2", "nato-10-1-2-2", "custom")


@dataclass(frozen=True)
class Setting:
    """A settings key: how its value is typed, and what the template says about it."""

    key: str
    parse: Callable[[object], object]
    unit: str = ""
    allowed: str = ""
    default: str = ""
    choices: tuple[str, ...] = ()
    file: bool = False
    """The value is a file name, checked to exist and rewritten for the written scenario."""
    repeatable: bool = False
    """One row per item of a list (``ground.closures``)."""


def _version(value: object) -> object:
    if str(text(value)) in ("1", "1.0"):
        return 1
    raise BadCellError(gettext("1 (format v1)"))


def _minutes(key: str, default: str) -> Setting:
    return Setting(key, number(N_("minutes")), "min", N_("0 or more"), default)


def _choices(key: str, options: Sequence[str], default: str = "") -> Setting:
    return Setting(key, choice(options), "", ", ".join(options), default, tuple(options))


SETTINGS: tuple[Setting, ...] = (
    Setting("name", text, allowed=N_("text"), default=N_("the workbook's (or sites file's) name")),
    Setting("description", text, allowed=N_("text")),
    _choices("standard", STANDARDS, "un-10-1-2"),
    _choices("conditions.light", ("day", "night"), "day"),
    _choices("conditions.season", ("dry", "wet"), "dry"),
    Setting("thresholds.first_aid", number(N_("minutes")), "min", N_("more than 0; with standard custom")),
    Setting(
        "thresholds.resuscitation", number(N_("minutes")), "min", N_("more than 0; with standard custom")
    ),
    Setting("thresholds.surgery", number(N_("minutes")), "min", N_("more than 0; with standard custom")),
    Setting(
        "thresholds.primary_surgery", number(N_("minutes")), "min", N_("more than 0; optional fourth leg")
    ),
    _minutes("timeline.request", "10"),
    _minutes("timeline.approval", "10"),
    _minutes("timeline.on_scene", "10"),
    _minutes("timeline.handover", "5"),
    _minutes("timeline.ground_departure", "15"),
    _minutes("timeline.first_aid_on_site", "5"),
    Setting("ground.roads", text, allowed=N_("a road layer file, relative to this file"), file=True),
    Setting("ground.detour_factor", number(""), "", N_("1 or more (without roads)"), "1.4"),
    Setting("ground.road_kmh", number("km/h"), "km/h", N_("more than 0 (without roads)"), "40"),
    Setting("ground.off_road_kmh", number("km/h"), "km/h", N_("more than 0"), "5"),
    Setting("ground.wet_season_factor", number(""), "", N_("more than 0, at most 1"), "0.5"),
    Setting("ground.convoy_factor", number(""), "", N_("more than 0, at most 1"), "1"),
    Setting("ground.max_snap_km", number("km"), "km", N_("more than 0"), "10"),
    _choices("ground.snap_to", ("node", "segment"), "node"),
    Setting(
        "ground.closures",
        text,
        allowed=N_("a polygon layer file closing the roads it crosses; one row per file"),
        file=True,
        repeatable=True,
    ),
    Setting(
        "weather.dry",
        number(N_("probability")),
        N_("0 to 1"),
        N_("probability helicopters are grounded"),
        "0",
    ),
    Setting(
        "weather.wet",
        number(N_("probability")),
        N_("0 to 1"),
        N_("probability helicopters are grounded"),
        "0",
    ),
)
"""Fixed keys, in the order the template lists them."""

FIXED = {setting.key: setting for setting in SETTINGS}
VERSION = Setting("medevac", _version, allowed="1", default="1")

TABLE_KEYS: dict[str, Setting] = {
    "ground.speeds_kmh": Setting("ground.speeds_kmh.CLASS", number("km/h"), "km/h", N_("more than 0")),
    "ground.surface_factors": Setting(
        "ground.surface_factors.GROUP", number(""), "", "more than 0, at most 1"
    ),
    "ground.wet_factors": Setting(
        "ground.wet_factors.CLASS", number(""), "", N_("0 to 1 (0 closes the class)")
    ),
}
"""Keys that name an entry of a table: ``ground.speeds_kmh.track = 25``."""

PATROL_FIELDS: dict[str, Setting] = {
    "name": Setting("patrols.ID.name", text, allowed=N_("text")),
    "personnel": Setting("patrols.ID.personnel", whole, N_("people"), N_("a whole number, 0 or more"), "0"),
    "file": Setting("patrols.ID.file", text, allowed=N_("a line file (GeoJSON, GeoPackage...)"), file=True),
    "path": Setting(
        "patrols.ID.path", path_points, N_("degrees"), N_("lat,lon; lat,lon; ... (two points or more)")
    ),
}

KEYS_ALLOWED = (
    ", ".join(FIXED)
    + ", "
    + ", ".join(setting.key for setting in TABLE_KEYS.values())
    + ", patrols.ID.name, patrols.ID.personnel, patrols.ID.file, patrols.ID.path"
)


@dataclass
class TypedSettings:
    """Settings as (key path, value) pairs for the scenario document, with their cells."""

    values: dict[tuple[str, ...], object] = field(default_factory=dict)
    closures: list[str] = field(default_factory=list)
    patrols: dict[str, dict[str, object]] = field(default_factory=dict)
    origins: dict[str, tuple[Where, object]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    bad: set[str] = field(default_factory=set)


def _resolve(key: str) -> tuple[Setting, tuple[str, ...]] | None:
    """The setting a key names and its path in the scenario document; None when unknown."""
    lowered = key.lower()
    if lowered in FIXED:
        return FIXED[lowered], tuple(lowered.split("."))
    if lowered == "medevac":
        return VERSION, ("medevac",)
    for prefix, setting in TABLE_KEYS.items():
        if lowered.startswith(prefix + ".") and len(key) > len(prefix) + 1:
            return setting, (*prefix.split("."), key[len(prefix) + 1 :])
    if lowered.startswith("patrols.") and "." in key[len("patrols.") :]:
        patrol_id, _, name = key[len("patrols.") :].rpartition(".")
        if name.lower() in PATROL_FIELDS and patrol_id.strip():
            return PATROL_FIELDS[name.lower()], ("patrols", patrol_id.strip(), name.lower())
    return None


def file_names(table: Table) -> list[tuple[str, str]]:
    """``(key, file name)`` of every row naming a file (road layer, closures, patrol lines),
    as written, before anything is looked for: an upload places the files first."""
    named = []
    for record in table.records:
        raw_key, _ = record.cells.get("key", (None, record.where))
        raw_value, _ = record.cells.get("value", (None, record.where))
        if is_empty(raw_key) or is_empty(raw_value):
            continue
        resolved = _resolve(str(raw_key).strip())
        if resolved is not None and resolved[0].file:
            named.append((str(raw_key).strip(), str(raw_value).strip()))
    return named


def type_settings(table: Table, out_dir: Path) -> TypedSettings:
    """Typed settings; file names are checked next to the table's file and rewritten
    relative to ``out_dir``, where the scenario will be written."""
    typed = TypedSettings()
    typed.problems += table.problems
    for name in table.columns:
        if name not in ("key", "value"):
            where = table.headers.get(name, table.where)
            typed.problems.append(
                where.problem(name, gettext("unknown column; settings have two columns, key and value"))
            )
    folder = Path(table.where.file).parent
    seen: dict[str, int] = {}
    for record in table.records:
        raw_key, key_where = record.cells.get("key", (None, record.where.at("key")))
        raw_value, value_where = record.cells.get("value", (None, record.where.at("value")))
        if is_empty(raw_key):
            allowed = format_template(gettext("a key for the value {value}"), value=repr(raw_value))
            typed.problems.append(key_where.problem(None, allowed))
            continue
        key = str(raw_key).strip()
        resolved = _resolve(key)
        if resolved is None:
            allowed = format_template(gettext("unknown key; keys are {keys}"), keys=KEYS_ALLOWED)
            typed.problems.append(key_where.problem(key, allowed))
            continue
        setting, path = resolved
        dotted = ".".join(path)
        # Patrols are numbered in the document only once all rows are read: key them by id.
        origin_key = f"patrols<{path[1]}>.{path[2]}" if path[0] == "patrols" else dotted
        where = Where(
            value_where.file,
            value_where.sheet,
            value_where.row,
            value_where.column,
            value_where.letter,
            label=key,
        )
        if dotted in seen and not setting.repeatable:
            allowed = format_template(gettext("a key given once (also row {row})"), row=seen[dotted])
            typed.problems.append(key_where.problem(key, allowed))
            continue
        seen.setdefault(dotted, record.where.row or 0)
        if path[0] == "patrols":
            typed.patrols.setdefault(path[1], {})
            typed.origins.setdefault(f"patrols<{path[1]}>", (where, None))
        if is_empty(raw_value):
            continue  # empty takes the default
        try:
            value = setting.parse(raw_value)
            if setting.file:
                value = _file_name(str(value), folder, out_dir)
        except BadCellError as bad:
            typed.problems.append(where.problem(raw_value, str(bad)))
            typed.bad.add(origin_key)
            continue
        if path[0] == "patrols":
            typed.patrols[path[1]][path[2]] = value
            typed.origins[origin_key] = (where, raw_value)
        elif setting.repeatable:
            typed.origins[f"{dotted}[{len(typed.closures)}]"] = (where, raw_value)
            typed.closures.append(str(value))
        else:
            typed.values[path] = value
            typed.origins[dotted] = (where, raw_value)
    for patrol_id, fields in typed.patrols.items():
        where, _ = typed.origins[f"patrols<{patrol_id}>"]
        key = f"patrols<{patrol_id}>"
        if "file" in fields and "path" in fields:
            typed.problems.append(
                where.problem(
                    patrol_id,
                    format_template(gettext("patrols.{id}: a path or a file, not both"), id=patrol_id),
                )
            )
            typed.bad.add(key)
        elif "file" not in fields and "path" not in fields:
            if not {f"{key}.path", f"{key}.file"} & typed.bad:
                typed.problems.append(
                    where.problem(
                        None,
                        format_template(
                            gettext("a row patrols.{id}.path (lat,lon; lat,lon; ...) or patrols.{id}.file"),
                            id=patrol_id,
                        ),
                    )
                )
            typed.bad.add(key)
    return typed


def _file_name(name: str, folder: Path, out_dir: Path) -> str:
    """A file named relative to ``folder``, as the scenario in ``out_dir`` must name it."""
    path = Path(name)
    full = path if path.is_absolute() else folder.resolve() / path
    if not full.exists():
        raise BadCellError(format_template(gettext("an existing file (looked for {path})"), path=full))
    if path.is_absolute():
        return name
    return Path(os.path.relpath(full.resolve(), out_dir.resolve())).as_posix()


def apply_settings(document: dict[str, object], typed: TypedSettings) -> dict[str, str]:
    """Put the settings into a scenario document (over a base's values where it has one).

    Returns the map from the document's patrol key paths (``patrols[0]``) to the origin
    keys of :attr:`TypedSettings.origins`, to name cells in messages.
    """
    for path, value in typed.values.items():
        node = document
        for step in path[:-1]:
            child = node.get(step)
            if not isinstance(child, dict):
                child = {}
                node[step] = child
            node = child
        node[path[-1]] = value
    if typed.closures:
        ground = document.setdefault("ground", {})
        assert isinstance(ground, dict)
        ground["closures"] = list(typed.closures)
    aliases: dict[str, str] = {}
    if typed.patrols:
        patrols = []
        for index, (patrol_id, fields) in enumerate(typed.patrols.items()):
            patrols.append({"id": patrol_id, **fields})
            aliases[f"patrols[{index}]"] = f"patrols<{patrol_id}>"
        document["patrols"] = patrols
    return aliases


def settings_rows(document: Mapping[str, object], folder: Path, source_dir: Path) -> list[tuple[str, object]]:
    """(key, value) rows of a scenario document for the settings sheet (``template --from``).

    Every fixed key is listed, empty where the scenario leaves the default; file names are
    rewritten relative to ``folder``, where the workbook is written.
    """

    def moved(name: str) -> str:
        path = Path(name)
        if path.is_absolute():
            return name
        return Path(os.path.relpath((source_dir / path).resolve(), folder.resolve())).as_posix()

    def get(path: Sequence[str]) -> object:
        node: object = document
        for step in path:
            if not isinstance(node, Mapping) or step not in node:
                return None
            node = node[step]
        return node

    rows: list[tuple[str, object]] = []
    for setting in SETTINGS:
        value = get(setting.key.split("."))
        if setting.repeatable:
            items = value if isinstance(value, list) else []
            rows += [(setting.key, moved(str(item))) for item in items] or [(setting.key, None)]
            continue
        if setting.file and isinstance(value, str):
            value = moved(value)
        rows.append((setting.key, value))
    for prefix in TABLE_KEYS:
        table = get(prefix.split("."))
        if isinstance(table, Mapping):
            rows += [(f"{prefix}.{name}", value) for name, value in table.items()]
    patrols = document.get("patrols")
    for patrol in patrols if isinstance(patrols, list) else []:
        patrol_id = patrol["id"]
        for name in ("name", "personnel"):
            if name in patrol:
                rows.append((f"patrols.{patrol_id}.{name}", patrol[name]))
        path = patrol.get("path")
        if isinstance(path, Mapping):
            rows.append((f"patrols.{patrol_id}.file", moved(str(path["file"]))))
        elif isinstance(path, list):
            points = "; ".join(f"{point['lat']!r},{point['lon']!r}" for point in path)
            rows.append((f"patrols.{patrol_id}.path", points))
    return rows
