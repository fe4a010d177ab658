"""All-or-nothing writes: every file or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.atomic import write_files


def test_files_are_written_with_their_folders(tmp_path: Path) -> None:
    write_files({tmp_path / "a.txt": b"whole\n", tmp_path / "sub" / "b.txt": b"one two three\n"})
    assert (tmp_path / "a.txt").read_bytes() == b"whole\n"
    assert (tmp_path / "sub" / "b.txt").read_bytes() == b"one two three\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.txt", "sub"]  # no temporaries left


def test_nothing_is_touched_when_one_file_fails(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"before\n")
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")
    with pytest.raises(OSError):
        write_files({tmp_path / "a.txt": b"after\n", blocked / "b.txt": b"cannot: its folder is a file"})
    assert (tmp_path / "a.txt").read_bytes() == b"before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "file"]
