"""Load a data folder into an RDF dataset: one named graph per data file, plus the ontology.

`read_folder` reads every `.yaml`, `.yml` and `.ttl` file under the folder (recursively, sorted) and
reports syntax and structure problems; `checks` and `shacl` validate the merged result.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..runtime.gc_pause import gc_paused
from . import ontology, vocab
from .facts import FileFacts
from .problems import Problem, excerpt
from .turtle_reader import read_turtle
from .yaml_reader import read_yaml

DATA_SUFFIXES = (".yaml", ".yml", ".ttl")
_BATCH = 50_000  # N-Quads lines moved into the store at a time
DETAIL_LINES_FILES = 5_000  # files from which the line of each property is not kept (memory: 6 per quad)
MAX_FILE_MB = 5  # the size limit of one data file, unless STACKMAP_MAX_FILE_MB says otherwise


@dataclass
class LoadedMap:
    """A data folder loaded into a pyoxigraph store (ontology graph plus one graph per file). The
    files keep what they declare, refer to and their line index; their quads live in the store only."""

    data_dir: Path
    files: list[FileFacts]
    store: ox.Store
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0  # quads read from the data files (those left once restricted to a day)
    as_of: dt.date | None = None  # the day the store was restricted to (model.as_of), if it was
    unrestricted: ox.Store | None = None  # on small maps, every fact as loaded (for the timeline)

    def file(self, relpath: str) -> FileFacts:
        """The facts of the data file at relpath."""
        return next(f for f in self.files if f.relpath == relpath)

    def data_quads(self) -> list[ox.Quad]:
        """Every quad of the data files, file by file (no ontology), as the store holds them."""
        return [q for f in self.files for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(f.graph))]


def max_file_bytes() -> int:
    """The size limit of one data file: MAX_FILE_MB megabytes, or STACKMAP_MAX_FILE_MB when set."""
    try:
        return int(float(os.environ.get("STACKMAP_MAX_FILE_MB", MAX_FILE_MB)) * 2**20)
    except ValueError:
        return MAX_FILE_MB * 2**20


def data_files(data_dir: Path) -> list[Path]:
    """Every data file under data_dir that may be read, sorted by relative path; hidden folders and
    files are skipped, and so are links that lead out of the folder (see `_data_files`)."""
    return [Path(path) for _, path in _data_files(data_dir)[0]]


def _data_files(data_dir: Path) -> tuple[list[tuple[str, str]], list[FileFacts]]:
    """(path relative to data_dir with "/" between parts, path) of every data file, sorted, and the
    facts of the data files that are links it will not follow: a link is read only when it leads to
    a file inside the data folder; one that leads out, loops or dangles is refused, naming the link
    and its target (never what the target holds). Linked folders are not entered (as os.walk)."""
    found: list[tuple[str, str]] = []
    refused: list[FileFacts] = []
    root = os.path.realpath(data_dir)
    folders = [(str(data_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                relpath = prefix + entry.name
                if entry.is_symlink():
                    if entry.name.endswith(DATA_SUFFIXES):
                        if problem := _link_problem(entry.path, root):
                            refused.append(
                                FileFacts(relpath=relpath, graph=vocab.file_graph(relpath)).refuse(0, problem)
                            )
                        else:
                            found.append((relpath, entry.path))
                elif entry.is_dir():
                    folders.append((entry.path, f"{relpath}/"))
                elif entry.name.endswith(DATA_SUFFIXES) and entry.is_file():
                    found.append((relpath, entry.path))
    return sorted(found), refused


def _link_problem(path: str, root: str) -> str | None:
    """Why the link at path may not be read as a data file, or None when it leads to a file in root."""
    target = excerpt(os.readlink(path), 200)
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return f"is a link to {target}, which does not exist: fix the link or remove it"
    except OSError:
        return f"is a link to {target} that leads round in a loop: remove it"
    if os.path.commonpath([root, real]) != root:
        return (
            f"is a link to {target}, outside the data folder: data files are read only inside it; "
            "copy the file in instead"
        )
    if not os.path.isfile(real):
        return f"is a link to {target}, which is not a file: remove it"
    return None


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


def _read_all(descriptor: int, size: int) -> bytes:
    """The bytes of the open file whose size fstat gave, read to its end: a read may return less
    than asked (a file over 2 GiB, some network file systems), and the file may have grown since."""
    chunks = [os.read(descriptor, size + 1)]
    while chunks[-1]:
        chunks.append(os.read(descriptor, max(size, 1 << 16)))
    return b"".join(chunks)


def read_file(data_dir: Path, path: Path, vocabulary: ontology.Vocabulary, detail_lines: bool = True) -> FileFacts:
    """The facts of one data file, with its problems (YAML: with the lines of subjects only, unless
    detail_lines)."""
    return _read(path.relative_to(data_dir).as_posix(), str(path), vocabulary, detail_lines)


def _read(relpath: str, path: str, vocabulary: ontology.Vocabulary, detail_lines: bool) -> FileFacts:
    """`read_file` given the file's relative path (with "/") and its path. A file that cannot be read
    (too large, not UTF-8, any error of the reader) is a problem of that file, never an exception."""
    try:
        return _read_text(relpath, path, vocabulary, detail_lines)
    except Exception as error:  # whatever a hostile file provokes becomes its problem
        reason = "it is too large to hold in memory" if isinstance(error, MemoryError) else type(error).__name__
        detail = f": {excerpt(str(error))}" if str(error) else ""
        return FileFacts(relpath=relpath, graph=vocab.file_graph(relpath)).refuse(
            0, f"the file could not be read ({reason}{detail}): fix or remove it"
        )


def _read_text(relpath: str, path: str, vocabulary: ontology.Vocabulary, detail_lines: bool) -> FileFacts:
    # os.open, not open(): its buffered file object costs more than the reads
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size, limit = os.fstat(descriptor).st_size, max_file_bytes()
        if size > limit:
            return FileFacts(relpath=relpath, graph=vocab.file_graph(relpath)).refuse(
                0,
                f"the file is {size:,} bytes, over the limit of {limit:,} for one data file: split it, "
                f"or raise the limit with the environment variable STACKMAP_MAX_FILE_MB (now {limit / 2**20:g})",
            )
        raw = _read_all(descriptor, size)
    finally:
        os.close(descriptor)
    text, problem = _decode(relpath, raw)
    if text is None:
        facts = FileFacts(relpath=relpath, graph=vocab.file_graph(relpath))
        return facts.refuse(problem.line, problem.message)
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
    paths, refused = _data_files(data_dir)
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
    files = sorted(files + refused, key=lambda f: f.relpath)
    problems = [p for f in files for p in f.problems]
    return LoadedMap(data_dir=data_dir, files=files, store=store, problems=problems, triples=triples)
