"""The app's conditions views driven headless (AppTest): every condition side by side,
where the minutes go, tables people read, and everything the command line makes.

Expected values come from the core called directly (check under each light and season,
patrol shares, the coverage and report writers), never from the app's own helpers.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import gap_table
from streamlit.testing.v1 import AppTest
from test_app import downloaded
from test_breakdown import every_option

from medevac import messages
from medevac.breakdown import KIND_OF
from medevac.check import CheckResult, check, reported_min
from medevac.report.summary import CONDITIONS
from medevac.scenario import load_scenario
from medevac.standards import LEG_LABEL
from medevac.timeline import Pathway
from medevac.whatif import AddFacility, Point, apply_edits

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
T = messages.CONDITIONS_APP_TEXT


def open_tab(at: AppTest, label: str) -> None:
    at.session_state["main_tabs"] = label
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def in_tab(at: AppTest, label: str) -> Any:
    return next(t for t in at.tabs if t.label == label)


def shown_values(element: Any) -> pd.DataFrame:
    """What the browser shows in a styled table's cells (the styler's display values)."""
    data = element.proto.arrow_data.styler.display_values
    frame: pd.DataFrame = pa.ipc.open_stream(data).read_all().to_pandas()
    return frame


def pinned(element: Any) -> list[str]:
    return [name for name, config in json.loads(element.proto.columns).items() if config.get("pinned")]


def demo_checks() -> dict[tuple[str, str], CheckResult]:
    scenario = load_scenario(DEMO)
    return {(light, season): check(scenario, light=light, season=season) for light, season in CONDITIONS}


def test_every_condition_side_by_side_and_the_worst_case(app: AppTest) -> None:
    open_tab(app, T["tab.conditions"])
    tab = in_tab(app, T["tab.conditions"])
    matrix = next(d for d in tab.dataframe if "leg" in d.value.columns and "site" in d.value.columns)
    data, texts = matrix.value, shown_values(matrix)
    checks = demo_checks()
    scenario = next(iter(checks.values())).scenario
    legs = next(iter(checks.values())).legs
    assert list(data["site"]) == [s.name for s in scenario.sites for _ in legs]  # a row per site and leg
    assert list(data["leg"]) == [LEG_LABEL[leg] for _ in scenario.sites for leg in legs]
    assert pinned(matrix) == ["site", "leg"]
    for (light, season), result in checks.items():
        reported = reported_min(result.times.time_min)
        header = f"{light}, {season} season (min)"
        column = list(data.columns).index(header)
        for i, _leg in enumerate(result.legs):
            for s in range(len(scenario.sites)):
                row = s * len(legs) + i
                minutes, meets = float(reported[i, s]), bool(result.meets[i, s])
                shown = str(texts.iloc[row, column])
                if not math.isfinite(minutes):
                    assert math.isnan(data[header].iloc[row]) and shown == "none !"
                else:
                    assert data[header].iloc[row] == minutes  # a number: the column sorts by minutes
                    assert shown == f"{minutes:.1f}" + ("" if meets else " !")
    css = matrix.proto.arrow_data.styler.styles
    assert "#cfe8dc" in css and "#f6c9a6" in css  # meets and fails shaded (Okabe-Ito)

    # The worst case: per site, the condition whose worst leg is furthest over its limit.
    worst = next(d for d in tab.dataframe if T["worst.col.condition"] in d.value.columns).value
    for s, site in enumerate(scenario.sites):
        excess = {}
        for condition, result in checks.items():
            thresholds = np.array([result.standard.thresholds_min[leg] for leg in result.legs])
            over = reported_min(result.times.time_min[:, s]) - thresholds
            if (over > 0).any():
                excess[condition] = float(np.max(over))
        row = worst.iloc[s]
        assert row["name"] == site.name
        if not excess:
            assert row[T["worst.col.condition"]] == T["worst.meets"]
            continue
        light, season = max(excess, key=lambda c: excess[c])  # the first of equals: the table's order
        assert row[T["worst.col.condition"]] == f"{light}, {season} season", site.id
        assert row[messages.column_title("shortfall_min")] == pytest.approx(max(excess.values()), abs=0.05)
        assert row[T["worst.col.failing_conditions"]].count("season") == len(excess)


def test_where_the_minutes_go_for_a_chosen_site_and_leg(app: AppTest) -> None:
    """Kidal, surgery, at night: the steps add up to the check's time, the pathway is the
    check's, and the next best is of another kind and later."""
    app.selectbox(key="bd_site").set_value("kidal-camp").run()
    app.selectbox(key="bd_leg").set_value("surgery").run()
    app.selectbox(key="bd_condition").set_value(("night", "dry")).run()
    assert not app.exception, [e.message for e in app.exception]
    result = check(load_scenario(DEMO), light="night", season="dry")
    s = [x.id for x in result.scenario.sites].index("kidal-camp")
    row = result.results.record(s, "surgery")
    exact = float(result.times.time_min[result.legs.index("surgery"), s])
    gaps = in_tab(app, "Gaps")
    head = next(m.value for m in gaps.markdown if m.value.startswith("Fastest:"))
    assert messages.row_pathway_text(row) in head
    assert messages.duration_text(float(row["time_min"])) in head
    tables = [d.value for d in gaps.dataframe if T["bd.col.step"] in d.value.columns]
    assert len(tables) == 2  # the fastest and the next best
    fastest = tables[0]
    critical = fastest[fastest[T["bd.col.note"]].str.find(T["bd.parallel"]) < 0]
    assert critical[T["bd.col.minutes"]].sum() == pytest.approx(exact, abs=0.05 * len(critical))
    flights = fastest[fastest[T["bd.col.step"]].str.startswith("flight")]
    for _, step in flights.iterrows():  # km at the airframe's cruise speed give the minutes
        assert step[T["bd.col.km"]] / step[T["bd.col.kmh"]] * 60 == pytest.approx(
            step[T["bd.col.minutes"]], abs=0.1
        )
    nxt = next(m.value for m in gaps.markdown if m.value.startswith("Next best"))
    best = every_option(result, s, "surgery")  # the second computation of test_breakdown
    won = KIND_OF[Pathway[str(row["pathway"]).upper()]]
    assert best[won] == pytest.approx(exact, abs=1e-6)
    later = min(minutes for kind, minutes in best.items() if kind != won)
    assert messages.duration_text(later) in nxt
    assert any(f": {messages.KIND_TEXT[k]}:" in nxt for k in best if k != won and best[k] == later)
    charts = app.get("vega_lite_chart")
    assert charts and any("option" in chart.proto.spec for chart in charts)


