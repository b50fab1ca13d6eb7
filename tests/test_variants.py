"""The variant core against the check of the edited scenario (differential, Hypothesis).

A variant judged by the core (a mask over the scenario's assets and candidates, and each
airframe's light) must give what ``apply_edits`` + ``check`` give on the same change, to the
reported 0.1 min, for every leg, pathway, asset used and verdict; and its batch verdicts
(covering options) must equal the verdicts of its own minima, on thousands of masks.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import facility, make_scenario, site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import Document, airframe_docs, documents, facility_docs, points

from medevac.check import check, make_router, reported_min
from medevac.model import Airframe, Facility, Location, Scenario, Season
from medevac.scenario import scenario_from_mapping
from medevac.standards import LEG_MIN_RANK, TEAM_LEGS
from medevac.timeline import LegTimes, air_care_min, aircraft_at_min, pickup_onward_min
from medevac.variants import CandidateAirframe, CandidateFacility, Options, VariantCore
from medevac.whatif import (
    AddAirframe,
    AddFacility,
    Edit,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveFacility,
    SetAirframe,
    apply_edits,
)

CONDITIONS: tuple[tuple[bool, Season], ...] = ((False, "dry"), (False, "wet"), (True, "dry"), (True, "wet"))
DIFFERENTIAL = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# -- a random pool: a scenario and candidates ---------------------------------------------------


@st.composite
def pools(
    draw: st.DrawFn, roads: str | None = None
) -> tuple[Scenario, list[CandidateFacility], list[CandidateAirframe]]:
    document: Document = draw(documents(min_airframes=1))
    # Timelines of every shape: a unit's own vehicle may leave before or after a launch.
    minutes = st.floats(0, 40, allow_nan=False)
    keys = ("request", "approval", "on_scene", "handover", "ground_departure", "first_aid_on_site")
    document["timeline"] = {key: draw(minutes) for key in keys if draw(st.booleans())}
    if roads:
        document["ground"] = {**document["ground"], "roads": roads, "max_snap_km": 20.0}
    scenario = scenario_from_mapping(
        document, source="<test>", source_dir=Path(roads).parent if roads else None
    )
    based_on = {a.base for a in scenario.airframes if isinstance(a.base, str)}
    new_facilities = [
        CandidateFacility(Facility.model_validate(draw(facility_docs(f"c-f{k}"))))
        for k in range(draw(st.integers(0, 2)))
    ]
    moves = [
        CandidateFacility(f.model_copy(update=draw(points())), replaces=f.id)
        for f in scenario.facilities
        if f.id not in based_on and draw(st.booleans())
    ]
    facility_ids = [f.id for f in scenario.facilities]
    new_airframes = []
    for k in range(draw(st.integers(0, 2))):
        doc = draw(airframe_docs(f"c-a{k}", facility_ids)) | {"base": {"lat": 0.0, "lon": 0.0}}
        new_airframes.append(CandidateAirframe(Airframe.model_validate(doc), Location(**draw(points()))))
    airframe_moves = [
        CandidateAirframe(a, Location(**draw(points())), replaces=a.id)
        for a in scenario.airframes
        if draw(st.booleans())
    ]
    return scenario, [*moves, *new_facilities], [*airframe_moves, *new_airframes]


def crowded(where: dict[str, float]) -> dict[str, float]:
    """A point of the random box drawn ten times closer to its corner: assets within reach."""
    return {"lat": 10.0 + (where["lat"] - 10.0) / 10, "lon": (where["lon"]) / 10}


@st.composite
def crowded_pools(draw: st.DrawFn) -> tuple[Scenario, list[CandidateFacility], list[CandidateAirframe]]:
    """Pools in a box of about 50 km, with limits of up to four hours: many options of every
    kind (ground, air from the site, road to a landing site or a facility's helipad first)."""
    document: Document = draw(documents(min_airframes=1))
    for key in ("facilities", "sites"):
        document[key] = [entry | crowded(entry) for entry in document[key]]
    for entry in document["airframes"]:
        if isinstance(entry["base"], dict):
            entry["base"] = crowded(entry["base"])
    minutes = st.floats(0, 30, allow_nan=False)
    keys = ("request", "approval", "on_scene", "handover", "ground_departure", "first_aid_on_site")
    document["timeline"] = {key: draw(minutes) for key in keys}
    document["standard"] = "custom"
    document["thresholds"] = {
        "first_aid": draw(st.floats(10, 60)),
        "resuscitation": draw(st.floats(30, 120)),
        "surgery": draw(st.floats(60, 240)),
    }
    scenario = scenario_from_mapping(document, source="<test>")
    facility_ids = [f.id for f in scenario.facilities]
    new_facilities = [
        CandidateFacility(Facility.model_validate((doc := draw(facility_docs(f"c-f{k}"))) | crowded(doc)))
        for k in range(draw(st.integers(0, 3)))
    ]
    new_airframes = []
    for k in range(draw(st.integers(0, 2))):
        doc = draw(airframe_docs(f"c-a{k}", facility_ids)) | {"base": {"lat": 10.0, "lon": 0.0}}
        new_airframes.append(
            CandidateAirframe(Airframe.model_validate(doc), Location(**crowded(draw(points()))))
        )
    return scenario, new_facilities, new_airframes


def random_states(core: VariantCore, seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks (count, F + A) with at most one place per moved asset, and per-airframe lights."""
    rng = np.random.default_rng(seed)
    masks = rng.random((count, core.n_facilities + core.n_airframes)) < 0.6
    for ids, source, offset in (
        (core.facility_ids, core.facility_candidate, 0),
        (core.airframe_ids, core.airframe_candidate, core.n_facilities),
    ):
        for asset_id in set(ids):
            rows = [offset + i for i, x in enumerate(ids) if x == asset_id]
            if len(rows) > 1:  # an asset and its moves: one place at most
                keep = rng.integers(-1, len(rows), size=count)
                masks[:, rows] = np.arange(len(rows))[None, :] == keep[:, None]
        del source
    night = rng.random((count, core.n_airframes)) < 0.5
    return masks, night


def edits_of(core: VariantCore, mask: np.ndarray, night: np.ndarray) -> list[Edit]:
    """The what-if edits that make the scenario what ``mask`` says, each airframe by its light.

    An airframe flying by day at night is one whose night figures are its day figures.
    """
    edits: list[Edit] = []
    fac_on, air_on = mask[: core.n_facilities], mask[core.n_facilities :]
    for i, f in enumerate(core.facilities):
        existing = core.facility_candidate[i] < 0
        if existing and not fac_on[i]:
            moved = any(
                fac_on[j] and core.facilities[j].id == f.id for j in range(core.n_facilities) if j != i
            )
            if not moved:
                edits.append(RemoveFacility(f.id))
        elif (
            not existing
            and fac_on[i]
            and any(
                core.facility_ids[j] == f.id
                for j in range(core.n_facilities)
                if core.facility_candidate[j] < 0
            )
        ):
            edits.append(MoveFacility(f.id, Point(f.lat, f.lon)))
    for i, a in enumerate(core.airframes):
        if core.airframe_candidate[i] < 0:
            moved_to = [
                j for j in range(core.n_airframes) if j != i and air_on[j] and core.airframes[j].id == a.id
            ]
            row = moved_to[0] if moved_to else i
            if moved_to:
                where = Point(float(core.assets.base_lat_deg[row]), float(core.assets.base_lon_deg[row]))
                edits.append(MoveAirframe(a.id, where))
            elif not air_on[i]:
                edits.append(SetAirframe(a.id, available=False))
                continue
            if not night[row]:  # by day at night: night figures = day figures
                edits.append(SetAirframe(a.id, night=True, launch_night_min=a.launch.day))
    for i, a in enumerate(core.airframes):
        if (
            core.airframe_candidate[i] >= 0
            and air_on[i]
            and a.id not in [x.id for x in core.scenario.airframes]
        ):
            day = bool(not night[i])
            edits.append(
                AddAirframe(
                    a.id,
                    Point(float(core.assets.base_lat_deg[i]), float(core.assets.base_lon_deg[i])),
                    cruise_kmh=a.cruise_kmh,
                    range_km=a.range_km,
                    launch_day_min=a.launch.day,
                    launch_night_min=a.launch.day if day else a.launch.minutes("night"),
                    night=True if day else a.night,
                    medical_team=a.medical_team,
                    kind=a.kind,
                )
            )
            if not a.available:
                edits.append(SetAirframe(a.id, available=False))
    for i, f in enumerate(core.facilities):
        if (
            core.facility_candidate[i] >= 0
            and fac_on[i]
            and f.id not in [x.id for x in core.scenario.facilities]
        ):
            edits.append(
                AddFacility(
                    f.id,
                    f.level,
                    Point(f.lat, f.lon),
                    helipad=f.helipad,
                    airstrip=f.airstrip,
                    ground_team=f.ground_team,
                )
            )
    return edits


def routes(
    times: LegTimes, facility_ids: tuple[str, ...], airframe_ids: tuple[str, ...], pickup_ids: tuple[str, ...]
) -> list[Any]:
    """What each leg's winner used, as ids: comparable across differently ordered lists."""

    def name(ids: tuple[str, ...], index: np.ndarray) -> list[str | None]:
        return [ids[k] if k >= 0 else None for k in index.ravel()]

    return [
        times.pathway.ravel().tolist(),
        name(airframe_ids, times.airframe),
        name(facility_ids, times.facility),
        name(pickup_ids, times.pickup),
    ]


def assert_core_equals_check(core: VariantCore, masks: np.ndarray, nights: np.ndarray) -> None:
    for mask, night in zip(masks, nights, strict=True):
        edited = apply_edits(core.scenario, edits_of(core, mask, night))
        router = make_router(edited)
        for light_night, season in CONDITIONS:
            airframe_night = night if light_night else np.zeros_like(night)
            expected = check(edited, light="night" if light_night else "day", season=season, router=router)
            got = core.leg_times(mask, season, airframe_night)
            np.testing.assert_array_equal(reported_min(got.time_min), reported_min(expected.times.time_min))
            assets = expected.engine.assets
            assert routes(got, core.facility_ids, core.airframe_ids, core.assets.pickup_ids) == routes(
                expected.times, assets.facility_ids, assets.airframe_ids, assets.pickup_ids
            )
            np.testing.assert_array_equal(core.meets(got), expected.meets)
            np.testing.assert_array_equal(core.judge(mask, season, airframe_night)[0], expected.meets)


def assert_judge_equals_minima(core: VariantCore, masks: np.ndarray, nights: np.ndarray) -> None:
    for season in ("dry", "wet"):
        verdicts = core.judge(masks, season, nights)
        for k in range(len(masks)):
            np.testing.assert_array_equal(
                verdicts[k], core.meets(core.leg_times(masks[k], season, nights[k]))
            )


# -- without roads --------------------------------------------------------------------------------


@DIFFERENTIAL
@given(pools(), st.integers(0, 2**32 - 1))
def test_core_equals_apply_edits_and_check(pool: Any, seed: int) -> None:
    scenario, new_facilities, new_airframes = pool
    core = VariantCore(scenario, facilities=new_facilities, airframes=new_airframes)
    masks, nights = random_states(core, seed, 10)
    masks[0], nights[0] = core.baseline_mask, False
    assert_core_equals_check(core, masks, nights)


@DIFFERENTIAL
@given(st.one_of(pools(), crowded_pools()), st.integers(0, 2**32 - 1))
def test_batch_verdicts_equal_the_minima_on_many_masks(pool: Any, seed: int) -> None:
    scenario, new_facilities, new_airframes = pool
    core = VariantCore(scenario, facilities=new_facilities, airframes=new_airframes)
    masks, nights = random_states(core, seed, 40)
    assert_judge_equals_minima(core, masks, nights)


# -- on a road grid -------------------------------------------------------------------------------


def road_grid(folder: Path, n: int = 10, spacing_deg: float = 0.5) -> Path:
    """An n x n grid of roads over the box of the random scenarios, classes alternating, one
    row one-way, one column closed in the wet season."""
    classes = ["primary", "track", "secondary", "residential"]
    features = []
    for i in range(n):
        row = [[0.0 + spacing_deg * j, 10.0 + spacing_deg * i] for j in range(n)]
        col = [[0.0 + spacing_deg * i, 10.0 + spacing_deg * j] for j in range(n)]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "class": classes[i % 4],
                    "surface": "paved",
                    "oneway": "yes" if i == 2 else "no",
                },
                "geometry": {"type": "LineString", "coordinates": row},
            }
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"class": classes[(i + 1) % 4], "surface": "unpaved", "closed_wet": i == 3},
                "geometry": {"type": "LineString", "coordinates": col},
            }
        )
    path = folder / "grid.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture(scope="module")
