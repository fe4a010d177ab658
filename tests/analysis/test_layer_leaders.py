"""Layer leaders on a small hand-made map (exact counts and ranks worked out by hand), in the analysis
graph, and the shipped queries that list from them: bounded on a generated market, with counts equal
to a plain count over the data."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import FIXTURES
from graph.analysis.layer_leaders import LEADERS, LayerLeaders, Leader, layer_leaders
from graph.analysis.rdf import add_analysis, uses_analysis
from graph.analysis.reach import reach
from graph.analysis.results import analyse, to_dict
from graph.check.validate import LoadedMap, load_valid
from graph.model.projection import Projection, project
from graph.query.named import shipped as shipped_queries
from graph.query.sparql import run_query

SOURCES = """\
sources:
  s:
    url: https://example.org/facts
    title: Made-up facts
    date: 2024-01-01
"""

LISTING_QUERIES = ("vendors-by-layer", "vendors-by-country", "moats-by-layer", "single-model-provider-apps")


def offering(oid: str, layer: str, extra: str = "") -> str:
    """One offering item of an `offerings:` list."""
    return f"  - id: {oid}\n    name: {oid}\n    layer: {layer}\n" + "".join(f"    {x}\n" for x in extra.splitlines())


def vendor(name: str, country: str | None, body: str) -> str:
    return f"name: {name}\n" + (f"country: {country}\n" if country else "") + body


# Twelve clouds (more than LEADERS). Apps: a1 runs on c05; a2 on c05 or c07; appc (no offerings) on c07
# or c09. Reach: c05 2 (a1, a2), c07 2 (a2, appc), c09 1, the other nine 0. c05 also offers a model.
# Countries: c01-c06 US, c07-c09 DE, c11 JP, c10 and c12 none.
CLOUD_NAMES = {
    "c01": "Zeta", "c02": "Omega", "c03": "Delta", "c04": "Delta", "c05": "Beta", "c06": "Kappa",
    "c07": "Alpha", "c08": "Gamma", "c09": "Zulu", "c10": "Eta", "c11": "Theta", "c12": "Iota",
}  # fmt: skip
MAP = {
    **{
        vid: vendor(
            name,
            "US" if vid <= "c06" else "DE" if vid <= "c09" else "JP" if vid == "c11" else None,
            "offerings:\n" + offering(f"{vid}-cloud", "cloud-platforms"),
        )
        for vid, name in CLOUD_NAMES.items()
    },
    "appa": vendor("App A", "US", "offerings:\n" + offering("a1", "apps", "runs_on: [c05-cloud]")),
    "appb": vendor("App B", None, "offerings:\n" + offering("a2", "apps", "runs_on: [c05-cloud, c07-cloud]")),
    "appc": vendor(
        "App C",
        "FR",
        "layer: apps\nruns_on: [c07-cloud, c09-cloud]\nmoats:\n  - {type: network-effects, evidence: e}\n",
    ),
}
MAP["c05"] += offering("c05-model", "closed-foundation-models") + (
    "moats:\n  - {type: scale, evidence: e}\n  - {type: algorithmic, evidence: e, about: c05-model}\n"
)
MAP["c07"] += offering("c07-cloud2", "cloud-platforms") + "moats:\n  - {type: scale, evidence: e}\n"


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> LoadedMap:
    data = tmp_path_factory.mktemp("leaders")
    (data / "vendors").mkdir()
    (data / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    for vid, body in MAP.items():
        (data / "vendors" / f"{vid}.yaml").write_text(f"id: {vid}\nsource: s\n{body}", encoding="utf-8")
    return load_valid(data)


@pytest.fixture(scope="module")
def projection(hand_made: LoadedMap) -> Projection:
    return project(hand_made.store)


def test_leaders_counts_and_ranks(projection: Projection) -> None:
    """Ranks by reach, ties by name then id; ten of the twelve clouds lead; a vendor is counted in every
    layer it offers in; a vendor without offerings in its own layer; no country counts as unknown."""
    found = {x.layer: x for x in layer_leaders(projection, reach(projection))}
    assert found["cloud-platforms"] == LayerLeaders(
        layer="cloud-platforms",
        vendors=12,
        offerings=13,
        countries={"DE": 3, "JP": 1, "US": 6, "unknown": 2},
        moat_claims={"scale": 2},
        leaders=(
            Leader(1, "c07", 2, 2, "DE", {"c07-cloud": (), "c07-cloud2": ()}),  # Alpha and Beta tie at 2: by name
            Leader(2, "c05", 2, 1, "US", {"c05-cloud": ()}),
            Leader(3, "c09", 1, 1, "DE", {"c09-cloud": ()}),
            Leader(4, "c03", 0, 1, "US", {"c03-cloud": ()}),  # two named Delta: by id
            Leader(5, "c04", 0, 1, "US", {"c04-cloud": ()}),
            Leader(6, "c10", 0, 1, "unknown", {"c10-cloud": ()}),  # Eta
            Leader(7, "c08", 0, 1, "DE", {"c08-cloud": ()}),  # Gamma
            Leader(8, "c12", 0, 1, "unknown", {"c12-cloud": ()}),  # Iota
            Leader(9, "c06", 0, 1, "US", {"c06-cloud": ()}),  # Kappa
            Leader(10, "c02", 0, 1, "US", {"c02-cloud": ()}),  # Omega; Theta (c11) and Zeta (c01) do not lead
        ),
    )
    assert found["apps"] == LayerLeaders(
        "apps",
        3,
        2,
        {"FR": 1, "US": 1, "unknown": 1},
        {"network-effects": 1},
        (
            Leader(1, "appa", 0, 1, "US", {"a1": ("c05",)}),
            Leader(2, "appb", 0, 1, "unknown", {"a2": ("c05", "c07")}),
            Leader(3, "appc", 0, 0, "FR", {"appc": ("c07", "c09")}),  # no offerings: the vendor itself
        ),
    )
    assert found["closed-foundation-models"] == LayerLeaders(
        "closed-foundation-models",
        1,
        1,
        {"US": 1},
        {"algorithmic": 1, "scale": 1},
        (Leader(1, "c05", 2, 1, "US", {"c05-model": ()}),),
    )
    assert list(found)[:2] == ["end-to-end-apps", "apps"] and list(found)[-1] == "lithography-equipment"
    empty = set(found) - {"cloud-platforms", "apps", "closed-foundation-models"}
    assert len(empty) == 8 and all(found[x] == LayerLeaders(x, 0, 0, {}, {}, ()) for x in empty)
    assert LEADERS == 10


def test_leaders_in_analysis_json(projection: Projection) -> None:
    """analysis.json holds the layer leaders, layer by layer in stack order."""
    data = to_dict(analyse(projection))["layer_leaders"]
    assert data[1] == {
        "layer": "apps",
        "vendors": 3,
        "offerings": 2,
        "countries": {"FR": 1, "US": 1, "unknown": 1},
        "moat_claims": {"network-effects": 1},
        "leaders": [
            {
                "rank": 1,
                "vendor": "appa",
                "reach": 0,
                "offerings": 1,
                "country": "US",
                "supply_chains": {"a1": ["c05"]},
            },
            {
                "rank": 2,
                "vendor": "appb",
                "reach": 0,
                "offerings": 1,
                "country": "unknown",
                "supply_chains": {"a2": ["c05", "c07"]},
            },
            {
                "rank": 3,
                "vendor": "appc",
                "reach": 0,
                "offerings": 0,
                "country": "FR",
                "supply_chains": {"appc": ["c07", "c09"]},
            },
        ],
    }


@pytest.fixture(scope="module")
def hand_made_store(hand_made: LoadedMap, projection: Projection) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(hand_made.store)
    add_analysis(store, analyse(projection))
    return store


def _text(name: str) -> str:
    """The text of a shipped query."""
    return {q.name: q for q in shipped_queries()}[name].text


def _rows(store: ox.Store, name: str) -> list[tuple]:
    result = run_query(store, _text(name), timeout=60, limit=100_000)
    assert not result.truncated
    return [tuple(None if t is None else t.value for t in row) for row in result.rows]


def test_leaders_in_the_analysis_graph(hand_made_store: ox.Store) -> None:
    """The analysis graph holds per layer a summary, a count per country and moat type, and the leaders."""
    rows = hand_made_store.query(
        """SELECT ?rank ?vendor WHERE { GRAPH <https://w3id.org/stackmap/analysis> {
             ?x a sm:LayerLeader ; sm:layer layer:cloud-platforms ; sm:leaderRank ?rank ; sm:leadingVendor ?vendor } }
           ORDER BY ?rank""",
        prefixes={"sm": "https://w3id.org/stackmap/ns/", "layer": "https://w3id.org/stackmap/ns/layer/"},
    )
    assert [(int(r[0].value), r[1].value.rsplit("/", 1)[1]) for r in rows] == [
        (1, "c07"), (2, "c05"), (3, "c09"), (4, "c03"), (5, "c04"),
        (6, "c10"), (7, "c08"), (8, "c12"), (9, "c06"), (10, "c02"),
    ]  # fmt: skip


def test_listing_queries_on_the_hand_made_map(hand_made_store: ox.Store) -> None:
    """vendors-by-layer lists the ten cloud leaders of twelve; vendors-by-country counts every vendor,
    and the country of no leader (JP: c11 does not lead) has a row without a vendor."""
    clouds = [r for r in _rows(hand_made_store, "vendors-by-layer") if r[1] == "cloud-platforms"]
    assert [(r[3], r[6], r[7]) for r in clouds] == [
        ("c07", "2", "12"), ("c05", "1", "12"), ("c03", "1", "12"), ("c04", "1", "12"), ("c10", "1", "12"),
        ("c08", "1", "12"), ("c12", "1", "12"), ("c06", "1", "12"), ("c02", "1", "12"), ("c09", "1", "12"),
    ]  # fmt: skip
    by_country = [r[2:5] for r in _rows(hand_made_store, "vendors-by-country") if r[1] == "Cloud platforms"]
    assert by_country == [
        ("US", "6", "c05"), ("US", "6", "c03"), ("US", "6", "c04"), ("US", "6", "c06"), ("US", "6", "c02"),
        ("DE", "3", "c07"), ("DE", "3", "c08"), ("DE", "3", "c09"), ("unknown", "2", "c10"),
        ("unknown", "2", "c12"), ("JP", "1", None),
    ]  # fmt: skip


# -- the shipped queries on the essay-era map: the rows of the unbounded queries they replace -------
# The essay-era map (the shipped data before the map of today) is fixed: the rewritten queries must give
# exactly the unbounded queries' rows there, and the generated market below holds them to their bounds.

UNBOUNDED = FIXTURES / "unbounded-queries"


@pytest.fixture(scope="module")
def shipped() -> LoadedMap:
    """The essay-era map, loaded and validated (this module's stand-in for the shipped map)."""
    return load_valid(FIXTURES / "essay-map")


@pytest.fixture(scope="module")
def shipped_with_results(shipped: LoadedMap) -> ox.Store:
    """The essay-era map with its analysis graph, as `stackmap build` writes it."""
    store = ox.Store()
    store.bulk_extend(shipped.store)
    add_analysis(store, analyse(project(shipped.store)))
    return store


def _values(result, columns: int | None = None) -> list[tuple]:
    return [tuple(None if t is None else t.value for t in row)[:columns] for row in result.rows]


def _not_leading(shipped, with_results) -> set[tuple[str, str]]:
    """(layer name, vendor id) and (layer name, vendor name) of each vendor in a leaf layer that is not
    among the layer's leaders (the layer has more than LEADERS vendors)."""
    prefixes = "PREFIX sm: <https://w3id.org/stackmap/ns/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    unbounded = (UNBOUNDED / "vendors-by-layer.rq").read_text(encoding="utf-8")
    every = _values(run_query(shipped.store, unbounded, timeout=60, limit=100_000))
    leading = {
        (r[0], r[1].rsplit("/", 1)[1])
        for r in _values(
            run_query(
                with_results,
                prefixes + "SELECT ?name ?vendor WHERE { ?x sm:layer ?layer ; sm:leadingVendor ?vendor . "
                "?layer rdfs:label ?l BIND (STR(?l) AS ?name) }",
                timeout=60,
                limit=100_000,
            )
        )
    }
    behind = [r for r in every if (r[2], r[3]) not in leading]
    return {(r[2], r[3]) for r in behind} | {(r[2], r[4]) for r in behind}


@pytest.mark.parametrize("name", [*LISTING_QUERIES, "vertically-integrated-vendors"])
def test_same_rows_as_the_unbounded_query_on_the_shipped_map(shipped, shipped_with_results, name: str) -> None:
    """Each query gives the rows of the unbounded query it replaced (kept in
    tests/fixtures/unbounded-queries), in the same order, but for the vendors that do not lead their
    layer (only layers with more than LEADERS vendors have them: compute hardware on the map of
    2023-2025); vendors-by-layer adds one column (?layerVendors) after them."""
    text = _text(name)
    assert uses_analysis(text)
    new = run_query(shipped_with_results, text, timeout=60, limit=100_000)
    old = run_query(shipped.store, (UNBOUNDED / f"{name}.rq").read_text(encoding="utf-8"), timeout=60, limit=100_000)
    assert new.variables[: len(old.variables)] == old.variables
    assert new.variables[len(old.variables) :] == (["layerVendors"] if name == "vendors-by-layer" else [])
    assert len(old.rows) >= 6
    behind = _not_leading(shipped, shipped_with_results)
    layer, vendor = {"vendors-by-layer": (2, 3), "vendors-by-country": (1, 4)}.get(name, (None, None))
    expected = [r for r in _values(old) if layer is None or (r[layer], r[vendor]) not in behind]
    assert _values(new, len(old.variables)) == expected


@pytest.mark.parametrize(("name", "parameter"), [("chokepoint-candidates", "supplier"), ("runs-on-nvidia", "maker")])
def test_same_rows_as_the_slower_query_for_every_shipped_vendor(shipped, name: str, parameter: str) -> None:
    """Rewritten for speed, the query gives the rows of the one it replaced for every vendor of the shipped map."""
    from graph.query.named import bind

    new = _text(name)
    old = (UNBOUNDED / f"{name}.rq").read_text(encoding="utf-8")
    assert new != old
    query = "SELECT ?v WHERE { ?v a <https://w3id.org/stackmap/ns/Vendor> }"
    vendors = [v for (v,) in shipped.store.query(query, use_default_graph_as_union=True)]
    assert len(vendors) >= 25
    found = 0
    for v in vendors:
        rows = _values(run_query(shipped.store, bind(new, parameter, v.value), timeout=60))
        assert rows == _values(run_query(shipped.store, bind(old, parameter, v.value), timeout=60)), v
        found += len(rows)
    assert found >= 20


def test_tsmc_dependents_same_rows_for_every_shipped_vendor(shipped, shipped_with_results) -> None:
    """tsmc-dependents, asked about each vendor of the shipped map, gives the rows of the unbounded query
    it replaced, which walked the data's dependencies in SPARQL, but for vendors that do not lead."""
    from graph.query.named import bind

    new = _text("tsmc-dependents")
    old = (UNBOUNDED / "tsmc-dependents.rq").read_text(encoding="utf-8")
    assert uses_analysis(new) and not uses_analysis(old)
    query = "SELECT ?v WHERE { ?v a <https://w3id.org/stackmap/ns/Vendor> }"
    vendors = [v for (v,) in shipped.store.query(query, use_default_graph_as_union=True)]
    assert len(vendors) >= 25
    found = {}
    behind = _not_leading(shipped, shipped_with_results)  # rows of vendors that do not lead their layer
    # A consumer that names a vendor above the chips ({id: google, any: true} among its models): the
    # unbounded query lets the vendor stand for all its offerings, the projection for those of the
    # consumer's market only, so such a consumer may be missing from the new rows.
    named = {
        r[0].rsplit("/", 1)[1]
        for r in _values(
            run_query(
                shipped.store,
                "PREFIX sm: <https://w3id.org/stackmap/ns/> SELECT DISTINCT ?n WHERE { "
                "?n sm:usesModel|sm:runsOn|sm:trainedOn|sm:hostedOn ?v . ?v a sm:Vendor }",
                timeout=60,
            )
        )
    }
    for v in vendors:
        rows = _values(run_query(shipped_with_results, bind(new, "maker", v.value), timeout=60))
        expected = _values(run_query(shipped.store, bind(old, "maker", v.value), timeout=60))
        expected = [r for r in expected if (r[1], r[4]) not in behind and (r[2] not in named or r in rows)]
        assert rows == expected, v
        found[v.value.rsplit("/", 1)[1]] = len(rows)
    assert found["tsmc"] >= 10 and found["asml"] >= found["tsmc"] and sum(found.values()) >= 100


def test_supply_chain_vendors_in_the_analysis_graph(hand_made_store: ox.Store) -> None:
    """Each node of a leader in its layer names the other vendors of its supply chain; nodes of vendors
    that lead no layer name none."""
    rows = hand_made_store.query(
        """SELECT ?node ?vendor WHERE { GRAPH <https://w3id.org/stackmap/analysis> {
             ?node sm:supplyChainVendor ?vendor } } ORDER BY ?node ?vendor""",
        prefixes={"sm": "https://w3id.org/stackmap/ns/"},
    )
    assert [(r[0].value.rsplit("/", 1)[1], r[1].value.rsplit("/", 1)[1]) for r in rows] == [
        ("a1", "c05"), ("a2", "c05"), ("a2", "c07"), ("appc", "c07"), ("appc", "c09"),
    ]  # fmt: skip


# -- a generated market: more than ten vendors in a layer -------------------------------------------------

PLAIN = """
PREFIX sm: <https://w3id.org/stackmap/ns/>
SELECT ?layer ?vendor ?country (COUNT(DISTINCT ?offering) AS ?offerings) WHERE {
  { ?offering a sm:Offering ; sm:offeredBy ?vendor ; sm:layer ?layer . }
  UNION { ?vendor a sm:Vendor ; sm:layer ?layer . }
  OPTIONAL { ?vendor sm:headquartersCountry ?hq } BIND (COALESCE(?hq, "unknown") AS ?country)
} GROUP BY ?layer ?vendor ?country
"""
PLAIN_CLAIMS = """
PREFIX sm: <https://w3id.org/stackmap/ns/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?layerName ?type (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?claim a sm:MoatClaim ; sm:about ?about ; sm:moatType ?t .
  { ?about sm:layer ?layer . } UNION { ?offering sm:offeredBy ?about ; sm:layer ?layer . }
  ?layer rdfs:label ?label . ?t rdfs:label ?typeLabel . BIND (STR(?label) AS ?layerName) BIND (STR(?typeLabel) AS ?type)
} GROUP BY ?layerName ?type
"""


@pytest.fixture(scope="module")
def market_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[ox.Store, Projection]:
    """A generated market of 1,500 vendors with its analysis graph, and its projection."""
    from benchmarks.market import generate_market

    folder = tmp_path_factory.mktemp("market")
    generate_market(1500, folder)
    store = load_valid(folder).store
    projection = project(store)
    add_analysis(store, analyse(projection))
    return store, projection


@pytest.fixture(scope="module")
def market(market_map: tuple[ox.Store, Projection]) -> ox.Store:
    return market_map[0]


def test_listings_are_bounded_and_counts_cover_every_vendor(market: ox.Store) -> None:
    """On 1,500 vendors: each listing names at most 10 vendors per layer, the leaders; vendors-by-layer
    and vendors-by-country count every vendor and offering, moats-by-layer every claim, as a plain
    count over the data does."""
    plain = _values(run_query(market, PLAIN, timeout=120, limit=10**6))
    vendors: dict[str, set[str]] = {}
    countries: dict[tuple[str, str], int] = {}
    offerings: dict[tuple[str, str], str] = {}
    for layer, vendor, country, count in plain:
        layer_id, vendor_id = layer.rsplit("/", 1)[1], vendor.rsplit("/", 1)[1]
        vendors.setdefault(layer_id, set()).add(vendor_id)
        countries[(layer_id, country)] = countries.get((layer_id, country), 0) + 1
        offerings[(layer_id, vendor_id)] = count
    assert max(len(v) for v in vendors.values()) > 100

    by_layer = _values(run_query(market, _text("vendors-by-layer"), timeout=60))
    listed: dict[str, set[str]] = {}
    for _, layer, _, vendor, _, _, count, layer_vendors in by_layer:
        listed.setdefault(layer, set()).add(vendor)
        assert count == offerings[(layer, vendor)] and int(layer_vendors) == len(vendors[layer])
    assert set(listed) == set(vendors)
    assert all(len(v) == min(10, len(vendors[layer])) for layer, v in listed.items())

    by_country = _values(run_query(market, _text("vendors-by-country"), timeout=60))
    names = {r[2]: r[1] for r in _values(run_query(market, LAYER_NAMES, timeout=60))}
    found = {(names[layer_name], country): int(count) for _, layer_name, country, count, _, _ in by_country}
    assert found == countries
    leading = {(names[r[1]], r[4]) for r in by_country if r[4] is not None}
    assert leading == {(layer, v) for layer, vs in listed.items() for v in vs}

    claims = {(layer, t): int(n) for layer, t, n in _values(run_query(market, PLAIN_CLAIMS, timeout=60))}
    moats = _values(run_query(market, _text("moats-by-layer"), timeout=60))
    assert len(moats) >= 10
    assert all(int(claims_) == claims[(layer, t)] for _, layer, t, claims_, *_ in moats)


LAYER_NAMES = """
PREFIX sm: <https://w3id.org/stackmap/ns/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?layer ?id ?name WHERE { ?layer sm:stackOrder ?o ; skos:notation ?id ; rdfs:label ?l . BIND (STR(?l) AS ?name) }
"""


def test_single_model_provider_apps_are_the_leaders_apps(market: ox.Store) -> None:
    """On 1,500 vendors: the rows are those of the unbounded query for the apps whose vendor leads the
    app's layer (its offerings there, or itself), in the same order."""
    leaders = {
        (r[0], r[1])
        for r in _values(
            run_query(
                market,
                """PREFIX sm: <https://w3id.org/stackmap/ns/>
                   SELECT ?layer ?vendor WHERE { ?x sm:layer ?layer ; sm:leadingVendor ?vendor }""",
                timeout=60,
            )
        )
    }
    vendor_of = dict(
        _values(
            run_query(
                market,
                """PREFIX sm: <https://w3id.org/stackmap/ns/>
                   SELECT ?app ?vendor WHERE { ?app sm:offeredBy ?vendor }""",
                timeout=60,
                limit=10**6,
            )
        )
    )
    layer_of = {r[2]: r[0] for r in _values(run_query(market, LAYER_NAMES, timeout=60))}
    old = run_query(market, (UNBOUNDED / "single-model-provider-apps.rq").read_text(encoding="utf-8"), timeout=60)
    new = run_query(market, _text("single-model-provider-apps"), timeout=60)
    prefix = "https://w3id.org/stackmap/id/"
    expected = [r for r in _values(old) if (layer_of[r[1]], vendor_of.get(prefix + r[2], prefix + r[2])) in leaders]
    assert len(_values(old)) > 100 and 0 < len(expected) <= 20 * 10
    assert _values(new) == expected


def test_tsmc_dependents_are_the_leaders_dependents(market_map: tuple[ox.Store, Projection]) -> None:
    """On 1,500 vendors, asked about the foundry the most apps depend on: the rows are those of the
    unbounded query for the nodes of each layer's leaders in that layer, in the same order, whose
    supply chain in the projection reaches the foundry (the unbounded query lets a vendor named as a
    dependency stand for all its offerings; the projection keeps to the consumer's market)."""
    import networkx as nx

    from graph.query.named import bind

    market, projection = market_map
    foundry = _values(
        run_query(
            market,
            """PREFIX sm: <https://w3id.org/stackmap/ns/>
               SELECT ?vendor WHERE { ?x sm:layer <https://w3id.org/stackmap/ns/layer/foundry> ;
                                         sm:leaderRank 1 ; sm:leadingVendor ?vendor }""",
            timeout=60,
        )
    )[0][0]
    nodes = """PREFIX sm: <https://w3id.org/stackmap/ns/>
        SELECT ?layer ?node WHERE { ?x sm:layer ?layer ; sm:leadingVendor ?vendor .
          { ?node sm:offeredBy ?vendor ; sm:layer ?layer }
          UNION { ?vendor sm:layer ?layer BIND (?vendor AS ?node) } }"""
    leading = {(r[0], r[1].rsplit("/", 1)[1]) for r in _values(run_query(market, nodes, timeout=60, limit=10**6))}
    layer_of = {r[2]: r[0] for r in _values(run_query(market, LAYER_NAMES, timeout=60))}
    old = run_query(
        market, bind((UNBOUNDED / "tsmc-dependents.rq").read_text(encoding="utf-8"), "maker", foundry), timeout=60
    )
    new = run_query(market, bind(_text("tsmc-dependents"), "maker", foundry), timeout=60)
    graph = projection.graph
    reaches = {
        n for n in graph if foundry.rsplit("/", 1)[1] in {graph.nodes[d]["vendor"] for d in nx.descendants(graph, n)}
    }
    expected = [r for r in _values(old) if (layer_of[r[1]], r[2]) in leading and r[2] in reaches]
    assert len(_values(old)) > 500 and 50 < len(expected) < len(_values(old)) / 4
    assert _values(new) == expected


def _stored_lines(analysis) -> list[bytes]:
    """The analysis graph's lines as a store of it gives them (`add_analysis`, then `graph_lines`)."""
    from graph.render.export import graph_lines

    store = ox.Store()
    add_analysis(store, analysis)
    return [line for _, lines in graph_lines(store) for line in lines]


def test_the_analysis_lines_are_those_a_store_of_them_gives(shipped: LoadedMap, market_map) -> None:
    """`analysis_lines` writes the analysis graph without a store: on the shipped data, the essay-era
    map and 1,500 generated vendors, the same lines, byte for byte, as Oxigraph's dump of a store
    holding it."""
    from graph.analysis.rdf import analysis_lines
    from graph.source.paths import shipped_data_dir

    maps = (project(load_valid(shipped_data_dir()).store), project(shipped.store), market_map[1])
    for projection in maps:
        analysis = analyse(projection)
        lines = analysis_lines(analysis)
        assert lines == _stored_lines(analysis) and len(lines) > 500


def test_the_analysis_terms_are_written_as_oxigraph_writes_them() -> None:
    """Decimals (to 6 places, of every size and sign, -0 included), integers and texts that need
    escapes come out of a store exactly as the analysis graph writes them, so no store is needed to
    make its lines."""
    import random

    from graph.analysis.rdf import _decimal, _integer, _string

    numbers = random.Random(7)
    decimals = [0.0, -0.0, -1e-9, 0.5, 1 / 3, 0.9999995, 1e20, -5.5]
    decimals += [numbers.uniform(-1, 1) * 10 ** numbers.randint(-8, 12) for _ in range(2000)]
    texts = ['a"b', "back\\slash", "tab\there", "nl\nx", "cr\rx", "bell\x07", "del\x7f", "é 中 😀", "\u2028", "\x00z"]
    objects = [_decimal(x) for x in decimals] + [_integer(n) for n in (0, -1, 7, 2**63 - 1)]
    objects += [_string(t) for t in texts]
    lines = [f"<https://example.org/s{i}> <https://example.org/p> {o} ." for i, o in enumerate(objects)]
    store = ox.Store()
    store.load("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://example.org/g"))
    dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode("https://example.org/g"))
    assert sorted(dumped.split(b" .\n")) == sorted([line[:-2].encode() for line in lines] + [b""])


def test_a_triple_given_twice_is_one_line_of_the_analysis_graph(monkeypatch, market_map) -> None:
    """The analysis graph's lines hold a triple once however often the analyses give it, as a store
    of them does; and no triple at all gives no graph to write."""
    from graph.analysis import rdf
    from graph.pipeline import analysis_files

    analysis = analyse(market_map[1])
    given = list(rdf._triples(analysis))
    monkeypatch.setattr(rdf, "_triples", lambda _: iter(given + given[:100]))
    lines = rdf.analysis_lines(analysis)
    assert lines == _stored_lines(analysis) and len(lines) == len(set(given))
    monkeypatch.setattr(rdf, "_triples", lambda _: iter(()))
    assert analysis_files(analysis, {})[1] == []
