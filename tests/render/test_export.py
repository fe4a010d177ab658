"""Export: byte-identical serialisations that parse back to the same dataset, one graph per file."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.check.shacl import to_rdflib_graph
from graph.check.validate import load_valid
from graph.render import export, trig_converter
from graph.source.ontology import ontology_quads
from graph.source.paths import shipped_data_dir

FORMATS = ["turtle", "trig", "nquads", "jsonld"]
FILE = "https://w3id.org/stackmap/file/"
ONTOLOGY_GRAPH = "https://w3id.org/stackmap/ns/"


def _triples(quads) -> set[str]:
    """The union of the quads' triples, as N-Triples strings."""
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in quads}


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_across_loads(shipped, fmt):
    """Two loads of the same data, and the quads in reverse order, give the same bytes."""
    again = load_valid(shipped_data_dir())
    first = export.serialize(shipped.store, fmt)
    assert export.serialize(again.store, fmt) == first
    assert export.serialize(list(again.store)[::-1], fmt) == first
    assert len(first) > 50_000  # the whole map, not an empty document


def test_same_bytes_across_processes(shipped):
    """`python -m graph export --format nquads` gives the same bytes under different hash seeds, and
    the same as the library in this process (`--as-of all`: every fact of every date, as `shipped`)."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-m", "graph", "export", "--format", "nquads", "--as-of", "all"],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert (completed.returncode, completed.stderr) == (0, b"")
        outputs.append(completed.stdout)
    assert outputs[0] == outputs[1] == export.serialize(shipped.store, "nquads")


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_dataset_round_trip(shipped, fmt):
    """TriG, N-Quads and JSON-LD parse back to exactly the quads of the store, graph names included."""
    data = export.serialize(shipped.store, fmt)
    parsed = list(ox.parse(data, format=export.FORMATS[fmt]))
    assert sorted(str(q) for q in parsed) == sorted(str(q) for q in shipped.store)
    assert len(parsed) == len(shipped.store)


def test_turtle_round_trip(shipped):
    """Turtle parses back to the union of the store's triples (graph names dropped), isomorphic on rdflib."""
    data = export.serialize(shipped.store, "turtle")
    parsed = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    assert {str(t) for t in parsed} == _triples(shipped.store)
    assert len(parsed) == len(_triples(shipped.store))
    assert isomorphic(Graph().parse(data=data, format="turtle"), to_rdflib_graph(list(shipped.store)))


def test_turtle_uses_the_prefixes(mini):
    """Turtle and TriG declare the stackmap prefixes and use prefixed names; N-Quads has full IRIs."""
    turtle = export.serialize(mini.store, "turtle").decode("utf-8")
    assert "@prefix stack: <https://w3id.org/stackmap/id/> ." in turtle
    assert "stack:chipco-x1" in turtle
    nquads = export.serialize(mini.store, "nquads").decode("utf-8")
    assert "@prefix" not in nquads
    assert nquads.count("\n") == len(mini.store) == len(ontology_quads()) + 218  # 218 data triples


def test_one_graph_per_file_plus_ontology(mini):
    """The export holds one named graph per data file of the mini map, plus the ontology graph, and
    no default-graph quad."""
    parsed = list(ox.parse(export.serialize(mini.store, "nquads"), format=ox.RdfFormat.N_QUADS))
    assert {str(q.graph_name) for q in parsed} == {
        f"<{FILE}market.yaml>",
        f"<{FILE}sources.yaml>",
        f"<{FILE}vendors/appco.yaml>",
        f"<{FILE}vendors/chipco.yaml>",
        f"<{FILE}vendors/cloudco.yaml>",
        f"<{FILE}vendors/fabco.yaml>",
        f"<{FILE}vendors/lithoco.ttl>",
        f"<{FILE}vendors/modelco.yaml>",
        f"<{FILE}vendors/openco.yaml>",
        f"<{ONTOLOGY_GRAPH}>",
    }
    chipco = {str(q.subject) for q in parsed if q.graph_name == ox.NamedNode(FILE + "vendors/chipco.yaml")}
    assert "<https://w3id.org/stackmap/id/chipco-x1>" in chipco
    assert "<https://w3id.org/stackmap/id/appco>" not in chipco


