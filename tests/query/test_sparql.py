"""The query guard, the query runner and the result formats; the shipped named queries."""

from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef

from conftest import FIXTURES
from graph.analysis.rdf import analysis_quads, uses_analysis
from graph.analysis.results import analyse
from graph.check.shacl import to_rdflib_graph
from graph.check.validate import load_valid
from graph.model.projection import project
from graph.query.formats import render
from graph.query.named import parse_header, resolve, shipped
from graph.query.sparql import QueryError, QueryTimeout, guard, run_query
from graph.render import export

SM = "https://w3id.org/stackmap/ns/"
ID = "https://w3id.org/stackmap/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SHIPPED_QUERIES = shipped()

SERVICE_REFUSED = "SERVICE is refused: queries run on the local map only and never reach the network"
FROM_REFUSED = (
    "FROM and FROM NAMED are refused: queries run on the loaded map only; "
    "use GRAPH <https://w3id.org/stackmap/file/PATH> { } to ask one data file"
)


def update_refused(keyword: str) -> str:
    """The message refusing an update that uses keyword."""
    return f"updates are refused ({keyword}): stackmap queries are read-only; change the data files instead"


# -- the guard --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "INSERT DATA { <http://a.example/s> <http://a.example/p> <http://a.example/o> }",
            update_refused("INSERT"),
        ),
        ("DELETE WHERE { ?s ?p ?o }", update_refused("DELETE")),
        ("LOAD <http://127.0.0.1:1/data.ttl>", update_refused("LOAD")),
        ("CLEAR ALL", update_refused("CLEAR")),
        ("DROP GRAPH <https://w3id.org/stackmap/file/vendors/chipco.yaml>", update_refused("DROP")),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * WHERE { service <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * WHERE { \\U00000053ervice <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", FROM_REFUSED),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", FROM_REFUSED),
        ("select * \\u0046ROM <file:///etc/passwd> where { ?s ?p ?o }", FROM_REFUSED),
        ("SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }", SERVICE_REFUSED),
        ("SELECT * WHERE { ?s ?p ?o.service <http://127.0.0.1:1/> { ?a ?b ?c } }", SERVICE_REFUSED),
        ("SELECT * WHERE { VALUES ?v { sm:a\\# } SERVICE <http://127.0.0.1:1/> { ?x ?y ?z } }", SERVICE_REFUSED),
        ("SELECT * WHERE { VALUES ?v { sm:a\\' } SERVICE <http://127.0.0.1:1/> { ?x ?y ?z } } # '", SERVICE_REFUSED),
        ("SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", SERVICE_REFUSED),
        ("SELECT * WHERE { ?s ?p ?o #x\rSERVICE <http://127.0.0.1:1/> { ?a ?b ?c }\n}", SERVICE_REFUSED),
        ("SELECT * #x\rFROM <file:///etc/passwd> WHERE { ?s ?p ?o }", FROM_REFUSED),
        ("SELECT * WHERE { ?s ?p ?o \u0023x\n SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }", SERVICE_REFUSED),
        ("SELECT * WHERE { ?s ?p 1.SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }", SERVICE_REFUSED),
        ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://a/s> <http://a/p> 1 }", update_refused("INSERT")),
        ("SELECT * USING <http://a/g> WHERE { ?s ?p ?o }", update_refused("USING")),
    ],
    ids=[
        "insert-data",
        "delete-where",
        "load",
        "clear-all",
        "drop-graph",
        "service",
        "service-lowercase",
        "service-silent",
        "service-u-escape",
        "service-U-escape",
        "from-file",
        "from-named",
        "from-u-escape",
        "service-after-dot",
        "service-after-variable-dot",
        "service-after-escaped-hash",
        "service-after-escaped-quote",
        "service-after-comment-ended-by-cr",
        "service-after-cr-comment-before-lf",
        "from-after-comment-ended-by-cr",
        "service-after-escaped-hash-sign",
        "service-after-number",
        "update-after-query",
        "using",
    ],
)
def test_guard_refuses(mini, query, message):
    """Updates, SERVICE (however spelled) and FROM are refused with a clear message, before the engine."""
    quads = len(mini.store)
    with pytest.raises(QueryError) as refused:
        run_query(mini.store, query)
    assert str(refused.value) == message
    assert not isinstance(refused.value, QueryTimeout)
    assert len(mini.store) == quads


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            'SELECT ?x WHERE { BIND("select * from <x> where { service <y> {} }" AS ?x) }',
            "select * from <x> where { service <y> {} }",
        ),
        ("SELECT ?x WHERE { BIND('drop graph, load, clear' AS ?x) }", "drop graph, load, clear"),
        ('SELECT ?x WHERE { BIND("""FROM NAMED\nSERVICE "x" INSERT""" AS ?x) }', 'FROM NAMED\nSERVICE "x" INSERT'),
        (
            "SELECT ?x WHERE { BIND(<http://example.org/from/service/insert> AS ?x) }",
            "http://example.org/from/service/insert",
        ),
        ("PREFIX ex: <http://example.org/> SELECT ?x WHERE { BIND(ex:from AS ?x) }", "http://example.org/from"),
        ("PREFIX ex: <http://example.org/> SELECT ?x WHERE { BIND(ex:service AS ?x) }", "http://example.org/service"),
        ("PREFIX ex: <http://example.org/> SELECT ?x WHERE { BIND(ex:drop AS ?x) }", "http://example.org/drop"),
        ("SELECT ?service WHERE { stack:chipco sm:headquartersCountry ?service }", "US"),
        ("SELECT ?from WHERE { ?from rdfs:label 'ChipCo' }", ID + "chipco"),
        ("SELECT $load WHERE { stack:fabco sm:headquartersCountry $load }", "TW"),
        ("SELECT ?x # FROM <file:///etc/passwd> SERVICE <http://127.0.0.1:1/>\nWHERE { BIND(1 AS ?x) }", "1"),
    ],
    ids=[
        "double-quoted",
        "single-quoted",
        "triple-quoted",
        "iri",
        "local-name-from",
        "local-name-service",
        "local-name-drop",
        "variable-service",
        "variable-from",
        "dollar-variable",
        "comment",
    ],
)
def test_guard_allows_keywords_in_strings_iris_names_and_comments(mini, query, expected):
    """Keywords inside strings, IRIs, variables, prefixed names and comments are not refused, and the
    query runs unchanged (a comment aside: the engine runs the text without it)."""
    assert guard(query) == re.sub(r"#[^\n]*", "", query)
    result = run_query(mini.store, query)
    assert [[term.value for term in row] for row in result.rows] == [[expected]]


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 (free port) counting requests; stopped at teardown."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            requests.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = _answer

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_refused_queries_make_no_request(mini, http_server):
    """Refused SERVICE, FROM and LOAD queries never reach a live local HTTP server (which does count
    a request made to it)."""
    url, requests = http_server
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?endpoint) SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        # keywords hidden behind a dot, an escaped '#' or an escaped quote in a prefixed name
        f"SELECT * WHERE {{ ?s ?p ?o .SERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"PREFIX ex: <http://ex/> SELECT * WHERE {{ VALUES ?v {{ ex:a\\# }} SERVICE <{url}> {{ ?x ?y ?z }} }}",
        f"PREFIX ex: <http://ex/> SELECT * WHERE {{ VALUES ?v {{ ex:a\\' }} SERVICE <{url}> {{ ?x ?y ?z }} }} # '",
        # a comment ends at a carriage return as well as at a line feed
        f"SELECT * WHERE {{ #x\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #x\rSERVICE <{url}> {{ ?a ?b ?c }}\n}}",
        f"SELECT * #x\rFROM <{url}> WHERE {{ ?s ?p ?o }}",
    ]
    for query in queries:
        with pytest.raises(QueryError, match="refused"):
            run_query(mini.store, query, timeout=5)
    assert requests == []
    with pytest.raises(urllib.error.HTTPError):  # the control: the server is up and counts
        urllib.request.urlopen(url + "control", timeout=5)
    assert requests == ["GET /control"]


