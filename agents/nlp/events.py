"""ACLED-typed events from trigger words: what happened, who did it to whom, where, when.

The trigger lexicon and the cue word lists are data (``agents/data/events/``, loaded by
``event_lexicon``); the argument rules (actor, target, place) are in ``event_args``.
This module owns the sense filters (negation, hypotheticals, non-conflict senses), the
typing of each trigger in its sentence and the merging of repeated reports.

Hypotheticals follow ACLED's codebook: only what happened is an event. "Called for a
ceasefire", "threatened to attack", "plans to withdraw" and "could take place" are
not events; an agreement that was reached ("agreed a ceasefire", "the truce took
effect") is a Strategic development (Agreement).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from agents.nlp.event_args import Names, arguments, is_place, main_place, place
from agents.nlp.event_lead import LeadHit, lead_hits
from agents.nlp.event_lexicon import SPACE, Lexicon, Trigger, load_lexicon
from agents.nlp.event_scan import is_word_char, spaced_bytes
from agents.nlp.types import DateExpr, Doc, EventRecord, Mention, ResolvedEntity, Span

__all__ = ["Lexicon", "Trigger", "extract_events", "load_lexicon"]

_TOKEN = re.compile(r"[\w'’%]+|[^\w\s-]")
_POLICE_AFTER = re.compile(r"\W+(?:\w+\W+){0,2}?(?:riot\s+)?police\b", re.I)
_LAST_WORD = re.compile(r"([A-Za-z]+)[\s-]+$")
_VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def _in(word: str, words: frozenset[str]) -> bool:
    """Membership where a listed "threat*" is a prefix (prefixes are stored without "*")."""
    return word in words or word.startswith(_prefixes(words))


_PREFIXES: dict[frozenset[str], tuple[str, ...]] = {}


def _prefixes(words: frozenset[str]) -> tuple[str, ...]:
    found = _PREFIXES.get(words)
    if found is None:
        found = _PREFIXES[words] = tuple(w[:-1] for w in words if w.endswith("*"))
    return found


_QUOTES = frozenset("\"'“”‘’«»")


def _hypothetical(tokens: list[str], trigger: str, cues: dict[str, frozenset[str]]) -> bool:
    """True for "could attack", "threatened to attack", "no fighting", "calls for a truce".

    A bare verb right after "to" ("to evacuate") is a purpose or plan, not a report, and
    so is a trigger noun that a bare verb after "to" governs ("urged both sides to agree
    a ceasefire", "talks to end the fighting").
    """
    back = [w for w in tokens[::-1] if w not in _QUOTES][:7]
    if back and back[0] == "to" and not trigger.endswith(("s", "ed", "ing")):
        return True
    for i, word in enumerate(back):
        if not word[0].isalnum():
            return False  # a clause boundary ends the scope
        if i >= 4:
            # Further back only a modal governing the trigger's noun phrase counts:
            # "could produce at least a humanitarian truce".
            if word in cues["modal"] and _bare_verb(back[i - 1], cues):
                return True
            continue
        if word in cues["modal"] or word in cues["negation"] or word.endswith(("n't", "n’t")):
            return True
        older = back[i + 1 : i + 4]
        if (
            word == "to"
            and 0 < i <= 2
            and not trigger.endswith("ed")
            and _bare_verb(back[i - 1], cues)
        ):
            return True
        if word == "to" and any(_in(w, cues["hypothetical_to"]) for w in older):
            return True
        if word in ("of", "for") and older and older[0] in cues["hypothetical_of"]:
            return True
    return False


def _bare_verb(word: str, cues: dict[str, frozenset[str]]) -> bool:
    """A word that can be a bare infinitive: no inflection, no determiner ("agree", "end")."""
    return (
        word.isalpha()
        and word not in cues["anaphor"]
        and word not in _DETERMINERS
        and not word.endswith(("s", "ed", "ing"))
    )


_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "our",
        "any",
        "another",
        "new",
        "full",
        "lasting",
        "permanent",
        "fragile",
        "renewed",
    ]
)


def _planned(after: str, cues: dict[str, frozenset[str]]) -> bool:
    """True for "peace talks could take place", "the truce is due to take effect"."""
    words = _TOKEN.findall(after, 0, 40)[:4]
    for i, word in enumerate(words):
        if not word[0].isalnum():
            return False
        if word in cues["after_modal"] or (
            word in cues["after_due"] and words[i + 1 : i + 2] == ["to"]
        ):
            return True
    return False


@lru_cache(maxsize=2)
def _reported(verbs: frozenset[str]) -> re.Pattern[str]:
    """Attribution right before a date: "said on", "told reporters late", "said in a statement"."""
    alts = "|".join(sorted(verbs, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:{alts})|told\s+\w+)(?:\s+in\s+a\s+statement)?"
        r"(?:\s+(?:on|late|early|overnight))*\s*$",
        re.I,
    )


def _figurative(after: str, cues: dict[str, frozenset[str]]) -> bool:
    """True for "exploded into open fighting", "an explosion of anger"."""
    words = _TOKEN.findall(after, 0, 40)[:2]
    if not words:
        return False
    if words[0] in cues["figurative_after"]:
        return True
    return words[0] == "of" and len(words) > 1 and words[1] in cues["figurative_of"]


_VICTIMS = re.compile(
    r"\b(?:kill(?:ed|ing)|massacred|slaughtered|shot dead|wound(?:ed|ing)|injur(?:ed|ing))"
    r"\s+(?:(?:at least|more than|as many as|up to|about|some|nearly|around|over)\s+)?"
    r"(?:[\w,-]+\s+){0,2}?(?:people|men|women|children)\b"
)


def _civilian_victims(
    lowered: str, end: int, span: Span, cues: dict[str, frozenset[str]]
) -> bool:
    """True when an attack-like trigger's victims are civilians and nothing armed is hit.

    Civilians: a civilian noun anywhere in the sentence ("killed 31 civilians in a raid"),
    a casualty verb with people as its object ("killed nine people in an ambush"), or a
    civilian site as the trigger's object ("stormed the village"). An armed object
    ("ambushed an army convoy", "an attack on a police post") keeps it a battle. A
    civilian noun that is a source ("residents said") does not count.
    """
    after = _TOKEN.findall(lowered, end, span.end)
    obj = after[:8]
    for i, w in enumerate(obj):
        if not w[0].isalnum():
            obj = obj[:i]  # the object ends at the clause: "attack, gunmen stormed"
            break
    if any(w in cues["armed"] or w in cues["armed_target"] for w in obj):
        return False
    if any(w in cues["civilian_site"] for w in [w for w in after[:8] if w[0].isalnum()][:5]):
        return True
    sentence = lowered[span.start : span.end]
    words = _TOKEN.findall(sentence)
    said = cues["attribution"]
    if any(
        _in(w, cues["civilians"]) and (i + 1 == len(words) or words[i + 1] not in said)
        for i, w in enumerate(words)
    ):
        return True
    return _VICTIMS.search(sentence) is not None


def _anaphoric(tokens: list[str], cues: dict[str, frozenset[str]]) -> bool:
    """True when the trigger's noun phrase opens with "the"/"this": "the deadliest attack"."""
    for word in tokens[::-1][:3]:
        if word in cues["anaphor"]:
            return True
        if not word[0].isalnum() or word.endswith("ed") or word in cues["modal"]:
            return False
    return False


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


class _Text:
    """The article body in the forms the rules read, each built once.

    Sentences are split into place mentions, other mentions and dates on demand: only
    sentences that hold a trigger are ever looked at.
    """

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc, self.lex, self.body = doc, lex, doc.body
        lowered = doc.body.lower()
        # lower() keeps offsets unless a character changes length ("İ"); then the
        # slow case-insensitive str regexes are used instead of the byte scans.
        self.lowered = lowered if len(lowered) == len(doc.body) else None
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

    def day(self, sent: _Sentence, at: int) -> date | None:
        """The resolved day nearest ``at`` in ``sent``; dates of reports are skipped."""
        best: date | None = None
        gap = len(self.body)
        for d in sent.dates:
            if d.date is not None and abs(d.start - at) < gap and not self.reported(d.start):
                best, gap = d.date, abs(d.start - at)
        return best

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
    body, starts, spans, cues = text.body, text.starts, text.spans, lex.cues
    lowered = text.lowered if text.lowered is not None else body.lower()
    hits: list[_Hit] = []
    for start, end in text.triggers():
        index = bisect_right(starts, start) - 1
        if index < 0 or end > spans[index].end:
            continue
        span = spans[index]
        if body[span.end - 1] == "?":
            continue
        form = lowered[start:end]
        trig = lex.triggers[SPACE.sub("", form)]
        after = lowered[end : min(span.end, end + 60)]
        if trig.context == "civilians" and not any(
            _in(w, cues["civilians"]) for w in _TOKEN.findall(after)[:5]
        ):
            continue  # "killed" alone: the killing is coded by the other triggers
        next_word = _TOKEN.match(after, 1) if after.startswith((" ", "-")) else None
        if next_word and next_word.group() in cues["wrong_sense_after"]:
            continue
        if trig.lemma == "explosion" and _figurative(after, cues):
            continue  # "tensions exploded into fighting", "an explosion of anger"
        before = _TOKEN.findall(lowered, max(span.start, start - 60), start)[-7:]
        if (before and before[-1] in cues["wrong_sense"]) or _hypothetical(before, form, cues):
            continue
        if trig.type in ("Strategic developments", "Protests") and _planned(after, cues):
            continue
        context = "viol" if trig.context == "attack" else trig.context
        if context in lex.context and text.has(context, span) != (context != "noecon"):
            continue
        type_ = trig.type
        if trig.context == "attack":
            first = start
            for _ in range(3):  # "suicide vest attacks", "roadside bomb attack"
                mod = _LAST_WORD.search(body, max(span.start, first - 20), first)
                if mod is None or mod.group(1).lower() not in cues["bomb_modifier"]:
                    break
                first = mod.start()
            if first < start:
                start, type_ = first, "Explosions/Remote violence"
                while hits and hits[-1].end > start:
                    hits.pop()  # "suicide vest" + "attacks" is one trigger
            elif any(_in(w, cues["civilians"]) for w in _TOKEN.findall(after)[:5]):
                type_ = "Violence against civilians"
        elif trig.context == "clash" and (text.has("crowd", span) or _POLICE_AFTER.match(after)):
            type_ = "Riots"
        elif trig.context == "civilians" and text.has("weapon", span):
            type_ = "Explosions/Remote violence"  # ACLED: the weapon decides
        if (
            type_ == "Battles"
            and trig.lemma in cues["victim_typed"]
            and not text.group_between(end, span.end)
            and _civilian_victims(lowered, end, span, cues)
        ):
            type_ = "Violence against civilians"
        hits.append(_Hit(start, end, trig, type_, index, _anaphoric(before, cues)))
    return hits


def extract_events(doc: Doc, entities: list[ResolvedEntity]) -> list[EventRecord]:
    """Extract ACLED-typed events from trigger words in the article's sentences.

    Invariant: at most one event per sentence, type and place (coordinated triggers such
    as "airstrikes and shelling" are one event), and a later report with the same type,
    place and trigger lemma and a compatible date (equal, or either unknown) is taken as
    a restatement and dropped (ACLED's unit is one type, place and day). Non-conflict
    copy adds at most one ``Other`` event, its lead event (``event_lead``), and none
    when the lead paragraph reports violence, a protest or a riot.

    Args:
        doc: The article with sentences, mentions and resolved dates in body offsets.
        entities: The article's entities, to name actors, targets and places canonically.

    Returns:
        Events in body order. ``place`` is the nearest place named in the sentence, else
        the article's main place (see ``event_args.main_place``); ``date`` is the nearest
        resolved single day in the sentence that does not date a report ("said on
        Monday"), else None.
    """
    lex = load_lexicon()
    text = _Text(doc, lex)
    hits = _hits(text, lex)
    hits += _lead(text, lex, hits)
    if not hits:
        return []
    hits.sort(key=lambda h: h.start)
    names = Names(entities)
    memo: list[tuple[str | None, str | None]] = []

    def main() -> tuple[str | None, str | None]:
        if not memo:
            memo.append(main_place(doc.body, text.mentions, names, lex))
        return memo[0]

    violent = {
        h.sentence
        for h in hits
        if h.trigger.strength != "secondary" and h.type != "Strategic developments"
    }
    riots = {h.sentence for h in hits if h.type == "Riots"}
    seen: set[tuple[int, str, str | None]] = set()
    kept: list[_Kept] = []
    for hit in hits:
        if hit.trigger.strength == "secondary" and hit.sentence in violent:
            continue
        if hit.type == "Protests" and hit.sentence in riots:
            continue  # ACLED codes a protest that turns violent once, as a riot
        sent = text[hit.sentence]
        if hit.trigger.strength == "weak" and not (
            sent.dates or sent.places or text.has("anchor", sent.span)
        ):
            continue
        earlier = [] if sent.places else text.earlier_places(hit.sentence)
        where = place(hit.anchor, sent.places, earlier, names, lex, main)
        if (hit.sentence, hit.type, where) in seen:
            continue
        seen.add((hit.sentence, hit.type, where))
        when = text.day(sent, hit.start)
        if when is None and hit.lead is not None:
            for echo in hit.lead.echoes(text.lowered or text.body.lower()):
                when = text.day(text[bisect_right(text.starts, echo) - 1], echo)
                if when is not None:
                    break
        actor: str | None = None
        target: str | None = None
        if hit.trigger.sub_event != "disaster":  # nobody does an earthquake
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
        loose = hit.anaphoric or (hit.trigger.strength == "weak" and when is None)
        _keep(
            kept,
            _Kept(event, hit.trigger.lemma, hit.sentence, sent.text),
            loose,
            hit.trigger.context == "attack",
            lex,
        )
    return [k.event for k in kept]


_CONFLICT = frozenset([*_VIOLENT, "Protests", "Riots"])


def _lead(text: _Text, lex: Lexicon, hits: list[_Hit]) -> list[_Hit]:
    """The lead event of non-conflict copy, as hits (see ``event_lead``).

    An ``Other`` lead gives way when its paragraph reports violence, a protest or a
    riot: then the copy is conflict news and ACLED's types carry it.
    """
    lowered = text.lowered if text.lowered is not None else text.body.lower()
    cues, spans = lex.cues, text.spans

    def rejected(start: int, end: int, index: int) -> bool:
        before = _TOKEN.findall(lowered, max(spans[index].start, start - 60), start)[-7:]
        if before and before[-1] in cues["wrong_sense"]:
            return True
        return _hypothetical(before, lowered[start:end], cues)

    found = lead_hits(lowered, text.spaced, text.doc.paragraphs, spans, lex, rejected)
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


def _apart(sentence: str, cues: dict[str, frozenset[str]]) -> bool:
    """True when a sentence marks its event as a separate one ("in a separate attack")."""
    return any(w in cues["separate"] for w in _TOKEN.findall(sentence.lower()))


@dataclass(slots=True)
class _Kept:
    event: EventRecord
    lemma: str
    sentence: int
    text: str  # the sentence, read for "in a separate attack" only when it matters


def _keep(
    kept: list[_Kept], new: _Kept, loose: bool, generic: bool, lex: Lexicon
) -> None:
    """Append ``new`` unless it restates a kept event; a restatement may supply the date.

    A restatement has the same place and either the same type, trigger lemma and a
    compatible date, or is ``loose`` (a back-reference such as "the attack", or an
    undated generic noun such as "during the battle"), which restates any kept event of
    its type, or of any violent type when its word is as ``generic`` as "attack".

    Wire copy opens with a summary and retells it with detail in the next paragraph:
    a violent event from the article's first sentence, or one placed only at country
    level, that the next two sentences retell with the same type, a specific place and
    a compatible date ("Rebels killed 31 civilians in a raid in eastern Congo ..." /
    "... stormed the village of Kisunga late on Saturday") is one event, which takes
    the specific place and the date. A sentence that marks its event as separate ("in a
    separate attack", "earlier this month", "elsewhere") is never a retelling.
    """
    event, countries, cues = new.event, lex.countries, lex.cues
    for i, old in enumerate(kept):
        prev = old.event
        if (
            prev.type == event.type
            and prev.type in _VIOLENT
            and 0 < new.sentence - old.sentence <= 2
            and (old.sentence == 0 or (prev.place or "").lower() in countries)
            and event.place is not None
            and event.place.lower() not in countries
            and (prev.date is None or event.date is None or prev.date == event.date)
            and not _apart(new.text, cues)
        ):
            kept[i] = replace(old, event=replace(prev, place=event.place,
                                                 date=prev.date or event.date))
            return
        if prev.place != event.place:
            continue
        if loose and (prev.type == event.type or (generic and prev.type in _VIOLENT)):
            return
        if (prev.type, old.lemma) == (event.type, new.lemma) and (
            prev.date is None or event.date is None or prev.date == event.date
        ):
            if prev.date is None and event.date is not None:
                kept[i] = replace(old, event=replace(prev, date=event.date))
            return
    kept.append(new)
