"""Points from Google Earth (KML, KMZ) and GIS (GeoJSON) as a table of sites or facilities.

Each placemark or feature is a record: ``id`` from its properties (extended data in KML),
else its own ``id``, else its name made unique; ``name`` and the point's coordinates; the
other columns from extended data or properties where present, else the defaults.
Properties that are not columns (styling, a GIS's ``fid``...) are warned about, not bad
input: these files carry fields of their own tools.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from medevac.i18n import N_, format_template, gettext
from medevac.intake.tables import COLUMNS, BadCellError, Record, Table, Where, is_empty, text

KML_SUFFIXES = (".kml", ".kmz")
GEOJSON_SUFFIXES = (".geojson", ".json")
SUFFIXES = KML_SUFFIXES + GEOJSON_SUFFIXES

_KML_NS = "http://www.opengis.net/kml/2.2"
_GENERATED_ID = re.compile(r"^(?:feat_)?\d+$")


@dataclass
class _Point:
    """A placemark or feature before typing: where it is in the file, and what it says."""

    number: int
    own_id: str | None
    name: str | None
    lon_lat: tuple[float, float] | None
    geometry: str
    properties: dict[str, object] = field(default_factory=dict)

    @property
    def own_id_is_generated(self) -> bool:
        """An id a tool made up (simplekml's ``feat_12``, a GIS's numeric feature id): the
        name says more to a planner, so it comes first."""
        return self.own_id is not None and bool(_GENERATED_ID.match(self.own_id))


def read_placemarks(path: Path, role: str) -> Table:
    """The points of a KML, KMZ or GeoJSON file as a table of ``role`` (sites, facilities)."""
    where = Where(str(path))
    table = Table(role, where, lenient=True)
    try:
        if path.suffix.lower() in KML_SUFFIXES:
            points = list(_kml_points(path))
            row_word, column_word = N_("placemark"), N_("field")
        else:
            points = list(_geojson_points(path))
            row_word, column_word = N_("feature"), N_("property")
    except _UnreadableError as error:
        table.problems.append(where.problem(str(path), str(error)))
        return table
    _fill(table, points, row_word, column_word)
    return table


class _UnreadableError(Exception):
    """The file as a whole cannot be read; the message says what it must be."""


def _fill(table: Table, points: list[_Point], row_word: str, column_word: str) -> None:
    known = {column.name for column in COLUMNS[table.role]}
    unknown: dict[str, int] = {}
    ids = _unique_ids(points)
    for point, point_id in zip(points, ids, strict=True):
        row = Where(
            table.where.file,
            row=point.number,
            row_word=row_word,
            column_word=column_word,
            label=point.name or point.own_id,
        )
        cells: dict[str, tuple[object, Where]] = {}
        reported: set[str] = set()
        for name, value in point.properties.items():
            key = name.strip().lower()
            if key in ("lat", "lon"):
                continue  # the point's own coordinates are the position
            if key not in known:
                unknown[name] = unknown.get(name, 0) + 1
                continue
            if not is_empty(value):
                cells[key] = (value, row.at(name))
        if point_id is None:
            table.problems.append(row.problem(None, gettext("a name or an id (a site needs one)")))
            reported.add("id")
        else:
            cells["id"] = (point_id, cells["id"][1] if "id" in cells else row.at("id"))
        if point.name and "name" not in cells:
            cells["name"] = (point.name, row.at("name"))
        if point.lon_lat is None:
            where = row.at(gettext("coordinates"))
            table.problems.append(where.problem(point.geometry, gettext("a point (one lon,lat position)")))
            reported |= {"lat", "lon"}
        else:
            lon, lat = point.lon_lat
            cells["lat"] = (lat, row.at(gettext("coordinates")))
            cells["lon"] = (lon, row.at(gettext("coordinates")))
        table.records.append(Record(row, cells, frozenset(reported)))
    table.columns = sorted({name for record in table.records for name in record.cells})
    for name, count in unknown.items():
        template = gettext(
            "{file}: {column_word} {name} ignored on {count} {row_word}(s) "
            "(not a column of {role}: {columns})"
        )
        columns = ", ".join(column.name for column in COLUMNS[table.role])
        table.warnings.append(
            format_template(
                template,
                file=table.where.file,
                column_word=gettext(column_word),
                name=repr(name),
                count=count,
                row_word=gettext(row_word),
                role=table.role,
                columns=columns,
            )
        )


def _unique_ids(points: list[_Point]) -> list[str | None]:
    """Each point's id: its ``id`` property, else its own id (the placemark's ``id``
    attribute, the feature's ``id`` member), else its name made unique; an own id that a
    tool generated comes after the name."""
    given: list[str | None] = []
    for point in points:
        value = point.properties.get("id")
        if value is None:
            value = next((v for k, v in point.properties.items() if k.strip().lower() == "id"), None)
        if not is_empty(value):
            try:
                given.append(str(text(value)))
            except BadCellError:
                given.append(str(value))
        elif point.own_id and not (point.own_id_is_generated and point.name):
            given.append(point.own_id)
        else:
            given.append(None)
    used = {value for value in given if value is not None}
    ids: list[str | None] = []
    for point, value in zip(points, given, strict=True):
        unique = value
        if unique is None and point.name:
            unique = candidate = point.name.strip()
            count = 1
            while unique in used:
                count += 1
                unique = f"{candidate}-{count}"
            used.add(unique)
        ids.append(unique)
    return ids


# -- KML, KMZ -------------------------------------------------------------------------------


def _kml_bytes(path: Path) -> bytes:
    try:
        if path.suffix.lower() != ".kmz":
            return path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".kml")]
            if not names:
                raise _UnreadableError(gettext("a KMZ archive holding a .kml file (it has none)"))
            name = "doc.kml" if "doc.kml" in names else sorted(names, key=lambda n: (n.count("/"), n))[0]
            return archive.read(name)
    except (OSError, zipfile.BadZipFile) as error:
        raise _UnreadableError(
            format_template(gettext("a readable KML or KMZ file ({reason})"), reason=error)
        ) from None


def _kml_points(path: Path) -> Iterator[_Point]:
    from fastkml import config as kml_config
    from fastkml import kml
    from lxml import etree

    data = _kml_bytes(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise _UnreadableError(format_template(gettext("well-formed KML ({reason})"), reason=error)) from None
    namespace = etree.QName(root).namespace
    if namespace is None:
        # KML written without its namespace: fastkml reads only namespaced elements.
        namespace = _KML_NS
        for element in root.iter():
            if isinstance(element.tag, str) and not element.tag.startswith("{"):
                element.tag = f"{{{namespace}}}{element.tag}"
    if etree.QName(root).localname != "kml":
        template = gettext("a KML document (its root element is {element})")
        raise _UnreadableError(format_template(template, element=repr(etree.QName(root).localname)))
    logging.getLogger("fastkml").setLevel(logging.CRITICAL)  # bad coordinates are ours to report
    document = kml.KML.class_from_element(
        ns=f"{{{namespace}}}",
        name_spaces={**kml_config.NAME_SPACES, "kml": f"{{{namespace}}}"},
        element=cast(Any, root),  # fastkml types lxml's elements as its own protocol
        strict=False,
    )
    for number, placemark in enumerate(_placemarks(document), start=1):
        yield _kml_point(number, placemark)


def _placemarks(container: Any) -> Iterator[Any]:
    for feature in getattr(container, "features", None) or []:
        if type(feature).__name__ == "Placemark":
            yield feature
        else:
            yield from _placemarks(feature)


def _kml_point(number: int, placemark: Any) -> _Point:
    properties: dict[str, object] = {}
    extended = placemark.extended_data
    for element in getattr(extended, "elements", None) or []:
        if getattr(element, "name", None):
            properties[str(element.name)] = element.value
        for simple in getattr(element, "data", None) or []:
            if getattr(simple, "name", None):
                properties[str(simple.name)] = simple.value
    geometry = placemark.geometry
    kind = type(geometry).__name__ if geometry is not None else gettext("no readable coordinates")
    lon_lat = _lon_lat(geometry)
    name = str(placemark.name).strip() if placemark.name else None
    return _Point(number, str(placemark.id) if placemark.id else None, name, lon_lat, kind, properties)


def _lon_lat(geometry: Any) -> tuple[float, float] | None:
    """The single point of a Point (or of a MultiPoint of one point)."""
    kind = type(geometry).__name__
    if kind == "MultiPoint" and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
        kind = "Point"
    if kind != "Point":
        return None
    return float(geometry.x), float(geometry.y)


# -- GeoJSON --------------------------------------------------------------------------------

_WGS84 = ("crs84", "4326")


def _geojson_points(path: Path) -> Iterator[_Point]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _UnreadableError(
            format_template(gettext("a readable GeoJSON file ({reason})"), reason=error)
        ) from None
    if not isinstance(document, Mapping):
        raise _UnreadableError(gettext("a GeoJSON FeatureCollection or Feature"))
    crs = document.get("crs")
    if isinstance(crs, Mapping):
        crs_name = str((crs.get("properties") or {}).get("name", "")).lower()
        if crs_name and not any(crs_name.endswith(code) for code in _WGS84):
            template = gettext("GeoJSON in WGS84 longitude, latitude (its crs is {crs})")
            raise _UnreadableError(format_template(template, crs=crs_name))
    if document.get("type") == "Feature":
        features: list[object] = [document]
    elif document.get("type") == "FeatureCollection" and isinstance(document.get("features"), list):
        features = document["features"]
    else:
        raise _UnreadableError(gettext("a GeoJSON FeatureCollection or Feature"))
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, Mapping):
            yield _Point(number, None, None, None, gettext("not a Feature"))
            continue
        properties = feature.get("properties")
        properties = dict(properties) if isinstance(properties, Mapping) else {}
        name_key = next((key for key in properties if key.strip().lower() == "name"), None)
        raw_name = properties.get(name_key) if name_key else None
        name = str(raw_name).strip() if not is_empty(raw_name) else None
        own_id = feature.get("id")
        geometry = feature.get("geometry")
        kind = str(geometry.get("type")) if isinstance(geometry, Mapping) else gettext("no geometry")
        yield _Point(
            number,
            str(own_id) if own_id is not None and str(own_id).strip() else None,
            name,
            _geojson_lon_lat(geometry),
            kind,
            properties,
        )


def _geojson_lon_lat(geometry: object) -> tuple[float, float] | None:
    if not isinstance(geometry, Mapping):
        return None
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "MultiPoint" and isinstance(coordinates, list) and len(coordinates) == 1:
        coordinates = coordinates[0]
    elif geometry.get("type") != "Point":
        return None
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2])
    ):
        return float(coordinates[0]), float(coordinates[1])
    return None