def test_duplicates_are_written_once(mini):
    """A quad given twice is written once."""
    quads = list(mini.store)
    assert export.serialize(quads + quads[:10], "nquads") == export.serialize(quads, "nquads")


def test_unknown_format():
    """An unknown format is a ValueError naming the choices."""
    with pytest.raises(
        ValueError, match=r"^unknown export format 'rdfxml': choose one of turtle, trig, nquads, jsonld$"
    ):
        export.serialize([], "rdfxml")


CONVERTERS = ["oxigraph", "python"]


@pytest.fixture(params=CONVERTERS)
def converter(request, monkeypatch) -> str:
    """Each TriG converter in turn: Oxigraph's own command, and the Python one that stands in for it
    where that command is missing or of another version than pyoxigraph."""
    if request.param == "python":
        monkeypatch.setattr(trig_converter, "oxigraph_command", lambda: None)
    return request.param


def test_the_converter_is_oxigraphs_own_command():
    """Installed as the project says, the TriG is made by the `oxigraph` command of pyoxigraph's version."""
    found = trig_converter.oxigraph_command()
    assert found is not None and Path(found).name == "oxigraph"
    assert metadata.version("oxigraph") == metadata.version("pyoxigraph") == ox.__version__
    assert trig_converter.command(Path("x.trig"))[:2] == [found, "convert"]


@pytest.mark.parametrize(("batch", "slice_lines"), [(None, None), (200, None), (None, 3)])
def test_nquads_and_trig_written_together_are_those_of_the_quads(
    shipped, tmp_path: Path, monkeypatch, batch, slice_lines, converter
):
    """The N-Quads and TriG written in one pass from the graphs' sorted lines (a thread writing the
    N-Quads and feeding the converter) are what serialize_many gives for the same quads, also when
    the lines go to the writing thread in many small batches, a few at a time, and when each graph
    is made into text a few lines at a time: the dataset files of `build` are written this way."""
    if batch:
        monkeypatch.setattr(export, "_BATCH_BYTES", batch)
        monkeypatch.setattr(export, "_WRITE_AHEAD", 3 * batch)
    if slice_lines:
        monkeypatch.setattr(export, "_SLICE_LINES", slice_lines)
        sizes = [len(lines) for _, lines in export.graph_lines(shipped.store)]
        assert max(sizes) > 10 * slice_lines and any(n % slice_lines == 0 for n in sizes)  # also a last full slice
    whole = export.serialize_many(shipped.store, ["trig", "nquads"])
    nquads, trig = tmp_path / "data.nq", tmp_path / "data.trig"
    export.write_nquads_and_trig(export.graph_lines(shipped.store), nquads, trig)
    assert nquads.read_bytes() == whole["nquads"]
    assert trig.read_bytes() == whole["trig"]
    openers = [line for line in whole["trig"].splitlines() if line.endswith(b" {")]  # one block per graph
    assert len(openers) == len(list(shipped.store.named_graphs())) > 20


