"""All-or-nothing writes: a folder changes in one step, or not at all."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from graph.runtime import atomic
from graph.runtime.atomic import update_folder, write_file


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_files_are_written_with_their_folders(tmp_path: Path) -> None:
    update_folder(tmp_path / "out", {"a.txt": b"whole\n", "sub/b.txt": b"one two three\n"})
    assert _tree(tmp_path / "out") == {"a.txt": b"whole\n", "sub/b.txt": b"one two three\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no scratch folder left beside it


def test_other_files_are_kept_and_removed_ones_go(tmp_path: Path) -> None:
    out = tmp_path / "out"
    update_folder(out, {"a.txt": b"1", "old.txt": b"old", "keep/k.txt": b"k"})
    update_folder(out, {"a.txt": b"2"}, remove=["old.txt"])
    assert _tree(out) == {"a.txt": b"2", "keep/k.txt": b"k"}


def test_nothing_is_touched_when_one_file_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    update_folder(out, {"a.txt": b"before\n"})
    with pytest.raises(FileNotFoundError):
        update_folder(out, {"a.txt": b"after\n", "b.txt": tmp_path / "missing"})
    assert _tree(out) == {"a.txt": b"before\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_interrupted_switch_leaves_the_previous_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename that puts the new folder in place fails: the old folder is whole and untouched."""
    out = tmp_path / "out"
    update_folder(out, {"a.txt": b"old a", "b.txt": b"old b"})
    before = {p: p.stat().st_mtime_ns for p in out.iterdir()}

    def fail(a: Path, b: Path) -> None:
        raise OSError("the machine went down here")

    monkeypatch.setattr(atomic, "_exchange", fail)
    with pytest.raises(OSError, match="went down"):
        update_folder(out, {"a.txt": b"new a", "b.txt": b"new b", "c.txt": b"new c"})
    assert _tree(out) == {"a.txt": b"old a", "b.txt": b"old b"}
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_killed_run_leaves_scratch_the_next_run_removes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    orphan = tmp_path / ".out.stackmap-999999999-abcd"  # no process has this id
    orphan.mkdir()
    (orphan / "half.txt").write_bytes(b"half")
    update_folder(out, {"a.txt": b"a"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_two_runs_into_one_folder_take_turns(tmp_path: Path) -> None:
    """While one run holds the folder's lock, another waits for it."""
    out = tmp_path / "out"
    update_folder(out, {"a.txt": b"first"})
    finished: list[float] = []
    with atomic.folder_lock(out):
        runner = threading.Thread(target=lambda: (update_folder(out, {"a.txt": b"second"}), finished.append(1)))
        runner.start()
        time.sleep(0.3)
        assert finished == [] and _tree(out) == {"a.txt": b"first"}
    runner.join(10)
    assert finished == [1] and _tree(out) == {"a.txt": b"second"}


def test_a_finished_file_is_linked_in_and_copied_across_file_systems(tmp_path: Path, monkeypatch) -> None:
    """A file given as a path becomes the folder's file without a copy (the same inode); where no hard
    link can be made, it is copied in full, also past the first megabytes."""
    import os

    source = tmp_path / "source.bin"
    big = bytes(range(256)) * 20_000  # 5,120,000 bytes
    source.write_bytes(big)
    update_folder(tmp_path / "out", {"moved.bin": source})
    assert (tmp_path / "out" / "moved.bin").stat().st_ino == source.stat().st_ino
    source.unlink()  # the caller may remove it
    assert (tmp_path / "out" / "moved.bin").read_bytes() == big

    source.write_bytes(big[::-1])

    def no_link(*_):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    update_folder(tmp_path / "out", {"copied.bin": source})
    assert (tmp_path / "out" / "copied.bin").read_bytes() == big[::-1]
    assert (tmp_path / "out" / "copied.bin").stat().st_ino != source.stat().st_ino
    assert (tmp_path / "out" / "moved.bin").read_bytes() == big  # kept, linked from the last folder


def test_write_file_replaces_one_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "map.ttl"
    write_file(target, b"one")
    write_file(target, b"two")
    assert target.read_bytes() == b"two" and sorted(os.listdir(target.parent)) == ["map.ttl"]
