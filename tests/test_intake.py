"""``medevac import`` and ``medevac template`` (intake-v1).

The files imported here are written by the tests themselves with openpyxl, the csv module
or zipfile (an ODS and a KMZ are zipped by hand), or kept as a Google Earth export in
tests/data/intake: never by medevac's own writer, so the import is tested on files
"written by another program". The round trips go through medevac's writer on purpose.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
import yaml
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from medevac.cli import main
from medevac.intake.settings import FIXED, PATROL_FIELDS, TABLE_KEYS
from medevac.model import (
    Conditions,
    Ground,
    Location,
    PathFile,
    Patrol,
    Scenario,
    Thresholds,
    Timeline,
    Weather,
)
from medevac.scenario import load_scenario, relocated, scenario_to_mapping

ROOT = Path(__file__).parent.parent
DEMOS = sorted((ROOT / "scenarios").glob("*.yaml"))
KML = Path(__file__).parent / "data" / "intake" / "camps-google-earth.kml"
UNMISS = ROOT / "scenarios" / "unmiss.yaml"

Rows = Sequence[Sequence[object]]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook as another program would write it: plain openpyxl, no medevac."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{word}">'
            f"<text:p>{word.upper()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    string = escape(str(value))
    return f'<table:table-cell office:value-type="string"><text:p>{string}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """A minimal OpenDocument spreadsheet, zipped by hand (mimetype, manifest, content)."""
    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def write_csv(path: Path, rows: Rows, delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


# A small mission on real geography (South Sudan): two facilities, two airframes, three sites.
FACILITIES: Rows = [
    ["id", "name", "level", "lat", "lon", "helipad", "airstrip", "ground_team"],
    ["juba-l2", "Level 2, Juba", 2, 4.815, 31.525, "yes", "no", "yes"],
    ["bor-l1", "Level 1, Bor", "1", 6.195, 31.595, True, "oui", None],
]
AIRFRAMES: Rows = [
    ["id", "type", "kind", "base", "cruise_kmh", "range_km", "launch_day_min", "launch_night_min",
     "night", "medical_team", "available", "availability"],
    ["mi17-1", "Mi-17", "helicopter", "juba-l2", 230, 465, 30, 60, "TRUE", "1", None, 0.9],
    ["dash8", "Dash 8", "fixed_wing", "4.872,31.601", 450, 1800, 60, None, "non", "no", "yes", None],
]  # fmt: skip
SITES: Rows = [
    ["id", "name", "lat", "lon", "kind", "personnel", "first_responders", "hls", "airstrip"],
    ["bor-camp", "Bor camp", 6.198, 31.59, "camp", 900, None, None, "yes"],
    ["yei", "Yei team site", 4.094, 30.676, "team_site", 80, "Oui", "1", "0"],
    ["leer", None, 8.303, 30.141, "tob", None, "NO", "False", None],
]


def check_mission(scenario: Scenario) -> None:
    """The values of FACILITIES, AIRFRAMES and SITES, with the spec's defaults for empties."""
    juba, bor = scenario.facilities
    assert (juba.id, juba.level, juba.lat, juba.lon, juba.airstrip) == ("juba-l2", "2", 4.815, 31.525, False)
    assert (bor.level, bor.helipad, bor.airstrip, bor.ground_team) == ("1", True, True, True)
    mi17, dash8 = scenario.airframes
    assert (mi17.base, mi17.cruise_kmh, mi17.launch.day, mi17.launch.night) == ("juba-l2", 230, 30, 60)
    assert (mi17.night, mi17.medical_team, mi17.available, mi17.availability) == (True, True, True, 0.9)
    assert dash8.base == Location(lat=4.872, lon=31.601)
    assert (dash8.kind, dash8.launch.night, dash8.night, dash8.medical_team) == (
        "fixed_wing",
        None,
        False,
        False,
    )
    assert dash8.availability == 1.0
    camp, yei, leer = scenario.sites
    assert (camp.personnel, camp.first_responders, camp.hls, camp.airstrip) == (900, True, True, True)
    assert (yei.kind, yei.first_responders, yei.hls, yei.airstrip) == ("team_site", True, True, False)
    assert (leer.name, leer.personnel, leer.first_responders, leer.hls) == (None, 0, False, False)


