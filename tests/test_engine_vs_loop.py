"""The array engine against a second method: the plain per-site loop of bench/baseline_loop.py.

The loop is written straight from spec v1 (one scalar geodesic per pair, every pathway,
facility, airframe and pick-up point in turn) and shares no code with the engine, so this
checks the engine's reductions (nearest facility per landing kind for air legs, the
sorted-ready envelope for road-then-air, skipped road legs) on random scenarios.
"""

from __future__ import annotations

import numpy as np
from baseline_loop import baseline_leg_times
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import Document, build, documents

from medevac.check import check
from medevac.model import Light, Season


@settings(max_examples=60, deadline=None)
@given(documents(), st.sampled_from(["day", "night"]), st.sampled_from(["dry", "wet"]))
def test_engine_equals_the_per_site_loop(document: Document, light: Light, season: Season) -> None:
    scenario = build(document)
    result = check(scenario, light=light, season=season)
    loop = baseline_leg_times(scenario, light, season, result.legs, list(range(len(scenario.sites))))
    expected = np.array(loop.time_min, dtype=np.float64)
    np.testing.assert_allclose(result.times.time_min, expected, rtol=0, atol=1e-9)
