"""The planner app in French: ``/?lang=fr`` or the sidebar's switch, and no English left.

The app is run headless twice on the demo, in English and in French, and every word it shows
is gathered: titles, headings, markdown and captions, messages, metrics, the labels and options
of every widget, the tabs and expanders, the tables' headers and cells, the charts' titles and
the map's tooltips. A word both languages show is an English interface word left over, unless
it is the scenario's own (names, ids: data), a name of a format or a tool, or a word French
spells the same (as :mod:`tests.test_i18n` and :mod:`tests.test_report_fr` judge).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from medevac import i18n, messages
from medevac.check import check
from medevac.intake.tables import COLUMNS
from medevac.mapdata import STATUS_CODE, airfields, scenario_bounds, towns
from medevac.scenario import load_scenario
from medevac.whatif import leg_summary

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PROFILES = ("un-10-1-2", "nato-10-1-2-2")
WHAT_IF_CHANGES = (
    "add_facility",
    "move_facility",
    "remove_facility",
    "add_airframe",
    "move_airframe",
    "set_airframe",
    "set_timeline",
)
"""The codes of the What-if tab's *Change* box (``app.ACTIONS``)."""
DEMO = ROOT / "scenarios" / "minusma-north.yaml"

SAME_IN_FRENCH = {
    # French words spelled as the English ones, by right
    "site", "sites", "Site", "Sites", "condition", "conditions", "Condition", "Conditions", "Mission",
    "mission", "minutes", "Minutes", "Date", "Base", "base", "option", "note", "type", "Type", "route",
    "Latitude", "Longitude", "patrouille", "variante", "A", "B", "internet", "badge", "population",
    "image", "isochrones", "place", "surface", "orange", "date", "points", "placement",
    "position", "change",
    # units, formats, tools and the names of things
    "min", "km", "h", "s", "m", "UTC", "medevac", "YAML", "CSV", "JSON", "PNG", "GeoJSON", "GeoPackage",
    "GeoTIFF", "HTML", "PDF", "XLSX", "KML", "Excel", "UTF-8", "spec", "v1", "HiGHS", "Monte", "Carlo",
    "MILP", "N-1", "n-1", "ok", "zip", "deg", "id", "lat", "lon",
    # each language named in itself in the switch
    "English", "Français",
    # the profiles' ids and the map's status codes (``[FA]``: fails first aid first)
    *PROFILES, *STATUS_CODE.values(), "L1", "L2", "L3",
    # the Tables tab's columns: the workbook's machine names (intake-v1), the same in every language
    *(column.name for columns in COLUMNS.values() for column in columns),
}  # fmt: skip
"""Words the French page shares with the English one by right."""


