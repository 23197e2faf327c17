"""Speaker attribution: who said each quote, plus reported speech without marks.

Owns ``attribute_quotes``: quoted passages become direct and partial ``Quote``s,
sentences like "X told Reuters that ..." become indirect ones, and each gets a
speaker: a named person or organisation, a pronoun's antecedent, a plural group phrase
("U.S. officials") or, for an unnamed source ("a witness", "a local source"), the
description as written (also its ``speaker_title``). Finding the subject of a cue is
``subjects.py``'s job.

Conventions (the gold follows them):
    * one quote per quoted passage: ``"A. B," he said.`` is one quote, ``"A," he said.
      "B."`` is two (the second inherits the first's speaker and cue); a passage left
      open at a paragraph end is joined with the next paragraph's;
    * partial quotes need a reporting cue in their sentence; names and scare quotes
      ("the so-called "caliphate"", a film title) are never quotes;
    * a sentence that holds quote marks yields no indirect quote;
    * an organisation's official voice ("the SDF press office", "Hamas officials")
      is the organisation; a plural group without one ("U.S. defense officials") is
      the group phrase itself; an unnamed individual is its description ("a witness");
    * pronouns and "the fighter"-style descriptions refer back to the last speaker of
      the fitting kind; the byline author never speaks.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from itertools import accumulate
from operator import itemgetter

from agents.nlp.quote_clauses import (
    parenthetical_clause,
    reported_clause,
    strip_dateline,
    trailing_clause,
)
from agents.nlp.quote_context import QuoteContext, Who
from agents.nlp.quote_cues import Cue
from agents.nlp.quote_units import QuoteUnit, quote_units
from agents.nlp.quotes import is_name_quote, quote_kind
from agents.nlp.subjects import MAIN_VERB, strip_span, subject_after, subject_before
from agents.nlp.types import Doc, Quote, QuoteKind, ResolvedEntity, Span

__all__ = ["attribute_quotes"]

# "... A and said B": the "and" that ends the first reported clause, right before a cue.
_AND_BEFORE = re.compile(r",?\s+and\s+$")
# A document right before an -ing cue: "issued a statement saying", "released a video
# on Tuesday claiming".
_DOCUMENT_BEFORE = re.compile(
    r"\b(?:statement|video|letter|message|post|report|communique|communiqué|release|notice"
    r"|announcement)(?:\s+(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)?\s+$"
)
_NEGATED = re.compile(r"\b(?:not|n't|never|declined\s+to|refused\s+to|failed\s+to)\s+$")
_ING_OK = re.compile(
    r"(?:\b(?:is|are|was|were|been|be|am)\s+|\bwith\s+(?:[\w.'-]+\s+){1,5})$", re.IGNORECASE
)


def _after_document(body: str, sent: Span, cue: Cue) -> bool:
    """True when a document stands right before an -ing cue ("issued a statement saying")."""
    return cue.ing and _DOCUMENT_BEFORE.search(body, max(sent.start, cue.start - 48),
                                               cue.start) is not None


def _ing(body: str, start: int, cue: Cue) -> bool | None:
    """Classify an -ing cue: True in "with officials cautioning", None when it is no verb.

    "an IS fighter claiming to be ..." is a noun modifier, not a reporting verb; an -ing
    cue reports only after a form of "be" or in a "with X -ing" clause. Returns False
    for cues that are not -ing forms.
    """
    if not cue.ing:
        return False
    return True if _ING_OK.search(body, start, cue.start) else None


def _participle_comma(body: str, start: int, cue: Cue) -> int:
    """Return the comma before an -ing cue that opens a participle clause, else -1.

    In "..., saying the attack killed 12" the participle's subject is the main
    clause's; the comma tells it from "an IS fighter claiming to be ...".
    """
    comma = cue.start - 1
    while comma > start and body[comma].isspace():
        comma -= 1
    return comma if comma > start and body[comma] == "," else -1


def _main_subject(art: QuoteContext, start: int, end: int) -> Who | None:
    """The subject of the sentence's main clause: whatever precedes its first verb."""
    verb = MAIN_VERB.search(art.body, start, end)
    return subject_before(art, start, verb.start()) if verb else None


