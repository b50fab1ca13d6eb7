"""Reading vector layers (GeoPackage, GeoJSON, Shapefile...) into WGS84, checked.

Shared by road layers, closure polygons, patrol lines and coverage areas, so every file a
planner names is refused the same way: missing CRS, wrong geometry, empty, unreadable.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from medevac.errors import LayerError, located
from medevac.i18n import N_, format_template, gettext

_KINDS = {"line": N_("line"), "polygon": N_("polygon")}
_PLURAL_KINDS = {"line": N_("lines"), "polygon": N_("polygons")}
"""A layer's kind of geometry in a message (``kind`` is ``line`` or ``polygon``)."""

LINE_TYPES = frozenset({"LineString", "MultiLineString"})
POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})


def read_layer_wgs84(
    path: Path, allowed: frozenset[str], kind: str, *, error_type: type[LayerError] = LayerError
) -> gpd.GeoDataFrame:
    """One layer of a vector file in WGS84, checked for a CRS, its geometry type, content.

    With several layers, the one of the right geometry type, or the one named ``roads`` or
    ``closures``. Problems raise ``error_type`` with a message naming the file.
    """
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception as cause:
        detail = format_template(gettext("cannot read as a vector layer ({cause})"), cause=cause)
        raise error_type(located(path, detail)) from cause
    if len(layers) == 0:
        raise error_type(located(path, gettext("the file holds no layer")))
    layer = str(layers[0][0])
    if len(layers) > 1:
        fitting = [str(name) for name, geometry_type in layers if _geometry_fits(geometry_type, allowed)]
        named = [name for name in fitting if name.lower() in {"roads", "closures"}]
        if len(fitting) == 1 or named:
            layer = (named or fitting)[0]
        else:
            names = [str(name) for name, _ in layers]
            template = gettext("several layers {names}; keep one {kind} layer in the file or name it 'roads'")
            raise error_type(
                located(path, format_template(template, names=names, kind=gettext(_KINDS.get(kind, kind))))
            )
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as cause:
        detail = format_template(
            gettext("cannot read layer {layer} ({cause})"), layer=repr(layer), cause=cause
        )
        raise error_type(located(path, detail)) from cause
    if frame.crs is None:
        raise error_type(
            located(path, gettext("the layer has no coordinate reference system (CRS); set one"))
        )
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if len(frame) == 0:
        detail = format_template(
            gettext("the layer is empty (no {kind} geometry)"), kind=gettext(_KINDS.get(kind, kind))
        )
        raise error_type(located(path, detail))
    types = sorted(set(frame.geom_type))
    if not set(types) <= allowed:
        template = gettext("expected {kinds} ({allowed}), found {found}")
        detail = format_template(
            template,
            kinds=gettext(_PLURAL_KINDS.get(kind, kind)),
            allowed=", ".join(sorted(allowed)),
            found=", ".join(types),
        )
        raise error_type(located(path, detail))
    declared = frame.crs
    frame = frame.to_crs(4326)
    problem = _degrees_problem(frame, declared.is_geographic)
    if problem:
        raise error_type(located(path, problem))
    return frame


def _degrees_problem(frame: gpd.GeoDataFrame, declared_degrees: bool) -> str | None:
    """Why a layer's WGS84 coordinates cannot be right, or ``None``.

    A GeoJSON file without a ``crs`` member is read as WGS84 (RFC 7946), so a layer in
    metres (UTM, Web Mercator) saved without one would be read as degrees far off the
    Earth: refuse it rather than route on nonsense.
    """
    import numpy as np
    import shapely

    xy, feature = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    if len(xy) == 0:
        return None
    if not np.isfinite(xy).all():
        return gettext(
            "some coordinates cannot be transformed to longitude and latitude (outside the CRS's area)"
        )
    west, south = xy.min(axis=0)
    east, north = xy.max(axis=0)
    tolerance = 1e-9  # rounding of a reprojection exactly at the edge
    if (
        west >= -180 - tolerance
        and east <= 180 + tolerance
        and south >= -90 - tolerance
        and north <= 90 + tolerance
    ):
        return None
    hint = (
        gettext("a layer in metres saved without its CRS? Save it with its CRS, or as WGS84 (EPSG:4326)")
        if declared_degrees
        else gettext("check the layer's CRS")
    )
    outside = (np.abs(xy[:, 0]) > 180 + tolerance) | (np.abs(xy[:, 1]) > 90 + tolerance)
    k = int(np.flatnonzero(outside)[0])
    template = gettext(
        "line {line}: vertex at lon {lon}, lat {lat} is not a WGS84 position in degrees (allowed: lon -180 "
        "to 180, lat -90 to 90; the layer spans x {west} to {east}, y {south} to {north}): {hint}"
    )
    return format_template(  # coordinates keep their decimal point in every language
        template,
        line=int(feature[k]),
        lon=str(float(xy[k, 0])),
        lat=str(float(xy[k, 1])),
        west=f"{west:.6g}",
        east=f"{east:.6g}",
        south=f"{south:.6g}",
        north=f"{north:.6g}",
        hint=hint,
    )


def _geometry_fits(geometry_type: object, allowed: frozenset[str]) -> bool:
    text = str(geometry_type).replace(" Z", "").replace(" M", "")
    return text in allowed
