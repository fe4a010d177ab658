"""Find ids without reading files: the vendors, offerings, sources, figures, layers and markets whose
id, name, title or alias matches a text, with the file and line that declare them.

Matching ignores case and punctuation ("H100" finds nvidia-h100); an exact match comes first, then
matches at the start, then anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..source import vocab
from ..source.loader import LoadedMap
from ..source.ontology import load_vocabulary

LIMIT = 50


@dataclass(frozen=True)
class Found:
    """A match: the id, its kind, its name, and where it is declared (file, line; empty for the
    ontology's layers and for markets, which no file declares)."""

    id: str
    kind: str
    name: str
    file: str
    line: int


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names(store: ox.Store) -> dict[str, list[str]]:
    """The names, titles and aliases of every entity of the data, by id."""
    rows = store.query(
        "SELECT ?s ?n WHERE { ?s rdfs:label|dcterms:title|skos:altLabel ?n }",
        prefixes=vocab.PREFIXES,
        use_default_graph_as_union=True,
    )
    names: dict[str, list[str]] = {}
    for s, n in rows:
        if identifier := vocab.local_id(s.value):
            names.setdefault(identifier, []).append(n.value)
    return {i: sorted(set(v)) for i, v in names.items()}


def candidates(loaded: LoadedMap) -> list[Found]:
    """Everything `find` can find in a loaded map, with its names."""
    names = _names(loaded.store)
    found = [
        Found(identifier, kind, (names.get(identifier) or [""])[0], facts.relpath, line)
        for facts in loaded.files
        for identifier, (kind, line) in facts.declared.items()
    ]
    layers = load_vocabulary().layers
    found += [Found(lid, "layer", layer.label, "", 0) for lid, layer in layers.items()]
    markets = loaded.store.query(
        "SELECT DISTINCT ?m WHERE { ?x sm:market ?m }", prefixes=vocab.PREFIXES, use_default_graph_as_union=True
    )
    found += [Found(row[0].value, "market", "", "", 0) for row in markets]
    return found


def find(loaded: LoadedMap, text: str, limit: int = LIMIT) -> list[Found]:
    """The ids matching text (see the module): at most `limit`, best first, then by id."""
    wanted = _key(text)
    if not wanted:
        return []
    names = _names(loaded.store)
    scored = []
    for item in candidates(loaded):
        keys = [_key(item.id), *(_key(n) for n in names.get(item.id, [item.name]))]
        if any(k == wanted for k in keys):
            score = 0
        elif any(k.startswith(wanted) for k in keys):
            score = 1
        elif any(wanted in k for k in keys):
            score = 2
        else:
            continue
        scored.append((score, len(item.id), item.id, item))
    return [item for *_, item in sorted(scored, key=lambda s: s[:3])[:limit]]
