"""Helpers shared by the tests: tiny scenarios on the equator, where distances are plain km.

On the equator the geodesic between two points is the equator itself, so a point placed at
``km / KM_PER_DEGREE_EQUATOR`` degrees of longitude is exactly ``km`` km from (0, 0) and
distances between such points add up. Tests state their hand arithmetic in km and minutes
and check every hand distance against pyproj (:func:`geodesic_km`), a second method that
does not go through :mod:`medevac.geo`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Geod
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from medevac.check import CheckResult
from medevac.messages import column_title
from medevac.model import Scenario
from medevac.scenario import load_scenario, scenario_from_mapping
from medevac.standards import LEG_LABEL

GEOD = Geod(ellps="WGS84")

KM_PER_DEGREE_EQUATOR = GEOD.a * math.pi / 180 / 1000
"""Length of one degree of longitude on the equator: 111.3195 km (WGS84 semi-major axis)."""

ONE_KM_A_MINUTE: dict[str, float] = {"detour_factor": 1.0, "road_kmh": 60.0}
"""Ground settings under which road minutes equal geodesic km: easy hand arithmetic."""


def on_equator(km: float) -> dict[str, float]:
    """A point ``km`` east of (0, 0) along the equator, as the file's ``lat``/``lon`` keys."""
    return {"lat": 0.0, "lon": km / KM_PER_DEGREE_EQUATOR}


