"""Every command of the command line in French: its text, its ``--help`` and argparse's own
words, while its data (JSON, CSV, GeoJSON) stays English.

Each command runs on both demo missions in English and in French; the French text must share
no word with the English one but the scenario's own (names, ids: data), the file paths, and
the words French spells alike (as ``tests/test_i18n.py`` checks ``medevac check``), and must
write the English text's numbers the French way (decimal comma, grouped thousands,
``35 %``). The help of every command and action is checked the same way against the
English help, less the command syntax (option names, choices, command names).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.numbers import get_group_symbol
from conftest import scenario_words, words

from medevac import i18n
from medevac.cli import build_parser, main
from medevac.cli_argparse import ARGPARSE_WORDS, PROGRAMMING_ERRORS
from medevac.scenario import load_scenario
from medevac.standards import Leg

ROOT = Path(__file__).resolve().parent.parent
DEMOS = sorted((ROOT / "scenarios").glob("*.yaml"))

SAME_IN_FRENCH = {
    # French words spelled as the English ones, and units
    "site", "sites", "personnel", "minutes", "min", "km", "km2", "s", "options", "variante",
    "condition", "format", "patrouille", "id", "type", "exact", "date", "base", "correction",
    "verdict", "verdicts", "arguments", "message", "mission", "locale", "civil", "zones",
    "isochrones", "points", "variables", "CONDITIONS", "position",
    # names and data the text quotes: the Monte Carlo method and the Wilson interval, the clock
    "Monte", "Carlo", "Wilson", "UTC", "medevac", "inf", "nodata",
}  # fmt: skip
"""Words French text shares with the English by right."""


def _run(*argv: str, status: int = 0) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(list(argv)) == status
    return out.getvalue(), err.getvalue()


# -- numbers -------------------------------------------------------------------------------------

_EN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+\.\d+%?|\d+%")
_GROUP = get_group_symbol("fr")
with i18n.using("fr"):
    _PERCENT = i18n.format_template("{p:.0%}", p=0).removeprefix("0")  # the French percent sign
_FR_NUMBER = re.compile(
    rf"\d{{1,3}}(?:{_GROUP}\d{{3}})+(?:,\d+)?(?:{_PERCENT})?|\d+,\d+(?:{_PERCENT})?|\d+{_PERCENT}"
)


def _in_french(number: str) -> str:
    """``3,950`` -> ``3 950``; ``87.5%`` -> ``87,5 %`` (the locale's symbols)."""
    return number.replace(",", "\0").replace(".", ",").replace("\0", _GROUP).replace("%", _PERCENT)


def assert_same_numbers(english: str, french: str) -> None:
    """The English text's grouped, decimal and percent numbers, in order, written the
    French way in the French text (and no English-written one left there)."""
    found = [_in_french(n) for n in _EN_NUMBER.findall(english)]
    assert found, "the text has numbers to compare"
    assert _FR_NUMBER.findall(french) == found
    assert _EN_NUMBER.findall(french) == []


def assert_no_english_word(english: str, french: str, *also: set[str]) -> None:
    shared = (words(french) & words(english)) - SAME_IN_FRENCH - set().union(*also)
    assert shared == set()


# -- each command, on both demos -----------------------------------------------------------------


@pytest.fixture(scope="module", params=DEMOS, ids=lambda p: p.stem)
def demo(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


def _both(*argv: str) -> tuple[str, str]:
    """A command's stdout (and stderr) in English and in French."""
    english = "".join(_run(*argv, "--lang", "en"))
    french = "".join(_run(*argv, "--lang", "fr"))
    return english, french


def test_coverage_speaks_french(demo: Path, tmp_path: Path) -> None:
    english, _ = _run("coverage", str(demo), "--cell-km", "40", "--out", str(tmp_path / "en.gpkg"))
    french, _ = _run(
        "coverage", str(demo), "--cell-km", "40", "--out", str(tmp_path / "fr.gpkg"), "--lang", "fr"
    )
    assert "of site personnel" in english
    assert " des personnels des sites" in french
    assert "jour, saison sèche :" in french or "nuit, saison " in french
    assert_no_english_word(english, french, scenario_words(demo), words(str(tmp_path)), {"gpkg", "tif"})
    assert_same_numbers(english, french)


def test_coverage_data_is_the_same_in_both_languages(tmp_path: Path) -> None:
    """The GeoJSON layers hold the same bytes whatever the language; only the GeoTIFF band's
    description (a label a person reads in GIS software) is in the reader's language."""
    import rasterio

    for language in i18n.LANGUAGES:
        _run(
            "coverage",
            str(DEMOS[0]),
            "--cell-km",
            "50",
            "--out",
            str(tmp_path / language),
            "--lang",
            language,
        )
    layers = sorted(p.name for p in (tmp_path / "en").glob("*.geojson"))
    assert layers
    for name in layers:
        assert (tmp_path / "en" / name).read_bytes() == (tmp_path / "fr" / name).read_bytes()
    tif = next((tmp_path / "fr").glob("*surgery*.tif")).name
    descriptions = {}
    for language in i18n.LANGUAGES:
        with rasterio.open(tmp_path / language / tif) as raster:
            descriptions[language] = raster.descriptions[0]
    assert descriptions["en"].startswith("surgery: minutes from wounding, ")
    assert descriptions["fr"].startswith("chirurgie : minutes depuis la blessure, ")


def test_optimise_speaks_french(demo: Path) -> None:
    args = ("optimise", str(demo), "--add-facility", "2", "--conditions", "day-dry,night-wet")
    english, french = _both(*args)
    assert french.startswith(
        "optimisation : personnels qui respectent toutes les étapes, cumulés sur "
        "jour, saison sèche ; nuit, saison des pluies\n"
    )
    assert "nouvelle installation de niveau 2 new-l2-1 -> " in french
    assert_no_english_word(english, french, scenario_words(demo), {"new-l2-1"})  # the id it takes: data
    # the place's coordinates are data (a decimal point), the solve time differs between runs
    keep = [line for line in english.splitlines() if "->" not in line and "solved in" not in line]
    french_keep = [line for line in french.splitlines() if "->" not in line and "résolu en" not in line]
    assert_same_numbers("\n".join(keep), "\n".join(french_keep))
    assert re.search(r"^résolu en \d+,\d\d s$", french, re.M)
    place = re.search(r"-> \S+ \((-?\d+\.\d{3}), (-?\d+\.\d{3})\)", french)
    assert place is not None and place[0] in english


def test_optimise_json_stays_english() -> None:
    args = ("optimise", str(DEMOS[0]), "--add-facility", "2", "--format", "json")
    documents = [json.loads(_run(*args, "--lang", language)[0]) for language in i18n.LANGUAGES]
    for document in documents:
        document.pop("seconds", None)  # the solve time
    assert documents[0] == documents[1]


def test_robustness_n_minus_1_speaks_french(demo: Path) -> None:
    english, french = _both("robustness", str(demo), "--n-1", "--no-progress")
    assert french.startswith(
        "Chaque moyen perdu seul : sites (personnels) qui respectent toutes les étapes\n"
    )
    assert "\nrien " in french
    assert_no_english_word(english, french, scenario_words(demo))
    assert_same_numbers(english, french)


def test_robustness_availability_speaks_french(demo: Path) -> None:
    args = ("robustness", str(demo), "--availability", "--no-progress", "--samples", "400")
    english, french = _both(*args)
    assert french.startswith("Probabilité de respecter toutes les étapes (")
    assert "personnels attendus qui respectent toutes les étapes : " in french
    assert_no_english_word(english, french, scenario_words(demo))
    assert_same_numbers(english, french)


def test_profile_speaks_french(demo: Path) -> None:
    english, french = _both("profile", str(demo), "--date", "2027-03-15", "--no-progress")
    assert english.startswith("2027-03-15, ")
    assert french.startswith("15 mars 2027, saison ")
    assert "\nheure  sites  personnels qui respectent toutes les étapes\n" in french
    # 24 hours, the same sites and personnel each hour; the thousands grouped the French way
    hours_en = re.findall(r"^(\d\d:\d\d) +(\d+) +([\d,]+)$", english, re.M)
    hours_fr = re.findall(rf"^(\d\d:\d\d) +(\d+) +([\d{_GROUP}]+)$", french, re.M)
    assert len(hours_en) == 24
    assert hours_fr == [(h, s, p.replace(",", _GROUP)) for h, s, p in hours_en]
    assert any(_GROUP in p for _, _, p in hours_fr)
    assert_no_english_word(english, french, scenario_words(demo), {"mars"})


@pytest.mark.parametrize("command", [("robustness", "--n-1"), ("profile", "--date", "2027-03-15")])
def test_robustness_and_profile_json_stay_english(command: tuple[str, ...]) -> None:
    name, *rest = command
    args = (name, str(DEMOS[0]), *rest, "--no-progress", "--format", "json")
    assert _run(*args, "--lang", "fr")[0] == _run(*args, "--lang", "en")[0]


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A library per demo: the mission as it is (id 1), then without its first facility (2)."""
    from medevac.library import Library
    from medevac.whatif import RemoveFacility

    found = {}
    for path in DEMOS:
        scenario = load_scenario(path)
        library = Library(tmp_path_factory.mktemp("library") / "library.sqlite")
        library.save(scenario, (), "as is")
        library.save(scenario, (RemoveFacility(scenario.facilities[0].id),), "one facility fewer")
        found[path.name] = library.path
    yield found


def _library(libraries: dict[str, Path], demo: Path, *argv: str) -> tuple[str, str]:
    path = libraries[demo.name]
    args = ("library", *argv, "--library", str(path))
    return "".join(_run(*args, "--lang", "en")), "".join(_run(*args, "--lang", "fr"))


def test_library_list_and_show_speak_french(libraries: dict[str, Path], demo: Path) -> None:
    ours = scenario_words(demo) | words(str(libraries[demo.name])) | {"as", "is", "one", "facility", "fewer"}
    english, french = _library(libraries, demo, "list")
    assert french.startswith(f"2 variantes enregistrées dans {libraries[demo.name]}\n")
    assert_no_english_word(english, french, ours)
    english, french = _library(libraries, demo, "show", "1")
    assert "modifications (0) : situation de référence\n" in french
    assert re.search(
        r"^  jour, saison sèche : \d+ sites? sur \d+ et [\d\u202f]+ personnels sur ", french, re.M
    )
    assert_no_english_word(english, french, ours)
    headline = english.split("headline:")[1]  # above it, medevac's version: data
    assert_same_numbers(headline, french.split("en bref :")[1])
    english, french = _library(libraries, demo, "show", "2")
    from medevac import i18n
    from medevac.whatif import RemoveFacility, describe_variant

    removed = (RemoveFacility(load_scenario(demo).facilities[0].id),)
    assert f"edits (1): {describe_variant(removed)}\n" in english  # as stored when saved
    with i18n.using("fr"):
        in_french = describe_variant(removed)  # described again from the edits, in French
    assert in_french != describe_variant(removed)
    assert f"modifications (1) : {in_french}\n" in french
    assert_no_english_word(english, french, ours)


def test_library_compare_speaks_french(libraries: dict[str, Path], demo: Path) -> None:
    english, french = _library(libraries, demo, "compare", "1", "2")
    assert french.startswith(
        "variante 2 ('one facility fewer') par rapport à la variante 1 ('as is'), "
        "minutes depuis la blessure :\n"
    )
    assert re.search(r"^condition +site +étape +1 +2 +changement +verdict", french, re.M)
    ours = scenario_words(demo) | {"as", "is", "one", "facility", "fewer"}
    assert_no_english_word(english, french, ours)
    # every time and change, the French way (signed changes too: +12,3)
    times = re.findall(r"(?<![\w-])[+-]?\d+\.\d(?![\d%])", english)
    assert times
    assert re.findall(r"(?<![\w-])[+-]?\d+,\d(?![\d%])", french) == [t.replace(".", ",") for t in times]


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--format", "json"),
        ("show", "2", "--format", "json"),
        ("compare", "1", "2", "--format", "csv"),
    ],
)
def test_library_data_stays_english(libraries: dict[str, Path], argv: tuple[str, ...]) -> None:
    path = str(libraries[DEMOS[0].name])
    english = _run("library", *argv, "--library", path, "--lang", "en")[0]
    assert _run("library", *argv, "--library", path, "--lang", "fr")[0] == english


def test_template_and_import_speak_french(demo: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "mission.xlsx"
    french = "".join(_run("template", "--from", str(demo), "--out", str(workbook), "--lang", "fr"))
    assert french == f"{workbook} : écrit ({demo} en classeur)\n"
    english = "".join(_run("template", "--out", str(tmp_path / "empty.xlsx"), "--lang", "en"))
    assert english == f"{tmp_path / 'empty.xlsx'}: written (template with one example row per sheet)\n"
    scenario = load_scenario(demo)
    out, _ = _run("import", str(workbook), "--out", str(tmp_path / "fr.yaml"), "--lang", "fr")
    facilities = len(scenario.facilities)
    assert out == (
        f"{tmp_path / 'fr.yaml'} : écrit ({facilities} installations médicales, {len(scenario.airframes)} "
        f"aéronefs, {len(scenario.sites)} sites, {len(scenario.patrols)} patrouilles)\n"
    )
    out, _ = _run("import", str(workbook), "--out", str(tmp_path / "en.yaml"), "--lang", "en")
    assert out.startswith(f"{tmp_path / 'en.yaml'}: written ({facilities} facilities, ")
    assert (tmp_path / "fr.yaml").read_bytes() == (tmp_path / "en.yaml").read_bytes()  # data


def test_import_warnings_are_marked_in_french(tmp_path: Path) -> None:
    sites = tmp_path / "sites.geojson"
    sites.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [0.1, 0.0]},
                        "properties": {"id": "s", "personnel": 10, "fid": 1},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    base = tmp_path / "base.yaml"
    base.write_text(
        "medevac: 1\nname: base\nfacilities: [{id: f, level: 2, lat: 0, lon: 0}]\n"
        "sites: [{id: old, lat: 0, lon: 0.2}]\n",
        encoding="utf-8",
    )
    args = ("import", "--sites", str(sites), "--base", str(base))
    _, english = _run(*args, "--out", str(tmp_path / "en.yaml"), "--lang", "en")
    _, french = _run(*args, "--out", str(tmp_path / "fr.yaml"), "--lang", "fr")
    assert english.startswith(
        f"warning: {sites}: property 'fid' ignored on 1 feature(s) (not a column of sites: "
    )
    # the warning's own words are the reader's too where the intake speaks French (errors)
    assert french.startswith("avertissement : ") and "'fid'" in french and french.count("\n") == 1


# -- --help and argparse's words -----------------------------------------------------------------


def _help(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(list(argv))
    assert exit_.value.code == 0
    return out.getvalue()


def _commands() -> list[tuple[str, ...]]:
    """Every command and every action of a command (``library show``)."""
    found: list[tuple[str, ...]] = [()]

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append((*path, name))
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    return found


def _syntax(parser: argparse.ArgumentParser) -> set[str]:
    """The command syntax a help shows in both languages: option names, choices, command
    names, and the literal values and file kinds its help texts quote."""
    syntax = {"medevac", "h", "N", "ID", "A", "B", "KM", "H", "HOST", "PORT", "tcp", "local", "en", "fr"}
    for action in parser._actions:
        for option in action.option_strings:
            syntax |= words(option)
        if action.choices:
            syntax |= {w for choice in action.choices for w in words(str(choice))}
    return syntax


LITERALS = {
    # file kinds and formats, the tools named, literal values the help quotes
    "YAML", "JSON", "CSV", "CSVs", "GeoJSON", "KML", "KMZ", "XLSX", "ODS", "HTML", "PDF", "GIS",
    "Schema", "gpkg", "yaml", "xlsx", "Dask", "N-1", "n-1", "none", "scenario", "all", "v1",
    "day-dry", "night-wet", "night-dry", "puma-1x1", "2x2", "xN", "MEDEVAC_LANG", "MEDEVAC_LIBRARY",
    "library", "list", "sqlite", "report", "html", "pdf", "workbook", "layers", "csv",
    "facilities", "sites", "towns", "airframes", "settings", "key", "value", "id", "lat", "lon",
    "name", "airstrip", "LIKE_ID", "SCHEMA",
}  # fmt: skip
"""Values and names the help texts quote: they are typed as they are, in any language."""


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "medevac")
def test_help_speaks_french(command: tuple[str, ...]) -> None:
    english = _help(*command, "--help", "--lang", "en") if command else _help("--lang", "en", "--help")
    french = _help(*command, "--help", "--lang", "fr") if command else _help("--lang", "fr", "--help")
    assert english.startswith("usage: medevac")
    assert french.startswith("utilisation : medevac")
    assert "\noptions :\n" in french
    assert re.search(r"^  -h, --help +afficher ce message d'aide et quitter$", french, re.M)
    parser = build_parser()
    for name in command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    assert_no_english_word(english, french, _syntax(parser), set(command), LITERALS)


def test_help_is_french_whichever_way_french_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    by_option = _help("check", "--help", "--lang", "fr")
    assert by_option == _help("--lang", "fr", "check", "--help")
    assert by_option == _help("check", "--lang=fr", "--help")
    monkeypatch.setenv("MEDEVAC_LANG", "fr")
    assert _help("check", "--help") == by_option
    monkeypatch.delenv("MEDEVAC_LANG")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert _help("check", "--help") == by_option
    assert _help("check", "--help", "--lang", "en").startswith("usage: medevac check")


def test_argparse_errors_speak_french(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, french in [
        (["check"], "medevac check : erreur : les arguments suivants sont requis : scénario\n"),
        (
            ["check", "x.yaml", "--light", "dusk"],
            "medevac check : erreur : argument --light : choix invalide : 'dusk' "
            "(choisir parmi 'day', 'night')\n",
        ),
        (["check", "x.yaml", "--nope"], "medevac : erreur : arguments non reconnus : --nope\n"),
        (
            ["robustness", str(DEMOS[0])],
            "medevac robustness : erreur : l'un des arguments --n-1 --availability est requis\n",
        ),
        (
            ["coverage", str(DEMOS[0]), "--cell-km", "two", "--out", "x.gpkg"],
            "medevac coverage : erreur : argument --cell-km : valeur float invalide : 'two'\n",
        ),
        (["library"], "medevac library : erreur : les arguments suivants sont requis : {list,show,rename,"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main([*argv, "--lang", "fr"] if len(argv) > 1 else ["--lang", "fr", *argv])
        assert exit_.value.code == 2  # bad input, as every usage error
        err = capsys.readouterr().err
        assert err.startswith("utilisation : medevac")
        assert err.splitlines()[-1] + "\n" == french or err.splitlines()[-1].startswith(french)
    with pytest.raises(SystemExit):
        main(["check", "--lang", "en"])
    assert capsys.readouterr().err.endswith(
        "medevac check: error: the following arguments are required: scenario\n"
    )


def test_an_unknown_language_still_lets_the_parser_speak_then_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--lang", "de"])  # the usage error first, in English
    assert "the following arguments are required" in capsys.readouterr().err
    assert main(["validate", str(DEMOS[0]), "--lang", "de"]) == 2
    assert capsys.readouterr().err.startswith("error: --lang: unknown language 'de'")


def test_the_language_before_the_command_or_after_it() -> None:
    french, _ = _run("--lang", "fr", "validate", str(DEMOS[0]))
    assert " : valide (" in french
    english, _ = _run("--lang", "fr", "validate", str(DEMOS[0]), "--lang", "en")  # the command's wins
    assert ": valid (" in english


def test_every_argparse_sentence_is_translated_or_never_shown() -> None:
    """The running Python's argparse sentences (extracted as ``pybabel extract`` would) are
    each in the catalogue's marks or known to report only a parser built wrong."""
    import argparse as module

    found = {
        message if isinstance(message, str) else message[0]
        for _, message, _, _ in extract_from_file("python", module.__file__)
    }
    assert "usage: " in found
    assert found - set(ARGPARSE_WORDS) - PROGRAMMING_ERRORS == set()
    with i18n.using("fr"):
        untranslated = [word for word in ARGPARSE_WORDS if i18n.gettext(word) == word]
    assert untranslated == ["%(heading)s:"]  # kept as it is: the headings' French ends in a space


def test_another_parser_in_english_reads_what_it_read_before() -> None:
    """Routing argparse's words to the catalogue changes nothing outside a French context."""
    build_parser()
    parser = argparse.ArgumentParser(prog="other")
    parser.add_argument("x")
    assert parser.format_help().startswith("usage: other [-h] x\n\npositional arguments:\n")
    with i18n.using("fr"):  # argparse names its groups when a parser is made
        parser = argparse.ArgumentParser(prog="other")
        parser.add_argument("x")
        assert parser.format_help().startswith("utilisation : other [-h] x\n\narguments positionnels :\n")
    assert parser.format_help().startswith("usage: other [-h] x\n\narguments positionnels :\n")


# -- the report's QGIS styles --------------------------------------------------------------------


def _labels(qml: str) -> list[str]:
    root = ET.fromstring(qml.split("\n", 1)[1])
    return [e.get("label", "") for e in root.iter() if e.tag in ("rule", "category")]


def _data(qml: str) -> list[tuple[str | None, ...]]:
    """Everything of a style but its labels: filters, fields, values, symbols."""
    root = ET.fromstring(qml.split("\n", 1)[1])
    for element in root.iter():
        element.attrib.pop("label", None)
    return [(e.tag, *sorted(f"{k}={v}" for k, v in e.attrib.items())) for e in root.iter()]


def test_qgis_style_labels_speak_french_and_fields_stay_english() -> None:
    from medevac.report.styles import report_styles

    legs: tuple[Leg, ...] = ("first_aid", "resuscitation", "surgery")
    english = report_styles(legs, ["1", "2", "2+", "3"], ("night", "wet"))
    with i18n.using("fr"):
        french = report_styles(legs, ["1", "2", "2+", "3"], ("night", "wet"))
    assert _labels(english["sites"].qml)[:2] == ["meets every leg", "fails first aid first"]
    assert _labels(french["sites"].qml)[:2] == [
        "respecte toutes les étapes",
        "échoue d'abord à l'étape premiers secours",
    ]
    assert _labels(french["facilities"].qml) == ["niveau 1", "niveau 2", "niveau 2+", "niveau 3"]
    assert _labels(french["airframe_bases"].qml) == ["disponible", "indisponible"]
    assert re.fullmatch(
        r"chirurgie 0-\d+ min \(nuit, saison des pluies\)", _labels(french["isochrones"].qml)[0]
    )
    assert re.fullmatch(r"surgery 0-\d+ min \(night, wet season\)", _labels(english["isochrones"].qml)[0])
    assert re.fullmatch(
        r"chirurgie au-delà de \d+ min ou aucune \(nuit, saison des pluies\)",
        _labels(french["isochrones"].qml)[-1],
    )
    assert _labels(french["patrol_gaps"].qml)[-1] == "échoue à l'étape chirurgie"
    for name, style in english.items():
        assert _data(style.qml) == _data(french[name].qml)  # filters, fields, values: data
        assert (
            words(" ".join(_labels(french[name].qml))) & words(" ".join(_labels(style.qml)))
            <= {
                "min",
                "premiers",
            }
            | SAME_IN_FRENCH
        )


def test_the_style_description_is_written_in_the_reader_s_language(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from medevac.report.styles import LayerStyle, save_layer_styles

    path = tmp_path / "layers.gpkg"
    gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(path, layer="sites")
    with i18n.using("fr"):
        save_layer_styles(path, {"sites": LayerStyle("sites", "<qgis/>")})
    with sqlite3.connect(path) as connection:
        (description,) = connection.execute("SELECT description FROM layer_styles").fetchone()
    connection.close()
    assert description == "style du rapport medevac"


def test_the_tests_run_in_english_by_default() -> None:
    assert i18n.current_language() == "en"
    assert sys.modules["argparse"]._("usage: ") == "usage: "