def _after_quote(art: QuoteContext, unit: QuoteUnit, stop: int) -> tuple[Who, Cue] | None:
    """Attribution after a quote: ``"...," Zana Amedi, a media official, tweeted``."""
    body = art.body
    terminal: bool | None = unit.text.rstrip()[-1:] in ".?!"
    if terminal and body[unit.close : stop].lstrip()[:1].isupper():
        terminal = None  # "...now." The army said ... starts a new sentence unless it is short
    for cue in art.cues_in(unit.close, stop):
        if terminal is None and len(body[cue.end : stop].split(None, 4)) > 3:
            return None
        if cue.lemma == "according to":
            who = subject_after(art, cue.end, stop)
        else:
            gap = len(body[unit.close : cue.start].split(None, 31))
            if gap > (30 if terminal is False else 4):
                return None
            who = (
                subject_before(art, unit.close, cue.start)
                if gap
                else subject_after(art, cue.end, stop)
            )
        if who is not None:
            return who, cue
    return None


def _before_quote(
    art: QuoteContext, sent: Span, mark: int, nearest: bool
) -> tuple[Who, Cue] | None:
    """Attribution before a quote: ``Votel said: "..."`` or a partial quote's cue."""
    body = art.body
    if not nearest and not body[sent.start : mark].rstrip().endswith((":", ",")):
        return None
    for cue in reversed(art.cues_in(sent.start, mark)):
        if not nearest and len(body[cue.end : mark].split(None, 7)) > 6:
            return None
        if cue.lemma == "according to":
            who = subject_after(art, cue.end, mark)
        else:
            ing = _ing(body, sent.start, cue)
            if ing is None:
                comma = _participle_comma(body, sent.start, cue)
                if _after_document(body, sent, cue):
                    comma = cue.start  # "issued a statement saying it was "concerned""
                elif comma < 0:
                    continue
                # "Trump defended the deal, saying the world "has taken ...""
                who = _main_subject(art, sent.start, comma)
            else:
                who = subject_before(art, sent.start, cue.start, ing)
        if who is not None:
            return who, cue
    return None


def _quote(unit: QuoteUnit, kind: QuoteKind, who: Who | None, cue: str | None, sent: Span) -> Quote:
    named = who is not None and who.kind not in ("desc", "doc") and who.speaker is not None
    return Quote(
        start=unit.start,
        end=unit.end,
        text=unit.text,
        kind=kind,
        speaker=who.speaker if who else None,
        speaker_title=who.title if who else None,
        cue=cue,
        sentence=sent,
        speaker_span=who.span if named and who else None,
    )


def _and_cue(body: str, start: int, end: int, cues: list[Cue]) -> tuple[int, Cue] | None:
    """A second cue inside reported speech after "and": "told X that A and said B".

    Returns where the first clause ends (before "and") and the second cue.
    """
    for later in cues:
        if start < later.start < end:
            joined = _AND_BEFORE.search(body, start, later.start)
            if joined is not None:
                return joined.start(), later
    return None


# A later cue that starts a report of its own inside reported content: ", but X told",
# "; X said" (a new subject) or ", adding that" (the same speaker goes on).
_NEW_SUBJECT = re.compile(r"[,;]\s+(?:but|while|whereas|and|although|though|yet)\s+\S")
# Where the writer's own words take over from the reported content: ", which ...",
# ", though ...", ", in part because ...", or a closing apposition (", a known stronghold
# of ...") that glosses the last noun.
_WRITER_CLAUSE = re.compile(
    r",\s+(?:which|though|although|even\s+though|in\s+part\s+because|where)\b"
    r"|,\s+(?:a|an)\s+[^,;]{3,60}$"
)


def _later_report(body: str, start: int, end: int, later: list[Cue]) -> tuple[int, Cue | None]:
    """Where reported content ends when a later cue in it starts a report of its own.

    Returns the new end (the comma before the later report) and its cue, or ``end``
    and None when no later cue does.
    """
    for cue in later:
        if not start < cue.start < end:
            continue
        comma = max(body.rfind(",", start, cue.start), body.rfind(";", start, cue.start))
        if comma <= start:
            continue
        between = body[comma + 1 : cue.start].strip()
        if (cue.ing and not between) or (
            _NEW_SUBJECT.match(body, comma) and len(between.split(None, 10)) <= 9
        ):
            return comma, cue
    return end, None


def _writer_clause(body: str, start: int, end: int) -> int:
    """Cut reported content before a clause that is the writer's, not the source's."""
    found = _WRITER_CLAUSE.search(body, start, end)
    if found is None or len(body[start : found.start()].split(None, 3)) < 3:
        return end
    return found.start()


