"""``POST /articles`` on the worker: articles over HTTP into the raw topic.

The request needs ``Authorization: Bearer <WIREDESK_API_TOKEN>``; with no token
configured every POST answers 403 (writes are never unauthenticated). The body
is at most ``WIREDESK_MAX_ARTICLE_BYTES`` (413 beyond). It is one article, or
a batch::

    Content-Type                         body                          format
    text/plain (default)                 one wire-text article         text
    application/json                     one ninjs or JSON article     ninjs / jsonl (sniffed)
                                         object, or an array of them
    application/rss+xml, atom+xml, xml   a feed: one article per item  rss
    text/html                            an article page               html

``?format=`` (auto, text, ninjs, rss, jsonl, html) overrides the content type;
``?source=`` names the source (default ``http``); ``?name=`` plays the part of
the file name in ``wiredesk ingest`` (the id of an article that carries none of
its own). Without ``?name=`` such an article is keyed by headline and published
day, the pipeline's own fallback, so a corrected re-post is a new revision.

Every piece is keyed by :func:`streams.ingest.raw_articles`, the same as
``wiredesk ingest``, sent through the app's producer (acks from the broker
before the answer) and answered ``202 {"accepted": n, "ids": [...]}``. A piece
that splits but does not parse is accepted too and lands in the dead letters
with its reason, as from any source; a body that cannot even be split (not
JSON, a broken feed, an empty body) is ``400`` with the reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

import orjson
from faust.web import Request, Response, View

from agents.errors import StageError
from agents.formats.detect import detect_format
from agents.parse import FORMATS, RawMeta
from streams.app import app, settings
from streams.ingest import raw_articles, split_payload
from streams.kafka_io import RawArticle
from streams.topics import ARTICLES_RAW, full_name

__all__ = ["BadRequest", "IngestArticles", "articles_from_body"]

logger = logging.getLogger(__name__)

_CONTENT_FORMATS = {
    "text/plain": "text",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/rss+xml": "rss",
    "application/atom+xml": "rss",
    "application/xml": "rss",
    "text/xml": "rss",
    "text/html": "html",
}


class BadRequest(Exception):
    """A body that cannot be split into articles: answered 400 with this message."""


def _named(pieces: list[tuple[bytes, str]], name: str, source: str,
           max_bytes: int) -> list[RawArticle]:
    out: list[RawArticle] = []
    for i, (piece, fmt) in enumerate(pieces, start=1):
        piece_name = (name if len(pieces) == 1 else f"{name}#{i}") if name else ""
        for art in raw_articles(piece, piece_name, fmt, source, max_bytes):
            if not art.source_id:  # did not parse and has no name: key it by its bytes
                art = RawArticle(art.payload, art.source,
                                 "http-" + hashlib.sha256(art.payload).hexdigest()[:16],
                                 art.format)
            out.append(art)
    return out


def articles_from_body(body: bytes, content_type: str, fmt: str | None, source: str,
                       name: str, max_bytes: int) -> list[RawArticle]:
    """The raw articles of one request body (pure: no app, no I/O).

    Raises:
        BadRequest: empty, unknown format or content type, JSON that is not an
            object or an array of objects, or a payload that cannot be split.
    """
    if not body.strip():
        raise BadRequest("the body is empty: send one article, or a JSON array of them")
    if fmt is not None and fmt not in FORMATS:
        raise BadRequest(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    kind = _CONTENT_FORMATS.get(content_type or "text/plain")
    if fmt is None and kind is None:
        raise BadRequest(f"content type {content_type!r} is not read; use text/plain, "
                         "application/json, application/rss+xml or text/html, or ?format=")
    wanted = fmt or kind or "auto"
    try:
        if (kind == "json" and fmt in (None, "auto", "ninjs", "jsonl")) or fmt == "ninjs":
            pieces = _json_pieces(body, fmt)
        else:
            concrete, split = split_payload(body, wanted)
            pieces = [(p, concrete) for p in split]
    except StageError as exc:
        raise BadRequest(f"{type(exc).__name__}: {exc}") from None
    if not pieces:
        raise BadRequest("no articles in the body (an empty feed or array)")
    return _named(pieces, name, source, max_bytes)


def _json_pieces(body: bytes, fmt: str | None) -> list[tuple[bytes, str]]:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if len([line for line in body.split(b"\n") if line.strip()]) > 1:
            # JSON lines sent as application/json: one object per line.
            value = [orjson.loads(line) for line in split_payload(body, "jsonl")[1]]
        else:
            raise BadRequest(f"not valid JSON: {exc}") from None
    objects = value if isinstance(value, list) else [value]
    pieces = []
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict):
            where = f"item {i} of the array" if isinstance(value, list) else "the body"
            raise BadRequest(f"{where} is not a JSON article object")
        # One compact line per article: the jsonl reader takes one object per line.
        piece = orjson.dumps(obj)
        pieces.append((piece, fmt if fmt in ("ninjs", "jsonl") else detect_format(piece)))
    return pieces


def _error(view: View, status: int, error: str, message: str, **headers: str) -> Response:
    response = view.json({"error": error, "message": message}, status=status)
    for key, value in headers.items():
        response.headers[key.replace("_", "-")] = value
    return response


def _authorized(request: Any) -> bool:
    token = settings.api_token
    assert token is not None
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode(), token.get_secret_value().encode())


async def _read_limited(request: Any, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` (read no further than that)."""
    length = request.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _send(articles: list[RawArticle]) -> None:
    topic = full_name(settings, ARTICLES_RAW)
    producer = app.producer
    futures = []
    for art in articles:
        meta = RawMeta(source=art.source, source_id=art.source_id, format=art.format,
                       received_at=datetime.now(UTC))
        futures.append(await producer.send(topic, art.key.encode(), art.payload, None, None,
                                           meta.to_headers()))
    await asyncio.gather(*futures)  # the broker has stored them all before we answer


