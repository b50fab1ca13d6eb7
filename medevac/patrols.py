"""Patrol routes: their lines (inline or from a file) and the points checked along them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medevac.errors import LayerError, Problem, ScenarioError
from medevac.geo import FloatArray, sample_line
from medevac.layers import LINE_TYPES, read_layer_wgs84
from medevac.model import PathFile, Patrol

PATROL_SPACING_KM = 5.0
"""Spec v1: a patrol is checked as sites placed every 5 km along its path."""


@dataclass(frozen=True)
class PatrolSamples:
    """Points along a patrol and the length of route each one stands for (km)."""

    patrol_id: str
    lat_deg: FloatArray
    lon_deg: FloatArray
    weight_km: FloatArray

    @property
    def length_km(self) -> float:
        return float(self.weight_km.sum())


def patrol_line(patrol: Patrol, source_dir: Path) -> tuple[FloatArray, FloatArray]:
    """The patrol's vertices (lat, lon in degrees), read from its file when it has one."""
    if not isinstance(patrol.path, PathFile):
        return (
            np.array([p.lat for p in patrol.path], dtype=np.float64),
            np.array([p.lon for p in patrol.path], dtype=np.float64),
        )
    return _line_from_file(patrol.id, source_dir / patrol.path.file)


def sample_patrol(patrol: Patrol, source_dir: Path, spacing_km: float = PATROL_SPACING_KM) -> PatrolSamples:
    lat, lon = patrol_line(patrol, source_dir)
    points_lat, points_lon, weight_km = sample_line(lat, lon, spacing_km)
    return PatrolSamples(patrol.id, points_lat, points_lon, weight_km)


def _line_from_file(patrol_id: str, path: Path) -> tuple[FloatArray, FloatArray]:
    """One line from a vector file: the only feature, or the one whose ``id`` is the patrol's."""
    from shapely import LineString, MultiLineString

    where = f"patrols[{patrol_id}].path.file"

    def fail(value: object, allowed: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), where, value, allowed)])

    try:
        frame = read_layer_wgs84(path, LINE_TYPES, "line")
    except LayerError as error:
        raise fail(path.name, str(error)) from None
    if len(frame) > 1:
        if "id" not in frame.columns:
            raise fail(f"{len(frame)} features", "one line, or an `id` column naming the patrol")
        frame = frame[frame["id"].astype(str) == patrol_id]
        if len(frame) != 1:
            raise fail(f"{len(frame)} features with id {patrol_id!r}", "exactly one")
    if len(frame) == 0:
        raise fail("no features", "one line")
    geometry = frame.geometry.iloc[0]
    if isinstance(geometry, MultiLineString):
        coords = [xy for part in geometry.geoms for xy in part.coords]
    elif isinstance(geometry, LineString):
        coords = list(geometry.coords)
    else:
        raise fail(geometry.geom_type, "a LineString or MultiLineString")
    xy = np.asarray(coords, dtype=np.float64)
    return xy[:, 1].copy(), xy[:, 0].copy()
