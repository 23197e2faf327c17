"""The public output records: quotes, figures, events and entity mentions.

Every output record carries a deterministic ``id`` (hash of article id,
revision, pipeline version, kind and span), the ``article_id`` and
``revision``, its ``span`` (``[start, end]`` in the article body), the
``sentence`` text and the ``pipeline_version``. Replaying the same input with
the same pipeline gives the same ids, so consumers drop what they have seen.
"""

from __future__ import annotations

from datetime import datetime

from schemas.base import PUBLIC, WireRecord

__all__ = [
    "Entity",
    "EntityV1",
    "Event",
    "EventV1",
    "Figure",
    "FigureV1",
    "Quote",
    "QuoteV1",
]


class _Output(WireRecord, abstract=True):
    id: str
    article_id: str
    revision: int
    pipeline_version: int
    span: list[int]
    sentence: str
    received_at: datetime
    published: datetime | None = None  # the story's date (else its arrival): tables' day
    emitted_at: datetime | None = None
    replay: bool = False


class QuoteV1(_Output, namespace="wiredesk.quote.v1", **PUBLIC):
    """Quoted or reported speech with its speaker (``wiredesk.quotes.v1``)."""

    text: str
    kind: str  # direct | partial | indirect
    speaker: str | None = None
    speaker_title: str | None = None
    cue: str | None = None


class FigureV1(_Output, namespace="wiredesk.figure.v1", **PUBLIC):
    """A counted quantity (``wiredesk.figures.v1``)."""

    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    bound: str = "exact"  # exact | about | at_least | at_most | range
    unit: str | None = None


class EventV1(_Output, namespace="wiredesk.event.v1", **PUBLIC):
    """Who did what to whom, where and when, ACLED-typed (``wiredesk.events.v1``)."""

    type: str
    trigger: str
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    date: str | None = None  # ISO date


class EntityV1(_Output, namespace="wiredesk.entity.v1", **PUBLIC):
    """One entity of an article with its aliases (``wiredesk.entities.v1``).

    ``span`` is its first mention; ``mentions`` counts them all.
    """

    name: str
    type: str
    aliases: list[str] = []  # noqa: RUF012
    mentions: int = 1


Quote = QuoteV1
Figure = FigureV1
Event = EventV1
Entity = EntityV1
