"""The guard of user queries: a query is split into SPARQL tokens by the grammar's own terminals
(SPARQL 1.1 Query, section 19.8), and decided on those tokens, never on the raw text.

Refused: update keywords, SERVICE, FROM (and FROM NAMED), and nesting deeper than MAX_NESTING.
The engine then runs the text the guard returns, which is the query with its comments removed:
the guard and the engine read the same tokens, so nothing the guard took for a comment, a string
or an IRI can reach the engine as a keyword (a `#` comment ends at a line feed *or* a carriage
return; a comment that ran on to the next line feed once hid a SERVICE from a text guard).
Codepoint escapes (\\uXXXX) are resolved first, as the SPARQL grammar says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NESTING = 64  # brackets, braces and parentheses open at once (Oxigraph's parser overflows its stack at ~3,000)
MAX_LENGTH = 1_000_000  # characters of a query

_UPDATE_WORDS = frozenset(
    ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING", "LOAD")
)


class GuardError(Exception):
    """A query the guard refuses, with the reason for the user."""


# The terminals of the SPARQL 1.1 grammar (section 19.8), in the order a longest-match lexer tries
# them. Name characters are written with `\w` (a superset of the grammar's PN_CHARS, quick to
# compile): where it takes in a character the grammar does not, the engine refuses the query as
# malformed, so no text the guard took for a name can run as anything else.
_NAME = r"[\w\-\u00b7\u0300-\u036f\u203f\u2040]"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[^\W\d_](?:(?:{_NAME}|\.)*{_NAME})?"
_PN_LOCAL = rf"(?:[\w:]|{_PLX})(?:(?:{_NAME}|[.:]|{_PLX})*(?:{_NAME}|:|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']"
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>[\x20\x09\x0d\x0a]+)",
            r"(?P<comment>#[^\x0a\x0d]*)",
            rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
            rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
            rf"|'(?:[^'\\\x0a\x0d]|{_ECHAR})*'"
            rf'|"(?:[^"\\\x0a\x0d]|{_ECHAR})*")',
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            rf"(?P<blank>_:\w(?:(?:{_NAME}|\.)*{_NAME})?)",
            r"(?P<var>[?$]\w[\w\u00b7\u0300-\u036f\u203f\u2040]*)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<number>[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_]\w*)",
            r"(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+?!=<>^/|\-])",
        )
    )
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = frozenset("{(["), frozenset("})]")


@dataclass(frozen=True)
class Token:
    """One SPARQL token: its kind (a group name of the lexer), its text and its line."""

    kind: str
    text: str
    line: int


def resolve_codepoints(text: str) -> str:
    r"""The text with its \uXXXX and \UXXXXXXXX escapes replaced by the characters they name."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise GuardError(f"malformed query: {match.group(0)} is not a Unicode character")
        return chr(code)

    return _CODEPOINT.sub(char, text)


def tokens(text: str) -> list[Token]:
    """The SPARQL tokens of text (codepoint escapes already resolved); GuardError at a character
    that starts no token (the engine would refuse it as well)."""
    found: list[Token] = []
    position, line = 0, 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise GuardError(f"malformed query: unexpected character {text[position]!r} on line {line}")
        found.append(Token(match.lastgroup or "", match.group(), line))
        line += match.group().count("\n")
        position = match.end()
    return found


def _refuse_keywords(words: set[str]) -> None:
    if updates := words & _UPDATE_WORDS:
        raise GuardError(
            f"updates are refused ({', '.join(sorted(updates))}): stackmap queries are read-only; "
            "change the data files instead"
        )
    if "SERVICE" in words:
        raise GuardError("SERVICE is refused: queries run on the local map only and never reach the network")
    if "FROM" in words:
        raise GuardError(
            "FROM and FROM NAMED are refused: queries run on the loaded map only; "
            "use GRAPH <https://w3id.org/stackmap/file/PATH> { } to ask one data file"
        )


def _check_nesting(found: list[Token]) -> None:
    depth = 0
    for token in found:
        if token.kind == "punct" and token.text in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise GuardError(
                    f"the query nests more than {MAX_NESTING} brackets, braces or parentheses deep "
                    f"(line {token.line}): flatten it"
                )
        elif token.kind == "punct" and token.text in _CLOSE:
            depth = max(0, depth - 1)


def guard(text: str) -> str:
    """The text the engine may run: the query with codepoint escapes resolved and comments removed;
    GuardError when it is not a local read (an update, SERVICE, FROM) or nests too deep."""
    if len(text) > MAX_LENGTH:
        raise GuardError(f"the query is over {MAX_LENGTH:,} characters: shorten it")
    found = tokens(resolve_codepoints(text))
    _refuse_keywords({t.text.upper() for t in found if t.kind == "word"})
    _check_nesting(found)
    return "".join(t.text for t in found if t.kind != "comment")


_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def query_kind(text: str) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT and DESCRIBE): the form of a guarded query, read from its
    first query-form keyword (the prologue holds only BASE and PREFIX); 'select' when it has none."""
    for token in tokens(text):
        if token.kind == "word" and (form := _FORMS.get(token.text.upper())):
            return form
    return "select"
