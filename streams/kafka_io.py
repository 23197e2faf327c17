"""Plain aiokafka clients for the command line: send raw articles, read a topic.

The CLI needs no Faust worker to ingest or to look at a topic, so these use
aiokafka directly (faster to start, and no consumer group is joined when
reading: ``tail`` never moves the pipeline's offsets). Nothing here imports faust
(``agents.parse`` does, so it is imported where it is used): ``tail`` and ``dlq``
answer in about the time Python takes to start.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

__all__ = [
    "Outgoing",
    "RawArticle",
    "TopicMessage",
    "UnknownTopicError",
    "read_topic",
    "send_messages",
    "send_raw_articles",
]


@dataclass(frozen=True)
class RawArticle:
    """One article to ingest: its bytes and where they came from."""

    payload: bytes
    source: str
    source_id: str
    format: str = "text"
    published: datetime | None = None  # a story date given from outside (--published)
    #: Why the normalize stage will dead-letter it ("EmptyArticle: ..."), None if it parses.
    refused: str | None = None

    @property
    def key(self) -> str:
        """The stable article id, used as the Kafka key."""
        from agents.parse import article_id  # imported here: it loads faust (~1 s)

        return article_id(self.source, self.source_id)


class UnknownTopicError(Exception):
    """The topic to read does not exist on the cluster (checked before subscribing)."""


@dataclass(frozen=True)
class TopicMessage:
    """A message read back from a topic."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True)
class Outgoing:
    """One message to send; ``tag`` is handed back to ``on_sent`` once it is stored."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    tag: Any = None


async def send_messages(
    bootstrap: str,
    messages: Iterable[Outgoing],
    *,
    on_sent: Callable[[Any], None] | None = None,
) -> int:
    """Send messages and wait until the broker stored each; return how many.

    ``acks="all"`` and idempotence: when this returns, every message is stored
    exactly once per call. Sends are pipelined, 500 in flight at most.
    """
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                enable_idempotence=True, linger_ms=5)
    await producer.start()
    sent = 0
    try:
        pending: list[tuple[Any, Any]] = []
        for m in messages:
            fut = await producer.send(m.topic, m.value, key=m.key, headers=m.headers)
            pending.append((fut, m.tag))
            if len(pending) >= 500:
                sent += await _settle(pending, on_sent)
        sent += await _settle(pending, on_sent)
    finally:
        await producer.stop()
    return sent


async def _settle(pending: list[tuple[Any, Any]], on_sent: Callable[[Any], None] | None) -> int:
    for fut, tag in pending:
        await fut
        if on_sent:
            on_sent(tag)
    count = len(pending)
    pending.clear()
    return count


async def send_raw_articles(
    bootstrap: str,
    topic: str,
    articles: Iterable[RawArticle],
    *,
    on_sent: Callable[[RawArticle], None] | None = None,
) -> int:
    """Send raw articles to the raw topic, keyed by article id; return how many."""
    from agents.parse import RawMeta

    def outgoing() -> Iterator[Outgoing]:
        for art in articles:
            meta = RawMeta(source=art.source, source_id=art.source_id, format=art.format,
                           received_at=datetime.now(UTC), published=art.published)
            yield Outgoing(topic, art.key.encode(), art.payload, meta.to_headers(), art)

    return await send_messages(bootstrap, outgoing(), on_sent=on_sent)


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    from_beginning: bool = True,
    idle_timeout: float = 3.0,
    follow: bool = False,
    limit: int | None = None,
) -> AsyncIterator[TopicMessage]:
    """Yield a topic's messages without joining a consumer group.

    Stops after ``idle_timeout`` seconds without a message unless ``follow``.

    Raises:
        UnknownTopicError: the cluster has no such topic. Checked with one metadata
            request before subscribing: a consumer subscribed to a missing topic
            retries its metadata for as long as it runs, logging "Topic ... not found
            in cluster metadata" each time (~450 lines for ``dlq list --stage bogus``).
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False,
                                auto_offset_reset="earliest" if from_beginning else "latest")
    try:
        await consumer.start()
        known = await consumer.topics()
        if topic not in known:
            raise UnknownTopicError(_unknown(topic, known))
        # Subscribing without a group id makes aiokafka assign every partition itself.
        consumer.subscribe([topic])
        count = 0
        while True:
            batch = await consumer.getmany(timeout_ms=int(idle_timeout * 1000))
            if not batch:
                if follow:
                    continue
                return
            for records in batch.values():
                for r in records:
                    yield TopicMessage(r.topic, r.partition, r.offset, r.timestamp, r.key,
                                       r.value, list(r.headers or []))
                    count += 1
                    if limit is not None and count >= limit:
                        return
            await asyncio.sleep(0)
    finally:
        await consumer.stop()


def _unknown(topic: str, known: Iterable[str]) -> str:
    """One line: the topic is missing, and the ones of its prefix that exist."""
    prefix = topic.split(".", 1)[0] + "."
    near = sorted(t[len(prefix):] for t in known if t.startswith(prefix))
    hint = (f"; {prefix}* topics: {', '.join(near)}" if near else
            f"; no {prefix}* topics exist (run `wiredesk topics create`)")
    return f"no topic {topic!r} on the cluster{hint}"
