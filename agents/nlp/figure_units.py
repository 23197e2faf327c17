"""What a figure counts when no plain noun follows its number.

``figures`` reads "3,000 people" itself; this module reads the other shapes wire copy
uses for a quantity (FORMAT.md: every quantity is a figure, with what it counts):

- compound modifiers: "a three-meter surge", "a 102-member parliament", "a 2-year-old
  girl" (an age, counted in years), "a 50-basis-point hike";
- measures and durations, whose unit is the measure word: "30 kilometers northwest",
  "minus 3 degrees Celsius", "more than 17 years", "24 days";
- casualty words standing for the people they describe: "eight wounded", "18,000 dead";
- a count the sentence names around the number: "the death toll rose to 22,500"
  (deaths), "the number of exoplanets ... to more than 2,300" (exoplanets), "thousands
  who rallied" and "a city of 500,000" (people), "passed 312 to 120" (votes), "Kemal
  Kilicdaroglu, 62," (an age in years);
- fractions of something: "two thirds of its creditors", "half the size of our sun".

Each reader is a pure function of the body and the number's offsets.
"""

from __future__ import annotations

import re

from agents.nlp.numwords import FRACTIONS
from agents.nlp.wordsets import wordset

__all__ = [
    "CASUALTY_WORDS",
    "MEASURES",
    "TIME_NOUNS",
    "about_a_vote",
    "age_after",
    "aged_before",
    "casualty_after",
    "compound",
    "fraction_unit",
    "measure_unit",
    "unit_from_context",
]

TIME_NOUNS = wordset(
    """
    second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries fortnight fortnights night nights
    """
)
MEASURES = wordset(
    """
    km kms kilometre kilometres kilometer kilometers mile miles metre metres meter meters
    feet foot ft inch inches yard yards mph cm mm centimeters centimetres millimeters
    millimetres degrees degree ton tons tonne tonnes kg kilograms kilogram kilos hectares
    hectare acres acre litres liters gallons barrels light-years light-year megawatts
    gigawatts kilowatts mw gw kwh points point
    """
)
CASUALTY_WORDS = wordset("dead killed wounded injured hurt missing displaced homeless")
# Words a compound's tail may end with that say how it measures, not what: "-year-old".
_TAIL_ADJ = wordset("old long wide high deep tall thick large")
_NOT_A_TAIL = wordset(
    "strong odd plus fold thousand million billion to and or for in on of a the by per"
)
_TAIL = re.compile(r"-((?:[a-z]+-){0,2}[a-z]+)\b")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)\b")
_SCALE_FOLLOW = wordset("celsius fahrenheit centigrade")
_AGE_AFTER = re.compile(r"[\s-]+(?:years?|months?)[\s-]+old\b")
_AGED_BEFORE = re.compile(r"(?i)\b(?:aged|age|ages)\s+$")
_TOLL = re.compile(r"(?i)\b(?:death\s+toll|toll)\b")
_NUMBER_OF = re.compile(r"(?i)\b(?:the\s+)?(?:total\s+)?(?:number|total|tally|count)\s+of\s+")
# A tally: "passed 312 to 120", "by a vote of 58-41", in a sentence about a vote.
_VOTE_PAIR_AFTER = re.compile(r"\s*(?:-|–|\s+to\s+|\s+against\s+)\d")
_VOTE_PAIR_BEFORE = re.compile(r"\d\s*(?:-|–|\s+to\s+|\s+against\s+)$")
_VOTE = re.compile(
    r"(?i)\b(?:vot(?:e|es|ed|ing)|ballots?|passed|approved|rejected|adopted|endorsed|ruled|"
    r"ruling|verdict)\b"
)
# "a city of 500,000": the people who live there.
_PLACE_OF = re.compile(
    r"(?i)\b(?:city|town|village|country|nation|state|province|region|district|island|"
    r"population|community|camp|crowd|crowds|gathering|delegation)\s+of\s+$"
)
_FORCE_OF = re.compile(r"(?i)\b(?:force|army|contingent|garrison|militia)\s+of\s+$")
# "Kemal Kilicdaroglu, 62,": a number in commas after a name is the person's age.
_AGE_APPOSITION = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?,\s+$")
_NOUN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_WHO = re.compile(r"\s+who\s+[a-z]+")
# A verb right after a bare vague amount: "Hundreds of thousands live in shelters".
_VERB_AFTER = re.compile(
    r"\s+(?:more\s+)?(?:are|were|have|had|has|is|was|live|lived|remain|remained|fled|died|gathered|"
    r"marched|rallied|took|joined|left|poured|packed|[a-z]+ed)\b"
)
_FRACTION_LEAD = re.compile(
    r"\s+(?:of\s+)?(?:(?:the|its|their|his|her|our|all|a|an|all\s+the)\s+)?", re.I
)
_NOT_FRACTION_AFTER = re.compile(
    r"(?i)\s+of\s+(?:the\s+)?(?:year|month|decade|century|season|(?:19|20)\d\d)\b"
)
_NOT_FRACTION_BEFORE = re.compile(r"(?i)\b(?:first|second|latter|former|last|other)[\s-]+$")


