"""How long a what-if takes in the planner app, warm, on the larger demo (target < 0.5 s).

Runs the same functions the app runs when a planner applies an edit: validate the variant
(:func:`medevac.whatif.apply_edits`), its content key (:func:`medevac.scenario.dump_scenario`),
the check, the coverage surface when :mod:`medevac.coverage` is installed (over the baseline's
cells, as the app draws it: :func:`medevac.mapdata_variants.variant_coverage_view`), the before/after
comparison, the map layers and gap table, and the pydeck map the page sends. "Warm" means
the baseline is already checked and the road network loaded, as in a running app; every
variant is new (a cache miss), as when a planner places a facility somewhere new.

Usage: ``python bench/app_whatif.py [SCENARIO]`` (default: the demo with the most sites).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from medevac.check import CheckResult
from medevac.ground import road_network
from medevac.mapdata import (
    Bounds,
    CoverageView,
    coverage_view,
    result_layers,
    scenario_bounds,
)
from medevac.mapdata_variants import variant_coverage_view
from medevac.mapview import (
    basemap,
    bounds_view,
    label_records,
    road_records,
    scale_bar,
    site_tooltips,
)
from medevac.model import Scenario
from medevac.scenario import load_scenario
from medevac.whatif import (
    AddFacility,
    Point,
    apply_edits,
    compare,
    content_key,
    evaluate,
    gap_rows,
    leg_summary,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # app_layers.py sits beside app.py, outside the package

from app_layers import build_deck  # noqa: E402

TARGET_S = 0.5
ISSUE_TARGET_S = 0.05
"""The variant core's target (issue 10): a what-if under 50 ms warm."""


def larger_demo() -> Path:
    demos = sorted((ROOT / "scenarios").glob("*.yaml"))
    return max(demos, key=lambda path: len(load_scenario(path).sites))


def has_coverage() -> bool:
    try:
        import medevac.coverage  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=64)
def places_near(bounds: Bounds) -> dict[str, Any]:
    """The basemap around a box, shared per box as the app's ``places_near`` is."""
    return basemap(bounds)


def one_whatif(
    baseline: Scenario, base_result: CheckResult, base_view: CoverageView | None, place: Point
) -> tuple[float, float]:
    """Seconds for one what-if, through the app's own calls, from edit to map JSON: wall time
    and this process's CPU time (the machine is shared).

    ``base_result`` and ``base_view`` are the baseline's check and surface, which the app
    holds in its cache.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    variant = apply_edits(baseline, [AddFacility("bench-l2", "2", place)])
    content_key(variant)  # the cache key
    result = evaluate(variant)
    surface: list[dict[str, Any]] = []
    cell_km = 0.0
    if base_view is not None:
        # As the app's coverage_layer: the variant over its baseline's cells, their tables kept.
        view = variant_coverage_view(result, base_view)
        surface, cell_km = view.records("surgery"), view.cell_km
        area_change_km2 = {
            leg: km2 - base_view.covered_km2.get(leg, 0.0) for leg, km2 in view.covered_km2.items()
        }
        assert set(area_change_km2) == set(result.legs)
    compare(base_result, result)
    leg_summary(result)
    gap_rows(result)
    layers = result_layers(result)
    bounds = scenario_bounds(variant)
    basemap = places_near(bounds)
    map_view = bounds_view(bounds)
    deck = build_deck(
        bounds=bounds,
        layers=site_tooltips(layers, result),  # the tooltips in the page's language, as the app
        labels=label_records(layers, basemap["towns"]),
        roads=road_records(road_network(result.engine.router), result.season),
        surface=surface,
        surface_cell_km=cell_km,
        view=map_view,
        scale=scale_bar(map_view),
        **basemap,
    )
    deck.to_json()  # what st.pydeck_chart serialises
    return time.perf_counter() - start, time.process_time() - cpu_start


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else larger_demo()
    baseline = load_scenario(path)
    started = time.perf_counter()
    base_result = evaluate(baseline)
    base_view = coverage_view(baseline, router=base_result.engine.router) if has_coverage() else None
    cold_s = time.perf_counter() - started
    print(
        f"scenario: {path.name}: {len(baseline.sites)} sites, {len(baseline.facilities)} facilities, "
        f"{len(baseline.airframes)} airframes; coverage layer: {'yes' if base_view else 'no'}"
    )
    print(f"cold start (road network, baseline check and surface): {cold_s:.2f} s")
    one_whatif(
        baseline, base_result, base_view, Point(baseline.sites[0].lat, baseline.sites[0].lon)
    )  # warm imports
    timings = [
        one_whatif(baseline, base_result, base_view, Point(site.lat, site.lon)) for site in baseline.sites
    ]
    walls, cpus = [wall for wall, _ in timings], [cpu for _, cpu in timings]
    median_s, worst_s = statistics.median(walls), max(walls)
    print(f"what-ifs timed: {len(timings)} (a Level 2 placed at each site in turn)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"what-if warm: median {median_s:.3f} s (CPU {statistics.median(cpus):.3f} s), worst {worst_s:.3f} s "
        f"(CPU {max(cpus):.3f} s); target {TARGET_S} s: {'met' if worst_s < TARGET_S else 'MISSED'}; "
        f"issue 10's {ISSUE_TARGET_S * 1000:.0f} ms (CPU median): "
        f"{'met' if statistics.median(cpus) < ISSUE_TARGET_S else 'MISSED'}"
    )
