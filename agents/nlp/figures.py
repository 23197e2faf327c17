"""Figures: counted quantities ("more than 20,000 civilians") built from a Doc's numbers.

A figure is a count, an amount of money or a percentage together with what it
counts, read from the words right after the number ("three Yazidi women" ->
"Yazidi women"; "Hundreds of fighters" -> "fighters"; '"tens of thousands" of
fighters' -> "fighters"). Deliberately left out, because they are not counts of
something in the story: years, ordinals, clock times, days of the month,
fractions and proportions ("nine in ten"), ages ("aged 25", "a 25-year-old"),
durations ("for 20 years", "nearly a week"), distances, compound adjectives
("a 10-day truce"), numbers inside names ("Resolution 2254", "Flight 370") and
list numbering. A count whose
counted noun cannot be read is dropped too: "killing 20" alone says nothing a
reader can check, unless the sentence named it before ("40 others", "six of
them"). "N of M things" counts the things with N. Money keeps its ISO code as
``unit`` and percentages use "percent"; their span then runs on over what they
measure ("$3 billion in aid", "12% of voters") so the measured words are in
``text``. Earthquake magnitudes ("a magnitude 6.4 quake") have the unit "magnitude".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from agents.nlp.numwords import lexicon
from agents.nlp.types import Doc, Figure, NumberExpr, Span
from agents.nlp.wordsets import wordset

__all__ = ["extract_figures"]


_WORD = re.compile(r"\s*((?:[A-Z]\.){2,}|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*|\S)")
_STOP = wordset(
    """
    a an the this that these those its their his her our your my of in on at to for from by
    with without into onto over under about after before during since until amid among
    against across near than as per via including like who whom whose which what where when
    while was were is are be been being am has have had having will would could should may
    might must can cannot did do does done said says say told tell according also still
    already now then later reportedly each every all both some many most more few several
    other such only just even not no nor but so yet if because though although whether or
    and here there they them we us he him she it i you one ones themselves himself herself
    itself remain remained remains died fled left lost face faces faced live lived inside
    outside up down out off away back ago earlier last next this overnight yesterday today
    tonight tomorrow
    """
)
_NUMBER_WORDS = frozenset(
    [*lexicon()["units"], *lexicon()["tens"], "hundreds", "thousands", "dozens", "dozen"]
)
_ANAPHORIC = frozenset({"others", "more"})
#: A bare count right after a casualty verb counts what the sentence counted before.
_ELIDED = "\x00elided"
_CASUALTY_BEFORE = re.compile(
    r"\b(?:killed|killing|wounded|wounding|injured|injuring|hurt|arrested|detained|rescued|"
    r"displaced|evacuated)\s+(?:at\s+least\s+|about\s+|nearly\s+|more\s+than\s+)?$"
)
_OF_THEM = "of them"  # the unit of "six of them" until the sentence's earlier count names it
_OF_THEM_RE = re.compile(r"(?i)\s+of\s+(?:them|whom|those|these)\b")
_OF_THE_NEXT = re.compile(r"(?i)\s+of\s+(?:(?:the|its|their)\s+)?")
_MAGNITUDE_BEFORE = re.compile(r"(?i)magnitude(?:\s+(?:of|at))?[\s-]+$")
# Verbs that end what is counted although they look like nouns: "4,000 families spent".
_VERBS = wordset(
    """
    spent took made went came saw got gave kept held met ran thought found brought fought
    sought caught built sent paid fell rose began became stood sat slept hid shook grew knew
    threw flew drew wore stuck struck hung sank swam broke spoke chose stole woke drove wrote
    withdrew bought sold need needs fear fears want wants wait waits hope hopes remained
    """
)
_SKIP_LEAD = frozenset(["more", "additional", "other", "further", "extra"])
_DETERMINERS = wordset("the these those its their his her our whose")
_TIME_NOUNS = wordset(
    """
    second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries fortnight weekend weekends night nights
    """
)
_DISTANCE = wordset(
    """
    km kilometre kilometres kilometer kilometers mile miles metre metres meter meters feet
    foot ft inch inches yards mph cm mm degrees
    """
)
_NUMBERING = wordset(
    """
    no. nos. no number page p. pp. article chapter section paragraph item route highway room
    gate line level grade phase stage round category version resolution flight aged age ages
    """
)
# "nine in ten residents", "one in five children", "three out of four voters": the
# second number is the base of a proportion, not a count of residents.
_PROPORTION_BEFORE = re.compile(
    r"(?i)(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:in|out\s+of)\s+$"
)
_AGE_AFTER = re.compile(r"(?:-|\s)(?:years?|months?)(?:-|\s)old\b")
_CONTENT = re.compile(r"[A-Za-z]")
_MEASURED = frozenset({"in", "of", "for", "on"})
_CHANGE = wordset(
    """
    rise increase drop fall decline jump gain cut share stake growth slump surge reduction
    hike loss
    """
)


def _np_after(body: str, pos: int, hi: int, of_ok: bool) -> tuple[str | None, int]:
    """Read the noun phrase starting at ``pos``: (words, end) or (None, pos)."""
    words: list[str] = []
    end = pos
    i = pos
    lead = True
    while (m := _WORD.match(body, i, hi)) is not None:
        tok, low = m.group(1), m.group(1).lower()
        if lead and tok in "\"”’'":
            i = m.end()
            continue
        if lead and of_ok and low == "of":
            of_ok = False
            i = m.end()
            nxt = _WORD.match(body, i, hi)
            if nxt is not None and nxt.group(1).lower() in _DETERMINERS:
                i = nxt.end()
            continue
        if lead and low in _SKIP_LEAD:
            i = m.end()
            continue
        lead = False
        if low in ("and", "or") and words:
            nxt = _WORD.match(body, m.end(), hi)
            follow = nxt.group(1) if nxt else ""
            if (
                not _CONTENT.match(follow)
                or follow.lower() in _STOP
                or follow.lower().endswith(("ed", "ing"))
                or follow[0].isdigit()
                or follow.lower() in _NUMBER_WORDS
            ):
                break
            words.append(low)
            i = m.end()
            continue
        if not _CONTENT.match(tok) or low in _STOP or low in _VERBS or len(words) >= 4:
            break
        if words and tok[0].isupper() and words[-1][0].islower() and words[-1] not in ("and", "or"):
            break  # "300 migrants slept Sunday": a name after the noun starts something else
        if low.endswith(("ed", "ing")) and len(low) > 4:
            if words and words[-1] not in ("and", "or"):
                break
            nxt = _WORD.match(body, m.end(), hi)
            follow = (nxt.group(1) if nxt else "").lower()
            if not _CONTENT.match(follow) or follow in _STOP:
                break
        words.append(tok)
        end = m.end()
        i = m.end()
    while words and words[-1] in ("and", "or"):
        words.pop()
    return (" ".join(words), end) if words else (None, pos)


def _measured(body: str, x: NumberExpr, hi: int) -> int:
    """End of what a money amount or percentage measures: "in aid", "of voters", "rise in costs"."""
    end = x.end
    nxt = _WORD.match(body, end, hi)
    first = nxt.group(1) if nxt else ""
    if nxt is None or first.lower() in _STOP - _MEASURED or not _CONTENT.match(first):
        return end
    if first.lower() in _MEASURED:
        if x.kind == "percent" and first.lower() != "of":
            return end
        after = _WORD.match(body, nxt.end(), hi)
        if after is None or not after.group(1)[:1].islower():
            return end  # "12% in March" is a date, not what is measured
        return _np_after(body, nxt.end(), hi, of_ok=False)[1]
    if x.kind == "percent" and first.lower() not in _CHANGE:
        return end
    what, end = _np_after(body, end, hi, of_ok=False)
    more = _WORD.match(body, end, hi)
    if what is not None and more is not None and more.group(1).lower() in ("in", "of"):
        after = _WORD.match(body, more.end(), hi)
        if after is not None and after.group(1)[:1].islower():
            end = _np_after(body, more.end(), hi, of_ok=False)[1]
    return end if what is not None else x.end


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
        if body.startswith(("-", "–"), x.end) and not body.startswith("-strong", x.end):
            return True  # "a 25-year-old", "a 10-day truce"
        after = body[x.end : x.end + 1]
        if (after == "-" or after.isspace()) and _AGE_AFTER.match(body, x.end):
            return True
        prev = _prev_word(body, max(sent.start, x.start - 30), x.start)
        if prev is not None:
            word = body[prev[0] : prev[1]]
            if word.lower() in _NUMBERING:
                return True
            if word[0].isupper() and prev[0] > sent.start and x.value is not None:
                return True  # "Resolution 2254", "Boeing 737"
        if x.start == sent.start and body.startswith((".", ")"), x.end):
            return True  # list numbering
        if _PROPORTION_BEFORE.search(body, max(sent.start, x.start - 24), x.start):
            return True
    return False


def _magnitude(body: str, x: NumberExpr, sent: Span) -> tuple[int, int] | None:
    """Span of an earthquake magnitude: "magnitude 6.4", "magnitude at 6.2", "7.1-magnitude"."""
    if body.startswith(("-magnitude", " magnitude"), x.end):
        return x.start, x.end + 10
    i = body.rfind("agnitude", max(sent.start, x.start - 24), x.start)
    if i > 0 and body[i - 1] in "mM" and _MAGNITUDE_BEFORE.match(body, i - 1, x.start):
        return i - 1, x.end
    return None


def _figure(body: str, x: NumberExpr, sent: Span) -> Figure | None:
    if x.kind not in ("count", "money", "percent") or (x.value is None and x.low is None):
        return None
    start = x.start
    if x.kind == "count" and x.value is not None and (mag := _magnitude(body, x, sent)):
        start, end = mag
        return Figure(
            start,
            end,
            body[start:end],
            x.value,
            x.low,
            x.high,
            x.approx,
            x.bound,
            "magnitude",
            sent,
        )
    if _skip(body, x, sent):
        return None
    pos = x.end + 7 if body.startswith("-strong", x.end) else x.end
    unit: str | None
    if x.kind == "count" and body.startswith(" of ", pos) and (m := _OF_THEM_RE.match(body, pos)):
        unit, end = _OF_THEM, m.end()
    elif x.kind == "count":
        unit, end = _np_after(body, pos, sent.end, of_ok=True)
        head = (unit or "").split(" ")[-1].lower()
        if unit is None and _CASUALTY_BEFORE.search(body, max(sent.start, x.start - 24),
                                                    x.start):
            unit, end = _ELIDED, x.end  # "killed four people and wounded 11": people
        elif unit is None or head in _TIME_NOUNS or head in _DISTANCE:
            return None
    else:
        unit = "percent" if x.kind == "percent" else x.unit
        end = x.end
        end = _measured(body, x, sent.end)
    return Figure(
        start=start,
        end=end,
        text=body[start:end],
        value=x.value,
        low=x.low,
        high=x.high,
        approx=x.approx,
        bound=x.bound,
        unit=unit,
        sentence=sent,
    )


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
    out: list[Figure] = []
    skip = -1
    for n, x in enumerate(numbers):
        if n == skip:
            continue
        k = bisect_right(starts, x.start) - 1
        sent = doc.sentences[k] if k >= 0 and doc.sentences[k].end >= x.end else whole
        fig = _n_of_m(body, x, numbers[n + 1], sent) if n + 1 < len(numbers) else None
        if fig is not None:
            skip = n + 1  # "12" of "Seven of 12 judges" is part of the figure
        else:
            fig = _figure(body, x, sent)
        if fig is None:
            continue
        if fig.unit in _ANAPHORIC or fig.unit in (_OF_THEM, _ELIDED):
            if out and out[-1].sentence == sent and out[-1].unit:
                # "25 people were killed and 40 others wounded": others are people too.
                fig = replace(fig, unit=out[-1].unit)
            elif fig.unit in (_OF_THEM, _ELIDED):
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
