"""`stackmap serve`: the SPARQL 1.1 Protocol endpoint on a free port of 127.0.0.1 (formats, refusals,
time limit, result cap) and the output folder at /."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_servers import free_port, stop, wait_until_answers

from conftest import FIXTURES, MINI
from graph.pipeline import ensure_built, is_stale
from graph.query.named import shipped as shipped_queries
from graph.query.sparql import guard
from graph.serve.server import StackmapServer, make_server

ESSAY_MAP = FIXTURES / "essay-map"  # the essay-era map: its answers stay put as the shipped data grows

VENDORS = "SELECT ?v ?name WHERE { ?v a sm:Vendor ; rdfs:label ?name } ORDER BY ?v"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIMIT = 100
TIMEOUT = 2.0


class Client:
    """Raw HTTP requests to the test server (no URL normalisation, so `..` reaches it as sent)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read()
        finally:
            conn.close()

    def get(self, query: str, accept: str | None = None, **params: str):
        path = "/sparql?" + urllib.parse.urlencode({"query": query, **params})
        return self.request("GET", path, headers={"Accept": accept} if accept else {})

    def post(self, form: dict[str, str], accept: str | None = None):
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", "/sparql", urllib.parse.urlencode(form).encode(), headers)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped map built into a folder, with a page and a hidden file placed beside it."""
    out = tmp_path_factory.mktemp("out")
    ensure_built(ESSAY_MAP, out)
    (out / "stackmap.html").write_text("<!doctype html><title>map</title>", encoding="utf-8")
    (out / ".secret").write_text("hidden", encoding="utf-8")
    (out / "a<b>.txt").write_text("odd name", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[StackmapServer]:
    """The endpoint on a free port of 127.0.0.1, with a short time limit and a small result cap."""
    dataset = ensure_built(ESSAY_MAP, out_dir)
    served = make_server(out_dir, dataset, port=0, timeout=TIMEOUT, limit=LIMIT, workers=2, quiet=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.shutdown()
        served.server_close()


@pytest.fixture
def client(server: StackmapServer) -> Client:
    return Client(server.server_address[1])


def _json_rows(body: bytes) -> tuple[list[str], list[str]]:
    data = json.loads(body)
    return data["head"]["vars"], sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


# -- answers ----------------------------------------------------------------------------------


def test_binds_to_127_0_0_1_on_a_free_port(server: StackmapServer) -> None:
    host, port = server.server_address[:2]
    assert host == "127.0.0.1" and port > 0


def test_every_result_format_by_content_negotiation(client: Client) -> None:
    status, headers, body = client.get(VENDORS)
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    variables, rows = _json_rows(body)
    assert variables == ["v", "name"] and len(rows) == 29  # the vendors of the essay-era map
    assert any('"value": "https://w3id.org/stackmap/id/tsmc"' in r for r in rows)

    status, headers, body = client.get(VENDORS, "application/sparql-results+xml")
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
    xml = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
    assert [str(s["v"].value) for s in xml][:2] == [
        "https://w3id.org/stackmap/id/amazon",
        "https://w3id.org/stackmap/id/amd",
    ]

    status, headers, body = client.post({"query": VENDORS}, "text/csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(body.decode())))
    assert table[0] == ["v", "name"] and ["https://w3id.org/stackmap/id/tsmc", "TSMC"] in table

    status, headers, body = client.get(VENDORS, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    lines = body.decode().splitlines()
    assert lines[0] == "?v\t?name" and '<https://w3id.org/stackmap/id/tsmc>\t"TSMC"' in lines

    status, _, body = client.get("ASK { stack:tsmc a sm:Vendor }", "application/json")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    assert client.get(VENDORS, format="csv")[1]["Content-Type"].startswith("text/csv")
    # the most preferred type we offer wins; a browser's Accept gets the default (JSON)
    assert client.get(VENDORS, "text/csv;q=0.5, text/tab-separated-values")[1]["Content-Type"].startswith("text/tab")
    assert client.get(VENDORS, "text/html,application/xhtml+xml,*/*;q=0.8")[1]["Content-Type"].startswith(
        "application/sparql-results+json"
    )


def test_construct_and_describe_answer_turtle(client: Client) -> None:
    query = "CONSTRUCT { ?v a sm:Vendor } WHERE { ?v a sm:Vendor }"
    status, headers, body = client.request(
        "POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
    assert (
        len(triples) == 29
        and ox.Triple(
            ox.NamedNode("https://w3id.org/stackmap/id/tsmc"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/stackmap/ns/Vendor"),
        )
        in triples
    )
    status, headers, body = client.get("DESCRIBE stack:tsmc", "application/n-triples")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert b'<https://w3id.org/stackmap/id/tsmc> <http://www.w3.org/2000/01/rdf-schema#label> "TSMC" .' in body


def test_shipped_queries_answer_as_stackmap_query_does(cli, client: Client) -> None:
    for query in shipped_queries():
        status, _, body = client.get(query.text)
        local = cli("query", query.name, "--format", "json", "--data", ESSAY_MAP)
        assert status == 200 and local.code == 0, query.name
        assert _json_rows(body) == _json_rows(local.out.encode()), query.name


def test_results_past_the_cap_are_cut_and_flagged(client: Client) -> None:
    status, headers, body = client.get("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert status == 200 and headers["Stackmap-Truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == LIMIT
    assert "Stackmap-Truncated" not in client.get(VENDORS)[1]


# -- refusals ---------------------------------------------------------------------------------


def test_malformed_query_gets_400_with_the_parsers_message(client: Client) -> None:
    status, headers, body = client.get("SELECT ?x WHERE { ?x")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().startswith("malformed query: error at 1:")


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"update": "INSERT DATA { stack:a stack:b stack:c }"}, 403, "updates are refused"),
        ({"query": "INSERT DATA { stack:a stack:b stack:c }"}, 400, "updates are refused (INSERT)"),
        ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}, 400, "SERVICE is refused"),
        ({"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"}, 400, "FROM and FROM NAMED are refused"),
        ({"query": "LOAD <file:///etc/passwd>"}, 400, "updates are refused (LOAD)"),
        ({"query": VENDORS, "default-graph-uri": "file:///etc/passwd"}, 400, "default-graph-uri"),
        ({}, 400, "give exactly one query"),
    ],
)
def test_updates_service_load_and_from_are_refused(client: Client, form, status: int, message: str) -> None:
    answer = client.post(form)
    assert answer[0] == status and message in answer[2].decode()


def test_other_methods_and_bodies_are_refused(client: Client) -> None:
    update = client.request("POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert update[0] == 403
    assert client.request("PUT", "/sparql", b"x", {"Content-Type": "text/turtle"})[0] == 405
    assert client.request("DELETE", "/sparql")[0] == 405
    assert client.request("POST", "/sparql", b"query=ASK{}", {"Content-Type": "text/plain"})[0] == 415
    assert client.request("POST", "/", b"x", {"Content-Type": "text/plain"})[0] == 405


def test_a_query_past_the_limit_is_stopped_and_the_server_answers_the_next(server, client: Client) -> None:
    started = time.monotonic()
    status, headers, body = client.get(SLOW)
    assert status == 503 and b"query stopped after 2 s" in body and headers["Retry-After"] == "1"
    assert time.monotonic() - started < 20  # stopped, not run to the end (hours)
    assert client.get("ASK { stack:tsmc a sm:Vendor }")[0] == 200
    # two at once: both stopped, and the pool is back to two live workers afterwards
    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(client.get(SLOW)[0])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [503, 503]
    assert client.get(VENDORS)[0] == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        len(server.pool._workers) != 2 or not all(w.process.is_alive() for w in server.pool._workers)
    ):
        time.sleep(0.1)
    assert len(server.pool._workers) == 2 and all(w.process.is_alive() for w in server.pool._workers)


# -- the output folder ------------------------------------------------------------------------


def test_files_of_the_output_folder_are_served(client: Client, out_dir: Path) -> None:
    status, headers, body = client.request("GET", "/stackmap.html")
    assert status == 200 and body == b"<!doctype html><title>map</title>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    status, _, body = client.request("GET", "/stackmap.nq")
    assert status == 200 and body == (out_dir / "stackmap.nq").read_bytes()
    status, headers, body = client.request("GET", "/")
    page = body.decode()
    assert (
        status == 200 and '<a href="stackmap.html" title="the interactive map of the stack">stackmap.html</a>' in page
    )
    assert '<a href="report.html"' in page and "Not built yet" not in page
    report = out_dir / "report.html"
    report.rename(out_dir / "report.html.away")
    try:
        page = client.request("GET", "/")[2].decode()
        assert "Not built yet: report.html" in page and '<a href="report.html">' not in page
    finally:
        (out_dir / "report.html.away").rename(report)
    assert "a&lt;b&gt;.txt" in page and "a<b>" not in page and ".secret" not in page
    assert '<script src="yasgui/yasgui.min.js"></script>' in page and 'data-query="chokepoint-ranking"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/../stackmap.nq",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2fetc%2fpasswd",
        "/.secret",
        "/nothing.html",
        "/etc",
        "/%00",
        "/" + "x" * 5000,
        "/stackmap.nq/..",
    ],
)
def test_paths_outside_the_output_folder_are_refused(client: Client, path: str) -> None:
    status, _, body = client.request("GET", path)
    assert status == 404 and b"hidden" not in body and b"root:" not in body


