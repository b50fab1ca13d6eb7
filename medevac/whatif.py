"""What-if variants: a baseline scenario plus a short list of edits, and what they change.

A variant is never a copy edited in place: it is the baseline and a tuple of small frozen
edits (add a Level 2 here, move that helicopter there, make it night-capable). That keeps a
variant describable ("+ Level 2 at Kidal (18.44, 1.41)"), cheap to store, re-appliable to a
baseline seen under other conditions, and savable as an ordinary scenario file.

Edits go through the scenario's plain mapping and are validated again by
:func:`medevac.scenario.scenario_from_mapping`, so a bad edit gets the same clear errors as
a bad file. Facility edits carry their airframes with them:

- moving a facility moves the airframes based there (a base names the facility);
- removing a facility **rebases** its airframes to the facility's position as a point base:
  closing a hospital does not close the airfield next to it. :func:`describe` says so.

The table edits (:class:`SetEntry`, :class:`AddEntry`, :class:`RemoveEntry`) change any field
of a site, facility or airframe, as the app's editable tables do; their values are scalars
under key paths of the file (``level``, ``launch.day``, ``base.lat``), so they are stored as
plain data like the others.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from medevac import messages
from medevac.check import CheckResult, check, make_router
from medevac.errors import Problem, ScenarioError
from medevac.ground import CachedRouter, GeodesicRouter, GroundRouter
from medevac.i18n import N_, format_template, gettext
from medevac.model import Level, Light, Scenario, Season, StandardName
from medevac.results import ALL_LEGS, LegDelta, Results, SiteChange, leg_minutes
from medevac.scenario import scenario_from_mapping, scenario_to_mapping
from medevac.standards import Leg

WHATIF_SOURCE = "<what-if>"
"""Name of a variant in error messages: its problems come from edits, not from a file."""

TIMELINE_KEYS: tuple[str, ...] = (
    "request",
    "approval",
    "on_scene",
    "handover",
    "ground_departure",
    "first_aid_on_site",
)
"""The timeline values of spec v1 that a what-if may set, in minutes."""


@dataclass(frozen=True)
class Point:
    """A place in WGS84 degrees, with an optional label (a town, a clicked cell)."""

    lat: float
    lon: float
    label: str | None = None

    def text(self) -> str:
        where = f"({self.lat:.2f}, {self.lon:.2f})"
        return f"{self.label} {where}" if self.label else where


@dataclass(frozen=True)
class AddFacility:
    facility_id: str
    level: Level
    at: Point
    helipad: bool = True
    airstrip: bool = False
    ground_team: bool = True
    name: str | None = None


@dataclass(frozen=True)
class MoveFacility:
    facility_id: str
    to: Point


@dataclass(frozen=True)
class RemoveFacility:
    facility_id: str


@dataclass(frozen=True)
class AddAirframe:
    airframe_id: str
    base: str | Point  # a facility id, or a point
    cruise_kmh: float
    range_km: float
    launch_day_min: float
    launch_night_min: float | None = None
    night: bool = False
    medical_team: bool = False
    kind: Literal["helicopter", "fixed_wing"] = "helicopter"
    type: str = ""


@dataclass(frozen=True)
class MoveAirframe:
    airframe_id: str
    base: str | Point  # a facility id, or a point


@dataclass(frozen=True)
class SetAirframe:
    """Change an airframe's state; fields left ``None`` keep their value."""

    airframe_id: str
    available: bool | None = None
    night: bool | None = None
    launch_day_min: float | None = None
    launch_night_min: float | None = None
    medical_team: bool | None = None
    availability: float | None = None  # robustness-v1: probability it flies when called


@dataclass(frozen=True)
class SetWeather:
    """The probability that the weather grounds every helicopter, per season (robustness-v1);
    ``None`` keeps."""

    dry: float | None = None
    wet: float | None = None


@dataclass(frozen=True)
class SetSite:
    """Change what a site has; fields left ``None`` keep their value (``first_responders``:
    trained first responders on site, spec v1)."""

    site_id: str
    first_responders: bool | None = None