# -- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("demo", DEMOS, ids=[d.stem for d in DEMOS])
def test_template_from_then_import_gives_the_scenario_back(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "out").mkdir()
    book = tmp_path / "book" / f"{demo.stem}.xlsx"
    out = tmp_path / "out" / f"{demo.stem}.yaml"
    assert run_cli(capsys, "template", "--from", demo, "--out", book)[0] == 0
    status, printed, err = run_cli(capsys, "import", book, "--out", out)
    assert status == 0, err
    assert "written" in printed
    original = relocated(load_scenario(demo), out.parent)
    back = load_scenario(out)
    assert back == original
    # Exactly what the author wrote, no defaults injected: the same file, modulo comments.
    assert scenario_to_mapping(back) == scenario_to_mapping(original)
    assert run_cli(capsys, "validate", out)[0] == 0
    assert len(back.patrols) == 2 and back.ground.roads is not None
    roads = load_scenario(demo).ground.roads
    assert roads is not None
    assert (out.parent / back.ground.roads).resolve() == (demo.parent / roads).resolve()


def test_the_filled_workbook_carries_files_and_patrols_in_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = ROOT / "scenarios" / "minusma-north.yaml"
    book = tmp_path / "mission.xlsx"
    assert run_cli(capsys, "template", "--from", demo, "--out", book)[0] == 0
    sheet = openpyxl.load_workbook(book)["settings"]
    settings = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    roads = Path(str(settings["ground.roads"]))
    assert (tmp_path / roads).resolve() == (
        ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson"
    ).resolve()
    assert settings["ground.convoy_factor"] == 0.75
    assert settings["name"] == "MINUSMA north and east (illustrative)"
    assert settings["patrols.gao-ansongo-menaka.personnel"] == 40
    assert (
        settings["patrols.gao-ansongo-menaka.path"] == "16.27167,-0.04472; 15.6597,0.5022; 15.91985,2.39609"
    )
    patrol_file = Path(str(settings["patrols.kidal-anefis.file"]))
    assert (tmp_path / patrol_file).resolve() == (ROOT / "scenarios" / "minusma-patrols.geojson").resolve()
    assert settings["weather.dry"] is None  # left to the default: empty


# -- the template ---------------------------------------------------------------------------


def _validations(sheet: Worksheet) -> dict[str, str]:
    """Column header -> the list of its drop-down, for list validations on a whole column."""
    headers = {get_column_letter(index): cell.value for index, cell in enumerate(sheet[1], start=1)}
    lists = {}
    for check in sheet.data_validations.dataValidation:
        if check.type != "list":
            continue
        for cells in str(check.sqref).split():  # such as D2:D1000
            first, _, last = cells.partition(":")
            assert first.rstrip("0123456789") == last.rstrip("0123456789")  # one column
            assert first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "2"  # from the first data row
            lists[str(headers[first.rstrip("0123456789")])] = str(check.formula1)
    return lists


def test_template_has_headers_units_lists_and_one_example_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book_path = tmp_path / "medevac-template.xlsx"
    status, printed, _ = run_cli(capsys, "template", "--out", book_path)
    assert status == 0 and "written" in printed
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[:4] == ["sites", "facilities", "airframes", "settings"]
    sites, facilities, airframes = book["sites"], book["facilities"], book["airframes"]
    assert [c.value for c in sites[1]] == [
        "id", "name", "lat", "lon", "kind", "personnel", "first_responders", "hls", "airstrip",
    ]  # fmt: skip
    assert [c.value for c in airframes[1]][-4:] == ["night", "medical_team", "available", "availability"]
    for sheet in (sites, facilities, airframes):
        assert sheet.max_row == 2  # the header and one example row
    assert "Unit: degrees" in str(sites["C1"].comment.text)
    assert "Unit: km/h" in str(airframes["E1"].comment.text)
    assert _validations(facilities) == {
        "level": '"1,1+,2,2+,3"',
        "helipad": '"yes,no"',
        "airstrip": '"yes,no"',
        "ground_team": '"yes,no"',
    }
    assert _validations(sites)["kind"] == '"camp,team_site,tob,other"'
    assert _validations(sites)["hls"] == '"yes,no"'
    assert _validations(airframes)["kind"] == '"helicopter,fixed_wing"'
    assert {"night", "medical_team", "available"} <= set(_validations(airframes))
    keys = [row[0] for row in book["settings"].iter_rows(min_row=2, values_only=True)]
    assert {
        "name",
        "standard",
        "conditions.light",
        "timeline.approval",
        "ground.road_kmh",
        "weather.wet",
    } <= set(keys)


