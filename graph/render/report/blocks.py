"""The report's content: one list of blocks (headings, paragraphs, lists, tables, figures) that the
Markdown and HTML writers both write out, so both say the same.

Paragraphs and list items are the report's own sentences and may hold `code` spans (`CODE_SPAN`);
every other text, and all text from data files, is plain and escaped by the writers. A `Link` is
written as a link only to a web page (`web_url`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TITLE = "Who owns the generative-AI stack: where value accrues"
"""The report's title: its level-1 heading, and the HTML page's title."""

CODE_SPAN = re.compile(r"`([^`]+)`")
"""A `code` span in a paragraph or list item."""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """A table cell with a layer colour swatch (shown in HTML)."""

    text: str
    colour: str


@dataclass(frozen=True)
class Link:
    """A table cell linking to a web page (http or https only; any other URL shows as plain text)."""

    text: str
    url: str
    after: str = ""  # plain text after the link


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str | Cell | Link, ...], ...]
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns


@dataclass(frozen=True)
class Figure:
    name: str  # file stem under figures/
    svg: bytes
    caption: str


Block = Heading | Para | Bullets | Table | Figure


def web_url(url: str) -> bool:
    """Whether a URL is an http or https address without spaces, angle brackets or quotes."""
    return re.fullmatch(r"https?://[^\s<>\"]+", url) is not None
