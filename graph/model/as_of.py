"""The map as it stood on a date: the facts true on that date, and nothing else.

A fact holds from its start to its end (`schema:startDate`, `schema:endDate`: an offering's release
and retirement, a vendor's, dependency's, tie's or moat claim's `since` and `until`); a start counts
from its first day (2024 is 2024-01-01) and an end to its last (2024-02 is 2024-02-29). A fact
without a bound holds for ever on that side. A figure counts from its `as_of` on (the last day of
the period it measures). On a date, the map drops:

- every dated thing (offering, vendor, statement, moat claim, figure) not in force then;
- every dependency and tie that names a dropped offering or vendor (its triple and its statement),
  and the moat claims and figures about one;
- every vendor whose offerings were all dropped (it had not entered the market yet, or had left it).

`restrict` does this in place on a checked store, so the projection, the analyses, the queries
and the exports of that store all see the same map.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pyoxigraph as ox

from ..source import vocab

ESSAY_DATE = dt.date(2023, 1, 19)  # "Who Owns the Generative AI Platform?", a16z
ALL = "all"  # no day: every fact of the data, with its dates (for SPARQL's own date filters)
Day = dt.date | str  # a day, or ALL


def day_text(day: Day | None) -> str | None:
    """How a build records its day: YYYY-MM-DD, `all`, or None for today's map."""
    return day.isoformat() if isinstance(day, dt.date) else day


def first_day(text: str) -> dt.date:
    """The first day a date of a fact names: 2024 -> 2024-01-01, 2024-03 -> 2024-03-01."""
    parts = [int(p) for p in text.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(text: str) -> dt.date:
    """The last day a date of a fact names: 2024 -> 2024-12-31, 2024-02 -> 2024-02-29.

    >>> last_day("2023-02"), last_day("2024"), last_day("2024-03-18")
    (datetime.date(2023, 2, 28), datetime.date(2024, 12, 31), datetime.date(2024, 3, 18))
    """
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    month = parts[1] if len(parts) > 1 else 12
    return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])


def holds(start: str | None, end: str | None, on: dt.date) -> bool:
    """Whether a fact from `start` to `end` (either may be None: for ever) holds on a day.

    >>> holds("2023-03", None, dt.date(2023, 1, 19)), holds(None, "2022", dt.date(2023, 1, 19))
    (False, False)
    >>> holds("2022", "2023-01", dt.date(2023, 1, 19))
    True
    """
    return (start is None or first_day(start) <= on) and (end is None or on <= last_day(end))


def parse_date(text: str) -> Day:
    """A date given as YYYY-MM-DD, YYYY-MM or YYYY (its last day), `today`, or `all` (every fact, not
    restricted to a day); ValueError otherwise."""
    if text == "today":
        return dt.date.today()
    if text == ALL:
        return ALL
    try:
        return last_day(text) if len(text) in (4, 7) and text[:4].isdigit() else dt.date.fromisoformat(text)
    except (ValueError, IndexError):
        raise ValueError(f"'{text}' is not a date: give YYYY-MM-DD, YYYY-MM, YYYY, today or all") from None


@dataclass(frozen=True)
class Restriction:
    """What `restrict` dropped: the ids of the subjects, and the quads removed."""

    dropped: tuple[str, ...]
    quads: int


def _values(store: ox.Store, query: str) -> list[tuple]:
    result = store.query(query, prefixes=vocab.PREFIXES, use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in result]


def restrict(store: ox.Store, on: dt.date) -> Restriction:
    """Remove from a checked store every fact that does not hold on the day `on` (see the module)."""
    gone = {s for (s,) in _values(store, _not_in_force(on))}
    more = set(gone)
    while more := (_orphaned(store, more, gone) | _dependent(store, more)) - gone:  # until nothing more follows
        gone |= more
    removed = _remove(store, gone)
    return Restriction(tuple(sorted(vocab.local_id(s) or s for s in gone)), removed)


