"""Read one YAML data file into RDF quads, with the line of every fact.

The file is composed into YAML nodes (which keep their line numbers: `yaml_nodes`) rather than
loaded into plain Python values, so every problem can name its line. The fields of each section are
tables of (key, property, kind), and each kind of value is read by one entry of
`yaml_values.KINDS`. This module checks structure only (keys, types, ids of the ontology's
vocabularies); references across files, shares and sources are checked over the merged RDF by
`check.references` and the SHACL shapes.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import yaml

from ..runtime.terminal import printable
from . import vocab
from .facts import FIGURE, OFFERING, PARTIES, SOURCE, VENDOR, FileFacts, Reference
from .ontology import Vocabulary
from .problems import Problem, did_you_mean, excerpt
from .yaml_nodes import Loader, first_alias, first_custom_tag, ids_before_error, is_null, line_of, number_of
from .yaml_values import Values, kind_of, literal

# Keys of each kind of mapping (the relation keys of the ontology are added at run time).
VENDOR_KEYS = [
    *("id", "name", "aliases", "country", "homepage", "description", "source", "layer", "since", "until"),
    *("offerings", "moats", "figures", "sources"),
]
FACTS_FILE_KEYS = ["source", "sources", "figures"]
EXTENSION_KEYS = ["extends", "source", "sources", "offerings"]  # a file adding offerings to a vendor declared elsewhere
OFFERING_KEYS = [
    *("id", "name", "aliases", "layer", "market", "open_weights", "homepage", "description", "source"),
    *("released", "retired"),
]
REFERENCE_KEYS = ["id", "share", "note", "source", "since", "until", "any"]
TIE_REFERENCE_KEYS = ["id", "note", "source", "since", "until"]
MOAT_KEYS = ["type", "evidence", "about", "source", "since", "until"]
FIGURE_KEYS = [
    *("id", "metric", "value", "min", "max", "unit", "period", "as_of", "about", "layer", "market", "note"),
    "source",
]
SOURCE_KEYS = ["url", "title", "date", "publisher", "licence"]

Fields = dict[str, tuple[yaml.Node, yaml.Node]]
# The plain fields of each section: (YAML key, property, kind of value).
DESCRIBED = (("name", vocab.LABEL, "text"), ("description", vocab.COMMENT, "text"), ("homepage", vocab.URL, "url"))
# When a fact holds (schema:startDate / schema:endDate on the fact, or on its statement).
LIFETIME = (("since", vocab.START_DATE, "when"), ("until", vocab.END_DATE, "when"))
VENDOR_FIELDS = (*DESCRIBED, ("country", vocab.COUNTRY, "code"), *LIFETIME)
OFFERING_FIELDS = (
    *DESCRIBED,
    ("layer", vocab.IN_LAYER, "layer"),
    ("market", vocab.MARKET, "id"),
    ("open_weights", vocab.OPEN_WEIGHTS, "boolean"),
    ("released", vocab.START_DATE, "when"),
    ("retired", vocab.END_DATE, "when"),
)
SOURCE_FIELDS = (
    ("url", vocab.URL, "url"),
    ("title", vocab.TITLE, "text"),
    ("date", vocab.DATE, "date"),
    ("publisher", vocab.PUBLISHER, "text"),
    ("licence", vocab.LICENSE, "url"),
)
FIGURE_FIELDS = (
    ("metric", vocab.METRIC_PROP, "metric"),
    ("value", vocab.VALUE, "number"),
    ("min", vocab.MIN_VALUE, "number"),
    ("max", vocab.MAX_VALUE, "number"),
    ("unit", vocab.UNIT_TEXT, "code"),
    ("period", vocab.TEMPORAL, "text"),
    ("as_of", vocab.AS_OF, "when"),
    ("note", vocab.COMMENT, "text"),
)
FIGURE_PLACE_FIELDS = (("layer", vocab.IN_LAYER, "any-layer"), ("market", vocab.MARKET, "id"))


def url_id(url: str) -> str:
    """An id made from a URL's host and path: https://www.example.com/news/x -> www-example-com-news-x."""
    return re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].lower()).strip("-")[:60].strip("-")


def inline_source_id(url: str, relpath: str) -> str:
    """The id of a source given in place: `url_id` and a short digest of the file and URL (the same
    source given in place in two files gives two ids, never a duplicate)."""
    import hashlib

    return f"{url_id(url)}-{hashlib.sha1(f'{relpath} {url}'.encode()).hexdigest()[:6]}"


