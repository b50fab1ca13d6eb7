"""Road speeds: defaults by class and surface, wet-season factors and closures.

Every number here is a planning default with its source (see ``docs/roads.md``); a scenario
overrides them under ``ground:`` and a road layer's own ``dry_kmh``, ``wet_kmh`` and
``closed_wet`` columns take precedence over all class defaults (spec v1).

OSM tags are read as OSM means them: only ways a vehicle may drive are kept, a value with
no speed class is left out and reported (never given a guessed speed), and several values
on one line (``paved;cobblestone``, an OSMnx list) take the slowest reading.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from medevac.errors import RoadDataError, located
from medevac.geo import FloatArray
from medevac.i18n import N_, format_template, gettext, ngettext
from medevac.model import MAX_KMH, MIN_KMH, Ground

BoolArray = npt.NDArray[np.bool_]
Parts = tuple[str, ...]


class RoadDataWarning(UserWarning):
    """A road layer that is usable, but not all of it as given: says what was left out."""


BASE_KMH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 90.0,
        "trunk": 80.0,
        "primary": 70.0,
        "secondary": 60.0,
        "tertiary": 50.0,
        "unclassified": 40.0,
        "residential": 30.0,
        "track": 20.0,
        "path": 10.0,
    }
)
"""Base speed by road class, km/h: defaults of an open health-accessibility tool
(``docs/sources.md``, ``health-access-speeds``)."""

SURFACE_FACTOR: Mapping[str, float] = MappingProxyType(
    {"paved": 0.9, "compacted": 0.85, "unpaved": 0.7, "unknown": 0.7}
)
"""Multiplier on the base speed by surface group (``docs/sources.md``, ``health-access-speeds``);
``unknown`` is assumed to be as slow as unpaved, so that missing data never promises a
faster evacuation."""

OSM_CLASS: Mapping[str, str] = MappingProxyType(
    {
        **{name: name for name in BASE_KMH if name != "path"},
        **{f"{name}_link": name for name in ("motorway", "trunk", "primary", "secondary", "tertiary")},
        "road": "unclassified",
        "living_street": "residential",
        "service": "residential",
    }
)
"""OSM ``highway`` values a vehicle drives on and their speed class (OSM wiki, Key:highway):
a link road is its road's class, ``road`` is a road of unknown class (taken as the lowest
through road), living streets and service roads are streets of the residential kind."""

CLASS_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **OSM_CLASS,
        **dict.fromkeys(["footway", "bridleway", "cycleway", "pedestrian", "steps", "trail"], "path"),
    }
)
"""OSM names a planner's own ``class`` column may use besides the speed classes. A planner
who draws a footway into a road layer means it as a route: at the path speed."""

OSM_NOT_ROADS = frozenset(
    {"path", "footway", "cycleway", "bridleway", "pedestrian", "steps", "trail", "corridor",
     "elevator", "escalator", "ladder", "via_ferrata", "bus_guideway", "busway", "escape",
     "raceway", "platform", "bus_stop", "rest_area", "services", "construction", "proposed",
     "planned", "abandoned", "disused", "razed", "no"}
)  # fmt: skip
"""OSM ``highway`` values dropped from the network (OSM wiki, Key:highway): ways for feet,
bicycles or horses (``path``, ``footway``, ``trail`` ...), for buses only, no route (escape
lanes, platforms, rest areas), or no road yet or any more (``construction``, ``proposed``,
``abandoned``). A scenario that gives one a speed in ``ground.speeds_kmh`` keeps it."""

ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
"""OSM access tags that concern a car, the most specific first (OSM wiki, Key:access): the
first one a line carries decides whether it is open."""

CLOSED_ACCESS = frozenset({"no", "private"})
"""Access values that close a way to an evacuation vehicle (also as one of several values)."""

CIRCULAR_JUNCTIONS = frozenset({"roundabout", "circular"})
"""OSM ``junction`` values that imply ``oneway=yes`` (OSM wiki, Tag:junction=roundabout and
Tag:junction=circular): one-way along the drawing unless ``oneway`` says otherwise."""

SURFACE_GROUP: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            ["paved", "asphalt", "concrete", "concrete:plates", "concrete:lanes", "paving_stones",
             "sett", "cobblestone", "unhewn_cobblestone", "chipseal", "metal", "wood", "bricks"],
            "paved",
        ),
        **dict.fromkeys(["compacted", "fine_gravel"], "compacted"),
        **dict.fromkeys(
            ["unpaved", "dirt", "gravel", "ground", "earth", "sand", "mud", "grass", "pebblestone",
             "rock", "laterite", "murram", "clay", "soil", "dirt/sand", "grass_paver", "woodchips"],
            "unpaved",
        ),
    }
)  # fmt: skip
"""OSM ``surface`` values (OSM wiki, Key:surface) and the three surface groups of
``docs/sources.md`` (``health-access-speeds``)."""

ROUGH_SMOOTHNESS = frozenset({"very_bad", "horrible", "very_horrible"})
"""OSM ``smoothness`` values for which the wiki says only high-clearance or off-road
vehicles pass: such a road is driven no faster than a track."""

TRUE_TEXT = frozenset({"yes", "true", "1", "y", "t"})
FALSE_TEXT = frozenset({"no", "false", "0", "n", "f", ""})

NO_HIGHWAY = N_("(no highway value)")
"""How a line of an OSM layer without a ``highway`` value is named in the warning."""


@dataclass(frozen=True)
class SpeedSettings:
    """The speed rules of a scenario, hashable so loaded networks can be cached by them."""

    base_kmh: tuple[tuple[str, float], ...]
    surface_factor: tuple[tuple[str, float], ...]
    wet_factor_by_class: tuple[tuple[str, float], ...]
    wet_season_factor: float
    convoy_factor: float
    named_classes: tuple[str, ...] = ()
    """The classes the scenario itself gives a speed (``ground.speeds_kmh``): an OSM value
    that is otherwise dropped (``footway``, ``path`` ...) is kept when named here."""

    @property
    def kmh_by_class(self) -> dict[str, float]:
        return dict(self.base_kmh)

    @classmethod
    def from_ground(cls, ground: Ground) -> SpeedSettings:
        """Defaults overlaid with the scenario's ``speeds_kmh``, ``surface_factors``, ``wet_factors``."""
        return cls(
            base_kmh=tuple(sorted({**BASE_KMH, **ground.speeds_kmh}.items())),
            surface_factor=tuple(sorted({**SURFACE_FACTOR, **ground.surface_factors}.items())),
            wet_factor_by_class=tuple(sorted(ground.wet_factors.items())),
            wet_season_factor=ground.wet_season_factor,
            convoy_factor=ground.convoy_factor,
            named_classes=tuple(sorted(ground.speeds_kmh)),
        )


