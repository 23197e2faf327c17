"""Context rules that type a capitalised run the gazetteer does not know.

A run reads as a person after a title or before a speech verb or an apposition
("Zana Amedi, a media official"), as a place after a place preposition or before
"district", and as an organisation when an organisation word heads it
("the Interior Ministry").
"""

from __future__ import annotations

import re

from agents.nlp.names_rules import OF, Rules, name_word
from agents.nlp.types import EntityType, Mention
from agents.nlp.wordsets import wordset

__all__ = ["classify", "org_shapes"]

_SPEECH = (
    r"said|says|say|told|tells|added|adds|tweeted|wrote|writes|stated|noted|explained|warned"
    r"|insisted|claimed|announced|posted|confirmed|denied|acknowledged|argued|asked|replied"
    r"|recalled|declared|stressed|urged|cautioned|conceded|admitted|testified|emphasi[sz]ed"
    r"|commented|responded|alleged|disclosed|revealed|vowed|pledged|accused|told"
)
_SPEECH_AFTER_RE = re.compile(rf"(?:,[^,.;\"“”]{{0,60}},)?\s+(?:has\s+|had\s+)?(?:{_SPEECH})\b")
_SPEECH_WORDS = frozenset(_SPEECH.split("|")) - {"told", "tells"}
# Verbs whose subject is nearly always a person or a body of people: after a lone
# unknown word at a sentence start they make it a person ("Haley won the primary");
# "rose", "fell" or "arrived" are left out on purpose ("Inflation rose", "Aid arrived").
_ACTS = (
    r"won|met|visited|signed|spoke|resigned|promised|praised|critici[sz]ed|condemned"
    r"|rejected|welcomed|thanked|appointed|nominated|congratulated|sacked|dismissed"
    r"|ordered|hosted|telephoned|phoned|travell?ed|flew|campaigned|defeated|talked"
)
_AUX = r"(?:has\s+|have\s+|had\s+|will\s+|would\s+)?"
_ACT_AFTER_RE = re.compile(rf"\s+{_AUX}(?:{_ACTS})\b")
# "Putin and Trump spoke": a second unknown name joined by "and", then a verb
_PAIR_RE = re.compile(
    rf"\s+and\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+{_AUX}(?:{_SPEECH}|{_ACTS}|agreed|discussed)\b"
)
_TITLE_LEAD = frozenset(["acting", "former", "interim", "outgoing"])
ORG_OF = OF | {"de", "du", "des", "del", "la", "el"}
_PLACE_NOUNS = (
    r"town|city|village|hamlet|province|district|region|state|capital|port|suburb|area"
    r"|neighbou?rhood|county|governorate|enclave|island|camp|settlement|municipality|oblast"
    r"|territory|stronghold|country|nation|commune|locality|prefecture|valley|border town"
)
# A leader's name before the body he heads: "the Trump administration".
_LEADER_AFTER_RE = re.compile(r"\s+(?:administration|government|presidency)\b")
_APPOS_RE = re.compile(r",\s+(?:(?:a|an|the)\s+|\d{1,3},)")
_AGE_RE = re.compile(r",\s+\d{1,3},")
_PLACE_AFTER_RE = re.compile(
    r"\s+(?:(?:tribal|autonomous|northern|southern|eastern|western|central|border|coastal"
    r"|mountainous|restive|breakaway|semi-autonomous)\s+)?"
    r"(?:district|province|region|governorate|county|town|village|city|oblast|prefecture"
    r"|municipality)\b"
)
_APPOS_PLACE_RE = re.compile(
    rf",\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?(?:{_PLACE_NOUNS})\b(?!\s+(?:official|council))"
)
_PLACE_BEFORE = frozenset(
    [
        "in",
        "near",
        "outside",
        "around",
        "across",
        "towards",
        "toward",
        "from",
        "into",
        "inside",
        *_PLACE_NOUNS.split("|"),
    ]
)
_PLACE_OF = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northern",
        "southern",
        "eastern",
        "western",
        "outskirts",
        "centre",
        "center",
        "heart",
        "edge",
        "part",
        "parts",
        "suburbs",
    ]
)
_PLACE_OF_BEFORE = _PLACE_OF | _PLACE_BEFORE


#: Common nouns that introduce an organisation's name: "rights group Amnesty".
_ORG_NOUNS = wordset(
    "group organisation organization company firm agency charity watchdog monitor ngo "
    "broadcaster network lender bank insurer carrier airline startup start-up operator "
    "producer maker manufacturer retailer consultancy"
)
#: People who work *at* an organisation: "analysts at Standard Chartered".
_AT_STAFF = wordset(
    "analysts economists researchers strategists experts officials staff workers engineers "
    "employees executives sources analyst economist researcher strategist"
)


def _org_context(prev: list[str]) -> bool:
    """True when the words before a name say it is an organisation."""
    last = prev[-1].lower()
    return last in _ORG_NOUNS or (last == "at" and len(prev) > 1 and prev[-2].lower() in _AT_STAFF)