class _Output:
    """The quads, declarations, references, lines and problems of one file as its reader finds them."""

    def __init__(self, relpath: str, vocabulary: Vocabulary, detail_lines: bool = True):
        self.vocab = vocabulary
        self.facts = FileFacts(relpath=relpath, graph=vocab.file_graph(relpath), detail_lines=detail_lines)
        self.graph_end = f"<{self.facts.graph}> .\n"  # the end of each N-Quads line of this file
        self.values = Values(vocabulary, self.problem)
        self.offering_keys = OFFERING_KEYS + list(vocabulary.dependencies)

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

    def mapping(self, node: yaml.Node, what: str, allowed: list[str], required: list[str]) -> Fields | None:
        """The keys of a mapping node, after reporting duplicate, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(line_of(node), f"{what} must be a mapping of keys to values, not {kind_of(node)}")
            return None
        out: Fields = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = line_of(key_node)
            if not isinstance(key, str):
                self.problem(line, f"{what} has a key that is not text: use plain keys such as `name`")
            elif key in out:
                first = line_of(out[key][0])
                self.problem(line, f"key '{key}' appears twice in {what} (first on line {first}): keep one")
            elif key not in allowed:
                hint = did_you_mean(key, allowed) or ": remove it (data/README.md lists the keys)"
                self.problem(line, f"unknown key '{key}' in {what}{hint}")
            else:
                out[key] = (key_node, value_node)
        for key in required:
            if key not in out or is_null(out[key][1]):
                self.problem(line_of(node), f"{what} is missing `{key}`: add it")
        return out

    def items(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        """The items of a list, or the node itself when one value is given without a list."""
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        if is_null(node):
            self.problem(line_of(node), f"`{key}` is empty: give at least one item or remove the key")
            return []
        return [node]

    def put(self, subject: str, fields: Fields, table: tuple[tuple[str, str, str], ...]) -> None:
        """State each field of the table that fields hold as its property of subject; a value that
        cannot be read is reported (by its kind's reader) and remembered, so SHACL does not report
        it missing as well."""
        for key, prop, kind in table:
            if key in fields:
                node = fields[key][1]
                if kind == "when" and isinstance(node, yaml.MappingNode):
                    node = self.sourced_date(subject, node, key)
                    if node is None:
                        self.facts.rejected.add((subject, prop))
                        continue
                term = self.values.term(node, key, kind)
                if term and prop == vocab.LABEL:
                    self.facts.names[vocab.local_id(subject) or subject] = str(term.value)
                if term:
                    self.add(subject, prop, term, line_of(node))
                else:
                    self.facts.rejected.add((subject, prop))

    def sourced_date(self, subject: str, node: yaml.MappingNode, key: str) -> yaml.Node | None:
        """The date node of a date given with its own source (`released: {date: 2022-03, source: x}`);
        the source is stated as one more source of the subject."""
        detail = self.mapping(node, f"`{key}` with its source", ["date", "source"], ["date", "source"])
        if not detail or "date" not in detail:
            return None
        if source := self.source_ref(detail.get("source")):
            self.add(subject, vocab.SOURCE, source, line_of(detail["source"][1]))
        return detail["date"][1]

    def ident(self, fields: Fields, key: str) -> str | None:
        """The id a field holds (None when it is absent or not an id, reported)."""
        return self.values.ident(fields[key][1], key) if key in fields else None

    def source_ref(self, pair: tuple[yaml.Node, yaml.Node] | None) -> str | None:
        """The source a `source:` names: a declared source's id, or a source given in place
        (`{url, title, date}`, declared here under an id made from its URL). A URL alone is refused
        with both forms spelt out for it."""
        if pair is None:
            return None
        node = pair[1]
        if isinstance(node, yaml.MappingNode):
            return self.inline_source(node)
        url = node.value.strip() if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) else ""
        if url.startswith(("http://", "https://")):
            shown = excerpt(url, 200)[1:-1]
            self.problem(
                line_of(node),
                f"`source` names a source by its id, not by its URL: give it in place, source: {{url: {shown}, "
                "title: TITLE, date: YYYY-MM-DD}, or declare it under `sources:` "
                f"({url_id(url)}: {{url: ..., title: ..., date: ...}}) and name its id",
            )
            return None
        identifier = self.values.ident(node, "source")
        return self.refer(identifier, (SOURCE,), "source", line_of(node)) if identifier else None

    def inline_source(self, node: yaml.MappingNode) -> str | None:
        """A source given in place: declared like one under `sources:`, its id made from its URL."""
        fields = self.mapping(node, "a source given in place", SOURCE_KEYS, ["url", "title", "date"])
        if not fields or "url" not in fields:
            return None
        url = self.values.url(fields["url"][1], "url")
        if url is None:
            return None
        line = line_of(node)
        identifier = inline_source_id(url, self.facts.relpath)
        if identifier in self.facts.declared:  # the same source given in place twice in this file
            return vocab.entity(identifier)
        iri = self.declare(identifier, SOURCE, line)
        self.add(iri, vocab.RDF_TYPE, vocab.SOURCE_CLASS, line)
        self.put(iri, fields, SOURCE_FIELDS)
        return iri


class _Reader(_Output):
    """Walks the node tree of one file, section by section."""

    def read(self, root: yaml.Node) -> None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(
                line_of(root), f"a data file must be a mapping of keys (id: ..., name: ...), not {kind_of(root)}"
            )
            return
        keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
        is_extension = "extends" in keys and "id" not in keys
        is_vendor = not is_extension and ("id" in keys or "name" in keys or "offerings" in keys)
        allowed = VENDOR_KEYS + list(self.vocab.relations) if is_vendor else FACTS_FILE_KEYS
        what = "the vendor" if is_vendor else "a file of shared facts (no `id`)"
        if is_extension:
            allowed, what = EXTENSION_KEYS, "a file extending a vendor (`extends`)"
        fields = self.mapping(root, what, allowed, ["id"] if is_vendor else [])
        if fields is None:
            return
        default_source = self.source_ref(fields.get("source"))
        self.facts.source_refused = "source" in fields and default_source is None
        if "sources" in fields:
            self.read_sources(fields["sources"][1])
        vendor = None
        if is_extension:
            self.read_extension(fields, default_source)
        elif is_vendor:
            vendor = self.read_vendor(fields, default_source)
        for node in self.items(fields["figures"][1], "figures") if "figures" in fields else []:
            self.read_figure(node, vendor, default_source)
        graph = self.facts.graph
        self.add(graph, vocab.RDF_TYPE, vocab.DATA_FILE, 1)
        self.add(graph, vocab.PATH, literal(self.facts.relpath), 1)

    def read_sources(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                line_of(node), f"`sources` must map source ids to their url, title and date, not {kind_of(node)}"
            )
            return
        for key_node, value_node in node.value:
            identifier = self.values.ident(key_node, "source id")
            if identifier is None:
                continue
            line = line_of(key_node)
            iri = self.declare(identifier, SOURCE, line)
            fields = self.mapping(value_node, f"source '{identifier}'", SOURCE_KEYS, [])
            if fields is not None:
                self.add(iri, vocab.RDF_TYPE, vocab.SOURCE_CLASS, line)
                self.put(iri, fields, SOURCE_FIELDS)

    def sourced(self, iri: str, fields: Fields, source: str | None, line: int) -> None:
        """State the source of a vendor or an offering (its own `source:`, else the default)."""
        if source:
            self.add(iri, vocab.SOURCE, source, line_of(fields["source"][1]) if "source" in fields else line)

    def read_vendor(self, fields: Fields, default_source: str | None) -> str | None:
        identifier = self.ident(fields, "id")
        if identifier is None:
            return None
        line = line_of(fields["id"][1])
        iri = self.declare(identifier, VENDOR, line)
        self.facts.lines[(iri,)] = line
        self.add(iri, vocab.RDF_TYPE, vocab.VENDOR, line)
        self.put(iri, fields, VENDOR_FIELDS)
        self.sourced(iri, fields, default_source, line)
        self.read_aliases(iri, fields)
        self.put(iri, fields, (("layer", vocab.IN_LAYER, "layer"),))
        self.read_relations(iri, fields, default_source)
        for node in self.items(fields["offerings"][1], "offerings") if "offerings" in fields else []:
            self.read_offering(node, iri, default_source)
        for node in self.items(fields["moats"][1], "moats") if "moats" in fields else []:
            self.read_moat(node, iri, default_source)
        return iri

    def read_aliases(self, iri: str, fields: Fields) -> None:
        """The `aliases` of a vendor or an offering: other names it goes by (skos:altLabel)."""
        for item in self.items(fields["aliases"][1], "aliases") if "aliases" in fields else []:
            if alias := self.values.text(item, "aliases"):
                self.add(iri, vocab.ALT_LABEL, literal(alias), line_of(item))

    def read_extension(self, fields: Fields, default_source: str | None) -> None:
        """`extends: VENDOR` with `offerings`: offerings of a vendor declared in another file."""
        identifier = self.ident(fields, "extends")
        if identifier is None:
            return
        vendor = self.refer(identifier, (VENDOR,), "extends", line_of(fields["extends"][1]))
        for item in self.items(fields["offerings"][1], "offerings") if "offerings" in fields else []:
            self.read_offering(item, vendor, default_source)

    def read_offering(self, node: yaml.Node, vendor: str, default_source: str | None) -> None:
        fields = self.mapping(node, "an offering", self.offering_keys, ["id"])
        identifier = self.ident(fields, "id") if fields else None
        if fields is None or identifier is None:
            return
        line = line_of(node)
        iri = self.declare(identifier, OFFERING, line)
        source = self.source_ref(fields.get("source")) or default_source
        self.add(iri, vocab.RDF_TYPE, vocab.OFFERING, line)
        self.add(iri, vocab.OFFERED_BY, vendor, line)
        self.put(iri, fields, OFFERING_FIELDS[:3])  # name, description, homepage
        self.read_aliases(iri, fields)
        self.sourced(iri, fields, source, line)
        self.put(iri, fields, OFFERING_FIELDS[3:])  # layer, market, open weights, released, retired
        self.read_relations(iri, fields, source)

    def read_relations(self, subject: str, fields: Fields, default_source: str | None) -> None:
        """Dependencies and ties of a vendor or offering, short or detailed form."""
        for key, relation in self.vocab.relations.items():
            if key not in fields:
                continue
            seen: set[str] = set()
            for item in self.items(fields[key][1], key):
                target, detail = self.reference(item, key, relation.dependency)
                if target is None:
                    continue
                if target in seen:
                    self.problem(line_of(item), f"'{target}' is listed twice in `{key}`: keep one")
                    continue
                seen.add(target)
                self.state_relation(subject, key, relation, target, detail, default_source, line_of(item))

    def reference(self, item: yaml.Node, key: str, dependency: bool) -> tuple[str | None, Fields]:
        """The id a reference names and its detail (share, note, source) in the detailed form."""
        if isinstance(item, yaml.MappingNode):
            allowed = REFERENCE_KEYS if dependency else TIE_REFERENCE_KEYS
            detail = self.mapping(item, f"a `{key}` reference", allowed, ["id"]) or {}
            return (self.values.ident(detail["id"][1], key) if "id" in detail else None), detail
        if isinstance(item, yaml.ScalarNode):
            return self.values.ident(item, key), {}
        self.problem(
            line_of(item),
            f"`{key}` must list ids or detailed references (id, share, note, source), not a list in a list",
        )
        return None, {}

    def state_relation(
        self, subject: str, key: str, relation, target: str, detail: Fields, default_source: str | None, line: int
    ) -> None:
        """The relation's triple and its statement (an sm:Dependency or sm:Tie with its source,
        note and share)."""
        obj = self.refer(target, PARTIES if relation.dependency else (VENDOR,), key, line)
        self.add(subject, relation.iri, obj, line)
        tie = vocab.entity(f"{vocab.local_id(subject)}--{key.replace('_', '-')}--{target}")
        self.facts.lines[(tie,)] = line
        self.facts.labels[tie] = f"{vocab.local_id(subject)} ({key}: {target})"
        self.add(tie, vocab.RDF_TYPE, vocab.DEPENDENCY if relation.dependency else vocab.TIE, line)
        self.add(tie, vocab.RDF_SUBJECT, subject, line)
        self.add(tie, vocab.RDF_PREDICATE, relation.iri, line)
        self.add(tie, vocab.RDF_OBJECT, obj, line)
        if source := self.source_ref(detail.get("source")) or default_source:
            self.add(tie, vocab.SOURCE, source, line)
        self.put(tie, detail, (("note", vocab.COMMENT, "text"), *LIFETIME, ("any", vocab.ANY_OFFERING, "boolean")))
        if "share" in detail:
            self.read_share(tie, detail["share"][1])

    def read_share(self, tie: str, node: yaml.Node) -> None:
        line = line_of(node)
        levels = self.vocab.share_levels
        if isinstance(node, yaml.ScalarNode) and node.value in levels:
            self.add(tie, vocab.SHARE_LEVEL_PROP, levels[node.value], line)
            return
        number = number_of(node)
        if number is None:
            hint = did_you_mean(node.value, levels) if isinstance(node, yaml.ScalarNode) else ""
            self.problem(
                line,
                f"`share` must be a number from 0 to 1 or one of {', '.join(sorted(levels))}, "
                f"not {kind_of(node)}{hint}",
            )
            return
        self.add(tie, vocab.SHARE, literal(vocab.decimal_text(number), vocab.XSD_DECIMAL), line)

    def about(self, fields: Fields, default: str | None) -> str | None:
        """The vendor or offering a moat claim or a figure is about: its `about`, else the default."""
        if "about" in fields and (target := self.ident(fields, "about")):
            return self.refer(target, PARTIES, "about", line_of(fields["about"][1]))
        return default

    def read_moat(self, node: yaml.Node, vendor: str, default_source: str | None) -> None:
        fields = self.mapping(node, "a moat claim", MOAT_KEYS, ["type"])
        if fields is None:
            return
        line = line_of(node)
        about = self.about(fields, vendor)
        moat = self.values.term(fields["type"][1], "type", "moat") if "type" in fields else None
        if not moat or not about:
            return
        type_id = str(moat).rsplit("/", 1)[1]
        iri = vocab.entity(f"{vocab.local_id(about)}--moat--{type_id}")
        if (iri,) in self.facts.lines:
            self.problem(
                line,
                f"the moat '{type_id}' of '{vocab.local_id(about)}' is claimed twice in this file: merge the claims",
            )
            return
        self.facts.lines[(iri,)] = line
        self.facts.labels[iri] = f"{vocab.local_id(about)} (moat: {type_id})"
        self.add(iri, vocab.RDF_TYPE, vocab.MOAT_CLAIM, line)
        self.add(iri, vocab.ABOUT, about, line)
        self.add(iri, vocab.MOAT_TYPE, moat, line_of(fields["type"][1]))
        self.put(iri, fields, (("evidence", vocab.EVIDENCE, "text"), *LIFETIME))
        if source := self.source_ref(fields.get("source")) or default_source:
            self.add(iri, vocab.SOURCE, source, line)

    def read_figure(self, node: yaml.Node, vendor: str | None, default_source: str | None) -> None:
        fields = self.mapping(node, "a figure", FIGURE_KEYS, ["id"])
        identifier = self.ident(fields, "id") if fields else None
        if fields is None or identifier is None:
            return
        line = line_of(node)
        iri = self.declare(identifier, FIGURE, line)
        self.add(iri, vocab.RDF_TYPE, vocab.FIGURE, line)
        self.put(iri, fields, FIGURE_FIELDS)
        if about := self.about(fields, vendor):
            self.add(iri, vocab.ABOUT, about, line_of(fields["about"][1]) if "about" in fields else line)
        self.put(iri, fields, FIGURE_PLACE_FIELDS)
        if source := self.source_ref(fields.get("source")) or default_source:
            self.add(iri, vocab.SOURCE, source, line)


def read_yaml(relpath: str, text: str, vocabulary: Vocabulary, detail_lines: bool = True) -> FileFacts:
    """The facts of one YAML data file given its text; syntax and structure problems included. With
    detail_lines False only the lines of subjects are kept, not those of each property and value."""
    reader = _Reader(relpath, vocabulary, detail_lines)
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        column = f" (column {mark.column + 1})" if mark else ""
        what = printable(error.problem or error.context or "unreadable")[:200]
        reader.facts.salvaged = ids_before_error(text)
        return reader.facts.refuse(
            line, f"YAML syntax error{column}: {what}; fix the syntax (check indentation, colons and quotes)"
        )
    except yaml.YAMLError:
        return reader.facts.refuse(0, "YAML syntax error: the file is not YAML; fix the syntax")
    if root is None:
        return reader.facts.refuse(
            0, "the file is empty: describe a vendor in it (see data/template.yaml.example) or delete it"
        )
    if ("&" in text or "*" in text) and (alias := first_alias(root)) is not None:  # no alias without them
        return reader.facts.refuse(
            alias, "YAML anchors and aliases (&name, *name) are not supported: write the values out"
        )
    if "!" in text and (tagged := first_custom_tag(root)):  # a tag is written with "!"
        line, tag = tagged
        return reader.facts.refuse(
            line, f"the YAML tag {excerpt(tag, 40)} is not supported: remove it (quote a value to make it text)"
        )
    reader.read(root)
    return reader.facts
