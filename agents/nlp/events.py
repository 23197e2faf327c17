"""ACLED-typed events from trigger words: what happened, who did it to whom, where, when.

The trigger lexicon and the cue word lists are data (``agents/data/events/``, loaded by
``event_lexicon``); the argument rules (actor, target, place) are in ``event_args``, the
sense filters and the typing of each trigger in its sentence in ``event_typing``, and
the merging of repeated reports in ``event_merge``, the non-conflict happenings
(elections, rulings, decisions, agreements, relief, data releases: ``Other``, by
gold/FORMAT.md) in ``event_other``. This module owns the pipeline: the article text as
the rules read it, trigger hits, the lead event and the happenings, and the building of
each ``EventRecord`` (place, date, actor and target).

Hypotheticals follow ACLED's codebook: only what happened is an event. "Called for a
ceasefire", "threatened to attack", "plans to withdraw" and "could take place" are
not events; an agreement that was reached ("agreed a ceasefire", "the truce took
effect") is a Strategic development (Agreement). A non-conflict happening also counts
when the story schedules it with a date ("will hold elections in November").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from agents.nlp.event_args import Names, arguments, is_place, main_place, other_place, place
from agents.nlp.event_lead import LeadHit, lead_hits
from agents.nlp.event_lexicon import Lexicon, Trigger, load_lexicon
from agents.nlp.event_merge import Kept, keep
from agents.nlp.event_other import other_hits, quoted_spans
from agents.nlp.event_scan import is_word_char, spaced_bytes
from agents.nlp.event_typing import (
    VIOLENT,
    habitual,
    not_happened,
    rejected,
    scheduled,
    type_trigger,
)
from agents.nlp.types import DateExpr, Doc, EventRecord, Mention, ResolvedEntity, Span

__all__ = ["Lexicon", "Trigger", "extract_events", "load_lexicon"]


@lru_cache(maxsize=2)
def _reported(verbs: frozenset[str]) -> re.Pattern[str]:
    """Attribution right before a date: "said on", "told reporters late", "said in a statement"."""
    alts = "|".join(sorted(verbs, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:{alts})|told\s+\w+)(?:\s+in\s+a\s+statement)?"
        r"(?:\s+(?:on|late|early|overnight))*\s*$",
        re.I,
    )


# A photo caption ends with its credit: "(Lameck Masina/VOA)", "(AP Photo/Ben Curtis)".
_CREDIT = re.compile(r"\((?:[^()\n]{2,60}/[^()\n]{2,40}|[^()\n]{0,30}\bPhoto\b[^()\n]{0,40})\)\s*$")
# Between a place and the noun it modifies: "Singapore summit", "Malawi's elections".
_MODIFIER_GAP = re.compile(r"(?:['’]s)? ")


@dataclass(slots=True)
class _Sentence:
    span: Span
    text: str
    places: list[Mention]
    people: list[Mention]
    dates: list[DateExpr]


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    trigger: Trigger
    type: str
    sentence: int
    anaphoric: bool = False  # "the attack": may refer back to an event already reported
    lead: LeadHit | None = None  # a lead event: its later mentions may give its day
    anchor: int = -1  # where the place is looked for; -1: the trigger's start

    def __post_init__(self) -> None:
        if self.anchor < 0:
            self.anchor = self.start


def _lower_keeping_offsets(text: str) -> str:
    """``text.lower()`` with every offset kept.

    A few characters lower-case to two ("İ" in Turkish names becomes "i̇"), which
    would shift every later offset; those take the first character of their
    lower case instead, so spans found in the text slice the same words here.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower()[0] for c in text)


