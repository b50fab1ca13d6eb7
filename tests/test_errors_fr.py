"""Errors and validation problems in the reader's language.

Every bad input below is met twice, in English and in French. The English message must be
the one medevac printed before its errors were translated (``tests/data/errors_en.json``,
written by the code of that time: :func:`english_golden`); the French one must say the same
values and ids and keep no English word of the interface (values, ids, keys of the file
format, column names and paths are data: they stay as written).
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from medevac import cli, i18n
from medevac.errors import MedevacError, Problem, ScenarioError, problem_lines

GOLDEN = Path(__file__).parent / "data" / "errors_en.json"

_ROAD = '{{"type": "Feature", "properties": {props}, "geometry": {{"type": "{kind}", "coordinates": {xy}}}}}'


def _geojson(*features: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"


def _line(
    props: str = '{"class": "primary"}', xy: str = "[[0, 0], [0.1, 0.1]]", kind: str = "LineString"
) -> str:
    return _ROAD.format(props=props, kind=kind, xy=xy)


MINIMAL = (
    "medevac: 1\nname: tiny\nfacilities: [{id: f, level: 2, lat: 0, lon: 0}]\n"
    "sites: [{id: s, lat: 0, lon: 0.1}]\n"
)


def _scenario_text(text: str) -> Callable[[], str]:
    def run() -> str:
        from medevac.scenario import parse_scenario

        try:
            parse_scenario(text, source="bad.yaml")
        except ScenarioError as error:
            return str(error)
        raise AssertionError("no error")

    return run


def _with_roads(folder: Path, name: str, layer: str, *, closure: bool = False) -> Callable[[], str]:
    """A scenario whose road layer (or closure layer) is ``layer``: the router's error."""

    def run() -> str:
        from medevac.check import make_router
        from medevac.scenario import load_scenario

        (folder / name).write_text(layer, encoding="utf-8")
        (folder / "ok.geojson").write_text(_geojson(_line()), encoding="utf-8")
        ground = f"{{roads: ok.geojson, closures: [{name}]}}" if closure else f"{{roads: {name}}}"
        path = folder / f"{name}.yaml"
        path.write_text(MINIMAL + f"ground: {ground}\n", encoding="utf-8")
        try:
            make_router(load_scenario(path))
        except MedevacError as error:
            return str(error)
        raise AssertionError("no error")

    return run


def _table(folder: Path, name: str, role: str, content: str) -> Callable[[], str]:
    """A planner's table typed: every problem of its cells and headers."""

    def run() -> str:
        from medevac.intake.placemarks import read_placemarks
        from medevac.intake.settings import type_settings
        from medevac.intake.tables import read_csv, type_table

        path = folder / name
        path.write_text(content, encoding="utf-8")
        if role == "settings":
            problems = type_settings(read_csv(path, role), folder).problems
        else:
            table = read_csv(path, role) if name.endswith(".csv") else read_placemarks(path, role)
            problems = type_table(table).problems
        assert problems
        return "\n".join(problem_lines(problems))

    return run


def _raises(call: Callable[[], object]) -> Callable[[], str]:
    def run() -> str:
        try:
            call()
        except MedevacError as error:
            return str(error)
        raise AssertionError("no error")

    return run


def _deg(*values: float) -> npt.NDArray[np.float64]:
    return np.array(values, dtype=np.float64)


