"""Helpers shared by the tests: tiny scenarios on the equator, where distances are plain km.

On the equator the geodesic between two points is the equator itself, so a point placed at
``km / KM_PER_DEGREE_EQUATOR`` degrees of longitude is exactly ``km`` km from (0, 0) and
distances between such points add up. Tests state their hand arithmetic in km and minutes
and check every hand distance against pyproj (:func:`geodesic_km`), a second method that
does not go through :mod:`medevac.geo`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest
from pyproj import Geod

from medevac.model import Scenario
from medevac.scenario import scenario_from_mapping

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