@dataclass(frozen=True)
class SetTimeline:
    """Set timeline values (minutes), e.g. ``SetTimeline((("approval", 5.0),))``."""

    values: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class SetConvoyFactor:
    factor: float


@dataclass(frozen=True)
class SetConditions:
    """Light, season and profile (standard) the variant is checked under; ``None`` keeps."""

    light: Light | None = None
    season: Season | None = None
    standard: StandardName | None = None


EntryTable = Literal["sites", "facilities", "airframes"]
ENTRY_TABLES: tuple[EntryTable, ...] = ("sites", "facilities", "airframes")
"""The tables of entries a table edit may change."""

EntryValue: TypeAlias = str | float | int | bool | None
"""A value of a table edit: a scalar of the file; ``None`` removes the key (its default)."""

_ENTRY_TEXT = {"sites": N_("site"), "facilities": N_("facility"), "airframes": N_("airframe")}


@dataclass(frozen=True)
class SetEntry:
    """Change fields of one site, facility or airframe.

    ``values`` are ``(key, value)`` pairs, the key a path inside the entry as the file
    writes it (``level``, ``personnel``, ``launch.day``; ``base`` for a facility id, or
    ``base.lat`` and ``base.lon`` for a place), the value a scalar; ``None`` removes the key
    so it takes its default again. A facility given a new ``id`` takes the airframes based
    there with it.
    """

    table: EntryTable
    entry_id: str
    values: tuple[tuple[str, EntryValue], ...]


@dataclass(frozen=True)
class AddEntry:
    """Add a site, facility or airframe with these fields (key paths as :class:`SetEntry`)."""

    table: EntryTable
    values: tuple[tuple[str, EntryValue], ...]


@dataclass(frozen=True)
class RemoveEntry:
    """Remove a site, facility or airframe; a facility's airframes stay at its position
    (as :class:`RemoveFacility`)."""

    table: EntryTable
    entry_id: str


Edit: TypeAlias = (
    AddFacility
    | MoveFacility
    | RemoveFacility
    | AddAirframe
    | MoveAirframe
    | SetAirframe
    | SetWeather
    | SetSite
    | SetTimeline
    | SetConvoyFactor
    | SetConditions
    | SetEntry
    | AddEntry
    | RemoveEntry
)


# -- applying edits ------------------------------------------------------------------------


def apply_edits(scenario: Scenario, edits: Iterable[Edit]) -> Scenario:
    """The scenario with the edits applied in order, validated like a file.

    Never mutates its inputs. Raises :class:`ScenarioError` naming the edit at fault when an
    edit refers to something that does not exist, and the validator's own problems (with
    key paths such as ``facilities[3].lat``) when the result is not a valid scenario.
    """
    edits = tuple(edits)
    if not edits:
        return scenario
    data = scenario_to_mapping(scenario)  # a fresh plain copy: safe to change
    for number, edit in enumerate(edits):
        _apply(data, edit, number)
    return scenario_from_mapping(data, source=WHATIF_SOURCE, source_dir=scenario.source_dir)


def _problem(number: int, edit: Edit, value: object, allowed: str) -> ScenarioError:
    where = format_template(gettext("edit {number} ({edit})"), number=number + 1, edit=describe(edit))
    return ScenarioError([Problem(WHATIF_SOURCE, where, value, allowed)])


def _entry(data: dict[str, Any], key: str, entry_id: str, number: int, edit: Edit) -> dict[str, Any]:
    for item in data.get(key, []):
        if item.get("id") == entry_id:
            return item  # type: ignore[no-any-return]
    known = ", ".join(str(item.get("id")) for item in data.get(key, [])) or gettext("none")
    allowed = format_template(gettext("must name one of the {key} ({known})"), key=key, known=known)
    raise _problem(number, edit, entry_id, allowed)


def _location(point: Point) -> dict[str, float]:
    return {"lat": float(point.lat), "lon": float(point.lon)}


