"""Date expressions in wire copy: finding them in a paragraph.

``find_dates`` looks for the few anchor words every date holds (a month, a weekday,
"week", "ago", a year, "quarter", "half", a season, a decade such as "1930s") at word
starts only, then tries the full date grammar from the
lead-in words just before each anchor ("the end of", "two days", "13"); it needs no
article context. ``resolve_dates`` (from ``date_resolve``, re-exported here) turns the
expressions into calendar days and ranges against the article date.

FORMAT.md makes every time expression a date: besides days, weeks and months these are
quarters ("the first quarter", "the April-to-June quarter", "Q3 2019"), halves ("the
latter half of the year"), spans ("from March to May", "between 2010 and 2015"),
decades, fiscal years, seasons, "the past two years", "the first three months of the
year", bare years ("in a 2003 coup", "2014 has been marked") and days named from the
day before ("the day before", "earlier in the day").
"""

from __future__ import annotations

import re

from agents.nlp.date_resolve import MONTH_NUM, NUM_WORDS, WEEKDAY_NUM, resolve_dates
from agents.nlp.event_scan import is_word_char, space_pattern, spaced_bytes
from agents.nlp.types import DateExpr
from agents.nlp.wordsets import wordset

__all__ = ["find_dates", "resolve_dates"]

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
    r"(?i:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several"
    r"|few)"
)
_ORD_DAY = (
    r"(?i:thirty-first|thirtieth|twenty-(?:first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth)|twentieth|nineteenth|eighteenth|seventeenth|sixteenth|fifteenth|"
    r"fourteenth|thirteenth|twelfth|eleventh|tenth|ninth|eighth|seventh|sixth|fifth|fourth|"
    r"third|second|first)"
)
_DAY_ANY = rf"(?:{_DAY}|(?:the\s+)?{_ORD_DAY}\b)"
_OF_YEAR = (
    r"(?:\s+of\s+(?i:the\s+year|this\s+year|last\s+year|next\s+year)"
    rf"|,?\s+(?:of\s+)?{_YEAR})"
)
_QUARTER = (
    rf"(?P<qtr>\b(?i:the\s+)?(?i:first|second|third|fourth|final|1st|2nd|3rd|4th)[\s-]+"
    rf"(?i:quarter)s?\b{_OF_YEAR}?|\bQ[1-4](?:\s+{_YEAR}|\s*['’]\d\d\b)?"
    r"|\b(?i:the\s+)?(?i:last|this|next|current|previous|coming)\s+quarter\b)"
)
_SEASON = r"(?:spring|summer|autumn|winter)"
_UNITS = r"(?i:hours|days|weeks|months|years|decades)"
_MONTH_LEAD = r"(?i:in|since|until|till|during|through|throughout|before|after|from|of|between)"
# "overnight" is a date ("shelled the city overnight"), not in "an overnight curfew" or
# the money market's "overnight rate".
_OVERNIGHT = (
    r"(?<![Aa]n\s)(?<![Tt]he\s)\b(?i:overnight)\b(?!\s+(?i:curfews?|stays?|shifts?|"
    r"rates?|trains?|flights?|buses|bus|lending|trading|sessions?|deposits?|"
    r"repos?|visits?|guests?|bags?)\b)"
)

