"""Resolving date expressions to calendar days and ranges against the article date.

News reports the past, so an undated weekday or month is the most recent one on or
before the article date, unless a modifier ("next") or, when the caller passes the
text, a future marker in the same clause ("will meet on Thursday", "is due to vote
in December") says it lies ahead. Next month is ahead anyway ("extend cuts through
July" in June), as is the month after it behind a forward lead-in ("from January" in
November). Periods (quarters, spans, seasons, ...) go to ``date_periods`` first; "the
day before" and "earlier in the day" are placed next to the day the story last named.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from agents.nlp.date_periods import NEEDS_DATE, may_be_period, resolve_period
from agents.nlp.types import DateExpr

__all__ = ["MONTH_NUM", "NUM_WORDS", "WEEKDAY_NUM", "resolve_dates"]

MONTH_NUM = {
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
MONTH_NAME = {i: name for name, i in MONTH_NUM.items() if len(name) > 3 or name == "may"}
WEEKDAY_NUM = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
NUM_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_NUM_WORD = {w: i + 1 for i, w in enumerate(NUM_WORDS)} | {"a": 1, "an": 1, "several": 3, "few": 3}
_TOKEN_RE = re.compile(r"[a-z]+|\d+")
# A future marker in the clause before an undated weekday or month: "will meet on
# Thursday", "is due to vote in December", "plans to travel on Friday", and reported
# future ("said it would file a petition on Friday", "could be forced to cut rations
# from January", "expected the first rate cut in July"). "was due to" stays out: it
# reports a plan that may already have happened (or been dropped).
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|would|could|(?:is|are|'s|’s)\s+(?:(?:due|scheduled|set|expected|slated|"
    r"poised|planning|going)\s+)?to|plans?\s+to|expects?|expected|aims?\s+to|intends?\s+to|"
    r"hopes?\s+to|vowed\s+to|promised\s+to|threatened\s+to)\b|['’]ll\b",
    re.I,
)
# Where the clause that holds the date begins: a sentence or clause break, or a
# subordinator that starts a new (past) clause: "will meet after fighting on Sunday".
_CLAUSE_RE = re.compile(
    r".*(?:[.;:!?,()\"“”]|\b(?:after|since|following|when|before|but|and|because)\b)", re.S
)
_FUTURE_WINDOW = 60
# A lead-in that points forward to the month after it: "from January", "until March".
_LEAD_IN = re.compile(r"\b(from|until|till|through|by|starting|since)\s+$", re.I)
_MODIFIERS = frozenset(["last", "next", "this", "past", "coming", "earlier", "later"])

Resolved = tuple[date | None, date | None, date | None]
_ORDINAL = {
    w: i + 1
    for i, w in enumerate(
        (
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
            "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
        )
    )
} | {"thirtieth": 30}
# Expressions that place a day next to the one the story last named: "the day before".
_NEXT_TO = frozenset(
    ["before", "after", "previous", "next", "following", "same", "that", "earlier", "later"]
)
_DAY_AFTER = {"before": -1, "previous": -1, "after": 1, "next": 1, "following": 1}


def _ordinal_day(words: list[str]) -> list[int]:
    """ "March twentieth" -> [20], "May twenty-first" -> [21]; [] when no ordinal word."""
    for i, w in enumerate(words):
        if w in _ORDINAL:
            tens = {"twenty": 20, "thirty": 30}.get(words[i - 1], 0) if i else 0
            return [tens + _ORDINAL[w]]
    return []


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


def _absolute(words: list[str]) -> Resolved | None:
    """Resolve forms that carry their own year; None when a year is missing."""
    nums = [int(w) for w in words if w.isdigit()]
    years = [n for n in nums if n >= 1800]
    if not years:
        return None
    months = [MONTH_NUM[w] for w in words if w in MONTH_NUM]
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


def _weekday(words: list[str], wday: int, pub: date, ahead: bool) -> Resolved:
    first = words[0]
    if first == "next":
        return pub + timedelta(days=(wday - pub.weekday() - 1) % 7 + 1), None, None
    if ahead and first not in _MODIFIERS:  # "will meet on Thursday": today or later
        return pub + timedelta(days=(wday - pub.weekday()) % 7), None, None
    back = (pub.weekday() - wday) % 7
    if first == "last" and back == 0:
        back = 7
    return pub - timedelta(days=back), None, None


def _month(
    words: list[str], month: int, pub: date, ahead: bool, lead: str | None = None
) -> Resolved:
    first = words[0]
    days = [int(w) for w in words if w.isdigit()] or _ordinal_day(words)
    if days:  # "March 13": the year that puts it nearest the article date
        options = [
            d
            for y in (pub.year - 1, pub.year, pub.year + 1)
            if (d := _safe_day(y, month, days[0])) is not None
        ]
        best = min(options, key=lambda d: abs((d - pub).days))
        if len(days) > 1:
            return None, best, _safe_day(best.year, month, days[1])
        return best, None, None
    if words[-1] == "year" and len(words) >= 3:  # "December last year", "May next year"
        shift = {"last": -1, "next": 1}.get(words[-2], 0)
        return None, *_month_range(pub.year + shift, month)
    year = pub.year if month <= pub.month else pub.year - 1
    # Next month, undated, is ahead: a story of June that extends cuts "through July" or
    # counts "after July" means this July, not last year's (a past one would say "last");
    # so is the month after it behind a forward ``lead`` word ("cut rations from January"
    # in November). "since November" always looks back.
    forward = (1, 2) if lead in ("from", "until", "till", "through", "by", "starting") else (1,)
    if first not in _MODIFIERS and lead != "since" and (month - pub.month) % 12 in forward:
        ahead = True
    if first == "next" or (ahead and first not in _MODIFIERS):
        year = pub.year if month >= pub.month + (first == "next") else pub.year + 1
    elif first == "last" and month == pub.month:
        year -= 1
    elif first == "this":
        year = pub.year
    if "end" in words and "of" in words:  # "until the end of June": its last day
        return _month_range(year, month)[1], None, None
    return None, *_month_range(year, month)


def _weekend(first: str, pub: date, ahead: bool) -> Resolved:
    """A Saturday-Sunday pair: "last weekend", "over the weekend", "this weekend"."""
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(first, 0)
    saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
    if first == "the":  # "over the weekend": the one just past, or the next one ahead
        if ahead and pub.weekday() < 5:
            saturday += timedelta(weeks=1)
    elif step > 0 or (first == "this" and saturday < pub - timedelta(days=1)):
        saturday += timedelta(weeks=1)
    elif step < 0 and pub - saturday < timedelta(days=2):
        saturday -= timedelta(weeks=1)
    return None, saturday, saturday + timedelta(days=1)


def _day_before(pub: date, floor: date) -> date:
    """The end of "earlier this week/month/year": the day before the story's, not it."""
    return max(floor, pub - timedelta(days=1))


