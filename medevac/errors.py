"""Exceptions of medevac: one base class, each also the built-in type it refines."""

from __future__ import annotations

from dataclasses import dataclass


class MedevacError(Exception):
    """Base class of every error medevac raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is, what was found, what is allowed."""

    file: str
    key_path: str
    value: object
    allowed: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key_path}" if self.key_path else self.file
        found = "missing" if self.value is None else f"got {self.value!r}"
        return f"{where}: {self.allowed} ({found})"


class ScenarioError(ValueError, MedevacError):
    """A scenario file that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LayerError(ValueError, MedevacError):
    """A vector layer (roads, closures, a patrol line, an area) that cannot be used."""


class RoadDataError(LayerError):
    """A road layer that cannot be read or routed: names the file and what is wrong."""
