"""Date expressions in wire copy: finding them in a paragraph and resolving them.

``find_dates`` is one compiled regex pass per paragraph (no article context);
``resolve_dates`` turns each expression into a calendar day or range against the
article date. News reports the past, so an undated weekday or month is the most
recent one on or before the article date unless a modifier ("next") says otherwise.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import replace
from datetime import date, timedelta

from agents.nlp.types import DateExpr

__all__ = ["find_dates", "resolve_dates"]

_MONTH_NUM = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        )
    )
    for name in names.split()
}
_WEEKDAY_NUM = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_TWELVE = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"]
_NUM_WORD = {
    w: i + 1
    for i, w in enumerate(_TWELVE)
}
_NUM_WORD.update(a=1, an=1, several=3, few=3)

_M_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
# "May", "March" and "August" are also words or names: bare, they need a date-like lead-in.
_M_SAFE = r"(?:January|February|April|June|July|September|October|November|December)"
_M_ANY = rf"(?:{_M_FULL}|(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)"
)
_MONTH_LEAD = r"(?i:in|since|until|till|during|through|throughout|before|after|from|of|between)"

# Alternatives are tried left to right at each position, so longer forms come first.
# Lead-in words ("in", "on") sit outside the named group: the span excludes them.
_DATE_RE = re.compile(
    rf"(?P<iso>\b{_YEAR}-[01]\d-[0-3]\d\b)"
    rf"|(?P<mdy>\b{_M_ANY}\s+{_DAY}(?:\s*[-–]\s*{_DAY})?,?\s+{_YEAR}\b)"
    rf"|(?P<dmy>\b{_DAY}\s+{_M_ANY},?\s+{_YEAR}\b)"
    rf"|(?P<md>\b{_M_ANY}\s+{_DAY}(?:\s*[-–]\s*{_DAY})?\b(?![,.]?\d))"
    rf"|(?P<dm>\b{_DAY}\s+{_M_FULL}\b)"
    rf"|(?P<my>\b{_M_FULL},?\s+{_YEAR}\b)"
    rf"|(?P<mmod>\b(?i:early|mid|late|(?:the\s+)?end\s+of|last|this|next|past)[\s-]+{_M_FULL}"
    rf"(?:,?\s+{_YEAR})?\b(?!['’]s))"
    rf"|\b{_MONTH_LEAD}\s+(?P<pm>{_M_FULL})\b(?!['’]s|,?\s+\d)"
    rf"|(?P<bm>\b{_M_SAFE}\b(?!\s+[A-Z][a-z]))"
    rf"|(?P<ymod>\b(?i:early|mid|late)[\s-]+{_YEAR}\b(?![-–]))"
    rf"|\b(?i:in|since|until|during|through|throughout|before|after|from|of|by)\s+"
    rf"(?P<yr>{_YEAR})\b(?![-–,]\d)"
    rf"|(?P<wd>\b(?:(?i:earlier|later|late|early|last|next|this|past)\s+)?{_WD}\b"
    r"(?:\s+(?i:morning|afternoon|evening|night))?)"
    rf"|(?P<ago>\b{_NUM}\s+(?i:days?|weeks?|months?|years?)\s+ago\b)"
    r"|(?P<rel>\b(?i:(?:earlier|later)\s+(?:today|tonight|this\s+(?:morning|afternoon|evening|"
    r"week|month|year))|(?:last|this|next|past|coming)\s+(?:week|weekend|month|year)"
    r"|this\s+(?:morning|afternoon|evening)|last\s+night|yesterday|today|tonight|tomorrow)\b)"
)



def _trie(words: list[str]) -> str:
    """A prefix-factored alternation: one character test per failing position."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


_RELATIVE_WORDS = ["yesterday", "today", "tonight", "tomorrow", "ago", "weekend", "week",
                   "month", "year", "night", "morning", "afternoon", "evening"]
# Every date holds one of these words; the full grammar is only tried just before them.
_ANCHOR_RE = re.compile(r"\b(?:" + _trie(
    [*(n.capitalize() for n in _MONTH_NUM if len(n) > 3 or n == "may"), *(n.capitalize() for n in
     ("jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec")),
     *(d.capitalize() for d in _WEEKDAY_NUM), *_RELATIVE_WORDS,
     *(w.capitalize() for w in _RELATIVE_WORDS)]) + r"|\d{4})\b")
_WORD = re.compile(r"\w+")
# Words that can open a date before its anchor word ("in", "earlier", "two", "13").
_LEADS = frozenset([
    "in", "since", "until", "till", "during", "through", "throughout", "before", "after", "from",
    "of", "between", "by", "early", "mid", "late", "the", "end", "last", "this", "next", "past",
    "earlier", "later", "coming", "a", "an", "several", "few"
]) | frozenset(_TWELVE) | frozenset(_MONTH_NUM)
_TOKEN_RE = re.compile(r"[a-z]+|\d+")


def find_dates(text: str) -> list[DateExpr]:
    """Find date expressions in one paragraph.

    Month names and weekdays must be capitalised (so "a march on the capital" and
    "may" stay words), and "May"/"March"/"August" need a day, a year or a lead-in
    such as "in". Lead-in prepositions are left out of the span ("on Tuesday" ->
    "Tuesday"); modifiers that change the meaning stay in ("late Sunday", "last week").

    Args:
        text: One paragraph's text.

    Returns:
        Unresolved ``DateExpr`` items in text order, offsets into ``text``.
    """
    found: list[DateExpr] = []
    last_end = 0
    for anchor in _ANCHOR_RE.finditer(text):
        at = anchor.start()
        if at < last_end:
            continue
        starts = [w.start() for w in _WORD.finditer(text, max(last_end, at - 32), at)
                  if w.group()[0].isdigit() or w.group().lower() in _LEADS]
        for pos in (*starts, at):
            m = _DATE_RE.match(text, pos)
            if m is not None and m.end() > at:
                start, end = m.span(m.lastgroup or 0)
                found.append(DateExpr(start=start, end=end, text=text[start:end]))
                last_end = m.end()
                break
    return found


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


