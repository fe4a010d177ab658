"""The SHACL queries split over two threads (as on large maps) give exactly what one thread gives."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import BAD_DATA, bad_case_folder
from graph.check import validate
from graph.check.shacl_compiler import (
    Beside,
    CheckStopped,
    _halves,
    _has_cycle,
    compile_shapes,
    run_checks,
)
from graph.source import loader, ontology
from graph.source.loader import read_folder

CASES = sorted(p.name for p in BAD_DATA.iterdir() if p.is_dir())


def test_halves_cover_every_check_once_and_keep_shared_prechecks_together() -> None:
    checks = compile_shapes(ontology.shapes_file())
    first, second = _halves(checks)
    assert sorted(first + second) == list(range(len(checks)))
    assert first and second
    for precheck in {c.precheck for c in checks if c.precheck}:
        owners = {0 if n in first else 1 for n, c in enumerate(checks) if c.precheck == precheck}
        assert len(owners) == 1


def test_split_results_equal_one_thread_on_every_bad_case(tmp_path: Path) -> None:
    """Same raw results, in the same order, for every bad-data case (some of them many)."""
    checks = compile_shapes(ontology.shapes_file())
    found = 0
    for case in CASES:
        store = read_folder(bad_case_folder(case, tmp_path / case)).store
        one = run_checks(store, checks)
        assert run_checks(store, checks, threads=2) == one, case
        found += len(one)
    assert found > 0


def test_the_second_half_runs_in_another_thread(monkeypatch, tmp_path: Path) -> None:
    """With two threads, one half of the checks is run by a worker thread, the other by the caller."""
    import threading

    from graph.check import shacl_compiler

    ran_in: list[tuple[str, int]] = []
    real = shacl_compiler._open

    def spy(store, checks, numbers, beside=None):
        ran_in.append((threading.current_thread().name, len(numbers)))
        return real(store, checks, numbers, beside)

    monkeypatch.setattr(shacl_compiler, "_open", spy)
    checks = compile_shapes(ontology.shapes_file())
    store = read_folder(bad_case_folder(CASES[0], tmp_path / "case")).store
    run_checks(store, checks, threads=2)
    halves = _halves(checks)
    assert sorted(n for _, n in ran_in) == sorted(len(h) for h in halves)
    assert len({name for name, _ in ran_in}) == 2 and threading.current_thread().name in {n for n, _ in ran_in}


@pytest.mark.parametrize("threads", [1, 2])
def test_checks_find_what_the_store_held_when_they_were_opened(threads: int, tmp_path: Path) -> None:
    """Once `beside.opened` is set, emptying the store changes nothing the checks find: each query reads
    the store as it was when it was opened (what lets `build` restrict the map to its day while the
    check of the whole map is still running)."""
    checks = compile_shapes(ontology.shapes_file())
    case = "dependency-cycle"  # its cycle test and its query are both opened before the store is emptied
    store = read_folder(bad_case_folder(case, tmp_path / case)).store
    expected = run_checks(store, checks)
    assert expected
    beside = Beside()
    with ThreadPoolExecutor(max_workers=1) as worker:
        found = worker.submit(run_checks, store, checks, None, threads, beside)
        assert beside.opened.wait(60)
        store.clear()
        assert len(store) == 0
        assert found.result() == expected
    assert run_checks(store, checks) == []  # opened now, the checks find nothing in the emptied store


@pytest.mark.parametrize("threads", [1, 2])
def test_a_stopped_check_raises_before_its_next_query(threads: int, monkeypatch, tmp_path: Path) -> None:
    """Told to stop while its queries are open, the check reads no further query, drops them in its own
    thread (no warning of a query dropped elsewhere) and says it stopped."""
    from graph.check import shacl_compiler

    checks = compile_shapes(ontology.shapes_file())
    store = read_folder(bad_case_folder("dependency-cycle", tmp_path / "case")).store
    beside = Beside()
    real = shacl_compiler._read
    reads: list[int] = []

    def read(checks, opened, progress=None, beside=None):
        beside.stop.set()  # as the analysing thread does when it is interrupted
        reads.append(len(opened))
        return real(checks, opened, progress, beside)

    monkeypatch.setattr(shacl_compiler, "_read", read)
    with pytest.raises(CheckStopped):
        run_checks(store, checks, threads=threads, beside=beside)
    assert beside.opened.is_set() and len(reads) == threads


@pytest.mark.parametrize("case", CASES[:4])
def test_large_map_path_gives_the_exact_messages(case: str, tmp_path: Path, monkeypatch) -> None:
    """find_problems as on a large map (split over two threads) still gives the expected lines."""
    monkeypatch.setattr(validate, "LARGE_MAP", 0)
    _, problems = validate.check(bad_case_folder(case, tmp_path / case))
    expected = (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [p.format() for p in problems] == expected


@pytest.mark.parametrize("case", CASES)
def test_files_read_without_detail_lines_give_the_exact_messages(case: str, tmp_path: Path, monkeypatch) -> None:
    """As on a large map, the YAML files keep the lines of their subjects only; a problem's file is
    read again for the line of its property, so every message is the same."""
    monkeypatch.setattr(loader, "DETAIL_LINES_FILES", 0)
    loaded, problems = validate.check(bad_case_folder(case, tmp_path / case))
    subjects_only = [f for f in loaded.files if not f.detail_lines]
    assert subjects_only and all({len(k) for k in f.lines} == {1} for f in subjects_only if f.lines)
    expected = (BAD_DATA / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [p.format() for p in problems] == expected


def test_the_cycle_test_follows_every_term_and_counts_repeated_edges_consistently() -> None:
    """An edge stated in two graphs is counted and freed alike; a literal is a node of its own when a
    blank node or an IRI has its text; a cycle through any of them, one that is also entered from
    outside, or a self-loop, is one."""
    import pyoxigraph as ox

    p, q, other = (ox.NamedNode(f"https://example.org/{name}") for name in ("p", "q", "other"))
    a, b, c = (ox.NamedNode(f"https://example.org/{name}") for name in ("a", "b", "c"))
    blank = ox.BlankNode("x")

    def store(*edges: tuple) -> ox.Store:
        made = ox.Store()
        for n, (s, pred, o) in enumerate(edges):
            made.add(ox.Quad(s, pred, o, ox.NamedNode(f"https://example.org/g{n % 2}")))
        return made

    chain = [(a, p, b), (a, p, b), (b, q, blank), (blank, p, ox.Literal("x")), (a, other, a)]
    chain.append((b, q, ox.Literal(a.value)))  # the text of a, not a
    assert not _has_cycle(store(*chain), (p.value, q.value))  # the self-loop is of another predicate
    assert _has_cycle(store(*chain), (p.value, q.value, other.value))
    assert _has_cycle(store(*chain[:3], (blank, q, a)), (p.value, q.value))  # a -> b -> _:x -> a
    assert _has_cycle(store(*chain[:3], (blank, q, a), (c, p, a)), (p.value, q.value))  # entered from c
    assert not _has_cycle(store(*chain[:3], (blank, other, a)), (p.value, q.value))
    assert not _has_cycle(ox.Store(), (p.value,))
