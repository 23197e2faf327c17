"""The desk's live feed of processed articles: server-sent events read from a changelog.

No app import: pure helpers plus :func:`stream_feed`, which the ``/desk/stream``
view in ``streams/desk.py`` calls with its aiohttp request.

Why a changelog and not an in-process queue: each worker writes the
``article-annotations`` value of the articles it processes, and the table's
changelog topic therefore holds every worker's processed articles. Reading
that topic (no consumer group, like ``/alerts/stream``) gives any worker's
page every article, resumable positions for ``Last-Event-ID``, and the latest
few articles for a page opened after they arrived.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web as aioweb
from aiokafka import AIOKafkaConsumer, TopicPartition

from agents.annotate import feed_item
from streams.alert_delivery import format_event_id, sse_event

__all__ = ["KEEPALIVE_S", "READY", "article_event", "caught_up", "start_positions",
           "stream_feed"]

logger = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
#: Sent once the stream has delivered what the topic held when the client connected,
#: so a page can tell "nothing processed yet" from "still loading".
READY = b"event: ready\ndata: {}\n\n"


def start_positions(beginnings: Mapping[int, int], ends: Mapping[int, int],
                    recent: int) -> dict[int, int]:
    """Where to start each partition to send about the ``recent`` newest values of each."""
    return {p: max(beginnings.get(p, 0), end - recent) for p, end in ends.items()}


def caught_up(positions: Mapping[int, int], targets: Mapping[int, int]) -> bool:
    """True when every partition's next offset has reached its target."""
    return all(positions.get(p, 0) >= target for p, target in targets.items())


def article_event(payload: bytes | None) -> bytes | None:
    """The feed's JSON for one changelog value; None for a deletion or a value that is not ours."""
    if not payload:
        return None
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict) or "id" not in value:
        return None
    return orjson.dumps(feed_item(value))


async def _assigned(consumer: AIOKafkaConsumer, timeout: float) -> list[TopicPartition]:
    """The topic's partitions, once the group-less subscription has assigned them all."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not consumer.assignment() and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return sorted(consumer.assignment())


async def stream_feed(request: Any, bootstrap: str, topic: str, *, recent: int,
                      resume: dict[int, int] | None) -> aioweb.StreamResponse:
    """Answer ``request`` with the feed: the recent articles, ``ready``, then each new one.

    Args:
        request: aiohttp's request (faust's aiohttp driver hands it to views).
        bootstrap: Kafka bootstrap servers.
        topic: The ``article-annotations`` changelog topic.
        recent: How many of the newest values of each partition to send first.
        resume: Positions from a ``Last-Event-ID``: continue exactly there instead.

    Returns:
        The streamed response (when the client goes away), or 503 when the
        changelog does not exist yet (the worker has not started its tables).
    """
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    response = aioweb.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no"})
    await consumer.start()
    try:
        tps = await _assigned(consumer, timeout=10.0)
        if not tps:
            return aioweb.json_response({"error": "unavailable",
                                         "message": f"{topic} does not exist yet"}, status=503)
        beginnings = {tp.partition: o for tp, o in (await consumer.beginning_offsets(tps)).items()}
        ends = {tp.partition: o for tp, o in (await consumer.end_offsets(tps)).items()}
        if resume is not None:
            offsets = {p: max(beginnings[p], resume.get(p, beginnings[p])) for p in ends}
        else:
            offsets = start_positions(beginnings, ends, recent)
        for tp in tps:
            consumer.seek(tp, offsets[tp.partition])
        await response.prepare(request)
        await response.write(b"retry: 2000\n: processed articles\n\n")
        ready = caught_up(offsets, ends)
        if ready:
            await response.write(READY)
        while True:
            # Short waits until ready, so a backlog that ends in a compacted gap is noticed.
            wait = KEEPALIVE_S if ready else 1.0
            batch = await consumer.getmany(timeout_ms=int(wait * 1000))
            if not batch and ready:
                await response.write(b": keep-alive\n\n")
            for tp, messages in batch.items():
                for m in messages:
                    offsets[tp.partition] = m.offset + 1
                    data = article_event(m.value)
                    if data is not None:
                        await response.write(sse_event(format_event_id(offsets), data,
                                                       event="article"))
            # The fetch position, not the last offset seen: it also steps over
            # offsets compaction removed at the end of a partition.
            if not ready and caught_up({tp.partition: await consumer.position(tp)
                                        for tp in tps}, ends):
                ready = True
                await response.write(READY)
    except ConnectionResetError:  # the client went away
        logger.debug("Article feed closed by the client")
        return response
    finally:
        await consumer.stop()
