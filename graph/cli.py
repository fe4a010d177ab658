"""The `stackmap` command: a thin layer over the library. Heavy modules are imported per command.

Exit codes: 0 success, 1 bad data or a failed query, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong usage detected after argument parsing (exit 2)."""


class Failure(Exception):
    """A failed command with a message for the user (exit 1)."""


def _positive(kind: type):
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


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _progress(started: float):
    """A progress printer for long work: messages go to stderr with the elapsed time."""

    def report(message: str) -> None:
        _err(f"[{time.monotonic() - started:5.1f}s] {message}")

    return report


def _data_dir(args: argparse.Namespace) -> Path:
    from .paths import shipped_data_dir

    directory = Path(args.data) if args.data else shipped_data_dir()
    if not directory.is_dir():
        raise UsageError(f"data folder not found: {directory}")
    return directory


def _display_dir(directory: Path) -> str:
    """The data folder as the user should see it in `file:line` messages."""
    try:
        rel = os.path.relpath(directory)
    except ValueError:
        return str(directory)
    return str(directory) if rel.startswith("..") else rel


def _load(args: argparse.Namespace, shapes: bool):
    from .problems import DataError
    from .validate import load_valid

    directory = _data_dir(args)
    try:
        return load_valid(directory, _progress(time.monotonic()), shapes=shapes)
    except DataError as error:
        _report_problems(directory, error.problems)
        raise Failure(_problem_count(error.problems, shapes)) from None


def _problem_count(problems, shapes: bool = True) -> str:
    n = len(problems)
    hint = "" if shapes else "; `stackmap check` validates fully"
    return f"{n} problem{'s' if n != 1 else ''} found, nothing done{hint}"


def _report_problems(directory: Path, problems) -> None:
    prefix = _display_dir(directory)
    for problem in problems:
        _err(problem.format(prefix))


# -- commands ---------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from .validate import check, summarise

    directory = _data_dir(args)
    loaded, problems = check(directory, _progress(time.monotonic()), engine=args.engine)
    if problems:
        _report_problems(directory, problems)
        _err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return EXIT_FAILED
    print(summarise(loaded).line())
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build
    from .problems import DataError

    directory = _data_dir(args)
    out = Path(args.out)
    try:
        result = build(directory, out, _progress(time.monotonic()))
    except DataError as error:
        _report_problems(directory, error.problems)
        raise Failure(_problem_count(error.problems) + f"; {out} was not written") from None
    print(result.summary.line())
    for path in result.written:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .named_queries import resolve
    from .results_format import render
    from .sparql import QueryError, run_query

    _data_dir(args)
    try:
        _, text = resolve(args.query)
    except LookupError as error:
        raise Failure(str(error)) from None
    loaded = _load(args, shapes=False)
    text = _bind_params(text, args.param or [], loaded)
    try:
        result = run_query(loaded.store, text, timeout=args.timeout, limit=args.limit)
    except QueryError as error:
        raise Failure(str(error)) from None
    sys.stdout.write(render(result, args.format))
    if result.truncated:
        _err(f"note: only the first {args.limit} results are shown (raise --limit for more)")
    return EXIT_OK


def _bind_params(text: str, params: list[str], loaded) -> str:
    """Set `--param name=ID` values in the query's VALUES blocks; unknown ids get a did-you-mean."""
    from . import vocab
    from .named_queries import bind
    from .problems import did_you_mean

    declared = {i for f in loaded.files for i in f.declared}
    for param in params:
        name, _, value = param.partition("=")
        if not name or not value:
            raise UsageError(f"--param takes NAME=ID, not '{param}'")
        if value not in declared:
            raise Failure(f"unknown id '{value}'{did_you_mean(value, declared) or ''}")
        try:
            text = bind(text, name.lstrip("?"), vocab.entity(value))
        except LookupError as error:
            raise Failure(str(error)) from None
    return text