def classify(
    text: str,
    toks: list[tuple[int, int]],
    words_: list[str],
    lo: int,
    hi: int,
    titled: bool,
    given: bool,
    prev: list[str],
    at_start: bool,
    r: Rules,
    out: list[tuple[int, Mention]],
) -> None:
    s, e = toks[lo][0], toks[hi - 1][1]
    if text.endswith(("'s", "’s"), s, e):
        e -= 2
    words = words_[lo:hi]
    n = hi - lo
    plain = not any(w in r.no_person or (w.isupper() and len(w) > 2) for w in words)
    etype: EntityType = "PERSON"
    source = ""
    if prev and n <= 4 and not given and not titled and _org_context(prev):
        etype, source = "ORG", "org-noun"  # "monitoring group NetBlocks", "analysts at HSBC"
    elif titled and (plain or given or (n >= 2 and "-" in words[-1]
                                        and words[-1] not in r.no_person)):
        source = "title"  # "President Moon Jae-in": a hyphenated given name ends it
    elif prev == ["by"] and s <= 4 and plain:
        source = "byline"
    elif plain and n <= 3 and (_APPOS_PLACE_RE.match(text, e) or _PLACE_AFTER_RE.match(text, e)):
        etype, source = "GPE", "apposition"
    elif (
        (
            (
                (n >= 2 and plain)
                or (n == 1 and plain and not (at_start and e - s > 3 and text[e - 1] == "s"))
            )
            and (_SPEECH_AFTER_RE.match(text, e) or (prev and prev[-1] in _SPEECH_WORDS))
        )
        # "Putin and Trump spoke" (adds "Trump"); "Haley won the primary"
        or (n == 1 and plain and not (e - s > 3 and text[e - 1] == "s") and _pair(text, e, r, out))
        or (n == 1 and plain and at_start and text[e - 1] != "s" and _ACT_AFTER_RE.match(text, e))
    ):
        source = "speech"
    elif n <= 2 and plain and not given and _LEADER_AFTER_RE.match(text, e):
        source = "speech"  # "the Trump administration", "the Maduro government"
    elif plain and ((n >= 2 and _APPOS_RE.match(text, e)) or _AGE_RE.match(text, e)):
        source = "apposition"  # "Zana Amedi, a media official", "Faye, 44,"
    elif (
        prev
        and n <= 3
        and plain
        and (
            prev[-1] in _PLACE_BEFORE
            or (prev[-1] == "of" and len(prev) > 1 and prev[-2] in _PLACE_OF_BEFORE)
        )
        and not given
        and not text.startswith(("'s", "’s"), e)
    ):
        etype, source = "GPE", "name-shape"
    elif n >= 2 and plain and (given or not at_start):
        source = "name-shape"
    if source:
        out.append(
            (1 if source != "name-shape" else 3, Mention(s, e, text[s:e], etype, text[s:e], source))
        )


def org_shapes(
    text: str,
    toks: list[tuple[int, int]],
    words: list[str],
    r: Rules,
    out: list[tuple[int, Mention]],
) -> None:
    """ORG for runs headed by an organisation word: "the Interior Ministry", "X Group"."""
    n = len(toks)
    k = n - 1
    while k >= 0:
        word = words[k][:-2] if words[k].endswith(("'s", "’s")) else words[k]
        if word not in r.org or (k + 1 < n and f"{word} {words[k + 1]}".lower() in r.titles):
            # "Oil Minister", "Energy Secretary": a portfolio in a title heads no organisation
            k -= 1
            continue
        lo = k
        while lo > 0 and name_word(words[lo - 1], r) and (
            not words[lo - 1].endswith(("'s", "’s")) or words[lo - 1][:-2] == "People"
        ):  # a possessor owns the organisation ("Russia's army"), "People's" names it
            if words[lo - 1].lower() in _TITLE_LEAD:
                break  # "Acting Customs and Border Protection": the title is not the name
            lo -= 1
            if lo > 1 and words[lo - 1] == "and" and words[lo - 2] in r.org:
                lo -= 2  # "Customs and Border Protection": two organisation words, one name
        hi = k + 1
        if hi + 1 < n and words[hi] in ORG_OF and name_word(words[hi + 1], r):
            hi += 2
            while hi < n and (name_word(words[hi], r) or words[hi] in ORG_OF):
                hi += 1
            while words[hi - 1] in ORG_OF:
                hi -= 1
        # capitalised words after the head still belong to the name ("Astrophysical
        # Journal Supplement Series"), up to a title or a given name ("Ministry
        # Spokesman Ali", "Bank Governor Kofi")
        while (
            hi < n
            and name_word(words[hi], r)
            and words[hi].lower() not in r.title_first
            and words[hi] not in r.given
            and not r.gaz.lookup(words[hi])
        ):
            hi += 1
        if hi - lo >= 2:
            s, e = toks[lo][0], toks[hi - 1][1]
            if text.endswith(("'s", "’s"), s, e):
                e -= 2
            out.append((2, Mention(s, e, text[s:e], "ORG", text[s:e], "name-shape")))
        k = lo - 1


def _pair(text: str, e: int, r: Rules, out: list[tuple[int, Mention]]) -> bool:
    """Add the second of two unknown names joined by "and" before a verb; True if found.

    Both words must be plain (no common noun, no known name) and the second must not
    look plural, so "Democrats and Republicans agreed" stays unnamed.
    """
    m = _PAIR_RE.match(text, e)
    if m is None:
        return False
    word = m.group(1)
    if word in r.no_person or (len(word) > 3 and word[-1] == "s") or r.gaz.lookup(word):
        return False
    s2, e2 = m.span(1)
    out.append((1, Mention(s2, e2, word, "PERSON", word, "speech")))
    return True
