"""Typed values of a YAML data file: each kind of field (text, id, URL, date, number, boolean, a
concept of the ontology's schemes) read from its node by one entry of the `KINDS` table, with a
problem naming the line and what to do when the value is not of its kind."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal

import pyoxigraph as ox
import yaml

from . import vocab
from .ontology import Vocabulary
from .problems import did_you_mean, excerpt, text_problem
from .yaml_nodes import BOOL_TAG, is_null, line_of, number_of

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHEN_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")  # 2024, 2024-03 or 2024-03-18
WHEN_TYPES = {1: vocab.XSD_GYEAR, 2: vocab.XSD_GYEARMONTH, 3: vocab.XSD_DATE}  # by the number of parts
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
# The longest text each kind of field may hold (characters); names are drawn in the view and figures.
MAX_TEXT = {"name": 80, "aliases": 80, "title": 300, "publisher": 120, "period": 60, "unit": 20}
MAX_TEXT |= dict.fromkeys(("url", "homepage", "licence"), 2_000)
MAX_ID = 100  # characters of an id
MAX_LONG_TEXT = 2_000  # description, note, evidence
LONG_TEXTS = frozenset(("description", "note", "evidence"))

Term = ox.Literal | str  # a literal, or an IRI as a string


@functools.cache
def _datatype(iri: str) -> ox.NamedNode:
    """Each datatype's node, made once."""
    return ox.NamedNode(iri)


def literal(value: str, datatype: str = vocab.XSD_STRING) -> ox.Literal:
    return ox.Literal(value, datatype=_datatype(datatype))


def kind_of(node: yaml.Node) -> str:
    """How a message names what a node holds: 'a mapping', 'a list', 'empty' or a short quotation."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "empty" if is_null(node) else excerpt(node.value)


class Values:
    """Reads typed values from nodes; `problem(line, message)` hears of every value it refuses."""

    def __init__(self, vocabulary: Vocabulary, problem: Callable[[int, str], None]) -> None:
        self.vocab = vocabulary
        self.problem = problem
        self.layers = vocabulary.layer_iris

    def text(self, node: yaml.Node, key: str, words: bool = True) -> str | None:
        """The text of a scalar node; with `words` (a text for people, not an id or a URL) a plain
        number or boolean is refused (quote it), and so are control characters and overlong texts."""
        line = line_of(node)
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            value = node.value.strip()
            if value and words and not node.style and (node.tag == BOOL_TAG or number_of(node) is not None):
                kind = "boolean" if node.tag == BOOL_TAG else "number"
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
        self.problem(line, f"`{key}` must be non-empty text, not {kind_of(node)}")
        return None

    def ident(self, node: yaml.Node, key: str) -> str | None:
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if len(value) > MAX_ID:
            self.problem(line_of(node), f"`{key}` is an id of {len(value):,} characters, over the limit of {MAX_ID}")
            return None
        if not ID_RE.match(value):
            suggestion = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:60]
            self.problem(
                line_of(node),
                f"`{key}` {excerpt(value)} is not a valid id: "
                f"use lower-case letters, digits and hyphens, such as '{suggestion}'",
            )
            return None
        return value

    def number(self, node: yaml.Node, key: str) -> Decimal | None:
        if (number := number_of(node)) is not None:
            return number
        self.problem(line_of(node), f"`{key}` must be a number, not {kind_of(node)}")
        return None

    def boolean(self, node: yaml.Node, key: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return node.value.lower() in ("true", "yes", "on", "y")
        self.problem(line_of(node), f"`{key}` must be true or false, not {kind_of(node)}")
        return None

    def date(self, node: yaml.Node, key: str) -> str | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value and DATE_RE.match(value):
            try:
                dt.date.fromisoformat(value)
                return value
            except ValueError:
                pass
        self.problem(line_of(node), f"`{key}` must be a date as YYYY-MM-DD, not {kind_of(node)}")
        return None

    def when(self, node: yaml.Node, key: str) -> ox.Literal | None:
        """A date of a fact: a year, a year-month or a full date (`2024`, `2024-03`, `2024-03-18`),
        as an xsd:gYear, xsd:gYearMonth or xsd:date literal."""
        value = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
        match = WHEN_RE.match(value)
        if match:
            year, month, day = (int(part) if part else 1 for part in match.groups())
            try:
                dt.date(year, month, day)
            except ValueError:
                match = None
        if match is None:
            self.problem(
                line_of(node),
                f"`{key}` must be a year, a year-month or a date (2024, 2024-03, 2024-03-18), not {kind_of(node)}",
            )
            return None
        return literal(value, WHEN_TYPES[len([g for g in match.groups() if g])])

    def url(self, node: yaml.Node, key: str) -> str | None:
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if not URL_RE.match(value):
            self.problem(line_of(node), f"`{key}` must be an http:// or https:// URL, not {excerpt(value)}")
            return None
        try:
            ox.NamedNode(value)
        except ValueError as error:
            self.problem(
                line_of(node),
                f"`{key}` {excerpt(value)} is not a valid URL ({error}): percent-encode special characters (%25 for %)",
            )
            return None
        return value

    def concept(self, node: yaml.Node, key: str, scheme: dict[str, str], what: str) -> str | None:
        """The IRI of the scheme's concept a node names by its id."""
        value = self.text(node, key, words=False)
        if value is None:
            return None
        if value not in scheme:
            hint = did_you_mean(value, scheme) or f"; choose one of: {', '.join(sorted(scheme))}"
            self.problem(line_of(node), f"unknown {what} {excerpt(value)}{hint}")
            return None
        return scheme[value]

    def leaf_layer(self, node: yaml.Node, key: str) -> str | None:
        """The IRI of the leaf layer a node names; a layer above the leaves, or an unknown one, is
        refused with the leaf layers of the nearest top layer to choose from."""
        value = self.text(node, key, words=False)
        if value is None:
            return None
        layers = self.vocab.layers
        if value in layers and layers[value].leaf:
            return layers[value].iri
        if value in layers:
            self.problem(
                line_of(node),
                f"`{key}` {value} is a layer above the leaves: "
                f"name one of its leaf layers, {self._leaves_under(value)}",
            )
            return None
        hint = did_you_mean(value, layers)
        nearest = hint.split("'")[1] if hint else None
        top = self._top_of(nearest) if nearest else None
        listed = (
            f" The leaf layers of {top}: {self._leaves_under(top)}"
            if top
            else f"; the leaf layers are {', '.join(i for i, layer in layers.items() if layer.leaf)}"
        )
        self.problem(line_of(node), f"unknown layer {excerpt(value)}{hint or '.'}{listed}")
        return None

    def _top_of(self, layer: str) -> str:
        layers = self.vocab.layers
        while layers[layer].broader is not None:
            layer = layers[layer].broader
        return layer

    def _leaves_under(self, layer: str) -> str:
        """The leaf layers beneath a layer, in stack order, as `a, b or c`."""
        layers = self.vocab.layers
        leaves = [i for i, x in sorted(layers.items(), key=lambda kv: kv[1].order) if x.leaf and self._under(i, layer)]
        return ", ".join(leaves[:-1]) + " or " + leaves[-1] if len(leaves) > 1 else leaves[0]

    def _under(self, layer: str, ancestor: str) -> bool:
        while layer is not None:
            if layer == ancestor:
                return True
            layer = self.vocab.layers[layer].broader
        return False

    def term(self, node: yaml.Node, key: str, kind: str) -> Term | None:
        """The RDF term of a field of one of the KINDS, or None (reported) when it is not one."""
        return KINDS[kind](self, node, key)