def test_deep_nesting_is_refused_before_the_engine(mini):
    """3,000 nested groups crashed the engine's parser (a stack overflow): the guard refuses them with
    a clear message; a query nested to the limit still runs."""
    with pytest.raises(QueryError, match=r"^the query nests more than 64 brackets, braces or parentheses deep"):
        run_query(mini.store, "ASK " + "{" * 3000)
    assert run_query(mini.store, "ASK " + "{" * 64 + "}" * 64).boolean is True


def test_the_engine_runs_what_the_guard_read(mini):
    """A comment ended by a carriage return is removed with it, and the rest of the line is code."""
    query = "SELECT ?x WHERE { #c\rBIND(1 AS ?x) }"
    assert guard(query) == "SELECT ?x WHERE { \rBIND(1 AS ?x) }"
    assert [[t.value for t in row] for row in run_query(mini.store, query).rows] == [["1"]]


def test_malformed_query(mini):
    """A syntax error is a QueryError saying 'malformed query' with the parser's position."""
    with pytest.raises(QueryError, match=r"^malformed query: .*1:") as error:
        run_query(mini.store, "SELECT ?v WHERE { ?v a sm:Vendor ")
    assert not isinstance(error.value, QueryTimeout)


def test_timeout_then_store_still_answers(mini):
    """A cartesian product past its 0.2 s limit raises QueryTimeout; the same store then answers a
    normal query correctly."""
    values = " ".join(str(i) for i in range(48))  # 48 x 717 x 717 solutions: seconds of work
    heavy = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?k {{ {values} }} ?a ?b ?c . ?d ?e ?f }}"
    before = {t for t in threading.enumerate() if t.name == "stackmap-query"}
    try:
        with pytest.raises(QueryTimeout, match=r"^query stopped after 0.2 s: narrow it or raise --timeout$"):
            run_query(mini.store, heavy, timeout=0.2)
        result = run_query(mini.store, "SELECT (COUNT(*) AS ?n) WHERE { ?v a sm:Vendor }")
        assert [[t.value for t in row] for row in result.rows] == [["7"]]
    finally:  # let the abandoned worker finish so that it does not slow the next tests
        for thread in threading.enumerate():
            if thread.name == "stackmap-query" and thread not in before:
                thread.join()


