"""The cheap send path: a failed delivery stops the commit (and crashes the worker)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError
from aiokafka.structs import RecordMetadata, TopicPartition

from streams.sends import Deliveries, DeliveryFailed, before_commit, send


class Producer:
    def __init__(self) -> None:
        self.futures: list[asyncio.Future[Any]] = []
        self.flushed = 0

    async def send(self, *args: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        return future

    async def flush(self) -> None:
        self.flushed += 1


class App:
    def __init__(self, producer: Producer) -> None:
        self.producer = producer
        self.crashed: BaseException | None = None

    async def crash(self, reason: BaseException) -> None:
        self.crashed = reason


async def test_confirmed_sends_let_the_commit_through() -> None:
    ledger, producer = Deliveries(), Producer()
    app = App(producer)
    await send(producer, "t", "k", b"v", ledger=ledger)
    producer.futures[0].set_result(None)
    await before_commit(SimpleNamespace(app=app), ledger)
    assert producer.flushed == 1 and app.crashed is None and not ledger.pending


async def test_a_failed_delivery_refuses_the_commit_and_crashes_the_app() -> None:
    ledger, producer = Deliveries(), Producer()
    app = App(producer)
    await send(producer, "t", "k", b"v1", ledger=ledger)
    await send(producer, "t", "k", b"v2", ledger=ledger)
    producer.futures[0].set_result(None)
    producer.futures[1].set_exception(KafkaTimeoutError())
    with pytest.raises(DeliveryFailed):
        await before_commit(SimpleNamespace(app=app), ledger)
    assert isinstance(app.crashed, DeliveryFailed)
    with pytest.raises(DeliveryFailed):  # and every later commit too
        ledger.check()


async def test_a_batch_is_watched_once_and_only_its_last_position_is_recorded() -> None:
    ledger = Deliveries()
    loop = asyncio.get_running_loop()
    batch: asyncio.Future[Any] = loop.create_future()
    positions: list[tuple[str, int]] = []
    for offset in range(3):
        ledger.track_in_batch(batch, "t", offset,
                              lambda m, o=offset: positions.append((f"m{o}", m.offset)))
    ledger.track_in_batch(batch, "t", 3)  # a message with no on_sent keeps the last position
    assert ledger.sent == 4 and ledger.pending == {batch}
    batch.set_result(RecordMetadata("t", 0, TopicPartition("t", 0), 100, -1, 0, 0))
    await asyncio.sleep(0)
    assert positions == [("m2", 102)] and not ledger.pending
    ledger.check()


async def test_a_failed_batch_refuses_the_commit() -> None:
    ledger = Deliveries()
    batch: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    ledger.track_in_batch(batch, "t", 0, lambda m: None)
    ledger.track_in_batch(batch, "t", 1)
    batch.set_exception(KafkaTimeoutError())
    await asyncio.sleep(0)
    with pytest.raises(DeliveryFailed):
        ledger.check()


async def test_a_producer_without_aiokafka_internals_gets_a_plain_send() -> None:
    ledger, producer = Deliveries(), Producer()
    await send(producer, "t", "k", b"v", ledger=ledger)
    assert len(producer.futures) == 1 and ledger.pending == {producer.futures[0]}


async def test_only_offsets_the_broker_accepted_are_noted_as_committed() -> None:
    from faust.types import TP

    from streams import faust_private

    consumer_class = faust_private._consumer_class()
    saved = consumer_class._commit_offsets
    mine, gone = TP("t", 0), TP("t", 1)
    outcome = {"ok": True}

    async def commit_offsets(self: Any, offsets: Any) -> bool:  # faust's, as far as it matters
        return outcome["ok"]

    noted: list[dict[Any, int]] = []
    consumer_class._commit_offsets = commit_offsets
    try:
        faust_private.install_commit_guard(lambda consumer: asyncio.sleep(0), noted.append)
        consumer = SimpleNamespace(assignment=lambda: {mine})
        assert await consumer_class._commit_offsets(consumer, {mine: 5, gone: 9})
        outcome["ok"] = False  # e.g. refused in a rebalance: faust still notes it; we do not
        assert not await consumer_class._commit_offsets(consumer, {mine: 8})
    finally:
        consumer_class._commit_offsets = saved
    assert noted == [{mine: 5}]  # a revoked partition's offset was not committed either
