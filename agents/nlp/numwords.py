"""Number words: the shipped word lists and the parser of one number phrase.

``parse_number`` reads the longest number phrase at a position, digits or words:
"3,000", "2.5 million", "one hundred and twenty", "one and a half thousand",
"Twenty-five", "21st". It knows nothing of the words around the phrase (bound
words, currencies, ranges); ``numbers.py`` and ``numcontext.py`` add those.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "ANCHOR",
    "ANCHOR_ANY_CASE",
    "FRACTIONS",
    "NUMBER_WORDS",
    "ORDINALS",
    "SCALES",
    "UNITS",
    "VAGUE",
    "lexicon",
    "parse_number",
    "trie",
    "words",
]


def words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string (keeps long lists compact)."""
    return frozenset(text.split())


_DATA = Path(__file__).resolve().parent.parent / "data" / "numbers" / "lexicon.json"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The shipped word lists (read once)."""
    with _DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def trie(items: Any) -> str:
    """A regex alternation shaped as a prefix tree: far faster to scan than a flat one."""
    tree: dict[str, Any] = {}
    for w in items:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(tree)


_LEX = lexicon()
UNITS: dict[str, int] = _LEX["units"]
_TENS: dict[str, int] = _LEX["tens"]
SCALES: dict[str, int] = _LEX["scales"]
_SUFFIX_SCALES: dict[str, int] = _LEX["suffix_scales"]
ORDINALS: dict[str, int] = _LEX["ordinals"]
FRACTIONS: dict[str, float] = _LEX["fractions"]
VAGUE: dict[str, list[int]] = _LEX["vague"]

# Every word that can start a number phrase (a number may also start with a digit).
NUMBER_WORDS = frozenset(
    {
        *UNITS,
        *_TENS,
        *ORDINALS,
        *FRACTIONS,
        *words(
            """
            dozen hundreds thousands dozens millions billions hundred thousand million billion
            trillion lakh lakhs crore crores
            """
        ),
    }
)
# Where a number may start: a number word (over lower-cased text) or a digit.
ANCHOR = re.compile(
    r"\b(?:" + trie(NUMBER_WORDS | {"tens of", "scores of"}) + r")\b|(?<![\w.])\.?\d"
)
ANCHOR_ANY_CASE = re.compile(ANCHOR.pattern, re.IGNORECASE)
_TOK = re.compile(
    r"\s*(?:(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?: \d{3}){2,}(?:\.\d+)?|\d+(?:\.\d+)?"
    r"|\.\d+)([A-Za-z]+)?|([A-Za-z]+)(?:[ \t]*-[ \t]*([A-Za-z]+))?)"
)
_GROUP_SEP = re.compile(r"[, \u00a0\u202f\u2009]")
_INF = float("inf")

# Token: (kind, value, start, end, is_digits_plain)
_Tok = tuple[str, float, int, int, bool]
# Word tokens that never depend on a second, hyphenated word.
_SIMPLE: dict[str, tuple[str, float, bool]] = {
    "hundred": ("hundred", 100, False),
    **{w: ("scale", v, len(w) > 3 or w == "lakh") for w, v in SCALES.items() if w != "hundred"},
    **{w: ("frac", v, False) for w, v in FRACTIONS.items()},
    "dozen": ("dozen", 12, False),
    "dozens": ("dozen", 12, False),
    "a": ("a", 0, False),
    "an": ("a", 0, False),
    "and": ("and", 0, False),
    "of": ("of", 0, False),
    **{w: ("ord", v, False) for w, v in ORDINALS.items() if w not in FRACTIONS},
}


def _digits(text: str, m: re.Match[str], dig: str) -> _Tok:
    """The token of a digit group, with its suffix ("21st", "1990s", "4.2bn", "180ml")."""
    s, e = m.start(1), m.end()
    value = float(_GROUP_SEP.sub("", dig) if len(dig) > 3 else dig)
    suf = m.group(2)
    if suf is None:
        return ("num", value, s, e, dig.isdigit())
    low = suf.lower()
    if low in ("st", "nd", "rd", "th"):
        return ("ord", value, s, e, False)
    if low == "s":
        return ("dec", value, s, e, False)
    if low == "pc":
        return ("pc", value, s, e, False)
    if suf in _SUFFIX_SCALES and (suf not in ("m", "M") or (s > 0 and text[s - 1] in "$€£¥")):
        return ("num", value * _SUFFIX_SCALES[suf], s, e, False)
    return ("attached", value, s, e, False)


def _token(text: str, pos: int, hi: int) -> _Tok | None:
    m = _TOK.match(text, pos, hi)
    if m is None:
        return None
    dig, _, word, w2 = m.groups()
    if dig is not None:
        return _digits(text, m, dig)
    word = word.lower()
    s, e = m.start(3), m.end(3)
    if word in _TENS:
        w2 = (w2 or "").lower()
        if w2 in UNITS and 0 < UNITS[w2] < 10:
            return ("num", _TENS[word] + UNITS[w2], s, m.end(), False)
        if w2 in ORDINALS and ORDINALS[w2] < 10:
            return ("ord", _TENS[word] + ORDINALS[w2], s, m.end(), False)
        return ("tens", _TENS[word], s, e, False)
    if word in UNITS:
        w2 = (w2 or "").lower()
        if w2 in FRACTIONS or w2 == "fourth" or w2 == "fourths":
            return ("frac", UNITS[word] * FRACTIONS.get(w2, 0.25), s, m.end(), False)
        return ("num", UNITS[word], s, e, False)
    simple = _SIMPLE.get(word)
    if simple is None:
        return None
    return (simple[0], simple[1], s, e, simple[2])


def parse_number(text: str, pos: int, hi: int) -> tuple[float, int, int, bool, int, str] | None:
    """Read the number phrase at ``pos``.

    Args:
        text: The paragraph.
        pos: Where the phrase starts (a digit, a number word, "a" or "an").
        hi: Where reading must stop.

    Returns:
        ``(value, end, largest scale, has a fraction, tokens read, kind)``, where
        kind is "num" or, for a single suffixed digit group, "ord" ("21st"),
        "dec" ("1990s"), "pc" ("5pc") or "attached" ("180ml"); None when no
        number starts at ``pos``.
    """
    total, cur, last, hundred, frac = 0.0, 0.0, _INF, False, False
    have, prev, end, scale, ntok, digits = False, "", pos, 1, 0, False
    i = pos
    while (t := _token(text, i, hi)) is not None:
        kind, v, _, te, _ = t
        if not have and kind in ("ord", "dec", "pc", "attached"):
            return (v, te, 1, False, 1, kind)
        if kind == "and":
            nt = _token(text, te, hi)
            nnt = _token(text, nt[3], hi) if nt else None
            if not have or nt is None:
                break
            if nnt and nnt[0] == "frac" and (nt[0] == "a" or (nt[0] == "num" and nt[1] < 10)):
                fv = nnt[1] * (1 if nt[0] == "a" else nt[1])
                after = _token(text, nnt[3], hi)
                if after and after[0] == "scale" and after[1] < last:
                    cur += fv
                elif cur == 0 and last < _INF:
                    total += fv * last
                else:
                    cur += fv
                i = end = nnt[3]
                prev, ntok = "frac", ntok + 3
                continue
            ok = nt[0] in ("num", "tens") and prev in ("hundred", "scale") and nt[1] != 0
            if not ok or (nnt and nnt[0] == "hundred" and hundred):
                break
            i = te
            continue
        if kind in ("num", "tens"):
            if not have:
                cur, digits = v, t[4] or text[t[2]].isdigit()
            elif (prev == "tens" and kind == "num" and 0 < v < 10 and not text[t[2]].isdigit()) or (
                prev in ("hundred", "scale")
                and v != 0
                and (
                    (hundred and cur % 100 == 0 and v < 100)
                    or (not hundred and cur == 0 and v < last)
                )
            ):
                cur += v
            else:
                break
        elif kind == "hundred":
            if hundred or (have and cur == 0) or prev in ("frac",):
                break
            cur, hundred = (cur or 1) * 100, True
            scale = max(scale, 100)
        elif kind == "scale":
            if v >= last or (not t[4] and not digits) or (prev == "a" and not t[4]):
                break
            total += (cur if have and cur else 1) * v
            cur, hundred, frac, last, scale = 0.0, False, False, v, max(scale, int(v))
        elif kind == "dozen":
            if (have and prev not in ("num", "a", "frac")) or (not have and prev != "a"):
                break
            cur = (cur or 1) * 12
        elif kind == "frac":
            if not have or prev == "a":
                cur, frac = v, True
            elif prev == "num" and not digits and cur < 20:
                cur, frac = cur * v, True
            else:
                break
        elif kind == "a":
            nt = _token(text, te, hi)
            if nt is None or nt[0] not in ("hundred", "scale", "dozen", "frac"):
                break
            if not have:
                cur = 1.0
            elif prev != "frac":
                break
            have, prev, i, ntok = True, "a", te, ntok + 1
            continue
        elif kind == "of":
            nt = _token(text, te, hi)
            if not (frac and prev == "frac" and nt and nt[0] == "a"):
                break
            i = te
            continue
        else:
            break
        have, prev, i, end, ntok = True, kind, te, te, ntok + 1
    if not have or end == pos:
        return None
    return (total + cur, end, scale, frac, ntok, "num")
