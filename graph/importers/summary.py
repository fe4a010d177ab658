"""What an import read, made, merged and skipped (and why), as the lines `stackmap import` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    """What an import read, made, merged and skipped (and why)."""

    rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # table -> (file name, rows read)
    organisations: dict[str, str] = field(default_factory=dict)  # selected vendor id -> why
    vendors_created: list[str] = field(default_factory=list)
    vendors_extended: list[str] = field(default_factory=list)
    merged_spellings: dict[str, set[str]] = field(default_factory=dict)  # existing vendor -> spellings
    model_layer_newcomers: list[str] = field(default_factory=list)
    offerings_created: Counter = field(default_factory=Counter)  # kind -> count
    offerings_merged: dict[str, set[str]] = field(default_factory=dict)  # existing offering id -> spellings
    foundry_nodes: list[str] = field(default_factory=list)  # node offerings made from process sizes
    dependencies: Counter = field(default_factory=Counter)  # yaml key -> count
    cluster_owners: Counter = field(default_factory=Counter)  # owners with a fleet: "in the map" / "made vendors"
    figures: Counter = field(default_factory=Counter)  # metric -> count
    markets: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)  # (market, period) -> shares
    skipped: Counter = field(default_factory=Counter)  # (what, reason) -> count
    files: Counter = field(default_factory=Counter)  # new / changed / unchanged / removed
    out_dir: str = ""
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)

    def read(self, table: str, file_name: str, count: int) -> None:
        """Record the rows read from one table."""
        self.rows[table] = (file_name, count)

    def lines(self) -> list[str]:
        """The summary as printed, one fact per line."""
        out = [f"Epoch AI import{' (dry run: nothing written)' if self.dry_run else ''}"]
        out.extend(f"rows read: {n} {table} ({name})" for table, (name, n) in self.rows.items())
        if self.organisations:
            reasons = Counter(self.organisations.values())
            why = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
            out.append(f"organisations selected: {len(self.organisations)} ({why})")
            for reason in sorted(reasons):
                names = ", ".join(sorted(o for o, r in self.organisations.items() if r == reason))
                out.append(f"  {reason}: {names}")
        merged = sorted(self.merged_spellings)
        out.append(
            f"vendors: {len(self.vendors_created)} created, {len(merged)} merged with existing vendors"
            + (" (spellings below)" if merged else "")
        )
        for vid in merged:
            out.append(f"  {vid} <- {_quoted(self.merged_spellings[vid])}")
        out.append(
            f"vendors new to the model layers: {len(self.model_layer_newcomers)} "
            f"({sum(v in self.vendors_created for v in self.model_layer_newcomers)} created, "
            f"{sum(v not in self.vendors_created for v in self.model_layer_newcomers)} existing)"
        )
        out.append(f"offerings: {sum(self.offerings_created.values())} created ({_counts(self.offerings_created)})")
        merged_offerings = ", ".join(sorted(self.offerings_merged))
        out.append(
            f"offerings: {len(self.offerings_merged)} merged with existing offerings"
            + (f" ({merged_offerings})" if merged_offerings else "")
        )
        if self.foundry_nodes:
            out.append(
                f"foundry nodes: {len(self.foundry_nodes)} made from the hardware table's process sizes, one per "
                f"foundry and size without an offering in the data ({', '.join(sorted(self.foundry_nodes))})"
            )
        out.append(f"dependencies: {sum(self.dependencies.values())} ({_counts(self.dependencies)})")
        if self.cluster_owners or any(what == "cluster owners" for what, _ in self.skipped):
            left = sum(n for (what, _), n in self.skipped.items() if what == "cluster owners")
            out.append(
                f"cluster owners: {sum(self.cluster_owners.values())} with a fleet "
                f"({self.cluster_owners['in the map']} in the map, {self.cluster_owners['made vendors']} made vendors "
                f"by the private-sector rule), {left} left out (skipped below, by reason)"
            )
        if self.figures:
            out.append(f"figures: {sum(self.figures.values())} ({_counts(self.figures)})")
        for (market, period), shares in sorted(self.markets.items()):
            top = ", ".join(f"{v} {s}" for v, s in shares[:5])
            out.append(f"  {market} {period} (installed base, not sales): {top}")
        total = sum(self.skipped.values())
        out.append(f"skipped: {total}" + (" (one line per reason)" if total else ""))
        for (what, reason), n in sorted(self.skipped.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
            out.append(f"  {n:5d} {what}: {reason}")
        files = ", ".join(f"{self.files[k]} {k}" for k in ("new", "changed", "unchanged", "removed"))
        verb = "would write" if self.dry_run else "wrote"
        out.append(f"files in {self.out_dir}: {verb} {files}")
        out.extend(f"note: {n}" for n in self.notes)
        return out


def _counts(counter: Counter) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(counter.items())) or "none"


def _quoted(texts: set[str]) -> str:
    return ", ".join('"' + x + '"' for x in sorted(texts))
