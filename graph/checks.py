"""Checks across data files that SHACL cannot express well: duplicate ids, and references to ids
that do not exist or are of the wrong kind (with a did-you-mean)."""

from __future__ import annotations

from collections import defaultdict

from . import vocab
from .facts import FileFacts
from .problems import Problem, did_you_mean


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(f"a {k}" if k[0] not in "aeiou" else f"an {k}" for k in kinds)


def check_ids(files: list[FileFacts]) -> tuple[list[Problem], set[str]]:
    """Problems with ids across files, and the IRIs of duplicated ids and bad references (so that
    SHACL's echoes of the same problems can be dropped)."""
    problems: list[Problem] = []
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
    return problems, bad