VENDORS_BY_ID = "SELECT ?vendor WHERE { ?vendor a sm:Vendor } ORDER BY ?vendor"


@pytest.mark.parametrize(("limit", "rows", "truncated"), [(3, 3, True), (6, 6, True), (7, 7, False), (50, 7, False)])
def test_limit(mini, limit, rows, truncated):
    """At most `limit` rows come back, flagged truncated only when rows were left out (7 vendors)."""
    result = run_query(mini.store, VENDORS_BY_ID, limit=limit)
    assert len(result.rows) == rows
    assert result.truncated is truncated
    assert result.rows[0][0].value == ID + "appco"


def test_limit_applies_to_construct(mini):
    """A CONSTRUCT result is capped too."""
    query = "CONSTRUCT { ?v a sm:Vendor } WHERE { ?v a sm:Vendor }"
    capped, full = run_query(mini.store, query, limit=2), run_query(mini.store, query, limit=7)
    assert (len(capped.triples), capped.truncated) == (2, True)
    assert (len(full.triples), full.truncated) == (7, False)


# -- results and formats ----------------------------------------------------------------------

FIGURES = (
    "SELECT ?figure ?unit ?value ?market WHERE { ?figure schema:value ?value ; schema:unitText ?unit . "
    "OPTIONAL { ?figure sm:market ?market } } ORDER BY ?figure"
)
COUNTRIES = "SELECT ?vendor ?country WHERE { ?vendor a sm:Vendor ; sm:headquartersCountry ?country } ORDER BY ?vendor"


