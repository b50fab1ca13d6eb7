"""Coverage maps: cells agree with sites, isochrones with cells, patrol gaps with shares.

Scenarios sit on the equator (see conftest): with ``ONE_KM_A_MINUTE`` a road minute is a
geodesic km, so the reach of a ground team (request 10 min) within resuscitation's 60 min
is a disk of 50 km, and a patrol's failing stretches can be worked out by hand.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
import yaml
from conftest import (
    GEOD,
    KM_PER_DEGREE_EQUATOR,
    ONE_KM_A_MINUTE,
    airframe,
    facility,
    make_scenario,
    on_equator,
    site,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS

from medevac.check import check, reported_min
from medevac.cli import main
from medevac.coverage import (
    CoverageInputError,
    MissionArea,
    coverage,
    grid_over,
    isochrones,
    mask_polygon,
    scenario_area,
    write_coverage,
)
from medevac.export import OutputExistsError
from medevac.geo import FAST_DISTANCE_ERROR_KM
from medevac.standards import Leg
from medevac.timeline import Pathway

# About 111 x 111 km around the origin: small grids keep every test fast.
AREA = MissionArea.from_polygon(shapely.box(-0.5, -0.5, 0.5, 0.5))


def geodesic_area_km2(geometry: Any) -> float:
    """True area of a WGS84 polygon by pyproj's geodesic polygon area (a second method)."""
    area_m2, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area_m2) / 1e6


def ground_only(**parts: Any) -> Any:
    """A Level 2 hospital with a ground team at the origin, no aircraft, 1 km a minute."""
    return make_scenario(ground=ONE_KM_A_MINUTE, facilities=[facility("hq", 0.0)], **parts)


def with_helicopter(**parts: Any) -> Any:
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("hq", 0.0), facility("east", 80.0, level="1")],
        airframes=[airframe("heli", "hq", medical_team=True)],
        **parts,
    )


def test_a_cell_holding_a_site_has_the_sites_times() -> None:
    grid = grid_over(AREA, 5.0)
    k = len(grid) // 3  # any cell: its centre becomes the site
    spot = {"lat": float(grid.lat_deg[k]), "lon": float(grid.lon_deg[k])}
    scenario = with_helicopter(sites=[{"id": "camp", **spot}])
    site_times = check(scenario).times.time_min[:, 0]

    exact = coverage(scenario, grid, exact_distances=True).surfaces[0]
    np.testing.assert_array_equal(reported_min(exact.times.time_min[:, k]), reported_min(site_times))

    # Fast distances: within FAST_DISTANCE_ERROR_KM per distance, and a leg adds at most two
    # road legs (1 km a minute) or two air legs (4 km a minute); the reported times are the
    # site's to the 0.1 min (spec v1.1: cells the bound leaves undecided are computed exactly).
    fast = coverage(scenario, grid).surfaces[0]
    bound_min = 2 * FAST_DISTANCE_ERROR_KM * 1.0
    np.testing.assert_allclose(fast.times.time_min[:, k], site_times, rtol=0, atol=bound_min)
    np.testing.assert_array_equal(reported_min(fast.times.time_min[:, k]), reported_min(site_times))


def test_isochrone_area_is_cell_count_times_cell_area() -> None:
    grid = grid_over(AREA, 4.0)
    result = coverage(with_helicopter(), grid)
    polygons = isochrones(result)
    # 3 legs meeting + resuscitation and surgery in 5 bands each.
    assert len(polygons) == 3 + 2 * 5
    for iso in polygons:
        assert iso.geometry.is_valid
        assert iso.area_km2 == iso.cells * 16.0
        if iso.cells:
            # Cells are squares of an equal-area projection; the traced polygon, carried to
            # WGS84 with edges densified to the cell size, keeps its area within 0.1 %.
            assert geodesic_area_km2(iso.geometry) == pytest.approx(iso.cells * 16.0, rel=1e-3)
    # The bands of a leg tile the area: their cells add up to all cells.
    for leg in ("resuscitation", "surgery"):
        assert sum(i.cells for i in polygons if i.leg == leg and i.kind == "band") == len(grid)


def test_ground_team_reach_is_a_50_km_disk() -> None:
    """Ground team: 10 min request + d km at 1 km/min <= 60 min: cells within 50 km meet."""
    grid = grid_over(AREA, 2.0)
    surface = coverage(ground_only(), grid).surfaces[0]
    _, _, metres = GEOD.inv(np.zeros(len(grid)), np.zeros(len(grid)), grid.lon_deg, grid.lat_deg)
    within = np.asarray(metres) / 1000 <= 50.0
    assert surface.area_share()["resuscitation"] == pytest.approx(within.mean())
    meets = next(i for i in isochrones(coverage(ground_only(), grid)) if i.leg == "resuscitation")
    assert meets.kind == "meets"
    # A disk of radius 50 km, drawn with 2 km squares: within 2 %.
    assert geodesic_area_km2(meets.geometry) == pytest.approx(math.pi * 50.0**2, rel=0.02)


