"""`stackmap check`: validate the data files and print a one-line summary, or every problem."""

from __future__ import annotations

import argparse

from .common import EXIT_FAILED, EXIT_OK, Command, data_dir, err, progress_printer, report_problems


def run_check(args: argparse.Namespace) -> int:
    from ..check.validate import check, summarise

    directory = data_dir(args)
    loaded, problems = check(directory, progress_printer(), engine=args.engine)
    if problems:
        report_problems(directory, problems)
        err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return EXIT_FAILED
    print(summarise(loaded).line())
    return EXIT_OK


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("oxigraph", "pyshacl"),
        default="oxigraph",
        help="SHACL engine: the shapes compiled to SPARQL (default, fast) or pyshacl (the reference)",
    )


COMMANDS = [
    Command(
        "check",
        run_check,
        "validate the data files and print a one-line summary",
        "examples:\n  stackmap check\n  stackmap check --data my-data   # every problem as file:line: message\n"
        "  stackmap check --engine pyshacl # the same shapes, evaluated by pyshacl",
        _options,
    )
]