def test_gap_and_patrol_tables_read_in_words(app: AppTest) -> None:
    gaps = in_tab(app, "Gaps")
    table = gaps.dataframe[0]
    headers = list(table.value.columns)
    assert headers[:5] == ["site id", "name", "personnel", "failing legs", "shortfall (min)"]
    assert "surgery (min)" in headers and "limiting factor" in headers
    assert pinned(table) == ["name"]
    texts = shown_values(table)
    column = headers.index("surgery (min)")
    for s, minutes in enumerate(gap_table(app)["surgery_min"]):
        if minutes is None or not math.isfinite(minutes):
            continue
        if minutes >= 60:  # 131.0 -> "2 h 11 min"; the data keeps the minutes, for sorting
            whole = math.floor(minutes + 0.5)
            assert texts.iloc[s, column] == f"{whole // 60} h {whole % 60} min"
        else:
            assert texts.iloc[s, column] == f"{minutes:.1f} min"

    # Patrol stretches that fail: their lengths add up to each patrol's failing share.
    result = check(load_scenario(DEMO))
    stretches = next(d.value for d in gaps.dataframe if T["patrol.col.leg"] in d.value.columns)
    assert list(stretches.columns) == [T[f"patrol.col.{k}"] for k in ("route", "from", "to", "length", "leg")]
    names = {p.id: p.name or p.id for p in result.scenario.patrols}
    checked = 0
    for patrol in result.patrols:
        length = patrol.samples.length_km
        for leg, share in patrol.share_meeting(result.legs).items():
            mine = stretches[
                (stretches[T["patrol.col.route"]] == names[patrol.patrol_id])
                & (stretches[T["patrol.col.leg"]] == LEG_LABEL[leg])
            ]
            assert mine[T["patrol.col.length"]].sum() == pytest.approx(
                (1 - share) * length, abs=0.1 * len(mine) + 1e-4 * length
            )
            assert (mine[T["patrol.col.to"]] - mine[T["patrol.col.from"]]).round(1).tolist() == pytest.approx(
                mine[T["patrol.col.length"]].tolist(), abs=0.11
            )
            checked += len(mine)
    assert checked == len(stretches) > 0


