"""Scenario files: round trip, the JSON Schema, and one test per class of bad input.

Every bad-input test asserts that the message names the file, the key path, the bad value
and what is allowed (spec v1: "A wrong file gets one error per problem").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from medevac.errors import MedevacError, ScenarioError
from medevac.scenario import (
    dump_scenario,
    json_schema,
    load_scenario,
    parse_scenario,
    scenario_to_mapping,
    write_scenario,
)

DATA = Path(__file__).parent / "data"
SECTOR_EAST = DATA / "sector-east.yaml"

HEAD = "medevac: 1\nname: test\n"
FACILITY = "facilities:\n  - {id: gao-l2, level: '2', lat: 16.27, lon: -0.04}\n"


def airframe_line(aid: str = "puma-1", /, **override: Any) -> str:
    fields: dict[str, Any] = {
        "id": aid,
        "base": "gao-l2",
        "cruise_kmh": 250,
        "range_km": 570,
        "launch": {"day": 30, "night": 60},
        **override,
    }
    return "  - " + yaml.safe_dump(fields, default_flow_style=True, sort_keys=False).strip() + "\n"


def problems_of(tmp_path: Path, text: str) -> tuple[str, list[str]]:
    """Write ``text`` to a file, load it, and return the file name and each problem's message."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    messages = [str(p) for p in caught.value.problems]
    assert str(caught.value) == "\n".join(messages)
    return str(path), messages


def only(messages: list[str]) -> str:
    assert len(messages) == 1, messages
    return messages[0]


# -- round trip ---------------------------------------------------------------------------


def test_round_trip_load_dump_parse_is_equal() -> None:
    scenario = load_scenario(SECTOR_EAST)
    assert scenario.source_dir == DATA
    text = dump_scenario(scenario)
    again = parse_scenario(text, source="dumped", source_dir=scenario.source_dir)
    assert again == scenario
    assert dump_scenario(again) == text


def test_dump_keeps_only_what_the_author_set() -> None:
    scenario = parse_scenario(HEAD + FACILITY)
    assert scenario_to_mapping(scenario) == {
        "medevac": 1,
        "name": "test",
        "facilities": [{"id": "gao-l2", "level": "2", "lat": 16.27, "lon": -0.04}],
    }
    assert "timeline" not in dump_scenario(scenario)


