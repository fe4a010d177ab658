"""Reading Epoch AI's CSV tables: the datasets and how to cite them, rows keyed by header, and the
cells that every table shares (dates, numbers, links, countries). Every input is untrusted: a missing
file or column, or a file that is not UTF-8 CSV, is an `InputError` whose message says what to do.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..runtime.terminal import ANY_CONTROL
from ..source.vocab import decimal_text
from .names import clean

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
_URL_RE = re.compile(r"https?://[^\s<>\"{}|\\^`," + ANY_CONTROL.pattern[1:-1] + "]+")  # no control characters


class InputError(ValueError):
    """The input cannot be imported (a missing file or column); the message says what to do."""


@dataclass(frozen=True)
class Dataset:
    """One of Epoch AI's tables as the imported facts cite it."""

    source: str  # the source id the generated files declare
    title: str
    url: str


MODELS = Dataset("epoch-notable-ai-models", "Data on AI Models: Notable AI Models", "https://epoch.ai/data/ai-models")
HARDWARE = Dataset(
    "epoch-ml-hardware", "Data on Machine Learning Hardware", "https://epoch.ai/data/machine-learning-hardware"
)
CLUSTERS = Dataset("epoch-gpu-clusters", "Data on GPU Clusters", "https://epoch.ai/data/gpu-clusters")
COMPANIES = Dataset("epoch-ai-companies", "Data on AI Companies", "https://epoch.ai/data/ai-companies")
DATASETS = (MODELS, HARDWARE, CLUSTERS, COMPANIES)


def source_entry(dataset: Dataset, path: Path, downloaded: dt.date | None) -> dict:
    """The `sources:` entry of a dataset: Epoch AI's page, the licence, and the download date
    (`downloaded`, else the file's modification date)."""
    date = downloaded or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    return {
        "url": dataset.url,
        "title": dataset.title,
        "date": date.isoformat(),
        "publisher": "Epoch AI",
        "licence": LICENCE_URL,
    }


def read_csv(path: Path, required: tuple[str, ...], hint: str = "") -> list[dict[str, str]]:
    """The rows of a CSV export as dicts keyed by header (trimmed); quoted multi-line cells kept whole.
    `hint` ends the message of a missing column (what to do instead)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [clean(h) for h in next(reader, [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputError(
                    f"{path}: no column {', '.join(repr(c) for c in missing)}; "
                    f"is this the right Epoch AI export? (its columns: {', '.join(header[:8])}, ...){hint}"
                )
            return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in reader]
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a CSV file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8") from None
    except csv.Error as error:
        raise InputError(f"{path}: not a readable CSV file ({error})") from None


# Epoch's spellings of countries that ISO 3166 names otherwise and pycountry does not know.
COUNTRY_NAMES = {"russia": "Russian Federation"}


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name as Epoch spells it ("Korea (Republic of)",
    "Philippines (the)", "Russia"), or None."""
    import pycountry

    name = COUNTRY_NAMES.get(name.strip().lower(), name)
    for form in (name, re.sub(r"\s*\((.*)\)$", r", \1", name), re.sub(r"\s*\(the\)$", "", name)):
        try:
            return pycountry.countries.lookup(form).alpha_2
        except LookupError:
            continue
    return None


def number(text: str) -> Decimal | None:
    """A cell's positive finite number ("1,024", "2.5e+20"), or None."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def quantity(text: str) -> str | None:
    """A cell's positive number as canonical text ("8192.0" -> "8192"), or None."""
    value = number(text)
    return decimal_text(value) if value is not None else None


def urls(*cells: str) -> list[str]:
    """The links in some cells, in order, each once."""
    found = [m.group(0) for cell in cells for m in _URL_RE.finditer(cell)]
    return list(dict.fromkeys(found))


def first_url(cell: str) -> str | None:
    """The first link in a cell, or None."""
    return next(iter(urls(cell)), None)


def date(text: str) -> str | None:
    """A cell's date as YYYY-MM-DD (a timestamp's date part), or None when it is not a real date."""
    text = clean(text)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None


def starts_before(a: str, b: str) -> bool:
    """Whether date a (YYYY, YYYY-MM or YYYY-MM-DD) starts before date b, each from its first day."""
    return (a + "-01-01"[len(a) - 4 :]) < (b + "-01-01"[len(b) - 4 :])
