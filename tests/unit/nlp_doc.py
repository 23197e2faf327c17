"""Test helper: build a ``Doc`` from a body string the way the pipeline does.

Paragraphs are split on blank lines, sentences with ``agents.nlp.sentences`` when it
is importable (else a simple regex), and mentions with ``find_mentions`` per
paragraph, shifted to body offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from agents.nlp.entities import find_mentions
from agents.nlp.gazetteer import load_gazetteer
from agents.nlp.types import Doc, Span, shift

__all__ = ["make_doc", "paragraph_spans"]

_PARA_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_SENT_RE = re.compile(r"\S.*?(?:[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z])|$)", re.S)


def _regex_sentences(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _SENT_RE.finditer(text)]


def _splitter() -> Callable[[str], list[Span]]:
    try:
        from agents.nlp.sentences import split_sentences
    except ImportError:
        return _regex_sentences
    return split_sentences


def paragraph_spans(body: str) -> list[Span]:
    """Return the spans of the non-blank paragraphs of ``body``, whitespace trimmed."""
    spans = []
    for m in _PARA_RE.finditer(body):
        start, end = m.start(), m.end()
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append(Span(start, end))
    return spans


def make_doc(body: str, published: date | None = None) -> Doc:
    """Build a ``Doc`` for ``body`` with paragraphs, sentences and mentions filled in."""
    gaz = load_gazetteer()
    split = _splitter()
    paragraphs = paragraph_spans(body)
    sentences: list[Span] = []
    mentions = []
    for p in paragraphs:
        text = body[p.start : p.end]
        sentences.extend(Span(s.start + p.start, s.end + p.start) for s in split(text))
        mentions.extend(shift(m, p.start) for m in find_mentions(text, gaz))
    return Doc(
        body=body,
        published=published,
        paragraphs=paragraphs,
        sentences=sentences,
        mentions=mentions,
    )
