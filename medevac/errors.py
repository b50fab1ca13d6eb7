"""Exceptions of medevac: one base class, each also the built-in type it refines.

Messages show what a file holds, and a hostile file can hold anything: a key of 5,000
characters, or a value that aliases expand into billions of items. So shown values and key
paths are cut to a few hundred characters (:func:`shorten`, :func:`short_repr`), and at
most :data:`MAX_PROBLEMS_SHOWN` problems are listed, then how many more there are.

Messages speak the current language (:mod:`medevac.i18n`, which imports this module: hence its
functions imported where they are used). What a problem allows is said when it is raised; its
frame (``file: key: ... (got ...)``) when it is shown.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_VALUE_CHARS = 200
"""Longest value shown in a message; longer ones end in an ellipsis."""

MAX_KEY_PATH_CHARS = 200
"""Longest key path shown in a message."""

MAX_PROBLEMS_SHOWN = 50
"""Problems listed in one message; the rest are counted ("... and 12 more problems")."""

_REPR = reprlib.Repr()  # Python 3.11 takes no keyword arguments here
_REPR.maxlevel = 3
_REPR.maxtuple = _REPR.maxlist = _REPR.maxarray = _REPR.maxdict = 6
_REPR.maxset = _REPR.maxfrozenset = _REPR.maxdeque = 6
_REPR.maxstring = _REPR.maxother = MAX_VALUE_CHARS
_REPR.maxlong = 40


class MedevacError(Exception):
    """Base class of every error medevac raises on purpose."""


def shorten(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis.

    >>> shorten("x" * 300, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces made single spaces (one problem, one line).

    >>> one_line("cannot read (IllegalArgumentException: bad\\n)")
    'cannot read (IllegalArgumentException: bad )'
    """
    return " ".join(text.split())


def short_repr(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``repr(value)`` in at most ``limit`` characters, without building the full repr.

    Nested and long containers are elided on the way (:mod:`reprlib`), so a value shared
    many times over by YAML aliases costs no more to show than a short list.

    >>> short_repr([[1, 2, 3]] * 1000)
    '[[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3], ...]'
    """
    return shorten(_REPR.repr(value), limit)


def key_path(keys: Iterable[str | int]) -> str:
    """Keys and indexes as a planner reads them, each key cut to 60 characters.

    >>> key_path(["airframes", 2, "launch", "night"])
    'airframes[2].launch.night'
    """
    text = ""
    for key in keys:
        if isinstance(key, int):
            text += f"[{key}]"
        else:
            label = shorten(str(key), 60)
            text += f".{label}" if text else label
    return text


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is, what was found, what is allowed."""

    file: str
    key_path: str
    value: object
    allowed: str

    def __str__(self) -> str:
        """The problem in the current language: the words around the file, key path, value and
        what is allowed (those are given in the caller's language, or are data)."""
        from medevac.i18n import format_template, gettext

        key_path = shorten(self.key_path, MAX_KEY_PATH_CHARS)
        if self.value is None:
            found = gettext("missing")
        else:
            found = format_template(gettext("got {value}"), value=short_repr(self.value))
        allowed = shorten(one_line(self.allowed), 2 * MAX_VALUE_CHARS)
        if key_path:
            template = gettext("{file}: {key_path}: {allowed} ({found})")
            return format_template(template, file=self.file, key_path=key_path, allowed=allowed, found=found)
        return format_template(
            gettext("{file}: {allowed} ({found})"), file=self.file, allowed=allowed, found=found
        )


def problem_lines(problems: Sequence[Problem], limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
    """One line per problem, at most ``limit`` of them, then a line counting the rest."""
    from medevac.i18n import format_template, ngettext

    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        more = len(problems) - limit
        template = ngettext(
            "... and {more:,} more problem (fix these first)",
            "... and {more:,} more problems (fix these first)",
            more,
        )
        lines.append(format_template(template, more=more))
    return lines


def located(where: object, detail: str) -> str:
    """A message about a file (or a scenario, a column) in the current language:
    ``roads.gpkg: the graph has no edge`` / ``roads.gpkg : ...``. ``located(where, "")`` is
    the prefix, which :func:`medevac.cli.layer_problem` strips to file the rest under a key."""
    from medevac.i18n import format_template, gettext

    return format_template(gettext("{where}: {detail}"), where=where, detail=detail)


def error_line(message: str) -> str:
    """An error as the command line prints it, in the current language: ``error: ...``."""
    from medevac.i18n import format_template, gettext

    return format_template(gettext("error: {message}"), message=message)


class ScenarioError(ValueError, MedevacError):
    """A scenario file that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problem_lines(self.problems)))


class LayerError(ValueError, MedevacError):
    """A vector layer (roads, closures, a patrol line, an area) that cannot be used."""


class RoadDataError(LayerError):
    """A road layer that cannot be read or routed: names the file and what is wrong."""


class LibraryError(MedevacError):
    """The saved variant library cannot do what was asked (:mod:`medevac.library`): the
    message names the library file, the variant and what to do."""


class LibraryCorruptError(LibraryError):
    """The library file is not a readable variant library: damaged, another program's
    database, or written by a newer medevac."""


class VariantNotFoundError(LookupError, LibraryError):
    """No saved variant has that id."""


class VariantNameError(ValueError, LibraryError):
    """A variant name that is empty, too long, or already taken under the same parent."""


class StaleVariantError(ValueError, LibraryError):
    """A saved variant whose edits this medevac can no longer read or apply to its parent."""