def test_select_table(mini):
    """The table shortens known IRIs to prefixed names, aligns columns and ends with the row count."""
    assert render(run_query(mini.store, COUNTRIES), "table") == (
        "vendor         country\n"
        "-------------  -------\n"
        "stack:appco    US\n"
        "stack:chipco   US\n"
        "stack:cloudco  US\n"
        "stack:fabco    TW\n"
        "stack:lithoco  NL\n"
        "stack:modelco  GB\n"
        "stack:openco   FR\n"
        "(7 rows)\n"
    )
    truncated = render(run_query(mini.store, COUNTRIES, limit=1), "table")
    assert truncated == "vendor       country\n-----------  -------\nstack:appco  US\n(1 row, truncated)\n"


def test_select_csv(mini):
    """CSV: a header of variable names, full IRIs, literal values, empty unbound cells, CRLF lines."""
    assert render(run_query(mini.store, FIGURES), "csv") == (
        "figure,unit,value,market\r\n"
        f"{ID}cloudco-share-2023,ratio,0.4,cloud-infrastructure\r\n"
        f"{ID}modelco-cloud-spend,ratio,0.5,\r\n"
    )


def test_select_tsv(mini):
    """TSV: a header of ?variables and N-Triples terms, datatypes included."""
    decimal = f"^^<{XSD}decimal>"
    assert render(run_query(mini.store, FIGURES), "tsv") == (
        "?figure\t?unit\t?value\t?market\n"
        f'<{ID}cloudco-share-2023>\t"ratio"\t"0.4"{decimal}\t"cloud-infrastructure"\n'
        f'<{ID}modelco-cloud-spend>\t"ratio"\t"0.5"{decimal}\t\n'
    )


def test_select_json(mini):
    """SPARQL 1.1 results JSON: head.vars, results.bindings with uri/literal types, a datatype for
    xsd:decimal only, and unbound variables left out."""
    decimal = XSD + "decimal"
    assert json.loads(render(run_query(mini.store, FIGURES), "json")) == {
        "head": {"vars": ["figure", "unit", "value", "market"]},
        "results": {
            "bindings": [
                {
                    "figure": {"type": "uri", "value": ID + "cloudco-share-2023"},
                    "unit": {"type": "literal", "value": "ratio"},
                    "value": {"type": "literal", "value": "0.4", "datatype": decimal},
                    "market": {"type": "literal", "value": "cloud-infrastructure"},
                },
                {
                    "figure": {"type": "uri", "value": ID + "modelco-cloud-spend"},
                    "unit": {"type": "literal", "value": "ratio"},
                    "value": {"type": "literal", "value": "0.5", "datatype": decimal},
                },
            ]
        },
    }


def test_ask(mini):
    """ASK gives a boolean, rendered in every format."""
    yes = run_query(mini.store, "ASK { stack:chipco-x1 sm:offeredBy stack:chipco }")
    no = run_query(mini.store, "ASK { stack:chipco-x1 sm:offeredBy stack:fabco }")
    assert (yes.kind, yes.boolean, no.boolean) == ("ask", True, False)
    assert [render(yes, f) for f in ("table", "csv", "tsv")] == ["yes\n", "boolean\r\ntrue\r\n", "?boolean\ntrue\n"]
    assert [render(no, f) for f in ("table", "csv", "tsv")] == ["no\n", "boolean\r\nfalse\r\n", "?boolean\nfalse\n"]
    assert json.loads(render(yes, "json")) == {"head": {}, "boolean": True}


def test_construct(mini):
    """CONSTRUCT gives triples, rendered as sorted N-Triples lines."""
    result = run_query(
        mini.store, "CONSTRUCT { ?v sm:headquartersCountry ?c } WHERE { ?v sm:headquartersCountry 'US', ?c }"
    )
    assert result.kind == "graph"
    expected = "".join(f'<{ID}{v}> <{SM}headquartersCountry> "US" .\n' for v in ("appco", "chipco", "cloudco"))
    for fmt in ("table", "csv", "tsv", "json"):
        assert render(result, fmt) == expected


