"""ACLED typing of one trigger in its sentence: is it an event, and of which type.

This module owns the sense filters and the typing rules that ``events`` applies to each
trigger occurrence: questions, hypotheticals ("could attack", "called for a ceasefire",
"talks could take place"), negation and non-conflict senses ("an explosion of anger"),
the cue-context checks, and the re-typing of a trigger from its sentence: a bomb
modifier makes an explosion ("roadside bomb attack"), a crowd or the police make a
clash a riot, a weapon decides a killing, and civilian victims (a civilian noun, people
as a casualty verb's object, a civilian site) make a battle violence against civilians.
The word lists are data (``agents/data/events/``, loaded by ``event_lexicon``).
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

from agents.nlp.event_lexicon import SPACE, Lexicon, Trigger
from agents.nlp.types import Span

__all__ = [
    "TOKEN",
    "VIOLENT",
    "Reader",
    "Typed",
    "habitual",
    "not_happened",
    "rejected",
    "scheduled",
    "type_trigger",
]

TOKEN = re.compile(r"[\w'’%]+|[^\w\s-]")
VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")
_POLICE_AFTER = re.compile(r"\W+(?:\w+\W+){0,2}?(?:riot\s+)?police\b", re.I)
_LAST_WORD = re.compile(r"([A-Za-z]+)[\s-]+$")


class Reader(Protocol):
    """What the typing rules read of the article (``events._Text`` provides it)."""

    body: str

    def has(self, context: str, span: Span) -> bool: ...

    def group_between(self, lo: int, hi: int) -> bool: ...


class Typed(NamedTuple):
    """A trigger that passed the filters: its start (a bomb modifier moves it), type."""

    start: int
    trigger: Trigger
    type: str
    anaphoric: bool  # "the attack": may refer back to an event already reported


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
    words = TOKEN.findall(after, 0, 40)[:4]
    for i, word in enumerate(words):
        if not word[0].isalnum():
            return False
        if word in cues["after_modal"] or (
            word in cues["after_due"] and words[i + 1 : i + 2] == ["to"]
        ):
            return True
    return False


def _figurative(after: str, cues: dict[str, frozenset[str]]) -> bool:
    """True for "exploded into open fighting", "an explosion of anger"."""
    words = TOKEN.findall(after, 0, 40)[:2]
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


def _civilian_victims(lowered: str, end: int, span: Span, cues: dict[str, frozenset[str]]) -> bool:
    """True when an attack-like trigger's victims are civilians and nothing armed is hit.

    Civilians: a civilian noun anywhere in the sentence ("killed 31 civilians in a raid"),
    a casualty verb with people as its object ("killed nine people in an ambush"), or a
    civilian site as the trigger's object ("stormed the village"). An armed object
    ("ambushed an army convoy", "an attack on a police post") keeps it a battle. A
    civilian noun that is a source ("residents said") does not count.
    """
    after = TOKEN.findall(lowered, end, span.end)
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
    words = TOKEN.findall(sentence)
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


def _before(lowered: str, floor: int, start: int) -> list[str]:
    """The last seven tokens before ``start``, not reading back past ``floor``."""
    return TOKEN.findall(lowered, max(floor, start - 60), start)[-7:]


def _negated(before: list[str], form: str, cues: dict[str, frozenset[str]]) -> bool:
    """True for a non-conflict sense ("wrong_sense" cue right before) or a hypothetical."""
    return (bool(before) and before[-1] in cues["wrong_sense"]) or _hypothetical(before, form, cues)


def rejected(
    lowered: str, span: Span, start: int, end: int, cues: dict[str, frozenset[str]]
) -> bool:
    """True when the words before ``lowered[start:end]`` in ``span`` make it no event."""
    return _negated(_before(lowered, span.start, start), lowered[start:end], cues)


def habitual(lowered: str, span: Span, start: int, cues: dict[str, frozenset[str]]) -> bool:
    """True for a habit, not a happening: "is frequently hit by earthquakes"."""
    return any(w in cues["habitual"] for w in _before(lowered, span.start, start)[-5:])


def not_happened(
    lowered: str, span: Span, start: int, end: int, cues: dict[str, frozenset[str]]
) -> bool:
    """True for a happening that is hypothetical, negated, only planned or a habit.

    The words before it ("will meet", "plans to sign", "did not agree") and right after
    it ("the polls could be postponed") decide; the conflict senses ("court" before an
    attack is a legal attack) do not apply to non-conflict happenings.
    """
    before = _before(lowered, span.start, start)
    if _hypothetical(before, lowered[start:end], cues) or any(
        w in cues["habitual"] for w in before[-5:]
    ):
        return True
    words = TOKEN.findall(lowered, end, min(span.end, end + 60))[:5]
    if _planned(" ".join(words), cues):
        # A modal only when a verb follows: "the polls could be postponed", not "the
        # May 2019 elections" or "upheld in May."
        for i, word in enumerate(words[:-1]):
            if word in cues["after_modal"] and words[i + 1].isalpha():
                return True
            if word in cues["after_due"]:
                return True
    return False


_DEFINITE = frozenset(["will", "shall", "'ll", "’ll"])
_SCHEDULED = frozenset(["scheduled", "set", "due", "slated"])


def scheduled(
    lowered: str, span: Span, start: int, end: int, cues: dict[str, frozenset[str]]
) -> bool:
    """True for a definite future: "will hold elections", "the summit is scheduled for".

    gold/FORMAT.md counts what is scheduled as a happening; the caller also wants a date
    for it, so "will meet" alone (an intention) stays out. Modals of chance ("could",
    "may"), plans ("plans to") and negations are never scheduled.
    """
    before = TOKEN.findall(lowered, max(span.start, start - 40), start)[-4:]
    if any(w in cues["negation"] or w.endswith(("n't", "n’t")) for w in before):
        return False
    if any(w in _DEFINITE for w in before) and not any(
        w in cues["modal"] and w not in _DEFINITE for w in before
    ):
        return True
    after = TOKEN.findall(lowered, end, min(span.end, end + 40))[:4]
    return any(w in _SCHEDULED for w in after[:3]) and any(w in ("for", "to", "on") for w in after)


def type_trigger(
    text: Reader, lex: Lexicon, lowered: str, start: int, end: int, span: Span
) -> Typed | None:
    """The trigger at ``[start, end)`` in sentence ``span`` typed, or None when no event.

    ``lowered`` is the body lower-cased with its offsets. The returned start moves back
    over bomb modifiers ("suicide vest attacks"): the caller drops hits that overlap it.
    """
    body, cues = text.body, lex.cues
    if body[span.end - 1] == "?":
        return None
    form = lowered[start:end]
    trig = lex.triggers[SPACE.sub("", form)]
    after = lowered[end : min(span.end, end + 60)]
    if trig.context == "civilians" and not any(
        _in(w, cues["civilians"]) for w in TOKEN.findall(after)[:5]
    ):
        return None  # "killed" alone: the killing is coded by the other triggers
    next_word = TOKEN.match(after, 1) if after.startswith((" ", "-")) else None
    if next_word and next_word.group() in cues["wrong_sense_after"]:
        return None
    if trig.lemma == "explosion" and _figurative(after, cues):
        return None  # "tensions exploded into fighting", "an explosion of anger"
    before = _before(lowered, span.start, start)
    if _negated(before, form, cues):
        return None
    if trig.type in ("Strategic developments", "Protests") and _planned(after, cues):
        return None
    context = "viol" if trig.context == "attack" else trig.context
    if context in lex.context and text.has(context, span) != (context != "noecon"):
        return None
    first, type_ = start, trig.type
    if trig.context == "attack":
        for _ in range(3):  # "suicide vest attacks", "roadside bomb attack"
            mod = _LAST_WORD.search(body, max(span.start, first - 20), first)
            if mod is None or mod.group(1).lower() not in cues["bomb_modifier"]:
                break
            first = mod.start()
        if first < start:
            type_ = "Explosions/Remote violence"
        elif any(_in(w, cues["civilians"]) for w in TOKEN.findall(after)[:5]):
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
    return Typed(first, trig, type_, _anaphoric(before, cues))