def grid_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(road_grid(tmp_path_factory.mktemp("grid")))


@DIFFERENTIAL
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_core_equals_check_on_a_road_grid(grid_path: str, data: st.DataObject, seed: int) -> None:
    scenario, new_facilities, new_airframes = data.draw(pools(roads=grid_path))
    core = VariantCore(scenario, facilities=new_facilities, airframes=new_airframes)
    masks, nights = random_states(core, seed, 6)
    masks[0], nights[0] = core.baseline_mask, False
    assert_core_equals_check(core, masks, nights)
    more_masks, more_nights = random_states(core, seed + 1, 40)
    assert_judge_equals_minima(core, more_masks, more_nights)


# -- the sparse covering options against a dense reference ---------------------------------------


def dense_options(core: VariantCore, season: Season) -> set[tuple[int, int, int, int, frozenset[int]]]:
    """Every option as (leg, site, craft, pick-up, destinations), computed over every
    (airframe, site or pick-up point, facility) at once: the variant core's options before
    they were computed sparsely (its ground options are the core's own)."""
    a, t = core.assets, core.scenario.timeline
    tables = core.tables(season)
    n_fac = len(a.facility_ids)
    options = {o for o in as_set(core.options(season)) if o[2] < 0 and o[3] < 0}  # ground
    usable = np.concatenate([a.available, a.available & a.night_capable])
    wheels_up = np.concatenate(
        [t.request + t.approval + a.launch_day_min, t.request + t.approval + a.launch_night_min]
    )
    cruise, range_km, heli = np.tile(a.cruise_kmh, 2), np.tile(a.range_km, 2), np.tile(a.helicopter, 2)
    team = np.tile(a.medical_team, 2) & usable
    lands = np.where(heli[:, None], a.facility_helipad[None, :], a.facility_airstrip[None, :])
    to_site = np.tile(tables.base_to_point_km, (2, 1))
    at_site = aircraft_at_min(wheels_up, to_site, cruise)
    at_hls = usable[:, None] & np.where(heli[:, None], a.site_hls[None, :], a.site_airstrip[None, :])
    d_sf = tables.point_to_facility_km
    in_range = (
        at_hls[:, :, None] & lands[:, None, :] & (d_sf[None] <= (range_km[:, None] - to_site)[:, :, None])
    )
    care = air_care_min(t, at_site[:, :, None], d_sf[None], cruise[:, None, None])
    to_pickup = np.tile(core.pickup_km.base_to_pickup_km, (2, 1))
    d_hf = core.pickup_km.pickup_to_facility_km
    can_pick = usable[:, None] & np.where(
        heli[:, None],
        np.concatenate([a.facility_helipad, a.site_hls])[None, :],
        np.concatenate([a.facility_airstrip, a.site_airstrip])[None, :],
    )
    ready = aircraft_at_min(wheels_up, to_pickup, cruise)
    reach = (
        (to_pickup[:, :, None] + d_hf[None] <= range_km[:, None, None])
        & lands[:, None, :]
        & can_pick[:, :, None]
    )
    onward = pickup_onward_min(t, d_hf[None], cruise[:, None, None])
    arrive = (
        np.concatenate([tables.road_to_facility_min, tables.road_to_site_min], axis=1) + t.ground_departure
    )
    for i, leg in enumerate(core.legs):
        limit = float(core.thresholds_min[i])
        gives = a.facility_rank >= LEG_MIN_RANK[leg]
        with_team = leg in TEAM_LEGS
        by_air = in_range & gives[None, None] & (reported_min(care) <= limit)
        if with_team:
            by_air |= team[:, None, None] & (reported_min(at_site) <= limit)[:, :, None] & in_range
        start = np.maximum(arrive[None], ready[:, None, :])  # (2A, S, H)
        by_road = reach[:, None] & gives & (reported_min(start[..., None] + onward[:, None]) <= limit)
        if with_team:
            by_road |= (team[:, None, None] & (reported_min(start) <= limit))[..., None] & reach[:, None]
        by_air |= by_road[:, :, n_fac:].any(axis=2)  # a site's landing site is no asset
        for c, s in zip(*np.nonzero(by_air.any(axis=2)), strict=True):
            options.add((i, int(s), int(c), -1, frozenset(np.flatnonzero(by_air[c, s]).tolist())))
        for c, s, h in zip(*np.nonzero(by_road[:, :, :n_fac].any(axis=3)), strict=True):
            options.add((i, int(s), int(c), int(h), frozenset(np.flatnonzero(by_road[c, s, h]).tolist())))
    return options