def _text_term(values: Values, node: yaml.Node, key: str, words: bool = True) -> Term | None:
    value = values.text(node, key, words)
    return literal(value) if value else None


def _number_term(values: Values, node: yaml.Node, key: str) -> Term | None:
    number = values.number(node, key)
    return None if number is None else literal(vocab.decimal_text(number), vocab.XSD_DECIMAL)


def _boolean_term(values: Values, node: yaml.Node, key: str) -> Term | None:
    flag = values.boolean(node, key)
    return None if flag is None else literal("true" if flag else "false", vocab.XSD_BOOLEAN)


def _date_term(values: Values, node: yaml.Node, key: str) -> Term | None:
    value = values.date(node, key)
    return literal(value, vocab.XSD_DATE) if value else None


def _id_term(values: Values, node: yaml.Node, key: str) -> Term | None:
    value = values.ident(node, key)
    return literal(value) if value else None


# Each kind of field: how its node becomes an RDF term (None when it is refused, with a problem).
KINDS: dict[str, Callable[[Values, yaml.Node, str], Term | None]] = {
    "text": _text_term,  # a text for people
    "code": lambda v, n, k: _text_term(v, n, k, words=False),  # a code such as a country or a unit
    "id": _id_term,
    "url": Values.url,
    "date": _date_term,
    "when": Values.when,  # the date of a fact, to the precision the source gives
    "number": _number_term,
    "boolean": _boolean_term,
    "layer": Values.leaf_layer,  # the leaf layer an offering (or a vendor without one) sits in
    "any-layer": lambda v, n, k: v.concept(n, k, v.layers, "layer"),  # a figure may be about any layer
    "metric": lambda v, n, k: v.concept(n, k, v.vocab.metrics, "metric"),
    "moat": lambda v, n, k: v.concept(n, k, v.vocab.moat_types, "moat type"),
}
