"""`check`: load a data folder and validate it, returning every problem at once and a summary."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..runtime.gc_pause import gc_paused
from ..source import vocab
from ..source.loader import LoadedMap, read_folder, with_detail_lines
from ..source.problems import DataError, Problem, ordered
from .references import check_ids
from .shacl_compiler import Beside

LARGE_MAP = 200_000  # data triples from which validating reports progress and uses THREADS
THREADS = 2  # threads the SHACL queries of a large map are split over
NO_DATA_FILES = Problem(".", 0, "no data files (.yaml, .yml or .ttl) in the folder: add one")


@dataclass(frozen=True)
class Summary:
    """Counts of what a valid data folder holds."""

    files: int
    vendors: int
    offerings: int
    dependencies: int
    figures: int
    sources: int
    moats: int
    triples: int

    def line(self) -> str:
        """The one-line summary `stackmap check` prints."""
        return (
            f"ok: {self.files} files, {self.vendors} vendors, {self.offerings} offerings, "
            f"{self.dependencies} dependencies, {self.figures} figures, {self.moats} moat claims, "
            f"{self.sources} sources, {self.triples} triples"
        )


def summarise(loaded: LoadedMap) -> Summary:
    """Count vendors, offerings, dependencies, figures, sources, moat claims and data triples."""
    classes = (vocab.VENDOR, vocab.OFFERING, vocab.DEPENDENCY, vocab.FIGURE, vocab.SOURCE_CLASS, vocab.MOAT_CLAIM)
    counts = dict.fromkeys(classes, 0)
    files = {f.graph for f in loaded.files}
    others = [f"<{g.value}>" for g in loaded.store.named_graphs() if g.value not in files]  # ontology, analyses
    only_files = f"FILTER (?g NOT IN ({', '.join(others)})) " if others else ""
    values = " ".join(f"<{c}>" for c in classes)
    pattern = f"VALUES ?c {{ {values} }} GRAPH ?g {{ ?s a ?c }} {only_files}"
    query = f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ {pattern}}} GROUP BY ?c"
    for cls, n in loaded.store.query(query):
        counts[cls.value] = int(n.value)
    return Summary(
        files=len(loaded.files),
        vendors=counts[vocab.VENDOR],
        offerings=counts[vocab.OFFERING],
        dependencies=counts[vocab.DEPENDENCY],
        figures=counts[vocab.FIGURE],
        sources=counts[vocab.SOURCE_CLASS],
        moats=counts[vocab.MOAT_CLAIM],
        triples=loaded.triples,
    )


@gc_paused()
def find_problems(
    loaded: LoadedMap,
    shapes: bool = True,
    engine: str = "oxigraph",
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
    beside: Beside | None = None,
) -> list[Problem]:
    """Every problem of a loaded folder: syntax and structure, ids and references, and (unless
    `shapes` is False) the SHACL shapes, evaluated by `engine` (oxigraph or pyshacl) over `threads`
    threads (default: THREADS on large maps, else 1); `progress` hears of the shapes on large maps.
    `beside.opened`, when given, is set as soon as the store may change without changing the problems
    found (the ids and references are checked on the files' own facts); `beside.stop` stops the shapes."""
    problems = list(loaded.problems)
    if not shapes:
        if beside:
            beside.opened.set()
        return ordered(problems + check_ids(loaded.files)[0])
    from .shacl import raw_results, to_problems

    large = loaded.triples >= LARGE_MAP
    if progress and large:
        progress(f"validating {loaded.triples:,} triples against the SHACL shapes")
    else:
        progress = None
    if threads is None:  # large maps: the shapes' queries split over two threads sharing the store
        threads = THREADS if large else 1
    # Oxigraph runs the shapes' queries without holding the GIL: the ids are checked meanwhile.
    with ThreadPoolExecutor(max_workers=1) as worker:
        shapes_found = worker.submit(raw_results, loaded.files, loaded.store, engine, progress, threads, beside)
        id_problems, bad_refs = check_ids(loaded.files)
        results = shapes_found.result()
    detailed = partial(with_detail_lines, loaded)
    return ordered(problems + id_problems + to_problems(results, loaded.files, bad_refs, detailed))


def check(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    shapes: bool = True,
    engine: str = "oxigraph",
    warnings: bool = False,
) -> tuple[LoadedMap, list[Problem]]:
    """Load data_dir and validate it: the loaded map and every problem found (empty when valid).
    With `shapes` False the SHACL shapes are skipped (a quick check for queries); `engine` picks
    the SHACL engine (oxigraph, or pyshacl, the reference). With `warnings`, valid data's warnings
    (`check.expansions`) follow the problems."""
    loaded = read_folder(Path(data_dir), progress)
    if not loaded.files:
        return loaded, [NO_DATA_FILES]
    problems = find_problems(loaded, shapes, engine, progress)
    if warnings and not problems:
        from ..source.ontology import load_vocabulary
        from .expansions import expansion_warnings

        problems = expansion_warnings(loaded.store, loaded.files, load_vocabulary())
    return loaded, problems


def load_valid(data_dir: Path, progress: Callable[[str], None] | None = None, shapes: bool = True) -> LoadedMap:
    """Load and validate data_dir; raise DataError with every problem when it is not valid."""
    loaded, problems = check(data_dir, progress, shapes)
    if problems:
        raise DataError(problems)
    return loaded
