"""Real stores: an Oxigraph server and Virtuoso (Debian's virtuoso-opensource 7.2), each started on
free ports of 127.0.0.1 by the test and stopped after it. The map is pushed as the README says, and
every shipped query must give the rows `stackmap query` gives locally on each of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_servers import Virtuoso, oxigraph, virtuoso, virtuoso_crashed

from conftest import MINI
from graph.cli import main
from graph.pipeline import DATASET_FILES, ensure_built
from graph.query.named import shipped as shipped_queries
from graph.serve import http_client
from graph.serve.push import MANIFEST_GRAPH
from graph.serve.remote import run_remote
from graph.source.paths import shipped_data_dir

QUERIES = shipped_queries()
OURS = 'FILTER (STRSTARTS(STR(?g), "https://w3id.org/stackmap/"))'  # Virtuoso also holds graphs of its own
COUNT_OURS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OURS} }}"
GRAPHS_OURS = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {OURS} }} ORDER BY ?g"
FILE = "https://w3id.org/stackmap/file/"
EXTRA = "id: extraco\nname: ExtraCo\ncountry: US\nsource: test-source\nlayer: apps\n"
FOREIGN = "https://w3id.org/stackmap/not-ours"  # a graph stackmap never listed: left alone


def _rows(output: str) -> tuple[list[str], list[str]]:
    """The variables and the sorted rows of a SPARQL results JSON output, literal datatypes as written."""
    data = json.loads(output)
    if "boolean" in data:
        return [], [str(data["boolean"])]
    return data["head"]["vars"], sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


def _push(endpoint: str, out: Path, env: dict[str, str] | None = None, data: Path | None = None):
    """`stackmap push` in a fresh process, with the environment given (credentials as the README sets them)."""
    args = [sys.executable, "-m", "graph", "push", "--endpoint", endpoint, "--out", str(out)]
    if data is not None:
        args += ["--data", str(data)]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STACKMAP_ENDPOINT_")}
    return subprocess.run(args, env={**clean, **(env or {})}, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped map built once for the module's pushes."""
    out = tmp_path_factory.mktemp("built")
    ensure_built(shipped_data_dir(), out)
    return out


@pytest.fixture(scope="module")
def local_answers() -> dict[str, str]:
    """`stackmap query NAME --format json` on the shipped data, by query name."""
    import contextlib
    import io

    answers = {}
    for query in QUERIES:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["query", query.name, "--format", "json"]) == 0, query.name
        answers[query.name] = buffer.getvalue()
    return answers


VIRTUOSO_STARTS = 3  # Virtuoso servers asked at most, per query (see Engines)


class Engines:
    """An Oxigraph server and a Virtuoso, each holding the shipped map pushed by `stackmap push`, and
    the query URL of each by engine name (`urls`).

    Virtuoso plans a query from random samples of its indexes, taken once per server: on about one
    start in twelve (measured over 49 starts) it plans `chokepoint-candidates` to read every layer
    statement first and run the rest once per statement, which runs for over a minute where the other
    plans take 0.5 s, and asking again on that server gets the same plan. `ask` then starts a new Virtuoso,
    pushes the map again and asks once more, up to VIRTUOSO_STARTS servers in all: a query too slow on
    every plan still fails, and wrong rows fail at once."""

    def __init__(self, built: Path, folders: pytest.TempPathFactory, oxigraph_query: str) -> None:
        self.built, self.folders = built, folders
        self.urls = {"oxigraph": oxigraph_query}
        self._virtuoso = ExitStack()  # the running Virtuoso, stopped when closed
        self.start_virtuoso()

    def start_virtuoso(self) -> None:
        """Stop the running Virtuoso, if any; start a new one and push the shipped map into it. A
        Virtuoso that aborts itself during the push after its first requests (`virtuoso_crashed`) is
        replaced too, up to VIRTUOSO_STARTS servers; a push that fails while Virtuoso runs fails at once."""
        for start in range(1, VIRTUOSO_STARTS + 1):
            self.stop_virtuoso()
            server = self._virtuoso.enter_context(virtuoso(self.folders.mktemp("virtuoso")))
            try:
                credentials = {http_client.USER_VAR: server.user, http_client.PASSWORD_VAR: server.password}
                pushed = _push(server.store, self.built, credentials)
                if pushed.returncode != 0 and virtuoso_crashed(server) and start < VIRTUOSO_STARTS:
                    continue
                assert pushed.returncode == 0, pushed.stderr
            except BaseException:
                self.stop_virtuoso()
                raise
            self.urls["virtuoso"] = server.query
            return

    def stop_virtuoso(self) -> None:
        self._virtuoso.close()

    def ask(self, cli, engine: str, *args: str):
        """`stackmap ARGS --endpoint URL` on one engine, on a new Virtuoso when it did not answer in time."""
        answer = cli(*args, "--endpoint", self.urls[engine])
        for _ in range(VIRTUOSO_STARTS - 1):
            if engine != "virtuoso" or "did not answer within" not in answer.err:
                break
            self.start_virtuoso()
            answer = cli(*args, "--endpoint", self.urls[engine])
        return answer


