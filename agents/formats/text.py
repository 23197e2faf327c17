"""Plain wire text: the layout of ``shared/seed/`` and of most copy pasted from a news page.

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
(Reuters) -") instead of a byline, parses too. Real pages add more, and the
parser reads them rather than refusing the story:

- site furniture anywhere (agents/formats/furniture.py), photo captions printed
  twice, the headline list under "You May Like", an embedded video's card;
- metadata lines (``date 2019-05-15``, ``Source: Reuters``) and date lines
  (``Published March 13, 2019``, a bare ``May 30, 2012 2:07 PM`` stamp);
- a byline without "By": a name line under the headline ("Lisa Bryant"), an
  outlet line at the foot ("VOA News"), "VOA's Ayaz Gul reports from ...";
- no headline at all (the text starts with its first paragraph): the headline
  is then empty; a text of short lines without full stops is a headline and
  body lines, never all headline.

Only text with no story line at all (empty, or furniture only) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agents.errors import EmptyArticle
from agents.formats.furniture import MEDIA, NAV, RELATED_HEADING, is_furniture

__all__ = ["CREDIT", "DATELINE", "DATE_ONLY", "ParsedText", "dateline_date", "parse_text"]

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?"
)
_DATE = re.compile(
    rf"(?P<date>(?:(?:Mon|Tue|Tues|Wed|Wednes|Thu|Thur|Thurs|Fri|Sat|Satur|Sun)(?:day|\.)?,?\s+)?"
    rf"(?:(?P<m1>{_MONTHS})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTHS}),?\s+(?P<y2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}"
    rf"(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?)))"
)
_NAME = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|del|da|van|von|al-\w+|bin|ibn))*"
_BYLINE = re.compile(
    rf"^By\s+(?P<names>{_NAME}(?:(?:\s*,\s*|\s+and\s+){_NAME})*)"
    rf"(?:\s*[,|•·-]?\s*(?:(?:Published|Updated|Posted)(?: on)?:?\s*)?{_DATE.pattern}"
    rf"[\w\s:.,()+-]{{0,24}})?\s*$"
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
    r"|[A-Z][\w'’-]+(?: (?:and|&) [A-Z][\w'’-]+)? reported from [A-Z][\w ,'’-]{1,60}\."
    r"|(?:[\w.'’-]+ ){1,6}contributed (?:to|reporting to) this (?:report|story|article)\.?)$",
    re.IGNORECASE,
)
#: A date line: "Published March 13, 2019", "Updated 3:14 PM EDT, March 13, 2019",
#: "Mon 13 Mar 2019 10.41 GMT", "April 12, 2024 9:30 AM GMT+3 Updated 2 hours ago".
DATE_ONLY = re.compile(
    rf"^(?:(?:Published|Updated|Posted|Last updated|Last modified|First published)"
    rf"(?: on| at)?:?\s*)?(?:\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?,?\s*)?"
    rf"{_DATE.pattern}[\w\s:.,()+|-]{{0,48}}$",
    re.IGNORECASE,
)
_MONTH_NUM = {
    m: i for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1)
}


DATELINE_DAY = re.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})\b")


def dateline_date(dateline: str | None, received: datetime | None) -> datetime | None:
    """The story date of an AP-style dateline ("GENEVA, Aug. 14 (AP)"), which has no year.

    The year is the one of ``received`` (a date the message carries: its
    received-at or a feed's date), or the year before when that would put the
    date more than a day after it (a story filed on Dec. 31 and received on
    Jan. 1). Without such a date the year is unknown and so is the story date:
    the processing clock is never a story's date.
    """
    found = DATELINE_DAY.search(dateline or "")
    if not found or received is None:
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
    #: Fields read from metadata lines ("source", "url", "language"), for the caller.
    metadata: dict[str, str] = field(default_factory=dict)
    #: The encoding the bytes were read in, when the parser decoded them (feeds).
    encoding: str | None = None


_TERMINAL = (".", "!", "?", ":", ";", ",", '"', "”", "’", "'", ")", "]")


def _lines_to_blocks(lines: list[str]) -> list[str]:
    """The paragraphs of one blank-line separated block.

    A hard-wrapped paragraph (most lines long, some ending mid-sentence) is one
    paragraph; otherwise each line is one, as in copy whose paragraphs are
    single lines ("Headline\\nBy Jane Doe\\nFirst paragraph.\\n..."), except
    that a line starting in lower case continues the one before.
    """
    if len(lines) == 1:
        return lines
    # Wrapped lines are long and of one width (a list of headlines varies).
    width = max(len(line) for line in lines[:-1])
    even = sum(len(line) >= 50 and len(line) >= 0.75 * width for line in lines[:-1])
    open_ends = any(not line.endswith(_TERMINAL) for line in lines[:-1])
    if open_ends and even >= max(1, 0.7 * (len(lines) - 1)):
        return [" ".join(lines)]
    out: list[str] = []
    for line in lines:
        if out and (line[0].islower() or out[-1].endswith(("-", "–", "—", ","))):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _blocks(text: str) -> list[str]:
    """The text's paragraph-level blocks (blank-line separated, or single lines)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            out.extend(_lines_to_blocks(lines))
    return out


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
_CALL_LETTERS = re.compile(r"^[A-Z]{2,5}$")
_WORD = r"(?:[A-Z][\w'’.-]*|de|del|da|van|von|bin|ibn|al-\w+)"
#: "VOA's Victoria Macchi contributed to this report." (a credit line above the story too)
_CONTRIBUTED = re.compile(
    r"^(?:[\w.'’-]+ ){1,6}contributed (?:to|reporting to) this (?:report|story|article)\.?$",
    re.IGNORECASE,
)
#: A dateline on a line of its own, closed by its dash: "Nairobi, Kenya CNN —".
_DATELINE_LINE = re.compile(r"^(?P<dateline>[A-Z][\w .,'’()/-]{1,60}?)\s+[—–-]{1,2}$")
#: A byline that says where the writer is: "Jane Doe in Nairobi", "A and B in Kyiv".
_NAME_IN = re.compile(
    rf"^(?P<names>[A-Z][\w'’.-]*(?:\s+{_WORD}){{1,3}}(?:\s*(?:,|and|&)\s*[A-Z][\w'’.-]*"
    rf"(?:\s+{_WORD}){{1,3}})*)\s+in\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){{0,3}}$"
)
#: A byline line without "By": two to four capitalised words ("Lisa Bryant", "VOA News"),
#: or two such names joined by "and".
_BARE_BYLINE = re.compile(
    rf"^[A-Z][\w'’.-]*(?:\s+{_WORD}){{1,3}}(?:\s+(?:and|&)\s+[A-Z][\w'’.-]*(?:\s+{_WORD}){{1,3}})?$"
)
#: A byline line without "By" but with the date, under a headline: "Lisa Bryant | May 30, 2012".
_NAME_DATE = re.compile(
    rf"^(?P<names>[A-Z][\w'’.-]*(?:\s+{_WORD}){{1,3}}(?:\s+(?:and|&)\s+[A-Z][\w'’.-]*"
    rf"(?:\s+{_WORD}){{1,3}})?)\s*[,|•·-]?\s*(?:(?:Published|Updated|Posted)(?: on)?:?\s*)?"
    rf"{_DATE.pattern}[\w\s:.,()+-]{{0,24}}$"
)
#: A broadcast lead's reporter: "VOA's Ayaz Gul reports from the capital."
_REPORTS_FROM = re.compile(
    r"(?:^|[.!?]\s+)[A-Z][\w.]*['’]s\s+(?:correspondent\s+|reporter\s+)?"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\s+reports\s+from\s+[^.]{1,60}\.$"
)
#: A metadata line: a key and its value ("date 2019-05-15", "Source: Reuters"). A key
#: with no colon must be lower case, as in front matter: "Date palms ..." is prose.
_META = re.compile(
    r"^(?P<key>date|published|updated|posted|pubdate|byline|author|authors|source|url|link|"
    r"section|category|language|lang|dateline|title|headline)"
    r"(?P<sep>\s*[:=]\s*|\s+)(?P<value>\S.{0,200})$",
    re.IGNORECASE,
)
_DATE_KEYS = frozenset({"date", "published", "updated", "posted", "pubdate"})


def _split_names(names: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\s*,\s*|\s+(?:and|&)\s+", names) if p.strip()]
    # An outlet by its words ("Associated Press") or its call letters alone ("CNN", "BBC").
    return [p for p in parts if not _OUTLET.search(p) and not _CALL_LETTERS.match(p)]


def _doubled(block: str) -> str | None:
    """The sentence of a block that prints the same text twice (a caption and its copy)."""
    half = len(block) // 2  # "A A": an odd length, a space in the middle
    if len(block) % 2 and half >= 20 and block[half] == " " and block[:half] == block[half + 1:]:
        return block[:half]
    return None


@dataclass
class _Page:
    """Blocks left once furniture is gone, and the date stamps found on the way."""

    blocks: list[str]
    furniture: list[str]
    stamps: list[datetime]
    section: str | None = None


def _strip_page(blocks: list[str]) -> _Page:
    """Drop furniture wherever it sits; keep the page's date stamps (first one first).

    Besides :func:`is_furniture`: any block printed twice (photo captions), the
    headline list after a "You May Like" heading, and the description paragraph
    under an embedded video's date stamp ("Watch related video" ... "|| 0:00:00"
    ... "May 30, 2012 2:07 PM" then a summary of another story).
    """
    counts: dict[str, int] = {}
    captions: set[str] = set()
    for block in blocks:
        counts[block] = counts.get(block, 0) + 1
        doubled = _doubled(block)
        if doubled:
            captions.add(doubled)
            captions.add(block)
    page = _Page([], [], [])
    related = media = skip_card = False
    for block in blocks:
        if counts[block] > 1 or block in captions:
            page.furniture.append(block)
            continue
        if related and _looks_like_headline(block):
            page.furniture.append(block)
            continue
        related = False
        if skip_card and not _looks_like_headline(block):
            skip_card = False
            page.furniture.append(block)
            continue
        skip_card = False
        if len(block) < 80 and DATE_ONLY.match(block):
            found = DATE_ONLY.match(block)
            stamp = parse_date(found) if found else None
            if stamp is not None:
                page.stamps.append(stamp)
            page.furniture.append(block)
            skip_card = media
            continue
        # A page's close button ("x"), bullet or stray page number: no story line is so short.
        if len(block) <= 2 or is_furniture(block):
            if not page.blocks and page.section is None and NAV.match(block):
                page.section = block  # a section path above the story: "News / Africa"
            related = related or bool(RELATED_HEADING.match(block))
            media = media or bool(MEDIA.match(block))
            page.furniture.append(block)
            continue
        media = False
        page.blocks.append(block)
    return page


def _meta_of(block: str) -> tuple[str, str] | None:
    """The (key, value) of a metadata line, or None if the block is not one."""
    found = _META.match(block)
    if not found:
        return None
    key, sep, value = found.group("key"), found.group("sep"), found.group("value").strip()
    if not sep.strip() and not key.islower():
        return None
    key = key.lower()
    if key in _DATE_KEYS and not _DATE.search(value):
        return None
    return key, value


def _read_meta(block: str, parsed: ParsedText) -> bool:
    """Read a metadata line into ``parsed``; False if the block is not one."""
    meta = _meta_of(block)
    if meta is None:
        return False
    key, value = meta
    if key in _DATE_KEYS:
        date = _DATE.search(value)
        stamp = parse_date(date) if date else None
        if parsed.published is None:
            parsed.published = stamp
    elif key in ("byline", "author", "authors"):
        parsed.byline = parsed.byline or _split_names(re.sub(r"^[Bb]y\s+", "", value))
    elif key in ("title", "headline"):
        parsed.headline = parsed.headline or value
    elif key in ("section", "category"):
        parsed.section = parsed.section or value
    elif key == "dateline":
        parsed.dateline = parsed.dateline or value
    else:
        parsed.metadata.setdefault({"link": "url", "lang": "language"}.get(key, key), value)
    return True


def _read_head(head: list[str], parsed: ParsedText, *, under_headline: bool) -> list[str]:
    """Read the blocks above the story; return the headline-shaped ones, in order.

    ``under_headline``: a story paragraph follows, so a name line at the end of
    the head is a byline under the headline (not one of a list of short lines).
    """
    titles: list[str] = []
    for block in head:
        byline = _BYLINE.match(block)
        if byline and not parsed.byline:
            parsed.byline = _split_names(byline.group("names"))
            if byline.group("date") and parsed.published is None:
                parsed.published = parse_date(byline)
        elif _read_meta(block, parsed):
            continue
        elif titles and not parsed.byline and (named := _NAME_DATE.match(block)):
            parsed.byline = _bare_names(named.group("names"))
            if parsed.published is None:
                parsed.published = parse_date(named)
        elif titles and not parsed.byline and (located := _NAME_IN.match(block)):
            parsed.byline = _split_names(located.group("names"))
        elif titles and (dateline := _DATELINE_LINE.match(block)):
            parsed.dateline = parsed.dateline or dateline.group("dateline")
        elif _looks_like_headline(block):
            titles.append(block)
        else:
            parsed.furniture.append(block)
    # A name line right under a headline is the byline ("Lisa Bryant", "VOA News").
    if (under_headline and not parsed.byline and len(titles) >= 2
            and _BARE_BYLINE.match(titles[-1])
            and len(titles[-2].split()) >= 5):
        parsed.byline = _bare_names(titles.pop())
    return titles


def _bare_names(line: str) -> list[str]:
    """Names of a bare byline line; an outlet alone ("VOA News") is kept as the byline."""
    return _split_names(line) or [line]


def _story_start(blocks: list[str]) -> int:
    """Index of the first story paragraph: a sentence-shaped block or a dateline."""
    for i, block in enumerate(blocks):
        if (not _looks_like_headline(block) or DATELINE.match(block)) and not _meta_of(block):
            return i
    return len(blocks)


def parse_text(text: str) -> ParsedText:
    """Split normalised plain text into headline, byline, date, body and credit.

    Invariant: any text with at least one story line gives a non-empty body;
    the headline may be empty.

    Args:
        text: Unicode text with ``\\n`` line ends (see ``agents.parse``).

    Returns:
        The parsed fields; ``body`` is the story paragraphs joined by blank lines.
        ``published`` is the first date the text prints for itself (byline,
        date or metadata line, page stamp); a dateline's month and day are
        left to the caller, who knows the year it arrived in.

    Raises:
        EmptyArticle: nothing but furniture.
    """
    page = _strip_page(_blocks(text))
    blocks = page.blocks
    if not blocks:
        raise EmptyArticle("no story text once site furniture is removed")
    parsed = ParsedText(headline="", body="", furniture=page.furniture, section=page.section)
    start = _story_start(blocks)
    head, rest = blocks[:start], blocks[start:]
    titles = _read_head(head, parsed, under_headline=bool(rest))
    if rest and len(titles) <= 6:
        if titles and not parsed.headline:
            parsed.headline = titles.pop()
        if titles and parsed.section is None:
            parsed.section = titles.pop()
        parsed.furniture.extend(titles)
    else:
        # No paragraph-shaped block (or a long run of short lines): not all headline.
        # The first line is the headline, the others are the story; one line alone
        # is a one-line story.
        if not parsed.headline and (len(titles) > 1 or (titles and rest)):
            parsed.headline = titles.pop(0)
        rest = titles + rest
        if not rest:
            raise EmptyArticle("no story text: only a headline, byline or metadata lines")
    _read_body(rest, parsed)
    if parsed.published is None and page.stamps:
        parsed.published = page.stamps[0]
    parsed.body = "\n\n".join(rest)
    return parsed


def _read_body(rest: list[str], parsed: ParsedText) -> None:
    """Take credits, the closing author line and the dateline off the story blocks."""
    # Credit lines open ("X contributed to this report.") or close the story. Above
    # the story only that form: a lead may start "Writing in Nature, ... by ...".
    while len(rest) > 1 and len(rest[0]) < 200 and _CONTRIBUTED.match(rest[0]):
        credit = rest.pop(0)
        parsed.credit = credit if parsed.credit is None else f"{parsed.credit} {credit}"
    # An author box at the foot: the writer's or outlet's name alone ("VOA News").
    if len(rest) > 1 and _BARE_BYLINE.match(rest[-1]) and len(rest[-1]) <= 40:
        line = rest.pop()
        parsed.byline = parsed.byline or _bare_names(line)
    while len(rest) > 1 and CREDIT.match(rest[-1]) and len(rest[-1]) < 300:
        credit = rest.pop()
        parsed.credit = credit if parsed.credit is None else f"{credit} {parsed.credit}"
    dateline = DATELINE.match(rest[0])
    if dateline and parsed.dateline is None:
        parsed.dateline = dateline.group("dateline").strip()
    if not parsed.byline:
        for block in rest[:2]:
            found = _REPORTS_FROM.search(block)
            if found:
                parsed.byline = [found.group("name")]
                break
