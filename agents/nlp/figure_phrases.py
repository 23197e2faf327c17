"""What a figure's number is followed by: the noun phrase it counts, what an amount measures.

``np_after`` reads "Yazidi women" after "three", stopping at verbs, names and function
words; ``measured_end`` finds where the words a money amount or percentage measures end
("$3 billion in aid", "12% of voters"). ``figures`` decides what to make of them.
"""

from __future__ import annotations

import re

from agents.nlp.numwords import lexicon
from agents.nlp.types import NumberExpr
from agents.nlp.wordsets import wordset

__all__ = ["measured_end", "np_after"]

_WORD = re.compile(
    r"\s*((?:[A-Z]\.){2,}|[A-Za-z]+-\d+[A-Za-z]*\b|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*|\S)"
)
_STOP = wordset(
    """
    a an the this that these those its their his her our your my of in on at to for from by
    with without into onto over under about after before during since until amid among
    within beyond toward towards upon along around behind below above throughout between
    despite except once unless whereas following excluding regarding concerning
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
_ARTICLES = _DETERMINERS | {"a", "an", "all"}
_CONTENT = re.compile(r"[A-Za-z]")
_MEASURED = frozenset({"in", "of", "for", "on"})
_CHANGE = wordset(
    """
    rise increase drop fall decline jump gain cut share stake growth slump surge reduction
    hike loss
    """
)


def np_after(
    body: str, pos: int, hi: int, of_ok: bool, noun_first: bool = False
) -> tuple[str | None, int]:
    """Read the noun phrase starting at ``pos``: (words, end) or (None, pos).

    ``noun_first``: a determiner came before ``pos``, so its first word is part of
    the phrase even when it could be a verb ("half of the face value").
    """
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
        free = noun_first and not words and _CONTENT.match(tok) is not None
        if not free and (
            not _CONTENT.match(tok) or low in _STOP or low in _VERBS or len(words) >= 4
        ):
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


def measured_end(body: str, x: NumberExpr, hi: int) -> int:
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
        return _np_after_determiner(body, nxt.end(), hi) or end
    if x.kind == "percent" and first.lower() not in _CHANGE:
        return end
    what, end = np_after(body, end, hi, of_ok=False)
    more = _WORD.match(body, end, hi)
    if what is not None and more is not None and more.group(1).lower() in ("in", "of"):
        after = _WORD.match(body, more.end(), hi)
        if after is not None and after.group(1)[:1].islower():
            end = _np_after_determiner(body, more.end(), hi) or end
    return end if what is not None else x.end


def _np_after_determiner(body: str, pos: int, hi: int) -> int | None:
    """End of the noun phrase at ``pos``, read over a leading determiner ("the vote")."""
    det = _WORD.match(body, pos, hi)
    if det is not None and det.group(1).lower() in _ARTICLES:
        what, end = np_after(body, det.end(), hi, of_ok=False, noun_first=True)
    else:
        what, end = np_after(body, pos, hi, of_ok=False)
    return end if what is not None else None