def test_holes_are_kept() -> None:
    grid = grid_over(AREA, 10.0)
    middle_row, middle_col = grid.n_rows // 2, grid.n_cols // 2
    near = (abs(grid.row - middle_row) <= 2) & (abs(grid.col - middle_col) <= 2)
    centre = (grid.row == middle_row) & (grid.col == middle_col)
    polygon = mask_polygon(grid, near & ~centre)
    assert polygon.is_valid
    assert len(polygon.geoms) == 1
    assert len(polygon.geoms[0].interiors) == 1
    assert geodesic_area_km2(polygon) == pytest.approx(24 * 100.0, rel=1e-3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    east_km=st.floats(-50, 50),
    north_km=st.floats(-50, 50),
    level=st.sampled_from(["1", "2", "3"]),
    helipad=st.booleans(),
)
def test_adding_a_facility_never_shrinks_an_isochrone(
    east_km: float, north_km: float, level: str, helipad: bool
) -> None:
    grid = grid_over(AREA, 10.0)
    before = with_helicopter()
    extra = {
        "id": "new",
        "level": level,
        "lat": north_km / KM_PER_DEGREE_EQUATOR,
        "lon": east_km / KM_PER_DEGREE_EQUATOR,
        "helipad": helipad,
    }
    after = make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[*before.model_dump()["facilities"], extra],
        airframes=before.model_dump()["airframes"],
    )
    old, new = coverage(before, grid), coverage(after, grid)
    assert (new.surfaces[0].meets >= old.surfaces[0].meets).all()
    for was, now in zip(isochrones(old), isochrones(new), strict=True):
        if was.kind == "meets":
            assert geodesic_area_km2(was.geometry.difference(now.geometry)) < 1e-6


def test_patrol_shares_and_failing_stretches_by_hand() -> None:
    """A 300 km patrol east from the hospital, sampled every 5 km, ground only.

    Resuscitation: a ground team (10 + d) meets up to 50 km; the sample at 55 km stands for
    52.5-57.5 km, so the route fails from 52.5 km: 247.5 km. Surgery: self-evacuation
    (15 + d + 5) meets up to 100 km; it fails from 102.5 km: 197.5 km.
    """
    scenario = ground_only(
        patrols=[{"id": "east", "personnel": 30, "path": [on_equator(0.0), on_equator(300.0)]}]
    )
    area = scenario_area(scenario, buffer_km=10.0)
    result = coverage(scenario, grid_over(area, 25.0))
    surface = result.surfaces[0]
    shares = surface.check.patrols[0].share_meeting(result.legs)
    assert shares == check(scenario).patrols[0].share_meeting(result.legs)
    stretches = {s.leg: s for s in surface.patrol_stretches()}
    assert set(stretches) == {"resuscitation", "surgery"}  # first aid is on site everywhere
    hand: tuple[tuple[Leg, float], ...] = (("resuscitation", 52.5), ("surgery", 102.5))
    for leg, start_km in hand:
        stretch = stretches[leg]
        assert stretch.start_km == pytest.approx(start_km, abs=1e-6)
        assert stretch.end_km == pytest.approx(300.0, abs=1e-6)
        assert 1 - shares[leg] == pytest.approx(stretch.length_km / 300.0, abs=1e-4)
        assert GEOD.geometry_length(stretch.line) / 1000 == pytest.approx(stretch.length_km, abs=1e-6)
        assert stretch.line.coords[0][0] == pytest.approx(start_km / KM_PER_DEGREE_EQUATOR)


def test_personnel_share_weights_sites() -> None:
    """Camp at 30 km (100 people) meets every leg; outpost at 200 km (300 people) fails
    resuscitation (10 + 200) and surgery (15 + 200 + 5)."""
    scenario = ground_only(sites=[site("camp", 30.0, personnel=100), site("outpost", 200.0, personnel=300)])
    surface = coverage(scenario, grid_over(AREA, 20.0)).surfaces[0]
    assert surface.personnel_share() == {"first_aid": 1.0, "resuscitation": 0.25, "surgery": 0.25}


