"""IRIs of the stackmap vocabulary and of the standard vocabularies it reuses, as plain strings.

Kept free of rdflib and pyoxigraph so that every module can import it at no cost.
"""

from __future__ import annotations

from decimal import Decimal

SM = "https://w3id.org/stackmap/ns/"
LAYER = SM + "layer/"
MOAT = SM + "moat/"
METRIC = SM + "metric/"
SHARE_LEVEL = SM + "share/"
ID = "https://w3id.org/stackmap/id/"
FILE = "https://w3id.org/stackmap/file/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
RDF_SUBJECT = RDF + "subject"
RDF_PREDICATE = RDF + "predicate"
RDF_OBJECT = RDF + "object"
LABEL = RDFS + "label"
COMMENT = RDFS + "comment"
SOURCE = DCTERMS + "source"
TITLE = DCTERMS + "title"
DATE = DCTERMS + "date"
PUBLISHER = DCTERMS + "publisher"
LICENSE = DCTERMS + "license"
ALT_LABEL = SKOS + "altLabel"
TEMPORAL = DCTERMS + "temporal"
URL = SCHEMA + "url"
VALUE = SCHEMA + "value"
MIN_VALUE = SCHEMA + "minValue"
MAX_VALUE = SCHEMA + "maxValue"
UNIT_TEXT = SCHEMA + "unitText"
START_DATE = SCHEMA + "startDate"  # when an offering was released, or a dependency, tie or claim began
END_DATE = SCHEMA + "endDate"  # when an offering was retired, or a dependency, tie or claim ended

XSD_STRING = XSD + "string"
XSD_DECIMAL = XSD + "decimal"
XSD_BOOLEAN = XSD + "boolean"
XSD_DATE = XSD + "date"
XSD_INTEGER = XSD + "integer"
XSD_GYEAR = XSD + "gYear"
XSD_GYEARMONTH = XSD + "gYearMonth"

VENDOR = SM + "Vendor"
OFFERING = SM + "Offering"
TIE = SM + "Tie"
DEPENDENCY = SM + "Dependency"
MOAT_CLAIM = SM + "MoatClaim"
FIGURE = SM + "Figure"
SOURCE_CLASS = SM + "Source"
DATA_FILE = SM + "DataFile"
LAYER_CLASS = SM + "Layer"

DEPENDS_ON = SM + "dependsOn"
OFFERED_BY = SM + "offeredBy"
IN_LAYER = SM + "layer"
MARKET = SM + "market"
OPEN_WEIGHTS = SM + "openWeights"
COUNTRY = SM + "headquartersCountry"
SHARE = SM + "share"
ANY_OFFERING = SM + "anyOffering"
SHARE_LEVEL_PROP = SM + "shareLevel"
ABOUT = SM + "about"
MOAT_TYPE = SM + "moatType"
EVIDENCE = SM + "evidence"
METRIC_PROP = SM + "metric"
PATH = SM + "path"
AS_OF = SM + "asOf"  # the last day of the period a figure measures
YAML_KEY = SM + "yamlKey"
STACK_ORDER = SM + "stackOrder"

# Prefixes bound in exports and offered to queries.
PREFIXES: dict[str, str] = {
    "sm": SM,
    "stack": ID,
    "layer": LAYER,
    "moat": MOAT,
    "metric": METRIC,
    "level": SHARE_LEVEL,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SCHEMA,
}


def decimal_text(number: Decimal) -> str:
    """The canonical xsd:decimal spelling of a number, as Oxigraph writes it ("0.5", "1", "0")."""
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def entity(identifier: str) -> str:
    """The IRI of the data entity with this id."""
    return ID + identifier


def local_id(iri: str) -> str | None:
    """The id of a data entity IRI, or None when the IRI is not under the entity base."""
    if iri.startswith(ID) and "/" not in iri[len(ID) :]:
        return iri[len(ID) :]
    return None


def prefixed(iri: str) -> str:
    """The IRI as a prefixed name (`stack:tsmc`, `sm:runsOn`) when a known prefix fits, else unchanged."""
    for prefix, base in PREFIXES.items():
        rest = iri[len(base) :]
        if iri.startswith(base) and rest and "/" not in rest and "#" not in rest:
            return f"{prefix}:{rest}"
    return iri


def file_graph(relpath: str) -> str:
    """The IRI of the named graph holding the facts of the data file at relpath."""
    from urllib.parse import quote

    return FILE + quote(relpath, safe="/-._~")
