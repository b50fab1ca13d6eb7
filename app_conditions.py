"""The planner app's conditions views: every condition side by side, where the minutes go,
tables people read, and everything the command line makes.

Computed by the core and only drawn here: the four checks are the app's own cached checks
of the scenario under each condition (a :class:`medevac.whatif.SetConditions` edit each,
through the ``check_of`` the app passes in); the matrix cells are the report's
(:func:`medevac.report.cells.compliance_cell`); the breakdown is
:class:`medevac.breakdown.Breakdowns`; the patrol stretches are
:func:`medevac.coverage.surface.failing_stretches`; the exports are the ``coverage`` and
``report`` commands' own writers, into a temporary folder, offered as bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st  # noqa: TID251 (the front end)
from pandas.io.formats.style import Styler

from medevac import i18n, messages
from medevac.breakdown import STEP_CODES, Breakdown, Breakdowns
from medevac.check import CheckResult
from medevac.errors import MedevacError
from medevac.model import Scenario
from medevac.report.cells import compliance_cell, compliance_frames, worst_conditions
from medevac.report.summary import CONDITIONS, Condition
from medevac.results import Results
from medevac.standards import LEG_LABEL, Leg
from medevac.whatif import SetConditions, apply_edits, content_key

T = messages.CONDITIONS_APP_TEXT
CheckOf = Callable[[Scenario], CheckResult]
CELL_KM = (20.0, 10.0, 5.0, 2.0)
"""Cell sizes offered for the coverage layers (the command line takes any)."""
BAR_PX = 34
LABEL_SHARE = 0.06  # a bar says its minutes when it is at least this share of the chart's width
ROW_PX = 35  # a table row in Streamlit's grid
MATRIX_ROWS = 18  # rows of the matrix shown before it scrolls


def text(key: str, **fields: object) -> str:
    return messages.conditions_app_text(key, **fields)


# -- the four checks ---------------------------------------------------------------------------


def under(scenario: Scenario, condition: Condition) -> Scenario:
    """The scenario checked under another light and season (its own profile kept)."""
    light, season = condition
    if (scenario.conditions.light, scenario.conditions.season) == condition:
        return scenario
    return apply_edits(scenario, [SetConditions(light=light, season=season, standard=scenario.standard)])


def condition_checks(scenario: Scenario, check_of: CheckOf) -> dict[Condition, CheckResult]:
    """The scenario's check under each of the four conditions, from the app's cache."""
    return {condition: check_of(under(scenario, condition)) for condition in CONDITIONS}


def condition_label(name: str) -> str:
    light, _, season = name.partition("-")
    return messages.condition_text(light, season)


# -- tables people read ---------------------------------------------------------------------------


def readable(
    rows: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    pinned: Iterable[str] = ("name", "site_name"),
    titles: Mapping[str, str] | None = None,
) -> tuple[Styler, dict[str, Any]]:
    """A table as people read it: headers in words with units (:func:`messages.column_title`,
    or ``titles``), the site's name pinned, times of an hour or more as ``2 h 11 min``; the
    values stay numbers, so a column of minutes sorts by minutes.

    Returns the styled table and its column configuration, for ``st.dataframe``.
    """
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    names = {c: (titles or {}).get(str(c), messages.column_title(str(c))) for c in frame.columns}
    minutes = [names[c] for c in frame.columns if str(c).endswith("_min")]
    frame = frame.rename(columns=names)
    styler = frame.style.format(duration, subset=pd.Index(minutes), na_rep=messages.duration_text(None))
    config = {names[c]: st.column_config.Column(pinned=True) for c in pinned if c in names}
    return styler, config


def duration(value: object) -> str:
    return messages.duration_text(None if value is None else float(value))  # type: ignore[arg-type]


def show_table(rows: Sequence[Mapping[str, Any]] | pd.DataFrame, key: str, **kwargs: Any) -> None:
    styler, config = readable(rows, **kwargs)
    st.dataframe(styler, column_config=config, hide_index=True, width="stretch", key=key)


# -- every condition side by side ----------------------------------------------------------------


def cell_text(meets: bool) -> Callable[[object], str]:
    """The matrix's text of a cell of this verdict (the report's rule)."""

    def cell(value: object) -> str:
        return compliance_cell(float(value), meets)[0]  # type: ignore[arg-type]

    return cell


def matrix_table(checks: Mapping[Condition, CheckResult]) -> tuple[Styler, dict[str, Any], int]:
    """Site x leg x condition: a row per site and leg, a column per condition, minutes in the
    cells, shaded and marked like the report's compliance matrix (the same cell rule), the
    site pinned; the values stay minutes, so a column sorts by them. Also its height (px)."""
    minutes, meets = compliance_frames(checks)
    scenario = next(iter(checks.values())).scenario
    names = {s.id: s.name or s.id for s in scenario.sites}
    legs: list[Leg] = list(dict.fromkeys(minutes.columns.get_level_values("leg")))
    conditions = list(dict.fromkeys(minutes.columns.get_level_values("condition")))
    headers = [text("matrix.column", condition=condition_label(name)) for name in conditions]
    shape = (len(minutes.index) * len(legs), len(conditions))  # columns are leg-major: (site, leg) rows
    site, leg = text("matrix.site"), text("matrix.leg")
    shown = pd.DataFrame(minutes.to_numpy().reshape(shape), columns=headers)
    shown.insert(0, leg, [messages.leg_text(x) for _ in minutes.index for x in legs])
    shown.insert(0, site, [names[i] for i in minutes.index for _ in legs])
    verdicts = pd.DataFrame(meets.to_numpy().reshape(shape), columns=headers)
    styler = shown.style
    no_pathway = compliance_cell(float("nan"), False)[0]  # "none !" in the current language
    for header in headers:
        for ok in (True, False):
            rows = np.flatnonzero(verdicts[header].to_numpy() == ok)
            styler = styler.format(
                cell_text(ok), subset=pd.IndexSlice[list(rows), [header]], na_rep=no_pathway
            )

    def shades(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for header in headers:
            out[header] = [
                f"background-color: {compliance_cell(float(v), bool(ok))[1]}; color: #000000"
                for v, ok in zip(frame[header], verdicts[header], strict=True)
            ]
        return out

    styler = styler.apply(shades, axis=None)
    config = {site: st.column_config.Column(pinned=True), leg: st.column_config.Column(pinned=True)}
    return styler, config, ROW_PX * (min(len(shown), MATRIX_ROWS) + 1) + 3


def worst_rows(results: Results) -> list[dict[str, Any]]:
    """Per site, the worst condition (:func:`medevac.report.cells.worst_conditions`) in words."""
    rows = []
    for row in worst_conditions(results).to_dict("records"):
        worst = row["worst_condition"]
        shortfall = float(row["shortfall_min"])
        rows.append(
            {
                "name": row["site_name"] or row["site_id"],
                "personnel": int(row["personnel"]),
                "worst": T["worst.meets"] if worst is None else condition_label(worst),
                "worst_leg": "" if row["worst_leg"] is None else messages.leg_text(row["worst_leg"]),
                "shortfall_min": shortfall if np.isfinite(shortfall) else None,
                "failing_legs": ", ".join(messages.leg_text(leg) for leg in row["failing_legs"]),
                "failing_conditions": "; ".join(condition_label(c) for c in row["failing_conditions"]),
            }
        )
    return rows


WORST_TITLES = {
    "worst": "worst.col.condition",
    "worst_leg": "worst.col.leg",
    "failing_legs": "worst.col.failing_legs",
    "failing_conditions": "worst.col.failing_conditions",
}
"""The worst-case table's own columns, by the key of their words in :data:`T` (read at render)."""


