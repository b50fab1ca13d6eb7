"""Map layers of a check as plain records and GeoJSON: what the app draws and exports.

Each layer is a list of flat dicts (position, colour, label, tooltip text) that any front end
can draw, and the same records become GeoJSON for download, so the file a planner takes away
shows exactly what the map showed. No drawing library is imported here. Tooltips are plain
text, one fact a line (``\n``): names come from planners' files, so no markup is made here.

Colours come from the Okabe-Ito palette, which readers with the common colour-vision
deficiencies can tell apart; every site also carries a text code (``ok``, ``S`` ...) so
colour is never the only cue.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any, cast

import numpy as np

from medevac.check import CheckResult, reported_min
from medevac.coverage.grid import scenario_points
from medevac.geo import WGS84, FloatArray
from medevac.geodata import AFRICA_COUNTRIES, GEODATA, mission_files
from medevac.ground import GroundRouter
from medevac.model import Scenario
from medevac.standards import LEG_LABEL, Leg
from medevac.whatif import first_failed_leg

RGB = tuple[int, int, int]

MEETS_ALL_COLOUR: RGB = (0, 114, 178)  # Okabe-Ito blue
FAIL_COLOUR: dict[Leg, RGB] = {
    "first_aid": (213, 94, 0),  # vermillion
    "resuscitation": (230, 159, 0),  # orange
    "surgery": (204, 121, 167),  # reddish purple
    "primary_surgery": (86, 180, 233),  # sky blue
}
"""A site's colour: the first leg it fails (in timeline order)."""

STATUS_CODE: dict[Leg | None, str] = {
    None: "ok",
    "first_aid": "FA",
    "resuscitation": "R",
    "surgery": "S",
    "primary_surgery": "PS",
}
"""Short text beside each site, so the status never rests on colour alone."""

LEVEL_COLOUR: dict[int, RGB] = {1: (255, 255, 255), 2: (153, 153, 153), 3: (0, 0, 0)}
"""Facility badge fill by capability rank (Level 1 white, 2 grey, 3 black)."""

PATROL_MEETS_COLOUR: RGB = MEETS_ALL_COLOUR
"""A patrol stretch meeting every leg: the colour of a site that does (failing stretches take
the colour of the first leg they fail, as sites do)."""

TIME_BANDS_MIN: tuple[float, ...] = (30.0, 60.0, 90.0, 120.0, 240.0)
"""Upper edges of the coverage surface's colour bands (minutes); beyond the last: no colour."""

BAND_COLOURS: tuple[RGB, ...] = (
    (0, 90, 50),
    (35, 139, 69),
    (116, 196, 118),
    (186, 228, 179),
    (247, 252, 185),
)
"""The coverage bands, quickest first: a single-hue sequence (ColorBrewer YlGn, dark to
light), read by lightness alone, so colour-blind readers follow it; no colour of a site's
verdict (Okabe-Ito) is among them, so a cell is never read as a site's status."""

SURFACE_ALPHA = 110
"""Opacity (0-255) of the coverage cells over the basemap."""

GEODATA_DIR: Traversable = GEODATA
"""The bundled offline basemap: country outlines, towns and airfields (see
:mod:`medevac.geodata` and its README.md), read through :mod:`importlib.resources`."""


def status_label(leg: Leg | None) -> str:
    return "meets all legs" if leg is None else f"fails {LEG_LABEL[leg]} first"


def _minutes_text(value: float) -> str:
    return f"{value:.1f} min" if np.isfinite(value) else "no pathway"


@dataclass(frozen=True)
class Bounds:
    """A lat/lon box around a scenario (degrees), for the view and to clip the basemap."""

    south: float
    west: float
    north: float
    east: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.south + self.north) / 2, (self.west + self.east) / 2

    def zoom(self, width_px: float = 800.0, height_px: float = 600.0) -> float:
        """The web-map zoom that fits the box in a map of this size (512-pixel world tiles)."""
        lat = np.radians(np.clip([self.south, self.north], -85.0, 85.0))
        mercator_span = float(np.abs(np.diff(np.log(np.tan(np.pi / 4 + lat / 2))))[0]) / (2 * np.pi)
        lon_span = max(self.east - self.west, 0.01) / 360.0
        fit = min(width_px / 512.0 / lon_span, height_px / 512.0 / max(mercator_span, 1e-4))
        return float(np.clip(np.log2(fit), 1.0, 14.0))

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def scenario_bounds(scenario: Scenario, margin_deg: float = 0.5) -> Bounds:
    """The box of the scenario's facilities, bases, sites and patrols, widened by a margin."""
    lat, lon = scenario_points(scenario)
    if not len(lat):
        return Bounds(-35.0, -20.0, 38.0, 52.0)  # Africa
    return Bounds(
        float(lat.min()) - margin_deg,
        float(lon.min()) - margin_deg,
        float(lat.max()) + margin_deg,
        float(lon.max()) + margin_deg,
    )


