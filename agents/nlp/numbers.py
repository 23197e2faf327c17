"""Number expressions in one paragraph: counts, money, percentages, ranges, years.

Conventions for vague amounts (all ``bound="range"``, ``approx=True``): a plural
scale word "Xs (of)" means ``[2X, 10X-1]`` ("hundreds" = 200-999, "thousands" =
2,000-9,999); "tens of X" means ``[20X, 100X-1]`` and "hundreds of X" means
``[200X, 1000X-1]``; "dozens" = 24-99 and "scores of" = 40-99 (kept below
"hundreds"); "several/a few/many X" reads as "Xs". "a dozen" is 12 with
``bound="about"``. Any bound word other than an explicit range sets ``approx``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.nlp.types import NumberExpr

__all__ = ["find_numbers", "lexicon"]


def _words(text: str) -> frozenset[str]:
    """A word set written as one space-separated string (keeps long lists compact)."""
    return frozenset(text.split())


_DATA = Path(__file__).resolve().parent.parent / "data" / "numbers" / "lexicon.json"


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The shipped word lists (read once)."""
    with _DATA.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


_LEX = lexicon()
_UNITS: dict[str, int] = _LEX["units"]
_TENS: dict[str, int] = _LEX["tens"]
_SCALES: dict[str, int] = _LEX["scales"]
_SUFFIX_SCALES: dict[str, int] = _LEX["suffix_scales"]
_ORDINALS: dict[str, int] = _LEX["ordinals"]
_FRACTIONS: dict[str, float] = _LEX["fractions"]
_VAGUE: dict[str, list[int]] = _LEX["vague"]
_CUR_WORDS: dict[str, str] = _LEX["currency_words"]
_ONE_DET = frozenset(_LEX["one_determiners"])
_ONE_FOLLOW = frozenset(_LEX["one_followers"])
_MONTHS = "|".join(re.escape(m) for m in _LEX["months"])
_ISO = "|".join(_LEX["iso_codes"])