def conditions_tab(scenario: Scenario, check_of: CheckOf) -> None:
    """The matrix and the worst case of what the map shows, under all four conditions."""
    st.subheader(T["matrix.head"])
    try:
        checks = condition_checks(scenario, check_of)
    except MedevacError as error:
        st.error(str(error))
        return
    st.caption(text("matrix.caption", scenario=scenario.name))
    styler, config, height = matrix_table(checks)
    st.dataframe(
        styler, column_config=config, hide_index=True, width="stretch", height=height, key="condition_matrix"
    )
    st.subheader(T["worst.head"])
    results = Results.from_conditions(checks)
    rows = worst_rows(results)
    if all(row["worst"] == T["worst.meets"] for row in rows):
        st.success(T["worst.all_meet"])
    st.caption(T["worst.caption"])
    show_table(rows, "worst_table", titles={column: T[key] for column, key in WORST_TITLES.items()})


def four_condition_delta(
    baseline: Scenario, shown: Scenario, check_of: CheckOf, key: str
) -> None:  # fmt: skip
    """Sites and personnel meeting each leg, baseline then variant, under each condition."""
    try:
        before = Results.from_conditions(condition_checks(baseline, check_of))
        after = Results.from_conditions(condition_checks(shown, check_of))
    except MedevacError as error:
        st.error(str(error))
        return
    st.markdown(f"**{T['delta.head']}**")
    st.caption(T["delta.caption"])
    st.dataframe(delta_rows(before, after), hide_index=True, width="stretch", key=key)