def as_set(options: Options) -> set[tuple[int, int, int, int, frozenset[int]]]:
    groups = options.groups.tocsr()
    members = [
        frozenset(groups.indices[groups.indptr[g] : groups.indptr[g + 1]].tolist())
        for g in range(groups.shape[0])
    ]
    return {
        (
            int(options.leg[k]),
            int(options.site[k]),
            int(options.craft[k]),
            int(options.pickup[k]),
            members[options.group[k]],
        )
        for k in range(len(options))
    }


@DIFFERENTIAL
@given(st.one_of(pools(), crowded_pools()))
def test_sparse_options_are_the_dense_ones_less_those_a_ground_option_implies(pool: Any) -> None:
    # The core lists only what can meet a leg (bounds, nearest destinations first), and
    # leaves out a pick-up at a facility where a ground option of the same leg and site
    # names that facility: that option needs the facility too, so it adds nothing.
    scenario, new_facilities, new_airframes = pool
    core = VariantCore(scenario, facilities=new_facilities, airframes=new_airframes)
    for season in ("dry", "wet"):
        sparse, dense = as_set(core.options(season)), dense_options(core, season)
        assert sparse <= dense
        ground = {(leg, at): group for leg, at, craft, pickup, group in dense if craft < 0 and pickup < 0}
        for leg, at, _, pickup, _ in dense - sparse:
            assert pickup >= 0 and pickup in ground.get((leg, at), frozenset())


