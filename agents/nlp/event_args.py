"""Event arguments: who did it (actor), to whom (target) and where (place).

Pure helpers for ``events.extract_events``: canonical names for mentions, the
place rules (locative lead-ins, modifier uses, broad versus specific places, the
article's main place) and the actor/target rules (active, passive, "by X", "on Y").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from agents.nlp.event_lexicon import Lexicon
from agents.nlp.types import Mention, ResolvedEntity, Span

__all__ = [
    "Names", "arguments", "is_place", "main_place", "modifier_use", "other_place", "place"
]

_TOKEN = re.compile(r"[\w'’%]+|[^\w\s-]")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be|got)\s+(?:\w+ly\s+)?$", re.I)
_IRREGULAR_PARTICIPLES = frozenset([
    "shot", "hit", "struck", "beaten", "stabbed", "slain", "taken", "held", "seized", "caught",
    "burnt", "burned", "blown", "thrown", "driven", "hurt",
])
_BY = re.compile(r"\W*(?:\w+\W+){0,3}?by\s", re.I)
_AGAINST = re.compile(r"\W*(?:\w+\W+){0,4}?(?:against|on|at|targeting|targeted)\s", re.I)
# Up to four tokens before a mention, read backwards on the reversed text; only spaces
# and hyphens may sit between them (punctuation ends the scope).
_BACK4 = re.compile(
    r"[\s-]*([\w'’%]+)(?:[\s-]+([\w'’%]+)(?:[\s-]+([\w'’%]+)"
    r"(?:[\s-]+([\w'’%]+))?)?)?"
)
# An appositive place after a place noun, read backwards: "the capital, Khartoum".
_APPOSED = re.compile(
    r"\s*,\s*(" + "|".join(w[::-1] for w in (
        "capital", "city", "town", "village", "province", "region", "district", "port",
        "state", "county", "enclave", "stronghold")) + r")\b", re.I
)
_CLAUSE_BREAKS = (" - ", " — ", " – ", " -- ", "; ")
# ACLED codes violence by the armed group or force, not the person who led it: a
# named person is the actor of a violent event only when no group is named.
_GROUP_TYPES = ("ORG", "NORP", "GPE")
# Remote violence hits places and forces; a person is its target only when named as
# such ("a drone strike targeting the commander X", "X was killed in a strike").
_NO_PERSON_TARGET = frozenset(["Explosions/Remote violence"])
_VIOLENT = frozenset(["Battles", "Explosions/Remote violence", "Violence against civilians"])


class Names:
    """Canonical names for mentions: entity spans first, then names and aliases.

    Places are named as the story names them (``written``): a canonical name that the
    story never uses ("Myanmar" for a story that says "Burma", "Yangon" for "Rangoon")
    gives way to the story's own form, as gold/FORMAT.md's ``place`` is written.
    """

    def __init__(self, entities: list[ResolvedEntity], body: str = "") -> None:
        self.by_span = {(s.start, s.end): e.name for e in entities for s in e.mentions}
        self.by_name = {n.lower(): e.name for e in entities for n in (e.name, *e.aliases)}
        self.cache: dict[tuple[int, int], str] = {}
        self.lowered = body.lower()
        self.used: dict[str, bool] = {}

    def written(self, m: Mention) -> str:
        """The place's name, or the story's own form when the story never uses the name."""
        name = self.of(m)
        used = self.used.get(name)
        if used is None:
            used = self.used[name] = not self.lowered or name.lower() in self.lowered
        if used:
            return name
        own = m.text.removesuffix("'s").removesuffix("’s").rstrip("'’")
        return own if own and not own.isupper() else name

    def of(self, m: Mention) -> str:
        key = (m.start, m.end)
        name = self.cache.get(key)
        if name is None:
            text = m.text.removesuffix("'s").removesuffix("’s").rstrip("'’").lower()
            name = self.cache[key] = (
                self.by_span.get(key)
                or self.by_name.get(text)
                or self.by_name.get(m.canonical.lower())
                or m.canonical
            )
        return name


def modifier_use(body: str, m: Mention, cues: dict[str, frozenset[str]]) -> bool:
    """True for a place used as a modifier: "U.S.-backed", "U.S. forces"."""
    if body.startswith("-", m.end):
        return True
    following = _TOKEN.match(body, m.end + 1) if body.startswith(" ", m.end) else None
    return bool(following and following.group().lower() in cues["modifier_noun"])


def is_place(body: str, rev: str, m: Mention, floor: int, lex: Lexicon) -> bool:
    """True when a GPE/LOC mention names where something happens ("in northeastern Syria").

    Modifier uses ("U.S.-backed", "U.S. forces") and mentions without a locative lead-in
    within four words ("officials with the United States") are not places. ``rev`` is
    ``body[::-1]``: the words before the mention are read backwards from it.
    """
    if m.type not in ("GPE", "LOC") or modifier_use(body, m, lex.cues):
        return False
    n = len(body)
    start = m.start
    apposed = _APPOSED.match(rev, n - start, n - max(floor, start - 50))
    if apposed is not None:
        start = n - apposed.end(1)  # "in the capital, Khartoum": read from "capital"
    back = _BACK4.match(rev, n - start, n - max(floor, start - 50))
    if back is None:
        return False
    words = _reversed(lex.cues["locative"])
    return any(w is not None and w.lower() in words for w in back.groups())


@lru_cache(maxsize=8)
def _reversed(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w[::-1] for w in words)


def main_place(
    body: str, mentions: list[Mention], names: Names, lex: Lexicon
) -> tuple[str | None, str | None]:
    """The article's main place and main country, for events whose sentence names none.

    Main place: the most often mentioned GPE, modifier uses ("U.S.-backed", "U.S.
    forces") not counted; ties go to the first mentioned. Main country: the country
    most often named the same way.
    """
    places: Counter[str] = Counter()
    located: Counter[str] = Counter()
    for m in mentions:
        if m.type != "GPE" or modifier_use(body, m, lex.cues):
            continue
        name = names.written(m)
        places[name] += 1
        if name.lower() in lex.countries:
            located[name] += 1
    main = places.most_common(1)[0][0] if places else None
    return main, (located.most_common(1)[0][0] if located else None)


def _broad(m: Mention, names: Names, lex: Lexicon) -> bool:
    """A country or a region wider than one ("Middle East"), not a town or province."""
    name = names.of(m).lower()
    return name in lex.countries or name.replace(" ", "_") in lex.cues["world_regions"]


def place(
    at: int,
    places: list[Mention],
    earlier: list[Mention],
    names: Names,
    lex: Lexicon,
    main: Callable[[], tuple[str | None, str | None]],
) -> str | None:
    """Where the event whose trigger starts at ``at`` happened.

    Order: the nearest place named in the sentence (a broad one counts as 40 characters
    further away, so "in Baghuz, Syria" gives Baghuz); else the last place named earlier
    in the paragraph; else the article's main place. A country or wide region gives way
    to the main place when the main place is more specific and the country is the
    article's main country: "fighting in northeastern Syria" in a story about one Syrian
    town happened in that town. ``main`` returns (main place, main country); it is
    only called when needed, because it reads every mention of the article.
    """
    if places:
        best = min(places, key=lambda m: abs(m.start - at) + 40 * _broad(m, names, lex))
    elif earlier:
        best = earlier[-1]
    else:
        return main()[0]
    name = names.written(best)
    if not _broad(best, names, lex):
        return name
    main_name, country = main()
    if (
        main_name
        and main_name.lower() not in lex.countries
        and (name.lower() not in lex.countries or country in (None, name))
    ):
        return main_name
    return name


# A happening's place phrase follows it ("arrested in the United States") more often
# than it precedes it: a place before the trigger counts as this much further away.
_BEFORE = 30
_SET_IN = re.compile(
    r"\b(?:in|at|near|inside|outside|throughout|within)\s+(?:[\w'’.-]+\s+){0,2}$", re.I
)


def other_place(
    body: str,
    at: int,
    places: list[Mention],
    around: list[Mention],
    names: Names,
    main: Callable[[], tuple[str | None, str | None]],
) -> tuple[str | None, bool]:
    """Where a non-conflict happening took place, and whether the story placed it.

    Elections, rulings, decisions and announcements happen where the story says, and a
    country is then the place ("annulled the elections" in a story about Malawi): no
    country gives way to a town here. Order: the nearest place named in the sentence,
    one set "in"/"at" first ("agreed to loan Greece ... at a meeting in Brussels": the
    loan goes to Greece, the agreement was made in Brussels) and one after the trigger
    before one before it; else the nearest named elsewhere in its paragraph
    ("sentenced ... by a court in The Hague" in the next sentence); else, unplaced, the
    article's main country, else its main place.
    """
    for group in (places, around):
        if group:
            best = min(
                group,
                key=lambda m: (
                    _SET_IN.search(body, max(0, m.start - 40), m.start) is None,
                    abs(m.start - at) + (_BEFORE if m.start < at else 0),
                ),
            )
            return names.written(best), True
    main_name, country = main()
    return country or main_name, False


def _participle(trigger: str) -> bool:
    """A past participle opens the trigger: "killed", "shot dead", "hit", not "fighting"."""
    words = trigger.split()
    first = words[0].lower() if words else ""
    return first.endswith("ed") or first in _IRREGULAR_PARTICIPLES


def _pick(candidates: list[Mention], violent: bool) -> Mention | None:
    """The nearest candidate (last in the list); for violence, the nearest group first."""
    if violent:
        for m in reversed(candidates):
            if m.type in _GROUP_TYPES:
                return m
    return candidates[-1] if candidates else None


def arguments(
    body: str, start: int, end: int, type_: str, sentence: Span, people: list[Mention], names: Names
) -> tuple[str | None, str | None]:
    """Actor and target: "X attacked Y", "Y were rescued by X", "attacks by X on Y".

    For violent types the actor before the trigger is the nearest group (ORG, NORP or
    GPE) in the clause, a person only when no group is named ("Taliban commander X's
    fighters attacked" -> Taliban); Explosions/Remote violence never gets a person as
    its target (a strike hits a place or a force; the dead are casualties).
    """
    violent = type_ in _VIOLENT
    # The actor sits in the trigger's clause: not behind a dateline dash or a semicolon.
    floor = max(body.rfind(sep, sentence.start, start) for sep in _CLAUSE_BREAKS)
    before = [m for m in people if floor < m.start and m.end <= start]
    after = [m for m in people if m.start >= end]
    if type_ in _NO_PERSON_TARGET:
        after = [m for m in after if m.type != "PERSON"]
    actor = target = None
    by = _BY.match(body, end, sentence.end)
    if by:
        actor = next((names.of(m) for m in after if by.end() <= m.start < by.end() + 40), None)
    if _participle(body[start:end]) and _PASSIVE.search(
        body, max(sentence.start, start - 30), start
    ):
        pick = before[-1] if before else None
        if pick is not None and not (type_ in _NO_PERSON_TARGET and pick.type == "PERSON"):
            target = names.of(pick)
    else:
        if actor is None:
            pick = _pick(before, violent)
            actor = names.of(pick) if pick is not None else None
        aim = _AGAINST.match(body, end, sentence.end)
        limit = aim.end() + 40 if aim else end + 25
        target = next((names.of(m) for m in after if m.start < limit), None)
    return actor, (None if target == actor else target)