def test_the_template_imports_with_its_example_and_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book_path = tmp_path / "plan.xlsx"
    assert run_cli(capsys, "template", "--out", book_path)[0] == 0
    kept = tmp_path / "kept.yaml"
    assert run_cli(capsys, "import", book_path, "--out", kept)[0] == 0
    scenario = load_scenario(kept)
    assert scenario.name == "plan"  # no name in settings: the workbook's
    assert [f.id for f in scenario.facilities] == ["example-l2"]
    assert scenario.airframes[0].base == "example-l2"
    assert scenario.sites[0].personnel == 800

    book = openpyxl.load_workbook(book_path)
    for role in ("sites", "facilities", "airframes"):
        book[role].delete_rows(2)
    book["settings"]["B2"] = "Sector West"
    emptied = tmp_path / "emptied.xlsx"
    book.save(emptied)
    out = tmp_path / "emptied.yaml"
    assert run_cli(capsys, "import", emptied, "--out", out)[0] == 0
    scenario = load_scenario(out)
    assert (scenario.name, scenario.facilities, scenario.sites) == ("Sector West", (), ())
    assert scenario.timeline == Timeline()
    assert run_cli(capsys, "validate", out)[0] == 0


def test_a_french_template_speaks_french_and_imports_to_the_same_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``medevac template --lang fr``: the notes, lists' messages, help sheet and example names
    in French; the sheets, columns, keys, codes and numbers (what the import reads) as in
    English, so both import to the same scenario but for the examples' names."""
    paths = {language: tmp_path / f"plan-{language}.xlsx" for language in ("en", "fr")}
    for language, path in paths.items():
        assert run_cli(capsys, "template", "--out", path, "--lang", language)[0] == 0
    english, french = (openpyxl.load_workbook(path) for path in paths.values())
    assert french.sheetnames == english.sheetnames
    for role in ("sites", "facilities", "airframes", "settings"):
        assert [c.value for c in french[role][1]] == [c.value for c in english[role][1]]
    assert str(french["sites"]["C1"].comment.text) == (
        "Unité : degrés. Permis : degrés décimaux, de -90 à 90. Obligatoire."
    )
    assert str(english["sites"]["C1"].comment.text) == (
        "Unit: degrees. Allowed: decimal degrees, -90 to 90. Required."
    )
    assert french["sites"]["B2"].value == "Exemple de camp (remplacez ou supprimez cette ligne)"
    assert [c.value for c in french["sites"][2]][2:] == [c.value for c in english["sites"][2]][2:]
    assert _validations(french["sites"]) == _validations(english["sites"])  # the codes a cell takes
    help_rows = list(french["help"].iter_rows(values_only=True))
    assert help_rows[0] == ("feuille", "colonne ou clé", "unité", "permis", "si vide")
    assert ("sites", "personnel", "personnes", "un nombre entier, 0 ou plus", "0") in help_rows
    assert ("Cette feuille d'aide n'est pas lue par medevac import.",) in [r[:1] for r in help_rows]
    imported = {}
    for language, path in paths.items():
        out = tmp_path / f"{language}.yaml"
        assert run_cli(capsys, "import", path, "--out", out)[0] == 0
        imported[language] = load_scenario(out)
    en, fr = imported["en"], imported["fr"]
    assert [s.model_copy(update={"name": None}) for s in fr.sites] == [
        s.model_copy(update={"name": None}) for s in en.sites
    ]
    assert fr.facilities[0].model_copy(update={"name": None}) == en.facilities[0].model_copy(
        update={"name": None}
    )
    assert fr.airframes[0].base == en.airframes[0].base and fr.timeline == en.timeline


# -- workbooks, ODS and CSV written by another program --------------------------------------


def test_workbook_written_by_another_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings: Rows = [
        ["Key", "Value"],
        ["name", "Sector South"],
        ["conditions.light", "Night"],
        ["timeline.approval", 15],
        ["ground.road_kmh", "35.5"],
        ["weather.dry", 0.05],
        ["weather.wet", 0.3],
        ["ground.speeds_kmh.track", 20],
        ["patrols.juba-yei.path", "4.85165,31.58247; 4.09444,30.67639"],
        ["patrols.juba-yei.personnel", 30],
    ]
    # Columns in another order and case; a sheet name in capitals; a notes sheet.
    sites = [[row[i] for i in (3, 2, 0, 1, 4, 5, 6, 7, 8)] for row in SITES]
    sites[0] = [str(name).upper() for name in sites[0]]
    book = write_xlsx(
        tmp_path / "south.xlsx",
        {
            "Sites": sites,
            "facilities": FACILITIES,
            "airframes": AIRFRAMES,
            "settings": settings,
            "notes": [["x"]],
        },
    )
    out = tmp_path / "south.yaml"
    status, _, err = run_cli(capsys, "import", book, "--out", out)
    assert status == 0, err
    assert "sheet notes ignored" in err
    scenario = load_scenario(out)
    check_mission(scenario)
    assert scenario.name == "Sector South"
    assert scenario.conditions == Conditions(light="night")
    assert (scenario.timeline.approval, scenario.timeline.request) == (15, 10)
    assert scenario.ground.road_kmh == 35.5 and scenario.ground.speeds_kmh == {"track": 20}
    assert scenario.weather == Weather(dry=0.05, wet=0.3)
    (patrol,) = scenario.patrols
    assert (patrol.id, patrol.personnel) == ("juba-yei", 30)
    assert patrol.path == (Location(lat=4.85165, lon=31.58247), Location(lat=4.09444, lon=30.67639))
    assert run_cli(capsys, "check", out, "--format", "json")[0] == 0


