"""The report as one self-contained HTML file: styles inline, figures as base64 PNG."""

from __future__ import annotations

import base64
from html import escape

from medevac.i18n import current_language
from medevac.report.document import Block, Bullets, Document, Figure, Heading, Paragraph, Table

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; color: #222;
       line-height: 1.4; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } .subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #0072b2; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #e8eef4; } caption { caption-side: top; text-align: left; font-style: italic; }
.footer { color: #555; font-size: 0.8em; border-top: 1px solid #bbb; margin-top: 2em; }
figure { margin: 1em 0; } figure img { max-width: 100%; } figcaption { font-style: italic; color: #555; }
"""


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + f"</{tag}>"
    if isinstance(block, Table):
        caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
        head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
        shades = block.shades or tuple(tuple(None for _ in row) for row in block.rows)

        def cell(text: str, shade: str | None) -> str:
            return (
                f'<td style="background:{escape(shade)}">{escape(text)}</td>'
                if shade
                else f"<td>{escape(text)}</td>"
            )

        body = "".join(
            "<tr>" + "".join(cell(c, shade) for c, shade in zip(row, row_shades, strict=True)) + "</tr>"
            for row, row_shades in zip(block.rows, shades, strict=True)
        )
        return (
            f'<table id="{escape(block.table_id)}">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    assert isinstance(block, Figure)
    data = base64.b64encode(block.png).decode("ascii")
    return (
        f'<figure><img alt="{escape(block.caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{escape(block.caption)}</figcaption></figure>"
    )


def render_html(document: Document) -> str:
    """The whole report as HTML text (UTF-8), needing no other file or network."""
    body = "\n".join(_block(b) for b in document.blocks)
    return (
        '<!DOCTYPE html>\n<html lang="' + current_language() + '"><head><meta charset="utf-8">'
        f"<title>{escape(document.title)}</title><style>{_STYLE}</style></head><body>\n"
        f'<h1>{escape(document.title)}</h1>\n<p class="subtitle">{escape(document.subtitle)}</p>\n'
        f"{body}\n"
        + (f'<p class="footer">{escape(document.footer)}</p>\n' if document.footer else "")
        + "</body></html>\n"
    )
