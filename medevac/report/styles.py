"""QGIS styles for the report's GeoPackage: a QML per layer in the ``layer_styles`` table.

QGIS reads a layer's default style from a table named ``layer_styles`` in the same
GeoPackage (columns ``f_table_catalog``, ``f_table_schema``, ``f_table_name``,
``f_geometry_column``, ``styleName``, ``styleQML``, ``styleSLD``, ``useAsDefault``,
``description``, ``owner``, ``ui``, ``update_time``), so the layers open drawn as the
report's maps draw them:

- ``sites``: by the first leg they fail, in the report's colours and marker shapes
  (Okabe-Ito, :mod:`medevac.mapdata`), named;
- ``facilities``: hexagons filled by level (Level 1 white, 2 grey, 3 black), named;
- ``airframe_bases``: triangles, filled when the airframe is available, hollow when not;
- ``isochrones``: the time bands of surgery (else resuscitation) under the scenario's own
  conditions (the layer holds every condition and leg: edit the rules' filters for others);
- ``patrol_gaps``: failing stretches coloured by the leg they fail.

The QML is the subset QGIS 3 writes itself: a renderer (categorized or rule-based) with
simple marker, line or fill symbols, and simple labels. Each symbol layer carries its
properties both as ``<Option>`` maps (QGIS >= 3.26) and ``<prop>`` elements (older 3.x).
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from medevac.coverage.polygons import BAND_EDGES_MIN
from medevac.i18n import N_, format_template, gettext
from medevac.mapdata import BAND_COLOURS, FAIL_COLOUR, LEVEL_COLOUR, MEETS_ALL_COLOUR
from medevac.messages import condition_text, leg_text
from medevac.model import LEVEL_RANK
from medevac.standards import Leg

RGB = tuple[int, int, int]

QGIS_VERSION = "3.28.0-Firenze"
"""The QGIS version the QML is written as (any QGIS 3 reads it)."""

MARKER_NAME: dict[Leg | None, str] = {
    None: "circle",
    "first_aid": "cross2",
    "resuscitation": "diamond",
    "surgery": "square",
    "primary_surgery": "cross_fill",
}
"""QGIS simple-marker shapes matching the report maps' markers (o, X, D, s, P)."""

BAND_UPPER_MIN: tuple[float | None, ...] = (*BAND_EDGES_MIN, None)
"""The isochrones' time bands by their upper edge (``None``: over the last edge, or none)."""

STYLE_DESCRIPTION = N_("medevac report style")
"""The ``description`` of each style, as QGIS's style manager lists it (translated when written)."""

LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME DEFAULT CURRENT_TIMESTAMP
)
"""
"""The table as QGIS creates it when it saves a style into a GeoPackage."""


def _colour(rgb: Sequence[int], alpha: int = 255) -> str:
    return ",".join(str(int(v)) for v in (*rgb[:3], alpha))


@dataclass(frozen=True)
class Symbol:
    """One QGIS symbol: ``kind`` marker, line or fill, with its simple layer's properties."""

    kind: str
    properties: tuple[tuple[str, str], ...]

    def element(self, name: str) -> ET.Element:
        symbol = ET.Element(
            "symbol",
            {"type": self.kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
        )
        layer_class = {"marker": "SimpleMarker", "line": "SimpleLine", "fill": "SimpleFill"}[self.kind]
        layer = ET.SubElement(
            symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"}
        )
        options = ET.SubElement(layer, "Option", {"type": "Map"})
        for key, value in self.properties:
            ET.SubElement(options, "Option", {"name": key, "type": "QString", "value": value})
        for key, value in self.properties:
            ET.SubElement(layer, "prop", {"k": key, "v": value})
        return symbol


def marker(rgb: Sequence[int], shape: str, size_mm: float = 3.0, outline: RGB = (0, 0, 0)) -> Symbol:
    return Symbol(
        "marker",
        (
            ("name", shape),
            ("color", _colour(rgb)),
            ("outline_color", _colour(outline)),
            ("outline_style", "solid"),
            ("outline_width", "0.3"),
            ("outline_width_unit", "MM"),
            ("size", f"{size_mm:g}"),
            ("size_unit", "MM"),
        ),
    )


def line(rgb: Sequence[int], width_mm: float = 1.0) -> Symbol:
    return Symbol(
        "line",
        (
            ("line_color", _colour(rgb)),
            ("line_style", "solid"),
            ("line_width", f"{width_mm:g}"),
            ("line_width_unit", "MM"),
            ("capstyle", "round"),
        ),
    )


def fill(rgb: Sequence[int], alpha: int = 140) -> Symbol:
    return Symbol(
        "fill",
        (
            ("color", _colour(rgb, alpha)),
            ("style", "solid"),
            ("outline_color", _colour(rgb)),
            ("outline_style", "solid"),
            ("outline_width", "0.2"),
            ("outline_width_unit", "MM"),
        ),
    )


def _document(geometry_type: int, renderer: ET.Element, label_expression: str | None) -> str:
    root = ET.Element(
        "qgis",
        {
            "version": QGIS_VERSION,
            "styleCategories": "Symbology|Labeling",
            "labelsEnabled": "1" if label_expression else "0",
        },
    )
    root.append(renderer)
    if label_expression:
        labeling = ET.SubElement(root, "labeling", {"type": "simple"})
        settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
        ET.SubElement(
            settings,
            "text-style",
            {
                "fieldName": label_expression,
                "isExpression": "1",
                "fontSize": "8",
                "fontSizeUnit": "Point",
                "textColor": "0,0,0,255",
                "textOpacity": "1",
            },
        )
        ET.SubElement(
            settings,
            "text-buffer",
            {
                "bufferDraw": "1",
                "bufferSize": "0.8",
                "bufferSizeUnits": "MM",
                "bufferColor": "255,255,255,255",
            },
        )
        ET.SubElement(settings, "placement", {"placement": "6", "dist": "1.5", "distUnits": "MM"})
        ET.SubElement(settings, "rendering", {"obstacle": "1", "displayAll": "0"})
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )


def categorized(attribute: str, categories: Sequence[tuple[str, str, Symbol]]) -> ET.Element:
    """A renderer drawing each value of ``attribute`` (value, legend label, symbol)."""
    renderer = ET.Element(
        "renderer-v2",
        {
            "type": "categorizedSymbol",
            "attr": attribute,
            "symbollevels": "0",
            "forceraster": "0",
            "enableorderby": "0",
        },
    )
    listed = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for number, (value, label, symbol) in enumerate(categories):
        ET.SubElement(
            listed, "category", {"value": value, "symbol": str(number), "label": label, "render": "true"}
        )
        symbols.append(symbol.element(str(number)))
    return renderer


def rule_based(rules: Sequence[tuple[str, str, Symbol]]) -> ET.Element:
    """A renderer drawing the features of each rule (filter expression, legend label, symbol)."""
    renderer = ET.Element(
        "renderer-v2", {"type": "RuleRenderer", "symbollevels": "0", "forceraster": "0", "enableorderby": "0"}
    )
    root = ET.SubElement(renderer, "rules", {"key": "root"})
    symbols = ET.SubElement(renderer, "symbols")
    for number, (expression, label, symbol) in enumerate(rules):
        ET.SubElement(
            root,
            "rule",
            {"key": f"rule-{number}", "filter": expression, "symbol": str(number), "label": label},
        )
        symbols.append(symbol.element(str(number)))
    return renderer


def sites_qml(legs: Sequence[Leg]) -> str:
    """Sites by the first leg they fail (in timeline order), as the report's maps draw them."""
    rules = [('"meets_all"', gettext("meets every leg"), marker(MEETS_ALL_COLOUR, MARKER_NAME[None]))]
    for i, leg in enumerate(legs):
        met = [f'"meets_{earlier}"' for earlier in legs[:i]]
        expression = " AND ".join([*met, f'NOT "meets_{leg}"'])
        rules.append(
            (
                expression,
                format_template(gettext("fails {leg} first"), leg=leg_text(leg)),
                marker(FAIL_COLOUR[leg], MARKER_NAME[leg]),
            )
        )
    return _document(0, rule_based(rules), 'coalesce(nullif("name", \'\'), "site_id")')


