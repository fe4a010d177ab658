"""The `stackmap` command: a thin layer over the library. Heavy modules are imported per command.

Imports: every stage (`runtime`, `source`, `check`, `model`, `analysis`, `query`, `render`, `serve`, `build`,
`importers`).

Exit codes: 0 success, 1 bad data or a failed query, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LONG_RUNNING = {"serve"}  # commands that keep running: the cyclic collector stays on


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
    """A progress printer for long work: messages go to stderr with the elapsed time; a count that
    only moves on ("read 5,000 of 10,001 files") is shown at most once a second."""
    last = {"kind": "", "at": -1.0}

    def report(message: str) -> None:
        now = time.monotonic()
        kind = re.sub(r"[\d,.]+", "#", message)
        if kind == last["kind"] and now - last["at"] < 1.0:
            return
        last.update(kind=kind, at=now)
        _err(f"[{now - started:5.1f}s] {message}")

    return report


def _data_dir(args: argparse.Namespace) -> Path:
    from ..source.paths import shipped_data_dir

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
    from ..check.validate import load_valid
    from ..source.problems import DataError

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


def _ratio_range(text: str) -> tuple[float, float]:
    """An argparse type for a fraction or a range of fractions: 0.3 or 0.2-0.4."""
    parts = text.split("-") if "-" in text.strip("-") else [text]
    try:
        values = [float(x) for x in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a fraction like 0.3 or a range like 0.2-0.4") from None
    if len(values) > 2 or not all(0 <= v <= 1 for v in values) or values[0] > values[-1]:
        raise argparse.ArgumentTypeError(f"'{text}' must be a fraction from 0 to 1, or a range LOW-HIGH within it")
    return values[0], values[-1]


def _fraction(text: str) -> float:
    """An argparse type for a number from 0 to 1."""
    low, high = _ratio_range(text)
    if low != high:
        raise argparse.ArgumentTypeError(f"'{text}' must be one number from 0 to 1")
    return low


def _project(args: argparse.Namespace):
    """Load and validate the data and project it for the analyses; Failure on bad data."""
    from ..model.projection import ProjectionError, project

    loaded = _load(args, shapes=True)
    try:
        return project(loaded.store, progress=_progress(time.monotonic()))
    except ProjectionError as error:
        raise Failure(str(error)) from None


def _add_analysis(loaded) -> None:
    """Add the analysis results to a loaded map's store, in their own graph (for queries that read them)."""
    from ..analysis.rdf import add_analysis
    from ..analysis.results import analyse
    from ..model.projection import ProjectionError, project

    try:
        progress = _progress(time.monotonic())
        add_analysis(loaded.store, analyse(project(loaded.store, progress), progress=progress))
    except ProjectionError as error:
        raise Failure(str(error)) from None


def _print_json(data) -> None:
    import json

    print(json.dumps(data, indent=2, ensure_ascii=False))


# -- commands ---------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from ..check.validate import check, summarise

    directory = _data_dir(args)
    loaded, problems = check(directory, _progress(time.monotonic()), engine=args.engine)
    if problems:
        _report_problems(directory, problems)
        _err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return EXIT_FAILED
    print(summarise(loaded).line())
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from ..build.build import build
    from ..source.problems import DataError

    directory = _data_dir(args)
    out = Path(args.out)
    from ..model.projection import ProjectionError

    try:
        result = build(directory, out, _progress(time.monotonic()))
    except DataError as error:
        _report_problems(directory, error.problems)
        raise Failure(_problem_count(error.problems) + f"; {out} was not written") from None
    except ProjectionError as error:
        raise Failure(f"{error}; {out} was not written") from None
    except OSError as error:
        raise Failure(f"could not write {out}: {error.strerror or error}; it is left as it was") from None
    print(result.summary.line())
    for path in result.written:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from ..analysis.results import analyse
    from ..model.projection import ProjectionError, project
    from ..render.report import report_files
    from ..runtime.atomic import update_folder

    loaded = _load(args, shapes=True)
    progress = _progress(time.monotonic())
    try:
        analysis = analyse(project(loaded.store, progress), progress=progress)
    except ProjectionError as error:
        raise Failure(f"{error}; {args.out} was not written") from None
    files = report_files(analysis, loaded.store)
    update_folder(Path(args.out), files)
    for name in sorted(files):
        print(f"wrote {Path(args.out) / name}")
    return EXIT_OK


