"""The alerts already on the alerts topic, read back so a redelivered article never alerts twice.

Why: the enrich stage sends an article's alerts and then marks them sent in the
``alerts-sent`` table; the input offset is committed after both reach the broker.
A crash between the alert reaching the broker and that mark (or its changelog
message) reaching it left the article uncommitted and unmarked: after the
restart the article was processed again and the same alert (same id) went out a
second time. The alerts topic itself is the record of what was sent, so the
worker reads its recent tail each time it is given partitions, before any
message is processed, and counts those alerts as sent too. Only alerts of the
last moments before a crash can be missing from ``alerts-sent``, and they are
the newest on the topic: the tail (the last :data:`TAIL` messages of each
partition) holds them unless other workers sent more alerts than that between
this worker's crash and its partitions' new owner starting, which takes seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

import orjson
from aiokafka import AIOKafkaConsumer

__all__ = ["TAIL", "read_sent_alerts"]

logger = logging.getLogger(__name__)

#: Messages read back from the end of each alerts partition.
TAIL = 5_000


async def read_sent_alerts(bootstrap: str, topic: str, tail: int = TAIL,
                           timeout: float = 30.0) -> dict[str, set[str]]:
    """Alert ids per article id among the last ``tail`` messages of each partition of ``topic``.

    Joins no group and commits nothing. A value that is not an alert is skipped.
    """
    # Subscribed without a group id: aiokafka assigns every partition itself, once it has
    # the topic's metadata (a bare client knows no topic).
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest")
    sent: dict[str, set[str]] = defaultdict(set)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        await consumer.start()
        while not consumer.assignment():
            if loop.time() > deadline:
                raise TimeoutError(f"no partitions of {topic} were assigned in {timeout}s")
            await asyncio.sleep(0.05)
        tps = sorted(consumer.assignment())
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        left = {tp: ends[tp] for tp in tps if ends[tp] > starts[tp]}
        for tp in tps:
            consumer.seek(tp, max(starts[tp], ends[tp] - tail))
        while left:
            if loop.time() > deadline:
                raise TimeoutError(f"the alerts topic {topic} was not read back in {timeout}s")
            batch = await consumer.getmany(*left, timeout_ms=500)
            for tp, messages in batch.items():
                for m in messages:
                    try:
                        alert = orjson.loads(m.value or b"")
                        sent[str(alert["article_id"])].add(str(alert["id"]))
                    except (orjson.JSONDecodeError, KeyError, TypeError):
                        continue
                if messages and messages[-1].offset + 1 >= left.get(tp, 0):
                    left.pop(tp, None)
    finally:
        with contextlib.suppress(Exception):  # a consumer that never started
            await consumer.stop()
    return dict(sent)
