"""Road speeds: defaults by class and surface, wet-season factors and closures.

Every number here is a planning default with its source (see ``docs/roads.md``); a scenario
overrides them under ``ground:`` and a road layer's own ``dry_kmh``, ``wet_kmh`` and
``closed_wet`` columns take precedence over all class defaults (spec v1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from medevac.errors import RoadDataError
from medevac.geo import FloatArray
from medevac.model import Ground

BoolArray = npt.NDArray[np.bool_]

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
"""Base speed by road class, km/h: defaults of an open health-accessibility tool (domain.md)."""

SURFACE_FACTOR: Mapping[str, float] = MappingProxyType(
    {"paved": 0.9, "compacted": 0.85, "unpaved": 0.7, "unknown": 0.7}
)
"""Multiplier on the base speed by surface group (domain.md); ``unknown`` is assumed to be
as slow as unpaved, so that missing data never promises a faster evacuation."""

OSM_CLASS: Mapping[str, str] = MappingProxyType(
    {
        **{name: name for name in BASE_KMH},
        **{f"{name}_link": name for name in ("motorway", "trunk", "primary", "secondary", "tertiary")},
        "road": "unclassified",
        "living_street": "residential",
        "service": "residential",
        "footway": "path",
        "bridleway": "path",
        "cycleway": "path",
        "pedestrian": "path",
        "steps": "path",
    }
)
"""OSM ``highway`` values and their speed class (OSM wiki, Key:highway): a link road is
its road's class, ``road`` is a road of unknown class."""

OSM_NOT_ROADS = frozenset(
    {"construction", "proposed", "abandoned", "disused", "platform", "raceway", "corridor",
     "elevator", "escape", "bus_stop", "rest_area", "services", "razed", "no"}
)  # fmt: skip
"""OSM ``highway`` values that no vehicle drives on: dropped from the network."""

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
"""OSM ``surface`` values (OSM wiki, Key:surface) and the domain's three surface groups."""

ROUGH_SMOOTHNESS = frozenset({"very_bad", "horrible", "very_horrible"})
"""OSM ``smoothness`` values for which the wiki says only high-clearance or off-road
vehicles pass: such a road is driven no faster than a track."""

TRUE_TEXT = frozenset({"yes", "true", "1", "y", "t"})
FALSE_TEXT = frozenset({"no", "false", "0", "n", "f", ""})


@dataclass(frozen=True)
class SpeedSettings:
    """The speed rules of a scenario, hashable so loaded networks can be cached by them."""

    base_kmh: tuple[tuple[str, float], ...]
    surface_factor: tuple[tuple[str, float], ...]
    wet_factor_by_class: tuple[tuple[str, float], ...]
    wet_season_factor: float
    convoy_factor: float

    @classmethod
    def from_ground(cls, ground: Ground) -> SpeedSettings:
        """Defaults overlaid with the scenario's ``speeds_kmh``, ``surface_factors``, ``wet_factors``."""
        return cls(
            base_kmh=tuple(sorted({**BASE_KMH, **ground.speeds_kmh}.items())),
            surface_factor=tuple(sorted({**SURFACE_FACTOR, **ground.surface_factors}.items())),
            wet_factor_by_class=tuple(sorted(ground.wet_factors.items())),
            wet_season_factor=ground.wet_season_factor,
            convoy_factor=ground.convoy_factor,
        )


@dataclass(frozen=True)
class LineSpeeds:
    """Per line of a road layer: km/h in each season (0 = closed) and direction of travel.

    ``direction`` is +1 for one-way along the drawn line, -1 against it, 0 for both ways.
    """

    dry_kmh: FloatArray
    wet_kmh: FloatArray
    direction: npt.NDArray[np.int8]


def line_speeds(table: pd.DataFrame, settings: SpeedSettings, source: str) -> LineSpeeds:
    """Speeds of every line from its class, surface, smoothness and per-edge columns.

    Speed = base speed of the class x surface factor x convoy factor; in the wet season
    x the class's wet factor (default ``wet_season_factor``). ``dry_kmh`` / ``wet_kmh``
    replace the computed speed (still x convoy factor); ``closed_wet`` closes the line in
    the wet season; a wet speed is never above the dry one.

    >>> s = SpeedSettings.from_ground(Ground())
    >>> speeds = line_speeds(pd.DataFrame({"class": ["primary"], "surface": ["asphalt"]}), s, "x")
    >>> float(speeds.dry_kmh[0]), float(speeds.wet_kmh[0])  # 70 x 0.9, then x 0.5
    (63.0, 31.5)
    """
    n = len(table)
    base = dict(settings.base_kmh)
    road_class = road_classes(table, base, source)
    surface = surface_groups(table, dict(settings.surface_factor), source)
    class_kmh = np.array([base[c] for c in road_class], dtype=np.float64)
    surface_factor = dict(settings.surface_factor)
    dry = class_kmh * np.array([surface_factor[s] for s in surface], dtype=np.float64)
    smoothness = _text_column(table, "smoothness")
    if smoothness is not None:
        rough = np.isin(smoothness, list(ROUGH_SMOOTHNESS))
        dry = np.where(rough, np.minimum(dry, base.get("track", BASE_KMH["track"])), dry)
        dry = np.where(smoothness == "impassable", 0.0, dry)
    given_dry = _speed_column(table, "dry_kmh", source)
    dry = np.where(np.isnan(given_dry), dry, given_dry) * settings.convoy_factor
    wet_factor = dict(settings.wet_factor_by_class)
    factor = np.array([wet_factor.get(c, settings.wet_season_factor) for c in road_class])
    wet = dry * factor
    given_wet = _speed_column(table, "wet_kmh", source)
    wet = np.where(np.isnan(given_wet), wet, given_wet * settings.convoy_factor)
    wet = np.where(_bool_column(table, "closed_wet", source), 0.0, np.minimum(wet, dry))
    return LineSpeeds(
        dry_kmh=np.asarray(dry, dtype=np.float64),
        wet_kmh=np.asarray(wet, dtype=np.float64),
        direction=oneway_direction(table, source) if n else np.zeros(0, dtype=np.int8),
    )