# -- the command ------------------------------------------------------------------------------


def test_stackmap_serve_command(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--port", str(port), "--data", str(MINI), "--out", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/", process, seconds=60)
        status, _, body = Client(port).get("SELECT ?v WHERE { ?v a sm:Vendor }", "text/csv")
        assert status == 200 and body.decode().splitlines()[0] == "v" and len(body.decode().splitlines()) == 8
        assert (tmp_path / "stackmap.nq").is_file()  # built first: the folder was empty
    finally:
        stop(process)
    err = process.stderr.read()
    assert f"serving http://127.0.0.1:{port}/ (SPARQL at http://127.0.0.1:{port}/sparql)" in err
    assert process.returncode == 0 and "stopped" in err


def test_serve_help_and_a_port_in_use(cli, out_dir: Path) -> None:
    shown = cli("serve", "--help")
    assert shown.code == 0 and "stackmap serve --port 8080" in shown.out and "127.0.0.1" in shown.out
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = cli("serve", "--port", port, "--out", out_dir)
    assert busy.code == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.err
    assert cli("serve", "--port", "x").code == 2


def test_cors_on_request_and_a_dead_worker_is_replaced(server: StackmapServer, client: Client, out_dir: Path) -> None:
    assert "Access-Control-Allow-Origin" not in client.get(VENDORS)[1]  # off by default
    assert client.request("OPTIONS", "/sparql")[0] == 204
    served = make_server(out_dir, out_dir / "stackmap.nq", port=0, timeout=20, workers=1, quiet=True, cors=True)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    try:
        other = Client(served.server_address[1])
        status, headers, _ = other.get(VENDORS)
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        preflight = other.request("OPTIONS", "/sparql", headers={"Origin": "https://yasgui.example"})
        assert preflight[0] == 204 and "POST" in preflight[1]["Access-Control-Allow-Methods"]
        answers: list[int] = []
        slow = threading.Thread(target=lambda: answers.append(other.get(SLOW)[0]))
        slow.start()
        time.sleep(0.5)
        (worker,) = served.pool._workers
        worker.process.kill()  # dies mid-query, not by the time limit
        slow.join()
        assert answers == [500]
        assert other.get("ASK { stack:tsmc a sm:Vendor }")[0] == 200  # its successor answers
    finally:
        served.shutdown()
        served.server_close()