def _not_in_force(on: dt.date) -> str:
    """The query for the subjects whose dates say they do not hold on a day: `holds` in SPARQL. A date
    of a checked store is YYYY, YYYY-MM or YYYY-MM-DD, so comparing texts compares days: a start holds
    from its first day when its text is at most the day's (2023 and 2023-06 hold on 2023-06-30), an
    end to its last when it is at least the day's text cut to its length."""
    day = on.isoformat()
    return f"""SELECT DISTINCT ?s WHERE {{
        {{ ?s schema:startDate ?d FILTER (STR(?d) > "{day}") }}
        UNION {{ ?s schema:endDate ?d FILTER (SUBSTR("{day}", 1, STRLEN(STR(?d))) > STR(?d)) }}
        UNION {{ ?s sm:asOf ?d FILTER (STR(?d) > "{day}") FILTER NOT EXISTS {{ ?s schema:startDate ?start }} }}
    }}"""


def _iris(iris: list[str]) -> str:
    """IRIs as the terms of a SPARQL VALUES block."""
    return " ".join(f"<{iri}>" for iri in iris)


def _orphaned(store: ox.Store, added: set[str], gone: set[str]) -> set[str]:
    """The vendors all of whose offerings are gone, among the vendors of the members just added to
    gone (a vendor loses its last offering when that offering is added)."""
    if not added:
        return set()
    added_values = _iris(sorted(added))
    vendors = _values(store, f"SELECT DISTINCT ?v WHERE {{ VALUES ?x {{ {added_values} }} ?x sm:offeredBy ?v }}")
    if not vendors:
        return set()
    vendor_values = _iris(sorted(v for (v,) in vendors))
    offered = "?o sm:offeredBy ?v FILTER EXISTS { ?o a sm:Offering }"  # a joined type read every offering
    rows = _values(store, f"SELECT ?v ?o WHERE {{ VALUES ?v {{ {vendor_values} }} {offered} }}")
    kept: dict[str, bool] = {}
    for vendor, offering in rows:
        kept[vendor] = kept.get(vendor, False) or offering not in gone
    return {v for v, any_kept in kept.items() if not any_kept}


def _dependent(store: ox.Store, gone: set[str]) -> set[str]:
    """The statements, moat claims and figures that name something gone, and the offerings of
    gone vendors (what follows from a set is what follows from each of its members, so `restrict`
    asks only about the members it has just added)."""
    if not gone:
        return set()
    values = _iris(sorted(gone))
    rows = _values(
        store,
        f"""SELECT DISTINCT ?x WHERE {{
               VALUES ?g {{ {values} }}
               {{ ?x rdf:subject ?g }} UNION {{ ?x rdf:object ?g }} UNION {{ ?x sm:about ?g }}
               UNION {{ ?x sm:offeredBy ?g }}
           }}""",
    )
    return {x for (x,) in rows}


def _remove(store: ox.Store, gone: set[str]) -> int:
    """Remove the triples that a gone statement qualified, every quad about a gone subject, and the
    triples that name one as their object; the number of quads removed. Each pattern's quads are
    removed as soon as they are read, so a quad is found (and counted) once."""
    ordered = sorted(gone)
    nodes = [ox.NamedNode(iri) for iri in ordered]
    removed = 0

    def drop(quads: list[ox.Quad]) -> None:
        nonlocal removed
        removed += len(quads)
        for quad in quads:
            store.remove(quad)

    values = _iris(ordered)
    qualified = store.query(  # first what a gone statement qualified, while its own quads say what it was
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?x {{ {values} }} ?x rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }}",
        prefixes=vocab.PREFIXES,
        use_default_graph_as_union=True,
    )
    for s, p, o in list(qualified):
        drop(list(store.quads_for_pattern(s, p, o)))
    for node in nodes:
        drop(list(store.quads_for_pattern(node, None, None)))
    for node in nodes:
        drop(list(store.quads_for_pattern(None, None, node)))
    return removed
