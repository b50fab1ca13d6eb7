"""Robustness (robustness-v1): N-1 and availability against ``check`` of each state."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from conftest import facility, make_scenario, site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import Document, documents

from medevac.check import check, reported_min
from medevac.model import Scenario
from medevac.planning.optimise import CONDITION_NAMES, Condition
from medevac.planning.robustness import availability, loss_cells, n_minus_1, wilson_interval
from medevac.scenario import scenario_from_mapping

ROBUST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALL: list[Condition] = list(CONDITION_NAMES.values())


def edited(document: Document, **changes: Any) -> Scenario:
    """The document with airframes made unavailable or grounded, and facilities removed."""
    doc = dict(document)
    off = set(changes.get("airframes_off", ()))
    gone = set(changes.get("facilities_off", ()))
    doc["airframes"] = [a | {"available": False} if a["id"] in off else a for a in document["airframes"]]
    kept = [f for f in document["facilities"] if f["id"] not in gone]
    doc["facilities"] = kept
    doc["airframes"] = [a for a in doc["airframes"] if not (isinstance(a["base"], str) and a["base"] in gone)]
    return scenario_from_mapping(doc, source="<case>")


def meets_all(scenario: Scenario, condition: Condition) -> np.ndarray:
    light, season = condition
    return np.asarray(check(scenario, light=light, season=season).meets.all(axis=0))


@ROBUST
@given(documents(min_airframes=1))
def test_n_minus_1_equals_check_of_each_loss(document: Document) -> None:
    scenario = scenario_from_mapping(document, source="<test>")
    conditions: list[Condition] = [("day", "dry"), ("night", "wet")]
    result = n_minus_1(scenario, conditions)
    personnel = np.array([s.personnel for s in scenario.sites])
    losses = {(loss.asset, loss.id): loss for loss in result.losses}
    assert list(losses) == [("airframe", a.id) for a in scenario.airframes] + [
        ("facility", f.id) for f in scenario.facilities
    ]
    for condition in conditions:
        name = f"{condition[0]}-{condition[1]}"
        base = meets_all(scenario, condition)
        assert result.baseline[name].sites_meeting_all == int(base.sum())
        for airframe in scenario.airframes:
            after = meets_all(edited(document, airframes_off=[airframe.id]), condition)
            tally = losses[("airframe", airframe.id)].by_condition[name]
            assert tally.personnel_meeting_all == int(personnel[after].sum())
            assert tally.sites_lost == tuple(
                s.id for s, b, a in zip(scenario.sites, base, after, strict=True) if b and not a
            )
        for fac in scenario.facilities:
            after = meets_all(edited(document, facilities_off=[fac.id]), condition)
            tally = losses[("facility", fac.id)].by_condition[name]
            assert tally.sites_meeting_all == int(after.sum())


@ROBUST
@given(documents(min_airframes=1))
def test_loss_cells_equal_check_of_each_loss_leg_by_leg(document: Document) -> None:
    scenario = scenario_from_mapping(document, source="<test>")
    for condition in (("day", "dry"), ("night", "wet")):
        light, season = condition
        cells = loss_cells(scenario, condition)
        base = check(scenario, light=light, season=season)  # type: ignore[arg-type]
        lost, legs_lost, added = cells.lost(), cells.legs_lost(), cells.minutes_added()
        for k, (kind, asset_id) in enumerate(cells.losses):
            changes = {"airframes_off" if kind == "airframe" else "facilities_off": [asset_id]}
            after = check(edited(document, **changes), light=light, season=season)  # type: ignore[arg-type]
            np.testing.assert_array_equal(cells.meets[k + 1], after.meets)
            np.testing.assert_array_equal(lost[k], base.meets & ~after.meets)
            np.testing.assert_array_equal(legs_lost[k], (base.meets & ~after.meets).sum(axis=0))
            before_min, after_min = reported_min(base.times.time_min), reported_min(after.times.time_min)
            for s in range(len(scenario.sites)):
                rises = [
                    after_min[i, s] - before_min[i, s]
                    for i in range(len(base.legs))
                    if np.isfinite(before_min[i, s])
                ]
                assert added[k, s] == max([0.0, *rises])
        rows = cells.records()
        assert len(rows) == len(cells.losses) * len(scenario.sites)
        n1 = n_minus_1(scenario, [condition])
        name = f"{light}-{season}"
        for k, loss in enumerate(n1.losses):
            met_all = cells.meets[0].all(axis=0)
            lost_sites = tuple(scenario.sites[s].id for s in np.flatnonzero(met_all & (legs_lost[k] > 0)))
            assert lost_sites == loss.by_condition[name].sites_lost


@ROBUST
@given(documents(min_airframes=1), st.data())
def test_exact_availability_equals_enumeration_by_check(document: Document, data: st.DataObject) -> None:
    for airframe in document["airframes"]:
        airframe["availability"] = data.draw(st.sampled_from([0.0, 0.3, 0.75, 1.0]))
    document["weather"] = {
        "dry": data.draw(st.sampled_from([0.0, 0.2])),
        "wet": data.draw(st.sampled_from([0.0, 0.5, 1.0])),
    }
    scenario = scenario_from_mapping(document, source="<test>")
    conditions: list[Condition] = [("day", "wet"), ("night", "dry")]
    result = availability(scenario, conditions)
    assert result.method == "exact"
    ids = [a["id"] for a in document["airframes"]]
    heli = {a["id"] for a in document["airframes"] if a.get("kind", "helicopter") == "helicopter"}
    for condition in conditions:
        name = f"{condition[0]}-{condition[1]}"
        p_weather = document["weather"][condition[1]]
        expected = np.zeros(len(scenario.sites))
        for states in itertools.product((True, False), repeat=len(ids)):
            for grounded in (True, False):
                p = p_weather if grounded else 1 - p_weather
                for airframe_id, on in zip(ids, states, strict=True):
                    q = next(a for a in scenario.airframes if a.id == airframe_id).p_available
                    p *= q if on else 1 - q
                if p == 0:
                    continue
                off = [i for i, on in zip(ids, states, strict=True) if not on or (grounded and i in heli)]
                expected += p * meets_all(edited(document, airframes_off=off), condition)
        got = np.array([s.p_meets_all[name] for s in result.sites])
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_weather_and_availability_by_hand() -> None:
    # One helicopter with a medical team (availability 0.8, 4 km a minute, launch 20) is the
    # only way to resuscitation and surgery at s, 60 km away (roads 10 km/h): the team is
    # there at 10 + 10 + 20 + 15 = 55 min, in care at 55 + 10 + 15 + 5 = 85. The wet season
    # grounds helicopters with probability 0.25: p = 0.8 * 0.75 = 0.6 in the wet, 0.8 in the dry.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[
            {
                "id": "h",
                "base": "f2",
                "cruise_kmh": 240,
                "range_km": 900,
                "launch": {"day": 20},
                "medical_team": True,
                "availability": 0.8,
            }
        ],
        sites=[site("s", 60, personnel=50)],
        ground={"road_kmh": 10.0},
        weather={"wet": 0.25},
    )
    result = availability(scenario, [("day", "dry"), ("day", "wet")])
    [chance] = result.sites
    assert chance.p_meets_all == pytest.approx({"day-dry": 0.8, "day-wet": 0.6})
    assert chance.p_meets["day-wet"]["first_aid"] == 1.0
    assert result.expected_personnel_meeting_all == pytest.approx({"day-dry": 40.0, "day-wet": 30.0})


def test_monte_carlo_is_seeded_and_its_interval_holds_the_exact_value() -> None:
    # 17 uncertain helicopters as above (more than 16 variables: Monte Carlo). The site meets
    # every leg when any one flies: p = 1 - 0.9**17 = 0.8332...
    airframes = [
        {
            "id": f"h{k}",
            "base": "f2",
            "cruise_kmh": 240,
            "range_km": 900,
            "launch": {"day": 20},
            "medical_team": True,
            "availability": 0.1,
        }
        for k in range(17)
    ]
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=airframes,
        sites=[site("s", 60)],
        ground={"road_kmh": 10.0},
    )
    first = availability(scenario, [("day", "dry")], samples=4000, seed=7)
    again = availability(scenario, [("day", "dry")], samples=4000, seed=7)
    other = availability(scenario, [("day", "dry")], samples=4000, seed=8)
    assert first.method == "monte_carlo" and first.samples == 4000
    assert first.to_json() == again.to_json()
    assert first.sites[0].p_meets_all != other.sites[0].p_meets_all
    low, high = first.sites[0].interval["day-dry"]  # type: ignore[index]
    assert low <= 1 - 0.9**17 <= high
    assert high - low < 0.03


def test_wilson_interval_by_hand() -> None:
    # 8 of 10: centre (0.8 + 1.92/10) / 1.384 = 0.7168, half 1.416 * sqrt(0.016 + 0.0096) = 0.2265.
    low, high = wilson_interval(8, 10)
    assert (round(float(low), 4), round(float(high), 4)) == (0.4902, 0.9433)
    low, high = wilson_interval(0, 100)
    assert float(low) == pytest.approx(0.0, abs=1e-12)
    assert float(high) == pytest.approx(0.037, abs=1e-3)
