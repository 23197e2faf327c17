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

import re
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


_QUOTE_MARK = re.compile('["“”«»]')


def quoted_spans(text: str, paragraphs: list[Span]) -> list[Span]:
    """Spans inside quotation marks, paragraph by paragraph.

    Straight double quotes toggle; curly and angle quotes open and close. A quotation
    left open runs to the end of its paragraph (wire copy reopens it in the next one).
    """
    spans: list[Span] = []
    for para in paragraphs:
        opened = -1
        for m in _QUOTE_MARK.finditer(text, para.start, para.end):
            c, i = m.group(), m.start()
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
    quoted: list[Span] | None = None,
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
        quoted: ``quoted_spans(text, paragraphs)`` when the caller has it already.

    Returns:
        Hits that lie inside one sentence, outside quotations, and are no question and
        nothing hypothetical, in body order; a pattern's matches never overlap each other.
    """
    if not sentences:
        return []
    if quoted is None:
        quoted = quoted_spans(text, paragraphs)
    quoted_starts = [s.start for s in quoted]
    starts = [s.start for s in sentences]
    found: list[OtherHit] = []

    def keep(m: re.Match[str], k: int, index: int) -> None:
        if _inside(quoted, quoted_starts, m.start()) or rejected(m.start(), m.end(), index):
            return
        pat = lex.other[k]
        found.append(OtherHit(m.start(), m.end(), pat.type, pat.sub_event, index))

    if not spaced:  # not latin-1 text: every pattern over every sentence (rare, slower)
        for k, pat in enumerate(lex.other):
            for index, span in enumerate(sentences):
                if text[span.end - 1] != "?":
                    for m in pat.pattern.finditer(lowered, span.start, span.end):
                        keep(m, k, index)
        return sorted(found)
    # A match opens at a needle: one anchored attempt per needle and pattern, not a scan.
    last_end: dict[int, int] = {}
    for needle in lex.other_needles.finditer(spaced):
        at = needle.start()
        index = bisect_right(starts, at) - 1
        if index < 0:
            continue
        span = sentences[index]
        if at >= span.end or text[span.end - 1] == "?":
            continue
        for k in lex.other_by_needle.get(needle.group()[1:].decode("ascii"), ()):
            if at < last_end.get(k, 0):
                continue  # inside this pattern's previous match
            m = lex.other[k].pattern.match(lowered, at, span.end)
            if m is not None:
                last_end[k] = m.end()
                keep(m, k, index)
    return sorted(found)