def test_stackmap_query_endpoint_reads_this_server(cli, client: Client) -> None:
    endpoint = f"http://127.0.0.1:{client.port}/sparql"
    for name in ("tsmc-dependents", "chokepoint-ranking"):
        local = cli("query", name, "--format", "csv", "--data", ESSAY_MAP)
        remote = cli("query", name, "--format", "csv", "--endpoint", endpoint)
        assert remote.code == 0 and remote.out == local.out, name
    graph = cli("query", "DESCRIBE stack:tsmc", "--endpoint", endpoint)
    assert (
        graph.code == 0
        and '<https://w3id.org/stackmap/id/tsmc> <http://www.w3.org/2000/01/rdf-schema#label> "TSMC" .' in graph.out
    )
    refused = cli("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--endpoint", endpoint)
    assert refused.code == 1 and "SERVICE is refused" in refused.err


def test_a_missing_or_older_output_means_build(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert is_stale(MINI, out)
    ensure_built(MINI, out)
    assert not is_stale(MINI, out)
    (out / "analysis.json").unlink()
    assert is_stale(MINI, out)
    ensure_built(MINI, out)
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    os.utime(out / "stackmap.trig", (1, 1))  # older than every data file
    assert is_stale(data, out)


# -- hostile requests -------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 answering SPARQL JSON and counting its requests."""
    import http.server

    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            requests.append(f"{self.command} {self.path}")
            body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"LEAK"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format, *args):
            pass

    served = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=served.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{served.server_address[1]}/", requests
    finally:
        served.shutdown()
        served.server_close()