def _alt(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _trie(words: Any) -> str:
    """A regex alternation shaped as a prefix tree: far faster to scan than a flat one."""
    tree: dict[str, Any] = {}
    for w in words:
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


_WORDS = {
    *_UNITS,
    *_TENS,
    *_ORDINALS,
    *_FRACTIONS,
    "dozen",
    "hundreds",
    "thousands",
    "dozens",
    "millions",
    "billions",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "lakh",
    "lakhs",
    "crore",
    "crores",
}
# Scanned over the lower-cased paragraph: a case-sensitive prefix tree is ~3x faster.
_ANCHOR = re.compile(r"\b(?:" + _trie(_WORDS | {"tens of", "scores of"}) + r")\b|(?<![\w.])\.?\d")
_ANCHOR_ANY_CASE = re.compile(_ANCHOR.pattern, re.IGNORECASE)
# The last word of every bound phrase: the costly bound regex runs only after one of these.
_BOUND_LAST = _words(
    """
    than to equal equals equaling equalling over above exceed exceeds exceeded exceeding
    surpass surpasses surpassed surpassing least of under below most as about around roughly
    some nearly almost approximately estimated approx. close circa less minus negative
    """
)
_TOK = re.compile(
    r"\s*(?:(?P<dig>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:\.\d+)?"
    r"|\d{1,3}(?: \d{3}){2,}(?:\.\d+)?|\d+(?:\.\d+)?"
    r"|\.\d+)(?P<suf>[A-Za-z]+)?|(?P<word>[A-Za-z]+)(?:[ \t]*-[ \t]*(?P<word2>[A-Za-z]+))?)"
)
_VAGUE_RE = re.compile(
    r"(?i)(tens|hundreds|thousands|dozens|scores|millions|billions)"
    r"(?:\s+of\s+(thousands|millions|billions))?\b"
)
_FEW_BEFORE = re.compile(r"(?i)\b(?:several|a\s+few|a\s+couple\s+of|many)\s+$")
_A_BEFORE = re.compile(r"(?i)\b(?:an?|half\s+an?)\s+$")
_TIME = re.compile(
    r"\d{1,2}(?::\d{2}(?::\d{2})?(?:\s*(?:[ap]\.m\.|[AP]\.M\.|[ap]m\b|[AP]M\b))?"
    r"|\s*(?:[ap]\.m\.|[AP]\.M\.|[ap]m\b|[AP]M\b))|\d{4}\s*(?:GMT|UTC|GMT|hrs)\b"
)
_YEAR_SPAN = re.compile(r"(?:19|20)\d\d(?:[-–/](?:\d\d|(?:19|20)\d\d))?s?(?![\w,]|\.\d)")
_IDLIKE = re.compile(r"\+?\d+(?:[-/]\d+){2,}")
_CUR_BEFORE = re.compile(
    r"(?:\b(?:US|A|C|HK|NZ|S|NT|R)?\$|[€£¥₹₦₩₽₺₴$]|\bRs\.?|\b(?:" + _ISO + r"))\s?$"
)
_BOUND_BEFORE = re.compile(
    r"(?i)\b(?:(?P<at_least>(?:greater|higher|bigger|larger|more)(?: than)? or equal (?:to|than)"
    r"|equal to or (?:more|greater|higher|larger) than|at least or equal to|more than|greater than"
    r"|higher than|larger than|bigger than|no less than|no fewer than|not less than|at least"
    r"|upwards of|in excess of|a minimum of|well over|just over|well above|over|above|exceed(?:s|ed"
    r"|ing)?|surpass(?:es|ed|ing)?)"
    r"|(?P<at_most>(?:less|fewer|lower|smaller)(?: than)? or equal (?:to|than)|equal to or (?:less"
    r"|fewer|lower|smaller) than|at most or equal to|as many as|as much as|up to|no more than"
    r"|not more than|fewer than|less than|lower than|smaller than|a maximum of|at most|just under"
    r"|just below|under|below)"
    r"|(?P<about>about|around|roughly|some|nearly|almost|approximately|an estimated|estimated"
    r"|approx\.|close to|circa|more or less)"
    r"|(?P<equal>equals? to|equals|equal|equall?ing(?: to)?))\s+(?:(?:minus|negative)\s+)?$"
)
_NEG_BEFORE = re.compile(r"(?i)\b(?:minus|negative)\s+$")
_PCT_AFTER = re.compile(
    r"(?i)[ \t]*(?:%|percentage points?\b|percentage\b|percents?\b|per ?cent\b|pct\b)"
)
_CUR_AFTER = re.compile(
    r"(?i)\s+(?:(?P<q>u\.s\.|us|american|canadian|australian|hong kong|new zealand|singapore"
    r"|egyptian|syrian|lebanese|sudanese)\s+)?(?P<w>" + _alt(_CUR_WORDS) + r")\b"
    r"|\s?(?P<iso>(?-i:" + _ISO + r"))\b"
)
_QUALIFIED = {
    "canadian": "CAD",
    "australian": "AUD",
    "hong kong": "HKD",
    "new zealand": "NZD",
    "singapore": "SGD",
    "egyptian": "EGP",
    "syrian": "SYP",
    "lebanese": "LBP",
    "sudanese": "SDG",
}
_MORE_AFTER = re.compile(
    r"(?i)\+|-?plus\b|\s+(?:or|and)\s+(?:more|above|greater|higher|over|larger|bigger)"
    r"(?:\s+than)?(?:\s+or\s+equal(?:\s+to(?:\s+it)?)?)?"
)
_LESS_AFTER = re.compile(r"(?i)\s+or\s+(?:less|fewer|below|under|lower|smaller)(?:\s+than)?")
_EQUAL_AFTER = re.compile(r"(?i)\s+or\s+equal(?:\s+to(?:\s+it)?)?")
_ODD_AFTER = re.compile(r"(?i)-odd\b|\s+or\s+so\b")
_MONTH_BEFORE = re.compile(r"(?:" + _MONTHS + r")\s+$")
_MONTH_AFTER = re.compile(r"\s+(?:" + _MONTHS + r")\b")
_WORD_BEFORE = re.compile(r"([A-Za-z']+)\W*$")
_WORD_AFTER = re.compile(r"\s+([A-Za-z]+)")
_NAME_HYPHEN = re.compile(r"([\w.]+)-$")
_GROUP_SEP = re.compile(r"[, \u00a0\u202f\u2009]")
_YEAR_PREV = _words(
    """
    in since by until till from during of early late mid before after the this its his her
    their year fiscal through between and to or circa spring summer autumn fall winter
    """
)
_CONNECT = re.compile(r"(?i)\s*(?:-|–|—|to|through|and)\s*")
_PAIR = re.compile(r"(?i)\s*(?:,|and|,\s*and|but)\s*")
_RANGE_PRE = re.compile(r"(?i)\b(between|from)\s+$")
_NAME_OK = frozenset(["mid", "pre", "post", "early", "late"])
_INF = float("inf")

# Token: (kind, value, start, end, is_digits_plain)
_Tok = tuple[str, float, int, int, bool]


def _token(text: str, pos: int, hi: int) -> _Tok | None:
    m = _TOK.match(text, pos, hi)
    if m is None:
        return None
    dig = m.group("dig")
    if dig is not None:
        s, e = m.start("dig"), m.end()
        value = float(_GROUP_SEP.sub("", dig))
        suf = m.group("suf")
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
    word = m.group("word").lower()
    s, e = m.start("word"), m.end("word")
    w2 = (m.group("word2") or "").lower()
    if word in _TENS:
        if w2 in _UNITS and 0 < _UNITS[w2] < 10:
            return ("num", _TENS[word] + _UNITS[w2], s, m.end(), False)
        if w2 in _ORDINALS and _ORDINALS[w2] < 10:
            return ("ord", _TENS[word] + _ORDINALS[w2], s, m.end(), False)
        return ("tens", _TENS[word], s, e, False)
    if word in _UNITS:
        if w2 in _FRACTIONS or w2 == "fourth" or w2 == "fourths":
            return ("frac", _UNITS[word] * _FRACTIONS.get(w2, 0.25), s, m.end(), False)
        return ("num", _UNITS[word], s, e, False)
    if word == "hundred":
        return ("hundred", 100, s, e, False)
    if word in _SCALES:
        return ("scale", _SCALES[word], s, e, len(word) > 3 or word == "lakh")
    if word in _FRACTIONS:
        return ("frac", _FRACTIONS[word], s, e, False)
    if word in ("dozen", "dozens"):
        return ("dozen", 12, s, e, False)
    if word in ("a", "an", "and", "of"):
        return (word if word != "an" else "a", 0, s, e, False)
    if word in _ORDINALS:
        return ("ord", _ORDINALS[word], s, e, False)
    return None


def _parse(text: str, pos: int, hi: int) -> tuple[float, int, int, bool, int, str] | None:
    """Read a number phrase at ``pos``: (value, end, largest scale, fraction?, tokens, kind)."""
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


def _vague(text: str, a: int, hi: int) -> NumberExpr | None:
    m = _VAGUE_RE.match(text, a, hi)
    if m is None:
        return None
    low, high = _VAGUE[m.group(1).lower()]
    if m.group(2):
        s = _SCALES[m.group(2).lower()[:-1]]
        low, high = low * s, (high + 1) * s - 1
    return NumberExpr(a, m.end(), text[a : m.end()], None, low, high, True, "range")


def _kind_of_plain(text: str, s: int, e: int, value: float) -> str:
    """Tell a bare integer's kind: year ("in 2019"), day of month ("March 13") or count."""
    if 1 <= value <= 31 and (
        _MONTH_BEFORE.search(text, max(0, s - 12), s) or _MONTH_AFTER.match(text, e)
    ):
        return "other"
    if e - s != 4 or not 1900 <= value <= 2100:
        return "count"
    prev = _WORD_BEFORE.search(text, max(0, s - 25), s)
    if prev and (prev.group(1).lower() in _YEAR_PREV or prev.group(1).endswith("'s")):
        return "year"
    # Wire style writes counts of 1,000 and more with a comma, so a bare 19xx/20xx is a
    # year unless a bound word shows it is an amount ("some 2000 troops").
    bounded = _last_word(text, s) in _BOUND_LAST and _BOUND_BEFORE.search(text, max(0, s - 48), s)
    return "count" if bounded else "year"


def _core_expr(text: str, a: int, hi: int) -> tuple[NumberExpr, int] | int:
    """Build the expression anchored at ``a``; an int means "nothing here, resume there"."""
    if text[a].isdigit() or text[a] == ".":
        if a > 0 and text[a - 1] == "-":
            name = _NAME_HYPHEN.search(text, max(0, a - 20), a)
            if name and name.group(1).lower() not in _NAME_OK and not name.group(1)[0].isdigit():
                return a + 1
        if (m := _IDLIKE.match(text, a, hi)) is not None:
            return m.end()
        if (m := _TIME.match(text, a, hi)) is not None:
            return NumberExpr(
                a, m.end(), m.group(), float(m.group()[:2].rstrip(":")), kind="time"
            ), 1
        if (m := _YEAR_SPAN.match(text, a, hi)) is not None and m.group() != m.group()[:4]:
            return NumberExpr(a, m.end(), m.group(), float(m.group()[:4]), kind="year"), 1
    else:
        if (v := _vague(text, a, hi)) is not None:
            return v, 1
        word_end = a
        while word_end < hi and text[word_end].isalpha():
            word_end += 1
        word = text[a:word_end].lower()
        if word in ("hundred", "thousand", "million", "billion", "dozen"):
            few = _FEW_BEFORE.search(text, max(0, a - 20), a)
            if few is not None:
                low, high = _VAGUE["dozens" if word == "dozen" else word + "s"]
                return NumberExpr(
                    few.start(),
                    word_end,
                    text[few.start() : word_end],
                    None,
                    low,
                    high,
                    True,
                    "range",
                ), 1
        if word in _SCALES or word in _FRACTIONS or word == "dozen":  # "a dozen", "a half"
            art = _A_BEFORE.search(text, max(0, a - 8), a)
            if art is not None:
                a = art.start()
    parsed = _parse(text, a, hi)
    if parsed is None:
        return a + 1
    value, end, scale, frac, ntok, pkind = parsed
    phrase = text[a:end]
    kind = "count"
    if pkind == "attached":
        return end
    if pkind in ("ord", "dec"):
        kind = "ordinal" if pkind == "ord" else ("year" if end - a == 5 else "other")
        return NumberExpr(a, end, phrase, value, kind=kind), 1
    low_phrase = phrase.lower()
    if ntok == 1 and not phrase[0].isdigit():
        if low_phrase == "one":
            prev = _WORD_BEFORE.search(text, max(0, a - 20), a)
            nxt = _WORD_AFTER.match(text, end, hi)
            if (prev and prev.group(1).lower() in _ONE_DET) or (
                nxt and nxt.group(1).lower() in _ONE_FOLLOW
            ):
                return end
        elif low_phrase in _FRACTIONS and low_phrase != "half":
            if low_phrase in _ORDINALS:
                return NumberExpr(a, end, phrase, _ORDINALS[low_phrase], kind="ordinal"), 1
            return end
    if (
        frac
        and ntok == 2
        and low_phrase.split()[-1] in _ORDINALS
        and not text.startswith(" of", end)
    ):
        return a + 2  # "a third time" is an ordinal, read at the next anchor
    if pkind == "pc":
        kind = "percent"
    elif frac and scale == 1:
        kind = "other"
    elif scale == 1 and phrase.isdigit():
        kind = _kind_of_plain(text, a, end, value)
    return NumberExpr(a, end, phrase, value, kind=kind), scale


def _decorate(text: str, x: NumberExpr, hi: int) -> NumberExpr:
    """Add currency, percent, sign and bound words around a bare number."""
    s, e, value = x.start, x.end, x.value
    kind, unit, bound, approx = x.kind, x.unit, x.bound, x.approx
    if kind in ("year", "ordinal", "time") or (kind == "other" and value == int(value or 0)):
        return x
    if kind == "percent":
        unit = "%"
    elif (m := _PCT_AFTER.match(text, e, hi)) is not None:
        kind, unit, e = "percent", ("percentage point" if "point" in m.group() else "%"), m.end()
    elif (m := _CUR_BEFORE.search(text, max(0, s - 6), s)) is not None:
        sym = m.group().strip().lower().rstrip(".")
        kind, s = "money", m.start()
        unit = _LEX["currency_symbols"].get(sym) or sym.upper()
    if kind != "percent" and (m := _CUR_AFTER.match(text, e, hi)) is not None:
        word, qual = (m.group("w") or "").lower(), (m.group("q") or "").lower()
        if m.group("iso") or qual or word not in ("pound", "pounds", "won", "real"):
            kind, e = "money", m.end()
            unit = m.group("iso") or _QUALIFIED.get(qual) or _CUR_WORDS.get(word, unit)
    if kind == "money" and unit == "RMB":
        unit = "CNY"
    if _last_word(text, s) not in _BOUND_LAST:
        pass
    elif value is not None and (m := _NEG_BEFORE.search(text, max(0, s - 12), s)) is not None:
        value, s = -value, m.start()
    if (
        _last_word(text, s) in _BOUND_LAST
        and (m := _BOUND_BEFORE.search(text, max(0, s - 48), s)) is not None
    ):
        name = m.lastgroup or "equal"
        s = m.start()
        if name != "equal":
            bound, approx = name, True  # type: ignore[assignment]
    elif x.text.lower().startswith(("a dozen", "an dozen")):
        bound, approx = "about", True
    for rx, new in (
        (_MORE_AFTER, "at_least"),
        (_LESS_AFTER, "at_most"),
        (_EQUAL_AFTER, None),
        (_ODD_AFTER, "about"),
    ):
        m = rx.match(text, e, hi)
        if m is not None and not _ANCHOR_ANY_CASE.match(text, _skip_space(text, m.end(), hi), hi):
            e = m.end()
            if new is not None:
                bound, approx = new, True  # type: ignore[assignment]
    return NumberExpr(s, e, text[s:e], value, x.low, x.high, approx, bound, kind, unit)  # type: ignore[arg-type]


def _last_word(text: str, s: int) -> str:
    j = s
    while j > 0 and text[j - 1].isspace():
        j -= 1
    i = j
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:j].lower()