# Periods: tried before ``_DATE_RE`` at anchors that can be part of one (not at weekdays,
# "week", "ago" and the like, the most frequent anchors), so the grammar stays short there.
_PERIOD_RE = re.compile(
    rf"(?P<mspan>\b(?i:the\s+)?{_M_FULL}(?:-to-|\s+(?:to|through|until)\s+|\s*[-–]\s*)"
    rf"{_M_FULL}(?:\s+(?i:quarter|period))?(?:,?\s+{_YEAR})?\b)"
    rf"|\b(?i:between)\s+(?P<mspan2>{_M_FULL}\s+and\s+{_M_FULL}(?:,?\s+{_YEAR})?)\b"
    rf"|\b(?i:between)\s+(?P<yspan>{_YEAR}\s+and\s+{_YEAR})\b"
    rf"|\b(?i:from)\s+(?P<yspan2>{_YEAR}\s+(?:to|until|through|till)\s+{_YEAR})\b"
    rf"|(?P<yspan3>\b{_YEAR}\s*[-–]\s*(?:{_YEAR}|\d\d)\b(?![-–/]\d))"
    rf"|{_QUARTER}"
    rf"|(?P<half>\b(?i:the\s+)?(?i:first|second|latter|last|former|back|front)\s+half{_OF_YEAR})"
    rf"|(?P<firstn>\b(?i:the\s+)?(?i:first|last|final)\s+{_NUM}\s+(?i:months|weeks|days)\s+of\s+"
    rf"(?:(?i:the\s+year|this\s+year|last\s+year)|{_YEAR}|{_M_FULL}))"
    rf"|(?P<firstn2>\b(?i:the\s+)?(?i:first)\s+{_NUM}\s+(?i:months)\b(?!\s+of\b))"
    rf"|(?P<pastn>\b(?i:the\s+)?(?i:past|last|previous|next|coming|recent)\s+(?:{_NUM}\s+)?"
    rf"{_UNITS})\b"
    rf"|(?P<later>\b{_NUM}\s+(?i:days|weeks|months|years)\s+(?i:later|earlier)\b)"
    rf"|(?P<decade>\b(?i:the\s+)?(?:(?i:early|mid|late)[\s-]+)?(?:(?:1[89]|20)\d0|['’]\d0|(?<=['’])\d0)s\b)"
    rf"|(?P<century>\b(?i:the\s+)?(?:(?i:early|mid|late)[\s-]+)?(?:1\d|2[01])(?:st|nd|rd|th)"
    r"\s+(?i:century)\b)"
    rf"|(?P<fy>\b(?i:the\s+)?{_YEAR}\s+(?i:fiscal|financial|budget)\s+year\b"
    rf"|\b(?i:fiscal|financial)\s+(?:year\s+)?{_YEAR}\b|\bFY\s?(?:{_YEAR}|\d\d)\b)"
    rf"|(?P<season>\b(?:(?i:this|last|next|past|coming|early|late|the)[\s-]+)?{_SEASON}"
    rf"(?:\s+of)?\s+{_YEAR}\b|\b(?i:this|last|next|past|coming)\s+(?:{_SEASON}|fall)\b"
    rf"|\bfall\s+(?:of\s+)?{_YEAR}\b)"
    rf"|\b(?i:in|during|since|until|through|by|over)\s+(?P<pseason>(?:the\s+)?"
    rf"(?:(?:early|late)\s+)?{_SEASON}(?:(?:\s+of)?\s+{_YEAR})?)\b"
    r"|(?P<dayrel>\b(?i:the\s+day\s+(?:before|after)|the\s+(?:previous|next|following|same)"
    r"\s+day|(?:earlier|later)\s+in\s+the\s+day|that\s+day)\b)"
)
# Anchors that are never part of a period.
_PLAIN_ANCHORS = frozenset(
    [*WEEKDAY_NUM, "year", "month", "week", "weekend", "ago", "night", "morning", "afternoon",
     "evening", "overnight", "yesterday", "today", "tonight", "tomorrow"]
)

