"""Warnings about dependencies that name a vendor standing for several of its offerings.

`uses_model: openai` is valid: it stands for the vendor's fitting offerings (`source.expansion`).
When that is more than one, the user may have meant one of them, so the check warns, naming the
offerings chosen and how to pick one; `any: true` on the reference says that any of them is meant,
and silences the warning. Warnings leave the exit code at 0 unless `stackmap check --strict`.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..source import vocab
from ..source.expansion import fitting
from ..source.facts import FileFacts
from ..source.ontology import Vocabulary
from ..source.problems import Problem

_QUERY = """
SELECT ?st ?consumer ?market ?p ?vendor ?o ?layer ?omarket WHERE {
    ?st a sm:Dependency ; rdf:subject ?consumer ; rdf:predicate ?p ; rdf:object ?vendor .
    ?vendor a sm:Vendor .
    ?o sm:offeredBy ?vendor ; sm:layer ?layer .
    OPTIONAL { ?consumer sm:market ?market }
    OPTIONAL { ?o sm:market ?omarket }
    FILTER NOT EXISTS { ?st sm:anyOffering true }
}"""


def expansion_warnings(store: ox.Store, files: list[FileFacts], vocabulary: Vocabulary) -> list[Problem]:
    """A warning for every dependency that names a vendor standing for two or more offerings."""
    rows = store.query(_QUERY, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
    found: dict[tuple[str, str, str | None, str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
    layer_ids = {layer.iri: lid for lid, layer in vocabulary.layers.items()}
    for st, consumer, market, p, vendor, o, layer, omarket in rows:
        key = (st.value, consumer.value, market.value if market else None, p.value, vendor.value)
        found[key].append(
            (vocab.local_id(o.value) or o.value, layer_ids.get(layer.value, ""), omarket and omarket.value)
        )
    owner = {k[0]: f for f in files for k in f.lines if len(k) == 1}
    warnings = []
    for (st, consumer, market, p, vendor), offerings in sorted(found.items()):
        relation = vocabulary.relations[vocabulary.keys_by_iri[p]]
        chosen = fitting(sorted(offerings), set(relation.supplier_layers), market, vocab.local_id(consumer) or consumer)
        facts = owner.get(st)
        if len(chosen) < 2 or facts is None:
            continue
        name, key = vocab.local_id(vendor), relation.key
        warnings.append(
            Problem(
                facts.relpath,
                facts.line_of(st),
                f"{facts.labels.get(st, vocab.local_id(st))}: `{key}` names the vendor {name}, which stands for "
                f"{len(chosen)} of its offerings here ({', '.join(chosen)}): name the one meant "
                f"({key}: [{chosen[0]}]), or write {{id: {name}, any: true}} when any of them is",
                warning=True,
            )
        )
    return warnings
