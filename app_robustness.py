"""The planner app's Robustness tab: does the plan hold?

Three views of what the map shows, all computed by :mod:`medevac.planning.robustness` and
:mod:`medevac.planning.daylight` and only drawn here: the N-1 heat map (each asset lost
alone x each site), each site's chance of meeting every leg on a map (over the airframes'
availability and the weather), and the 24-hour profile of a date as a chart. Results are
cached by the scenario's content key; the variant core (with the check's road router) is
built once per scenario and shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from app_layers import Records, build_planning_deck
from medevac import i18n, messages
from medevac.errors import MedevacError, ScenarioError
from medevac.ground import GroundRouter
from medevac.mapdata import Bounds, facility_records, scenario_bounds
from medevac.mapdata_planning import (
    DAY_LEG_COLOURS,
    LOSS_COLOURS,
    chance_legend,
    chance_records,
    chance_rows,
    day_rows,
    hex_colour,
    loss_cell_records,
    n_minus_1_rows,
)
from medevac.mapview import facility_tooltips
from medevac.model import Scenario, Season
from medevac.planning.daylight import Profile, profile
from medevac.planning.optimise import CONDITION_NAMES, Condition, condition_name
from medevac.planning.robustness import (
    Availability,
    LossCells,
    NMinusOne,
    availability,
    loss_cells,
    n_minus_1,
    uncertainty_of,
)
from medevac.variants import VariantCore
from medevac.whatif import Edit, SetAirframe, SetWeather, apply_edits, content_key, describe_variant

T = messages.APP_TEXT
DEFAULT_SAMPLES = 10_000
ROW_PX = 26
DAY_CHART_PX = 300
LEG_DASHES = ([1, 0], [6, 3], [2, 2], [8, 2, 2, 2])
LEG_SHAPES = ("circle", "square", "triangle-up", "diamond")


@st.cache_resource(max_entries=16, show_spinner=False)
def variant_core(key: str, _scenario: Scenario, _router: GroundRouter) -> VariantCore:
    """The variant core of a scenario, under its :func:`content_key` (shared, read only)."""
    return VariantCore(_scenario, router=_router)


@st.cache_data(max_entries=32, show_spinner=False)
def n_minus_1_view(
    key: str, condition: Condition, _scenario: Scenario, _router: GroundRouter
) -> tuple[NMinusOne, LossCells]:
    """Each asset lost alone under one condition: the tallies and every leg's time."""
    core = variant_core(key, _scenario, _router)
    return n_minus_1(_scenario, [condition], core=core), loss_cells(_scenario, condition, core=core)


@st.cache_data(max_entries=32, show_spinner=False)
def availability_view(
    key: str, condition: Condition, samples: int, seed: int, _scenario: Scenario, _router: GroundRouter
) -> tuple[Availability, int]:
    """Each site's chance under one condition, and how many variables are uncertain."""
    core = variant_core(key, _scenario, _router)
    chances = availability(_scenario, [condition], samples=samples, seed=seed, core=core)
    return chances, uncertainty_of(_scenario, core, condition[1]).count


@st.cache_data(max_entries=32, show_spinner=False)
def profile_view(
    key: str, date: dt.date, season: Season, _scenario: Scenario, _router: GroundRouter
) -> Profile:
    """The 24 hours of a date (UTC) in one season."""
    return profile(_scenario, date, season, core=variant_core(key, _scenario, _router))


def condition_words(name: str) -> str:
    light, season = CONDITION_NAMES[name]
    return messages.condition_text(light, season)


def robustness_tab(
    shown: Scenario,
    router: GroundRouter,
    countries: Records,
    *,
    online_tiles: bool = False,
) -> None:
    """The tab's three views of ``shown`` (the working variant, or the baseline)."""
    edits: list[Edit] = list(st.session_state.get("edits", []))
    st.write(messages.app_text("rb.intro", scenario=describe_variant(edits)))
    if not shown.sites:
        st.info(T["rb.no_sites"])
        return
    names = list(CONDITION_NAMES)
    own = condition_name((shown.conditions.light, shown.conditions.season))
    name = st.selectbox(
        T["rb.condition"],
        names,
        index=names.index(own),
        format_func=condition_words,
        key="rb_condition",
    )
    condition = CONDITION_NAMES[str(name)]
    key = content_key(shown)
    bounds = scenario_bounds(shown)
    try:
        n_minus_1_section(shown, router, key, condition)
        chance_section(shown, router, condition, bounds, countries, online_tiles)
        day_section(shown, router, key, condition)
    except MedevacError as error:
        st.error(messages.app_text("rb.error", error=error))


# -- N-1 ------------------------------------------------------------------------------------------


