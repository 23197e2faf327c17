"""The ingest boundary: raw bytes from ``wiredesk.articles.raw.v1`` to an ``Article``.

The raw topic holds the bytes exactly as a feed delivered them (it is the event
store); what wiredesk knows about them besides (source, source id, format,
arrival time) travels in Kafka headers, described by :class:`RawMeta`. Parsing
is a pure function so that a malformed payload becomes a ``StageError`` and a
dead letter, never an exception inside the agent loop.

``meta.format`` picks the parser: ``text`` (agents/formats/text.py), ``ninjs``,
``rss`` (one RSS or Atom item), ``jsonl`` (one JSON article object), ``html``
(an article page), or ``auto`` (sniffed by agents/formats/detect.py; the
record's ``format`` is then the format found). Every parser ends in the same
normalisation, so the ``Article`` has one shape whatever the input.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from agents.errors import DecodeError, EmptyArticle, TooLarge, UnsupportedFormat
from agents.formats import ParsedItem
from agents.formats.detect import detect_format
from agents.formats.feed import parse_feed
from agents.formats.html import parse_html
from agents.formats.jsonl import parse_jsonl
from agents.formats.ninjs import parse_ninjs
from agents.formats.text import ParsedText, dateline_date, parse_text
from schemas.article import Article

__all__ = [
    "FORMATS",
    "HEADER_FORMAT",
    "HEADER_RECEIVED_AT",
    "HEADER_SOURCE",
    "HEADER_SOURCE_ID",
    "RawMeta",
    "article_id",
    "decode_text",
    "parse_article",
]

HEADER_SOURCE = "wiredesk.source"
HEADER_SOURCE_ID = "wiredesk.source-id"
HEADER_FORMAT = "wiredesk.format"
HEADER_RECEIVED_AT = "wiredesk.received-at"
FORMATS = ("text", "ninjs", "rss", "jsonl", "html", "auto")
# Other names the same formats go by (the eval gold files say "rss-item").
_ALIASES = {"atom": "rss", "rss-item": "rss", "json": "jsonl"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# Runs of spaces, or any one space character but " ": what folding to " " changes.
# (Matching every single space and writing it back cost most of a parse.)
_SPACES = re.compile(
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)


@dataclass(frozen=True, slots=True)
class RawMeta:
    """What is known about raw bytes besides the bytes: their Kafka headers."""

    source: str = "unknown"
    source_id: str | None = None
    format: str = "text"
    received_at: datetime | None = None
    # The publication date the message's metadata gives (a feed's pubDate, a wire
    # header, ``--published``); the text's own date, when it prints one, wins.
    published: datetime | None = None

    def to_headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers for these values (the ingest side)."""
        headers = [(HEADER_SOURCE, self.source.encode()), (HEADER_FORMAT, self.format.encode())]
        if self.source_id is not None:
            headers.append((HEADER_SOURCE_ID, self.source_id.encode()))
        if self.received_at is not None:
            headers.append((HEADER_RECEIVED_AT, self.received_at.isoformat().encode()))
        return headers

    @classmethod
    def from_headers(cls, headers: object) -> RawMeta:
        """Read the values back from Kafka headers (a mapping or a list of pairs)."""
        pairs = headers.items() if isinstance(headers, dict) else (headers or [])
        found: dict[str, str] = {}
        for key, value in pairs:  # type: ignore[attr-defined]
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            found[key] = value
        received = None
        if HEADER_RECEIVED_AT in found:
            try:
                received = datetime.fromisoformat(found[HEADER_RECEIVED_AT])
            except ValueError:
                received = None
        return cls(
            source=found.get(HEADER_SOURCE, "unknown"),
            source_id=found.get(HEADER_SOURCE_ID),
            format=found.get(HEADER_FORMAT, "text"),
            received_at=received,
        )


def article_id(source: str, source_id: str) -> str:
    """The stable id of a story: the same (source, source id) always gives the same id."""
    return hashlib.sha256(f"{source}\x1f{source_id}".encode()).hexdigest()[:20]


def decode_text(raw: bytes, max_bytes: int) -> str:
    """Bytes to clean Unicode text: UTF-8 (BOM allowed), NFC, ``\\n`` line ends.

    Raises:
        TooLarge: more than ``max_bytes``.
        DecodeError: binary data or bytes that are not UTF-8.
        EmptyArticle: nothing but white space.
    """
    if len(raw) > max_bytes:
        raise TooLarge(f"article is {len(raw):,} bytes; the limit is {max_bytes:,}")
    if b"\x00" in raw[:65536]:
        raise DecodeError("binary data: the payload contains NUL bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(_CONTROL.findall(text[:4096])) > 16:
        raise DecodeError("binary data: too many control characters for text")
    text = _CONTROL.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    if not text.strip():
        raise EmptyArticle("the payload is empty")
    return text


def parse_article(
    raw: bytes, meta: RawMeta, *, now: datetime, max_bytes: int = 2_000_000
) -> Article:
    """Parse raw article bytes into an ``Article``.

    Args:
        raw: The payload exactly as the feed delivered it.
        meta: Source, source id, format and arrival time from the headers.
        max_bytes: Larger payloads are rejected.
        now: Arrival time to use when the headers carry none: the Kafka message
            timestamp in the stage, so a replay gives the same record.

    Returns:
        The normalised article; its ``id`` is stable per (source, source id),
        or per (source, headline, date) when the feed gives no id.

    Raises:
        StageError: any subclass, with a message that says what is wrong.
    """
    fmt = _ALIASES.get(meta.format, meta.format)
    if fmt not in FORMATS:
        raise UnsupportedFormat(f"format {meta.format!r} is not one of {', '.join(FORMATS)}")
    if len(raw) > max_bytes:
        raise TooLarge(f"article is {len(raw):,} bytes; the limit is {max_bytes:,}")
    if fmt == "auto":
        fmt = detect_format(raw)
    # XML declares its own encoding, so a feed item goes to its parser as bytes.
    parsed: ParsedText = (
        parse_feed(raw) if fmt == "rss" else _TEXT_PARSERS[fmt](decode_text(raw, max_bytes))
    )
    item = parsed if isinstance(parsed, ParsedItem) else None
    content_hash = hashlib.sha256(
        f"{parsed.headline}\n{parsed.body}".encode()
    ).hexdigest()[:20]
    received_at = meta.received_at or now
    if parsed.published is None:
        parsed.published = dateline_date(parsed.dateline, received_at)
    published_day = parsed.published.date().isoformat() if parsed.published else ""
    # An id the payload carries (ninjs uri, feed guid, JSON id) is the story's own
    # identity and wins over the ingest header, which may only name a file.
    own_id = item.source_id if item is not None else None
    source_id = own_id or meta.source_id or f"{parsed.headline}|{published_day}"
    source = (item.source if item is not None else None) or meta.source
    return Article(
        id=article_id(source, source_id),
        source=source,
        source_id=source_id,
        format=fmt,
        headline=parsed.headline,
        body=parsed.body,
        content_hash=content_hash,
        received_at=received_at,
        byline=parsed.byline,
        published=parsed.published,
        dateline=parsed.dateline,
        section=parsed.section,
        credit=parsed.credit,
        url=item.url if item is not None else None,
        language=(item.language if item is not None else None) or "en",
    )


_TEXT_PARSERS: dict[str, Callable[[str], ParsedText]] = {
    "text": parse_text,
    "ninjs": parse_ninjs,
    "jsonl": parse_jsonl,
    "html": parse_html,
}