def delta_rows(before: Results, after: Results) -> list[dict[str, Any]]:
    """One row per condition and leg: :meth:`medevac.results.Results.compare_all` in words."""
    rows = []
    for name, deltas in before.compare_all(after).items():
        names = before.check(name).names
        for d in deltas:
            rows.append(
                {
                    T["delta.col.condition"]: condition_label(name),
                    messages.column_title("leg"): d.label,
                    T[
                        "delta.col.sites"
                    ]: f"{d.sites_before} -> {d.sites_after} ({d.sites_after - d.sites_before:+d})",
                    T["delta.col.personnel"]: (
                        f"{d.personnel_before:,} -> {d.personnel_after:,} "
                        f"({d.personnel_after - d.personnel_before:+,d})"
                    ),
                    messages.column_title("sites_gained"): ", ".join(names.get(s, s) for s in d.sites_gained),
                    messages.column_title("sites_lost"): ", ".join(names.get(s, s) for s in d.sites_lost),
                }
            )
    return rows


# -- where the minutes go ------------------------------------------------------------------------


def step_rows(found: Breakdown) -> list[dict[str, Any]]:
    rows = []
    for step in found.steps:
        notes = [T["bd.parallel"]] if not step.critical else []
        notes += [T["bd.on_foot"]] if step.on_foot else []
        rows.append(
            {
                T["bd.col.step"]: messages.step_text(step.code),
                T["bd.col.track"]: messages.TRACK_TEXT[step.track],
                T["bd.col.start"]: round(step.start_min, 1),
                T["bd.col.minutes"]: round(step.minutes, 1),
                T["bd.col.km"]: None if step.km is None else round(step.km, 1),
                T["bd.col.kmh"]: None if step.kmh is None else round(step.kmh, 1),
                T["bd.col.assets"]: ", ".join(step.asset_ids),
                T["bd.col.note"]: "; ".join(notes),
            }
        )
    return rows


def pathway_words(found: Breakdown) -> str:
    words = messages.pathway_text(found.pathway, found.airframe_id, found.facility_id, found.pickup_id)
    return f"{messages.kind_text(found.kind)}: {words}"