def _skip_space(text: str, i: int, hi: int) -> int:
    while i < hi and text[i].isspace():
        i += 1
    return i


def _merge(text: str, items: list[tuple[NumberExpr, int]]) -> list[NumberExpr]:
    """Join "20 to 30", "between 20 and 30", "$3-5 billion", "more than 10 and less than 40"."""
    out: list[NumberExpr] = []
    i = 0
    while i < len(items):
        x, xs = items[i]
        if i + 1 < len(items):
            y, ys = items[i + 1]
            merged = _pair(text, x, xs, y, ys)
            if merged is not None:
                out.append(merged)
                i += 2
                continue
        out.append(x)
        i += 1
    return out


def _pair(text: str, x: NumberExpr, xs: int, y: NumberExpr, ys: int) -> NumberExpr | None:
    counted = ("count", "money", "percent")
    if x.kind not in counted or y.kind not in counted or x.value is None or y.value is None:
        return None
    if x.kind != "count" and y.kind != "count" and x.kind != y.kind:
        return None
    lo, hi, start = x.value, y.value, x.start
    if (
        x.bound == "exact"
        and y.bound == "exact"
        and (c := _CONNECT.fullmatch(text, x.end, y.start)) is not None
    ):
        pre = _RANGE_PRE.search(text, max(0, x.start - 10), x.start)
        conn = c.group().strip().lower()
        if conn == "and" and (pre is None or pre.group(1).lower() != "between"):
            return None
        if pre is not None:
            start = pre.start()
        if ys > 1 and xs == 1 and lo * ys < hi:
            lo *= ys  # "3 to 5 million": the scale belongs to both ends
    elif x.bound == "at_least" and y.bound == "at_most" and _PAIR.fullmatch(text, x.end, y.start):
        pass
    elif x.bound == "at_most" and y.bound == "at_least" and _PAIR.fullmatch(text, x.end, y.start):
        lo, hi = hi, lo
    else:
        return None
    if not lo < hi:
        return None
    kind = y.kind if x.kind == "count" else x.kind
    unit = y.unit or x.unit
    return NumberExpr(
        start, y.end, text[start : y.end], None, lo, hi, x.approx or y.approx, "range", kind, unit
    )  # type: ignore[arg-type]


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
    low = text.lower()
    anchors = _ANCHOR.finditer(low) if len(low) == hi else _ANCHOR_ANY_CASE.finditer(text)
    for m in anchors:
        if m.start() < pos:
            continue
        got = _core_expr(text, m.start(), hi)
        if isinstance(got, int):
            pos = max(pos, got if got > m.start() else m.start() + 1)
            continue
        x, scale = got
        if x.low is None:
            x = _decorate(text, x, hi)
        if items and x.start < items[-1][0].end:
            x = _replace_start(x, items[-1][0].end, text)
        items.append((x, scale))
        pos = x.end
    return _merge(text, items)


def _replace_start(x: NumberExpr, start: int, text: str) -> NumberExpr:
    """Clip ``x`` so it starts at ``start`` (bound words already used by the previous number)."""
    start = _skip_space(text, start, x.end)
    return NumberExpr(
        start, x.end, text[start : x.end], x.value, x.low, x.high, x.approx, x.bound, x.kind, x.unit
    )
