"""The planner app with a planner's own mission (AppTest): uploads of a scenario with the files
it names (or a .zip of its folder, or a workbook, or tables), the editable tables, and the
saved variant library.

Expected numbers come from the core called directly (load_scenario, import_scenario,
apply_edits, check, gap_rows, the library), so each test asserts that the page shows what
the engine computes for the edited or uploaded mission.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from test_app import deck_layer, downloaded, metric, sites_text, tab, upload

from medevac.check import CheckResult, check
from medevac.intake.upload import UploadedFile, open_upload
from medevac.scenario import load_scenario, parse_scenario, scenario_from_mapping, scenario_to_mapping
from medevac.whatif import (
    AddEntry,
    Edit,
    RemoveEntry,
    SetEntry,
    SetTimeline,
    apply_edits,
    compare,
    describe,
    gap_rows,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
ROADS = ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson"
PATROLS = ROOT / "scenarios" / "minusma-patrols.geojson"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Bytes behind every download button, by media file id (AppTest keeps only the URL)."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: Any = None) -> str:
        file_id = original(self, data, mimetype, kind, filename)
        if isinstance(data, bytes):
            stored[file_id] = data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return stored


@pytest.fixture
def app(downloads: dict[str, bytes]) -> Iterator[AppTest]:
    """The app on the demo, with no coverage surface drawn (reruns in a fraction of the time)."""
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    at.selectbox(key="surface_leg").set_value("none").run()
    assert not at.exception, [e.message for e in at.exception]
    yield at


def gap_minutes(at: AppTest) -> dict[str, list[Any]]:
    gaps = tab(at, "Gaps").dataframe[0].value
    return {column: list(gaps[column]) for column in ("site_id", "resuscitation_min", "surgery_min")}


def expected_minutes(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {
        column: [row[column] for row in rows] for column in ("site_id", "resuscitation_min", "surgery_min")
    }


def geodesic(scenario_path: Path) -> list[dict[str, Any]]:
    """The gap rows of a scenario checked with no road layer: the geodesic estimate."""
    document = scenario_to_mapping(load_scenario(scenario_path))
    del document["ground"]["roads"]
    return gap_rows(check(scenario_from_mapping(document, source_dir=scenario_path.parent)))


def assert_loaded(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# -- uploads -------------------------------------------------------------------------------------


def test_the_demo_uploaded_with_its_road_layer_shows_road_times(app: AppTest) -> None:
    """The demo names its road layer ``../medevac/geodata/minusma/roads.geojson``: uploaded
    beside it, roads.geojson is found by its name (this upload was refused before), and the
    gap table shows the road times, not the geodesic estimate."""
    road = expected_minutes(gap_rows(check(load_scenario(DEMO))))
    estimate = expected_minutes(geodesic(DEMO))
    assert road != estimate  # the road layer changes the demo's times
    app.selectbox(key="demo").set_value("unmiss.yaml").run()  # another mission first
    layers = {"roads.geojson": ROADS.read_bytes(), "minusma-patrols.geojson": PATROLS.read_bytes()}
    upload(app, "minusma-north.yaml", DEMO.read_bytes(), layers)
    assert_loaded(app)
    assert gap_minutes(app) == road
    assert "Loaded: **minusma-north.yaml** (MINUSMA north and east (illustrative))" in [
        c.value for c in app.sidebar.caption
    ]
    # As a .zip of the folder (the repository's layout: scenarios/ beside medevac/geodata/).
    folder = io.BytesIO()
    with zipfile.ZipFile(folder, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("medevac-demo/scenarios/minusma-north.yaml", DEMO.read_bytes())
        archive.writestr("medevac-demo/scenarios/minusma-patrols.geojson", PATROLS.read_bytes())
        archive.writestr("medevac-demo/medevac/geodata/minusma/roads.geojson", ROADS.read_bytes())
    app.selectbox(key="demo").set_value("unmiss.yaml").run()
    upload(app, "demo.zip", folder.getvalue())
    assert_loaded(app)
    assert gap_minutes(app) == road
    assert "Loaded: **demo.zip: medevac-demo/scenarios/minusma-north.yaml** (MINUSMA north and east " in (
        " ".join(c.value for c in app.sidebar.caption)
    )


def test_a_workbook_uploaded_with_its_files(app: AppTest, tmp_path: Path) -> None:
    from medevac.intake import Sources, import_scenario, write_template

    book = tmp_path / "mission.xlsx"
    write_template(book, load_scenario(DEMO))  # medevac template --from the demo
    expected = check(import_scenario(Sources(workbook=book), tmp_path).scenario)
    layers = {"roads.geojson": ROADS.read_bytes(), "minusma-patrols.geojson": PATROLS.read_bytes()}
    app.selectbox(key="demo").set_value("unmiss.yaml").run()
    upload(app, "mission.xlsx", book.read_bytes(), layers)
    assert_loaded(app)
    for leg in expected.legs:
        assert metric(app, leg)[0] == sites_text(expected, leg)
    assert gap_minutes(app) == expected_minutes(gap_rows(expected))


def test_a_sites_table_alone_is_a_mission_to_fill_in(app: AppTest, tmp_path: Path) -> None:
    from medevac.intake import Sources, import_scenario

    sites = b"id,name,lat,lon,personnel\nnear,Near camp,0,0.1,10\nfar,Far camp,0,0.9,5\n"
    (tmp_path / "camps.csv").write_bytes(sites)
    expected = gap_rows(check(import_scenario(Sources(sites=tmp_path / "camps.csv"), tmp_path).scenario))
    upload(app, "camps.csv", sites)
    assert_loaded(app)
    assert "Loaded: **camps.csv** (camps)" in [c.value for c in app.sidebar.caption]
    gaps = tab(app, "Gaps").dataframe[0].value
    assert list(gaps["site_id"]) == [g["site_id"] for g in expected] == ["near", "far"]  # no facility yet
    assert list(gaps["failing_legs"]) == ["resuscitation, surgery"] * 2
    assert list(editor(app, "sites").value["name"]) == ["Near camp", "Far camp"]  # to fill in


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(app: AppTest) -> None:
    before = [m.value for m in app.metric]
    big = b" " * (51 * 1024 * 1024)
    upload(app, "camps.yaml", b"medevac: 1\nname: big\n", {"roads.geojson": big})
    assert not app.exception
    assert [e.value for e in app.error] == [
        "Upload not loaded: roads.geojson: at most 50 MB a file (got '51.0 MB')"
    ]
    assert [m.value for m in app.metric] == before


# -- the editable tables -----------------------------------------------------------------------


def editor(at: AppTest, role: str) -> Any:
    return next(d for d in at.data_editor if str(d.key).startswith(f"table_{role}_"))


def edit_table(
    at: AppTest,
    role: str,
    edited: dict[int, dict[str, Any]] | None = None,
    added: list[dict[str, Any]] | None = None,
    deleted: list[int] | None = None,
) -> None:
    """Change a table as the browser's data editor does (its state: edited, added, deleted rows)."""
    key = str(editor(at, role).key)
    at.session_state[key] = {
        "edited_rows": edited or {},
        "added_rows": added or [],
        "deleted_rows": deleted or [],
    }
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def row_of(at: AppTest, role: str, entry_id: str) -> int:
    return list(editor(at, role).value["id"]).index(entry_id)


