"""Languages (:mod:`medevac.i18n`): the catalogues are complete and current, ``medevac check``
speaks French end to end while its data stays English, and numbers follow the locale.

The catalogue tests read the ``.po`` and ``.pot`` with Babel, and extract the marked words
from the source as ``make catalogue`` does (``babel.cfg``), so a word added to the source
without a translation, or a translation left fuzzy, fails here.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import io
import json
import re
import string
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from conftest import scenario_words, words

from medevac import i18n, messages
from medevac.cli import main
from medevac.standards import LEG_LABEL

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "medevac" / "locale"
DEMOS = sorted((ROOT / "scenarios").glob("*.yaml"))
CONDITIONS = (("day", "dry"), ("night", "wet"))


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _ids(catalog: Catalog) -> set[str]:
    """Each entry's msgid (a plural entry's singular)."""
    return {_forms(message.id)[0] for message in catalog if message.id}


def _forms(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """A msgid or msgstr as its forms: one for a plain entry, several for a plural one (an
    entry with no string at all reads as one empty form)."""
    if text is None:
        return ("",)
    return (text,) if isinstance(text, str) else tuple(text)


def _source_ids() -> set[str]:
    """The words marked in medevac/, extracted as ``make catalogue`` does."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return {_forms(message)[0] for _, _, message, _, _ in found}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.fixture(scope="module")
def french() -> Catalog:
    return _read(LOCALE / "fr" / "LC_MESSAGES" / "medevac.po", "fr")


# -- the catalogues ------------------------------------------------------------------------------


def test_the_template_holds_exactly_the_words_marked_in_the_source() -> None:
    source = _source_ids()
    template = _ids(_read(LOCALE / "medevac.pot"))
    assert "first aid: no first responders at {asset}" in source  # the extraction finds N_() marks
    assert source - template == set(), "run `make catalogue`: words marked in the source are not in the .pot"
    assert template - source == set(), "run `make catalogue`: the .pot holds words the source dropped"


