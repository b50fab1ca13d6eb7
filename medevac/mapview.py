"""What the app's main map needs beyond the layers of a check: its labels, roads, view,
scale bar and the cells a planner clicks to place a what-if. Plain records, no drawing.

Labels are names (a site's or facility's name, else its id), each with a collision priority
for the front end's declutter: failing sites with most personnel first, then facilities,
airframe bases, the other sites (most personnel first), then towns (largest first). The map
hides, at every zoom, each label that collides with one of higher priority.

Placing by a click is two clicks: the first, anywhere in the mission area, picks a coarse
cell and zooms the map onto it; there the cell is cut into fine cells of
:data:`FINE_CELL_KM`, and the second click takes the centre of the fine cell clicked, within
:data:`PLACEMENT_ACCURACY_KM` (half its diagonal) of the point clicked. (The map reports the
object clicked, not the point: a pickable cell is what turns a click into a place.)
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from medevac import messages
from medevac.geo import WGS84
from medevac.i18n import DEFAULT_LANGUAGE, N_, current_language, format_template, gettext
from medevac.mapdata import Bounds, airfields, ascii_label, country_outlines, facility_label, map_label, towns

if TYPE_CHECKING:
    from medevac.check import CheckResult
    from medevac.model import Scenario

Record = dict[str, Any]


class JsonRecords(Sequence[Record]):
    """Map records whose JSON is made once (:attr:`json`), for data the app sends unchanged on
    every rerun (roads, country outlines, the cells to click): encoding them again was a
    tenth of a what-if. Read-only: never mutate a record.

    >>> roads = JsonRecords([{"path": [[0.5, 1.0], [1.5, 2.0]]}])
    >>> len(roads), roads[0]["path"][1], roads.json
    (1, [1.5, 2.0], '[{"path":[[0.5,1.0],[1.5,2.0]]}]')
    """

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._records = tuple(records)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Record]: ...
    def __getitem__(self, index: int | slice) -> Record | Sequence[Record]:
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self._records) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JsonRecords({len(self)} records)"

    @cached_property
    def json(self) -> str:
        """The records as a compact JSON array, keys sorted (as the deck's own JSON)."""
        return json.dumps(list(self._records), sort_keys=True, separators=(",", ":"))


# -- labels -----------------------------------------------------------------------------------

LABEL_COLOUR = {"site": [20, 20, 20], "facility": [0, 0, 0], "base": [40, 40, 40], "town": [100, 100, 100]}
BADGE_OFFSET_PX = -18
"""A facility's level badge sits this far above its place (pixels, screen y down), so a site
at the same camp keeps its dot visible; a small marker shows where the facility is."""
MAX_TOWN_LABELS = 300
PRIORITY_TOP = 1000
"""Collision priorities run from +1000 (shown first) down; deck.gl takes -1000 to 1000."""
SAME_PLACE_DEG = 0.02
"""Sites, facilities and bases this close (about 2 km: one camp) share one label, a line each."""


def site_label(record: Mapping[str, Any]) -> str:
    """A site's map label: its name and its status code (``Gao supercamp [ok]``)."""
    return f"{map_label(ascii_label(str(record['name'])))} [{record['code']}]"


def label_records(layers: Mapping[str, Sequence[Record]], towns: Sequence[Record] = ()) -> list[Record]:
    """Every label of the map, highest priority first, each with its ``priority``.

    ``layers`` are :func:`medevac.mapdata.result_layers`; ``towns`` those of
    :func:`medevac.mapdata.towns` (largest first). What stands at one place (a camp with its
    hospital and helicopters) is one label of several lines, ranked by its first member.
    """
    sites = list(layers.get("sites", ()))
    failing = sorted((s for s in sites if s["code"] != "ok"), key=lambda s: -int(s["personnel"]))
    meeting = sorted((s for s in sites if s["code"] == "ok"), key=lambda s: -int(s["personnel"]))
    ordered: list[tuple[str, Record, str]] = [("site", s, site_label(s)) for s in failing]
    ordered += [
        ("facility", f, facility_label(f["level"], ascii_label(str(f["name"]))))
        for f in layers.get("facilities", ())
    ]
    ordered += [("base", b, str(b["label"])) for b in layers.get("airframe_bases", ())]
    ordered += [("site", s, site_label(s)) for s in meeting]
    groups: list[tuple[Record, list[tuple[str, str]]]] = []
    for kind, record, text in ordered:
        lat, lon = float(record["lat"]), float(record["lon"])
        group = next(
            (
                g
                for g in groups
                if abs(g[0]["lat"] - lat) <= SAME_PLACE_DEG and abs(g[0]["lon"] - lon) <= SAME_PLACE_DEG
            ),
            None,
        )
        if group is None:
            groups.append(({"lat": lat, "lon": lon, "kind": kind}, [(kind, text)]))
        else:
            group[1].append((kind, text))
    records = []
    for head, members in groups:
        bases = [text for kind, text in members if kind == "base"]
        lines = [text for kind, text in members if kind != "base"]
        if bases:
            lines.append(", ".join(bases))
        records.append({**head, "text": "\n".join(lines), "colour": LABEL_COLOUR[head["kind"]]})
    records += [
        {
            "kind": "town",
            "lat": float(t["lat"]),
            "lon": float(t["lon"]),
            "text": str(t["label"]),
            "colour": LABEL_COLOUR["town"],
        }
        for t in list(towns)[:MAX_TOWN_LABELS]
    ]
    for rank, record in enumerate(records):
        record["priority"] = max(PRIORITY_TOP - rank, -PRIORITY_TOP)
    return records


# -- roads ------------------------------------------------------------------------------------

ROAD_COLOUR = [140, 109, 70]  # the report maps' road brown (#8c6d46)


_ROAD_RECORDS: weakref.WeakKeyDictionary[Any, dict[str, JsonRecords]] = weakref.WeakKeyDictionary()
"""Road records by network and season: a network never changes, and every what-if on one
mission draws the same roads (building them was a tenth of a what-if)."""


def road_records(network: Any, season: str) -> JsonRecords:
    """A road network's segments (:class:`medevac.roads.network.RoadNetwork`, as the report
    maps draw them), each ``closed`` when closed both ways in the season, and then dashed
    (``dash``: dash and gap in line widths; ``[0, 0]`` is solid). Shared: never mutate."""
    if network is None:
        return JsonRecords()
    by_season = _ROAD_RECORDS.setdefault(network, {})
    if season not in by_season:
        by_season[season] = JsonRecords(_road_records(network, season))
    return by_season[season]


def _road_records(network: Any, season: str) -> list[Record]:
    lon, lat = network.node_lon_deg, network.node_lat_deg
    u, v = network.seg_u, network.seg_v
    forward, backward = network.seg_min[season]
    closed = ~np.isfinite(np.minimum(forward, backward))
    ends = np.round(np.column_stack([lon[u], lat[u], lon[v], lat[v]]), 5).tolist()
    return [
        {
            "path": [[a, b], [c, d]],
            "closed": bool(shut),
            "colour": [*ROAD_COLOUR, 160 if shut else 220],
            "dash": [3, 2] if shut else [0, 0],
        }
        for (a, b, c, d), shut in zip(ends, closed.tolist(), strict=True)
    ]


# -- the view ---------------------------------------------------------------------------------

TILE_PX = 512.0
"""deck.gl's web-mercator world is 512 pixels wide at zoom 0."""
EARTH_CIRCUMFERENCE_M = 2 * math.pi * 6378137.0


@dataclass(frozen=True)
class View:
    """Where the map opens: centre (degrees) and web-mercator zoom."""

    lat: float
    lon: float
    zoom: float

    def metres_per_pixel(self) -> float:
        """Ground metres per screen pixel at the centre (web mercator, 512-pixel tiles)."""
        return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(self.lat)) / (TILE_PX * 2**self.zoom)

    def pixel_to_lat_lon(self, dx_px: float, dy_px: float) -> tuple[float, float]:
        """The point ``dx`` pixels right and ``dy`` down of the centre (screen y down)."""
        world = TILE_PX * 2**self.zoom
        x = (self.lon + 180.0) / 360.0 * world + dx_px
        y0 = (1 - math.log(math.tan(math.pi / 4 + math.radians(self.lat) / 2)) / math.pi) / 2 * world
        y = y0 + dy_px
        lon = x / world * 360.0 - 180.0
        lat = math.degrees(2 * math.atan(math.exp(math.pi * (1 - 2 * y / world))) - math.pi / 2)
        return lat, lon


