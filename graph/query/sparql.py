"""Run user SPARQL queries on the map, guarded: read-only, local, time-limited and capped.

The guard (`sparql_guard`) refuses updates, SERVICE, LOAD and FROM before the query reaches the
engine: Oxigraph would run SERVICE calls itself (no Python audit hook can stop it) and rdflib
fetches FROM IRIs, local files included. The engine runs the text the guard returns. Queries run on
Oxigraph with the union of all graphs as the default graph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..runtime import forked
from ..source import vocab
from . import guard as sparql_guard

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
DEFAULT_MEMORY_MB = 1024  # what one query may allocate beyond the loaded map


class QueryError(Exception):
    """A query that is refused, malformed, or failed while running."""


class QueryTimeout(QueryError):
    """A query that ran past its time limit."""


class QueryMemoryExceeded(QueryError):
    """A query that needed more memory than its limit."""


def guard(text: str) -> str:
    """The text the engine may run (comments removed, codepoint escapes resolved), or QueryError
    when it is not a local read or nests too deep (see `sparql_guard`)."""
    try:
        return sparql_guard.guard(text)
    except sparql_guard.GuardError as error:
        raise QueryError(str(error)) from None


@dataclass
class QueryResult:
    """The result of a query: `kind` is 'select', 'ask' or 'graph' (CONSTRUCT and DESCRIBE)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # SELECT rows of terms (None when unbound)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    truncated: bool = False


def collect(solutions, limit: int) -> QueryResult:
    """A QueryResult from pyoxigraph solutions, a boolean or triples, at most `limit` rows or triples
    (flagged `truncated`)."""
    if isinstance(solutions, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(solutions))
    if isinstance(solutions, ox.QuerySolutions):
        result = QueryResult("select", variables=[v.value for v in solutions.variables])
        for solution in solutions:
            if len(result.rows) == limit:
                result.truncated = True
                break
            result.rows.append(tuple(solution))
        return result
    result = QueryResult("graph")
    for triple in solutions:
        if len(result.triples) == limit:
            result.truncated = True
            break
        result.triples.append(triple)
    return result


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on, named by graph IRIs (the SPARQL Protocol's default-graph-uri
    and named-graph-uri): the default graph is the merge of `default`, the named graphs are `named`.
    Without one, a query runs on the whole store, the union of its graphs as the default graph."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


def run_query(
    store: ox.Store,
    text: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
    memory_mb: int | None = DEFAULT_MEMORY_MB,
    dataset: Dataset | None = None,
) -> QueryResult:
    """Run a guarded query on store: at most `limit` rows (flagged `truncated`), QueryTimeout past
    `timeout` seconds, QueryMemoryExceeded past `memory_mb` megabytes beyond the loaded store.
    The query runs in a forked child that is killed at either limit; where no child can be forked
    (another thread is running) it runs in a thread, with the time limit only (the thread of a
    timed-out query is left to finish). With `dataset`, the query runs on those graphs of the store
    only (the caller checks that the store holds them)."""
    text = guard(text)
    if memory_mb is not None and forked.can_fork():
        try:
            return forked.run_limited(
                lambda: _evaluate(store, text, limit, dataset), timeout=timeout, memory=memory_mb << 20
            )
        except forked.Exceeded as error:
            if error.limit == "time":
                raise QueryTimeout(f"query stopped after {timeout:g} s: narrow it or raise --timeout") from None
            raise QueryMemoryExceeded(
                f"query stopped: it needed more than {memory_mb:,} MB of memory: narrow it, or raise --memory"
            ) from None
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["result"] = _evaluate(store, text, limit, dataset)
        except QueryError as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, name="stackmap-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"query stopped after {timeout:g} s: narrow it or raise --timeout")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def _evaluate(store: ox.Store, text: str, limit: int, dataset: Dataset | None = None) -> QueryResult:
    """The result of a guarded query text on store, at most `limit` rows; QueryError when it fails."""
    try:
        if dataset is None:
            solutions = store.query(text, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
        else:
            solutions = store.query(
                text,
                prefixes=vocab.PREFIXES,
                default_graph=[ox.NamedNode(g) for g in dataset.default],
                named_graphs=[ox.NamedNode(g) for g in dataset.named],
            )
        return collect(solutions, limit)
    except SyntaxError as error:
        raise QueryError(f"malformed query: {error}") from None
    except MemoryError:
        raise
    except Exception as error:  # an engine error while evaluating
        raise QueryError(f"query failed: {error}") from None