def test_no_landing_zone_keeps_aircraft_out() -> None:
    zone = shapely.box(0.1, -0.5, 0.5, 0.5)  # the eastern strip
    grid = grid_over(AREA, 10.0, no_landing_deg=zone)
    assert (~grid.landing == shapely.contains_xy(zone, grid.lon_deg, grid.lat_deg)).all()
    surface = coverage(with_helicopter(), grid).surfaces[0]
    by_air = np.isin(surface.times.pathway, [Pathway.AIR, Pathway.AIR_TEAM])
    assert by_air[:, grid.landing].any()  # the helicopter is used elsewhere
    assert not by_air[:, ~grid.landing].any()


def test_all_four_conditions() -> None:
    result = coverage(with_helicopter(), grid_over(AREA, 20.0), conditions=[("day", "dry"), ("night", "wet")])
    day, night = result.surfaces
    assert (night.label, day.label) == ("night_wet", "day_dry")
    # The helicopter cannot fly at night (night: false): night is never better.
    assert (night.times.time_min >= day.times.time_min).all()


def test_exported_layers_read_back(tmp_path: Path) -> None:
    scenario = with_helicopter(
        patrols=[{"id": "east", "path": [on_equator(0.0), on_equator(60.0)]}],
    )
    grid = grid_over(AREA, 10.0)
    result = coverage(scenario, grid)
    gaps = len(result.surfaces[0].patrol_stretches())
    for target in (tmp_path / "map.gpkg", tmp_path / "layers"):
        written = write_coverage(result, target)
        if target.suffix == ".gpkg":
            read = {
                name: gpd.read_file(target, layer=name) for name in ("cells", "isochrones", "patrol_gaps")
            }
        else:
            read = {name: gpd.read_file(target / f"{name}.geojson") for name in ("cells", "patrol_gaps")}
            read["isochrones"] = gpd.read_file(target / "isochrones.geojson")
        for frame in read.values():
            assert frame.crs == CRS.from_epsg(4326)
        assert len(read["cells"]) == len(grid)
        assert len(read["isochrones"]) == 13
        assert len(read["patrol_gaps"]) == gaps
        k = 7
        surgery = result.surfaces[0].times.time_min[result.legs.index("surgery"), k]
        assert read["cells"]["surgery_min_day_dry"][k] == pytest.approx(round(surgery, 1))
        tiffs = [p for p in written if p.suffix == ".tif"]
        assert len(tiffs) == 3
        surgery_tif = next(p for p in tiffs if "surgery" in p.name)
        with rasterio.open(surgery_tif) as raster:
            assert CRS.from_wkt(raster.crs.to_wkt()).equals(grid.area.crs)
            assert raster.shape == (grid.n_rows, grid.n_cols)
            values = raster.read(1)
        assert values[grid.row[k], grid.col[k]] == pytest.approx(round(surgery, 1), abs=1e-4)
        assert np.isnan(values).sum() == grid.n_rows * grid.n_cols - len(grid)
        with pytest.raises(OutputExistsError, match="--force"):
            write_coverage(result, target)
        write_coverage(result, target, force=True)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario_file = tmp_path / "mission.yaml"
    document = {
        "medevac": 1,
        "name": "cli",
        "ground": ONE_KM_A_MINUTE,
        "facilities": [facility("hq", 0.0)],
        "sites": [site("camp", 30.0, personnel=10)],
    }
    scenario_file.write_text(yaml.safe_dump(document))
    out = tmp_path / "map.gpkg"
    args = ["coverage", str(scenario_file), "--cell-km", "10", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "resuscitation" in printed and "100% of site personnel" in printed
    assert out.exists() and (tmp_path / "map_surgery_day_dry.tif").exists()
    assert main(args) == 2  # never overwrites without --force
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force", "--all-conditions"]) == 0
    assert (tmp_path / "map_surgery_night_wet.tif").exists()
    assert main([*args[:3], "-1", "--out", str(tmp_path / "x.gpkg")]) == 2
    assert "--cell-km" in capsys.readouterr().err
    assert main([*args[:5], str(tmp_path / "x.shp")]) == 2
    assert main([*args, "--force", "--area", str(tmp_path / "missing.geojson")]) == 2
    assert "missing.geojson" in capsys.readouterr().err


def test_area_file_without_polygons_is_refused(tmp_path: Path) -> None:
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=4326).to_file(points)
    from medevac.coverage import read_polygons

    with pytest.raises(CoverageInputError, match="Polygon"):
        read_polygons(points, "--area")


def test_too_many_cells_is_refused() -> None:
    with pytest.raises(CoverageInputError, match="at most"):
        grid_over(AREA, 0.01)