@dataclass(frozen=True)
class LineSpeeds:
    """Per line of a road layer: km/h in each season (0 = closed) and direction of travel.

    ``direction`` is +1 for one-way along the drawn line, -1 against it, 0 for both ways.
    """

    dry_kmh: FloatArray
    wet_kmh: FloatArray
    direction: npt.NDArray[np.int8]


@dataclass(frozen=True)
class RoadClasses:
    """Per line of a layer: its speed class, whether a vehicle may drive it, and why not.

    ``unknown`` holds the line's OSM ``highway`` value(s) where the speed table has no class
    for them (:data:`NO_HIGHWAY` where it has none), ``''`` elsewhere: such a line is left
    out and reported, never given a guessed speed.
    """

    name: list[str]
    drivable: BoolArray
    unknown: npt.NDArray[np.str_]


def line_speeds(table: pd.DataFrame, settings: SpeedSettings, source: str) -> LineSpeeds:
    """Speeds of every line from its class, surface, smoothness and per-edge columns.

    Speed = base speed of the class x surface factor x convoy factor; in the wet season
    x the class's wet factor (default ``wet_season_factor``). ``dry_kmh`` / ``wet_kmh``
    replace the computed speed (still x convoy factor); ``closed_wet`` closes the line in
    the wet season; a wet speed is never above the dry one. A line :func:`classify` would
    leave out (the loader drops those first) is closed: 0 km/h, never a guessed speed.

    >>> s = SpeedSettings.from_ground(Ground())
    >>> speeds = line_speeds(pd.DataFrame({"class": ["primary"], "surface": ["asphalt"]}), s, "x")
    >>> float(speeds.dry_kmh[0]), float(speeds.wet_kmh[0])  # 70 x 0.9, then x 0.5
    (63.0, 31.5)
    """
    n = len(table)
    base = settings.kmh_by_class
    classes = classify(table, settings, source)
    surface_factor = dict(settings.surface_factor)
    surface = surface_groups(table, surface_factor)
    class_kmh = np.array([base.get(c, 0.0) for c in classes.name], dtype=np.float64)
    dry = class_kmh * np.array([surface_factor[s] for s in surface], dtype=np.float64)
    rough = _per_value(table, "smoothness", lambda parts: bool(ROUGH_SMOOTHNESS.intersection(parts)))
    impassable = _per_value(table, "smoothness", lambda parts: "impassable" in parts)
    if rough is not None and impassable is not None:
        dry = np.where(rough, np.minimum(dry, base.get("track", BASE_KMH["track"])), dry)
        dry = np.where(impassable, 0.0, dry)
    given_dry = _speed_column(table, "dry_kmh", source)
    dry = np.where(np.isnan(given_dry), dry, given_dry)
    dry = np.where(classes.drivable, dry, 0.0) * settings.convoy_factor
    wet_factor = dict(settings.wet_factor_by_class)
    factor = np.array([wet_factor.get(c, settings.wet_season_factor) for c in classes.name])
    wet = dry * factor
    given_wet = _speed_column(table, "wet_kmh", source)
    wet = np.where(np.isnan(given_wet), wet, given_wet * settings.convoy_factor)
    wet = np.where(_bool_column(table, "closed_wet", source), 0.0, np.minimum(wet, dry))
    return LineSpeeds(
        dry_kmh=np.asarray(dry, dtype=np.float64),
        wet_kmh=np.asarray(wet, dtype=np.float64),
        direction=oneway_direction(table, source) if n else np.zeros(0, dtype=np.int8),
    )


