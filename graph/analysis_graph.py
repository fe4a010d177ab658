"""The analysis results as RDF: quads in their own named graph, so SPARQL can read them beside the data.

Per vendor and node: sm:reach; per chokepoint candidate: sm:chokepointRank, sm:appsCutOff,
sm:capacityLost and sm:criticalPairWith; per layer and market: an sm:Concentration with sm:hhi,
sm:hhiMax, sm:cr1, sm:cr4, sm:concentrationBand, sm:shareBasis, dcterms:temporal and sm:countriesTo75.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import vocab

if TYPE_CHECKING:  # `stackmap query` imports this module: keep networkx out of its start-up
    from .analysis import Analysis
from .gc_pause import gc_paused

ANALYSIS_GRAPH = "https://w3id.org/stackmap/analysis"
CONCENTRATION_BASE = ANALYSIS_GRAPH + "/concentration/"
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
)
_USES_TERMS = re.compile(r"(sm:|" + re.escape(vocab.SM) + r")(" + "|".join(TERMS) + r")\b")


def uses_analysis(query: str) -> bool:
    """Whether a query asks for analysis results (names one of their terms or their graph)."""
    return bool(_USES_TERMS.search(query)) or ANALYSIS_GRAPH in query


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(vocab.XSD_INTEGER))


def _decimal(x: float) -> ox.Literal:
    """x to 6 places as a canonical xsd:decimal ("0.5", "1")."""
    return ox.Literal(vocab.decimal_text(Decimal(f"{x:.6f}")), datatype=ox.NamedNode(vocab.XSD_DECIMAL))


@gc_paused()
def analysis_quads(analysis: Analysis) -> list[ox.Quad]:
    """The analysis results as quads in the analysis graph, sorted."""
    g = ox.NamedNode(ANALYSIS_GRAPH)
    sm = {t: ox.NamedNode(vocab.SM + t) for t in TERMS}
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: str, o) -> None:
        quads.append(ox.Quad(s, sm[p] if p in sm else ox.NamedNode(p), o, g))

    for name, count in {**analysis.reach.nodes, **analysis.reach.vendors}.items():
        add(ox.NamedNode(vocab.entity(name)), "reach", _integer(count))
    for c in analysis.chokepoints.ranking:
        v = ox.NamedNode(vocab.entity(c.vendor))
        add(v, "chokepointRank", _integer(c.rank))
        add(v, "appsCutOff", _integer(len(c.apps_cut_off)))
        add(v, "capacityLost", _decimal(c.capacity_lost))
    for pair in analysis.chokepoints.pairs:
        a, b = (ox.NamedNode(vocab.entity(v)) for v in pair.vendors)
        add(a, "criticalPairWith", b)
        add(b, "criticalPairWith", a)
    for c in analysis.concentration:
        node = ox.NamedNode(f"{CONCENTRATION_BASE}{c.scope}/{c.id}")
        add(node, vocab.RDF_TYPE, sm["Concentration"])
        if c.scope == "layer":
            add(node, vocab.IN_LAYER, ox.NamedNode(vocab.LAYER + c.id))
        else:
            add(node, vocab.MARKET, ox.Literal(c.id))
        add(node, "hhi", _decimal(c.hhi))
        add(node, "hhiMax", _decimal(c.hhi_max))
        add(node, "cr1", _decimal(c.cr1))
        add(node, "cr4", _decimal(c.cr4))
        add(node, "concentrationBand", ox.Literal(c.band))
        add(node, "shareBasis", ox.Literal(c.basis))
        if c.period:
            add(node, vocab.TEMPORAL, ox.Literal(c.period))
        if c.countries_to_75 is not None:
            add(node, "countriesTo75", _integer(c.countries_to_75))
    return sorted(quads, key=str)
