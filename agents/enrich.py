"""The enrich stage: one article's tagged paragraphs into quotes, figures, events, entities.

Why the stage works on the whole article: speakers are named after their
quotes as often as before ("…," he said), acronyms are defined anywhere
("Syrian Democratic Forces (SDF)"), and the main place of an article is known
only at its end. So the split and tag stages send one message per article
(``schemas/paragraph.py``; the enrich agent now runs split and tag itself)
and the agent calls :func:`enrich_article` once per message, keeping no state.
Because `wiredesk process` calls the very same function on the same
paragraphs, output through Kafka and output of ``process`` are the same records.

Invariant: every output span lies inside the article body and every id is
deterministic (article id, revision, pipeline version, kind, span).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.ids import record_ids
from agents.kinds import KINDS
from agents.lexicon import Lexicon
from agents.nlp.aliases import resolve_entities
from agents.nlp.dates import resolve_dates
from agents.nlp.events import extract_events
from agents.nlp.figures import extract_figures
from agents.nlp.speakers import attribute_quotes
from agents.nlp.types import DateExpr, Doc, ResolvedEntity, Span
from agents.tag import TagValues, tags_to_values
from schemas.outputs import Entity, Event, Figure, Quote
from schemas.paragraph import Paragraph

__all__ = ["Enriched", "build_doc", "enrich_article"]

# The output records are made positionally (``WireRecord.maker``): ~80 an article, and
# ``build(**fields)`` spent half its time on the keyword dict and the name checks.
_BASE = ("article_id", "revision", "pipeline_version", "received_at", "published")
_ENTITY = Entity.maker(*_BASE, "id", "span", "sentence", "name", "type", "aliases", "mentions")
_QUOTE = Quote.maker(*_BASE, "id", "span", "sentence", "text", "kind", "speaker",
                     "speaker_title", "cue")
_FIGURE = Figure.maker(*_BASE, "id", "span", "sentence", "text", "value", "low", "high",
                       "approx", "bound", "unit")
_EVENT = Event.maker(*_BASE, "id", "span", "sentence", "type", "trigger", "actor", "target",
                     "place", "date")


@dataclass
class Enriched:
    """Everything the enrich stage derives from one article."""

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    #: Every mention span of each entity, by the entity record's id: the record
    #: carries only the first, and the desk page highlights them all.
    mentions: dict[str, list[list[int]]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """How many records of each kind (for logs, status and replay reports)."""
        return {k.name: len(getattr(self, k.name)) for k in KINDS}


def build_doc(paragraphs: Sequence[Paragraph], found: list[TagValues] | None = None) -> Doc:
    """Rebuild the article body and every tag, in body offsets, from its paragraphs.

    ``found`` holds ``find_tags`` of each paragraph when the caller has them (then the
    paragraphs need no tags); else the values are read back from the tag records.
    """
    parts: list[str] = []
    cursor = 0
    for p in paragraphs:
        parts.append("\n" * (p.start - cursor))
        parts.append(p.text)
        cursor = p.end
    first = paragraphs[0]
    doc = Doc(
        body="".join(parts),
        published=first.published.date() if first.published else None,
        paragraphs=[Span(p.start, p.end) for p in paragraphs],
        sentences=[Span(s, e) for p in paragraphs for s, e in p.sentences],
        headline=first.headline,
        byline=tuple(first.byline),
    )
    if found is None:
        found = [TagValues(*tags_to_values(p.tags)) for p in paragraphs]  # type: ignore[attr-defined]
    for mentions, numbers, dates, quotes in found:
        doc.mentions.extend(mentions)
        doc.numbers.extend(numbers)
        doc.dates.extend(dates)
        doc.quote_spans.extend(quotes)
    return doc


def _date_dict(d: DateExpr) -> dict[str, Any]:
    return {
        "text": d.text,
        "date": d.date.isoformat() if d.date else None,
        "start": d.range_start.isoformat() if d.range_start else None,
        "end": d.range_end.isoformat() if d.range_end else None,
        "relative": d.relative,
        "span": [d.start, d.end],
    }


def _first_span(entity: ResolvedEntity) -> list[int]:
    first = min(entity.mentions, key=lambda s: s.start) if entity.mentions else Span(0, 0)
    return [first.start, first.end]


def enrich_article(paragraphs: Sequence[Paragraph], lexicon: Lexicon,
                   found: list[TagValues] | None = None) -> Enriched:
    """Resolve one complete article.

    Args:
        paragraphs: All tagged paragraphs of one article revision, in order.
        lexicon: The shipped knowledge (gazetteer, NER backend).
        found: ``find_tags`` of each paragraph, when the caller has them: then the
            paragraphs' tags are not read (and may be untagged paragraphs).

    Returns:
        The article's entities, quotes, figures, events and resolved dates.
    """
    if not paragraphs:
        return Enriched()
    doc = build_doc(paragraphs, found)
    doc.dates = resolve_dates(doc.dates, doc.published, doc.body)
    entities = resolve_entities(doc, lexicon.gazetteer)
    first = paragraphs[0]
    base = (first.article_id, first.revision, first.pipeline_version, first.received_at,
            first.published)
    ident = record_ids(first.article_id, first.revision, first.pipeline_version)
    body = doc.body
    sentence_starts = [s.start for s in doc.sentences]

    out = Enriched()
    for e in entities:
        span = _first_span(e)
        # A name known only from the byline has no span in the body: [0, 0], no sentence.
        sentence = _sentence_of(doc, sentence_starts, span[0]) if e.mentions else ""
        entity_id = ident("entity", e.name, *span)
        out.mentions[entity_id] = sorted([m.start, m.end] for m in e.mentions)
        out.entities.append(_ENTITY(*base, entity_id, span, sentence, e.name, e.type,
                                    list(e.aliases), len(e.mentions)))
    for q in attribute_quotes(doc, entities):
        out.quotes.append(_QUOTE(*base, ident("quote", q.start, q.end), [q.start, q.end],
                                 body[q.sentence.start : q.sentence.end], q.text, q.kind,
                                 q.speaker, q.speaker_title, q.cue))
    for f in extract_figures(doc):
        out.figures.append(_FIGURE(*base, ident("figure", f.start, f.end), [f.start, f.end],
                                   body[f.sentence.start : f.sentence.end], f.text, f.value,
                                   f.low, f.high, f.approx, f.bound, f.unit))
    for ev in extract_events(doc, entities):
        out.events.append(_EVENT(*base, ident("event", ev.start, ev.end), [ev.start, ev.end],
                                 body[ev.sentence.start : ev.sentence.end], ev.type, ev.trigger,
                                 ev.actor, ev.target, ev.place,
                                 ev.date.isoformat() if ev.date else None))
    out.dates = [
        {"id": ident("date", d.start, d.end), **_date_dict(d)} for d in doc.dates
    ]
    return out


def _sentence_of(doc: Doc, starts: list[int], offset: int) -> str:
    """The sentence holding ``offset`` (sentences are in body order and never overlap)."""
    k = bisect_right(starts, offset) - 1
    if k >= 0 and offset < doc.sentences[k].end:
        return doc.body[starts[k] : doc.sentences[k].end]
    return ""
