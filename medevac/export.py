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

import numpy as np
import numpy.typing as npt
from pyproj import CRS

from medevac.files import OutputExistsError, atomic_outputs, ensure_writable

GEOPACKAGE_SUFFIX = ".gpkg"

GeoTransform = tuple[float, float, float, float, float, float]


def vector_paths(target: Path, layer_names: Iterable[str]) -> list[Path]:
    """Files a set of layers goes to: one GeoPackage, or one GeoJSON per layer in a folder."""
    if target.suffix.lower() == GEOPACKAGE_SUFFIX:
        return [target]
    return [target / f"{name}.geojson" for name in layer_names]


def write_layers(target: Path, layers: Mapping[str, object], *, force: bool = False) -> list[Path]:
    """Write GeoDataFrames as layers of ``target.gpkg``, or as ``target/<name>.geojson``.

    GeoJSON is always WGS84 (RFC 7946): layers in another CRS are reprojected for it. An
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
        frame.to_crs(4326).to_file(temporary[path], driver="GeoJSON")  # type: ignore[attr-defined]


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
    "vector_paths",
    "write_geotiff",
    "write_layers",
]
