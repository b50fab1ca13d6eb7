"""Coverage surfaces are exact (spec v1.1): reported minutes and verdicts of every cell are
those of the all-exact computation, even where the fast distances could decide them.

Cells are placed on purpose where a time falls on a rounding boundary of the 0.1 min (a
leg's threshold + 0.05, where 60.05 reports 60.1 and fails), a hair either side of it, and
on a sortie's range limit. The fast distances are then replaced by the worst ones their
bound allows (exact +- 0.99 x :data:`FAST_DISTANCE_ERROR_KM`, every sign pattern), so that
without the refinement the fast path *would* misreport those cells; the test asserts it
would, and that the surface does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from conftest import GEOD, ONE_KM_A_MINUTE, airframe, facility, make_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medevac.geo
from medevac.check import check, make_router, reported_min
from medevac.coverage import MissionArea, coverage, grid_over
from medevac.coverage.grid import Grid
from medevac.coverage.surface import fast_error_min, undecided_points
from medevac.geo import FAST_DISTANCE_ERROR_KM, distance_matrix_km
from medevac.model import Scenario
from medevac.timeline import Engine

AREA = MissionArea.from_polygon(shapely.box(-1.5, -1.5, 1.5, 1.5))
STEP_KM = 1e-6
"""A millimetre: well inside the fast distances' error, so a boundary cell +- this is
undecided by them."""

Perturbation = Callable[[Any, Any, Any, Any], npt.NDArray[np.float64]]


def worst_fast(sign: str) -> Perturbation:
    """Fast distances as wrong as the bound allows: exact + 0.99 e (``"+"``), - 0.99 e
    (``"-"``), or alternating by entry (``"+-"``), never below 0."""

    def fast(from_lat: Any, from_lon: Any, to_lat: Any, to_lon: Any) -> npt.NDArray[np.float64]:
        exact = distance_matrix_km(from_lat, from_lon, to_lat, to_lon)
        if sign == "+-":
            rows, cols = np.indices(exact.shape)
            direction = np.where((rows + cols) % 2 == 0, 1.0, -1.0)
        else:
            direction = np.full(exact.shape, 1.0 if sign == "+" else -1.0)
        return np.asarray(np.maximum(exact + 0.99 * FAST_DISTANCE_ERROR_KM * direction, 0.0))

    return fast


@pytest.fixture(params=["+", "-", "+-"])
def adversarial(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(medevac.geo, "fast_distance_matrix_km", worst_fast(request.param))
    yield request.param


def at_km(km: float, azimuth_deg: float, lat: float = 0.0, lon: float = 0.0) -> tuple[float, float]:
    """The point ``km`` (geodesic) from (lat, lon) along ``azimuth_deg``: (lat, lon)."""
    out_lon, out_lat, _ = GEOD.fwd(lon, lat, azimuth_deg, km * 1000.0)
    return float(out_lat), float(out_lon)


def cells_at(
    distances_km: list[float], azimuths_deg: tuple[float, ...] = (0.0, 37.0, 90.0, 151.0, 233.0)
) -> Any:
    """Points at each distance from the origin, along several azimuths (the fast formula's
    error depends on the direction), each distance +- 1 and 2 mm too."""
    points = [
        at_km(km + k * STEP_KM, azimuth)
        for km in distances_km
        for k in (-2, -1, 0, 1, 2)
        for azimuth in azimuths_deg
    ]
    return np.array(points)


def grid_with(points: Any) -> Grid:
    """A coarse grid of the area with the given points appended as cells."""
    grid = grid_over(AREA, 25.0)
    n = len(points)
    return replace(
        grid,
        row=np.concatenate([grid.row, np.zeros(n, dtype=np.intp)]),
        col=np.concatenate([grid.col, np.zeros(n, dtype=np.intp)]),
        lat_deg=np.concatenate([grid.lat_deg, points[:, 0]]),
        lon_deg=np.concatenate([grid.lon_deg, points[:, 1]]),
        landing=np.ones(len(grid) + n, dtype=bool),
    )


def assert_exact(scenario: Scenario, grid: Grid, conditions: Any = None) -> None:
    """The surface's reported minutes, verdicts and pathways equal the all-exact surface's."""
    fast = coverage(scenario, grid, conditions=conditions)
    exact = coverage(scenario, grid, conditions=conditions, exact_distances=True)
    for got, want in zip(fast.surfaces, exact.surfaces, strict=True):
        np.testing.assert_array_equal(reported_min(got.times.time_min), reported_min(want.times.time_min))
        np.testing.assert_array_equal(got.meets, want.meets)
        np.testing.assert_array_equal(got.times.pathway, want.times.pathway)


def fast_alone_misreports(scenario: Scenario, grid: Grid) -> bool:
    """Whether the fast engine without the refinement reports some cell otherwise."""
    router = make_router(scenario, exact_distances=False)
    result = check(scenario)
    engine = Engine(
        scenario, router, result.light, result.season, result.standard.legs, exact_distances=False
    )
    fast = reported_min(engine.leg_times(grid.points()).time_min)
    exact = reported_min(result.engine.leg_times(grid.points()).time_min)
    return bool((fast != exact).any())


# Resuscitation by a ground team: 10 min request + d at 1 km a minute; surgery by road:
# 15 min departure + d + 5 min handover. 60.05 and 120.05 report 60.1 and 120.1 and fail.
GROUND_BOUNDARIES_KM = [50.05, 49.95, 50.0, 100.05, 99.95]


def test_ground_times_on_rounding_boundaries_are_exact(adversarial: str) -> None:
    scenario = make_scenario(ground=ONE_KM_A_MINUTE, facilities=[facility("hq", 0.0)])
    grid = grid_with(cells_at(GROUND_BOUNDARIES_KM))
    assert fast_alone_misreports(scenario, grid)
    assert_exact(scenario, grid)
    # Exact: 60.05 fails resuscitation, 59.95 meets it (reports 60.0), as the spec says.
    surface = coverage(scenario, grid).surfaces[0]
    at_60_05 = len(grid) - len(GROUND_BOUNDARIES_KM) * 25 + 2 * 5  # first distance, k = 0, first azimuth
    assert reported_min(surface.times.time_min[1, at_60_05]) == 60.1
    assert not surface.meets[1, at_60_05]


def air_scenario(range_km: float, **parts: Any) -> Scenario:
    """A Level 2 at the origin without a ground team; a helicopter there with a medical team,
    4 km a minute, wheels-up 40 min after wounding. Road: 1 km a minute."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("hq", 0.0, ground_team=False)],
        airframes=[airframe("heli", "hq", range_km=range_km, medical_team=True)],
        **parts,
    )