def classify(table: pd.DataFrame, settings: SpeedSettings, source: str) -> RoadClasses:
    """Speed class of each line, from ``class`` (strict) or OSM ``highway`` (as OSM means it).

    A ``class`` the speed table does not know is an error (a typo must not pick a speed);
    every line of such a planner's layer is a route. With OSM ``highway`` instead, a line
    is dropped when no vehicle may drive it (:data:`OSM_NOT_ROADS` unless the scenario
    names it in ``ground.speeds_kmh``, ``area=yes``, or closed
    by its most specific access tag, :data:`ACCESS_KEYS`) and left out as *unknown* when
    its value has no speed class, unless it has its own ``dry_kmh``. Several values on one
    line (OSM ``a;b``, an OSMnx GraphML list ``['a', 'b']``, i.e. a simplified edge made
    of several ways) take the slowest class, and a value no vehicle drives drops the line:
    a conservative planning reading.

    >>> c = classify(pd.DataFrame({"highway": ["primary_link", "['residential', 'secondary']",
    ...                                        "footway", "residental"]}),
    ...              SpeedSettings.from_ground(Ground()), "x")
    >>> c.name[:2], c.drivable.tolist(), c.unknown.tolist()
    (['primary', 'residential'], [True, True, False, False], ['', '', '', 'residental'])
    """
    n = len(table)
    base_kmh = settings.kmh_by_class
    given_dry = ~np.isnan(_speed_column(table, "dry_kmh", source))
    nothing_unknown = np.full(n, "", dtype=np.str_)
    if "class" in table.columns:
        verdicts = _per_value(table, "class", lambda parts: _slowest(parts, base_kmh, CLASS_ALIASES))
        assert verdicts is not None
        bad = sorted(
            {part for status, _, label in verdicts if status == "unknown" for part in label.split(";")}
        )
        if bad:
            template = gettext(
                "column 'class' has values {bad}; allowed: {allowed} "
                "or OSM highway values (or add the class to ground.speeds_kmh)"
            )
            detail = format_template(template, bad=repr(bad), allowed=sorted(base_kmh))
            raise RoadDataError(located(source, detail))
        return RoadClasses([str(v[1]) for v in verdicts], np.ones(n, dtype=bool), nothing_unknown)
    if "highway" in table.columns:
        dropped = OSM_NOT_ROADS.difference(settings.named_classes)
        verdicts = _per_value(table, "highway", lambda parts: _slowest(parts, base_kmh, OSM_CLASS, dropped))
        assert verdicts is not None
        status = np.array([v[0] for v in verdicts], dtype=np.str_)
        unknown = (status == "unknown") & ~given_dry
        drivable = (status == "road") | ((status == "unknown") & given_dry)
        area = _per_value(table, "area", lambda parts: "yes" in parts)
        if area is not None:
            drivable &= ~area.astype(bool)
        drivable &= ~access_closed(table)
        labels = np.array([v[2] for v in verdicts], dtype=np.str_)
        return RoadClasses(
            [str(v[1]) for v in verdicts],
            np.asarray(drivable, dtype=bool),
            np.where(unknown, labels, nothing_unknown),
        )
    if "dry_kmh" in table.columns and given_dry.all():
        return RoadClasses(["unclassified"] * n, np.ones(n, dtype=bool), nothing_unknown)
    template = gettext(
        "a road layer needs a 'class' column (motorway ... path), an OSM 'highway' "
        "column, or 'dry_kmh' on every line (columns found: {columns})"
    )
    raise RoadDataError(located(source, format_template(template, columns=list(table.columns))))