def bounds_view(bounds: Bounds, height_px: float = 620.0) -> View:
    lat, lon = bounds.centre
    return View(lat, lon, bounds.zoom(height_px=height_px))


FOCUS_ZOOM = 9.0
"""Zoom of the view on one site (about 60 km across a 1,000-pixel map)."""


def focus_view(lat: float, lon: float, bounds: Bounds, zoom: float = FOCUS_ZOOM) -> View:
    """A closer view centred on a point: at least :data:`FOCUS_ZOOM`, never out from the
    mission's own view."""
    return View(lat, lon, max(zoom, bounds.zoom()))


def cell_view(lat: float, lon: float, cell_km: float, height_px: float = 620.0) -> View:
    """A view centred on a cell with the cell half the map's height (its fine cells then
    about 10 pixels or more on a side, each easy to click)."""
    metres_per_pixel = cell_km * 1000 / (height_px / 2)
    zoom = math.log2(EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_PX * metres_per_pixel))
    return View(lat, lon, float(min(max(zoom, 1.0), 16.0)))


# -- the scale bar ----------------------------------------------------------------------------


def nice_length_km(target_km: float) -> float:
    """The largest of 1, 2 or 5 x 10^n km not above the target.

    >>> nice_length_km(180), nice_length_km(40), nice_length_km(0.7)
    (100.0, 20.0, 0.5)
    """
    target = max(target_km, 1e-3)
    power = 10 ** math.floor(math.log10(target))
    return float(next(m * power for m in (5, 2, 1) if m * power <= target * (1 + 1e-9)))


