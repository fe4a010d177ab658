"""`python -m benchmarks.generate N OUT_DIR [--seed S]`: write a synthetic market and print its counts."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.market import generate_market


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: the number of vendors, the output folder and the seed."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write a synthetic layered generative-AI market as stackmap YAML data files.",
    )
    parser.add_argument("n", type=int, metavar="N", help="number of vendors (at least 11, one per leaf layer)")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write sources.yaml and vendors/ to")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives identical files")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Generate the market and print one line of counts; exit code 2 on a bad vendor count."""
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate_market(args.n, args.out_dir, args.seed)
    except ValueError as error:
        print(f"error: {error}")
        return 2
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{value} {key}" for key, value in counts.items())
    print(f"wrote {summary} to {args.out_dir} in {elapsed:.2f} s (seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