def test_a_comment_ended_by_a_carriage_return_hides_no_service(client: Client, listener) -> None:
    url, requests = listener
    for query in (
        f"SELECT * WHERE {{ #x\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #x\rSERVICE <{url}> {{ ?a ?b ?c }}\n}}",
        f"SELECT * #x\rFROM <{url}> WHERE {{ ?s ?p ?o }}",
    ):
        status, _, body = client.get(query)
        assert status == 400 and b"refused" in body and b"LEAK" not in body
    assert requests == []


def test_deep_nesting_is_refused_and_the_workers_live_on(server: StackmapServer, client: Client) -> None:
    status, _, body = client.get("ASK " + "{" * 3000)
    assert status == 400 and body.startswith(b"the query nests more than 64")
    assert client.get("ASK { stack:tsmc a sm:Vendor }")[0] == 200
    assert all(w.process.is_alive() for w in server.pool._workers)


def test_a_query_past_the_memory_limit_gets_507_and_others_go_on(out_dir: Path) -> None:
    served = make_server(out_dir, out_dir / "stackmap.nq", port=0, timeout=60, workers=2, memory_mb=100, quiet=True)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    try:
        other = Client(served.server_address[1])
        started = time.monotonic()
        status, _, body = other.get("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g")
        assert status == 507 and b"needed more than 100 MB of memory" in body
        assert time.monotonic() - started < 30  # stopped by memory, not by the 60 s time limit
        status, _, body = other.get(VENDORS)
        assert status == 200 and len(_json_rows(body)[1]) == 29
    finally:
        served.shutdown()
        served.server_close()


def _raw(port: int, request: bytes, half_close: bool = False) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_malformed_bodies_get_4xx(server: StackmapServer, client: Client) -> None:
    port = client.port
    head = f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n"
    negative = _raw(port, (head + "Content-Length: -5\r\n\r\nASK {}").encode())
    assert negative.startswith(b"HTTP/1.1 400") and b"Content-Length must be a number of bytes" in negative
    short = _raw(port, (head + "Content-Length: 100\r\n\r\nASK {}").encode(), half_close=True)
    assert short.startswith(b"HTTP/1.1 400") and b"the body ended after 6 of 100 bytes" in short
    server.body_seconds = 0.5
    try:
        started = time.monotonic()
        stalled = _raw(port, (head + "Content-Length: 100\r\n\r\nASK {}").encode())
        assert stalled.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 20
    finally:
        server.body_seconds = 10
    assert client.get("ASK { stack:tsmc a sm:Vendor }")[0] == 200