def n_minus_1_section(shown: Scenario, router: GroundRouter, key: str, condition: Condition) -> None:
    st.subheader(T["rb.n1.head"])
    if not (shown.airframes or shown.facilities):
        st.info(T["rb.n1.no_assets"])
        return
    name = condition_name(condition)
    n1, cells = n_minus_1_view(key, condition, shown, router)
    marks = "; ".join(messages.LOSS_BANDS.values())
    st.caption(messages.app_text("rb.n1.caption", marks=marks))
    spof = n1.single_points_of_failure()
    words = condition_words(name)
    if spof:
        assets = ", ".join(messages.asset_text(loss.asset, loss.id) for loss in spof)
        st.write(messages.app_text("rb.n1.spof", count=len(spof), condition=words, assets=assets))
    elif (cells.minutes_added() > 0).any():
        st.write(messages.app_text("rb.n1.none_slower", condition=words))
    else:
        st.write(messages.app_text("rb.n1.none", condition=words))
    records = loss_cell_records(shown, cells, n1)
    rows = len({r["asset_label"] for r in records})
    # Streamlit sizes the element, and Vega-Lite fits the plot into it: room for axes and legend.
    st.vega_lite_chart(spec=heat_map(records), key="rb_heat_map", height=ROW_PX * rows + 230)
    with st.expander(T["rb.n1.table"], expanded=False):
        st.dataframe(n_minus_1_rows(n1, name), hide_index=True, width="stretch", key="rb_n1_table")


