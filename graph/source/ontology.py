"""The ontology: its Turtle files, and the vocabulary the loader needs from them.

The loader is generic: the YAML keys of relations (`sm:yamlKey`) and the ids of layers, moat types,
metrics and share levels (`skos:notation`) are read from the ontology, so they are defined once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import paths, vocab

ONTOLOGY_GRAPH = vocab.SM  # the named graph that holds the ontology in a built dataset
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class Layer:
    """A layer of the stack: its id, IRI, label, position from the top and parent layer id."""

    id: str
    iri: str
    label: str
    order: int
    broader: str | None
    leaf: bool


@dataclass(frozen=True)
class Relation:
    """A tie property with its YAML key; `dependency` when it is a sub-property of sm:dependsOn, and
    then the ids of the layers its suppliers sit in (`sm:supplierLayer`)."""

    key: str
    iri: str
    label: str
    dependency: bool
    supplier_layers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """Everything the loader and the analyses need to know about the ontology's terms."""

    layers: dict[str, Layer]
    moat_types: dict[str, str]  # id -> IRI
    metrics: dict[str, str]
    share_levels: dict[str, str]
    relations: dict[str, Relation]  # YAML key -> relation, dependencies and ties
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> label of every term

    @cached_property
    def keys_by_iri(self) -> dict[str, str]:
        """The YAML key of each relation, by property IRI."""
        return {r.iri: r.key for r in self.relations.values()}

    @cached_property
    def dependencies(self) -> dict[str, Relation]:
        """The dependency relations, by YAML key."""
        return {k: r for k, r in self.relations.items() if r.dependency}

    @cached_property
    def ties(self) -> dict[str, Relation]:
        """The non-dependency ties (parent, invests in, partners with), by YAML key."""
        return {k: r for k, r in self.relations.items() if not r.dependency}

    @cached_property
    def layer_iris(self) -> dict[str, str]:
        """The IRI of each layer, by id."""
        return {lid: layer.iri for lid, layer in self.layers.items()}


def ontology_files(directory: Path | None = None) -> list[Path]:
    """The ontology's Turtle files (shapes excluded), sorted by name."""
    directory = directory or paths.ontology_dir()
    return sorted(p for p in directory.glob("*.ttl") if p.name != SHAPES_FILE)


def shapes_file(directory: Path | None = None) -> Path:
    """The SHACL shapes file."""
    return (directory or paths.ontology_dir()) / SHAPES_FILE


@lru_cache(maxsize=4)
def figure_units(directory: Path | None = None) -> tuple[str, ...]:
    """The units a figure may have, in order: the `sh:in` list of `schema:unitText` in the shapes,
    where they are defined once."""
    objects: dict[tuple[ox.NamedNode | ox.BlankNode, str], ox.Term] = {}
    for triple in ox.parse(path=str(shapes_file(directory)), format=ox.RdfFormat.TURTLE):
        objects[triple.subject, triple.predicate.value] = triple.object
    shape = next(s for (s, p), o in objects.items() if p == vocab.SH + "path" and o == ox.NamedNode(vocab.UNIT_TEXT))
    units, item = [], objects[shape, vocab.SH + "in"]
    while item != ox.NamedNode(vocab.RDF + "nil"):
        units.append(objects[item, vocab.RDF + "first"].value)
        item = objects[item, vocab.RDF + "rest"]
    return tuple(units)


@lru_cache(maxsize=4)
def ontology_quads(directory: Path | None = None) -> tuple[ox.Quad, ...]:
    """The ontology's triples as quads in the ontology graph."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    quads: list[ox.Quad] = []
    for path in ontology_files(directory):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    return tuple(quads)


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(query, prefixes=vocab.PREFIXES)
    names = [v.value for v in solutions.variables]
    return [{n: (t.value if t is not None else None) for n, t in zip(names, s, strict=True)} for s in solutions]


@lru_cache(maxsize=4)
def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read layers, moat types, metrics, share levels and relations from the ontology files."""
    store = ox.Store()
    store.extend(ontology_quads(directory))
    q = "SELECT * WHERE { GRAPH ?g { %s } }"
    layers: dict[str, Layer] = {}
    rows = _rows(
        store,
        q
        % """?iri a sm:Layer ; skos:notation ?id ; rdfs:label ?label ; sm:stackOrder ?order .
             OPTIONAL { ?iri skos:broader/skos:notation ?broader }
             BIND (NOT EXISTS { ?narrower skos:broader ?iri } AS ?leaf)""",
    )
    for r in sorted(rows, key=lambda r: int(r["order"])):
        layers[r["id"]] = Layer(r["id"], r["iri"], r["label"], int(r["order"]), r["broader"], r["leaf"] == "true")

    def scheme(cls: str) -> dict[str, str]:
        return {r["id"]: r["iri"] for r in _rows(store, q % f"?iri a {cls} ; skos:notation ?id .")}

    relations: dict[str, Relation] = {}
    for r in _rows(
        store,
        q
        % """?iri sm:yamlKey ?key ; rdfs:label ?label ; a owl:ObjectProperty .
             FILTER (?iri NOT IN (sm:layer, sm:moatType, sm:metric, sm:about))
             BIND (EXISTS { ?iri rdfs:subPropertyOf sm:dependsOn } AS ?dependency)""",
    ):
        fits = _rows(store, q % f"<{r['iri']}> sm:supplierLayer/skos:notation ?id .")
        supplier_layers = tuple(sorted((f["id"] for f in fits), key=lambda i: layers[i].order))
        relations[r["key"]] = Relation(r["key"], r["iri"], r["label"], r["dependency"] == "true", supplier_layers)
    labels = {r["iri"]: r["label"] for r in _rows(store, q % "?iri rdfs:label ?label .")}
    return Vocabulary(
        layers=layers,
        moat_types=dict(sorted(scheme("sm:MoatType").items())),
        metrics=dict(sorted(scheme("sm:Metric").items())),
        share_levels=dict(sorted(scheme("sm:ShareLevel").items())),
        relations=dict(sorted(relations.items())),
        labels=labels,
    )
