"""Turning files into raw articles for the raw topic: format detection and splitting.

One Kafka message is one article. A feed file holds many items and a JSON-lines
file many objects, so they are split here, each piece a self-contained payload
that parses alone (the raw topic stays replayable piece by piece). Each piece is
parsed once to learn its stable article id, which becomes the message key: every
topic is then keyed by the same id, whatever name the file had. A piece that does
not parse is still sent (keyed by its file name) so that it lands in the dead
letters with its reason, like bad input from any feed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from agents.errors import StageError
from agents.formats.detect import detect_format
from agents.formats.feed import parse_feed_items
from agents.formats.jsonl import parse_jsonl_lines
from agents.parse import RawMeta, parse_article
from streams.kafka_io import RawArticle

__all__ = ["raw_articles", "split_payload"]


def split_payload(raw: bytes, fmt: str) -> tuple[str, list[bytes]]:
    """The concrete format and the one-article pieces of a file.

    Raises:
        StageError: the file cannot be split (a broken feed, a bad JSON line).
    """
    if fmt == "auto":
        fmt = detect_format(raw)
    if fmt in ("rss", "atom", "rss-item"):
        return "rss", parse_feed_items(raw)
    if fmt in ("jsonl", "json"):
        return "jsonl", parse_jsonl_lines(raw)
    return fmt, [raw]


def raw_articles(raw: bytes, name: str, fmt: str, source: str,
                 max_bytes: int = 2_000_000) -> list[RawArticle]:
    """Every article of one file, keyed by the id the pipeline will give it."""
    fmt, pieces = split_payload(raw, fmt)
    now = datetime.now(UTC)
    out = []
    for i, piece in enumerate(pieces, start=1):
        source_id = name if len(pieces) == 1 else f"{name}#{i}"
        try:
            article = parse_article(piece, RawMeta(source=source, source_id=source_id,
                                                   format=fmt), now=now, max_bytes=max_bytes)
        except StageError:
            out.append(RawArticle(piece, source, source_id, fmt))
            continue
        out.append(RawArticle(piece, article.source, article.source_id, fmt))
    return out
