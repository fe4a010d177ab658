"""What every command shares: exit codes and errors, progress lines, the data folder, opening the
checked map (the one route through the pipeline), and argument types and options."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..model.projection import Projection
    from ..pipeline import Checked

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
T = TypeVar("T")


class UsageError(Exception):
    """Wrong usage detected after argument parsing (exit 2)."""


class Failure(Exception):
    """A failed command with a message for the user (exit 1)."""


@dataclass(frozen=True)
class Command:
    """One `stackmap` command: what runs it, its help, and the options it adds to its parser."""

    name: str
    run: Callable[[argparse.Namespace], int]
    summary: str
    examples: str
    options: Callable[[argparse.ArgumentParser], None]
    reads_data: bool = True  # takes --data
    dated: bool = False  # reads the map as of a day: takes --as-of


def err(message: str) -> None:
    print(message, file=sys.stderr)


def progress_printer(started: float | None = None) -> Callable[[str], None]:
    """A progress printer for long work: messages go to stderr with the time elapsed since `started`
    (default: now); a count that only moves on ("read 5,000 of 10,001 files") is shown at most once a
    second."""
    started = time.monotonic() if started is None else started
    last = {"kind": "", "at": -1.0}

    def report(message: str) -> None:
        now = time.monotonic()
        kind = re.sub(r"[\d,.]+", "#", message)
        if kind == last["kind"] and now - last["at"] < 1.0:
            return
        last.update(kind=kind, at=now)
        err(f"[{now - started:5.1f}s] {message}")

    return report


def data_dir(args: argparse.Namespace) -> Path:
    """The data folder of the command: --data, or the shipped one."""
    from ..source.paths import shipped_data_dir

    directory = Path(args.data) if args.data else shipped_data_dir()
    if not directory.is_dir():
        raise UsageError(f"data folder not found: {directory}")
    return directory


def display_dir(directory: Path) -> str:
    """The data folder as the user should see it in `file:line` messages."""
    try:
        rel = os.path.relpath(directory)
    except ValueError:
        return str(directory)
    return str(directory) if rel.startswith("..") else rel


def report_problems(directory: Path, problems) -> None:
    prefix = display_dir(directory)
    for problem in problems:
        err(problem.format(prefix))


def problem_count(problems, shapes: bool = True) -> str:
    n = len(problems)
    hint = "" if shapes else "; `stackmap check` validates fully"
    return f"{n} problem{'s' if n != 1 else ''} found, nothing done{hint}"


def hold(args: argparse.Namespace, value: T) -> T:
    """value, kept by the command's arguments until the command has ended: `main` then ends a
    one-shot command's process at once, so what it loaded is never freed object by object."""
    args.held = [*getattr(args, "held", []), value]
    return value


def open_map(args: argparse.Namespace, shapes: bool = True) -> Checked:
    """The checked map of the command's data folder as of --as-of (`pipeline.load_checked`, the route
    every command takes); its problems printed and Failure when the data is not valid."""
    from ..pipeline import load_checked
    from ..source.problems import DataError

    directory = data_dir(args)
    try:
        checked = load_checked(directory, progress_printer(), shapes=shapes, as_of=getattr(args, "as_of", None))
    except DataError as error:
        report_problems(directory, error.problems)
        raise Failure(problem_count(error.problems, shapes)) from None
    return hold(args, checked)


def projection_of(checked: Checked) -> Projection:
    """The map's projection; Failure when the data cannot be projected."""
    from ..model.projection import ProjectionError

    try:
        return checked.projection
    except ProjectionError as error:
        raise Failure(str(error)) from None


def as_of_date(text: str):
    """An argparse type for a day: YYYY-MM-DD, YYYY-MM or YYYY (its last day), `today` or `all`."""
    from ..model.as_of import parse_date

    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE",
        help="the map as it stood on DATE (YYYY-MM-DD, YYYY-MM or YYYY; default: today); 2023-01-19 is the essay's",
    )


def print_json(data) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


def positive(kind: type):
    """An argparse type for numbers above zero."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    return parse


def ratio_range(text: str) -> tuple[float, float]:
    """An argparse type for a fraction or a range of fractions: 0.3 or 0.2-0.4."""
    parts = text.split("-") if "-" in text.strip("-") else [text]
    try:
        values = [float(x) for x in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a fraction like 0.3 or a range like 0.2-0.4") from None
    if len(values) > 2 or not all(0 <= v <= 1 for v in values) or values[0] > values[-1]:
        raise argparse.ArgumentTypeError(f"'{text}' must be a fraction from 0 to 1, or a range LOW-HIGH within it")
    return values[0], values[-1]


def fraction(text: str) -> float:
    """An argparse type for a number from 0 to 1."""
    low, high = ratio_range(text)
    if low != high:
        raise argparse.ArgumentTypeError(f"'{text}' must be one number from 0 to 1")
    return low


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help=f"output format (default: {choices[0]})")


def add_out(parser: argparse.ArgumentParser, what: str = "the output folder") -> None:
    parser.add_argument("--out", metavar="DIR", default="out", help=f"{what} (default: out/)")


def add_timeout(parser: argparse.ArgumentParser, default: float, what: str) -> None:
    parser.add_argument(
        "--timeout", type=positive(float), default=default, metavar="SECONDS", help=f"{what} (default: {default:g})"
    )


def add_limit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit", type=positive(int), default=10_000, metavar="N", help="at most N results (default: 10000)"
    )


def add_memory(parser: argparse.ArgumentParser, who: str) -> None:
    from ..query.sparql import DEFAULT_MEMORY_MB

    parser.add_argument(
        "--memory",
        type=positive(int),
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"memory {who} may use beyond the loaded map; past it the query is stopped (default: {DEFAULT_MEMORY_MB})",
    )