class _Text:
    """The article body in the forms the rules read, each built once.

    Sentences are split into place mentions, other mentions and dates on demand: only
    sentences that hold a trigger are ever looked at.
    """

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc, self.lex, self.body = doc, lex, doc.body
        lowered = _lower_keeping_offsets(doc.body)
        self.lowered: str | None = lowered
        self.spaced = spaced_bytes(lowered) if self.lowered is not None else b""
        self.rev = doc.body[::-1]
        self.spans = doc.sentences
        self.starts = [s.start for s in doc.sentences]
        self.mentions = sorted(doc.mentions, key=lambda m: m.start)
        self.mention_starts = [m.start for m in self.mentions]
        self.dates = sorted(doc.dates, key=lambda d: d.start)
        self.date_starts = [d.start for d in self.dates]
        self.paragraph_starts = [p.start for p in doc.paragraphs]
        self.cache: dict[int, _Sentence] = {}
        self.quotes: list[Span] | None = None
        self.quote_starts: list[int] = []

    def has(self, context: str, span: Span) -> bool:
        """True when a word of cue class ``context`` occurs in ``span``."""
        body = self.body
        if self.lowered is None:
            return self.lex.context[context].search(body, span.start, span.end) is not None
        if context == "noecon" and "%" in body[span.start : span.end]:
            return True
        found = self.lex.context_scan[context].search(self.spaced, span.start, span.end + 1)
        if found is None:
            return False
        start, stop = found.start(), found.end() - 1
        if (start and is_word_char(body[start - 1])) or (
            stop < len(body) and is_word_char(body[stop])
        ):
            # A letter outside latin-1 next to the word: let the str regex decide.
            return self.lex.context[context].search(body, span.start, span.end) is not None
        return True

    def triggers(self) -> list[tuple[int, int]]:
        """Spans of trigger forms in the body, as the ``str`` trigger regex finds them."""
        lowered, pattern = self.lowered, self.lex.pattern
        if lowered is None:
            return [m.span() for m in re.finditer(pattern.pattern, self.body, re.I)]
        found = []
        for m in self.lex.scan.finditer(self.spaced):
            start = m.start()
            if start and is_word_char(lowered[start - 1]):
                continue  # inside a word once non-latin-1 letters are counted
            exact = pattern.match(lowered, start)
            if exact is None or exact.end() != m.end() - 1:
                # A hyphen, apostrophe or non-latin-1 letter the byte scan saw as a space:
                # rare; the str regex over the whole body is the reference.
                return [x.span() for x in pattern.finditer(lowered)]
            found.append((start, exact.end()))
        return found

    def day(self, sent: _Sentence, at: int, own: bool = False) -> date | None:
        """The resolved day nearest ``at`` in ``sent``; dates of reports are skipped.

        With ``own`` (a non-conflict happening), so is a date that modifies another
        noun: in "offering aid ... as the death toll from Saturday's cyclone has risen",
        Saturday is the cyclone's day, and "the June 23 poll" dates the poll. (A
        conflict event shares the day of the attack it is part of: "Friday's attack
        ... started with a suicide bombing".)
        """
        best: date | None = None
        gap = len(self.body)
        for d in sent.dates:
            if d.date is None or abs(d.start - at) >= gap or self.reported(d.start):
                continue
            if own and self.attributive(d) and not d.end < at <= d.end + 30:
                continue
            best, gap = d.date, abs(d.start - at)
        return best

    def attributive(self, d: DateExpr) -> bool:
        """A date that modifies a noun: "Saturday's cyclone", "the June 23 poll"."""
        body = self.body
        if body.startswith(("'s ", "’s "), d.end):
            return True
        return (
            body.endswith("the ", max(0, d.start - 4), d.start)
            and body.startswith(" ", d.end)
            and body[d.end + 1 : d.end + 2].islower()
        )

    def reported(self, at: int) -> bool:
        """True for a date that dates a report, not the event: "officials said on Monday"."""
        verbs = _reported(self.lex.cues["attribution"])
        return verbs.search(self.body, max(0, at - 40), at) is not None

    def group_between(self, lo: int, hi: int) -> bool:
        """True when an organisation is named in ``[lo, hi)``: an armed group as target."""
        i = bisect_left(self.mention_starts, lo)
        while i < len(self.mentions) and self.mentions[i].start < hi:
            if self.mentions[i].type == "ORG":
                return True
            i += 1
        return False

    def earlier_places(self, index: int) -> list[Mention]:
        """Places named in the same paragraph before sentence ``index``."""
        span = self.spans[index]
        para = bisect_right(self.paragraph_starts, span.start) - 1
        floor = self.paragraph_starts[para] if para >= 0 else span.start
        lo = bisect_left(self.mention_starts, floor)
        hi = bisect_left(self.mention_starts, span.start)
        return [
            m for m in self.mentions[lo:hi] if is_place(self.body, self.rev, m, floor, self.lex)
        ]

    def caption(self, index: int) -> bool:
        """True when sentence ``index`` is in a photo caption (FORMAT.md: not the story)."""
        span = self.spans[index]
        para = bisect_right(self.paragraph_starts, span.start) - 1
        if para < 0:
            return False
        whole = self.doc.paragraphs[para]
        return _CREDIT.search(self.body, max(whole.start, whole.end - 120), whole.end) is not None

    def paragraph_places(self, index: int) -> list[Mention]:
        """Places named in sentence ``index``'s paragraph outside that sentence."""
        span = self.spans[index]
        para = bisect_right(self.paragraph_starts, span.start) - 1
        if para < 0:
            return []
        whole = self.doc.paragraphs[para]
        lo = bisect_left(self.mention_starts, whole.start)
        hi = bisect_left(self.mention_starts, whole.end)
        return [
            m
            for m in self.mentions[lo:hi]
            if not (span.start <= m.start < span.end)
            and is_place(self.body, self.rev, m, whole.start, self.lex)
            and not self.quoted(m.start)
        ]

    def named_before(self, at: int) -> Mention | None:
        """A place named right before ``at`` as its modifier: "the Singapore summit"."""
        i = bisect_left(self.mention_starts, at) - 1
        if i < 0:
            return None
        m = self.mentions[i]
        if m.type not in ("GPE", "LOC") or not _MODIFIER_GAP.fullmatch(self.body, m.end, at):
            return None
        return m

    def quote_spans(self) -> list[Span]:
        """The article's quotations (``event_other.quoted_spans``), found once."""
        if self.quotes is None:
            self.quotes = quoted_spans(self.body, self.doc.paragraphs)
            self.quote_starts = [q.start for q in self.quotes]
        return self.quotes

    def quoted(self, at: int) -> bool:
        """True when ``at`` lies inside a quotation (its words are speech, not report)."""
        quotes = self.quote_spans()
        i = bisect_right(self.quote_starts, at) - 1
        return i >= 0 and quotes[i].start < at < quotes[i].end

    def __getitem__(self, index: int) -> _Sentence:
        sent = self.cache.get(index)
        if sent is None:
            span, body = self.spans[index], self.body
            lo = bisect_left(self.mention_starts, span.start)
            hi = bisect_right(self.mention_starts, span.end)
            inside = [m for m in self.mentions[lo:hi] if m.end <= span.end]
            places = [m for m in inside if is_place(body, self.rev, m, span.start, self.lex)]
            # A parenthesised name is a credit ("(Reuters)") or a gloss, not a participant.
            people = [
                m
                for m in inside
                if m.type != "LOC" and m not in places and not body.startswith("(", m.start - 1)
            ]
            lo = bisect_left(self.date_starts, span.start)
            hi = bisect_right(self.date_starts, span.end)
            sent = self.cache[index] = _Sentence(
                span,
                body[span.start : span.end],
                places,
                people,
                [d for d in self.dates[lo:hi] if d.end <= span.end],
            )
        return sent


