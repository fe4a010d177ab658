"""Problems found in data files, reported as `file:line: message` with what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one data file: `file` is relative to the data folder, `line` is 1-based or 0
    when the problem concerns the whole file."""

    file: str
    line: int
    message: str

    def format(self, prefix: str = "") -> str:
        """The problem as `prefix/file:line: message` (the line left out when it is 0)."""
        where = f"{prefix.rstrip('/')}/{self.file}" if prefix else self.file
        if self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Raised when data files have problems; carries all of them, sorted."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the data")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` did you mean 'x'?` suffix naming the closest choice, or '' when none is close."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
