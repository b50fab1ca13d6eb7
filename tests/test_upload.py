"""Uploads (medevac.intake.upload): a mission with the files it names, as several files or a
.zip of its folder, read from a sandbox folder and nothing outside it.

Expected scenarios come from the ordinary readers on the files where they lie in the
repository (load_scenario, import_scenario), so an upload must give the same mission.
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from medevac.check import check
from medevac.errors import ScenarioError
from medevac.intake import Sources, import_scenario, write_template
from medevac.intake.upload import Limits, UploadedFile, named_files, open_upload
from medevac.scenario import load_scenario, scenario_from_mapping, scenario_to_mapping

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
ROADS = ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson"
PATROLS = ROOT / "scenarios" / "minusma-patrols.geojson"


def file(path: Path, name: str | None = None) -> UploadedFile:
    return UploadedFile(name or path.name, path.read_bytes())


def zipped(entries: dict[str, bytes], name: str = "mission.zip") -> UploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return UploadedFile(name, out.getvalue())


def problems_of(
    mission: UploadedFile, others: list[UploadedFile], sandbox: Path, **limits: float
) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        open_upload(mission, others, sandbox, Limits(**limits) if limits else None)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def same_times(a: object, b: object) -> None:
    from medevac.check import CheckResult

    assert isinstance(a, CheckResult) and isinstance(b, CheckResult)
    assert a.site_rows() == b.site_rows()


def test_the_demo_with_its_road_layer_and_patrols_uploaded_beside_it(tmp_path: Path) -> None:
    """The demo names ``../medevac/geodata/minusma/roads.geojson``: the uploaded roads.geojson
    answers it by its file name, and the road times are the demo's own."""
    demo = load_scenario(DEMO)
    assert demo.ground.roads == "../medevac/geodata/minusma/roads.geojson"
    mission = open_upload(file(DEMO), [file(ROADS), file(PATROLS)], tmp_path)
    assert mission.label == "minusma-north.yaml"
    assert scenario_to_mapping(mission.scenario) == scenario_to_mapping(demo)  # the names as written
    same_times(check(mission.scenario), check(demo))
    folder = mission.scenario.source_dir
    assert (folder / demo.ground.roads).resolve().read_bytes() == ROADS.read_bytes()
    assert folder.resolve().is_relative_to(tmp_path.resolve())
    # Only the mission and the files it names are written, each where its name points.
    # (The mission sits one folder deep, so that its ../ name lands inside the sandbox.)
    assert files_in(tmp_path) == [
        "_/minusma-north.yaml",
        "_/minusma-patrols.geojson",
        "medevac/geodata/minusma/roads.geojson",
    ]


def test_the_demo_as_a_zip_of_its_folder(tmp_path: Path) -> None:
    entries = {
        "repo/scenarios/minusma-north.yaml": DEMO.read_bytes(),
        "repo/scenarios/minusma-patrols.geojson": PATROLS.read_bytes(),
        "repo/medevac/geodata/minusma/roads.geojson": ROADS.read_bytes(),
        "repo/README.md": b"not read",
        "__MACOSX/repo/scenarios/._minusma-north.yaml": b"\x00\x05\x16\x07",
    }
    mission = open_upload(zipped(entries), [], tmp_path)
    assert mission.label == "mission.zip: repo/scenarios/minusma-north.yaml"
    same_times(check(mission.scenario), check(load_scenario(DEMO)))
    assert "repo/README.md" not in files_in(tmp_path)


def test_a_workbook_made_by_template_from_uploads_with_its_files(tmp_path: Path) -> None:
    book = tmp_path / "made" / "mission.xlsx"
    book.parent.mkdir()
    write_template(book, load_scenario(DEMO))
    expected = import_scenario(Sources(workbook=book), book.parent).scenario  # the workbook where it lies
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    mission = open_upload(file(book), [file(ROADS), file(PATROLS)], sandbox)
    assert mission.label == "mission.xlsx"
    assert scenario_to_mapping(mission.scenario) == scenario_to_mapping(expected)
    assert mission.scenario.ground.roads is not None
    same_times(check(mission.scenario), check(load_scenario(DEMO)))


