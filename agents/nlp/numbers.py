"""Number expressions in one paragraph: counts, money, percentages, ranges, years.

Conventions for vague amounts (all ``bound="range"``, ``approx=True``): a plural
scale word "Xs (of)" means ``[2X, 10X-1]`` ("hundreds" = 200-999, "thousands" =
2,000-9,999); "tens of X" means ``[20X, 100X-1]`` and "hundreds of X" means
``[200X, 1000X-1]``; "dozens" = 24-99 and "scores of" = 40-99 (kept below
"hundreds"); "several/a few/many X" reads as "Xs". "a dozen" is 12 with
``bound="about"``. Any bound word other than an explicit range sets ``approx``.

This module finds where numbers start and what kind each is; ``numwords`` parses
the number phrase itself, ``numcontext`` adds the words around it and ``numranges``
joins two numbers into a range.
"""

from __future__ import annotations

import re

from agents.nlp.numcontext import bound_before, decorate
from agents.nlp.numranges import merge_ranges
from agents.nlp.numwords import (
    ANCHOR,
    ANCHOR_ANY_CASE,
    FRACTIONS,
    NUMBER_WORDS,
    ORDINALS,
    SCALES,
    VAGUE,
    lexicon,
    parse_number,
    words,
)
from agents.nlp.types import NumberExpr

__all__ = ["find_numbers", "lexicon"]

_LEX = lexicon()
_ONE_DET = frozenset(_LEX["one_determiners"])
_ONE_FOLLOW = frozenset(_LEX["one_followers"])
_MONTHS = "|".join(re.escape(m) for m in _LEX["months"])

_VAGUE_RE = re.compile(
    r"(?i)(tens|hundreds|thousands|dozens|scores|millions|billions)"
    r"(?:(?:\s+|-)of(?:\s+|-)(thousands|millions|billions))?\b"
)
_VAGUE_HEADS = words("tens hundreds thousands dozens scores millions billions")
_FEW_BEFORE = re.compile(r"(?i)\b(?:several|a\s+few|a\s+couple\s+of|many)\s+$")
_A_BEFORE = re.compile(r"(?i)\b(?:an?|half\s+an?)\s+$")
# What a digit may start besides a plain number, tried in this order: an id or phone
# number (skipped), a clock time, a year span ("2018-19", "1990s").
_SPECIAL = re.compile(
    r"(?P<id>\+?\d+(?:[-/]\d+){2,})"
    r"|(?P<time>\d{1,2}(?::\d{2}(?::\d{2})?(?:\s*(?:[ap]\.m\.|[AP]\.M\.|[ap]m\b|[AP]M\b))?"
    r"|\s*(?:[ap]\.m\.|[AP]\.M\.|[ap]m\b|[AP]M\b))|\d{4}\s*(?:GMT|UTC|GMT|hrs)\b)"
    r"|(?P<year>(?:19|20)\d\d(?:[-–/](?:\d\d|(?:19|20)\d\d))?s?(?![\w,]|\.\d))"
)
_MONTH_NAMES = tuple(_LEX["months"])
_MONTH_INITIALS = frozenset(m[0] for m in _MONTH_NAMES)
_MONTH_AFTER = re.compile(r"\s+(?:" + _MONTHS + r")\b")
_WORD_BEFORE = re.compile(r"([A-Za-z']+)\W*$")
_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
_NAME_HYPHEN = re.compile(r"([\w.]+)-$")
_YEAR_PREV = words(
    """
    in since by until till from during of early late mid before after the this its his her
    their year fiscal through between and to or circa spring summer autumn fall winter
    """
)
_HYPHEN_SCALE = re.compile(r"-(?i:(thousand|million|billion|trillion))\b")
_NAME_OK = frozenset(["mid", "pre", "post", "early", "late"])

# Bytes tables for the anchor scan: ASCII word characters kept, everything else a space;
# digits marked "0" and everything else a space.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_TO_SPACE = bytes(c if c in _WORD_BYTES else 32 for c in range(256))
_DIGIT_MASK = bytes(48 if 48 <= c <= 57 else 32 for c in range(256))
# Each anchor word as the folded token that reveals it ("tens" reveals "tens of").
_HIT: dict[bytes, str] = {w.encode(): w for w in NUMBER_WORDS}
_HIT |= {b"tens": "tens of", b"scores": "scores of"}
# Hyphenated spellings of the same anchors ("tens-of-thousands").
_HIT_ALT: dict[bytes, tuple[str, ...]] = {b"tens": ("tens-of",), b"scores": ("scores-of",)}
_HIT_TOKENS = frozenset(_HIT)

