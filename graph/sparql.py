"""Run user SPARQL queries on the map, guarded: read-only, local, time-limited and capped.

The guard refuses updates, SERVICE, LOAD and FROM before the query reaches the engine: Oxigraph
would run SERVICE calls itself (no Python audit hook can stop it) and rdflib fetches FROM IRIs,
local files included. Queries run on Oxigraph with the union of all graphs as the default graph.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import vocab

DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000


class QueryError(Exception):
    """A query that is refused, malformed, or failed while running."""


class QueryTimeout(QueryError):
    """A query that ran past its time limit."""


# A character of a prefixed name's local part, escapes included (SPARQL's PN_LOCAL).
_PN = r"(?:[\w:\u00b7-]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
# Strings, IRIs, comments, variables and prefixed names: their contents are not keywords.
_INERT = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*"
    r"|[?$]\w+"
    rf"|(?:[A-Za-z][\w.-]*)?:(?:{_PN}(?:(?:{_PN}|\.)*{_PN})?)?",
    re.DOTALL,
)
_WORD = re.compile(r"(?<![\w-])([A-Za-z]+)(?![\w-])")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "LOAD"}


def guard(text: str) -> str:
    """The query text with codepoint escapes resolved, or QueryError when it is not a local read."""
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    words = {w.upper() for w in _WORD.findall(_INERT.sub(" ", text))}
    if words & _UPDATE_WORDS:
        found = ", ".join(sorted(words & _UPDATE_WORDS))
        raise QueryError(
            f"updates are refused ({found}): stackmap queries are read-only; change the data files instead"
        )
    if "SERVICE" in words:
        raise QueryError("SERVICE is refused: queries run on the local map only and never reach the network")
    if "FROM" in words:
        raise QueryError(
            "FROM and FROM NAMED are refused: queries run on the loaded map only; "
            "use GRAPH <https://w3id.org/stackmap/file/PATH> { } to ask one data file"
        )
    return text


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


def run_query(
    store: ox.Store, text: str, *, timeout: float = DEFAULT_TIMEOUT, limit: int = DEFAULT_LIMIT
) -> QueryResult:
    """Run a guarded query on store: at most `limit` rows (flagged `truncated`), QueryTimeout past
    `timeout` seconds. The worker of a timed-out query is left to finish in a daemon thread."""
    text = guard(text)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            solutions = store.query(text, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
            outcome["result"] = collect(solutions, limit)
        except SyntaxError as error:
            outcome["error"] = QueryError(f"malformed query: {error}")
        except Exception as error:  # an engine error while evaluating
            outcome["error"] = QueryError(f"query failed: {error}")

    worker = threading.Thread(target=work, name="stackmap-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"query stopped after {timeout:g} s: narrow it or raise --timeout")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
