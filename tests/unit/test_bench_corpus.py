"""The benchmark corpus: deterministic, wire-shaped, and parseable by the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.lexicon import load_lexicon
from agents.parse import RawMeta, parse_article
from agents.pipeline import process_article
from bench.corpus import generate, generate_one

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    assert [a.payload for a in generate(5)] == [a.payload for a in generate(5)]
    assert generate_one(3).payload != generate_one(3, seed=9).payload
    assert generate_one(3).payload == generate(4)[3].payload


def test_articles_parse_with_headline_byline_and_word_count_in_range() -> None:
    for a in generate(30):
        assert 300 <= a.words <= 1_200
        art = parse_article(a.payload, RawMeta(source="bench", source_id=a.source_id), now=NOW)
        assert art.headline and art.byline and art.published is not None
        assert 300 <= len(art.body.split()) <= 1_250


def test_articles_carry_quotes_figures_entities_and_events() -> None:
    lex = load_lexicon()
    for a in generate(5):
        e = process_article(a.payload, RawMeta(source="bench", source_id=a.source_id),
                            lexicon=lex, now=NOW).enriched
        assert e.quotes and any(q.speaker for q in e.quotes)
        assert e.figures and e.entities and e.events
