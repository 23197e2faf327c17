"""The whole pure pipeline for one article, in process: parse, split, tag, enrich.

``wiredesk process``, ``wiredesk eval`` and the in-process benchmark call
:func:`process_article`; the Faust agents call the same stage functions one
hop at a time. Both paths therefore produce the same records for the same
input (an integration test checks it on the real broker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import faust

from agents.enrich import Enriched, add_paragraph, enrich_article
from agents.errors import InvalidRecord
from agents.lexicon import Lexicon
from agents.parse import RawMeta, parse_article
from agents.split import split_article
from agents.tag import tag_paragraph
from schemas.article import Article
from schemas.paragraph import TaggedParagraph

__all__ = ["Processed", "decode_record", "process_article", "to_document"]

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
    buffered: list[TaggedParagraph] = []
    for paragraph in split_article(article, pipeline_version):
        buffered, _ = add_paragraph(buffered, tag_paragraph(paragraph, lexicon))
    return Processed(article=article, enriched=enrich_article(buffered, lexicon))


def _article_dict(article: Article) -> dict[str, Any]:
    data = article.to_json_dict()
    for key in ("published", "received_at"):
        value = getattr(article, key)
        data[key] = value.isoformat() if value else None
    return data


def to_document(result: Processed) -> dict[str, Any]:
    """The JSON document ``wiredesk process`` prints (field names of gold/FORMAT.md)."""
    e = result.enriched
    return {
        "article": _article_dict(result.article),
        "entities": [r.to_json_dict() for r in e.entities],
        "quotes": [r.to_json_dict() for r in e.quotes],
        "figures": [r.to_json_dict() for r in e.figures],
        "dates": e.dates,
        "events": [r.to_json_dict() for r in e.events],
    }