def _base(base: str | Point) -> str | dict[str, float]:
    return base if isinstance(base, str) else _location(base)


def _apply(data: dict[str, Any], edit: Edit, number: int) -> None:
    if isinstance(edit, AddFacility):
        facility: dict[str, Any] = {"id": edit.facility_id, "level": edit.level, **_location(edit.at)}
        if edit.name or edit.at.label:
            facility["name"] = edit.name or f"Level {edit.level}, {edit.at.label}"
        facility |= {"helipad": edit.helipad, "airstrip": edit.airstrip, "ground_team": edit.ground_team}
        data["facilities"] = [*data.get("facilities", []), facility]
    elif isinstance(edit, MoveFacility):
        _entry(data, "facilities", edit.facility_id, number, edit).update(_location(edit.to))
    elif isinstance(edit, RemoveFacility):
        _remove_facility(data, _entry(data, "facilities", edit.facility_id, number, edit))
    elif isinstance(edit, AddAirframe):
        launch: dict[str, float] = {"day": edit.launch_day_min}
        if edit.launch_night_min is not None:
            launch["night"] = edit.launch_night_min
        airframe: dict[str, Any] = {
            "id": edit.airframe_id,
            "type": edit.type,
            "kind": edit.kind,
            "base": _base(edit.base),
            "cruise_kmh": edit.cruise_kmh,
            "range_km": edit.range_km,
            "launch": launch,
            "night": edit.night,
            "medical_team": edit.medical_team,
        }
        data["airframes"] = [*data.get("airframes", []), airframe]
    elif isinstance(edit, MoveAirframe):
        _entry(data, "airframes", edit.airframe_id, number, edit)["base"] = _base(edit.base)
    elif isinstance(edit, SetAirframe):
        airframe = _entry(data, "airframes", edit.airframe_id, number, edit)
        for key in ("available", "night", "medical_team", "availability"):
            if getattr(edit, key) is not None:
                airframe[key] = getattr(edit, key)
        launch = dict(airframe.get("launch", {}))
        if edit.launch_day_min is not None:
            launch["day"] = edit.launch_day_min
        if edit.launch_night_min is not None:
            launch["night"] = edit.launch_night_min
        airframe["launch"] = launch
    elif isinstance(edit, SetWeather):
        weather = dict(data.get("weather", {}))
        weather |= {season: p for season, p in (("dry", edit.dry), ("wet", edit.wet)) if p is not None}
        data["weather"] = weather
    elif isinstance(edit, SetSite):
        site = _entry(data, "sites", edit.site_id, number, edit)
        if edit.first_responders is not None:
            site["first_responders"] = edit.first_responders
    elif isinstance(edit, SetTimeline):
        for key, _ in edit.values:
            if key not in TIMELINE_KEYS:
                allowed = format_template(gettext("timeline keys are {keys}"), keys=", ".join(TIMELINE_KEYS))
                raise _problem(number, edit, key, allowed)
        data["timeline"] = {**data.get("timeline", {}), **dict(edit.values)}
    elif isinstance(edit, SetConvoyFactor):
        data["ground"] = {**data.get("ground", {}), "convoy_factor": edit.factor}
    elif isinstance(edit, SetEntry | AddEntry | RemoveEntry):
        _apply_table_edit(data, edit, number)
    elif isinstance(edit, SetConditions):
        conditions = dict(data.get("conditions", {}))
        if edit.light is not None:
            conditions["light"] = edit.light
        if edit.season is not None:
            conditions["season"] = edit.season
        data["conditions"] = conditions
        if edit.standard is not None:
            data["standard"] = edit.standard


def _remove_facility(data: dict[str, Any], gone: dict[str, Any]) -> None:
    """Remove a facility; airframes based there get its position as a point base."""
    data["facilities"] = [f for f in data["facilities"] if f is not gone]
    for airframe in data.get("airframes", []):
        if airframe.get("base") == gone.get("id"):
            airframe["base"] = {"lat": gone.get("lat"), "lon": gone.get("lon")}


