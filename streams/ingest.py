"""Turning files into raw articles for the raw topic: format detection and splitting.

One Kafka message is one article. A feed file holds many items and a JSON-lines
file many objects, so they are split here, each piece a self-contained payload
that parses alone (the raw topic stays replayable piece by piece). Each piece is
parsed once to learn its stable article id, which becomes the message key: every
topic is then keyed by the same id, whatever name the file had. A piece that does
not parse is still sent (keyed by its file name) so that it lands in the dead
letters with its reason, like bad input from any feed; its ``refused`` says that
reason up front (the same ``parse_article`` call the normalize stage makes, so
``wiredesk ingest`` can tell the person now, not in ``dlq list`` later).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from agents.errors import StageError
from agents.formats.detect import detect_format
from agents.formats.feed import parse_feed_items
from agents.formats.jsonl import parse_jsonl_lines
from agents.parse import RawMeta, parse_article
from streams.kafka_io import RawArticle

__all__ = ["raw_articles", "split_payload", "stdin_name"]


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


def stdin_name(raw: bytes) -> str:
    """The name of bytes read from stdin: ``stdin-`` and a hash of them.

    Different content gets a different name (so a different article id), the
    same bytes sent again the same one; ``--source-id`` gives a caller's own.
    """
    return "stdin-" + hashlib.sha256(raw).hexdigest()[:16]


def raw_articles(raw: bytes, name: str, fmt: str, source: str,
                 max_bytes: int = 2_000_000, *,
                 published: datetime | None = None) -> list[RawArticle]:
    """Every article of one file, keyed by the id the pipeline will give it.

    Args:
        name: The file's name, or the caller's source id; piece ``i`` of a file
            holding several articles is ``name#i``. An id the article carries
            itself (ninjs uri, feed guid, JSON id) wins over it.
        published: The story date given from outside (``--published``), sent in
            the ``wiredesk.published`` header.

    Returns:
        One ``RawArticle`` per piece; ``refused`` is set on a piece the normalize
        stage will dead-letter, with the error type and reason.
    """
    fmt, pieces = split_payload(raw, fmt)
    now = datetime.now(UTC)
    out = []
    for i, piece in enumerate(pieces, start=1):
        source_id = name if len(pieces) == 1 else f"{name}#{i}"
        meta = RawMeta(source=source, source_id=source_id, format=fmt, published=published)
        try:
            article = parse_article(piece, meta, now=now, max_bytes=max_bytes)
        except StageError as exc:  # sent all the same: the raw topic keeps every input
            out.append(RawArticle(piece, source, source_id, fmt, published,
                                  refused=f"{type(exc).__name__}: {exc}"))
            continue
        out.append(RawArticle(piece, article.source, article.source_id, fmt, published))
    return out