@dataclass(frozen=True)
class ScaleBar:
    """A geodesic bar of a round length along a parallel, drawn on the map itself (so it
    stays true as the planner zooms: it lies on the ground at its latitude)."""

    length_km: float
    lat: float
    lon_start: float
    lon_end: float

    @property
    def text(self) -> str:
        return format_template("{length_km:g} km", length_km=self.length_km)

    def records(self) -> tuple[list[Record], list[Record]]:
        """The bar (a path) and its label, as PathLayer and TextLayer records."""
        path = [[self.lon_start, self.lat], [self.lon_end, self.lat]]
        tooltip = format_template(gettext("scale: {length} at {lat:.2f} deg"), length=self.text, lat=self.lat)
        bar = {"path": path, "colour": [0, 0, 0], "tooltip": tooltip}
        label = {
            "lon": (self.lon_start + self.lon_end) / 2,
            "lat": self.lat,
            "text": self.text,
        }
        return [bar], [label]


def scale_bar(view: View, height_px: float = 620.0, width_px: float = 700.0) -> ScaleBar:
    """A bar of about a fifth of a ``width_px`` map, centred a little above the bottom edge
    of the view (centred, so a narrower window still shows it whole); the geodesic between
    its ends is its length."""
    length_km = nice_length_km(view.metres_per_pixel() * width_px / 5 / 1000)
    lat, lon_mid = view.pixel_to_lat_lon(0.0, height_px / 2 - 40)
    # The half-width in longitude whose geodesic between the two ends is the length: from the
    # arc along the parallel, corrected a few times by the measured geodesic (it converges fast).
    half_deg = length_km * 500 / (EARTH_CIRCUMFERENCE_M / 360 * math.cos(math.radians(lat)))
    for _ in range(4):
        measured_m = float(WGS84.inv(lon_mid - half_deg, lat, lon_mid + half_deg, lat)[2])
        half_deg *= length_km * 1000 / measured_m
    west, east = lon_mid - half_deg, lon_mid + half_deg
    return ScaleBar(length_km, lat, west, east)


