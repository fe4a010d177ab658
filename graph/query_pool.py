"""Run the endpoint's queries in worker processes, so that a query past its time limit is stopped.

A query in a thread cannot be stopped (pyoxigraph releases the GIL and runs on), so each query goes
to a worker process: the dataset is written once to an on-disk Oxigraph store in a temporary folder,
which every worker opens read-only. A worker that misses the deadline is killed and replaced in the
background while the other workers go on serving; the caller gets QueryTimeout at once.
Queries are guarded (`sparql.run_query`) and capped at `limit` rows in the worker.
"""

from __future__ import annotations

import multiprocessing
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from .sparql import QueryError, QueryTimeout, guard, run_query

_SPARE = 5.0  # seconds the worker's own guard waits beyond the pool's deadline (the pool acts first)


class WorkerLost(QueryError):
    """A worker that died while running a query (not the query's fault)."""


@dataclass(frozen=True)
class Answer:
    """An encoded query result: media type, body, and whether rows were cut at the limit."""

    media: str
    body: bytes
    truncated: bool


def _work(store_dir: str, conn: Connection, timeout: float, limit: int) -> None:
    """A worker's loop: receive (query, accept, format name), send back an Answer or an error text."""
    from .results_media import choose, encode

    store = ox.Store.read_only(store_dir)
    conn.send("ready")
    while True:
        try:
            text, accept, format_name = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = run_query(store, text, timeout=timeout + _SPARE, limit=limit)
            media = choose(accept, result.kind, format_name)
            conn.send(Answer(media, encode(result, media), result.truncated))
        except QueryError as error:
            conn.send(str(error))


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

    def __init__(self, dataset: Path, *, workers: int = 2, timeout: float = 30.0, limit: int = 10_000) -> None:
        self.timeout, self.limit = timeout, limit
        self._dir = tempfile.mkdtemp(prefix="stackmap-serve-")
        store = ox.Store(self._dir)
        store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        store.flush()
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
            target=_work, args=(self._dir, child, self.timeout, self.limit), name="stackmap-query", daemon=True
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

    def run(self, text: str, accept: str | None = None, format_name: str | None = None) -> Answer:
        """The query's result encoded for the client; QueryError when refused, malformed or failed,
        QueryTimeout when it (or the wait for a free worker) takes longer than the time limit."""
        guard(text)  # refuse updates, SERVICE, LOAD and FROM before taking a worker
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s: try again later") from None
        try:
            worker.conn.send((text, accept, format_name))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise QueryTimeout(f"query stopped after {self.timeout:g} s: narrow it, or add a LIMIT")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerLost("the query worker stopped unexpectedly; the query was not answered") from None
        self._idle.put(worker)
        if isinstance(reply, str):
            raise QueryError(reply)
        return reply

    def close(self) -> None:
        """Stop every worker and delete the temporary store."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
