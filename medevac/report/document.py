"""The report as a list of blocks, written once and rendered to both HTML and PDF.

Keeping content apart from rendering means the PDF can never say something the HTML does
not: both walk the same :class:`Document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 is the title, 2 a section, 3 a subsection


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table of text cells; ``table_id`` names it in the HTML (``<table id=...>``)."""

    table_id: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    widths: tuple[float, ...] | None = None  # relative column widths for the PDF
    shades: tuple[tuple[str | None, ...], ...] | None = None  # per cell: a "#rrggbb" background


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str
    width_cm: float = 16.0


Block = Heading | Paragraph | Bullets | Table | Figure


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default=())
    footer: str = ""  # on every PDF page, with the page number; at the end of the HTML
