"""Write query results as a terminal table, CSV, TSV or SPARQL 1.1 Query Results JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..runtime.terminal import text_table
from ..source import vocab

if TYPE_CHECKING:
    from .sparql import QueryResult

FORMATS = ("table", "csv", "tsv", "json")


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """A term for people: a prefixed name for known IRIs, the lexical value of a literal."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return vocab.prefixed(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _json_term(term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != vocab.XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (ASK and SELECT); N-Triples lines for graph results."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
    if result.kind == "graph":
        return to_ntriples(result)
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return (
        json.dumps(
            {"head": {"vars": result.variables}, "results": {"bindings": bindings}}, indent=2, ensure_ascii=False
        )
        + "\n"
    )


def to_ntriples(result: QueryResult) -> str:
    """The triples of a CONSTRUCT or DESCRIBE result, one N-Triples line each, sorted."""
    return "".join(sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in result.triples))


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: a header of variable names, IRIs in full, literals as their values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    elif result.kind == "graph":
        return to_ntriples(result)
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if t is None else t.value for t in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: a header of ?variables, terms in N-Triples syntax."""
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        return to_ntriples(result)
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else str(t) for t in row))
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult) -> str:
    """An aligned text table for the terminal, with a row count."""
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    if result.kind == "graph":
        return to_ntriples(result)
    rows = [[short(t) for t in row] for row in result.rows]
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})"
    return text_table(result.variables, rows) + count + "\n"


def render(result: QueryResult, fmt: str) -> str:
    """The result in one of FORMATS."""
    return {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}[fmt](result)