def _relative(
    words: list[str], pub: date, ahead: bool = False, lead: str | None = None
) -> Resolved:
    """Resolve forms that need the article date (the words are lower-cased tokens)."""
    first, last = words[0], words[-1]
    if "christmas" in words or words[:2] == ["new", "year"]:  # the nearest one
        month, day = (12, 24 if last == "eve" else 25) if "christmas" in words else (
            (12, 31) if last == "eve" else (1, 1))
        return _month([MONTH_NAME[month], str(day)], month, pub, ahead)
    for w in words:
        if w in WEEKDAY_NUM:
            return _weekday(words, WEEKDAY_NUM[w], pub, ahead)
        if w in MONTH_NUM:
            return _month(words, MONTH_NUM[w], pub, ahead, lead)
    if last == "ago":
        count = int(first) if first.isdigit() else _NUM_WORD.get(first, 1)
        unit = words[1].rstrip("s")
        if unit in ("year", "decade"):  # "two years ago": that calendar year, not a day in it
            back = count * (10 if unit == "decade" else 1)
            return None, date(pub.year - back, 1, 1), date(pub.year - back, 12, 31)
        if unit == "month":
            return _shift_months(pub, -count * (12 if unit == "year" else 1)), None, None
        return pub - timedelta(days=count * (7 if unit == "week" else 1)), None, None
    if last in ("yesterday", "night") and first in ("yesterday", "last"):
        return pub - timedelta(days=1), None, None
    if last == "tomorrow":
        return pub + timedelta(days=1), None, None
    step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(first, 0)
    if last == "week":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        if first == "past":
            return None, pub - timedelta(days=7), pub
        end = _day_before(pub, monday) if first == "earlier" else monday + timedelta(days=6)
        return None, monday if first != "later" else pub, end
    if last == "weekend":
        return _weekend(first, pub, ahead)
    if last == "month":
        if first == "past":
            return None, _shift_months(pub, -1), pub
        year, month0 = divmod(pub.year * 12 + pub.month - 1 + step, 12)
        start, end = _month_range(year, month0 + 1)
        return None, pub if first == "later" else start, (
            _day_before(pub, start) if first == "earlier" else end)
    if last == "year":
        if first == "past":
            return None, _shift_months(pub, -12), pub
        # "Earlier this year" runs to the story's day: at a year's scale the day before
        # is no different claim, and wire annotators end it on the article date.
        start, end = date(pub.year + step, 1, 1), date(pub.year + step, 12, 31)
        return None, pub if first == "later" else start, pub if first == "earlier" else end
    # today, tonight, this morning, earlier today; "overnight" is the night that ends on
    # the article date: wire copy reports overnight strikes the morning they end.
    return pub, None, None