def cmd_queries(args: argparse.Namespace) -> int:
    from .named_queries import shipped

    queries = shipped()
    if args.format == "json":
        import json

        items = [
            {"name": q.name, "title": q.title, "question": q.question, "parameters": q.parameters} for q in queries
        ]
        print(json.dumps(items, indent=2))
        return EXIT_OK
    width = max(len(q.name) for q in queries)
    for q in queries:
        print(f"{q.name.ljust(width)}  {q.question or q.title}")
    print(f"\nrun one with: stackmap query NAME   ({len(queries)} queries)")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from . import export

    loaded = _load(args, shapes=True)
    data = export.serialize(loaded.store, args.format)
    if args.output and args.output != "-":
        from .atomic import write_file

        write_file(Path(args.output), data)
        _err(f"wrote {args.output} ({len(data):,} bytes)")
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------

COMMANDS = {
    "build": (
        cmd_build,
        "check the data, then write the knowledge graph to the output folder",
        "examples:\n  stackmap build\n  stackmap build --data my-data --out site/",
    ),
    "check": (
        cmd_check,
        "validate the data files and print a one-line summary",
        "examples:\n  stackmap check\n  stackmap check --data my-data   # every problem as file:line: message\n"
        "  stackmap check --engine pyshacl # the same shapes, evaluated by pyshacl",
    ),
    "query": (
        cmd_query,
        "run a SPARQL query: text, a .rq file, or the name of a shipped query",
        "examples:\n  stackmap query vendors-by-layer\n  stackmap query app-supply-chain --param app=chatgpt\n"
        "  stackmap query my-question.rq --format csv\n"
        "  stackmap query 'SELECT ?v WHERE { ?v a sm:Vendor }' --format json\n\n"
        "Queries are read-only and local: updates, SERVICE, LOAD and FROM are refused. The default\n"
        "graph is the union of all data files; GRAPH ?g { } tells which file said what.",
    ),
    "queries": (
        cmd_queries,
        "list the shipped queries and the question each answers",
        "examples:\n  stackmap queries\n  stackmap queries --format json",
    ),
    "export": (
        cmd_export,
        "write the whole dataset as Turtle, TriG, N-Quads or JSON-LD",
        "examples:\n  stackmap export --format trig -o stackmap.trig\n  stackmap export --format jsonld > map.jsonld",
    ),
}


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="the data folder (default: the shipped data/); read recursively")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the `stackmap` command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="stackmap",
        description="A knowledge graph of the generative-AI stack: who offers what, who depends on whom.",
        epilog="examples:\n  stackmap build\n  stackmap check --data data/\n  stackmap query runs-on-nvidia\n\n"
        "Run `stackmap COMMAND --help` for the options of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"stackmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (func, summary, examples) in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=func)
        if name != "queries":
            _add_data_option(p)
        if name == "check":
            p.add_argument(
                "--engine",
                choices=("oxigraph", "pyshacl"),
                default="oxigraph",
                help="SHACL engine: the shapes compiled to SPARQL (default, fast) or pyshacl (the reference)",
            )
        elif name == "build":
            p.add_argument("--out", metavar="DIR", default="out", help="the output folder (default: out/)")
        elif name == "query":
            from .results_format import FORMATS

            p.add_argument("query", metavar="QUERY", help="query text, a .rq file, or a shipped query name")
            p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
            p.add_argument(
                "--timeout", type=_positive(float), default=30.0, metavar="SECONDS", help="time limit (default: 30)"
            )
            p.add_argument(
                "--limit", type=_positive(int), default=10_000, metavar="N", help="at most N results (default: 10000)"
            )
            p.add_argument(
                "--param", action="append", metavar="NAME=ID", help="set a query parameter, e.g. app=chatgpt"
            )
        elif name == "queries":
            p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
        elif name == "export":
            p.add_argument(
                "--format",
                choices=("turtle", "trig", "nquads", "jsonld"),
                default="turtle",
                help="RDF format (default: turtle; trig and nquads keep one named graph per data file)",
            )
            p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `stackmap` command; returns the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        _err(f"stackmap {args.command}: error: {error}")
        return EXIT_USAGE
    except Failure as error:
        _err(f"stackmap {args.command}: {error}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
