"""`stackmap serve` and `stackmap push`: the built dataset over HTTP, here or in a triple store."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    EXIT_OK,
    Command,
    Failure,
    add_limit,
    add_memory,
    add_out,
    add_timeout,
    data_dir,
    err,
    positive,
    problem_count,
    progress_printer,
    report_problems,
)


def built_dataset(args: argparse.Namespace) -> Path:
    """The dataset in the output folder, built first when missing or older than the data."""
    from ..model.projection import ProjectionError
    from ..pipeline import ensure_built
    from ..source.problems import DataError

    directory = data_dir(args)
    try:
        return ensure_built(directory, Path(args.out), progress_printer(), args.as_of)
    except DataError as error:
        report_problems(directory, error.problems)
        raise Failure(problem_count(error.problems)) from None
    except ProjectionError as error:
        raise Failure(str(error)) from None


def run_push(args: argparse.Namespace) -> int:
    from ..pipeline import read_dataset
    from ..serve.http_client import RemoteError
    from ..serve.push import push

    dataset = built_dataset(args)
    try:
        result = push(
            read_dataset(dataset), args.endpoint, graph=args.graph, timeout=args.timeout, progress=progress_printer()
        )
    except RemoteError as error:
        raise Failure(str(error)) from None
    print(f"pushed {result.triples:,} triples in {len(result.replaced):,} graphs to {args.endpoint}")
    for name in result.deleted:
        print(f"deleted <{name}> (no data file holds it any more)")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    import ipaddress
    import signal

    from ..serve.server import make_server

    dataset = built_dataset(args)
    progress_printer()("starting the query workers")
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
        err(f"note: listening on {host}, reachable from other machines; the endpoint is read-only")
    shown = f"[{host}]" if ":" in host else host
    err(f"serving http://{shown}:{port}/ (SPARQL at http://{shown}:{port}/sparql); Ctrl-C stops")

    def stop(_signum, _frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # `kill` stops the workers and removes the temporary store too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        err("stopped")
    finally:
        server.server_close()
    return EXIT_OK


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7878, help="the port (default: 7878; 0 picks a free one)")
    add_out(parser, "the build output folder")
    add_timeout(parser, 30.0, "per query")
    add_limit(parser)
    parser.add_argument(
        "--workers", type=positive(int), default=2, metavar="N", help="queries run at once (default: 2)"
    )
    parser.add_argument(
        "--cors", action="store_true", help="let web pages of any origin query the endpoint (e.g. YASGUI)"
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="also answer requests whose Host is NAME (default: only the address it listens on, and "
        "localhost on loopback)",
    )
    add_memory(parser, "each query worker")


def _push_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", metavar="URL", required=True, help="the store's Graph Store Protocol URL")
    parser.add_argument("--graph", metavar="IRI", help="put the whole dataset into this one graph instead")
    add_out(parser, "the build output folder")
    add_timeout(parser, 60.0, "per request")


COMMANDS = [
    Command(
        "serve",
        run_serve,
        "serve a read-only SPARQL endpoint at /sparql and the built map, report and dataset at /",
        "examples:\n  stackmap serve\n  stackmap serve --port 8080 --timeout 10\n"
        "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' "
        "http://127.0.0.1:7878/sparql\n"
        "  stackmap query tsmc-dependents --endpoint http://127.0.0.1:7878/sparql\n\n"
        "Serves what `stackmap build` writes to --out, building first when it is missing or older than\n"
        "the data, and at / a query page (YASGUI, offline) with the shipped queries. SPARQL 1.1 Protocol:\n"
        "GET or POST; results as JSON, XML, CSV or TSV (Accept header or format=), CONSTRUCT and DESCRIBE\n"
        "as Turtle, N-Triples, RDF/XML or JSON-LD; default-graph-uri and named-graph-uri choose among the\n"
        "graphs it holds; GET /sparql without a query gives the service description. Updates, SERVICE,\n"
        "LOAD and FROM are refused; a query past --timeout is stopped (503) and results past --limit are\n"
        "cut (header Stackmap-Truncated). Listens on 127.0.0.1 only, unless --host says otherwise.",
        _serve_options,
        dated=True,
    ),
    Command(
        "push",
        run_push,
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
        "(Basic up front; Digest when the store asks for it, or refuses Basic without saying what it\n"
        "wants, as Virtuoso does), or STACKMAP_ENDPOINT_TOKEN (Bearer).\n"
        "Query the store afterwards with `stackmap query NAME --endpoint QUERY-URL`.",
        _push_options,
        dated=True,
    ),
]