def cases(folder: Path) -> dict[str, Callable[[], str]]:
    """Bad inputs, each a call that returns the message medevac makes of it."""
    from medevac.coverage.grid import MissionArea, grid_over
    from medevac.files import ensure_writable
    from medevac.planning.candidates import parse_csv
    from medevac.planning.optimise import parse_conditions
    from medevac.safe_yaml import read_text_bounded
    from medevac.scenario import parse_scenario

    def raw_file(name: str, data: bytes, limit: int = 10_000) -> Callable[[], str]:
        path = folder / name
        path.write_bytes(data)
        return _raises(lambda: read_text_bounded(path, limit))

    found: dict[str, Callable[[], str]] = {
        "not a mapping": _scenario_text("- a\n- b\n"),
        "empty file": _scenario_text(""),
        "yaml syntax": _scenario_text("medevac: 1\nname: [a, b\n"),
        "duplicate key": _scenario_text("medevac: 1\nname: a\nname: b\n"),
        "too deep": _scenario_text("sites: " + "[" * 80 + "]" * 80 + "\n"),
        "alias loop": _scenario_text("sites: &x [*x]\n"),
        "unknown keys and bad values": _scenario_text(
            "medevac: 1\nname: bad\nstandard: custom\nlight: dusk\n"
            "facilities:\n  - {id: f, level: 2, lat: 0, lon: 0, color: red}\n"
            "  - {id: f, level: 7, lat: 95, lon: 0}\n"
            "airframes:\n  - {id: h, base: nowhere, cruise_kmh: 0.01, range_km: -5, launch: {day: x}}\n"
            "sites:\n  - {id: s, lat: 0, lon: 0.1, personnel: 1.5}\n"
        ),
        "missing keys": _scenario_text("medevac: 1\nname: m\nfacilities: [{id: f, level: 2}]\nsites: []\n"),
        "conditions and lists": _scenario_text(
            MINIMAL
            + "conditions: {light: dusk, season: monsoon}\npatrols: [{id: p, path: []}, {id: p, path: []}]\n"
        ),
        "roads null": _scenario_text(MINIMAL + "ground: {roads: null, snap_to: edge}\n"),
        "types": _scenario_text(
            "medevac: 1\nname: t\nfacilities: {id: f}\n"
            "sites: [{id: s, lat: true, lon: '3', first_responders: maybe}]\n"
        ),
        "not utf-8": raw_file("latin.yaml", "name: Tombouctou é".encode("latin-1")),
        "too big": raw_file("big.yaml", b"x" * 200, limit=100),
        "cannot read": _raises(lambda: read_text_bounded(folder / "absent.yaml")),
        "files missing": _raises(
            lambda: parse_scenario(
                MINIMAL + "ground: {roads: gone.gpkg, closures: [flood.geojson]}\n",
                source="named.yaml",
                source_dir=folder,
            )
        ),
        "road layer not found": _with_roads_missing(folder),
        "points for roads": _with_roads(folder, "points.geojson", _geojson(_line(kind="Point", xy="[0, 0]"))),
        "no class column": _with_roads(folder, "bare.geojson", _geojson(_line(props='{"name": "a"}'))),
        "unknown classes": _with_roads(
            folder, "classes.geojson", _geojson(_line(props='{"class": "canal"}'))
        ),
        "bad speeds": _with_roads(
            folder, "speeds.geojson", _geojson(_line(props='{"class": "primary", "dry_kmh": "fast"}'))
        ),
        "bad flags": _with_roads(
            folder, "flags.geojson", _geojson(_line(props='{"class": "primary", "closed_wet": "perhaps"}'))
        ),
        "metres": _with_roads(
            folder, "metres.geojson", _geojson(_line(xy="[[500000, 1500000], [500100, 1500100]]"))
        ),
        "closure when": _with_roads(
            folder,
            "closure.geojson",
            _geojson(
                _line(
                    props='{"when": "monsoon"}', kind="Polygon", xy="[[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0]]]"
                )
            ),
            closure=True,
        ),
        "sites table": _table(
            folder,
            "sites.csv",
            "sites",
            "id,name,lat,lon,kind,personnel,colour,hls\na,A,12°30N,1.5,camp,12.5,red,maybe\n"
            "b,B,95,1,bunker,-3,blue,yes\n,C,1,1,camp,3,,\n",
        ),
        "facilities table": _table(folder, "facilities.csv", "facilities", "id,level,lat\nf,4,0\nf2,2,1,9\n"),
        "airframes table": _table(
            folder,
            "airframes.csv",
            "airframes",
            "id,base,cruise_kmh,range_km,launch_day_min,availability\n"
            'h,"95,200","12,5",x,-,2019-01-01\nh2,"1,2",200,300,10,0.9\n',
        ),
        "settings table": _table(
            folder,
            "settings.csv",
            "settings",
            "key,value,note\nmedevac,2,\ncolour,red,\nname,a,\nname,b,\nground.roads,nowhere.gpkg,\n"
            ',orphan,\npatrols.p1.path,"1,1; 2,2",\npatrols.p1.file,p.geojson,\npatrols.p2.speed,3,\n',
        ),
        "placemarks": _table(
            folder,
            "sites.geojson",
            "sites",
            _geojson(
                _line(props='{"name": "Gao", "colour": "red"}', kind="LineString", xy="[[0, 0], [1, 1]]"),
                _line(props='{"personnel": "many"}', kind="Point", xy="[1, 1]"),
            ),
        ),
        "buffer": _raises(lambda: MissionArea.around(_deg(0.0), _deg(0.0), -1.0)),
        "cell size": _raises(
            lambda: grid_over(MissionArea.around(_deg(0.0, 1.0), _deg(0.0, 1.0), 10.0), 0.0)
        ),
        "cell too big": _raises(
            lambda: grid_over(MissionArea.around(_deg(0.0, 0.1), _deg(0.0, 0.1), 1.0), 500.0)
        ),
        "too many cells": _raises(
            lambda: grid_over(MissionArea.around(_deg(-10.0, 10.0), _deg(-10.0, 10.0), 10.0), 0.05)
        ),
        "pole": _raises(lambda: MissionArea.around(_deg(89.9, 89.8), _deg(0.0, 90.0), 10.0)),
        "conditions option": _raises(lambda: parse_conditions("dusk-dry", parse_scenario(MINIMAL))),
        "candidates": _raises(lambda: parse_csv("id,lat,lon\nm,95,0\n")),
        "candidate columns": _raises(lambda: parse_csv("id,lat,lon,colour\nm,1,0,red\n")),
        "candidate degrees": _raises(lambda: parse_csv("id,lat,lon,airstrip\nm,a,b,no\nn,1,1,perhaps\n")),
        "output exists": _raises(lambda: ensure_writable([folder / "sites.csv"], force=False)),
    }
    return found