def _indirect(art: QuoteContext, sent: Span, cues: list[Cue]) -> list[Quote]:
    """Reported speech without marks in sentence ``sent`` (holding ``cues``), if any.

    Usually one quote; more when a sentence reports more than once ("told reporters
    that A and said B", "X says A, but Y told VOA that B", "says A, adding that B").
    """
    body = art.body
    names = art.mention_ends
    noted: list[Who] = []
    quotes: list[Quote] = []
    consumed = sent.start  # cues before this lie inside content already reported
    for k, cue in enumerate(cues):
        if cue.start < consumed or _NEGATED.search(body, max(sent.start, cue.start - 24),
                                                   cue.start):
            continue  # "did not say what happened": nothing is reported
        if cue.lemma == "according to":
            who = subject_after(art, cue.end, sent.end)
            comma = body.find(",", cue.end, sent.end)
            lead = body[sent.start : cue.start].strip()
            if not lead and comma > 0:
                content: tuple[int, int] | None = strip_span(body, comma, sent.end)
            elif lead.endswith(","):
                content = strip_span(body, sent.start, cue.start)
            else:
                content = None
        else:
            ing = _ing(body, sent.start, cue)
            if ing is None and _after_document(body, sent, cue):
                # "X issued a statement saying ...": X reports, and "that" may drop
                who = noted[-1] if noted else _main_subject(art, sent.start, cue.start)
                content = reported_clause(body, cue._replace(zero=True), sent.end, names)
            elif ing is None:
                comma = _participle_comma(body, sent.start, cue)
                if comma < 0:
                    continue
                # "X dismissed the report, saying it was ...": X reports.
                who = noted[-1] if noted else _main_subject(art, sent.start, comma)
                content = reported_clause(body, cue, sent.end, names)
            else:
                who = subject_before(art, consumed, cue.start, ing)
                if who is None and noted and \
                        _AND_BEFORE.search(body, max(sent.start, cue.start - 8), cue.start):
                    who = noted[-1]  # "He accused X of ..., and said ...": he again
                content = reported_clause(body, cue, sent.end, names)
                split = None
                if content is None and who is not None:
                    split = parenthetical_clause(body, sent.start, cue, sent.end, names)
                if split is not None and len(split) == 2:
                    # "Two of the planets, researchers said, are exposed ...": one quote
                    # of the two pieces around the attribution
                    if who.kind != "doc":
                        art.memory.note(who)
                    (a1, b1), (a2, b2) = split
                    b2 = a2 + len(body[a2:b2].rstrip(". "))
                    span = who.span if who.kind not in ("desc", "doc") else None
                    text = f"{body[a1:b1]} {body[a2:b2]}"
                    quotes.append(Quote(a1, b2, text, "indirect", who.speaker, who.title,
                                        cue.text, sent, span))
                    break
                if split is not None:
                    content = split[0]
                elif content is None and who is not None:
                    content = trailing_clause(body, sent.start, cue, sent.end, names)
                if content is None and not cue.ing and \
                        body[sent.start : cue.start].rstrip().endswith(","):
                    # "<content>, said Ivan Hordiienko, head of the police.": the subject
                    # comes after the cue
                    after = subject_after(art, cue.end, sent.end)
                    comma = body.rfind(",", sent.start, cue.start)
                    if after is not None and after.kind in ("person", "org") and \
                            len(body[sent.start : comma].split(None, 4)) >= 4:
                        who, content = after, (sent.start, comma)
        if who is None:
            continue
        if who.kind != "doc" and who not in noted:
            art.memory.note(who)
            noted.append(who)
        if content is None:
            continue
        start, end = strip_span(body, *content)
        start = strip_dateline(body, start, end)
        end, follow = _later_report(body, start, end, cues[k + 1 :])
        second = _and_cue(body, start, end, cues)
        pieces = [(start, end, cue)]
        if second is not None:
            pieces = [(start, second[0], cue)]  # "A, and called on B to ...": A is reported
            later = reported_clause(body, second[1], sent.end, names)
            if later is not None:
                pieces.append((*strip_span(body, *later), second[1]))
        if follow is not None and follow.ing:
            later = reported_clause(body, follow, sent.end, names)
            if later is not None:
                pieces.append((*strip_span(body, *later), follow))
        span = who.span if who.kind not in ("desc", "doc") else None
        for a, b, said in pieces:
            b = _writer_clause(body, a, b)
            b = a + len(body[a:b].rstrip(". "))
            quotes.append(Quote(a, b, body[a:b], "indirect", who.speaker, who.title,
                                said.text, sent, span))
        if follow is None or follow.ing:
            break
        consumed = end + 1  # ", but X told VOA that ...": X's own report comes next
    return quotes


