"""Static maps for the report, drawn offline with matplotlib from the bundled geodata.

Figures are built on :class:`matplotlib.figure.Figure` with the Agg canvas directly (no
``pyplot``: no global state, no display needed). Sites carry the app's colours for the first
leg they fail (:mod:`medevac.mapdata`, Okabe-Ito) *and* a marker shape per status, so a map
printed in grey or read by a colour-blind reader still tells them apart.

A map a reader can trust: a scale bar and a north arrow; the roads the ground times come
from (the scenario's road layer, segment by segment, roads closed in the season dotted);
each airframe's air reach (a ring of half its range, the farthest pick-up it can fly to
and back from); facilities named, with their level; the host country's towns before its
neighbours'; land outside the bundled country outlines in a neutral grey, never as water.

Every symbol drawn registers its legend entry as it is drawn (the artist's ``gid`` is the
entry's text), so the legend lists exactly what is on the map: :class:`MapDrawing` returns
both, and the tests compare them. Labels are placed greedily by priority (facilities, then
failing sites, bases, other sites, the host country's towns, other towns), each at the first
of a few offsets where its box overlaps no label already placed, no symbol and stays inside
the map; a label that fits nowhere is left out (and listed as skipped).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.transforms import Bbox
from shapely.geometry import box

from medevac.check import CheckResult
from medevac.coverage.surface import failing_stretches
from medevac.geo import WGS84
from medevac.ground import road_network
from medevac.i18n import N_, format_template, gettext
from medevac.mapdata import (
    FAIL_COLOUR,
    LEVEL_COLOUR,
    MEETS_ALL_COLOUR,
    Bounds,
    circle_path,
    country_outlines,
    facility_label,
    map_label,
    scenario_bounds,
    towns,
)
from medevac.model import Scenario
from medevac.patrols import patrol_pieces
from medevac.report.summary import Condition, condition_label
from medevac.results import Results
from medevac.standards import LEG_LABEL, Leg
from medevac.whatif import first_failed_leg

DPI = 110
TOWN_LABELS = 10
"""Largest towns drawn on a map (the host country's first); more would crowd the site labels."""

MARKER: dict[Leg | None, str] = {
    None: "o",
    "first_aid": "X",
    "resuscitation": "D",
    "surgery": "s",
    "primary_surgery": "P",
}
"""Marker shape per site status, so status never rests on colour alone."""

FACILITY_MARKER = "H"
"""Facilities are hexagons filled by level (white, grey, black), drawn under the sites."""

GAINED_COLOUR = "#009E73"  # Okabe-Ito bluish green
LOST_COLOUR = "#D55E00"  # vermillion
UNCHANGED_COLOUR = "#999999"

NO_DATA_COLOUR = "#e4e4e1"
"""Land (or sea) outside the bundled country outlines: a neutral grey, never water blue."""
HOST_COLOUR, NEIGHBOUR_COLOUR, BORDER_COLOUR = "#f1ead9", "#fbfaf7", "#8c8c8c"
ROAD_COLOUR = "#8c6d46"
TOWN_COLOUR = "#7f7f7f"

# Legend entries (the gid of the artists they describe).
# They stay English (tests and the app find artists by them); the legend shows each in the
# reader's language (:func:`legend_text`).
MEETS_ALL = N_("site meets every leg")
ROAD = N_("road (the ground times' network)")
ROAD_CLOSED = {"dry": N_("road closed in the dry season"), "wet": N_("road closed in the wet season")}
REACH = N_("air reach: half the range of a flying airframe")
REACH_GROUNDED = N_("air reach of a grounded or unserviceable airframe")
BASE = N_("airframe base (an airframe there flies)")
BASE_GROUNDED = N_("airframe base, none flying (hollow)")
PATROL_MEETS = N_("patrol route meeting every leg")
TOWN = N_("town (GeoNames)")
NEIGHBOUR = N_("neighbouring country")
GAINED, LOST, UNCHANGED = N_("now meets every leg"), N_("no longer meets every leg"), N_("unchanged")

_LEG_BY_LABEL = {label: leg for leg, label in LEG_LABEL.items()}
_ENTRY_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"Level (?P<level>\d+) facility \(labelled L\d+\)"),
        N_("Level {level} facility (labelled L{level})"),
    ),
    (re.compile(r"patrol stretch failing (?P<leg>.+)"), N_("patrol stretch failing {leg}")),
    (re.compile(r"site fails (?P<leg>.+) first"), N_("site fails {leg} first")),
    (re.compile(r"host country \((?P<names>.*)\)"), N_("host country ({names})")),
)