def test_ods_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write_ods(
        tmp_path / "mission.ods",
        {
            "sites": SITES,
            "facilities": FACILITIES,
            "airframes": AIRFRAMES,
            "settings": [["key", "value"], ["standard", "nato-10-1-2-2"]],
        },
    )
    out = tmp_path / "mission.yaml"
    status, _, err = run_cli(capsys, "import", book, "--out", out)
    assert status == 0, err
    scenario = load_scenario(out)
    check_mission(scenario)
    assert (scenario.name, scenario.standard) == ("mission", "nato-10-1-2-2")


def test_ods_bad_cells_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = [list(row) for row in SITES]
    sites[2][2] = "4°5'N"
    book = write_ods(tmp_path / "bad.ods", {"sites": sites})
    status, _, err = run_cli(capsys, "import", book, "--out", tmp_path / "bad.yaml")
    assert status == 2
    assert f"{book}: sheet sites, row 3, column lat (C): decimal degrees from -90 to 90" in err
    assert '(got "4°5\'N")' in err


def test_csv_trio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = write_csv(tmp_path / "camps.csv", SITES)
    facilities = write_csv(tmp_path / "fac.csv", FACILITIES, delimiter=";")  # as French Excel writes it
    airframes = write_csv(tmp_path / "air.csv", AIRFRAMES)
    out = tmp_path / "trio.yaml"
    argv = ("import", "--sites", sites, "--facilities", facilities, "--airframes", airframes, "--out", out)
    status, printed, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert printed == f"{out}: written (2 facilities, 2 airframes, 3 sites, 0 patrols)\n"
    scenario = load_scenario(out)
    check_mission(scenario)
    assert scenario.name == "camps"  # named after the sites file


def test_csv_with_settings_and_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = write_csv(tmp_path / "camps.csv", SITES)
    settings = write_csv(tmp_path / "settings.csv", [["key", "value"], ["conditions.season", "wet"]])
    out = tmp_path / "wet.yaml"
    argv = ("import", "--sites", sites, "--settings", settings, "--base", UNMISS, "--out", out)
    status, _, err = run_cli(capsys, *argv)
    assert status == 0, err
    scenario, base = load_scenario(out), load_scenario(UNMISS)
    assert [s.id for s in scenario.sites] == ["bor-camp", "yei", "leer"]
    assert scenario.conditions.season == "wet"
    assert (scenario.name, scenario.facilities, scenario.airframes) == (
        base.name,
        base.facilities,
        base.airframes,
    )
    assert scenario.ground.roads is not None and (tmp_path / scenario.ground.roads).exists()


# -- KML, KMZ, GeoJSON ----------------------------------------------------------------------


def check_kml_sites(scenario: Scenario) -> None:
    bor, yei, checkpoint, second = scenario.sites
    assert (bor.id, bor.name, bor.lat, bor.lon) == ("bor-camp", "Bor camp", 6.198, 31.59)
    assert (bor.kind, bor.personnel, bor.airstrip, bor.hls) == ("camp", 900, True, True)
    assert (yei.id, yei.kind, yei.personnel) == ("yei", "team_site", 80)  # the placemark's own id
    assert (checkpoint.id, checkpoint.hls, checkpoint.personnel) == ("Checkpoint", False, 25)
    assert (second.id, second.name, second.kind, second.personnel) == (
        "Checkpoint-2",
        "Checkpoint",
        "other",
        0,
    )


def test_kml_sites_with_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "kml.yaml"
    status, _, err = run_cli(capsys, "import", "--sites", KML, "--base", UNMISS, "--out", out)
    assert status == 0, err
    scenario, base = load_scenario(out), load_scenario(UNMISS)
    check_kml_sites(scenario)
    assert (scenario.name, scenario.facilities, scenario.airframes) == (
        base.name,
        base.facilities,
        base.airframes,
    )
    assert [p.id for p in scenario.patrols] == ["juba-yei", "bentiu-leer"]
    assert run_cli(capsys, "validate", out)[0] == 0