# -- by hand ---------------------------------------------------------------------------------------


def test_a_candidate_level_2_closes_a_surgery_gap_by_hand() -> None:
    # Equator, roads 1 km a minute (detour 1, 60 km/h), no airframes. The site at 150 km
    # from f2 gets surgery at 15 + 150 + 5 = 170 min; a candidate Level 2 at 140 km gives
    # 15 + 10 + 5 = 30 min. Removing f2 too leaves the candidate alone: still 30.
    scenario = make_scenario(
        ground={"detour_factor": 1.0, "road_kmh": 60.0},
        facilities=[facility("f2", 0, ground_team=False)],
        sites=[site("s", 150, personnel=200)],
    )
    candidate = Facility.model_validate(facility("new-l2", 140, ground_team=False))
    core = VariantCore(scenario, facilities=[CandidateFacility(candidate)])
    baseline = core.leg_times(core.baseline_mask, "dry")
    assert reported_min(baseline.time_min[2]).tolist() == [170.0]
    with_new = core.mask(facility_candidates_on=[0])
    assert reported_min(core.leg_times(with_new, "dry").time_min[2]).tolist() == [30.0]
    only_new = core.mask(facilities_off=["f2"], facility_candidates_on=[0])
    verdicts = core.judge(np.stack([core.baseline_mask, with_new, only_new]))
    assert verdicts[:, 2, 0].tolist() == [False, True, True]
    sites_meeting, personnel_meeting = core.summary(verdicts)
    assert sites_meeting.tolist() == [0, 1, 1]
    assert personnel_meeting.tolist() == [0, 200, 200]


