"""Static maps for the report, drawn offline with matplotlib from the bundled geodata.

Figures are built on :class:`matplotlib.figure.Figure` with the Agg canvas directly (no
``pyplot``: no global state, no display needed). Sites carry the app's colours for the first
leg they fail (:mod:`medevac.mapdata`, Okabe-Ito) *and* a marker shape per status, so a map
printed in grey or read by a colour-blind reader still tells them apart.
"""

from __future__ import annotations

import io
from functools import lru_cache

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from shapely.geometry import box

from medevac.check import CheckResult
from medevac.coverage.surface import failing_stretches
from medevac.mapdata import FAIL_COLOUR, MEETS_ALL_COLOUR, Bounds, country_outlines, scenario_bounds, towns
from medevac.patrols import patrol_pieces
from medevac.report.summary import Condition, condition_label
from medevac.results import Results
from medevac.standards import LEG_LABEL, Leg
from medevac.whatif import first_failed_leg

DPI = 110
TOWN_LABELS = 10
"""Largest towns named on a map; more would crowd the site labels."""

MARKER: dict[Leg | None, str] = {
    None: "o",
    "first_aid": "X",
    "resuscitation": "D",
    "surgery": "s",
    "primary_surgery": "P",
}
"""Marker shape per site status, so status never rests on colour alone."""

GAINED_COLOUR = "#009E73"  # Okabe-Ito bluish green
LOST_COLOUR = "#D55E00"  # vermillion
UNCHANGED_COLOUR = "#999999"


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@lru_cache(maxsize=8)
def _countries(bounds: Bounds) -> gpd.GeoSeries:
    """Country outlines clipped to the map's box (cached: every map of a report shares it)."""
    features = country_outlines()["features"]
    if not features:
        return gpd.GeoSeries([], crs=4326)
    frame = gpd.GeoDataFrame.from_features(features, crs=4326)
    view = box(bounds.west, bounds.south, bounds.east, bounds.north)
    clipped = frame.geometry.intersection(view)
    return clipped[~clipped.is_empty]


def _basemap(ax: Axes, bounds: Bounds) -> None:
    countries = _countries(bounds)
    if len(countries):
        countries.plot(ax=ax, facecolor="#f2efe9", edgecolor="#8c8c8c", linewidth=0.6)
    for town in towns(bounds)[:TOWN_LABELS]:
        ax.plot(town["lon"], town["lat"], marker=".", color="#7f7f7f", markersize=3, zorder=2)
        ax.annotate(
            town["label"],
            (town["lon"], town["lat"]),
            xytext=(3, -8),
            textcoords="offset points",
            fontsize=6,
            color="#7f7f7f",
            zorder=2,
        )
    ax.set_xlim(bounds.west, bounds.east)
    ax.set_ylim(bounds.south, bounds.north)
    ax.set_aspect(1 / np.cos(np.radians(bounds.centre[0])))  # equal km along both axes
    ax.set_facecolor("#dfeaf2")
    ax.set_xlabel("longitude (degrees)", fontsize=7)
    ax.set_ylabel("latitude (degrees)", fontsize=7)
    ax.tick_params(labelsize=6)


def _assets(ax: Axes, result: CheckResult) -> None:
    """Facilities as level badges, airframe bases as triangles (hollow when grounded)."""
    scenario = result.scenario
    for facility in scenario.facilities:
        ax.annotate(
            f"L{facility.level}",
            (facility.lon, facility.lat),
            xytext=(-9, -9),  # beside the point, so a site or base there stays visible
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=6,
            fontweight="bold",
            bbox={"boxstyle": "square,pad=0.2", "fc": "white", "ec": "black", "lw": 0.6},
            zorder=4,
        )
    usable = result.engine.assets.usable
    for k, airframe in enumerate(scenario.airframes):
        base = scenario.base_location(airframe)
        ax.plot(
            base.lon,
            base.lat,
            marker="^",
            markersize=9,
            markerfacecolor="black" if usable[k] else "none",
            markeredgecolor="black",
            linestyle="none",
            zorder=6,
        )


def _patrols(ax: Axes, result: CheckResult) -> None:
    scenario = result.scenario
    for patrol, patrol_result in zip(scenario.patrols, result.patrols, strict=True):
        pieces = patrol_pieces(patrol, scenario.source_dir)
        for lat, lon in pieces:
            ax.plot(lon, lat, color=_hex(MEETS_ALL_COLOUR), linewidth=1.2, zorder=2)
        for stretch in failing_stretches(patrol_result, result.legs, pieces):
            xs, ys = stretch.line.xy
            ax.plot(xs, ys, color=_hex(FAIL_COLOUR[stretch.leg]), linewidth=2.4, zorder=2)