def test_a_whatif_under_all_four_conditions(app: AppTest) -> None:
    scenario = load_scenario(DEMO)
    kidal = next(s for s in scenario.sites if s.id == "kidal-camp")
    edit = AddFacility("new-l2-1", "2", Point(round(kidal.lat, 4), round(kidal.lon, 4)))
    app.session_state["edits"] = [edit]
    open_tab(app, "What-if")
    four = next(
        d.value for d in in_tab(app, "What-if").dataframe if T["delta.col.condition"] in d.value.columns
    )
    variant = apply_edits(scenario, [edit])
    rows = iter(four.to_dict("records"))
    for light, season in CONDITIONS:
        before, after = (
            check(scenario, light=light, season=season),
            check(variant, light=light, season=season),
        )
        personnel = np.array([s.personnel for s in scenario.sites])
        for i, leg in enumerate(before.legs):
            row = next(rows)
            assert row[T["delta.col.condition"]] == f"{light}, {season} season"
            assert row["leg"] == LEG_LABEL[leg]
            was, now = int(before.meets[i].sum()), int(after.meets[i, : len(personnel)].sum())
            assert row[T["delta.col.sites"]] == f"{was} -> {now} ({now - was:+d})"
            people = (int(personnel[before.meets[i]].sum()), int(personnel[after.meets[i]].sum()))
            assert row[T["delta.col.personnel"]].startswith(f"{people[0]:,} -> {people[1]:,}")
    # Surgery at Kidal, with a Level 2 in the camp: 15 + 0 + 5 = 20 min under every condition.
    surgery = four[four["leg"] == "surgery"]
    kidal_camp = scenario.names()["kidal-camp"]  # tables name the sites
    assert all(kidal_camp in gained for gained in surgery["sites gained"])


def test_export_coverage_layers_and_the_full_report(
    app: AppTest, downloads: dict[str, bytes], tmp_path: Path
) -> None:
    import geopandas as gpd
    import rasterio

    from medevac.coverage.grid import grid_over, scenario_area
    from medevac.coverage.surface import coverage

    open_tab(app, "Export")
    app.selectbox(key="export_cell_km").set_value(20.0).run()
    app.button(key="build_coverage").click().run()
    assert not app.exception, [e.message for e in app.exception]
    scenario = load_scenario(DEMO)
    grid = grid_over(scenario_area(scenario, 50.0), 20.0)
    surface = coverage(scenario, grid).surfaces[0]
    package = downloaded(app, "dl_cov_coverage.gpkg", downloads)
    path = tmp_path / "coverage.gpkg"
    path.write_bytes(package)
    cells = gpd.read_file(path, layer="cells")
    assert len(cells) == len(grid)
    assert set(gpd.list_layers(path)["name"]) >= {"cells", "isochrones", "patrol_gaps"}
    for i, leg in enumerate(surface.check.legs):
        tif = downloaded(app, f"dl_cov_coverage_{leg}_day_dry.tif", downloads)
        with rasterio.MemoryFile(tif) as memory, memory.open() as raster:
            values = raster.read(1)
        expected = grid.raster(reported_min(surface.times.time_min[i]))
        assert np.array_equal(np.isnan(values), np.isnan(expected))
        assert np.array_equal(values[~np.isnan(values)], expected[~np.isnan(expected)].astype(values.dtype))

    app.button(key="build_report").click().run()
    assert not app.exception, [e.message for e in app.exception]
    html = downloaded(app, "dl_report", downloads).decode()
    assert "<html" in html.lower() and scenario.name in html
    assert downloaded(app, "dl_report_pdf", downloads).startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(downloaded(app, "dl_report_xlsx", downloads))) as book:
        assert "xl/workbook.xml" in book.namelist()
    assert downloaded(app, "dl_report_gpkg", downloads).startswith(b"SQLite format 3")


def test_recommendations_only_when_asked(app: AppTest) -> None:
    from medevac.report.recommend import recommend

    def listed() -> list[str]:
        return [m.value for m in in_tab(app, "Gaps").markdown if m.value.startswith("1. ")]

    assert listed() == []
    app.button(key="find_recommendations").click().run()
    assert not app.exception, [e.message for e in app.exception]
    expected = [r.text() for r in recommend(load_scenario(DEMO))]
    assert expected
    assert listed() == ["\n".join(f"{n}. {line}" for n, line in enumerate(expected, start=1))]


def test_compare_shows_each_variant_under_all_four_conditions(app: AppTest) -> None:
    scenario = load_scenario(DEMO)
    kidal = next(s for s in scenario.sites if s.id == "kidal-camp")
    edit = AddFacility("new-l2-1", "2", Point(round(kidal.lat, 4), round(kidal.lon, 4)))
    app.session_state["variants"] = {"L2 Kidal": (edit,)}
    open_tab(app, "Compare")
    tables = [d for d in in_tab(app, "Compare").dataframe if T["delta.col.condition"] in d.value.columns]
    assert len(tables) == 1
    four = tables[0].value
    variant = apply_edits(scenario, [edit])
    assert len(four) == 4 * len(check(scenario).legs)
    for light, season in CONDITIONS:
        before = check(scenario, light=light, season=season)
        after = check(variant, light=light, season=season)
        rows = four[four[T["delta.col.condition"]] == f"{light}, {season} season"]
        for (_, row), i in zip(rows.iterrows(), range(len(before.legs)), strict=True):
            was, now = int(before.meets[i].sum()), int(after.meets[i].sum())
            assert row[T["delta.col.sites"]] == f"{was} -> {now} ({now - was:+d})"
