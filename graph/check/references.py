"""Checks across data files that SHACL cannot express well: duplicate ids, and references to ids
that do not exist or are of the wrong kind (with a did-you-mean)."""

from __future__ import annotations

import re
from collections import defaultdict

from ..source import vocab
from ..source.facts import FileFacts, Reference
from ..source.problems import Problem, suggest_ids


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(f"a {k}" if k[0] not in "aeiou" else f"an {k}" for k in kinds)


def check_ids(files: list[FileFacts]) -> tuple[list[Problem], set[str]]:
    """Problems with ids across files, and the IRIs of duplicated ids and bad references (so that
    SHACL's echoes of the same problems can be dropped). While a file cannot be read, references to
    ids declared nowhere are not reported one by one (the file may declare them): its problem says
    once how many there are and where."""
    ids = _Ids(files)
    for facts in files:
        for ref in facts.references:
            ids.check_reference(facts, ref)
    for facts in files:
        for identifier, line in facts.foreign:
            ids.check_foreign(facts, identifier, line)
    ids.summarise_unchecked()
    return ids.problems, ids.bad


class _Ids:
    """The ids declared across the files (the first declaration of each), and what is found wrong."""

    def __init__(self, files: list[FileFacts]) -> None:
        self.problems: list[Problem] = []
        self.bad: set[str] = set()  # IRIs of duplicated ids and bad references
        self.unreadable = [f for f in files if f.unreadable]
        self.unchecked: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # file -> id -> files
        self.first: dict[str, tuple[str, str, int]] = {}  # id -> (kind, file, line)
        for facts in files:
            for identifier, (kind, line) in sorted(facts.declared.items(), key=lambda kv: kv[1][1]):
                if identifier not in self.first:
                    self.first[identifier] = (kind, facts.relpath, line)
                    continue
                _, other_file, other_line = self.first[identifier]
                self.bad.add(vocab.entity(identifier))
                self.report(
                    facts.relpath,
                    line,
                    f"duplicate id '{identifier}': already declared in {other_file}:{other_line}; "
                    "ids are unique across the data folder, so rename one or merge the files",
                )
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for identifier, (kind, _, _) in self.first.items():
            self.by_kind[kind].append(identifier)
        self.names = {i: name for facts in files for i, name in facts.names.items()}

    def report(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def check_reference(self, facts: FileFacts, ref: Reference) -> None:
        """A reference names a declared id of a kind its key accepts."""
        if ref.target in self.first:
            kind = self.first[ref.target][0]
            if kind not in ref.kinds:
                self.bad.add(vocab.entity(ref.target))
                self.report(
                    facts.relpath,
                    ref.line,
                    f"'{ref.target}' in `{ref.key}` is {_kinds_text((kind,))}, "
                    f"but `{ref.key}` needs {_kinds_text(ref.kinds)}: name one",
                )
            return
        self.bad.add(vocab.entity(ref.target))
        if cause := next((f for f in self.unreadable if f.may_declare(ref.target)), None):
            self.unchecked[cause.relpath][ref.target].add(facts.relpath)
            return
        hint = suggest_ids(ref.target, {i: self.names.get(i, i) for k in ref.kinds for i in self.by_kind[k]})
        look_for = re.split(r"[^a-z0-9]+", ref.target)[0] or ref.target
        self.report(
            facts.relpath,
            ref.line,
            f"unknown id '{ref.target}' in `{ref.key}`{hint or '.'} Use the id of {_kinds_text(ref.kinds)} "
            f"declared in the data folder (`stackmap find {look_for}` lists them), or add a file that declares it",
        )

    def check_foreign(self, facts: FileFacts, identifier: str, line: int) -> None:
        """A file stated facts about a subject it does not declare."""
        self.bad.add(vocab.entity(identifier))
        if identifier in self.first and self.first[identifier][1] != facts.relpath:
            where = (
                f"declared in {self.first[identifier][1]}: a file states facts only about what it declares; "
                "change that file"
            )
        else:
            where = "which this file does not declare: declare it here (give it its type) or remove these statements"
        self.report(facts.relpath, line, f"states facts about '{identifier}', {where}")

    def summarise_unchecked(self) -> None:
        """One problem per unreadable file for the references to ids it may declare."""
        for relpath, ids in sorted(self.unchecked.items()):
            referring = sorted({f for names in ids.values() for f in names})
            names = ", ".join(f"'{i}'" for i in sorted(ids)[:5]) + (", ..." if len(ids) > 5 else "")
            files_text = ", ".join(referring[:5]) + (", ..." if len(referring) > 5 else "")
            self.report(
                relpath,
                0,
                f"{len(referring)} other file(s) ({files_text}) name {len(ids)} id(s) this file may declare "
                f"({names}): they are checked once it reads",
            )
