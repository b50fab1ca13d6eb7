"""Tables into a scenario of spec v1: typed, merged over a base, validated, every problem
named by its cell.

The scenario model does the checks a YAML file gets (ranges, duplicate ids, a base that
names no facility); its key paths (``sites[3].lat``) are turned back into the cells the
values came from, so a planner is pointed at a row and a column, not at a YAML key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from medevac.errors import Problem, ScenarioError
from medevac.i18n import format_template, gettext
from medevac.intake.placemarks import SUFFIXES as POINT_SUFFIXES
from medevac.intake.placemarks import read_placemarks
from medevac.intake.settings import apply_settings, type_settings
from medevac.intake.tables import (
    WORKBOOK_SUFFIXES,
    Table,
    Typed,
    Where,
    column_of_key,
    in_sheet_order,
    read_csv,
    read_workbook,
    type_table,
)
from medevac.model import Scenario
from medevac.scenario import load_scenario, relocated, scenario_from_mapping, scenario_to_mapping

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
ENTRY_ROLES = ("sites", "facilities", "airframes")


@dataclass(frozen=True)
class Sources:
    """What to import: a workbook and/or one file per table, and a base scenario."""

    workbook: Path | None = None
    sites: Path | None = None
    facilities: Path | None = None
    airframes: Path | None = None
    settings: Path | None = None
    base: Path | None = None

    def table_file(self, role: str) -> Path | None:
        value = getattr(self, role)
        return value if isinstance(value, Path) else None


@dataclass(frozen=True)
class Imported:
    """A valid scenario (its relative file names as seen from ``out_dir``) and warnings."""

    scenario: Scenario
    warnings: tuple[str, ...] = ()


@dataclass
class _Origins:
    """Where each value of the scenario document came from, to name cells in messages."""

    cells: dict[str, tuple[Where, object]] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    absent: dict[str, set[str]] = field(default_factory=dict)
    letters: dict[str, dict[str, str | None]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)


def import_scenario(sources: Sources, out_dir: Path) -> Imported:
    """The scenario the sources describe, valid as a file in ``out_dir``.

    Raises :class:`ScenarioError` with every problem found, each naming its cell.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    tables = _read_tables(sources, problems, warnings)
    if not tables and not problems:
        problems.append(
            Problem(
                "import",
                "",
                None,
                gettext("a workbook, or at least one of --sites, --facilities, --airframes"),
            )
        )

    document: dict[str, object] = {"medevac": 1}
    base_failed = False
    if sources.base is not None:
        try:
            base = relocated(load_scenario(sources.base), out_dir)
            document = scenario_to_mapping(base)
        except ScenarioError as error:
            problems += error.problems
            base_failed = True

    origins = _Origins()
    for role in ENTRY_ROLES:
        if role in tables:
            typed = type_table(tables[role])
            _keep(origins, typed, role, tables[role])
            problems += typed.problems
            if typed.entries or role in document:  # an empty sheet adds nothing, or empties a base's
                document[role] = typed.entries
    if "settings" in tables:
        settings = type_settings(tables["settings"], out_dir)
        problems += settings.problems
        origins.cells.update(settings.origins)
        origins.bad |= settings.bad
        origins.aliases = apply_settings(document, settings)
    if not document.get("name"):
        document["name"] = _name_from_files(sources)

    if base_failed:
        # Without the base, its facilities are missing: cross-checks would only mislead.
        raise ScenarioError(_unique(problems))
    source = str(sources.base or _first_file(sources) or "import")
    try:
        scenario = scenario_from_mapping(document, source=source, source_dir=out_dir)
    except ScenarioError as error:
        problems += [p for p in (_locate(problem, origins) for problem in error.problems) if p]
        raise ScenarioError(_unique(problems)) from None
    if problems:
        raise ScenarioError(_unique(problems))
    for table in tables.values():
        warnings += table.warnings
    return Imported(scenario, tuple(warnings))