def attribute_quotes(doc: Doc, entities: list[ResolvedEntity]) -> list[Quote]:
    """Build the article's quotes and attribute each to its speaker.

    Invariant: quotes come out in body order; ``start``/``end`` are body offsets of the
    quoted words (a quote joined across paragraphs spans all of them and its ``text``
    joins the parts with a space); ``sentence`` holds the quote's start.

    Args:
        doc: The article with paragraphs, sentences, mentions and quote spans in body
            offsets.
        entities: The article's resolved entities, used to name speakers canonically.

    Returns:
        Direct, partial and indirect quotes.
    """
    art = QuoteContext(doc, entities)
    body = doc.body
    units: list[tuple[QuoteUnit, Span, QuoteKind]] = []
    for u in quote_units(doc):
        sent = art.sentence(u.start)
        kind = quote_kind(body[sent.start : u.mark], u.text, u.open_end)
        if kind == "direct" or not is_name_quote(body, u.mark + 1):
            units.append((u, sent, kind))
    # a sentence around a direct quote reports nothing else; one with only a partial
    # quote may ("said his party would ..., and called on supporters to hold "vigils"")
    covered = {(sent.start, sent.end) for _, sent, kind in units if kind == "direct"}
    for u, _, kind in units:
        if kind == "direct":
            last = art.sentence(max(u.start, u.end - 1))
            covered.add((last.start, last.end))
    items: list[tuple[int, Span, QuoteUnit | None, QuoteKind]] = [
        (u.start, s, u, k) for u, s, k in units
    ]
    by_sentence = art.cue_sentences()  # reported speech needs a cue; most sentences have none
    partial_marks = [u.mark for u, _, kind in units if kind == "partial"]
    for k in sorted(by_sentence):
        s = doc.sentences[k]
        if (s.start, s.end) in covered:
            continue
        inside = [m for m in partial_marks if s.start <= m < s.end]
        if inside and all(
            any(0 <= m - c.end <= 40 for m in inside) for c in by_sentence[k]
        ):
            continue  # every cue introduces a partial quote: "said it was "concerned""
        items.append((s.start, s, None, "indirect"))
    items.sort(key=itemgetter(0))
    quotes: list[Quote] = []
    prev: Quote | None = None
    marks = [u.mark for u, _, _ in units]
    quoted = _QuotedSpans(units)
    for _, sent, unit, kind in items:
        if unit is None:
            quotes.extend(
                q for q in _indirect(art, sent, art.cues_in(sent.start, sent.end))
                if not quoted.overlaps(q.start, q.end)
            )
            continue
        para = art.paragraph(max(unit.close - 1, 0))
        stop = min(art.sentence(max(unit.close - 1, 0)).end, para.end)
        k = bisect_left(marks, unit.close)
        if k < len(marks) and marks[k] < para.end:
            stop = min(stop, marks[k])
        if kind == "partial":
            found_cue = _before_quote(art, sent, unit.mark, True) or _after_quote(art, unit, stop)
            if found_cue is None:
                continue
        else:
            found_cue = _after_quote(art, unit, stop) or _before_quote(art, sent, unit.mark, False)
        if found_cue is not None:
            who, cue = found_cue
            art.memory.note(who)
            prev = _quote(unit, kind, who, cue.text, sent)
        else:
            prev = _inherit(art, unit, kind, sent, prev, art.paragraph(unit.start))
        quotes.append(prev)
    return quotes


class _QuotedSpans:
    """The quote units' spans, to tell when quoted words lie inside reported content: the
    partial quote is then the report ("said it was "deeply concerned" by ..."), already
    a quote of its own.

    Every indirect quote asks, so the spans are sorted once and each question is a
    bisection (the furthest end among units starting before ``end``) instead of a scan
    of every unit.
    """

    def __init__(self, units: list[tuple[QuoteUnit, Span, QuoteKind]]) -> None:
        spans = sorted((u.start, u.end) for u, _, _ in units)
        self.starts = [a for a, _ in spans]
        self.reach = list(accumulate((b for _, b in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        """True when some unit shares a character with ``[start, end)``."""
        k = bisect_left(self.starts, end)  # units [0, k) start before ``end``
        return k > 0 and self.reach[k - 1] > start


def _inherit(
    art: QuoteContext,
    unit: QuoteUnit,
    kind: QuoteKind,
    sent: Span,
    prev: Quote | None,
    para: Span,
) -> Quote:
    """A quote with no cue of its own continues the last speaker."""
    if prev is not None and para.start <= prev.start < para.end:
        return replace(
            prev, start=unit.start, end=unit.end, text=unit.text, kind=kind, sentence=sent
        )
    who = art.memory.last.get("any")
    if who is not None and who.speaker is not None:
        who = Who(who.speaker, None, None, who.kind, who.head)
    return _quote(unit, kind, who, None, sent)
