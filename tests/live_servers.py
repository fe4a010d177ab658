"""Helpers for tests that start real servers on 127.0.0.1: a free port, a wait until one answers, and
a Virtuoso with a throwaway database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.serve import http_client


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen | None = None, seconds: float = 30.0) -> None:
    """Return once url answers any HTTP status; fail when process exits or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate a server process and wait for it (kill it when it lingers)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


VIRTUOSO = "/usr/bin/virtuoso-t"
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxKeepAlives = 10
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


class Virtuoso:
    """A running Virtuoso (Debian's virtuoso-opensource 7.2) with a throwaway database: its Graph
    Store URL (Digest credentials dba/dba, the defaults of a new database) and its query URL."""

    user, password = "dba", "dba"

    def __init__(self, http_port: int, process: subprocess.Popen) -> None:
        self.base = f"http://127.0.0.1:{http_port}"
        self.store = f"{self.base}/sparql-graph-crud-auth"
        self.query = f"{self.base}/sparql"
        self.process = process


@contextmanager
def virtuoso(folder: Path, starts: int = 3) -> Iterator[Virtuoso]:
    """`virtuoso-t +foreground +configfile INI` on free ports of 127.0.0.1 with a new database in
    folder, once it has answered a query and an authenticated Graph Store request (a GET of a graph
    it does not hold, which changes nothing); stopped (and its log kept in folder) afterwards. A
    server that aborted itself on those first requests (`virtuoso_crashed`) is replaced by a new
    one, in folder/restart-N, up to `starts` in all."""
    if not Path(VIRTUOSO).is_file():
        raise RuntimeError(f"{VIRTUOSO} is missing: apt-get install virtuoso-opensource (.ci/run does)")
    for start in range(1, starts + 1):
        with _virtuoso_process(folder if start == 1 else folder / f"restart-{start}") as server:
            credentials = {http_client.USER_VAR: server.user, http_client.PASSWORD_VAR: server.password}
            try:  # the Digest handshake stackmap's client makes; 404: it holds no such graph
                http_client.request("GET", f"{server.store}?graph=urn:x-stackmap:warm-up", env=credentials, ok=(404,))
            except http_client.RemoteError:
                if not virtuoso_crashed(server) or start == starts:
                    raise
                continue
            yield server
            return


@contextmanager
def _virtuoso_process(folder: Path) -> Iterator[Virtuoso]:
    """One Virtuoso process with a new database in folder, once it answers a query."""
    folder.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    sql_port = free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    with (folder / "stdout.txt").open("wb") as log:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        server = Virtuoso(http_port, process)
        wait_until_answers(f"{server.query}?query=ASK%7B%7D", process, seconds=120)
        yield server
    finally:
        stop(process)


def virtuoso_crashed(server: Virtuoso) -> bool:
    """Whether a Virtuoso has stopped by itself. Debian's virtuoso-opensource 7.2 now and then aborts
    on one of its first requests after it came online ("double free or corruption (fasttop)" at
    the end of its log, seen once in 2026 on the first authenticated PUT of a push), a fault of the
    server that another start of it does not repeat."""
    return server.process.poll() is not None


def oxigraph_binary() -> str:
    """The `oxigraph` command of the `oxigraph` package (installed beside this Python)."""
    found = Path(sys.executable).with_name("oxigraph")
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


class Oxigraph:
    """A running Oxigraph server: its Graph Store URL and its query URL (union default graph)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.store = f"{self.base}/store"
        self.query = f"{self.base}/query?union-default-graph"


@contextmanager
def oxigraph() -> Iterator[Oxigraph]:
    """An in-memory Oxigraph server on a free port of 127.0.0.1, stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = Oxigraph(port)
        wait_until_answers(f"{server.base}/query?query=ASK%7B%7D", process)
        yield server
    finally:
        stop(process)
