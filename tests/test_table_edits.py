"""Table edits: the app's editable tables as rows of the intake-v1 columns, their changes as
what-if edits (SetEntry, AddEntry, RemoveEntry, SetTimeline), validated by the scenario model,
problems named by table, row and column, and the edits kept as data in the library.

Tiny equator scenarios at one km a minute (``ONE_KM_A_MINUTE``): every time is a sum of
timeline values (request 10, approval 10, on scene 10, handover 5, ground departure 15,
first aid on site 5) and km stated in the comments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from conftest import ONE_KM_A_MINUTE, airframe, facility, make_scenario, on_equator, site

from medevac.check import CheckResult, check
from medevac.errors import LibraryError, Problem, ScenarioError
from medevac.intake.edits import (
    cell_values,
    entry_rows,
    locate,
    rows_after,
    table_edits,
    timeline_edits,
    timeline_rows,
)
from medevac.intake.tables import COLUMNS
from medevac.library import Library, edit_record, edits_from_json, edits_to_json
from medevac.model import Location, Scenario
from medevac.scenario import scenario_to_mapping
from medevac.whatif import (
    AddEntry,
    Edit,
    RemoveEntry,
    SetEntry,
    SetTimeline,
    apply_edits,
    describe,
    describe_variant,
)


def camps() -> Scenario:
    """A Level 1 at 0 km with a helicopter based on it; ``near`` at 20 km, ``far`` at 300 km."""
    return make_scenario(
        ground=ONE_KM_A_MINUTE,
        facilities=[facility("l1", 0, level="1")],
        airframes=[airframe("heli", "l1")],
        sites=[site("near", 20, personnel=50), site("far", 300, personnel=100)],
    )


def minutes(result: CheckResult, leg: str, site_id: str) -> float:
    row = next(r for r in result.site_rows() if r["site_id"] == site_id)
    value = row[f"{leg}_min"]
    return float(value) if value is not None else math.inf


# -- the edits themselves ----------------------------------------------------------------------


def test_a_facility_raised_to_level_2_in_its_row_gives_surgery_by_road() -> None:
    baseline = camps().model_copy(update={"airframes": ()})
    assert minutes(check(baseline), "surgery", "near") == math.inf  # no Level 2 anywhere
    variant = apply_edits(baseline, [SetEntry("facilities", "l1", (("level", "2"),))])
    assert variant.facility("l1").level == "2"
    result = check(variant)
    # By road to the new Level 2: ground departure 15 + 20 km + handover 5 = 40 min; far 320.
    assert minutes(result, "surgery", "near") == 40.0
    assert minutes(result, "surgery", "far") == 320.0
    assert describe(SetEntry("facilities", "l1", (("level", "2"),))) == "facility l1: level 2"


def test_set_entry_sets_nested_keys_places_and_defaults_and_renames_carry_airframes() -> None:
    baseline = camps()
    east = on_equator(40)
    edits = [
        SetEntry("airframes", "heli", (("launch.day", 5.0), ("launch.night", 45.0), ("night", True))),
        SetEntry("sites", "near", (("personnel", None), ("name", "Near camp"))),  # None: the default
        SetEntry("facilities", "l1", (("id", "l1-new"),)),
    ]
    variant = apply_edits(baseline, edits)
    heli = variant.airframes[0]
    assert (heli.launch.day, heli.launch.night, heli.night) == (5.0, 45.0, True)
    assert heli.base == "l1-new"  # the airframe follows its facility's new id
    near = variant.sites[0]
    assert (near.personnel, near.name) == (0, "Near camp")
    assert "personnel" not in scenario_to_mapping(variant)["sites"][0]
    to_east = SetEntry("airframes", "heli", (("base.lat", east["lat"]), ("base.lon", east["lon"])))
    moved = apply_edits(baseline, [to_east])
    assert moved.airframes[0].base == Location(lat=0.0, lon=east["lon"])
    back = apply_edits(moved, [SetEntry("airframes", "heli", (("base", "l1"),))])
    assert back.airframes[0].base == "l1"
    assert baseline.facility("l1").id == "l1"  # never mutated


def test_add_and_remove_entries() -> None:
    baseline = camps()
    where = on_equator(150)
    add = AddEntry("sites", (("id", "mid"), ("lat", where["lat"]), ("lon", where["lon"]), ("personnel", 7)))
    variant = apply_edits(baseline, [add, RemoveEntry("sites", "far")])
    assert [s.id for s in variant.sites] == ["near", "mid"]
    assert variant.sites[1].personnel == 7
    # The helicopter's base goes, not the helicopter: it stays at the facility's position.
    closed = apply_edits(baseline, [RemoveEntry("facilities", "l1")])
    assert closed.facilities == ()
    assert closed.airframes[0].base == Location(lat=0.0, lon=0.0)
    assert apply_edits(baseline, [RemoveEntry("airframes", "heli")]).airframes == ()
    assert describe(add) == "+ site mid at (0.00, 1.35)"
    assert (
        describe(RemoveEntry("facilities", "l1"))
        == "- facility l1 (airframes based there stay at its position)"
    )
    assert describe(AddEntry("facilities", (("id", "f"), ("level", "2"), ("lat", 1.0), ("lon", 2.0)))) == (
        "+ Level 2 facility f at (1.00, 2.00)"
    )
    assert describe_variant([RemoveEntry("airframes", "heli")]) == "- airframe heli"


def test_table_edits_that_do_not_fit_get_the_validators_problems() -> None:
    baseline = camps()
    with pytest.raises(ScenarioError) as caught:
        apply_edits(baseline, [SetEntry("sites", "nowhere", (("personnel", 3),))])
    assert str(caught.value.problems[0]) == (
        "<what-if>: edit 1 (site nowhere: personnel 3): must name one of the sites (near, far) "
        "(got 'nowhere')"
    )
    with pytest.raises(ScenarioError) as caught:
        apply_edits(baseline, [SetEntry("sites", "near", (("id", "l1"),))])
    assert [str(p) for p in caught.value.problems] == [
        "<what-if>: facilities[0].id: ids must be unique across facilities, airframes and sites (got 'l1')",
        "<what-if>: sites[0].id: ids must be unique across facilities, airframes and sites (got 'l1')",
    ]


def test_table_edits_are_stored_as_data_and_read_back(tmp_path: Path) -> None:
    edits = (
        SetEntry("facilities", "l1", (("level", "2"), ("helipad", False), ("name", None))),
        AddEntry("sites", (("id", "mid"), ("lat", 0.0), ("lon", 1.0), ("personnel", 7))),
        RemoveEntry("airframes", "heli"),
    )
    assert edit_record(edits[0]) == {
        "edit": "set_entry",
        "table": "facilities",
        "entry_id": "l1",
        "values": [["level", "2"], ["helipad", False], ["name", None]],
    }
    assert edits_from_json(edits_to_json(edits)) == edits
    library = Library(tmp_path / "lib.sqlite")
    saved = library.save(camps(), edits, "L2 and a new camp")
    assert library.edits(saved.id) == edits
    assert library.open(saved.id) == apply_edits(camps(), edits)
    assert (
        saved.description
        == "facility l1: level 2, helipad no, name default; + site mid at (0.00, 1.00); - airframe heli"
    )


# -- tables: rows, changed cells, problems at their cells --------------------------------------


def test_rows_are_the_workbook_columns_with_the_scenarios_values() -> None:
    scenario = make_scenario(
        facilities=[facility("l1", 0, level="1")],
        airframes=[airframe("heli", "l1"), airframe("plane", {"lat": 1.5, "lon": -2.25}, kind="fixed_wing")],
        sites=[site("near", 20, personnel=50)],
    )
    rows = entry_rows(scenario, "airframes")
    assert list(rows[0]) == [c.name for c in COLUMNS["airframes"]]
    assert rows[0] | {} == {
        "id": "heli",
        "type": "",
        "kind": "helicopter",
        "base": "l1",
        "cruise_kmh": 240.0,
        "range_km": 1000.0,
        "launch_day_min": 20.0,
        "launch_night_min": None,
        "night": False,
        "medical_team": False,
        "available": True,
        "availability": 1.0,
    }
    assert rows[1]["base"] == "1.5,-2.25"
    assert entry_rows(scenario, "sites")[0] == {
        "id": "near",
        "name": None,
        "lat": 0.0,
        "lon": on_equator(20)["lon"],
        "kind": "other",
        "personnel": 50,
        "first_responders": True,
        "hls": True,
        "airstrip": False,
    }
    for role in ("sites", "facilities", "airframes"):  # a table shown and not changed: no edit
        unchanged = {i: dict(row) for i, row in enumerate(entry_rows(scenario, role))}
        assert table_edits(role, entry_rows(scenario, role), edited=unchanged) == ([], [])


def test_changed_cells_become_edits_and_bad_cells_are_named() -> None:
    rows = entry_rows(camps(), "sites")
    edits, problems = table_edits(
        "sites",
        rows,
        edited={0: {"personnel": 60.0, "hls": "no"}, 1: {"lat": "12°30'N", "kind": "Team site"}},
        added=[{"id": "mid", "lat": 0.0, "lon": 1.0}, {"id": None}],
        deleted=[],
    )
    assert edits == [
        SetEntry("sites", "near", (("personnel", 60), ("hls", False))),
        SetEntry("sites", "far", (("kind", "team_site"),)),
        AddEntry("sites", (("id", "mid"), ("lat", 0.0), ("lon", 1.0))),
    ]
    assert [str(p) for p in problems] == [
        "sites table: row 2 ('far'), column lat: decimal degrees from -90 to 90, such as 12.5 or -3.25 "
        '(no degrees-minutes-seconds, no N/S/E/W, no decimal comma) (got "12°30\'N")'
    ]
    edits, problems = table_edits("sites", rows, edited={1: {"personnel": 3}}, deleted=[1, 0])
    assert edits == [RemoveEntry("sites", "near"), RemoveEntry("sites", "far")]  # a deleted row's edit goes
    assert cell_values("airframes", "base", "gao-l2") == (("base", "gao-l2"),)
    assert cell_values("airframes", "launch_night_min", None) == (("launch.night", None),)


def test_the_validators_problems_are_named_at_the_rows_they_come_from() -> None:
    baseline = camps()
    rows = entry_rows(baseline, "sites")
    added = [{"id": "new-camp", "lon": 1.0}]
    edits, problems = table_edits("sites", rows, added=added, deleted=[0])
    assert problems == []
    with pytest.raises(ScenarioError) as caught:
        apply_edits(baseline, edits)
    orders = {"sites": rows_after(rows, [0], added), "facilities": [(1, "l1")]}
    # The scenario's sites[1] is the table's row 3 (row 1 deleted, row 3 added).
    assert [str(locate(p, orders)) for p in caught.value.problems] == [
        "sites table: row 3 ('new-camp'), column lat: a value (required; the cell is empty) (missing)"
    ]
    airframe_rows = entry_rows(baseline, "airframes")
    edits, _ = table_edits("airframes", airframe_rows, edited={0: {"base": "nowhere"}})
    with pytest.raises(ScenarioError) as caught:
        apply_edits(baseline, edits)
    assert [str(locate(p, {"airframes": [(1, "heli")]})) for p in caught.value.problems] == [
        "airframes table: row 1 ('heli'), column base: must name a facility (facilities: l1) "
        "or be lat,lon in one cell (got 'nowhere')"
    ]
    other = Problem("<what-if>", "ground.road_kmh", 0, "must be greater than 0")
    assert locate(other, orders) is other


def test_the_timeline_table() -> None:
    baseline = camps()
    rows = timeline_rows(baseline)
    assert rows[1] == {"value": "approval", "minutes": 10.0}
    edits, problems = timeline_edits(rows, {1: {"minutes": 0.0}, 4: {"minutes": None}, 0: {"minutes": 10}})
    assert edits == [SetTimeline((("approval", 0.0), ("ground_departure", 15.0)))]  # empty: the default
    assert problems == []
    _, problems = timeline_edits(rows, {2: {"minutes": "ten"}})
    assert [str(p) for p in problems] == [
        "timeline table: row 3 ('on_scene'), column minutes: a number (minutes) with a decimal point, "
        "such as 12.5 (got 'ten')"
    ]
    with pytest.raises(ScenarioError) as caught:
        apply_edits(baseline, [SetTimeline((("handover", -5.0),))])
    assert [str(locate(p, {})) for p in caught.value.problems] == [
        "timeline table: row 4 ('handover'), column minutes: must be at least 0.0 (got -5)"
    ]


@dataclass(frozen=True)
class _Unregistered:
    """A kind of edit the library has no stored name for (another branch's new edit)."""

    note: str


def test_an_edit_the_library_cannot_store_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite")
    with pytest.raises(LibraryError) as caught:
        library.save(camps(), [cast(Edit, _Unregistered("x"))], "odd")
    assert str(caught.value) == (
        "this variant cannot be saved: an edit of kind _Unregistered has no stored name in the library "
        "(medevac.library.EDIT_KINDS); nothing was saved"
    )
    assert library.list() == ()