# -- layers of a result --------------------------------------------------------------------


def site_records(result: CheckResult) -> list[dict[str, Any]]:
    """One record per site: position, status colour and code, and a tooltip of times."""
    reported = reported_min(result.times.time_min)
    records = []
    for s, (site, failed) in enumerate(zip(result.scenario.sites, first_failed_leg(result), strict=True)):
        lines = [
            f"{site.name or site.id} ({site.id}), {site.personnel} personnel",
            status_label(failed),
        ]
        for i, leg in enumerate(result.legs):
            verdict = "meets" if result.meets[i, s] else "FAILS"
            how = result.pathway_text(leg, s)
            lines.append(
                f"{LEG_LABEL[leg]}: {_minutes_text(reported[i, s])} {verdict}" + (f", {how}" if how else "")
            )
        factor = result.limiting_factor(s)
        if factor:
            lines.append(f"limiting: {factor}")
        records.append(
            {
                "kind": "site",
                "id": site.id,
                "name": site.name or site.id,
                "lat": site.lat,
                "lon": site.lon,
                "personnel": site.personnel,
                "status": status_label(failed),
                "code": STATUS_CODE[failed],
                "label": f"{site.name or site.id} [{STATUS_CODE[failed]}]",
                "colour": list(FAIL_COLOUR[failed] if failed else MEETS_ALL_COLOUR),
                "tooltip": "\n".join(lines),
            }
        )
    return records


def facility_records(scenario: Scenario) -> list[dict[str, Any]]:
    """Facilities as badges labelled by level (``L2``), filled by capability."""
    records = []
    for facility in scenario.facilities:
        landing = [
            name for name, has in (("helipad", facility.helipad), ("airstrip", facility.airstrip)) if has
        ]
        records.append(
            {
                "kind": "facility",
                "id": facility.id,
                "name": facility.name or facility.id,
                "level": facility.level,
                "lat": facility.lat,
                "lon": facility.lon,
                "label": f"L{facility.level}",
                "colour": list(LEVEL_COLOUR[facility.rank]),
                "text_colour": [0, 0, 0] if facility.rank < 3 else [255, 255, 255],
                "tooltip": f"{facility.name or facility.id} ({facility.id})\nLevel {facility.level}"
                + (f"; {', '.join(landing)}" if landing else "; no landing")
                + ("; ground team" if facility.ground_team else ""),
            }
        )
    return records


def _flies(result: CheckResult, airframe_index: int) -> bool:
    return bool(result.engine.assets.usable[airframe_index])


def base_records(result: CheckResult) -> list[dict[str, Any]]:
    """Airframes at their bases; ``flies`` is false when unavailable or grounded by night."""
    records = []
    for k, airframe in enumerate(result.scenario.airframes):
        base = result.scenario.base_location(airframe)
        flies = _flies(result, k)
        state = "flies" if flies else ("unavailable" if not airframe.available else "grounded at night")
        launch = airframe.launch.minutes(result.light)
        records.append(
            {
                "kind": "airframe",
                "id": airframe.id,
                "lat": base.lat,
                "lon": base.lon,
                "flies": flies,
                "label": airframe.id,
                "colour": [0, 0, 0] if flies else [150, 150, 150],
                "tooltip": f"{airframe.id} {airframe.type} ({airframe.kind.replace('_', ' ')})\n"
                f"{state}; cruise {airframe.cruise_kmh:g} km/h, range {airframe.range_km:g} km; "
                f"launch {launch:g} min ({result.light})"
                + ("; night-capable" if airframe.night else "")
                + ("; medical team on board" if airframe.medical_team else ""),
            }
        )
    return records


def circle_path(lat: float, lon: float, radius_km: float, vertices: int = 72) -> list[list[float]]:
    """A geodesic circle as a closed ``[[lon, lat], ...]`` path."""
    azimuth = np.linspace(0.0, 360.0, vertices + 1)
    ring_lon, ring_lat, _ = WGS84.fwd(
        np.full(vertices + 1, lon),
        np.full(vertices + 1, lat),
        azimuth,
        np.full(vertices + 1, radius_km * 1000),
    )
    return [[float(x), float(y)] for x, y in zip(ring_lon, ring_lat, strict=True)]