def _may_look_ahead(window: str) -> bool:
    """False only when _FUTURE_RE cannot match ``window``: it saves that search.

    The case-insensitive alternation has no literal prefix and costs ~5 us per date
    (about half of resolving one); wire copy rarely looks ahead. Every alternative
    needs "ll" (will, shall, 'll), "ould", "expect", or a "to" after whitespace, which
    plain ``in``/``find`` checks on the lowered window see. ``lower()`` mirrors the
    regex's case folding unless it changes the length or the window holds its extra
    folds of i and s ("ı", "ſ"); then it answers True and the regex decides.
    """
    low = window.lower()
    if len(low) != len(window) or "ı" in window or "ſ" in window:
        return True
    if "ll" in low or "ould" in low or "expect" in low:
        return True
    at = low.find("to", 1)
    while at >= 0:
        if low[at - 1].isspace():
            return True
        at = low.find("to", at + 1)
    return False


def _ahead(text: str, start: int) -> bool:
    """True when a future marker opens the clause that ends at ``start``."""
    window = text[max(0, start - _FUTURE_WINDOW) : start]
    if not _may_look_ahead(window):
        return False
    cut = _CLAUSE_RE.match(window)
    return _FUTURE_RE.search(window, cut.end() if cut else 0) is not None


def resolve_dates(
    dates: list[DateExpr], published: date | None, text: str | None = None
) -> list[DateExpr]:
    """Resolve date expressions against the article date.

    Absolute forms ("March 13, 2019", "in 2018") resolve without ``published``;
    everything else is marked ``relative`` and stays unresolved when
    ``published`` is None. Single days set ``date``; weeks, months and years set
    ``range_start``/``range_end``.

    Args:
        dates: Expressions from ``find_dates``.
        published: The article date, or None when unknown.
        text: The string the expressions' offsets point into. When given, an
            undated weekday, month or weekend after a future marker in the same
            clause ("will chair a meeting on Thursday") resolves forward; without
            it every such expression is read as the past.

    Returns:
        The same expressions, in the same order, with the resolution filled in.
    """
    out: list[DateExpr] = []
    last_day = published  # the day the story last named, for "the day before"
    last_year = published.year if published else None  # for "the same year"
    for expr in dates:
        words = _TOKEN_RE.findall(expr.text.lower())
        if not words:
            out.append(expr)
            continue
        try:
            resolved, relative = _resolve_one(
                words, expr.start, published, text, last_day, last_year
            )
        except (ValueError, OverflowError):  # "999 decades ago": before the calendar
            resolved, relative = None, True
        # New values made directly: ``dataclasses.replace`` costs five times as much.
        if resolved is None:
            out.append(DateExpr(expr.start, expr.end, expr.text, expr.date, expr.range_start,
                                expr.range_end, True))
            continue
        day, low, high = resolved
        if day is not None and "day" not in words:
            last_day = day
        if (first_day := day or low) is not None:
            last_year = first_day.year
        out.append(DateExpr(expr.start, expr.end, expr.text, day, low, high, relative))
    return out