def _slowest(
    parts: Parts,
    base_kmh: Mapping[str, float],
    aliases: Mapping[str, str],
    dropped: frozenset[str] | None = None,
) -> tuple[str, str, str]:
    """``(status, class, label)`` of one cell: ``road`` and its slowest class; ``dropped``
    (OSM, ``dropped`` given: a value no vehicle drives); or ``unknown`` and the values
    without a class. An unknown line's own values stand as its class, for ``wet_factors``.
    """
    if not parts:
        return ("unknown", "", "" if dropped is None else NO_HIGHWAY)
    known: list[str] = []
    unknown: list[str] = []
    for part in parts:
        if dropped is not None and part in dropped:
            return ("dropped", part, "")
        if part in base_kmh:
            known.append(part)
        elif part in aliases:
            known.append(aliases[part])
        else:
            unknown.append(part)
    if unknown:
        return ("unknown", ";".join(parts), ";".join(unknown))
    return ("road", min(known, key=lambda c: base_kmh[c]), "")


def is_road(table: pd.DataFrame, settings: SpeedSettings, source: str = "") -> BoolArray:
    """Lines to keep: every line of a planner's ``class`` layer; of an OSM layer the ways a
    vehicle may drive that have a speed class (see :func:`classify`)."""
    return classify(table, settings, source).drivable


def access_closed(table: pd.DataFrame) -> BoolArray:
    """Lines closed to a car by their most specific access tag (``motorcar`` over
    ``motor_vehicle`` over ``vehicle`` over ``access``): ``no`` or ``private``.

    >>> access_closed(pd.DataFrame({"access": ["private", "no", None], "motor_vehicle": [None, "yes", None]}))
    array([ True, False, False])
    """
    closed = np.zeros(len(table), dtype=bool)
    decided = np.zeros(len(table), dtype=bool)
    for key in ACCESS_KEYS:
        given = _per_value(table, key, bool)
        shut = _per_value(table, key, lambda parts: bool(CLOSED_ACCESS.intersection(parts)))
        if given is None or shut is None:
            continue
        closed |= ~decided & given.astype(bool) & shut.astype(bool)
        decided |= given.astype(bool)
    return closed


def unknown_class_message(unknown: npt.NDArray[np.str_], length_km: FloatArray, source: str) -> str:
    """The warning for lines left out because their OSM class has no speed: each value with
    its number of lines and km, longest first, and how to route them.

    >>> text = unknown_class_message(np.array(["trial", "trial", "ford"]), np.array([1.0, 2.5, 0.25]), "x")
    >>> text.split(": ", 2)[1:]
    ['3 lines (3.8 km) left out', "no speed for their OSM highway value: 'trial' (2 lines, 3.5 km), \
'ford' (1 line, 0.2 km); give a value a speed in ground.speeds_kmh to route it"]
    """
    values, inverse = np.unique(unknown, return_inverse=True)
    km = np.bincount(inverse.ravel(), weights=length_km, minlength=len(values))
    count = np.bincount(inverse.ravel(), minlength=len(values))

    def lines(k: int) -> str:
        return format_template(ngettext("{n} line", "{n} lines", k), n=k)

    items = ", ".join(
        format_template(
            gettext("{value} ({lines}, {km:.1f} km)"),
            value=gettext(NO_HIGHWAY) if values[i] == NO_HIGHWAY else repr(str(values[i])),
            lines=lines(int(count[i])),
            km=float(km[i]),
        )
        for i in np.argsort(-km, kind="stable")
    )
    template = gettext(
        "{source}: {lines} ({km:.1f} km) left out: no speed for their OSM highway value: {items}; "
        "give a value a speed in ground.speeds_kmh to route it"
    )
    return format_template(
        template, source=source, lines=lines(len(unknown)), km=float(np.sum(length_km)), items=items
    )


def surface_groups(table: pd.DataFrame, factors: Mapping[str, float]) -> list[str]:
    """Surface group of each line: paved, compacted, unpaved, or unknown when not given.

    Several values (OSM ``paved;cobblestone``, an OSMnx list) take the worst, the group
    with the smallest factor; a value that is not an OSM surface counts as unknown.

    >>> table = pd.DataFrame({"surface": ["paved;cobblestone", "asphalt;gravel", None]})
    >>> surface_groups(table, SURFACE_FACTOR)
    ['paved', 'unpaved', 'unknown']
    """

    def worst(parts: Parts) -> str:
        groups = [p if p in factors else SURFACE_GROUP.get(p, "unknown") for p in parts] or ["unknown"]
        return min(groups, key=lambda g: factors[g])

    groups = _per_value(table, "surface", worst)
    return ["unknown"] * len(table) if groups is None else [str(g) for g in groups]