# A parsed number still to be widened by ``decorate``: (start, end, value, kind, scale).
_Bare = tuple[int, int, float, str, int]


def _anchors(text: str) -> list[int]:
    """Where a number may start: the starts of ``ANCHOR``'s matches, found without it.

    Scanning a paragraph with the anchor regex costs a failed prefix-tree match at
    every word. Here C does the scanning: the ASCII-folded text is split into words
    and intersected with the number words, digits are found with ``bytes.find``, and
    Python only checks the word boundaries of the few real hits.
    """
    low = text.lower()
    n = len(low)
    if n != len(text):  # lower-casing changed the length: offsets must come from text
        return [m.start() for m in ANCHOR_ANY_CASE.finditer(text)]
    folded = low.encode("ascii", "replace")  # one byte per character, "?" for non-ASCII
    if not low.isascii():
        i = folded.find(63)
        while i >= 0:
            if low[i].isdecimal():  # a non-ASCII digit: leave it to the regex
                return [m.start() for m in ANCHOR.finditer(low)]
            i = folded.find(63, i + 1)
    out: list[int] = []
    for tok in _HIT_TOKENS.intersection(folded.translate(_TO_SPACE).split()):
        for w in (_HIT[tok], *_HIT_ALT.get(tok, ())):
            size = len(w)
            i = low.find(w)
            while i >= 0:
                j = i + size
                if (i == 0 or not (low[i - 1].isalnum() or low[i - 1] == "_")) and (
                    j == n or not (low[j].isalnum() or low[j] == "_")
                ):
                    out.append(i)
                i = low.find(w, i + 1)
    mask = folded.translate(_DIGIT_MASK)
    i = mask.find(48)
    while i >= 0:
        if i == 0:
            out.append(0)
        else:
            c = low[i - 1]
            if c == ".":  # ".5" starts at its point, "3.5" has no anchor at "5"
                if i == 1 or not (low[i - 2].isalnum() or low[i - 2] in "_."):
                    out.append(i - 1)
            elif not (c.isalnum() or c == "_"):
                out.append(i)
        i = mask.find(32, i)
        if i < 0:
            break
        i = mask.find(48, i)
    if len(out) > 1:
        out.sort()
    return out


def _vague(text: str, a: int, hi: int) -> NumberExpr | None:
    m = _VAGUE_RE.match(text, a, hi)
    if m is None:
        return None
    low, high = VAGUE[m.group(1).lower()]
    if m.group(2):
        s = SCALES[m.group(2).lower()[:-1]]
        low, high = low * s, (high + 1) * s - 1
    return NumberExpr(a, m.end(), text[a : m.end()], None, low, high, True, "range")


def _month_before(text: str, s: int) -> bool:
    """A month name, then white space, right before ``s`` ("March 13"), within 12 characters."""
    lo = max(0, s - 12)
    j = s
    while j > lo and text[j - 1].isspace():
        j -= 1
    return j < s and text.endswith(_MONTH_NAMES, lo, j)


def _month_after(text: str, e: int) -> bool:
    """White space, then a month name, right after ``e`` ("13 March")."""
    if e >= len(text) or not text[e].isspace():
        return False
    nxt = text[e + 1 : e + 2]
    if nxt and not nxt.isspace() and nxt not in _MONTH_INITIALS:
        return False
    return _MONTH_AFTER.match(text, e) is not None


def _kind_of_plain(text: str, s: int, e: int, value: float) -> str:
    """Tell a bare integer's kind: year ("in 2019"), day of month ("March 13") or count."""
    if 1 <= value <= 31 and (_month_before(text, s) or _month_after(text, e)):
        return "other"
    if e - s != 4 or not 1900 <= value <= 2100:
        return "count"
    prev = _WORD_BEFORE.search(text, max(0, s - 25), s)
    if prev and (prev.group(1).lower() in _YEAR_PREV or prev.group(1).endswith("'s")):
        return "year"
    # Wire style writes counts of 1,000 and more with a comma, so a bare 19xx/20xx is a
    # year unless a bound word shows it is an amount ("some 2000 troops").
    return "count" if bound_before(text, s) else "year"


