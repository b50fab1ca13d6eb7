"""The bundled offline geodata: country outlines, towns, airfields and the demo road layers.

The files ship inside the package (see ``README.md`` here for sources and licences), and
are read through :mod:`importlib.resources`, so an installed wheel draws the same basemap
as a checkout, wherever it is installed. Every reader takes a
:class:`~importlib.resources.abc.Traversable` folder (a :class:`pathlib.Path` is one), so
tests can point them at another folder.

>>> [name for name, _ in mission_files("towns.geojson")]
['minusma', 'unmiss']
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

GEODATA: Traversable = files(__name__)
"""The folder of the bundled geodata (a :class:`pathlib.Path` in an ordinary install)."""

AFRICA_COUNTRIES = "africa_countries.geojson"
"""Natural Earth outlines of Africa's countries, at the top of the folder."""


def mission_files(name: str, folder: Traversable = GEODATA) -> list[tuple[str, Traversable]]:
    """Each mission's file called ``name`` (``towns.geojson``), as (mission, file), by mission."""
    found = []
    for mission in folder.iterdir():
        candidate = mission.joinpath(name)
        if mission.is_dir() and candidate.is_file():
            found.append((mission.name, candidate))
    return sorted(found, key=lambda item: item[0])


__all__ = ["AFRICA_COUNTRIES", "GEODATA", "mission_files"]