def test_kmz_sites_with_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kmz = tmp_path / "camps.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", KML.read_bytes())
        archive.writestr("files/icon.png", b"\x89PNG")
    out = tmp_path / "kmz.yaml"
    status, _, err = run_cli(capsys, "import", "--sites", kmz, "--base", UNMISS, "--out", out)
    assert status == 0, err
    check_kml_sites(load_scenario(out))


def test_kml_without_namespace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kml = tmp_path / "bare.kml"
    kml.write_text(
        "<kml><Document><Placemark><name>Torit</name><Point><coordinates>32.572,4.414</coordinates>"
        "</Point></Placemark></Document></kml>",
        encoding="utf-8",
    )
    out = tmp_path / "bare.yaml"
    assert run_cli(capsys, "import", "--sites", kml, "--base", UNMISS, "--out", out)[0] == 0
    (site,) = load_scenario(out).sites
    assert (site.id, site.lat, site.lon) == ("Torit", 4.414, 32.572)


def test_geojson_sites_with_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def feature(properties: dict[str, object], lon: float, lat: float, **extra: object) -> dict[str, object]:
        return {
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            **extra,
        }

    document = {
        "type": "FeatureCollection",
        "features": [
            feature(
                {"id": "wau", "name": "Wau camp", "personnel": 800, "kind": "camp", "fid": 1}, 27.985, 7.702
            ),
            feature({"name": "Aweil", "hls": False, "marker-color": "#f00"}, 27.392, 8.762, id="aweil-ts"),
            feature({"name": "Aweil", "first_responders": "non"}, 27.4, 8.7),
        ],
    }
    sites = tmp_path / "sites.geojson"
    sites.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "geojson.yaml"
    status, _, err = run_cli(capsys, "import", "--sites", sites, "--base", UNMISS, "--out", out)
    assert status == 0, err
    assert "property 'fid' ignored on 1 feature(s)" in err
    wau, aweil, second = load_scenario(out).sites
    assert (wau.id, wau.name, wau.personnel, wau.kind) == ("wau", "Wau camp", 800, "camp")
    assert (aweil.id, aweil.hls, aweil.lat, aweil.lon) == ("aweil-ts", False, 8.762, 27.392)
    assert (second.id, second.first_responders) == ("Aweil", False)


def test_placemark_problems_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Road"},
             "geometry": {"type": "LineString", "coordinates": [[30, 4], [31, 5]]}},
            {"type": "Feature", "properties": {"personnel": "many"},
             "geometry": {"type": "Point", "coordinates": [30, 4]}},
            {"type": "Feature", "properties": {"name": "Swapped"},
             "geometry": {"type": "Point", "coordinates": [4, 130]}},
        ],
    }  # fmt: skip
    sites = tmp_path / "bad.geojson"
    sites.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "bad.yaml"
    status, _, err = run_cli(capsys, "import", "--sites", sites, "--base", UNMISS, "--out", out)
    assert status == 2
    assert (
        f"{sites}: feature 1 ('Road'), property coordinates: a point (one lon,lat position) "
        "(got 'LineString')" in err
    )
    assert f"{sites}: feature 2: a name or an id (a site needs one) (missing)" in err
    assert f"{sites}: feature 2, property personnel: a whole number, 0 or more (got 'many')" in err
    assert f"{sites}: feature 3 ('Swapped'), property coordinates: decimal degrees from -90 to 90" in err
    assert len(err.splitlines()) == 4  # a point missing is not also three empty cells
    assert not out.exists()


def test_a_bad_base_is_named_and_nothing_else_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "medevac: 1\nname: b\nfacilities:\n  - {id: f, level: 4, lat: 1, lon: 1}\n", encoding="utf-8"
    )
    airframes = write_csv(tmp_path / "air.csv", AIRFRAMES)  # based at juba-l2, which the base lacks
    out = tmp_path / "x.yaml"
    status, _, err = run_cli(capsys, "import", "--airframes", airframes, "--base", base, "--out", out)
    assert status == 2
    assert (
        err == f"error: {base}: facilities[0].level: must be one of '1', '1+', '2', '2+' or '3' (got '4')\n"
    )
    assert not out.exists()


# -- every bad cell named, all at once ------------------------------------------------------


