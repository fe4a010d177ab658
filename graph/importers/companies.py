"""Dated figures from Epoch AI's "AI Companies" reports: revenue, usage and compute spend.

Only reports of good confidence become facts (Confidence "Confident" or "Likely"); the others, those
Epoch leaves out of its own charts ("Exclude from graph view"), and those of companies not in the map
are counted as skipped. Each figure is about the company's vendor (or its offering, when the report
names a product the data folder has, such as ChatGPT), dated by `as_of` (the report's date), and
names its row and the row's links in its note.

- revenue reports: an annualized amount is `annualized-revenue` (USD/year); a yearly revenue is
  `revenue` (USD) for that year; a product's or a part-year's revenue without an annualized amount
  is skipped.
- usage reports: weekly, monthly or daily active users (`weekly-active-users`, ..., in `users`),
  `daily-tokens` (tokens/day) and `daily-messages` (messages/day); one report may give several.
- compute spend: `compute-spend` (total), `research-compute-spend` (R&D) and
  `inference-compute-spend`, in USD for a year or USD/year when annualized; a spend reported before
  its period ended is marked as a projection.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .names import clean
from .registry import Registry
from .tables import date, number, urls

REPORT_COLUMNS = ("Company", "Date", "Confidence")
GOOD_CONFIDENCE = ("confident", "likely")
PRODUCT_LAYERS = {"end-to-end-apps", "apps", "closed-foundation-models", "open-foundation-models", "model-hubs"}
USER_METRICS = {"weekly": "weekly-active-users", "monthly": "monthly-active-users", "daily": "daily-active-users"}
SPEND_METRICS = (
    ("Total compute spend", "compute-spend"),
    ("R&D compute spend", "research-compute-spend"),
    ("Inference compute spend", "inference-compute-spend"),
)
LINK_COLUMNS = ("Source 1", "Source 2", "Source 3")


def _amount(value: Decimal) -> int | float:
    """A figure's value as YAML writes it plainly: a whole number as an integer."""
    return int(value) if value == value.to_integral_value() else float(value)


class Companies:
    """The figures the AI Companies reports give, in the order read."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.figures: list[dict] = []

    def reports(self, rows: list[dict[str, str]], table: str) -> Iterator[tuple[dict[str, str], str, str]]:
        """The reports that can become facts, each with its vendor id and date (the others counted)."""
        for row in rows:
            if (found := self.report(row, table)) is not None:
                yield row, *found

    def report(self, row: dict[str, str], table: str) -> tuple[str, str] | None:
        """The vendor id and date of a report that can become facts, or None (counted as skipped)."""
        skipped = self.registry.summary.skipped
        confidence = clean(row.get("Confidence", ""))
        vid = self.registry.find_vendor(clean(row.get("Company", "")))
        day = date(row.get("Date", ""))
        if confidence.lower() not in GOOD_CONFIDENCE:
            skipped[table, f"confidence '{confidence}' (only Confident and Likely become facts)"] += 1
        elif clean(row.get("Exclude from graph view", "")).lower() == "true":
            skipped[table, "left out of Epoch AI's own charts (Exclude from graph view)"] += 1
        elif vid is None or not self.registry.in_map(vid):
            skipped[table, "company not in the map"] += 1
        elif day is None:
            skipped[table, "no date"] += 1
        else:
            return vid, day
        return None

    def add(self, row: dict[str, str], table: str, figure: dict, about: str, detail: str = "") -> None:
        """One figure of a report, about a vendor or its offering, with a note naming the row and its links."""
        vid = self.registry.vendor_of.get(about, about)
        parts = [clean(row.get("Confidence", "")), clean(row.get("Source type", "") or row.get("Source Type", ""))]
        if reported := date(row.get("Report date", "")):
            parts.append(f"reported {reported}")
        about_row = f'Epoch AI AI Companies {table} row "{clean(row.get("Id", ""))}"{detail}'
        note = f"{about_row} ({'; '.join(p for p in parts if p)})"
        if links := urls(*(row.get(c, "") for c in LINK_COLUMNS)):
            note += ". Its sources: " + ", ".join(links)
        identifier = self.registry.new_id([f"{vid}-{figure['metric']}-{figure['as_of']}"])
        self.figures.append({"id": identifier, **figure, "about": about, "note": note + "."})
        self.registry.summary.figures[figure["metric"]] += 1

    def revenue(self, rows: list[dict[str, str]]) -> None:
        """Annualized and yearly revenue from the revenue reports."""
        table = "revenue reports"
        for row, vid, day in self.reports(rows, table):
            annualized = number(row.get("Annualized revenue (USD)", ""))
            kind = clean(row.get("Type", ""))
            yearly = number(row.get("Revenue amount (normalize to annual)", ""))
            if annualized:
                figure = {"metric": "annualized-revenue", "value": _amount(annualized), "unit": "USD/year",
                          "period": f"{day} (annualized)", "as_of": day}  # fmt: skip
            elif kind.lower() == "yearly revenue" and yearly:
                figure = {"metric": "revenue", "value": _amount(yearly), "unit": "USD", "period": day[:4], "as_of": day}
            else:
                reason = f"type '{kind}' without an annualized amount (a product's revenue, or part of a year)"
                self.registry.summary.skipped[table, reason] += 1
                continue
            self.add(row, table, figure, vid)

    def usage(self, rows: list[dict[str, str]]) -> None:
        """Active users, daily tokens and daily messages from the usage reports."""
        table = "usage reports"
        for row, vid, day in self.reports(rows, table):
            product = clean(row.get("Product", ""))
            about = self.registry.existing_offering(vid, [product], PRODUCT_LAYERS) if product else None
            detail = f" on {product}" if product else ""
            span = clean(row.get("Active users time period", "")).lower()
            made = [
                (metric, value, unit)
                for metric, value, unit in (
                    (USER_METRICS.get(span), number(row.get("Active users", "")), "users"),
                    ("daily-tokens", number(row.get("Daily tokens", "")), "tokens/day"),
                    ("daily-messages", number(row.get("Daily messages", "")), "messages/day"),
                )
                if metric and value
            ]
            if not made:
                self.registry.summary.skipped[table, "no active users (by week, month or day), tokens or messages"] += 1
            for metric, value, unit in made:
                figure = {"metric": metric, "value": _amount(value), "unit": unit, "period": day, "as_of": day}
                self.add(row, table, figure, about or vid, detail)

    def spend(self, rows: list[dict[str, str]]) -> None:
        """Total, R&D and inference compute spend from the compute-spend reports."""
        table = "compute spend reports"
        for row, vid, day in self.reports(rows, table):
            kind = clean(row.get("Period type", "")).lower()
            if kind not in ("year", "annualized"):
                self.registry.summary.skipped[table, f"period type '{kind}' (not Year or Annualized)"] += 1
                continue
            reported = date(row.get("Report date", ""))
            detail = f", a projection made before {day}" if reported and reported < day else ""
            made = [(metric, value) for column, metric in SPEND_METRICS if (value := number(row.get(column, "")))]
            if not made:
                self.registry.summary.skipped[table, "no total, R&D or inference compute spend"] += 1
            for metric, value in made:
                unit, period = ("USD", day[:4]) if kind == "year" else ("USD/year", f"{day} (annualized)")
                figure = {"metric": metric, "value": _amount(value), "unit": unit, "period": period, "as_of": day}
                self.add(row, table, figure, vid, detail)
