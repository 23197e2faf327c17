"""The whole pure pipeline on real-style articles: records validate, spans point at text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import orjson
import pytest

from agents.lexicon import load_lexicon
from agents.parse import RawMeta
from agents.pipeline import process_article, to_document
from schemas.jsonschema import SCHEMA_DIR
from tests.conftest import FIXTURES, NOW, SEED

ARTICLES = sorted((FIXTURES / "articles").glob("*.txt")) + ([SEED] if SEED.exists() else [])
SCHEMAS = {kind: json.loads((SCHEMA_DIR / f"wiredesk.{kind}.v1.json").read_text())
           for kind in ("quotes", "figures", "events", "entities")}


def run(path: Path) -> dict:  # type: ignore[type-arg]
    result = process_article(path.read_bytes(), RawMeta(source="file", source_id=path.name),
                             lexicon=load_lexicon(), now=NOW)
    return orjson.loads(orjson.dumps(to_document(result)))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_every_emitted_record_validates_against_its_topic_schema(path: Path) -> None:
    doc = run(path)
    for kind, schema in SCHEMAS.items():
        assert doc[kind], f"no {kind} in {path.name}"
        for record in doc[kind]:
            jsonschema.validate(record, schema)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_spans_point_at_their_text_in_the_body(path: Path) -> None:
    doc = run(path)
    body = doc["article"]["body"]
    for figure in doc["figures"]:
        assert body[slice(*figure["span"])] == figure["text"]
    for date in doc["dates"]:
        assert body[slice(*date["span"])] == date["text"]
    for quote in doc["quotes"]:
        start, end = quote["span"]
        assert 0 <= start < end <= len(body)
        if quote["kind"] != "indirect":
            assert quote["text"].split()[0] in body[start:end]
    for record in doc["quotes"] + doc["figures"] + doc["events"]:
        assert record["sentence"] and record["sentence"] in body


def test_ids_are_deterministic_and_unique() -> None:
    path = FIXTURES / "articles" / "geneva_talks.txt"
    first, second = run(path), run(path)
    for kind in ("quotes", "figures", "events", "entities"):
        ids = [r["id"] for r in first[kind]]
        assert ids == [r["id"] for r in second[kind]]
        assert len(set(ids)) == len(ids)


def test_a_new_pipeline_version_gives_new_ids() -> None:
    raw = (FIXTURES / "articles" / "geneva_talks.txt").read_bytes()
    meta = RawMeta(source="file", source_id="g.txt")
    v1 = process_article(raw, meta, lexicon=load_lexicon(), now=NOW, pipeline_version=1)
    v2 = process_article(raw, meta, lexicon=load_lexicon(), now=NOW, pipeline_version=2)
    assert {q.id for q in v1.enriched.quotes}.isdisjoint(q.id for q in v2.enriched.quotes)
    assert all(q.pipeline_version == 2 for q in v2.enriched.quotes)


def test_the_geneva_article_reads_as_a_wire_desk_would() -> None:
    doc = run(FIXTURES / "articles" / "geneva_talks.txt")
    assert doc["article"]["dateline"] == "GENEVA, Aug. 14 (AP)"
    speakers = {q["speaker"] for q in doc["quotes"]}
    assert "Tom Perriello" in speakers
    figures = {f["text"]: f for f in doc["figures"]}
    assert figures["More than 10 million people"]["bound"] == "at_least"
    assert figures["Hundreds of people"]["low"] == 200
    types = {(e["type"], e["place"]) for e in doc["events"]}
    assert ("Explosions/Remote violence", "El Fasher") in types
    assert ("Protests", "Port Sudan") in types
    names = {e["name"]: e for e in doc["entities"]}
    assert "RSF" in names["Rapid Support Forces"]["aliases"]
