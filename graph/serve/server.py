"""`serve`: a read-only SPARQL 1.1 Protocol endpoint at /sparql, and the build output folder at /.

/sparql takes `query` by GET, by POST as a form, or by POST as `application/sparql-query`; it answers
by content negotiation (or `format=json|xml|csv|tsv|turtle|ntriples|rdfxml|jsonld`); GET /sparql
without a query answers the SPARQL 1.1 Service Description. `default-graph-uri` and `named-graph-uri`
choose the query's dataset among the graphs the endpoint holds (never fetched; another IRI is a 400);
without them the default graph is the union of all. Refused with a 4xx: malformed queries and
requests (400, with the parser's message), updates (403), SERVICE, LOAD and FROM (400), an Accept
header or `format=` it cannot answer (406, 400), a Host it does not serve (403: a web page cannot
reach a local endpoint by DNS rebinding).
A query past the time limit is stopped and answered 503, one past the memory limit 507; results past
the cap are cut and flagged with the header `Stackmap-Truncated: true`. When the dataset file is
replaced (a new build into the folder), the next query loads it: answers always match the files.
/ is the query page (`page`: YASGUI pointed at /sparql, with the shipped queries, and links to the
files of the output folder: the HTML view, the report, the dataset files), each file served from the
folder; paths outside it are refused. /yasgui/ serves the page's vendored scripts (nothing from the
network).
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import sys
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..query.sparql import DEFAULT_MEMORY_MB, Dataset, QueryError, QueryMemoryExceeded, QueryTimeout, guard
from .page import index_page, static_file
from .pool import QueryPool, WorkerLost

MAX_BODY = 1_000_000  # bytes of a POSTed query
BODY_SECONDS = 10  # how long a request body may take to arrive
BACKLOG = 128  # connections waiting to be accepted
TRUNCATED_HEADER = "Stackmap-Truncated"


class Refused(Exception):
    """A request answered with an error status and a plain-text message."""

    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def safe_path(root: Path, url_path: str) -> Path | None:
    """The file under root that a URL path names, or None when it names none or leaves root
    (`..`, hidden names, backslashes, symlinks out of root)."""
    parts = urllib.parse.unquote(url_path).split("/")
    if any(p in (".", "..") or p.startswith(".") or "\\" in p or "\x00" in p for p in parts):
        return None
    try:
        base = root.resolve()
        target = base.joinpath(*[p for p in parts if p]).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return None
    except (OSError, ValueError, RuntimeError):  # a name too long, a symlink loop
        return None
    return target


class Handler(BaseHTTPRequestHandler):
    """One request to the endpoint or the output folder."""

    server: StackmapServer
    server_version = "stackmap"
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a connection may stay silent before it is closed

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", TRUNCATED_HEADER)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse(self, refusal: Refused) -> None:
        self.close_connection = True  # a refused request's body may be unread
        self._send(
            refusal.status, (refusal.message + "\n").encode("utf-8"), "text/plain; charset=utf-8", refusal.headers
        )

    def _handle(self) -> None:
        try:
            self._check_host()
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/sparql":
                self._sparql(url.query)
            elif self.command == "POST":
                raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST", {"Allow": "GET, HEAD"})
            elif url.path == "/":
                self._send(200, index_page(self.server.root), "text/html; charset=utf-8")
            elif (vendored := static_file(url.path)) is not None:
                self._send(200, vendored[0], vendored[1], {"Cache-Control": "max-age=86400"})
            else:
                self._file(url.path)
        except Refused as refusal:
            self._refuse(refusal)
        except (BrokenPipeError, ConnectionResetError):  # the client left
            self.close_connection = True
        except Exception as error:  # a fault of ours: answer it rather than drop the connection
            self.log_error("internal error: %r", error)
            self._refuse(Refused(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error: the server could not answer"))

    do_GET = do_POST = do_HEAD = _handle

    def _check_host(self) -> None:
        """Refuse a Host the server was not started for: a page of another site that made its own
        name resolve to this machine (DNS rebinding) cannot read the endpoint."""
        host = self.headers.get("Host")
        if host is not None and not self.server.serves_host(host):
            name = host.strip()[:80]
            raise Refused(
                HTTPStatus.FORBIDDEN,
                f"this server does not answer for the host {name!r}: start it with --allow-host NAME to allow a name",
            )

    def _not_allowed(self) -> None:
        self._refuse(Refused(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: only GET and POST", {"Allow": "GET, POST"}))

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_OPTIONS(self) -> None:
        """A CORS preflight (answered in full only with --cors)."""
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.cors:
            headers |= {
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
            }
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain; charset=utf-8", headers)

    def _file(self, url_path: str) -> None:
        path = safe_path(self.server.root, url_path)
        if path is None:
            raise Refused(HTTPStatus.NOT_FOUND, f"not found: {url_path}")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media in ("application/json", "application/javascript"):
            media += "; charset=utf-8"
        try:
            source = path.open("rb")
        except OSError:
            raise Refused(HTTPStatus.NOT_FOUND, f"not found: {url_path}") from None
        with source:  # size and bytes from one open handle: a file replaced meanwhile is sent whole, old or new
            size = os.fstat(source.fileno()).st_size
            self.send_response(200)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(size))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                left = size
                while left > 0 and (chunk := source.read(min(left, 1 << 16))):
                    self.wfile.write(chunk)
                    left -= len(chunk)

    def _form(self, query_string: str) -> dict[str, list[str]]:
        try:
            return urllib.parse.parse_qs(query_string, keep_blank_values=True, strict_parsing=False, errors="strict")
        except UnicodeDecodeError:
            raise Refused(HTTPStatus.BAD_REQUEST, "the request is not UTF-8") from None

    def _body(self) -> str:
        text = self.headers.get("Content-Length", "")
        if not text:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
        if not text.isdigit():
            raise Refused(HTTPStatus.BAD_REQUEST, f"Content-Length must be a number of bytes, not {text[:20]!r}")
        length = int(text)
        if length > MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the request is over {MAX_BODY:,} bytes")
        self.connection.settimeout(self.server.body_seconds)
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise Refused(
                HTTPStatus.REQUEST_TIMEOUT, f"the body did not arrive within {self.server.body_seconds:g} s"
            ) from None
        finally:
            self.connection.settimeout(self.timeout)
        if len(body) < length:
            raise Refused(HTTPStatus.BAD_REQUEST, f"the body ended after {len(body):,} of {length:,} bytes")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(HTTPStatus.BAD_REQUEST, "the request is not UTF-8") from None

    def _description(self, format_name: str | None) -> None:
        """The SPARQL 1.1 Service Description (GET /sparql without a query), by content negotiation."""
        from .description import PREFIXES, service_description
        from .media import NotAcceptable, UnknownFormat, choose, content_type, encode_triples

        try:
            media = choose(self.headers.get("Accept"), "description", format_name)
        except UnknownFormat as error:
            raise Refused(HTTPStatus.BAD_REQUEST, str(error)) from None
        except NotAcceptable as error:
            raise Refused(HTTPStatus.NOT_ACCEPTABLE, str(error)) from None
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        endpoint = f"http://{host.strip()}/sparql"
        body = encode_triples(service_description(endpoint, self.server.current_pool().graphs), media, PREFIXES)
        self._send(200, body, content_type(media), {"Vary": "Accept"})

    def _sparql(self, query_string: str) -> None:
        params = self._form(query_string)
        if self.command == "POST":
            media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            body = self._body()
            if media == "application/sparql-update":
                raise Refused(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
            if media == "application/sparql-query":
                params.setdefault("query", []).append(body)
            elif media == "application/x-www-form-urlencoded":
                for key, values in self._form(body).items():
                    params.setdefault(key, []).extend(values)
            else:
                raise Refused(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST a query as application/sparql-query or application/x-www-form-urlencoded",
                )
        if "update" in params:
            raise Refused(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
        from ..query.guard import query_kind
        from .media import NotAcceptable, UnknownFormat, choose, content_type

        format_name = (params.get("format") or [None])[0]
        if self.command in ("GET", "HEAD") and "query" not in params:
            self._description(format_name)
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise Refused(HTTPStatus.BAD_REQUEST, "give exactly one query: /sparql?query=SELECT...")
        pool = self.server.current_pool()
        dataset = _dataset(params, pool.graphs)
        try:
            text = guard(queries[0])
            media = choose(self.headers.get("Accept"), query_kind(text), format_name)
            answer = pool.run(text, media, dataset)
        except UnknownFormat as error:
            raise Refused(HTTPStatus.BAD_REQUEST, str(error)) from None
        except NotAcceptable as error:
            raise Refused(HTTPStatus.NOT_ACCEPTABLE, str(error)) from None
        except QueryTimeout as error:
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, str(error), {"Retry-After": "1"}) from None
        except QueryMemoryExceeded as error:
            raise Refused(HTTPStatus.INSUFFICIENT_STORAGE, str(error)) from None
        except WorkerLost as error:
            raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, str(error)) from None
        except QueryError as error:
            raise Refused(HTTPStatus.BAD_REQUEST, str(error)) from None

        headers = {"Vary": "Accept", "Cache-Control": "no-store"}
        if answer.truncated:
            headers[TRUNCATED_HEADER] = "true"
        self._send(200, answer.body, content_type(answer.media), headers)


def _dataset(params: dict[str, list[str]], graphs: frozenset[str]) -> Dataset | None:
    """The dataset that `default-graph-uri` and `named-graph-uri` name (SPARQL 1.1 Protocol): the
    default graph is the merge of the first, the named graphs are the second (none when only the first
    is given); None when neither is given (the default graph is then the union of every graph).
    Each must be a graph the endpoint holds: nothing is ever fetched."""
    default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if not default and not named:
        return None
    for iri in (*default, *named):
        if iri not in graphs:
            shown = iri if len(iri) <= 200 else iri[:200] + "..."
            raise Refused(
                HTTPStatus.BAD_REQUEST,
                f"<{shown}> is not a graph of this endpoint: default-graph-uri and named-graph-uri choose among "
                f"the {len(graphs):,} graphs it holds and fetch nothing (GET /sparql lists them; so does "
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { } })",
            )
    return Dataset(default=tuple(dict.fromkeys(default)), named=tuple(dict.fromkeys(named)))


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from the next: inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class StackmapServer(ThreadingHTTPServer):
    """The HTTP server: the output folder to serve and the query pool, reloaded when the dataset
    file is replaced."""

    daemon_threads = True
    request_queue_size = BACKLOG
    body_seconds: float = BODY_SECONDS

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        pool: QueryPool,
        quiet: bool = False,
        cors: bool = False,
        allowed_hosts: tuple[str, ...] = (),
        dataset: Path | None = None,
    ) -> None:
        self.root, self.pool, self.quiet, self.cors = Path(root), pool, quiet, cors  # set first: a failed bind closes
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.dataset = dataset
        self._loaded = _signature(dataset) if dataset else None
        self._checked = time.monotonic()
        self._reload = threading.Lock()
        super().__init__(address, Handler)

    def serves_host(self, header: str) -> bool:
        """Whether a Host header names this server: its own address, an IP literal when it listens
        on every address, localhost when it listens on loopback, or a name given by --allow-host."""
        name = header.strip().lower()
        if name.startswith("["):
            name = name[1 : name.find("]")] if "]" in name else name
        elif name.count(":") == 1:
            name = name.rsplit(":", 1)[0]
        if name in self.allowed_hosts:
            return True
        bound = str(self.server_address[0]).lower()
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return name == "localhost" and ipaddress.ip_address(bound).is_loopback
        return (
            address == ipaddress.ip_address(bound)
            or ipaddress.ip_address(bound).is_unspecified
            or (address.is_loopback and ipaddress.ip_address(bound).is_loopback)
        )

    def current_pool(self) -> QueryPool:
        """The query pool of the dataset file as it is now: when the file was replaced since it was
        loaded (checked at most once a second), a new pool loads it and the old one is retired."""
        if self.dataset is None or time.monotonic() - self._checked < 1.0:
            return self.pool
        with self._reload:
            self._checked = time.monotonic()
            now = _signature(self.dataset)
            if now is not None and now != self._loaded:
                old = self.pool
                pool = old.reloaded(self.dataset)
                self.pool, self._loaded = pool, now
                if not self.quiet:
                    print(f"the dataset was rebuilt: now answering from the new {self.dataset}", file=sys.stderr)
                old.retire()
        return self.pool

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(
    root: Path,
    dataset: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    limit: int = 10_000,
    workers: int = 2,
    memory_mb: int = DEFAULT_MEMORY_MB,
    quiet: bool = False,
    cors: bool = False,
    allowed_hosts: tuple[str, ...] = (),
) -> StackmapServer:
    """A server (not yet serving) for the output folder root and the N-Quads dataset; port 0 picks a
    free port (read it from `server.server_address`); `cors` lets pages of any origin read the answers;
    `allowed_hosts` are the names (besides its address) a request's Host may give.
    Close it with `server_close()`."""
    pool = QueryPool(dataset, workers=workers, timeout=timeout, limit=limit, memory_mb=memory_mb)
    try:
        return StackmapServer(
            (host, port), root, pool, quiet=quiet, cors=cors, allowed_hosts=allowed_hosts, dataset=dataset
        )
    except OSError:
        pool.close()
        raise
