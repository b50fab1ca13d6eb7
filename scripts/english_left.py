"""Which English sentences a user may read are still outside the message catalogue.

Walks the package and the app (``medevac/**/*.py``, ``app*.py``) with :mod:`ast` and lists
each string literal of three or more words that is not marked for the catalogue (an argument
of ``N_``, ``gettext``, ``_`` or ``ngettext``), not a docstring, and not said to a log or a
programmer (``log.*``, ``assert``, ``raise`` of ``AssertionError``/``RuntimeError``/``TypeError``/
``NotImplementedError``). Implicitly joined literals are one string. What is left is English
a reader may meet, or data and markup that only look like it: read the list, do not trust
the count alone (``docs/i18n.md``).

Usage: ``python scripts/english_left.py [--list]`` (default: a count per module).
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKS = {"N_", "gettext", "_", "ngettext", "pgettext"}
FOR_PROGRAMMERS = {"AssertionError", "RuntimeError", "TypeError", "NotImplementedError", "KeyError"}
SENTENCE = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")
MARKUP = re.compile(r"^[\s<>/=\"'#;:.,{}()\[\]\w-]*(px|rgb|solid|style=|<div|<span|\{\{)")


def _called(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr if not isinstance(func.value, ast.Name) else f"{func.value.id}.{func.attr}"
    return ""


def unmarked(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each unmarked sentence-like literal in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))  # a docstring
            for statement in body:  # attribute docstrings: a bare string after an assignment
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    skip.add(id(statement.value))
        called = _called(node)
        name = called.rsplit(".", 1)[-1]
        quiet = name in MARKS or called.startswith(("log.", "logging.", "logger.", "warnings.warn"))
        if isinstance(node, ast.Raise) and node.exc is not None and _called(node.exc) in FOR_PROGRAMMERS:
            quiet = True
        if isinstance(node, ast.Assert) or quiet:
            skip.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if SENTENCE.search(text) and not MARKUP.search(text):
                found.append((node.lineno, " ".join(text.split())))
    return sorted(found)


def main(argv: list[str]) -> int:
    files = sorted({*ROOT.glob("medevac/**/*.py"), *ROOT.glob("app*.py")})
    per_module: Counter[str] = Counter()
    for path in files:
        for line, text in unmarked(path):
            name = str(path.relative_to(ROOT))
            per_module[name] += 1
            if "--list" in argv:
                print(f"{name}:{line}: {text[:110]}")
    if "--list" not in argv:
        for name, count in per_module.most_common():
            print(f"{count:4d} {name}")
    print(f"{sum(per_module.values())} literals in {len(per_module)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