def heat_map(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Assets down, sites across; each cell filled by its effect band and marked in text.

    A Vega-Lite spec written out (not built with Altair, whose schema validation took a
    third of the tab's time at every rerun).
    """
    bands = list(LOSS_COLOURS)
    assets = list(dict.fromkeys(r["asset_label"] for r in records))
    sites = list(dict.fromkeys(r["site_id"] for r in records))
    x = {
        "field": "site_id",
        "type": "nominal",
        "sort": sites,
        "title": T["rb.n1.axis.site"],
        "axis": {"labelAngle": -45, "labelOverlap": False},
    }
    y = {"field": "asset_label", "type": "nominal", "sort": assets, "title": T["rb.n1.axis.asset"]}
    colour = {
        "field": "band_label",
        "type": "nominal",
        "title": T["rb.n1.axis.band"],
        "scale": {
            "domain": [messages.LOSS_BANDS[b] for b in bands],
            "range": [hex_colour(LOSS_COLOURS[b]) for b in bands],
        },
        "legend": {"orient": "bottom", "columns": 2, "labelLimit": 420, "symbolType": "square"},
    }
    return {
        "datasets": {"cells": records},
        "config": {"locale": {"number": i18n.chart_number_locale()}},
        "data": {"name": "cells"},
        "height": ROW_PX * len(assets),
        "encoding": {"x": x, "y": y},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "#8c8c8c", "strokeWidth": 0.5},
                "encoding": {
                    "color": colour,
                    "tooltip": [{"field": "tooltip", "type": "nominal", "title": " "}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 12, "fontWeight": "bold"},
                "encoding": {
                    "text": {"field": "mark", "type": "nominal"},
                    "color": {"field": "text_colour", "type": "nominal", "scale": None},
                },
            },
        ],
    }


# -- availability --------------------------------------------------------------------------------


def availability_edits(shown: Scenario) -> list[Edit]:
    """The tab's own availability and weather, as edits of ``shown`` (none when unchanged)."""
    edits: list[Edit] = []
    with st.expander(T["rb.p.settings"], expanded=False):
        st.caption(T["rb.p.settings_caption"])
        left, right = st.columns(2)
        for k, airframe in enumerate(shown.airframes):
            column = left if k % 2 == 0 else right
            was = float(airframe.p_available)
            value = column.number_input(
                messages.app_text("rb.p.airframe", airframe=airframe.id),
                min_value=0.0,
                max_value=1.0,
                value=was,
                step=0.05,
                key=f"rb_av_{airframe.id}",
            )
            if value != was:
                available = True if value > 0 and not airframe.available else None
                edits.append(SetAirframe(airframe.id, available=available, availability=float(value)))
        weather: dict[str, float] = {}
        seasons: tuple[Season, ...] = ("dry", "wet")
        for season in seasons:
            was = float(shown.weather.p_grounded(season))
            value = st.number_input(
                messages.app_text("rb.p.weather", season=i18n.gettext(messages.SEASON_NAME[season])),
                min_value=0.0,
                max_value=1.0,
                value=was,
                step=0.05,
                key=f"rb_wx_{season}",
            )
            if value != was:
                weather[season] = float(value)
        if weather:
            edits.append(SetWeather(**weather))
        left, right = st.columns(2)
        st.session_state.setdefault("rb_samples", DEFAULT_SAMPLES)
        st.session_state.setdefault("rb_seed", 0)
        left.number_input(T["rb.p.samples"], min_value=100, max_value=200_000, step=1000, key="rb_samples")
        right.number_input(T["rb.p.seed"], min_value=0, step=1, key="rb_seed")
    return edits


def chance_section(
    shown: Scenario,
    router: GroundRouter,
    condition: Condition,
    bounds: Bounds,
    countries: Records,
    online_tiles: bool,
) -> None:
    st.subheader(T["rb.p.head"])
    name = condition_name(condition)
    st.caption(messages.app_text("rb.p.caption", condition=condition_words(name)))
    edits = availability_edits(shown)
    try:
        chance_scenario = apply_edits(shown, edits)
    except ScenarioError as error:
        for problem in error.problems:
            st.error(str(problem))
        chance_scenario = shown
    samples, seed = int(st.session_state.rb_samples), int(st.session_state.rb_seed)
    chances, uncertain = availability_view(
        content_key(chance_scenario), condition, samples, seed, chance_scenario, router
    )
    if chances.method == "exact":
        st.caption(messages.app_text("rb.p.exact", count=uncertain) if uncertain else T["rb.p.exact_none"])
    else:
        st.caption(messages.app_text("rb.p.monte_carlo", samples=samples, seed=seed))
    total = sum(s.personnel for s in shown.sites)
    expected = chances.expected_personnel_meeting_all[name]
    st.metric(T["rb.p.expected"], i18n.format_integer(round(expected)))
    st.caption(messages.app_text("rb.p.expected_caption", personnel=total))
    deck = build_planning_deck(
        bounds=bounds,
        countries=countries,
        sites=chance_records(shown, chances, name),
        facilities=facility_tooltips(facility_records(shown), shown),
        online_tiles=online_tiles,
    )
    st.pydeck_chart(deck, key="rb_chance_map", height=480)
    st.markdown(legend_html(T["rb.p.legend"], chance_legend()), unsafe_allow_html=True)
    with st.expander(T["rb.p.table"], expanded=False):
        st.dataframe(chance_rows(chances, name), hide_index=True, width="stretch", key="rb_p_table")


def legend_html(title: str, bands: list[tuple[str, tuple[int, int, int]]]) -> str:
    def swatch(rgb: tuple[int, int, int], text: str) -> str:
        return f'<span style="color:{hex_colour(rgb)};font-size:1.3em">&#9679;</span> {text}&nbsp;&nbsp;'

    head = i18n.format_template(i18n.gettext("<b>{title}</b>: "), title=title)
    return head + "".join(swatch(colour, text) for text, colour in bands)


# -- the day in 24 hours -------------------------------------------------------------------------


def day_section(shown: Scenario, router: GroundRouter, key: str, condition: Condition) -> None:
    st.subheader(T["rb.day.head"])
    season = condition[1]
    st.caption(messages.app_text("rb.day.caption", season=i18n.gettext(messages.SEASON_NAME[season])))
    date = st.date_input(T["rb.day.date"], value=dt.date.today(), key="rb_date")
    if not isinstance(date, dt.date):  # a range or nothing: the widget is cleared
        return
    day = profile_view(key, date, season, shown, router)
    st.vega_lite_chart(spec=day_chart(day_rows(day), day.legs), key="rb_day_chart", height=DAY_CHART_PX + 130)
    document: Any = day.to_json()
    bases = ", ".join(
        messages.twilight_text(b["airframe_id"], b["civil_dawn_utc"], b["civil_dusk_utc"])
        for b in document["bases"]
    )
    if bases:
        st.caption(messages.app_text("rb.day.twilight", bases=bases))
    uncovered = day.hours_uncovered()
    if uncovered:
        st.write(messages.app_text("rb.day.uncovered", hours=messages.hours_text(uncovered)))
    else:
        st.write(T["rb.day.covered"])


def day_chart(rows: list[dict[str, Any]], legs: tuple[str, ...]) -> dict[str, Any]:
    """Hours across, personnel up, one line per leg: colour, dash and point shape differ."""
    lines = [messages.day_leg_text(leg) for leg in (*legs, "all")]
    colours = [hex_colour(DAY_LEG_COLOURS[leg]) for leg in (*legs, "all")]
    dashes = [*LEG_DASHES[: len(lines) - 1], [1, 0]]  # every leg: a solid line, no points
    shapes = [*LEG_SHAPES[: len(lines) - 1], "stroke"]
    legend = {"orient": "bottom", "title": T["rb.day.axis.leg"]}

    def by_line(range_: list[Any]) -> dict[str, Any]:
        return {
            "field": "line",
            "type": "nominal",
            "scale": {"domain": lines, "range": range_},
            "legend": legend,
        }

    hour = {"field": "hour_utc", "type": "quantitative", "title": T["rb.day.axis.hour"]}
    personnel = {"field": "personnel_meeting", "type": "quantitative", "title": T["rb.day.axis.personnel"]}
    return {
        "datasets": {"hours": rows},
        "config": {"locale": {"number": i18n.chart_number_locale()}},
        "data": {"name": "hours"},
        "height": DAY_CHART_PX,
        "mark": {"type": "line", "point": True, "strokeWidth": 2},
        "encoding": {
            "x": hour | {"scale": {"domain": [0, 23]}, "axis": {"tickCount": 24, "format": "d"}},
            "y": personnel,
            "color": by_line(colours),
            "strokeDash": by_line(dashes),
            "shape": by_line(shapes),
            "tooltip": [
                {"field": "line", "type": "nominal", "title": T["rb.day.axis.leg"]},
                hour,
                personnel,
                {
                    "field": "sites_meeting",
                    "type": "quantitative",
                    "title": messages.column_title("sites_meeting"),
                },
            ],
        },
    }