def _resolve_one(
    words: list[str],
    start: int,
    published: date | None,
    text: str | None,
    last_day: date | None,
    last_year: int | None,
) -> tuple[Resolved | None, bool]:
    """One expression's ``(day, start, end)`` (None when it stays unresolved) and
    whether it is relative; ``last_day``/``last_year`` are the ones the story last named."""
    period_like = may_be_period(words)
    absolute = None if period_like else _absolute(words)
    # Whether the clause looks ahead: only asked when the answer can matter.
    ahead = (
        text is not None
        and words[0] not in _MODIFIERS
        and absolute is None
        and _ahead(text, start)
    )
    period = resolve_period(words, published, ahead) if period_like else None
    if period is NEEDS_DATE:
        return None, True
    if isinstance(period, tuple):
        resolved: Resolved | None = period
    else:
        resolved = absolute if not period_like else _absolute(words)
    relative = resolved is None or not any(w.isdigit() and len(w) == 4 for w in words)
    if resolved is None:
        if published is None or last_day is None:
            return None, True
        if ("end" in words or "close" in words) and words[-2:-1] == ["the"]:
            resolved = _end_of(words[-1], published), None, None
        elif words[-1] in ("later", "earlier") and words[0] not in _MODIFIERS:
            resolved = _after_last(words, last_day)
        elif "year" in words and words[0] in ("the", "that"):
            resolved = _year_of_last(words, last_year or published.year)
        elif ("week" in words or "month" in words) and words[0] in ("the", "that"):
            resolved = _unit_of_last(words, last_day)
        elif "day" in words and not _NEXT_TO.isdisjoint(words):
            resolved = _anaphoric_day(words, last_day), None, None
        else:
            lead = _LEAD_IN.search(text, max(0, start - 12), start) if text else None
            toward = (lead.group(1).lower() if lead else "") or None
            resolved = _relative(words, published, ahead, toward)
    return resolved, relative


def _end_of(unit: str, pub: date) -> date:
    """ "the end of the year": the last day of the article date's year, month or week."""
    if unit == "year":
        return date(pub.year, 12, 31)
    if unit == "month":
        return _month_range(pub.year, pub.month)[1]
    return pub + timedelta(days=6 - pub.weekday())


def _after_last(words: list[str], last_day: date) -> Resolved:
    """ "two days later", "a year earlier": counted from the day the story last named."""
    count = int(words[0]) if words[0].isdigit() else _NUM_WORD.get(words[0], 1)
    sign = 1 if words[-1] == "later" else -1
    unit = words[1].rstrip("s")
    if unit == "year":
        year = last_day.year + sign * count
        return None, date(year, 1, 1), date(year, 12, 31)
    if unit == "month":
        return _shift_months(last_day, sign * count), None, None
    return last_day + timedelta(days=sign * count * (7 if unit == "week" else 1)), None, None


def _unit_of_last(words: list[str], last_day: date) -> Resolved:
    """ "the following week", "the previous month": next to the day the story last named."""
    step = 1 if ("following" in words or "after" in words) else (
        -1 if ("previous" in words or "before" in words) else 0)
    if "week" in words:
        monday = last_day - timedelta(days=last_day.weekday()) + timedelta(weeks=step)
        return None, monday, monday + timedelta(days=6)
    first = _shift_months(last_day.replace(day=1), step)
    return None, *_month_range(first.year, first.month)


def _year_of_last(words: list[str], year: int) -> Resolved:
    """ "the same year", "the following year": next to the year the story last named."""
    year += 1 if ("following" in words or "after" in words) else (
        -1 if ("previous" in words or "before" in words) else 0)
    return None, date(year, 1, 1), date(year, 12, 31)


def _anaphoric_day(words: list[str], last_day: date) -> date:
    """ "the day before", "the next day", "earlier in the day": next to the day last named."""
    step = next((_DAY_AFTER[w] for w in words if w in _DAY_AFTER), 0)
    return last_day + timedelta(days=step)