def test_unknown_accept_and_format_are_refused_with_the_accepted_list(client: Client) -> None:
    status, _, body = client.get(VENDORS, "application/x-msdownload")
    assert status == 406 and b"application/sparql-results+json" in body and b"csv" in body
    status, _, body = client.get(VENDORS, format="exe")
    assert status == 400 and body.startswith(b"unknown format 'exe': use one of csv, json,")
    status, _, body = client.get(VENDORS, format="turtle")
    assert status == 406 and body.startswith(b"SELECT and ASK queries answer in csv, json, tsv, xml (or by Accept")
    status, _, body = client.get("DESCRIBE stack:tsmc", "text/csv")
    assert status == 406 and b"text/turtle" in body
    assert client.get(VENDORS, "*/*")[0] == 200 and client.get(VENDORS, "")[0] == 200


def test_the_listen_backlog_holds_many_clients_at_once(out_dir: Path) -> None:
    """64 clients connecting before the server accepts any all complete their handshake."""
    served = make_server(out_dir, out_dir / "stackmap.nq", port=0, workers=1, quiet=True)
    try:
        sockets = [socket.create_connection(served.server_address[:2], timeout=2) for _ in range(64)]
        for sock in sockets:
            sock.close()
    finally:
        served.server_close()


def test_the_host_header_is_checked(out_dir: Path, client: Client) -> None:
    port = client.port
    refused = client.request("GET", "/sparql?query=ASK%7B%7D", headers={"Host": f"evil.example:{port}"})
    assert refused[0] == 403 and b"--allow-host" in refused[2]
    assert client.request("GET", "/", headers={"Host": "evil.example"})[0] == 403
    assert client.request("GET", "/", headers={"Host": f"localhost:{port}"})[0] == 200
    assert client.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})[0] == 200
    served = make_server(out_dir, out_dir / "stackmap.nq", port=0, workers=1, quiet=True, allowed_hosts=("map.lan",))
    threading.Thread(target=served.serve_forever, daemon=True).start()
    try:
        other = Client(served.server_address[1])
        assert other.request("GET", "/", headers={"Host": "map.lan:8080"})[0] == 200
        assert other.request("GET", "/", headers={"Host": "evil.example"})[0] == 403
    finally:
        served.shutdown()
        served.server_close()


def test_a_file_replaced_while_it_is_sent_arrives_whole(out_dir: Path, client: Client) -> None:
    big = out_dir / "big.bin"
    big.write_bytes(b"a" * 8_000_000)
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    try:
        conn.request("GET", "/big.bin")
        answer = conn.getresponse()
        replacement = out_dir / "big.new"
        replacement.write_bytes(b"b" * 100)
        os.replace(replacement, big)
        body = answer.read()
    finally:
        conn.close()
        big.unlink()
    assert int(answer.getheader("Content-Length")) == len(body) == 8_000_000 and set(body) == {ord("a")}


def test_a_rebuild_into_the_served_folder_is_answered_from(tmp_path: Path, make_data) -> None:
    data = make_data()
    out = tmp_path / "out"
    dataset = ensure_built(data, out)
    served = make_server(out, dataset, port=0, workers=1, quiet=True)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    count = "SELECT (COUNT(?v) AS ?n) WHERE { ?v a sm:Vendor }"
    try:
        other = Client(served.server_address[1])
        assert json.loads(other.get(count)[2])["results"]["bindings"][0]["n"]["value"] == "7"
        (data / "vendors" / "newco.yaml").write_text(
            "id: newco\nname: NewCo\nlayer: apps\nsource: s\nsources:\n"
            "  s: {url: 'https://example.org/n', title: NewCo, date: 2024-01-02}\n",
            encoding="utf-8",
        )
        time.sleep(0.01)
        ensure_built(data, out)
        time.sleep(1.1)  # the server looks at the dataset at most once a second
        assert json.loads(other.get(count)[2])["results"]["bindings"][0]["n"]["value"] == "8"
    finally:
        served.shutdown()
        served.server_close()


