"""Skipped offsets are held and re-read, never committed past (streams/skips.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
from faust.transport.drivers.aiokafka import Consumer  # the class a worker runs
from faust.types import TP
from mode.utils.queues import FlowControlEvent, ThrowableQueue

from streams.faust_private import install_skip_guard as install
from streams.skips import SkipLedger

RAW = TP("wiredesk.articles.raw.v1", 2)
RULES = TP("wiredesk.rules.v1", 0)


@pytest.fixture(autouse=True)
def _restore_faust() -> Iterator[None]:
    saved = Consumer._add_gap, Consumer._new_offset, Consumer._drain_messages
    clear = ThrowableQueue.clear
    yield
    (Consumer._add_gap, Consumer._new_offset,  # type: ignore[method-assign]
     Consumer._drain_messages) = saved
    ThrowableQueue.clear = clear  # type: ignore[method-assign]


def test_a_hole_is_held_then_taken_for_a_real_gap_after_the_limit() -> None:
    ledger = SkipLedger(retry_s=30, give_up_s=180)
    assert ledger.hold(RAW, committed=2, first_acked=3, now=0)
    assert ledger.hold(RAW, committed=2, first_acked=9, now=179)
    assert not ledger.hold(RAW, committed=2, first_acked=9, now=181)  # a transaction marker
    assert RAW not in ledger.holes


def test_a_hole_is_sought_back_to_once_then_every_retry_period() -> None:
    ledger = SkipLedger(retry_s=30, give_up_s=180)
    ledger.hold(RAW, committed=2, first_acked=3, now=0)
    assert ledger.due(now=1) == [(RAW, 2)]
    assert ledger.due(now=20) == []
    assert ledger.due(now=31) == [(RAW, 2)]


def test_a_hole_the_commit_has_passed_is_forgotten() -> None:
    ledger = SkipLedger()
    ledger.hold(RAW, committed=2, first_acked=3, now=0)
    ledger.settle(RAW, committed=2)
    assert RAW in ledger.holes
    ledger.settle(RAW, committed=11)
    assert ledger.due(now=100) == []


class _Consumer:
    """The state faust's ``Consumer._new_offset`` reads, nothing else."""

    def __init__(self, committed: int, acked: list[int]) -> None:
        self._committed_offset = {RAW: committed, RULES: committed}
        self._acked = defaultdict(list, {RAW: list(acked), RULES: list(acked)})
        self._acked_index = defaultdict(set, {RAW: set(acked), RULES: set(acked)})
        self._gap = defaultdict(lambda: None)

    def ack(self, tp: TP, offset: int) -> None:
        self._acked[tp].append(offset)
        self._acked_index[tp].add(offset)


def test_faust_never_commits_past_a_skipped_offset_of_a_plain_topic() -> None:
    # The benchmark's loss: offsets 0-1 committed (next: 2), offset 2 dropped by the
    # fetcher during a rebalance, 3-10 processed. faust alone would commit 11.
    ledger = SkipLedger()
    install(lambda topic: topic == RAW.topic, ledger)
    consumer = _Consumer(committed=2, acked=list(range(3, 11)))
    assert Consumer._new_offset(consumer, RAW) is None
    assert ledger.due(now=1e9) == [(RAW, 2)]  # the skip re-reader seeks back to 2
    for offset in range(2, 11):  # the re-read: 2 is processed now (3-10 again, harmless)
        if offset not in consumer._acked_index[RAW]:
            consumer.ack(RAW, offset)
    assert Consumer._new_offset(consumer, RAW) == 11


def test_a_compacted_topic_keeps_fausts_behaviour() -> None:
    install(lambda topic: topic == RAW.topic, SkipLedger())
    consumer = _Consumer(committed=2, acked=list(range(3, 11)))
    assert Consumer._new_offset(consumer, RULES) == 11  # compaction removes offsets


def test_a_hole_at_the_head_of_a_partition_committed_at_its_start_is_held() -> None:
    # The benchmark's two-worker loss: a partition seeded at offset 0, which faust keeps
    # as "no committed offset" (None); offsets 0-3 dropped by the fetcher, 4-9 processed.
    # faust alone would commit 10; the position the partition was sought to is the base.
    ledger = SkipLedger()
    install(lambda topic: topic == RAW.topic, ledger)
    consumer = _Consumer(committed=2, acked=list(range(4, 10)))
    consumer._committed_offset[RAW] = None  # type: ignore[assignment]
    consumer._wiredesk_starts = {RAW: 0}  # type: ignore[attr-defined]
    assert Consumer._new_offset(consumer, RAW) is None
    assert ledger.due(now=1e9) == [(RAW, 0)]


async def test_the_position_a_partition_is_sought_to_is_kept() -> None:
    class Seeking(_Consumer):
        async def seek_to_committed(self) -> dict[TP, int]:
            return {RAW: 0, RULES: 7}

    install(lambda topic: topic == RAW.topic, SkipLedger())
    consumer = Seeking(committed=0, acked=[])
    consumer._read_offset = {}  # type: ignore[attr-defined]
    consumer._committed_offset = {}
    await Consumer.perform_seek(consumer)
    assert consumer._committed_offset == {RAW: None, RULES: 7}  # faust turns 0 into None
    assert consumer._wiredesk_starts == {RAW: 0, RULES: 7}  # type: ignore[attr-defined]