def _read_tables(sources: Sources, problems: list[Problem], warnings: list[str]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    if sources.workbook is not None:
        suffix = sources.workbook.suffix.lower()
        if suffix not in WORKBOOK_SUFFIXES:
            problems.append(
                Problem(
                    str(sources.workbook),
                    "",
                    suffix or gettext("no suffix"),
                    format_template(gettext("a workbook: {suffixes}"), suffixes=", ".join(WORKBOOK_SUFFIXES)),
                )
            )
        elif not sources.workbook.is_file():
            problem = Problem(
                str(sources.workbook), "", str(sources.workbook), gettext("an existing workbook")
            )
            problems.append(problem)
        else:
            found, read_problems, read_warnings = read_workbook(sources.workbook)
            tables.update(found)
            problems += read_problems
            warnings += read_warnings
    for role in (*ENTRY_ROLES, "settings"):
        path = sources.table_file(role)
        if path is None:
            continue
        option = f"--{role}"
        suffix = path.suffix.lower()
        allowed = CSV_SUFFIXES + (POINT_SUFFIXES if role in ("sites", "facilities") else ())
        if suffix not in allowed:
            problems.append(
                Problem(
                    str(path),
                    option,
                    suffix or gettext("no suffix"),
                    format_template(gettext("a file: {suffixes}"), suffixes=", ".join(allowed)),
                )
            )
        elif not path.is_file():
            problems.append(Problem(str(path), option, str(path), gettext("an existing file")))
        elif suffix in CSV_SUFFIXES:
            tables[role] = read_csv(path, role)
        else:
            tables[role] = read_placemarks(path, role)
    return tables


def _keep(origins: _Origins, typed: Typed, role: str, table: Table) -> None:
    origins.cells.update(typed.origins)
    origins.bad |= typed.bad
    origins.absent[role] = typed.absent_columns
    origins.letters[role] = {name: where.letter for name, where in table.headers.items()}


def _first_file(sources: Sources) -> Path | None:
    for path in (sources.workbook, sources.sites, sources.facilities, sources.airframes, sources.settings):
        if path is not None:
            return path
    return None


def _name_from_files(sources: Sources) -> str:
    """Without a ``name`` setting or a base: the workbook's name, else the sites file's."""
    for path in (sources.workbook, sources.sites, _first_file(sources)):
        if path is not None:
            return path.stem
    return "imported"


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(key_path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(key_path)]


def _join(steps: list[str | int]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


_FALLBACK = {"thresholds": "standard"}
"""A problem with no cell of its own, shown at the cell that causes it."""


def _locate(problem: Problem, origins: _Origins) -> Problem | None:
    """The problem at the cell its value came from; None when it only echoes a bad cell."""
    steps = _steps(problem.key_path)
    if len(steps) >= 2 and steps[0] == "patrols":
        alias = origins.aliases.get(_join(steps[:2]))
        if alias:
            steps = [alias, *steps[2:]]
    for size in range(len(steps), 0, -1):
        key = _join(steps[:size])
        if key in origins.bad:
            return None
    for size in range(len(steps), 0, -1):
        key = _join(steps[:size])
        if key not in origins.cells:
            continue
        where, raw = origins.cells[key]
        rest = [str(step) for step in steps[size:]]
        role = str(steps[0])
        if size == 2 and role in ENTRY_ROLES and rest:
            # A row-level origin: the value is missing, so name its column in that row.
            column = column_of_key(role, rest)
            name = column.name if column else rest[-1]
            if name in origins.absent.get(role, set()):
                return None  # already said once: the column is missing
            where = where.at(name, origins.letters.get(role, {}).get(name))
            return where.problem(None, _in_cell_words(problem.allowed))
        value = raw if raw is not None else problem.value
        return where.problem(value, _in_cell_words(problem.allowed))
    fallback = _FALLBACK.get(problem.key_path)
    if fallback and fallback in origins.cells:
        where, raw = origins.cells[fallback]
        return where.problem(raw, problem.allowed)
    return problem


def _in_cell_words(allowed: str) -> str:
    """The scenario file's wording, said as a planner filling a table would say it (both in
    the current language, the one the scenario's problems were made in)."""
    if allowed == gettext("required key"):
        return gettext("a value (required; the cell is empty)")
    return allowed.replace(gettext("or be {lat:, lon:}"), gettext("or be lat,lon in one cell"))


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    result = []
    for problem in in_sheet_order(problems):
        if str(problem) not in seen:
            seen.add(str(problem))
            result.append(problem)
    return result
