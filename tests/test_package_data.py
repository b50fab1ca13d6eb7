"""The bundled geodata and the catalogues ship inside the wheel: an installed medevac draws the
offline basemap and speaks French.

The wheel is built from a copy of the sources (so the build leaves nothing in the
checkout) with ``pip wheel --no-deps --no-build-isolation --no-index``: no network, the
test environment's own setuptools. It is installed into a fresh venv that sees this
environment's dependencies (numpy, pandas ...) through a ``.pth`` line but not its
editable medevac, and the basemap is read from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import medevac, medevac.geodata, medevac.mapdata as mapdata
from medevac import i18n, messages
from medevac.planning.candidates import built_in
from medevac.scenario import parse_scenario

mali = mapdata.Bounds(south=13.5, west=-5.5, north=21.5, east=5.0)
scenario = parse_scenario(
    "medevac: 1\\nname: Gao\\nsites: [{id: gao, lat: 16.27, lon: -0.04}]\\n"
)
print(json.dumps({
    "medevac": medevac.__file__,
    "geodata": str(medevac.geodata.GEODATA),
    "towns": [t["label"] for t in mapdata.towns(mali)],
    "airfields": len(mapdata.airfields(mali)),
    "countries": sorted(f["properties"]["name"] for f in mapdata.country_outlines()["features"]),
    "candidates": [c.id for c in built_in(scenario, "towns")],
    "catalogue": str(i18n.catalogue_path("fr")),
    "french": i18n.translations("fr").gettext("surgery"),
}))
"""


def _run(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "medevac", source / "medevac", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "--quiet",
        "--wheel-dir",
        dist,
        source,
        cwd=source,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (path,) = dist.glob("medevac-*.whl")
    return path


def test_the_wheel_holds_every_geodata_file(wheel: Path) -> None:
    in_repo = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "medevac" / "geodata").rglob("*") if p.is_file()
    )
    in_repo = [name for name in in_repo if "__pycache__" not in name]
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert "medevac/geodata/africa_countries.geojson" in in_repo
    assert "medevac/geodata/README.md" in in_repo  # the sources and licences travel with the data
    assert [name for name in in_repo if name not in shipped] == []


def test_the_wheel_holds_the_catalogues(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert {"medevac/locale/medevac.pot", "medevac/locale/fr/LC_MESSAGES/medevac.po"} <= shipped


def test_an_installed_wheel_draws_the_basemap_from_outside_the_repository(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site_packages = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).stdout.strip()
    )
    # The dependencies of this environment, as a plain path: its .pth files (the editable
    # medevac among them) are not run, and the venv's own site-packages comes first.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    installed = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "-q",
        wheel,
        cwd=tmp_path,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = _run(python, "-c", PROBE, cwd=elsewhere)
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout)

    assert Path(found["medevac"]).is_relative_to(site_packages)
    assert Path(found["geodata"]).is_relative_to(site_packages)
    assert not Path(found["geodata"]).is_relative_to(ROOT)
    # The Mali box of the MINUSMA demo: GeoNames towns (largest first) and OurAirports fields.
    assert {"Gao", "Timbuktu", "Kidal", "Tessalit"} <= set(found["towns"])
    assert len(found["towns"]) > 20
    assert found["airfields"] > 10
    assert "Mali" in found["countries"]
    assert "S. Sudan" in found["countries"]  # Natural Earth's short name
    assert len(found["countries"]) >= 50
    # The optimiser's built-in candidates read the same bundled towns.
    assert "town-gao" in found["candidates"]
    # The French catalogue, compiled in memory from the .po the wheel ships.
    assert Path(found["catalogue"]).is_relative_to(site_packages)
    assert found["french"] == "chirurgie"
