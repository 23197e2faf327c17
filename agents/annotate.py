"""The desk page's view of an article: its text with every record placed in it.

Pure functions, no app import. :func:`annotate_article` folds one enrich
result into the ``article-annotations`` table value (revision-aware and
bounded in size, because the value goes to a changelog), :func:`place_marks`
nests the records' spans inside a paragraph so a page renders them as nested
``<mark>`` elements without doing offset arithmetic in JavaScript,
:func:`annotated_view` is the body of ``GET /articles/{id}/annotated`` and
:func:`feed_item` the line ``GET /desk/stream`` sends for a processed article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

import orjson

from agents.enrich import Enriched
from agents.kinds import KINDS as OUTPUT_KINDS
from schemas.paragraph import TaggedParagraph

__all__ = [
    "KINDS",
    "MAX_VALUE_BYTES",
    "Mark",
    "annotate_article",
    "annotated_view",
    "feed_item",
    "marks_of",
    "place_marks",
]

Value = dict[str, Any]
Node = str | dict[str, Any]

#: The record lists an annotation holds, in the order the page lists them.
KINDS = ("quotes", "figures", "entities", "dates", "events")
#: The value is one changelog message: stay well under Kafka's 1 MiB message size.
MAX_VALUE_BYTES = 600_000

# What the page shows of each record (the sentence and pipeline fields stay on the topics),
# and the mark a record kind becomes in the text: the registry's (agents/kinds.py).
_FIELDS = {kind.name: kind.annotation_fields for kind in OUTPUT_KINDS}
# On equal spans the outer mark comes first.
_MARK = {**{kind.name: kind.mark for kind in OUTPUT_KINDS}, "dates": "date"}
_ORDER = {kind: i for i, kind in enumerate(("quote", "event", "entity", "figure", "date"))}
_SUMMARY = ("id", "revision", "headline", "byline", "published", "source", "received_at",
            "processed_at", "latency_ms", "truncated")


def _iso(stamp: datetime | None) -> str | None:
    return stamp.isoformat() if stamp else None


def _slim(record: Any, fields: Sequence[str]) -> Value:
    out: Value = {"id": record.id, "span": list(record.span)}
    for name in fields:
        value = getattr(record, name)
        out[name] = list(value) if isinstance(value, list | tuple) else value
    return out


def annotate_article(value: Value | None, paragraphs: Sequence[TaggedParagraph],
                     enriched: Enriched, *, source: str | None,
                     processed_at: datetime, max_bytes: int = MAX_VALUE_BYTES) -> Value | None:
    """Fold one enriched article revision into its ``article-annotations`` value.

    Args:
        value: The value held for the article (``None`` for a new one).
        paragraphs: The article revision's tagged paragraphs, in order.
        enriched: What the enrich stage derived from them.
        source: The article's source (from the ``articles`` table).
        processed_at: When enrich finished (the agent's clock, passed in).
        max_bytes: Past this JSON size the text and records are left out and
            ``truncated`` is set, so one huge article cannot exceed Kafka's
            message size on the changelog and crash the worker.

    Returns:
        The new value; ``value`` itself (unchanged, so nothing is written) when
        it already holds this revision or a newer one; ``None`` for no paragraphs.
    """
    if not paragraphs:
        return value
    first = paragraphs[0]
    if value is not None and value.get("revision", 0) >= first.revision:
        return value  # a redelivery or a stale revision: keep the first answer
    latency = (processed_at - first.received_at).total_seconds() * 1000
    new: Value = {
        "id": first.article_id, "revision": first.revision, "headline": first.headline,
        "byline": list(first.byline), "published": _iso(first.published), "source": source,
        "received_at": _iso(first.received_at), "processed_at": _iso(processed_at),
        "latency_ms": round(max(0.0, latency), 1), "truncated": False,
        "paragraphs": [[p.start, p.end, p.text] for p in paragraphs],
        **{kind: [_slim(r, _FIELDS[kind]) for r in getattr(enriched, kind)]
           for kind in _FIELDS},
        "dates": [{k: d.get(k) for k in ("id", "span", "text", "date", "start", "end",
                                         "relative")} for d in enriched.dates],
    }
    for entity in new["entities"]:
        entity["spans"] = enriched.mentions.get(entity["id"], [])
    if len(orjson.dumps(new)) > max_bytes:
        new.update({"paragraphs": [], **{kind: [] for kind in KINDS}, "truncated": True})
    return new


@dataclass(frozen=True)
class Mark:
    """One record's place in the body: ``[start, end)`` in body offsets."""

    start: int
    end: int
    kind: str  # quote | event | entity | figure | date
    ref: str  # the record's id


def marks_of(value: Value) -> list[Mark]:
    """Every span of an annotation's records as marks (each mention of each entity)."""
    marks: list[Mark] = []
    for kind in KINDS:
        for record in value.get(kind, []):
            spans = record.get("spans", []) if kind == "entities" else [record["span"]]
            marks.extend(Mark(s, e, _MARK[kind], record["id"]) for s, e in spans if e > s)
    return marks


def place_marks(text: str, offset: int, marks: Iterable[Mark],
                seen: set[tuple[str, str]] | None = None) -> list[Node]:
    """A paragraph's text as a tree of strings and marks, ready to render.

    Marks nest when one lies inside another (a date inside a quote). A mark
    that crosses another's edge, or the paragraph's, is cut into pieces at
    the crossing, so the text is always a proper tree and every character is
    under each mark that covers it. The first piece of each record (per
    ``(kind, ref)`` in ``seen``, shared across paragraphs) gets
    ``anchor: True``: the page scrolls to it when the record is clicked.

    Args:
        text: The paragraph's text.
        offset: Where it starts in the body (the marks are in body offsets).
        marks: Marks of the whole article; those outside the paragraph are ignored.
        seen: Records already anchored in earlier paragraphs (updated in place).

    Returns:
        Nodes: a string, or ``{"mark", "ref", "anchor", "nodes"}``; joining the
        strings in order gives back ``text``.
    """
    seen = set() if seen is None else seen
    stop = offset + len(text)
    inside = sorted((m for m in marks if m.start < stop and m.end > offset),
                    key=lambda m: (m.start, -m.end, _ORDER.get(m.kind, 9), m.ref))
    cuts = sorted({offset, stop, *(min(max(p, offset), stop)
                                   for m in inside for p in (m.start, m.end))})
    root: list[Node] = []
    stack: list[tuple[Mark, list[Node]]] = []
    for a, b in pairwise(cuts):
        active = [m for m in inside if m.start <= a and m.end >= b]
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep][0] == active[keep]:
            keep += 1
        del stack[keep:]
        for m in active[keep:]:
            node: Value = {"mark": m.kind, "ref": m.ref, "anchor": (m.kind, m.ref) not in seen,
                           "nodes": []}
            seen.add((m.kind, m.ref))
            (stack[-1][1] if stack else root).append(node)
            stack.append((m, node["nodes"]))
        target = stack[-1][1] if stack else root
        piece = text[a - offset : b - offset]
        if target and isinstance(target[-1], str):
            target[-1] += piece
        else:
            target.append(piece)
    return root


def _counts(value: Value) -> dict[str, int]:
    return {kind: len(value.get(kind, [])) for kind in KINDS}


def annotated_view(value: Value) -> Value:
    """The answer of ``GET /articles/{id}/annotated``: summary, marked-up paragraphs, records."""
    marks = marks_of(value)
    seen: set[tuple[str, str]] = set()
    paragraphs = [{"start": start, "end": end, "nodes": place_marks(text, start, marks, seen)}
                  for start, end, text in value.get("paragraphs", [])]
    return {**{k: value.get(k) for k in _SUMMARY}, "counts": _counts(value),
            "paragraphs": paragraphs, **{kind: value.get(kind, []) for kind in KINDS}}


def feed_item(value: Value) -> Value:
    """What the live feed sends for a processed article: the summary and counts, no text."""
    return {**{k: value.get(k) for k in _SUMMARY}, "counts": _counts(value)}
