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


@gc_paused()
def analysis_nquads(analysis: Analysis) -> bytes:
    """The analysis results as N-Quads in the analysis graph, one line per quad, lines sorted (the
    text is parsed by Oxigraph when loaded, which checks every term)."""
    graph = f" <{ANALYSIS_GRAPH}> .\n"
    sm = {t: f"<{vocab.SM}{t}>" for t in TERMS}
    lines: list[str] = []
    add = lines.append
    entity = vocab.ID

    for name, count in {**analysis.reach.nodes, **analysis.reach.vendors}.items():
        add(f'<{entity}{name}> {sm["reach"]} "{count}"^^<{vocab.XSD_INTEGER}>{graph}')
    for c in analysis.chokepoints.ranking:
        v = _iri(vocab.entity(c.vendor))
        add(f"{v} {sm['chokepointRank']} {_integer(c.rank)}{graph}")
        add(f"{v} {sm['appsCutOff']} {_integer(len(c.apps_cut_off))}{graph}")
        add(f"{v} {sm['capacityLost']} {_decimal(c.capacity_lost)}{graph}")
    for pair in analysis.chokepoints.pairs:
        a, b = (_iri(vocab.entity(v)) for v in pair.vendors)
        add(f"{a} {sm['criticalPairWith']} {b}{graph}")
        add(f"{b} {sm['criticalPairWith']} {a}{graph}")
    for c in analysis.concentration:
        node = _iri(f"{CONCENTRATION_BASE}{c.scope}/{c.id}")
        add(f"{node} {_iri(vocab.RDF_TYPE)} {sm['Concentration']}{graph}")
        if c.scope == "layer":
            add(f"{node} {_iri(vocab.IN_LAYER)} {_iri(vocab.LAYER + c.id)}{graph}")
        else:
            add(f"{node} {_iri(vocab.MARKET)} {_string(c.id)}{graph}")
        add(f"{node} {sm['hhi']} {_decimal(c.hhi)}{graph}")
        add(f"{node} {sm['hhiMax']} {_decimal(c.hhi_max)}{graph}")
        add(f"{node} {sm['cr1']} {_decimal(c.cr1)}{graph}")
        add(f"{node} {sm['cr4']} {_decimal(c.cr4)}{graph}")
        add(f"{node} {sm['concentrationBand']} {_string(c.band)}{graph}")
        add(f"{node} {sm['shareBasis']} {_string(c.basis)}{graph}")
        if c.period:
            add(f"{node} {_iri(vocab.TEMPORAL)} {_string(c.period)}{graph}")
        if c.countries_to_75 is not None:
            add(f"{node} {sm['countriesTo75']} {_integer(c.countries_to_75)}{graph}")
    for integration in analysis.integration:
        v = _iri(vocab.entity(integration.vendor))
        add(f"{v} {sm['groupTopLayers']} {_integer(len(integration.group_top_layers))}{graph}")
    a, in_layer = _iri(vocab.RDF_TYPE), _iri(vocab.IN_LAYER)
    for x in analysis.leaders:
        base, layer = f"{LAYER_BASE}{x.layer}", _iri(vocab.LAYER + x.layer)

        def record(path: str, cls: str, *facts: tuple[str, str], base=base, layer=layer) -> None:
            """A record of the layer: its class, its layer and the (predicate, object) facts given."""
            node = _iri(base + path)
            for predicate, value in ((a, sm[cls]), (in_layer, layer), *facts):
                add(f"{node} {predicate} {value}{graph}")

        record(
            "", "LayerSummary", (sm["vendorCount"], _integer(x.vendors)), (sm["offeringCount"], _integer(x.offerings))
        )
        for country, count in x.countries.items():
            record(
                f"/country/{country}",
                "CountryCount",
                (sm["country"], _string(country)),
                (sm["vendorCount"], _integer(count)),
            )
        for moat_type, count in x.moat_claims.items():
            moat = _iri(vocab.MOAT + moat_type)
            record(
                f"/moat/{moat_type}",
                "MoatClaimCount",
                (_iri(vocab.MOAT_TYPE), moat),
                (sm["claimCount"], _integer(count)),
            )
        for leader in x.leaders:
            record(
                f"/leader/{leader.rank}",
                "LayerLeader",
                (sm["leaderRank"], _integer(leader.rank)),
                (sm["leadingVendor"], _iri(vocab.entity(leader.vendor))),
                (sm["offeringCount"], _integer(leader.offerings)),
                (sm["country"], _string(leader.country)),
            )
            for node, suppliers in leader.supply_chains.items():
                for supplier in suppliers:
                    add(f"{_iri(vocab.entity(node))} {sm['supplyChainVendor']} {_iri(vocab.entity(supplier))}{graph}")
    lines.sort()
    return "".join(lines).encode("utf-8")


def analysis_quads(analysis: Analysis) -> list[ox.Quad]:
    """The analysis results as quads in the analysis graph, sorted (see analysis_nquads)."""
    return sorted(ox.parse(analysis_nquads(analysis), format=ox.RdfFormat.N_QUADS), key=str)


def add_analysis(store: ox.Store, analysis: Analysis) -> None:
    """Add the analysis results to the store, in the analysis graph."""
    store.load(analysis_nquads(analysis), format=ox.RdfFormat.N_QUADS)