def _with_roads_missing(folder: Path) -> Callable[[], str]:
    def run() -> str:
        from medevac.roads.io import read_road_lines

        try:
            read_road_lines(folder / "nowhere.gpkg")
        except MedevacError as error:
            return str(error)
        raise AssertionError("no error")

    return run


def messages_in(language: str, folder: Path) -> dict[str, str]:
    """Each case's message in ``language``, its folder written ``<folder>``."""
    with i18n.using(language):
        return {name: run().replace(str(folder), "<folder>") for name, run in cases(folder).items()}


def english_golden(folder: Path) -> dict[str, str]:
    """The English messages as the code of the moment makes them (run by the code from before
    translation to write :data:`GOLDEN`; ``i18n.using`` did not exist then for all of them,
    and English was all it spoke)."""
    return {name: run().replace(str(folder), "<folder>") for name, run in cases(folder).items()}


# -- what a French message may share with the English one ---------------------------------------

# fmt: off
DATA_WORDS = {
    # keys and values of the scenario format and the intake tables, written as in the file
    "id", "lat", "lon", "name", "kind", "level", "personnel", "hls", "base", "standard", "custom",
    "first_aid", "resuscitation", "surgery", "ground", "roads", "closures", "medevac", "thresholds",
    "conditions", "facilities", "airframes", "sites", "patrols", "path", "file", "true", "false",
    "yes", "no", "oui", "non", "key", "value", "class", "highway", "when", "wet", "always",
    "dry_kmh", "dry_min", "wet_min", "closed_wet", "speeds_kmh", "motorway", "camp", "other",
    "launch", "day", "night", "description", "timeline", "weather", "helipad", "airstrip",
    "ground_team", "cruise_kmh", "range_km", "launch_day_min", "availability", "first_responders",
    "team_site", "tob", "helicopter", "fixed_wing", "scenario", "all", "local", "features",
    "properties", "geometry", "x", "y", "N", "S", "E", "W", "v1", "schema", "day-dry", "day-wet",
    "night-dry", "night-wet",
    # the cases' own columns, keys and ids
    "note", "colour", "color", "light", "f",
    # formats, standards and units, the same in both languages
    "YAML", "UTF-8", "MB", "GeoJSON", "GeoPackage", "shapefile", "CSV", "WGS84", "EPSG", "OSM",
    "LineString", "MultiLineString", "Point", "Polygon", "MultiPolygon", "FeatureCollection",
    "Feature", "km", "km2", "min", "h", "KML", "KMZ", "XLSX", "ODS", "xlsx", "gpkg", "geojson", "csv",
    "tcp", "HOST", "PORT", "UTC", "Dask",
    # French words spelled as English ones
    "minutes", "site", "type", "option", "options", "points", "zone", "position", "latitude",
    "longitude", "alias", "structure", "dictionnaire", "patrouille", "installations", "format",
    "sur", "simple", "texte", "point", "unique", "mission", "s",
}
# fmt: on