KIDAL_L2 = SetEntry("facilities", "kidal-l1", (("level", "2"),))


def assert_metrics(at: AppTest, expected: CheckResult) -> None:
    for leg in expected.legs:
        assert metric(at, leg)[0] == sites_text(expected, leg), leg


def test_a_facility_raised_to_level_2_in_its_table_changes_the_numbers(app: AppTest) -> None:
    demo = load_scenario(DEMO)
    before, after = check(demo), check(apply_edits(demo, [KIDAL_L2]))
    surgery = next(d for d in compare(before, after) if d.leg == "surgery")
    assert surgery.sites_gained == ("kidal-camp",)  # Kidal's own camp gets surgery nearby
    edit_table(app, "facilities", edited={row_of(app, "facilities", "kidal-l1"): {"level": "2"}})
    assert not app.error, [e.value for e in app.error]
    assert_metrics(app, after)
    assert metric(app, "surgery")[1].startswith("+1 sites, ")
    assert [t.value for t in tab(app, "What-if").text] == ["1. facility kidal-l1: level 2"]
    assert editor(app, "facilities").value["level"][row_of(app, "facilities", "kidal-l1")] == "2"
    kidal = next(r for r in deck_layer(app, "facilities") if r["id"] == "kidal-l1")
    assert kidal["label"].startswith("L2")  # the map's badge follows
    app.button(key="wi_undo").click().run()  # the table edit is an edit like any other
    assert_metrics(app, before)
    assert editor(app, "facilities").value["level"][row_of(app, "facilities", "kidal-l1")] == "1"