def _set_path(entry: dict[str, Any], key: str, value: EntryValue) -> None:
    """Set ``a.b`` inside an entry (a mapping made where a scalar was); ``None`` removes it."""
    *parents, last = key.split(".")
    node = entry
    for step in parents:
        child = node.get(step)
        if not isinstance(child, dict):
            child = {}
        node[step] = child = dict(child)
        node = child
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _apply_table_edit(data: dict[str, Any], edit: SetEntry | AddEntry | RemoveEntry, number: int) -> None:
    if edit.table not in ENTRY_TABLES:
        allowed = format_template(gettext("tables are {tables}"), tables=", ".join(ENTRY_TABLES))
        raise _problem(number, edit, edit.table, allowed)
    if isinstance(edit, AddEntry):
        entry: dict[str, Any] = {}
        for key, value in edit.values:
            _set_path(entry, key, value)
        data[edit.table] = [*data.get(edit.table, []), entry]
        return
    found = _entry(data, edit.table, edit.entry_id, number, edit)
    if isinstance(edit, RemoveEntry):
        if edit.table == "facilities":
            _remove_facility(data, found)
        else:
            data[edit.table] = [e for e in data[edit.table] if e is not found]
        return
    for key, value in edit.values:
        _set_path(found, key, value)
    new_id = found.get("id")
    if edit.table == "facilities" and new_id != edit.entry_id:
        for airframe in data.get("airframes", []):
            if airframe.get("base") == edit.entry_id:
                airframe["base"] = new_id


# -- describing edits ---------------------------------------------------------------------


def _minutes(value: float) -> str:
    return format_template(gettext("{minutes:g} min"), minutes=value)


def _t(template: str, **fields: object) -> str:
    """A template of the catalogue (marked with ``N_``), in the current language, its fields filled."""
    return format_template(gettext(template), **fields)


def describe(edit: Edit) -> str:
    """One line a planner reads, in the current language: ``+ Level 2 at Kidal (18.44, 1.41)``.

    >>> describe(AddFacility("new-l2", "2", Point(18.44, 1.41, "Kidal")))
    '+ Level 2 at Kidal (18.44, 1.41)'
    >>> describe(SetAirframe("puma-1", night=True))
    'puma-1: night-capable'
    """
    if isinstance(edit, AddFacility):
        if edit.at.label:
            return _t(N_("+ Level {level} at {place}"), level=edit.level, place=edit.at.text())
        return _t(
            N_("+ Level {level} {id} at {place}"), level=edit.level, id=edit.facility_id, place=edit.at.text()
        )
    if isinstance(edit, MoveFacility):
        return _t(
            N_("move {id} to {place} (its airframes move with it)"), id=edit.facility_id, place=edit.to.text()
        )
    if isinstance(edit, RemoveFacility):
        return _t(N_("- {id} (airframes based there stay at its position)"), id=edit.facility_id)
    if isinstance(edit, AddAirframe):
        base = edit.base if isinstance(edit.base, str) else edit.base.text()
        kind = gettext(messages.AIRFRAME_KIND_TEXT.get(edit.kind, edit.kind))
        text = _t(N_("+ {kind} {id} based at {base}"), kind=kind, id=edit.airframe_id, base=base)
        return text + (", " + gettext("night-capable") if edit.night else "")
    if isinstance(edit, MoveAirframe):
        base = edit.base if isinstance(edit.base, str) else edit.base.text()
        return _t(N_("rebase {id} to {base}"), id=edit.airframe_id, base=base)
    if isinstance(edit, SetAirframe):
        parts = []
        if edit.available is not None:
            parts.append(gettext("available") if edit.available else gettext("unavailable"))
        if edit.night is not None:
            parts.append(gettext("night-capable") if edit.night else gettext("day only"))
        if edit.launch_day_min is not None:
            parts.append(_t(N_("launch by day {minutes}"), minutes=_minutes(edit.launch_day_min)))
        if edit.launch_night_min is not None:
            parts.append(_t(N_("launch by night {minutes}"), minutes=_minutes(edit.launch_night_min)))
        if edit.medical_team is not None:
            parts.append(
                gettext("medical team on board") if edit.medical_team else gettext("no medical team")
            )
        if edit.availability is not None:
            parts.append(_t(N_("availability {share:.0%}"), share=edit.availability))
        return f"{edit.airframe_id}: " + ", ".join(parts or [gettext("unchanged")])
    if isinstance(edit, SetWeather):
        seasons = [(name, p) for name, p in (("dry", edit.dry), ("wet", edit.wet)) if p is not None]
        texts = [
            _t(N_("{share:.0%} in the dry season"), share=p)
            if name == "dry"
            else _t(N_("{share:.0%} in the wet season"), share=p)
            for name, p in seasons
        ]
        return _t(
            N_("weather grounds helicopters: {seasons}"), seasons=", ".join(texts) or gettext("unchanged")
        )
    if isinstance(edit, SetSite):
        if edit.first_responders is None:
            return f"{edit.site_id}: " + gettext("unchanged")
        return f"{edit.site_id}: " + (
            gettext("first responders") if edit.first_responders else gettext("no first responders")
        )
    if isinstance(edit, SetTimeline):
        values = ", ".join(f"{messages.timeline_text(k)} {_minutes(v)}" for k, v in edit.values)
        return _t(N_("timeline: {values}"), values=values)
    if isinstance(edit, SetConvoyFactor):
        return _t(N_("convoy factor {factor:g}"), factor=edit.factor)
    if isinstance(edit, SetEntry | AddEntry | RemoveEntry):
        return _describe_table_edit(edit)
    parts = [p for p in (edit.light, edit.season, edit.standard) if p is not None]
    words = [gettext(_CONDITION_TEXT[p]) if p in _CONDITION_TEXT else p for p in parts]  # a profile: its id
    return _t(N_("conditions: {changes}"), changes=", ".join(words or [gettext("unchanged")]))