SYSTEM_WORDS = os.strerror(errno.ENOENT)
"""The system's reason for a file that cannot be read: its words, not medevac's."""

_DATA = re.compile(
    r"'[^']*'|\"[^\"]*\"|`[^`]*`"  # quoted values
    r"|<[^>]*>\S*|\S+\.(?:yaml|csv|geojson|gpkg)\b"  # files: <folder>/..., <candidates>
    r"|--[\w-]+"  # options
    r"|\b\w+(?:\[\d+\]|\.\w+)+"  # key paths: facilities[0].lat, ground.speeds_kmh
)


def _words(text: str) -> set[str]:
    """The words of a message outside its data: the value shown (``(got ...)``), quoted
    values, files, options and key paths are data, whatever their language."""
    lines = [
        re.sub(r"\((?:got|reçu) .*\)$", " ", line) for line in text.replace(SYSTEM_WORDS, " ").splitlines()
    ]
    unquoted = _DATA.sub(" ", "\n".join(lines))
    return {w for w in re.findall(r"[\w'-]+", unquoted) if re.search(r"[^\W\d_]", w)}


def _quoted(text: str) -> list[str]:
    return re.findall(r"'[^']*'", text)


NAMES = sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))) if GOLDEN.exists() else []
"""The cases of :data:`GOLDEN` (the first test holds every case of :func:`cases` to it)."""


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad")
    english = messages_in("en", folder)
    return english, messages_in("fr", folder)


def test_every_english_message_is_as_it_was(both: tuple[dict[str, str], dict[str, str]]) -> None:
    english, _ = both
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert english == golden


@pytest.mark.parametrize("name", NAMES)
def test_the_french_message_keeps_no_english_interface_word(
    both: tuple[dict[str, str], dict[str, str]], name: str
) -> None:
    english, french = both[0][name], both[1][name]
    assert french != english
    shared = {
        w for w in _words(french) & _words(english) if w not in DATA_WORDS and w.lower() not in DATA_WORDS
    }
    assert shared == set(), french
    assert english.count("\n") == french.count("\n")  # one line per problem, in both


@pytest.mark.parametrize("name", NAMES)
def test_the_french_message_says_the_same_values(
    both: tuple[dict[str, str], dict[str, str]], name: str
) -> None:
    english, french = both[0][name], both[1][name]
    for value in _quoted(english):
        assert value in french or _is_words(value), (value, french)


def _is_words(value: str) -> bool:
    """A quoted value medevac itself writes in words (``'empty file'``, ``'byte 12'``), said in
    the language like the rest of the message."""
    return value.strip("'") in {"empty file", "a list", "a str", "no features"} or value.startswith(
        ("'byte ", "'more than ", "'nested ", "'an alias ", "'aliases expanding", "'an area ")
    )


# -- through the command line ---------------------------------------------------------------------


def _main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


BAD = (
    "medevac: 1\nname: bad\nfacilities:\n  - {id: gao-l2, level: 7, lat: 95, lon: 0, color: red}\n"
    "airframes:\n  - {id: puma-1, base: nowhere, cruise_kmh: 250, range_km: 500, launch: {day: soon}}\n"
    "sites:\n  - {id: ber, lat: 0, lon: 0.1}\n"
)


