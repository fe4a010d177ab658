"""Checks across data files that SHACL cannot express well: duplicate ids, and references to ids
that do not exist or are of the wrong kind (with a did-you-mean)."""

from __future__ import annotations

from collections import defaultdict

from ..source import vocab
from ..source.facts import FileFacts
from ..source.problems import Problem, did_you_mean


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(f"a {k}" if k[0] not in "aeiou" else f"an {k}" for k in kinds)


def check_ids(files: list[FileFacts]) -> tuple[list[Problem], set[str]]:
    """Problems with ids across files, and the IRIs of duplicated ids and bad references (so that
    SHACL's echoes of the same problems can be dropped). While a file cannot be read, references to
    ids declared nowhere are not reported one by one (the file may declare them): its problem says
    once how many there are and where."""
    problems: list[Problem] = []
    unreadable = [f for f in files if f.unreadable]
    unchecked: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # file -> id -> referrers
    first: dict[str, tuple[str, str, int]] = {}  # id -> (kind, file, line)
    duplicated: set[str] = set()
    for facts in files:
        for identifier, (kind, line) in sorted(facts.declared.items(), key=lambda kv: kv[1][1]):
            if identifier in first:
                _, other_file, other_line = first[identifier]
                duplicated.add(vocab.entity(identifier))
                problems.append(
                    Problem(
                        facts.relpath,
                        line,
                        f"duplicate id '{identifier}': already declared in {other_file}:{other_line}; "
                        "ids are unique across the data folder, so rename one or merge the files",
                    )
                )
            else:
                first[identifier] = (kind, facts.relpath, line)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for identifier, (kind, _, _) in first.items():
        by_kind[kind].append(identifier)
    bad: set[str] = set(duplicated)
    for facts in files:
        for ref in facts.references:
            if ref.target in first:
                kind = first[ref.target][0]
                if kind not in ref.kinds:
                    bad.add(vocab.entity(ref.target))
                    problems.append(
                        Problem(
                            facts.relpath,
                            ref.line,
                            f"'{ref.target}' in `{ref.key}` is {_kinds_text((kind,))}, "
                            f"but `{ref.key}` needs {_kinds_text(ref.kinds)}: name one",
                        )
                    )
                continue
            bad.add(vocab.entity(ref.target))
            if cause := next((f for f in unreadable if f.may_declare(ref.target)), None):
                unchecked[cause.relpath][ref.target].add(facts.relpath)
                continue
            choices = [i for k in ref.kinds for i in by_kind[k]]
            hint = did_you_mean(ref.target, choices)
            problems.append(
                Problem(
                    facts.relpath,
                    ref.line,
                    f"unknown id '{ref.target}' in `{ref.key}`{hint or '.'} "
                    f"Use the id of {_kinds_text(ref.kinds)} declared in the data folder, "
                    "or add a file that declares it",
                )
            )
    for facts in files:
        for identifier, line in facts.foreign:
            bad.add(vocab.entity(identifier))
            if identifier in first and first[identifier][1] != facts.relpath:
                where = (
                    f"declared in {first[identifier][1]}: a file states facts only about what it declares; "
                    "change that file"
                )
            else:
                where = (
                    "which this file does not declare: declare it here (give it its type) or remove these statements"
                )
            problems.append(Problem(facts.relpath, line, f"states facts about '{identifier}', {where}"))
    for relpath, ids in sorted(unchecked.items()):
        referring = sorted({f for names in ids.values() for f in names})
        names = ", ".join(f"'{i}'" for i in sorted(ids)[:5]) + (", ..." if len(ids) > 5 else "")
        files_text = ", ".join(referring[:5]) + (", ..." if len(referring) > 5 else "")
        problems.append(
            Problem(
                relpath,
                0,
                f"{len(referring)} other file(s) ({files_text}) name {len(ids)} id(s) this file may declare "
                f"({names}): they are checked once it reads",
            )
        )
    return problems, bad
