"""rdflib's SPARQL processor with every query text parsed and translated once, for pyshacl.

pyshacl asks rdflib the same SPARQL constraint texts again for each shape and focus node (176 queries
of about 25 texts to validate a small map), and rdflib parses each text anew with pyparsing: 6.0 of
the 7.3 s of a validation of the mini map went there. A prepared query (`prepareQuery`) is rdflib's
own way to run one query many times with different bindings; `queries_prepared_once` makes rdflib's
default processor keep them, so the reference engine gives the same results, sooner.

Imported by the reference engine only (it imports rdflib).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from rdflib import plugin, query
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery
from rdflib.plugins.sparql.sparql import Query

_RDFLIB_PROCESSOR = ("rdflib.plugins.sparql.processor", "SPARQLProcessor")


@lru_cache(maxsize=1024)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces), base=base)


class PreparedOnceProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, preparing each (text, base, namespaces) once per process."""

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,  # rdflib's parameter names
        initBindings: Mapping[str, Any] | None = None,
        initNs: Mapping[str, Any] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, Any]:
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, tuple(sorted((initNs or {}).items())))
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@contextmanager
def queries_prepared_once() -> Iterator[None]:
    """Within the block, `Graph.query` (rdflib's default "sparql" processor) prepares each query text
    once; rdflib's own processor is registered again afterwards."""
    plugin.register("sparql", query.Processor, __name__, PreparedOnceProcessor.__name__)
    try:
        yield
    finally:
        plugin.register("sparql", query.Processor, *_RDFLIB_PROCESSOR)