def range_ring_records(result: CheckResult) -> list[dict[str, Any]]:
    """Each airframe's radius of action: half its range, the farthest pick-up it can fly to
    and back from (a sortie is base -> pick-up -> facility within the range)."""
    records = []
    for k, airframe in enumerate(result.scenario.airframes):
        base = result.scenario.base_location(airframe)
        radius_km = airframe.range_km / 2
        records.append(
            {
                "kind": "range ring",
                "id": airframe.id,
                "radius_km": radius_km,
                "path": circle_path(base.lat, base.lon, radius_km),
                "colour": [0, 0, 0, 180] if _flies(result, k) else [150, 150, 150, 120],
                "tooltip": f"{airframe.id}: radius of action {radius_km:g} km "
                f"(half of range {airframe.range_km:g} km)",
            }
        )
    return records


def patrol_records(result: CheckResult) -> list[dict[str, Any]]:
    """Patrol stretches coloured like sites: each sample's stretch by the first leg it fails.

    A sample stands for the route between the midpoints to its neighbours; consecutive
    samples of the same status are drawn as one path.
    """
    records = []
    for patrol in result.patrols:
        samples = patrol.samples
        n = len(samples.lat_deg)
        failed: list[Leg | None] = []
        for j in range(n):
            misses = [leg for i, leg in enumerate(result.legs) if not patrol.meets[i, j]]
            failed.append(misses[0] if misses else None)
        lat, lon = samples.lat_deg, samples.lon_deg
        mid_lat = np.concatenate([[lat[0]], (lat[1:] + lat[:-1]) / 2, [lat[-1]]])
        mid_lon = np.concatenate([[lon[0]], (lon[1:] + lon[:-1]) / 2, [lon[-1]]])
        start = 0
        for j in range(1, n + 1):
            if j < n and failed[j] == failed[start]:
                continue
            path = [[float(mid_lon[start]), float(mid_lat[start])]]
            path += [[float(lon[k]), float(lat[k])] for k in range(start, j)]
            path.append([float(mid_lon[j]), float(mid_lat[j])])
            km = float(samples.weight_km[start:j].sum())
            leg = failed[start]
            records.append(
                {
                    "kind": "patrol stretch",
                    "id": patrol.patrol_id,
                    "status": status_label(leg),
                    "length_km": round(km, 1),
                    "path": path,
                    "colour": list(FAIL_COLOUR[leg] if leg else PATROL_MEETS_COLOUR),
                    "tooltip": f"patrol {patrol.patrol_id}: {km:.0f} km that {status_label(leg)}",
                }
            )
            start = j
    return records


def band_colour(time_min: float) -> list[int]:
    """Colour of a coverage cell by its time band; transparent beyond the last band."""
    for edge, colour in zip(TIME_BANDS_MIN, BAND_COLOURS, strict=True):
        if time_min <= edge:
            return [*colour, SURFACE_ALPHA]
    return [0, 0, 0, 0]


def band_legend() -> list[tuple[str, RGB]]:
    lower = [0.0, *TIME_BANDS_MIN[:-1]]
    return [(f"{a:g}-{b:g} min", c) for a, b, c in zip(lower, TIME_BANDS_MIN, BAND_COLOURS, strict=True)]


# -- the coverage surface -----------------------------------------------------------------

COVERAGE_MAX_CELLS = 2500
"""Cells drawn in the app: enough to see the shape of coverage, few enough to redraw at once."""


@dataclass(frozen=True)
class CoverageView:
    """A scenario's coverage surface (its own light and season) ready to draw and compare."""

    legs: tuple[Leg, ...]
    cell_km: float
    lat_deg: FloatArray  # cell centres
    lon_deg: FloatArray
    time_min: FloatArray  # (legs, cells), reported minutes
    covered_km2: dict[Leg, float]  # area meeting each leg

    def records(self, leg: Leg) -> list[dict[str, Any]]:
        """Cells within the last time band (centre and band colour) for the chosen leg.

        Kept small on purpose: the map is re-sent to the browser after every what-if.
        """
        row = self.time_min[self.legs.index(leg)]
        shown = np.flatnonzero(row <= TIME_BANDS_MIN[-1])
        lat = np.round(self.lat_deg[shown], 4).tolist()
        lon = np.round(self.lon_deg[shown], 4).tolist()
        # band_colour of every cell at once: the first band whose edge the time is within
        colours = [[*colour, SURFACE_ALPHA] for colour in BAND_COLOURS]
        bands = np.searchsorted(np.asarray(TIME_BANDS_MIN, dtype=np.float64), row[shown], side="left")
        return [
            {"lon": x, "lat": y, "colour": colours[band]}
            for x, y, band in zip(lon, lat, bands.tolist(), strict=True)
        ]