# -- tooltips in the reader's language ---------------------------------------------------------
# The layers of :mod:`medevac.mapdata` carry English tooltips (and the app caches the basemap's
# towns and airfields across sessions): these rebuild each tooltip in the current language, at
# render time, from the records' own fields and the check. English is returned as it is.


def _minutes_text(value: float) -> str:
    if not np.isfinite(value):
        return gettext("no pathway")
    return format_template(gettext("{minutes:.1f} min"), minutes=float(value))


def status_text(leg: str | None) -> str:
    """``meets all legs`` / ``fails surgery first``, in the current language."""
    if leg is None:
        return gettext("meets all legs")
    return format_template(gettext("fails {leg} first"), leg=messages.leg_text(leg))  # type: ignore[arg-type]


def _site_tooltip(result: CheckResult, s: int, failed: str | None, reported: Any) -> str:
    site = result.scenario.sites[s]
    lines = [
        format_template(
            gettext("{site} ({id}), {personnel} personnel"),
            site=site.name or site.id,
            id=site.id,
            personnel=site.personnel,
        ),
        status_text(failed),
    ]
    for i, leg in enumerate(result.legs):
        verdict = gettext("meets") if result.meets[i, s] else gettext("FAILS")
        how = result.pathway_text(leg, s)
        line = format_template(
            gettext("{leg}: {time} {verdict}"),
            leg=messages.leg_text(leg),
            time=_minutes_text(reported[i, s]),
            verdict=verdict,
        )
        lines.append(line + (f", {how}" if how else ""))
    factor = result.limiting_factor(s)
    if factor:
        lines.append(format_template(gettext("limiting: {factor}"), factor=factor))
    return "\n".join(lines)


def _facility_tooltip(record: Mapping[str, Any], facility: Any) -> str:
    landing = [
        gettext(word) for word, has in (("helipad", facility.helipad), ("airstrip", facility.airstrip)) if has
    ]
    text = f"{record['name']} ({facility.id})\n{messages.level_text(facility.rank)}"
    text += messages.semicolon() + (", ".join(landing) if landing else gettext("no landing"))
    if facility.ground_team:
        text += messages.semicolon() + gettext("ground team")
    return text


def _base_tooltip(result: CheckResult, record: Mapping[str, Any], airframe: Any) -> str:
    if record["flies"]:
        state = gettext("flies")
    else:
        state = gettext("unavailable") if not airframe.available else gettext("grounded at night")
    kind = gettext(messages.AIRFRAME_KIND_TEXT.get(airframe.kind, airframe.kind))
    parts = [
        state,
        format_template(
            gettext("cruise {cruise_kmh:g} km/h, range {range_km:g} km"),
            cruise_kmh=airframe.cruise_kmh,
            range_km=airframe.range_km,
        ),
        format_template(
            gettext("launch {launch_min:g} min ({light})"),
            launch_min=airframe.launch.minutes(result.light),
            light=gettext(messages.LIGHT_NAME[result.light]),
        ),
    ]
    if airframe.night:
        parts.append(gettext("night-capable"))
    if airframe.medical_team:
        parts.append(gettext("medical team on board"))
    return f"{airframe.id} {airframe.type} ({kind})\n" + messages.semicolon().join(parts)