_CONDITION_TEXT = {"day": N_("day"), "night": N_("night"), "dry": N_("dry"), "wet": N_("wet")}


def _value_text(value: EntryValue) -> str:
    if value is None:
        return gettext("default")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, float):
        return format_template("{value:g}", value=value)
    return str(value)


def _describe_table_edit(edit: SetEntry | AddEntry | RemoveEntry) -> str:
    """``facility kidal-l1: level 2``, ``+ site camp-x at (12.00, 1.00)``, ``- airframe puma-2``.

    >>> describe(SetEntry("facilities", "kidal-l1", (("level", "2"),)))
    'facility kidal-l1: level 2'
    """
    word = gettext(_ENTRY_TEXT[edit.table]) if edit.table in _ENTRY_TEXT else edit.table
    if isinstance(edit, RemoveEntry):
        if edit.table == "facilities":
            return _t(
                N_("- {what} {id} (airframes based there stay at its position)"), what=word, id=edit.entry_id
            )
        return f"- {word} {edit.entry_id}"
    if isinstance(edit, SetEntry):
        changes = ", ".join(f"{key} {_value_text(value)}" for key, value in edit.values)  # keys: the file's
        return f"{word} {edit.entry_id}: {changes or gettext('unchanged')}"
    values = dict(edit.values)
    text = f"+ {word} {_value_text(values.get('id'))}"
    if values.get("level") is not None:
        text = _t(
            N_("+ Level {level} {what} {id}"),
            level=values["level"],
            what=word,
            id=_value_text(values.get("id")),
        )
    lat, lon = values.get("lat", values.get("base.lat")), values.get("lon", values.get("base.lon"))
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        text += " " + _t(N_("at {place}"), place=Point(float(lat), float(lon)).text())
    elif isinstance(values.get("base"), str):
        text += " " + _t(N_("based at {base}"), base=values["base"])
    return text