def _hits(text: _Text, lex: Lexicon) -> list[_Hit]:
    """Trigger occurrences that pass the sense and context filters, in body order."""
    starts, spans = text.starts, text.spans
    lowered = text.lowered if text.lowered is not None else text.body.lower()
    hits: list[_Hit] = []
    for start, end in text.triggers():
        index = bisect_right(starts, start) - 1
        if index < 0 or end > spans[index].end:
            continue
        typed = type_trigger(text, lex, lowered, start, end, spans[index])
        if typed is None:
            continue
        if typed.start < start:
            while hits and hits[-1].end > typed.start:
                hits.pop()  # "suicide vest" + "attacks" is one trigger
        hits.append(_Hit(typed.start, end, typed.trigger, typed.type, index, typed.anaphoric))
    return hits


def extract_events(doc: Doc, entities: list[ResolvedEntity]) -> list[EventRecord]:
    """Extract ACLED-typed events from trigger words in the article's sentences.

    Invariant: at most one event per sentence, type and place (coordinated triggers such
    as "airstrikes and shelling" are one event), and a later report with the same type,
    place and trigger lemma and a compatible date (equal, or either unknown) is taken as
    a restatement and dropped (ACLED's unit is one type, place and day). ``Other``
    events are one per sentence, place and kind of happening (``event_other``); the
    lead's ``Other`` event (``event_lead``) gives way when the lead paragraph reports
    violence, a protest or a riot, and arrests without violence are ``Other`` too.

    Args:
        doc: The article with sentences, mentions and resolved dates in body offsets.
        entities: The article's entities, to name actors, targets and places canonically.

    Returns:
        Events in body order. ``place`` is the nearest place named in the sentence, else
        the article's main place (see ``event_args.main_place``; ``Other`` events:
        ``event_args.other_place``), named as the story names it; ``date`` is the nearest
        resolved single day in the sentence that does not date a report ("said on
        Monday"), else None.
    """
    lex = load_lexicon()
    text = _Text(doc, lex)
    hits = _hits(text, lex)
    hits += _lead(text, lex, hits)
    hits += _other(text, lex, hits)
    if not hits:
        return []
    hits.sort(key=lambda h: h.start)
    names = Names(entities, doc.body)
    memo: list[tuple[str | None, str | None]] = []

    def main() -> tuple[str | None, str | None]:
        if not memo:
            memo.append(main_place(doc.body, text.mentions, names, lex))
        return memo[0]

    violent = {h.sentence for h in hits if h.trigger.strength != "secondary" and h.type in VIOLENT}
    _retype_arrests(text, hits)
    riots = {h.sentence for h in hits if h.type == "Riots"}
    seen: set[tuple[int, str, str | None, str]] = set()
    kept: list[Kept] = []
    for hit in hits:
        if hit.trigger.strength == "secondary" and hit.sentence in violent:
            continue
        if hit.type == "Protests" and hit.sentence in riots:
            continue  # ACLED codes a protest that turns violent once, as a riot
        if hit.anaphoric and hit.trigger.lemma in _DEFINITE_KINDS and any(
            k.lemma == hit.trigger.lemma for k in kept
        ):
            continue  # "the quake", "the cyclone's aftermath": the disaster already kept
        if text.caption(hit.sentence):
            continue
        sent = text[hit.sentence]
        if hit.trigger.strength == "weak" and not (
            sent.dates or sent.places or text.has("anchor", sent.span)
        ):
            continue
        placed = True
        if hit.type == "Other" and hit.lead is None and (at := text.named_before(hit.start)):
            where = names.written(at)  # "the Singapore summit", "Malawi's elections"
        elif hit.type == "Other" and hit.lead is None:
            own = [m for m in sent.places if not text.quoted(m.start)]
            around = [] if own else text.paragraph_places(hit.sentence)
            where, placed = other_place(doc.body, hit.anchor, own, around, names, main)
        else:
            earlier = [] if sent.places else text.earlier_places(hit.sentence)
            where = place(hit.anchor, sent.places, earlier, names, lex, main)
        # One event per sentence, type and place; Other events also per kind: "won the
        # election" and "the election" report two happenings.
        key = (hit.sentence, hit.type, where, hit.trigger.lemma if hit.type == "Other" else "")
        if key in seen:
            continue
        seen.add(key)
        when = text.day(sent, hit.start, hit.type == "Other")
        if when is None and hit.lead is not None:
            for echo in hit.lead.echoes(text.lowered or text.body.lower()):
                when = text.day(text[bisect_right(text.starts, echo) - 1], echo)
                if when is not None:
                    break
        actor: str | None = None
        target: str | None = None
        if hit.trigger.sub_event not in _NO_ACTOR:
            actor, target = arguments(
                doc.body, hit.start, hit.end, hit.type, sent.span, sent.people, names
            )
        event = EventRecord(
            start=hit.start,
            end=hit.end,
            type=hit.type,
            trigger=doc.body[hit.start : hit.end],
            actor=actor,
            target=target,
            place=where,
            date=when,
            sentence=sent.span,
        )
        # A back-reference restates any kept event of its type, but an Other one only
        # its own kind (handled above: "the quake").
        loose = hit.type != "Other" and (
            hit.anaphoric or (hit.trigger.strength == "weak" and when is None)
        )
        keep(
            kept,
            Kept(event, hit.trigger.lemma, hit.sentence, sent.text, placed),
            loose,
            hit.trigger.context == "attack",
            lex,
        )
    return [k.event for k in kept]