# Alternatives are tried left to right at each position, so longer forms come first.
# Lead-in words ("in", "on") sit outside the named group: the span excludes them.
_DATE_RE = re.compile(
    rf"(?P<iso>\b{_YEAR}-[01]\d-[0-3]\d\b)"
    rf"|(?P<mdy>\b{_M_ANY}\s+{_DAY_ANY}(?:\s*[-–]\s*{_DAY})?,?\s+{_YEAR}\b)"
    rf"|(?P<dmy>\b(?:(?i:the)\s+)?{_DAY}\s+(?:of\s+)?{_M_ANY},?\s+{_YEAR}\b)"
    rf"|(?P<md>\b{_M_ANY}\s+{_DAY_ANY}(?:\s*[-–]\s*{_DAY})?\b(?![,.]?\d))"
    rf"|(?P<dm>\b(?:(?i:the)\s+)?{_DAY}\s+(?:of\s+)?{_M_FULL}\b)"
    r"|(?P<hol>\b(?:Christmas(?:\s+(?:Day|Eve))?|New\s+Year['’]s\s+(?:Day|Eve))\b)"
    rf"|(?P<my>\b{_M_FULL}(?:,|\s+of)?\s+{_YEAR}\b)"
    rf"|(?P<mmod>\b(?i:early|mid|late|(?:the\s+)?end\s+of|last|this|next|past)[\s-]+{_M_FULL}"
    rf"(?:,?\s+{_YEAR})?\b(?!['’]s))"
    rf"|\b{_MONTH_LEAD}\s+(?P<pm>{_M_FULL})\b(?!['’]s|,?\s+\d|\s+of\s+\d"
    rf"|(?:-to-|\s+(?:to|through|until)\s+|\s*[-–]\s*){_M_FULL})"
    rf"|(?P<bm>\b{_M_SAFE}\b(?!\s+[A-Z][a-z]))"
    rf"|(?P<ymod>\b(?i:early|mid|late)[\s-]+{_YEAR}\b(?![-–]))"
    rf"|\b(?i:in|since|until|during|through|throughout|before|after|from|of|by)\s+"
    rf"(?P<yr>{_YEAR})\b(?![-–,]\d)"
    rf"|(?P<wd>\b(?:(?i:earlier|later|late|early|last|next|this|past)\s+)?{_WD}\b"
    r"(?:\s+(?i:morning|afternoon|evening|night))?)"
    rf"|(?P<ago>\b{_NUM}\s+(?i:days?|weeks?|months?|years?|decades?)\s+ago\b)"
    r"|(?P<endof>\b(?i:the\s+)?(?i:end|close)\s+of\s+the\s+(?i:year|month|week)\b)"
    rf"|(?P<later1>\b(?i:a|an|one)\s+(?i:day|week|month|year)\s+(?i:later|earlier)\b)"
    r"|(?P<yrel>\b(?i:the\s+same|that|the\s+following|the\s+previous)\s+(?i:year|month|week)\b"
    r"|\b(?i:the)\s+(?i:year|month|week)\s+(?i:before|after)\b)"
    r"|(?P<rel>\b(?i:(?:earlier|later)\s+(?:today|tonight|this\s+(?:morning|afternoon|evening|"
    r"week|month|year))|(?:last|this|next|past|coming)\s+(?:week|weekend|month|year)"
    r"|this\s+(?:morning|afternoon|evening)|last\s+night|yesterday|today|tonight|tomorrow)\b)"
    r"|(?P<wkd>\b(?i:the)\s+weekend\b)"
    rf"|(?P<ovn>{_OVERNIGHT})"
    # A bare year ("in a 2003 coup", "2014 has been marked"): kept only where
    # ``_bare_year_ok`` says its neighbours make it a year, not a count.
    rf"|(?P<by>\b{_YEAR}\b(?![-–/]\w|[,.]\d|\s*%|\s+(?i:percent|per\s+cent)))"
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


_RELATIVE_WORDS = [
    "yesterday",
    "today",
    "tonight",
    "tomorrow",
    "ago",
    "weekend",
    "week",
    "month",
    "year",
    "night",
    "morning",
    "afternoon",
    "evening",
    "overnight",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "decades",
    "century",
    "day",
    "quarter",
    "quarters",
    "half",
    "fiscal",
    "financial",
    "spring",
    "summer",
    "autumn",
    "winter",
    "fall",
]
# Every date holds one of these words; the full grammar is only tried just before them.
_ANCHOR_RE = space_pattern(
    "(?:"
    + _trie(
        [
            *(n.capitalize() for n in MONTH_NUM if len(n) > 3 or n == "may"),
            *(n.capitalize() for n in ("jan", "feb", "aug", "sep", "sept", "oct", "nov", "dec")),
            *(d.capitalize() for d in WEEKDAY_NUM),
            "Christmas",
            *_RELATIVE_WORDS,
            *(w.capitalize() for w in _RELATIVE_WORDS),
        ]
    )
    + r"|\d{4}s?|\d0s|Q[1-4]|FY(?:\d{2}|\d{4})?)\b"
)
# Words that can open a date before its anchor word ("in", "earlier", "two", "13"),
# stored reversed: the words before an anchor are read backwards from it.
_LEADS_REV = frozenset(
    w[::-1]
    for w in [
        "in",
        "since",
        "until",
        "till",
        "during",
        "through",
        "throughout",
        "before",
        "after",
        "from",
        "of",
        "between",
        "by",
        "early",
        "mid",
        "late",
        "the",
        "end",
        "close",
        "last",
        "this",
        "next",
        "past",
        "earlier",
        "later",
        "coming",
        "recent",
        "current",
        "new",
        "first",
        "second",
        "third",
        "fourth",
        "final",
        "latter",
        "former",
        "previous",
        "following",
        "same",
        "that",
        "a",
        "an",
        "several",
        "few",
        *NUM_WORDS,
        *MONTH_NUM,
    ]
)
# Words the grammar allows between a lead-in and the anchor that are no lead-in themselves.
_PASS_REV = frozenset(
    w[::-1] for w in ["day", "days", "week", "weeks", "month", "months", "year", "years"]
)
# Up to three words before an anchor, joined by spaces or hyphens: no date form has more
# ("the end of March", "two days ago"), and none has other punctuation before its anchor.
_BACK_RE = re.compile(r"[\s-]+(\w+)(?:[\s-]+(\w+)(?:[\s-]+(\w+))?)?")
_WINDOW = 32


def _lead_starts(text: str, rev: str, at: int, floor: int) -> list[int]:
    """Starts of the lead-in words before the anchor at ``at``, in text order."""
    n = len(text)
    back = _BACK_RE.match(rev, n - at, n - floor)
    if back is None:
        return []
    starts = []
    for group in (1, 2, 3):
        word = back.group(group)
        if word is None:
            break
        low = word.lower()
        if low[-1].isdigit() or low in _LEADS_REV:
            starts.append(n - back.end(group))
        elif low not in _PASS_REV:
            break
    return starts[::-1]


# Anchor words no date starts with: without a lead-in word before them ("the past two
# years", "the day before") they are no date, so the grammar is not tried at them.
_LEAD_ONLY = frozenset(
    [
        "hours", "days", "weeks", "months", "years", "decades", "century", "day", "half",
        "quarter", "quarters",
    ]
)
_RELATIVE_YEAR = re.compile(r"(?:last|next|this) year")


def find_dates(text: str) -> list[DateExpr]:
    """Find date expressions in one paragraph.

    Month names and weekdays must be capitalised (so "a march on the capital" and
    "may" stay words), and "May"/"March"/"August" need a day, a year or a lead-in
    such as "in". Lead-in prepositions are left out of the span ("on Tuesday" ->
    "Tuesday", "over the weekend" -> "the weekend"); modifiers that change the
    meaning stay in ("late Sunday", "last week").

    Args:
        text: One paragraph's text.

    Returns:
        Unresolved ``DateExpr`` items in text order, offsets into ``text``.
    """
    found: list[DateExpr] = []
    last_end = 0
    rev = ""
    for anchor in _ANCHOR_RE.finditer(spaced_bytes(text)):
        at, stop = anchor.start(), anchor.end() - 1
        if (
            at < last_end
            or (at and is_word_char(text[at - 1]))
            or (stop < len(text) and is_word_char(text[stop]))
        ):
            continue  # inside a word once non-latin-1 letters are counted
        if at > last_end and (text[at - 1] == "-" or text[at - 1].isspace()):
            rev = rev or text[::-1]
            starts = _lead_starts(text, rev, at, max(last_end, at - _WINDOW))
        else:
            starts = []
        word = text[at:stop].lower()
        lone = () if word in _LEAD_ONLY else (at,)
        period = word not in _PLAIN_ANCHORS
        for pos in (*starts, *lone):
            m = _PERIOD_RE.match(text, pos) if period else None
            if m is None or m.end() <= at:
                m = _DATE_RE.match(text, pos)
            if m is not None and m.lastgroup == "by" and not _bare_year_ok(text, m.start()):
                continue
            if m is not None and m.end() > at:
                start, end = m.span(m.lastgroup or 0)
                found.append(DateExpr(start=start, end=end, text=text[start:end]))
                last_end = m.end()
                break
    return _join_month_year(text, found)


_YEAR_DETERMINERS = wordset("a an the this that its his her their our whose each every")
_PREV_TOKEN = re.compile(r"([A-Za-z]+|\d{4})?([^\w\s]*)\s*$")


def _bare_year_ok(text: str, start: int) -> bool:
    """True when the bare year at ``start`` is a year, not a count ("rose to 2019 votes").

    A year is one after a determiner ("a 2003 coup", "the 2014 elections"), a possessive,
    at the start of a sentence ("2014 has been marked") or in a list of years ("2018
    and 2019").
    """
    before = text[max(0, start - 24) : start]
    m = _PREV_TOKEN.search(before)
    word, punct = (m.group(1) or "", m.group(2)) if m else ("", "")
    if not word:
        return not before.strip() or any(c in punct for c in ".!?:;\"“”")
    if word.lower() in _YEAR_DETERMINERS or before.rstrip().endswith(("'s", "’s")):
        return True
    if word.lower() in ("and", "or"):
        return re.search(r"(?:1[89]|20)\d\d,?\s+(?:and|or)\s*$", before) is not None
    return False


def _join_month_year(text: str, found: list[DateExpr]) -> list[DateExpr]:
    """One expression for "December last year" (a month of a relative year), not two."""
    out: list[DateExpr] = []
    for expr in found:
        prev = out[-1] if out else None
        if (prev is not None and expr.start == prev.end + 1 and text[prev.end] == " "
                and _RELATIVE_YEAR.fullmatch(expr.text)
                and prev.text.split()[0].lower() in MONTH_NUM and not prev.text[-1].isdigit()):
            out[-1] = DateExpr(start=prev.start, end=expr.end, text=text[prev.start : expr.end])
        else:
            out.append(expr)
    return out
