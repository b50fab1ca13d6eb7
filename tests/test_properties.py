"""Invariants of the check on random small scenarios (Hypothesis).

Scenarios are drawn in a box of about 500 x 500 km (4.5 degrees at 10-14.5 N): a few
facilities of random levels and flags, a few airframes (helicopters and fixed wing, based at
a facility or at a point), a few sites. Each property changes one thing and compares leg
times site by site (``inf`` where no pathway delivers a leg).
"""

from __future__ import annotations

import copy
import json
from random import Random
from typing import Any

import numpy as np
from conftest import assert_spec_shape, make_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from medevac.check import check
from medevac.geo import FloatArray
from medevac.model import Light, Scenario, Season
from medevac.scenario import dump_scenario, parse_scenario
from medevac.standards import LEGS, Leg

PROPERTY = settings(max_examples=50, deadline=None)

LAT_DEG = (10.0, 14.5)
LON_DEG = (0.0, 4.5)
TOLERANCE_MIN = 1e-9

Document = dict[str, Any]


def points() -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(
        {
            "lat": st.floats(*LAT_DEG, allow_nan=False),
            "lon": st.floats(*LON_DEG, allow_nan=False),
        }
    )


def facility_docs(fid: str) -> st.SearchStrategy[Document]:
    return st.builds(
        lambda where, level, helipad, airstrip, team: {
            "id": fid,
            "level": level,
            **where,
            "helipad": helipad,
            "airstrip": airstrip,
            "ground_team": team,
        },
        points(),
        st.sampled_from(["1", "1+", "2", "2+", "3"]),
        st.booleans(),
        st.booleans(),
        st.booleans(),
    )


@st.composite
def airframe_docs(draw: st.DrawFn, aid: str, facility_ids: list[str]) -> Document:
    base: str | dict[str, float] = (
        draw(st.sampled_from(facility_ids)) if draw(st.booleans()) else draw(points())
    )
    day_min = draw(st.floats(0, 60))
    # Night launch is never quicker than day launch (spec: it defaults to day).
    night_min = day_min + draw(st.floats(0, 60))
    launch = {"day": day_min, "night": night_min} if draw(st.booleans()) else {"day": day_min}
    return {
        "id": aid,
        "kind": draw(st.sampled_from(["helicopter", "fixed_wing"])),
        "base": base,
        "cruise_kmh": draw(st.floats(100, 500)),
        "range_km": draw(st.floats(100, 1500)),
        "launch": launch,
        "night": draw(st.booleans()),
        "medical_team": draw(st.booleans()),
        "available": draw(st.booleans()),
    }


def site_docs(sid: str) -> st.SearchStrategy[Document]:
    return st.builds(
        lambda where, responders, hls, airstrip, personnel: {
            "id": sid,
            **where,
            "first_responders": responders,
            "hls": hls,
            "airstrip": airstrip,
            "personnel": personnel,
        },
        points(),
        st.booleans(),
        st.booleans(),
        st.booleans(),
        st.integers(0, 500),
    )


@st.composite
def documents(draw: st.DrawFn, min_airframes: int = 0) -> Document:
    """A valid scenario document with 1-4 facilities, 0-3 airframes and 1-5 sites."""
    n_facilities = draw(st.integers(1, 4))
    facilities = [draw(facility_docs(f"f{i}")) for i in range(n_facilities)]
    facility_ids = [f["id"] for f in facilities]
    n_airframes = draw(st.integers(min_airframes, 3))
    airframes = [draw(airframe_docs(f"a{i}", facility_ids)) for i in range(n_airframes)]
    sites = [draw(site_docs(f"s{i}")) for i in range(draw(st.integers(1, 5)))]
    ground = {
        "detour_factor": draw(st.floats(1.0, 2.0)),
        "road_kmh": draw(st.floats(10, 80)),
        "wet_season_factor": draw(st.floats(0.2, 1.0)),
        "convoy_factor": draw(st.floats(0.3, 1.0)),
    }
    return {
        "medevac": 1,
        "name": "random",
        "standard": draw(st.sampled_from(["un-10-1-2", "nato-10-1-2-2"])),
        "ground": ground,
        "facilities": facilities,
        "airframes": airframes,
        "sites": sites,
    }


def build(document: Document) -> Scenario:
    parts = {k: v for k, v in document.items() if k not in ("medevac", "name")}
    return make_scenario(**parts)


def leg_times(document: Document, **conditions: Any) -> FloatArray:
    """(legs, sites) minutes of the check."""
    return check(build(document), **conditions).times.time_min


def never_worse(after: FloatArray, before: FloatArray) -> bool:
    """Every leg at every site is at least as early after as before (inf counts as latest)."""
    return bool(np.all(after <= before + TOLERANCE_MIN))


@PROPERTY
@given(documents(), st.data())
def test_adding_a_facility_never_worsens_any_leg(document: Document, data: st.DataObject) -> None:
    more = copy.deepcopy(document)
    more["facilities"].append(data.draw(facility_docs("f-new")))
    assert never_worse(leg_times(more), leg_times(document))


