"""Reported happenings of non-conflict copy anywhere in the story: the ``Other`` events.

The gold conventions (``gold/FORMAT.md``, "What gets annotated") make every reported
happening an event: elections and results, court rulings, decisions, announcements,
agreements, meetings, relief operations, evacuations and data releases, not only the
lead's. The patterns are data (``agents/data/events/happenings.tsv``); this module
decides which matches report something that happened: not in a question, not inside a
direct quotation (quoted words are speech, not the story's report), and not
hypothetical, planned or negated ("will meet", "plans to sign", "did not agree").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from agents.nlp.event_lexicon import Lexicon
from agents.nlp.types import Span

__all__ = ["OtherHit", "other_hits", "quoted_spans"]

_OPEN = frozenset("“«")
_CLOSE = frozenset("”»")


class OtherHit(NamedTuple):
    """A happening: its trigger span, type, kind (``lemma``) and sentence index."""

    start: int
    end: int
    type: str
    lemma: str
    sentence: int


def quoted_spans(text: str, paragraphs: list[Span]) -> list[Span]:
    """Spans inside quotation marks, paragraph by paragraph.

    Straight double quotes toggle; curly and angle quotes open and close. A quotation
    left open runs to the end of its paragraph (wire copy reopens it in the next one).
    """
    spans: list[Span] = []
    for para in paragraphs:
        opened = -1
        for i in range(para.start, para.end):
            c = text[i]
            if c == '"':
                if opened < 0:
                    opened = i
                else:
                    spans.append(Span(opened, i + 1))
                    opened = -1
            elif c in _OPEN and opened < 0:
                opened = i
            elif c in _CLOSE and opened >= 0:
                spans.append(Span(opened, i + 1))
                opened = -1
        if opened >= 0:
            spans.append(Span(opened, para.end))
    return spans


def _inside(spans: list[Span], starts: list[int], at: int) -> bool:
    i = bisect_right(starts, at) - 1
    return i >= 0 and spans[i].start < at < spans[i].end


def other_hits(
    text: str,
    lowered: str,
    spaced: bytes,
    paragraphs: list[Span],
    sentences: list[Span],
    lex: Lexicon,
    rejected: Callable[[int, int, int], bool],
) -> list[OtherHit]:
    """Every reported happening the ``happenings`` patterns find, in body order.

    Args:
        text: The article body.
        lowered: ``text`` lower-cased with the same offsets.
        spaced: ``event_scan.spaced_bytes(lowered)`` for the needle scan; empty when the
            body is not latin-1 text (then every pattern is tried).
        paragraphs: Paragraph spans in body order.
        sentences: Sentence spans in body order.
        lex: The event lexicon (its ``happenings`` patterns).
        rejected: ``rejected(start, end, sentence)`` is True for a hypothetical or
            negated mention ("will meet", "plans to sign", "no agreement").

    Returns:
        Hits that lie inside one sentence, outside quotations, and are no question and
        nothing hypothetical; a pattern's matches never overlap each other.
    """
    if not sentences:
        return []
    present: set[str] | None = None
    if spaced:
        present = {n[1:].decode("ascii") for n in lex.other_needles.findall(spaced)}
        if not present:
            return []
    quoted = quoted_spans(text, paragraphs)
    quoted_starts = [s.start for s in quoted]
    starts = [s.start for s in sentences]
    found: list[OtherHit] = []
    for pat in lex.other:
        if present is not None and pat.needles.isdisjoint(present):
            continue
        for m in pat.pattern.finditer(lowered):
            index = bisect_right(starts, m.start()) - 1
            if index < 0:
                continue
            span = sentences[index]
            if m.end() > span.end or text[span.end - 1] == "?":
                continue
            if _inside(quoted, quoted_starts, m.start()):
                continue
            if rejected(m.start(), m.end(), index):
                continue
            found.append(OtherHit(m.start(), m.end(), pat.type, pat.sub_event, index))
    return sorted(found)
