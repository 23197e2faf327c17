"""JSON Schemas of every topic, derived from the records and checked in under ``jsonschema/``.

The files in ``schemas/jsonschema/`` are what consumers in other languages
read; a unit test regenerates them from the records and fails if they differ,
so the published schema can never drift from the code. Regenerate with
``python -m schemas.jsonschema``.
"""

from __future__ import annotations

import json
import types
import typing
from datetime import datetime
from pathlib import Path
from typing import Any

import faust

from schemas.alert import AlertV1
from schemas.article import ArticleV1
from schemas.outputs import EntityV1, EventV1, FigureV1, QuoteV1

__all__ = ["SCHEMA_DIR", "TOPIC_RECORDS", "render_all", "schema_for"]

SCHEMA_DIR = Path(__file__).resolve().parent / "jsonschema"

#: Topic suffix -> the record on it.
TOPIC_RECORDS: dict[str, type[faust.Record]] = {
    "articles.v1": ArticleV1,
    "quotes.v1": QuoteV1,
    "figures.v1": FigureV1,
    "events.v1": EventV1,
    "entities.v1": EntityV1,
    "alerts.v1": AlertV1,
}

#: Closed vocabularies, published as enums so consumers can rely on them.
_ENUMS: dict[tuple[str, str], list[str]] = {
    ("QuoteV1", "kind"): ["direct", "partial", "indirect"],
    ("FigureV1", "bound"): ["exact", "about", "at_least", "at_most", "range"],
    ("EventV1", "type"): ["Battles", "Explosions/Remote violence", "Violence against civilians",
                          "Protests", "Riots", "Strategic developments", "Other"],
    ("EntityV1", "type"): ["PERSON", "ORG", "GPE", "LOC", "NORP"],
    ("ArticleV1", "published_source"): ["text", "item", "header", "received", "none", "unknown"],
}


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(a) for a in args]}
    if tp is type(None):
        return {"type": "null"}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0]) if args else {}}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if isinstance(tp, type) and issubclass(tp, faust.Record):
        return _record_schema(tp)
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if tp in simple:
        return {"type": simple[tp]}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is object:
        return {}
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


def _record_schema(record: type[faust.Record]) -> dict[str, Any]:
    hints = typing.get_type_hints(record)
    fields = record._options.fields
    required = sorted(f for f in fields if f not in record._options.defaults)
    props = {name: _type_schema(hints[name]) for name in fields}
    for name in fields:
        if (record.__name__, name) in _ENUMS:
            props[name]["enum"] = _ENUMS[(record.__name__, name)]
    if record._options.include_metadata:
        props["__faust"] = {"type": "object"}
    return {"type": "object", "properties": props, "required": required}


def schema_for(suffix: str, record: type[faust.Record]) -> dict[str, Any]:
    """The JSON Schema document of one topic."""
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://wiredesk.dev/schemas/wiredesk.{suffix}.json",
        "title": record.__name__,
        "description": (record.__doc__ or "").strip().splitlines()[0],
    }
    doc.update(_record_schema(record))
    return doc


def render_all() -> dict[str, str]:
    """File name -> JSON text of every topic's schema."""
    return {
        f"wiredesk.{suffix}.json": json.dumps(schema_for(suffix, rec), indent=2) + "\n"
        for suffix, rec in TOPIC_RECORDS.items()
    }


if __name__ == "__main__":
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in render_all().items():
        (SCHEMA_DIR / name).write_text(text)
        print(SCHEMA_DIR / name)