def _words(text: str) -> set[str]:
    text = re.sub(r"<[^>]*>|&\w+;", " ", unescape(text) if "&" in text else text)  # HTML of the legend
    text = re.sub(r"`[^`]*`", " ", text)  # commands, quoted as code
    text = re.sub(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", " ", text)  # variables of the environment
    text = re.sub(r"\S*/\S*|\S+\.(?:csv|yaml|zip|xlsx|ods|kml|kmz|geojson|gpkg|tif|png|json)\b", " ", text)
    return {w for w in re.findall(r"[\w'-]+", text) if re.search(r"[^\W\d_]", w)}


def _scenario_words(path: Path) -> set[str]:
    """The scenario's own words (its file: names, ids, types, descriptions) and its file's name."""
    return _words(path.read_text(encoding="utf-8")) | _words(path.stem.replace("-", " ")) | {path.stem}


def _deck_tooltips(proto: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "tooltip" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(proto.json))
    return found


def _chart_titles(spec: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    found.append(value)
                elif key not in ("datasets", "data"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def shown_texts(at: AppTest) -> list[str]:
    """Every text the page shows: in elements, widgets' labels and options, tables and charts."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "error", "warning"):
        texts += [str(element.value) for element in getattr(at, kind)]
    texts += [str(element.value) for element in at.success]
    for metric in at.metric:
        texts += [str(metric.label), str(metric.value), str(metric.proto.body)]
    for widget in (*at.selectbox, *at.radio, *at.multiselect):
        texts.append(str(widget.label))
        texts += [str(option) for option in widget.options]
        texts.append(str(widget.proto.placeholder) if hasattr(widget.proto, "placeholder") else "")
    for widget in (*at.checkbox, *at.number_input, *at.text_input, *at.slider, *at.date_input):
        texts.append(str(widget.label))
    for widget in (*at.selectbox, *at.radio, *at.checkbox, *at.number_input, *at.text_input, *at.button):
        texts.append(str(getattr(widget.proto, "help", "")))  # the tooltips of the (?) marks
    texts += [str(box.proto.help) for box in at.file_uploader]
    texts += [str(button.label) for button in at.button]
    texts += [str(button.proto.label) for button in at.get("download_button")]
    texts += [str(box.proto.label) for box in at.file_uploader]
    texts += [str(tab.label) for tab in at.tabs] + [str(e.label) for e in at.expander]
    for table in at.dataframe:
        frame = table.value
        texts += [str(column) for column in frame.columns]
        for column in frame.columns:
            if frame[column].dtype == object:
                texts += [str(v) for v in frame[column].dropna()]
    for chart in at.get("deck_gl_json_chart"):
        texts += _deck_tooltips(chart.proto)
    for chart in at.get("vega_lite_chart"):
        texts += _chart_titles(json.loads(chart.proto.spec)) + _chart_words(chart.proto)
    return texts


CHART_WORDS = ("option", "step", "line", "band_label", "asset_label", "tooltip")
"""The fields of the charts' data that hold words (the rest: numbers, ids, colours)."""


def _chart_words(proto: Any) -> list[str]:
    """The words in a chart's data: its bars' and lines' names, its legend's entries."""
    found: list[str] = []
    tables = [proto.data.data] if proto.HasField("data") else []
    tables += [dataset.data.data for dataset in proto.datasets]
    for data in tables:
        if not data:
            continue
        frame = pyarrow.ipc.open_stream(data).read_all().to_pandas()
        for column in CHART_WORDS:
            if column in frame.columns:
                found += [str(v) for v in frame[column].dropna()]
    return found


def _basemap_words(path: Path) -> set[str]:
    """The names of the bundled towns and airfields around the mission (GeoNames, OurAirports:
    data, never translated)."""
    bounds = scenario_bounds(load_scenario(path))
    words: set[str] = set()
    for record in (*towns(bounds), *airfields(bounds)):
        words |= _words(str(record.get("label", ""))) | _words(str(record.get("name", "")))
    return words


def english_left(french: list[str], english: list[str]) -> set[str]:
    """Words both pages show that are neither the scenario's nor French by right."""
    data = _scenario_words(DEMO) | _basemap_words(DEMO)
    shared = set().union(*map(_words, french)) & set().union(*map(_words, english))
    return {
        w
        for w in shared - data - SAME_IN_FRENCH
        if not any(w in word and w != word for word in data)
        and not re.fullmatch(
            r"(?:new-l\d|helicopter|fixed-wing)-\d+", w
        )  # the ids the What-if gives new assets
    }


def rerun(at: AppTest, language: str, widget: Any = None) -> AppTest:
    """Run the page again after an interaction, ``language`` being the page's so far.

    AppTest turns each widget's value into its option in the test's own thread, with the
    app's ``format_func``: that thread must speak the page's language as the app's did (the
    server calls ``format_func`` only within the session's run)."""
    with i18n.using(language):
        (widget or at).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def tab_label(tab: str, language: str) -> str:
    with i18n.using(language):
        if tab == "conditions":
            return messages.CONDITIONS_APP_TEXT["tab.conditions"]
        return messages.APP_TEXT[f"tab.{tab}"]


def run(language: str | None, tab: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=240)
    if language is not None:
        at.query_params["lang"] = language
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if tab is not None:
        at.session_state["main_tabs"] = tab_label(tab, language or "en")
        rerun(at, language or "en")
    return at


@pytest.fixture(scope="module")
def pages() -> Iterator[dict[tuple[str, str], list[str]]]:
    """The page's texts in each language, with the Gaps tab open (the default), then the
    Conditions, Robustness and Optimise tabs (each computes only when open)."""
    found = {}
    for language in ("en", "fr"):
        for tab in (None, "conditions", "robustness", "optimise"):
            found[(language, tab or "gaps")] = shown_texts(run(language, tab))
    yield found


@pytest.mark.parametrize("tab", ["gaps", "conditions", "robustness", "optimise"])
def test_the_french_page_shows_no_english_interface_word(
    pages: dict[tuple[str, str], list[str]], tab: str
) -> None:
    english, french = pages[("en", tab)], pages[("fr", tab)]
    assert len(french) > 100  # the page was gathered whole: labels, options, cells, tooltips
    left = english_left(french, english)
    assert left == set(), sorted(left)


def test_the_french_page_says_its_numbers_the_french_way() -> None:
    """The top row's metrics, the sidebar in French, tabs named in French, and the decimal comma."""
    at = run("fr")
    result = check(load_scenario(DEMO))
    with i18n.using("fr"):
        rows = leg_summary(result)
        expected = [messages.leg_text(row["leg"]) + f" en {row['threshold_min']:g} min" for row in rows]
    labels = [m.label for m in at.metric]
    assert labels == [*expected, "Toutes les étapes"]
    assert [m.value for m in at.metric][:-1] == [f"{row['sites_meeting']}/{row['sites']}" for row in rows]
    assert [t.label for t in at.tabs][:3] == ["Lacunes", "Conditions", "Et si"]
    assert at.title[0].value == "medevac : planification des évacuations sanitaires 10-1-2"
    assert at.selectbox(key="lang").value == "fr"
    assert at.radio(key="light").options == ["jour", "nuit"]
    assert at.radio(key="light").value == "day"  # the widget holds the code; the words are its options
    captions = " ".join(str(c.value) for c in at.caption)
    share = rows[0]["personnel_share"]
    assert f"{round(100 * share)}\u00a0% de l'effectif" in captions  # 35 %: the locale's space
    gaps = [str(m.value) for m in at.markdown if "sites sur" in str(m.value)]
    assert gaps and "échouent au moins une étape" in gaps[0]
    frame = next(t for t in at.tabs if t.label == "Lacunes").dataframe[0].value
    assert "facteur limitant" in frame.columns  # the headers in words, in French
    tooltips = [t for chart in at.get("deck_gl_json_chart") for t in _deck_tooltips(chart.proto)]
    minutes = [t for t in tooltips if re.search(r"\d+,\d min", t)]
    assert minutes, "the map's tooltips write minutes with a decimal comma"
    assert not any(re.search(r"\d+\.\d min", t) for t in tooltips)


def test_the_switch_speaks_french_and_keeps_it_in_the_url() -> None:
    """Choosing Français in the sidebar turns the page French and writes ``?lang=fr``; the
    conditions set and the open tab stay what they were; English again turns it back."""
    at = run(None)
    assert at.title[0].value == "medevac: 10-1-2 casualty evacuation planner"
    assert at.selectbox(key="lang").options == ["English", "Français"]
    rerun(at, "en", at.radio(key="light").set_value("night"))
    at.session_state["main_tabs"] = "What-if"
    rerun(at, "en")
    rerun(at, "en", at.selectbox(key="lang").set_value("fr"))
    assert at.query_params["lang"] == "fr"
    assert at.title[0].value == "medevac : planification des évacuations sanitaires 10-1-2"
    assert at.radio(key="light").value == "night"  # a code: the language does not reset it
    assert at.session_state["main_tabs"] == "Et si"  # the open tab stays open under its French name
    rerun(at, "fr", at.selectbox(key="lang").set_value("en"))
    assert at.query_params["lang"] == "en"
    assert at.title[0].value == "medevac: 10-1-2 casualty evacuation planner"
    assert at.session_state["main_tabs"] == "What-if"


def test_an_unknown_language_in_the_url_is_english() -> None:
    at = run("de")
    assert at.title[0].value == "medevac: 10-1-2 casualty evacuation planner"
    assert at.selectbox(key="lang").value == "en"


def test_the_what_if_choices_are_codes_whatever_the_language() -> None:
    """The What-if box holds a code; its words are the language's, and an edit applied in
    French is the same edit, described in French."""
    at = run("fr")
    box = at.selectbox(key="wi_action")
    assert box.value == "add_facility"
    assert box.options[0] == "Ajouter une installation médicale"
    place_by = at.radio(key="wi_add_how")
    assert (place_by.value, place_by.options) == ("click", ["clic sur la carte", "ville", "coordonnées"])
    rerun(at, "fr", place_by.set_value("coordinates"))
    apply = next(b for b in at.button if b.key == "wi_apply")
    assert str(apply.label).startswith("Appliquer : + niveau 2 ")
    rerun(at, "fr", apply.click())
    (edit,) = at.session_state["edits"]
    assert edit.level == "2"
    compare_rows = next(t for t in at.tabs if t.label == "Comparer").dataframe[0].value
    assert list(compare_rows["variante"]) == ["situation de référence", "variante de travail"]


def test_the_downloads_stay_english_data_in_french(downloads: dict[str, bytes]) -> None:
    """The gap table, the site results and the check's JSON are data: the same bytes whatever
    the page's language."""

    def data(at: AppTest) -> dict[str, bytes]:
        out = {}
        for button in at.get("download_button"):
            if button.key in ("dl_gaps", "dl_sites", "dl_json", "dl_layers", "dl_scenario"):
                out[str(button.key)] = downloads[Path(button.proto.url).stem]
        return out

    english, french = data(run(None)), data(run("fr"))
    assert set(english) == {"dl_gaps", "dl_sites", "dl_json", "dl_layers", "dl_scenario"}
    assert french == english
    assert b"best is" in english["dl_json"] or b"limiting_factor" in english["dl_json"]
    assert "étape".encode() not in french["dl_gaps"]


def what_if_texts(language: str) -> list[str]:
    """The What-if tab's texts under each change it offers (and each way to place a facility)."""
    at = run(language)
    texts: list[str] = []
    for action in WHAT_IF_CHANGES:
        rerun(at, language, at.selectbox(key="wi_action").set_value(action))
        if action == "add_facility":
            for how in ("town", "coordinates"):
                rerun(at, language, at.radio(key="wi_add_how").set_value(how))
                texts += shown_texts(at)
        texts += shown_texts(at)
    return texts


def test_every_what_if_change_speaks_french() -> None:
    english, french = what_if_texts("en"), what_if_texts("fr")
    left = english_left(french, english)
    assert left == set(), sorted(left)
    assert "Décollage de nuit (min)" in french and "Rayon d'action (km)" in french


def test_a_variant_saved_in_french_is_listed_in_french_and_stored_in_english() -> None:
    """The Library tab in French: its table's headers, the conditions and the edits in French
    words; the description the library stores is English data, as the command line reads it."""
    from medevac.library import Library

    at = run("fr")
    rerun(at, "fr", at.radio(key="wi_add_how").set_value("coordinates"))
    rerun(at, "fr", next(b for b in at.button if b.key == "wi_apply").click())
    at.text_input(key="lib_name").input("Kidal L2")
    rerun(at, "fr", at.button(key="lib_save").click())
    table = next(t for t in at.tabs if t.label == "Bibliothèque").dataframe[0].value
    condition = "jour, saison sèche : sites respectant toutes les étapes"
    assert ["id", "nom", "mission", "enregistrée (UTC)", "modifications", condition] == list(table.columns)[
        :6
    ]
    (edits,) = list(table["modifications"])
    assert edits.startswith("+ niveau 2 ")
    (saved,) = Library().list()
    assert saved.description.startswith("+ Level 2 ")