def test_default_graph_is_the_union(mini):
    """Without GRAPH a query joins facts of several files and the ontology (which are all in named
    graphs, the store's own default graph being empty)."""
    query = (
        "SELECT ?offering ?vendorName ?layerName WHERE { ?offering sm:offeredBy ?vendor ; sm:layer ?layer . "
        "?vendor rdfs:label ?vendorName . ?layer rdfs:label ?layerName } ORDER BY ?offering"
    )
    rows = [tuple(t.value for t in row) for row in run_query(mini.store, query).rows]
    assert [r[0].removeprefix(ID) for r in rows] == [
        "appco-writer",
        "chipco-x1",
        "chipco-x2",
        "cloudco-cloud",
        "fabco-n5",
        "fabco-pack",
        "lithoco-euv",
        "modelco-big",
        "openco-small",
    ]
    assert rows[6][1] == "LithoCo"  # from the Turtle file
    assert list(mini.store.query(query, prefixes={"sm": SM, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})) == []


def test_graph_names_are_file_iris(mini):
    """GRAPH ?g tells which file said what: chipco's facts are in the graph of vendors/chipco.yaml."""
    result = run_query(mini.store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { stack:chipco ?p ?o } }")
    assert [row[0].value for row in result.rows] == ["https://w3id.org/stackmap/file/vendors/chipco.yaml"]
    chipco_file = "<https://w3id.org/stackmap/file/vendors/chipco.yaml>"
    facts = run_query(mini.store, f"SELECT ?o WHERE {{ GRAPH {chipco_file} {{ ?o sm:offeredBy ?v }} }} ORDER BY ?o")
    assert [row[0].value for row in facts.rows] == [ID + "chipco-x1", ID + "chipco-x2"]


# -- named queries ----------------------------------------------------------------------------

NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short", "nonNegativeInteger")}


def _plain(term) -> str | Decimal | None:
    """A result term as a plain value: the IRI string, the lexical value, a Decimal for numbers."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return Decimal(term.value) if term.datatype.value in NUMERIC else term.value
    if isinstance(term, Literal):
        return Decimal(str(term)) if term.datatype is not None and str(term.datatype) in NUMERIC else str(term)
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, URIRef):
        return str(term)
    raise AssertionError(f"unexpected term in a named query result: {term!r}")


@pytest.fixture(scope="module")
def essay_with_results() -> ox.Store:
    """The essay-era map (tests/fixtures/essay-map) with its analysis graph, as `stackmap build`
    writes it: rdflib's engine takes minutes over the shipped map, seconds over this one."""
    loaded = load_valid(FIXTURES / "essay-map")
    store = ox.Store()
    store.bulk_extend(loaded.store)
    store.bulk_extend(analysis_quads(analyse(project(loaded.store))))
    return store


@pytest.fixture(scope="module")
def rdflib_graph(essay_with_results):
    """The essay-era map with the analysis results as an rdflib Graph (the union of all graphs)."""
    return to_rdflib_graph(list(essay_with_results))


@pytest.fixture(scope="module")
def rdflib_dataset(essay_with_results):
    """The essay-era map with the analysis results as an rdflib Dataset keeping the graphs, with the
    union as default graph."""
    dataset = Dataset(default_union=True)
    dataset.parse(data=export.serialize(essay_with_results, "nquads"), format="nquads")
    return dataset


def _store_for(named, shipped, shipped_with_results):
    """The store a shipped query runs on: with the analysis results when it reads them, as `stackmap query` does."""
    return shipped_with_results if uses_analysis(named.text) else shipped.store


def test_at_least_twelve_named_queries():
    """At least twelve queries are shipped, with names fit for the command line."""
    assert len(SHIPPED_QUERIES) >= 12, [q.name for q in SHIPPED_QUERIES]