def legend_text(entry: str) -> str:
    """A legend entry (an artist's English gid) as the legend shows it, in the current language.

    >>> legend_text("site fails surgery first")
    'site fails surgery first'
    """
    for pattern, template in _ENTRY_FORMS:
        match = pattern.fullmatch(entry)
        if match:
            fields = match.groupdict()
            if "leg" in fields:
                leg = _LEG_BY_LABEL.get(fields["leg"])
                fields["leg"] = gettext(LEG_LABEL[leg]) if leg else fields["leg"]
            return format_template(gettext(template), **fields)
    return gettext(entry)


LABEL, FURNITURE = "label", "map furniture"
"""gids of what is not a legend symbol: labels, and the scale bar and north arrow."""

PRIORITY = {"facility": 0, "failing site": 1, "base": 2, "site": 3, "host town": 4, "town": 5}
"""Label priority (lowest first): what a reader must find is placed before what helps."""

HorizontalAlignment = Literal["left", "center", "right"]
VerticalAlignment = Literal["bottom", "center", "top"]

OFFSETS: tuple[tuple[float, float, HorizontalAlignment, VerticalAlignment], ...] = (
    (5, 4, "left", "bottom"),
    (5, -4, "left", "top"),
    (-5, 4, "right", "bottom"),
    (-5, -4, "right", "top"),
    (0, 7, "center", "bottom"),
    (0, -7, "center", "top"),
)
"""Where a label may sit beside its point (points): the first that fits is taken."""

ALIGN = {"left": 0.0, "bottom": 0.0, "center": 0.5, "right": 1.0, "top": 1.0}
"""Share of a label's width (height) left of (below) its anchor, by alignment."""

SYMBOL_RADIUS_PT = 4.0
"""Half the size of the box a symbol keeps clear of other labels, points."""