@pytest.mark.parametrize("command", ["validate", "check"])
def test_validate_and_check_print_french_problems_and_exit_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    status, out, english = _main(command, str(path), "--lang", "en")
    assert (status, out) == (2, "")
    assert english.splitlines() == [
        f"error: {path}: facilities[0].level: must be one of '1', '1+', '2', '2+' or '3' (got '7')",
        f"error: {path}: facilities[0].lat: must be at most 90.0 (got 95)",
        f"error: {path}: facilities[0].color: unknown key; allowed keys: id, name, level, lat, lon, "
        "helipad, airstrip, ground_team (got 'color')",
        f"error: {path}: airframes[0].launch.day: must be a number (got 'soon')",
        f"error: {path}: airframes[0].base: must name a facility (facilities: gao-l2) or be {{lat:, lon:}} "
        "(got 'nowhere')",
    ]
    status, out, french = _main(command, str(path), "--lang", "fr")
    assert (status, out) == (2, "")
    assert french.splitlines() == [
        f"erreur : {path} : facilities[0].level : doit valoir '1', '1+', '2', '2+' ou '3' (reçu '7')",
        f"erreur : {path} : facilities[0].lat : doit valoir au plus 90,0 (reçu 95)",
        f"erreur : {path} : facilities[0].color : clé inconnue ; clés permises : id, name, level, lat, lon, "
        "helipad, airstrip, ground_team (reçu 'color')",
        f"erreur : {path} : airframes[0].launch.day : doit être un nombre (reçu 'soon')",
        f"erreur : {path} : airframes[0].base : doit nommer une installation médicale "
        "(installations : gao-l2) ou être {lat:, lon:} (reçu 'nowhere')",
    ]
    assert "Traceback" not in french


def test_a_bad_road_layer_is_a_french_problem_under_its_key(tmp_path: Path) -> None:
    (tmp_path / "roads.geojson").write_text(_geojson(_line(props='{"class": "canal"}')), encoding="utf-8")
    path = tmp_path / "roads.yaml"
    path.write_text(MINIMAL + "ground: {roads: roads.geojson}\n", encoding="utf-8")
    status, _, english = _main("validate", str(path), "--lang", "en")
    assert status == 2
    assert english.startswith(f"error: {path}: ground.roads: column 'class' has values ['canal']; allowed: [")
    status, _, french = _main("validate", str(path), "--lang", "fr")
    assert status == 2
    assert french.startswith(
        f"erreur : {path} : ground.roads : la colonne 'class' a les valeurs ['canal'] ; permises : ["
    )
    assert french.endswith("(reçu 'roads.geojson')\n")
    status, _, french = _main("check", str(path), "--lang", "fr")  # the same problem, the same words
    assert status == 2 and french.startswith(f"erreur : {path} : ground.roads : la colonne 'class'")


def test_a_bad_intake_table_is_french_through_the_command_line(tmp_path: Path) -> None:
    """``medevac import``'s problems with a table, in French."""
    sites = tmp_path / "sites.csv"
    sites.write_text("id,lat,lon,kind\na,12°30N,1.5,bunker\n", encoding="utf-8")
    argv = ("import", "--sites", str(sites), "--out", str(tmp_path / "out.yaml"), "--lang", "fr")
    status, _, french = _main(*argv)
    assert status == 2
    assert french.splitlines() == [
        f"erreur : {sites} : ligne 2, colonne lat : des degrés décimaux de -90 à 90, par exemple 12.5 ou "
        "-3.25 (ni degrés-minutes-secondes, ni N/S/E/O, ni virgule décimale) (reçu '12°30N')",
        f"erreur : {sites} : ligne 2, colonne kind : l'une des valeurs camp, team_site, tob, other "
        "(reçu 'bunker')",
    ]