def oneway_direction(table: pd.DataFrame, source: str) -> npt.NDArray[np.int8]:
    """+1 one-way along the line, -1 against it (OSM ``oneway=-1``), 0 both ways.

    A roundabout (``junction=roundabout`` or ``circular``) without ``oneway`` is one-way
    along its drawing, as OSM implies; an explicit ``oneway=no`` keeps it two-way.
    """
    values = _text_column(table, "oneway")
    direction = np.zeros(len(table), dtype=np.int8)
    if values is not None:
        direction[np.isin(values, list(TRUE_TEXT))] = 1
        direction[np.isin(values, ["-1", "reverse"])] = -1
    circular = _per_value(table, "junction", lambda parts: bool(CIRCULAR_JUNCTIONS.intersection(parts)))
    if circular is not None:
        unset = np.ones(len(table), dtype=bool) if values is None else np.isin(values, ["", "nan", "none"])
        direction[circular.astype(bool) & unset] = 1
    return direction


def split_values(value: str) -> Parts:
    """The values of one cell, lower case: OSM multi-values ``a;b`` and OSMnx GraphML lists
    ``"['a', 'b']"`` split, blanks dropped.

    >>> split_values("paved;Cobblestone"), split_values("['residential', 'secondary']")
    (('paved', 'cobblestone'), ('residential', 'secondary'))
    """
    text = value.strip().lower()
    items = [text]
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            parsed = None
        if isinstance(parsed, list):
            items = [str(item).lower() for item in parsed]
    return tuple(part.strip() for item in items for part in item.split(";") if part.strip())


def _per_value(table: pd.DataFrame, name: str, rule: Callable[[Parts], Any]) -> npt.NDArray[Any] | None:
    """``rule`` of each line's values in column ``name`` (``()`` where missing), worked out
    once per distinct value; None when there is no such column."""
    if name not in table.columns:
        return None
    codes, distinct = pd.factorize(table[name].astype("string"))
    results = np.empty(len(distinct) + 1, dtype=object)
    results[:] = [rule(split_values(str(v))) for v in distinct] + [rule(())]
    mapped: npt.NDArray[Any] = results[np.asarray(codes)]  # a missing value's code, -1, is rule(())
    return mapped


def _text_column(table: pd.DataFrame, name: str) -> npt.NDArray[np.str_] | None:
    """A column as lower-case stripped text, missing values as ''; None when absent."""
    if name not in table.columns:
        return None
    column = table[name]
    text = column.where(column.notna(), "").astype(str).str.strip().str.lower()
    return np.asarray(text.to_numpy(dtype=str))


def _speed_column(table: pd.DataFrame, name: str, source: str) -> FloatArray:
    """A km/h column as floats, NaN where not given; values outside the speeds a scenario
    may give (``MIN_KMH`` to ``MAX_KMH``, finite) are errors: close a road rather than slow it
    to nothing, which would make every time through it infinite or overflow."""
    if name not in table.columns:
        return np.full(len(table), np.nan)
    values = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=np.float64)
    text_given = table[name].notna().to_numpy() & np.isnan(values)
    with np.errstate(invalid="ignore"):
        bad = text_given | (values < MIN_KMH) | (values > MAX_KMH) | np.isinf(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        template = gettext(
            "column {column}, line {row}: speeds must be numbers from {min_kmh:g} to {max_kmh:,.0f} km/h "
            "(got {value}); close a road with 'closed_wet' or a closure layer"
        )
        detail = format_template(
            template,
            column=repr(name),
            row=row,
            min_kmh=MIN_KMH,
            max_kmh=MAX_KMH,
            value=repr(table[name].iloc[row]),
        )
        raise RoadDataError(located(source, detail))
    return values


def _bool_column(table: pd.DataFrame, name: str, source: str) -> BoolArray:
    """A yes/no column (bool, 0/1 or text), missing values as no."""
    values = _text_column(table, name)
    if values is None:
        return np.zeros(len(table), dtype=bool)
    values = np.char.replace(values, ".0", "")
    bad = ~np.isin(values, [*TRUE_TEXT, *FALSE_TEXT, "nan", "none"])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        template = gettext("column {column}, line {row}: expected true/false or yes/no (got {value})")
        raise RoadDataError(
            located(source, format_template(template, column=repr(name), row=row, value=repr(values[row])))
        )
    return np.asarray(np.isin(values, list(TRUE_TEXT)))
