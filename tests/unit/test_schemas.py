"""Records, their golden files and the published JSON Schemas agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from agents.parse import RawMeta, parse_article
from agents.pipeline import process_article
from schemas.base import WireRecord
from schemas.jsonschema import SCHEMA_DIR, TOPIC_RECORDS, render_all
from schemas.outputs import Quote
from schemas.paragraph import ParagraphsV2, Tag, TaggedParagraphs, TaggedParagraphsV2
from tests.conftest import FIXTURES, NOW, SEED

GOLDEN = sorted((FIXTURES / "schemas").glob("*.json"))
#: Records on topics, plus the stages' in-process records (no topic, no JSON Schema).
BY_NAMESPACE = {rec._options.namespace: rec for rec in (*TOPIC_RECORDS.values(), ParagraphsV2,
                                                        TaggedParagraphsV2)}


def test_checked_in_schemas_match_the_records() -> None:
    rendered = render_all()
    on_disk = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
    assert on_disk == rendered, "run `python -m schemas.jsonschema` and commit the result"


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_files_still_decode_and_validate(path: Path) -> None:
    record_type = BY_NAMESPACE[path.stem]
    payload = path.read_bytes()
    record = record_type.loads(payload)
    assert isinstance(record, record_type)
    suffix = next((s for s, r in TOPIC_RECORDS.items() if r is record_type), None)
    if suffix is None:
        return  # an in-process record: decoding is its whole contract
    schema = json.loads((SCHEMA_DIR / f"wiredesk.{suffix}.json").read_text())
    jsonschema.validate(json.loads(record.dumps()), schema)


def test_public_outputs_carry_no_faust_metadata() -> None:
    for suffix in ("quotes.v1", "figures.v1", "events.v1", "entities.v1"):
        assert not TOPIC_RECORDS[suffix]._options.include_metadata


def test_old_readers_keep_unknown_fields() -> None:
    payload = (FIXTURES / "schemas" / "wiredesk.paragraphs.tagged.v2.json").read_bytes()
    data = json.loads(payload)
    data["added_in_a_later_minor"] = 1
    data["paragraphs"][0]["added_too"] = 2
    loaded = TaggedParagraphs.loads(json.dumps(data).encode())
    assert loaded.paragraphs[0].tags[0].label == "ORG"


def _made_by_the_pipeline() -> list[WireRecord]:
    from agents.lexicon import load_lexicon
    from agents.split import split_message
    from agents.tag import tag_message

    raw = SEED.read_bytes()
    lexicon = load_lexicon()
    article = parse_article(raw, RawMeta(source="seed", source_id="1"), now=NOW)
    paragraphs = split_message(article, 1)
    tagged = tag_message(paragraphs, lexicon)
    result = process_article(raw, RawMeta(source="seed", source_id="1"), lexicon=lexicon,
                             now=NOW).enriched
    return [paragraphs, *paragraphs.paragraphs, tagged, *tagged.paragraphs,
            *(t for p in tagged.paragraphs for t in p.tags),
            *result.entities, *result.quotes, *result.figures, *result.events]


def test_fast_built_records_equal_constructed_ones() -> None:
    # ``build`` skips faust's field descriptors: the pipeline's records must still be
    # exactly what the constructor makes of the same values, on the wire and in Python.
    records = _made_by_the_pipeline()
    assert len({type(r) for r in records}) == 9
    for record in records:
        again = type(record)(**record.asdict())
        assert again == record
        assert again.dumps() == record.dumps()
        assert type(record).loads(record.dumps()).dumps() == record.dumps()


def test_replace_is_derive_without_coercion() -> None:
    quote = next(r for r in _made_by_the_pipeline() if isinstance(r, Quote))
    stamp = datetime(2024, 2, 3, 4, 5, tzinfo=UTC)
    fast = quote.replace(emitted_at=stamp, replay=True)
    assert fast.dumps() == quote.derive(emitted_at=stamp, replay=True).dumps()
    assert quote.emitted_at is None and fast.emitted_at == stamp  # the original is unchanged


def test_dumps_with_encodes_exactly_what_replace_then_dumps_does() -> None:
    # The enrich stage's fast encoding of every output record (and of the internal
    # records, which keep faust's metadata block and take the plain path).
    stamp = datetime(2024, 2, 3, 4, 5, 6, 789, tzinfo=UTC)
    records = _made_by_the_pipeline()
    outputs = [r for r in records if hasattr(r, "emitted_at")]
    assert len({type(r) for r in outputs}) == 4
    for record in outputs:
        for replay in (False, True):
            assert record.dumps_with(emitted_at=stamp, replay=replay) == \
                record.replace(emitted_at=stamp, replay=replay).dumps()
    paragraphs = records[0]
    assert paragraphs.dumps_with() == paragraphs.dumps()
    with pytest.raises(TypeError, match=r"unknown \['colour'\]"):
        outputs[0].dumps_with(colour="red")


def test_build_and_replace_refuse_unknown_or_missing_fields() -> None:
    with pytest.raises(TypeError, match=r"unknown \['colour'\]"):
        Tag.build(kind="entity", start=0, end=1, text="x", colour="red")
    with pytest.raises(TypeError, match=r"missing \['end', 'text'\]"):
        Tag.build(kind="entity", start=0)
    with pytest.raises(TypeError, match="unknown"):
        Tag.build(kind="entity", start=0, end=1, text="x").replace(colour="red")


def test_maker_builds_what_build_builds() -> None:
    from schemas.paragraph import Tag

    make = Tag.maker("kind", "start", "end", "text", "label", "attrs")
    made = make("entity", 3, 8, "Kenya", "GPE", {"canonical": "Kenya"})
    built = Tag.build(kind="entity", start=3, end=8, text="Kenya", label="GPE",
                      attrs={"canonical": "Kenya"})
    assert made.dumps() == built.dumps()
    assert Tag.maker("kind", "start", "end", "text")("quote", 1, 2, "x").dumps() == \
        Tag.build(kind="quote", start=1, end=2, text="x").dumps()
    with pytest.raises(TypeError):
        Tag.maker("kind", "start", "nope")
