"""The normalised article: the record on ``wiredesk.articles.v1``."""

from __future__ import annotations

from datetime import datetime

from schemas.base import INTERNAL, WireRecord

__all__ = ["Article", "ArticleV1"]


class ArticleV1(WireRecord, namespace="wiredesk.article.v1", **INTERNAL):
    """One story as the normalize stage understood it.

    ``body`` is the story text only (no site furniture, no byline, no credit
    line): every downstream span is an offset into it. ``id`` is stable per
    (source, source id); ``revision`` numbers changed content under that id.
    ``published`` is the story's date and ``published_source`` where it came
    from: ``text`` (printed in it), ``item`` (the payload's metadata),
    ``header`` (given with the message), ``received`` (its arrival), ``none``;
    ``unknown`` on records written before the field existed. ``encoding`` is
    the encoding the raw bytes were read in (declared, UTF-8 or detected);
    ``None`` on older records.
    """

    id: str
    source: str
    source_id: str
    format: str
    headline: str
    body: str
    content_hash: str
    received_at: datetime
    revision: int = 1
    byline: list[str] = []  # noqa: RUF012 - faust copies field defaults per instance
    published: datetime | None = None
    dateline: str | None = None
    section: str | None = None
    credit: str | None = None
    url: str | None = None
    language: str = "en"
    published_source: str = "unknown"
    encoding: str | None = None


Article = ArticleV1
