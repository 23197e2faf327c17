"""The worker's send path on a real broker: messages appended to producer batches
without futures of their own arrive whole and in order, and the position a batch
reports (a table's persisted changelog offset) is its last message's offset."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from streams.faust_private import partition_for, unfutured_append
from streams.sends import Deliveries, send

pytestmark = pytest.mark.integration


class FaustLike:
    """What ``send`` is handed in the worker: faust's producer, holding aiokafka's."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def send(self, topic: str, key: bytes | None, value: bytes | None,
                   partition: int | None, timestamp: float | None,
                   headers: Any) -> asyncio.Future[Any]:
        return await self._producer.send(topic, value, key=key, partition=partition,
                                         headers=headers)


async def _exchange(bootstrap: str) -> None:
    topic = f"unfutured-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 4, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, acks="all")
    await producer.start()
    ledger, positions = Deliveries(), []
    try:
        await producer.client._wait_on_metadata(topic)
        wrapped = FaustLike(producer)
        keys = [f"key-{i % 7}" for i in range(300)]
        for i, key in enumerate(keys):
            await send(wrapped, topic, key, f"{i}".encode(), ledger=ledger,
                       headers=[("n", str(i).encode())] if i % 50 == 0 else None)
        for i in range(40):  # one partition, positions recorded as a table's changelog is
            await send(wrapped, topic, f"p-{i}", b"x" * 100, partition=2, ledger=ledger,
                       on_sent=lambda m: positions.append(m.offset))
        assert len(ledger.pending) < 40  # one watched future per batch, not per message
        # a value too big for the batch path, and an unknown topic, take the plain send
        assert unfutured_append(wrapped, topic, b"k", b"y" * 300_000, None, None) is None
        assert unfutured_append(wrapped, f"{topic}-nope", b"k", b"y", None, None) is None
        await send(wrapped, topic, "big", b"y" * 300_000, ledger=ledger)
        await producer.flush()
        await asyncio.sleep(0.1)
        ledger.check()
        assert not ledger.pending and ledger.sent == 341
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(4)]
        consumer.assign(tps)
        got: dict[int, list[Any]] = {p: [] for p in range(4)}
        while sum(map(len, got.values())) < 341:
            batch = await asyncio.wait_for(consumer.getmany(timeout_ms=1000), 30)
            for tp, messages in batch.items():
                got[tp.partition].extend(messages)
    finally:
        await consumer.stop()
    # Every keyed message is on its key's partition (Kafka's murmur2), in send order.
    for p, messages in got.items():
        plain = [m for m in messages if m.key and m.key.startswith(b"key-")]
        assert all(partition_for(m.key.decode(), 4) == p for m in plain)
        values = [int(m.value) for m in plain]
        assert values == sorted(values)
    assert sorted(int(m.value) for ms in got.values() for m in ms
                  if m.key and m.key.startswith(b"key-")) == list(range(300))
    headed = [m for ms in got.values() for m in ms if m.headers]
    assert sorted(int(dict(m.headers)["n"]) for m in headed) == list(range(0, 300, 50))
    # The positions recorded are each batch's last message: the last is the last sent.
    last = max(m.offset for m in got[2] if m.key and m.key.startswith(b"p-"))
    assert positions and positions[-1] == last and positions == sorted(positions)
    assert any(len(m.value) == 300_000 for ms in got.values() for m in ms)


def test_batched_sends_arrive_whole_in_order_with_their_positions(kafka_bootstrap: str) -> None:
    asyncio.run(_exchange(kafka_bootstrap))