def _core_expr(text: str, a: int, hi: int) -> NumberExpr | _Bare | int:
    """Read the number anchored at ``a``.

    Returns a finished expression (vague amounts), a bare number for ``decorate``,
    or an int: nothing here, resume scanning there.
    """
    if text[a].isdigit() or text[a] == ".":
        if a > 0 and text[a - 1] == "-":
            name = _NAME_HYPHEN.search(text, max(0, a - 20), a)
            if name and name.group(1).lower() not in _NAME_OK and not name.group(1)[0].isdigit():
                return a + 1
        if (m := _SPECIAL.match(text, a, hi)) is not None:
            if m.lastgroup == "id":
                return m.end()
            got = m.group()
            if m.lastgroup == "time":
                hour = got[:2] if got[1:2].isdigit() else got[:1]  # "10:30", "1am", "9 p.m."
                return (a, m.end(), float(hour), "time", 1)
            if got != got[:4]:
                return (a, m.end(), float(got[:4]), "year", 1)
    else:
        word_end = a
        while word_end < hi and text[word_end].isalpha():
            word_end += 1
        word = text[a:word_end].lower()
        if word in _VAGUE_HEADS and (v := _vague(text, a, hi)) is not None:
            return v
        if word in ("hundred", "thousand", "million", "billion", "dozen"):
            few = _FEW_BEFORE.search(text, max(0, a - 20), a)
            if few is not None:
                low, high = VAGUE["dozens" if word == "dozen" else word + "s"]
                s = few.start()
                return NumberExpr(s, word_end, text[s:word_end], None, low, high, True, "range")
        if word in SCALES or word in FRACTIONS or word == "dozen":  # "a dozen", "a half"
            art = _A_BEFORE.search(text, max(0, a - 8), a)
            if art is not None:
                a = art.start()
    parsed = parse_number(text, a, hi)
    if parsed is None:
        return a + 1
    value, end, scale, frac, ntok, pkind = parsed
    if pkind == "num" and scale == 1 and (m := _HYPHEN_SCALE.match(text, end, hi)):
        scale = SCALES[m.group(1).lower()]  # "41-thousand people": one number
        value, end = value * scale, m.end()
    if pkind == "attached":
        return end
    if pkind in ("ord", "dec"):
        kind = "ordinal" if pkind == "ord" else "year" if end - a == 5 else "other"
        return (a, end, value, kind, 1)
    phrase = text[a:end]
    low_phrase = phrase.lower()
    if ntok == 1 and not phrase[0].isdigit():
        if low_phrase == "one":
            prev = _WORD_BEFORE.search(text, max(0, a - 20), a)
            nxt = _WORD_AFTER.match(text, end, hi)
            if (prev and prev.group(1).lower() in _ONE_DET) or (
                nxt and nxt.group(1).lower() in _ONE_FOLLOW
            ):
                return end
        elif low_phrase in FRACTIONS and low_phrase != "half":
            if low_phrase in ORDINALS:
                return (a, end, ORDINALS[low_phrase], "ordinal", 1)
            return end
    if (
        frac
        and ntok == 2
        and low_phrase.split()[-1] in ORDINALS
        and not text.startswith(" of", end)
    ):
        return a + 2  # "a third time" is an ordinal, read at the next anchor
    kind = "count"
    if pkind == "pc":
        kind = "percent"
    elif frac and scale == 1:
        kind = "other"
    elif scale == 1 and phrase.isdigit():
        kind = _kind_of_plain(text, a, end, value)
    return (a, end, value, kind, scale)


def find_numbers(text: str) -> list[NumberExpr]:
    """Find the number expressions of one paragraph.

    Args:
        text: A paragraph's text.

    Returns:
        Non-overlapping expressions in text order, offsets into ``text``. Spans
        include currency signs, bound words ("more than", "about") and range
        words ("between ... and ..."), so a figure can start where its number does.
    """
    hi = len(text)
    items: list[tuple[NumberExpr, int]] = []
    pos = 0
    for a in _anchors(text):
        if a < pos:
            continue
        got = _core_expr(text, a, hi)
        if isinstance(got, int):
            pos = max(pos, got if got > a else a + 1)
            continue
        if isinstance(got, NumberExpr):
            x, scale = got, 1
        else:
            s, e, value, kind, scale = got
            x = decorate(text, s, e, value, kind, hi)
        if items and x.start < items[-1][0].end:
            x = _replace_start(x, items[-1][0].end, text)
        items.append((x, scale))
        pos = x.end
    return merge_ranges(text, items)


def _replace_start(x: NumberExpr, start: int, text: str) -> NumberExpr:
    """Clip ``x`` so it starts at ``start`` (bound words already used by the previous number)."""
    while start < x.end and text[start].isspace():
        start += 1
    return NumberExpr(
        start, x.end, text[start : x.end], x.value, x.low, x.high, x.approx, x.bound, x.kind, x.unit
    )
