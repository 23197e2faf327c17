"""``wiredesk ingest --feed URL``: poll an RSS/Atom feed and send its new or changed items.

Each poll is a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the
last answer), so an unchanged feed costs a 304 and nothing else. The items are
split and keyed by :func:`streams.ingest.raw_articles` (so ids equal those of
``wiredesk ingest feed.xml``) and compared with what this feed sent before: a
small JSON state file per feed URL under ``<data dir>/feeds/`` keeps the
validators and, per article id, the hash of the item's headline and body. Only
new items and items whose content changed (a correction: a new revision
downstream) are sent. The state is written only after the broker stored the
items, so a crash or Ctrl-C re-sends at most one poll (ids make that harmless).

A poll that fails (connection refused, HTTP 5xx, not a feed) is reported and
retried with backoff; the pure parts (:func:`items_to_send`, :func:`remember`,
:func:`backoff`, :func:`parse_interval`) are unit-tested.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import orjson

from agents.errors import StageError
from agents.parse import RawMeta, parse_article
from streams.ingest import raw_articles
from streams.kafka_io import RawArticle

__all__ = [
    "MAX_FEED_BYTES",
    "MAX_REMEMBERED",
    "FeedError",
    "FeedState",
    "Fetched",
    "PollResult",
    "backoff",
    "content_hash",
    "fetch",
    "items_to_send",
    "load_state",
    "parse_interval",
    "poll_forever",
    "poll_once",
    "remember",
    "save_state",
    "state_path",
]

logger = logging.getLogger(__name__)

MAX_FEED_BYTES = 32_000_000
#: Items remembered per feed; the oldest are forgotten first (feeds rotate).
MAX_REMEMBERED = 5000
USER_AGENT = "wiredesk-feedpoll/1 (+https://github.com/wiredesk)"


class FeedError(Exception):
    """A poll that failed: the feed did not answer, answered an error, or is not a feed."""


@dataclass(frozen=True)
class FeedState:
    """What was sent from one feed: HTTP validators and article id -> content hash."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    items: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """The state file's bytes."""
        return orjson.dumps({"url": self.url, "etag": self.etag,
                             "last_modified": self.last_modified, "items": self.items},
                            option=orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, url: str, raw: bytes) -> FeedState:
        """Read a state file; a damaged one is an empty state (everything is re-sent once)."""
        try:
            data = orjson.loads(raw)
            items = data.get("items") or {}
            if not isinstance(items, dict):
                raise TypeError("items")
            if data.get("url") != url:  # another feed's file (a hash collision, a copy)
                return cls(url)
            return cls(url, data.get("etag"), data.get("last_modified"),
                       {str(k): str(v) for k, v in items.items()})
        except (orjson.JSONDecodeError, TypeError, AttributeError):
            return cls(url)


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer: ``body`` None means 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PollResult:
    """What one poll did."""

    not_modified: bool = False
    items: int = 0
    sent: list[RawArticle] = field(default_factory=list)


# --------------------------------------------------------------------------- pure parts
def content_hash(article: RawArticle, max_bytes: int) -> str:
    """The hash of an item's headline and body (as the pipeline's dedup sees it).

    Feed pieces carry the channel's metadata too (``lastBuildDate`` changes on
    every build), so the raw bytes would look changed on every poll; the parsed
    content does not. An item that does not parse is hashed by its bytes.
    """
    try:
        parsed = parse_article(article.payload, RawMeta(article.source, article.source_id,
                                                        article.format),
                               now=datetime.now(UTC), max_bytes=max_bytes)
    except StageError:
        return "raw:" + hashlib.sha256(article.payload).hexdigest()[:20]
    return parsed.content_hash


def items_to_send(articles: list[RawArticle], hashes: list[str],
                  state: FeedState) -> list[tuple[RawArticle, str]]:
    """The new items (id never sent) and changed ones (same id, other hash), in feed order.

    An id twice in one feed is sent once (its first item).
    """
    out: list[tuple[RawArticle, str]] = []
    seen: set[str] = set()
    for article, digest in zip(articles, hashes, strict=True):
        if article.key in seen:
            continue
        seen.add(article.key)
        if state.items.get(article.key) != digest:
            out.append((article, digest))
    return out


def remember(state: FeedState, sent: list[tuple[RawArticle, str]], fetched: Fetched,
             limit: int = MAX_REMEMBERED) -> FeedState:
    """The state after ``sent`` was stored: new validators, hashes updated, oldest dropped."""
    items = dict(state.items)
    for article, digest in sent:
        items.pop(article.key, None)  # re-insert: most recent last
        items[article.key] = digest
    if len(items) > limit:
        items = dict(list(items.items())[-limit:])
    return replace(state, etag=fetched.etag or state.etag,
                   last_modified=fetched.last_modified or state.last_modified, items=items)