def geodesic_km(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Distance between two ``{lat, lon}`` points by pyproj directly (not medevac.geo)."""
    _, _, metres = GEOD.inv(a["lon"], a["lat"], b["lon"], b["lat"])
    return float(metres) / 1000


def assert_km(a: Mapping[str, float], b: Mapping[str, float], hand_km: float) -> None:
    """A distance stated by hand agrees with pyproj to 0.01 km."""
    assert geodesic_km(a, b) == pytest.approx(hand_km, abs=0.01)


def facility(fid: str, km: float, level: str = "2", **flags: Any) -> dict[str, Any]:
    """A facility on the equator, ``km`` east of the origin."""
    return {"id": fid, "level": level, **on_equator(km), **flags}


def site(sid: str, km: float, **flags: Any) -> dict[str, Any]:
    """A site on the equator, ``km`` east of the origin."""
    return {"id": sid, **on_equator(km), **flags}


def airframe(
    aid: str,
    base: str | Mapping[str, float],
    cruise_kmh: float = 240.0,
    range_km: float = 1000.0,
    launch_day_min: float = 20.0,
    **fields: Any,
) -> dict[str, Any]:
    """An airframe; by default a helicopter flying 4 km a minute that launches in 20 min."""
    return {
        "id": aid,
        "base": base if isinstance(base, str) else dict(base),
        "cruise_kmh": cruise_kmh,
        "range_km": range_km,
        "launch": {"day": launch_day_min},
        **fields,
    }


def make_scenario(**parts: Any) -> Scenario:
    """A valid scenario from its parts (facilities=[...], sites=[...], ground={...}, ...)."""
    document: dict[str, Any] = {"medevac": 1, "name": "test scenario", **parts}
    return scenario_from_mapping(document, source="<test>")


def assert_spec_shape(document: dict[str, Any], result: CheckResult) -> None:
    """The JSON document of spec v1: exactly these keys, these types, null for unreachable."""
    legs = list(result.legs)
    assert list(document) == [
        "scenario",
        "standard",
        "conditions",
        "thresholds",
        "sites",
        "patrols",
        "summary",
    ]
    assert isinstance(document["scenario"], str)
    assert document["standard"] in ("un-10-1-2", "nato-10-1-2-2", "custom")
    assert document["conditions"] == {"light": result.light, "season": result.season}
    assert list(document["thresholds"]) == legs
    assert all(isinstance(v, int | float) for v in document["thresholds"].values())
    leg_keys = [f"{leg}_min" for leg in legs]
    expected_keys = ["site_id", *leg_keys, "meets", "meets_all", "pathway", "limiting_factor"]
    assert len(document["sites"]) == len(result.scenario.sites)
    for s, row in enumerate(document["sites"]):
        assert list(row) == expected_keys
        assert row["site_id"] == result.scenario.sites[s].id
        for i, leg in enumerate(legs):
            minutes = float(result.times.time_min[i, s])
            value = row[f"{leg}_min"]
            if np.isfinite(minutes):
                assert isinstance(value, float)
                # Rounded to a tenth: within 0.05 min, and a whole number of tenths.
                assert abs(value - minutes) <= 0.05 + 1e-9
                assert abs(value * 10 - round(value * 10)) < 1e-6
            else:
                assert value is None
                assert row["meets"][leg] is False
                assert row["pathway"][leg] is None
        assert list(row["meets"]) == legs
        assert all(isinstance(v, bool) for v in row["meets"].values())
        assert row["meets_all"] is all(row["meets"].values())
        assert list(row["pathway"]) == legs
        assert all(v is None or isinstance(v, str) for v in row["pathway"].values())
        if row["meets_all"]:
            assert row["limiting_factor"] is None
        else:
            assert isinstance(row["limiting_factor"], str)
            assert row["limiting_factor"]
    assert [p["patrol_id"] for p in document["patrols"]] == [p.id for p in result.scenario.patrols]
    for patrol in document["patrols"]:
        assert list(patrol) == ["patrol_id", "share_meeting"]
        assert list(patrol["share_meeting"]) == legs
        assert all(0.0 <= v <= 1.0 for v in patrol["share_meeting"].values())
    summary = document["summary"]
    assert list(summary) == ["sites", "sites_meeting_all", "personnel", "personnel_meeting_all"]
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in summary.values())
    assert summary["sites"] == len(document["sites"])
    assert summary["sites_meeting_all"] == sum(r["meets_all"] for r in document["sites"])
    assert 0 <= summary["personnel_meeting_all"] <= summary["personnel"]


@pytest.fixture(autouse=True)
def _library_in_tmp(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The saved variant library of every test is a file of its own (the app's Library tab
    reads it on every run): no test reads or writes the user's data folder."""
    monkeypatch.setenv("MEDEVAC_LIBRARY", str(tmp_path / "medevac-library.sqlite"))


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read English words: a French locale on the machine that runs them must not
    change what the command line prints (tests/test_i18n.py chooses its languages itself)."""
    monkeypatch.setenv("MEDEVAC_LANG", "en")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Bytes behind every download button, by media file id (AppTest keeps only the URL)."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: Any = None) -> str:
        file_id = original(self, data, mimetype, kind, filename)
        if isinstance(data, bytes):
            stored[file_id] = data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return stored


GAP_COLUMNS = (
    "site_id",
    "name",
    "personnel",
    "failing_legs",
    "shortfall_min",
    *(f"{leg}_min" for leg in LEG_LABEL),
    "limiting_factor",
)
"""The gap table's columns (:func:`medevac.whatif.gap_rows`), whose headers the page shows in words."""


def gap_table(at: Any) -> Any:
    """The Gaps tab's table, its columns by machine name again (the page shows
    :func:`medevac.messages.column_title` of each)."""
    frame = next(t for t in at.tabs if t.label == "Gaps").dataframe[0].value
    return frame.rename(columns={column_title(name): name for name in GAP_COLUMNS})


APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def app(downloads: dict[str, bytes]) -> Iterator[AppTest]:
    """The app on the demo, with no coverage surface drawn (reruns in a fraction of the time)."""
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.selectbox(key="surface_leg").set_value("none").run()
    assert not at.exception, [e.message for e in at.exception]
    yield at


def cells_containing(
    cells: list[dict[str, Any]], side_km: float, lat: float, lon: float
) -> list[dict[str, Any]]:
    """The cells whose square (``side_km`` on a side, centred on the cell, north up) holds the
    point, by the local east and north offsets of the point from each centre (geodesic)."""
    found = []
    for cell in cells:
        azimuth, _, metres = GEOD.inv(cell["lon"], cell["lat"], lon, lat)
        east = metres * math.sin(math.radians(azimuth)) / 1000
        north = metres * math.cos(math.radians(azimuth)) / 1000
        if abs(east) <= side_km / 2 and abs(north) <= side_km / 2:
            found.append(cell)
    return found


# -- the words of a text, for the tests that French carries no English word -----------------


def words(text: str) -> set[str]:
    """Words, quotes around them left out; a timestamp (``2026-12-02T21``) or a content key
    is no word."""
    found = {w.strip("'") for w in re.findall(r"[\w'-]+", text)}
    data = re.compile(r"[\dT-]+|[\da-f]*\d[\da-f]*")
    return {w for w in found if re.search(r"[^\W\d_]", w) and not data.fullmatch(w)}


def scenario_words(path: Path) -> set[str]:
    """A scenario's own words: its name, standard and every id (data, never translated)."""
    scenario = load_scenario(path)
    ids = {scenario.name, scenario.standard}
    for items in (scenario.sites, scenario.facilities, scenario.airframes, scenario.patrols):
        ids |= {item.id for item in items}
    return {w for name in ids for w in words(name)}