def test_per_airframe_light_by_hand() -> None:
    # Two helicopters at f2 (0 km), 240 km/h (4 km a minute); the site at 100 km with an HLS.
    # day launch 20, night 50: by day at the site at 10 + 10 + 20 + 25 = 65 min; back in care
    # at 65 + 10 + 25 + 5 = 105. "h-night" is night-capable, "h-day" is not: at night only
    # h-night flies (launch 50: care at 135); with h-day by its day figures, 105 again.
    scenario = make_scenario(
        facilities=[facility("f2", 0, ground_team=False)],
        airframes=[
            {
                "id": "h-day",
                "base": "f2",
                "cruise_kmh": 240,
                "range_km": 900,
                "launch": {"day": 20, "night": 50},
            },
            {
                "id": "h-night",
                "base": "f2",
                "cruise_kmh": 240,
                "range_km": 900,
                "launch": {"day": 20, "night": 50},
                "night": True,
            },
        ],
        sites=[site("s", 100, first_responders=False)],
        ground={"road_kmh": 10.0},
    )
    core = VariantCore(scenario)
    surgery = [
        float(reported_min(core.leg_times(core.baseline_mask, "dry", night).time_min[2, 0]))
        for night in ([False, False], [True, True], [False, True])
    ]
    assert surgery == [105.0, 135.0, 105.0]
    assert core.judge(core.baseline_mask, "dry", [[False, False], [True, True], [False, True]])[
        :, 2, 0
    ].tolist() == [
        True,
        False,
        True,
    ]


