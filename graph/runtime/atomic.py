"""Write output all-or-nothing.

`update_folder` changes a whole folder in one step: the new state is made in a scratch folder beside
it (the files kept are hard links, the new ones written in full, or linked in when the caller has
finished them elsewhere), which then trades places with the folder in one rename (Linux's
RENAME_EXCHANGE), so a crash at any point leaves the old folder or the new one, never a mix. A lock
on the parent folder keeps two runs from interleaving, and scratch folders that killed runs left
behind are removed by the next run. `write_file` writes one file through a temporary name and a
rename.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

Content = bytes | Path  # bytes to write, or a finished file that is moved in whole

_SCRATCH = ".stackmap-"  # scratch folders are named .FOLDER.stackmap-PID-XXXX beside FOLDER
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_file(path: Path, data: bytes) -> None:
    """Write one file atomically: a temporary file beside it, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _usual_mode(fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def update_folder(folder: Path, files: Mapping[str, Content], remove: Sequence[str] = ()) -> None:
    """Give folder the `files` (path relative to it -> bytes, or a finished file, which is hard-linked
    in where it can be and copied where not: the caller may remove it afterwards) and delete the
    `remove` paths, keeping everything else it holds, in one step: on any error the folder is as it
    was and no scratch file is left."""
    folder = Path(os.path.realpath(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder), scratch_dir(folder) as scratch:
        skip = {*files, *remove}
        if folder.is_dir():
            _link_tree(folder, scratch, skip)
        for relpath, content in files.items():
            _write(scratch / relpath, content)
        _swap(scratch, folder)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder's parent (waiting for another run to release it)."""
    fd = os.open(folder.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def scratch_dir(folder: Path) -> Iterator[Path]:
    """A new empty scratch folder beside folder, removed afterwards (whatever it then holds); the
    scratch folders of runs that no longer run are removed first."""
    folder = Path(os.path.realpath(folder))
    folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{folder.name}{_SCRATCH}"
    remove_orphans(folder.parent, prefix)
    scratch = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=folder.parent))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def remove_orphans(parent: Path, prefix: str) -> None:
    """Delete the folders PREFIX-PID-... in parent whose process PID no longer runs (left by runs
    that were killed)."""
    for stale in parent.glob(f"{prefix}*"):
        pid = stale.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _link_tree(source: Path, target: Path, skip: set[str], prefix: str = "") -> None:
    """Make target hold what source holds, files as hard links (copies where links are not
    possible), leaving out the relative paths in skip."""
    with os.scandir(source) as entries:
        for entry in entries:
            relpath = prefix + entry.name
            if relpath in skip:
                continue
            destination = target / entry.name
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), destination)
            elif entry.is_dir():
                destination.mkdir()
                _link_tree(Path(entry.path), destination, skip, relpath + "/")
            else:
                try:
                    os.link(entry.path, destination)
                except OSError:
                    shutil.copy2(entry.path, destination)


def _write(path: Path, content: Content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        return
    try:
        os.link(content, path)  # no copy of files that may hold gigabytes
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(content, path)


def _usual_mode(fd: int) -> None:
    """Give a file made by mkstemp (private) the mode a plain open would have given it."""
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)


def _swap(scratch: Path, folder: Path) -> None:
    """Put scratch in folder's place in one step; the old folder ends at scratch's path."""
    if not folder.exists():
        umask = os.umask(0)
        os.umask(umask)
        scratch.chmod(0o777 & ~umask)  # mkdtemp makes private folders
        os.rename(scratch, folder)
        return
    scratch.chmod(folder.stat().st_mode & 0o7777)
    _exchange(scratch, folder)


def _exchange(a: Path, b: Path) -> None:
    """Trade the places of two paths in one rename (renameat2 with RENAME_EXCHANGE); where the C
    library lacks it, two renames with a moment between them in which b is absent."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        errno = ctypes.get_errno()
        if errno not in (22, 38):  # EINVAL, ENOSYS: the file system or kernel cannot exchange
            raise OSError(errno, os.strerror(errno), str(b))
    aside = a.with_name(a.name + "-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