@PROPERTY
@given(documents(), st.data())
def test_adding_an_airframe_never_worsens_any_leg(document: Document, data: st.DataObject) -> None:
    more = copy.deepcopy(document)
    facility_ids = [f["id"] for f in document["facilities"]]
    more["airframes"].append(data.draw(airframe_docs("a-new", facility_ids)))
    for light in ("day", "night"):
        assert never_worse(leg_times(more, light=light), leg_times(document, light=light))


@PROPERTY
@given(documents())
def test_night_is_never_better_than_day(document: Document) -> None:
    for season in ("dry", "wet"):
        day = leg_times(document, light="day", season=season)
        night = leg_times(document, light="night", season=season)
        assert never_worse(day, night)


@PROPERTY
@given(documents())
def test_wet_is_never_better_than_dry(document: Document) -> None:
    for light in ("day", "night"):
        dry = leg_times(document, light=light, season="dry")
        wet = leg_times(document, light=light, season="wet")
        assert never_worse(dry, wet)


@PROPERTY
@given(
    documents(),
    st.sampled_from(LEGS),
    st.lists(st.floats(1, 600), min_size=4, max_size=4),
    st.floats(0, 300),
)
def test_raising_a_threshold_never_reduces_the_sites_meeting_it(
    document: Document, leg: Leg, thresholds: list[float], raise_min: float
) -> None:
    custom: dict[str, float] = dict(zip(LEGS, thresholds, strict=True))
    raised = {**custom, leg: custom[leg] + raise_min}
    low = check(build({**document, "standard": "custom", "thresholds": custom}))
    high = check(build({**document, "standard": "custom", "thresholds": raised}))
    row = LEGS.index(leg)  # the custom profile lists all four legs in order
    assert high.meets[row].sum() >= low.meets[row].sum()
    assert np.all(high.meets[row] >= low.meets[row])


@PROPERTY
@given(documents(min_airframes=1), st.data(), st.floats(1.0, 3.0))
def test_a_faster_aircraft_is_never_slower(document: Document, data: st.DataObject, factor: float) -> None:
    index = data.draw(st.integers(0, len(document["airframes"]) - 1))
    faster = copy.deepcopy(document)
    faster["airframes"][index]["cruise_kmh"] *= factor
    for light in ("day", "night"):
        assert never_worse(leg_times(faster, light=light), leg_times(document, light=light))


@PROPERTY
@given(documents(min_airframes=1), st.data())
def test_an_unavailable_airframe_never_improves_anything(document: Document, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(document["airframes"]) - 1))
    grounded = copy.deepcopy(document)
    grounded["airframes"][index]["available"] = False
    for light in ("day", "night"):
        assert never_worse(leg_times(document, light=light), leg_times(grounded, light=light))


CUSTOM_THRESHOLDS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"first_aid": st.floats(1, 30), "resuscitation": st.floats(30, 90), "surgery": st.floats(60, 240)},
        optional={"primary_surgery": st.floats(120, 480)},
    ),
)


@PROPERTY
@given(
    documents(),
    st.sampled_from(["day", "night"]),
    st.sampled_from(["dry", "wet"]),
    CUSTOM_THRESHOLDS,
    st.lists(points(), min_size=2, max_size=4),
)
def test_json_document_has_the_shape_of_the_spec(
    document: Document,
    light: Light,
    season: Season,
    thresholds: dict[str, float] | None,
    patrol_path: list[dict[str, float]],
) -> None:
    if thresholds is not None:
        document = {**document, "standard": "custom", "thresholds": thresholds}
    document = {**document, "patrols": [{"id": "p0", "personnel": 10, "path": patrol_path}]}
    result = check(build(document), light=light, season=season)
    json_document = result.to_json()
    assert_spec_shape(json_document, result)
    expected_legs = ["first_aid", "resuscitation", "surgery"]
    if document["standard"] == "nato-10-1-2-2" or "primary_surgery" in (thresholds or {}):
        expected_legs.append("primary_surgery")
    assert list(json_document["thresholds"]) == expected_legs
    # The document survives JSON text unchanged (no numpy types, no NaN).
    assert json.loads(json.dumps(json_document, allow_nan=False)) == json_document


@PROPERTY
@given(documents(), st.randoms(use_true_random=False))
def test_order_of_facilities_and_airframes_does_not_change_times(document: Document, rng: Random) -> None:
    shuffled = copy.deepcopy(document)
    rng.shuffle(shuffled["facilities"])
    rng.shuffle(shuffled["airframes"])
    for light in ("day", "night"):
        assert np.allclose(leg_times(shuffled, light=light), leg_times(document, light=light), atol=1e-9)


@PROPERTY
@given(documents(), st.data())
def test_adding_a_site_never_worsens_the_others(document: Document, data: st.DataObject) -> None:
    # A new site is one more pick-up point for the others (its HLS or airstrip).
    more = copy.deepcopy(document)
    more["sites"].append(data.draw(site_docs("s-new")))
    n_sites = len(document["sites"])
    assert never_worse(leg_times(more)[:, :n_sites], leg_times(document))


@PROPERTY
@given(documents())
def test_check_is_deterministic(document: Document) -> None:
    scenario = build(document)
    first = check(scenario).to_json()
    again = check(scenario).to_json()
    reread = check(parse_scenario(dump_scenario(scenario))).to_json()
    assert first == again == reread
