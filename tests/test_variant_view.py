"""What a what-if reuses from its baseline gives what a new computation gives.

The coverage view of a what-if from its baseline's cells equals a new surface of the variant.

Differential: ``variant_coverage_view`` (the cells' kept tables, only the new columns
computed) against ``coverage_view(variant, area_of=baseline)`` (a new surface, fast distances
made exact where undecided), on both demos, with and without their road layers, for each kind
of edit; and the cells' times from the tables against the check's exact engine with no
tables, bit for bit (time, pathway, airframe, facility, pick-up point). And the road times
shared between the variants of a mission give the explanations of a check on a router of its
own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medevac.check import check, make_router
from medevac.coverage.surface import CellTables
from medevac.mapdata import CoverageView, coverage_view
from medevac.mapdata_variants import cell_tables, variant_coverage_view
from medevac.model import Scenario
from medevac.scenario import load_scenario, scenario_from_mapping, scenario_to_mapping
from medevac.timeline import WoundingPoints
from medevac.whatif import (
    AddAirframe,
    AddFacility,
    Edit,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveFacility,
    SetAirframe,
    SetConditions,
    SetConvoyFactor,
    SetTimeline,
    apply_edits,
    evaluate,
    gap_rows,
)

DEMOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))


def _without_roads(scenario: Scenario) -> Scenario:
    data = scenario_to_mapping(scenario)
    data["ground"] = {k: v for k, v in data.get("ground", {}).items() if k not in ("roads", "closures")}
    return scenario_from_mapping(data, source_dir=scenario.source_dir)


def _edits(baseline: Scenario) -> list[list[Edit]]:
    """One list of edits per kind, placed from the demo's own assets."""
    site, other = baseline.sites[0], baseline.sites[-1]
    facility, airframe = baseline.facilities[0], baseline.airframes[0]
    near = Point(site.lat + 0.07, site.lon - 0.05)
    return [
        [AddFacility("new-l2", "2", near)],
        [AddFacility("new-l1", "1", Point(other.lat, other.lon), helipad=False, ground_team=False)],
        [AddFacility("new-strip", "3", near, airstrip=True)],
        [MoveFacility(facility.id, Point(other.lat - 0.03, other.lon + 0.04))],
        [RemoveFacility(facility.id)],
        [AddAirframe("new-heli", Point(site.lat, site.lon), 260.0, 600.0, 20.0, medical_team=True)],
        [MoveAirframe(airframe.id, Point(other.lat, other.lon))],
        [SetAirframe(airframe.id, available=False)],
        [SetTimeline((("approval", 3.0), ("ground_departure", 25.0)))],
        [SetConditions(light="night", season="wet")],
        [SetConvoyFactor(0.6)],  # another ground: new tables, none reused
        [AddFacility("new-l2", "2", near), AddAirframe("new-heli", "new-l2", 240.0, 500.0, 15.0)],
    ]


def _same_view(new: CoverageView, full: CoverageView) -> None:
    assert new.legs == full.legs
    assert new.cell_km == full.cell_km
    assert np.array_equal(new.lat_deg, full.lat_deg) and np.array_equal(new.lon_deg, full.lon_deg)
    assert np.array_equal(new.time_min, full.time_min)  # reported minutes, inf included
    assert new.covered_km2 == full.covered_km2


@pytest.mark.parametrize("roads", [True, False], ids=["roads", "no-roads"])
@pytest.mark.parametrize("demo", DEMOS, ids=[p.stem for p in DEMOS])
def test_a_variant_over_its_baseline_cells_is_a_new_surface_of_it(demo: Path, roads: bool) -> None:
    baseline = load_scenario(demo)
    if not roads:
        baseline = _without_roads(baseline)
    base_result = evaluate(baseline)
    base_view = coverage_view(baseline, router=base_result.engine.router)
    # The baseline itself over its own cells, from the tables: its own view.
    _same_view(variant_coverage_view(base_result, base_view), base_view)
    for edits in _edits(baseline):
        variant = apply_edits(baseline, edits)
        result = evaluate(variant)
        full = coverage_view(variant, router=result.engine.router, area_of=baseline)
        _same_view(variant_coverage_view(result, base_view), full)
        # Bit for bit the check's exact engine without tables, every route field too.
        points = WoundingPoints.uniform(base_view.lat_deg, base_view.lon_deg)
        exact = result.engine.leg_times(points)
        times, _ = cell_tables(base_view, result).surface(result)
        for key in ("time_min", "pathway", "airframe", "facility", "pickup"):
            assert np.array_equal(getattr(times, key), getattr(exact, key)), (edits, key)


def test_cell_tables_reuse_columns_by_position_and_compute_only_new_ones() -> None:
    baseline = load_scenario(DEMOS[0])
    result = evaluate(baseline)
    points = WoundingPoints.uniform(np.array([baseline.sites[0].lat]), np.array([baseline.sites[0].lon]))
    calls: list[int] = []
    router = result.engine.router

    class Counting:
        symmetric = router.symmetric

        def travel_min(self, *args: object, **kwargs: object) -> np.ndarray:
            calls.append(1)
            return router.travel_min(*args, **kwargs)  # type: ignore[arg-type]

    tables = CellTables(points, Counting())  # type: ignore[arg-type]
    first = tables.tables(result.engine.assets, "dry")
    asked = sum(calls)
    assert asked > 0
    again = tables.tables(result.engine.assets, "dry")
    assert sum(calls) == asked  # nothing asked twice
    for key in ("road_to_facility_min", "road_from_facility_min", "road_to_site_min", "base_to_point_km"):
        assert np.array_equal(getattr(first, key), getattr(again, key))
    variant = evaluate(apply_edits(baseline, [AddFacility("new-l2", "2", Point(1.0, 30.0))]))
    tables.tables(variant.engine.assets, "dry")
    # One call for the road to the new place (and one back, on a one-way network).
    assert sum(calls) - asked == (1 if router.symmetric else 2)


@pytest.mark.parametrize("demo", DEMOS, ids=[p.stem for p in DEMOS])
def test_shared_road_times_explain_as_a_router_of_its_own(demo: Path) -> None:
    baseline = load_scenario(demo)
    evaluate(baseline)  # the mission's router learns the baseline's road times
    sites = baseline.sites
    variants: list[list[Edit]] = [
        [AddFacility("new-l2", "2", Point(site.lat + 0.02, site.lon + 0.02))]
        for site in (sites[0], sites[-1])
    ]
    variants += [[RemoveFacility(baseline.facilities[0].id)], [RemoveFacility(baseline.facilities[-1].id)]]
    variants += [[AddFacility("new-l1", "1", Point(sites[1].lat, sites[1].lon))]]
    for edits in variants:
        variant = apply_edits(baseline, edits)
        assert gap_rows(evaluate(variant)) == gap_rows(check(variant, router=make_router(variant))), edits
