"""Read, validate and write scenario files (spec v1).

Validation reports every problem at once, each naming the file, the key path
(``airframes[2].launch.night``), the value found and what is allowed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from medevac.errors import Problem, ScenarioError, key_path
from medevac.files import OutputExistsError, write_atomic
from medevac.i18n import N_, format_template, gettext
from medevac.model import (
    Airframe,
    Conditions,
    Facility,
    Ground,
    Launch,
    Location,
    PathFile,
    Patrol,
    Scenario,
    Site,
    Thresholds,
    Timeline,
)
from medevac.safe_yaml import load_yaml, read_text_bounded

_MODEL_OF_KEY: dict[str, type[BaseModel]] = {
    "": Scenario,
    "thresholds": Thresholds,
    "conditions": Conditions,
    "timeline": Timeline,
    "ground": Ground,
    "facilities": Facility,
    "airframes": Airframe,
    "launch": Launch,
    "base": Location,
    "sites": Site,
    "patrols": Patrol,
    "path": Location,
}
"""Which model sits under each key, to list the allowed keys when one is unknown."""


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` listing every problem."""
    path = Path(path)
    text = read_text_bounded(path)
    return parse_scenario(text, source=str(path), source_dir=path.parent)


def parse_scenario(text: str, source: str = "<scenario>", source_dir: Path | None = None) -> Scenario:
    """Validate the YAML text of a scenario; ``source`` names it in error messages.

    The YAML is read with the limits of :mod:`medevac.safe_yaml` (size, depth, aliases,
    duplicate keys).
    """
    return scenario_from_mapping(load_yaml(text, source), source=source, source_dir=source_dir)


def scenario_from_mapping(
    data: object, source: str = "<scenario>", source_dir: Path | None = None
) -> Scenario:
    """Validate an already-parsed scenario document (a mapping)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [Problem(source, "", _type_name(data), gettext("a scenario must be a YAML mapping of keys"))]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = [
            _problem_from_pydantic(source, data, item)
            for item in error.errors()
            if not _is_echo_of_bad_item(item)
        ]
        # Cross-references can still be checked on the parts that did validate.
        problems += _reference_problems(source, data)
        raise ScenarioError(_unique(problems)) from None
    problems = _reference_problems(source, data)
    if source_dir is not None:
        problems += _missing_file_problems(source, scenario, source_dir)
    if problems:
        raise ScenarioError(problems)
    return scenario.with_source_dir(source_dir) if source_dir is not None else scenario


def scenario_to_mapping(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, keeping only what its author set (no injected defaults)."""
    return scenario.model_dump(mode="json", exclude_unset=True)


def dump_scenario(scenario: Scenario) -> str:
    """YAML text of a scenario; reading it back gives an equal scenario."""
    return yaml.safe_dump(scenario_to_mapping(scenario), sort_keys=False, allow_unicode=True, width=100)


def write_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a scenario file; an existing file is never replaced unless ``overwrite``, and
    then atomically (a failure leaves the old file whole)."""
    path = Path(path)
    try:
        return write_atomic(path, dump_scenario(scenario), force=overwrite)
    except OutputExistsError:
        raise ScenarioError(
            [Problem(str(path), "", str(path), gettext("already exists; choose another name"))]
        ) from None


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors (YAML language servers) and other tools."""
    schema = Scenario.model_json_schema()
    # The patrol `file:` shorthand is rewritten before validation, so add it by hand.
    patrol = schema["$defs"]["Patrol"]
    patrol["properties"]["file"] = {"type": "string", "minLength": 1, "title": "File"}
    patrol["required"] = ["id"]
    patrol["oneOf"] = [{"required": ["path"]}, {"required": ["file"]}]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "medevac scenario (format v1)"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2)


# -- error messages -----------------------------------------------------------------------


