"""The `stackmap` command: a thin layer over the library. Each command module holds its commands,
each with the options of its parser next to the function that runs it; they open the checked map
the one way every command does (`common.open_map`, which is `pipeline.load_checked`), call the library
and print. Heavy modules are imported per command.

Exit codes: 0 success, 1 bad data or a failed query, 2 wrong usage.

Imports: every stage (`runtime`, `source`, `check`, `model`, `analysis`, `query`, `render`, `serve`,
`pipeline`, `importers`).
"""

from __future__ import annotations

import argparse
import gc
import sys

from ..runtime.quick_exit import exit_at_once
from . import analysing, building, checking, importing, querying, serving
from .common import EXIT_FAILED, EXIT_USAGE, Command, Failure, UsageError, add_as_of, err

COMMANDS: list[Command] = [
    *building.COMMANDS[:3],  # build, report, view
    *checking.COMMANDS[:1],  # check
    *querying.COMMANDS[:1],  # query
    *serving.COMMANDS,
    *querying.COMMANDS[1:],  # queries
    *analysing.COMMANDS,
    *building.COMMANDS[3:],  # export
    *importing.COMMANDS,
    *checking.COMMANDS[1:],  # schema
]
LONG_RUNNING = {"serve"}  # commands that keep running: the cyclic collector stays on


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the `stackmap` command."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="stackmap",
        description="A knowledge graph of the generative-AI stack: who offers what, who depends on whom.",
        epilog="examples:\n  stackmap build\n  stackmap check --data data/\n  stackmap query runs-on-nvidia\n\n"
        "Run `stackmap COMMAND --help` for the options of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"stackmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.summary,
            description=command.summary[0].upper() + command.summary[1:] + ".",
            epilog=command.examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=command.run)
        if command.reads_data:
            p.add_argument(
                "--data", metavar="DIR", help="the data folder (default: the shipped data/); read recursively"
            )
        if command.dated:
            add_as_of(p)
        command.options(p)
    return parser


def main(argv: list[str] | None = None, at_once: bool = False) -> int:
    """Run the `stackmap` command; returns the exit code. With `at_once` (the console command), a
    one-shot command ends the process as soon as it is done (`runtime.quick_exit`)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    collecting = gc.isenabled()
    if args.command not in LONG_RUNNING:
        # A one-shot command keeps what it loads until it exits: the cyclic collector's scans of
        # millions of live objects would free nothing (100k vendors: a query's first full scan 3 s).
        gc.disable()
    try:
        code = _run(parser, args)
        if at_once and args.command not in LONG_RUNNING:
            # What the command loaded (kept by `args`, see common.hold) is not freed object by object,
            # nor scanned by the collector turned back on (100,000 vendors: 4 to 6 s).
            exit_at_once(code)
    finally:
        if collecting:
            gc.enable()
    return code


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The exit code of the command args name, its failures said on standard error."""
    try:
        return args.func(args)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        err(f"stackmap {args.command}: error: {error}")
        return EXIT_USAGE
    except Failure as error:
        err(f"stackmap {args.command}: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        err("interrupted")
        return 130


def console() -> int:
    """The `stackmap` console command: `main` on the command line's arguments, ending at once."""
    return main(at_once=True)


if __name__ == "__main__":
    sys.exit(console())
