"""The ontology: it parses, every term has a label and a definition, every term the data uses is
defined, and the SHACL shapes are themselves valid SHACL."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.source import vocab
from graph.source.ontology import load_vocabulary, ontology_files, ontology_quads, shapes_file

# Standard terms the data may use besides the sm: terms.
STANDARD = {
    vocab.RDF_TYPE, vocab.RDF_SUBJECT, vocab.RDF_PREDICATE, vocab.RDF_OBJECT, vocab.LABEL, vocab.COMMENT,
    vocab.SOURCE, vocab.TITLE, vocab.DATE, vocab.PUBLISHER, vocab.TEMPORAL, vocab.URL, vocab.VALUE,
    vocab.MIN_VALUE, vocab.MAX_VALUE, vocab.UNIT_TEXT, vocab.ALT_LABEL, vocab.LICENSE,
}  # fmt: skip


def _ontology_store() -> ox.Store:
    store = ox.Store()
    store.extend(ontology_quads())
    return store


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(
        tuple(t.value for t in row)
        for row in store.query(query, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
    )


def test_ontology_files_parse() -> None:
    """Every Turtle file of ontology/ parses into a few hundred triples; the shapes parse too."""
    assert [p.name for p in ontology_files()] == [
        "analysis.ttl",
        "layers.ttl",
        "moats.ttl",
        "stackmap.ttl",
        "vocabularies.ttl",
    ]
    assert 400 < len(ontology_quads()) < 5000
    assert len(list(ox.parse(path=str(shapes_file()), format=ox.RdfFormat.TURTLE))) > 100


def test_every_term_has_a_label_and_a_definition() -> None:
    """Each class, property and concept of the ontology has an rdfs:label and a skos:definition."""
    missing = _select(
        _ontology_store(),
        """SELECT ?term WHERE {
             ?term a ?kind . FILTER (STRSTARTS(STR(?term), "https://w3id.org/stackmap/ns/"))
             FILTER (NOT EXISTS { ?term rdfs:label ?l } || NOT EXISTS { ?term skos:definition ?d })
           }""",
    )
    assert missing == []


def test_layers_follow_the_essay_and_go_below_compute_hardware() -> None:
    """The three top layers hold the essay's boxes; semiconductor manufacturing sits below compute
    hardware with foundry, memory, advanced packaging and lithography equipment."""
    layers = load_vocabulary().layers
    assert [lid for lid, layer in layers.items() if layer.broader is None] == [
        "applications",
        "models",
        "infrastructure",
    ]
    children = {lid: layer.broader for lid, layer in layers.items()}
    assert children == {
        "applications": None,
        "end-to-end-apps": "applications",
        "apps": "applications",
        "models": None,
        "closed-foundation-models": "models",
        "model-hubs": "models",
        "open-foundation-models": "models",
        "infrastructure": None,
        "cloud-platforms": "infrastructure",
        "compute-hardware": "infrastructure",
        "semiconductor-manufacturing": "infrastructure",
        "memory": "semiconductor-manufacturing",
        "advanced-packaging": "semiconductor-manufacturing",
        "foundry": "semiconductor-manufacturing",
        "lithography-equipment": "semiconductor-manufacturing",
    }
    assert layers["compute-hardware"].order < layers["foundry"].order < layers["lithography-equipment"].order


def test_dependencies_are_sub_properties_of_depends_on() -> None:
    """The eight dependency kinds are sub-properties of sm:dependsOn; the other ties are not."""
    relations = load_vocabulary().relations
    assert sorted(k for k, r in relations.items() if r.dependency) == [
        "equipment_from", "fabbed_by", "hosted_on", "memory_from", "packaged_by", "runs_on", "trained_on", "uses_model",
    ]  # fmt: skip
    assert sorted(k for k, r in relations.items() if not r.dependency) == ["invests_in", "parent", "partners_with"]


def test_moat_types_are_the_essays() -> None:
    """The essay's six standard moats and the three app moats it names."""
    assert sorted(load_vocabulary().moat_types) == [
        "algorithmic", "data-pipeline", "distribution", "ecosystem", "network-effects", "proprietary-data",
        "scale", "supply-chain", "workflow-depth",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["shipped", "mini"])
def test_every_term_used_by_the_data_is_defined(name: str, request: pytest.FixtureRequest) -> None:
    """Every predicate and class in the data is an ontology term or one of the reused standard terms."""
    loaded = request.getfixturevalue(name)
    defined = {q.subject.value for q in ontology_quads()}
    used = set()
    for quad in loaded.data_quads():
        used.add(quad.predicate.value)
        if quad.predicate.value == vocab.RDF_TYPE:
            used.add(quad.object.value)
    assert sorted(used - defined - STANDARD) == []


def test_shapes_are_valid_shacl() -> None:
    """The shapes graph conforms to the SHACL shapes for SHACL (pyshacl's meta-SHACL check)."""
    import pyshacl
    import rdflib

    shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
    conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_property_shape_says_what_to_do() -> None:
    """Each property shape and SPARQL constraint carries a message for the user."""
    store = ox.Store()
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for t in ox.parse(path=str(shapes_file()), format=ox.RdfFormat.TURTLE)
    )
    silent = _select(
        store,
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
           SELECT ?shape WHERE {
             { ?owner sh:property ?shape FILTER (NOT EXISTS { ?shape sh:message ?m }
                                               && NOT EXISTS { ?shape sh:maxCount 0 }) }
             UNION { ?owner sh:sparql ?shape FILTER NOT EXISTS { ?shape sh:message ?m } }
             FILTER NOT EXISTS { ?owner a sh:NodeShape ; sh:class ?c }
           }""",
    )
    assert silent == []