def test_air_times_on_rounding_boundaries_are_exact(adversarial: str) -> None:
    # Team on board: 40 + b/4 = 60.05 at b = 80.2 (road: 20 + b, much later). Surgery by air:
    # 40 + b/4 + 10 on scene + b/4 + 5 = 120.05 at b = 130.1. And 59.95, 119.95.
    scenario = air_scenario(10_000.0)
    grid = grid_with(cells_at([80.2, 79.8, 130.1, 129.9]))
    assert fast_alone_misreports(scenario, grid)
    assert_exact(scenario, grid, conditions=[("day", "dry"), ("night", "wet")])


def test_cells_on_the_range_limit_are_exact(adversarial: str) -> None:
    # Range 100 km: base -> cell -> back to hq is 2b, in range up to b = 50 km. Within it the
    # team on board gives resuscitation at 40 + 12.5 = 52.5 (meets); beyond it the team meets
    # the casualty driven to hq's helipad, at 15 + 50 = 65 (fails). The fast distances alone
    # could go either way at 50 km.
    scenario = air_scenario(100.0)
    grid = grid_with(cells_at([50.0]))
    assert_exact(scenario, grid)
    surface = coverage(scenario, grid).surfaces[0]
    crafted = reported_min(surface.times.time_min[1, -25:]).reshape(5, 5)  # (mm step -2..2, azimuth)
    assert (crafted[:2] == 52.5).all()  # a millimetre or two within the limit: in range
    assert (crafted[3:] == 65.0).all()  # beyond it: by road to the helipad


