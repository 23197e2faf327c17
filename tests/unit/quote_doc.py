"""Build a quote-ready ``Doc`` by hand for the quote and speaker tests.

Paragraphs are split on blank lines, sentences with the project splitter when it is
importable (else a simple regex), quote spans with ``find_quote_spans`` shifted to
body offsets, and mentions from ``(surface, type, canonical)`` triples located in the
body, so a test reads like the article it checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.nlp.quotes import find_quote_spans
from agents.nlp.types import Doc, EntityType, Mention, ResolvedEntity, Span, shift

__all__ = ["make_doc"]

try:
    from agents.nlp.sentences import split_sentences
except ImportError:  # the splitter is written in parallel; fall back to a plain rule

    def split_sentences(text: str) -> list[Span]:
        """Split after [.?!] (and closing marks) followed by a space and a capital."""
        spans, start = [], 0
        for m in re.finditer(r"[.?!][\"'\u201d]?\s+(?=[\"\u201c]?[A-Z])", text):
            spans.append(Span(start, m.start() + len(m.group().rstrip())))
            start = m.end()
        spans.append(Span(start, len(text.rstrip())))
        return spans


def make_doc(
    body: str,
    mentions: Sequence[tuple[str, EntityType, str]] = (),
    byline: tuple[str, ...] = (),
) -> tuple[Doc, list[ResolvedEntity]]:
    """Return a ``Doc`` for ``body`` and the entities its mentions resolve to.

    Args:
        body: Article text; paragraphs separated by blank lines.
        mentions: ``(surface, type, canonical)``; every whole-word occurrence of the
            surface becomes a mention (longer surfaces win overlaps).
        byline: Byline names.

    Returns:
        The document and one ``ResolvedEntity`` per canonical name.
    """
    paragraphs = [
        Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", body)
    ]
    sentences: list[Span] = []
    spans = []
    for p in paragraphs:
        text = body[p.start : p.end]
        sentences += [Span(s.start + p.start, s.end + p.start) for s in split_sentences(text)]
        spans += [shift(q, p.start) for q in find_quote_spans(text)]
    found: list[Mention] = []
    taken: set[int] = set()
    for surface, etype, canonical in sorted(mentions, key=lambda t: -len(t[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", body):
            if taken.isdisjoint(range(m.start(), m.end())):
                taken.update(range(m.start(), m.end()))
                found.append(Mention(m.start(), m.end(), surface, etype, canonical))
    found.sort(key=lambda m: m.start)
    entities = []
    for canonical in dict.fromkeys(m.canonical for m in found):
        own = [m for m in found if m.canonical == canonical]
        aliases = tuple(dict.fromkeys(m.text for m in own if m.text != canonical))
        entities.append(
            ResolvedEntity(
                canonical, own[0].type, aliases, tuple(Span(m.start, m.end) for m in own)
            )
        )
    doc = Doc(
        body=body,
        published=None,
        paragraphs=paragraphs,
        sentences=sentences,
        mentions=found,
        quote_spans=spans,
        byline=byline,
    )
    return doc, entities