async def test_nothing_is_committed_while_the_partitions_are_being_sought() -> None:
    # The benchmark's two-worker loss, again: faust's recovery resumes the partitions,
    # then seeks them to their committed offsets, a broker round trip per partition.
    # Messages 2-3 of a partition seeded at 0 were processed meanwhile (0-1 were dropped
    # by the fetcher) and the commit timer committed 4 before the start was known.
    import asyncio

    sought = asyncio.Event()

    class Seeking(_Consumer):
        async def seek_to_committed(self) -> dict[TP, int]:
            await sought.wait()
            return {RAW: 0}

    ledger = SkipLedger()
    install(lambda topic: topic == RAW.topic, ledger)
    consumer = Seeking(committed=0, acked=[2, 3])
    consumer._read_offset = {}  # type: ignore[attr-defined]
    consumer._committed_offset = defaultdict(lambda: None)
    seeking = asyncio.ensure_future(Consumer.perform_seek(consumer))
    await asyncio.sleep(0)
    assert Consumer._new_offset(consumer, RAW) is None  # held: where it starts is unknown
    assert Consumer._new_offset(consumer, RULES) == 4  # a compacted topic: faust's way
    sought.set()
    await seeking
    assert Consumer._new_offset(consumer, RAW) is None  # now a hole at its head: held
    assert ledger.due(now=1e9) == [(RAW, 0)]  # and re-read


async def test_a_seek_back_delivers_only_what_was_not_processed() -> None:
    # The replay's hole: offsets 0-214 dropped at start, 215-300 processed. Seeking
    # back to 0 reads 215-300 again too; they were processed (acked, held by the hole),
    # so they are not delivered twice. A compacted topic keeps faust's behaviour.
    from types import SimpleNamespace

    delivered: list[tuple[str, int]] = []

    async def drain(self: object, fetcher: object) -> None:  # faust's loop, reduced
        for tp in (RAW, RULES):
            for offset in (1, 3, 4):
                await self.callback(SimpleNamespace(tp=tp, topic=tp.topic, offset=offset))

    async def callback(message: SimpleNamespace) -> None:
        delivered.append((message.topic, message.offset))

    Consumer._drain_messages = drain  # type: ignore[method-assign]
    install(lambda topic: topic == RAW.topic, SkipLedger())
    consumer = _Consumer(committed=0, acked=[3, 4])
    consumer.callback = callback  # type: ignore[attr-defined]
    await Consumer._drain_messages(consumer, None)
    assert delivered == [(RAW.topic, 1), (RULES.topic, 1), (RULES.topic, 3), (RULES.topic, 4)]


async def test_records_fetched_and_not_handed_out_are_sought_back_to() -> None:
    # faust hands out a partition's records only while it is in the live set of active
    # partitions, which a pause or resume changes mid-batch: 2-3 were dropped here.
    from types import SimpleNamespace

    from streams.faust_private import _consumer_class

    cls = _consumer_class()
    saved = cls._getmany, cls.getmany

    async def fetch(self: object, active: object, timeout: float) -> dict[TP, list[object]]:
        return {RAW: [SimpleNamespace(offset=o) for o in range(4)],
                RULES: [SimpleNamespace(offset=o) for o in range(4)]}

    async def getmany(self: object, timeout: float) -> object:  # faust's, dropping
        records = await self._getmany(None, timeout)  # type: ignore[attr-defined]
        for tp, recs in records.items():
            for rec in recs[:2]:
                yield tp, SimpleNamespace(offset=rec.offset)

    try:
        cls._getmany, cls.getmany = fetch, getmany
        for flowing, expected in ((True, [(RAW, 2)]), (False, [])):
            ledger = SkipLedger()
            install(lambda topic: topic == RAW.topic, ledger)
            consumer = SimpleNamespace(flow_active=flowing, _getmany=None)
            consumer._getmany = cls._getmany.__get__(consumer)  # type: ignore[attr-defined]
            handed = [m.offset async for _, m in cls.getmany(consumer, timeout=1.0)]
            assert handed == [0, 1, 0, 1]
            assert ledger.due(now=1e9) == expected  # with the flow off, faust seeks back
    finally:
        cls._getmany, cls.getmany = saved


async def test_messages_a_resume_clears_from_the_streams_queues_are_read_again() -> None:
    # faust's recovery resumes the stream partitions, asks the broker for their committed
    # offsets (messages arrive and are queued meanwhile), then resumes the flow, which
    # clears every stream's queue: a replay worker lost a whole partition's 196 queued
    # articles so, with its fetch position at the end, until the stall watchdog (10 s).
    from types import SimpleNamespace

    ledger = SkipLedger()
    install(lambda topic: topic == RAW.topic, ledger)
    flow = FlowControlEvent()
    queue: ThrowableQueue[object] = ThrowableQueue(flow_control=flow, clear_on_resume=True)
    changelog = TP("wiredesk-alert-rules-changelog", 0)  # the recovery reads those
    for tp, offset in ((RAW, 7), (RAW, 5), (RULES, 3), (changelog, 4), (RULES, 1), (RAW, 9)):
        queue.put_nowait(SimpleNamespace(message=SimpleNamespace(tp=tp, offset=offset)))
    queue.put_nowait(object())  # not an event: left alone
    flow.resume()
    assert queue.empty()
    # A rule (a compacted topic) is read again too: a worker that lost it raised no alert.
    assert sorted(ledger.due(now=1e9)) == [(RAW, 5), (RULES, 1)]
