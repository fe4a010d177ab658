"""`stackmap query` and `stackmap queries`: SPARQL on the map (or on a store holding it), and the
shipped queries."""

from __future__ import annotations

import argparse
import sys

from .common import (
    EXIT_OK,
    Command,
    Failure,
    UsageError,
    add_limit,
    add_memory,
    add_timeout,
    data_dir,
    err,
    open_map,
    print_json,
    projection_of,
)


def run_query(args: argparse.Namespace) -> int:
    from ..analysis.rdf import add_analysis, uses_analysis
    from ..query.named import resolve
    from ..query.sparql import QueryError, run_query

    if args.endpoint:
        return _query_remote(args)
    data_dir(args)
    try:
        _, text = resolve(args.query)
    except LookupError as error:
        raise Failure(str(error)) from None
    checked = open_map(args, shapes=uses_analysis(text))  # analyses need fully valid data
    text = bind_params(text, args.param or [], {i for f in checked.loaded.files for i in f.declared})
    if uses_analysis(text):
        projection_of(checked)
        add_analysis(checked.loaded.store, checked.analysis)
    try:
        result = run_query(checked.loaded.store, text, timeout=args.timeout, limit=args.limit, memory_mb=args.memory)
    except QueryError as error:
        raise Failure(str(error)) from None
    _print_result(result, args)
    return EXIT_OK


def _print_result(result, args: argparse.Namespace) -> None:
    """A query's result in the chosen format, with a note on stderr when it was cut at --limit."""
    from ..query.formats import render

    sys.stdout.write(render(result, args.format))
    if result.truncated:
        err(f"note: only the first {args.limit} results are shown (raise --limit for more)")


def _query_remote(args: argparse.Namespace) -> int:
    """`query --endpoint`: the query (text, file or shipped name, with --param) run on a remote store."""
    from ..analysis.rdf import uses_analysis
    from ..query.named import resolve
    from ..serve.http_client import RemoteError
    from ..serve.remote import run_remote

    try:
        _, text = resolve(args.query)
    except LookupError as error:
        raise Failure(str(error)) from None
    text = bind_params(text, args.param or [])
    try:
        result = run_remote(args.endpoint, text, timeout=args.timeout, limit=args.limit)
    except RemoteError as error:
        raise Failure(str(error)) from None
    _print_result(result, args)
    if uses_analysis(text) and result.kind == "select" and not result.rows:
        err("note: this query reads analysis results: `stackmap push` uploads them with the data")
    return EXIT_OK


def bind_params(text: str, params: list[str], declared: set[str] | None = None) -> str:
    """Set `--param name=ID` values in the query's VALUES blocks. With `declared` (the map's ids),
    unknown ids get a did-you-mean; without (a remote store), an id need only look like one."""
    from ..query.named import DATE_RE, NAME_RE, bind, term_of
    from ..source import vocab
    from ..source.problems import did_you_mean

    for param in params:
        name, _, value = param.partition("=")
        if not name or not value:
            raise UsageError(f"--param takes NAME=ID (or NAME=YYYY-MM-DD), not '{param}'")
        dated = bool(DATE_RE.match(value))
        if not dated and declared is None and not NAME_RE.match(value):
            raise UsageError(f"--param takes NAME=ID with an id such as chatgpt, not '{param}'")
        if not dated and declared is not None and value not in declared:
            raise Failure(f"unknown id '{value}'{did_you_mean(value, declared) or ''}")
        try:
            text = bind(text, name.lstrip("?"), vocab.entity(value), term_of(value, vocab.entity(value)))
        except LookupError as error:
            raise Failure(str(error)) from None
    return text


def run_find(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..query.find import find
    from ..runtime.terminal import text_table

    checked = open_map(args, shapes=False)
    found = find(checked.loaded, args.text)
    if args.format == "json":
        print_json([asdict(f) for f in found])
        return EXIT_OK
    if not found:
        err(f"nothing matches '{args.text}'")
        return EXIT_OK
    rows = [[f.id, f.kind, f.name, f"{f.file}:{f.line}" if f.file else "-"] for f in found]
    sys.stdout.write(text_table(["id", "kind", "name", "declared in"], rows))
    return EXIT_OK


def _find_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", metavar="TEXT", help="part of an id, a name, a title or an alias, e.g. H100")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")


def run_queries(args: argparse.Namespace) -> int:
    from ..query.named import shipped

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


def _query_options(parser: argparse.ArgumentParser) -> None:
    from ..query.formats import FORMATS

    parser.add_argument("query", metavar="QUERY", help="query text, a .rq file, or a shipped query name")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    add_timeout(parser, 30.0, "time limit")
    add_limit(parser)
    parser.add_argument("--param", action="append", metavar="NAME=ID", help="set a query parameter, e.g. app=chatgpt")
    add_memory(parser, "the query")
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="run the query on this remote SPARQL endpoint instead of the local data (see `stackmap push`)",
    )


def _queries_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")


COMMANDS = [
    Command(
        "query",
        run_query,
        "run a SPARQL query: text, a .rq file, or the name of a shipped query",
        "examples:\n  stackmap query vendors-by-layer\n  stackmap query app-supply-chain --param app=chatgpt\n"
        "  stackmap query my-question.rq --format csv\n"
        "  stackmap query 'SELECT ?v WHERE { ?v a sm:Vendor }' --format json\n\n"
        "Queries are read-only and local: updates, SERVICE, LOAD and FROM are refused. The default\n"
        "graph is the union of all data files; GRAPH ?g { } tells which file said what.\n\n"
        "With --endpoint URL the query runs on a remote store (SPARQL 1.1 Protocol) that holds the pushed\n"
        "map, e.g. http://localhost:7878/query?union-default-graph (Oxigraph server):\n"
        "  stackmap query tsmc-dependents --endpoint 'http://localhost:7878/query?union-default-graph'\n"
        "--data is not read then; shipped queries that read analysis results need them pushed too.",
        _query_options,
        dated=True,
    ),
    Command(
        "find",
        run_find,
        "find the ids of vendors, offerings, sources, layers and markets by part of an id or a name",
        "examples:\n  stackmap find h100\n  stackmap find 'TSMC N5' --format json\n\n"
        "Case and punctuation are ignored; exact matches come first. Use the ids in data files\n"
        "(runs_on: [nvidia-h100]).",
        _find_options,
    ),
    Command(
        "queries",
        run_queries,
        "list the shipped queries and the question each answers",
        "examples:\n  stackmap queries\n  stackmap queries --format json",
        _queries_options,
        reads_data=False,
    ),
]
