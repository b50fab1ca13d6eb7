"""Candidate places for new or moved assets: a CSV, a GeoJSON of points, or built-ins.

Built-ins (optimise-v1): ``facilities`` (the scenario's facility locations), ``sites`` (its
site locations) and ``towns`` (the bundled towns inside the scenario's area, widened by half
a degree). A place is known by its id: the first of two with the same id is kept.

:func:`facility_places` and :func:`base_places` are the places that *suit* a new facility
or an aircraft's base (the report's recommendations use them): a hospital goes where one
already is or into a camp, never to a team site or a liaison office.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from medevac.errors import Problem, ScenarioError
from medevac.geodata import mission_files
from medevac.i18n import format_template, gettext
from medevac.model import LEVEL_RANK, Level, Scenario

BUILT_INS = ("facilities", "sites", "towns")
TOWN_MARGIN_DEG = 0.5


@dataclass(frozen=True)
class Candidate:
    """A place an asset may go: an id, WGS84 degrees, and whether fixed wing can land."""

    id: str
    lat: float
    lon: float
    name: str | None = None
    airstrip: bool = False


def _bad(source: str, where: str, value: object, allowed: str) -> ScenarioError:
    return ScenarioError([Problem(source, where, value, allowed)])


def _checked(candidate: Candidate, source: str, where: str) -> Candidate:
    if not (math.isfinite(candidate.lat) and -90 <= candidate.lat <= 90):
        raise _bad(source, f"{where}.lat", candidate.lat, gettext("a latitude in [-90, 90]"))
    if not (math.isfinite(candidate.lon) and -180 <= candidate.lon <= 180):
        raise _bad(source, f"{where}.lon", candidate.lon, gettext("a longitude in [-180, 180]"))
    return candidate


def _truth(text: str) -> bool | None:
    value = text.strip().lower()
    if value in ("", "false", "no", "0"):
        return False if value else None
    if value in ("true", "yes", "1"):
        return True
    raise ValueError(text)


def read_csv(path: Path) -> list[Candidate]:
    """``id,lat,lon[,name][,airstrip]``, one place per row (header required)."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        allowed = format_template(gettext("a readable CSV file ({reason})"), reason=error.strerror)
        raise _bad(source, "", path.name, allowed) from None
    except UnicodeDecodeError:
        raise _bad(source, "", path.name, gettext("a CSV file of UTF-8 text")) from None
    return parse_csv(text, source)


def parse_csv(text: str, source: str = "<candidates>") -> list[Candidate]:
    """:func:`read_csv` of text already read (an upload), errors naming ``source``.

    >>> [p.id for p in parse_csv("id,lat,lon\\nmenaka,15.92,2.4\\n")]
    ['menaka']
    """
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    places = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        where = format_template(gettext("row {row}"), row=number)
        columns = {str(k).strip().lower(): (v or "") for k, v in row.items() if k is not None}
        unknown = set(columns) - {"id", "lat", "lon", "name", "airstrip"}
        if unknown:
            raise _bad(source, where, sorted(unknown), gettext("columns id, lat, lon, name, airstrip"))
        place_id = columns.get("id", "").strip()
        if not place_id:
            raise _bad(source, f"{where}.id", None, gettext("an id for every place"))
        try:
            lat, lon = float(columns.get("lat", "")), float(columns.get("lon", ""))
        except ValueError:
            raise _bad(
                source,
                where,
                f"{columns.get('lat')}, {columns.get('lon')}",
                gettext("decimal degrees in lat and lon"),
            ) from None
        try:
            airstrip = bool(_truth(columns.get("airstrip", "")))
        except ValueError:
            raise _bad(
                source, f"{where}.airstrip", columns["airstrip"], gettext("true/false, yes/no or 1/0")
            ) from None
        places.append(
            _checked(Candidate(place_id, lat, lon, columns.get("name") or None, airstrip), source, where)
        )
    return places


def read_geojson(path: Path) -> list[Candidate]:
    """Point features with an ``id`` property (and optionally ``name``, ``airstrip``)."""
    source = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        allowed = format_template(gettext("a readable GeoJSON file ({reason})"), reason=error)
        raise _bad(source, "", path.name, allowed) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise _bad(source, "features", type(features).__name__, gettext("a FeatureCollection of points"))
    places = []
    for k, feature in enumerate(features):
        where = f"features[{k}]"
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        if geometry.get("type") != "Point":
            raise _bad(source, f"{where}.geometry", geometry.get("type"), gettext("a Point"))
        if properties.get("id") in (None, ""):
            raise _bad(source, f"{where}.properties.id", None, gettext("an id for every place"))
        lon, lat = (float(v) for v in geometry["coordinates"][:2])
        airstrip = properties.get("airstrip", False)
        places.append(
            _checked(
                Candidate(str(properties["id"]), lat, lon, properties.get("name"), bool(airstrip)),
                source,
                where,
            )
        )
    return places


