"""Names, ids and aliases for importers: matching a dataset's spelling of an organisation or product
to the vendors and offerings a data folder already holds, and minting stable ids for new ones.

Matching is case-, accent- and punctuation-insensitive: "NVIDIA", "Nvidia" and "nvidia" are one key,
and so are "Hugging Face" and `hugging-face`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..runtime.terminal import ANY_CONTROL
from ..source import ontology, vocab
from ..source.loader import data_files, read_file

ALIASES_FILE = Path(__file__).resolve().parent / "aliases.yaml"
ID_ROOM = 90  # characters of a minted id before its numeric suffix (ids may have 100)
_PAREN_RE = re.compile(r"\s*\([^)]*\)")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def key(text: str) -> str:
    """The matching key of a name: lower-case ASCII letters and digits only ("Hugging Face" -> "huggingface")."""
    return re.sub(r"[^a-z0-9]+", "", _ascii(text).lower())


def slug(text: str) -> str:
    """An id for a name: lower-case letters, digits and hyphens ("GPT-3 175B (davinci)" -> "gpt-3-175b-davinci")."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def clean(text: str) -> str:
    """A cell's text on one line, with runs of white space made one space and control or
    bidirectional formatting characters (which data files refuse) made spaces first."""
    return " ".join(ANY_CONTROL.sub(" ", text).split())


def split_values(cell: str) -> list[str]:
    """The values of a cell that may hold several, comma-separated; blanks and repeats dropped, order kept."""
    values: list[str] = []
    for part in cell.split(","):
        value = clean(part)
        if value and value not in values:
            values.append(value)
    return values


def display_name(spelling: str) -> str:
    """The name a new vendor gets from a spelling: the first of "A / B" alternatives, without remarks in
    parentheses ("Carnegie Mellon University (CMU)" -> "Carnegie Mellon University")."""
    first = spelling.split(" / ")[0]
    return clean(_PAREN_RE.sub("", first)) or clean(spelling)


def spellings(spelling: str) -> list[str]:
    """Every form of a spelling worth matching: itself, its "A / B" alternatives, and its display name."""
    forms = [spelling, *(p.strip() for p in spelling.split(" / ")), display_name(spelling)]
    return [f for i, f in enumerate(forms) if f and key(f) and f not in forms[:i]]


def load_alias_table(path: Path = ALIASES_FILE) -> dict[str, list[str]]:
    """The importers' alias table: display name -> other spellings (for organisations not in data/)."""
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(name): [str(s) for s in others or []] for name, others in table.items()}


@dataclass
class KnownOffering:
    """An offering already in the data folder."""

    id: str
    name: str
    vendor: str
    layer: str  # leaf layer id
    aliases: tuple[str, ...] = ()
    released: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD


@dataclass
class Existing:
    """What a data folder already declares, as far as an importer needs it."""

    vendors: dict[str, str] = field(default_factory=dict)  # id -> name
    aliases: dict[str, list[str]] = field(default_factory=dict)  # vendor or offering id -> aliases
    offerings: dict[str, KnownOffering] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)  # every declared id, of any kind

    def vendor_keys(self) -> dict[str, str]:
        """Matching key -> vendor id, from ids, names and aliases."""
        keys: dict[str, str] = {}
        for vid in sorted(self.vendors):
            for text in (vid, self.vendors[vid], *self.aliases.get(vid, [])):
                keys.setdefault(key(text), vid)
        return keys

    def offerings_of(self, vendor: str, layers: set[str]) -> list[KnownOffering]:
        """The offerings of a vendor in the given layers, sorted by id."""
        return [o for _, o in sorted(self.offerings.items()) if o.vendor == vendor and o.layer in layers]


def read_existing(data_dir: Path, skip: Path | None = None, marker: str | None = None) -> Existing:
    """The vendors, aliases, offerings and ids of a data folder. Files under `skip` that start with
    `marker` (an importer's earlier output) are left out, so re-running an import sees only the rest."""
    vocabulary = ontology.load_vocabulary()
    layer_ids = {layer.iri: lid for lid, layer in vocabulary.layers.items()}
    skip = skip.resolve() if skip else None
    existing = Existing()
    labels: dict[str, str] = {}
    offered_by: dict[str, str] = {}
    layer_of: dict[str, str] = {}
    released: dict[str, str] = {}
    for path in data_files(data_dir):
        if skip and marker and path.resolve().is_relative_to(skip) and _starts_with(path, marker):
            continue
        facts = read_file(data_dir, path, vocabulary)
        existing.ids.update(facts.declared)
        for quad in facts.all_quads():
            s, p, o = quad.subject.value, quad.predicate.value, quad.object.value
            if p == vocab.RDF_TYPE and o == vocab.VENDOR:
                existing.vendors.setdefault(vocab.local_id(s), "")
            elif p == vocab.LABEL:
                labels[s] = o
            elif p == vocab.ALT_LABEL:
                existing.aliases.setdefault(vocab.local_id(s), []).append(o)
            elif p == vocab.OFFERED_BY:
                offered_by[s] = vocab.local_id(o)
            elif p == vocab.IN_LAYER and o in layer_ids:
                layer_of[s] = layer_ids[o]
            elif p == vocab.START_DATE:
                released[s] = o
    for vid in existing.vendors:
        existing.vendors[vid] = labels.get(vocab.entity(vid), vid)
    for iri, vendor in offered_by.items():
        oid = vocab.local_id(iri)
        aliases = tuple(existing.aliases.get(oid, []))
        existing.offerings[oid] = KnownOffering(
            oid, labels.get(iri, oid), vendor, layer_of.get(iri, ""), aliases, released.get(iri)
        )
    return existing


def _starts_with(path: Path, marker: str) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(marker.encode())).decode("utf-8", "replace") == marker


def unique_id(candidates: list[str], taken: set[str]) -> str:
    """The first candidate id not taken, else the first with the lowest free numeric suffix; added to taken.
    Candidates are cut to ID_ROOM characters, so that an id with its suffix stays within a data file's limit."""
    candidates = [c[:ID_ROOM].rstrip("-") for c in candidates if c] or ["imported"]
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{candidates[0]}-{n}" in taken:
        n += 1
    taken.add(f"{candidates[0]}-{n}")
    return f"{candidates[0]}-{n}"