def test_every_bad_cell_is_named_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites: Rows = [
        ["id", "name", "lat", "lon", "kind", "personnel", "hls", "colour"],
        ["a", "A", "12°30'N", 31.0, "camp", 10, "oui", "red"],
        ["b", "B", "12,5", 31.0, "base", -3, "maybe", None],
        ["a", "C", 95, 31.0, None, 1.5, None, None],
    ]
    facilities: Rows = [
        ["id", "level", "lat", "lon", "helipad"],
        ["f1", 4, 4.8, 31.5, "x"],
        ["f2", 2, None, 31.5, "yes"],
    ]
    airframes: Rows = [
        ["id", "base", "cruise_kmh", "range_km", "launch_day_min", "availability"],
        ["h1", "nowhere", 0, 465, 30, 1.5],
        ["h2", "12.5,200", 230, 465, None, None],
    ]
    settings: Rows = [
        ["key", "value"],
        ["standard", "custom"],
        ["timeline.aproval", 5],
        ["ground.road_kmh", "fast"],
        ["weather.wet", 2],
    ]
    book = write_xlsx(
        tmp_path / "bad.xlsx",
        {"sites": sites, "facilities": facilities, "airframes": airframes, "settings": settings},
    )
    out = tmp_path / "bad.yaml"
    status, printed, err = run_cli(capsys, "import", book, "--out", out)
    assert (status, printed) == (2, "")
    assert not out.exists()
    assert "Traceback" not in err
    lines = err.splitlines()
    expected = [
        "sheet sites, row 1, column colour (H): unknown column; the columns of sites are id, name, lat, lon, "
        "kind, personnel, first_responders, hls, airstrip (got 'colour')",
        "sheet sites, row 2, column lat (C): decimal degrees from -90 to 90, such as 12.5 or -3.25 "
        '(no degrees-minutes-seconds, no N/S/E/W, no decimal comma) (got "12°30\'N")',
        "sheet sites, row 3, column lat (C): decimal degrees from -90 to 90, such as 12.5 or -3.25 "
        "(no degrees-minutes-seconds, no N/S/E/W, no decimal comma) (got '12,5')",
        "sheet sites, row 3, column kind (E): one of camp, team_site, tob, other (got 'base')",
        "sheet sites, row 3, column personnel (F): a whole number, 0 or more (got -3)",
        "sheet sites, row 3, column hls (G): true/false, yes/no, 1/0 or oui/non (got 'maybe')",
        "sheet sites, row 4, column lat (C): decimal degrees from -90 to 90",
        "sheet sites, row 4, column personnel (F): a whole number, 0 or more (got 1.5)",
        "sheet sites, row 2, column id (A): ids must be unique across facilities, airframes and sites "
        "(got 'a')",
        "sheet sites, row 4, column id (A): ids must be unique across facilities, airframes and sites "
        "(got 'a')",
        "sheet facilities, row 2, column level (B): one of 1, 1+, 2, 2+, 3 (got 4)",
        "sheet facilities, row 2, column helipad (E): true/false, yes/no, 1/0 or oui/non (got 'x')",
        "sheet facilities, row 3, column lat (C): a value (required; the cell is empty) (missing)",
        "sheet airframes, row 2, column base (B): must name a facility (facilities: f1, f2) "
        "or be lat,lon in one cell (got 'nowhere')",
        "sheet airframes, row 2, column cruise_kmh (C): must be greater than 0",
        "sheet airframes, row 2, column availability (F): must be at most 1",
        "sheet airframes, row 3, column base (B): a facility id, or lat,lon in decimal degrees, such as "
        "16.25,-0.01 (latitude -90 to 90, longitude -180 to 180) (got '12.5,200')",
        "sheet airframes, row 3, column launch_day_min (E): a value (required; the cell is empty) (missing)",
        "sheet settings, row 2 ('standard'), column value (B): required with standard: custom",
        "sheet settings, row 3, column key (A): unknown key; keys are name, description, standard,",
        "sheet settings, row 4 ('ground.road_kmh'), column value (B): a number (km/h) with a decimal point, "
        "such as 12.5 (got 'fast')",
        "sheet settings, row 5 ('weather.wet'), column value (B): must be at most 1",
    ]
    for text in expected:
        matching = [line for line in lines if line.startswith(f"error: {book}: {text}")]
        assert len(matching) == 1, (text, err)
    assert len(lines) == len(expected)
    # In the order a planner goes through the workbook: sheet by sheet, row by row.
    order = ["sites", "facilities", "airframes", "settings"]
    places = []
    for line in lines:
        match = re.search(r"sheet (\w+), row (\d+)", line)
        assert match is not None
        places.append((order.index(match[1]), int(match[2])))
    assert places == sorted(places)