def _problem_from_pydantic(source: str, data: object, item: Mapping[str, Any]) -> Problem:
    keys = _keys_in_document(data, item["loc"])
    path = key_path(keys)
    kind = item["type"]
    context = item.get("ctx", {})
    value: object = item.get("input")
    if kind == "extra_forbidden":
        parent = next((k for k in reversed(keys[:-1]) if isinstance(k, str)), "")
        model = PathFile if "<file>" in item["loc"] else _MODEL_OF_KEY.get(parent)
        allowed = ", ".join(model.model_fields) if model else gettext("see `medevac schema`")
        text = format_template(gettext("unknown key; allowed keys: {allowed}"), allowed=allowed)
        return Problem(source, path, keys[-1] if keys else value, text)
    if kind == "missing":
        return Problem(source, path, None, gettext("required key"))
    if value is None:
        value = "null"  # written as `key:` with nothing after it; None would read "missing"
    return Problem(source, path, value, _allowed_text(kind, context, item.get("msg", "")))


def _is_echo_of_bad_item(item: Mapping[str, Any]) -> bool:
    """Pydantic counts only valid items for a minimum length: a list with one bad item of
    two is "too short" too. That error repeats the item's own, so it is left out."""
    if item["type"] != "too_short":
        return False
    given = item.get("input")
    return isinstance(given, list) and len(given) >= item.get("ctx", {}).get("min_length", 0)


_BOUNDS: dict[str, str] = {
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "literal_error": N_("must be one of {expected}"),
    "too_short": N_("must have at least {min_length} item(s)"),
    "string_too_short": N_("must not be empty"),
}
"""What a bound of pydantic's allows, by its error type; the bound is pydantic's ``ctx``."""

_KINDS: dict[str, str] = {
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "dict_type": N_("must be a mapping of keys"),
    "model_type": N_("must be a mapping of keys"),
    "model_attributes_type": N_("must be a mapping of keys"),
}
"""What a value of the wrong type must be, by pydantic's error type."""


def _allowed_text(kind: str, context: Mapping[str, Any], message: str) -> str:
    """What is allowed, in the current language. A bound's number keeps its spelling in the
    file (a value: ``60``, ``0.5``); an error type not listed keeps pydantic's own English,
    or the message a model's validator gave (already in the caller's language)."""
    if kind == "literal_error":  # pydantic's "'day' or 'night'": its "or" in the language
        first, _, last = str(context.get("expected", "")).rpartition(" or ")
        expected = format_template(gettext("{first} or {last}"), first=first, last=last) if first else last
        return format_template(gettext(_BOUNDS[kind]), expected=expected)
    if kind in _BOUNDS:
        return format_template(gettext(_BOUNDS[kind]), **context)
    if kind in _KINDS:
        return gettext(_KINDS[kind])
    return message


def _keys_in_document(data: object, loc: Iterable[object]) -> list[str | int]:
    """The part of pydantic's error location that names real keys and indexes of the file.

    Pydantic adds the names of union members (``str``, ``Location``) to locations; they are
    not keys a planner wrote, so they are dropped by walking the document itself.
    """
    keys: list[str | int] = []
    node: object = data
    steps = list(loc)
    for position, step in enumerate(steps):
        if isinstance(node, Mapping) and step in node:
            keys.append(step)  # type: ignore[arg-type]
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            keys.append(step)
            node = node[step]
        elif isinstance(node, Mapping) and position == len(steps) - 1:
            keys.append(str(step))  # a missing key: name it
    return keys


def _type_name(value: object) -> str:
    if value is None:
        return gettext("empty file")
    return format_template(gettext("a {type}"), type=type(value).__name__)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    result = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            result.append(problem)
    return result


