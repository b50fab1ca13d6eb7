"""The map's records: the coverage view's cells carry their time band's colour."""

from __future__ import annotations

import itertools

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


def _lab(rgb: tuple[int, int, int]) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB colour."""
    c = np.array(rgb, dtype=float) / 255
    linear = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _deuteranope(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The colour as a deuteranope sees it (Machado, Oliveira and Fernandes 2009, severity 1)."""
    c = np.array(rgb, dtype=float) / 255
    linear = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    )
    out = np.clip(m @ linear, 0, 1)
    srgb = np.where(out > 0.0031308, 1.055 * out ** (1 / 2.4) - 0.055, 12.92 * out)
    r, g, b = (round(float(v) * 255) for v in srgb)
    return r, g, b


def test_site_verdicts_and_coverage_bands_share_no_colour_and_stay_apart() -> None:
    from medevac.mapdata import BAND_COLOURS, FAIL_COLOUR, MEETS_ALL_COLOUR, PATROL_MEETS_COLOUR

    verdicts = {MEETS_ALL_COLOUR, PATROL_MEETS_COLOUR, *FAIL_COLOUR.values()}
    bands = set(BAND_COLOURS)
    assert len(bands) == len(BAND_COLOURS) and len(FAIL_COLOUR) + 1 == len(verdicts)
    assert not verdicts & bands
    for see in (lambda rgb: rgb, _deuteranope):  # apart for normal and deuteranope vision
        gap = min(float(np.linalg.norm(_lab(see(v)) - _lab(see(b)))) for v in verdicts for b in bands)
        assert gap > 20.0
    # The bands are read by lightness alone: L* rises from the quickest band to the slowest.
    lightness = [float(_lab(c)[0]) for c in BAND_COLOURS]
    assert all(b - a > 10 for a, b in itertools.pairwise(lightness))