_CONFLICT = frozenset([*VIOLENT, "Protests", "Riots"])
# Kinds of happening whose definite mention ("the quake") restates the one kept anywhere.
_DEFINITE_KINDS = frozenset(["disaster", "aftershock"])
# Nobody does an earthquake, and an election is held by a country, not by the nearest name.
_NO_ACTOR = frozenset(["disaster", "aftershock", "election"])


def _lead(text: _Text, lex: Lexicon, hits: list[_Hit]) -> list[_Hit]:
    """The lead event of non-conflict copy, as hits (see ``event_lead``).

    An ``Other`` lead gives way when its paragraph reports violence, a protest or a
    riot: then the copy is conflict news and ACLED's types carry it.
    """
    lowered = text.lowered if text.lowered is not None else text.body.lower()
    cues, spans = lex.cues, text.spans

    def negated(start: int, end: int, index: int) -> bool:
        span = spans[index]
        return rejected(lowered, span, start, end, cues) or habitual(lowered, span, start, cues)

    found = lead_hits(lowered, text.spaced, text.doc.paragraphs, spans, lex, negated)
    if found:
        paragraphs = text.paragraph_starts
        conflict = {
            bisect_right(paragraphs, h.start)
            for h in hits
            if h.type in _CONFLICT and h.trigger.strength != "secondary"
        }
        found = [
            h for h in found
            if h.type != "Other" or bisect_right(paragraphs, h.start) not in conflict
        ]
    return [
        _Hit(h.start, h.end, Trigger(h.sub_event, h.type, h.sub_event, "strong", "-"), h.type,
             h.sentence, lead=h, anchor=h.end)
        for h in found
    ]