def test_a_killed_servers_scratch_store_is_removed_by_the_next(out_dir: Path) -> None:
    import tempfile

    orphan = Path(tempfile.gettempdir()) / "stackmap-serve-999999999-abcd"  # no process has this id
    orphan.mkdir(exist_ok=True)
    (orphan / "000001.sst").write_bytes(b"x")
    served = make_server(out_dir, out_dir / "stackmap.nq", port=0, workers=1, quiet=True)
    try:
        assert not orphan.exists()
        assert Path(served.pool._dir).name.startswith(f"stackmap-serve-{os.getpid()}-")
    finally:
        served.server_close()
    assert not Path(served.pool._dir).exists()


# -- SPARQL Protocol: datasets, service description, JSON-LD; real clients ----------------------

TSMC_GRAPH = "https://w3id.org/stackmap/file/vendors/tsmc.yaml"
NVIDIA_GRAPH = "https://w3id.org/stackmap/file/vendors/nvidia.yaml"
SD = "http://www.w3.org/ns/sparql-service-description#"


def _dataset(out_dir: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(out_dir / "stackmap.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def _count(client: Client, query: str, **params) -> int:
    path = "/sparql?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)
    status, _, body = client.request("GET", path)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_and_named_graph_uri_choose_among_the_graphs_held(client: Client, out_dir: Path) -> None:
    store = _dataset(out_dir)
    in_tsmc = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(TSMC_GRAPH))))
    in_nvidia = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(NVIDIA_GRAPH))))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _count(client, count) == len(store)  # no dataset given: the union of every graph
    assert _count(client, count, **{"default-graph-uri": TSMC_GRAPH}) == in_tsmc
    merged = {"default-graph-uri": [TSMC_GRAPH, NVIDIA_GRAPH]}
    assert _count(client, count, **merged) == in_tsmc + in_nvidia
    # only named graphs given: the default graph is empty, GRAPH sees just those
    named = {"named-graph-uri": NVIDIA_GRAPH}
    assert _count(client, count, **named) == 0
    path = "/sparql?" + urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **named})
    assert [b["g"]["value"] for b in json.loads(client.request("GET", path)[2])["results"]["bindings"]] == [
        NVIDIA_GRAPH
    ]
    # by POST too, as a form
    status, _, body = client.post({"query": count, "default-graph-uri": TSMC_GRAPH})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(in_tsmc)