def _hex(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


@dataclass(frozen=True)
class LabelCandidate:
    text: str
    lon: float
    lat: float
    kind: str  # a key of PRIORITY
    fontsize: float = 6.0
    colour: str = "black"
    bold: bool = False


@dataclass
class _Layers:
    """What one map (axes) drew: legend entries in order, label candidates, symbol points."""

    ax: Axes
    legend: dict[str, Artist] = field(default_factory=dict)
    candidates: list[LabelCandidate] = field(default_factory=list)
    symbols: list[tuple[float, float]] = field(default_factory=list)
    furniture: list[Artist] = field(default_factory=list)  # scale bar, north arrow: labels keep clear

    def drew(self, artist: Artist, entry: str, handle: Artist | None) -> None:
        """Tag an artist with its legend entry, registering the entry's symbol once."""
        artist.set_gid(entry)
        if handle is not None and entry not in self.legend:
            handle.set_label(legend_text(entry))
            self.legend[entry] = handle


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    kind: str
    box: tuple[float, float, float, float]  # display coordinates: x0, y0, x1, y1


@dataclass(frozen=True)
class MapDrawing:
    """A drawn map with what is on it: the legend's entries, the symbols drawn (by legend
    entry), and the labels placed and left out."""

    figure: Figure
    legend: tuple[str, ...]
    drawn: frozenset[str]
    placed: tuple[PlacedLabel, ...]
    skipped: tuple[str, ...]

    def png(self) -> bytes:
        out = io.BytesIO()
        self.figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
        return out.getvalue()


# -- the basemap ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _all_countries() -> gpd.GeoDataFrame:
    features = country_outlines()["features"]
    if not features:
        return gpd.GeoDataFrame({"iso_a2": [], "name": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame.from_features(features, crs=4326)


def host_countries(scenario: Scenario) -> frozenset[str]:
    """ISO codes of the country holding most of the scenario's sites (or facilities): the
    mission's host, whose towns are named before its neighbours'."""
    points = [(s.lon, s.lat) for s in scenario.sites] or [(f.lon, f.lat) for f in scenario.facilities]
    countries = _all_countries()
    if not points or not len(countries):
        return frozenset()
    x, y = np.array(points, dtype=np.float64).T
    counts = np.array([int(shapely.contains_xy(g, x, y).sum()) for g in countries.geometry])
    if counts.max() == 0:
        return frozenset()
    return frozenset({str(countries["iso_a2"].iloc[int(np.argmax(counts))])})


@lru_cache(maxsize=8)
def _countries(bounds: Bounds) -> gpd.GeoDataFrame:
    """Country outlines clipped to the map's box (cached: every map of a report shares it)."""
    countries = _all_countries()
    if not len(countries):
        return countries
    view = box(bounds.west, bounds.south, bounds.east, bounds.north)
    clipped = countries.assign(geometry=countries.geometry.intersection(view))
    return clipped[~clipped.geometry.is_empty]


def _paths(geometry: Any) -> list[Path]:
    """Matplotlib paths of a (multi)polygon, holes included (no geopandas plot: it would ask
    the canvas to draw the whole figure each time)."""
    paths = []
    for polygon in shapely.get_parts(geometry):
        if not isinstance(polygon, shapely.Polygon) or polygon.is_empty:
            continue
        rings = [np.asarray(polygon.exterior.coords)] + [np.asarray(r.coords) for r in polygon.interiors]
        paths.append(Path.make_compound_path(*(Path(ring, closed=True) for ring in rings)))
    return paths


def map_towns(bounds: Bounds, host: frozenset[str], limit: int = TOWN_LABELS) -> list[dict[str, Any]]:
    """The towns a map draws: the host country's largest first, then its neighbours'."""
    records = towns(bounds)
    records.sort(
        key=lambda r: (str(r.get("country")) not in host, -int(r.get("population") or 0), r["label"])
    )
    return records[:limit]


def _basemap(layers: _Layers, bounds: Bounds, scenario: Scenario, town_size: float = 6.0) -> None:
    ax = layers.ax
    host = host_countries(scenario)
    countries = _countries(bounds)
    if len(countries):
        is_host = countries["iso_a2"].astype(str).isin(host).to_numpy()
        for mask, colour in ((is_host, HOST_COLOUR), (~is_host, NEIGHBOUR_COLOUR)):
            if not mask.any():
                continue
            entry = (
                f"host country ({', '.join(sorted(str(n) for n in countries['name'][mask]))})"
                if colour == HOST_COLOUR
                else NEIGHBOUR
            )
            patches = PathCollection(
                [path for geometry in countries.geometry[mask] for path in _paths(geometry)],
                facecolors=colour,
                edgecolors=BORDER_COLOUR,
                linewidths=0.6,
                zorder=1,
            )
            ax.add_collection(patches, autolim=False)
            layers.drew(patches, entry, Patch(facecolor=colour, edgecolor=BORDER_COLOUR))
    for town in map_towns(bounds, host):
        (dot,) = ax.plot(town["lon"], town["lat"], marker=".", color=TOWN_COLOUR, markersize=3, zorder=2)
        layers.drew(dot, TOWN, Line2D([], [], marker=".", color=TOWN_COLOUR, markersize=5, linestyle="none"))
        layers.candidates.append(
            LabelCandidate(
                map_label(str(town["label"])),
                float(town["lon"]),
                float(town["lat"]),
                "host town" if str(town.get("country")) in host else "town",
                town_size,
                TOWN_COLOUR,
            )
        )
    ax.set_xlim(bounds.west, bounds.east)
    ax.set_ylim(bounds.south, bounds.north)
    ax.set_aspect(1 / np.cos(np.radians(bounds.centre[0])))  # equal km along both axes
    ax.set_facecolor(NO_DATA_COLOUR)
    ax.set_xlabel(gettext("longitude (degrees)"), fontsize=7)
    ax.set_ylabel(gettext("latitude (degrees)"), fontsize=7)
    ax.tick_params(labelsize=6)


def nice_length_km(width_km: float) -> float:
    """A round scale-bar length of about a fifth of the map's width (1, 2 or 5 x 10^n km).

    >>> nice_length_km(1000), nice_length_km(240), nice_length_km(7)
    (200.0, 20.0, 1.0)
    """
    target = max(width_km / 5, 1e-3)
    power = 10 ** np.floor(np.log10(target))
    return float(next(m * power for m in (5, 2, 1) if m * power <= target))


CORNERS = ("lower left", "lower right", "upper left", "upper right")
MARGIN = 0.03
"""Furniture keeps this far (axes fraction) from the map's edge."""


def _box_in(corner: str, width: float, height: float) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in axes fraction of a box of this size in a corner of the map."""
    x0 = MARGIN if corner.endswith("left") else 1 - MARGIN - width
    y0 = MARGIN if corner.startswith("lower") else 1 - MARGIN - height
    return x0, y0, x0 + width, y0 + height


def _free_corner(layers: _Layers, bounds: Bounds, width: float, height: float, order: tuple[str, ...]) -> str:
    """The first corner in ``order`` where a box of this size covers no symbol (else the first)."""
    span_lon, span_lat = bounds.east - bounds.west, bounds.north - bounds.south
    points = [
        ((lon - bounds.west) / span_lon, (lat - bounds.south) / span_lat) for lon, lat in layers.symbols
    ]
    for corner in order:
        x0, y0, x1, y1 = _box_in(corner, width, height)
        if not any(x0 - 0.02 <= x <= x1 + 0.02 and y0 - 0.02 <= y <= y1 + 0.02 for x, y in points):
            return corner
    return order[0]


def _furniture(layers: _Layers, bounds: Bounds, fontsize: float = 6.0) -> None:
    """A scale bar (geodesic, along a parallel) and a north arrow, each in a corner clear of
    symbols; labels keep clear of both (:func:`place_labels`)."""
    ax = layers.ax
    span_lon, span_lat = bounds.east - bounds.west, bounds.north - bounds.south
    lat = bounds.south + MARGIN * span_lat
    width_km = float(WGS84.inv(bounds.west, lat, bounds.east, lat)[2]) / 1000
    length_km = nice_length_km(width_km)
    bar_lon = float(WGS84.fwd(bounds.west, lat, 90.0, length_km * 1000)[0]) - bounds.west
    bar = _free_corner(layers, bounds, bar_lon / span_lon, 0.07, CORNERS)
    x0, y0, _, _ = _box_in(bar, bar_lon / span_lon, 0.07)
    lon0, lat0 = bounds.west + x0 * span_lon, bounds.south + y0 * span_lat
    lon1 = float(WGS84.fwd(lon0, lat0, 90.0, length_km * 1000)[0])
    (line,) = ax.plot(
        [lon0, lon1], [lat0, lat0], color="black", linewidth=2.5, solid_capstyle="butt", zorder=7
    )
    text = ax.annotate(
        format_template("{km:g} km", km=length_km),
        ((lon0 + lon1) / 2, lat0),
        xytext=(0, 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=fontsize,
        zorder=7,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
    )
    order = ("upper right", "upper left", "lower right", "lower left")
    north = _free_corner(layers, bounds, 0.05, 0.12, tuple(c for c in order if c != bar))
    nx0, ny0, nx1, ny1 = _box_in(north, 0.05, 0.12)
    arrow = ax.annotate(
        "N",
        xy=((nx0 + nx1) / 2, ny1),
        xytext=((nx0 + nx1) / 2, ny0 + 0.02),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=fontsize + 2,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2},
        zorder=7,
    )
    for artist in (line, text, arrow):
        artist.set_gid(FURNITURE)
        layers.furniture.append(artist)


# -- what the ground times and the aircraft rest on --------------------------------------------


def _roads(layers: _Layers, result: CheckResult) -> None:
    """The road network of the check, segment by segment; closed in the season: dotted."""
    network = road_network(result.engine.router)
    if network is None:
        return
    lon, lat = network.node_lon_deg, network.node_lat_deg
    u, v = network.seg_u, network.seg_v
    segments = np.stack([np.column_stack([lon[u], lat[u]]), np.column_stack([lon[v], lat[v]])], axis=1)
    forward, backward = network.seg_min[result.season]
    closed = ~np.isfinite(np.minimum(forward, backward))
    drawing: tuple[tuple[npt.NDArray[np.bool_], str, Literal["solid", "dotted"]], ...] = (
        (~closed, ROAD, "solid"),
        (closed, ROAD_CLOSED[result.season], "dotted"),
    )
    for mask, entry, style in drawing:
        if not mask.any():
            continue
        lines = LineCollection(
            list(segments[mask]), colors=ROAD_COLOUR, linewidths=0.7, linestyles=style, zorder=1.5
        )
        layers.ax.add_collection(lines, autolim=False)
        layers.drew(lines, entry, Line2D([], [], color=ROAD_COLOUR, linewidth=1.0, linestyle=style))


def _reach(layers: _Layers, result: CheckResult) -> None:
    """Each airframe's air reach: a geodesic ring of half its range around its base."""
    scenario = result.scenario
    usable = result.engine.assets.usable
    drawn: set[tuple[float, float, float, bool]] = set()
    for k, airframe in enumerate(scenario.airframes):
        base = scenario.base_location(airframe)
        flies = bool(usable[k])
        key = (base.lat, base.lon, airframe.range_km / 2, flies)
        if key in drawn:
            continue
        drawn.add(key)
        ring = np.array(circle_path(base.lat, base.lon, airframe.range_km / 2))
        dash: Literal["--", ":"] = "--" if flies else ":"
        colour = "black" if flies else "#8c8c8c"
        (line,) = layers.ax.plot(
            ring[:, 0], ring[:, 1], linestyle=dash, color=colour, linewidth=0.8, zorder=1.8
        )
        handle = Line2D([], [], linestyle=dash, color=colour, linewidth=1.0)
        layers.drew(line, REACH if flies else REACH_GROUNDED, handle)


def _assets(layers: _Layers, result: CheckResult, fontsize: float = 6.0) -> None:
    """Facilities as hexagons filled by level, named; bases as triangles (hollow: none flies)."""
    ax, scenario = layers.ax, result.scenario
    for facility in scenario.facilities:
        colour = _hex(LEVEL_COLOUR[facility.rank])
        (marker,) = ax.plot(
            facility.lon,
            facility.lat,
            marker=FACILITY_MARKER,
            markersize=11,
            markerfacecolor=colour,
            markeredgecolor="black",
            markeredgewidth=0.8,
            linestyle="none",
            zorder=4,
        )
        handle = Line2D(
            [], [], marker=FACILITY_MARKER, markersize=9, markerfacecolor=colour, markeredgecolor="black",
            linestyle="none",
        )  # fmt: skip
        layers.drew(marker, f"Level {facility.rank} facility (labelled L{facility.rank})", handle)
        layers.symbols.append((facility.lon, facility.lat))
        text = facility_label(facility.level, facility.name or facility.id)
        layers.candidates.append(
            LabelCandidate(text, facility.lon, facility.lat, "facility", fontsize, "black", bold=True)
        )
    usable = result.engine.assets.usable
    bases: dict[tuple[float, float], list[int]] = {}
    for k, airframe in enumerate(scenario.airframes):
        base = scenario.base_location(airframe)
        bases.setdefault((base.lat, base.lon), []).append(k)
    for (lat, lon), indexes in bases.items():
        flies = bool(usable[indexes].any())
        (marker,) = ax.plot(
            lon,
            lat,
            marker="^",
            markersize=9,
            markerfacecolor="black" if flies else "white",
            markeredgecolor="black",
            markeredgewidth=1.0,
            linestyle="none",
            zorder=6,
        )
        handle = Line2D(
            [], [], marker="^", markersize=8, markerfacecolor="black" if flies else "white",
            markeredgecolor="black", linestyle="none",
        )  # fmt: skip
        layers.drew(marker, BASE if flies else BASE_GROUNDED, handle)
        layers.symbols.append((lon, lat))
        names = ", ".join(scenario.airframes[k].id for k in indexes)
        layers.candidates.append(
            LabelCandidate(map_label(names), lon, lat, "base", fontsize - 0.5, "#333333")
        )


def _patrols(layers: _Layers, result: CheckResult) -> None:
    scenario = result.scenario
    for patrol, patrol_result in zip(scenario.patrols, result.patrols, strict=True):
        pieces = patrol_pieces(patrol, scenario.source_dir)
        colour = _hex(MEETS_ALL_COLOUR)
        for lat, lon in pieces:
            (line,) = layers.ax.plot(lon, lat, color=colour, linewidth=1.2, zorder=2)
            layers.drew(line, PATROL_MEETS, Line2D([], [], color=colour, linewidth=1.2))
        for stretch in failing_stretches(patrol_result, result.legs, pieces):
            xs, ys = stretch.line.xy
            colour = _hex(FAIL_COLOUR[stretch.leg])
            (line,) = layers.ax.plot(xs, ys, color=colour, linewidth=2.4, zorder=2)
            entry = f"patrol stretch failing {LEG_LABEL[stretch.leg]}"
            layers.drew(line, entry, Line2D([], [], color=colour, linewidth=2.4))


def _sites(layers: _Layers, result: CheckResult, fontsize: float = 6.0) -> None:
    for site, failed in zip(result.scenario.sites, first_failed_leg(result), strict=True):
        colour = _hex(MEETS_ALL_COLOUR if failed is None else FAIL_COLOUR[failed])
        (marker,) = layers.ax.plot(
            site.lon,
            site.lat,
            marker=MARKER[failed],
            markersize=7,
            markerfacecolor=colour,
            markeredgecolor="black",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=5,
        )
        entry = MEETS_ALL if failed is None else f"site fails {LEG_LABEL[failed]} first"
        handle = Line2D(
            [], [], marker=MARKER[failed], markerfacecolor=colour, markeredgecolor="black",
            markeredgewidth=0.5, linestyle="none",
        )  # fmt: skip
        layers.drew(marker, entry, handle)
        layers.symbols.append((site.lon, site.lat))
        kind = "site" if failed is None else "failing site"
        layers.candidates.append(
            LabelCandidate(map_label(site.name or site.id), site.lon, site.lat, kind, fontsize)
        )


# -- labels -----------------------------------------------------------------------------------


def _overlaps(a: Bbox, boxes: list[Bbox]) -> bool:
    return any(a.overlaps(b) for b in boxes)


def place_labels(layers: _Layers) -> tuple[list[PlacedLabel], list[str]]:
    """Place the candidates greedily by priority (stable: the order drawn breaks ties).

    Each is tried at :data:`OFFSETS` in turn and kept at the first where its box stays in
    the map and overlaps no label placed and no symbol but its own; else it is skipped.
    """
    ax = layers.ax
    figure = ax.get_figure()
    assert isinstance(figure, Figure)
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    radius = renderer.points_to_pixels(SYMBOL_RADIUS_PT)
    to_display = ax.transData.transform
    symbols = [(lon, lat, *to_display((lon, lat))) for lon, lat in layers.symbols]
    furniture = [artist.get_window_extent(renderer) for artist in layers.furniture]
    placed: list[PlacedLabel] = []
    boxes: list[Bbox] = []
    skipped: list[str] = []
    for candidate in sorted(layers.candidates, key=lambda c: PRIORITY[c.kind]):
        obstacles = furniture + [
            Bbox.from_extents(x - radius, y - radius, x + radius, y + radius)
            for lon, lat, x, y in symbols
            if (lon, lat) != (candidate.lon, candidate.lat)
        ]
        text = ax.annotate(
            candidate.text,
            (candidate.lon, candidate.lat),
            xytext=(0, 0),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=candidate.fontsize,
            color=candidate.colour,
            fontweight="bold" if candidate.bold else "normal",
            zorder=8,
        )
        measured = text.get_window_extent(renderer)  # measured once; each offset moves the box
        x, y = to_display((candidate.lon, candidate.lat))
        for dx, dy, ha, va in OFFSETS:
            left = x + renderer.points_to_pixels(dx) - measured.width * ALIGN[ha]
            bottom = y + renderer.points_to_pixels(dy) - measured.height * ALIGN[va]
            extent = Bbox.from_bounds(left, bottom, measured.width, measured.height)
            inside = (
                frame.x0 <= extent.x0
                and extent.x1 <= frame.x1
                and frame.y0 <= extent.y0
                and extent.y1 <= frame.y1
            )
            if inside and not _overlaps(extent, boxes) and not _overlaps(extent, obstacles):
                text.xyann = (dx, dy)
                text.set_horizontalalignment(ha)
                text.set_verticalalignment(va)
                text.set_gid(LABEL)
                boxes.append(extent)
                x0, y0, x1, y1 = (float(v) for v in extent.extents)
                placed.append(PlacedLabel(candidate.text, candidate.kind, (x0, y0, x1, y1)))
                break
        else:
            text.remove()
            skipped.append(candidate.text)
    return placed, skipped


# -- the maps ---------------------------------------------------------------------------------


def drawn_entries(ax: Axes) -> set[str]:
    """The legend entries of the symbols on an axes (by their artists' gids)."""
    return {str(a.get_gid()) for a in ax.get_children() if a.get_gid() not in (None, LABEL, FURNITURE)}


def _legend_beside(ax: Axes, layers: _Layers) -> None:
    """Legends sit beside the map, never over a site or a base."""
    ax.legend(
        handles=list(layers.legend.values()),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
    )


def _one_map(result: CheckResult, title: str) -> tuple[Figure, _Layers]:
    figure = Figure(figsize=(7.5, 6.5))
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    layers = _Layers(ax)
    bounds = scenario_bounds(result.scenario)
    _basemap(layers, bounds, result.scenario)
    _roads(layers, result)
    ax.set_title(title, fontsize=9)
    return figure, layers


def draw_status_map(result: CheckResult, title: str) -> MapDrawing:
    """One condition: sites by first failing leg, facilities, bases and their reach, roads,
    patrol gaps, with the legend of what is drawn and the labels placed."""
    figure, layers = _one_map(result, title)
    _reach(layers, result)
    _patrols(layers, result)
    _assets(layers, result)
    _sites(layers, result)
    _furniture(layers, scenario_bounds(result.scenario))
    placed, skipped = place_labels(layers)
    _legend_beside(layers.ax, layers)
    return MapDrawing(
        figure, tuple(layers.legend), frozenset(drawn_entries(layers.ax)), tuple(placed), tuple(skipped)
    )


def status_map(result: CheckResult, title: str) -> bytes:
    """:func:`draw_status_map` as PNG."""
    return draw_status_map(result, title).png()


def draw_conditions_map(results: dict[Condition, CheckResult]) -> MapDrawing:
    """The four conditions side by side (2 x 2), same extent, one legend for all four."""
    figure = Figure(figsize=(9, 8))
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 2).ravel()
    all_layers = []
    for ax, (condition, result) in zip(axes, results.items(), strict=False):
        layers = _Layers(ax)
        bounds = scenario_bounds(result.scenario)
        _basemap(layers, bounds, result.scenario, town_size=5.0)
        _roads(layers, result)
        _reach(layers, result)
        _patrols(layers, result)
        _assets(layers, result, fontsize=5.0)
        _sites(layers, result, fontsize=5.0)
        _furniture(layers, bounds, fontsize=5.0)
        summary = Results.of(result).summary()
        meeting, sites = summary["sites_meeting_all"], summary["sites"]
        ax.set_title(
            format_template(
                gettext("{condition}: {meeting} of {sites} sites meet all"),
                condition=condition_label(condition),
                meeting=meeting,
                sites=sites,
            ),
            fontsize=8,
        )
        all_layers.append(layers)
    figure.tight_layout()
    placed: list[PlacedLabel] = []
    skipped: list[str] = []
    legend: dict[str, Artist] = {}
    drawn: set[str] = set()
    for layers in all_layers:
        shown, left_out = place_labels(layers)
        placed += shown
        skipped += left_out
        for entry, handle in layers.legend.items():
            legend.setdefault(entry, handle)
        drawn |= drawn_entries(layers.ax)
    figure.legend(
        handles=list(legend.values()),
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    return MapDrawing(figure, tuple(legend), frozenset(drawn), tuple(placed), tuple(skipped))


def conditions_map(results: dict[Condition, CheckResult]) -> bytes:
    """:func:`draw_conditions_map` as PNG."""
    return draw_conditions_map(results).png()


def draw_change_map(baseline: CheckResult, variant: CheckResult, title: str) -> MapDrawing:
    """Sites that now meet every leg (up), that no longer do (down), the rest grey."""
    figure, layers = _one_map(variant, title)
    _assets(layers, variant)
    changes = Results.of(baseline).meets_all_changes(Results.of(variant)).set_index("site_id")
    styles = {
        GAINED: ("^", GAINED_COLOUR, 10),
        LOST: ("v", LOST_COLOUR, 10),
        UNCHANGED: ("o", UNCHANGED_COLOUR, 5),
    }
    for site in baseline.scenario.sites:
        if site.id not in changes.index:
            continue
        before = bool(changes.at[site.id, "meets_all_before"])
        now = bool(changes.at[site.id, "meets_all_after"])
        entry = GAINED if now and not before else LOST if before and not now else UNCHANGED
        marker, colour, size = styles[entry]
        (point,) = layers.ax.plot(
            site.lon,
            site.lat,
            marker=marker,
            color=colour,
            markersize=size,
            markeredgecolor="black",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=5,
        )
        handle = Line2D([], [], marker=marker, color=colour, markeredgecolor="black", linestyle="none")
        layers.drew(point, entry, handle)
        layers.symbols.append((site.lon, site.lat))
        if entry != UNCHANGED:
            layers.candidates.append(
                LabelCandidate(map_label(site.name or site.id), site.lon, site.lat, "failing site", 7.0)
            )
    _furniture(layers, scenario_bounds(variant.scenario))
    placed, skipped = place_labels(layers)
    _legend_beside(layers.ax, layers)
    return MapDrawing(
        figure, tuple(layers.legend), frozenset(drawn_entries(layers.ax)), tuple(placed), tuple(skipped)
    )


def change_map(baseline: CheckResult, variant: CheckResult, title: str) -> bytes:
    """:func:`draw_change_map` as PNG."""
    return draw_change_map(baseline, variant, title).png()
