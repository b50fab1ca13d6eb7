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
) -> FloatArray:
    """Distances from every point of one set (rows) to every point of another (columns)."""
    lat1 = np.asarray(from_lat_deg, dtype=np.float64)[:, None]
    lon1 = np.asarray(from_lon_deg, dtype=np.float64)[:, None]
    lat2 = np.asarray(to_lat_deg, dtype=np.float64)[None, :]
    lon2 = np.asarray(to_lon_deg, dtype=np.float64)[None, :]
    return distance_km(lat1, lon1, lat2, lon2)


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