def _sites(ax: Axes, result: CheckResult, labels: bool) -> None:
    for site, failed in zip(result.scenario.sites, first_failed_leg(result), strict=True):
        colour = MEETS_ALL_COLOUR if failed is None else FAIL_COLOUR[failed]
        ax.plot(
            site.lon,
            site.lat,
            marker=MARKER[failed],
            markersize=7,
            markerfacecolor=_hex(colour),
            markeredgecolor="black",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=5,
        )
        if labels:
            ax.annotate(site.id, (site.lon, site.lat), xytext=(4, 3), textcoords="offset points", fontsize=6)


def _status_handles(result: CheckResult) -> list[Line2D]:
    handles = [
        Line2D([], [], marker=MARKER[None], color=_hex(MEETS_ALL_COLOUR), linestyle="none", label="meets all")
    ]
    handles += [
        Line2D(
            [],
            [],
            marker=MARKER[leg],
            color=_hex(FAIL_COLOUR[leg]),
            markeredgecolor="black",
            linestyle="none",
            label=f"fails {LEG_LABEL[leg]} first",
        )
        for leg in result.legs
    ]
    handles.append(Line2D([], [], marker="^", color="black", linestyle="none", label="airframe base"))
    return handles


def _legend_beside(ax: Axes, handles: list[Line2D]) -> None:
    """Legends sit beside the map, never over a site or a base."""
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def status_map(result: CheckResult, title: str) -> bytes:
    """One condition: sites by first failing leg, facilities, bases, patrol gaps (PNG)."""
    figure = Figure(figsize=(7.5, 6.5))
    ax = figure.add_subplot()
    _basemap(ax, scenario_bounds(result.scenario))
    _patrols(ax, result)
    _assets(ax, result)
    _sites(ax, result, labels=True)
    _legend_beside(ax, _status_handles(result))
    ax.set_title(title, fontsize=9)
    return _png(figure)


def conditions_map(results: dict[Condition, CheckResult]) -> bytes:
    """The four conditions side by side (2 x 2), same extent, for the executive summary."""
    figure = Figure(figsize=(9, 8))
    axes = figure.subplots(2, 2).ravel()
    for ax, (condition, result) in zip(axes, results.items(), strict=False):
        _basemap(ax, scenario_bounds(result.scenario))
        _patrols(ax, result)
        _assets(ax, result)
        _sites(ax, result, labels=False)
        summary = Results.of(result).summary()
        meeting, sites = summary["sites_meeting_all"], summary["sites"]
        ax.set_title(f"{condition_label(condition)}: {meeting} of {sites} sites meet all", fontsize=8)
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    handles = _status_handles(next(iter(results.values())))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7, frameon=False)
    return _png(figure)


def change_map(baseline: CheckResult, variant: CheckResult, title: str) -> bytes:
    """Sites that now meet every leg (up), that no longer do (down), the rest grey (PNG)."""
    figure = Figure(figsize=(7.5, 6.5))
    ax = figure.add_subplot()
    bounds = scenario_bounds(variant.scenario)
    _basemap(ax, bounds)
    _assets(ax, variant)
    changes = Results.of(baseline).meets_all_changes(Results.of(variant)).set_index("site_id")
    for site in baseline.scenario.sites:
        if site.id not in changes.index:
            continue
        before = bool(changes.at[site.id, "meets_all_before"])
        now = bool(changes.at[site.id, "meets_all_after"])
        style = (
            ("^", GAINED_COLOUR, 10)
            if now and not before
            else ("v", LOST_COLOUR, 10)
            if before and not now
            else None
        )
        marker, colour, size = style or ("o", UNCHANGED_COLOUR, 5)
        ax.plot(
            site.lon,
            site.lat,
            marker=marker,
            color=colour,
            markersize=size,
            markeredgecolor="black",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=5,
        )
        if style:
            ax.annotate(site.id, (site.lon, site.lat), xytext=(4, 3), textcoords="offset points", fontsize=7)
    handles = [
        Line2D([], [], marker="^", color=GAINED_COLOUR, linestyle="none", label="now meets every leg"),
        Line2D([], [], marker="v", color=LOST_COLOUR, linestyle="none", label="no longer meets every leg"),
        Line2D([], [], marker="o", color=UNCHANGED_COLOUR, linestyle="none", label="unchanged"),
    ]
    _legend_beside(ax, handles)
    ax.set_title(title, fontsize=9)
    return _png(figure)
