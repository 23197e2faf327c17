"""Paragraph records: ``wiredesk.paragraphs.v1`` and ``wiredesk.paragraphs.tagged.v1``.

Both are keyed by article id so one article's paragraphs stay in order on one
partition. A paragraph carries what the later stages need from its article
(the date relative expressions resolve against, the paragraph count that tells
the enrich stage the article is complete), so no stage has to join back.
"""

from __future__ import annotations

from datetime import datetime

from schemas.base import INTERNAL, WireRecord

__all__ = [
    "Paragraph",
    "ParagraphV1",
    "Tag",
    "TagV1",
    "TaggedParagraph",
    "TaggedParagraphV1",
]


class ParagraphV1(WireRecord, namespace="wiredesk.paragraph.v1", **INTERNAL):
    """One paragraph with its sentence spans.

    ``start``/``end`` are offsets into the article body; ``sentences`` are
    ``[start, end]`` pairs, also in body offsets.
    """

    article_id: str
    revision: int
    pipeline_version: int
    index: int
    count: int
    start: int
    end: int
    text: str
    sentences: list[list[int]]
    received_at: datetime
    published: datetime | None = None
    headline: str = ""
    byline: list[str] = []  # noqa: RUF012


class TagV1(WireRecord, namespace="wiredesk.tag.v1", **INTERNAL):
    """A tagged span in body offsets.

    ``kind`` is ``entity``, ``number``, ``date`` or ``quote``; ``label`` the
    entity type, number kind or ``open`` for a quote left open at the end of
    its paragraph; ``attrs`` the kind's values (canonical name, value, bound,
    resolved date ...), plain JSON.
    """

    kind: str
    start: int
    end: int
    text: str
    label: str = ""
    attrs: dict[str, object] = {}  # noqa: RUF012


class TaggedParagraphV1(ParagraphV1, namespace="wiredesk.paragraph.tagged.v1", **INTERNAL):
    """A paragraph with every span the tag stage found in it."""

    tags: list[TagV1] = []  # noqa: RUF012


Paragraph = ParagraphV1
Tag = TagV1
TaggedParagraph = TaggedParagraphV1

