"""The words around a bare number: currency, percent, sign and bound words.

``decorate`` widens a parsed number over what wire copy writes around it ("more
than $3 billion", "12.5 per cent", "100 or more", "20-odd"). Every regex here runs
only after a cheap look at the characters next to the number shows it could match:
most numbers have no context.
"""

from __future__ import annotations

import re

from agents.nlp.numwords import ANCHOR_ANY_CASE, lexicon, trie, words
from agents.nlp.types import NumberExpr

__all__ = ["bound_before", "decorate"]

_LEX = lexicon()
_CUR_WORDS: dict[str, str] = _LEX["currency_words"]
_CUR_SYMBOLS: dict[str, str] = _LEX["currency_symbols"]
_ISO = "|".join(_LEX["iso_codes"])

# The last word of every bound phrase: the costly bound regex runs only after one of these.
_BOUND_LAST = words(
    """
    than to equal equals equaling equalling over above exceed exceeds exceeded exceeding
    surpass surpasses surpassed surpassing least of under below most as about around roughly
    some nearly almost approximately estimated approx. close closer circa less minus negative
    """
)
_LONGEST_BOUND = max(map(len, _BOUND_LAST))
_CUR_BEFORE = re.compile(
    r"(?:\b(?:US|A|C|HK|NZ|S|NT|R)?\$|[€£¥₹₦₩₽₺₴$]|\bRs\.?|\b(?:" + _ISO + r"))\s?$"
)
# What may stand right before a currency prefix's optional space: a symbol, "Rs", "Rs."
# or the last letter of an ISO code.
_CUR_LAST = frozenset("$€£¥₹₦₩₽₺₴s.ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Bound phrases as (bound, regex alternative, the last words it can end with), in the
# order the bound regex tries them. Grouped by last word, each number only tries the
# few phrases that can end with the word right before it.
_BOUND_PHRASES: tuple[tuple[str, str, str], ...] = (
    ("at_least", "(?:greater|higher|bigger|larger|more)(?: than)? or equal (?:to|than)", "to than"),
    ("at_least", "equal to or (?:more|greater|higher|larger) than", "than"),
    ("at_least", "at least or equal to", "to"),
    *(("at_least", w + " than", "than") for w in ("more", "greater", "higher", "larger")),
    *(("at_least", w + " than", "than") for w in ("bigger", "no less", "no fewer", "not less")),
    ("at_least", "at least", "least"),
    *(("at_least", w + " of", "of") for w in ("upwards", "in excess", "a minimum")),
    ("at_least", "well over", "over"),
    ("at_least", "just over", "over"),
    ("at_least", "well above", "above"),
    ("at_least", "over", "over"),
    ("at_least", "above", "above"),
    ("at_least", "exceed(?:s|ed|ing)?", "exceed exceeds exceeded exceeding"),
    ("at_least", "surpass(?:es|ed|ing)?", "surpass surpasses surpassed surpassing"),
    ("at_most", "(?:less|fewer|lower|smaller)(?: than)? or equal (?:to|than)", "to than"),
    ("at_most", "equal to or (?:less|fewer|lower|smaller) than", "than"),
    ("at_most", "at most or equal to", "to"),
    ("at_most", "as many as", "as"),
    ("at_most", "as much as", "as"),
    ("at_most", "up to", "to"),
    *(("at_most", w + " than", "than") for w in ("no more", "not more", "fewer", "less")),
    *(("at_most", w + " than", "than") for w in ("lower", "smaller")),
    ("at_most", "a maximum of", "of"),
    ("at_most", "at most", "most"),
    ("at_most", "just under", "under"),
    ("at_most", "just below", "below"),
    ("at_most", "under", "under"),
    ("at_most", "below", "below"),
    *(("about", w, w) for w in ("about", "around", "roughly", "some", "nearly", "almost")),
    ("about", "approximately", "approximately"),
    ("about", "an estimated", "estimated"),
    ("about", "estimated", "estimated"),
    ("about", r"approx\.", "approx."),
    ("about", "close to", "to"),
    ("about", "closer to", "to"),
    ("about", "circa", "circa"),
    ("about", "more or less", "less"),
    ("equal", "equals? to", "to"),
    ("equal", "equals", "equals"),
    ("equal", "equal", "equal"),
    ("equal", "equall?ing(?: to)?", "equaling equalling to"),
)
_BOUND_NAMES = ("at_least", "at_most", "about", "equal")
_NEG_WORDS = ("minus", "negative")


def _bound_regex(phrases: list[tuple[str, str, str]]) -> re.Pattern[str] | None:
    groups = []
    for name in _BOUND_NAMES:
        alts = [alt for bound, alt, _ in phrases if bound == name]
        if alts:
            groups.append(f"(?P<{name}>" + "|".join(alts) + ")")
    if not groups:
        return None
    return re.compile(
        r"(?i)\b(?:" + "|".join(groups) + r")\s+(?:(?:" + "|".join(_NEG_WORDS) + r")\s+)?$"
    )


_BOUND_BEFORE = _bound_regex(list(_BOUND_PHRASES))
# Last word -> (regex of the phrases ending with it, longest phrase). An alternative's
# match is never longer than its pattern (they use only "?", groups and escapes), so a
# match must start within that many characters of the last word's end.
_BOUND_BY_LAST = {
    w: (
        _bound_regex([p for p in _BOUND_PHRASES if w in p[2].split()]),
        max(len(p[1]) for p in _BOUND_PHRASES if w in p[2].split()),
    )
    for w in {w for p in _BOUND_PHRASES for w in p[2].split()}
}
_NEG_BEFORE = re.compile(r"(?i)\b(?:minus|negative)\s+$")
_PCT_AFTER = re.compile(
    r"(?i)[ \t]*(?:%|percentage points?\b|percentage\b|percents?\b|per ?cent\b|pct\b)"
)
_CUR_AFTER = re.compile(
    r"(?i)\s+(?:(?P<q>u\.s\.|us|american|canadian|australian|hong kong|new zealand|singapore"
    r"|egyptian|syrian|lebanese|sudanese)\s+)?(?P<w>" + trie(_CUR_WORDS) + r")\b"
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
_ISO_SET = frozenset(_LEX["iso_codes"])
# The first three letters of every word that can follow a number as its currency.
_CUR_HEADS = frozenset(w[:3] for w in [*_CUR_WORDS, *_QUALIFIED, "u.s."] if len(w) >= 3)
_MORE_AFTER = re.compile(
    r"(?i)\+|-?plus\b|\s+(?:or|and)\s+(?:more|above|greater|higher|over|larger|bigger)"
    r"(?:\s+than)?(?:\s+or\s+equal(?:\s+to(?:\s+it)?)?)?"
)
_LESS_AFTER = re.compile(r"(?i)\s+or\s+(?:less|fewer|below|under|lower|smaller)(?:\s+than)?")
_EQUAL_AFTER = re.compile(r"(?i)\s+or\s+equal(?:\s+to(?:\s+it)?)?")
_ODD_AFTER = re.compile(r"(?i)-odd\b|\s+or\s+so\b")
_AFTER = (
    (_MORE_AFTER, "at_least"),
    (_LESS_AFTER, "at_most"),
    (_EQUAL_AFTER, None),
    (_ODD_AFTER, "about"),
)


def _skip_space(text: str, i: int, hi: int) -> int:
    while i < hi and text[i].isspace():
        i += 1
    return i


def _last_token(text: str, s: int) -> tuple[str, int]:
    """The lower-cased token (no white space) before ``s`` and its end.

    The token is "" when it is longer than any bound word.
    """
    j = s
    while j > 0 and text[j - 1].isspace():
        j -= 1
    i = max(0, j - _LONGEST_BOUND - 1)
    parts = text[i:j].split()
    if not parts:
        return "", j
    tok = parts[-1]
    if i > 0 and len(tok) == j - i and not text[i - 1].isspace():
        return "", j  # the token runs on past the window: longer than any bound word
    return tok.lower(), j


def _bound_match(text: str, s: int, last: str, end: int) -> re.Match[str] | None:
    """The bound phrase before ``s`` whose last token is ``last`` (ending at ``end``), if any."""
    lo = max(0, s - 48)
    if last in _NEG_WORDS:
        return _BOUND_BEFORE.search(text, lo, s)
    rx, longest = _BOUND_BY_LAST.get(last, (None, 0))
    return None if rx is None else rx.search(text, max(lo, end - longest), s)


def bound_before(text: str, s: int) -> bool:
    """True when a bound phrase ("some", "more than") ends right before ``s``."""
    last, end = _last_token(text, s)
    return last in _BOUND_LAST and _bound_match(text, s, last, end) is not None


def _may_currency_before(text: str, s: int) -> bool:
    """Cheap test that ``_CUR_BEFORE`` can match just before ``s``."""
    j = s - 1
    if j >= 0 and text[j] == "\n":
        j -= 1  # "$" also matches before a final newline
    if j >= 0 and text[j].isspace():
        j -= 1
    return j >= max(0, s - 6) and text[j] in _CUR_LAST


def _may_currency_after(text: str, e: int, hi: int) -> bool:
    """Cheap test that ``_CUR_AFTER`` can match at ``e``: an ISO code or a currency word next."""
    if e >= hi:
        return False
    if text[e : e + 3] in _ISO_SET:
        return True
    if not text[e].isspace():
        return False
    if text[e + 1 : e + 4] in _ISO_SET:
        return True
    j = _skip_space(text, e, hi)
    head = text[j : j + 3]
    return not head.isascii() or head.lower() in _CUR_HEADS or head[:2].lower() == "us"


def _may_follow(text: str, e: int, hi: int) -> bool:
    """Cheap test that one of the ``_AFTER`` regexes can match at ``e``."""
    if e >= hi:
        return False
    c = text[e]
    if c in "+-pP":
        return True
    if not c.isspace():
        return False
    j = _skip_space(text, e, hi)
    return j < hi and text[j] in "oOaA"


def _percent_after(text: str, e: int, hi: int) -> re.Match[str] | None:
    if e >= hi:
        return None
    c = text[e]
    if c in " \t":
        j = e + 1
        while j < hi and text[j] in " \t":
            j += 1
        c = text[j] if j < hi else ""
    return _PCT_AFTER.match(text, e, hi) if c and c in "%pP" else None


def decorate(text: str, s: int, e: int, value: float | None, kind: str, hi: int) -> NumberExpr:
    """Widen the bare number ``text[s:e]`` over its currency, percent, sign and bound words.

    Args:
        text: The paragraph.
        s: Start of the bare number.
        e: End of the bare number.
        value: Its value.
        kind: Its kind as parsed ("count", "percent", "other", ...).
        hi: Where reading must stop.

    Returns:
        The number expression; years, ordinals, times and whole "other" numbers
        come back unwidened.
    """
    core = text[s:e]
    if kind in ("year", "ordinal", "time") or (kind == "other" and value == int(value or 0)):
        return NumberExpr(s, e, core, value, kind=kind)  # type: ignore[arg-type]
    unit: str | None = None
    bound, approx = "exact", False
    if kind == "percent":
        unit = "%"
    elif (m := _percent_after(text, e, hi)) is not None:
        kind, unit, e = "percent", ("percentage point" if "point" in m.group() else "%"), m.end()
    elif (
        _may_currency_before(text, s)
        and (m := _CUR_BEFORE.search(text, max(0, s - 6), s)) is not None
    ):
        sym = m.group().strip().lower().rstrip(".")
        kind, s = "money", m.start()
        unit = _CUR_SYMBOLS.get(sym) or sym.upper()
    if (
        kind != "percent"
        and _may_currency_after(text, e, hi)
        and (m := _CUR_AFTER.match(text, e, hi)) is not None
    ):
        word, qual = (m.group("w") or "").lower(), (m.group("q") or "").lower()
        if m.group("iso") or qual or word not in ("pound", "pounds", "won", "real"):
            kind, e = "money", m.end()
            unit = m.group("iso") or _QUALIFIED.get(qual) or _CUR_WORDS.get(word, unit)
    if kind == "money" and unit == "RMB":
        unit = "CNY"
    last, end = _last_token(text, s)
    if (
        last in _NEG_WORDS
        and value is not None
        and (m := _NEG_BEFORE.search(text, max(0, s - 12), s)) is not None
    ):
        value, s = -value, m.start()
        last, end = _last_token(text, s)
    if last in _BOUND_LAST and (m := _bound_match(text, s, last, end)) is not None:
        name = m.lastgroup or "equal"
        s = m.start()
        if name != "equal":
            bound, approx = name, True
    elif core.lower().startswith(("a dozen", "an dozen")):
        bound, approx = "about", True
    if _may_follow(text, e, hi):
        for rx, new in _AFTER:
            m = rx.match(text, e, hi)
            if m is not None and not ANCHOR_ANY_CASE.match(text, _skip_space(text, m.end(), hi)):
                e = m.end()
                if new is not None:
                    bound, approx = new, True
    return NumberExpr(s, e, text[s:e], value, None, None, approx, bound, kind, unit)  # type: ignore[arg-type]
