"""Problems found in data files, reported as `file:line: message` with what to do, and the helpers
that keep messages safe: short excerpts of what a file says, with control characters escaped."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..runtime.terminal import ANY_CONTROL, printable

EXCERPT = 60  # characters of a file's text a message may quote

# Characters a text in a data file may not hold: C0 and C1 controls and DEL (tab and line feed aside,
# which long texts may hold), and the bidirectional embeddings, overrides and isolates that make text
# display in another order than it is stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one data file: `file` is relative to the data folder, `line` is 1-based or 0
    when the problem concerns the whole file. A `cause` (a file that cannot be read) is listed
    before the problems it may explain."""

    file: str
    line: int
    message: str
    cause: bool = field(default=False, compare=False)

    def format(self, prefix: str = "") -> str:
        """The problem as `prefix/file:line: message` (the line left out when it is 0)."""
        where = f"{prefix.rstrip('/')}/{self.file}" if prefix else self.file
        if self.line:
            where += f":{self.line}"
        return printable(f"{where}: {self.message}")


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    """The problems without repeats, causes first, then by file, line and message."""
    return sorted(set(problems), key=lambda p: (not p.cause, p.file, p.line, p.message))


class DataError(Exception):
    """Raised when data files have problems; carries all of them, causes first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = ordered(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short, printable quotation of text: at most `limit` characters, then an ellipsis."""
    short = text if len(text) <= limit else text[:limit] + "..."
    return "'" + printable(short) + "'"


def text_problem(text: str, multiline: bool = False) -> str | None:
    """What is wrong with a text of a data file, or None: control characters (line feeds and tabs
    are allowed in multi-line texts) and bidirectional formatting characters are refused."""
    pattern = _CONTROL if multiline else ANY_CONTROL
    if match := pattern.search(text):
        char = match.group()
        kind = "a bidirectional formatting character" if ord(char) > 0x9F else "a control character"
        return f"holds {kind} ({printable(char)}): remove it, texts are plain printable text"
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` did you mean 'x'?` suffix naming the closest choice, or '' when none is close."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
