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


def test_parts_are_written_in_order_and_files_copied_in(tmp_path: Path) -> None:
    """A file given as parts holds them one after the other; a Path part is the content of that file
    (copied in full, also past the first megabytes)."""
    source = tmp_path / "source.bin"
    big = bytes(range(256)) * 20_000  # 5,120,000 bytes
    source.write_bytes(big)
    write_files({tmp_path / "out" / "joined.bin": [b"head|", source, b"|tail", source]})
    assert (tmp_path / "out" / "joined.bin").read_bytes() == b"head|" + big + b"|tail" + big
    assert source.read_bytes() == big  # the source is left as it was


def test_a_missing_part_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_files({tmp_path / "a.txt": b"fine\n", tmp_path / "b.txt": [b"x", tmp_path / "missing"]})
    assert list(tmp_path.iterdir()) == []
