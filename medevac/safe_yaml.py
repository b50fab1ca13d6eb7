"""Reading YAML that may be hostile: bounded in size, depth and alias expansion, strict on keys.

A scenario file comes from a planner's disk or a browser upload, so the reader must refuse
quickly and clearly what YAML allows but no scenario needs:

- a file larger than :data:`MAX_FILE_BYTES` (``/dev/zero`` would otherwise fill memory);
- nesting deeper than :data:`MAX_DEPTH` (a deep file blows Python's stack);
- aliases (``*name``) that expand the document by more than :data:`MAX_ALIAS_NODES` nodes
  (the "billion laughs": 469 bytes that expand into 10^9 items), or that refer to a node
  containing themselves;
- the same key twice in one mapping (YAML readers keep the last one silently: ``lat: 0``
  then ``lat: 45`` would move a site).

Numbers written as ``1e3`` or ``5e-324`` are read as numbers (YAML 1.2), not as the text
that YAML 1.1 makes of them. libyaml's parser (``CSafeLoader``) is used when PyYAML has it:
about six times faster than the pure-Python one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from medevac.errors import Problem, ScenarioError, key_path, shorten
from medevac.i18n import format_template, gettext

MAX_FILE_BYTES = 20_000_000
"""Largest file read (20 MB: a scenario of 100,000 sites is about 8 MB)."""

MAX_DEPTH = 40
"""Deepest nesting of mappings and lists accepted (a scenario needs six levels)."""

MAX_ALIAS_NODES = 100_000
"""Most nodes that aliases may add to a document once expanded."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with YAML 1.2 exponent numbers and a cache of plain scalars' tags.

    Matching every plain scalar against the resolvers' patterns is half the time of
    composing with libyaml; the keys (``id``, ``lat``, ``lon``...) repeat on every entry.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        tag = self._plain_tags.get(value)
        if tag is None:
            # A plain scalar's tag depends on its text alone (SafeLoader has no path resolvers).
            tag = super().resolve(kind, value, implicit)
            if len(self._plain_tags) < 100_000:
                self._plain_tags[value] = tag
        return tag


# YAML 1.1 (PyYAML) needs a dot and a signed exponent in a float: `1e3` would be text.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_text_bounded(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a file of at most ``limit`` bytes; raises :class:`ScenarioError`.

    Reads at most ``limit + 1`` bytes whatever the file is (a device, a pipe, a huge file).
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        allowed = format_template(gettext("cannot be read ({reason})"), reason=reason)
        raise ScenarioError([Problem(str(path), "", str(path), allowed)]) from None
    if len(data) > limit:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    format_template(gettext("more than {limit:,} bytes"), limit=limit),
                    format_template(gettext("a scenario file must be at most {mb:g} MB"), mb=limit / 1e6),
                )
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    "",
                    format_template(gettext("byte {offset}"), offset=error.start),
                    gettext("the file must be UTF-8 text"),
                )
            ]
        ) from None


