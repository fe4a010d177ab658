"""Run the endpoint's queries in worker processes, so that a query past its time limit is stopped.

A query in a thread cannot be stopped (pyoxigraph releases the GIL and runs on), so each query goes
to a worker process: the dataset is written once to an on-disk Oxigraph store in a temporary folder,
which every worker opens read-only. A worker that misses the deadline is killed and replaced in the
background while the other workers go on serving; the caller gets QueryTimeout at once.
Queries are guarded (`sparql.run_query`) and capped at `limit` rows in the worker.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from ..query.sparql import DEFAULT_MEMORY_MB, Dataset, QueryError, QueryMemoryExceeded, QueryTimeout, guard, run_query
from ..runtime import atomic, forked

_SPARE = 5.0  # seconds the worker's own guard waits beyond the pool's deadline (the pool acts first)


class WorkerLost(QueryError):
    """A worker that died while running a query (not the query's fault)."""


@dataclass(frozen=True)
class Answer:
    """An encoded query result: media type, body, and whether rows were cut at the limit."""

    media: str
    body: bytes
    truncated: bool


_SCRATCH = "stackmap-serve-"  # the temporary stores: stackmap-serve-PID-XXXX in the temporary folder


_OUT_OF_MEMORY = "out of memory"  # what a worker sends before it leaves after a MemoryError


def _work(store_dir: str, conn: Connection, timeout: float, limit: int, memory_mb: int) -> None:
    """A worker's loop: receive (query, media type, dataset), send back an Answer or an error text.
    The worker may allocate `memory_mb` beyond what it holds once its store is open: past it, the
    engine aborts the worker (or Python raises MemoryError, and the worker leaves)."""
    from .media import encode

    store = ox.Store.read_only(store_dir)
    forked.limit_memory(memory_mb << 20)
    conn.send("ready")
    while True:
        try:
            text, media, dataset = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = run_query(store, text, timeout=timeout + _SPARE, limit=limit, memory_mb=None, dataset=dataset)
            conn.send(Answer(media, encode(result, media), result.truncated))
        except QueryError as error:
            conn.send(str(error))
        except MemoryError:
            conn.send(_OUT_OF_MEMORY)
            return


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class QueryPool:
    """Worker processes answering guarded queries on one dataset, each within `timeout` seconds."""

    def __init__(
        self,
        dataset: Path,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        limit: int = 10_000,
        memory_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        self.timeout, self.limit, self.memory_mb, self.workers = timeout, limit, memory_mb, workers
        atomic.remove_orphans(Path(tempfile.gettempdir()), _SCRATCH)
        self._dir = tempfile.mkdtemp(prefix=f"{_SCRATCH}{os.getpid()}-")
        store = ox.Store(self._dir)
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        store.flush()
        self.graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        del store  # closed before any worker opens it read-only
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            starting = [self._start() for _ in range(workers)]
            for worker in starting:
                self._ready(worker)
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_work,
            args=(self._dir, child, self.timeout, self.limit, self.memory_mb),
            name="stackmap-query",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> None:
        """Wait for a started worker's store to open, then offer it for queries."""
        try:
            ready = worker.conn.poll(60) and worker.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready or self._closed:
            self._discard(worker)
            if not ready and not self._closed:
                raise RuntimeError("a query worker failed to start")
            return
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start its successor in the background."""
        self._discard(worker)
        if not self._closed:
            threading.Thread(target=lambda: self._ready(self._start()), daemon=True).start()

    def run(self, text: str, media: str, dataset: Dataset | None = None) -> Answer:
        """The query's result encoded in `media` (one `media.choose` gave for its kind), on `dataset`
        (graphs of `self.graphs`) or on the union of all graphs;
        QueryError when refused, malformed or failed, QueryTimeout when it (or the wait for a free
        worker) takes longer than the time limit, QueryMemoryExceeded past the memory limit."""
        guard(text)  # refuse updates, SERVICE, LOAD and FROM before taking a worker
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s: try again later") from None
        try:
            worker.conn.send((text, media, dataset))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(f"query stopped after {self.timeout:g} s: narrow it, or add a LIMIT")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(1)
            self._replace(worker)
            if worker.process.exitcode == -signal.SIGABRT:  # the engine could not allocate more
                raise self._memory_exceeded() from None
            raise WorkerLost("the query worker stopped unexpectedly; the query was not answered") from None
        if reply == _OUT_OF_MEMORY:
            self._replace(worker)
            raise self._memory_exceeded()
        self._idle.put(worker)
        if isinstance(reply, str):
            raise QueryError(reply)
        return reply

    def _memory_exceeded(self) -> QueryMemoryExceeded:
        return QueryMemoryExceeded(
            f"query stopped: it needed more than {self.memory_mb:,} MB of memory: narrow it, or add a LIMIT"
        )

    def reloaded(self, dataset: Path) -> QueryPool:
        """A new pool with this one's settings, for the dataset file as it is now."""
        return QueryPool(
            dataset, workers=self.workers, timeout=self.timeout, limit=self.limit, memory_mb=self.memory_mb
        )

    def retire(self) -> None:
        """Close this pool once the queries it is running have finished (at most its time limit)."""

        def wait_then_close() -> None:
            deadline = time.monotonic() + self.timeout + _SPARE
            while time.monotonic() < deadline and self._idle.qsize() < len(self._workers):
                time.sleep(0.05)
            self.close()

        threading.Thread(target=wait_then_close, daemon=True).start()

    def close(self) -> None:
        """Stop every worker and delete the temporary store."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
