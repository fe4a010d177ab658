"""`stackmap check`: validate the data files and print a one-line summary, or every problem; with
FILE, only that file's problems (checked against the rest of the data)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    Command,
    UsageError,
    data_dir,
    err,
    hold,
    progress_printer,
    report_problems,
)


def _relpaths(directory: Path, files: list[str]) -> set[str]:
    """The named files as paths relative to the data folder; UsageError for one outside it."""
    root = directory.resolve()
    found = set()
    for name in files:
        path = Path(name).resolve()
        if not path.exists() and (root / name).exists():  # a path inside the data folder
            path = (root / name).resolve()
        if not path.is_relative_to(root):
            raise UsageError(f"{name} is not inside the data folder {directory}: give the folder with --data")
        if not path.is_file():
            raise UsageError(f"no such file: {name}")
        found.add(path.relative_to(root).as_posix())
    return found


def run_check(args: argparse.Namespace) -> int:
    from ..check.validate import check, summarise

    directory = data_dir(args)
    only = _relpaths(directory, args.files) if args.files else None
    loaded, problems = hold(args, check(directory, progress_printer(), engine=args.engine, warnings=True))
    if only is not None:
        problems = [p for p in problems if p.file in only]
    report_problems(directory, problems)
    errors = [p for p in problems if not p.warning]
    warnings = len(problems) - len(errors)
    if errors or (warnings and args.strict):
        shown = errors if errors else problems
        err(
            f"{len(shown)} problem{'s' if len(shown) != 1 else ''} found"
            + (" (warnings, --strict)" if not errors else "")
        )
        return EXIT_FAILED
    print(summarise(loaded).line() + (f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""))
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    import json

    from ..runtime.atomic import write_file
    from ..source.ontology import load_vocabulary
    from ..source.paths import shipped_data_dir
    from ..source.schema import vendor_schema

    schema = vendor_schema(load_vocabulary(), shipped_data_dir() / "README.md")
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.output and args.output != "-":
        write_file(Path(args.output), text.encode("utf-8"))
        err(f"wrote {args.output}")
    else:
        print(text, end="")
    return EXIT_OK


def _schema_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="check only these data files, against the rest of the data folder"
    )
    parser.add_argument(
        "--engine",
        choices=("oxigraph", "pyshacl"),
        default="oxigraph",
        help="SHACL engine: the shapes compiled to SPARQL (default, fast) or pyshacl (the reference)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too (for CI)")


COMMANDS = [
    Command(
        "check",
        run_check,
        "validate the data files and print a one-line summary",
        "examples:\n  stackmap check\n  stackmap check data/vendors/perplexity.yaml   # one file, against the rest\n"
        "  stackmap check --data my-data --strict        # every problem as file:line: message; warnings fail\n"
        "  stackmap check --engine pyshacl               # the same shapes, evaluated by pyshacl\n\n"
        "Warnings (a dependency that names a vendor standing for several offerings) leave the exit code\n"
        "at 0, unless --strict.",
        _options,
    ),
    Command(
        "schema",
        run_schema,
        "write the JSON Schema of the YAML data file, for editors that check a file as it is typed",
        "examples:\n  stackmap schema -o data/vendor.schema.json\n\n"
        "The shipped copy is data/vendor.schema.json; a file whose first line is\n"
        "  # yaml-language-server: $schema=../vendor.schema.json\n"
        "is checked by editors with the YAML language server (VS Code, Neovim, ...). The schema covers\n"
        "shape only (keys, types, required keys, ids, dates, layers, moat types, metrics); `stackmap check`\n"
        "checks the rest.",
        _schema_options,
        reads_data=False,
    ),
]
