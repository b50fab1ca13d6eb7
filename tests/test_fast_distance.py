"""The fast distance used on large grids stays within its stated bound of the geodesic."""

from __future__ import annotations

import numpy as np
import pytest

from medevac.geo import (
    FAST_DISTANCE_ERROR_KM,
    FAST_DISTANCE_MAX_KM,
    distance_matrix_km,
    fast_distance_matrix_km,
)


@pytest.mark.parametrize(
    ("lat_range", "lon_range"),
    [
        ((-15, 25), (-20, 40)),
        ((12, 21), (-3.5, 5.85)),
        ((40, 65), (-10, 30)),
        ((-40, -5), (10, 50)),
        ((-5, 5), (170, 190)),
        ((55, 89.9), (-180, 180)),
        ((-89.9, 89.9), (-180, 180)),
        ((-0.05, 0.05), (-0.05, 0.05)),
    ],
    ids=[
        "sahel-to-great-lakes",
        "sahel",
        "europe",
        "southern-africa",
        "antimeridian",
        "arctic",
        "globe",
        "1-km",
    ],
)
def test_fast_distances_within_bound_of_geodesic(
    lat_range: tuple[float, float], lon_range: tuple[float, float]
) -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(*lat_range, 4000)
    lon = rng.uniform(*lon_range, 4000)
    exact = distance_matrix_km(lat, lon, lat[:60], lon[:60])
    fast = distance_matrix_km(lat, lon, lat[:60], lon[:60], exact=False)
    assert fast.dtype == np.float64
    # At most about 1.1 cm (the longest lines): the bound, 2 cm, holds with a margin, for
    # every line (those longer than FAST_DISTANCE_MAX_KM are computed exactly).
    assert np.abs(fast - exact).max() < 0.6 * FAST_DISTANCE_ERROR_KM


def test_lines_longer_than_the_formula_is_trusted_on_are_exact() -> None:
    lat = np.array([0.0, 10.0, -30.0])
    lon = np.array([0.0, 100.0, 170.0])
    exact = distance_matrix_km(lat, lon, -lat, lon + 179.5)  # nearly antipodal, and long
    fast = fast_distance_matrix_km(lat, lon, -lat, lon + 179.5)
    assert (exact > FAST_DISTANCE_MAX_KM).all()
    np.testing.assert_array_equal(fast, exact)


def test_fast_distance_of_a_point_to_itself_is_zero() -> None:
    lat = np.array([0.0, 16.27, -1.66])
    lon = np.array([0.0, -0.04, 29.22])
    fast = distance_matrix_km(lat, lon, lat, lon, exact=False)
    assert np.diagonal(fast).tolist() == [0.0, 0.0, 0.0]


def test_fast_distance_along_the_equator() -> None:
    # One degree of longitude on the equator is a * pi / 180 = 111.3195 km (WGS84 a = 6378137 m).
    fast = distance_matrix_km([0.0], [0.0], [0.0], [1.0], exact=False)
    assert fast[0, 0] == pytest.approx(6378.137 * np.pi / 180, abs=1e-6)


def test_fast_distances_of_empty_sets() -> None:
    assert fast_distance_matrix_km([], [], [1.0], [1.0]).shape == (0, 1)
    assert fast_distance_matrix_km([1.0], [1.0], [], []).shape == (1, 0)


def test_fast_distances_do_not_depend_on_the_blocks() -> None:
    """Computed in blocks of rows: the same pair gives the same km whatever the block."""
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(10, 20, 50_000), rng.uniform(0, 10, 50_000)
    whole = fast_distance_matrix_km(lat, lon, lat[:7], lon[:7])
    alone = fast_distance_matrix_km(lat[-5:], lon[-5:], lat[:7], lon[:7])
    np.testing.assert_array_equal(whole[-5:], alone)
