"""Lead events: the main event of non-conflict copy (a quake, a rate decision, a vote).

Wire copy about disasters, economics and politics puts its news in the lead, and the
gold set codes it as one ``Other`` event (talks: a Strategic development). The patterns
are data (``agents/data/events/lead.tsv``); this module only decides where to look:
the first paragraph, else the second, the first match per type, nothing hypothetical.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from agents.nlp.event_lexicon import LeadPattern, Lexicon
from agents.nlp.types import Span

__all__ = ["LeadHit", "lead_hits"]

_LEAD_PARAGRAPHS = 2
_ECHO_PARAGRAPHS = 3


class LeadHit(NamedTuple):
    """A lead event: trigger span, type, sub-event (disaster | economy | ...), sentence.

    ``echoes`` are the starts of later mentions of the same kind of event in the first
    paragraphs ("the magnitude 6.4 quake, which hit on Tuesday"): where the lead
    sentence gives no day, the detail paragraph usually does.
    """

    start: int
    end: int
    type: str
    sub_event: str
    sentence: int
    pattern: re.Pattern[str] | None = None
    horizon: int = 0  # echoes are looked for in [end, horizon)

    def echoes(self, lowered: str) -> list[int]:
        """Starts of later mentions of the same kind of event, computed on demand."""
        if self.pattern is None:
            return []
        return [m.start() for m in self.pattern.finditer(lowered, self.end, self.horizon)]


def lead_hits(
    lowered: str,
    spaced: bytes,
    paragraphs: list[Span],
    sentences: list[Span],
    lex: Lexicon,
    rejected: Callable[[int, int, int], bool],
) -> list[LeadHit]:
    """The first lead event of each type, from the first paragraph that has one.

    Args:
        lowered: The article body, lower-cased (same offsets).
        spaced: ``event_scan.spaced_bytes(lowered)``, for the needle scan; empty when
            the body is not latin-1 text (then every pattern is tried).
        paragraphs: Paragraph spans in body order.
        sentences: Sentence spans in body order.
        lex: The event lexicon (its ``lead`` patterns).
        rejected: ``rejected(start, end, sentence)`` is True for a hypothetical or
            negated mention ("could trigger floods", "no rate cut").

    Returns:
        At most one hit per event type, in body order.
    """
    if not paragraphs:
        return []
    horizon = paragraphs[min(len(paragraphs), _ECHO_PARAGRAPHS) - 1].end
    starts = [span.start for span in sentences]
    for para in paragraphs[:_LEAD_PARAGRAPHS]:
        found: list[tuple[int, LeadHit, LeadPattern]] = []
        present: set[str] | None = None  # None: every pattern is tried
        if spaced:
            found_at = lex.lead_needles.findall(spaced, para.start, para.end + 1)
            if not found_at:
                continue
            present = {n[1:].decode("ascii") for n in found_at}
        for pat in lex.lead:
            if present is not None and pat.needles.isdisjoint(present):
                continue
            for m in pat.pattern.finditer(lowered, para.start, para.end):
                index = bisect_right(starts, m.start()) - 1
                span = sentences[index] if index >= 0 else None
                if span is None or m.end() > span.end or lowered[span.end - 1] == "?":
                    continue
                if not rejected(m.start(), m.end(), index):
                    hit = LeadHit(m.start(), m.end(), pat.type, pat.sub_event, index)
                    found.append((index, hit, pat))
                    break
        if found:
            # The lead sentence only: later ones add detail, not news.
            first = min(index for index, _, _ in found)
            by_type: dict[str, tuple[LeadHit, LeadPattern]] = {}
            for index, hit, pat in sorted(found, key=lambda f: f[1].start):
                if index == first and hit.type not in by_type:
                    by_type[hit.type] = (hit, pat)
            return sorted(
                hit._replace(pattern=pat.pattern, horizon=horizon) for hit, pat in by_type.values()
            )
    return []
