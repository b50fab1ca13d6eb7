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

    ``exact`` uses pyproj's geodesic (Karney); otherwise :func:`fast_distance_matrix_km`, for
    large grids: within :data:`FAST_DISTANCE_ERROR_KM` of the geodesic.
    """
    if not exact:
        return fast_distance_matrix_km(from_lat_deg, from_lon_deg, to_lat_deg, to_lon_deg)
    lat1 = np.asarray(from_lat_deg, dtype=np.float64)[:, None]
    lon1 = np.asarray(from_lon_deg, dtype=np.float64)[:, None]
    lat2 = np.asarray(to_lat_deg, dtype=np.float64)[None, :]
    lon2 = np.asarray(to_lon_deg, dtype=np.float64)[None, :]
    return distance_km(lat1, lon1, lat2, lon2)


FAST_DISTANCE_ERROR_KM = 2e-5
"""Bound on the error of :func:`fast_distance_matrix_km` against pyproj's geodesic: 2 cm.

Measured at most 1.1 cm on lines up to :data:`FAST_DISTANCE_MAX_KM` all over the globe
(tests/test_fast_distance.py); longer lines are computed exactly, so the bound holds for
every entry. Whoever uses the fast distances for a decision (a range limit, a threshold, a
rounding) must treat results within this bound of it as undecided and decide them with the
exact geodesic (spec v1.1: a fast path may never change a reported value)."""

FAST_DISTANCE_MAX_KM = 3000.0
"""Longest line the fast formula is trusted on; the few longer ones get pyproj's geodesic."""

_FAST_CHUNK_ELEMENTS = 1 << 17
"""Pairs computed at once by the fast formula: its temporaries stay in the CPU cache."""


