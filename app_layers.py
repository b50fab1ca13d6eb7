"""pydeck layers of the planner app: draws the records of :mod:`medevac.mapdata`.

Kept beside ``app.py`` (not in the package) because the core never imports a drawing library.
The basemap is drawn from the bundled geodata, so the map works with no internet; online
tiles are only an option.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pydeck as pdk  # noqa: TID251 (the front end draws with pydeck)
import pydeck.bindings.deck as _pydeck_deck  # noqa: TID251
from pydeck.bindings.json_tools import default_serialize  # noqa: TID251

from medevac.i18n import N_
from medevac.mapdata import Bounds
from medevac.mapview import BADGE_OFFSET_PX, JsonRecords, ScaleBar, View

PICKABLE_LAYERS = ("sites", "facilities", "towns", "airfields", "places", "fine-places")
"""Layers whose objects can be clicked to pick a place for a what-if.

Point sizes are fixed in pixels by equal ``radius_min_pixels`` and ``radius_max_pixels``:
pydeck turns a plain string such as ``radius_units="pixels"`` into an expression.
"""

ONLINE_STYLE = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"
"""Optional online tiles (CARTO Positron); off by default: a field mission may be offline."""

TOOLTIP: dict[str, Any] = {
    "text": "{tooltip}",
    "style": {
        # deck.gl puts its tooltip at the pointer with a `transform`, so near the map's right
        # or bottom edge it was cut off; docked in the top-left corner it is always whole.
        "transform": "none",
        "top": "8px",
        "left": "8px",
        "maxWidth": "min(400px, calc(100% - 16px))",
        "maxHeight": "calc(100% - 16px)",
        "overflow": "hidden",
        "whiteSpace": "pre-line",
        "fontSize": "12px",
        "lineHeight": "1.35",
        "color": "#1e1e1e",
        "backgroundColor": "rgba(255, 255, 255, 0.94)",
        "border": "1px solid #8c8c8c",
        "borderRadius": "4px",
        "padding": "6px 8px",
    },
}
"""The hover text of every pickable layer: each record's plain-text ``tooltip``, one fact a line.

``text``, not ``html``: Streamlit escapes the values put into an ``html`` tooltip, which
showed ``<b>`` and ``<br/>`` as text; a text tooltip shows the record's lines as they are.
"""

Records = Sequence[dict[str, Any]]


# A deck asks five times whether pydeck's Jupyter widget imports (without ipywidgets the import
# fails, and a failed import is tried again in full): 1.8 ms of every map. The answer cannot
# change while the app runs, so it is asked once.
_pydeck_deck.has_jupyter_extra = functools.cache(_pydeck_deck.has_jupyter_extra)


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A deck whose JSON is compact: what ``st.pydeck_chart`` sends, about 10x faster to make.

    pydeck indents its JSON, which makes Python's json module fall back from its C encoder
    to the pure-Python one: half a second a map for the larger demo's surface and outlines.
    Layer data given as :class:`medevac.mapview.JsonRecords` goes in as the JSON it made once.
    """

    def to_json(self) -> str:
        encoded: list[str] = []

        def default(value: Any) -> Any:
            if isinstance(value, JsonRecords):
                encoded.append(value.json)
                return f"{_SPLICE}records {len(encoded) - 1}{_SPLICE}"
            return default_serialize(value)

        text = json.dumps(self, sort_keys=True, default=default, separators=(",", ":"))
        for k, part in enumerate(encoded):
            text = text.replace(f'"{_SPLICE_JSON}records {k}{_SPLICE_JSON}"', part, 1)
        return text


_SPLICE = "\x00"
"""Marks where pre-encoded data goes (a NUL, which no name or label of a scenario holds;
JSON writes it as below)."""
_SPLICE_JSON = "\\u0000"


def _data(records: Records) -> Any:
    """Records as a layer's data: pre-encoded ones as they are (their JSON is spliced in
    whole), others as a list."""
    return records if isinstance(records, JsonRecords) else list(records)


def _countries_layer(countries: Records | Mapping[str, Any], online_tiles: bool) -> pdk.Layer:
    """Country outlines: GeoJSON features (or a FeatureCollection), filled, outlined."""
    return pdk.Layer(
        "GeoJsonLayer",
        _data(countries) if isinstance(countries, Sequence) else countries,
        id="countries",
        stroked=True,
        filled=True,
        get_fill_color=[245, 243, 238] if not online_tiles else [0, 0, 0, 0],
        get_line_color=[120, 120, 120],
        line_width_min_pixels=1,
        pickable=False,
    )


def _dots_layer(records: Records, layer_id: str, size_px: int) -> pdk.Layer:
    """Sites: dots of a fixed size in pixels, each in its record's colour, outlined."""
    return pdk.Layer(
        "ScatterplotLayer",
        _data(records),
        id=layer_id,
        get_position=["lon", "lat"],
        get_radius=1,
        radius_min_pixels=size_px,
        radius_max_pixels=size_px,
        get_fill_color="colour",
        stroked=True,
        get_line_color=[0, 0, 0],
        line_width_min_pixels=1,
        pickable=True,
    )


