"""YAML composed into nodes that keep their line numbers, and the checks on the whole tree that come
before any value is read: no anchors or aliases, no custom tags, and the ids a broken file was seen
to declare before its syntax error."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml

NULL_TAG, BOOL_TAG, STR_TAG = (f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "str"))
# The tags of YAML's core and the schemas PyYAML knows; a file may spell these out (`!!str 2024`).
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "str", "int", "float", "timestamp", "map", "seq")
)
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # YAML 1.1 as PyYAML's SafeLoader resolves them
_BOOLS = frozenset(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's (C) safe loader, resolving plain scalars to null, bool or str only: the reader reads
    numbers and dates from the text itself, so the other tags (and their regular expressions, a
    fifth of the time spent composing) are not needed."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if implicit[0]:
                if value in _NULLS:
                    return NULL_TAG
                if value in _BOOLS:
                    return BOOL_TAG
            return STR_TAG
        return super().resolve(kind, value, implicit)


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def number_of(node: yaml.Node) -> Decimal | None:
    """The finite number a scalar node spells (`3.8e9` included, booleans not), or None."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == BOOL_TAG:
        return None
    if node.value[:1].isalpha():  # a word: not a number, or one Decimal reads as infinite or NaN
        return None
    try:
        number = Decimal(node.value.replace("_", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _nodes(root: yaml.Node):
    """Every node of the tree, depth first in document order (keys before their values)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))


def first_alias(root: yaml.Node) -> int | None:
    """The line of the first node that occurs twice in the tree (an alias), or None.

    Aliases would let a small file expand into a huge one (the "billion laughs"), and a data file
    never needs them."""
    seen: set[int] = set()
    for node in _nodes(root):
        if id(node) in seen:
            return line_of(node)
        seen.add(id(node))
    return None


def first_custom_tag(root: yaml.Node) -> tuple[int, str] | None:
    """The line and tag of the first node with a tag outside YAML's standard ones (`!foo`), or None."""
    return next(((line_of(n), n.tag) for n in _nodes(root) if n.tag not in STANDARD_TAGS), None)


def ids_before_error(text: str) -> set[str]:
    """The values of the `id` keys that YAML's scanner reads before the syntax error of text."""
    found: set[str] = set()
    window: list[yaml.Token] = []
    try:
        for token in yaml.scan(text, Loader=Loader):
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