def road_classes(table: pd.DataFrame, base_kmh: Mapping[str, float], source: str) -> list[str]:
    """Speed class of each line, from ``class`` (strict) or OSM ``highway`` (lenient).

    A ``class`` the speed table does not know is an error (a typo must not pick a speed);
    an OSM ``highway`` value that is not in the table is a road of unknown class.
    """
    if "class" in table.columns:
        values = _text_column(table, "class")
        assert values is not None
        mapped = [c if c in base_kmh else OSM_CLASS.get(c, c) for c in values]
        unknown = sorted({str(c) for c in mapped if c not in base_kmh})
        if unknown:
            raise RoadDataError(
                f"{source}: column 'class' has values {unknown!r}; allowed: {sorted(base_kmh)} "
                "or OSM highway values (or add the class to ground.speeds_kmh)"
            )
        return mapped
    if "highway" in table.columns:
        values = _text_column(table, "highway")
        assert values is not None
        return [c if c in base_kmh else OSM_CLASS.get(c, "unclassified") for c in values]
    if "dry_kmh" in table.columns and not np.isnan(_speed_column(table, "dry_kmh", source)).any():
        return ["unclassified"] * len(table)
    raise RoadDataError(
        f"{source}: a road layer needs a 'class' column (motorway ... path), an OSM 'highway' "
        f"column, or 'dry_kmh' on every line (columns found: {list(table.columns)})"
    )


def surface_groups(table: pd.DataFrame, factors: Mapping[str, float], source: str) -> list[str]:
    """Surface group of each line: paved, compacted, unpaved, or unknown when not given."""
    values = _text_column(table, "surface")
    if values is None:
        return ["unknown"] * len(table)
    return [s if s in factors else SURFACE_GROUP.get(s, "unknown") for s in values]


def is_road(table: pd.DataFrame) -> BoolArray:
    """Lines to keep: everything except OSM ``highway`` values no vehicle drives on."""
    if "class" in table.columns or "highway" not in table.columns:
        return np.ones(len(table), dtype=bool)
    values = _text_column(table, "highway")
    assert values is not None
    return np.asarray(~np.isin(values, list(OSM_NOT_ROADS)))


def oneway_direction(table: pd.DataFrame, source: str) -> npt.NDArray[np.int8]:
    """+1 one-way along the line, -1 against it (OSM ``oneway=-1``), 0 both ways."""
    values = _text_column(table, "oneway")
    if values is None:
        return np.zeros(len(table), dtype=np.int8)
    direction = np.zeros(len(table), dtype=np.int8)
    direction[np.isin(values, list(TRUE_TEXT))] = 1
    direction[np.isin(values, ["-1", "reverse"])] = -1
    return direction


def _text_column(table: pd.DataFrame, name: str) -> npt.NDArray[np.str_] | None:
    """A column as lower-case stripped text, missing values as ''; None when absent."""
    if name not in table.columns:
        return None
    column = table[name]
    text = column.where(column.notna(), "").astype(str).str.strip().str.lower()
    # OSMnx GraphML keeps lists of tags as text such as "['primary', 'secondary']": take the first.
    text = text.str.replace(r"^\[\s*'([^']*)'.*\]$", r"\1", regex=True)
    return np.asarray(text.to_numpy(dtype=str))


def _speed_column(table: pd.DataFrame, name: str, source: str) -> FloatArray:
    """A km/h column as floats, NaN where not given; values <= 0 are errors (use closures)."""
    if name not in table.columns:
        return np.full(len(table), np.nan)
    values = pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=np.float64)
    text_given = table[name].notna().to_numpy() & np.isnan(values)
    bad = text_given | (values <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RoadDataError(
            f"{source}: column {name!r}, line {row}: speeds must be numbers above 0 km/h "
            f"(got {table[name].iloc[row]!r}); close a road with 'closed_wet' or a closure layer"
        )
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
        raise RoadDataError(
            f"{source}: column {name!r}, line {row}: expected true/false or yes/no (got {values[row]!r})"
        )
    return np.asarray(np.isin(values, list(TRUE_TEXT)))
