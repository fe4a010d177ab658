"""Plain files, plain tools: the built dataset files queried with a command-line SPARQL engine, the way
the README says, give the rows `stackmap query` gives for every shipped query. The engine here is the
Oxigraph CLI (`oxigraph`, from the `oxigraph` package on PyPI): `oxigraph load` the N-Quads into a
store folder, then `oxigraph query --union-default-graph` (the shipped queries read the union of the
named graphs as their default graph, as `stackmap query` does)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from live_servers import oxigraph_binary

from graph.build import ensure_built
from graph.query.named import shipped as shipped_queries
from graph.source.paths import shipped_data_dir

QUERIES = shipped_queries()


def _rows(output: str) -> tuple[list[str], list[str]]:
    data = json.loads(output)
    if "boolean" in data:
        return [], [str(data["boolean"])]
    return data["head"]["vars"], sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`oxigraph load --location DB --file out/stackmap.nq` on the built shipped map: the store folder."""
    out = tmp_path_factory.mktemp("out")
    ensure_built(shipped_data_dir(), out)
    db = out.parent / "db"
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(db), "--file", str(out / "stackmap.nq")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return db


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_the_oxigraph_cli_gives_the_local_rows_for_every_shipped_query(cli, loaded: Path, query) -> None:
    ran = subprocess.run(
        [
            oxigraph_binary(),
            "query",
            "--location",
            str(loaded),
            "--union-default-graph",
            "--query-file",
            str(query.path),
            "--results-format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    local = cli("query", query.name, "--format", "json")
    variables, rows = _rows(ran.stdout)
    assert (variables, rows) == _rows(local.out)
    assert rows


def test_without_the_union_the_default_graph_is_empty(loaded: Path) -> None:
    """What the README warns of: the files hold named graphs only, so a tool that reads the default
    graph alone (Jena's `sparql --data out/stackmap.trig`) finds nothing."""
    ranking = next(q for q in QUERIES if q.name == "chokepoint-ranking")
    ran = subprocess.run(
        [
            oxigraph_binary(),
            "query",
            "--location",
            str(loaded),
            "--query-file",
            str(ranking.path),
            "--results-format",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0 and ran.stdout.splitlines() == ["rank,vendorId,vendorName,appsCutOff,capacityLost,reach"]