def test_write_scenario_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    scenario = load_scenario(SECTOR_EAST)
    target = tmp_path / "copy.yaml"
    assert write_scenario(scenario, target) == target
    written = target.read_text(encoding="utf-8")
    assert load_scenario(target) == scenario.with_source_dir(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        write_scenario(parse_scenario(HEAD), target)
    message = only([str(p) for p in caught.value.problems])
    assert str(target) in message
    assert "already exists" in message
    assert target.read_text(encoding="utf-8") == written  # untouched
    write_scenario(parse_scenario(HEAD), target, overwrite=True)
    assert load_scenario(target).name == "test"


def test_scenario_error_is_a_value_error_and_a_medevac_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        load_scenario(tmp_path / "missing.yaml")
    assert issubclass(ScenarioError, MedevacError)


# -- the JSON Schema ----------------------------------------------------------------------


def schema_validator() -> Any:
    """jsonschema's validator of the schema's own draft (the test skips without jsonschema)."""
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator


def test_json_schema_is_valid_json_schema() -> None:
    schema = json_schema()
    schema_validator().check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_json_schema_accepts_a_good_document_and_rejects_an_unknown_key() -> None:
    validator = schema_validator()(json_schema())
    document = yaml.safe_load(SECTOR_EAST.read_text(encoding="utf-8"))
    document["facilities"][1]["level"] = "3"
    assert list(validator.iter_errors(document)) == []
    document["airframes"][0]["launch"]["dusk"] = 45
    errors = list(validator.iter_errors(document))
    assert [list(e.absolute_path) for e in errors] == [["airframes", 0, "launch"]]


def test_json_schema_accepts_an_unquoted_level() -> None:
    document = yaml.safe_load(SECTOR_EAST.read_text(encoding="utf-8"))
    assert document["facilities"][1]["level"] == 3  # as YAML reads `level: 3`
    load_scenario(SECTOR_EAST)  # the loader accepts it...
    assert list(schema_validator()(json_schema()).iter_errors(document)) == []


def test_json_schema_accepts_the_patrol_file_shorthand() -> None:
    document = yaml.safe_load(HEAD + "patrols:\n  - {id: p, file: route.geojson}\n")
    parse_scenario(yaml.safe_dump(document))  # the loader accepts it...
    assert list(schema_validator()(json_schema()).iter_errors(document)) == []


# -- one test per class of bad input ------------------------------------------------------


def test_unknown_nested_key(tmp_path: Path) -> None:
    text = HEAD + FACILITY + "airframes:\n" + airframe_line(launch={"day": 30, "dusk": 45})
    file, messages = problems_of(tmp_path, text)
    message = only(messages)
    assert message.startswith(f"{file}: airframes[0].launch.dusk: ")
    assert "unknown key" in message
    assert "'dusk'" in message
    assert "allowed keys: day, night" in message


def test_unknown_top_level_key_lists_the_allowed_keys(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, HEAD + "standrad: custom\n")
    message = only(messages)
    assert message.startswith(f"{file}: standrad: unknown key")
    assert "'standrad'" in message
    assert "standard" in message.split("allowed keys:")[1]


def test_duplicate_ids_across_facilities_airframes_and_sites(tmp_path: Path) -> None:
    text = (
        HEAD
        + FACILITY
        + "airframes:\n"
        + airframe_line("gao-l2")
        + "sites:\n  - {id: kidal, lat: 18.44, lon: 1.41}\n  - {id: gao-l2, lat: 16.3, lon: 0.0}\n"
    )
    file, messages = problems_of(tmp_path, text)
    assert len(messages) == 3
    for message, where in zip(messages, ["facilities[0].id", "airframes[0].id", "sites[1].id"], strict=True):
        assert message.startswith(f"{file}: {where}: ")
        assert "'gao-l2'" in message
        assert "ids must be unique across facilities, airframes and sites" in message


def test_base_naming_no_facility(tmp_path: Path) -> None:
    text = HEAD + FACILITY + "airframes:\n" + airframe_line(base="gao-l1")
    file, messages = problems_of(tmp_path, text)
    message = only(messages)
    assert message.startswith(f"{file}: airframes[0].base: ")
    assert "'gao-l1'" in message
    assert "must name a facility (facilities: gao-l2) or be {lat:, lon:}" in message


@pytest.mark.parametrize(
    ("entry", "where", "value", "allowed"),
    [
        ("facilities:\n  - {id: f, level: '2', lat: 91, lon: 0}\n", "facilities[0].lat", "91", "at most 90"),
        ("sites:\n  - {id: s, lat: -90.5, lon: 0}\n", "sites[0].lat", "-90.5", "at least -90"),
        ("sites:\n  - {id: s, lat: 0, lon: 181}\n", "sites[0].lon", "181", "at most 180"),
        (
            "airframes:\n" + airframe_line(base={"lat": 0, "lon": -200}),
            "airframes[0].base.lon",
            "-200",
            "at least -180",
        ),
    ],
)
def test_latitude_and_longitude_out_of_range(
    tmp_path: Path, entry: str, where: str, value: str, allowed: str
) -> None:
    file, messages = problems_of(tmp_path, HEAD + entry)
    message = only(messages)
    assert message.startswith(f"{file}: {where}: ")
    assert f"got {value})" in message
    assert allowed in message


PATROL_OVER_THE_POLE = "patrols:\n  - {id: p, path: [{lat: 0, lon: 0}, {lat: 100, lon: 0}]}\n"


def test_latitude_out_of_range_in_a_patrol_path(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, HEAD + PATROL_OVER_THE_POLE)
    assert f"{file}: patrols[0].path[1].lat: must be at most 90.0 (got 100)" in messages


def test_latitude_out_of_range_in_a_patrol_path_is_one_problem(tmp_path: Path) -> None:
    _, messages = problems_of(tmp_path, HEAD + PATROL_OVER_THE_POLE)
    assert len(messages) == 1, messages


@pytest.mark.parametrize(
    ("override", "where", "value"),
    [
        ({"cruise_kmh": 0}, "airframes[0].cruise_kmh", "0"),
        ({"cruise_kmh": -250}, "airframes[0].cruise_kmh", "-250"),
        ({"range_km": 0}, "airframes[0].range_km", "0"),
        ({"range_km": -570}, "airframes[0].range_km", "-570"),
    ],
)
def test_non_positive_speed_and_range(
    tmp_path: Path, override: dict[str, float], where: str, value: str
) -> None:
    file, messages = problems_of(tmp_path, HEAD + FACILITY + "airframes:\n" + airframe_line(**override))
    message = only(messages)
    assert message.startswith(f"{file}: {where}: ")
    assert f"got {value})" in message
    assert "must be greater than 0" in message


def test_non_positive_road_speed(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, HEAD + "ground: {road_kmh: 0}\n")
    message = only(messages)
    assert message.startswith(f"{file}: ground.road_kmh: must be greater than 0")
    assert "got 0)" in message


@pytest.mark.parametrize("level", ["4", "'2-'", "'L2'", "0"])
def test_level_outside_the_allowed_set(tmp_path: Path, level: str) -> None:
    text = HEAD + f"facilities:\n  - {{id: f, level: {level}, lat: 0, lon: 0}}\n"
    file, messages = problems_of(tmp_path, text)
    message = only(messages)
    assert message.startswith(f"{file}: facilities[0].level: ")
    assert f"got '{level.strip(chr(39))}'" in message
    assert "must be one of '1', '1+', '2', '2+' or '3'" in message


def test_unquoted_levels_are_accepted() -> None:
    scenario = parse_scenario(HEAD + "facilities:\n  - {id: f, level: 2, lat: 0, lon: 0}\n")
    assert scenario.facilities[0].level == "2"


def test_a_file_that_is_not_yaml(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, HEAD + "facilities: [{id: f, level: 2\n")
    message = only(messages)
    assert message.startswith(f"{file}: line ")
    assert "column" in message
    assert "the file must be valid YAML" in message


@pytest.mark.parametrize(
    ("text", "found"), [("- a\n- b\n", "a list"), ("just text\n", "a str"), ("", "empty file")]
)
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    file, messages = problems_of(tmp_path, text)
    message = only(messages)
    assert message.startswith(f"{file}: ")
    assert f"'{found}'" in message
    assert "a scenario must be a YAML mapping of keys" in message


def test_a_missing_required_key(tmp_path: Path) -> None:
    text = "medevac: 1\nfacilities:\n  - {id: f, lat: 0, lon: 0}\n"
    file, messages = problems_of(tmp_path, text)
    assert messages == [
        f"{file}: name: required key (missing)",
        f"{file}: facilities[0].level: required key (missing)",
    ]


def test_a_missing_nested_required_key(tmp_path: Path) -> None:
    text = HEAD + FACILITY + "airframes:\n" + airframe_line(launch={"night": 60})
    file, messages = problems_of(tmp_path, text)
    assert only(messages) == f"{file}: airframes[0].launch.day: required key (missing)"


def test_a_wrong_format_version(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, "medevac: 2\nname: test\n")
    message = only(messages)
    assert message.startswith(f"{file}: medevac: must be one of 1")
    assert "got 2)" in message


def test_custom_standard_without_thresholds(tmp_path: Path) -> None:
    file, messages = problems_of(tmp_path, HEAD + "standard: custom\n")
    message = only(messages)
    assert message == (
        f"{file}: thresholds: required with standard: custom (first_aid, resuscitation, surgery) (missing)"
    )


def test_a_wrong_type_names_the_type_allowed(tmp_path: Path) -> None:
    text = HEAD + "sites:\n  - {id: s, lat: north, lon: 0, hls: maybe}\n"
    file, messages = problems_of(tmp_path, text)
    assert f"{file}: sites[0].lat: must be a number (got 'north')" in messages
    assert f"{file}: sites[0].hls: must be true or false (got 'maybe')" in messages


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    # Three problems in three places: a latitude, a night launch time, a misspelt key.
    text = (
        HEAD
        + "facilities:\n  - {id: gao-l2, level: '2', lat: 100, lon: -0.04}\n"
        + "airframes:\n"
        + airframe_line("a0")
        + airframe_line("a1")
        + airframe_line("a2", launch={"day": 30, "night": -5})
        + "sites:\n  - {id: kidal, lat: 18.44, lon: 1.41, hsl: true}\n"
    )
    file, messages = problems_of(tmp_path, text)
    assert len(messages) == 3
    assert messages[0].startswith(f"{file}: facilities[0].lat: must be at most 90")
    assert messages[1] == f"{file}: airframes[2].launch.night: must be at least 0.0 (got -5)"
    assert messages[2].startswith(f"{file}: sites[0].hsl: unknown key; allowed keys: ")
    assert "hls" in messages[2]


def test_files_the_scenario_names_must_exist(tmp_path: Path) -> None:
    text = HEAD + "ground: {roads: roads.gpkg}\npatrols:\n  - {id: p, file: route.geojson}\n"
    _, messages = problems_of(tmp_path, text)
    assert any("ground.roads: no such file" in m and "roads.gpkg" in m for m in messages), messages
    assert any("patrols[0].path.file: no such file" in m and "route.geojson" in m for m in messages), messages
