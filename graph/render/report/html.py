"""The report as one self-contained HTML page: the stylesheet and the figures inline, no external
resource; every text escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from .blocks import CODE_SPAN, TITLE, Block, Bullets, Cell, Figure, Heading, Link, Para, Table, web_url

_STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.5rem; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; border: 1px solid #222;
          vertical-align: -0.05em; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #555; }
code { font-size: 0.9em; }
@media print { body { max-width: none; margin: 0; font-size: 11pt; } h2 { break-after: avoid; }
               figure, tr { break-inside: avoid; } nav { display: none; } }
"""

_SVG_PROLOGUE = re.compile(rb"^.*?(?=<svg)", re.DOTALL)


def inline_svg(name: str, svg: bytes) -> str:
    """An SVG file as markup for inlining: prologue dropped, ids prefixed with the figure name (so
    several figures on one page keep distinct ids)."""
    text = _SVG_PROLOGUE.sub(b"", svg, count=1).decode("utf-8")
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = text.replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-caption" ', 1)


def _html_inline(text: str) -> str:
    """Escape text for HTML, keeping `code` spans as code elements."""
    parts = CODE_SPAN.split(text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def _html_cell(cell: str | Cell | Link) -> str:
    """A table cell as HTML: a link only to a web page, a layer's colour swatch, escaped text."""
    if isinstance(cell, Link):
        if not web_url(cell.url):
            return html.escape(cell.text + cell.after)
        return f'<a href="{html.escape(cell.url)}">{html.escape(cell.text)}</a>{html.escape(cell.after)}'
    if isinstance(cell, Cell):
        return f'<span class="swatch" style="background:{html.escape(cell.colour)}"></span>{html.escape(cell.text)}'
    return html.escape(cell)


def to_html(blocks: Sequence[Block]) -> str:
    """The blocks as one self-contained HTML page: stylesheet and figures inline, no external resource."""
    title = next((b.text for b in blocks if isinstance(b, Heading) and b.level == 1), TITLE)
    body: list[str] = []
    toc = [b for b in blocks if isinstance(b, Heading) and b.level == 2]
    for b in blocks:
        if isinstance(b, Heading):
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            body.append(f"<h{b.level}{anchor}>{html.escape(b.text)}</h{b.level}>")
            if b.level == 1:
                links = "".join(f'<li><a href="#{html.escape(h.anchor)}">{html.escape(h.text)}</a></li>' for h in toc)
                body.append(f"<nav><ol>{links}</ol></nav>")
        elif isinstance(b, Para):
            body.append(f"<p>{_html_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            body.append("<ul>" + "".join(f"<li>{_html_inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):

            def cls(i: int, b: Table = b) -> str:
                return ' class="n"' if i in b.numeric else ""

            head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(b.header))
            rows = "".join(
                "<tr>" + "".join(f"<td{cls(i)}>{_html_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                for row in b.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Figure):
            body.append(
                f'<figure id="figure-{b.name}">{inline_svg(b.name, b.svg)}'
                f'<figcaption id="{b.name}-caption">{html.escape(b.caption)}</figcaption></figure>'
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
