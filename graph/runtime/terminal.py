"""Text for the terminal: control characters shown as escapes, and aligned tables."""

from __future__ import annotations

import re

# Control characters (C0, C1, DEL) and the bidirectional embeddings, overrides and isolates that
# make text display in another order than it is stored.
ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """text with every control character (line feeds and tabs included) and bidirectional
    formatting character shown as an escape, so a terminal prints it as it is stored."""
    return ANY_CONTROL.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) > 0xFF else repr(char)[1:-1]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns aligned under a header and a rule, one line per row; control characters are shown as
    escapes (a terminal never receives them raw)."""
    header = [printable(h) for h in header]
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
