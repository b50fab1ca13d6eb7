"""Geodesic distances on the WGS84 ellipsoid, as arrays (pyproj)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pyproj import Geod

FloatArray = npt.NDArray[np.float64]

WGS84 = Geod(ellps="WGS84")


def distance_km(
    lat1_deg: npt.ArrayLike, lon1_deg: npt.ArrayLike, lat2_deg: npt.ArrayLike, lon2_deg: npt.ArrayLike
) -> FloatArray:
    """Geodesic distance in km between points, broadcast like numpy.

    >>> round(float(distance_km(16.27, -0.04, 18.44, 1.41)), 1)
    285.3
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    )
    if lat1.size == 0:
        return np.zeros(lat1.shape)
    _, _, metres = WGS84.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(metres, dtype=np.float64).reshape(lat1.shape) / 1000.0


def distance_matrix_km(
    from_lat_deg: npt.ArrayLike,
    from_lon_deg: npt.ArrayLike,
    to_lat_deg: npt.ArrayLike,
    to_lon_deg: npt.ArrayLike,
    *,
    exact: bool = True,
) -> FloatArray:
    """Distances from every point of one set (rows) to every point of another (columns).

    ``exact`` uses pyproj's geodesic (Karney); otherwise Lambert's formula on unit
    vectors, for large grids: within :data:`FAST_DISTANCE_ERROR_KM` of the geodesic.
    """
    if not exact:
        return _lambert_matrix_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg)  # type: ignore[return-value]
    lat1 = np.asarray(from_lat_deg, dtype=np.float64)[:, None]
    lon1 = np.asarray(from_lon_deg, dtype=np.float64)[:, None]
    lat2 = np.asarray(to_lat_deg, dtype=np.float64)[None, :]
    lon2 = np.asarray(to_lon_deg, dtype=np.float64)[None, :]
    return distance_km(lat1, lon1, lat2, lon2)


FAST_DISTANCE_ERROR_KM = 0.01
"""Bound on the error of the fast distances against the geodesic, for lines up to 3,000 km
(tested in tests/test_geo.py): 10 m, below what a 0.1 min rounding of any time can show."""


def _reduced_unit_vectors(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Points on the unit sphere at their reduced (parametric) latitude, shape (3, n)."""
    beta = np.arctan((1 - WGS84.f) * np.tan(np.radians(np.asarray(lat_deg, dtype=np.float64))))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    xyz = np.stack([np.cos(beta) * np.cos(lon), np.cos(beta) * np.sin(lon), np.sin(beta)])
    return xyz.astype(np.float32)


def _lambert_matrix_km(
    from_lat_deg: npt.ArrayLike,
    from_lon_deg: npt.ArrayLike,
    to_lat_deg: npt.ArrayLike,
    to_lon_deg: npt.ArrayLike,
) -> npt.NDArray[np.float32]:
    """Lambert's formula for long lines on the ellipsoid, from chords between unit vectors.

    With reduced latitudes b1, b2 and central angle s: ``sin(P)cos(Q) = (sin b1 + sin b2)/2``
    and ``cos(P)sin(Q) = (sin b2 - sin b1)/2`` (P, Q the half sum and half difference), so
    only the z components and the chord are needed: no trigonometry per pair but one arcsin.
    In float32 (half the memory and time of float64): the chord is taken from differences of
    coordinates, which keeps short lines exact where ``1 - u.v`` would cancel; the error of
    float32 is then centimetres, far inside :data:`FAST_DISTANCE_ERROR_KM`. In-place
    operations throughout: this runs on (cells x facilities) arrays.
    """
    u = _reduced_unit_vectors(from_lat_deg, from_lon_deg)[:, :, None]
    v = _reduced_unit_vectors(to_lat_deg, to_lon_deg)[:, None, :]
    half_chord_sq = np.subtract(u[0], v[0])  # becomes sin^2(s/2) = |u - v|^2 / 4
    half_chord_sq **= 2
    for axis in (1, 2):
        step = np.subtract(u[axis], v[axis])
        step **= 2
        half_chord_sq += step
    half_chord_sq *= 0.25
    np.clip(half_chord_sq, 0.0, 1.0, out=half_chord_sq)
    cos_half_sq = 1.0 - half_chord_sq
    sin_sigma = half_chord_sq * cos_half_sq
    np.sqrt(sin_sigma, out=sin_sigma)
    sin_sigma *= 2
    sigma = np.sqrt(half_chord_sq)
    np.arcsin(sigma, out=sigma)
    sigma *= 2
    tiny = np.finfo(np.float32).tiny  # same point: the numerators are 0 too
    z_sum_sq = np.add(u[2], v[2])
    z_sum_sq **= 2
    z_sum_sq *= 0.25
    x = sigma - sin_sigma
    x *= z_sum_sq
    x /= np.maximum(cos_half_sq, tiny, out=cos_half_sq)
    z_diff_sq = np.subtract(v[2], u[2], out=z_sum_sq)
    z_diff_sq **= 2
    z_diff_sq *= 0.25
    y = np.add(sigma, sin_sigma, out=sin_sigma)
    y *= z_diff_sq
    y /= np.maximum(half_chord_sq, tiny, out=half_chord_sq)
    x += y
    x *= -WGS84.f / 2
    x += sigma
    x *= WGS84.a / 1000.0
    distance: npt.NDArray[np.float32] = x
    return distance


def sample_line(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, spacing_km: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Points every ``spacing_km`` along a polyline (geodesic), its last vertex included.

    Returns the points' latitudes and longitudes and the length of path each point stands
    for (the stretch nearer to it than to its neighbours); the lengths sum to the path's
    length. A path of no length gives one point of weight 0.
    """
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    azimuth, _, metres = WGS84.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    segment_km = np.asarray(metres, dtype=np.float64) / 1000.0
    ends_km = np.concatenate([[0.0], np.cumsum(segment_km)])
    total_km = float(ends_km[-1])
    if total_km == 0.0:
        return lat[:1].copy(), lon[:1].copy(), np.zeros(1)
    along_km = np.arange(0.0, total_km, spacing_km)
    if total_km - along_km[-1] > 1e-9:
        along_km = np.append(along_km, total_km)
    segment = np.clip(np.searchsorted(ends_km, along_km, side="right") - 1, 0, len(segment_km) - 1)
    offset_m = (along_km - ends_km[segment]) * 1000.0
    out_lon, out_lat, _ = WGS84.fwd(lon[segment], lat[segment], np.asarray(azimuth)[segment], offset_m)
    midpoints = (along_km[1:] + along_km[:-1]) / 2
    bounds = np.concatenate([[0.0], midpoints, [total_km]])
    return np.asarray(out_lat), np.asarray(out_lon), np.diff(bounds)
