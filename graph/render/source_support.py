"""Source support: for every source of the map, how many facts of each kind cite it.

A fact is anything the data states with a `dcterms:source`: a vendor, an offering, a dependency, a tie,
a market figure or a moat claim. A fact citing two sources counts once for each of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ..source import vocab

KINDS: dict[str, str] = {
    vocab.VENDOR: "vendors",
    vocab.OFFERING: "offerings",
    vocab.DEPENDENCY: "dependencies",
    vocab.TIE: "ties",
    vocab.FIGURE: "figures",
    vocab.MOAT_CLAIM: "moats",
}
"""Class IRI -> the kind of fact, in the order the report shows them."""


@dataclass(frozen=True)
class SourceSupport:
    """One source and the number of facts of each kind (the keys of KINDS' values) that cite it."""

    id: str
    title: str
    publisher: str | None
    date: str
    url: str
    facts: dict[str, int]

    @property
    def total(self) -> int:
        """All facts that cite the source."""
        return sum(self.facts.values())


def source_support(store: ox.Store) -> list[SourceSupport]:
    """Every source of the loaded map with its fact counts, most facts first (ties by id); a source
    that no fact cites appears with zero counts."""
    sources = store.query(
        """SELECT ?s ?title ?url ?date ?publisher WHERE {
               ?s a sm:Source ; dcterms:title ?title ; schema:url ?url ; dcterms:date ?date .
               OPTIONAL { ?s dcterms:publisher ?publisher } }""",
        prefixes=vocab.PREFIXES,
        use_default_graph_as_union=True,
    )
    info = {
        vocab.local_id(s.value): (title.value, url.value, date.value, publisher.value if publisher else None)
        for s, title, url, date, publisher in sources
    }
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS.values(), 0))
    rows = store.query(
        "SELECT ?s ?class (COUNT(DISTINCT ?fact) AS ?n) WHERE { ?fact dcterms:source ?s ; a ?class } "
        "GROUP BY ?s ?class",
        prefixes=vocab.PREFIXES,
        use_default_graph_as_union=True,
    )
    for s, cls, n in rows:
        kind = KINDS.get(cls.value)
        if kind is not None:
            counts[vocab.local_id(s.value)][kind] += int(n.value)
    result = [
        SourceSupport(sid, title, publisher, date, url, dict(counts[sid]))
        for sid, (title, url, date, publisher) in info.items()
    ]
    return sorted(result, key=lambda x: (-x.total, x.id))