def test_core_pickles_and_judges_the_same() -> None:
    scenario = make_scenario(
        facilities=[facility("f2", 0)],
        airframes=[{"id": "h", "base": "f2", "cruise_kmh": 240, "range_km": 900, "launch": {"day": 20}}],
        sites=[site("s", 100), site("t", 300)],
    )
    core = VariantCore(scenario)
    masks = np.array([[True, True], [True, False], [False, True]])
    before = core.judge(masks)
    copy = pickle.loads(pickle.dumps(core))
    np.testing.assert_array_equal(copy.judge(masks), before)
    np.testing.assert_array_equal(
        copy.leg_times(masks[1], "wet").time_min, core.leg_times(masks[1], "wet").time_min
    )


def test_team_on_board_from_the_site_itself_by_hand() -> None:
    # The unit's vehicle leaves late (ground departure 40). A helicopter with a medical team
    # at f1 (0 km) flies 240 km/h; request 5 + approval 5 + launch 5 + 40 km / 4 = 25 min at
    # the site: resuscitation (custom limit 30) by the team on board. By road to its own
    # landing site the team would meet the casualty only at 40; f1 sends no ground team.
    scenario = make_scenario(
        standard="custom",
        thresholds={"first_aid": 10, "resuscitation": 30, "surgery": 120},
        timeline={"request": 5, "approval": 5, "ground_departure": 40},
        facilities=[facility("f1", 0, level="1", ground_team=False)],
        airframes=[
            {
                "id": "h",
                "base": "f1",
                "cruise_kmh": 240,
                "range_km": 900,
                "launch": {"day": 5},
                "medical_team": True,
            }
        ],
        sites=[site("s", 40, first_responders=False)],
    )
    core = VariantCore(scenario)
    times = core.leg_times(core.baseline_mask, "dry")
    assert float(reported_min(times.time_min[1, 0])) == 25.0
    assert core.judge(core.baseline_mask)[0, :, 0].tolist() == [False, True, False]
    assert core.judge(core.mask(airframes_off=["h"]))[0, 1, 0].item() is False
