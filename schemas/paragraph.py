"""Paragraph records: what split gives tag, and tag gives enrich (``*.paragraphs.v2``).

Since the enrich agent runs split, tag and enrich in one go, these records no
longer travel on topics of their own (``agents/streaming.py`` says why); they are
the stages' in-process contract, and their golden files still decode. The rest
of this docstring is why they were shaped per article:

One message per article on each topic, keyed by article id, carrying all of
the article's paragraphs in order. A paragraph carries what the later stages
need from its article (the date relative expressions resolve against, the
headline and byline), so no stage has to join back.

Why v2, one message per article (v1 was one message per paragraph): enrich
needs the whole article (speakers named after their quotes, acronyms defined
anywhere), so v1 made it buffer paragraphs in a changelog-backed table. The
benchmark measured that buffering and the per-paragraph hops at about half the
~290 Kafka messages per article; and faust publishes an agent's sends only at
offset commit while table writes go out at once, so a SIGKILL between the two
could delete a buffer whose outputs were never sent (an article left
``received`` for ever). One message per article needs no buffer at all.
"""

from __future__ import annotations

from datetime import datetime

from schemas.base import INTERNAL, WireRecord

__all__ = [
    "Paragraph",
    "ParagraphV1",
    "Paragraphs",
    "ParagraphsV2",
    "Tag",
    "TagV1",
    "TaggedParagraph",
    "TaggedParagraphV1",
    "TaggedParagraphs",
    "TaggedParagraphsV2",
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


class ParagraphsV2(WireRecord, namespace="wiredesk.paragraphs.v2", **INTERNAL):
    """All paragraphs of one article revision, in order (``wiredesk.paragraphs.v2``)."""

    article_id: str
    revision: int
    pipeline_version: int
    paragraphs: list[ParagraphV1]


class TaggedParagraphsV2(WireRecord, namespace="wiredesk.paragraphs.tagged.v2", **INTERNAL):
    """All tagged paragraphs of one article revision (``wiredesk.paragraphs.tagged.v2``)."""

    article_id: str
    revision: int
    pipeline_version: int
    paragraphs: list[TaggedParagraphV1]


Paragraph = ParagraphV1
Paragraphs = ParagraphsV2
Tag = TagV1
TaggedParagraph = TaggedParagraphV1
TaggedParagraphs = TaggedParagraphsV2

