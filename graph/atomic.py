"""Write output files all-or-nothing: every file goes to a temporary name first, and the set is
renamed into place only once all of them were written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

Part = bytes | Path  # bytes to write, or a file whose content is copied in


def write_files(files: dict[Path, bytes | Sequence[Part]]) -> None:
    """Write each path's bytes, or its parts one after the other (a Path part is copied by the kernel,
    without reading it into memory); on any error no target is touched and temporaries are removed."""
    written: list[tuple[Path, str]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            written.append((path, tmp))
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes private files; give the usual mode
            with os.fdopen(fd, "wb") as handle:
                for part in [data] if isinstance(data, bytes) else data:
                    if isinstance(part, Path):
                        handle.flush()
                        _copy_in(part, handle.fileno())
                    else:
                        handle.write(part)
        for path, tmp in written:
            os.replace(tmp, path)
    except BaseException:
        for _, tmp in written:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise


def _copy_in(source: Path, fd: int) -> None:
    """Append the content of source to the open file fd."""
    with open(source, "rb") as handle:
        size, offset = os.fstat(handle.fileno()).st_size, 0
        while offset < size:
            sent = os.sendfile(fd, handle.fileno(), offset, size - offset)
            if sent == 0:
                raise OSError(f"{source} shrank while it was copied")
            offset += sent


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically."""
    write_files({path: data})
