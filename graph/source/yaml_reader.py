"""Read one YAML data file into RDF quads, with the line of every fact.

The file is composed into YAML nodes (which keep their line numbers) rather than loaded into plain
Python values, so every problem can name its line. This module checks structure only (keys, types,
ids of the ontology's vocabularies); references across files, shares and sources are checked over
the merged RDF by `checks` and the SHACL shapes.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import yaml

from ..runtime.terminal import printable
from . import vocab
from .facts import FIGURE, OFFERING, PARTIES, SOURCE, VENDOR, FileFacts, Reference
from .ontology import Vocabulary
from .problems import Problem, did_you_mean, excerpt, text_problem

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")

_NULL_TAG, _BOOL_TAG, _STR_TAG = (f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "str"))
# The tags of YAML's core and the schemas PyYAML knows; a file may spell these out (`!!str 2024`).
_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "str", "int", "float", "timestamp", "map", "seq")
)
# The longest text each kind of field may hold (characters); names are drawn in the view and figures.
MAX_TEXT = {"name": 80, "aliases": 80, "title": 300, "publisher": 120, "period": 60, "unit": 20}
MAX_TEXT |= dict.fromkeys(("url", "homepage", "licence"), 2_000)
MAX_ID = 100  # characters of an id
MAX_LONG_TEXT = 2_000  # description, note, evidence
LONG_TEXTS = frozenset(("description", "note", "evidence"))
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # YAML 1.1 as PyYAML's SafeLoader resolves them
_BOOLS = frozenset(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's (C) safe loader, resolving plain scalars to null, bool or str only: the reader reads
    numbers and dates from the text itself, so the other tags (and their regular expressions, a
    fifth of the time spent composing) are not needed."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value in _NULLS:
                    return _NULL_TAG
                if value in _BOOLS:
                    return _BOOL_TAG
            return _STR_TAG
        return super().resolve(kind, value, implicit)


# Keys of each kind of mapping (the relation keys of the ontology are added at run time).
VENDOR_KEYS = [
    *("id", "name", "aliases", "country", "homepage", "description", "source", "layer"),
    *("offerings", "moats", "figures", "sources"),
]
FACTS_FILE_KEYS = ["source", "sources", "figures"]
EXTENSION_KEYS = ["extends", "source", "sources", "offerings"]  # a file adding offerings to a vendor declared elsewhere
OFFERING_KEYS = ["id", "name", "layer", "market", "open_weights", "homepage", "description", "source"]
REFERENCE_KEYS = ["id", "share", "note", "source"]
TIE_REFERENCE_KEYS = ["id", "note", "source"]
MOAT_KEYS = ["type", "evidence", "about", "source"]
FIGURE_KEYS = ["id", "metric", "value", "min", "max", "unit", "period", "about", "layer", "market", "note", "source"]
SOURCE_KEYS = ["url", "title", "date", "publisher", "licence"]


def _node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _lit(value: str, datatype: str = vocab.XSD_STRING) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def _parse_number(node: yaml.Node) -> Decimal | None:
    """The finite number a scalar node spells (`3.8e9` included, booleans not), or None."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == _BOOL_TAG:
        return None
    try:
        number = Decimal(node.value.replace("_", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class _Reader:
    """Walks the node tree of one file, emitting quads and collecting problems."""

    def __init__(self, relpath: str, vocabulary: Vocabulary, detail_lines: bool = True):
        self.vocab = vocabulary
        self.facts = FileFacts(relpath=relpath, graph=vocab.file_graph(relpath), detail_lines=detail_lines)
        self.graph_end = f"<{self.facts.graph}> .\n"  # the end of each N-Quads line of this file

    # -- output -------------------------------------------------------------------------------

    def problem(self, line: int, message: str) -> None:
        self.facts.problems.append(Problem(self.facts.relpath, line, message))

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str, line: int) -> None:
        """State (s, p, o) in the file's graph, as an N-Quads line: every IRI here is a vocabulary
        term, an id checked against ID_RE, or a URL checked by `url`, so the text is valid N-Quads."""
        if isinstance(o, str):
            self.facts.nquads.append(f"<{s}> <{p}> <{o}> {self.graph_end}")
            if self.facts.detail_lines:
                self.facts.lines.setdefault((s, p, o), line)
        else:
            self.facts.nquads.append(f"<{s}> <{p}> {o} {self.graph_end}")
        if self.facts.detail_lines:
            self.facts.lines.setdefault((s, p), line)

    def declare(self, identifier: str, kind: str, line: int) -> str:
        iri = vocab.entity(identifier)
        if identifier in self.facts.declared:
            first_kind, first_line = self.facts.declared[identifier]
            self.problem(
                line,
                f"id '{identifier}' is declared twice in this file "
                f"(first as a {first_kind} on line {first_line}): rename one",
            )
        else:
            self.facts.declared[identifier] = (kind, line)
        self.facts.lines.setdefault((iri,), line)
        return iri

    def refer(self, identifier: str, kinds: tuple[str, ...], key: str, line: int) -> str:
        self.facts.references.append(Reference(identifier, kinds, key, line))
        return vocab.entity(identifier)

    # -- typed readers ------------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, what: str, allowed: list[str], required: list[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """The keys of a mapping node, after reporting duplicate, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(_node_line(node), f"{what} must be a mapping of keys to values, not {self.kind_of(node)}")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = _node_line(key_node)
            if not isinstance(key, str):
                self.problem(line, f"{what} has a key that is not text: use plain keys such as `name`")
                continue
            if key in out:
                self.problem(
                    line, f"key '{key}' appears twice in {what} (first on line {_node_line(out[key][0])}): keep one"
                )
                continue
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problem(
                    line, f"unknown key '{key}' in {what}{hint or ': remove it (data/README.md lists the keys)'}"
                )
                continue
            out[key] = (key_node, value_node)
        for key in required:
            if key not in out or self.is_null(out[key][1]):
                self.problem(_node_line(node), f"{what} is missing `{key}`: add it")
        return out

    @staticmethod
    def is_null(node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG

    @staticmethod
    def kind_of(node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        if _Reader.is_null(node):
            return "empty"
        return excerpt(node.value)

    def text(self, node: yaml.Node, key: str, words: bool = True) -> str | None:
        """The text of a scalar node; with `words` (a text for people, not an id or a URL) a plain
        number or boolean is refused (quote it), and so are control characters and overlong texts."""
        line = _node_line(node)
        if isinstance(node, yaml.ScalarNode) and not self.is_null(node):
            value = node.value.strip()
            if value and words and not node.style and (node.tag == _BOOL_TAG or _parse_number(node) is not None):
                kind = "boolean" if node.tag == _BOOL_TAG else "number"
                self.problem(line, f'`{key}` must be text, not the {kind} {excerpt(value)}: quote it ("{value[:40]}")')
                return None
            if value and (trouble := text_problem(value, multiline=key in LONG_TEXTS)):
                self.problem(line, f"`{key}` {trouble}")
                return None
            limit = MAX_LONG_TEXT if key in LONG_TEXTS else MAX_TEXT.get(key, 200)
            if len(value) > limit:
                self.problem(line, f"`{key}` is {len(value):,} characters long, over the limit of {limit}: shorten it")
                return None
            if value:
                return value
        self.problem(line, f"`{key}` must be non-empty text, not {self.kind_of(node)}")
        return None

    def ident(self, node: yaml.Node, key: str) -> str | None:
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if len(value) > MAX_ID:
            self.problem(_node_line(node), f"`{key}` is an id of {len(value):,} characters, over the limit of {MAX_ID}")
            return None
        if not ID_RE.match(value):
            suggestion = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:60]
            self.problem(
                _node_line(node),
                f"`{key}` {excerpt(value)} is not a valid id: "
                f"use lower-case letters, digits and hyphens, such as '{suggestion}'",
            )
            return None
        return value

    def number(self, node: yaml.Node, key: str) -> Decimal | None:
        if (number := _parse_number(node)) is not None:
            return number
        self.problem(_node_line(node), f"`{key}` must be a number, not {self.kind_of(node)}")
        return None

    def boolean(self, node: yaml.Node, key: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL_TAG:
            return node.value.lower() in ("true", "yes", "on", "y")
        self.problem(_node_line(node), f"`{key}` must be true or false, not {self.kind_of(node)}")
        return None

    def date(self, node: yaml.Node, key: str) -> str | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value and DATE_RE.match(value):
            try:
                dt.date.fromisoformat(value)
                return value
            except ValueError:
                pass
        self.problem(_node_line(node), f"`{key}` must be a date as YYYY-MM-DD, not {self.kind_of(node)}")
        return None

    def url(self, node: yaml.Node, key: str) -> str | None:
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if not URL_RE.match(value):
            self.problem(_node_line(node), f"`{key}` must be an http:// or https:// URL, not {excerpt(value)}")
            return None
        try:
            ox.NamedNode(value)
        except ValueError as error:
            self.problem(
                _node_line(node),
                f"`{key}` {excerpt(value)} is not a valid URL ({error}): percent-encode special characters (%25 for %)",
            )
            return None
        return value

    def concept(self, node: yaml.Node, key: str, scheme: dict[str, str], what: str) -> str | None:
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if value not in scheme:
            hint = did_you_mean(value, scheme) or f"; choose one of: {', '.join(sorted(scheme))}"
            self.problem(_node_line(node), f"unknown {what} {excerpt(value)}{hint}")
            return None
        return scheme[value]

    def items(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        """The items of a list, or the node itself when one value is given without a list."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if self.is_null(node):
            self.problem(_node_line(node), f"`{key}` is empty: give at least one item or remove the key")
            return []
        return [node]

    def put(self, subject: str, prop: str, fields: dict, key: str, kind: str) -> None:
        """Read `key` of fields as `kind` and state it as `prop` of subject; a value that cannot be read
        is reported here and remembered, so SHACL does not report it missing as well."""
        if key not in fields:
            return
        node = fields[key][1]
        line = _node_line(node)
        term: ox.Literal | str | None = None
        if kind == "text":
            term = (value := self.text(node, key)) and _lit(value)
        elif kind == "id":
            term = (value := self.ident(node, key)) and _lit(value)
        elif kind == "code":
            term = (value := self.text(node, key, words=False)) and _lit(value)
        elif kind == "url":
            term = self.url(node, key)
        elif kind == "date":
            term = (value := self.date(node, key)) and _lit(value, vocab.XSD_DATE)
        elif kind == "boolean":
            flag = self.boolean(node, key)
            term = None if flag is None else _lit("true" if flag else "false", vocab.XSD_BOOLEAN)
        elif kind == "number":
            number = self.number(node, key)
            term = None if number is None else _lit(vocab.decimal_text(number), vocab.XSD_DECIMAL)
        elif kind == "layer":
            term = self.concept(node, key, self.layer_ids, "layer")
        elif kind == "metric":
            term = self.concept(node, key, self.vocab.metrics, "metric")
        elif kind == "moat":
            term = self.concept(node, key, self.vocab.moat_types, "moat type")
        if term:
            self.add(subject, prop, term, line)
        else:
            self.facts.rejected.add((subject, prop))

    # -- sections -----------------------------------------------------------------------------

    def read(self, root: yaml.Node) -> None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                _node_line(root),
                f"a data file must be a mapping of keys (id: ..., name: ...), not {self.kind_of(root)}",
            )
            return
        keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
        is_extension = "extends" in keys and "id" not in keys
        is_vendor = not is_extension and ("id" in keys or "name" in keys or "offerings" in keys)
        relation_keys = list(self.vocab.relations)
        allowed = VENDOR_KEYS + relation_keys if is_vendor else FACTS_FILE_KEYS
        what = "the vendor" if is_vendor else "a file of shared facts (no `id`)"
        if is_extension:
            allowed, what = EXTENSION_KEYS, "a file extending a vendor (`extends`)"
        fields = self.mapping(root, what, allowed, ["id"] if is_vendor else [])
        if fields is None:
            return
        default_source = self.source_ref(fields.get("source"))
        if "sources" in fields:
            self.read_sources(fields["sources"][1])
        vendor = None
        if is_extension:
            self.read_extension(fields, default_source)
        elif is_vendor:
            vendor = self.read_vendor(root, fields, default_source)
        for node in self.items(fields["figures"][1], "figures") if "figures" in fields else []:
            self.read_figure(node, vendor, default_source)
        graph = self.facts.graph
        self.add(graph, vocab.RDF_TYPE, vocab.DATA_FILE, 1)
        self.add(graph, vocab.PATH, _lit(self.facts.relpath), 1)

    def source_ref(self, pair: tuple[yaml.Node, yaml.Node] | None) -> str | None:
        if pair is None:
            return None
        identifier = self.ident(pair[1], "source")
        return self.refer(identifier, (SOURCE,), "source", _node_line(pair[1])) if identifier else None

    def read_sources(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                _node_line(node),
                f"`sources` must map source ids to their url, title and date, not {self.kind_of(node)}",
            )
            return
        for key_node, value_node in node.value:
            identifier = self.ident(key_node, "source id")
            if identifier is None:
                continue
            line = _node_line(key_node)
            iri = self.declare(identifier, SOURCE, line)
            fields = self.mapping(value_node, f"source '{identifier}'", SOURCE_KEYS, [])
            if fields is None:
                continue
            self.add(iri, vocab.RDF_TYPE, vocab.SOURCE_CLASS, line)
            self.put(iri, vocab.URL, fields, "url", "url")
            self.put(iri, vocab.TITLE, fields, "title", "text")
            self.put(iri, vocab.DATE, fields, "date", "date")
            self.put(iri, vocab.PUBLISHER, fields, "publisher", "text")
            self.put(iri, vocab.LICENSE, fields, "licence", "url")

    def describe(self, iri: str, fields: dict[str, tuple[yaml.Node, yaml.Node]], source: str | None, line: int) -> None:
        """Name, description, homepage and source, shared by vendors and offerings."""
        self.put(iri, vocab.LABEL, fields, "name", "text")
        self.put(iri, vocab.COMMENT, fields, "description", "text")
        self.put(iri, vocab.URL, fields, "homepage", "url")
        if source:
            self.add(iri, vocab.SOURCE, source, _node_line(fields["source"][1]) if "source" in fields else line)

    def read_vendor(self, root: yaml.Node, fields: dict, default_source: str | None) -> str | None:
        identifier = self.ident(fields["id"][1], "id") if "id" in fields else None
        if identifier is None:
            return None
        line = _node_line(fields["id"][1])
        iri = self.declare(identifier, VENDOR, line)
        self.facts.lines[(iri,)] = line
        self.add(iri, vocab.RDF_TYPE, vocab.VENDOR, line)
        self.describe(iri, fields, default_source, line)
        self.put(iri, vocab.COUNTRY, fields, "country", "code")
        for item in self.items(fields["aliases"][1], "aliases") if "aliases" in fields else []:
            if alias := self.text(item, "aliases"):
                self.add(iri, vocab.ALT_LABEL, _lit(alias), _node_line(item))
        self.put(iri, vocab.IN_LAYER, fields, "layer", "layer")
        self.read_relations(iri, fields, default_source)
        if "offerings" in fields:
            for node in self.items(fields["offerings"][1], "offerings"):
                self.read_offering(node, iri, default_source)
        if "moats" in fields:
            for node in self.items(fields["moats"][1], "moats"):
                self.read_moat(node, iri, default_source)
        return iri

    def read_extension(self, fields: dict, default_source: str | None) -> None:
        """`extends: VENDOR` with `offerings`: offerings of a vendor declared in another file."""
        node = fields["extends"][1]
        identifier = self.ident(node, "extends")
        if identifier is None:
            return
        vendor = self.refer(identifier, (VENDOR,), "extends", _node_line(node))
        for item in self.items(fields["offerings"][1], "offerings") if "offerings" in fields else []:
            self.read_offering(item, vendor, default_source)

    @property
    def layer_ids(self) -> dict[str, str]:
        return {lid: layer.iri for lid, layer in self.vocab.layers.items()}

    def read_offering(self, node: yaml.Node, vendor: str, default_source: str | None) -> None:
        allowed = OFFERING_KEYS + list(self.vocab.dependencies)
        label = "an offering"
        fields = self.mapping(node, label, allowed, ["id"])
        if fields is None or "id" not in fields:
            return
        identifier = self.ident(fields["id"][1], "id")
        if identifier is None:
            return
        line = _node_line(node)
        iri = self.declare(identifier, OFFERING, line)
        source = self.source_ref(fields.get("source")) or default_source
        self.add(iri, vocab.RDF_TYPE, vocab.OFFERING, line)
        self.add(iri, vocab.OFFERED_BY, vendor, line)
        self.describe(iri, fields, source, line)
        self.put(iri, vocab.IN_LAYER, fields, "layer", "layer")
        self.put(iri, vocab.MARKET, fields, "market", "id")
        self.put(iri, vocab.OPEN_WEIGHTS, fields, "open_weights", "boolean")
        self.read_relations(iri, fields, source)

    def read_relations(self, subject: str, fields: dict, default_source: str | None) -> None:
        """Dependencies and ties of a vendor or offering, short or detailed form."""
        subject_id = vocab.local_id(subject)
        for key, relation in self.vocab.relations.items():
            if key not in fields:
                continue
            allowed = REFERENCE_KEYS if relation.dependency else TIE_REFERENCE_KEYS
            kinds = PARTIES if relation.dependency else (VENDOR,)
            seen: set[str] = set()
            for item in self.items(fields[key][1], key):
                line = _node_line(item)
                detail: dict = {}
                if isinstance(item, yaml.MappingNode):
                    detail = self.mapping(item, f"a `{key}` reference", allowed, ["id"]) or {}
                    if "id" not in detail:
                        continue
                    target = self.ident(detail["id"][1], key)
                elif isinstance(item, yaml.ScalarNode):
                    target = self.ident(item, key)
                else:
                    self.problem(
                        line,
                        f"`{key}` must list ids or detailed references (id, share, note, source), not a list in a list",
                    )
                    continue
                if target is None:
                    continue
                if target in seen:
                    self.problem(line, f"'{target}' is listed twice in `{key}`: keep one")
                    continue
                seen.add(target)
                obj = self.refer(target, kinds, key, line)
                self.add(subject, relation.iri, obj, line)
                tie = vocab.entity(f"{subject_id}--{key.replace('_', '-')}--{target}")
                self.facts.lines[(tie,)] = line
                self.add(tie, vocab.RDF_TYPE, vocab.DEPENDENCY if relation.dependency else vocab.TIE, line)
                self.add(tie, vocab.RDF_SUBJECT, subject, line)
                self.add(tie, vocab.RDF_PREDICATE, relation.iri, line)
                self.add(tie, vocab.RDF_OBJECT, obj, line)
                source = self.source_ref(detail.get("source")) or default_source
                if source:
                    self.add(tie, vocab.SOURCE, source, line)
                if "note" in detail and (note := self.text(detail["note"][1], "note")):
                    self.add(tie, vocab.COMMENT, _lit(note), _node_line(detail["note"][1]))
                if "share" in detail:
                    self.read_share(tie, detail["share"][1])

    def read_share(self, tie: str, node: yaml.Node) -> None:
        line = _node_line(node)
        levels = self.vocab.share_levels
        if isinstance(node, yaml.ScalarNode) and node.value in levels:
            self.add(tie, vocab.SHARE_LEVEL_PROP, levels[node.value], line)
            return
        number = _parse_number(node)
        if number is None:
            hint = did_you_mean(node.value, levels) if isinstance(node, yaml.ScalarNode) else ""
            self.problem(
                line,
                f"`share` must be a number from 0 to 1 or one of {', '.join(sorted(levels))}, "
                f"not {self.kind_of(node)}{hint}",
            )
            return
        self.add(tie, vocab.SHARE, _lit(vocab.decimal_text(number), vocab.XSD_DECIMAL), line)

    def read_moat(self, node: yaml.Node, vendor: str, default_source: str | None) -> None:
        fields = self.mapping(node, "a moat claim", MOAT_KEYS, ["type"])
        if fields is None:
            return
        line = _node_line(node)
        about = vendor
        if "about" in fields and (target := self.ident(fields["about"][1], "about")):
            about = self.refer(target, PARTIES, "about", _node_line(fields["about"][1]))
        moat = self.concept(fields["type"][1], "type", self.vocab.moat_types, "moat type") if "type" in fields else None
        if moat is None:
            return
        type_id = moat.rsplit("/", 1)[1]
        iri = vocab.entity(f"{vocab.local_id(about)}--moat--{type_id}")
        if (iri,) in self.facts.lines:
            self.problem(
                line,
                f"the moat '{type_id}' of '{vocab.local_id(about)}' is claimed twice in this file: merge the claims",
            )
            return
        self.facts.lines[(iri,)] = line
        self.add(iri, vocab.RDF_TYPE, vocab.MOAT_CLAIM, line)
        self.add(iri, vocab.ABOUT, about, line)
        self.add(iri, vocab.MOAT_TYPE, moat, _node_line(fields["type"][1]))
        self.put(iri, vocab.EVIDENCE, fields, "evidence", "text")
        if source := self.source_ref(fields.get("source")) or default_source:
            self.add(iri, vocab.SOURCE, source, line)

    def read_figure(self, node: yaml.Node, vendor: str | None, default_source: str | None) -> None:
        fields = self.mapping(node, "a figure", FIGURE_KEYS, ["id"])
        if fields is None or "id" not in fields:
            return
        identifier = self.ident(fields["id"][1], "id")
        if identifier is None:
            return
        line = _node_line(node)
        iri = self.declare(identifier, FIGURE, line)
        self.add(iri, vocab.RDF_TYPE, vocab.FIGURE, line)
        self.put(iri, vocab.METRIC_PROP, fields, "metric", "metric")
        self.put(iri, vocab.VALUE, fields, "value", "number")
        self.put(iri, vocab.MIN_VALUE, fields, "min", "number")
        self.put(iri, vocab.MAX_VALUE, fields, "max", "number")
        self.put(iri, vocab.UNIT_TEXT, fields, "unit", "code")
        self.put(iri, vocab.TEMPORAL, fields, "period", "text")
        self.put(iri, vocab.COMMENT, fields, "note", "text")
        about = vendor
        if "about" in fields and (target := self.ident(fields["about"][1], "about")):
            about = self.refer(target, PARTIES, "about", _node_line(fields["about"][1]))
        if about:
            self.add(iri, vocab.ABOUT, about, _node_line(fields["about"][1]) if "about" in fields else line)
        self.put(iri, vocab.IN_LAYER, fields, "layer", "layer")
        self.put(iri, vocab.MARKET, fields, "market", "id")
        if source := self.source_ref(fields.get("source")) or default_source:
            self.add(iri, vocab.SOURCE, source, line)


def _first_alias(root: yaml.Node) -> int | None:
    """The line of the first node that occurs twice in the tree (an alias), or None.

    Aliases would let a small file expand into a huge one (the "billion laughs"), and a data file
    never needs them."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return _node_line(node)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return None


def _ids_before_error(text: str) -> set[str]:
    """The values of the `id` keys that YAML's scanner reads before the syntax error of text."""
    found: set[str] = set()
    window: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            window = [*window[-3:], token]
            if (
                len(window) == 4
                and isinstance(window[0], yaml.KeyToken)
                and isinstance(window[1], yaml.ScalarToken)
                and window[1].value == "id"
                and isinstance(window[2], yaml.ValueToken)
                and isinstance(window[3], yaml.ScalarToken)
            ):
                found.add(window[3].value)
    except yaml.YAMLError:
        pass
    return found


def _first_custom_tag(root: yaml.Node) -> tuple[int, str] | None:
    """The line and tag of the first node with a tag outside YAML's standard ones (`!foo`), or None."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.tag not in _STANDARD_TAGS:
            return _node_line(node), node.tag
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
    return None


def read_yaml(relpath: str, text: str, vocabulary: Vocabulary, detail_lines: bool = True) -> FileFacts:
    """The facts of one YAML data file given its text; syntax and structure problems included. With
    detail_lines False only the lines of subjects are kept, not those of each property and value."""
    reader = _Reader(relpath, vocabulary, detail_lines)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        column = f" (column {mark.column + 1})" if mark else ""
        what = printable(error.problem or error.context or "unreadable")[:200]
        reader.facts.salvaged = _ids_before_error(text)
        return reader.facts.refuse(
            line, f"YAML syntax error{column}: {what}; fix the syntax (check indentation, colons and quotes)"
        )
    except yaml.YAMLError:
        return reader.facts.refuse(0, "YAML syntax error: the file is not YAML; fix the syntax")
    if root is None:
        return reader.facts.refuse(
            0, "the file is empty: describe a vendor in it (see data/template.yaml.example) or delete it"
        )
    if ("&" in text or "*" in text) and (alias := _first_alias(root)) is not None:  # no alias without them
        return reader.facts.refuse(
            alias, "YAML anchors and aliases (&name, *name) are not supported: write the values out"
        )
    if tagged := _first_custom_tag(root):
        line, tag = tagged
        return reader.facts.refuse(
            line, f"the YAML tag {excerpt(tag, 40)} is not supported: remove it (quote a value to make it text)"
        )
    reader.read(root)
    return reader.facts
