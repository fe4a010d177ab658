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
    warning: bool = False  # the data is valid, but may not say what its author meant

    def format(self, prefix: str = "") -> str:
        """The problem as `prefix/file:line: message` (the line left out when it is 0; `warning: `
        before the message of a warning)."""
        where = f"{prefix.rstrip('/')}/{self.file}" if prefix else self.file
        if self.line:
            where += f":{self.line}"
        return printable(f"{where}: {'warning: ' if self.warning else ''}{self.message}")


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that make data invalid (warnings left out)."""
    return [p for p in problems if not p.warning]


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


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def suggest_ids(word: str, names: dict[str, str], limit: int = 3) -> str:
    """A ` did you mean ...?` suffix naming at most `limit` ids the user would accept for `word`, or ''.

    `names` maps each candidate id to its name. An id or a name that spells the word (ignoring case
    and punctuation) comes first, then ids and names that contain it (`H100` -> nvidia-h100), then ids
    close in spelling (`cloudco-clod` -> cloudco-cloud); an id only loosely like the word is not
    offered (`gpt-4o` is not `gpt-3`).

    >>> suggest_ids("H100", {"nvidia-h100": "H100", "nvidia-a100": "A100"})
    "; did you mean 'nvidia-h100'?"
    >>> suggest_ids("gpt-4o", {"gpt-3": "GPT-3", "gpt-3-5": "GPT-3.5"})
    ''
    """
    wanted = _key(word)
    found: list[str] = []
    if wanted:
        found += [i for i, name in sorted(names.items()) if wanted in (_key(i), _key(name))]
        if len(wanted) >= 3:
            contain = [i for i, name in names.items() if wanted in _key(i) or wanted in _key(name)]
            found += sorted(contain, key=lambda i: (len(i), i))
    found += difflib.get_close_matches(word, sorted(names), n=limit, cutoff=0.8)
    chosen = list(dict.fromkeys(found))[:limit]
    if not chosen:
        return ""
    quoted = [f"'{i}'" for i in chosen]
    return f"; did you mean {quoted[0] if len(quoted) == 1 else ', '.join(quoted[:-1]) + ' or ' + quoted[-1]}?"