@pytest.mark.parametrize("named", SHIPPED_QUERIES, ids=lambda q: q.name)
def test_named_query_header(named):
    """Each shipped query has a title and a question in its comment header."""
    header = parse_header(named.text)
    assert header.get("title")
    assert header.get("question")
    assert (named.title, named.question) == (header["title"], header["question"])


@pytest.mark.parametrize("named", SHIPPED_QUERIES, ids=lambda q: q.name)
def test_named_query_declares_its_prefixes(shipped, shipped_with_results, named):
    """Each shipped query parses and runs on Oxigraph without the default prefixes."""
    list(_store_for(named, shipped, shipped_with_results).query(named.text, use_default_graph_as_union=True))


@pytest.mark.parametrize("named", SHIPPED_QUERIES, ids=lambda q: q.name)
def test_named_query_answers_on_shipped_data(shipped, shipped_with_results, named):
    """Each shipped query runs through the guard on the shipped map and answers something."""
    result = run_query(_store_for(named, shipped, shipped_with_results), named.text, timeout=60)
    assert not result.truncated
    if result.kind == "select":
        assert len(result.rows) >= 1
    elif result.kind == "graph":
        assert len(result.triples) >= 1
    else:
        assert result.boolean is True


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own Dataset internals
@pytest.mark.parametrize("named", SHIPPED_QUERIES, ids=lambda q: q.name)
def test_named_query_same_rows_on_rdflib(essay_with_results, rdflib_graph, rdflib_dataset, named):
    """Each shipped query gives the same answer on rdflib as on Oxigraph over the essay-era map (the
    queries are standard SPARQL, not engine quirks)."""
    result = run_query(essay_with_results, named.text, timeout=60)
    uses_graph = "GRAPH" in named.text.upper()
    answer = (rdflib_dataset if uses_graph else rdflib_graph).query(named.text)
    if result.kind == "ask":
        assert answer.askAnswer is result.boolean
    elif result.kind == "graph":
        assert {tuple(map(_plain, t)) for t in answer} == {
            (_plain(t.subject), _plain(t.predicate), _plain(t.object)) for t in result.triples
        }
    else:
        assert [str(v) for v in answer.vars] == result.variables
        assert Counter(tuple(_plain(t) for t in row) for row in answer) == Counter(
            tuple(_plain(t) for t in row) for row in result.rows
        )


def test_resolve_name_file_and_text(tmp_path):
    """resolve() takes a shipped name, a path to a .rq file, or query text."""
    label, text = resolve("vendors-by-layer")
    assert label == "vendors-by-layer"
    assert text == next(q.text for q in SHIPPED_QUERIES if q.name == "vendors-by-layer")
    path = tmp_path / "mine.rq"
    path.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    assert resolve(str(path)) == (str(path), "ASK { ?s ?p ?o }\n")
    assert resolve("SELECT ?v WHERE { ?v a sm:Vendor }") == ("query", "SELECT ?v WHERE { ?v a sm:Vendor }")


def test_resolve_long_one_line_query_is_text():
    """A one-line query longer than a file name can be is taken as query text, not as a path."""
    text = "SELECT ?v WHERE { ?v a sm:Vendor . " + "OPTIONAL { ?v rdfs:label ?l } " * 12 + "}"
    assert len(text) > 255
    assert resolve(text) == ("query", text)


def test_resolve_unknown_name_suggests():
    """An unknown name is a LookupError with a did-you-mean; a missing .rq file is named."""
    with pytest.raises(LookupError) as unknown:
        resolve("vendors-by-layr")
    assert (
        str(unknown.value)
        == "unknown query 'vendors-by-layr'; did you mean 'vendors-by-layer'? (`stackmap queries` lists them)"
    )
    with pytest.raises(LookupError, match=r"^query file not found: missing\.rq$"):
        resolve("missing.rq")