def cmd_view(args: argparse.Namespace) -> int:
    from ..build.build import HTML_FILE
    from ..build.built import is_stale
    from ..render.browser import open_in_browser

    page = Path(args.out) / HTML_FILE
    if args.rebuild or is_stale(_data_dir(args), Path(args.out)):
        cmd_build(args)
    if open_in_browser(page):
        print(f"opened {page} in the browser")
    else:
        print(f"no browser found; open {page.resolve()}")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from ..query.named import resolve
    from ..query.sparql import QueryError, run_query

    if args.endpoint:
        return _query_remote(args)
    _data_dir(args)
    try:
        _, text = resolve(args.query)
    except LookupError as error:
        raise Failure(str(error)) from None
    from ..analysis.rdf import uses_analysis

    loaded = _load(args, shapes=uses_analysis(text))  # analyses need fully valid data
    text = _bind_params(text, args.param or [], {i for f in loaded.files for i in f.declared})
    if uses_analysis(text):
        _add_analysis(loaded)
    try:
        result = run_query(loaded.store, text, timeout=args.timeout, limit=args.limit, memory_mb=args.memory)
    except QueryError as error:
        raise Failure(str(error)) from None
    _print_result(result, args)
    return EXIT_OK


def _print_result(result, args: argparse.Namespace) -> None:
    """A query's result in the chosen format, with a note on stderr when it was cut at --limit."""
    from ..query.formats import render

    sys.stdout.write(render(result, args.format))
    if result.truncated:
        _err(f"note: only the first {args.limit} results are shown (raise --limit for more)")


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
    text = _bind_params(text, args.param or [])
    try:
        result = run_remote(args.endpoint, text, timeout=args.timeout, limit=args.limit)
    except RemoteError as error:
        raise Failure(str(error)) from None
    _print_result(result, args)
    if uses_analysis(text) and result.kind == "select" and not result.rows:
        _err("note: this query reads analysis results: `stackmap push` uploads them with the data")
    return EXIT_OK


def _built_dataset(args: argparse.Namespace) -> Path:
    """The dataset in the output folder, built first when missing or older than the data."""
    from ..build.built import ensure_built
    from ..model.projection import ProjectionError
    from ..source.problems import DataError

    directory = _data_dir(args)
    try:
        return ensure_built(directory, Path(args.out), _progress(time.monotonic()))
    except DataError as error:
        _report_problems(directory, error.problems)
        raise Failure(_problem_count(error.problems)) from None
    except ProjectionError as error:
        raise Failure(str(error)) from None


