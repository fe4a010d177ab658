"""The prose the page shows beside the facts and the analyses do not read: descriptions and homepages
of vendors and offerings, and the notes of dependencies, read from the loaded dataset."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...source.ontology import load_vocabulary

WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
"""The only links the page makes: http and https."""


@dataclass(frozen=True)
class Texts:
    """The prose of the data the analyses do not read: descriptions and homepages of vendors and
    offerings (by id), and the notes of dependencies (by subject id, YAML key, object id)."""

    descriptions: dict[str, str]
    homepages: dict[str, str]
    notes: dict[tuple[str, str, str], str]


NO_TEXTS = Texts({}, {}, {})


def read_texts(store) -> Texts:
    """Descriptions, homepages (http and https only) and dependency notes from a loaded dataset (a
    pyoxigraph Store), each sorted by key."""
    from ...source import vocab

    def rows(query: str) -> list[tuple]:
        result = store.query(query, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
        return [tuple(t.value for t in row) for row in result]

    entity = "{ ?e a sm:Vendor } UNION { ?e a sm:Offering }"
    descriptions = {vocab.local_id(e): c for e, c in rows(f"SELECT ?e ?c WHERE {{ {entity} ?e rdfs:comment ?c }}")}
    homepages = {
        vocab.local_id(e): u for e, u in rows(f"SELECT ?e ?u WHERE {{ {entity} ?e schema:url ?u }}") if WEB_URL.match(u)
    }
    keys = load_vocabulary().keys_by_iri
    notes = {
        (vocab.local_id(s_), keys[p], vocab.local_id(o)): n
        for s_, p, o, n in rows(
            """SELECT ?s ?p ?o ?n WHERE { ?st a sm:Dependency ; rdf:subject ?s ; rdf:predicate ?p ;
                   rdf:object ?o ; rdfs:comment ?n }"""
        )
        if p in keys
    }
    return Texts(dict(sorted(descriptions.items())), dict(sorted(homepages.items())), dict(sorted(notes.items())))