def test_a_problem_s_words_are_made_when_it_is_shown_in_the_language_of_then() -> None:
    """A problem keeps its data; its frame (``got``, ``missing``) is said when it is printed,
    and what it allows in the language it was raised in."""
    problem = Problem("a.yaml", "sites[0].lat", None, "required key")
    assert str(problem) == "a.yaml: sites[0].lat: required key (missing)"
    with i18n.using("fr"):
        assert str(problem) == "a.yaml : sites[0].lat : required key (manquante)"
        many = [Problem("a.yaml", f"sites[{k}].id", k, "x") for k in range(53)]
        assert problem_lines(many, limit=50)[-1] == "... et 3 autres problèmes (corrigez d'abord ceux-ci)"
        assert problem_lines(many, limit=52)[-1] == "... et 1 autre problème (corrigez d'abord ceux-ci)"
    assert problem_lines(many, limit=52)[-1] == "... and 1 more problem (fix these first)"


def test_an_intake_cell_is_told_in_the_language_of_the_moment_it_is_read(tmp_path: Path) -> None:
    """The tables' parsers are built once, at import: their words must not be."""
    from medevac.intake.tables import COLUMNS, BadCellError

    cruise = next(column for column in COLUMNS["airframes"] if column.name == "cruise_kmh")
    launch = next(column for column in COLUMNS["airframes"] if column.name == "launch_day_min")
    for parse, english, french in (
        (cruise.parse, "a number (km/h) with a decimal point, such as 12.5",
         "un nombre (km/h) avec un point décimal, par exemple 12.5"),
        (launch.parse, "a number (minutes) with a decimal point, such as 12.5",
         "un nombre (minutes) avec un point décimal, par exemple 12.5"),
    ):  # fmt: skip
        with pytest.raises(BadCellError) as raised:
            parse("12,5")
        assert str(raised.value) == english
        with i18n.using("fr"), pytest.raises(BadCellError) as raised:
            parse("12,5")
        assert str(raised.value) == french


def test_french_numbers_in_problems_take_the_decimal_comma_and_coordinates_keep_their_point(
    tmp_path: Path,
) -> None:
    english, french = messages_in("en", tmp_path), messages_in("fr", tmp_path)
    assert "a cell size at most the area's extent (" in english["cell too big"]
    assert re.search(r"au plus égale à l'étendue de la zone \(\d+,\d km\)", french["cell too big"])
    assert "vertex at lon 500000.0, lat 1500000.0" in english["metres"]
    assert "le sommet en lon 500000.0, lat 1500000.0" in french["metres"]  # coordinates: data
    assert "a scenario file must be at most 0.0001 MB" in english["too big"]
    assert "un fichier de scénario doit faire au plus 0,0001 Mo" in french["too big"]


def test_a_library_export_over_a_file_is_refused_in_french(tmp_path: Path) -> None:
    """``medevac library`` speaks English whole for now (its headlines are not all translated):
    as a translated command its refusal is French; the library's own errors follow their
    block of :mod:`medevac.messages` (``LIBRARY_ERRORS``), translated with the app's words."""
    from medevac.library import Library
    from medevac.scenario import parse_scenario

    library = tmp_path / "library.sqlite"
    saved = Library(library).save(parse_scenario(MINIMAL), (), "as is")
    out = tmp_path / "variant.yaml"
    out.write_text("kept\n", encoding="utf-8")
    argv = ("library", "export", str(saved.id), "--out", str(out), "--library", str(library))
    status, _, english = _main(*argv, "--lang", "en")
    expected = f"error: output already exists: {out} (use --force to overwrite, or choose another --out)\n"
    assert (status, english) == (2, expected)
    status, _, french = _main(*argv, "--lang", "fr")
    expected = (
        f"erreur : la sortie existe déjà : {out} (--force pour l'écraser, ou choisissez un autre --out)\n"
    )
    assert (status, french) == (2, expected)
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_medevac_lang_chooses_the_language_of_the_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("lat: 0, lon: 0}", "lat: 0}"), encoding="utf-8")
    monkeypatch.setenv("MEDEVAC_LANG", "fr")
    status, _, french = _main("validate", str(path))
    assert (status, french) == (2, f"erreur : {path} : facilities[0].lon : clé obligatoire (manquante)\n")
    assert i18n.current_language() == "en"  # the command's language was its own