def test_graphs_the_endpoint_does_not_hold_are_refused_and_never_fetched(client: Client, listener) -> None:
    url, requests = listener
    for iri in (url, "file:///etc/passwd", f"{url}data.ttl", TSMC_GRAPH + "x"):
        for param in ("default-graph-uri", "named-graph-uri"):
            status, _, body = client.post({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", param: iri})
            assert status == 400 and b"is not a graph of this endpoint" in body and b"LEAK" not in body
    assert requests == []


def test_get_without_a_query_answers_the_service_description(client: Client, out_dir: Path) -> None:
    status, headers, body = client.request("GET", "/sparql")
    assert status == 200 and headers["Content-Type"] == "text/turtle; charset=utf-8"
    triples = {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    endpoint = ox.NamedNode(f"http://127.0.0.1:{client.port}/sparql")

    def objects(subject, name):
        return {t.object for t in triples if t.subject == subject and t.predicate == ox.NamedNode(SD + name)}

    assert objects(endpoint, "endpoint") == {endpoint}
    assert objects(endpoint, "supportedLanguage") == {ox.NamedNode(SD + "SPARQL11Query")}
    assert ox.NamedNode(SD + "UnionDefaultGraph") in objects(endpoint, "feature")
    assert ox.NamedNode("http://www.w3.org/ns/formats/JSON-LD") in objects(endpoint, "resultFormat")
    (dataset,) = objects(endpoint, "defaultDataset")
    names = {name.value for graph in objects(dataset, "namedGraph") for name in objects(graph, "name")}
    assert names == {g.value for g in _dataset(out_dir).named_graphs()} and TSMC_GRAPH in names
    assert client.request("GET", "/sparql")[2] == body  # byte-identical
    status, headers, jsonld = client.request("GET", "/sparql", headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    assert {q.triple for q in ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)} == triples
    assert client.request("GET", "/sparql", headers={"Accept": "text/csv"})[0] == 406


def test_construct_and_describe_answer_json_ld_when_asked(client: Client) -> None:
    query = "CONSTRUCT { ?v a sm:Vendor } WHERE { ?v a sm:Vendor }"
    turtle = {q.triple for q in ox.parse(client.get(query)[2], format=ox.RdfFormat.TURTLE)}
    status, headers, body = client.get(query, "application/ld+json")
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)} == turtle and len(turtle) == 29
    status, headers, body = client.get("DESCRIBE stack:tsmc", format="jsonld")
    assert status == 200 and headers["Content-Type"] == "application/ld+json"
    label = ox.Triple(
        ox.NamedNode("https://w3id.org/stackmap/id/tsmc"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("TSMC"),
    )
    assert label in {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)}


def test_rdflib_sparqlstore_bound_to_one_named_graph(client: Client, out_dir: Path) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    endpoint = f"http://127.0.0.1:{client.port}/sparql"
    expected = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in _dataset(out_dir).quads_for_pattern(None, None, None, ox.NamedNode(TSMC_GRAPH))
    }
    graph = Graph(store=SPARQLStore(endpoint), identifier=URIRef(TSMC_GRAPH))
    assert len(graph) == len(expected)
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == expected
    tsmc = URIRef("https://w3id.org/stackmap/id/tsmc")
    assert graph.value(tsmc, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) == Literal("TSMC")
    rows = list(graph.query("SELECT ?o WHERE { ?o <https://w3id.org/stackmap/ns/offeredBy> ?v }"))
    assert sorted(str(r[0]).rsplit("/", 1)[1] for r in rows) == ["tsmc-cowos", "tsmc-n5", "tsmc-n7"]
    union = Graph(store=SPARQLStore(endpoint))  # not bound: the union of every graph
    assert len(union) == len(_dataset(out_dir))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # SPARQLWrapper's own ConjunctiveGraph
def test_sparqlwrapper_reads_shipped_queries_and_graphs(cli, client: Client) -> None:
    from SPARQLWrapper import JSON, JSONLD, TURTLE, SPARQLWrapper

    endpoint = f"http://127.0.0.1:{client.port}/sparql"
    ranking = next(q for q in shipped_queries() if q.name == "chokepoint-ranking")
    wrapper = SPARQLWrapper(endpoint)
    # SPARQLWrapper 2.0 removes only every other line of a run of comment lines, then takes a word of
    # one left ("adds") for an update keyword and sends it as `update=` (refused): send it the query
    # without its comments, as the guard reads it
    wrapper.setQuery(guard(ranking.text))
    wrapper.setReturnFormat(JSON)
    answer = wrapper.query().convert()
    local = json.loads(cli("query", "chokepoint-ranking", "--format", "json", "--data", ESSAY_MAP).out)
    assert answer["head"]["vars"] == local["head"]["vars"]
    assert answer["results"]["bindings"] == local["results"]["bindings"]
    described = SPARQLWrapper(endpoint)
    described.setQuery("DESCRIBE <https://w3id.org/stackmap/id/tsmc>")
    for fmt in (TURTLE, JSONLD):
        described.setReturnFormat(fmt)
        graph = described.query().convert()  # an rdflib Graph for JSON-LD, bytes for Turtle
        text = graph if isinstance(graph, bytes) else graph.serialize(format="nt").encode()
        assert b"TSMC" in text, fmt
    scoped = SPARQLWrapper(endpoint, defaultGraph=TSMC_GRAPH)
    scoped.setQuery("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/stackmap/ns/Vendor> }")
    scoped.setReturnFormat(JSON)
    assert scoped.query().convert()["results"]["bindings"][0]["n"]["value"] == "1"