def test_a_workbook_in_a_zipped_folder_finds_the_files_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "mission"
    (folder / "layers").mkdir(parents=True)
    (folder / "layers" / "roads.geojson").write_bytes(ROADS.read_bytes())
    (folder / "layers" / PATROLS.name).write_bytes(PATROLS.read_bytes())
    demo = load_scenario(DEMO)
    document = scenario_to_mapping(demo)
    document["ground"]["roads"] = "layers/roads.geojson"
    document["patrols"][-1]["path"] = {"file": f"layers/{PATROLS.name}"}
    write_template(folder / "mission.xlsx", scenario_from_mapping(document, source_dir=folder))
    expected = import_scenario(Sources(workbook=folder / "mission.xlsx"), folder).scenario
    assert expected.ground.roads == "layers/roads.geojson"
    entries = {f"mission/{p.relative_to(folder)}": p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    mission = open_upload(zipped(entries), [], sandbox)
    assert mission.label == "mission.zip: mission/mission.xlsx"
    assert scenario_to_mapping(mission.scenario) == scenario_to_mapping(expected)
    same_times(check(mission.scenario), check(demo))


def test_tables_by_their_names_and_placemarks(tmp_path: Path) -> None:
    sites = b"id,name,lat,lon,personnel\nnear,Near,0,0.1,10\nfar,Far,0,0.9,5\n"
    facilities = b"id,level,lat,lon\nh,2,0,0\n"
    airframes = b"id,base,cruise_kmh,range_km,launch_day_min\nheli,h,240,500,20\n"
    for name, content in (("sites.csv", sites), ("facilities.csv", facilities), ("airframes.csv", airframes)):
        (tmp_path / name).write_bytes(content)
    expected = import_scenario(
        Sources(
            sites=tmp_path / "sites.csv",
            facilities=tmp_path / "facilities.csv",
            airframes=tmp_path / "airframes.csv",
        ),
        tmp_path,
    ).scenario
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    mission = open_upload(
        UploadedFile("sites.csv", sites),
        [UploadedFile("facilities.csv", facilities), UploadedFile("airframes.csv", airframes)],
        sandbox,
    )
    assert scenario_to_mapping(mission.scenario) == scenario_to_mapping(expected)
    assert mission.scenario.name == "sites"
    # A sites file of any name (camps.kml) is the sites; a CSV beside it must say its table.
    kml = (
        b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        b"<Placemark><name>Camp A</name><Point><coordinates>1.5,12.25</coordinates></Point></Placemark>"
        b"</Document></kml>"
    )
    camps = open_upload(UploadedFile("camps.kml", kml), [], tmp_path / "kml")
    assert [(s.id, s.lat, s.lon) for s in camps.scenario.sites] == [("Camp A", 12.25, 1.5)]
    assert problems_of(
        UploadedFile("camps.kml", kml), [UploadedFile("hospitals.csv", facilities)], sandbox
    ) == [
        "hospitals.csv: a table named after what it holds: sites, facilities, airframes or settings "
        "(such as facilities.csv) (got 'hospitals.csv')"
    ]


CAMPS = b"""medevac: 1
name: camps
facilities: [{id: h, level: 2, lat: 0, lon: 0}]
sites: [{id: near, lat: 0, lon: 0.1}]
"""


def test_names_no_upload_answers_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    names = (
        CAMPS
        + b"ground: {roads: /etc/passwd, closures: ['../../etc/shadow']}\n"
        + b"patrols: [{id: p, file: 'C:/x.geojson'}]\n"
    )
    assert problems_of(UploadedFile("camps.yaml", names), [], tmp_path) == [
        "camps.yaml: ground.closures[0]: was not uploaded: add shadow to the upload (or upload a .zip "
        "of the mission's folder) (got '../../etc/shadow')",
        "camps.yaml: patrols[0].path.file: must name a file uploaded with the scenario, by a name "
        "relative to it (not an absolute path) (got 'C:/x.geojson')",
        "camps.yaml: ground.roads: must name a file uploaded with the scenario, by a name relative to it "
        "(not an absolute path) (got '/etc/passwd')",
    ]
    assert files_in(tmp_path) == []
    # An uploaded file answers a ../ name by its own name: only the upload is read.
    shadow = b'{"type": "FeatureCollection", "features": []}'
    mission = open_upload(
        UploadedFile("camps.yaml", CAMPS + b"ground: {closures: ['../../etc/shadow.geojson']}\n"),
        [UploadedFile("shadow.geojson", shadow)],
        tmp_path,
    )
    folder = mission.scenario.source_dir
    assert (folder / "../../etc/shadow.geojson").resolve().read_bytes() == shadow
    assert (folder / "../../etc/shadow.geojson").resolve().is_relative_to(tmp_path.resolve())
    assert named_files(mission.scenario) == [("ground.closures[0]", "../../etc/shadow.geojson")]


def test_zip_entries_that_escape_link_or_repeat_are_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("m/camps.yaml", CAMPS)
        archive.writestr("../evil.yaml", b"x")
        archive.writestr("/etc/cron.d/evil", b"x")
        link = zipfile.ZipInfo("m/roads.geojson")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("m/locked.geojson", b"x")
    data = bytearray(out.getvalue())
    # Mark the last entry encrypted in the central directory, as a zip with a password is.
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1
    problems = problems_of(UploadedFile("bad.zip", bytes(data)), [], tmp_path)
    assert problems == [
        "bad.zip: a file inside the mission's folder (no absolute or ../ entries in a .zip) "
        "(got '../evil.yaml')",
        "bad.zip: a file inside the mission's folder (no absolute or ../ entries in a .zip) "
        "(got '/etc/cron.d/evil')",
        "bad.zip: m/roads.geojson: a file, not a link (links in a .zip are not followed) (got 'a link')",
        "bad.zip: m/locked.geojson: a .zip without a password (got 'encrypted')",
    ]
    assert files_in(tmp_path) == []
    two = zipped({"a/camps.yaml": CAMPS, "b/camps.yaml": CAMPS}, "two.zip")
    assert problems_of(two, [], tmp_path) == [
        "two.zip: one scenario (.yaml) in the .zip (found a/camps.yaml, b/camps.yaml): zip one mission's "
        "folder (got 'a/camps.yaml, b/camps.yaml')"
    ]
    ambiguous = zipped(
        {
            "m/camps.yaml": CAMPS + b"ground: {roads: data/roads.geojson}\n",
            "m/old/roads.geojson": b"{}",
            "m/new/roads.geojson": b"{}",
        }
    )
    assert problems_of(ambiguous, [], tmp_path) == [
        "mission.zip: m/camps.yaml: ground.roads: matches several uploaded files "
        "(mission.zip: m/new/roads.geojson, mission.zip: m/old/roads.geojson): upload the one it "
        "names, or a .zip of the mission's folder (got 'data/roads.geojson')"
    ]


def test_size_limits_each_file_and_a_zip_unpacked(tmp_path: Path) -> None:
    big = UploadedFile("roads.geojson", b" " * 3000)
    assert problems_of(UploadedFile("camps.yaml", CAMPS), [big], tmp_path, file_mb=0.002) == [
        "roads.geojson: at most 0.002 MB a file (got '0.0 MB')"
    ]
    bomb = zipped({"m/camps.yaml": CAMPS, "m/roads.geojson": b" " * 3 * 1024 * 1024})
    assert len(bomb.data) < 20_000  # small as uploaded, large unpacked
    assert problems_of(bomb, [], tmp_path, file_mb=2.0) == [
        "mission.zip: m/roads.geojson: at most 2 MB a file (got '3.0 MB')"
    ]
    many = zipped({"m/camps.yaml": CAMPS, **{f"m/layer-{i}.geojson": b" " * 600_000 for i in range(4)}})
    assert problems_of(many, [], tmp_path, file_mb=1.0, unpacked_mb=2.0) == [
        "mission.zip: at most 2 MB unpacked, all files of the .zip together (got '2.3 MB')"
    ]
    assert files_in(tmp_path) == []


def test_a_layer_that_is_an_xml_descriptor_is_refused_in_a_zipped_folder(tmp_path: Path) -> None:
    vrt = b"<OGRVRTDataSource><OGRVRTLayer name='p'><SrcDataSource>/etc</SrcDataSource></OGRVRTLayer>"
    folder = zipped({"m/camps.yaml": CAMPS + b"patrols: [{id: p, file: p.geojson}]\n", "m/p.geojson": vrt})
    assert problems_of(folder, [], tmp_path) == [
        "mission.zip: m/p.geojson: a layer (GeoPackage, GeoJSON, shapefile, OSM .pbf, GraphML), not an XML "
        "descriptor such as a VRT (got 'XML')"
    ]
