"""Test helper: build a ``Doc`` and its entities from wire-style text for event tests.

Paragraphs are split on blank lines; sentences come from ``agents.nlp.sentences``
when it is importable, else from a simple regex. Mentions are located from a tiny
test-local list of ``(surface, type, canonical)`` names, and dates come from
``find_dates``/``resolve_dates`` shifted to body offsets, as the pipeline does.
"""

from __future__ import annotations

import re
from datetime import date

from agents.nlp.dates import find_dates, resolve_dates
from agents.nlp.types import Doc, EntityType, Mention, ResolvedEntity, Span, shift

__all__ = ["NameList", "make_doc"]

NameList = list[tuple[str, EntityType, str]]

try:
    from agents.nlp.sentences import split_sentences
except ImportError:  # pragma: no cover - the sentence splitter is written in parallel
    _SENT = re.compile(r"[^.!?]+(?:[.!?]+[\"”’]?|$)")

    def split_sentences(text: str) -> list[Span]:
        spans = []
        for m in _SENT.finditer(text):
            lo = m.start() + len(m.group()) - len(m.group().lstrip())
            hi = m.end() - (len(m.group()) - len(m.group().rstrip()))
            if hi > lo:
                spans.append(Span(lo, hi))
        return spans


def _mentions(body: str, names: NameList) -> list[Mention]:
    """Every occurrence of every name, longest name first, no overlaps."""
    taken: list[Mention] = []
    for surface, type_, canonical in sorted(names, key=lambda n: -len(n[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?:['’]s)?\b", body):
            if any(t.start < m.end() and m.start() < t.end for t in taken):
                continue
            taken.append(Mention(m.start(), m.end(), m.group(), type_, canonical, "test"))
    return sorted(taken, key=lambda m: m.start)


def make_doc(text: str, names: NameList, published: date | None = date(2019, 3, 13)
             ) -> tuple[Doc, list[ResolvedEntity]]:
    """Build a ``Doc`` (body offsets) and one ``ResolvedEntity`` per canonical name."""
    paragraphs, sentences, dates = [], [], []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        if not m.group().strip():
            continue
        paragraphs.append(Span(m.start(), m.end()))
        sentences += [Span(s.start + m.start(), s.end + m.start())
                      for s in split_sentences(m.group())]
        dates += [shift(d, m.start()) for d in resolve_dates(find_dates(m.group()), published)]
    mentions = _mentions(text, names)
    entities = []
    for canonical in dict.fromkeys(c for _, _, c in names):
        own = [m for m in mentions if m.canonical == canonical]
        type_ = next(t for _, t, c in names if c == canonical)
        aliases = tuple(sorted({s for s, _, c in names if c == canonical and s != canonical}))
        entities.append(ResolvedEntity(canonical, type_, aliases,
                                       tuple(Span(m.start, m.end) for m in own)))
    doc = Doc(body=text, published=published, paragraphs=paragraphs, sentences=sentences,
              mentions=mentions, dates=dates)
    return doc, entities
