"""Plain wire text: the layout of ``shared/seed/`` and of most wire copy pasted as text.

A plain-text article is a run of blocks separated by blank lines::

    UNITED24 - Make a charitable donation ...       site banner      (dropped)
    Weapons of Mass Destruction (WMD)               section
    Islamic State Strikes Back in Last Stand ...    headline
    By Jeff Seldin March 13, 2019                   byline + date
    Islamic State fighters launched ...             body paragraphs
    Information from Reuters was used ...           credit line      (kept as credit)
    Join the GlobalSecurity.org mailing list        footer           (dropped)

The parser finds the headline and byline by their shape, not by position
alone, so copy without banner or section, or with a dateline ("BEIRUT
(Reuters) -") instead of a byline, parses too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agents.errors import EmptyArticle, MissingField
from agents.formats.furniture import is_furniture

__all__ = ["CREDIT", "DATELINE", "ParsedText", "dateline_date", "parse_text"]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_DATE = re.compile(
    rf"(?P<date>(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    rf"(?:(?P<m1>{_MONTHS})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS}),?\s+(?P<y2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}"
    rf"(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?)))"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|del|da|van|von|al-\w+|bin|ibn))*"
_BYLINE = re.compile(
    rf"^By\s+(?P<names>{_NAME}(?:(?:\s*,\s*|\s+and\s+){_NAME})*)"
    rf"(?:\s*[,|•·-]?\s*{_DATE.pattern})?\s*$"
)
DATELINE = re.compile(
    r"^(?P<dateline>[A-Z]{2}[A-Z .'’/-]{1,40}"  # the city in capitals (CAIRO/GAZA)
    r"(?:,\s*[A-Z][\w.'’]*(?:\s+[\w.'’]+){0,4}){0,3}"  # ", Guinea", ", Feb. 19"
    r"\s*(?:\([A-Z][\w .]{1,20}\))?)"  # "(Reuters)", "(AP)"
    r"\s*[—–-]{1,2}\s+"
)
#: A credit line closing a story: "Information from Reuters was used in this report.",
#: "Reporting by X; Editing by Y", "Associated Press writer X contributed from Dakar.",
#: "Abdelrahman reported from Cairo."
CREDIT = re.compile(
    r"^(?:(?:Information|Material|Reporting|Additional reporting|Writing|Editing)"
    r"\b.{0,200}\b(?:was used|contributed|by)\b.*|\(?(?:Reporting|Writing) by .*"
    r"|(?:[\w.]+ ){0,4}(?:writers?|correspondents?|reporters?) .{0,160}\bcontributed\b.*"
    r"|[A-Z][\w'’-]+(?: (?:and|&) [A-Z][\w'’-]+)? reported from [A-Z][\w ,'’-]{1,60}\.)$",
    re.IGNORECASE,
)
DATE_ONLY = re.compile(
    rf"^(?:(?:Published|Updated|Posted|Last updated)(?: on)?:?\s*)?"
    rf"{_DATE.pattern}[\w\s:.,()+-]{{0,24}}$",
    re.IGNORECASE,
)
_MONTH_NUM = {
    m: i for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1)
}


DATELINE_DAY = re.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})\b")


def dateline_date(dateline: str | None, received: datetime) -> datetime | None:
    """The story date of an AP-style dateline ("GENEVA, Aug. 14 (AP)"), which has no year.

    The year is the one in which the story arrived, or the year before when
    that would put the date more than a day after its arrival (a story filed
    on Dec. 31 and received on Jan. 1).
    """
    found = DATELINE_DAY.search(dateline or "")
    if not found:
        return None
    month = _MONTH_NUM.get(found.group("month")[:3].lower())
    if month is None:
        return None
    for year in (received.year, received.year - 1):
        try:
            day = datetime(year, month, int(found.group("day")), tzinfo=UTC)
        except ValueError:
            return None
        if (day - received).days <= 1:
            return day
    return None


@dataclass
class ParsedText:
    """The fields of a plain-text article before it becomes a record."""

    headline: str
    body: str
    byline: list[str] = field(default_factory=list)
    published: datetime | None = None
    section: str | None = None
    credit: str | None = None
    dateline: str | None = None
    furniture: list[str] = field(default_factory=list)


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, each with its inner line breaks folded."""
    blocks = re.split(r"\n\s*\n", text)
    return [re.sub(r"\s*\n\s*", " ", b).strip() for b in blocks if b.strip()]


