"""The fast distance used on large grids stays within its stated bound of the geodesic."""

from __future__ import annotations

import numpy as np
import pytest

from medevac.geo import FAST_DISTANCE_ERROR_KM, distance_matrix_km


@pytest.mark.parametrize(
    ("lat_range", "lon_range"),
    [((-15, 25), (-20, 40)), ((40, 65), (-10, 30)), ((-40, -5), (10, 50)), ((-5, 5), (170, 190))],
    ids=["sahel-to-great-lakes", "europe", "southern-africa", "antimeridian"],
)
def test_fast_distances_within_bound_of_geodesic(
    lat_range: tuple[float, float], lon_range: tuple[float, float]
) -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(*lat_range, 2000)
    lon = rng.uniform(*lon_range, 2000)
    exact = distance_matrix_km(lat, lon, lat[:40], lon[:40])
    fast = distance_matrix_km(lat, lon, lat[:40], lon[:40], exact=False)
    within_3000_km = exact <= 3000
    assert within_3000_km.mean() > 0.5
    assert np.abs(fast - exact)[within_3000_km].max() < FAST_DISTANCE_ERROR_KM


def test_fast_distance_of_a_point_to_itself_is_zero() -> None:
    lat = np.array([0.0, 16.27, -1.66])
    lon = np.array([0.0, -0.04, 29.22])
    fast = distance_matrix_km(lat, lon, lat, lon, exact=False)
    assert np.diagonal(fast).tolist() == [0.0, 0.0, 0.0]


def test_fast_distance_along_the_equator() -> None:
    # One degree of longitude on the equator is a * pi / 180 = 111.3195 km (WGS84 a = 6378137 m).
    fast = distance_matrix_km([0.0], [0.0], [0.0], [1.0], exact=False)
    assert fast[0, 0] == pytest.approx(6378.137 * np.pi / 180, abs=1e-3)  # float32: within a metre
