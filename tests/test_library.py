"""The saved variant library: save, list, open, rename, delete, compare, export; two
sessions saving at once; bad input, damaged files and edits a code update no longer reads.

The missions are tiny equator scenarios at one road km a minute (``ONE_KM_A_MINUTE``; in
the wet season half speed, two minutes a km), with no airframes, so every time below is
timeline values plus km. Timeline defaults: request 10, ground departure 15, handover 5,
first aid on site 5. UN limits: first aid 10, resuscitation 60, surgery 120 min.

- baseline: a Level 1 at 0 km; ``near`` at 20 km (50 people), ``far`` at 300 km (100).
- variant A, ``L2 at far``: + Level 2 at 300 km. far drives 0 km: surgery 15 + 0 + 5 = 20,
  resuscitation by the new ground team 10 + 0 = 10; near drives 280 km: surgery
  15 + 280 + 5 = 300 (wet 15 + 560 + 5 = 580); near's resuscitation stays the Level 1
  team: 10 + 20 = 30 (wet 10 + 40 = 50).
- variant B, ``L2 at 150 km``: far's surgery 15 + 150 + 5 = 170 (wet 15 + 300 + 5 = 320),
  resuscitation 10 + 150 = 160 (wet 310); near's surgery 15 + 130 + 5 = 150 (wet 280).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ONE_KM_A_MINUTE, facility, make_scenario, on_equator, site

from medevac.cli import main
from medevac.errors import (
    LibraryCorruptError,
    LibraryError,
    MedevacError,
    ScenarioError,
    StaleVariantError,
    VariantNameError,
    VariantNotFoundError,
)
from medevac.files import OutputExistsError
from medevac.library import (
    CONDITIONS,
    EDIT_KINDS,
    LIBRARY_ENV,
    EditFormatError,
    Library,
    compare_scenarios,
    default_path,
    edit_record,
    edits_from_json,
    edits_to_json,
)
from medevac.model import Scenario
from medevac.scenario import dump_scenario, load_scenario, parse_scenario, scenario_to_mapping
from medevac.whatif import (
    AddAirframe,
    AddEntry,
    AddFacility,
    Edit,
    MoveAirframe,
    MoveFacility,
    Point,
    RemoveEntry,
    RemoveFacility,
    SetAirframe,
    SetConditions,
    SetConvoyFactor,
    SetEntry,
    SetSite,
    SetTimeline,
    SetWeather,
    apply_edits,
    content_key,
)


def at_km(km: float, label: str | None = None) -> Point:
    where = on_equator(km)
    return Point(where["lat"], where["lon"], label)


def baseline(name: str = "two camps") -> Scenario:
    return make_scenario(
        name=name,
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l1", 0, level="1")],
        sites=[site("near", 20, personnel=50), site("far", 300, personnel=100)],
    )


L2_AT_FAR: tuple[Edit, ...] = (AddFacility("l2", "2", at_km(300, "Far")),)
L2_MIDWAY: tuple[Edit, ...] = (AddFacility("l2", "2", at_km(150)),)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library(tmp_path / "library.sqlite")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


# -- save, list, open ------------------------------------------------------------------------


def test_save_lists_and_reopens_a_variant_with_its_headline(library: Library) -> None:
    parent = baseline()
    before = datetime.now(UTC).replace(microsecond=0)
    saved = library.save(parent, L2_AT_FAR, "  L2   at far ")
    assert saved.id == 1
    assert saved.name == "L2 at far"  # runs of spaces made one, ends trimmed
    assert saved.parent_key == content_key(parent)
    assert saved.parent_name == "two camps"
    assert saved.description == "+ Level 2 at Far (0.00, 2.69)"
    assert saved.edit_count == 1
    created = datetime.fromisoformat(saved.created_utc)
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert before <= created <= datetime.now(UTC)
    # far meets every leg (5, 10, 20 min) under all four conditions; near fails surgery.
    assert [h.condition for h in saved.headline] == ["day-dry", "night-dry", "day-wet", "night-wet"]
    assert {(h.sites_meeting_all, h.sites, h.personnel_meeting_all, h.personnel) for h in saved.headline} == {
        (1, 2, 100, 150)
    }
    # The baseline has no Level 2: no site meets surgery.
    nothing = library.save(parent, (), "as is")
    assert {(h.sites_meeting_all, h.personnel_meeting_all) for h in nothing.headline} == {(0, 0)}

    assert [v.name for v in library.list()] == ["L2 at far", "as is"]
    assert library.get(1) == saved
    opened = library.open(saved.id)
    assert dump_scenario(opened) == dump_scenario(apply_edits(parent, L2_AT_FAR))
    assert content_key(library.parent(saved.id)) == saved.parent_key  # the same parent, to the byte
    assert library.edits(saved.id) == L2_AT_FAR
    assert content_key(opened) == saved.variant_key


def test_list_filters_by_parent_and_parents_are_stored_once(library: Library) -> None:
    one, other = baseline("mission one"), baseline("mission two")
    library.save(one, L2_AT_FAR, "a")
    library.save(other, L2_AT_FAR, "a")  # the same name under another parent is fine
    library.save(one, L2_MIDWAY, "b")
    assert [(v.id, v.name) for v in library.list(content_key(one))] == [(1, "a"), (3, "b")]
    assert [(v.id, v.parent_name) for v in library.list(content_key(other))] == [(2, "mission two")]
    assert library.list("no such key") == ()
    with sqlite3.connect(library.path) as connection:
        assert connection.execute("SELECT count(*) FROM parents").fetchone() == (2,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_bad_edits_and_bad_names_save_nothing(library: Library) -> None:
    with pytest.raises(ScenarioError, match="ghost"):
        library.save(baseline(), [MoveFacility("ghost", at_km(1))], "moved a ghost")
    for name in ("", "   "):
        with pytest.raises(VariantNameError, match="a variant needs a name"):
            library.save(baseline(), L2_AT_FAR, name)
    with pytest.raises(VariantNameError, match="at most 200 characters"):
        library.save(baseline(), L2_AT_FAR, "x" * 201)
    assert library.list() == ()


def test_a_taken_name_is_refused_with_the_id_that_has_it(library: Library) -> None:
    library.save(baseline(), L2_AT_FAR, "plan")
    with pytest.raises(VariantNameError, match=r"named 'plan' is already saved \(id 1\)") as caught:
        library.save(baseline(), L2_MIDWAY, "plan")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, MedevacError)
    library.save(baseline(), L2_MIDWAY, "plan b")
    with pytest.raises(VariantNameError, match=r"\(id 1\)"):
        library.rename(2, "plan")
    assert library.rename(1, "plan").name == "plan"  # its own name again: no conflict


def test_rename_and_delete_and_ids_are_never_reused(library: Library) -> None:
    first = library.save(baseline(), L2_AT_FAR, "first")
    second = library.save(baseline(), L2_MIDWAY, "second")
    renamed = library.rename(first.id, "L2 at far")
    assert (renamed.id, renamed.name, renamed.created_utc) == (first.id, "L2 at far", first.created_utc)
    assert library.delete(second.id) == second
    third = library.save(baseline(), L2_MIDWAY, "second")  # the name is free again
    assert third.id == 3  # not 2: an old link to variant 2 never opens another variant
    library.delete(first.id)
    library.delete(third.id)
    assert library.list() == ()
    with sqlite3.connect(library.path) as connection:  # the parent went with its last variant
        assert connection.execute("SELECT count(*) FROM parents").fetchone() == (0,)


def test_an_unknown_id_is_a_clear_error_everywhere(library: Library, tmp_path: Path) -> None:
    library.save(baseline(), L2_AT_FAR, "only")
    calls: dict[str, Callable[[], object]] = {
        "get": lambda: library.get(7),
        "open": lambda: library.open(7),
        "parent": lambda: library.parent(7),
        "edits": lambda: library.edits(7),
        "rename": lambda: library.rename(7, "x"),
        "delete": lambda: library.delete(7),
        "compare": lambda: library.compare(1, 7),
        "export": lambda: library.export(7, tmp_path / "x.yaml"),
    }
    for name, call in calls.items():
        with pytest.raises(VariantNotFoundError) as caught:
            call()
        assert str(caught.value) == (
            f"no variant with id 7 in {library.path} (`medevac library list` shows the ids)"
        ), name
        assert isinstance(caught.value, LookupError)
    assert not (tmp_path / "x.yaml").exists()


# -- compare -----------------------------------------------------------------------------------


def test_compare_gives_per_site_leg_and_condition_deltas_by_hand(library: Library) -> None:
    a = library.save(baseline(), L2_AT_FAR, "L2 at far")
    b = library.save(baseline(), L2_MIDWAY, "L2 at 150 km")
    frame = library.compare(a.id, b.id)
    assert list(frame.columns) == [
        "condition",
        "site_id",
        "leg",
        "time_min_a",
        "time_min_b",
        "delta_min",
        "meets_a",
        "meets_b",
        "changed",
    ]
    assert len(frame) == len(CONDITIONS) * 2 * 3  # conditions x sites x legs (UN: three legs)
    rows = {(r["condition"], r["site_id"], r["leg"]): r for r in frame.to_dict("records")}

    def row(condition: str, site_id: str, leg: str) -> tuple[float, float, float, bool, bool]:
        r = rows[(condition, site_id, leg)]
        return (r["time_min_a"], r["time_min_b"], r["delta_min"], r["meets_a"], r["meets_b"])

    for light in ("day", "night"):  # no airframes: night is day
        dry, wet = f"{light}-dry", f"{light}-wet"
        assert row(dry, "far", "surgery") == (20.0, 170.0, 150.0, True, False)
        assert row(dry, "near", "surgery") == (300.0, 150.0, -150.0, False, False)
        assert row(dry, "far", "resuscitation") == (10.0, 160.0, 150.0, True, False)
        assert row(dry, "near", "resuscitation") == (30.0, 30.0, 0.0, True, True)
        assert row(wet, "far", "surgery") == (20.0, 320.0, 300.0, True, False)
        assert row(wet, "near", "surgery") == (580.0, 280.0, -300.0, False, False)
        assert row(wet, "far", "resuscitation") == (10.0, 310.0, 300.0, True, False)
        assert row(wet, "near", "resuscitation") == (50.0, 50.0, 0.0, True, True)
        for place in ("near", "far"):
            assert row(dry, place, "first_aid") == (5.0, 5.0, 0.0, True, True)
    changed = frame[frame["changed"]]
    assert sorted(set(zip(changed["site_id"], changed["leg"], strict=True))) == [
        ("far", "resuscitation"),
        ("far", "surgery"),
        ("near", "surgery"),
    ]


def test_compare_marks_a_leg_reached_in_one_only_as_changed() -> None:
    # The baseline has no Level 2: surgery is unreached (NaN); in A it is reached.
    frame = compare_scenarios(baseline(), apply_edits(baseline(), L2_AT_FAR))
    far = frame[(frame["site_id"] == "far") & (frame["leg"] == "surgery")].iloc[0]
    assert far["time_min_b"] == 20.0 and far["time_min_a"] != far["time_min_a"]  # NaN
    assert far["delta_min"] != far["delta_min"] and bool(far["changed"])
    same = compare_scenarios(baseline(), baseline())
    assert not same["changed"].any()  # unreached in both is no change


# -- export, and a parent file that moved ----------------------------------------------------

PATROL_LINE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[0.0, 0.0], [0.5, 0.0]]},
        }
    ],
}


def mission_with_a_patrol_file(folder: Path) -> Path:
    """A scenario file naming a patrol file beside it (relative): it must move with it."""
    folder.mkdir(parents=True)
    (folder / "route.geojson").write_text(json.dumps(PATROL_LINE), encoding="utf-8")
    text = dump_scenario(baseline()) + "patrols:\n- {id: route, file: route.geojson, personnel: 20}\n"
    (folder / "mission.yaml").write_text(text, encoding="utf-8")
    return folder / "mission.yaml"


def test_a_library_survives_the_scenario_file_moving(library: Library, tmp_path: Path) -> None:
    path = mission_with_a_patrol_file(tmp_path / "here")
    saved = library.save(load_scenario(path), L2_AT_FAR, "L2 at far")
    path.unlink()  # the scenario file is gone: its document is in the library
    assert [f.id for f in library.open(saved.id).facilities] == ["l1", "l2"]
    moved = tmp_path / "there"
    (tmp_path / "here").rename(moved)  # now its patrol file is gone from where it was too
    with pytest.raises(ScenarioError, match=r"patrols\[0\]\.path\.file: no such file"):
        library.open(saved.id)
    variant = library.open(saved.id, source_dir=moved)  # told where the files are now
    assert variant.source_dir == moved
    assert [p.id for p in variant.patrols] == ["route"]


def test_export_writes_yaml_atomically_and_never_overwrites_silently(
    library: Library, tmp_path: Path
) -> None:
    path = mission_with_a_patrol_file(tmp_path / "mission")
    saved = library.save(load_scenario(path), L2_AT_FAR, "L2 at far")
    out = tmp_path / "exports" / "deep" / "l2-at-far.yaml"
    assert library.export(saved.id, out) == out
    exported = load_scenario(out)  # the patrol file is found from the new folder
    assert exported.patrols[0].path.file == "../../mission/route.geojson"  # type: ignore[union-attr]
    expected = scenario_to_mapping(library.open(saved.id))
    expected["patrols"][0]["path"]["file"] = "../../mission/route.geojson"
    assert scenario_to_mapping(exported) == expected
    assert exported.facility("l2").name == "Level 2, Far"

    out.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError, match="use --force"):
        library.export(saved.id, out)
    assert out.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.parent.iterdir()) == ["l2-at-far.yaml"]  # no staging left
    library.export(saved.id, out, force=True)
    assert parse_scenario(out.read_text(encoding="utf-8")).facility("l2").level == "2"


# -- edits as data ---------------------------------------------------------------------------

EVERY_KIND: tuple[Edit, ...] = (
    AddFacility("l2", "2+", Point(16.27, -0.04, "Gao"), helipad=False, airstrip=True, name="Gao L2"),
    MoveFacility("l1", Point(0.0, 0.5)),
    RemoveFacility("old"),
    AddAirframe(
        "puma-2", Point(1.0, 2.0), 250.0, 570.0, 30.0, 60.0, night=True, kind="helicopter", type="Puma"
    ),
    AddAirframe("c130", "l2", 540.0, 3000.0, 45.0, kind="fixed_wing"),
    MoveAirframe("puma-1", "l2"),
    MoveAirframe("puma-1", Point(3.0, 4.0, "strip")),
    SetAirframe("puma-1", available=False, launch_night_min=45.0),
    SetTimeline((("approval", 5.0), ("request", 8.0))),
    SetConvoyFactor(0.75),
    SetConditions(light="night", standard="nato-10-1-2-2"),
    SetWeather(dry=0.05, wet=0.2),
    SetSite("mid", first_responders=True),
    SetAirframe("puma-1", availability=0.9),
    SetEntry("facilities", "l1", (("level", "2"), ("helipad", False), ("name", None))),
    AddEntry("sites", (("id", "mid"), ("lat", 0.0), ("lon", 1.5), ("personnel", 40))),
    RemoveEntry("airframes", "puma-1"),
)


def test_every_kind_of_edit_round_trips_through_json() -> None:
    assert {edit_record(e)["edit"] for e in EVERY_KIND} == set(EDIT_KINDS)
    assert edits_from_json(edits_to_json(EVERY_KIND)) == EVERY_KIND
    # Every field is written, defaults too: a default that changes later keeps its old meaning.
    assert edit_record(AddFacility("x", "1", Point(1.0, 2.0))) == {
        "edit": "add_facility",
        "facility_id": "x",
        "level": "1",
        "at": {"lat": 1.0, "lon": 2.0, "label": None},
        "helipad": True,
        "airstrip": False,
        "ground_team": True,
        "name": None,
    }


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"edit": "add_hospital"}, "unknown kind of edit 'add_hospital'"),
        ({"edit": "remove_facility", "facility": "x"}, "remove_facility has no field facility"),
        ({"edit": "remove_facility"}, "remove_facility needs facility_id"),
        ({"edit": "move_facility", "facility_id": "x", "to": [1, 2]}, "move_facility.to must be a place"),
        ({"edit": "move_airframe", "airframe_id": "x", "base": 3}, "facility id or a place"),
        ({"edit": "set_timeline", "values": {"approval": 5}}, "list of [key, minutes] pairs"),
        ({"edit": "add_entry", "table": "sites", "values": [["lat", [1]]]}, "list of [key, value] pairs"),
        ({"edit": "remove_entry", "table": "patrols", "entry_id": "p"}, "table must be one of sites"),
        ("add_facility", "an edit must be a mapping"),
    ],
)
def test_unreadable_edit_records_name_the_edit_and_the_problem(record: object, problem: str) -> None:
    text = json.dumps([{"edit": "set_convoy_factor", "factor": 0.5}, record])
    with pytest.raises(EditFormatError) as caught:
        edits_from_json(text)
    assert caught.value.number == 2
    assert problem in caught.value.detail


def _tamper(library: Library, variant_id: int, **columns: object) -> None:
    with sqlite3.connect(library.path) as connection:
        for column, value in columns.items():
            connection.execute(f"UPDATE variants SET {column} = ? WHERE id = ?", (value, variant_id))


def test_edits_a_code_update_no_longer_reads_or_applies_get_clear_errors(library: Library) -> None:
    parent = baseline()
    saved = library.save(parent, [SetConvoyFactor(0.8), *L2_AT_FAR], "L2 at far")
    # A later medevac renamed a field: this one cannot read the record.
    record = edit_record(L2_AT_FAR[0]) | {"capability": "2"}
    _tamper(library, saved.id, edits=json.dumps([{"edit": "set_convoy_factor", "factor": 0.8}, record]))
    with pytest.raises(StaleVariantError) as caught:
        library.open(saved.id)
    assert str(caught.value).startswith(
        "variant 1 ('L2 at far'): edit 2 was saved in a form this medevac no longer reads "
        "(add_facility has no field capability (its fields: facility_id, level, at, helipad, airstrip, "
        "ground_team, name)); its parent scenario still opens"
    )
    assert content_key(library.parent(saved.id)) == content_key(parent)  # it does
    assert [v.name for v in library.list()] == ["L2 at far"]  # and the list still reads

    # An edit that reads but no longer applies (here: names a facility the parent lacks).
    _tamper(library, saved.id, edits=edits_to_json([MoveFacility("ghost", at_km(1))]))
    with pytest.raises(
        StaleVariantError, match=r"its edits no longer apply to its parent scenario 'two camps'"
    ):
        library.open(saved.id)
    with pytest.raises(StaleVariantError, match="must name one of the facilities"):
        library.export(saved.id, library.path.parent / "x.yaml")

    # Saved by a newer medevac, in an edit format this one does not know.
    _tamper(library, saved.id, edits_format=2)
    with pytest.raises(StaleVariantError, match=r"edit format 2, this one reads 1\): update medevac"):
        library.edits(saved.id)


# -- damaged and foreign files ------------------------------------------------------------------


def test_a_damaged_file_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(LibraryCorruptError) as caught:
        Library(path).list()
    assert str(caught.value) == (
        f"{path} is not a readable variant library (file is not a database); move it aside "
        "(a new library is made in its place) or set MEDEVAC_LIBRARY to another file"
    )
    assert path.read_bytes().startswith(b"this is not a database")


def test_another_programs_database_or_a_newer_library_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER)")
    with pytest.raises(LibraryCorruptError, match="a database of another program"):
        Library(other).save(baseline(), L2_AT_FAR, "x")
    newer = Library(tmp_path / "newer.sqlite")
    newer.list()  # made, empty
    with sqlite3.connect(newer.path) as connection:
        connection.execute("PRAGMA user_version = 9")
    with pytest.raises(LibraryCorruptError, match=r"newer medevac \(library format 9, this one reads 1\)"):
        newer.list()


def test_a_damaged_row_names_its_id(library: Library) -> None:
    saved = library.save(baseline(), L2_AT_FAR, "x")
    _tamper(library, saved.id, headline="{not json")
    with pytest.raises(
        LibraryCorruptError, match=r"variant 1 in .* is damaged .* `medevac library delete 1`"
    ):
        library.list()
    library.delete(saved.id)  # the way out the message gives works
    assert library.list() == ()


def test_the_library_file_is_medevac_library_or_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(LIBRARY_ENV, str(tmp_path / "chosen.sqlite"))
    assert default_path() == tmp_path / "chosen.sqlite"
    assert Library().path == tmp_path / "chosen.sqlite"
    monkeypatch.delenv(LIBRARY_ENV)
    from platformdirs import user_data_path

    assert default_path() == user_data_path("medevac", appauthor=False) / "library.sqlite"


# -- two sessions at once ----------------------------------------------------------------------


def test_two_sessions_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two threads, each its own Library on the same file (as two browser sessions), save
    many variants at once: every one is there after, each with its own id."""
    path = tmp_path / "shared.sqlite"
    per_thread = 25
    parent = baseline()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def session(tag: str) -> None:
        library = Library(path)
        start.wait()
        try:
            for k in range(per_thread):
                library.save(parent, [AddFacility("l2", "2", at_km(10.0 * k + 5))], f"{tag}-{k}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=session, args=(tag,)) for tag in ("a", "b")]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    assert errors == []
    saved = Library(path).list()
    assert len(saved) == 2 * per_thread
    assert sorted(v.name for v in saved) == sorted(f"{t}-{k}" for t in "ab" for k in range(per_thread))
    assert sorted(v.id for v in saved) == list(range(1, 2 * per_thread + 1))
    # Each kept its own edit: b-7's Level 2 is at 75 km.
    b7 = next(v for v in saved if v.name == "b-7")
    assert Library(path).edits(b7.id) == (AddFacility("l2", "2", at_km(75)),)
    print(f"\n{2 * per_thread} concurrent saves in {elapsed:.2f} s")


def test_two_sessions_saving_the_same_name_at_once_keep_exactly_one(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    Library(path).list()  # made
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def session(edits: tuple[Edit, ...]) -> None:
        start.wait()
        try:
            Library(path).save(baseline(), edits, "plan")
            outcomes.append("saved")
        except VariantNameError:
            outcomes.append("refused")

    threads = [threading.Thread(target=session, args=(e,)) for e in (L2_AT_FAR, L2_MIDWAY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert [v.name for v in Library(path).list()] == ["plan"]


def test_a_save_waits_for_another_sessions_write_and_gives_up_clearly(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    Library(path).list()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another session mid-write
    waited: list[float] = []

    def save() -> None:
        began = time.perf_counter()
        Library(path).save(baseline(), L2_AT_FAR, "patient")
        waited.append(time.perf_counter() - began)

    thread = threading.Thread(target=save)
    thread.start()
    time.sleep(0.6)
    holder.execute("COMMIT")
    thread.join()
    assert waited and waited[0] >= 0.5
    assert [v.name for v in Library(path).list()] == ["patient"]

    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LibraryError, match=r"is busy: another session held it for over 0.2 s; try again"):
            Library(path, timeout_s=0.2).save(baseline(), L2_MIDWAY, "impatient")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [v.name for v in Library(path).list()] == ["patient"]


# -- the command line ------------------------------------------------------------------------


def test_cli_list_show_rename_compare_export_delete(
    capsys: pytest.CaptureFixture[str], library: Library, tmp_path: Path
) -> None:
    library.save(baseline(), L2_AT_FAR, "L2 at far")
    library.save(baseline(), L2_MIDWAY, "L2 at 150 km")
    where = ("--library", library.path)

    status, out, _ = run_cli(capsys, "library", "list", *where)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"2 saved variants in {library.path}"
    conditions = ["day-dry", "night-dry", "day-wet", "night-wet"]
    assert lines[2].split() == [
        "id",
        "name",
        "scenario",
        "saved",
        "(UTC)",
        *(w for c in conditions for w in (c, "sites")),
    ]
    assert lines[4].split()[:4] == ["1", "L2", "at", "far"]
    assert lines[4].split()[-4:] == ["1/2", "1/2", "1/2", "1/2"]

    status, out, _ = run_cli(capsys, "library", "list", *where, "--format", "json")
    listed: list[dict[str, Any]] = json.loads(out)
    assert [v["name"] for v in listed] == ["L2 at far", "L2 at 150 km"]
    assert listed[0]["headline"][0] == {
        "light": "day",
        "season": "dry",
        "sites": 2,
        "sites_meeting_all": 1,
        "personnel": 150,
        "personnel_meeting_all": 100,
    }

    status, out, _ = run_cli(capsys, "library", "show", "1", *where)
    assert status == 0
    assert "edits (1): + Level 2 at Far (0.00, 2.69)" in out
    assert "  night, wet season: 1 of 2 sites, 100 of 150 personnel meet every leg" in out

    assert run_cli(capsys, "library", "rename", "2", "midway", *where)[1] == (
        "renamed variant 2 from 'L2 at 150 km' to 'midway'\n"
    )

    status, out, _ = run_cli(capsys, "library", "compare", "1", "2", *where)
    assert status == 0
    assert "variant 2 ('midway') against variant 1 ('L2 at far')" in out
    table = [line.split() for line in out.splitlines()[4:]]
    assert ["day-dry", "far", "surgery", "20.0", "170.0", "+150.0", "now", "fails"] in table
    assert ["day-wet", "near", "surgery", "580.0", "280.0", "-300.0", "fails"] in table
    assert len(table) == 4 * 3  # far's surgery and resuscitation, near's surgery, each condition
    status, out, _ = run_cli(capsys, "library", "compare", "1", "2", *where, "--format", "csv")
    assert (
        out.splitlines()[0] == "condition,site_id,leg,time_min_a,time_min_b,delta_min,meets_a,meets_b,changed"
    )

    out_file = tmp_path / "midway.yaml"
    assert run_cli(capsys, "library", "export", "2", "--out", out_file, *where)[0] == 0
    assert load_scenario(out_file).facility("l2").lon == pytest.approx(on_equator(150)["lon"])
    status, _, err = run_cli(capsys, "library", "export", "2", "--out", out_file, *where)
    assert status == 2
    assert (
        err
        == f"error: output already exists: {out_file} (use --force to overwrite, or choose another --out)\n"
    )

    assert run_cli(capsys, "library", "delete", "1", *where)[1] == "deleted variant 1 ('L2 at far')\n"
    assert [v.id for v in library.list()] == [2]


def test_cli_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    status, _, err = run_cli(capsys, "library", "show", "5", "--library", path)
    assert (status, err) == (
        2,
        f"error: no variant with id 5 in {path} (`medevac library list` shows the ids)\n",
    )
    with pytest.raises(SystemExit) as caught:
        main(["library", "show", "five", "--library", str(path)])
    assert caught.value.code == 2
    assert "invalid int value: 'five'" in capsys.readouterr().err
    Library(path).save(baseline(), L2_AT_FAR, "a")
    Library(path).save(baseline(), L2_MIDWAY, "b")
    status, _, err = run_cli(capsys, "library", "rename", "2", "a", "--library", path)
    assert status == 2 and "named 'a' is already saved (id 1)" in err
    status, out, _ = run_cli(capsys, "library", "list", "--library", tmp_path / "empty.sqlite")
    assert (status, out) == (0, f"no saved variants in {tmp_path / 'empty.sqlite'}\n")
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"\x00garbage" * 512)
    status, _, err = run_cli(capsys, "library", "list", "--library", broken)
    assert status == 2 and err.startswith(f"error: {broken} is not a readable variant library")


def test_cli_lists_the_variants_of_one_scenario_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = mission_with_a_patrol_file(tmp_path / "mission")
    monkeypatch.setenv(LIBRARY_ENV, str(tmp_path / "env.sqlite"))  # found through the variable
    Library().save(load_scenario(path), L2_AT_FAR, "of the file")
    Library().save(baseline(), L2_AT_FAR, "of another")
    status, out, _ = run_cli(capsys, "library", "list", "--scenario", path, "--format", "json")
    assert status == 0
    assert [v["name"] for v in json.loads(out)] == ["of the file"]