def site_tooltips(layers: Mapping[str, Sequence[Record]], result: CheckResult) -> dict[str, list[Record]]:
    """The layers of :func:`medevac.mapdata.result_layers` with every tooltip in the current
    language (new records; the layers given are not changed)."""
    if current_language() == DEFAULT_LANGUAGE:
        return {name: list(records) for name, records in layers.items()}
    from medevac.check import reported_min
    from medevac.whatif import first_failed_leg

    scenario = result.scenario
    out: dict[str, list[Record]] = {name: list(records) for name, records in layers.items()}
    if "sites" in layers:
        reported = reported_min(result.times.time_min)
        failed = first_failed_leg(result)
        out["sites"] = [
            {**record, "tooltip": _site_tooltip(result, s, failed[s], reported)}
            for s, record in enumerate(layers["sites"])
        ]
    out["facilities"] = facility_tooltips(layers.get("facilities", ()), scenario)
    airframes = {a.id: a for a in scenario.airframes}
    out["airframe_bases"] = [
        {**r, "tooltip": _base_tooltip(result, r, airframes[r["id"]])} if r["id"] in airframes else dict(r)
        for r in layers.get("airframe_bases", ())
    ]
    out["range_rings"] = [
        {
            **r,
            "tooltip": format_template(
                gettext("{id}: radius of action {radius_km:g} km (half of range {range_km:g} km)"),
                id=r["id"],
                radius_km=float(r["radius_km"]),
                range_km=2 * float(r["radius_km"]),
            ),
        }
        for r in layers.get("range_rings", ())
    ]
    out["patrol_stretches"] = [
        {
            **r,
            "tooltip": format_template(
                gettext("patrol {id}: {km:.0f} km that {status}"),
                id=r["id"],
                km=float(r["length_km"]),
                status=_stretch_status(r, result),
            ),
        }
        for r in layers.get("patrol_stretches", ())
    ]
    return out


def facility_tooltips(records: Sequence[Record], scenario: Scenario) -> list[Record]:
    """Facility records (:func:`medevac.mapdata.facility_records`) with their tooltips in the
    current language (new records)."""
    if current_language() == DEFAULT_LANGUAGE:
        return list(records)
    facilities = {f.id: f for f in scenario.facilities}
    return [
        {**r, "tooltip": _facility_tooltip(r, facilities[r["id"]])} if r.get("id") in facilities else dict(r)
        for r in records
    ]


def _stretch_status(record: Mapping[str, Any], result: CheckResult) -> str:
    """A stretch's status in words, from its English ``status`` (``fails surgery first``)."""
    from medevac.standards import LEG_LABEL

    for leg, label in LEG_LABEL.items():
        if record.get("status") == f"fails {label} first" and leg in result.legs:
            return status_text(leg)
    return status_text(None)


AIRFIELD_TYPES = {
    "large_airport": N_("large airport"),
    "medium_airport": N_("medium airport"),
    "small_airport": N_("small airport"),
    "heliport": N_("heliport"),
}
"""The airfield types of the bundled geodata (OurAirports' ``type``), as a tooltip says them."""


def basemap(bounds: Bounds) -> dict[str, Any]:
    """The basemap and pickable places around a box, tooltips in the current language: country
    outlines (GeoJSON features), towns, airfields, and the coarse cells a first click picks
    (:func:`coarse_cells`; ``place_km`` their size). Each as :class:`JsonRecords`: the app
    sends them unchanged on every rerun and keeps one per box and language."""
    cells = coarse_cells(bounds)
    return {
        "countries": JsonRecords(country_outlines(bounds)["features"]),
        "towns": JsonRecords(place_tooltips(towns(bounds))),
        "airfields": JsonRecords(place_tooltips(airfields(bounds))),
        "places": JsonRecords(cells.records("coarse")),
        "place_km": cells.cell_km,
    }


def place_tooltips(records: Sequence[Record]) -> list[Record]:
    """Towns and airfields of the basemap (:func:`medevac.mapdata.towns`, ``airfields``) with
    their tooltips in the current language (new records)."""
    if current_language() == DEFAULT_LANGUAGE:
        return list(records)
    out = []
    for record in records:
        if record.get("kind") == "town":
            tooltip = format_template(
                gettext("{town} (town, population {population})"),
                town=record["label"],
                population=record.get("population", "?"),
            )
        elif record.get("kind") == "airfield":
            code = str(record.get("type", ""))
            kind = gettext(AIRFIELD_TYPES[code]) if code in AIRFIELD_TYPES else code.replace("_", " ")
            runway = record.get("runway_m")
            tooltip = (
                format_template(
                    gettext("{airfield} ({kind}, runway {runway_m:.0f} m)"),
                    airfield=record["label"],
                    kind=kind,
                    runway_m=float(runway),
                )
                if isinstance(runway, int | float)
                else f"{record['label']} ({kind})"
            )
        else:
            out.append(dict(record))
            continue
        out.append({**record, "tooltip": tooltip})
    return out