Resolved = tuple[date | None, date | None, date | None]


def _absolute(words: list[str]) -> Resolved | None:
    """Resolve forms that carry their own year; None when a year is missing."""
    nums = [int(w) for w in words if w.isdigit()]
    years = [n for n in nums if n >= 1800]
    months = [_MONTH_NUM[w] for w in words if w in _MONTH_NUM]
    if not years:
        return None
    year = years[0]
    days = [n for n in nums if n < 32]
    if months and days:
        first = _safe_day(year, months[0], days[0])
        if len(days) > 1:
            return None, first, _safe_day(year, months[0], days[1])
        return first, None, None
    if months:
        return None, *_month_range(year, months[0])
    if len(nums) == 3 and nums[0] >= 1800:  # ISO yyyy-mm-dd
        return _safe_day(nums[0], nums[1], nums[2]), None, None
    return None, date(year, 1, 1), date(year, 12, 31)


def _relative(words: list[str], pub: date) -> Resolved:
    """Resolve forms that need the article date (the words are lower-cased tokens)."""
    first = words[0]
    wdays = [_WEEKDAY_NUM[w] for w in words if w in _WEEKDAY_NUM]
    months = [_MONTH_NUM[w] for w in words if w in _MONTH_NUM]
    if wdays:
        back = (pub.weekday() - wdays[0]) % 7
        if first == "next":
            return pub + timedelta(days=(wdays[0] - pub.weekday() - 1) % 7 + 1), None, None
        if first == "last" and back == 0:
            back = 7
        return pub - timedelta(days=back), None, None
    if months:
        days = [int(w) for w in words if w.isdigit()]
        if days:  # "March 13": the year that puts it nearest the article date
            options = [
                d
                for y in (pub.year - 1, pub.year, pub.year + 1)
                if (d := _safe_day(y, months[0], days[0])) is not None
            ]
            best = min(options, key=lambda d: abs((d - pub).days))
            if len(days) > 1:
                return None, best, _safe_day(best.year, months[0], days[1])
            return best, None, None
        year = pub.year if months[0] <= pub.month else pub.year - 1
        if first == "next":
            year = pub.year if months[0] > pub.month else pub.year + 1
        elif first == "last" and months[0] == pub.month:
            year -= 1
        elif first == "this":
            year = pub.year
        return None, *_month_range(year, months[0])
    if words[-1] == "ago":
        count = int(first) if first.isdigit() else _NUM_WORD.get(first, 1)
        unit = words[1].rstrip("s")
        if unit == "month" or unit == "year":
            return _shift_months(pub, -count * (12 if unit == "year" else 1)), None, None
        return pub - timedelta(days=count * (7 if unit == "week" else 1)), None, None
    if words[-1] in ("yesterday", "night") and first in ("yesterday", "last"):
        return pub - timedelta(days=1), None, None
    if words[-1] == "tomorrow":
        return pub + timedelta(days=1), None, None
    unit = words[-1]
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(first, 0)
    if unit == "week":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        if first == "past":
            return None, pub - timedelta(days=7), pub
        end = pub if first == "earlier" else monday + timedelta(days=6)
        return None, monday if first != "later" else pub, end
    if unit == "weekend":
        saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
        if step > 0 or (first == "this" and saturday < pub - timedelta(days=1)):
            saturday += timedelta(weeks=1)
        elif step < 0 and pub - saturday < timedelta(days=2):
            saturday -= timedelta(weeks=1)
        return None, saturday, saturday + timedelta(days=1)
    if unit == "month":
        if first == "past":
            return None, _shift_months(pub, -1), pub
        year, month0 = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        start, end = _month_range(year, month0 + 1)
        return None, pub if first == "later" else start, pub if first == "earlier" else end
    if unit == "year":
        if first == "past":
            return None, _shift_months(pub, -12), pub
        start, end = date(pub.year + step, 1, 1), date(pub.year + step, 12, 31)
        return None, pub if first == "later" else start, pub if first == "earlier" else end
    return pub, None, None  # today, tonight, this morning, earlier today


def resolve_dates(dates: list[DateExpr], published: date | None) -> list[DateExpr]:
    """Resolve date expressions against the article date.

    Absolute forms ("March 13, 2019", "in 2018") resolve without ``published``;
    everything else is marked ``relative`` and stays unresolved when
    ``published`` is None. Single days set ``date``; weeks, months and years set
    ``range_start``/``range_end``.

    Args:
        dates: Expressions from ``find_dates`` (any offsets; only ``text`` is read).
        published: The article date, or None when unknown.

    Returns:
        The same expressions, in the same order, with the resolution filled in.
    """
    out: list[DateExpr] = []
    for expr in dates:
        words = _TOKEN_RE.findall(expr.text.lower())
        if not words:
            out.append(expr)
            continue
        resolved = _absolute(words)
        relative = resolved is None
        if resolved is None:
            if published is None:
                out.append(replace(expr, relative=True))
                continue
            resolved = _relative(words, published)
        day, low, high = resolved
        out.append(replace(expr, date=day, range_start=low, range_end=high, relative=relative))
    return out
