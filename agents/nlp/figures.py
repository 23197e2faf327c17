"""Figures: counted quantities ("more than 20,000 civilians") built from a Doc's numbers.

A figure is a count, an amount of money or a percentage together with what it
counts, read from the words right after the number ("three Yazidi women" ->
"Yazidi women"; "Hundreds of fighters" -> "fighters"; '"tens of thousands" of
fighters' -> "fighters"). Deliberately left out, because they are not counts of
something in the story: years, ordinals, clock times, days of the month,
fractions, ages ("aged 25", "a 25-year-old"), durations ("for 20 years",
"nearly a week"), distances, compound adjectives ("a 10-day truce"), numbers
inside names ("Resolution 2254", "Flight 370") and list numbering. A count whose
counted noun cannot be read is dropped too: "killing 20" alone says nothing a
reader can check. Money keeps its ISO code as ``unit`` and percentages use
"percent"; their span then runs on over what they measure ("$3 billion in aid",
"12% of voters") so the measured words are in ``text``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from agents.nlp.numbers import lexicon
from agents.nlp.types import Doc, Figure, NumberExpr, Span

__all__ = ["extract_figures"]


def _words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string (keeps long lists compact)."""
    return frozenset(text.split())


_WORD = re.compile(r"\s*((?:[A-Z]\.){2,}|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*|\S)")
_STOP = _words(
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
    outside up down out off away back ago earlier last next this
    """
)
_NUMBER_WORDS = frozenset(
    [*lexicon()["units"], *lexicon()["tens"], "hundreds", "thousands", "dozens", "dozen"]
)
_ANAPHORIC = frozenset({"others", "more"})
_SKIP_LEAD = frozenset(["more", "additional", "other", "further", "extra"])
_DETERMINERS = _words("the these those its their his her our whose")
_TIME_NOUNS = _words(
    """
    second seconds minute minutes hour hours day days week weeks month months year years
    decade decades century centuries fortnight weekend weekends night nights
    """
)
_DISTANCE = _words(
    """
    km kilometre kilometres kilometer kilometers mile miles metre metres meter meters feet
    foot ft inch inches yards mph cm mm degrees
    """
)
_NUMBERING = _words(
    """
    no. nos. no number page p. pp. article chapter section paragraph item route highway room
    gate line level grade phase stage round category version resolution flight aged age ages
    """
)
_AGE_AFTER = re.compile(r"(?:-|\s)(?:years?|months?)(?:-|\s)old\b")
_PREV = re.compile(r"([A-Za-z][\w.'’]*)\s+$")
_CONTENT = re.compile(r"[A-Za-z]")
_MEASURED = frozenset({"in", "of", "for", "on"})
_CHANGE = _words(
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
        if not _CONTENT.match(tok) or low in _STOP or len(words) >= 4:
            break
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


def _skip(body: str, x: NumberExpr, sent: Span) -> bool:
    """True for numbers that name or date something rather than count it."""
    if x.kind == "count":
        if body.startswith(("-", "–"), x.end) and not body.startswith("-strong", x.end):
            return True  # "a 25-year-old", "a 10-day truce"
        if _AGE_AFTER.match(body, x.end):
            return True
        prev = _PREV.search(body, max(sent.start, x.start - 30), x.start)
        if prev is not None:
            word = prev.group(1)
            if word.lower() in _NUMBERING:
                return True
            if word[0].isupper() and prev.start() > sent.start and x.value is not None:
                return True  # "Resolution 2254", "Boeing 737"
        if x.start == sent.start and body.startswith((".", ")"), x.end):
            return True  # list numbering
    return False


def _figure(body: str, x: NumberExpr, sent: Span) -> Figure | None:
    if x.kind not in ("count", "money", "percent") or (x.value is None and x.low is None):
        return None
    if _skip(body, x, sent):
        return None
    pos = x.end + 7 if body.startswith("-strong", x.end) else x.end
    unit: str | None
    if x.kind == "count":
        unit, end = _np_after(body, pos, sent.end, of_ok=True)
        head = (unit or "").split(" ")[-1].lower()
        if unit is None or head in _TIME_NOUNS or head in _DISTANCE:
            return None
    else:
        unit = "percent" if x.kind == "percent" else x.unit
        end = x.end
        end = _measured(body, x, sent.end)
    return Figure(
        start=x.start,
        end=end,
        text=body[x.start : end],
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
    out: list[Figure] = []
    for x in doc.numbers:
        k = bisect_right(starts, x.start) - 1
        sent = doc.sentences[k] if k >= 0 and doc.sentences[k].end >= x.end else whole
        fig = _figure(doc.body, x, sent)
        if fig is None:
            continue
        if fig.unit in _ANAPHORIC and out and out[-1].sentence == sent and out[-1].unit:
            # "25 people were killed and 40 others wounded": others are people too.
            fig = replace(fig, unit=out[-1].unit)
        out.append(fig)
    return out