def test_every_kind_of_term_converts_as_pyoxigraph_serialises_it(tmp_path: Path, converter):
    """Escaped, language-tagged and typed literals, blank nodes (a blank graph name too), prefixed and
    unprefixed IRIs and the default graph come out of the converter as pyoxigraph's TriG writes them,
    and parse back to the same quads."""
    sm, g = "https://w3id.org/stackmap/ns/", ox.NamedNode("https://w3id.org/stackmap/file/vendors/x.yaml")
    s, b = ox.NamedNode("https://w3id.org/stackmap/id/x"), ox.BlankNode("b0")
    literals = [
        ox.Literal('quote " backslash \\ newline \n tab \t return \r'),
        ox.Literal("emoji \U0001f600 and \u00e9"),
        ox.Literal("Bonjour", language="fr-CA"),
        ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("0.25", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("1.0E3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
        ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        ox.Literal("2024-03", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
        ox.Literal("x", datatype=ox.NamedNode("http://example.org/own#type")),
        ox.Literal("3 000", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),  # not valid
    ]
    quads = [ox.Quad(s, ox.NamedNode(f"{sm}p{i}"), o, g) for i, o in enumerate(literals)]
    quads += [
        ox.Quad(s, ox.NamedNode(f"{sm}q"), b, g),
        ox.Quad(b, ox.NamedNode("http://example.org/a%20b#c"), ox.NamedNode("http://example.org/x.y."), g),
        ox.Quad(s, ox.NamedNode(f"{sm}r"), ox.NamedNode("https://w3id.org/stackmap/id/a.b"), ox.BlankNode("g1")),
        ox.Quad(s, ox.NamedNode(f"{sm}r"), ox.Literal("in the default graph"), ox.DefaultGraph()),
    ]
    store = ox.Store()
    store.extend(quads)
    nquads, trig = tmp_path / "data.nq", tmp_path / "data.trig"
    export.write_nquads_and_trig(export.graph_lines(store), nquads, trig)
    assert trig.read_bytes() == export.serialize(store, "trig")
    assert sorted(map(str, ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))) == sorted(map(str, store))
    assert nquads.read_bytes() == export.serialize(store, "nquads")


def test_a_converter_that_fails_is_raised_with_what_it_said(tmp_path: Path, converter):
    """A line the converter cannot read stops the write with its message, naming the file."""
    lines = [(ox.NamedNode("https://w3id.org/stackmap/file/x.yaml"), [b"<https://a.example/s> <p> ."])]
    with pytest.raises(RuntimeError, match=r"^writing data\.trig failed \(exit \d+\): .+") as raised:
        export.write_nquads_and_trig(lines, tmp_path / "data.nq", tmp_path / "data.trig")
    assert "no message" not in str(raised.value)


@pytest.mark.parametrize("batch", [None, 200])
def test_a_failed_write_of_the_nquads_is_raised(mini, tmp_path: Path, monkeypatch, batch):
    """When the thread cannot write the N-Quads (here: a full device), its error is raised, also when
    it fails while the TriG is being serialised (small batches)."""
    if batch:
        monkeypatch.setattr(export, "_BATCH_BYTES", batch)
        monkeypatch.setattr(export, "_WRITE_AHEAD", 3 * batch)
    with pytest.raises(OSError) as raised:
        export.write_nquads_and_trig(export.graph_lines(mini.store), Path("/dev/full"), tmp_path / "data.trig")
    assert raised.value.errno == errno.ENOSPC


def test_an_error_while_converting_stops_the_converter(tmp_path: Path, converter):
    """An error (or Ctrl-C) in the middle of a write stops the converter at once: it is not left
    running, and the error is the one raised."""
    with pytest.raises(KeyboardInterrupt), trig_converter.converting(tmp_path / "data.trig") as running:
        running.write(b"<https://w3id.org/stackmap/file/x.yaml> {\n")
        raise KeyboardInterrupt
    assert running._process.returncode is not None


def test_a_converter_that_cannot_write_its_file_says_so(mini, tmp_path: Path, converter):
    """A TriG file the converter cannot create (here: in a folder that does not exist) stops the write
    with the converter's one-line reason."""
    with pytest.raises(RuntimeError, match=r"^writing data\.trig failed \(exit \d+\): \S") as raised:
        export.write_nquads_and_trig(
            export.graph_lines(mini.store), tmp_path / "data.nq", tmp_path / "no" / "data.trig"
        )
    assert "\n" not in str(raised.value) and "Traceback" not in str(raised.value)