def about_a_vote(body: str, lo: int, hi: int) -> bool:
    """True when the sentence ``body[lo:hi]`` reports a vote: "58-41" is then a tally."""
    return _VOTE.search(body, lo, hi) is not None


def compound(body: str, end: int) -> tuple[int, str] | None:
    """``(end, unit)`` of a compound modifier right after a number ending at ``end``.

    "three-meter" -> meter, "102-member" -> member, "2-year-old" -> years (an age),
    "50-basis-point" -> basis point. None when no lower-case hyphenated word follows.
    """
    m = _TAIL.match(body, end)
    if m is None:
        return None
    parts = m.group(1).split("-")
    if parts[0] in _NOT_A_TAIL:
        return None  # "-strong" and "-odd" are read elsewhere; "a 2-to-1 margin" is a ratio
    if parts[-1] in _TAIL_ADJ and len(parts) > 1:
        parts = parts[:-1]
    unit = " ".join(parts)
    if unit in ("year", "month") and m.group(1).endswith("old"):
        unit += "s"  # an age: "a 2-year-old girl" is two years
    return m.end(), unit


def age_after(body: str, end: int) -> int | None:
    """End of "years old" after a number ("25 years old"), or None."""
    m = _AGE_AFTER.match(body, end)
    return m.end() if m else None


def aged_before(body: str, lo: int, start: int) -> bool:
    """True for "aged 30", "age 54": the number is an age in years."""
    return _AGED_BEFORE.search(body, max(lo, start - 8), start) is not None


def measure_unit(words: str, body: str, end: int) -> tuple[str, int] | None:
    """The unit of a measure or duration that opens the noun phrase ``words``.

    ``end`` is where the first word of ``words`` ends in ``body``. "kilometers
    northwest" -> kilometers; "degrees Celsius" -> degrees Celsius; "years in
    prison" -> years. None when the first word is no measure or time word.
    """
    first = words.split(" ")[0]
    low = first.lower()
    if low not in MEASURES and low not in TIME_NOUNS:
        return None
    m = _NEXT_WORD.match(body, end, end + 16) if low.startswith("degree") else None
    if m is not None and m.group(1).lower() in _SCALE_FOLLOW:
        return f"{first} {m.group(1)}", m.end()
    return first, end


def casualty_after(body: str, end: int, hi: int) -> tuple[str, int] | None:
    """ "eight wounded", "18,000 dead": the casualty word as what is counted."""
    m = _NEXT_WORD.match(body, end, hi)
    if m is None or m.group(1) not in CASUALTY_WORDS:
        return None
    return m.group(1), m.end()


def unit_from_context(
    body: str, lo: int, start: int, end: int, hi: int, vague: bool = False
) -> str | None:
    """What a bare number counts, from the words around it in its sentence.

    "the death toll rose to nearly 22,500" counts deaths; "passed 312 to 120" votes;
    "the total number of exoplanets discovered ... to more than 2,300" counts
    exoplanets; "thousands who rallied", "a city of 500,000" and, for a ``vague``
    amount, "hundreds of thousands live in shelters" count people; "Name, 62," is an
    age in years. ``lo``/``hi`` bound the sentence.
    """
    if _WHO.match(body, end, hi) or (vague and _VERB_AFTER.match(body, end, hi)):
        return "people"
    if _PLACE_OF.search(body, max(lo, start - 24), start):
        return "people"  # "a city of 500,000", "a crowd of 5,000"
    if _FORCE_OF.search(body, max(lo, start - 24), start):
        return "troops"  # "a force of 5,000"
    if _AGE_APPOSITION.search(body, max(lo, start - 30), start) and body.startswith(
        (",", ")"), end
    ):
        return "years"  # "Kemal Kilicdaroglu, 62, called": an age
    pair = _VOTE_PAIR_AFTER.match(body, end, hi) or _VOTE_PAIR_BEFORE.search(
        body, max(lo, start - 16), start
    )
    if pair and _VOTE.search(body, lo, hi):
        return "votes"  # "the motion passed 312 to 120"
    before = body[lo:start]
    toll = max(_TOLL.finditer(before), key=lambda m: m.start(), default=None)
    number_of = max(_NUMBER_OF.finditer(before), key=lambda m: m.start(), default=None)
    if number_of is not None and (toll is None or number_of.start() > toll.start()):
        noun = _NOUN.match(body, lo + number_of.end())
        if noun is not None:
            return noun.group()
    if toll is not None:
        return "deaths"
    return None


def fraction_unit(body: str, start: int, end: int, hi: int) -> int | None:
    """Where what a fraction ("two thirds", "half") is a fraction of starts, or None.

    "two thirds of its creditors" -> at "creditors", "half the size of our sun" -> at
    "size". A half that places something in time ("the second half of the year") is
    a date, and "half-brother" is a word, not a quantity.
    """
    word = body[start:end].split()[-1].lower().split("-")[-1]
    if word not in FRACTIONS or body.startswith("-", end):
        return None
    if _NOT_FRACTION_BEFORE.search(body, max(0, start - 12), start):
        return None
    if _NOT_FRACTION_AFTER.match(body, end, hi):
        return None
    lead = _FRACTION_LEAD.match(body, end, hi)
    if lead is None or lead.end() == end or _NOUN.match(body, lead.end(), hi) is None:
        return None
    return lead.end()
