"""Per-article lookups for quote attribution, built once and then only bisected.

Owns ``QuoteContext`` (mentions, cues, paragraphs and sentences of one article indexed
by offset, plus the canonical name of each mention), ``Who`` (a speaker as understood
at one cue) and ``Memory`` (the speakers seen so far, for pronouns and anaphora).
Attribution asks many small "what lies in [start, end)" questions per quote; indexing
once keeps each answer a bisection instead of a scan of the whole article.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from agents.nlp.quote_cues import Cue, find_cues
from agents.nlp.types import Doc, Mention, ResolvedEntity, Span

__all__ = ["Memory", "QuoteContext", "Who"]

_SPEAKING = frozenset(("PERSON", "ORG", "GPE"))


_START = attrgetter("start")


class Who(NamedTuple):
    """One speaker as understood at one cue (a named tuple: cheap to build and compare).

    Attributes:
        speaker: The canonical name, the group phrase, or None for an unnamed one.
        title: The role or description ("SDF spokesman", "a witness").
        span: Where the speaker is named in the body, when it is.
        kind: ``person``, ``org``, ``group``, ``desc`` (unnamed) or ``doc`` (a report).
        head: The head noun, to match later "the fighter"-style anaphora.
    """

    speaker: str | None
    title: str | None
    span: Span | None
    kind: str
    head: str = ""


@dataclass(slots=True)
class Memory:
    """The article's speakers so far, for pronouns and "the fighter" anaphora."""

    last: dict[str, Who] = field(default_factory=dict)
    descs: list[Who] = field(default_factory=list)

    def note(self, who: Who) -> None:
        """Remember ``who`` as the latest speaker of its kind."""
        self.last[who.kind] = who
        self.last["any"] = who
        if who.kind == "desc":
            self.descs.append(who)


def _alias_mentions(
    doc: Doc, entities: list[ResolvedEntity], seen: set[tuple[int, int]]
) -> list[Mention]:
    """Entity spans the tagger did not mark: later last-name uses ("Mutharika, joined by
    ...", "quoted Kim as saying") that entity resolution found. They can speak too."""
    out = []
    for e in entities:
        if e.type not in _SPEAKING:
            continue
        for sp in e.mentions:
            if (sp.start, sp.end) not in seen:
                text = doc.body[sp.start : sp.end]
                out.append(Mention(sp.start, sp.end, text, e.type, e.name, "alias"))
    return out


class QuoteContext:
    """One article's body, its speaking mentions and cues, indexed by offset.

    The byline author never speaks, so byline mentions are left out here once rather
    than checked at every cue.
    """

    __slots__ = (
        "_mention_ends",
        "body",
        "by_alias",
        "by_span",
        "cue_starts",
        "cues",
        "doc",
        "entities",
        "memory",
        "mentions",
        "para_starts",
        "sent_starts",
        "starts",
    )

    def __init__(self, doc: Doc, entities: list[ResolvedEntity]) -> None:
        self.doc = doc
        self.body = doc.body
        self.entities = entities
        self.by_span: dict[tuple[int, int], str] | None = None  # built on first use
        self.by_alias: dict[str, str] = {}
        speaking = [m for m in doc.mentions if m.type in _SPEAKING]
        speaking += _alias_mentions(doc, entities, {(m.start, m.end) for m in doc.mentions})
        if doc.byline:
            byline = {name.lower() for name in doc.byline}
            sizes = {len(name) for name in byline}  # cheap filter before lower-casing
            speaking = [
                m
                for m in speaking
                if not (len(m.text) in sizes and m.text.lower() in byline)
                and not (len(m.canonical) in sizes and m.canonical.lower() in byline)
            ]
        speaking.sort(key=_START)
        self.mentions = speaking
        self.starts = [m.start for m in speaking]
        self._mention_ends: dict[int, int] | None = None
        self.para_starts = [p.start for p in doc.paragraphs]
        self.sent_starts = [s.start for s in doc.sentences]
        self.cues = find_cues(self.body)
        self.cue_starts = [c.start for c in self.cues]
        self.memory = Memory()

    @property
    def mention_ends(self) -> dict[int, int]:
        """Start -> end of every mention (any type): a listener after "told" may be any name."""
        if self._mention_ends is None:
            self._mention_ends = {m.start: m.end for m in self.doc.mentions}
        return self._mention_ends

    def cue_sentences(self) -> dict[int, list[Cue]]:
        """Group the cues by the index of the sentence that wholly holds each."""
        groups: dict[int, list[Cue]] = {}
        sentences = self.doc.sentences
        for cue in self.cues:
            k = bisect_right(self.sent_starts, cue.start) - 1
            if k >= 0 and cue.end <= sentences[k].end:
                groups.setdefault(k, []).append(cue)
        return groups

    def cues_in(self, start: int, end: int) -> list[Cue]:
        """Return the article's reporting cues lying inside ``[start, end)``."""
        cues = self.cues
        i = bisect_left(self.cue_starts, start)
        j = bisect_left(self.cue_starts, end, i)
        return [c for c in cues[i:j] if c.end <= end]

    def name(self, m: Mention) -> str:
        """Return the canonical entity name for mention ``m``."""
        if self.by_span is None:  # only articles with a named speaker need the maps
            self.by_span = {}
            for ent in self.entities:
                for alias in (ent.name, *ent.aliases):
                    self.by_alias.setdefault(alias.lower(), ent.name)
                for sp in ent.mentions:
                    self.by_span[(sp.start, sp.end)] = ent.name
        return (
            self.by_span.get((m.start, m.end))
            or self.by_alias.get(m.text.lower())
            or self.by_alias.get(m.canonical.lower())
            or m.canonical
        )

    def within(self, start: int, end: int) -> list[Mention]:
        """Return the speaking-type mentions lying inside ``[start, end)``."""
        i = bisect_left(self.starts, start)
        j = bisect_left(self.starts, end, i)
        return [m for m in self.mentions[i:j] if m.end <= end]

    def paragraph(self, pos: int) -> Span:
        """Return the paragraph holding offset ``pos`` (the whole body when there is none)."""
        k = bisect_right(self.para_starts, pos) - 1
        return self.doc.paragraphs[k] if k >= 0 else Span(0, len(self.body))

    def sentence(self, pos: int) -> Span:
        """Return the sentence (else the paragraph) holding offset ``pos``."""
        k = bisect_right(self.sent_starts, pos) - 1
        sentences = self.doc.sentences
        if k >= 0 and sentences[k].start <= pos < sentences[k].end:
            return sentences[k]
        return self.paragraph(pos)