def _other(text: _Text, lex: Lexicon, hits: list[_Hit]) -> list[_Hit]:
    """Reported happenings anywhere in the story (``event_other``), as ``Other`` hits.

    A happening inside a trigger or lead hit is that hit ("evacuated" by troops is a
    Strategic development; the lead's "approved a bill" is the lead event, which takes
    the happening's kind so that "the bill" later restates it), and an agreement in a
    sentence with a conflict trigger is ACLED's (a Strategic development: "agreed a
    ceasefire", "had not honoured the agreement signed in Jeddah").
    """
    lowered = text.lowered if text.lowered is not None else text.body.lower()
    cues, spans = lex.cues, text.spans

    def negated(start: int, end: int, index: int) -> bool:
        span = spans[index]
        if not not_happened(lowered, span, start, end, cues):
            return False
        # What is scheduled is a happening too (FORMAT.md), when the story dates it.
        return not (
            scheduled(lowered, span, start, end, cues)
            and any(d.start >= start for d in text[index].dates)
        )

    found = other_hits(
        text.body, lowered, text.spaced, text.doc.paragraphs, spans, lex, negated,
        text.quote_spans(),
    )
    taken = sorted(hits, key=lambda h: (h.start, h.end))
    starts = [h.start for h in taken]
    conflict = {h.sentence for h in hits if h.type != "Other"}
    out: list[_Hit] = []
    for h in found:
        if h.lemma == "agreement" and h.sentence in conflict:
            continue
        i = bisect_right(starts, h.start)
        inside = [t for t in taken[max(0, i - 3) : i] if h.end <= t.end]
        if inside:
            lead = inside[-1]
            if lead.lead is not None and lead.type == h.type:
                # The lead names the kind: its later mentions restate it ("the bill").
                lead.trigger = replace(lead.trigger, lemma=h.lemma)
            continue
        out.append(_Hit(h.start, h.end, Trigger(h.lemma, h.type, h.lemma, "strong", "-"),
                        h.type, h.sentence,
                        h.lemma in _DEFINITE_KINDS
                        and _definite(lowered, spans[h.sentence].start, h.start)))
    return out


_DEFINITE = re.compile(r"(?:\b(?:the|this|that|these|those)|\w['’]s)\s+(?:[\w.,’'-]+\s+){0,3}$")


def _definite(lowered: str, floor: int, start: int) -> bool:
    """A definite or possessive mention, "the magnitude 7.0 quake", "Saturday's cyclone"."""
    return _DEFINITE.search(lowered, max(floor, start - 40), start) is not None


def _retype_arrests(text: _Text, hits: list[_Hit]) -> None:
    """Arrests without violence are ``Other`` (gold/FORMAT.md); ACLED's Arrests otherwise.

    An arrest stays a Strategic development when its sentence reports violence or a
    riot, casualties or a crowd ("230 rioters had been arrested", "arrested
    three suspects in connection with the bombing"). In copy that reports no conflict
    at all, ACLED's other strategic developments (a state of emergency declared after a
    quake, a curfew) are official decisions, ``Other`` too.
    """
    conflict = {
        h.sentence
        for h in hits
        if h.type in (*VIOLENT, "Riots") and h.trigger.strength != "secondary"
    }
    calm = not any(h.type in _CONFLICT for h in hits)
    for hit in hits:
        if calm and hit.trigger.lemma == "curfew":
            hit.type = "Other"  # a curfew or state of emergency in non-conflict copy
            continue
        if hit.trigger.sub_event != "Arrests" or hit.sentence in conflict:
            continue
        span = text.spans[hit.sentence]
        if not (text.has("crowd", span) or text.has("anchor", span)):
            hit.type = "Other"