def describe_variant(edits: Iterable[Edit]) -> str:
    """All edits of a variant on one line, ``; ``-separated (``baseline`` when none)."""
    texts = [describe(edit) for edit in edits]
    return messages.semicolon().join(texts) if texts else gettext("baseline")


@dataclass(frozen=True)
class Difference:
    """One way a variant scenario differs from its baseline, as data.

    ``section`` is a scenario key (``facilities``, ``timeline`` ...); for lists of entries,
    ``item`` is the entry's id and ``field`` is empty when the whole entry was added
    (``before`` None) or removed (``after`` None).
    """

    section: str
    item: str
    field: str
    before: Any
    after: Any


def differences(baseline: Scenario, variant: Scenario) -> tuple[Difference, ...]:
    """What a variant file changes, read off the two scenarios (a variant given as a file
    has no edits to describe it): entries added, removed or changed, field by field."""
    was, now = baseline.model_dump(mode="json"), variant.model_dump(mode="json")
    found: list[Difference] = []
    for section in dict.fromkeys([*was, *now]):
        old, new = was.get(section), now.get(section)
        if old == new:
            continue
        if (
            isinstance(old, list)
            and isinstance(new, list)
            and all(isinstance(e, dict) and "id" in e for e in [*old, *new])
        ):
            old_by_id = {e["id"]: e for e in old}
            new_by_id = {e["id"]: e for e in new}
            for item in dict.fromkeys([*old_by_id, *new_by_id]):
                a, b = old_by_id.get(item), new_by_id.get(item)
                if a is None or b is None:
                    found.append(Difference(section, item, "", a, b))
                    continue
                found += [
                    Difference(section, item, key, a.get(key), b.get(key))
                    for key in dict.fromkeys([*a, *b])
                    if a.get(key) != b.get(key)
                ]
        elif isinstance(old, dict) and isinstance(new, dict):
            found += [
                Difference(section, "", key, old.get(key), new.get(key))
                for key in dict.fromkeys([*old, *new])
                if old.get(key) != new.get(key)
            ]
        else:
            found.append(Difference(section, "", "", old, new))
    return tuple(found)


def content_key(scenario: Scenario) -> str:
    """A digest of everything a check depends on: the scenario's content and its folder.

    Two scenarios with the same key check the same, so caches can share results across
    sessions; JSON of the model is used because it is ten times quicker than YAML.
    """
    document = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(f"{document}\n{scenario.source_dir}".encode()).hexdigest()


MISSION_ROUTERS_KEPT = 4
"""Road routers remembered for what-ifs (one per road layer and ground settings)."""

_mission_routers: OrderedDict[str, CachedRouter] = OrderedDict()
_mission_routers_lock = threading.Lock()


