"""Fuzzing the loader: the demo scenarios, mutated, are valid or a ScenarioError, never anything else.

Two kinds of mutation: of the document (a value replaced by one of any type, a key dropped
or added, an entry repeated) and of the text itself (characters that mean something in YAML
inserted, lines cut or repeated). Whatever comes out, the loader either returns a scenario
or raises :class:`ScenarioError` with short, one-line messages: never another exception.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medevac.errors import ScenarioError
from medevac.model import Scenario
from medevac.scenario import parse_scenario

DEMOS = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.yaml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in DEMOS}
DOCUMENTS = {path: yaml.safe_load(text) for path, text in TEXTS.items()}

DEEPER = int(os.environ.get("MEDEVAC_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=DEEPER or 80,
    deadline=None if DEEPER else 2000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not DEEPER,
    database=None,
)
"""A few seconds per test, the same examples on every run (a failure reproduces);
``MEDEVAC_FUZZ_EXAMPLES=5000`` fuzzes deeper, with new examples each time."""

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "1e3", "5e-324", ".inf", "2024-13-45", "yes", "x" * 3000, "../../etc/passwd"]),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-5, 5), max_size=2),
)

YAML_BITS = st.sampled_from(
    ["&a ", "*a", "[", "]", "{", "}", ": ", ", ", "- ", "? ", "!!", "|", ">", "'", '"', "#", "\n", "\t", "  ",
     "<<: *a", "\\", "%", "@", "`", "1e999", "-.inf", "\x00", "\u2028", "\ufeff", "é"]
)  # fmt: skip


def check_loads(text: str, path: Path) -> None:
    try:
        scenario = parse_scenario(text, source=path.name, source_dir=path.parent)
    except ScenarioError as error:
        assert error.problems
        for line in str(error).splitlines():
            assert len(line) < 1500, line[:200]
    else:
        assert isinstance(scenario, Scenario)


@st.composite
def mutated_documents(draw: st.DrawFn) -> tuple[Path, Any]:
    path = draw(st.sampled_from(DEMOS))
    document = copy.deepcopy(DOCUMENTS[path])
    for _ in range(draw(st.integers(1, 4))):
        document = _mutate(draw, document)
    return path, document


def _mutate(draw: st.DrawFn, node: Any) -> Any:
    """One change somewhere in ``node`` (returned, as the root itself may be replaced)."""
    if not isinstance(node, dict | list) or not node or draw(st.integers(0, 3)) == 0:
        if isinstance(node, dict) and draw(st.booleans()):
            node = dict(node)
            node[draw(st.sampled_from(["extra", "lat", "id", "x" * 100]))] = draw(ANY_VALUE)
            return node
        if isinstance(node, list) and node and draw(st.booleans()):
            return [*node, copy.deepcopy(node[draw(st.integers(0, len(node) - 1))])]  # a repeated entry
        return draw(ANY_VALUE)
    key: Any = draw(st.sampled_from(sorted(node, key=str))) if isinstance(node, dict) else None
    if isinstance(node, list):
        key = draw(st.integers(0, len(node) - 1))
    if isinstance(node, dict) and draw(st.integers(0, 5)) == 0:
        del node[key]
        return node
    node[key] = _mutate(draw, node[key])
    return node


@FUZZ
@given(mutated_documents())
def test_mutated_documents_are_valid_or_a_scenario_error(case: tuple[Path, Any]) -> None:
    path, document = case
    check_loads(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), path)


@FUZZ
@given(
    st.sampled_from(DEMOS),
    st.lists(
        st.tuples(
            st.floats(0, 1), st.integers(0, 40), st.sampled_from(["insert", "cut", "repeat"]), YAML_BITS
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_texts_are_valid_or_a_scenario_error(
    path: Path, edits: list[tuple[float, int, str, str]]
) -> None:
    text = TEXTS[path]
    for where, length, kind, bit in edits:
        at = int(where * len(text))
        if kind == "insert":
            text = text[:at] + bit + text[at:]
        elif kind == "cut":
            text = text[:at] + text[at + length :]
        else:
            text = text[:at] + text[at : at + length] * 3 + text[at:]
    check_loads(text, path)


def test_the_demos_themselves_load() -> None:
    assert len(DEMOS) >= 2
    for path, text in TEXTS.items():
        assert isinstance(parse_scenario(text, source=path.name, source_dir=path.parent), Scenario)
