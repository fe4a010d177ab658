"""Digests of what `stackmap build` writes, and the reference digests the benchmark compares them with.

`benchmarks/digests.json` holds, per generated market size (seed 7), the SHA-256 of every file that
`stackmap build --as-of BENCH_DAY` wrote for that market with the code the reference was recorded
from. The build is of a fixed day, not today, so that the digests do not move with the calendar (a
generated offering may retire in a given year). The benchmark builds each market as a command,
digests its output folder and prints whether every file matches; `--record-digests` writes the
digests of the code at hand into the reference (do that only with the code whose outputs are the
reference, and say so in the commit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

BENCH_DAY = dt.date(2026, 12, 1)  # the day the benchmark's command builds are of
REFERENCE = Path(__file__).with_name("digests.json")


def folder_digests(folder: Path) -> dict[str, str]:
    """The SHA-256 (hex) of every file under folder, by path relative to it ("/"-separated), sorted."""
    folder = Path(folder)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def combined(digests: dict[str, str]) -> str:
    """One short digest of a folder's file digests (the first 16 hex digits of their SHA-256)."""
    text = "".join(f"{name}\0{digest}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_reference(path: Path = REFERENCE) -> dict[str, dict[str, str]]:
    """The reference file digests by market size (as text), or {} when there is no reference."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["sizes"]
    except (OSError, KeyError, ValueError):
        return {}


def record(size: int, digests: dict[str, str], path: Path = REFERENCE) -> None:
    """Store the digests of one size in the reference file (other sizes are kept)."""
    sizes = load_reference(path)
    sizes[str(size)] = digests
    document = {
        "about": "SHA-256 of each file of `stackmap build --as-of DAY` on the generated market of each size (seed 7)",
        "day": BENCH_DAY.isoformat(),
        "sizes": dict(sorted(sizes.items(), key=lambda item: int(item[0]))),
    }
    Path(path).write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def verdict(size: int, digests: dict[str, str], reference: dict[str, dict[str, str]]) -> str:
    """'same' when every file matches the reference of size, 'no reference', or which files differ."""
    expected = reference.get(str(size))
    if expected is None:
        return "no reference"
    if digests == expected:
        return "same"
    differ = sorted(n for n in expected.keys() | digests.keys() if expected.get(n) != digests.get(n))
    return "DIFFERS: " + ", ".join(differ)
