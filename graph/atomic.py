"""Write output files all-or-nothing: every file goes to a temporary name first, and the set is
renamed into place only once all of them were written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_files(files: dict[Path, bytes]) -> None:
    """Write each path's bytes; on any error no target is touched and temporaries are removed."""
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
                handle.write(data)
        for path, tmp in written:
            os.replace(tmp, path)
    except BaseException:
        for _, tmp in written:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically."""
    write_files({path: data})