def ground_key(scenario: Scenario) -> str:
    """A digest of what road times depend on: the ground settings and the files they name
    (path, size and modification time, so a layer changed on disk is read again)."""
    folder = scenario.source_dir
    files = [folder / name for name in (scenario.ground.roads, *scenario.ground.closures) if name]
    stats = [
        (str(path), *((path.stat().st_size, path.stat().st_mtime_ns) if path.exists() else ()))
        for path in files
    ]
    document = json.dumps([scenario.ground.model_dump(mode="json"), str(folder), stats], sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()


def mission_router(scenario: Scenario) -> GroundRouter:
    """The scenario's ground router, sharing road times with every variant of the same
    ground checked before: a what-if that adds a facility routes only to that facility.

    The no-roads estimate is cheap and returned as it is."""
    router = make_router(scenario)
    if isinstance(router, GeodesicRouter):
        return router
    key = ground_key(scenario)
    with _mission_routers_lock:
        known = _mission_routers.get(key)
        if known is None:
            known = _mission_routers[key] = CachedRouter(router)
            while len(_mission_routers) > MISSION_ROUTERS_KEPT:
                _mission_routers.popitem(last=False)
            return known
        _mission_routers.move_to_end(key)
    return known.sharing(router)


def evaluate(scenario: Scenario, router: GroundRouter | None = None) -> CheckResult:
    """Check a scenario under its own conditions: the one call the app and the bench make.

    Without ``router``, road times are shared between the variants of a mission
    (:func:`mission_router`)."""
    return check(scenario, router=router or mission_router(scenario))


# -- the planner's views of a result: thin adapters over medevac.results -----------------


def compare(baseline: CheckResult, variant: CheckResult) -> tuple[LegDelta, ...]:
    """Per leg of both profiles: sites and personnel gained or lost, and sites that changed.

    Sites are matched by id, so a variant may add or drop sites; only sites in both count.
    (:meth:`medevac.results.Results.compare`.)
    """
    return Results.of(baseline).compare(Results.of(variant))


def first_failed_leg(result: CheckResult) -> list[Leg | None]:
    """Per site, the first leg (in timeline order) it fails, ``None`` when it meets all."""
    return [tally["first_failed_leg"] for tally in Results.of(result).site_tally_records()]


def leg_summary(result: CheckResult) -> list[dict[str, Any]]:
    """Per leg: sites meeting it, of all, and the personnel share (the app's top row)."""
    rows = []
    for tally in Results.of(result).leg_tally_records(all_legs=False):
        people, total = int(tally["personnel_meeting"]), int(tally["personnel"])
        rows.append(
            {
                "leg": tally["leg"],
                "label": messages.leg_text(tally["leg"]),
                "threshold_min": tally["threshold_min"],
                "sites_meeting": int(tally["sites_meeting"]),
                "sites": int(tally["sites"]),
                "personnel_meeting": people,
                "personnel": total,
                "personnel_share": people / total if total else 1.0,
            }
        )
    return rows


def gap_rows(result: CheckResult) -> list[dict[str, Any]]:
    """Failing sites, worst first: the largest shortfall (minutes over a limit) leads.

    A leg no pathway delivers has an infinite shortfall and sorts first; ties go by
    personnel, largest first.
    """
    results = Results.of(result)
    names = result.names
    rows = []
    for site, gap in results.gap_records():
        records = results.site_records(site)
        shortfall = float(gap["shortfall_min"])
        row: dict[str, Any] = {
            "site_id": gap["site_id"],
            "name": gap["site_name"] or gap["site_id"],
            "personnel": int(gap["personnel"]),
            "failing_legs": ", ".join(messages.leg_text(leg) for leg in gap["failing_legs"]),
            "shortfall_min": shortfall if np.isfinite(shortfall) else None,
        }
        row |= leg_minutes(records)
        row["limiting_factor"] = messages.limiting_factor(records, names)
        rows.append(row)
    return rows


def variant_table(results: Mapping[str, CheckResult]) -> list[dict[str, Any]]:
    """One row per named result (baseline first, then variants): per leg sites and people."""
    rows = []
    for name, result in results.items():
        row: dict[str, Any] = {"variant": name}
        for tally in Results.of(result).leg_tally_records():
            label = "all legs" if tally["leg"] == ALL_LEGS else messages.leg_text(tally["leg"])
            row[f"{label}: sites"] = int(tally["sites_meeting"])
            row[f"{label}: personnel"] = int(tally["personnel_meeting"])
        rows.append(row)
    return rows


__all__ = [
    "ENTRY_TABLES",
    "AddAirframe",
    "AddEntry",
    "AddFacility",
    "Edit",
    "EntryTable",
    "EntryValue",
    "LegDelta",
    "MoveAirframe",
    "MoveFacility",
    "Point",
    "RemoveEntry",
    "RemoveFacility",
    "SetAirframe",
    "SetConditions",
    "SetConvoyFactor",
    "SetEntry",
    "SetSite",
    "SetTimeline",
    "SetWeather",
    "SiteChange",
    "apply_edits",
    "compare",
    "content_key",
    "describe",
    "describe_variant",
    "evaluate",
    "first_failed_leg",
    "gap_rows",
    "leg_summary",
    "variant_table",
]
