"""The whole pure pipeline for one article, in process: parse, split, tag, enrich.

``wiredesk process``, ``wiredesk eval`` and the in-process benchmark call
:func:`process_article`; the Faust agents call the same functions: the normalize
agent :func:`parse_article`, the enrich agent :func:`analyse_article`. Both paths therefore
produce the same records for the same input (an integration test checks it on
the real broker). The one difference: ``process`` enriches straight from what the tag
stage finds (``agents.tag.find_tags``) and makes no tag records, which only the desk
page reads; the agent makes them from the same finds (a unit test checks both enrich
alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import faust
import orjson

from agents.enrich import Enriched, enrich_article
from agents.errors import InvalidRecord
from agents.lexicon import Lexicon
from agents.parse import RawMeta, parse_article
from agents.split import split_message
from agents.tag import TagValues, find_all_tags, tag_message
from schemas.article import Article
from schemas.paragraph import Paragraphs, TaggedParagraphs

__all__ = ["Processed", "analyse_article", "decode_record", "process_article", "to_document"]

R = TypeVar("R", bound=faust.Record)


def decode_record(model: type[R], payload: bytes) -> R:
    """Decode a record from an internal topic, or raise ``InvalidRecord``."""
    try:
        record = model.loads(payload)
    except Exception as exc:  # any decode failure is bad input, not a bug
        raise InvalidRecord(f"not a {model.__name__}: {type(exc).__name__}: {exc}") from None
    if not isinstance(record, model):
        raise InvalidRecord(f"expected {model.__name__}, got {type(record).__name__}")
    return record


@dataclass
class Processed:
    """One article through every stage."""

    article: Article
    enriched: Enriched


def process_article(
    raw: bytes,
    meta: RawMeta,
    *,
    lexicon: Lexicon,
    now: datetime,
    pipeline_version: int = 1,
    max_bytes: int = 2_000_000,
) -> Processed:
    """Run normalize, split, tag and enrich on one raw article.

    Raises:
        StageError: the article is rejected (the same error the normalize
            stage would dead-letter).
    """
    article = parse_article(raw, meta, now=now, max_bytes=max_bytes)
    # The same paragraphs and finds as ``analyse_article``, minus the tag records that
    # only the desk page reads (~100 an article, and reading them back).
    message, found = _split_and_find(article, lexicon, pipeline_version)
    return Processed(article=article,
                     enriched=enrich_article(message.paragraphs, lexicon, found))


def analyse_article(article: Article, lexicon: Lexicon,
                    pipeline_version: int = 1) -> tuple[TaggedParagraphs, Enriched]:
    """Split, tag and enrich one article: the enrich agent's work, and ``process``'s.

    Returns the tagged paragraphs (the desk page's annotation needs them) and
    everything enrich derived from them.
    """
    message, found = _split_and_find(article, lexicon, pipeline_version)
    tagged = tag_message(message, lexicon, found)
    return tagged, enrich_article(tagged.paragraphs, lexicon, found)


def _split_and_find(article: Article, lexicon: Lexicon,
                    pipeline_version: int) -> tuple[Paragraphs, list[TagValues]]:
    """The article's paragraphs and what the tag stage finds in each (``find_all_tags``)."""
    message = split_message(article, pipeline_version)
    return message, find_all_tags(message.paragraphs, lexicon)


def _wire(record: faust.Record) -> dict[str, Any]:
    """A record exactly as it is on its topic: encoded by the topic's codec, decoded as JSON."""
    data: dict[str, Any] = orjson.loads(record.dumps())
    data.pop("__faust", None)
    return data


def to_document(result: Processed) -> dict[str, Any]:
    """The JSON document ``wiredesk process`` prints (field names of gold/FORMAT.md).

    Records are encoded with the same codec as on their topics, so the document
    holds byte-for-byte the values a Kafka consumer reads.
    """
    e = result.enriched
    return {
        "article": _wire(result.article),
        "entities": [_wire(r) for r in e.entities],
        "quotes": [_wire(r) for r in e.quotes],
        "figures": [_wire(r) for r in e.figures],
        "dates": e.dates,
        "events": [_wire(r) for r in e.events],
    }