def _reduced_unit_vectors(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> FloatArray:
    """Points on the unit sphere at their reduced (parametric) latitude, shape (3, n)."""
    beta = np.arctan((1 - WGS84.f) * np.tan(np.radians(np.asarray(lat_deg, dtype=np.float64))))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    return np.stack([np.cos(beta) * np.cos(lon), np.cos(beta) * np.sin(lon), np.sin(beta)])


def fast_distance_matrix_km(
    from_lat_deg: npt.ArrayLike,
    from_lon_deg: npt.ArrayLike,
    to_lat_deg: npt.ArrayLike,
    to_lon_deg: npt.ArrayLike,
) -> FloatArray:
    """(rows, columns) km within :data:`FAST_DISTANCE_ERROR_KM` of the geodesic, fast.

    The Andoyer-Lambert formula with Thomas's second-order terms (P. D. Thomas, *Spheroidal
    geodesics, reference systems and local geometry*, 1970), from chords between unit vectors
    at reduced latitude. The central angle is taken in float64 from differences of
    coordinates (exact for short lines, where ``1 - u.v`` would cancel); the flattening terms,
    a few thousandths of it, in float32. Computed in blocks that stay in the CPU cache; lines
    longer than :data:`FAST_DISTANCE_MAX_KM` are then computed with pyproj.

    >>> km = fast_distance_matrix_km([16.27], [-0.04], [18.44], [1.41])
    >>> abs(float(km[0, 0]) - float(distance_km(16.27, -0.04, 18.44, 1.41))) < FAST_DISTANCE_ERROR_KM
    True
    """
    from_lat = np.asarray(from_lat_deg, dtype=np.float64)
    from_lon = np.asarray(from_lon_deg, dtype=np.float64)
    to_lat = np.asarray(to_lat_deg, dtype=np.float64)
    to_lon = np.asarray(to_lon_deg, dtype=np.float64)
    out = np.empty((len(from_lat), len(to_lat)))
    if out.size == 0:
        return out
    u = _reduced_unit_vectors(from_lat, from_lon)
    v = _reduced_unit_vectors(to_lat, to_lon)
    rows = max(1, _FAST_CHUNK_ELEMENTS // len(to_lat))
    for start in range(0, len(from_lat), rows):
        _thomas_km(u[:, start : start + rows], v, out[start : start + rows])
    far_rows, far_cols = np.nonzero(out > FAST_DISTANCE_MAX_KM)
    if len(far_rows):
        out[far_rows, far_cols] = distance_km(
            from_lat[far_rows], from_lon[far_rows], to_lat[far_cols], to_lon[far_cols]
        )
    return out


def _thomas_km(u: FloatArray, v: FloatArray, out: FloatArray) -> None:
    """Fill ``out`` (n, m) with the distances between unit vectors u (3, n) and v (3, m).

    With reduced latitudes b1, b2 and central angle s: ``L = sin^2(s/2) = |u - v|^2 / 4``,
    ``sin(P)cos(Q) = (z1 + z2)/2`` and ``cos(P)sin(Q) = (z2 - z1)/2`` (P, Q the half sum and
    half difference of b1, b2), so no trigonometry per pair but one arcsin. Then
    ``d = a (s + sin(s) (f^2/64 (X(A + CX) - Y(B + EY) + DXY) - f (TX - Y)/4))`` with
    ``U = 2 sin^2(P)cos^2(Q)/(1 - L)``, ``V = 2 cos^2(P)sin^2(Q)/L``, ``X = U + V``,
    ``Y = U - V``, ``T = s/sin(s)``, ``D = 4T^2``, ``E = 2cos(s)``, ``A = DE``, ``B = 2D``,
    ``C = T - (A - E)/2`` (Thomas 1970; the first-order part is Lambert's formula).
    """
    ui, vi = u[:, :, None], v[:, None, :]
    half_chord_sq = np.subtract(ui[0], vi[0])  # becomes L = sin^2(s/2)
    half_chord_sq *= half_chord_sq
    for axis in (1, 2):
        step = np.subtract(ui[axis], vi[axis])
        step *= step
        half_chord_sq += step
    half_chord_sq *= 0.25
    np.minimum(half_chord_sq, 1.0, out=half_chord_sq)
    sigma = np.sqrt(half_chord_sq)
    np.arcsin(sigma, out=sigma)
    sigma *= 2  # float64: the distance itself
    f32 = np.float32
    tiny = np.finfo(f32).tiny
    big_l = half_chord_sq.astype(f32)
    one_minus_l = 1 - big_l
    sin_s = big_l * one_minus_l
    np.sqrt(sin_s, out=sin_s)
    sin_s *= 2
    u_term = np.add(ui[2], vi[2]).astype(f32)
    u_term *= u_term
    u_term *= 0.5
    u_term /= np.maximum(one_minus_l, tiny, out=one_minus_l)
    v_term = np.subtract(vi[2], ui[2]).astype(f32)
    v_term *= v_term
    v_term *= 0.5
    v_term /= np.maximum(big_l, tiny)
    x = u_term + v_term
    y = np.subtract(u_term, v_term, out=u_term)
    t = sigma.astype(f32)
    t /= np.maximum(sin_s, tiny)
    np.maximum(t, 1, out=t)  # s/sin(s) >= 1; the same point (0/0) gives 1
    e = big_l  # E = 2 cos(s) = 2 (1 - 2L)
    e *= -4
    e += 2
    d = t * t
    d *= 4
    a = d * e
    second = a - e  # C = T - (A - E)/2, then n = X (A + C X) - Y (2D + E Y) + D X Y
    second *= -0.5
    second += t
    second *= x
    second += a
    second *= x
    b_part = e * y
    b_part += 2 * d
    b_part *= y
    second -= b_part
    d *= x
    d *= y
    second += d
    second *= f32(WGS84.f**2 / 64)
    first = t * x
    first -= y
    first *= f32(WGS84.f / 4)
    second -= first
    second *= sin_s
    np.add(sigma, second, out=out)
    out *= WGS84.a / 1000.0


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
