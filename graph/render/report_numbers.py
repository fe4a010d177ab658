"""How the report writes numbers: one place, so the report and its tests format them alike."""

from __future__ import annotations


def pct(x: float) -> str:
    """A fraction as a percentage with one decimal: 0.825396825 -> '82.5%'."""
    return f"{100 * x:.1f}%"


def pct_range(low: float, high: float) -> str:
    """A range of fractions: '10.0% to 20.0%', or one percentage when both ends are equal."""
    return pct(low) if pct(low) == pct(high) else f"{pct(low)} to {pct(high)}"


def hhi(x: float) -> str:
    """An HHI rounded to a whole point with thousands separators: 3387.46 -> '3,387'."""
    return f"{x:,.0f}"


def count(n: int) -> str:
    """A count with thousands separators."""
    return f"{n:,}"


def of(part: int, whole: int) -> str:
    """'3 of 7'."""
    return f"{count(part)} of {count(whole)}"