def built_in(scenario: Scenario, name: str) -> list[Candidate]:
    """The scenario's facilities, its sites, or the bundled towns in its area."""
    if name == "facilities":
        return [Candidate(f.id, f.lat, f.lon, f.name, f.airstrip) for f in scenario.facilities]
    if name == "sites":
        return [Candidate(s.id, s.lat, s.lon, s.name, s.airstrip) for s in scenario.sites]
    lats = [f.lat for f in scenario.facilities] + [s.lat for s in scenario.sites]
    lons = [f.lon for f in scenario.facilities] + [s.lon for s in scenario.sites]
    if not lats:
        return []
    south, north = min(lats) - TOWN_MARGIN_DEG, max(lats) + TOWN_MARGIN_DEG
    west, east = min(lons) - TOWN_MARGIN_DEG, max(lons) + TOWN_MARGIN_DEG
    places: list[Candidate] = []
    for _, path in mission_files("towns.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
            lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
            if south <= lat <= north and west <= lon <= east:
                town = str((feature.get("properties") or {}).get("name", "town"))
                stem = f"town-{town.lower().replace(' ', '-')}"
                taken = sum(1 for p in places if p.id == stem or p.id.startswith(stem + "-"))
                places.append(Candidate(stem if not taken else f"{stem}-{taken + 1}", lat, lon, town))
    return places


HOSTS: dict[int, tuple[str, ...]] = {1: ("camp", "tob"), 2: ("camp",), 3: ("camp",)}
"""Site kinds that can take a new facility of each rank. A hospital (Level 2 or 3) needs the
people, the protection and the supply of a camp; a Level 1, a unit's own clinic, can also
go to a temporary operating base. A team site or another site (a liaison office, civilian
staff) takes none: a first-aid gap there is closed by training first responders."""


def facility_places(scenario: Scenario, level: Level) -> list[Candidate]:
    """Where a new facility of ``level`` suits: beside an existing facility, or at a site of
    a kind that can take one (:data:`HOSTS`)."""
    kinds = HOSTS[min(LEVEL_RANK[level], 3)]
    return [
        *(Candidate(f.id, f.lat, f.lon, f.name, f.airstrip) for f in scenario.facilities),
        *(Candidate(s.id, s.lat, s.lon, s.name, s.airstrip) for s in scenario.sites if s.kind in kinds),
    ]


def base_places(scenario: Scenario, kind: str) -> list[Candidate]:
    """Where an aircraft of ``kind`` may be based: a helicopter at a facility with a helipad
    or a camp with a landing site; fixed wing at a facility or a camp with an airstrip."""
    helicopter = kind == "helicopter"
    return [
        *(
            Candidate(f.id, f.lat, f.lon, f.name, f.airstrip)
            for f in scenario.facilities
            if (f.helipad if helicopter else f.airstrip)
        ),
        *(
            Candidate(s.id, s.lat, s.lon, s.name, s.airstrip)
            for s in scenario.sites
            if s.kind == "camp" and (s.hls if helicopter else s.airstrip)
        ),
    ]


def load_candidates(scenario: Scenario, source: str) -> tuple[Candidate, ...]:
    """``--candidates``: a CSV or GeoJSON path, or a comma list of built-ins.

    Raises :class:`ScenarioError` for an unknown source, a bad row, or no place at all.
    """
    path = Path(source)
    if path.suffix.lower() == ".csv":
        places = read_csv(path)
    elif path.suffix.lower() in (".geojson", ".json"):
        places = read_geojson(path)
    else:
        names = [name.strip() for name in source.split(",") if name.strip()]
        unknown = [name for name in names if name not in BUILT_INS]
        if unknown or not names:
            raise _bad(
                "--candidates",
                "",
                source,
                format_template(
                    gettext("a .csv or .geojson file, or a comma list of {names}"), names=", ".join(BUILT_INS)
                ),
            )
        places = [place for name in names for place in built_in(scenario, name)]
    found = unique(places)
    if not found:
        raise _bad("--candidates", "", source, gettext("at least one candidate place"))
    return found


def unique(places: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """The places in order, the first of each id kept (a place is known by its id)."""
    kept: dict[str, Candidate] = {}
    for place in places:
        kept.setdefault(place.id, place)
    return tuple(kept.values())