@pytest.fixture(scope="module")
def engines(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engines]:
    """Both stores with the shipped map, stopped after the module's tests."""
    with oxigraph() as ox_server:
        assert _push(ox_server.store, built).returncode == 0
        stores = Engines(built, tmp_path_factory, ox_server.query)
        try:
            yield stores
        finally:
            stores.stop_virtuoso()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_every_shipped_query_gives_the_local_rows_on_every_store(
    cli, engines: Engines, local_answers: dict[str, str], engine: str, query
) -> None:
    remote = engines.ask(cli, engine, "query", query.name, "--format", "json")
    assert remote.code == 0, remote.err
    variables, rows = _rows(remote.out)
    assert (variables, rows) == _rows(local_answers[query.name])
    assert rows, f"{query.name} gives no rows: the comparison would prove nothing"


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("app-supply-chain", "app=chatgpt"),
        ("app-supply-chain", "app=lensa"),
        ("chokepoint-candidates", "supplier=microsoft"),  # a subsidiary's offerings are not counted
        ("chokepoint-candidates", "supplier=openai"),
        ("which-file-said", "vendor=openai"),
        ("vendor-sources", "vendor=tsmc"),
    ],
)
def test_queries_with_parameters_give_the_local_rows(
    cli, engines: Engines, engine: str, query: str, param: str
) -> None:
    local = cli("query", query, "--param", param, "--format", "csv")
    remote = engines.ask(cli, engine, "query", query, "--param", param, "--format", "csv")
    assert remote.code == local.code == 0, remote.err
    assert sorted(remote.out.splitlines()[1:]) == sorted(local.out.splitlines()[1:])
    assert len(local.out.splitlines()) > 1


def test_booleans_read_the_same_from_every_store(cli, engines: Engines) -> None:
    """Virtuoso writes xsd:boolean as 1 and 0; the client reads them as true and false."""
    for engine in engines.urls:
        answer = engines.ask(cli, engine, "query", "open-vs-closed-models", "--format", "csv")
        lines = answer.out.splitlines()
        assert lines[0] == "weights,modelId,modelName,vendorName,layerName,openWeights,agrees"
        assert "open,stable-diffusion,Stable Diffusion,Stability AI,Open-source foundation models,true,true" in lines
        assert all(line.endswith((",true", ",false")) for line in lines[1:])


# -- Virtuoso: the README's push, twice, and a deleted file -------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A Virtuoso of its own for the push tests (they replace what it holds)."""
    with virtuoso(tmp_path_factory.mktemp("virtuoso-push")) as server:
        yield server


