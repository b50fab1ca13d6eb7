"""Patrol routes: their lines (inline or from a file) and the points checked along them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medevac.errors import LayerError, Problem, ScenarioError
from medevac.geo import FloatArray, sample_line
from medevac.i18n import format_template, gettext, ngettext
from medevac.layers import LINE_TYPES, read_layer_wgs84
from medevac.model import PathFile, Patrol
from medevac.timeline import IntArray

PATROL_SPACING_KM = 5.0
"""Spec v1: a patrol is checked as sites placed every 5 km along its path."""


@dataclass(frozen=True)
class PatrolSamples:
    """Points along a patrol and the length of route each one stands for (km).

    ``piece`` numbers the separate pieces of a MultiLineString route (0 for a plain line):
    the gaps between pieces are not route and weigh nothing (spec v1.1).
    """

    patrol_id: str
    lat_deg: FloatArray
    lon_deg: FloatArray
    weight_km: FloatArray
    piece: IntArray

    @property
    def length_km(self) -> float:
        return float(self.weight_km.sum())


Line = tuple[FloatArray, FloatArray]
"""A polyline's vertices: latitudes and longitudes in degrees."""


def patrol_pieces(patrol: Patrol, source_dir: Path) -> tuple[Line, ...]:
    """The patrol's separate lines, read from its file when it has one (one for a path)."""
    if not isinstance(patrol.path, PathFile):
        return (
            (
                np.array([p.lat for p in patrol.path], dtype=np.float64),
                np.array([p.lon for p in patrol.path], dtype=np.float64),
            ),
        )
    return _lines_from_file(patrol.id, source_dir / patrol.path.file)


def patrol_line(patrol: Patrol, source_dir: Path) -> Line:
    """Every vertex of the patrol, pieces one after the other (for bounds and drawing)."""
    pieces = patrol_pieces(patrol, source_dir)
    return np.concatenate([lat for lat, _ in pieces]), np.concatenate([lon for _, lon in pieces])


def sample_patrol(patrol: Patrol, source_dir: Path, spacing_km: float = PATROL_SPACING_KM) -> PatrolSamples:
    """Points every ``spacing_km`` along each piece of the route, each piece on its own."""
    samples = [sample_line(lat, lon, spacing_km) for lat, lon in patrol_pieces(patrol, source_dir)]
    return PatrolSamples(
        patrol.id,
        np.concatenate([lat for lat, _, _ in samples]),
        np.concatenate([lon for _, lon, _ in samples]),
        np.concatenate([weight for _, _, weight in samples]),
        np.concatenate([np.full(len(lat), k, dtype=np.intp) for k, (lat, _, _) in enumerate(samples)]),
    )


def _lines_from_file(patrol_id: str, path: Path) -> tuple[Line, ...]:
    """One feature's lines from a vector file: the only feature, or the one whose ``id`` is
    the patrol's; a MultiLineString gives its pieces."""
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
            found = format_template(gettext("{count} features"), count=len(frame))
            raise fail(found, gettext("one line, or an `id` column naming the patrol"))
        frame = frame[frame["id"].astype(str) == patrol_id]
        if len(frame) != 1:
            template = ngettext("{count} feature with id {id}", "{count} features with id {id}", len(frame))
            raise fail(
                format_template(template, count=len(frame), id=repr(patrol_id)), gettext("exactly one")
            )
    if len(frame) == 0:
        raise fail(gettext("no features"), gettext("one line"))
    geometry = frame.geometry.iloc[0]
    if isinstance(geometry, MultiLineString):
        parts = [np.asarray(part.coords, dtype=np.float64) for part in geometry.geoms if not part.is_empty]
    elif isinstance(geometry, LineString):
        parts = [np.asarray(geometry.coords, dtype=np.float64)]
    else:
        raise fail(geometry.geom_type, gettext("a LineString or MultiLineString"))
    if not parts:
        raise fail(gettext("an empty line"), gettext("a line with vertices"))
    return tuple((xy[:, 1].copy(), xy[:, 0].copy()) for xy in parts)
