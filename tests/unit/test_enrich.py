"""The split → tag → enrich hops: one message per article, through the topic codec."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.enrich import enrich_article
from agents.lexicon import load_lexicon
from agents.parse import RawMeta, parse_article
from agents.pipeline import decode_record, process_article
from agents.split import split_message
from agents.tag import tag_message
from schemas.article import Article
from schemas.paragraph import Paragraphs, TaggedParagraphs

NOW = datetime(2019, 3, 12, 12, tzinfo=UTC)
ARTICLE = (
    b"Kurdish forces close in on last IS enclave\n\n"
    b"BEIRUT (Reuters) - Kurdish-led forces said on Tuesday they had taken 200 fighters "
    b"prisoner.\n\n"
    b'"We will finish them soon," said Mustafa Bali, a spokesman for the Syrian Democratic '
    b"Forces.\n"
)


def _article() -> Article:
    return parse_article(ARTICLE, RawMeta(source="test"), now=NOW)


def test_split_sends_every_paragraph_of_an_article_in_one_message() -> None:
    article = _article()
    message = decode_record(Paragraphs, split_message(article, 3).dumps())
    assert message.article_id == article.id and message.pipeline_version == 3
    assert [p.index for p in message.paragraphs] == list(range(len(message.paragraphs)))
    assert all(article.body[p.start:p.end] == p.text for p in message.paragraphs)


def test_the_hops_through_the_codec_give_what_process_gives() -> None:
    lexicon = load_lexicon("rules")
    article = _article()
    split = decode_record(Paragraphs, split_message(article, 1).dumps())
    tagged = decode_record(TaggedParagraphs, tag_message(split, lexicon).dumps())
    through_kafka = enrich_article(tagged.paragraphs, lexicon)
    in_process = process_article(ARTICLE, RawMeta(source="test"), lexicon=lexicon, now=NOW)
    assert [q.to_json_dict() for q in through_kafka.quotes] == \
        [q.to_json_dict() for q in in_process.enriched.quotes]
    assert ("Mustafa Bali", "direct") in {(q.speaker, q.kind) for q in through_kafka.quotes}
    assert through_kafka.counts == in_process.enriched.counts


def test_an_article_without_paragraphs_enriches_to_nothing() -> None:
    assert enrich_article([], load_lexicon("rules")).counts == {
        "entities": 0, "quotes": 0, "figures": 0, "events": 0}


def test_the_finds_are_what_the_tags_hold_and_enrich_the_same() -> None:
    """``process`` enriches from ``find_tags`` values, the agents' tags hold the same."""
    from pathlib import Path

    from agents.pipeline import analyse_article
    from agents.tag import TagValues, find_tags, tag_paragraph, tags_to_values

    lexicon = load_lexicon("rules")
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    raws = [ARTICLE] + [p.read_bytes() for p in sorted(fixtures.glob("**/articles/*.txt"))]
    assert len(raws) > 3
    for raw in raws:
        article = parse_article(raw, RawMeta(source="test"), now=NOW)
        paragraphs = split_message(article, 1).paragraphs
        found = [find_tags(p, lexicon) for p in paragraphs]
        assert found == [TagValues(*tags_to_values(tag_paragraph(p, lexicon).tags))
                         for p in paragraphs]
        tagged = decode_record(TaggedParagraphs, analyse_article(article, lexicon)[0].dumps())
        processed = process_article(raw, RawMeta(source="test"), lexicon=lexicon, now=NOW)
        through_tags = enrich_article(tagged.paragraphs, lexicon)
        for kind in ("entities", "quotes", "figures", "events"):
            assert [r.to_json_dict() for r in getattr(processed.enriched, kind)] == \
                [r.to_json_dict() for r in getattr(through_tags, kind)]
        assert processed.enriched.dates == through_tags.dates