def _reference_problems(source: str, data: Mapping[str, Any]) -> list[Problem]:
    """Problems between entries: duplicate ids, unknown bases, a custom profile's thresholds."""
    problems: list[Problem] = []
    entries: list[tuple[str, int, Mapping[str, Any]]] = []
    for key in ("facilities", "airframes", "sites"):
        items = data.get(key)
        if isinstance(items, list):
            entries += [(key, i, item) for i, item in enumerate(items) if isinstance(item, Mapping)]
    counts = Counter(str(item.get("id")) for _, _, item in entries if "id" in item)
    for key, index, item in entries:
        if "id" in item and counts[str(item["id"])] > 1:
            problems.append(
                Problem(
                    source,
                    f"{key}[{index}].id",
                    item["id"],
                    gettext("ids must be unique across facilities, airframes and sites"),
                )
            )
    patrols = data.get("patrols")
    if isinstance(patrols, list):
        patrol_ids = Counter(str(p.get("id")) for p in patrols if isinstance(p, Mapping))
        for index, patrol in enumerate(patrols):
            if isinstance(patrol, Mapping) and patrol_ids[str(patrol.get("id"))] > 1:
                problems.append(
                    Problem(
                        source, f"patrols[{index}].id", patrol.get("id"), gettext("patrol ids must be unique")
                    )
                )
    facility_ids = {str(item["id"]) for key, _, item in entries if key == "facilities" and "id" in item}
    for key, index, item in entries:
        base = item.get("base")
        if key == "airframes" and isinstance(base, str) and base not in facility_ids:
            allowed = ", ".join(sorted(facility_ids)) or gettext("none defined")
            template = gettext("must name a facility (facilities: {allowed}) or be {{lat:, lon:}}")
            problems.append(
                Problem(source, f"airframes[{index}].base", base, format_template(template, allowed=allowed))
            )
    if data.get("standard") == "custom" and data.get("thresholds") is None:
        problems.append(
            Problem(
                source,
                "thresholds",
                None,
                gettext("required with standard: custom (first_aid, resuscitation, surgery)"),
            )
        )
    return problems


def _missing_file_problems(source: str, scenario: Scenario, source_dir: Path) -> list[Problem]:
    """Files the scenario names (road layer, closures, patrol lines) that are not there.

    Only existence is checked here, so `medevac validate` stays quick; the readers report
    what is wrong inside a file.
    """
    named: list[tuple[str, str]] = []
    if scenario.ground.roads:
        named.append(("ground.roads", scenario.ground.roads))
    named += [(f"ground.closures[{i}]", path) for i, path in enumerate(scenario.ground.closures)]
    named += [
        (f"patrols[{i}].path.file", patrol.path.file)
        for i, patrol in enumerate(scenario.patrols)
        if isinstance(patrol.path, PathFile)
    ]
    template = gettext("no such file (looked in {folder})")
    return [
        Problem(source, key, path, format_template(template, folder=source_dir))
        for key, path in named
        if not (source_dir / path).exists()
    ]


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Things that are valid but probably not what the author meant."""
    warnings = []
    for airframe in scenario.airframes:
        if airframe.launch.night is not None and airframe.launch.night < airframe.launch.day:
            template = N_(
                "airframe {airframe}: night launch ({night:g} min) is quicker than day launch ({day:g} min)"
            )
            warnings.append(
                format_template(
                    gettext(template),
                    airframe=airframe.id,
                    night=airframe.launch.night,
                    day=airframe.launch.day,
                )
            )
    if scenario.thresholds is not None and scenario.standard != "custom":
        template = N_("thresholds are ignored with standard: {standard} (set standard: custom to use them)")
        warnings.append(format_template(gettext(template), standard=scenario.standard))
    return warnings


__all__ = [
    "dump_scenario",
    "json_schema",
    "load_scenario",
    "parse_scenario",
    "scenario_from_mapping",
    "scenario_to_mapping",
    "scenario_warnings",
    "write_scenario",
]


def relocated(scenario: Scenario, folder: Path) -> Scenario:
    """The scenario as a file in ``folder`` would be: the files it names (road layer,
    closures, patrol files) still found, their relative paths rewritten from the new folder."""

    def moved(name: str) -> str:
        path = Path(name)
        return name if path.is_absolute() else os.path.relpath(scenario.source_dir / path, folder)

    data = scenario_to_mapping(scenario)
    ground = data.get("ground", {})
    if ground.get("roads"):
        ground["roads"] = moved(ground["roads"])
    if ground.get("closures"):
        ground["closures"] = [moved(name) for name in ground["closures"]]
    for patrol in data.get("patrols", []):
        path = patrol.get("path")
        if isinstance(path, dict) and "file" in path:
            path["file"] = moved(path["file"])
    return scenario_from_mapping(data, source=str(folder), source_dir=folder)