def test_rows_added_and_deleted_in_the_sites_table(app: AppTest) -> None:
    demo = load_scenario(DEMO)
    first = demo.sites[0].id
    new = {"id": "new-camp", "name": "New camp", "lat": 18.44, "lon": 1.41, "personnel": 120}
    edit_table(app, "sites", added=[new], deleted=[0])
    assert not app.error, [e.value for e in app.error]
    values = (("id", "new-camp"), ("name", "New camp"), ("lat", 18.44), ("lon", 1.41), ("personnel", 120))
    expected_edits: list[Edit] = [RemoveEntry("sites", first), AddEntry("sites", values)]
    expected = check(apply_edits(demo, expected_edits))
    assert_metrics(app, expected)
    assert [t.value for t in tab(app, "What-if").text] == [
        f"{n}. {describe(e)}" for n, e in enumerate(expected_edits, start=1)
    ]
    assert list(editor(app, "sites").value["id"]) == [s.id for s in expected.scenario.sites]
    assert f"Sites ({len(demo.sites)})" in [h.value for h in tab(app, "Tables").subheader]
    assert gap_minutes(app) == expected_minutes(gap_rows(expected))


def test_a_refused_change_is_named_beside_its_table_and_can_be_put_right(app: AppTest) -> None:
    demo = load_scenario(DEMO)
    before = [m.value for m in app.metric]
    edit_table(app, "sites", edited={0: {"id": "gao-l2"}})  # a facility's id
    assert [e.value for e in tab(app, "Tables").error] == [
        f"Not taken: {where}, column id: ids must be unique across facilities, airframes and sites "
        "(got 'gao-l2'). Put the cell right, or undo it in the table."
        for where in ("facilities table: row 1 ('gao-l2')", f"sites table: row 1 ('{demo.sites[0].id}')")
    ]
    assert [m.value for m in app.metric] == before
    assert not tab(app, "What-if").text  # the working variant is unchanged
    edit_table(app, "sites", edited={0: {"lat": 95.0}})  # the same editor: a cell typed again
    assert [e.value for e in tab(app, "Tables").error] == [
        f"Not taken: sites table: row 1 ('{demo.sites[0].id}'), column lat: decimal degrees from -90 to 90, "
        "such as 12.5 or -3.25 (no degrees-minutes-seconds, no N/S/E/W, no decimal comma) (got 95). "
        "Put the cell right, or undo it in the table."
    ]
    edit_table(app, "sites", edited={0: {"personnel": 10}})  # put right
    assert not app.error, [e.value for e in app.error]
    expected = apply_edits(demo, [SetEntry("sites", demo.sites[0].id, (("personnel", 10),))])
    assert_metrics(app, check(expected))


def test_the_timeline_table(app: AppTest) -> None:
    demo = load_scenario(DEMO)
    edit_table(app, "timeline", edited={1: {"minutes": 0.0}})  # approval
    expected = check(apply_edits(demo, [SetTimeline((("approval", 0.0),))]))
    assert not app.error, [e.value for e in app.error]
    assert_metrics(app, expected)
    assert [t.value for t in tab(app, "What-if").text] == ["1. timeline: approval 0 min"]
    assert list(editor(app, "timeline").value["minutes"])[1] == 0.0


def test_the_edited_mission_downloads_as_yaml_and_as_a_workbook(
    app: AppTest, downloads: dict[str, bytes], tmp_path: Path
) -> None:
    demo = load_scenario(DEMO)
    edit_table(app, "facilities", edited={row_of(app, "facilities", "kidal-l1"): {"level": "2"}})
    edited = apply_edits(demo, [KIDAL_L2])
    text = downloaded(app, "dl_mission_yaml", downloads).decode()
    assert scenario_to_mapping(parse_scenario(text)) == scenario_to_mapping(edited)
    book = downloaded(app, "dl_mission_xlsx", downloads)
    layers = [
        UploadedFile("roads.geojson", ROADS.read_bytes()),
        UploadedFile(PATROLS.name, PATROLS.read_bytes()),
    ]
    imported = open_upload(UploadedFile("mission.xlsx", book), layers, tmp_path).scenario
    assert scenario_to_mapping(imported) == scenario_to_mapping(edited)  # the workbook imports back