def _labels_layer(records: Records, layer_id: str, below_px: int) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        _data(records),
        id=layer_id,
        get_position=["lon", "lat"],
        get_text="label",
        get_size=12,
        get_color=[20, 20, 20],
        get_pixel_offset=[0, below_px],
    )


def _paths_layer(records: Records, layer_id: str, width_px: int, *, pickable: bool) -> pdk.Layer:
    """Lines (rings, patrol stretches, moves): each record's ``path`` in its ``colour``."""
    return pdk.Layer(
        "PathLayer",
        _data(records),
        id=layer_id,
        get_path="path",
        get_color="colour",
        width_min_pixels=width_px,
        pickable=pickable,
    )


def _badges_layer(records: Records, layer_id: str, size: int, **style: Any) -> pdk.Layer:
    """Facilities (and proposed assets): their label on a background of their colour."""
    return pdk.Layer(
        "TextLayer",
        _data(records),
        id=layer_id,
        get_position=["lon", "lat"],
        get_text="label",
        get_size=size,
        get_color="text_colour",
        background=True,
        get_background_color="colour",
        get_border_color=[0, 0, 0],
        get_border_width=style.pop("border_width", 1),
        background_padding=style.pop("padding", [3, 2]),
        pickable=True,
        **style,
    )


def _deck(
    layers: list[pdk.Layer], bounds: Bounds, online_tiles: bool, view: View | None = None
) -> CompactDeck:
    if view is None:
        lat, lon = bounds.centre
        view = View(lat, lon, bounds.zoom())
    return CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=view.lat, longitude=view.lon, zoom=view.zoom),
        map_style=ONLINE_STYLE if online_tiles else None,
        map_provider="carto" if online_tiles else None,
        tooltip=TOOLTIP,
    )


MAP_LAYERS = {
    "rings": N_("range rings"),
    "surface": N_("coverage surface"),
    "labels": N_("labels"),
    "roads": N_("roads"),
    "patrols": N_("patrols"),
}
"""The main map's layers a planner can switch off, by key, as the sidebar names them."""

COLLISION = [{"@@type": "CollisionFilterExtension"}]
"""deck.gl's collision filter (registered by Streamlit's deck.gl JSON converter): each frame,
at the zoom shown, a label is hidden where a label of higher priority covers its point."""

LABEL_OFFSET_PX = 12
"""Labels start this far right of their point; their light box reaches back under the point,
which is where the collision filter tests whether a label is covered."""

COLLISION_PADDING_PX = [60, 8, 4, 8]
"""The box each label covers in the collision pass (left, top, right, bottom, beyond its
text): deck.gl tests a label's own point only, so a box grown by about half a label to the
left and a line up and down covers the point of a label that would overlap it from there."""


def _labels_deck_layer(labels: Records) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer",
        list(labels),
        id="labels",
        get_position=["lon", "lat"],
        get_text="text",
        get_size=12,
        get_color="colour",
        get_text_anchor='"start"',
        get_alignment_baseline='"center"',
        get_pixel_offset=[LABEL_OFFSET_PX, 0],
        background=True,
        get_background_color=[255, 255, 255, 170],
        background_padding=[LABEL_OFFSET_PX + 4, 1, 2, 1],
        extensions=COLLISION,
        get_collision_priority="priority",
        collision_test_props={"padding": COLLISION_PADDING_PX},
        pickable=False,
    )


def _cells_layer(
    cells: Records, layer_id: str, cell_km: float, fill: list[int], line: bool, highlight: bool = True
) -> pdk.Layer:
    return pdk.Layer(  # square cells: a 4-sided, unextruded column turned by 45 degrees
        "ColumnLayer",
        _data(cells),
        id=layer_id,
        get_position=["lon", "lat"],
        get_fill_color=fill,
        disk_resolution=4,
        radius=cell_km * 1000 / 2**0.5,
        angle=45,
        extruded=False,
        stroked=line,
        get_line_color=[0, 114, 178, 90],
        line_width_min_pixels=1 if line else 0,
        pickable=True,
        auto_highlight=highlight,
        highlight_color=[0, 114, 178, 70],
    )


