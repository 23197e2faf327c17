"""Quoted passages: quote spans joined across paragraphs, with their marks.

Owns ``QuoteUnit`` and ``quote_units``. Wire copy leaves a quote that runs on into the
next paragraph unclosed and reopens it there; attribution treats the whole run as one
passage, so it is joined here once, before any speaker is looked for.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from agents.nlp.types import Doc

__all__ = ["QUOTE_MARKS", "QuoteUnit", "quote_units"]

QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
_MARKS_OR_SPACE = " " + QUOTE_MARKS
_OPENING = QUOTE_MARKS + "\u2018'"  # single marks open partial quotes too (‘calculated’)
_CLOSING = _MARKS_OR_SPACE + "\u2019'"


class QuoteUnit(NamedTuple):
    """One quoted passage, possibly joined across paragraphs.

    Attributes:
        start: First quoted character (body offset).
        end: One past the last quoted character.
        text: The quoted words; joined parts are separated by a space.
        open_end: True when the passage is still open at its last paragraph's end.
        mark: Offset of the opening mark.
        close: One past the closing mark (or the paragraph end).
    """

    start: int
    end: int
    text: str
    open_end: bool
    mark: int
    close: int


def quote_units(doc: Doc) -> list[QuoteUnit]:
    """Join quote spans that run on across paragraphs into passages.

    A span left open at a paragraph's end continues with the next paragraph's first
    span when that paragraph opens with it (only marks and spaces before it).

    Args:
        doc: The article with paragraphs and quote spans in body offsets.

    Returns:
        The passages in body order.
    """
    body = doc.body
    para_starts = [p.start for p in doc.paragraphs]
    spans = sorted(doc.quote_spans, key=lambda q: q.start)
    units: list[QuoteUnit] = []
    i = 0
    while i < len(spans):
        first = last = spans[i]
        parts = [first.text]
        while last.open_end and i + 1 < len(spans):
            nxt = spans[i + 1]
            p = bisect_right(para_starts, nxt.start) - 1
            if p < 1 or bisect_right(para_starts, last.start) - 1 != p - 1:
                break
            if body[para_starts[p] : nxt.start].strip(_MARKS_OR_SPACE):
                break
            parts.append(nxt.text)
            last = nxt
            i += 1
        mark = first.start - 1
        while mark > 0 and body[mark] not in _OPENING and first.start - mark < 4:
            mark -= 1
        close = last.end
        while close < len(body) and body[close] in _CLOSING and close - last.end < 3:
            close += 1
        units.append(QuoteUnit(first.start, last.end, " ".join(parts), last.open_end, mark, close))
        i += 1
    return units