def test_every_word_has_a_french_translation_none_fuzzy_none_stale(french: Catalog) -> None:
    template = _ids(_read(LOCALE / "medevac.pot"))
    assert _ids(french) == template
    untranslated = [m.id for m in french if m.id and not all(_forms(m.string))]
    fuzzy = [m.id for m in french if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert not french.fuzzy  # the header too: a fuzzy header would drop the plural rule
    assert dict(french.obsolete) == {}


def test_each_translation_keeps_the_fields_of_its_template(french: Catalog) -> None:
    plurals = 0
    for message in french:
        if message.id:
            expected = set().union(*(_fields(form) for form in _forms(message.id)))
            for form in _forms(message.string):
                assert _fields(form) == expected, message.id
            if message.pluralizable:
                plurals += 1
                assert len(_forms(message.string)) == french.num_plurals
    assert plurals >= 4  # validate's counts (facilities, airframes, sites, patrols), the report's


def test_the_words_of_the_check_are_all_in_the_catalogue(french: Catalog) -> None:
    words = [
        *messages.REASONS.values(),
        *(t for t in messages.PATHWAY_TEXT.values() if t is not None),
        *messages.CHECK_TABLE_TEXT.values(),
        *messages.LIGHT_NAME.values(),
        *messages.SEASON_NAME.values(),
        *LEG_LABEL.values(),
    ]
    assert set(words) - _ids(french) == set()


def test_the_limiting_factors_names_and_meanings_are_french_for_every_reason_code() -> None:
    """The report's words for the limiting factors, ready for the report's translation: each
    code's name and meaning differ from the English and keep no English word of their own."""
    codes = list(messages.FACTOR_NAME)
    assert codes == list(messages.FACTOR_MEANING) == list(messages.REASONS)
    english = {code: (messages.factor_name(code), messages.factor_meaning(code)) for code in codes}
    with i18n.using("fr"):
        french = {code: (messages.factor_name(code), messages.factor_meaning(code)) for code in codes}
        assert messages.leg_factors_text("surgery", ["out_of_range", "launch_time", "out_of_range"]) == (
            "chirurgie : rayon d'action, délai de décollage"
        )
        assert messages.factor_name("a_new_code") == "a new code"  # no words yet: the code itself
    for code in codes:
        for en, fr in zip(english[code], french[code], strict=True):
            assert fr != en, code
            assert words(fr) & words(en) <= SAME_IN_FRENCH | {"service"}, code  # "remis en service"
    assert french["out_of_reach"][0] == "hors de portée"


def test_conditions_are_said_in_the_language() -> None:
    every = (("day", "dry"), ("night", "dry"), ("day", "wet"), ("night", "wet"))
    assert messages.conditions_phrase(every) == "by day and night, in both seasons"
    assert (
        messages.conditions_phrase((("night", "wet"), ("day", "dry")))
        == "at night, wet season; by day, dry season"
    )
    with i18n.using("fr"):
        assert messages.conditions_phrase(every) == "de jour et de nuit, en toutes saisons"
        assert (
            messages.conditions_phrase((("night", "dry"), ("night", "wet"))) == "de nuit, en toutes saisons"
        )
        assert messages.conditions_phrase((("day", "wet"),)) == "de jour, en saison des pluies"
        assert messages.conditions_phrase((("night", "wet"), ("day", "dry"))) == (
            "de nuit, saison des pluies ; de jour, saison sèche"  # a space before ; in French
        )
        assert messages.condition_text("night", "wet") == "nuit, saison des pluies"
        assert messages.day_leg_text("all") == "toutes les étapes"
        assert messages.day_leg_text("first_aid") == "premiers secours"


def test_the_french_catalogue_compiles_with_its_plural_rule() -> None:
    compiled = i18n.translations("fr")
    assert compiled.gettext("surgery") == "chirurgie"
    assert compiled.gettext("a sentence no catalogue holds") == "a sentence no catalogue holds"
    # French counts 0 and 1 as singular; Babel's CLDR rule also has a form for millions.
    plural = compiled.plural  # type: ignore[attr-defined]
    assert [plural(n) for n in (0, 1, 2, 1_000_000)] == [0, 0, 2, 1]
    with i18n.using("fr"):
        assert i18n.ngettext("leg", "legs", 1) == "leg"  # no entry: the English forms
        assert i18n.ngettext("leg", "legs", 2) == "legs"


# -- choosing the language -----------------------------------------------------------------------


def test_the_language_comes_from_the_option_then_the_variable_then_the_locale() -> None:
    env = {"MEDEVAC_LANG": "en", "LC_ALL": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8"}
    assert i18n.resolve_language("fr", env) == "fr"
    assert i18n.resolve_language(None, env) == "en"
    assert i18n.resolve_language(None, {"LC_ALL": "fr_CA.UTF-8", "LANG": "C.UTF-8"}) == "fr"
    assert i18n.resolve_language(None, {"LC_MESSAGES": "fr_BE@euro"}) == "fr"
    assert i18n.resolve_language(None, {"LANG": "C"}) == "en"
    assert i18n.resolve_language(None, {"LANG": "pt_BR.UTF-8"}) == "en"  # not asked of medevac
    assert i18n.resolve_language("FR-fr", {}) == "fr"


def test_every_language_is_named_in_itself_and_has_a_catalogue_or_is_english() -> None:
    assert list(i18n.LANGUAGE_NAMES) == list(i18n.LANGUAGES)
    assert i18n.LANGUAGE_NAMES == {"en": "English", "fr": "Français"}
    for language in i18n.LANGUAGES[1:]:
        assert i18n.catalogue_path(language).is_file()
    assert i18n.LANGUAGES[0] == i18n.DEFAULT_LANGUAGE == "en"  # English: the message ids


def test_an_unknown_language_says_what_and_what_is_allowed() -> None:
    with pytest.raises(i18n.LanguageError, match=r"^--lang: unknown language 'de'; allowed: en, fr"):
        i18n.resolve_language("de", {})
    with pytest.raises(ValueError, match=r"^MEDEVAC_LANG: unknown language 'klingon'"):
        i18n.resolve_language(None, {"MEDEVAC_LANG": "klingon"})


def test_the_language_is_the_context_s_own() -> None:
    assert i18n.current_language() == "en"
    with i18n.using("fr"):
        assert messages.leg_text("resuscitation") == "réanimation"
        other = contextvars.Context()  # a fresh context (another session) speaks the default
        assert other.run(i18n.current_language) == "en"
        with i18n.using("en"):
            assert messages.leg_text("resuscitation") == "resuscitation"
        assert i18n.current_language() == "fr"
    assert messages.leg_text("resuscitation") == "resuscitation"


# -- numbers and dates ---------------------------------------------------------------------------


def test_minutes_integers_and_percentages_follow_the_locale() -> None:
    assert i18n.format_minutes(131.0, language="en") == "131.0 min"
    assert i18n.format_minutes(131.0, language="fr") == "131,0 min"
    assert i18n.format_minutes(2111.25, language="fr") == "2111,2 min"  # sentences do not group
    assert i18n.format_decimal(2111.25, 1, "fr") == "2\u202f111,2"
    assert i18n.format_decimal(2111.25, 1, "en") == "2,111.2"
    assert i18n.format_integer(8722, "en") == "8,722"
    assert i18n.format_integer(8722, "fr") == "8\u202f722"  # CLDR: a narrow no-break space
    assert i18n.format_integer(25, "fr") == "25"
    assert i18n.format_percent(0.35, "en") == "35%"
    assert i18n.format_percent(0.35, "fr") == "35\xa0%"
    assert i18n.format_percent(1.0, "fr") == "100\xa0%"


def test_dates_follow_the_locale() -> None:
    day = dt.date(2027, 3, 15)
    assert i18n.format_date(day, "en") == "Mar 15, 2027"
    assert i18n.format_date(day, "fr") == "15 mars 2027"
    moment = dt.datetime(2027, 3, 15, 18, 31, tzinfo=dt.UTC)
    assert i18n.format_datetime(moment, "fr").startswith("15 mars 2027, 18:31:00")


def test_templates_write_their_numbers_in_the_locale() -> None:
    with i18n.using("fr"):
        assert i18n.format_template("{km:.1f} km", km=0.25) == "0,2 km"  # as Python rounds 0.25
        numbers = i18n.format_template("{r:g}, {n:,}, {p:.0%}", r=570.5, n=1050, p=0.125)
        assert numbers == "570,5, 1\u202f050, 12\xa0%"
        assert i18n.format_template("{asset} {ok}", asset="puma-1.2", ok=True) == "puma-1.2 True"
        carried = messages.pathway_text("road", facility_id="gao-l2", carry_km=3.25)
        assert carried == "route -> gao-l2 (à pied 3,2 km)"
        names = {"gao-l2": "Hôpital de niveau 2, Gao", "tessalit": "Tessalit"}  # names are data
        named = messages.pathway_text("road_air", "puma-1", "gao-l2", "tessalit", names=names)
        assert named == "route jusqu'à Tessalit, vol puma-1 -> Hôpital de niveau 2, Gao"
    assert i18n.format_template("{km:.1f} km", km=0.25) == "0.2 km"


def test_templates_localise_numpy_numbers_and_percent_decimals() -> None:
    import numpy as np

    with i18n.using("fr"):
        assert i18n.format_template("{n:,}", n=np.int64(12500)) == "12\u202f500"
        assert i18n.format_template("{t:.1f}", t=np.float64(131.04)) == "131,0"
        assert i18n.format_template("{p:.1%}", p=0.125) == "12,5\xa0%"
    assert i18n.format_template("{p:.1%}, {n:,}", p=0.125, n=np.int64(12500)) == "12.5%, 12,500"


# -- medevac check in French ---------------------------------------------------------------------


def _check(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["check", *argv]) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def outputs() -> Iterator[dict[tuple[str, str, str, str], str]]:
    """The check's table of each demo under each condition, in English and French."""
    found = {}
    for path in DEMOS:
        for light, season in CONDITIONS:
            for language in i18n.LANGUAGES:
                args = (str(path), "--light", light, "--season", season, "--lang", language)
                found[(path.name, light, season, language)] = _check(*args)
    yield found


SAME_IN_FRENCH = {"site", "sites", "verdict", "personnel", "minutes", "route", "min", "km"}
"""Words the French table shares with the English one by right: French words spelled alike
(``route``: a patrol's route in English, a road in French), and units."""


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
@pytest.mark.parametrize(("light", "season"), CONDITIONS)
def test_the_french_table_has_no_english_interface_word(
    outputs: dict[tuple[str, str, str, str], str], path: Path, light: str, season: str
) -> None:
    english = outputs[(path.name, light, season, "en")]
    french = outputs[(path.name, light, season, "fr")]
    assert "Why sites fail" in english  # the demos fail somewhere: the explanations are compared
    shared = (words(french) & words(english)) - scenario_words(path) - SAME_IN_FRENCH
    assert shared == set()
    assert "Pourquoi des sites échouent" in french
    assert "Patrouilles (part de la longueur" in french


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.stem)
def test_the_french_table_says_the_same_numbers_in_the_locale_s_way(
    outputs: dict[tuple[str, str, str, str], str], path: Path
) -> None:
    french = outputs[(path.name, "day", "dry", "fr")]
    doc = json.loads(_check(str(path), "--format", "json", "--light", "day", "--season", "dry"))
    legs = list(doc["thresholds"])
    lines: dict[str, str] = {}
    for line in french.splitlines():  # the table comes first; the explanations name the sites again
        if line.split():
            lines.setdefault(line.split()[0], line)
    for row in doc["sites"]:
        cells = re.findall(r"(\d+,\d|aucun)( !)?", lines[row["site_id"]])
        assert len(cells) == len(legs)
        for leg, (text, mark) in zip(legs, cells, strict=True):
            value = row[f"{leg}_min"]
            assert text == ("aucun" if value is None else f"{value:.1f}".replace(".", ","))
            assert (mark == " !") == (not row["meets"][leg])
        assert lines[row["site_id"]].endswith("conforme" if row["meets_all"] else "LACUNE")
    s = doc["summary"]
    meeting, personnel = (i18n.format_integer(s[k], "fr") for k in ("personnel_meeting_all", "personnel"))
    assert "\u202f" in personnel  # the demos have thousands of personnel: grouped the French way
    assert french.rstrip().endswith(
        f"Sites qui respectent toutes les étapes : {s['sites_meeting_all']} sur {s['sites']} ; personnel : "
        f"{meeting} sur {personnel}."
    )


def test_the_variable_and_the_locale_choose_french_as_the_option_does(
    outputs: dict[tuple[str, str, str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DEMOS[0]
    by_option = outputs[(path.name, "day", "dry", "fr")]
    args = (str(path), "--light", "day", "--season", "dry")
    monkeypatch.setenv("MEDEVAC_LANG", "fr")
    assert _check(*args) == by_option
    monkeypatch.delenv("MEDEVAC_LANG")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert _check(*args) == by_option
    assert _check(*args, "--lang", "en") == outputs[(path.name, "day", "dry", "en")]


@pytest.mark.parametrize("form", ["json", "csv"])
def test_the_data_stays_english_whatever_the_language(form: str) -> None:
    path = str(DEMOS[0])
    english = _check(path, "--format", form, "--lang", "en")
    assert _check(path, "--format", form, "--lang", "fr") == english
    assert "best is" in english  # the limiting factors are there, in English
    assert "au mieux" not in english


def test_an_unknown_language_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(DEMOS[0]), "--lang", "de"]) == 2
    _, err = capsys.readouterr()
    assert err == "error: --lang: unknown language 'de'; allowed: en, fr (or a locale such as fr_FR.UTF-8)\n"
    assert i18n.current_language() == "en"  # the command leaves the caller's language as it was


def _validate(*argv: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["validate", *argv]) == 0
    return out.getvalue(), err.getvalue()


def test_validate_counts_each_kind_in_the_language_s_plural(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(
        "medevac: 1\nname: one\nstandard: nato-10-1-2-2\n"
        "thresholds: {first_aid: 10, resuscitation: 60, surgery: 100}\n"
        "facilities: [{id: f, level: 2, lat: 0, lon: 0}]\nsites: [{id: s, lat: 0, lon: 0.1}]\n",
        encoding="utf-8",
    )
    out, err = _validate(str(path))
    assert out == f"{path}: valid (1 facility, 0 airframes, 1 site, 0 patrols)\n"
    ignored = "thresholds are ignored with standard: nato-10-1-2-2 (set standard: custom to use them)"
    assert err == f"{path}: warning: {ignored}\n"
    out, err = _validate(str(path), "--lang", "fr")
    assert out == f"{path} : valide (1 installation médicale, 0 aéronef, 1 site, 0 patrouille)\n"
    assert err.startswith(
        f"{path} : avertissement : les seuils (thresholds) sont ignorés avec standard: nato-10-1-2-2"
    )
    out, _ = _validate(str(DEMOS[0]), "--lang", "fr")
    assert re.fullmatch(
        r".* : valide \(\d+ installations médicales, \d+ aéronefs, \d+ sites, 2 patrouilles\)\n", out
    )


def test_the_warning_for_roads_without_a_speed_is_said_in_the_language() -> None:
    """Lines of an OSM class with no speed are left out with a warning a French planner reads
    in French: counts by the plural rule, kilometres with a decimal comma, values as data."""
    import numpy as np

    from medevac.roads.speeds import NO_HIGHWAY, unknown_class_message

    unknown, km = np.array(["trial", "trial", NO_HIGHWAY]), np.array([1.0, 2.5, 0.25])
    with i18n.using("fr"):
        french = unknown_class_message(unknown, km, "roads.gpkg")
    assert french == (
        "roads.gpkg : 3 lignes (3,8 km) hors du réseau : aucune vitesse pour leur valeur OSM highway : "
        "'trial' (2 lignes, 3,5 km), (sans valeur highway) (1 ligne, 0,2 km) ; donnez une vitesse à "
        "la valeur dans ground.speeds_kmh pour l'emprunter"
    )
    english = unknown_class_message(unknown, km, "roads.gpkg")
    assert english.startswith("roads.gpkg: 3 lines (3.8 km) left out: no speed for their OSM highway value: ")
    assert "(no highway value) (1 line, 0.2 km)" in english
