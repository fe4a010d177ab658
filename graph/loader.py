"""Load a data folder into an RDF dataset: one named graph per data file, plus the ontology.

`read_folder` reads every `.yaml`, `.yml` and `.ttl` file under the folder (recursively, sorted) and
reports syntax and structure problems; `checks` and `shacl` validate the merged result.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import ontology, vocab
from .facts import FileFacts
from .gc_pause import gc_paused
from .problems import Problem
from .turtle_source import read_turtle
from .yaml_source import read_yaml

DATA_SUFFIXES = (".yaml", ".yml", ".ttl")
_BATCH = 50_000  # N-Quads lines moved into the store at a time
DETAIL_LINES_FILES = 5_000  # files from which the line of each property is not kept (memory: 6 per quad)


@dataclass
class LoadedMap:
    """A data folder loaded into a pyoxigraph store (ontology graph plus one graph per file). The
    files keep what they declare, refer to and their line index; their quads live in the store only."""

    data_dir: Path
    files: list[FileFacts]
    store: ox.Store
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0  # quads read from the data files

    def file(self, relpath: str) -> FileFacts:
        """The facts of the data file at relpath."""
        return next(f for f in self.files if f.relpath == relpath)

    def data_quads(self) -> list[ox.Quad]:
        """Every quad of the data files, file by file (no ontology), as the store holds them."""
        return [q for f in self.files for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(f.graph))]


def data_files(data_dir: Path) -> list[Path]:
    """Every data file under data_dir, sorted by relative path; hidden folders and files are skipped."""
    return [Path(path) for _, path in _data_files(data_dir)]


def _data_files(data_dir: Path) -> list[tuple[str, str]]:
    """(path relative to data_dir with "/" between parts, path) of every data file, as `data_files`."""
    found: list[tuple[str, str]] = []
    folders = [(str(data_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    if not entry.is_symlink():  # as os.walk: a linked folder is not entered
                        folders.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.name.endswith(DATA_SUFFIXES) and entry.is_file():  # a link to a file counts
                    found.append((prefix + entry.name, entry.path))
    return sorted(found)


def _decode(relpath: str, raw: bytes) -> tuple[str | None, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return None, Problem(
            relpath, line, f"the file is not UTF-8 text (byte 0x{byte:02x} at offset {error.start}): save it as UTF-8"
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None, Problem(
            relpath, 0, "the file is empty: describe a vendor in it (see data/template.yaml.example) or delete it"
        )
    return text, None


def read_file(data_dir: Path, path: Path, vocabulary: ontology.Vocabulary, detail_lines: bool = True) -> FileFacts:
    """The facts of one data file, with its problems (YAML: with the lines of subjects only, unless
    detail_lines)."""
    return _read(path.relative_to(data_dir).as_posix(), str(path), vocabulary, detail_lines)


def _read(relpath: str, path: str, vocabulary: ontology.Vocabulary, detail_lines: bool) -> FileFacts:
    """`read_file` given the file's relative path (with "/") and its path."""
    with open(path, "rb") as handle:
        raw = handle.read()
    text, problem = _decode(relpath, raw)
    if text is None:
        facts = FileFacts(relpath=relpath, graph=vocab.file_graph(relpath))
        facts.problems.append(problem)
        return facts
    if relpath.endswith(".ttl"):
        deps = {r.iri for r in vocabulary.dependencies.values()}
        ties = {r.iri for r in vocabulary.ties.values()}
        keys = {**vocabulary.keys_by_iri, vocab.ABOUT: "about", vocab.SOURCE: "source", vocab.OFFERED_BY: "offered by"}
        return read_turtle(relpath, text, keys, deps, ties)
    return read_yaml(relpath, text, vocabulary, detail_lines)


def with_detail_lines(loaded: LoadedMap, facts: FileFacts) -> FileFacts:
    """The facts of one loaded file with the line of every property and value (read again if needed)."""
    if facts.detail_lines:
        return facts
    return read_file(loaded.data_dir, loaded.data_dir / facts.relpath, ontology.load_vocabulary())


def read_folder(data_dir: Path, progress: Callable[[str], None] | None = None) -> LoadedMap:
    """Read every data file of data_dir into a store; problems are collected, not raised."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data folder not found: {data_dir}")
    vocabulary = ontology.load_vocabulary()
    paths = _data_files(data_dir)
    detail_lines = len(paths) < DETAIL_LINES_FILES  # large maps: read a file again when a problem needs them
    store = ox.Store()
    store.bulk_extend(ontology.ontology_quads())
    files: list[FileFacts] = []
    batch: list[str] = []
    triples = 0
    loading: Future | None = None  # the batch being parsed into the store
    # Oxigraph parses a batch without the GIL: a thread moves each batch into the store while the
    # next files are read (one batch at a time, in order, so the store ends the same).
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as loader:  # gc: millions of small objects
        for index, (relpath, path) in enumerate(paths, start=1):
            facts = _read(relpath, path, vocabulary, detail_lines)
            triples += len(facts.quads) + len(facts.nquads)
            batch += facts.nquads
            batch += [f"{q} .\n" for q in facts.quads]
            facts.quads, facts.nquads = [], []  # the store holds them from here on
            files.append(facts)
            if len(batch) >= _BATCH or index == len(paths):
                text = "".join(batch)
                batch = []
                if loading is not None:
                    loading.result()
                loading = loader.submit(store.load, text, format=ox.RdfFormat.N_QUADS)
            if progress and index % 5000 == 0:
                progress(f"read {index:,} of {len(paths):,} files")
        if loading is not None:
            loading.result()
    problems = [p for f in files for p in f.problems]
    return LoadedMap(data_dir=data_dir, files=files, store=store, problems=problems, triples=triples)
