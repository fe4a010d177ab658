"""A JSON Schema (draft 2020-12) of the YAML vendor file, for editors that check a file as it is typed
(`# yaml-language-server: $schema=...` on a file's first line). It is made from the reader's own key
tables and the ontology's vocabularies (layers, moat types, metrics, share levels, dependency keys),
and each key's description is the meaning data/README.md gives it, so the three cannot drift.

Values are read as YAML 1.2 reads them (editors do): `2024-03-18` is text, `3.8e9` a number.
The schema covers shape only (keys, types, required keys, enumerations, id and date forms);
references across files, shares adding up and the like are `stackmap check`'s.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import yaml_reader as keys
from .ontology import Vocabulary, figure_units

SCHEMA_ID = "https://w3id.org/stackmap/vendor.schema.json"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
WHEN_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
URL_PATTERN = r"^https?://\S+$"
_ROW = re.compile(r"^\| `([a-z_]+)`(?:, (?:or )?`([a-z_]+)`)?(?:[^|]*)\|(.*)\|\s*$")


def readme_meanings(readme: Path) -> dict[str, dict[str, str]]:
    """The meaning of each key per section of data/README.md (the 'meaning' column of its tables)."""
    meanings: dict[str, dict[str, str]] = {}
    section = ""
    header: list[str] = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
        elif line.startswith("| key"):
            header = [c.strip() for c in line.strip("|").split("|")]
        elif (match := _ROW.match(line)) and "meaning" in header:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            meaning = cells[header.index("meaning")] if len(cells) > header.index("meaning") else ""
            for key in filter(None, match.groups()[:2]):
                meanings.setdefault(section, {})[key] = meaning.replace("`", "")
    return meanings


def _text(max_length: int | None = None) -> dict:
    return {"type": "string", "minLength": 1, **({"maxLength": max_length} if max_length else {})}


def vendor_schema(vocabulary: Vocabulary, readme: Path) -> dict:
    """The JSON Schema of a YAML data file (a vendor, an `extends:` file, or a file of shared facts)."""
    meaning = readme_meanings(readme)
    idref = {"type": "string", "pattern": ID_PATTERN, "maxLength": 100}
    when = {
        "anyOf": [
            {"type": "string", "pattern": WHEN_PATTERN},
            {"type": "integer", "minimum": 1000, "maximum": 9999},
            {"type": "object", "required": ["date", "source"], "additionalProperties": False,
             "properties": {"date": {"anyOf": [{"type": "string", "pattern": WHEN_PATTERN},
                                               {"type": "integer", "minimum": 1000, "maximum": 9999}]},
                            "source": {"$ref": "#/$defs/source"}}},
        ],
        "description": "a year, a year-month or a date (2024, 2024-03, 2024-03-18), or {date, source}",
    }  # fmt: skip
    source_fields = {
        "url": {"type": "string", "pattern": URL_PATTERN},
        "title": _text(300),
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "publisher": _text(120),
        "licence": {"type": "string", "pattern": URL_PATTERN},
    }
    declared_source = {"type": "object", "required": ["url", "title", "date"], "additionalProperties": False,
                       "properties": source_fields}  # fmt: skip
    leaf_layers = sorted(i for i, layer in vocabulary.layers.items() if layer.leaf)
    share = {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"enum": sorted(vocabulary.share_levels)}]}
    reference = {
        "anyOf": [
            idref,
            {"type": "object", "required": ["id"], "additionalProperties": False,
             "properties": {"id": idref, "share": share, "note": _text(2000), "source": {"$ref": "#/$defs/source"},
                            "since": {"$ref": "#/$defs/when"}, "until": {"$ref": "#/$defs/when"},
                            "any": {"type": "boolean"}}},
        ]
    }  # fmt: skip
    references = {"anyOf": [{"$ref": "#/$defs/reference"}, {"type": "array", "minItems": 1,
                                                              "items": {"$ref": "#/$defs/reference"}}]}  # fmt: skip
    relations = {
        key: {**references, "description": meaning.get("dependencies", {}).get(key) or key}
        for key in vocabulary.relations
    }
    aliases = {"type": "array", "items": _text(80)}
    described = {"name": _text(80), "description": _text(2000), "homepage": {"type": "string", "pattern": URL_PATTERN},
                 "source": {"$ref": "#/$defs/source"}}  # fmt: skip
    offering = {
        "type": "object",
        "required": ["id", "name", "layer"],
        "additionalProperties": False,
        "properties": {
            "id": idref, **described, "aliases": {**aliases}, "layer": {"enum": leaf_layers}, "market": idref,
            "open_weights": {"type": "boolean"}, "released": {"$ref": "#/$defs/when"},
            "retired": {"$ref": "#/$defs/when"},
            **{k: v for k, v in relations.items() if vocabulary.relations[k].dependency},
        },
    }  # fmt: skip
    moat = {
        "type": "object",
        "required": ["type", "evidence"],
        "additionalProperties": False,
        "properties": {"type": {"enum": sorted(vocabulary.moat_types)}, "evidence": _text(2000), "about": idref,
                       "source": {"$ref": "#/$defs/source"}, "since": {"$ref": "#/$defs/when"},
                       "until": {"$ref": "#/$defs/when"}},
    }  # fmt: skip
    number = {"type": "number"}
    figure = {
        "type": "object",
        "required": ["id", "metric", "unit", "period"],
        "additionalProperties": False,
        "properties": {"id": idref, "metric": {"enum": sorted(vocabulary.metrics)}, "value": number, "min": number,
                       "max": number, "unit": {"enum": list(figure_units())},
                       "period": _text(60), "as_of": {"$ref": "#/$defs/when"}, "about": idref,
                       "layer": {"enum": sorted(vocabulary.layers)}, "market": idref, "note": _text(2000),
                       "source": {"$ref": "#/$defs/source"}},
        "oneOf": [  # a value, or a range (min and/or max), not both and not neither
            {"required": ["value"], "not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}},
            {"not": {"required": ["value"]}, "anyOf": [{"required": ["min"]}, {"required": ["max"]}]},
        ],
        "if": {"properties": {"unit": {"const": "ratio"}}, "required": ["unit"]},
        "then": {"properties": {k: {"minimum": 0, "maximum": 1} for k in ("value", "min", "max")}},
    }  # fmt: skip
    vendor_keys = {
        "id": idref, **described, "aliases": {**aliases},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "layer": {"enum": leaf_layers},
        "since": {"$ref": "#/$defs/when"}, "until": {"$ref": "#/$defs/when"}, **relations,
        "offerings": {"type": "array", "items": {"$ref": "#/$defs/offering"}},
        "moats": {"type": "array", "items": {"$ref": "#/$defs/moat"}},
        "figures": {"type": "array", "items": {"$ref": "#/$defs/figure"}},
        "sources": {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                    "additionalProperties": {"$ref": "#/$defs/declaredSource"}},
        "extends": idref,
    }  # fmt: skip
    _describe(vendor_keys, meaning.get("a vendor file", {}))
    _describe(offering["properties"], meaning.get("offerings", {}))
    _describe(moat["properties"], meaning.get("moat claims", {}))
    _describe(figure["properties"], meaning.get("figures", {}))
    _describe(source_fields, meaning.get("sources: every fact has one", {}))
    assert set(vendor_keys) == {*keys.VENDOR_KEYS, *vocabulary.relations, "extends"}
    assert set(offering["properties"]) == {*keys.OFFERING_KEYS, *vocabulary.dependencies}
    assert set(moat["properties"]) == set(keys.MOAT_KEYS) and set(figure["properties"]) == set(keys.FIGURE_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "stackmap data file",
        "description": "A vendor (id, name, offerings...), a file extending one (extends), or a file of shared "
        "facts (sources and figures). Made by `stackmap schema`; data/README.md documents every key.",
        "type": "object",
        "properties": vendor_keys,
        "additionalProperties": False,
        "allOf": [
            {"if": {"required": ["extends"]}, "then": {"not": {"required": ["id"]}, "propertyNames": {
                "enum": keys.EXTENSION_KEYS}}},
            {"if": {"required": ["id"]}, "then": {"required": ["id", "name"]}},
            {"if": {"not": {"anyOf": [{"required": ["id"]}, {"required": ["extends"]}]}},
             "then": {"propertyNames": {"enum": keys.FACTS_FILE_KEYS}}},
        ],
        "$defs": {
            "when": when,
            "source": {"anyOf": [idref, {"$ref": "#/$defs/declaredSource"}],
                       "description": "a source id, or a source given in place: {url, title, date}"},
            "declaredSource": declared_source,
            "reference": reference,
            "offering": offering,
            "moat": moat,
            "figure": figure,
        },
    }  # fmt: skip


def _describe(properties: dict, meanings: dict[str, str]) -> None:
    for key, spec in properties.items():
        if key in meanings and meanings[key] and "description" not in spec:
            spec["description"] = meanings[key]