def parse_date(match: re.Match[str]) -> datetime | None:
    """A timezone-aware UTC midnight (or the given time) from a ``_DATE`` match."""
    if match.group("iso"):
        raw = match.group("iso").replace(" ", "T").replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    month = match.group("m1") or match.group("m2")
    day = match.group("d1") or match.group("d2")
    year = match.group("y1") or match.group("y2")
    try:
        return datetime(int(year), _MONTH_NUM[month[:3].lower()], int(day), tzinfo=UTC)
    except (KeyError, ValueError):
        return None


def _looks_like_headline(block: str) -> bool:
    """Short, no sentence-final full stop, starts with a capital or digit."""
    words = block.split()
    return (
        0 < len(words) <= 25
        and len(block) <= 200
        and not block.endswith((".", ",", ";", ":"))
        and (block[0].isupper() or block[0].isdigit() or block[0] in "\"'“‘")
    )


#: Words of an outlet's name: "By Evelyne Musambi, Associated Press", "By Reuters Staff"
#: name the outlet after (or instead of) the writer, and an outlet is not a person.
_OUTLET = re.compile(
    r"\b(?:Press|News|Reuters|AFP|Agency|Agence|Staff|Times|Post|Service|Media|Wire|Radio|"
    r"Television|TV|Network|Newsroom|Desk|Correspondents?|Bureau)\b"
)


def _split_names(names: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+and\s+", names)
    return [p.strip() for p in parts if p.strip() and not _OUTLET.search(p)]


def parse_text(text: str) -> ParsedText:
    """Split normalised plain wire text into headline, byline, body and credit.

    Args:
        text: Unicode text with ``\\n`` line ends (see ``agents.parse``).

    Returns:
        The parsed fields; ``body`` is the story paragraphs joined by blank lines.

    Raises:
        EmptyArticle: nothing but furniture.
        MissingField: no block has the shape of a headline.
    """
    blocks = _blocks(text)
    furniture = [b for b in blocks if is_furniture(b)]
    blocks = [b for b in blocks if not is_furniture(b)]
    if not blocks:
        raise EmptyArticle("no story text once site furniture is removed")

    byline_at = next((i for i, b in enumerate(blocks[:6]) if _BYLINE.match(b)), None)
    parsed = ParsedText(headline="", body="", furniture=furniture)
    if byline_at is not None:
        match = _BYLINE.match(blocks[byline_at])
        assert match is not None
        parsed.byline = _split_names(match.group("names"))
        if match.group("date"):
            parsed.published = parse_date(match)
        head = blocks[:byline_at]
        rest = blocks[byline_at + 1 :]
        # A date line under the byline ("Published October 17, 2024") dates the story.
        while rest and len(rest[0]) < 80 and DATE_ONLY.match(rest[0]):
            found = DATE_ONLY.match(rest.pop(0))
            if parsed.published is None and found:
                parsed.published = parse_date(found)
    else:
        # No byline: the headline is the first headline-shaped block among the first few.
        first_para = next(
            (i for i, b in enumerate(blocks[:6]) if not _looks_like_headline(b)), len(blocks)
        )
        head, rest = blocks[:first_para], blocks[first_para:]
    headlines = [b for b in head if _looks_like_headline(b) and not DATE_ONLY.match(b)]
    if not headlines:
        raise MissingField("no headline: the text starts with a paragraph, not a title line")
    parsed.headline = headlines[-1]
    if len(headlines) > 1:
        parsed.section = headlines[-2]
        parsed.furniture.extend(headlines[:-2])

    # Credit lines close the story ("Information from Reuters was used in this report.").
    while rest and CREDIT.match(rest[-1]) and len(rest[-1]) < 300:
        credit = rest.pop()
        parsed.credit = credit if parsed.credit is None else f"{credit} {parsed.credit}"
    if not rest:
        raise EmptyArticle("the article has a headline but no body paragraphs")

    dateline = DATELINE.match(rest[0])
    if dateline:
        parsed.dateline = dateline.group("dateline").strip()
    if parsed.published is None:
        # A date line above the story ("Published March 13, 2019"), never a date
        # inside a story paragraph: that is when something happened, not the story.
        for block in head:
            found = DATE_ONLY.match(block)
            if found:
                parsed.published = parse_date(found)
                break
    parsed.body = "\n\n".join(rest)
    return parsed
