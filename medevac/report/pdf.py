"""The report as PDF, with reportlab (pure Python): the same blocks as the HTML.

A4 landscape, so the per-site table keeps its columns readable. Only the standard PDF fonts
are used (Helvetica), which need no font file on the machine.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from medevac.i18n import format_template, gettext
from medevac.report.document import Bullets, Document, Figure, Heading, Paragraph, Table

_MARGIN_CM = 1.5


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"]),
        "subtitle": ParagraphStyle("subtitle", parent=sheet["Italic"]),
        # a heading is kept on the page of what follows it
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=sheet["Heading3"], keepWithNext=1),
        "body": ParagraphStyle("body", parent=sheet["BodyText"]),
        "cell": ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=7, leading=8.5),
        "head": ParagraphStyle(
            "head", parent=sheet["BodyText"], fontSize=7, leading=8.5, fontName="Helvetica-Bold"
        ),
        "caption": ParagraphStyle("caption", parent=sheet["Italic"], fontSize=8),
    }


def _text(value: str) -> str:
    return escape(value)


def _table(block: Table, width_pt: float, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    weights = block.widths or tuple(1.0 for _ in block.columns)
    total = sum(weights)
    widths = [width_pt * w / total for w in weights]
    data = [[PdfParagraph(_text(c), styles["head"]) for c in block.columns]]
    data += [[PdfParagraph(_text(c), styles["cell"]) for c in row] for row in block.rows]
    table = PdfTable(data, colWidths=widths, repeatRows=1)
    style: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for r, row in enumerate(block.shades or ()):
        style += [
            ("BACKGROUND", (c, r + 1), (c, r + 1), colors.HexColor(shade))
            for c, shade in enumerate(row)
            if shade
        ]
    table.setStyle(TableStyle(style))
    flow: list[Flowable] = []
    if block.caption:
        flow.append(PdfParagraph(_text(block.caption), styles["caption"]))
    flow.append(table)
    flow.append(Spacer(1, 0.3 * cm))
    return flow


def render_pdf(document: Document) -> bytes:
    """The whole report as PDF bytes."""
    styles = _styles()
    out = io.BytesIO()
    page = landscape(A4)
    template = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=_MARGIN_CM * cm,
        rightMargin=_MARGIN_CM * cm,
        topMargin=_MARGIN_CM * cm,
        bottomMargin=_MARGIN_CM * cm,
        title=document.title,
        author="medevac",
        invariant=1,  # no timestamps or random ids: the same report gives the same file
    )
    width_pt = page[0] - 2 * _MARGIN_CM * cm
    height_pt = page[1] - 2 * _MARGIN_CM * cm
    story: list[Flowable] = [
        PdfParagraph(_text(document.title), styles["title"]),
        PdfParagraph(_text(document.subtitle), styles["subtitle"]),
    ]
    for block in document.blocks:
        if isinstance(block, Heading):
            story.append(PdfParagraph(_text(block.text), styles["h2" if block.level <= 2 else "h3"]))
        elif isinstance(block, Paragraph):
            story.append(PdfParagraph(_text(block.text), styles["body"]))
        elif isinstance(block, Bullets):
            items = [PdfParagraph(_text(item), styles["body"]) for item in block.items]
            story.append(ListFlowable(items, bulletType="1" if block.numbered else "bullet"))
        elif isinstance(block, Table):
            story += _table(block, width_pt, styles)
        elif isinstance(block, Figure):
            story.append(KeepTogether(_figure(block, width_pt, height_pt, styles)))

    def number_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        bottom = 0.8 * cm
        canvas.drawString(_MARGIN_CM * cm, bottom, document.footer)
        canvas.drawRightString(
            page[0] - _MARGIN_CM * cm, bottom, format_template(gettext("page {number}"), number=doc.page)
        )
        canvas.restoreState()

    template.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return out.getvalue()


def _figure(
    block: Figure, width_pt: float, height_pt: float, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    image = Image(io.BytesIO(block.png))
    scale = min(
        block.width_cm * cm / image.imageWidth,
        width_pt / image.imageWidth,
        0.85 * height_pt / image.imageHeight,
    )
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    return [image, PdfParagraph(_text(block.caption), styles["caption"]), Spacer(1, 0.3 * cm)]
