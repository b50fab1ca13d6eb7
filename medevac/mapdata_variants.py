"""The coverage view of a what-if, from its baseline's cells: what the app draws after an edit.

A variant is drawn over its baseline's grid (:func:`medevac.mapdata.coverage_view` with
``area_of``), so its cells are the baseline's. Their ground minutes and air km to every asset
depend only on the cells, the ground and each asset's position
(:class:`medevac.coverage.surface.CellTables`): they are computed once per mission and ground,
and a what-if that adds a facility computes only the new facility's columns (one router call
and one row of geodesics from the new place). The variant's times at the cells are then its
own check's engine over those tables: the exact times, whose reported minutes are those of
:func:`medevac.mapdata.coverage_view` of the variant, value for value (tested).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from medevac.check import CheckResult, reported_min
from medevac.coverage.surface import CellTables
from medevac.mapdata import CoverageView
from medevac.timeline import WoundingPoints
from medevac.whatif import ground_key

BASELINES_KEPT = 4
"""Baselines whose cells' tables are remembered (one per baseline view and ground)."""

_tables: OrderedDict[tuple[int, str], tuple[CoverageView, CellTables]] = OrderedDict()
_tables_lock = threading.Lock()


def cell_tables(baseline_view: CoverageView, result: CheckResult) -> CellTables:
    """The tables of the baseline view's cells on the ground of ``result``'s scenario, kept
    (the view is held with them, so its identity stays its own)."""
    key = (id(baseline_view), ground_key(result.scenario))
    with _tables_lock:
        known = _tables.get(key)
        if known is not None:
            _tables.move_to_end(key)
            return known[1]
    points = WoundingPoints.uniform(
        baseline_view.lat_deg, baseline_view.lon_deg, first_responders=True, hls=True
    )
    tables = CellTables(points, result.engine.router)
    with _tables_lock:
        _tables[key] = (baseline_view, tables)
        while len(_tables) > BASELINES_KEPT:
            _tables.popitem(last=False)
    return tables


def variant_coverage_view(result: CheckResult, baseline_view: CoverageView) -> CoverageView:
    """The coverage view of a checked scenario (a variant; its own light and season) over the
    cells of ``baseline_view``, the view of its baseline
    (``coverage_view(baseline, area_of=baseline)``), reusing the cells' tables.

    The same view as ``coverage_view(variant, area_of=baseline)``: the same cells, reported
    minutes and areas.
    """
    times, meets = cell_tables(baseline_view, result).surface(result)
    cell_km = baseline_view.cell_km
    legs = result.legs
    return CoverageView(
        legs=legs,
        cell_km=cell_km,
        lat_deg=baseline_view.lat_deg,
        lon_deg=baseline_view.lon_deg,
        time_min=reported_min(times.time_min),
        covered_km2={leg: float(meets[i].sum()) * cell_km**2 for i, leg in enumerate(legs)},
    )


__all__ = ["BASELINES_KEPT", "cell_tables", "variant_coverage_view"]