def coverage_view(
    scenario: Scenario,
    router: GroundRouter | None = None,
    max_cells: int = COVERAGE_MAX_CELLS,
    *,
    area_of: Scenario | None = None,
) -> CoverageView:
    """The coverage surface on a grid coarse enough to stay under ``max_cells`` cells.

    Uses :mod:`medevac.coverage` (the same engine as the site check, cell by cell). The grid
    covers the mission area of ``area_of`` (default the scenario itself): a variant is drawn
    and measured over its baseline's grid, so areas compare cell for cell (over its own hull
    the grid shifts, and a new hospital could "lose" first-aid area).
    """
    from medevac.coverage import coverage, grid_over, scenario_area

    area = scenario_area(area_of or scenario)
    cell_km = float(max(1.0, np.ceil(np.sqrt(area.area_km2 / max_cells))))
    grid = grid_over(area, cell_km)
    surface = coverage(scenario, grid, router=router).surfaces[0]
    legs = surface.check.legs
    return CoverageView(
        legs=legs,
        cell_km=cell_km,
        lat_deg=grid.lat_deg,
        lon_deg=grid.lon_deg,
        time_min=reported_min(surface.times.time_min),
        covered_km2={leg: float(surface.meets[i].sum()) * grid.cell_area_km2 for i, leg in enumerate(legs)},
    )


# -- the offline basemap ------------------------------------------------------------------


@lru_cache(maxsize=8)
def _read_geojson(path: Hashable) -> str:
    """A file's text, cached (the packaged files are paths, which hash; Traversable's
    protocol does not promise it, hence the cast of the caller)."""
    return cast(Traversable, path).read_text(encoding="utf-8")


def _features(path: Traversable) -> list[dict[str, Any]]:
    document = json.loads(_read_geojson(cast(Hashable, path)))
    return list(document.get("features", []))


def _rounded(coordinates: Any, digits: int) -> Any:
    if coordinates and isinstance(coordinates[0], int | float):
        return [round(float(v), digits) for v in coordinates]
    return [_rounded(part, digits) for part in coordinates]


def _box(coordinates: Any) -> tuple[float, float, float, float]:
    """(west, south, east, north) of nested GeoJSON coordinates."""
    xy = np.array(_flat(coordinates), dtype=np.float64).reshape(-1, 2)
    return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())


def _flat(coordinates: Any) -> list[float]:
    if coordinates and isinstance(coordinates[0], int | float):
        return [float(coordinates[0]), float(coordinates[1])]
    return [v for part in coordinates for v in _flat(part)]


