"""The broker the project runs really behaves as the pipeline needs: plain produce and
consume, consumer-group offsets, transactions (faust's exactly-once relies on them), and
a lifecycle (start, status, stop) that the ``wiredesk broker`` commands can trust.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.broker import BrokerConfig, start, status, stop
from tests.integration.conftest import start_or_give_up

__all__: list[str] = []

pytestmark = pytest.mark.integration


def _name(kind: str) -> str:
    """A fresh topic or group name per test: nothing leaks between tests or runs."""
    return f"wiredesk-test.{uuid.uuid4().hex[:12]}.{kind}"


async def _create_topic(bootstrap: str, partitions: int = 1) -> str:
    topic = _name("topic")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, partitions, replication_factor=1)])
    finally:
        await admin.close()
    return topic


async def _read(consumer: AIOKafkaConsumer, count: int, timeout: float = 30.0) -> list[bytes]:
    """Read until ``count`` values arrived, or fail after ``timeout`` seconds."""
    values: list[bytes] = []

    async def fill() -> None:
        while len(values) < count:
            batches = await consumer.getmany(timeout_ms=500)
            values.extend(m.value for msgs in batches.values() for m in msgs if m.value)

    await asyncio.wait_for(fill(), timeout)
    return values


async def _drain(consumer: AIOKafkaConsumer, idle_s: float = 1.0) -> list[bytes]:
    """What else is readable: stop after ``idle_s`` seconds without a record."""
    values: list[bytes] = []
    while batches := await consumer.getmany(timeout_ms=int(idle_s * 1000)):
        values.extend(m.value for msgs in batches.values() for m in msgs if m.value)
    return values


async def test_produce_consume_round_trip(kafka_bootstrap: str) -> None:
    topic = await _create_topic(kafka_bootstrap, partitions=2)
    sent = [(f"article-{i % 3}".encode(), f"payload-{i}".encode()) for i in range(20)]
    async with AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all") as producer:
        for key, value in sent:
            await producer.send_and_wait(topic, value, key=key)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    async with consumer:
        got = await _read(consumer, len(sent))
    assert sorted(got) == sorted(value for _, value in sent)


async def test_group_resumes_from_committed_offset(kafka_bootstrap: str) -> None:
    topic = await _create_topic(kafka_bootstrap)
    group = _name("group")
    async with AIOKafkaProducer(bootstrap_servers=kafka_bootstrap) as producer:
        for i in range(10):
            await producer.send_and_wait(topic, f"m{i}".encode())
    tp = TopicPartition(topic, 0)

    def member() -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    async with member() as first:
        for _ in range(4):
            message = await asyncio.wait_for(first.getone(), 30)
        assert message.value == b"m3"
        await first.commit({tp: message.offset + 1})
    async with member() as second:
        resumed = await asyncio.wait_for(second.getone(), 30)
        assert await second.committed(tp) == 4
    assert (resumed.offset, resumed.value) == (4, b"m4")


async def test_transactions_commit_and_abort(kafka_bootstrap: str) -> None:
    topic = await _create_topic(kafka_bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=_name("tx"))
    async with producer:
        async with producer.transaction():
            await producer.send_and_wait(topic, b"committed-1")
        await producer.begin_transaction()
        await producer.send_and_wait(topic, b"aborted")
        await producer.abort_transaction()
        async with producer.transaction():
            await producer.send_and_wait(topic, b"committed-2")

    def reader(isolation: str) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            isolation_level=isolation,
            auto_offset_reset="earliest",
        )

    async with reader("read_committed") as committed:
        assert await _read(committed, 2) == [b"committed-1", b"committed-2"]
        assert await _drain(committed) == []
    # The aborted record did reach the log: only read_committed hides it.
    async with reader("read_uncommitted") as everything:
        assert await _read(everything, 3) == [b"committed-1", b"aborted", b"committed-2"]


def _own_broker(local_broker: BrokerConfig | None) -> BrokerConfig:
    if local_broker is None:
        pytest.skip("WIREDESK_BROKER_URL is set: the project's own broker is not in use")
    return local_broker


def test_status_answers_while_running(local_broker: BrokerConfig | None) -> None:
    cfg = _own_broker(local_broker)
    st = status(cfg)
    assert st.answers and st.running
    assert st.address == cfg.address
    assert st.kafka_version == cfg.kafka_version
    assert st.cluster_id
    assert cfg.pid_file.read_text().strip() == str(st.pid)


def test_start_twice_is_idempotent(local_broker: BrokerConfig | None) -> None:
    cfg = _own_broker(local_broker)
    before = status(cfg)
    again = start(cfg, timeout=30)
    assert again.pid == before.pid
    assert again.answers
    assert again.cluster_id == before.cluster_id


def test_stop_ends_a_broker(tmp_path: Path, kafka_bootstrap: str) -> None:
    # A second broker of its own (other free ports, other data dir), so the session's
    # broker is not touched; start_or_give_up applies CI's fail-never-skip rule here too.
    cfg = start_or_give_up(tmp_path / "kafka")
    try:
        running = status(cfg)
        assert running.answers and running.pid is not None
    finally:
        assert stop(cfg)
    after = status(cfg)
    assert not after.answers
    assert after.pid is None
    assert not cfg.pid_file.exists()
    assert not stop(cfg)
