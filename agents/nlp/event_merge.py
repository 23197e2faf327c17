"""Merging repeated reports of one event: restatements, back-references and retellings.

ACLED's unit is one type, place and day. ``events`` builds an ``EventRecord`` per typed
trigger and hands each to ``keep``, which drops it when it restates an event already
kept (and lets the restatement supply a missing date or a more specific place).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agents.nlp.event_lexicon import Lexicon
from agents.nlp.event_typing import TOKEN, VIOLENT
from agents.nlp.types import EventRecord

__all__ = ["Kept", "keep"]


def _apart(sentence: str, cues: dict[str, frozenset[str]]) -> bool:
    """True when a sentence marks its event as a separate one ("in a separate attack")."""
    return any(w in cues["separate"] for w in TOKEN.findall(sentence.lower()))


def _same_actor(a: str | None, b: str | None) -> bool:
    """Actors that may be one: equal, or either unknown (two agreements by two named
    parties at one place are two happenings)."""
    return a is None or b is None or a == b


@dataclass(slots=True)
class Kept:
    """An event with what merging reads: its trigger lemma and its sentence."""

    event: EventRecord
    lemma: str
    sentence: int
    text: str  # the sentence, read for "in a separate attack" only when it matters
    placed: bool = True  # False: the story does not place it (the main place stands in)


def keep(kept: list[Kept], new: Kept, loose: bool, generic: bool, lex: Lexicon) -> None:
    """Append ``new`` unless it restates a kept event; a restatement may supply the date.

    A restatement has the same place and either the same type, trigger lemma and a
    compatible date, or is ``loose`` (a back-reference such as "the attack", or an
    undated generic noun such as "during the battle"), which restates any kept event of
    its type, or of any violent type when its word is as ``generic`` as "attack". An
    ``Other`` happening also restates one of its kind at another place when the story
    placed only one of them (the other stood in the article's main place) and their
    actors may be the same ("ministers agreed ... in Brussels" and "the Greek parliament
    has agreed" are two agreements).

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
            and prev.type in VIOLENT
            and 0 < new.sentence - old.sentence <= 2
            and (old.sentence == 0 or (prev.place or "").lower() in countries)
            and event.place is not None
            and event.place.lower() not in countries
            and (prev.date is None or event.date is None or prev.date == event.date)
            and not _apart(new.text, cues)
        ):
            kept[i] = replace(
                old, event=replace(prev, place=event.place, date=prev.date or event.date)
            )
            return
        if prev.place != event.place:
            if (
                prev.type == event.type == "Other"
                and old.lemma == new.lemma
                and not (old.placed and new.placed)
                and (prev.date is None or event.date is None or prev.date == event.date)
                and _same_actor(prev.actor, event.actor)
            ):
                # An unplaced mention of a kind of happening restates the placed one.
                where = prev.place if old.placed else event.place
                kept[i] = replace(
                    old,
                    event=replace(prev, place=where, date=prev.date or event.date),
                    placed=True,
                )
                return
            continue
        if loose and (prev.type == event.type or (generic and prev.type in VIOLENT)):
            return
        if (
            (prev.type, old.lemma) == (event.type, new.lemma)
            and (prev.date is None or event.date is None or prev.date == event.date)
        ):
            if prev.date is None and event.date is not None:
                kept[i] = replace(old, event=replace(prev, date=event.date))
            return
    kept.append(new)
