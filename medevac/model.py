"""Domain objects of a scenario (spec v1): frozen, validated on construction.

These classes are both the in-memory model and the schema of the file format: every key
of ``scenario-v1`` is a field here, unknown keys are rejected (a typo must never drop a
constraint silently), and :func:`medevac.scenario.json_schema` is generated from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, PydanticKnownError

from medevac.i18n import format_template, gettext

Level = Literal["1", "1+", "2", "2+", "3"]
Light = Literal["day", "night"]
Season = Literal["dry", "wet"]
StandardName = Literal["un-10-1-2", "nato-10-1-2-2", "custom"]

LEVEL_RANK: dict[str, int] = {"1": 1, "1+": 1, "2": 2, "2+": 2, "3": 3}
"""Capability rank of each level: 1 resuscitates, 2 operates, 3 does primary surgery."""

# Bounds that keep every time finite: with speeds of at least MIN_KMH, factors of at least
# MIN_FACTOR and distances on Earth, no sum of minutes can overflow to infinity (a file
# with `road_kmh: 5e-324` or `detour_factor: .inf` would make every leg "unreachable").
MAX_MINUTES = 10_000.0
"""Longest time accepted for a timeline step, a launch or a threshold (about a week)."""
MIN_KMH = 0.1
"""Slowest speed accepted: slower gives no useful (nor always finite) travel time."""
MAX_KMH = 5_000.0
"""Fastest speed accepted (over twice a jet airliner's)."""
MIN_FACTOR = 0.01
"""Smallest speed multiplier accepted (convoy, season, surface): 1 % of the speed."""
MAX_DETOUR = 10.0
"""Largest detour factor accepted: road km at most ten times the straight line."""
MAX_KM = 40_000.0
"""Longest distance accepted (range, snapping): about the Earth's circumference."""
MAX_PERSONNEL = 1_000_000
"""Most personnel at one site or on one patrol (sums of them stay far from overflowing)."""


def _number_not_text_or_bool(value: object) -> object:
    """YAML reads `true` as a boolean and `"45"` as text: neither is a number here."""
    if isinstance(value, bool | str):
        raise PydanticKnownError("float_type")
    return value


def _whole_not_text_or_bool(value: object) -> object:
    if isinstance(value, bool | str):
        raise PydanticKnownError("int_type")
    return value


def _at_least(minimum: float, unit: str) -> AfterValidator:
    """A lower bound above 0 with its own message (``gt=0`` keeps "must be greater than 0")."""

    def check(value: float) -> float:
        if value < minimum:
            template = gettext("must be at least {minimum:g}{unit} (smaller gives no finite travel time)")
            raise PydanticCustomError("too_small", format_template(template, minimum=minimum, unit=unit))
        return value

    return AfterValidator(check)


def _zero_or_at_least(minimum: float) -> AfterValidator:
    def check(value: float) -> float:
        if 0 < value < minimum:
            template = gettext("must be 0 (closed) or at least {minimum:g}")
            raise PydanticCustomError("too_small", format_template(template, minimum=minimum))
        return value

    return AfterValidator(check)


_NUMBER = BeforeValidator(_number_not_text_or_bool)
"""Last in an ``Annotated`` number (so it runs first): never a boolean or text. Infinite
and NaN values are refused by the models' ``allow_inf_nan=False``."""

Minutes = Annotated[float, Field(ge=0, le=MAX_MINUTES), _NUMBER]
ThresholdMinutes = Annotated[float, Field(gt=0, le=MAX_MINUTES), _NUMBER]
PositiveKmh = Annotated[float, Field(gt=0, le=MAX_KMH), _at_least(MIN_KMH, " km/h"), _NUMBER]
Factor = Annotated[float, Field(gt=0, le=1), _at_least(MIN_FACTOR, ""), _NUMBER]
"""A speed multiplier in (0, 1]."""
Km = Annotated[float, Field(gt=0, le=MAX_KM), _NUMBER]
Personnel = Annotated[int, Field(ge=0, le=MAX_PERSONNEL), BeforeValidator(_whole_not_text_or_bool)]
Latitude = Annotated[float, Field(ge=-90, le=90), _NUMBER]
Longitude = Annotated[float, Field(ge=-180, le=180), _NUMBER]


Probability = Annotated[float, Field(ge=0, le=1)]
"""A probability: a number in [0, 1]."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class Location(_Frozen):
    """A point in WGS84 degrees, always as named keys to avoid lat/lon swaps."""

    lat: Latitude
    lon: Longitude


class Thresholds(_Frozen):
    """Minutes from wounding by which each leg must be delivered (custom profile)."""

    first_aid: ThresholdMinutes
    resuscitation: ThresholdMinutes
    surgery: ThresholdMinutes
    primary_surgery: ThresholdMinutes | None = None


class Conditions(_Frozen):
    light: Light = "day"
    season: Season = "dry"


class Timeline(_Frozen):
    """Components of the evacuation chain, minutes (spec v1 defaults)."""

    request: Minutes = 10
    approval: Minutes = 10
    on_scene: Minutes = 10
    handover: Minutes = 5
    ground_departure: Minutes = 15
    first_aid_on_site: Minutes = 5


class Ground(_Frozen):
    """How ground times are estimated, with or without a road layer."""

    roads: Annotated[str, Field(min_length=1)] | None = None
    """The road layer; an empty value is refused (leave the key out for no road layer)."""
    detour_factor: Annotated[float, Field(ge=1, le=MAX_DETOUR), _NUMBER] = 1.4
    road_kmh: PositiveKmh = 40
    off_road_kmh: PositiveKmh = 5
    wet_season_factor: Factor = 0.5
    convoy_factor: Factor = 1.0
    max_snap_km: Km = 10
    # With a road layer only (docs/roads.md): overrides of the default speed tables.
    speeds_kmh: dict[str, PositiveKmh] = Field(default_factory=dict)
    """Base speed by road class, replacing or adding to the defaults (motorway 90 ... path 10)."""
    surface_factors: dict[str, Factor] = Field(default_factory=dict)
    """Speed multiplier by surface group: paved, compacted, unpaved, unknown (missing surface)."""
    wet_factors: dict[str, Annotated[float, Field(ge=0, le=1), _zero_or_at_least(MIN_FACTOR), _NUMBER]] = (
        Field(default_factory=dict)
    )
    """Wet-season multiplier by road class, instead of ``wet_season_factor``; 0 closes the class."""
    closures: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    """Polygon layers (flood areas, insecure zones) closing the roads that cross them."""
    snap_to: Literal["node", "segment"] = "node"
    """Where a point joins the roads: its nearest road node (vertex), or the nearest point of
    the nearest segment (for coarse layers of long straight legs between towns)."""

    @field_validator("roads", mode="before")
    @classmethod
    def _roads_named(cls, value: object) -> object:
        # `roads:` with nothing after it reads as null: a file name forgotten, not "no roads".
        if value is None:
            raise PydanticCustomError(
                "roads_empty", gettext("must name a road layer file (or leave the key out)")
            )
        return value

    def __hash__(self) -> int:
        # Frozen models hash their fields; the speed tables are dicts, so hash their items.
        return hash(
            tuple(
                (name, tuple(sorted(value.items())) if isinstance(value, dict) else value)
                for name, value in self
            )
        )


def _level_as_text(value: object) -> object:
    # YAML reads `level: 2` as an integer; planners should not have to quote it.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class Facility(_Frozen):
    """A Level 1 to 3 medical facility; a landing place when it has a helipad or airstrip."""

    id: Annotated[str, Field(min_length=1)]
    name: str | None = None
    level: Annotated[
        Level,
        WithJsonSchema(
            {
                "title": "Level",
                "anyOf": [
                    {"type": "string", "enum": ["1", "1+", "2", "2+", "3"]},
                    {"type": "integer", "enum": [1, 2, 3]},
                ],
            }
        ),
    ]
    lat: Latitude
    lon: Longitude
    helipad: bool = True
    airstrip: bool = False
    ground_team: bool = True

    _level_text = field_validator("level", mode="before")(_level_as_text)

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]


class Launch(_Frozen):
    """Minutes from launch authorised to wheels-up, by day and by night."""

    day: Minutes
    night: Minutes | None = None

    def minutes(self, light: Light) -> float:
        if light == "night" and self.night is not None:
            return self.night
        return self.day


def _mapping_or_other(mapping_tag: str, other_tag: str) -> Discriminator:
    """Pick a union member by the value's shape, so errors come from that member only.

    Tags are in angle brackets so they can never be mistaken for keys of the file.
    """
    return Discriminator(lambda value: mapping_tag if isinstance(value, dict | BaseModel) else other_tag)


class Airframe(_Frozen):
    """A CASEVAC helicopter or fixed-wing aircraft and its base."""

    id: Annotated[str, Field(min_length=1)]
    type: str = ""
    kind: Literal["helicopter", "fixed_wing"] = "helicopter"
    base: Annotated[
        Annotated[Location, Tag("<point>")] | Annotated[str, Field(min_length=1), Tag("<facility>")],
        _mapping_or_other("<point>", "<facility>"),
    ]
    cruise_kmh: PositiveKmh
    range_km: Km
    launch: Launch
    night: bool = False
    medical_team: bool = False
    available: bool = True
    availability: Probability = 1.0
    """Probability that it is serviceable and crewed when a call comes (robustness-v1)."""

    @property
    def p_available(self) -> float:
        """``availability``, or 0 when the airframe is marked unavailable."""
        return self.availability if self.available else 0.0


class Weather(_Frozen):
    """Probability, per season, that helicopters cannot fly at all (fixed wing can)."""

    dry: Probability = 0.0
    wet: Probability = 0.0

    def p_grounded(self, season: Season) -> float:
        return self.dry if season == "dry" else self.wet


class Site(_Frozen):
    """A deployment site: a point of wounding with its people and landing options."""

    id: Annotated[str, Field(min_length=1)]
    name: str | None = None
    lat: Latitude
    lon: Longitude
    kind: Literal["camp", "team_site", "tob", "other"] = "other"
    personnel: Personnel = 0
    first_responders: bool = True
    hls: bool = True
    airstrip: bool = False


class PathFile(_Frozen):
    """A patrol path kept in a line file (GeoJSON, GeoPackage...), relative to the scenario."""

    file: Annotated[str, Field(min_length=1)]


class Patrol(_Frozen):
    """A patrol route, checked as points every 5 km along it.

    The path is a list of points, or ``file: route.geojson`` either under ``path`` or in
    place of it.
    """

    id: Annotated[str, Field(min_length=1)]
    name: str | None = None
    personnel: Personnel = 0
    path: Annotated[
        Annotated[PathFile, Tag("<file>")]
        | Annotated[tuple[Location, ...], Field(min_length=2), Tag("<points>")],
        _mapping_or_other("<file>", "<points>"),
    ]

    @model_validator(mode="before")
    @classmethod
    def _file_beside_path(cls, data: object) -> object:
        if isinstance(data, dict) and "file" in data and "path" not in data:
            data = dict(data)
            data["path"] = {"file": data.pop("file")}
        return data


class Scenario(_Frozen):
    """A mission: its assets, sites, patrols, timeline and the standard it is held to."""

    medevac: Literal[1]
    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    standard: StandardName = "un-10-1-2"
    thresholds: Thresholds | None = None
    conditions: Conditions = Conditions()
    timeline: Timeline = Timeline()
    ground: Ground = Ground()
    facilities: tuple[Facility, ...] = ()
    airframes: tuple[Airframe, ...] = ()
    sites: tuple[Site, ...] = ()
    patrols: tuple[Patrol, ...] = ()
    weather: Weather = Weather()

    _source_dir: Path | None = PrivateAttr(default=None)

    @property
    def source_dir(self) -> Path:
        """Folder that relative paths in the file (roads, patrol files) are read from."""
        return self._source_dir if self._source_dir is not None else Path.cwd()

    def with_source_dir(self, folder: Path) -> Scenario:
        copy = self.model_copy()
        copy._source_dir = folder
        return copy

    def names(self) -> dict[str, str]:
        """What a reader calls each site and facility: its name, or its id when it has none.

        Words for people use these; data (the JSON of a check, the ids columns) keeps ids.
        """
        places: tuple[Facility | Site, ...] = (*self.facilities, *self.sites)
        return {place.id: place.name or place.id for place in places}

    def facility(self, facility_id: str) -> Facility:
        for facility in self.facilities:
            if facility.id == facility_id:
                return facility
        raise KeyError(facility_id)

    def base_location(self, airframe: Airframe) -> Location:
        """Where an airframe is based: its facility's position, or its own point."""
        if isinstance(airframe.base, Location):
            return airframe.base
        facility = self.facility(airframe.base)
        return Location(lat=facility.lat, lon=facility.lon)
