"""Coverage at the edges of the map: across the antimeridian and near the poles.

A mission in Fiji straddles 180 degrees: its cells and isochrones must be small shapes there,
not bands round the globe (which is what plain longitudes in -180..180 draw). A mission
area over a pole cannot be drawn in longitude and latitude at all: it is refused clearly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from conftest import GEOD

from medevac.cli import main
from medevac.coverage import CoverageInputError, coverage, grid_over, isochrones, scenario_area
from medevac.coverage.layers import cells_frame, isochrones_frame, patrol_gaps_frame
from medevac.export import single_parts
from medevac.scenario import scenario_from_mapping

FIJI: dict[str, Any] = {
    "medevac": 1,
    "name": "across the antimeridian",
    "facilities": [{"id": "suva", "level": "2", "lat": -17.8, "lon": 179.9}],
    "sites": [{"id": "east", "lat": -17.5, "lon": -179.8, "personnel": 10}],
    "airframes": [{"id": "h", "base": "suva", "cruise_kmh": 240, "range_km": 600, "launch": {"day": 20}}],
    "patrols": [{"id": "p", "path": [{"lat": -17.6, "lon": 179.7}, {"lat": -17.6, "lon": -179.7}]}],
}


def geodesic_km2(geometry: Any) -> float:
    area_m2, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(area_m2) / 1e6


def widths_deg(frame: gpd.GeoDataFrame) -> np.ndarray:
    """East-west extent of each non-empty geometry, in degrees."""
    bounds = frame.geometry[~frame.geometry.is_empty].bounds
    return np.asarray(bounds.maxx - bounds.minx)


@pytest.fixture(scope="module")
def fiji() -> Any:
    scenario = scenario_from_mapping(FIJI, source="<fiji>")
    return coverage(scenario, grid_over(scenario_area(scenario), 5.0))


def test_cells_across_the_antimeridian_stay_small(fiji: Any) -> None:
    cells = cells_frame(fiji)
    assert widths_deg(cells).max() < 0.2  # 5 km cells: about 0.05 degree wide
    across = (cells.geometry.bounds.minx < 180) & (cells.geometry.bounds.maxx > 180)
    across |= (cells.geometry.bounds.minx < -180) & (cells.geometry.bounds.maxx > -180)
    assert across.sum() > 0  # the grid does straddle the antimeridian
    areas = np.array([geodesic_km2(g) for g in cells.geometry])
    np.testing.assert_allclose(areas, fiji.grid.cell_area_km2, rtol=1e-3)


def test_isochrones_across_the_antimeridian_keep_their_area(fiji: Any) -> None:
    frame = isochrones_frame(fiji)
    assert widths_deg(frame).max() < 5.0  # the whole area is about 3 degrees wide
    for row in frame.itertuples():
        assert row.geometry.is_valid
        assert geodesic_km2(row.geometry) == pytest.approx(row.area_km2, rel=1e-3, abs=1.0)
    assert frame.area_km2.max() > 1000  # not only empty polygons
    gaps = patrol_gaps_frame(fiji)
    assert len(gaps) > 0
    assert widths_deg(gaps).max() < 5.0


def test_geojson_is_cut_at_the_antimeridian(tmp_path: Path) -> None:
    scenario = tmp_path / "fiji.yaml"
    scenario.write_text(json.dumps(FIJI), encoding="utf-8")  # JSON is YAML
    out = tmp_path / "layers"
    assert main(["coverage", str(scenario), "--cell-km", "5", "--out", str(out)]) == 0
    for name in ("cells", "isochrones", "patrol_gaps"):
        frame = gpd.read_file(out / f"{name}.geojson")
        parts = [p for g in frame.geometry for p in single_parts(g) if not p.is_empty]
        west = min(p.bounds[0] for p in parts)
        east = max(p.bounds[2] for p in parts)
        assert west >= -180 and east <= 180, name  # RFC 7946: longitudes within -180..180
        assert max(p.bounds[2] - p.bounds[0] for p in parts) < 5.0, name  # no part round the globe
    cells = gpd.read_file(out / "cells.geojson")
    np.testing.assert_allclose([geodesic_km2(g) for g in cells.geometry], 25.0, rtol=1e-3)


@pytest.mark.parametrize("lat", [89.8, -89.9, 90.0])
def test_an_area_over_a_pole_is_refused(lat: float) -> None:
    document = {"medevac": 1, "name": "pole", "sites": [{"id": "s", "lat": lat, "lon": 10.0}]}
    scenario = scenario_from_mapping(document, source="<pole>")
    pole = "North" if lat > 0 else "South"
    with pytest.raises(CoverageInputError) as caught:
        grid_over(scenario_area(scenario), 5.0)
    assert str(caught.value) == (
        f"the mission area: an area away from the poles (coverage maps are drawn in longitude and "
        f"latitude) (got 'an area over the {pole} Pole')"
    )


def test_a_cell_reaching_over_a_pole_is_refused() -> None:
    # 55.6 km from the pole, widened by 20 km: the area stops 35 km short of it. Cells of
    # 5 km are fine; cells of 40 km at its edge would reach over the pole.
    document = {"medevac": 1, "name": "near", "sites": [{"id": "s", "lat": 89.5, "lon": 10.0}]}
    area = scenario_area(scenario_from_mapping(document, source="<near>"), buffer_km=20.0)
    grid = grid_over(area, 5.0)
    assert len(isochrones(coverage(scenario_from_mapping(document), grid))) > 0
    with pytest.raises(CoverageInputError, match="within a cell of the North Pole"):
        grid_over(area, 40.0)


def test_coverage_near_a_pole_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "pole.yaml"
    scenario.write_text("medevac: 1\nname: pole\nsites:\n  - {id: s, lat: 89.8, lon: 10}\n", encoding="utf-8")
    status = main(["coverage", str(scenario), "--cell-km", "5", "--out", str(tmp_path / "c.gpkg")])
    assert status == 2
    err = capsys.readouterr().err
    assert err == (
        "error: the mission area: an area away from the poles (coverage maps are drawn in longitude "
        "and latitude) (got 'an area over the North Pole')\n"
    )