def test_missing_column_named_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = write_csv(tmp_path / "camps.csv", [["id", "lat"], ["a", 1], ["b", 2]])
    status, _, err = run_cli(capsys, "import", "--sites", csv_file, "--out", tmp_path / "x.yaml")
    assert status == 2
    assert err == (
        f"error: {csv_file}: a column lon is required in sites (columns: id, name, lat, lon, kind, "
        "personnel, first_responders, hls, airstrip) (missing)\n"
    )


def test_settings_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings: Rows = [
        ["key", "value", "note"],
        ["name", "One", None],
        ["name", "Two", None],
        ["ground.roads", "no-such-roads.gpkg", None],
        ["patrols.p1.personnel", 20, None],
        ["conditions.light", "dusk", None],
    ]
    book = write_xlsx(tmp_path / "s.xlsx", {"sites": SITES, "settings": settings})
    status, _, err = run_cli(capsys, "import", book, "--out", tmp_path / "s.yaml")
    assert status == 2
    where = f"error: {book}: sheet settings"
    assert f"{where}, row 1, column note (C): unknown column; settings have two columns, key and value" in err
    assert f"{where}, row 3, column key (A): a key given once (also row 2) (got 'name')" in err
    looked_for = tmp_path.resolve() / "no-such-roads.gpkg"
    assert (
        f"{where}, row 4 ('ground.roads'), column value (B): an existing file (looked for {looked_for})"
        in err
    )
    assert f"{where}, row 5 ('patrols.p1.personnel'), column value (B): a row patrols.p1.path" in err
    assert f"{where}, row 6 ('conditions.light'), column value (B): one of day, night (got 'dusk')" in err


def test_out_is_never_replaced_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sites = write_csv(tmp_path / "camps.csv", SITES)
    out = tmp_path / "exists.yaml"
    out.write_text("keep me", encoding="utf-8")
    status, _, err = run_cli(capsys, "import", "--sites", sites, "--out", out)
    assert status == 2
    assert f"error: {out}: --out: a file that does not exist yet (use --force to replace it)" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run_cli(capsys, "import", "--sites", sites, "--out", out, "--force")[0] == 0
    assert [s.id for s in load_scenario(out).sites] == ["bor-camp", "yei", "leer"]

    book = tmp_path / "t.xlsx"
    book.write_bytes(b"keep")
    status, _, err = run_cli(capsys, "template", "--out", book)
    assert status == 2 and "use --force to replace it" in err
    assert book.read_bytes() == b"keep"
    assert run_cli(capsys, "template", "--out", book, "--force")[0] == 0


def test_template_out_must_be_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_cli(capsys, "template", "--out", tmp_path / "t.ods")
    assert status == 2 and "a .xlsx workbook (got '.ods')" in err
    assert not (tmp_path / "t.ods").exists()


def test_unreadable_inputs_are_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    kml = tmp_path / "broken.kml"
    kml.write_text("<kml><Placemark>", encoding="utf-8")
    out = tmp_path / "x.yaml"
    status, _, err = run_cli(capsys, "import", broken, "--sites", kml, "--airframes", KML, "--out", out)
    assert status == 2
    assert f"error: {broken}: a readable XLSX or ODS workbook" in err
    assert f"error: {kml}: well-formed KML" in err
    assert f"error: {KML}: --airframes: a file: .csv, .tsv, .txt (got '.kml')" in err
    assert not out.exists()


