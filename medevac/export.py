"""Writers of GIS files: vector layers (GeoPackage, GeoJSON) and rasters (GeoTIFF).

Shared by every command that writes maps. Nothing is ever overwritten unless asked: the
whole set of files a command will write is checked before the first one is written, so a
refused run leaves no half-written output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pyproj import CRS

from medevac.errors import MedevacError

GEOPACKAGE_SUFFIX = ".gpkg"


class OutputExistsError(FileExistsError, MedevacError):
    """An output file is already there and overwriting was not asked for."""


def ensure_writable(paths: Iterable[Path], *, force: bool) -> None:
    """Refuse (naming every file) when any target exists, unless ``force``."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise OutputExistsError(
            f"output already exists: {', '.join(existing)} "
            "(use --force to overwrite, or choose another --out)"
        )


def vector_paths(target: Path, layer_names: Iterable[str]) -> list[Path]:
    """Files a set of layers goes to: one GeoPackage, or one GeoJSON per layer in a folder."""
    if target.suffix.lower() == GEOPACKAGE_SUFFIX:
        return [target]
    return [target / f"{name}.geojson" for name in layer_names]


def write_layers(target: Path, layers: Mapping[str, object], *, force: bool = False) -> list[Path]:
    """Write GeoDataFrames as layers of ``target.gpkg``, or as ``target/<name>.geojson``.

    GeoJSON is always WGS84 (RFC 7946): layers in another CRS are reprojected for it. An
    existing GeoPackage is replaced as a whole with ``force`` (stale layers never linger).
    """
    paths = vector_paths(target, layers)
    ensure_writable(paths, force=force)
    if target.suffix.lower() == GEOPACKAGE_SUFFIX:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        for name, frame in layers.items():
            frame.to_file(target, layer=name, driver="GPKG")  # type: ignore[attr-defined]
        return paths
    target.mkdir(parents=True, exist_ok=True)
    for path, frame in zip(paths, layers.values(), strict=True):
        path.unlink(missing_ok=True)
        frame.to_crs(4326).to_file(path, driver="GeoJSON")  # type: ignore[attr-defined]
    return paths


def write_geotiff(
    path: Path,
    values: npt.NDArray[np.floating],
    transform: tuple[float, float, float, float, float, float],
    crs: CRS,
    *,
    nodata: float = np.nan,
    force: bool = False,
    description: str | None = None,
) -> Path:
    """One band of float32 values as a compressed, tiled GeoTIFF.

    ``transform`` is the GDAL affine ``(a, b, c, d, e, f)``: x = a*col + b*row + c.
    """
    import rasterio
    from rasterio.transform import Affine

    ensure_writable([path], force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
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
    return path