def load_yaml(text: str, source: str) -> Any:
    """The data of one YAML document, checked; problems raise :class:`ScenarioError`."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    source,
                    "",
                    format_template(gettext("{count:,} characters"), count=len(text)),
                    format_template(gettext("at most {limit:,} characters"), limit=MAX_FILE_BYTES),
                )
            ]
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = _node_problem(node, source)
        if problem is not None:
            raise ScenarioError([problem])
        return loader.construct_document(node)
    except ScenarioError:
        raise
    except yaml.YAMLError as error:
        raise ScenarioError([_yaml_problem(source, error)]) from None
    except RecursionError:  # the pure-Python parser nests a call per level
        raise ScenarioError(
            [
                Problem(
                    source,
                    "",
                    gettext("nesting too deep to read"),
                    format_template(gettext("at most {depth} levels of nesting"), depth=MAX_DEPTH),
                )
            ]
        ) from None
    except (ValueError, TypeError, OverflowError) as error:  # e.g. a timestamp 2024-13-45
        problem = Problem(source, "", shorten(str(error)), gettext("a value YAML can read"))
        raise ScenarioError([problem]) from None
    finally:
        loader.dispose()


def _yaml_problem(source: str, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        shown = chr(character) if isinstance(character, int) else character
        template = gettext("the file must be YAML text ({reason}, at offset {offset})")
        return Problem(
            source, "", shown, format_template(template, reason=error.reason, offset=error.position)
        )
    mark = getattr(error, "problem_mark", None)
    where = ""
    if mark:
        template = gettext("line {line}, column {column}")
        where = format_template(template, line=mark.line + 1, column=mark.column + 1)
    problem = getattr(error, "problem", None) or gettext("not valid YAML")  # PyYAML's words: English
    return Problem(source, where, problem, gettext("the file must be valid YAML"))


def _children(node: Node) -> list[Node]:
    """Keys and values of a mapping node, items of a sequence node; nothing for a scalar."""
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _node_problem(root: Node, source: str) -> Problem | None:
    """The first problem of a composed document: depth, a duplicate key, aliases.

    One iterative walk over the collections (a deep file cannot exhaust the stack) checks
    depth and keys. Only when a node is met twice, which aliases do, is the expanded size
    counted, by :func:`_alias_problem`.
    """
    seen: set[int] = set()
    shared = False
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            return Problem(
                source,
                _path_to(root, node),
                format_template(
                    gettext("nested more than {depth} levels deep at {line}"),
                    depth=MAX_DEPTH,
                    line=_line(node),
                ),
                format_template(gettext("at most {depth} levels of nesting"), depth=MAX_DEPTH),
            )
        if isinstance(node, MappingNode):
            duplicate = _duplicate_key(node)
            if duplicate is not None:
                first, again = duplicate
                return Problem(
                    source,
                    _path_to(root, again),
                    again.value,
                    format_template(
                        gettext(
                            "a key may appear only once in a mapping (first at {first}, again at {again})"
                        ),
                        first=_line(first),
                        again=_line(again),
                    ),
                )
        for child in _children(node):
            if isinstance(child, ScalarNode):
                continue
            if id(child) in seen:
                shared = True
                continue
            seen.add(id(child))
            stack.append((child, level + 1))
    return _alias_problem(root, source) if shared else None


def _alias_problem(root: Node, source: str) -> Problem | None:
    """Aliases that make a structure contain itself, or expand it past the budget.

    Aliases make the node graph a DAG (or a cycle): each collection is visited once, and
    its expanded size and depth are counted from its children's, without expanding.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size.get(id(c), 1) for c in children)
            depth[key] = 1 + max((depth.get(id(c), 1) for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                return Problem(
                    source,
                    _path_to(root, node),
                    format_template(
                        gettext("nested {depth} levels deep at {line}"), depth=depth[key], line=_line(node)
                    ),
                    format_template(
                        gettext("at most {depth} levels of nesting (with aliases expanded)"), depth=MAX_DEPTH
                    ),
                )
            continue
        if key in size:
            continue
        if key in open_nodes:  # met again while walking inside itself
            return Problem(
                source,
                _path_to(root, node),
                format_template(gettext("an alias at {line} inside the node it names"), line=_line(node)),
                gettext("aliases must not make a structure contain itself"),
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack += [(c, False) for c in _children(node) if not isinstance(c, ScalarNode) and id(c) not in size]
    added = size[id(root)] - len(size)
    if added <= MAX_ALIAS_NODES:
        return None
    # Name the smallest part that alone expands past the budget: that is where the bomb is.
    culprit = min((n for n in _collections(root) if size[id(n)] > MAX_ALIAS_NODES), key=lambda n: size[id(n)])
    return Problem(
        source,
        _path_to(root, culprit),
        format_template(gettext("aliases expanding to {count:,} items"), count=size[id(root)]),
        format_template(
            gettext("aliases (*name) may add at most {limit:,} items to a file; write the values out"),
            limit=MAX_ALIAS_NODES,
        ),
    )


def _collections(root: Node) -> list[Node]:
    """Every distinct mapping and sequence node under ``root``, itself included."""
    out, stack, visited = [], [root], set()
    while stack:
        node = stack.pop()
        if id(node) not in visited:
            visited.add(id(node))
            out.append(node)
            stack += [c for c in _children(node) if not isinstance(c, ScalarNode)]
    return out


def _path_to(root: Node, target: Node) -> str:
    """Key path of ``target`` in the document, e.g. ``facilities[0].lat`` (for messages only)."""
    parent: dict[int, tuple[Node, str | int]] = {}
    stack, visited = [root], {id(root)}
    while stack:
        node = stack.pop()
        if node is target:
            break
        if isinstance(node, MappingNode):
            labelled: list[tuple[str | int, Node]] = []
            for key, value in node.value:
                label = key.value if isinstance(key, ScalarNode) else "?"
                labelled += [(label, key), (label, value)]
        elif isinstance(node, SequenceNode):
            labelled = list(enumerate(node.value))
        else:
            continue
        for label, child in labelled:
            if id(child) not in visited:
                visited.add(id(child))
                parent[id(child)] = (node, label)
                stack.append(child)
    keys: list[str | int] = []
    at = target
    while id(at) in parent:
        at, label = parent[id(at)]
        keys.append(label)
    return key_path(reversed(keys))


def _line(node: Node) -> str:
    return format_template(gettext("line {line}"), line=node.start_mark.line + 1)


def _duplicate_key(node: MappingNode) -> tuple[ScalarNode, ScalarNode] | None:
    """The first key written twice in a mapping node (scalar keys, compared as written)."""
    seen: dict[tuple[str, str], ScalarNode] = {}
    for key, _ in node.value:
        if isinstance(key, ScalarNode) and key.tag != _MERGE_TAG:
            first = seen.setdefault((key.tag, key.value), key)
            if first is not key:
                return first, key
    return None


__all__ = ["MAX_ALIAS_NODES", "MAX_DEPTH", "MAX_FILE_BYTES", "load_yaml", "read_text_bounded"]