def backoff(every: float, failures: int, cap: float = 900.0) -> float:
    """Seconds to wait after ``failures`` failed polls in a row (0 = the normal interval).

    Doubles from the interval (at least 5 s) up to ``cap`` (or the interval if larger).
    """
    base = max(every, 5.0)
    if failures <= 0:
        return every
    return min(base * 2 ** (failures - 1), max(cap, every))


def parse_interval(text: str) -> float:
    """``60``, ``60s``, ``5m`` or ``1h`` as seconds; ``0`` means poll once.

    Raises:
        ValueError: anything else, or a negative interval.
    """
    value = text.strip().lower()
    scale = {"s": 1, "m": 60, "h": 3600}.get(value[-1:])
    number = value[:-1] if scale else value
    try:
        seconds = float(number) * (scale or 1)
    except ValueError:
        raise ValueError(f"--every {text!r}: give seconds (60), or 60s, 5m, 1h") from None
    if seconds < 0 or seconds != seconds:
        raise ValueError(f"--every {text!r} must be 0 (poll once) or more")
    return seconds


def state_path(data_dir: Path, url: str) -> Path:
    """The state file of one feed URL: ``<data dir>/feeds/<sha256(url)[:16]>.json``."""
    return data_dir / "feeds" / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"


# --------------------------------------------------------------------------- I/O
def load_state(path: Path, url: str) -> FeedState:
    """The saved state of ``url``, or an empty one."""
    try:
        return FeedState.from_json(url, path.read_bytes())
    except FileNotFoundError:
        return FeedState(url)


def save_state(path: Path, state: FeedState) -> None:
    """Write the state atomically (a crash leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(state.to_json())
    os.replace(tmp, path)


def fetch(url: str, state: FeedState, timeout: float = 30.0) -> Fetched:
    """GET the feed, conditionally on the saved validators.

    Raises:
        FeedError: not http(s), unreachable, an HTTP error, or too large.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError(f"{url}: only http:// and https:// feeds can be polled")
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    })
    if state.etag:
        request.add_header("If-None-Match", state.etag)
    if state.last_modified:
        request.add_header("If-Modified-Since", state.last_modified)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_FEED_BYTES + 1)
            headers = response.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, state.etag, state.last_modified)
        raise FeedError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedError(f"{url}: cannot fetch: {reason}") from None
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(f"{url}: the feed is larger than {MAX_FEED_BYTES:,} bytes")
    return Fetched(body, headers.get("ETag"), headers.get("Last-Modified"))


Sender = Callable[[list[RawArticle]], Awaitable[int]]


async def poll_once(url: str, path: Path, source: str, max_bytes: int,
                    send: Sender) -> PollResult:
    """Fetch the feed once, send its new and changed items, then save the state.

    Raises:
        FeedError: the fetch failed or the answer is not a feed.
    """
    state = load_state(path, url)
    fetched = await asyncio.to_thread(fetch, url, state)
    if fetched.body is None:
        return PollResult(not_modified=True)
    try:
        articles = raw_articles(fetched.body, url, "rss", source, max_bytes)
    except StageError as exc:
        raise FeedError(f"{url}: not a feed: {type(exc).__name__}: {exc}") from None
    hashes = [content_hash(a, max_bytes) for a in articles]
    todo = items_to_send(articles, hashes, state)
    if todo:
        await send([a for a, _ in todo])
    save_state(path, remember(state, todo, fetched))
    return PollResult(items=len(articles), sent=[a for a, _ in todo])


async def poll_forever(url: str, path: Path, source: str, max_bytes: int, send: Sender,
                       every: float, report: Callable[[PollResult | Exception], None],
                       sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> int:
    """Poll every ``every`` seconds (once when 0) until cancelled; back off on failures.

    Returns:
        The number of failed polls in a row at the end (0 when the last one worked).
    """
    failures = 0
    while True:
        try:
            result = await poll_once(url, path, source, max_bytes, send)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a failed poll (feed or broker) never ends the loop
            failures += 1
            logger.warning("Feed poll failed url=%s failures=%s error=%s", url, failures, exc)
            report(exc)
        else:
            failures = 0
            report(result)
        if every <= 0:
            return failures
        await sleep(backoff(every, failures))