def test_import_as_a_planner_runs_it(tmp_path: Path) -> None:
    """``python -m medevac import`` on a bad file: exit 2, messages, no traceback."""
    sites = write_csv(tmp_path / "camps.csv", [["id", "lat", "lon"], ["a", "12°30'N", "3"]])
    result = subprocess.run(
        [sys.executable, "-m", "medevac", "import", "--sites", str(sites), "--out", str(tmp_path / "x.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert f"{sites}: row 2, column lat: decimal degrees" in result.stderr
    assert "Traceback" not in result.stderr


# -- the settings keys follow the model ------------------------------------------------------


def test_every_scenario_key_has_a_column_or_a_setting() -> None:
    """A key added to the model without a settings row would be lost on a round trip."""
    keyed = set(FIXED) | set(TABLE_KEYS)
    for section, model in (
        ("thresholds", Thresholds),
        ("conditions", Conditions),
        ("timeline", Timeline),
        ("ground", Ground),
        ("weather", Weather),
    ):
        for name in model.model_fields:
            assert f"{section}.{name}" in keyed, f"{section}.{name}"
    lists = {"facilities", "airframes", "sites", "patrols"}
    sections = {"thresholds", "conditions", "timeline", "ground", "weather", "medevac"}
    assert set(Scenario.model_fields) - lists - sections <= set(FIXED)
    # A patrol is its id (in the key), name, personnel, and a path: points or a file.
    assert set(Patrol.model_fields) == {"id", "name", "personnel", "path"}
    assert set(PATROL_FIELDS) == {"name", "personnel", "path", "file"}
    assert PathFile.model_fields.keys() == {"file"}


def test_written_scenario_is_plain_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The output is a spec v1 file anyone can read: keys of the spec, no medevac internals."""
    out = tmp_path / "trio.yaml"
    sites = write_csv(tmp_path / "camps.csv", SITES)
    assert run_cli(capsys, "import", "--sites", sites, "--out", out)[0] == 0
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert document["medevac"] == 1 and document["name"] == "camps"
    assert document["sites"][2] == {
        "id": "leer", "lat": 8.303, "lon": 30.141, "kind": "tob", "first_responders": False, "hls": False,
    }  # fmt: skip


def test_round_trip_keeps_every_bit_and_every_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """17-digit floats, text that looks like a formula or a number, a base point, closures."""
    (tmp_path / "flood.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    document = {
        "medevac": 1,
        "name": "=Sector 7",
        "description": "two\nlines",
        "standard": "custom",
        "thresholds": {"first_aid": 10, "resuscitation": 0.1 + 0.2 + 59.7, "surgery": 120},
        "ground": {"closures": ["flood.geojson", "flood.geojson"], "wet_factors": {"track": 0}},
        "weather": {"wet": 0.1 + 0.2},
        "facilities": [{"id": "101", "level": "2+", "lat": 1 / 3, "lon": 31.0, "helipad": False}],
        "airframes": [
            {
                "id": "h",
                "base": {"lat": 4.872, "lon": 0.1 + 0.2},
                "cruise_kmh": 230,
                "range_km": 465,
                "launch": {"day": 30},
                "availability": 0.95,
            }
        ],
        "patrols": [{"id": "p.1", "path": [{"lat": 1 / 3, "lon": 31}, {"lat": 2 / 3, "lon": 31.5}]}],
    }
    scenario_file = tmp_path / "s.yaml"
    scenario_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    book, out = tmp_path / "s.xlsx", tmp_path / "back.yaml"
    assert run_cli(capsys, "template", "--from", scenario_file, "--out", book)[0] == 0
    status, _, err = run_cli(capsys, "import", book, "--out", out)
    assert status == 0, err
    original, back = load_scenario(scenario_file), load_scenario(out)
    assert back == original
    assert scenario_to_mapping(back) == scenario_to_mapping(original)
    assert back.name == "=Sector 7" and back.facilities[0].id == "101"


def test_generated_placemark_ids_give_way_to_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """simplekml numbers every placemark ``feat_N``; GIS exports number features 0, 1, 2."""
    kml = tmp_path / "simplekml.kml"
    kml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        '<Document id="feat_1"><Placemark id="feat_2"><name>Torit</name>'
        '<Point id="geom_0"><coordinates>32.572,4.414,0.0</coordinates></Point></Placemark>'
        '<Placemark id="mangalla"><name>Mangalla TOB</name>'
        '<Point id="geom_1"><coordinates>31.77,5.2,0.0</coordinates></Point></Placemark>'
        "</Document></kml>",
        encoding="utf-8",
    )
    out = tmp_path / "k.yaml"
    assert run_cli(capsys, "import", "--sites", kml, "--base", UNMISS, "--out", out)[0] == 0
    assert [s.id for s in load_scenario(out).sites] == ["Torit", "mangalla"]

    features = [
        {"type": "Feature", "id": 0, "properties": {"name": "Juba", "level": "2+", "airstrip": "yes"},
         "geometry": {"type": "Point", "coordinates": [31.525, 4.815]}},
        {"type": "Feature", "id": 1, "properties": {"id": "bor", "name": "Bor", "level": 1},
         "geometry": {"type": "Point", "coordinates": [31.595, 6.195]}},
    ]  # fmt: skip
    facilities = tmp_path / "facilities.geojson"
    facilities.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    sites = write_csv(tmp_path / "camps.csv", SITES)
    out = tmp_path / "f.yaml"
    status, _, err = run_cli(capsys, "import", "--sites", sites, "--facilities", facilities, "--out", out)
    assert status == 0, err
    juba, bor = load_scenario(out).facilities
    assert (juba.id, juba.level, juba.airstrip, juba.lat, juba.lon) == ("Juba", "2+", True, 4.815, 31.525)
    assert (bor.id, bor.level, bor.airstrip) == ("bor", "1", False)