# -- placing by a click -----------------------------------------------------------------------

FINE_CELL_KM = 1.0
PLACEMENT_ACCURACY_KM = FINE_CELL_KM / math.sqrt(2)
"""The farthest the place taken can be from the point clicked: half a fine cell's diagonal."""
COARSE_CELLS_PER_SIDE = 30
KM_PER_DEG_LAT = 111.32


@dataclass(frozen=True)
class Cells:
    """Square cells of ``cell_km`` on a side centred on a lattice (the map draws each as a
    square of that size): clicking one takes its centre."""

    cell_km: float
    lat: tuple[float, ...]
    lon: tuple[float, ...]

    def records(self, stage: str) -> list[Record]:
        verb = gettext("zoom in here to place") if stage == "coarse" else gettext("place here")
        return [
            {
                "lat": y,
                "lon": x,
                "tooltip": f"({y:.3f}, {x:.3f}): {verb}",  # coordinates keep their decimal point
            }
            for y, x in zip(self.lat, self.lon, strict=True)
        ]


def _lattice(lat0: float, lon0: float, cell_km: float, rows: int, cols: int) -> Cells:
    """A rows x cols lattice of squares of ``cell_km`` centred on (lat0, lon0), spaced in km
    at its centre latitude."""
    dlat = cell_km / KM_PER_DEG_LAT
    dlon = cell_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat0)))
    i = np.arange(rows) - (rows - 1) / 2
    j = np.arange(cols) - (cols - 1) / 2
    lat, lon = np.meshgrid(lat0 + i * dlat, lon0 + j * dlon, indexing="ij")
    return Cells(cell_km, tuple(np.round(lat.ravel(), 5).tolist()), tuple(np.round(lon.ravel(), 5).tolist()))


def coarse_cells(bounds: Bounds, per_side: int = COARSE_CELLS_PER_SIDE) -> Cells:
    """Cells that cover the box, about ``per_side`` along its longer side, of a whole
    number of km (so the fine cells tile them)."""
    lat0, lon0 = bounds.centre
    height_km = (bounds.north - bounds.south) * KM_PER_DEG_LAT
    width_km = (bounds.east - bounds.west) * KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    cell_km = float(max(1.0, math.ceil(max(height_km, width_km) / per_side)))
    rows = max(1, math.ceil(height_km / cell_km))
    cols = max(1, math.ceil(width_km / cell_km))
    return _lattice(lat0, lon0, cell_km, rows, cols)


def fine_cells(lat: float, lon: float, coarse_km: float, fine_km: float = FINE_CELL_KM) -> Cells:
    """Cells of ``fine_km`` over the coarse cell centred at (lat, lon), widened by one fine
    cell on every side (a click near a coarse cell's edge still finds its fine cell)."""
    per_side = math.ceil(coarse_km / fine_km) + 2
    return _lattice(lat, lon, fine_km, per_side, per_side)


__all__ = [
    "BADGE_OFFSET_PX",
    "FINE_CELL_KM",
    "PLACEMENT_ACCURACY_KM",
    "ROAD_COLOUR",
    "Cells",
    "JsonRecords",
    "ScaleBar",
    "View",
    "basemap",
    "bounds_view",
    "cell_view",
    "coarse_cells",
    "facility_tooltips",
    "fine_cells",
    "focus_view",
    "label_records",
    "nice_length_km",
    "place_tooltips",
    "road_records",
    "scale_bar",
    "site_label",
    "site_tooltips",
    "status_text",
]
