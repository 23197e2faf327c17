"""The text comparisons of the gold scorer: quote tokens, names, speakers, content words.

FORMAT.md's rules that compare words rather than numbers or spans live here, so
that ``agents.scoring`` keeps to alignment and counting: quote-token Jaccard,
speaker agreement (names, last names, aliases, "Name (ACRONYM)", "A and B",
unnamed-source descriptions) and the content words figures and descriptions share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = [
    "content_words",
    "descriptions_agree",
    "jaccard",
    "names_a_person",
    "normalise_name",
    "plain",
    "quote_tokens",
    "speaker_parts",
    "speakers_agree",
]

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
# Symbols that stand for a unit's word: "63%" counts percent, "$172 billion" dollars.
_SYMBOL_WORDS = {"%": " percent ", "$": " dollar ", "€": " euro ", "£": " pound "}
_SYMBOLS = re.compile("|".join(map(re.escape, _SYMBOL_WORDS)))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles are not part of a name (FORMAT.md): "Commissioner Mark Morgan" is Mark Morgan.
_TITLES = _words("""
    mr mrs ms miss dr prof gen general lt col colonel maj capt captain sgt adm admiral
    sen senator rep gov governor president pres rev sheikh sir dame lord
    vice deputy prime minister secretary commissioner chancellor premier ambassador envoy
    chairman chairwoman chair spokesman spokeswoman director professor doctor judge
    mayor king queen prince princess emir sultan pope cardinal bishop imam ayatollah
    lieutenant major brigadier commander sergeant corporal chief acting former
""")
# Quantity and number words are not "what is counted": sharing "thousands" must not
# let "tens of thousands of civilians" match "tens of thousands of fighters".
_STOP = _words("""
    a an the of and or in on at to for from by with as than more less over under up
    about nearly some roughly around almost approximately least most many much few fewer
    their its his her our all other who which that were was are is be been
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty
    fifty hundred hundreds thousand thousands million millions billion billions
    dozen dozens tens scores
""")
_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "persons": "person",
    "feet": "foot",
    "mice": "mouse",
    "geese": "goose",
}


def quote_tokens(text: str) -> frozenset[str]:
    """Quote tokens by FORMAT.md: lower-cased, punctuation dropped, split on whitespace.

    Punctuation (and symbols such as ``$`` and ``%``, which ``string.punctuation``
    counts too) is deleted, not turned into a space: "They're" is ``theyre`` on
    both sides whichever apostrophe each uses.
    """
    kept = (ch for ch in text.casefold() if not unicodedata.category(ch).startswith(("P", "S")))
    return frozenset("".join(kept).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set Jaccard; 0.0 for two empty sets (nothing to agree on)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _name_words(name: str | None) -> list[str]:
    """Lower-cased words, punctuation dropped, without a leading "the"."""
    # Dots and apostrophes vanish ("U.S." -> "us"); other marks split ("al-Hadath").
    words = _WORD.findall(re.sub(r"[.'’]", "", (name or "").casefold()))
    return words[1:] if words and words[0] == "the" else words


def normalise_name(name: str | None) -> str:
    """Lower-case, drop punctuation, a leading "the" and leading titles ("Gen.")."""
    words = _name_words(name)
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def speaker_parts(speaker: str) -> list[str]:
    """A gold speaker and the parts it also matches by: "Name (ACRONYM)", "A and B"."""
    parts = [speaker]
    if (found := _PARENS.match(speaker)) is not None:
        parts += [found.group(1), found.group(2)]
    for part in list(parts):
        pieces = _AND.split(part)
        if len(pieces) > 1:
            parts += pieces
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def names_a_person(speaker: str, people: frozenset[str] | None) -> bool:
    """Whether a gold speaker is a person's name, which only the name rules may match.

    ``people`` holds the normalised names and aliases of the article's PERSON
    entities; None when the gold annotates no entities, and then a name is two or
    more capitalised content words ("Mustafa Bali", not "Officials" nor "health
    officials").
    """
    if people is not None:
        return normalise_name(speaker) in people
    words = [w for w in _LETTERS.findall(speaker) if w.casefold() not in _STOP]
    return len(words) > 1 and all(w[0].isupper() for w in words)


def descriptions_agree(gold: str, pred: str) -> bool:
    """At least half of each side's content words are shared (FORMAT.md's unnamed sources)."""
    g, p = content_words(gold), content_words(pred)
    shared = len(g & p)
    return bool(shared) and 2 * shared >= len(g) and 2 * shared >= len(p)


def _names_agree(gold: str, pred: str, groups: Sequence[frozenset[str]]) -> bool:
    """Equal normalised names, one the other's last name, or one entity by its aliases."""
    g, p = normalise_name(gold), normalise_name(pred)
    if not g or not p:
        return False
    if g == p or g.split()[-1] == p or p.split()[-1] == g:
        return True
    gw, pw = _name_words(gold), _name_words(pred)
    if _titled(gw, pw) or _titled(pw, gw):
        return True
    return any(g in group and p in group for group in groups)


def _titled(longer: list[str], shorter: list[str]) -> bool:
    """``longer`` is ``shorter`` after a title: "Information Minister Kyaw Hsan", "Kyaw Hsan"."""
    n = len(shorter)
    return len(longer) > n and longer[-n:] == shorter and any(w in _TITLES for w in longer[:-n])


def speakers_agree(
    gold: str | None,
    pred: str | None,
    groups: Sequence[frozenset[str]],
    people: frozenset[str] | None = None,
) -> bool:
    """Whether a predicted speaker names the gold speaker's source (FORMAT.md, quotes).

    Args:
        gold: The gold speaker; "Name (ACRONYM)" and "A and B" match any of their parts.
        pred: The predicted speaker.
        groups: The normalised name and aliases of each of the article's (gold)
            entities: two names of one group are the same source.
        people: The normalised names of the article's PERSON entities (see
            ``names_a_person``); None when the gold annotates no entities.

    Returns:
        True when some part of the gold agrees by name (equal, last name, a title
        in front, one entity's aliases) or, unless it is a person's name, by
        description: FORMAT.md's rule for unnamed sources ("health officials"),
        which also lets an organisation be named by what it is ("International
        Red Cross" = "International Committee of the Red Cross"), as the reference
        scorer does. No speaker on both sides is agreement too: an unattributed
        quote predicted as unattributed is right.
    """
    gold, pred = gold or "", pred or ""
    if not normalise_name(gold) or not normalise_name(pred):
        return not normalise_name(gold) and not normalise_name(pred)
    return any(
        _names_agree(part, pred, groups)
        or (not names_a_person(part, people) and descriptions_agree(part, pred))
        for part in speaker_parts(gold)
    )


def _fold(word: str) -> str:
    """Fold a plural to its singular, crudely but identically on both sides."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str | None) -> frozenset[str]:
    """Content words of a unit, figure text or description: plural-folded, stop and
    number words dropped, unit symbols read as their words (``%`` is percent)."""
    text = _SYMBOLS.sub(lambda m: _SYMBOL_WORDS[m.group(0)], (text or "").casefold())
    return frozenset(_fold(w) for w in _LETTERS.findall(text) if len(w) > 1 and w not in _STOP)


def plain(text: Any) -> str:
    """Collapse whitespace and case-fold, for case-insensitive comparisons."""
    return " ".join(str(text or "").split()).casefold()
