"""``medevac report`` in French: the report of each demo mission speaks French and says the
English report's numbers the French way, while its data (the CSV) stays English.

Each demo's report is written twice, in English and in French, and its text compared: the
PDF's (extracted with pypdf) and the HTML's (tags, styles and figures left out). A word both
reports print is an English interface word left over unless it is the scenario's own (ids,
names, descriptions: data from the scenario file), a unit, or a word French spells the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from medevac import i18n
from medevac.report.build import write_report
from medevac.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted((ROOT / "scenarios").glob("*.yaml"))

SAME_IN_FRENCH = {
    # French words spelled as the English ones, by right
    "site", "sites", "Sites", "condition", "conditions", "distance", "source", "sources", "type",
    "base", "bases", "page", "exact", "orange", "verdict", "route", "camp", "minutes",
    "Minutes", "alternative", "civil", "optimum", "points", "service", "triangles", "latitude",
    "longitude",
    # units, standards, commands and the tools and references the text names
    "min", "km", "h", "UTC", "medevac", "optimise", "AMET", "HLS", "HiGHS", "COMEDS", "Monte",
    "Carlo", "GeoNames", "NATO", "UN", "x",
    # French words spelled as English ones, in the sources' notes
    "minute", "point", "ambulances", "aux", "de", "section",
    # the titles of the sources and the bodies cited (kept as published)
    "Casualty", "Evacuation", "in", "the", "Field", "ref", "DOS", "DPO", "D", "Buddy", "First", "Aid",
    "Logistics", "Cluster", "RC-South", "CIVIC", "MINUSMA", "Rumbek-Yirol",
}  # fmt: skip
"""Words the French report shares with the English one by right."""


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w'-]+", text) if re.search(r"[^\W\d_]", w)}


def _scenario_words(path: Path) -> set[str]:
    """The scenario's own words: its file's names, ids, descriptions and types, and its road
    layer's classes, surfaces and sources (data, never translated)."""
    words = _words(path.read_text(encoding="utf-8"))
    roads = load_scenario(path).ground.roads
    if roads:
        words |= _words((path.parent / roads).read_text(encoding="utf-8"))
    return words


def _english_words(french: str, english: str, path: Path) -> set[str]:
    """Words both reports print that are neither the scenario's, nor French by right, nor
    written with a digit (the content key, an airframe type), nor a piece of a scenario word
    the PDF broke at a line's end."""
    data = _scenario_words(path)
    shared = (_words(french) & _words(english)) - data - SAME_IN_FRENCH
    return {
        w
        for w in shared
        if not re.search(r"\d", w)  # the content key, type designations (Mi-8MTV, CH-47), road numbers
        and not any(w in word and w != word for word in data)
    }


def _html_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"<img[^>]*>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


Texts = dict[tuple[str, str, str], str]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Texts]:
    """(demo file name, language, "pdf" / "html" / "csv") -> the text of the report."""
    found: Texts = {}
    for path in DEMOS:
        scenario = load_scenario(path)
        for language in ("en", "fr"):
            out = tmp_path_factory.mktemp(f"{path.stem}-{language}")
            with i18n.using(language):
                write_report(scenario, out, progress=False)
            found[(path.name, language, "pdf")] = _pdf_text(out / "report.pdf")
            found[(path.name, language, "html")] = _html_text((out / "report.html").read_text("utf-8"))
            found[(path.name, language, "csv")] = (out / "sites.csv").read_text("utf-8")
    yield found


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("form", ["pdf", "html"])
def test_the_french_report_has_no_english_interface_word(reports: Texts, path: Path, form: str) -> None:
    english = reports[(path.name, "en", form)]
    french = reports[(path.name, "fr", form)]
    assert "Why each site fails" in english and "Pourquoi chaque site échoue" in french
    assert "Assumptions and sources" in english and "Hypothèses et sources" in french
    assert _english_words(french, english, path) == set()


NUMBER = r"(?<![\w.,])\d+(?:[.,\u202f ]\d+)*(?![\w])"
"""A number as printed: ``131.0``, ``8,722``, or in French ``131,0``, ``8\u202f722``."""


