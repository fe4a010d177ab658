"""`stackmap push` and `stackmap query --endpoint` against a real Oxigraph server on 127.0.0.1, and
against a small fake store for credentials and errors."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import parse_http_list, parse_keqv_list

import live_servers
import pyoxigraph as ox
import pytest
from live_servers import free_port

from conftest import MINI
from graph.pipeline import DATASET_FILES
from graph.serve import http_client
from graph.serve.push import MANIFEST_GRAPH, owned_graphs
from graph.serve.remote import run_remote
from graph.source.paths import shipped_data_dir

FILE = "https://w3id.org/stackmap/file/"
EXTRA = "id: extraco\nname: ExtraCo\ncountry: US\nsource: test-source\nlayer: apps\n"
FOREIGN = "https://example.org/not-stackmap"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


class Oxigraph(live_servers.Oxigraph):
    """A running Oxigraph server, with counts of what it holds."""

    def count(self, text: str = COUNT_QUADS) -> int:
        return int(run_remote(self.query, text).rows[0][0].value)

    def graphs(self) -> list[str]:
        return [row[0].value for row in run_remote(self.query, GRAPHS).rows]


@pytest.fixture
def oxigraph() -> Iterator[Oxigraph]:
    """An in-memory Oxigraph server on a free port of 127.0.0.1, stopped after the test."""
    with live_servers.oxigraph() as server:
        server.__class__ = Oxigraph
        yield server


def _rows(output: str) -> tuple[list[str], list[str]]:
    """The variables and the sorted rows of a SPARQL results JSON output, literal datatypes as written."""
    data = json.loads(output)
    if "boolean" in data:
        return [], [str(data["boolean"])]
    rows = sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])
    return data["head"]["vars"], rows


# -- push and query a real store --------------------------------------------------------------


def test_push_twice_leaves_no_duplicates(cli, oxigraph: Oxigraph, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("push", "--endpoint", oxigraph.store, "--out", out).code == 0
    dataset = ox.Store()
    dataset.bulk_load(path=str(out / DATASET_FILES["nquads"]), format=ox.RdfFormat.N_QUADS)
    graphs = {q.graph_name.value for q in dataset}
    first = oxigraph.count()
    assert first == len(dataset) + len(graphs)  # the data, plus one manifest triple per graph
    assert cli("push", "--endpoint", oxigraph.store, "--out", out).code == 0
    assert oxigraph.count() == first
    assert set(oxigraph.graphs()) == {*graphs, MANIFEST_GRAPH}
    assert owned_graphs(oxigraph.store, timeout=10) == sorted(graphs)


def test_push_replaces_owned_graphs_deletes_stale_ones_and_leaves_others(
    cli, make_data, oxigraph: Oxigraph, tmp_path: Path
) -> None:
    foreign = b"<https://example.org/a> <https://example.org/b> 'kept' .\n"
    http_client.request(
        "PUT", f"{oxigraph.store}?graph={FOREIGN}", body=foreign, headers={"Content-Type": "text/turtle"}
    )
    data = make_data({"vendors/extraco.yaml": EXTRA})
    out = tmp_path / "out"
    assert cli("push", "--endpoint", oxigraph.store, "--data", data, "--out", out).code == 0
    assert f"{FILE}vendors/extraco.yaml" in oxigraph.graphs()
    (data / "vendors" / "extraco.yaml").unlink()
    second = cli("push", "--endpoint", oxigraph.store, "--data", data, "--out", out)
    assert second.code == 0, second.err
    assert f"deleted <{FILE}vendors/extraco.yaml>" in second.out
    graphs = oxigraph.graphs()
    assert f"{FILE}vendors/extraco.yaml" not in graphs
    assert FOREIGN in graphs and f"{FILE}vendors/appco.yaml" in graphs
    assert (
        oxigraph.count(f"ASK {{ GRAPH <{FOREIGN}> {{ ?s ?p 'kept' }} }}".replace("ASK", "SELECT (COUNT(*) AS ?n)")) == 1
    )
    assert not run_remote(oxigraph.query, "ASK { <https://w3id.org/stackmap/id/extraco> ?p ?o }").boolean


def test_push_into_one_graph(cli, oxigraph: Oxigraph, tmp_path: Path) -> None:
    target = "https://example.org/stackmap"
    result = cli("push", "--endpoint", oxigraph.store, "--data", MINI, "--out", tmp_path, "--graph", target)
    assert result.code == 0, result.err
    assert oxigraph.graphs() == [target]
    dataset = ox.Store()
    dataset.bulk_load(path=str(tmp_path / DATASET_FILES["nquads"]), format=ox.RdfFormat.N_QUADS)
    distinct = {(q.subject, q.predicate, q.object) for q in dataset}
    assert oxigraph.count() == len(distinct)
    assert result.out == f"pushed {len(distinct):,} triples in 1 graphs to {oxigraph.store}\n"


def test_remote_query_errors_and_graph_results(cli, oxigraph: Oxigraph, tmp_path: Path) -> None:
    assert cli("push", "--endpoint", oxigraph.store, "--data", MINI, "--out", tmp_path).code == 0
    bad = cli("query", "SELECT ?x WHERE { ?x ", "--endpoint", oxigraph.query)
    assert bad.code == 1 and "refused the request as malformed (HTTP 400)" in bad.err
    built = cli("query", "CONSTRUCT { ?v a sm:Vendor } WHERE { ?v a sm:Vendor }", "--endpoint", oxigraph.query)
    assert built.code == 0
    assert "<https://w3id.org/stackmap/id/lithoco> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in built.out
    capped = cli(
        "query", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", oxigraph.query, "--limit", "3", "--format", "csv"
    )
    assert capped.code == 0 and len(capped.out.splitlines()) == 4 and "only the first 3 results" in capped.err
    unknown = cli("query", "no-such-query", "--endpoint", oxigraph.query)
    assert unknown.code == 1 and "unknown query 'no-such-query'" in unknown.err


def test_unreachable_and_missing_endpoints_fail_clearly(cli, oxigraph: Oxigraph, tmp_path: Path) -> None:
    port = free_port()
    refused = cli("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--data", MINI, "--out", tmp_path)
    assert refused.code == 1
    assert f"cannot reach http://127.0.0.1:{port}/store: Connection refused" in refused.err
    missing = cli("push", "--endpoint", f"{oxigraph.base}/nope", "--data", MINI, "--out", tmp_path)
    assert missing.code == 1 and "was not found (HTTP 404): check the endpoint URL" in missing.err
    query = cli("query", "vendors-by-layer", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert query.code == 1 and "cannot reach" in query.err
    assert cli("push", "--endpoint", "ftp://example.org/x", "--data", MINI, "--out", tmp_path).code == 1


# -- credentials, against a fake store --------------------------------------------------------


class _FakeStore(BaseHTTPRequestHandler):
    """Answers 401 unless the Authorization header is the expected one; records what it received."""

    expected = ""
    seen: list[tuple[str, str, str]] = []  # noqa: RUF012  (method, path, Authorization)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        auth = self.headers.get("Authorization", "")
        _FakeStore.seen.append((self.command, self.path, auth))
        if auth != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"unauthorized")
            return
        status = 404 if self.command == "GET" else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


class _DigestStore(_FakeStore):
    """Accepts only a valid Digest answer (Virtuoso's /sparql-graph-crud-auth asks for Digest)."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        _FakeStore.seen.append((self.command, self.path, auth.split(" ")[0]))
        if not auth.startswith("Digest ") or not self._valid(parse_keqv_list(parse_http_list(auth[7:]))):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Digest realm="virtuoso", nonce="n0nce", qop="auth"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(404 if self.command == "GET" else 201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _valid(self, p: dict[str, str]) -> bool:
        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1, ha2 = md5("dba:virtuoso:dba-pass"), md5(f"{self.command}:{p.get('uri')}")
        expected = md5(f"{ha1}:{p.get('nonce')}:{p.get('nc')}:{p.get('cnonce')}:{p.get('qop')}:{ha2}")
        return p.get("username") == "dba" and p.get("response") == expected

    do_GET = do_PUT = do_DELETE = do_POST = _answer


def _serve(handler) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeStore.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_store() -> Iterator[str]:
    yield from _serve(_FakeStore)


@pytest.fixture
def digest_store() -> Iterator[str]:
    yield from _serve(_DigestStore)


def test_basic_credentials_from_the_environment(cli, fake_store: str, monkeypatch, tmp_path: Path) -> None:
    _FakeStore.expected = "Basic " + base64.b64encode(b"ana:s3cret").decode()
    monkeypatch.setenv(http_client.USER_VAR, "ana")
    monkeypatch.setenv(http_client.PASSWORD_VAR, "s3cret")
    monkeypatch.delenv(http_client.TOKEN_VAR, raising=False)
    result = cli("push", "--endpoint", fake_store, "--data", MINI, "--out", tmp_path)
    assert result.code == 0, result.err
    assert {auth for _, _, auth in _FakeStore.seen} == {_FakeStore.expected}  # sent up front, every time
    methods = [m for m, _, _ in _FakeStore.seen]
    assert methods[0] == "GET" and methods[1:] == ["PUT"] * (len(methods) - 1)
    assert sum(f"graph={FILE.replace(':', '%3A').replace('/', '%2F')}" in p for _, p, _ in _FakeStore.seen) == 9


def test_bearer_token_and_refused_credentials(cli, fake_store: str, monkeypatch, tmp_path: Path) -> None:
    _FakeStore.expected = "Bearer tok-123"
    monkeypatch.setenv(http_client.TOKEN_VAR, "tok-123")
    assert cli("push", "--endpoint", fake_store, "--data", MINI, "--out", tmp_path).code == 0
    assert {auth for _, _, auth in _FakeStore.seen} == {"Bearer tok-123"}
    monkeypatch.setenv(http_client.TOKEN_VAR, "wrong")
    refused = cli("push", "--endpoint", fake_store, "--data", MINI, "--out", tmp_path)
    assert refused.code == 1
    assert "refused the request (HTTP 401): set STACKMAP_ENDPOINT_USER and STACKMAP_ENDPOINT_PASSWORD" in refused.err
    monkeypatch.delenv(http_client.TOKEN_VAR)
    query = cli("query", "vendors-by-layer", "--endpoint", fake_store)
    assert query.code == 1 and "HTTP 401" in query.err


def test_push_builds_the_shipped_map_when_out_is_missing(cli, fake_store: str, monkeypatch, tmp_path: Path) -> None:
    _FakeStore.expected = ""
    monkeypatch.delenv(http_client.TOKEN_VAR, raising=False)
    monkeypatch.delenv(http_client.USER_VAR, raising=False)
    out = tmp_path / "fresh"
    result = cli("push", "--endpoint", fake_store, "--out", out)
    assert result.code == 0 and (out / DATASET_FILES["nquads"]).is_file()
    assert "building" in result.err
    assert shipped_data_dir().is_dir()


def test_digest_credentials_when_the_store_asks(cli, digest_store: str, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(http_client.TOKEN_VAR, raising=False)
    monkeypatch.setenv(http_client.USER_VAR, "dba")
    monkeypatch.setenv(http_client.PASSWORD_VAR, "dba-pass")
    result = cli("push", "--endpoint", digest_store, "--data", MINI, "--out", tmp_path)
    assert result.code == 0, result.err
    schemes = [scheme for _, _, scheme in _FakeStore.seen]
    assert "Digest" in schemes and schemes[-1] == "Digest"
    monkeypatch.setenv(http_client.PASSWORD_VAR, "wrong")
    refused = cli("push", "--endpoint", digest_store, "--data", MINI, "--out", tmp_path)
    assert refused.code == 1 and "HTTP 401" in refused.err


def test_push_help_and_usage(cli) -> None:
    shown = cli("push", "--help")
    assert shown.code == 0
    for url in (
        "/store",
        "/DATASET/data".replace("DATASET", "stackmap"),
        "/rdf-graphs/service",
        "/sparql-graph-crud-auth",
    ):
        assert url in shown.out
    assert "STACKMAP_ENDPOINT_TOKEN" in shown.out
    assert cli("push").code == 2  # --endpoint is required
    assert "--endpoint URL" in cli("query", "--help").out


def test_bad_data_is_neither_built_nor_pushed(cli, make_data, fake_store: str, tmp_path: Path) -> None:
    data = make_data({"vendors/x.yaml": "id: x\nname: X\nsource: test-source\nlayer: compute\n"})
    out = tmp_path / "out"
    for command in ("push", "serve"):
        args = ["--endpoint", fake_store] if command == "push" else ["--port", "0"]
        result = cli(command, *args, "--data", data, "--out", out)
        assert result.code == 1, command
        assert "vendors/x.yaml:4: unknown layer 'compute'" in result.err and "1 problem found" in result.err
    assert not out.exists() and _FakeStore.seen == []


class _VirtuosoLikeStore(_DigestStore):
    """Answers up-front Basic with a 401 that carries no challenge, as Virtuoso 7.2 does; challenges
    a request without credentials; accepts only a valid Digest answer."""

    def _answer(self) -> None:
        if self.headers.get("Authorization", "").startswith("Basic "):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            _FakeStore.seen.append((self.command, self.path, "Basic"))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super()._answer()

    do_GET = do_PUT = do_DELETE = do_POST = _answer


@pytest.fixture
def virtuoso_like_store() -> Iterator[str]:
    yield from _serve(_VirtuosoLikeStore)


def test_digest_after_a_401_without_a_challenge(cli, virtuoso_like_store: str, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(http_client.TOKEN_VAR, raising=False)
    monkeypatch.setenv(http_client.USER_VAR, "dba")
    monkeypatch.setenv(http_client.PASSWORD_VAR, "dba-pass")
    http_client._challenges.clear()
    result = cli("push", "--endpoint", virtuoso_like_store, "--data", MINI, "--out", tmp_path)
    assert result.code == 0, result.err
    schemes = [scheme for _, _, scheme in _FakeStore.seen]
    # the first request: Basic (refused, no challenge), then without credentials (challenged), then Digest
    assert schemes[:3] == ["Basic", "", "Digest"]
    # the challenge is kept: every later request goes in Digest at once
    assert schemes[3:] and set(schemes[3:]) == {"Digest"}
    http_client._challenges.clear()
    monkeypatch.setenv(http_client.PASSWORD_VAR, "wrong")
    refused = cli("push", "--endpoint", virtuoso_like_store, "--data", MINI, "--out", tmp_path)
    assert refused.code == 1 and "refused the request (HTTP 401)" in refused.err