def country_outlines(
    bounds: Bounds | None = None, geodata_dir: Traversable = GEODATA_DIR, margin_deg: float = 10.0
) -> dict[str, Any]:
    """Africa's country outlines (Natural Earth) as GeoJSON: those near ``bounds``, or all.

    Coordinates are rounded to 0.001 degree (about 100 m): plenty for a basemap, and the
    map is re-sent to the browser after every change.
    """
    path = geodata_dir.joinpath(AFRICA_COUNTRIES)
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    features = []
    for feature in _features(path):
        geometry = feature.get("geometry") or {}
        if not geometry.get("coordinates"):
            continue
        west, south, east, north = _box(geometry["coordinates"])
        if bounds is not None and (
            west > bounds.east + margin_deg
            or east < bounds.west - margin_deg
            or south > bounds.north + margin_deg
            or north < bounds.south - margin_deg
        ):
            continue
        rounded = {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"], 3)}
        features.append({"type": "Feature", "geometry": rounded, "properties": feature.get("properties", {})})
    return {"type": "FeatureCollection", "features": features}


def _points_in(name: str, bounds: Bounds, geodata_dir: Traversable) -> list[dict[str, Any]]:
    """Point features of every mission's ``name`` file that fall in the box, deduplicated."""
    seen: set[tuple[float, float]] = set()
    records = []
    for _, path in mission_files(name, geodata_dir):
        for feature in _features(path):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") != "Point":
                continue
            lon, lat = (float(v) for v in geometry["coordinates"][:2])
            key = (round(lat, 4), round(lon, 4))
            if key in seen or not bounds.contains(lat, lon):
                continue
            seen.add(key)
            records.append({"lat": lat, "lon": lon, **(feature.get("properties") or {})})
    return records


def ascii_label(text: str) -> str:
    """A map label in the characters every map font has (``Ménaka`` -> ``Menaka``).

    >>> ascii_label("Ménaka")
    'Menaka'
    """
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


MAX_LABEL_CHARS = 30
"""Longest label on a map; a longer name is cut at a word and ends in ``...``."""


def map_label(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """A name as a map label: no parenthesised asides, at most ``limit`` characters.

    >>> map_label("Anefis temporary operating base (no marked HLS)")
    'Anefis temporary operating...'
    >>> map_label("Gao supercamp")
    'Gao supercamp'
    """
    text = re.sub(r"\s*\([^)]*\)", "", text)
    text = re.sub(r"\s+,", ",", " ".join(text.split())) or text
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(",;:-")
    return f"{cut}..."


def facility_label(level: str, name: str) -> str:
    """``L2 hospital, Gao``: the level as a badge, then the name without its own level words.

    >>> facility_label("1", "Level 1, Wau"), facility_label("2+", "Level 2+ hospital, UN House Juba")
    ('L1 Wau', 'L2+ hospital, UN House Juba')
    """
    rest = re.sub(r"^\s*level\s+\d\+?\s*,?\s*", "", map_label(name, limit=200), flags=re.IGNORECASE)
    return map_label(f"L{level} {rest or name}".strip())


def towns(bounds: Bounds, geodata_dir: Traversable = GEODATA_DIR) -> list[dict[str, Any]]:
    """Towns of the bundled geodata (GeoNames) inside the box, largest first."""
    records = _points_in("towns.geojson", bounds, geodata_dir)
    for record in records:
        record["kind"] = "town"
        record["label"] = ascii_label(str(record.get("name", "?")))
        record["tooltip"] = f"{record['label']} (town, population {record.get('population', '?')})"
    records.sort(key=lambda r: (-int(r.get("population") or 0), r["label"]))
    return records


def airfields(bounds: Bounds, geodata_dir: Traversable = GEODATA_DIR) -> list[dict[str, Any]]:
    """Airports, strips and heliports of the bundled geodata (OurAirports) inside the box."""
    records = _points_in("airfields.geojson", bounds, geodata_dir)
    for record in records:
        record["kind"] = "airfield"
        record["label"] = str(record.get("name", "?"))
        runway = record.get("runway_m")
        record["tooltip"] = f"{record['label']} ({str(record.get('type', '')).replace('_', ' ')}" + (
            f", runway {runway:.0f} m)" if isinstance(runway, int | float) else ")"
        )
    return records


# -- GeoJSON export -----------------------------------------------------------------------

_DRAWING_KEYS = {"colour", "text_colour", "tooltip", "path", "lat", "lon", "radius_m", "label"}


def _properties(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in _DRAWING_KEYS}


def feature_collection(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Records with ``lat``/``lon`` (points) or ``path`` (lines) as a GeoJSON FeatureCollection."""
    features = []
    for record in records:
        if "path" in record:
            geometry: dict[str, Any] = {"type": "LineString", "coordinates": record["path"]}
        else:
            geometry = {"type": "Point", "coordinates": [record["lon"], record["lat"]]}
        features.append({"type": "Feature", "geometry": geometry, "properties": _properties(record)})
    return {"type": "FeatureCollection", "features": features}


def result_layers(result: CheckResult) -> dict[str, list[dict[str, Any]]]:
    """Every layer of a result by name: sites, facilities, airframe bases, rings, patrols."""
    return {
        "sites": site_records(result),
        "facilities": facility_records(result.scenario),
        "airframe_bases": base_records(result),
        "range_rings": range_ring_records(result),
        "patrol_stretches": patrol_records(result),
    }


def layers_geojson(layers: Mapping[str, Sequence[dict[str, Any]]]) -> str:
    """All layers in one GeoJSON FeatureCollection, each feature tagged with its ``layer``."""
    features = []
    for name, records in layers.items():
        for feature in feature_collection(records)["features"]:
            feature["properties"] = {"layer": name, **feature["properties"]}
            features.append(feature)
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


__all__ = [
    "BAND_COLOURS",
    "FAIL_COLOUR",
    "GEODATA_DIR",
    "LEVEL_COLOUR",
    "MAX_LABEL_CHARS",
    "MEETS_ALL_COLOUR",
    "PATROL_MEETS_COLOUR",
    "STATUS_CODE",
    "SURFACE_ALPHA",
    "Bounds",
    "CoverageView",
    "airfields",
    "band_colour",
    "band_legend",
    "base_records",
    "circle_path",
    "country_outlines",
    "coverage_view",
    "facility_label",
    "facility_records",
    "feature_collection",
    "layers_geojson",
    "map_label",
    "patrol_records",
    "range_ring_records",
    "result_layers",
    "scenario_bounds",
    "site_records",
    "status_label",
    "towns",
]