@app.page("/articles")
class IngestArticles(View):
    """``POST`` one article or a batch; ``202`` with the article ids."""

    async def post(self, request: Request) -> Response:
        if settings.api_token is None or not settings.api_token.get_secret_value():
            return _error(self, 403, "forbidden", "POST /articles is disabled: set "
                          "WIREDESK_API_TOKEN on the worker and send it as "
                          "'Authorization: Bearer <token>'")
        if not _authorized(request):
            return _error(self, 401, "unauthorized",
                          "send 'Authorization: Bearer <WIREDESK_API_TOKEN>'",
                          WWW_Authenticate='Bearer realm="wiredesk"')
        limit = settings.max_article_bytes
        body = await _read_limited(request, limit)
        if body is None:
            return _error(self, 413, "too_large", f"the body is larger than {limit:,} bytes "
                          "(WIREDESK_MAX_ARTICLE_BYTES)")
        query = request.query
        try:
            articles = articles_from_body(
                body, request.content_type if request.headers.get("Content-Type") else "",
                query.get("format") or None, query.get("source") or "http",
                query.get("name") or "", limit)
        except BadRequest as exc:
            return _error(self, 400, "bad_request", str(exc))
        # The producer refuses larger messages (and the broker's default limit is ~1 MB).
        most = int(app.conf.producer_max_request_size) - 4096
        big = next((a for a in articles if len(a.payload) > most), None)
        if big is not None:
            return _error(self, 413, "too_large", f"an article of {len(big.payload):,} bytes "
                          f"is larger than a Kafka message may be ({most:,} bytes)")
        try:
            await _send(articles)
        except Exception as exc:  # the broker is down or refused: the client should retry
            logger.error("Cannot send articles over HTTP count=%s error=%s", len(articles), exc)
            return _error(self, 503, "unavailable", f"cannot send to Kafka: {exc}",
                          Retry_After="5")
        logger.info("Accepted articles over HTTP count=%s source=%s", len(articles),
                    articles[0].source)
        return self.json({"accepted": len(articles), "ids": [a.key for a in articles]},
                         status=202)
