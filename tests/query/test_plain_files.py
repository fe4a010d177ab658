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

from conftest import TESTS
from graph.pipeline import ensure_built
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


# -- Apache Jena (Debian's libapache-jena-java 4.5; .ci/run installs it) -----------------------

JENA_JARS = Path("/usr/share/java")
JENA_CLASSPATH = [
    "jena-arq",
    "jena-base",
    "jena-cmds",
    "jena-core",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-iri",
    "jena-rdfconnection",
    "jena-shacl",
    "jena-shex",
    "jena-tdb",
    "jena-tdb2",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "titanium-json-ld",
]


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The Java class path of Debian's Apache Jena. Debian's jena-core holds Xerces relocated to the
    package `xerces` without the message files it reads when it starts (they are there under the
    package org.apache.jena.ext.xerces): a folder with copies of them goes first on the path."""
    import shutil
    import zipfile

    if not (JENA_JARS / "jena-tdb2.jar").is_file() or shutil.which("java") is None:
        pytest.fail("Apache Jena is not installed: apt-get install libapache-jena-java (.ci/run does)")
    fix = tmp_path_factory.mktemp("jena-messages")
    with zipfile.ZipFile(JENA_JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = fix / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([str(fix), *(str(JENA_JARS / f"{name}.jar") for name in JENA_CLASSPATH)])


@pytest.fixture(scope="module")
def tdb2(jena: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`tdb2.tdbloader --loc DB out/stackmap.nq` on the built shipped map: the store folder."""
    out = tmp_path_factory.mktemp("out-jena")
    ensure_built(shipped_data_dir(), out)
    db = out.parent / "tdb2"
    loaded = subprocess.run(
        ["java", "-cp", jena, "tdb2.tdbloader", "--loc", str(db), str(out / "stackmap.nq")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    return db


def test_jena_tdbquery_as_the_readme_says(cli, jena: str, tdb2: Path) -> None:
    ranking = next(q for q in QUERIES if q.name == "chokepoint-ranking")
    ran = subprocess.run(
        [
            *("java", "-cp", jena, "tdb2.tdbquery", "--loc", str(tdb2), "--set", "tdb:unionDefaultGraph=true"),
            *("--query", str(ranking.path), "--results", "json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert _rows(ran.stdout) == _rows(cli("query", "chokepoint-ranking", "--format", "json").out)


def test_jena_arq_gives_the_local_rows_for_every_shipped_query(cli, jena: str, tdb2: Path) -> None:
    program = TESTS / "jena" / "RunQueries.java"
    ran = subprocess.run(
        ["java", "-cp", jena, str(program), str(tdb2), *(str(q.path) for q in QUERIES)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    answers = {Path(lines[i][3:]).stem: lines[i + 1] for i in range(0, len(lines), 2)}
    assert sorted(answers) == sorted(q.name for q in QUERIES)
    for query in QUERIES:
        local = _rows(cli("query", query.name, "--format", "json").out)
        assert _rows(answers[query.name]) == local, query.name
