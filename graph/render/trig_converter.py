"""TriG made off Python's objects: the dataset's sorted graphs, piped as TriG blocks to a converter
process that writes them out as TriG with the map's prefixes.

The converter is Oxigraph's own command, `oxigraph convert` (the `oxigraph` package on PyPI, a
dependency), when it is of pyoxigraph's version: it parses and serialises natively, takes the
prefixes declared at the head of its input for its output, and writes the bytes pyoxigraph's
`serialize` gives (tested). Where that command is missing or of another version, this module is the
converter (`python -m graph.render.trig_converter FILE`), with pyoxigraph. Either way it works on
another core, beside the thread that sorts the graphs.

Imports: `source`.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import metadata
from pathlib import Path

from ..source import vocab


@functools.cache
def oxigraph_command() -> str | None:
    """The path of the `oxigraph` command of the installed `oxigraph` distribution, when that is of
    pyoxigraph's version (their serialisers are then the same code), else None."""
    try:
        found = metadata.distribution("oxigraph")
        if found.version != metadata.version("pyoxigraph"):
            return None
    except metadata.PackageNotFoundError:
        return None
    for file in found.files or ():
        if file.name in ("oxigraph", "oxigraph.exe") and file.parent.name in ("bin", "Scripts"):
            path = Path(str(found.locate_file(file))).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    return None


def command(trig: Path) -> list[str]:
    """The converter's command line: TriG blocks from standard input to TriG in the file trig."""
    oxigraph = oxigraph_command()
    if oxigraph:
        return [oxigraph, "convert", "--from-format", "trig", "--to-format", "trig", "--to-file", str(trig)]
    return [sys.executable, "-m", __name__, str(trig)]


def header() -> bytes:
    """The prefixes of the map (`vocab.PREFIXES`) as TriG declarations."""
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in vocab.PREFIXES.items()).encode("utf-8")


class Converter:
    """A running converter; `write` hands it TriG blocks."""

    def __init__(self, process: subprocess.Popen, errors, trig: Path) -> None:
        self._process, self._errors, self._trig = process, errors, trig

    def write(self, blocks: bytes) -> None:
        """Hand the converter the next TriG text: blocks in order, a large one perhaps split over several
        writes (the converter reads a stream)."""
        try:
            self._process.stdin.write(blocks)
        except BrokenPipeError:
            self._process.wait()
            raise self.failure() from None

    def failure(self) -> RuntimeError:
        """The error of a converter that stopped, with what it said."""
        self._errors.seek(0)
        lines = self._errors.read(4000).decode("utf-8", "replace").strip().splitlines()
        said = "no message" if not lines else lines[-1] if lines[0].startswith("Traceback") else lines[0]
        said = said.removeprefix("Error: ")  # the line that names the fault, as a traceback ends or `oxigraph` begins
        return RuntimeError(f"writing {self._trig.name} failed (exit {self._process.returncode}): {said}")


@contextmanager
def converting(trig: Path) -> Iterator[Converter]:
    """A converter writing the TriG of the blocks it is given to the file trig, with the map's
    prefixes; the file is complete when the block ends without an error. On an error the converter
    is stopped, and the file is to be thrown away."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command(trig),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, "RUST_BACKTRACE": "0"},  # a fault in one line, without Rust's backtrace
        )
        try:
            converter = Converter(process, errors, trig)
            converter.write(header())
            yield converter
            process.stdin.close()
            if process.wait() != 0:
                raise converter.failure()
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            if not process.stdin.closed:
                with suppress(BrokenPipeError):  # the converter has stopped already
                    process.stdin.close()


def main(argv: list[str] | None = None) -> int:
    """The converter in Python: TriG blocks from standard input to the TriG file named by the argument."""
    import pyoxigraph as ox

    (path,) = sys.argv[1:] if argv is None else argv
    try:
        with open(path, "wb") as out:
            quads = ox.parse(sys.stdin.buffer, format=ox.RdfFormat.TRIG)
            ox.serialize(quads, out, format=ox.RdfFormat.TRIG, prefixes=vocab.PREFIXES)
    except (SyntaxError, OSError) as error:  # as `oxigraph convert` says it: one line
        print(f"Error: {error.msg if isinstance(error, SyntaxError) else error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
