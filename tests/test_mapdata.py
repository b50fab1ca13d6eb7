"""The map's records: the coverage view's cells carry their time band's colour."""

from __future__ import annotations

import numpy as np

from medevac.mapdata import TIME_BANDS_MIN, CoverageView, band_colour


def test_surface_records_colour_each_cell_by_its_band_edges_included() -> None:
    edges = list(TIME_BANDS_MIN)
    times = np.array([0.0, *edges, *(e + 0.1 for e in edges), np.inf])
    view = CoverageView(
        legs=("surgery",),
        cell_km=1.0,
        lat_deg=np.linspace(0, 1, len(times)),
        lon_deg=np.linspace(0, 1, len(times)),
        time_min=times[None, :],
        covered_km2={"surgery": 0.0},
    )
    records = view.records("surgery")
    shown = times[times <= edges[-1]]
    assert len(records) == len(shown)
    assert [r["colour"] for r in records] == [band_colour(float(t)) for t in shown]
