"""One module per wire format, and the step they all end with: the same article fields.

Each format module turns its payload into a headline, a list of candidate
paragraphs and whatever metadata the format carries; :func:`finish_item`
then normalises them exactly as the plain-text parser does (Unicode NFC,
white space folded, site furniture dropped, closing credit lines moved to
``credit``, the body joined with one blank line between paragraphs), so an
``Article`` looks the same whatever it arrived as.

    text.py     plain wire text               ninjs.py   IPTC ninjs 1.x and 2.x JSON
    feed.py     RSS 2.0 / Atom items          jsonl.py   one JSON article object per line
    html.py     HTML pages and bodies         detect.py  ``--format auto`` sniffing
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from agents.errors import EmptyArticle, InvalidArticle
from agents.formats.furniture import is_furniture

# The credit and dateline shapes are the text parser's own: one definition for every format.
from agents.formats.text import CREDIT, DATELINE, ParsedText

__all__ = [
    "ParsedItem",
    "clean_inline",
    "finish_item",
    "parse_iso_date",
    "split_byline",
    "text_paragraphs",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
# Only white space that needs folding: runs, or any white space but a plain space.
# (Matching every single space and writing it back would cost most of the parse.)
_SPACE = re.compile(r"\s{2,}|[^\S ]")
_BY = re.compile(r"^(?:by|por|von|par)\s+", re.IGNORECASE)
_NAMES = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


@dataclass
class ParsedItem(ParsedText):
    """The text parser's fields plus what structured formats carry themselves."""

    source_id: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None


def clean_inline(value: str) -> str:
    """One line of text: NFC, control characters removed, white space folded to one space."""
    value = unicodedata.normalize("NFC", value)
    if not value.isprintable():  # fast path: printable text has no controls, tabs or breaks
        value = _SPACE.sub(" ", _CONTROL.sub("", value))
    elif "  " in value:
        value = _SPACE.sub(" ", value)
    return value.strip()


def text_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain-text body: blank-line separated, or one per line when none are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = _BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")
    return [p for p in parts if p.strip()]


def split_byline(value: str | list[str]) -> list[str]:
    """Names from a byline string ("By Jane Doe and John Roe") or a list of them."""
    raw = [value] if isinstance(value, str) else value
    names: list[str] = []
    for item in raw:
        for name in _NAMES.split(_BY.sub("", clean_inline(item))):
            name = _BY.sub("", name).strip(" .")
            if name and name not in names:
                names.append(name)
    return names


def parse_iso_date(value: object, field: str) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime; ``None`` when absent.

    Raises:
        InvalidArticle: the value is not a string or not an ISO 8601 date.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArticle(f"'{field}' must be an ISO 8601 string, not {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidArticle(f"'{field}' is not an ISO 8601 date: {value[:40]!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def finish_item(headline: str, paragraphs: list[str], **fields: object) -> ParsedItem:
    """Normalise a structured format's fields into the shape the text parser gives.

    Invariant: ``body`` is non-empty NFC text, paragraphs separated by exactly
    ``"\\n\\n"``, none of them furniture or blank, no closing credit line. The
    headline may be empty: a story without one is still a story.

    Args:
        headline: The headline as the format gave it (folded to one line here).
        paragraphs: Candidate story paragraphs in order (cleaned here).
        **fields: Any other :class:`ParsedItem` field; ``dateline`` falls back to
            an AP/Reuters-style dateline at the start of the first paragraph.

    Raises:
        EmptyArticle: no story paragraph once furniture and credits are removed.
    """
    headline = clean_inline(headline)
    kept = [p for p in (clean_inline(p) for p in paragraphs) if p and not is_furniture(p)]
    if not kept:
        raise EmptyArticle("no story text once markup and site furniture are removed")
    credit: str | None = None
    while kept and len(kept[-1]) < 300 and CREDIT.match(kept[-1]):
        line = kept.pop()
        credit = line if credit is None else f"{line} {credit}"
    if not kept:
        raise EmptyArticle("the article has a headline but no body paragraphs")
    item = ParsedItem(headline=headline, body="\n\n".join(kept), credit=credit)
    for name, value in fields.items():
        if isinstance(value, str):
            value = clean_inline(value) or None
        if value is not None:
            setattr(item, name, value)
    if item.dateline is None:
        found = DATELINE.match(kept[0])
        item.dateline = found.group("dateline").strip() if found else None
    if item.language:
        item.language = item.language.split("-")[0].split("_")[0].lower()
    return item
