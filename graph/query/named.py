"""The shipped named queries: `.rq` files in graph/queries/ with a comment header.

A header is a run of `# key: value` lines at the top of the file; `title` and `question` are
required, `parameters` optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..source.paths import QUERIES_DIR
from ..source.problems import did_you_mean

_HEADER = re.compile(r"^#\s*(\w+):\s*(.*)$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: its name (file stem), title, the question it answers, parameters and text."""

    name: str
    title: str
    question: str
    parameters: str
    text: str
    path: Path


def parse_header(text: str) -> dict[str, str]:
    """The `# key: value` lines at the top of a query file."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            break
        header[match.group(1).lower()] = match.group(2).strip()
    return header


def load(path: Path) -> NamedQuery:
    """The named query in one `.rq` file."""
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    return NamedQuery(
        name=path.stem,
        title=header.get("title", path.stem),
        question=header.get("question", ""),
        parameters=header.get("parameters", "none"),
        text=text,
        path=path,
    )


def shipped(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every shipped query, sorted by name."""
    return [load(p) for p in sorted(directory.glob("*.rq"))]


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def term_of(value: str, iri: str) -> str:
    """The SPARQL term a `--param` value stands for: a date (YYYY-MM-DD) as a plain literal, else the
    IRI given for it (an id's)."""
    return f'"{value}"' if DATE_RE.match(value) else f"<{iri}>"


def bind(text: str, name: str, iri: str, term: str | None = None) -> str:
    """The query text with its one-variable `VALUES ?name { ... }` blocks set to the IRI, or to the
    SPARQL `term` when given (every one: a subquery that needs the parameter states it again);
    LookupError when the query has no such parameter."""
    pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}", re.IGNORECASE)
    if not pattern.search(text):
        found = sorted(set(re.findall(r"VALUES\s+\?(\w+)\s*\{", text, re.IGNORECASE)))
        have = f"its parameters: {', '.join(found)}" if found else "it takes no parameter"
        raise LookupError(f"the query has no parameter '{name}' ({have})")
    value = term or f"<{iri}>"
    return pattern.sub(lambda _: f"VALUES ?{name} {{ {value} }}", text)


def _is_file(path: Path) -> bool:
    """Whether path names an existing file; False for text that cannot be a path (too long, bad bytes)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def resolve(argument: str, directory: Path = QUERIES_DIR) -> tuple[str, str]:
    """The (label, text) of a query given as a shipped name, a `.rq` file path, or query text.

    Raises LookupError with a did-you-mean for a name that is neither shipped nor a file."""
    path = Path(argument)
    if argument.endswith(".rq") or _is_file(path):
        if not path.is_file():
            raise LookupError(f"query file not found: {argument}")
        return str(path), path.read_text(encoding="utf-8")
    if NAME_RE.match(argument):
        names = {q.name: q for q in shipped(directory)}
        if argument in names:
            return argument, names[argument].text
        hint = did_you_mean(argument, names)
        raise LookupError(f"unknown query '{argument}'{hint or ''} (`stackmap queries` lists them)")
    return "query", argument