def facilities_qml(levels: Sequence[str]) -> str:
    """Facilities as hexagons filled by level: Level 1 white, 2 grey, 3 black."""
    categories = [
        (
            level,
            format_template(gettext("Level {level}"), level=level),
            marker(LEVEL_COLOUR[LEVEL_RANK[level]], "hexagon", size_mm=4.0),
        )
        for level in sorted(set(levels), key=lambda v: (LEVEL_RANK[v], v))
    ]
    return _document(0, categorized("level", categories), 'coalesce(nullif("name", \'\'), "facility_id")')


def bases_qml() -> str:
    """Airframe bases: a filled triangle when the airframe is available, hollow when not."""
    rules = [
        ('"available"', gettext("available"), marker((0, 0, 0), "triangle", size_mm=3.5)),
        ('NOT "available"', gettext("unserviceable"), marker((255, 255, 255), "triangle", size_mm=3.5)),
    ]
    return _document(0, rule_based(rules), '"airframe_id"')


def isochrones_qml(light: str, season: str, leg: Leg) -> str:
    """One leg's time bands under one condition (the layer holds all: edit the filters)."""
    where = f"\"light\" = '{light}' AND \"season\" = '{season}' AND \"leg\" = '{leg}' AND \"kind\" = 'band'"
    rules = []
    lower = 0.0
    for upper, colour in zip(BAND_UPPER_MIN, BAND_COLOURS, strict=True):
        if upper is None:
            expression, label = (
                f'{where} AND "upper_min" IS NULL',
                format_template(gettext("{leg} over {lower:g} min or none"), leg=leg_text(leg), lower=lower),
            )
        else:
            expression, label = (
                f'{where} AND "upper_min" = {upper:g}',
                format_template("{leg} {lower:g}-{upper:g} min", leg=leg_text(leg), lower=lower, upper=upper),
            )
            lower = upper
        condition = condition_text(light, season)
        rules.append(
            (
                expression,
                format_template("{label} ({condition})", label=label, condition=condition),
                fill(colour),
            )
        )
    return _document(2, rule_based(rules), None)


def patrol_gaps_qml(legs: Sequence[Leg]) -> str:
    """Failing patrol stretches coloured by the leg they fail."""
    categories = [
        (
            leg,
            format_template(gettext("fails {leg}"), leg=leg_text(leg)),
            line(FAIL_COLOUR[leg], width_mm=1.2),
        )
        for leg in legs
    ]
    return _document(1, categorized("leg", categories), None)


@dataclass(frozen=True)
class LayerStyle:
    layer: str
    qml: str
    description: str = STYLE_DESCRIPTION  # the msgid: save_layer_styles writes it translated


def report_styles(
    legs: Sequence[Leg], levels: Sequence[str], condition: tuple[str, str]
) -> dict[str, LayerStyle]:
    """The style of each layer of the report's GeoPackage, by layer name."""
    band_leg: Leg = "surgery" if "surgery" in legs else "resuscitation"
    styles = {
        "sites": sites_qml(legs),
        "facilities": facilities_qml(levels),
        "airframe_bases": bases_qml(),
        "isochrones": isochrones_qml(*condition, band_leg),
        "patrol_gaps": patrol_gaps_qml(legs),
    }
    return {name: LayerStyle(name, qml) for name, qml in styles.items()}


def save_layer_styles(path: Path, styles: Mapping[str, LayerStyle]) -> None:
    """Write ``styles`` into the GeoPackage at ``path`` as QGIS's ``layer_styles`` table.

    The table is registered in ``gpkg_contents`` as an attributes table (GeoPackage 1.2),
    as QGIS registers it; each layer's geometry column is read from
    ``gpkg_geometry_columns``. A layer the file does not hold is skipped.
    """
    with sqlite3.connect(path) as connection:
        geometry_column = dict(
            connection.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
        connection.execute(LAYER_STYLES_DDL)
        for style in styles.values():
            if style.layer not in geometry_column:
                continue
            connection.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                (
                    style.layer,
                    geometry_column[style.layer],
                    style.layer,
                    style.qml,
                    gettext(style.description),
                ),
            )
        connection.execute(
            "INSERT OR REPLACE INTO gpkg_contents "
            "(table_name, data_type, identifier, description, last_change) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        )
    connection.close()
