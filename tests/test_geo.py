"""Geodesic distances and line sampling against published values and hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import GEOD, KM_PER_DEGREE_EQUATOR, on_equator

from medevac.geo import distance_km, distance_matrix_km, sample_line


def test_one_degree_of_longitude_on_the_equator() -> None:
    # 2 pi a / 360 with a = 6378.137 km (WGS84) = 111.3195 km.
    assert float(distance_km(0.0, 0.0, 0.0, 1.0)) == pytest.approx(111.3195, abs=1e-4)
    assert math.isclose(KM_PER_DEGREE_EQUATOR, 2 * math.pi * 6378.137 / 360, rel_tol=1e-12)


def test_quarter_meridian() -> None:
    # Equator to pole on WGS84: 10,001,965.729 m (the quarter meridian).
    assert float(distance_km(0.0, 0.0, 90.0, 0.0)) == pytest.approx(10001.965729, abs=1e-6)


def test_geographiclib_example_wellington_to_salamanca() -> None:
    # GeographicLib's documented example: (41.32 S, 174.81 E) to (40.96 N, 5.50 W) is
    # 19,959,679.267 m on WGS84.
    assert float(distance_km(-41.32, 174.81, 40.96, -5.50)) == pytest.approx(19959.679267, abs=1e-6)


def test_broadcasting_and_symmetry() -> None:
    lat = np.array([16.27, 18.44, 20.2])
    lon = np.array([-0.04, 1.41, 1.01])
    matrix = distance_matrix_km(lat, lon, lat, lon)
    assert matrix.shape == (3, 3)
    assert np.allclose(np.diag(matrix), 0.0)
    assert np.allclose(matrix, matrix.T, atol=1e-9)
    # Row 0 against pyproj directly, one pair at a time.
    for j in range(3):
        _, _, metres = GEOD.inv(lon[0], lat[0], lon[j], lat[j])
        assert matrix[0, j] == pytest.approx(metres / 1000, abs=1e-9)
    one_to_many = distance_km(lat[0], lon[0], lat, lon)
    assert one_to_many.shape == (3,)
    assert np.allclose(one_to_many, matrix[0])


def test_empty_inputs() -> None:
    empty = np.array([], dtype=np.float64)
    assert distance_km(empty, empty, empty, empty).shape == (0,)
    assert distance_matrix_km(np.array([0.0]), np.array([0.0]), empty, empty).shape == (1, 0)


def test_sample_line_every_5_km_along_the_equator() -> None:
    # 100 km east: points at 0, 5, ..., 100 km (21 points). Each stands for the stretch
    # nearer to it than to its neighbours: 2.5 km at the ends, 5 km between: sum 100.
    end = on_equator(100)
    lat, lon, weight_km = sample_line([0.0, end["lat"]], [0.0, end["lon"]], 5.0)
    assert len(lat) == 21
    assert np.allclose(lat, 0.0, atol=1e-9)
    assert np.allclose(lon * KM_PER_DEGREE_EQUATOR, np.arange(0, 101, 5), atol=1e-6)
    assert weight_km[0] == pytest.approx(2.5) and weight_km[-1] == pytest.approx(2.5)
    assert np.allclose(weight_km[1:-1], 5.0)
    assert weight_km.sum() == pytest.approx(100.0, abs=1e-6)


def test_sample_line_keeps_the_last_vertex() -> None:
    # 12 km: points at 0, 5, 10 and the end, 12. Weights 2.5, 5, 3.5, 1 (sum 12).
    end = on_equator(12)
    _, lon, weight_km = sample_line([0.0, 0.0], [0.0, end["lon"]], 5.0)
    assert np.allclose(lon * KM_PER_DEGREE_EQUATOR, [0, 5, 10, 12], atol=1e-6)
    assert np.allclose(weight_km, [2.5, 5.0, 3.5, 1.0], atol=1e-6)


def test_sample_line_turns_corners() -> None:
    # East 32 km along the equator, then north 0.2 degrees (22.1 km) along a meridian.
    corner = on_equator(32)
    lat_deg = np.array([0.0, 0.0, 0.2])
    lon_deg = np.array([0.0, corner["lon"], corner["lon"]])
    _, _, north_m = GEOD.inv(corner["lon"], 0.0, corner["lon"], 0.2)
    length_km = 32.0 + north_m / 1000
    lat, lon, weight_km = sample_line(lat_deg, lon_deg, 5.0)
    assert len(lat) == math.ceil(length_km / 5) + 1  # 0, 5, ..., 50 and the end
    assert weight_km.sum() == pytest.approx(length_km, abs=1e-6)
    # The sample at 35 km along is 3 km north of the corner, on the meridian.
    assert lon[7] == pytest.approx(corner["lon"], abs=1e-9)
    _, _, metres = GEOD.inv(corner["lon"], 0.0, lon[7], lat[7])
    assert metres / 1000 == pytest.approx(3.0, abs=1e-6)
    # Consecutive samples are 5 km apart along the path: straight-line 5 km except across
    # the corner (2 km east then 3 km north: sqrt(13) km) and to the end (the remainder).
    steps_km = np.array(
        [GEOD.inv(lon[i], lat[i], lon[i + 1], lat[i + 1])[2] / 1000 for i in range(len(lat) - 1)]
    )
    assert steps_km[6] == pytest.approx(math.sqrt(13), abs=1e-3)
    assert np.allclose(np.delete(steps_km[:-1], 6), 5.0, atol=1e-6)
    assert steps_km[-1] == pytest.approx(length_km - 50.0, abs=1e-6)


def test_sample_line_of_no_length() -> None:
    lat, lon, weight_km = sample_line([1.0, 1.0], [2.0, 2.0], 5.0)
    assert lat.tolist() == [1.0] and lon.tolist() == [2.0]
    assert weight_km.tolist() == [0.0]
