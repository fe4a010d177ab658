"""The analysis results as RDF: quads in their own named graph, so SPARQL can read them beside the data.

Per vendor and node: sm:reach; per chokepoint candidate: sm:chokepointRank, sm:appsCutOff,
sm:capacityLost and sm:criticalPairWith; per vertically integrated vendor: sm:groupTopLayers; per
layer and market: an sm:Concentration with sm:hhi, sm:hhiMax, sm:cr1, sm:cr4, sm:concentrationBand,
sm:shareBasis, dcterms:temporal and sm:countriesTo75;
per leaf layer (graph/layer_leaders.py): an sm:LayerSummary with sm:vendorCount and sm:offeringCount,
an sm:CountryCount per country (sm:country, sm:vendorCount), an sm:MoatClaimCount per moat type
(sm:moatType, sm:claimCount) and an sm:LayerLeader per leading vendor (sm:leaderRank, sm:leadingVendor,
its sm:offeringCount in the layer and sm:country); per node of a leader in its layer: sm:supplyChainVendor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..source import vocab

if TYPE_CHECKING:  # `stackmap query` imports this module: keep networkx out of its start-up
    from .results import Analysis
from ..runtime.gc_pause import gc_paused

ANALYSIS_GRAPH = "https://w3id.org/stackmap/analysis"
CONCENTRATION_BASE = ANALYSIS_GRAPH + "/concentration/"
LAYER_BASE = ANALYSIS_GRAPH + "/layer/"
TERMS = (
    "reach",
    "chokepointRank",
    "appsCutOff",
    "capacityLost",
    "criticalPairWith",
    "Concentration",
    "hhi",
    "hhiMax",
    "cr1",
    "cr4",
    "concentrationBand",
    "shareBasis",
    "countriesTo75",
    "LayerSummary",
    "CountryCount",
    "MoatClaimCount",
    "LayerLeader",
    "vendorCount",
    "offeringCount",
    "claimCount",
    "country",
    "leaderRank",
    "leadingVendor",
    "supplyChainVendor",
    "groupTopLayers",
)
_USES_TERMS = re.compile(r"(sm:|" + re.escape(vocab.SM) + r")(" + "|".join(TERMS) + r")\b")


def uses_analysis(query: str) -> bool:
    """Whether a query asks for analysis results (names one of their terms or their graph)."""
    return bool(_USES_TERMS.search(query)) or ANALYSIS_GRAPH in query


def _integer(n: int) -> str:
    return f'"{n}"^^<{vocab.XSD_INTEGER}>'


def _decimal(x: float) -> str:
    """x to 6 places as a canonical xsd:decimal ("0.5", "1"), in N-Quads."""
    return f'"{vocab.decimal_text(Decimal(f"{x:.6f}"))}"^^<{vocab.XSD_DECIMAL}>'


def _string(text: str) -> str:
    return str(ox.Literal(text))  # Oxigraph escapes it as N-Quads does


def _iri(iri: str) -> str:
    return f"<{iri}>"


_SM = {t: f"<{vocab.SM}{t}>" for t in TERMS}


def _triples(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    """Every triple of the analysis graph, its terms in N-Triples as Oxigraph writes them: IRIs as
    they are, literals through `ox.Literal` or in their canonical lexical form (integers, and
    decimals to 6 places by `vocab.decimal_text`)."""
    for part in (_reach, _chokepoints, _concentration, _integration, _leaders):
        yield from part(analysis)


@gc_paused()
def analysis_lines(analysis: Analysis) -> list[bytes]:
    """The analysis graph as sorted N-Triples lines without duplicates ("<s> <p> <o> ."): the lines
    `export.graph_lines` gives for that graph once `add_analysis` has loaded it into a store, made
    without the store, since every term is already written as Oxigraph writes it (tested). The TriG
    converter parses them as the dataset is written, so a term Oxigraph refuses still fails a build."""
    return sorted({f"{s} {p} {o} .".encode() for s, p, o in _triples(analysis)})


def _reach(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    for name, count in {**analysis.reach.nodes, **analysis.reach.vendors}.items():
        yield f"<{vocab.ID}{name}>", _SM["reach"], f'"{count}"^^<{vocab.XSD_INTEGER}>'


def _chokepoints(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    for c in analysis.chokepoints.ranking:
        v = _iri(vocab.entity(c.vendor))
        yield v, _SM["chokepointRank"], _integer(c.rank)
        yield v, _SM["appsCutOff"], _integer(len(c.apps_cut_off))
        yield v, _SM["capacityLost"], _decimal(c.capacity_lost)
    for pair in analysis.chokepoints.pairs:
        a, b = (_iri(vocab.entity(v)) for v in pair.vendors)
        yield a, _SM["criticalPairWith"], b
        yield b, _SM["criticalPairWith"], a


def _concentration(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    for c in analysis.concentration:
        node = _iri(f"{CONCENTRATION_BASE}{c.scope}/{c.id}")
        yield node, _iri(vocab.RDF_TYPE), _SM["Concentration"]
        if c.scope == "layer":
            yield node, _iri(vocab.IN_LAYER), _iri(vocab.LAYER + c.id)
        else:
            yield node, _iri(vocab.MARKET), _string(c.id)
        for term, value in (("hhi", c.hhi), ("hhiMax", c.hhi_max), ("cr1", c.cr1), ("cr4", c.cr4)):
            yield node, _SM[term], _decimal(value)
        yield node, _SM["concentrationBand"], _string(c.band)
        yield node, _SM["shareBasis"], _string(c.basis)
        if c.period:
            yield node, _iri(vocab.TEMPORAL), _string(c.period)
        if c.countries_to_75 is not None:
            yield node, _SM["countriesTo75"], _integer(c.countries_to_75)


def _integration(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    for integration in analysis.integration:
        yield _iri(vocab.entity(integration.vendor)), _SM["groupTopLayers"], _integer(len(integration.group_top_layers))


def _leaders(analysis: Analysis) -> Iterator[tuple[str, str, str]]:
    """Per leaf layer, records of its counts and its leading vendors (with their supply chains)."""
    a, in_layer = _iri(vocab.RDF_TYPE), _iri(vocab.IN_LAYER)
    for x in analysis.leaders:
        base, layer = f"{LAYER_BASE}{x.layer}", _iri(vocab.LAYER + x.layer)

        def record(path: str, cls: str, *facts: tuple[str, str], base=base, layer=layer):
            """A record of the layer: its class, its layer and the (predicate, object) facts given."""
            node = _iri(base + path)
            for predicate, value in ((a, _SM[cls]), (in_layer, layer), *facts):
                yield node, predicate, value

        yield from record(
            "", "LayerSummary", (_SM["vendorCount"], _integer(x.vendors)), (_SM["offeringCount"], _integer(x.offerings))
        )
        for country, count in x.countries.items():
            yield from record(
                f"/country/{country}",
                "CountryCount",
                (_SM["country"], _string(country)),
                (_SM["vendorCount"], _integer(count)),
            )
        for moat_type, count in x.moat_claims.items():
            yield from record(
                f"/moat/{moat_type}",
                "MoatClaimCount",
                (_iri(vocab.MOAT_TYPE), _iri(vocab.MOAT + moat_type)),
                (_SM["claimCount"], _integer(count)),
            )
        for leader in x.leaders:
            yield from record(
                f"/leader/{leader.rank}",
                "LayerLeader",
                (_SM["leaderRank"], _integer(leader.rank)),
                (_SM["leadingVendor"], _iri(vocab.entity(leader.vendor))),
                (_SM["offeringCount"], _integer(leader.offerings)),
                (_SM["country"], _string(leader.country)),
            )
            for node, suppliers in leader.supply_chains.items():
                for supplier in suppliers:
                    yield _iri(vocab.entity(node)), _SM["supplyChainVendor"], _iri(vocab.entity(supplier))


def analysis_quads(analysis: Analysis) -> list[ox.Quad]:
    """The analysis results as quads in the analysis graph, sorted."""
    store = ox.Store()
    add_analysis(store, analysis)
    return sorted(store, key=str)


def add_analysis(store: ox.Store, analysis: Analysis) -> None:
    """Add the analysis results to the store, in the analysis graph (Oxigraph parses the lines, so
    it checks every term)."""
    store.load(
        b"\n".join(analysis_lines(analysis)), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ANALYSIS_GRAPH)
    )