def test_undecided_points_are_those_near_a_rounding_boundary() -> None:
    time_min = np.array([[60.05, 60.049, 60.0, np.inf, 59.95 + 5e-6]])
    assert undecided_points(time_min, 1e-5).tolist() == [0, 4]


def test_fast_error_bound_comes_from_the_slowest_leg() -> None:
    scenario = air_scenario(1000.0)
    engine = check(scenario).engine
    # Roads exact (road layer) or fast (estimate): 2 fast km at 240 km/h, or at 1 km a minute.
    assert fast_error_min(engine, engine.router) == pytest.approx(2 * FAST_DISTANCE_ERROR_KM * 0.25, rel=1e-3)
    fast_router = make_router(scenario, exact_distances=False)
    assert fast_error_min(engine, fast_router) == pytest.approx(2 * FAST_DISTANCE_ERROR_KM * 1.0, rel=1e-3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_missions_with_cells_on_their_boundaries_are_exact(
    data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random facilities and helicopters; cells on their range limits and on rounding
    boundaries of their times; the worst fast distances: the surface is exact."""
    monkeypatch.setattr(medevac.geo, "fast_distance_matrix_km", worst_fast(data.draw(st.sampled_from("+-"))))
    km = st.floats(0.0, 120.0)
    azimuth = st.floats(0.0, 360.0)
    places = [at_km(data.draw(km), data.draw(azimuth)) for _ in range(3)]
    facilities = [
        {"id": f"f{i}", "level": data.draw(st.sampled_from(["1", "2", "3"])), "lat": lat, "lon": lon}
        for i, (lat, lon) in enumerate(places)
    ]
    airframes = [
        airframe(
            f"h{i}",
            f"f{data.draw(st.integers(0, 2))}",
            cruise_kmh=data.draw(st.sampled_from([180.0, 240.0, 300.0])),
            range_km=data.draw(st.floats(60.0, 400.0)),
            medical_team=data.draw(st.booleans()),
        )
        for i in range(2)
    ]
    scenario = make_scenario(
        ground={"detour_factor": 1.3, "road_kmh": 40.0}, facilities=facilities, airframes=airframes
    )
    engine = check(scenario).engine
    # Cells at half an airframe's range from its base (out and back to it: the limit), and
    # where a team on board from a base arrives on a 0.1-min boundary.
    a = engine.assets
    points = []
    for i in range(len(a.airframe_ids)):
        base = (float(a.base_lat_deg[i]), float(a.base_lon_deg[i]))
        heading = data.draw(azimuth)
        points.append(at_km(float(a.range_km[i]) / 2, heading, *base))
        boundary_min = (
            np.floor(float(engine.wheels_up_min[i]) * 10 + 1) / 10
            + 0.05
            + data.draw(st.integers(1, 200)) / 10
        )
        b_km = (boundary_min - float(engine.wheels_up_min[i])) * float(a.cruise_kmh[i]) / 60
        points += [at_km(b_km + k * STEP_KM, heading, *base) for k in (-1, 0, 1)]
    assert_exact(scenario, grid_with(np.array(points)), conditions=[("day", "dry"), ("night", "wet")])


ROADS = Path(__file__).parent / "data" / "roads" / "equator.geojson"


def test_cells_with_a_road_layer_are_exact(adversarial: str) -> None:
    """With a road layer the ground times are exact already; air from the cells is not.
    Team on board at 40 + b/4 on 0.05 boundaries (45.05 by the road east of the origin,
    60.05 away from it), surgery by air at 55 + b/2 = 120.05, and the range limit."""
    scenario = make_scenario(
        ground={"roads": str(ROADS)},
        facilities=[facility("hq", 0.0, ground_team=False)],
        airframes=[airframe("heli", "hq", range_km=200.0, medical_team=True)],
    )
    points = np.concatenate(
        [
            cells_at([20.2, 80.2, 130.1], azimuths_deg=(0.0, 90.0, 200.0)),
            cells_at([100.0], azimuths_deg=(45.0,)),
        ]
    )
    grid = grid_with(points)
    assert fast_alone_misreports(scenario, grid)
    assert_exact(scenario, grid, conditions=[("day", "dry"), ("night", "wet")])
