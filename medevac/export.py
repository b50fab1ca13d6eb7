"""Writers of GIS files: vector layers (GeoPackage, GeoJSON) and rasters (GeoTIFF).

Shared by every command that writes maps. Nothing is ever overwritten unless asked, and
files are replaced atomically (:mod:`medevac.files`): the whole set of files a command
writes goes into place together or not at all. The ``save_*`` functions write to a given
path and are for composing several outputs in one :func:`medevac.files.atomic_outputs`;
the ``write_*`` functions are atomic on their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pyproj import CRS

from medevac.files import OutputExistsError, atomic_outputs, ensure_writable

GEOPACKAGE_SUFFIX = ".gpkg"

GeoTransform = tuple[float, float, float, float, float, float]


def single_parts(geometry: Any) -> list[Any]:
    """Polygons, lines and points of a geometry, collections and multi-parts taken apart."""
    if hasattr(geometry, "geoms"):
        return [single for part in geometry.geoms for single in single_parts(part)]
    return [geometry]


def split_at_antimeridian(geometry: Any) -> Any:
    """A geometry with continuous longitudes (maybe past ±180) cut into parts within ±180.

    What GeoJSON asks for (RFC 7946, 3.1.9). Polygons give a MultiPolygon, lines a
    MultiLineString, when they are cut; a geometry within -180..180 is returned as it is.

    >>> import shapely
    >>> cut = split_at_antimeridian(shapely.box(179.0, 0.0, 181.0, 1.0))
    >>> [part.bounds for part in cut.geoms]
    [(-180.0, 0.0, -179.0, 1.0), (179.0, 0.0, 180.0, 1.0)]
    """
    import shapely

    west, _, east, _ = geometry.bounds
    if geometry.is_empty or (west >= -180.0 and east <= 180.0):
        return geometry
    dimension = shapely.get_dimensions(geometry)
    parts: list[Any] = []
    for turn in (-360.0, 0.0, 360.0):
        window = shapely.box(-180.0 - turn, -90.0, 180.0 - turn, 90.0)
        piece = shapely.intersection(geometry, window)
        if not piece.is_empty:
            shifted = shapely.transform(piece, lambda xy, t=turn: xy + np.array([t, 0.0]))
            parts += [p for p in single_parts(shifted) if shapely.get_dimensions(p) == dimension]
    if dimension == 2:
        return shapely.MultiPolygon(parts)
    if dimension == 1:
        return shapely.MultiLineString(parts)
    return shapely.MultiPoint(parts)


def vector_paths(target: Path, layer_names: Iterable[str]) -> list[Path]:
    """Files a set of layers goes to: one GeoPackage, or one GeoJSON per layer in a folder."""
    if target.suffix.lower() == GEOPACKAGE_SUFFIX:
        return [target]
    return [target / f"{name}.geojson" for name in layer_names]


def write_layers(target: Path, layers: Mapping[str, object], *, force: bool = False) -> list[Path]:
    """Write GeoDataFrames as layers of ``target.gpkg``, or as ``target/<name>.geojson``.

    GeoJSON is always WGS84 (RFC 7946): layers in another CRS are reprojected for it, and
    geometries across the antimeridian are cut there (GeoPackage layers keep longitudes
    continuous past 180, which GIS tools draw in one piece). An
    existing GeoPackage is replaced as a whole with ``force`` (stale layers never linger),
    and only once the new one is completely written.
    """
    paths = vector_paths(target, layers)
    with atomic_outputs(paths, force=force) as temporary:
        save_layers(target, layers, temporary)
    return paths


def save_layers(target: Path, layers: Mapping[str, object], temporary: Mapping[Path, Path]) -> None:
    """Write the layers meant for ``target`` to the temporary paths of its files."""
    if target.suffix.lower() == GEOPACKAGE_SUFFIX:
        for name, frame in layers.items():
            frame.to_file(temporary[target], layer=name, driver="GPKG")  # type: ignore[attr-defined]
        return
    for path, frame in zip(vector_paths(target, layers), layers.values(), strict=True):
        wgs84 = frame.to_crs(4326)  # type: ignore[attr-defined]
        wgs84 = wgs84.set_geometry(wgs84.geometry.map(split_at_antimeridian))
        wgs84.to_file(temporary[path], driver="GeoJSON")


def write_geotiff(
    path: Path,
    values: npt.NDArray[np.floating],
    transform: GeoTransform,
    crs: CRS,
    *,
    nodata: float = np.nan,
    force: bool = False,
    description: str | None = None,
) -> Path:
    """One band of float32 values as a compressed, tiled GeoTIFF (atomic, see the module).

    ``transform`` is the GDAL affine ``(a, b, c, d, e, f)``: x = a*col + b*row + c.
    """
    with atomic_outputs([path], force=force) as temporary:
        save_geotiff(temporary[path], values, transform, crs, nodata=nodata, description=description)
    return path


def save_geotiff(
    path: Path,
    values: npt.NDArray[np.floating],
    transform: GeoTransform,
    crs: CRS,
    *,
    nodata: float = np.nan,
    description: str | None = None,
) -> None:
    """Write the GeoTIFF of :func:`write_geotiff` to ``path`` as it is (no checks)."""
    import rasterio
    from rasterio.transform import Affine

    rows, cols = values.shape
    tiled = rows >= 256 and cols >= 256
    profile = {
        "driver": "GTiff",
        "height": rows,
        "width": cols,
        "count": 1,
        "dtype": "float32",
        "crs": rasterio.crs.CRS.from_wkt(crs.to_wkt()),
        "transform": Affine(*transform),
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 3,
        **({"tiled": True, "blockxsize": 256, "blockysize": 256} if tiled else {}),
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(values.astype(np.float32), 1)
        if description:
            dataset.set_band_description(1, description)


__all__ = [
    "GEOPACKAGE_SUFFIX",
    "OutputExistsError",
    "ensure_writable",
    "save_geotiff",
    "save_layers",
    "single_parts",
    "split_at_antimeridian",
    "vector_paths",
    "write_geotiff",
    "write_layers",
]