def _french_way(english_number: str) -> str:
    """``8,722`` -> ``8\u202f722``; ``131.0`` -> ``131,0``."""
    return english_number.replace(",", "\u202f").replace(".", ",")


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
def test_the_french_report_says_the_english_numbers_the_french_way(reports: Texts, path: Path) -> None:
    """Every number of the English report's bottom line, executive summary and compliance
    matrix, in order, is in the French report in the French way (coordinates, data, keep
    their decimal point in both)."""

    def numbers(text: str, start: str, end: str) -> list[str]:
        section = text.partition(start)[2].partition(end)[0]
        section = re.sub(r"\(-?\d+\.\d+, -?\d+\.\d+\)", "", section)  # coordinates are data
        return re.findall(r"\d+(?:[.,\u202f]\d+)*", section)

    english, french = reports[(path.name, "en", "html")], reports[(path.name, "fr", "html")]
    en = numbers(english, "Bottom line", "Sites, worst first")
    fr = numbers(french, "L'essentiel", "Sites, les pires en premier")
    assert len(en) > 50
    assert fr == [_french_way(n) for n in en]
    assert "8\u202f722" in french or "\u202f" in "".join(fr)  # thousands grouped the French way
    assert re.search(r"\d,\d !", french)  # a failing cell: decimal comma, marked


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
def test_the_csv_is_data_and_stays_english(reports: Texts, path: Path) -> None:
    assert reports[(path.name, "fr", "csv")] == reports[(path.name, "en", "csv")]


def test_the_french_workbook_names_its_sheets_and_headers_in_french_its_machine_names_in_english(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    with i18n.using("fr"):
        write_report(load_scenario(DEMOS[0]), tmp_path, progress=False)
    book = load_workbook(tmp_path / "workbook.xlsx")
    assert book.sheetnames[:3] == ["synthèse", "sites", "patrouilles"]
    words, names = (list(row) for row in book["sites"].iter_rows(min_row=1, max_row=2, values_only=True))
    assert words[:2] == ["id du site", "nom"] and names[:2] == ["site_id", "name"]


def test_medevac_report_lang_fr_writes_french_and_says_so_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--lang fr`` makes the report French, with no "English only" note; the variable does too."""
    from medevac.cli import main

    args = ["report", str(DEMOS[0]), "--out", str(tmp_path), "--no-progress", "--lang", "fr"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"rapport écrit dans {tmp_path} en ") and err == ""
    html = (tmp_path / "report.html").read_text("utf-8")
    assert '<html lang="fr">' in html and "<h2>Synthèse</h2>" in html
    assert re.search(r"pour la planification : .*\npage \d+", _pdf_text(tmp_path / "report.pdf"))


def test_medevac_lang_fr_in_the_environment_writes_the_report_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medevac.cli import main

    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "fr")
    assert main(["report", str(DEMOS[0]), "--out", str(tmp_path), "--no-progress"]) == 0
    assert "Rapport des lacunes 10-1-2" in (tmp_path / "report.html").read_text("utf-8")


def _map_words(language: str) -> set[str]:
    """The words of the four conditions' map: titles, axis labels, legend, scale bar (the
    host country's name, basemap data, left out)."""
    from medevac.report.maps import draw_conditions_map
    from medevac.report.summary import check_conditions

    with i18n.using(language):
        drawing = draw_conditions_map(check_conditions(load_scenario(DEMOS[0])))
        figure = drawing.figure
        texts = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
        for ax in figure.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            texts += [t.get_text() for t in ax.texts if "km" in t.get_text()]  # the scale bar
    text = re.sub(r"(host country|pays hôte) \([^)]*\)", r"\1", " ".join(texts))
    return _words(text)


def test_the_french_maps_have_no_english_interface_word() -> None:
    french, english = _map_words("fr"), _map_words("en")
    assert {"étapes", "conformes", "degrés"} <= french
    assert _english_words(" ".join(french), " ".join(english), DEMOS[0]) == set()


def test_the_french_comparison_with_a_variant_has_no_english_interface_word(tmp_path: Path) -> None:
    scenario = load_scenario(DEMOS[0])
    variant = scenario.model_copy(update={"timeline": scenario.timeline.model_copy(update={"approval": 2.5})})
    texts = {}
    for language in ("en", "fr"):
        with i18n.using(language):
            write_report(scenario, tmp_path / language, variants=[("quicker", variant)], progress=False)
        texts[language] = _pdf_text(tmp_path / language / "report.pdf")
    assert "Comparaison avec les variantes" in texts["fr"] and "Variante 1 : quicker" in texts["fr"]
    shared = _english_words(texts["fr"], texts["en"], DEMOS[0]) - {
        "quicker",
        "change",
    }  # a name; French "change"
    assert shared == set()  # the differences name the file's keys (timeline, approval): its own words