def cmd_push(args: argparse.Namespace) -> int:
    from ..build.built import read_dataset
    from ..serve.http_client import RemoteError
    from ..serve.push import push

    dataset = _built_dataset(args)
    progress = _progress(time.monotonic())
    try:
        result = push(read_dataset(dataset), args.endpoint, graph=args.graph, timeout=args.timeout, progress=progress)
    except RemoteError as error:
        raise Failure(str(error)) from None
    print(f"pushed {result.triples:,} triples in {len(result.replaced):,} graphs to {args.endpoint}")
    for name in result.deleted:
        print(f"deleted <{name}> (no data file holds it any more)")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import ipaddress
    import signal

    from ..serve.server import make_server

    dataset = _built_dataset(args)
    _progress(time.monotonic())("starting the query workers")
    try:
        server = make_server(
            Path(args.out),
            dataset,
            host=args.host,
            port=args.port,
            timeout=args.timeout,
            limit=args.limit,
            workers=args.workers,
            memory_mb=args.memory,
            cors=args.cors,
            allowed_hosts=tuple(args.allow_host or ()),
        )
    except OSError as error:
        raise Failure(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    host, port = server.server_address[:2]
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        _err(f"note: listening on {host}, reachable from other machines; the endpoint is read-only")
    shown = f"[{host}]" if ":" in host else host
    _err(f"serving http://{shown}:{port}/ (SPARQL at http://{shown}:{port}/sparql); Ctrl-C stops")

    def stop(_signum, _frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # `kill` stops the workers and removes the temporary store too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _err("stopped")
    finally:
        server.server_close()
    return EXIT_OK


def _bind_params(text: str, params: list[str], declared: set[str] | None = None) -> str:
    """Set `--param name=ID` values in the query's VALUES blocks. With `declared` (the map's ids),
    unknown ids get a did-you-mean; without (a remote store), an id need only look like one."""
    from ..query.named import NAME_RE, bind
    from ..source import vocab
    from ..source.problems import did_you_mean

    for param in params:
        name, _, value = param.partition("=")
        if not name or not value:
            raise UsageError(f"--param takes NAME=ID, not '{param}'")
        if declared is None and not NAME_RE.match(value):
            raise UsageError(f"--param takes NAME=ID with an id such as chatgpt, not '{param}'")
        if declared is not None and value not in declared:
            raise Failure(f"unknown id '{value}'{did_you_mean(value, declared) or ''}")
        try:
            text = bind(text, name.lstrip("?"), vocab.entity(value))
        except LookupError as error:
            raise Failure(str(error)) from None
    return text


def cmd_chokepoints(args: argparse.Namespace) -> int:
    from ..analysis.chokepoints import chokepoints
    from ..analysis.reach import reach
    from ..analysis.text import chokepoints_text

    projection = _project(args)
    ranked = chokepoints(projection, progress=_progress(time.monotonic()))
    if args.format == "json":
        from ..analysis.results import chokepoints_dict

        data = chokepoints_dict(ranked)
        data["ranking"] = [x for x in data["ranking"] if x["rank"] <= args.top]
        _print_json(data)
    else:
        sys.stdout.write(chokepoints_text(projection, ranked, reach(projection), args.top))
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..analysis.results import plain
    from ..analysis.text import whatif_text
    from ..analysis.whatif import UnknownName, whatif

    if not args.remove and not args.country:
        raise UsageError("name what to remove: --remove ID ... and/or --country CC ...")
    projection = _project(args)
    try:
        result = whatif(projection, args.remove or [], args.country or [])
    except UnknownName as error:
        raise Failure(str(error)) from None
    if args.format == "json":
        _print_json(plain(asdict(result)))
    else:
        sys.stdout.write(whatif_text(result, projection))
    return EXIT_OK


def cmd_concentration(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..analysis.concentration import concentration
    from ..analysis.results import plain
    from ..analysis.text import concentration_text

    results = concentration(_project(args))
    if args.format == "json":
        _print_json([plain(asdict(c)) for c in results])
    else:
        sys.stdout.write(concentration_text(results))
    return EXIT_OK


def cmd_flow(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..analysis.results import plain
    from ..analysis.text import flow_text
    from ..analysis.value_flow import MissingFigure, value_flow

    options = {"direct_to_cloud": args.direct_to_cloud, "revenue": args.revenue}
    if args.inference_spend:
        options["inference_spend"] = args.inference_spend
    if args.cloud_spend:
        options["cloud_spend"] = args.cloud_spend
    try:
        flow = value_flow(_project(args), **options)
    except MissingFigure as error:
        raise Failure(str(error)) from None
    if args.format == "json":
        _print_json(plain(asdict(flow)))
    else:
        sys.stdout.write(flow_text(flow))
    return EXIT_OK


def cmd_vendor(args: argparse.Namespace) -> int:
    from ..analysis.chokepoints import chokepoints
    from ..analysis.reach import reach
    from ..analysis.text import vendor_text
    from ..analysis.vendor_card import require_vendor, vendor_card
    from ..analysis.whatif import UnknownName

    projection = _project(args)
    try:
        require_vendor(projection, args.id)
    except UnknownName as error:
        raise Failure(str(error)) from None
    card = vendor_card(projection, reach(projection), chokepoints(projection), args.id)
    if args.format == "json":
        _print_json(card)
    else:
        sys.stdout.write(vendor_text(card))
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
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


def cmd_export(args: argparse.Namespace) -> int:
    from ..render import export

    loaded = _load(args, shapes=True)
    data = export.serialize(loaded.store, args.format)
    if args.output and args.output != "-":
        from ..runtime.atomic import write_file

        write_file(Path(args.output), data)
        _err(f"wrote {args.output} ({len(data):,} bytes)")
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..importers.epoch import InputError
    from ..importers.run import import_epoch
    from ..importers.writer import Refused

    downloaded = None
    if args.downloaded:
        try:
            downloaded = dt.date.fromisoformat(args.downloaded)
        except ValueError:
            raise UsageError(f"--downloaded takes a date as YYYY-MM-DD, not '{args.downloaded}'") from None
    try:
        summary = import_epoch(
            Path(args.table),
            Path(args.out),
            _data_dir(args),
            hardware=Path(args.hardware) if args.hardware else None,
            dry_run=args.dry_run,
            downloaded=downloaded,
            progress=_progress(time.monotonic()),
        )
    except (InputError, Refused) as error:
        raise Failure(f"{error}; nothing written") from None
    except OSError as error:
        raise Failure(f"could not write {args.out}: {error.strerror or error}; it is left as it was") from None
    print("\n".join(summary.lines()))
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------

COMMANDS = {
    "build": (
        cmd_build,
        "check and analyse the data, then write the graph, analysis.json, stackmap.html and the report to out/",
        "examples:\n  stackmap build\n  stackmap build --data my-data --out site/",
    ),
    "report": (
        cmd_report,
        "write the market report (report.md, a self-contained report.html and SVG figures) to the output folder",
        "examples:\n  stackmap report\n  stackmap report --out site/ --data my-data\n\n"
        "The report answers where value accrues with the analyses' numbers: the stack, the value flow,\n"
        "concentration, chokepoints, vertical integration and moats, and the sources. `stackmap build`\n"
        "writes it too, beside the dataset.",
    ),
    "view": (
        cmd_view,
        "open the interactive graph (out/stackmap.html) in the browser, building it first when needed",
        "examples:\n  stackmap view\n  stackmap view --rebuild --data my-data --out site/\n\n"
        "The page is one file that works offline. It is rebuilt when it is missing or older than the data.",
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
        "graph is the union of all data files; GRAPH ?g { } tells which file said what.\n\n"
        "With --endpoint URL the query runs on a remote store (SPARQL 1.1 Protocol) that holds the pushed\n"
        "map, e.g. http://localhost:7878/query?union-default-graph (Oxigraph server):\n"
        "  stackmap query tsmc-dependents --endpoint 'http://localhost:7878/query?union-default-graph'\n"
        "--data is not read then; shipped queries that read analysis results need them pushed too.",
    ),
    "serve": (
        cmd_serve,
        "serve a read-only SPARQL endpoint at /sparql and the built map, report and dataset at /",
        "examples:\n  stackmap serve\n  stackmap serve --port 8080 --timeout 10\n"
        "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' "
        "http://127.0.0.1:7878/sparql\n"
        "  stackmap query tsmc-dependents --endpoint http://127.0.0.1:7878/sparql\n\n"
        "Serves what `stackmap build` writes to --out, building first when it is missing or older than\n"
        "the data. SPARQL 1.1 Protocol: GET or POST; results as JSON, XML, CSV or TSV (Accept header or\n"
        "format=), CONSTRUCT and DESCRIBE as Turtle. Updates, SERVICE, LOAD and FROM are refused; a query\n"
        "past --timeout is stopped (503) and results past --limit are cut (header Stackmap-Truncated).\n"
        "Listens on 127.0.0.1 only, unless --host says otherwise.",
    ),
    "push": (
        cmd_push,
        "upload the dataset to a triple store (SPARQL 1.1 Graph Store Protocol), replacing the graphs it owns",
        "examples:\n  stackmap push --endpoint http://localhost:7878/store                  # Oxigraph server\n"
        "  stackmap push --endpoint http://localhost:3030/stackmap/data          # Apache Jena Fuseki\n"
        "  stackmap push --endpoint http://localhost:7200/repositories/stackmap/rdf-graphs/service  # GraphDB\n"
        "  stackmap push --endpoint http://localhost:8890/sparql-graph-crud-auth # Virtuoso\n"
        "  stackmap push --endpoint http://localhost:7878/store --graph https://example.org/stackmap\n\n"
        "Pushes what `stackmap build` writes to --out (building first when it is missing or older than\n"
        "the data): one PUT per named graph (each data file, the ontology, the analysis results). The\n"
        "graphs stackmap owns are listed in the graph <https://w3id.org/stackmap/manifest>; one it owned\n"
        "that no data file holds any more is deleted; other graphs are left alone. --graph IRI replaces\n"
        "that one graph with everything and leaves the manifest alone.\n\n"
        "Credentials come from the environment: STACKMAP_ENDPOINT_USER and STACKMAP_ENDPOINT_PASSWORD\n"
        "(Basic, or Digest when the store asks for it), or STACKMAP_ENDPOINT_TOKEN (Bearer).\n"
        "Query the store afterwards with `stackmap query NAME --endpoint QUERY-URL`.",
    ),
    "queries": (
        cmd_queries,
        "list the shipped queries and the question each answers",
        "examples:\n  stackmap queries\n  stackmap queries --format json",
    ),
    "chokepoints": (
        cmd_chokepoints,
        "rank the vendors whose loss cuts the most apps off, with the critical pairs",
        "examples:\n  stackmap chokepoints\n  stackmap chokepoints --top 5 --format json\n\n"
        "Each vendor below the app layer is removed alone; vendors are ranked by the apps that fail,\n"
        "then by the mean capacity the apps lose. Equal results share a rank.",
    ),
    "whatif": (
        cmd_whatif,
        "remove vendors, offerings or countries and show which apps fail",
        "examples:\n  stackmap whatif --remove nvidia\n  stackmap whatif --remove tsmc-n5 asml\n"
        "  stackmap whatif --country TW --format json",
    ),
    "concentration": (
        cmd_concentration,
        "HHI, CR1 and CR4 per layer and market, with the 2023 US Merger Guidelines bands",
        "examples:\n  stackmap concentration\n  stackmap concentration --format json",
    ),
    "flow": (
        cmd_flow,
        "follow app revenue down the stack with the essay's spend ratios",
        "examples:\n  stackmap flow\n  stackmap flow --inference-spend 0.3 --direct-to-cloud 0.5\n"
        "  stackmap flow --revenue 1e9 --format json",
    ),
    "vendor": (
        cmd_vendor,
        "show one vendor: offerings, dependencies both ways, reach, chokepoint rank, moats, sources",
        "examples:\n  stackmap vendor tsmc\n  stackmap vendor nvidia --format json",
    ),
    "export": (
        cmd_export,
        "write the whole dataset as Turtle, TriG, N-Quads or JSON-LD",
        "examples:\n  stackmap export --format trig -o stackmap.trig\n  stackmap export --format jsonld > map.jsonld",
    ),
    "import": (
        cmd_import,
        "make vendor data files from a public dataset (Epoch AI's notable AI models and ML hardware)",
        "examples:\n  stackmap import epoch-models models.csv --hardware hw.csv --out data/imported/epoch --dry-run\n"
        "  stackmap import epoch-models models.csv --hardware hw.csv --out data/imported/epoch\n"
        "  stackmap check && git add data/imported && git diff --cached data/imported   # review, then commit\n\n"
        "Organisations become vendors, models offerings in the model layers (open or closed weights from\n"
        "the accessibility column), training hardware `trained_on` accelerators, and their foundry\n"
        "`fabbed_by`. Names are matched to the vendors of --data (ids, names, `aliases:`); an existing\n"
        "vendor is extended by an `extends:` file, never duplicated or edited. Only files the import\n"
        "made are replaced; re-running it gives the same files. Epoch AI's data are CC BY 4.0.",
    ),
}


def _add_memory_option(parser: argparse.ArgumentParser, who: str) -> None:
    from ..query.sparql import DEFAULT_MEMORY_MB

    parser.add_argument(
        "--memory",
        type=_positive(int),
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=f"memory {who} may use beyond the loaded map; past it the query is stopped (default: {DEFAULT_MEMORY_MB})",
    )


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", help="the data folder (default: the shipped data/); read recursively")


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
        elif name in ("build", "report", "view"):
            p.add_argument("--out", metavar="DIR", default="out", help="the output folder (default: out/)")
            if name == "view":
                p.add_argument("--rebuild", action="store_true", help="build even when the page is up to date")
        elif name == "query":
            from ..query.formats import FORMATS

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
            _add_memory_option(p, "the query")
            p.add_argument(
                "--endpoint",
                metavar="URL",
                help="run the query on this remote SPARQL endpoint instead of the local data (see `stackmap push`)",
            )
        elif name == "serve":
            p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
            p.add_argument("--port", type=int, default=7878, help="the port (default: 7878; 0 picks a free one)")
            p.add_argument("--out", metavar="DIR", default="out", help="the build output folder (default: out/)")
            p.add_argument(
                "--timeout", type=_positive(float), default=30.0, metavar="SECONDS", help="per query (default: 30)"
            )
            p.add_argument(
                "--limit", type=_positive(int), default=10_000, metavar="N", help="at most N results (default: 10000)"
            )
            p.add_argument(
                "--workers", type=_positive(int), default=2, metavar="N", help="queries run at once (default: 2)"
            )
            p.add_argument(
                "--cors", action="store_true", help="let web pages of any origin query the endpoint (e.g. YASGUI)"
            )
            p.add_argument(
                "--allow-host",
                action="append",
                metavar="NAME",
                help="also answer requests whose Host is NAME (default: only the address it listens on, and "
                "localhost on loopback)",
            )
            _add_memory_option(p, "each query worker")
        elif name == "push":
            p.add_argument("--endpoint", metavar="URL", required=True, help="the store's Graph Store Protocol URL")
            p.add_argument("--graph", metavar="IRI", help="put the whole dataset into this one graph instead")
            p.add_argument("--out", metavar="DIR", default="out", help="the build output folder (default: out/)")
            p.add_argument(
                "--timeout", type=_positive(float), default=60.0, metavar="SECONDS", help="per request (default: 60)"
            )
        elif name == "queries":
            p.add_argument("--format", choices=("table", "json"), default="table", help="output format")
        elif name == "chokepoints":
            p.add_argument("--top", type=_positive(int), default=10, metavar="N", help="show ranks 1 to N (default 10)")
        elif name == "whatif":
            p.add_argument("--remove", nargs="+", action="extend", metavar="ID", help="vendor or offering ids")
            p.add_argument(
                "--country", nargs="+", action="extend", metavar="CC", help="remove every vendor of a country"
            )
        elif name == "flow":
            p.add_argument(
                "--inference-spend",
                type=_ratio_range,
                metavar="LOW[-HIGH]",
                help="part of app revenue spent on inference (default: the data's inference-spend-ratio figure)",
            )
            p.add_argument(
                "--cloud-spend",
                type=_ratio_range,
                metavar="LOW[-HIGH]",
                help="part of model providers' revenue spent on cloud (default: the data's cloud-spend-ratio figure)",
            )
            p.add_argument(
                "--direct-to-cloud",
                type=_fraction,
                default=0.0,
                metavar="X",
                help="part of the apps' inference spend paid straight to clouds (default 0: through model providers)",
            )
            p.add_argument(
                "--revenue",
                type=_positive(float),
                default=1.0,
                metavar="USD",
                help="app revenue (default: shares of 1)",
            )
        elif name == "vendor":
            p.add_argument("id", metavar="ID", help="a vendor id, such as nvidia")
        elif name == "import":
            p.add_argument("dataset", choices=("epoch-models",), help="the dataset: epoch-models (Epoch AI)")
            p.add_argument("table", metavar="MODELS.csv", help="Epoch AI's Notable AI Models export (CSV)")
            p.add_argument("--hardware", metavar="HARDWARE.csv", help="Epoch AI's ML Hardware table (CSV)")
            p.add_argument(
                "--out", metavar="DIR", required=True, help="the folder for the new files, e.g. data/imported/epoch"
            )
            p.add_argument("--dry-run", action="store_true", help="print the summary, write nothing")
            p.add_argument(
                "--downloaded",
                metavar="YYYY-MM-DD",
                help="when the files were downloaded, the sources' date (default: each file's modification date)",
            )
        if name in ("chokepoints", "whatif", "concentration", "flow", "vendor"):
            p.add_argument(
                "--format", choices=("table", "json"), default="table", help="output format (default: table)"
            )
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
    collecting = gc.isenabled()
    if args.command not in LONG_RUNNING:
        # A one-shot command keeps what it loads until it exits: the cyclic collector's scans of
        # millions of live objects would free nothing (100k vendors: a query's first full scan 3 s).
        gc.disable()
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
    finally:
        if collecting:
            gc.enable()


if __name__ == "__main__":
    sys.exit(main())