def chart(options: Sequence[tuple[str, Breakdown]]) -> tuple[dict[str, Any], pd.DataFrame]:
    """The options as horizontal bars of their steps (a Vega-Lite spec and its data): one
    row per option and who moves; steps done in parallel and waited for are pale; each bar
    says its minutes. A plain spec, as the Robustness tab's: Altair's validation would cost
    0.15 s a run."""
    records = []
    longest = max(step.end_min for _, found in options for step in found.steps)
    for label, found in options:
        for step in found.steps:
            records.append(
                {
                    "option": i18n.format_template(
                        i18n.gettext("{option}: {who}"), option=label, who=messages.TRACK_TEXT[step.track]
                    ),
                    "step": messages.step_text(step.code),
                    "start": step.start_min,
                    "end": step.end_min,
                    "mid": (step.start_min + step.end_min) / 2,
                    "minutes": round(step.minutes, 1),
                    "label": i18n.format_decimal(step.minutes, 1, grouping=False)
                    if step.minutes >= LABEL_SHARE * longest
                    else "",
                    "km": None if step.km is None else round(step.km, 1),
                    "kmh": None if step.kmh is None else round(step.kmh, 1),
                    "critical": step.critical,
                }
            )
    data = pd.DataFrame(records)
    rows = list(dict.fromkeys(data["option"]))
    used = {step.code for _, found in options for step in found.steps}
    steps = [messages.step_text(code) for code in STEP_CODES if code in used]  # the legend in step order
    y = {"field": "option", "type": "nominal", "title": None, "sort": rows, "axis": {"labelLimit": 260}}
    spec: dict[str, Any] = {
        "height": BAR_PX * len(rows),
        "config": {"locale": {"number": i18n.chart_number_locale()}},  # 52,3 in French
        "layer": [
            {
                "mark": {"type": "bar", "stroke": "#333333", "strokeWidth": 0.5},
                "encoding": {
                    "x": {"field": "start", "type": "quantitative", "title": T["bd.axis.minutes"]},
                    "x2": {"field": "end"},
                    "y": y,
                    "color": {
                        "field": "step",
                        "type": "nominal",
                        "scale": {"scheme": "tableau10", "domain": steps},
                        "legend": {"orient": "right", "labelLimit": 260, "title": T["bd.col.step"]},
                    },
                    "opacity": {"condition": {"test": "datum.critical", "value": 1.0}, "value": 0.35},
                    "tooltip": [  # each field titled in words, as the steps' table heads them
                        {"field": name, "type": kind, "title": T[title]}
                        for name, kind, title in (
                            ("step", "nominal", "bd.col.step"),
                            ("minutes", "quantitative", "bd.col.minutes"),
                            ("km", "quantitative", "bd.col.km"),
                            ("kmh", "quantitative", "bd.col.kmh"),
                            ("start", "quantitative", "bd.col.start"),
                        )
                    ],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10, "color": "#000000"},
                "encoding": {
                    "x": {"field": "mid", "type": "quantitative"},
                    "y": y,
                    "text": {"field": "label"},
                },
            },
        ],
    }
    return spec, data


def breakdown_view(scenario: Scenario, result: CheckResult, check_of: CheckOf) -> None:
    """For a chosen site, leg and condition: the fastest pathway and the next best."""
    st.subheader(T["bd.head"])
    if not scenario.sites:
        return
    left, mid, right = st.columns(3)
    names = {s.id: f"{s.name or s.id} ({s.id})" for s in scenario.sites}
    gaps = Results.of(result).gaps()  # the worst gap's site and leg to start with
    first = str(gaps["site_id"].iloc[0]) if len(gaps) else scenario.sites[0].id
    worst_leg = gaps["worst_leg"].iloc[0] if len(gaps) else None
    ids = list(names)
    site_id = left.selectbox(
        T["bd.site"], ids, index=ids.index(first), format_func=names.__getitem__, key="bd_site"
    )
    legs = list(result.legs)
    leg: Leg = mid.selectbox(
        T["bd.leg"],
        legs,
        index=legs.index(worst_leg) if worst_leg in legs else 0,
        format_func=messages.leg_text,
        key="bd_leg",
    )
    own = (result.light, result.season)
    condition: Condition = right.selectbox(
        T["bd.condition"],
        CONDITIONS,
        index=CONDITIONS.index(own),
        format_func=lambda c: messages.condition_text(*c),
        key="bd_condition",
    )
    try:
        checked = result if condition == own else check_of(under(scenario, condition))
    except MedevacError as error:
        st.error(str(error))
        return
    found = Breakdowns(checked)
    won = found.winner(site_id, leg)
    words = messages.condition_text(*condition)
    if won is None:
        st.info(text("bd.none", leg=messages.leg_text(leg), site=names[site_id], condition=words))
        return
    limit = checked.standard.thresholds_min[leg]
    reported = float(Results.of(checked).record(ids.index(site_id), leg)["time_min"])
    verdict = (
        text("bd.meets", limit=f"{limit:g}")
        if reported <= limit
        else text("bd.fails", limit=f"{limit:g}", over=messages.duration_text(reported - limit))
    )
    st.markdown(
        text("bd.winner", pathway=pathway_words(won), time=messages.duration_text(reported), verdict=verdict)
    )
    nxt = found.next_best(site_id, leg)
    options = [(T["bd.fastest"], won)]
    if nxt is None:
        st.caption(T["bd.no_next"])
    else:
        options.append((T["bd.second"], nxt))
        st.markdown(
            text(
                "bd.next",
                pathway=pathway_words(nxt),
                time=messages.duration_text(nxt.time_min),
                more=messages.duration_text(nxt.time_min - won.time_min),
            )
        )
    tracks = sum(len({step.track for step in option.steps}) for _, option in options)
    # The height is the whole chart's: the bars, and the axis under them (the legend is at the right).
    spec, data = chart(options)
    st.vega_lite_chart(data, spec, width="stretch", height=max(BAR_PX * tracks, 200) + 60, key="bd_chart")
    columns = st.columns(len(options))
    for column, (label, option) in zip(columns, options, strict=True):
        column.markdown(f"**{label}**")
        column.dataframe(step_rows(option), hide_index=True, width="stretch", key=f"bd_steps_{label}")


