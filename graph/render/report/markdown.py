"""The report as Markdown: tables as pipe tables, figures linked from `figures/NAME.svg`; every text
from a data file escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .blocks import CODE_SPAN, Block, Bullets, Cell, Figure, Heading, Link, Para, Table, web_url

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


def md_escape(text: str) -> str:
    """Plain text for Markdown (and its tables): Markdown's special characters backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def _md_cell(cell: str | Cell | Link) -> str:
    """A table cell as Markdown: a link only to a web page, else escaped text."""
    if isinstance(cell, Link):
        if not web_url(cell.url):
            return md_escape(cell.text + cell.after)
        url = cell.url.replace("(", "%28").replace(")", "%29")
        return f"[{md_escape(cell.text)}]({url}){md_escape(cell.after)}"
    return md_escape(cell.text if isinstance(cell, Cell) else cell)


def _md_inline(text: str) -> str:
    """Escape text for Markdown, keeping `code` spans (only in the report's own sentences)."""
    parts = CODE_SPAN.split(text)
    return "".join(f"`{part}`" if i % 2 else md_escape(part) for i, part in enumerate(parts))


def to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as Markdown; figures link to figures/NAME.svg."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {md_escape(b.text)}")
        elif isinstance(b, Para):
            out.append(_md_inline(b.text))
        elif isinstance(b, Bullets):
            out.append("\n".join(f"- {_md_inline(item)}" for item in b.items))
        elif isinstance(b, Table):
            lines = ["| " + " | ".join(md_escape(h) for h in b.header) + " |"]
            lines.append("|" + "|".join("---:" if i in b.numeric else "---" for i in range(len(b.header))) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
        elif isinstance(b, Figure):
            out.append(f"![{md_escape(b.caption)}](figures/{b.name}.svg)")
    return "\n\n".join(out) + "\n"
