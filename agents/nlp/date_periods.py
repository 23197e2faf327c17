"""Resolving periods: quarters, halves, spans, decades, fiscal years, seasons, "the past N years".

``date_resolve`` hands every expression's lower-cased tokens here first; ``resolve_period``
returns None for the forms it does not know (weekdays, plain months, "last week"), which
``date_resolve`` then resolves itself. A period without a year takes the one that places
it on or before the article date (news reports the past), or after it when the clause
looks ahead ("is expected to grow in the third quarter").
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

__all__ = ["NEEDS_DATE", "may_be_period", "resolve_period"]

Resolved = tuple[date | None, date | None, date | None]
#: A period that needs the article date when none is known: left unresolved.
NEEDS_DATE = object()

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sept sep", "october oct", "november nov",
            "december dec",
        )
    )
    for name in names.split()
}
_QUARTER_NUM = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                "fourth": 4, "4th": 4, "final": 4}
_NUMBER_WORDS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
)
_QUARTER_STEP = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_COUNT = {w: i + 1 for i, w in enumerate(_NUMBER_WORDS)}
_COUNT |= {"a": 1, "an": 1, "several": 3, "few": 3}
_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _span(year: int, first: int, last: int) -> Resolved:
    """Months ``first``..``last`` of ``year`` (``last`` < ``first`` runs into the next year)."""
    end_year = year + (last < first)
    return None, date(year, first, 1), _month_end(end_year, last)


def _shift(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _years(words: list[str]) -> list[int]:
    return [int(w) for w in words if w.isdigit() and len(w) == 4 and 1800 <= int(w) <= 2100]


def _named_year(words: list[str], pub: date | None) -> int | object | None:
    """The year a period names: "2019", "of the year", "last year"; None when it names none."""
    years = _years(words)
    if years:
        return years[0]
    for i, w in enumerate(words[:-1]):
        if words[i + 1] == "year" and w in ("the", "this", "last", "next"):
            if pub is None:
                return NEEDS_DATE
            return pub.year + {"last": -1, "next": 1}.get(w, 0)
    return None


def _placed(first_month: int, last_month: int, pub: date, ahead: bool) -> int:
    """The year of an undated period: the latest one begun by ``pub`` (or next, ``ahead``)."""
    start = date(pub.year, first_month, 1)
    end = _span(pub.year, first_month, last_month)[2]
    assert end is not None
    if ahead:
        return pub.year if end >= pub else pub.year + 1
    return pub.year if start <= pub else pub.year - 1


def _period(first: int, last: int, words: list[str], pub: date | None, ahead: bool) -> Resolved:
    year = _named_year(words, pub)
    if year is NEEDS_DATE or (year is None and pub is None):
        raise _Unresolved
    if year is None:
        assert pub is not None
        year = _placed(first, last, pub, ahead)
    assert isinstance(year, int)
    if last < first and _years(words):
        year -= 1  # "December-February 2020": the winter that ends in 2020
    return _span(year, first, last)


class _Unresolved(Exception):
    """The period needs the article date and there is none."""


def _quarter(words: list[str], pub: date | None, ahead: bool) -> Resolved | None:
    q = next((_QUARTER_NUM[w] for w in words if w in _QUARTER_NUM), None)
    if q is None:
        q = next((int(words[i + 1]) for i, w in enumerate(words[:-1]) if w == "q"), None)
    step = next((_QUARTER_STEP[w] for w in words if w in _QUARTER_STEP), None)
    if q is None and step is not None:  # "last quarter": the one before the article's
        if pub is None:
            raise _Unresolved
        index = pub.year * 4 + (pub.month - 1) // 3 + step
        year, q0 = divmod(index, 4)
        return _span(year, 3 * q0 + 1, 3 * q0 + 3)
    if q is None or not 1 <= q <= 4:
        return None
    two_digit = [w for w in words if w.isdigit() and len(w) == 2]
    if not _years(words) and two_digit:  # "Q3 '19"
        words = [*words, str(2000 + int(two_digit[0]))]
    return _period(3 * q - 2, 3 * q, words, pub, ahead)


def _past_n(words: list[str], pub: date) -> Resolved | None:
    """ "the past two years": from that far back to the article date; "the next" ahead."""
    unit = words[-1].rstrip("s")
    if unit == "hour":  # "the past 24 hours": the days they touch
        unit, words = "day", [*words[:-1], "days"]
        words = [str(-(-int(w) // 24)) if w.isdigit() else w for w in words]
    count = next((int(w) if w.isdigit() else _COUNT.get(w) for w in words[1:-1]
                  if w.isdigit() or w in _COUNT), None)
    if count is None:  # "in recent years", "in the coming days": a few of them
        if unit == "year" and "next" not in words and "coming" not in words:
            return None, date(pub.year - 3, 1, 1), pub
        count = {"hour": 24, "day": 7, "week": 4, "month": 3, "year": 3, "decade": 1}[unit]
    if unit in ("day", "week"):
        delta = timedelta(days=count * (7 if unit == "week" else 1))
        ahead = "next" in words or "coming" in words
        other = pub + delta if ahead else pub - delta
    else:
        months = count * {"month": 1, "year": 12, "decade": 120}[unit]
        ahead = "next" in words or "coming" in words
        other = _shift(pub, months if ahead else -months)
    return (None, pub, other) if other > pub else (None, other, pub)


def _first_n(words: list[str], pub: date | None, ahead: bool) -> Resolved:
    """ "the first three months of the year", "the first three weeks of November"."""
    count = next((int(w) if w.isdigit() else _COUNT[w] for w in words
                  if (w.isdigit() and len(w) < 3) or w in _COUNT), 1)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    if "months" in words:
        _, start, _ = _period(1, 12, words, pub, ahead)
        assert start is not None
        return None, start, _month_end(start.year, min(12, count))
    if month is None:
        raise _Unresolved
    _, start, end = _period(month, month, words, pub, ahead)
    assert start is not None and end is not None
    days = count * (7 if "weeks" in words else 1)
    return None, start, min(end, start + timedelta(days=days - 1))


def _decade(words: list[str], pub: date | None) -> Resolved | None:
    digits = next((w for w in words if w.isdigit() and len(w) in (2, 4) and w.endswith("0")), None)
    if digits is None:
        return None
    if len(digits) == 2:
        century = 2000 if pub is not None and int(digits) <= pub.year % 100 - 10 else 1900
        start = century + int(digits)
    else:
        start = int(digits)
    lo, hi = 0, 9
    if "early" in words:
        hi = 3
    elif "mid" in words:
        lo, hi = 3, 6
    elif "late" in words:
        lo = 7
    return None, date(start + lo, 1, 1), date(start + hi, 12, 31)


def _century(words: list[str]) -> Resolved | None:
    """ "the 20th century": 1900-1999, as newsrooms count it; "the late 19th century"."""
    n = next((int(w) for w in words if w.isdigit()), None)
    if n is None:
        return None
    start = (n - 1) * 100
    lo, hi = (0, 33) if "early" in words else (34, 66) if "mid" in words else (
        (67, 99) if "late" in words else (0, 99))
    return None, date(start + lo, 1, 1), date(start + hi, 12, 31)


def _season(words: list[str], pub: date | None, ahead: bool) -> Resolved | None:
    name = next((w for w in words if w in _SEASON_MONTH), None)
    if name is None:
        return None
    first = _SEASON_MONTH[name]
    last = (first + 1) % 12 + 1
    years = _years(words)
    if years:
        return _span(years[0], first, last)
    if pub is None:
        raise _Unresolved
    spans = [_span(y, first, last) for y in range(pub.year - 2, pub.year + 2)]
    if "next" in words or "coming" in words:
        return next((s for s in spans if s[1] is not None and s[1] > pub), None)
    if "last" in words or "past" in words:
        return next((s for s in reversed(spans) if s[2] is not None and s[2] < pub), None)
    if "this" in words:  # this year's; a winter that began last December while it lasts
        year = pub.year - (first == 12 and pub.month <= 2)
        return _span(year, first, last)
    if ahead and "this" not in words:
        return next((s for s in spans if s[2] is not None and s[2] >= pub), None)
    return next((s for s in reversed(spans) if s[1] is not None and s[1] <= pub), None)


def _fiscal(words: list[str]) -> Resolved | None:
    """A US federal fiscal year: "the 2019 fiscal year" ran from October 2018 to September 2019."""
    years = _years(words) or [2000 + int(w) for w in words if w.isdigit() and len(w) == 2]
    if not years:
        return None
    return None, date(years[0] - 1, 10, 1), date(years[0], 9, 30)


def _month_span(words: list[str], pub: date | None, ahead: bool) -> Resolved | None:
    months = [MONTHS[w] for w in words if w in MONTHS]
    if len(months) != 2:
        return None
    return _period(months[0], months[1], words, pub, ahead)


_PERIOD_WORDS = frozenset(
    [
        "quarter", "quarters", "q", "half", "fiscal", "financial", "budget", "fy", "s",
        "spring", "summer", "autumn", "fall", "winter", "first", "to", "through", "until",
        "and", "period", "hours", "days", "weeks", "months", "years", "decades", "century",
    ]
)


def may_be_period(words: list[str]) -> bool:
    """Cheap test that ``resolve_period`` may know the tokens ``words``."""
    if not _PERIOD_WORDS.isdisjoint(words):
        return True
    return sum(w.isdigit() and len(w) in (2, 4) for w in words) >= 2 or (
        len(words) == 2 and words[0].isdigit() and words[1].isdigit()
    )


def resolve_period(words: list[str], pub: date | None, ahead: bool) -> Resolved | object | None:
    """Resolve a period from its lower-cased tokens.

    Returns:
        ``(day, start, end)``; ``NEEDS_DATE`` when it needs the article date and
        ``pub`` is None; None when the tokens are no period this module knows.
    """
    try:
        return _resolve(words, pub, ahead)
    except _Unresolved:
        return NEEDS_DATE


def _resolve(words: list[str], pub: date | None, ahead: bool) -> Resolved | None:
    last = words[-1]
    years = _years(words)
    if ("quarter" in words or "quarters" in words or words[0] == "q") and (
        q := _quarter(words, pub, ahead)) is not None:
        return q
    if "half" in words:
        first_half = "first" in words or "former" in words or "front" in words
        return _period(1, 6, words, pub, ahead) if first_half else _period(7, 12, words, pub, ahead)
    if "fiscal" in words or "financial" in words or words[0] == "fy" or (
        "budget" in words and "year" in words):
        return _fiscal(words)
    if last == "century":
        return _century(words)
    if last == "s" or (last.endswith("0s") and last[:-1].isdigit()):
        return _decade([w.rstrip("s") for w in words], pub)
    if any(w in _SEASON_MONTH for w in words) and not any(w in MONTHS for w in words):
        return _season(words, pub, ahead)
    if ("of" in words or "first" in words) and words[0] in ("the", "first", "last", "final") and (
        "months" in words or "weeks" in words or "days" in words
    ):
        return _first_n(words, pub, ahead)
    if last in ("hours", "days", "weeks", "months", "years", "decades") and words[0] in (
        "the", "past", "last", "previous", "next", "coming", "recent"):
        if pub is None:
            raise _Unresolved
        return _past_n(words, pub)
    if len(years) == 2 or (len(years) == 1 and len(words) == 2 and words[1].isdigit()
                           and len(words[1]) == 2):
        end = years[1] if len(years) == 2 else years[0] // 100 * 100 + int(words[1])
        if end < years[0]:
            end += 100  # "the 1999-00 season"
        return None, date(years[0], 1, 1), date(end, 12, 31)
    if ("to" in words or "through" in words or "until" in words or "and" in words
            or "period" in words or len([w for w in words if w in MONTHS]) == 2):
        return _month_span(words, pub, ahead)
    return None
