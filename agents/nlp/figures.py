"""Figures: counted quantities ("more than 20,000 civilians") built from a Doc's numbers.

A figure is every quantity of the story (FORMAT.md): a count, an amount of money or a
percentage together with what it counts, read from the words right after the number
("three Yazidi women" -> "Yazidi women"; "Hundreds of fighters" -> "fighters"; '"tens
of thousands" of fighters' -> "fighters"), and also durations ("more than 17 years"),
ages ("a 2-year-old girl", "aged 30": years), compound modifiers ("a 10-day truce":
day), measures ("30 kilometers", "minus 3 degrees Celsius") and fractions of
something ("two thirds of its creditors"). ``figure_units`` reads those shapes, and
what a bare number counts from its sentence ("the death toll rose to 22,500": deaths;
"eight wounded"; "by 187 votes to 71": votes). Left out, because they are no
quantities: years and other dates (a number inside a date expression of the Doc, such
as "two years ago", is skipped), ordinals, clock times, days of the month, the base
of a proportion ("nine in ten"), numbers inside names ("Resolution 2254", "Flight
370") and list numbering. A count whose counted noun cannot be read is dropped too
("rose to 20" alone says nothing a reader can check), except after a casualty verb,
where it counts what the sentence named before ("killed four people and wounded 11")
or else the casualties ("killed three": killed). "N of M things" gives two figures,
both counting the things. Money's ``unit`` is its currency in words ("dollars",
"euros"; ``NumberExpr.unit`` keeps the ISO code) and percentages use "percent"; their
span runs on over what they measure ("$3 billion in aid", "12% of voters") so the
measured words are in ``text``. Earthquake magnitudes ("a magnitude 6.4 quake") have
the unit "magnitude".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from agents.nlp.figure_phrases import measured_end, np_after
from agents.nlp.figure_units import (
    TIME_NOUNS,
    about_a_vote,
    age_after,
    aged_before,
    casualty_after,
    compound,
    fraction_unit,
    measure_unit,
    unit_from_context,
)
from agents.nlp.numwords import lexicon
from agents.nlp.types import Doc, Figure, NumberExpr, Span
from agents.nlp.wordsets import wordset

__all__ = ["extract_figures"]


# Money's unit is its currency in words ("$3 billion": dollars), as annotators write it.
_CURRENCY_NAMES: dict[str, str] = lexicon()["currency_names"]
# Units of amounts rather than counted things: a bare count never borrows them.
_AMOUNTS = frozenset(["percent", "percentage point", "magnitude", *_CURRENCY_NAMES.values()])
_ANAPHORIC = frozenset({"others", "more"})
#: A bare count right after a casualty verb counts what the sentence counted before,
#: or, when it counted nothing, the casualties: "killed four people and wounded 11"
#: (people), "the blast killed three" (killed). ``_SOFT + word`` marks such a unit.
_SOFT = "\x00soft:"
_CASUALTY_BEFORE = re.compile(
    r"\b(kill|wound|injur|hurt|arrest|detain|rescu|displac|evacuat)(?:ed|ing|es|e|s)?\s+"
    r"(?:at\s+least\s+|about\s+|nearly\s+|more\s+than\s+)?$"
)
_PARTICIPLE = {"kill": "killed", "wound": "wounded", "injur": "injured", "hurt": "hurt",
               "arrest": "arrested", "detain": "detained", "rescu": "rescued",
               "displac": "displaced", "evacuat": "evacuated"}
#: "30 were hospitalized": the count of what the sentence counted before, else people.
_WERE_AFTER = re.compile(r"\s+(?:were|are|have\s+been|had\s+been|remain|remained)\s+[a-z]+")
_OF_THEM = "of them"  # the unit of "six of them" until the sentence's earlier count names it
_OF_THEM_RE = re.compile(r"(?i)\s+of\s+(?:them|whom|which|those|these)\b")
_PAIRED = "\x00paired"
#: Stand-in units replaced by the unit of the sentence's previous figure.
_BORROWED = frozenset((_OF_THEM, _PAIRED))
#: A bare count after "to"/"against" right after a figure counts what that one does.
_PAIRED_BEFORE = re.compile(r"(?i)\b(?:to|against|versus|vs\.?)\s+$")
_OF_THE_NEXT = re.compile(r"(?i)\s+of\s+(?:(?:the|its|their)\s+)?")
_RICHTER = re.compile(r"(?i)\s+on\s+the\s+(?:open-ended\s+)?Richter\s+scale\b")
_MAGNITUDE_BEFORE = re.compile(r"(?i)magnitude(?:\s+(?:of|at))?[\s-]+$")
_NUMBERING = wordset(
    """
    no. nos. no number page p. pp. article chapter section paragraph item route highway room
    gate line level grade phase stage round category version resolution flight
    """
)
# "nine in ten residents", "one in five children", "three out of four voters": the
# second number is the base of a proportion, not a count of residents.
_PROPORTION_BEFORE = re.compile(
    r"(?i)(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:in|out\s+of)\s+$"
)
# What makes "one day", "one year" a length of time rather than an adverb.
_ONE_SPAN_BEFORE = re.compile(
    r"(?i)\b(?:for|in|within|than|of|over|by|every|lasted|lasting|lasts|only|just|about|"
    r"nearly|almost|another|extra|least)\s+$"
)
# A bare count in a second clause joined by "and": "and left 5.2 million in need".
_AND_BEFORE = re.compile(
    r"\band\s+(?:(?!that\b)[a-z]+\s+){1,2}$"
    r"|\b(?:down|up|rising|falling|compared)\s+(?:from|with)\s+"
    r"(?:an?\s+(?:peak|high|low|total|record)\s+of\s+)?$"
)
# "one in three children": the share of a proportion, not a count.
_PROPORTION_AFTER = re.compile(
    r"(?i)\s+(?:in|out\s+of)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten)\b"
)
_SCORE = re.compile(r"[-–]\d")
_SCORE_END = re.compile(r"\d[-–]$")


def _prev_word(body: str, lo: int, s: int) -> tuple[int, int] | None:
    """Span of the word, then white space, right before ``s`` (not before ``lo``).

    The word starts at an ASCII letter and runs on over word characters, dots and
    apostrophes ("No.", "Gen.", "Assad's"); None when no such word ends the window.
    """
    q = s
    while q > lo and body[q - 1].isspace():
        q -= 1
    if q in (s, lo):
        return None
    i = q
    while i > lo and (body[i - 1].isalnum() or body[i - 1] in "_.'’"):
        i -= 1
    for p in range(i, q):
        c = body[p]
        if "a" <= c <= "z" or "A" <= c <= "Z":
            return (p, q)
    return None


def _skip(body: str, x: NumberExpr, sent: Span) -> bool:
    """True for numbers that name or date something rather than count it."""
    if x.kind == "count":
        if (
            _SCORE.match(body, x.end) or _SCORE_END.search(body, max(0, x.start - 4), x.start)
        ) and not about_a_vote(body, sent.start, sent.end):
            return True  # a score: "a 2-1 win"; "voted 58-41" is a tally
        prev = _prev_word(body, max(sent.start, x.start - 30), x.start)
        if prev is not None:
            word = body[prev[0] : prev[1]]
            if word.lower() in _NUMBERING:
                return True
            if word[0].isupper() and prev[0] > sent.start and x.value is not None:
                return True  # "Resolution 2254", "Boeing 737"
        if x.start == sent.start and body.startswith((".", ")"), x.end):
            return True  # list numbering
        # "nine in ten residents": ten is the base of a proportion; "4,922 out of 10,141
        # known cases" counts cases.
        if (x.value or 0) <= 100 and _PROPORTION_BEFORE.search(
            body, max(sent.start, x.start - 24), x.start
        ):
            return True
    return False


def _magnitude(body: str, x: NumberExpr, sent: Span) -> tuple[int, int] | None:
    """Span of an earthquake magnitude: "magnitude 6.4", "magnitude at 6.2", "7.1-magnitude"."""
    if body.startswith(("-magnitude", " magnitude"), x.end):
        return x.start, x.end + 10
    if (richter := _RICHTER.match(body, x.end)) is not None:
        return x.start, richter.end()  # "measured 6.1 on the Richter scale"
    i = body.rfind("agnitude", max(sent.start, x.start - 24), x.start)
    if i > 0 and body[i - 1] in "mM" and _MAGNITUDE_BEFORE.match(body, i - 1, x.start):
        return i - 1, x.end
    return None


def _made(body: str, x: NumberExpr, start: int, end: int, unit: str | None,
          sent: Span) -> Figure:
    return Figure(start, end, body[start:end], x.value, x.low, x.high, x.approx, x.bound,
                  unit, sent)


def _fraction(body: str, x: NumberExpr, sent: Span) -> Figure | None:
    """ "two thirds of its creditors", "more than half the face value": a share of something."""
    if x.value is None or x.value >= 1:
        return None
    pos = fraction_unit(body, x.start, x.end, sent.end)
    if pos is None:
        return None
    if (m := _OF_THEM_RE.match(body, x.end)) is not None:
        return _made(body, x, x.start, m.end(), _OF_THEM, sent)  # "half of whom"
    unit, end = np_after(body, pos, sent.end, of_ok=False, noun_first=True)
    return None if unit is None else _made(body, x, x.start, end, unit, sent)


def _count_unit(body: str, x: NumberExpr, sent: Span) -> tuple[str | None, int] | None:
    """What a count counts and where its figure ends; None when it is no figure."""
    pos = x.end + 7 if body.startswith("-strong", x.end) else x.end
    if pos == x.end and (tail := compound(body, x.end)) is not None:
        return tail[1], tail[0]  # "a three-meter surge", "a 2-year-old girl"
    if (age := age_after(body, x.end)) is not None:
        return "years", age  # "25 years old"
    if aged_before(body, sent.start, x.start):
        return "years", x.end  # "aged 30"
    if body.startswith(" of ", pos) and (m := _OF_THEM_RE.match(body, pos)):
        return _OF_THEM, m.end()
    unit, end = np_after(body, pos, sent.end, of_ok=True)
    if unit is not None:
        first = unit.split(" ")[0]
        measured = measure_unit(unit, body, body.find(first, pos) + len(first))
        if measured is not None and x.text.lower() == "one" and first.lower() in TIME_NOUNS and (
            not _ONE_SPAN_BEFORE.search(body, max(sent.start, x.start - 16), x.start)
        ):
            return None  # "one day after the attack", "hopes one day to return"
        return measured or (unit, end)  # "30 kilometers northwest": kilometers
    if (hurt := casualty_after(body, x.end, sent.end)) is not None:
        return _SOFT + hurt[0], hurt[1]  # "eight wounded"
    if (verb := _CASUALTY_BEFORE.search(body, max(sent.start, x.start - 24), x.start)):
        return _SOFT + _PARTICIPLE[verb.group(1).lower()], x.end  # "and wounded 11"
    if _WERE_AFTER.match(body, x.end, sent.end):
        return _SOFT + "people", x.end  # "and 30 were hospitalized"
    vague = x.value is None
    if (named := unit_from_context(body, sent.start, x.start, x.end, sent.end, vague)):
        return named, x.end  # "the death toll rose to 22,500": deaths
    if _PAIRED_BEFORE.search(body, max(sent.start, x.start - 12), x.start):
        return _PAIRED, x.end  # "by 187 votes to 71": votes
    if _AND_BEFORE.search(body, max(sent.start, x.start - 40), x.start) and not (
        _PROPORTION_AFTER.match(body, x.end)
    ):
        return None, x.end  # "2 million people and left 5.2 million", "down from 100,000"
    return None


def _figure(body: str, x: NumberExpr, sent: Span) -> Figure | None:
    if x.kind == "other" and x.value is not None:
        return _fraction(body, x, sent)
    if x.kind not in ("count", "money", "percent") or (x.value is None and x.low is None):
        return None
    if x.kind == "count" and x.value is not None and (mag := _magnitude(body, x, sent)):
        return _made(body, x, mag[0], mag[1], "magnitude", sent)
    if _skip(body, x, sent):
        return None
    if x.kind == "count":
        got = _count_unit(body, x, sent)
        if got is None:
            return None
        unit, end = got
    else:
        unit = "percent" if x.kind == "percent" else _CURRENCY_NAMES.get(x.unit or "", x.unit)
        end = measured_end(body, x, sent.end)
    return _made(body, x, x.start, end, unit, sent)


def extract_figures(doc: Doc) -> list[Figure]:
    """Turn the counts, money and percentages of ``doc.numbers`` into figures.

    Args:
        doc: The article, with ``numbers`` and ``sentences`` in body offsets.

    Returns:
        Figures in text order. Each span starts at its number (bound words
        included) and ends after what is counted; ``sentence`` is the sentence
        holding the number (the whole body when no sentence covers it).
    """
    starts = [s.start for s in doc.sentences]
    whole = Span(0, len(doc.body))
    body, numbers = doc.body, doc.numbers
    dated = sorted((d.start, d.end) for d in doc.dates)
    date_starts = [a for a, _ in dated]
    out: list[Figure] = []
    guessed: set[int] = set()  # figures whose unit is a casualty word, not a counted noun
    skip = -1
    for n, x in enumerate(numbers):
        if n == skip:
            continue
        d = bisect_left(date_starts, x.end) - 1  # the last date starting before x ends
        if d >= 0 and dated[d][1] > x.start:
            continue  # "two years ago", "the past two years" are dates, not durations
        k = bisect_right(starts, x.start) - 1
        sent = doc.sentences[k] if k >= 0 and doc.sentences[k].end >= x.end else whole
        fig = _n_of_m(body, x, numbers[n + 1], sent) if n + 1 < len(numbers) else None
        figs = [fig] if fig is not None else []
        if fig is not None:
            # "11 of 14 economists": both numbers are quantities, both count economists.
            skip = n + 1
            if (whole_count := _figure(body, numbers[n + 1], sent)) is not None:
                figs.append(whole_count)
        elif (fig := _figure(body, x, sent)) is not None:
            figs.append(fig)
        for fig in figs:
            if fig.unit is None:
                prev = out[-1] if out and out[-1].sentence == sent else None
                if prev is None or not prev.unit or len(out) - 1 in guessed or (
                    prev.unit in _AMOUNTS
                ):
                    continue
                fig = replace(fig, unit=prev.unit)  # "2 million people and left 5.2 million"
            elif fig.unit and fig.unit.startswith(_SOFT):
                prev = out[-1] if out and out[-1].sentence == sent else None
                if prev is not None and prev.unit and len(out) - 1 not in guessed:
                    fig = replace(fig, unit=prev.unit)
                else:  # "killed three and left eight wounded": each its own casualties
                    guessed.add(len(out))
                    fig = replace(fig, unit=fig.unit[len(_SOFT):])
            elif fig.unit in _ANAPHORIC or fig.unit in _BORROWED:
                prev = out[-1] if out and out[-1].sentence == sent else None
                if prev is not None and prev.unit and (
                    fig.unit != _PAIRED or fig.start - prev.end < 12
                ):
                    # "25 people were killed and 40 others wounded": others are people too.
                    fig = replace(fig, unit=prev.unit)
                elif fig.unit in _BORROWED:
                    continue
            out.append(fig)
    return out


def _n_of_m(body: str, x: NumberExpr, y: NumberExpr, sent: Span) -> Figure | None:
    """ "Seven of 12 judges": a figure for ``x`` that counts what ``y`` counts, or None."""
    if x.kind != "count" or y.kind != "count" or y.start >= sent.end or y.start - x.end > 16:
        return None
    if not _OF_THE_NEXT.fullmatch(body, x.end, y.start) or _skip(body, x, sent):
        return None
    other = _figure(body, y, sent)
    if other is None or other.unit in (None, _OF_THEM, "magnitude"):
        return None
    end = other.end
    return Figure(
        x.start,
        end,
        body[x.start : end],
        x.value,
        x.low,
        x.high,
        x.approx,
        x.bound,
        other.unit,
        sent,
    )
