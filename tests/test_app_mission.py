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
from pathlib import Path
from typing import Any

from conftest import gap_table
from streamlit.testing.v1 import AppTest
from test_app import deck_layer, downloaded, metric, sites_text, tab, upload

from medevac.check import CheckResult, check
from medevac.intake.upload import UploadedFile, open_upload
from medevac.library import Library, check_all_conditions, compare_scenarios, default_path, headline_of
from medevac.scenario import load_scenario, parse_scenario, scenario_from_mapping, scenario_to_mapping
from medevac.whatif import (
    AddEntry,
    Edit,
    RemoveEntry,
    SetConditions,
    SetEntry,
    SetTimeline,
    apply_edits,
    compare,
    content_key,
    describe,
    gap_rows,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
DEMO = ROOT / "scenarios" / "minusma-north.yaml"
ROADS = ROOT / "medevac" / "geodata" / "minusma" / "roads.geojson"
PATROLS = ROOT / "scenarios" / "minusma-patrols.geojson"


def gap_minutes(at: AppTest) -> dict[str, list[Any]]:
    gaps = gap_table(at)
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
    camps = import_scenario(Sources(sites=tmp_path / "camps.csv"), tmp_path).scenario
    before = gap_rows(check(camps))
    upload(app, "camps.csv", sites)
    assert_loaded(app)
    assert "Loaded: **camps.csv** (camps)" in [c.value for c in app.sidebar.caption]
    gaps = gap_table(app)
    assert list(gaps["site_id"]) == [g["site_id"] for g in before] == ["near", "far"]  # no facility yet
    assert list(gaps["failing_legs"]) == ["resuscitation, surgery"] * 2
    assert list(editor(app, "sites").value["name"]) == ["Near camp", "Far camp"]  # to fill in
    # The planner adds a Level 2 in the facilities table, on the equator at 0 E.
    edit_table(app, "facilities", added=[{"id": "h", "level": "2", "lat": 0.0, "lon": 0.0}])
    assert not app.error, [e.value for e in app.error]
    values = (("id", "h"), ("level", "2"), ("lat", 0.0), ("lon", 0.0))
    expected = check(apply_edits(camps, [AddEntry("facilities", values)]))
    assert_metrics(app, expected)
    # near is 11.13 km away: 15 + 11.13 x 1.4 km at 40 km/h (23.4) + 5 = 43.4 min, inside 120;
    # far is 100.19 km away: 15 + 210.4 + 5 = 230.4 min, outside.
    assert metric(app, "surgery")[0] == "1/2"
    assert list(gap_table(app)["surgery_min"]) == [230.4]


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


# -- the library -------------------------------------------------------------------------------


def the_library() -> Library:
    return Library(default_path())  # MEDEVAC_LIBRARY: a file of this test's own (conftest)


def save(at: AppTest, name: str) -> None:
    at.text_input(key="lib_name").set_value(name)
    at.button(key="lib_save").click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_save_open_rename_export_and_delete_a_variant(app: AppTest, downloads: dict[str, bytes]) -> None:
    demo = load_scenario(DEMO)
    app.radio(key="light").set_value("night").run()  # a condition of the sidebar is saved too
    edit_table(app, "facilities", edited={row_of(app, "facilities", "kidal-l1"): {"level": "2"}})
    edits = (SetConditions(light="night", season="dry", standard="un-10-1-2"), KIDAL_L2)  # the sidebar's
    variant = apply_edits(demo, edits)
    save(app, "Kidal L2 at night")
    assert [s.value for s in tab(app, "Library").success] == ["Saved 'Kidal L2 at night' (id 1)."]
    (saved,) = the_library().list()
    assert (saved.name, saved.parent_key, saved.description) == (
        "Kidal L2 at night",
        content_key(demo),  # the mission as loaded, and every edit that makes what the map shows
        "conditions: night, dry, un-10-1-2; facility kidal-l1: level 2",
    )
    assert the_library().edits(saved.id) == edits
    assert saved.headline == headline_of(check_all_conditions(variant))
    table = tab(app, "Library").dataframe[0].value
    assert list(table["name"]) == ["Kidal L2 at night"]
    assert list(table["mission"]) == [f"{demo.name} (this mission)"]
    day_dry = next(h for h in saved.headline if h.condition == "day-dry")
    assert list(table["day, dry season: sites meeting every leg"]) == [
        f"{day_dry.sites_meeting_all}/{day_dry.sites}"
    ]

    # Back to the file as it is, then open the variant: the same scenario as saved.
    app.button(key="wi_clear").click().run()
    app.radio(key="light").set_value("day").run()
    assert_metrics(app, check(demo))
    app.button(key="lib_open").click().run()
    assert [s.value for s in tab(app, "Library").success] == [
        "Opened 'Kidal L2 at night' (id 1) as the working variant."
    ]
    assert app.radio(key="light").value == "day"  # the sidebar is the file's; the edits say night
    assert [t.value for t in tab(app, "What-if").text] == [
        "1. conditions: night, dry, un-10-1-2",
        "2. facility kidal-l1: level 2",
    ]
    assert_metrics(app, check(variant))
    exported = downloaded(app, "lib_export", downloads).decode()
    assert scenario_to_mapping(parse_scenario(exported)) == scenario_to_mapping(variant)

    app.text_input(key="lib_rename_1").set_value("Kidal hospital")
    app.button(key="lib_rename").click().run()
    assert [v.name for v in the_library().list()] == ["Kidal hospital"]
    assert list(tab(app, "Library").dataframe[0].value["name"]) == ["Kidal hospital"]
    app.button(key="lib_delete").click().run()
    assert the_library().list() == ()
    assert [s.value for s in tab(app, "Library").success] == ["deleted variant 1 ('Kidal hospital')"]


def test_a_new_session_finds_the_variants_and_compares_two(app: AppTest) -> None:
    demo = load_scenario(DEMO)
    edit_table(app, "facilities", edited={row_of(app, "facilities", "kidal-l1"): {"level": "2"}})
    save(app, "Kidal L2")
    app.button(key="wi_clear").click().run()
    edit_table(app, "timeline", edited={1: {"minutes": 0.0}})
    save(app, "No approval wait")
    assert [v.name for v in the_library().list()] == ["Kidal L2", "No approval wait"]

    later = AppTest.from_file(str(APP), default_timeout=180)  # another session, as after a reload
    later.run()
    assert list(tab(later, "Library").dataframe[0].value["name"]) == ["Kidal L2", "No approval wait"]
    later.selectbox(key="lib_compare_a").set_value(1)
    later.selectbox(key="lib_compare_b").set_value(2).run()
    later.button(key="lib_compare").click().run()
    assert not later.exception, [e.message for e in later.exception]
    a = apply_edits(demo, [KIDAL_L2])
    b = apply_edits(demo, [SetTimeline((("approval", 0.0),))])
    frame = compare_scenarios(a, b)
    changed = frame[frame["changed"]]
    shown = tab(later, "Library").dataframe[1].value
    assert list(shown["site_id"]) == list(changed["site_id"])
    assert list(shown["delta_min"]) == list(changed["delta_min"])
    assert len(changed) > 0
    assert f"{len(changed)} of {len(frame)} times (condition, site, leg) differ" in " ".join(
        m.value for m in tab(later, "Library").markdown
    )


def test_a_variant_of_another_mission_opens_on_its_own_mission(app: AppTest) -> None:
    unmiss_path = ROOT / "scenarios" / "unmiss.yaml"
    app.selectbox(key="demo").set_value("unmiss.yaml").run()
    unmiss = load_scenario(unmiss_path)
    facility = unmiss.facilities[0].id
    edit_table(app, "facilities", edited={0: {"level": "3"}})
    save(app, "Level 3 first")
    app.selectbox(key="demo").set_value("minusma-north.yaml").run()
    table = tab(app, "Library").dataframe[0].value
    assert list(table["mission"]) == [unmiss.name]  # not this mission's
    app.button(key="lib_open").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert f"Loaded: **{unmiss.name} (library, variant 1)** ({unmiss.name})" in [
        c.value for c in app.sidebar.caption
    ]
    expected = check(apply_edits(unmiss, [SetEntry("facilities", facility, (("level", "3"),))]))
    assert_metrics(app, expected)


def test_an_uploaded_mission_finds_its_variants_when_uploaded_again(app: AppTest) -> None:
    """An upload is read from a new folder each time (its content key differs), yet its saved
    variants are this mission's and open on it, with its road layer."""
    layers = {"roads.geojson": ROADS.read_bytes(), "minusma-patrols.geojson": PATROLS.read_bytes()}
    upload(app, "minusma-north.yaml", DEMO.read_bytes(), layers)
    edit_table(app, "facilities", edited={row_of(app, "facilities", "kidal-l1"): {"level": "2"}})
    save(app, "Kidal L2, uploaded")
    later = AppTest.from_file(str(APP), default_timeout=180)
    later.run()
    later.selectbox(key="surface_leg").set_value("none").run()
    upload(later, "minusma-north.yaml", DEMO.read_bytes(), layers)
    demo = load_scenario(DEMO)
    assert list(tab(later, "Library").dataframe[0].value["mission"]) == [f"{demo.name} (this mission)"]
    later.button(key="lib_open").click().run()
    assert not later.exception, [e.message for e in later.exception]
    assert not later.error, [e.value for e in later.error]
    assert "Loaded: **minusma-north.yaml** (MINUSMA north and east (illustrative))" in [
        c.value for c in later.sidebar.caption
    ]  # still the upload: the variant opened on it
    expected = check(apply_edits(demo, [KIDAL_L2]))
    assert_metrics(later, expected)
    assert gap_minutes(later) == expected_minutes(gap_rows(expected))  # road times: its own layer