# -- patrol gaps ---------------------------------------------------------------------------------


def patrol_gap_rows(result: CheckResult) -> list[dict[str, Any]]:
    """Each failing stretch of each patrol: :func:`medevac.coverage.surface.failing_stretches`."""
    from medevac.coverage.surface import failing_stretches
    from medevac.patrols import patrol_pieces

    scenario = result.scenario
    rows = []
    for patrol, checked in zip(scenario.patrols, result.patrols, strict=True):
        pieces = patrol_pieces(patrol, scenario.source_dir)
        for stretch in failing_stretches(checked, result.legs, pieces):
            rows.append(
                {
                    T["patrol.col.route"]: patrol.name or patrol.id,
                    T["patrol.col.from"]: round(stretch.start_km, 1),
                    T["patrol.col.to"]: round(stretch.end_km, 1),
                    T["patrol.col.length"]: round(stretch.length_km, 1),
                    T["patrol.col.leg"]: messages.leg_text(stretch.leg),
                }
            )
    return rows


def patrol_view(result: CheckResult) -> None:
    if not result.scenario.patrols:
        return
    st.subheader(T["patrol.head"])
    words = messages.condition_text(result.light, result.season)
    rows = patrol_gap_rows(result)
    if not rows:
        st.caption(text("patrol.none", condition=words))
        return
    st.caption(text("patrol.caption", condition=words))
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="patrol_gaps",
        column_config={T["patrol.col.route"]: st.column_config.Column(pinned=True)},
    )


# -- recommendations, asked for --------------------------------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def recommendations(key: str, language: str, _scenario: Scenario) -> list[str]:
    """The report's recommendations (medevac.report.recommend), as sentences in ``language``
    (the report makes its words as it analyses: one cache entry per language)."""
    from medevac.report.recommend import recommend

    with i18n.using(language):
        return [r.text() for r in recommend(_scenario)]


def recommendations_view(scenario: Scenario) -> None:
    st.subheader(T["rec.head"])
    key, language = content_key(scenario), i18n.current_language()
    if st.button(T["rec.button"], key="find_recommendations"):
        with st.spinner(T["rec.spinner"]):
            try:
                st.session_state.recommendations = (key, language, recommendations(key, language, scenario))
            except MedevacError as error:
                st.error(str(error))
    found = st.session_state.get("recommendations")
    if found is None or found[0] != key:
        return
    if found[1] != language:  # asked for in another language: the same recommendations, in this one
        found = (key, language, recommendations(key, language, scenario))
        st.session_state.recommendations = found
    if not found[2]:
        st.info(T["rec.none"])
        return
    st.caption(T["rec.caption"])
    st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(found[2], start=1)))