def build_deck(
    *,
    bounds: Bounds,
    countries: Records | Mapping[str, Any],
    layers: Mapping[str, Records],
    towns: Records,
    airfields: Records,
    places: Records,
    place_km: float,
    fine_places: Records = (),
    fine_km: float = 0.0,
    labels: Records = (),
    roads: Records = (),
    surface: Records = (),
    surface_cell_km: float = 0.0,
    view: View | None = None,
    scale: ScaleBar | None = None,
    shown: Mapping[str, bool] | None = None,
    online_tiles: bool = False,
) -> pdk.Deck:
    """The map: offline basemap, coverage surface, roads, cells to click, rings, patrols,
    facilities (a badge above a marker), bases, sites, labels and a scale bar.

    ``shown`` switches the layers of :data:`MAP_LAYERS` (all on by default); ``view`` is where
    the map opens (default: the whole of ``bounds``).
    """
    on = dict.fromkeys(MAP_LAYERS, True) | dict(shown or {})
    deck_layers = [_countries_layer(countries, online_tiles)]
    if surface and on["surface"]:
        deck_layers.append(
            pdk.Layer(  # square cells: a 4-sided, unextruded column turned by 45 degrees
                "ColumnLayer",
                _data(surface),
                id="coverage",
                get_position=["lon", "lat"],
                get_fill_color="colour",
                disk_resolution=4,
                radius=surface_cell_km * 1000 / 2**0.5,
                angle=45,
                extruded=False,
                pickable=False,
            )
        )
    if roads and on["roads"]:
        deck_layers.append(
            pdk.Layer(
                "PathLayer",
                _data(roads),
                id="roads",
                get_path="path",
                get_color="colour",
                get_width=1,
                width_min_pixels=1,
                extensions=[{"@@type": "PathStyleExtension", "dash": True}],
                get_dash_array="dash",
                dash_justified=True,
                pickable=False,
            )
        )
    # Zoomed onto a cell, its fine cells light up under the pointer, not the coarse one around them.
    deck_layers.append(
        _cells_layer(places, "places", place_km, [0, 0, 0, 3], line=False, highlight=not fine_places)
    )
    if fine_places:
        deck_layers.append(_cells_layer(fine_places, "fine-places", fine_km, [0, 114, 178, 12], line=True))
    deck_layers += [
        pdk.Layer(
            "ScatterplotLayer",
            _data(airfields),
            id="airfields",
            get_position=["lon", "lat"],
            get_radius=1,
            radius_min_pixels=3,
            radius_max_pixels=3,
            get_fill_color=[90, 90, 90],
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            _data(towns),
            id="towns",
            get_position=["lon", "lat"],
            get_radius=1,
            radius_min_pixels=2,
            radius_max_pixels=2,
            get_fill_color=[60, 60, 60],
            pickable=True,
        ),
    ]
    if on["rings"]:
        deck_layers.append(_paths_layer(layers["range_rings"], "range-rings", 1, pickable=False))
    if on["patrols"]:
        deck_layers.append(_paths_layer(layers["patrol_stretches"], "patrols", 4, pickable=True))
    if labels and on["labels"]:  # under the symbols: a label's box reaches back under its point
        deck_layers.append(_labels_deck_layer(labels))
    deck_layers += [
        pdk.Layer(
            "ScatterplotLayer",
            list(layers["airframe_bases"]),
            id="bases",
            get_position=["lon", "lat"],
            get_radius=1,
            radius_min_pixels=14,
            radius_max_pixels=14,
            stroked=True,
            filled=False,
            get_line_color="colour",
            line_width_min_pixels=2,
            pickable=True,
        ),
        pdk.Layer(  # where each facility is: its badge stands above it
            "ScatterplotLayer",
            list(layers["facilities"]),
            id="facility-places",
            get_position=["lon", "lat"],
            get_radius=1,
            radius_min_pixels=3,
            radius_max_pixels=3,
            get_fill_color=[0, 0, 0],
            pickable=False,
        ),
        _badges_layer(layers["facilities"], "facilities", 13, get_pixel_offset=[0, BADGE_OFFSET_PX]),
        _dots_layer(layers["sites"], "sites", 7),
    ]
    if scale is not None:
        bar, text = scale.records()
        deck_layers += [
            pdk.Layer(
                "PathLayer",
                bar,
                id="scale-bar",
                get_path="path",
                get_color="colour",
                width_min_pixels=4,
                cap_rounded=False,
                pickable=False,
            ),
            pdk.Layer(
                "TextLayer",
                text,
                id="scale-label",
                get_position=["lon", "lat"],
                get_text="text",
                get_size=12,
                get_color=[0, 0, 0],
                get_pixel_offset=[0, -12],
                background=True,
                get_background_color=[255, 255, 255, 200],
                pickable=False,
            ),
        ]
    return _deck(deck_layers, bounds, online_tiles, view)


def build_planning_deck(
    *,
    bounds: Bounds,
    countries: Records | Mapping[str, Any],
    sites: Records,
    facilities: Records = (),
    badges: Records = (),
    paths: Records = (),
    online_tiles: bool = False,
) -> pdk.Deck:
    """A planning view's map (the chance of each site, a proposed placement): the offline
    basemap, facilities as badges, the sites coloured and labelled by the view, lines from
    where moved assets were, and badges for what is proposed.

    Nothing on it is pickable for a what-if: only the main map places things.
    """
    deck_layers = [
        _countries_layer(countries, online_tiles),
        _paths_layer(paths, "moves", 2, pickable=True),
        _badges_layer(  # above the site dot, whose colour is the view
            facilities, "facilities", 12, get_pixel_offset=[0, -17]
        ),
        _dots_layer(sites, "sites", 8),
        _labels_layer(sites, "site-labels", 15),
        _badges_layer(  # above a facility badge at the same place
            badges, "placements", 14, border_width=2, padding=[4, 3], get_pixel_offset=[0, -38]
        ),
    ]
    return _deck(deck_layers, bounds, online_tiles)