def _count(server: Virtuoso, text: str = COUNT_OURS) -> int:
    return int(run_remote(server.query, text).rows[0][0].value)


def _graphs(server: Virtuoso) -> list[str]:
    return [row[0].value for row in run_remote(server.query, GRAPHS_OURS).rows]


def test_virtuoso_push_as_the_readme_says_twice_gives_the_same_quads(store: Virtuoso, built: Path) -> None:
    # STACKMAP_ENDPOINT_USER=dba STACKMAP_ENDPOINT_PASSWORD=dba stackmap push --endpoint http://HOST:8890/sparql-graph-crud-auth
    credentials = {"STACKMAP_ENDPOINT_USER": "dba", "STACKMAP_ENDPOINT_PASSWORD": "dba"}
    first = _push(store.store, built, credentials)
    assert first.returncode == 0, first.stderr
    dataset = ox.Store()
    dataset.bulk_load(path=str(built / DATASET_FILES["nquads"]), format=ox.RdfFormat.N_QUADS)
    graphs = {q.graph_name.value for q in dataset}
    assert first.stdout == f"pushed {len(dataset):,} triples in {len(graphs)} graphs to {store.store}\n"
    quads = _count(store)
    assert quads == len(dataset) + len(graphs)  # the data, plus one manifest triple per graph
    second = _push(store.store, built, credentials)
    assert second.returncode == 0, second.stderr
    assert _count(store) == quads
    assert set(_graphs(store)) == {*graphs, MANIFEST_GRAPH}


def test_virtuoso_push_removes_a_deleted_files_graph_and_leaves_others(store: Virtuoso, make_data, tmp_path) -> None:
    credentials = {"STACKMAP_ENDPOINT_USER": "dba", "STACKMAP_ENDPOINT_PASSWORD": "dba"}
    foreign = b"<https://example.org/a> <https://example.org/b> 'kept' .\n"
    http_client.request(
        "PUT",
        f"{store.store}?graph={FOREIGN}",
        body=foreign,
        headers={"Content-Type": "text/turtle"},
        env={http_client.USER_VAR: "dba", http_client.PASSWORD_VAR: "dba"},
    )
    data = make_data({"vendors/extraco.yaml": EXTRA})
    out = tmp_path / "out"
    assert _push(store.store, out, credentials, data).returncode == 0
    assert f"{FILE}vendors/extraco.yaml" in _graphs(store)
    (data / "vendors" / "extraco.yaml").unlink()
    second = _push(store.store, out, credentials, data)
    assert second.returncode == 0, second.stderr
    assert f"deleted <{FILE}vendors/extraco.yaml>" in second.stdout
    graphs = _graphs(store)
    assert f"{FILE}vendors/extraco.yaml" not in graphs
    assert FOREIGN in graphs and f"{FILE}vendors/appco.yaml" in graphs
    assert not run_remote(store.query, "ASK { <https://w3id.org/stackmap/id/extraco> ?p ?o }").boolean
    dataset = ox.Store()
    dataset.bulk_load(path=str(out / DATASET_FILES["nquads"]), format=ox.RdfFormat.N_QUADS)
    names = {q.graph_name.value for q in dataset}
    assert _count(store) == len(dataset) + len(names) + 1  # the data, the manifest, the foreign triple


def test_virtuoso_refuses_wrong_credentials_clearly(store: Virtuoso, tmp_path: Path) -> None:
    wrong = _push(store.store, tmp_path, {"STACKMAP_ENDPOINT_USER": "dba", "STACKMAP_ENDPOINT_PASSWORD": "wrong"}, MINI)
    assert wrong.returncode == 1
    assert "refused the request (HTTP 401): set STACKMAP_ENDPOINT_USER and STACKMAP_ENDPOINT_PASSWORD" in wrong.stderr
    nobody = _push(store.store, tmp_path, {}, MINI)
    assert nobody.returncode == 1 and "HTTP 401" in nobody.stderr