# -- everything the command line makes ------------------------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def coverage_files(key: str, cell_km: float, every_condition: bool, _scenario: Scenario) -> dict[str, bytes]:
    """``medevac coverage SCENARIO --cell-km N --out coverage.gpkg [--all-conditions]``: the
    GeoPackage and each (condition, leg) GeoTIFF, by file name."""
    from medevac.coverage.grid import grid_over, scenario_area
    from medevac.coverage.layers import write_coverage
    from medevac.coverage.surface import CONDITIONS as COVERAGE_CONDITIONS
    from medevac.coverage.surface import coverage

    conditions = (
        COVERAGE_CONDITIONS
        if every_condition
        else ((_scenario.conditions.light, _scenario.conditions.season),)
    )
    grid = grid_over(scenario_area(_scenario, 50.0), cell_km)
    result = coverage(_scenario, grid, conditions=conditions)
    with tempfile.TemporaryDirectory(prefix="medevac-coverage-") as folder, i18n.using("en"):  # data
        written = write_coverage(result, Path(folder) / "coverage.gpkg")
        return {path.name: path.read_bytes() for path in written}


@st.cache_data(max_entries=4, show_spinner=False)
def report_files(key: str, language: str, _scenario: Scenario) -> dict[str, bytes]:
    """``medevac report SCENARIO --out DIR --lang LANGUAGE``: the HTML, PDF, workbook,
    GeoPackage and CSV (the last two English data, as the command writes them)."""
    from medevac.report.build import write_report

    with tempfile.TemporaryDirectory(prefix="medevac-report-") as folder, i18n.using(language):
        written = write_report(_scenario, folder, progress=False)
        return {path.name: path.read_bytes() for path in written.paths}


MEDIA = {
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".gpkg": "application/geopackage+sqlite3",
    ".tif": "image/tiff",
    ".csv": "text/csv",
}


def coverage_label(name: str) -> str:
    """A coverage file's button: the GeoPackage, or the leg and condition of a GeoTIFF
    (named ``coverage_<leg>_<light>_<season>.tif`` by :func:`medevac.coverage.layers.raster_paths`)."""
    if not name.endswith(".tif"):
        return T["export.gpkg"]
    for leg, light, season in ((leg, *c) for leg in LEG_LABEL for c in CONDITIONS):
        if name == f"coverage_{leg}_{light}_{season}.tif":
            return text("export.tif", leg=LEG_LABEL[leg], condition=messages.condition_text(light, season))
    return name


def export_view(shown: Scenario, stem: str) -> None:
    """Coverage layers and the full report, built when asked, offered as downloads."""
    key, language = content_key(shown), i18n.current_language()
    st.subheader(T["export.head"])
    st.markdown(f"**{T['export.coverage']}**")
    left, right = st.columns(2)
    cell_km = left.selectbox(T["export.cell_km"], CELL_KM, index=1, key="export_cell_km")
    every = right.checkbox(T["export.all_conditions"], value=False, key="export_all_conditions")
    if st.button(T["export.build_coverage"], key="build_coverage"):
        with st.spinner(T["export.coverage_spinner"]):
            try:
                files = coverage_files(key, float(cell_km), every, shown)
            except MedevacError as error:
                st.error(str(error))
            else:
                st.session_state.coverage_files = (key, float(cell_km), every, files)
    built = st.session_state.get("coverage_files")
    if built is not None and built[:3] == (key, float(cell_km), every):
        for name, data in built[3].items():
            st.download_button(
                coverage_label(name), data, f"{stem}-{name}", MEDIA[Path(name).suffix], key=f"dl_cov_{name}"
            )
    st.markdown(f"**{T['export.report']}**")
    if st.button(T["export.build_report"], key="build_report"):
        with st.spinner(T["export.report_spinner"]):
            try:
                st.session_state.report_files = (key, language, report_files(key, language, shown))
            except MedevacError as error:
                st.error(str(error))
    report = st.session_state.get("report_files")
    if report is not None and report[:2] == (key, language):
        labels = {
            "report.html": (T["export.html"], "dl_report"),
            "report.pdf": (T["export.pdf"], "dl_report_pdf"),
            "workbook.xlsx": (T["export.xlsx"], "dl_report_xlsx"),
            "layers.gpkg": (T["export.report_gpkg"], "dl_report_gpkg"),
        }
        for name, (label, widget) in labels.items():
            st.download_button(label, report[2][name], f"{stem}-{name}", MEDIA[Path(name).suffix], key=widget)


__all__ = [
    "breakdown_view",
    "condition_checks",
    "conditions_tab",
    "export_view",
    "four_condition_delta",
    "patrol_view",
    "readable",
    "recommendations_view",
    "show_table",
]
