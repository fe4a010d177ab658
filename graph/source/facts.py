"""What one data file contributes: its quads, the ids it declares, its references, and line numbers.

Both readers (YAML and Turtle) produce a `FileFacts`; the loader merges them and the checks use the
line index to report every problem at `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .problems import Problem

# Kinds of declared ids, and what a reference may point to.
VENDOR = "vendor"
OFFERING = "offering"
SOURCE = "source"
FIGURE = "figure"
PARTIES = (VENDOR, OFFERING)


@dataclass(frozen=True)
class Reference:
    """A use of an id: `key` names the field it appears in, `kinds` what it may point to."""

    target: str
    kinds: tuple[str, ...]
    key: str
    line: int


@dataclass
class FileFacts:
    """The facts of one data file (path relative to the data folder, with forward slashes)."""

    relpath: str
    graph: str
    quads: list[ox.Quad] = field(default_factory=list)
    nquads: list[str] = field(default_factory=list)  # or the same as N-Quads lines (the YAML reader's, faster)
    declared: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (kind, line)
    references: list[Reference] = field(default_factory=list)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)  # (s,) (s,p) (s,p,o) -> line
    detail_lines: bool = True  # False: `lines` holds (s,) keys only (large maps; read the file again for the rest)
    problems: list[Problem] = field(default_factory=list)
    rejected: set[tuple[str, str]] = field(default_factory=set)  # (subject, predicate) with a reported bad value
    unreadable: bool = False  # the file could not be read (syntax, size, link): what it declares is unknown
    salvaged: set[str] = field(default_factory=set)  # ids an unreadable file was seen to declare before its error
    foreign: list[tuple[str, int]] = field(default_factory=list)  # (id, line) of subjects it does not declare
    # How messages name the nodes the reader derived (dependency and tie statements, moat claims):
    # in the words of the file, e.g. "newco-app (uses_model: modelco-big)", never by their derived ids.
    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # id -> name of the vendors and offerings it declares
    source_refused: bool = False  # the file's default `source:` could not be read (its facts' echoes are dropped)

    def may_declare(self, identifier: str) -> bool:
        """Whether this unreadable file may declare the id: one seen before its error, or one named
        after the file (`nvidia`, `nvidia-h100` for vendors/nvidia.yaml)."""
        stem = self.relpath.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        return identifier in self.salvaged or identifier == stem or identifier.startswith(stem + "-")

    def refuse(self, line: int, message: str) -> FileFacts:
        """Mark the file unreadable with the problem that says why; the file itself is returned."""
        self.problems.append(Problem(self.relpath, line, message, cause=True))
        self.unreadable = True
        return self

    def release(self) -> None:
        """Drop what only the check reads (the ids referred to, the lines, the names), once it has found
        no problem: a large map's files hold hundreds of megabytes of them. The path, the graph, the quads
        (in the store) and the ids declared (what `find` and `--param` look up) stay."""
        self.references, self.lines, self.labels, self.names = [], {}, {}, {}
        self.rejected, self.salvaged, self.foreign = set(), set(), []

    def all_quads(self) -> list[ox.Quad]:
        """The file's quads, whether read as objects or as N-Quads text (empty once loaded into a store)."""
        if not self.nquads:
            return list(self.quads)
        text = "".join(self.nquads).encode("utf-8")
        return [*self.quads, *ox.parse(text, format=ox.RdfFormat.N_QUADS)]

    def line_of(self, subject: str, predicate: str | None = None, obj: str | None = None) -> int:
        """The best known line for a subject, optionally narrowed by predicate and object; 0 if unknown."""
        for key in ((subject, predicate, obj), (subject, predicate), (subject,)):
            if None not in key and key in self.lines:
                return self.lines[key]
        return 0
