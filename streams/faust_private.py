"""Every read and patch of faust's, mode's and aiokafka's private state, in one place.

wiredesk needs a few things the frameworks do not expose: the committed and
fetched offsets and stream queues of a partition (the stall watchdog and
``/health``), a guard around faust's commit bookkeeping (offsets skipped in a
rebalance, ``streams/skips.py``; deliveries that failed, ``streams/sends.py``),
the RocksDB databases of a table (range scans of the per-item views) and the
producer's partitioner. Each of them depends on the exact versions pinned in
``pyproject.toml``; :func:`check_versions` refuses to start on any other, with a
message that says what to do, because a silent change of any of these would
lose or stall messages rather than fail.

Nothing outside this module touches a private attribute of those packages
(``tests/unit/test_faust_private.py`` checks it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import metadata
from typing import Any

import orjson
from aiokafka.partitioner import DefaultPartitioner, murmur2
from aiokafka.structs import TopicPartition
from rocksdict import WriteBatch

__all__ = [
    "PINNED",
    "VersionMismatch",
    "check_versions",
    "committed_offset",
    "consumer_state",
    "fetch_positions",
    "install_commit_guard",
    "install_skip_guard",
    "on_stop_signal",
    "partition_for",
    "queued",
    "scan",
    "share_rocksdb_memory",
    "speed_up_aiokafka",
    "table_get",
    "table_put",
    "table_put_many",
    "unfutured_append",
]

logger = logging.getLogger(__name__)

#: The versions whose internals this module was written against (pyproject pins them).
PINNED = {"faust-streaming": "0.15.3", "aiokafka": "0.14.0", "mode-streaming": "0.7.1"}


class VersionMismatch(RuntimeError):
    """An installed framework is not the version wiredesk's internals were checked on."""


def check_versions(installed: Callable[[str], str] = metadata.version) -> None:
    """Refuse to run on framework versions other than :data:`PINNED`.

    Raises:
        VersionMismatch: naming each package, what is installed and what is needed.
    """
    wrong = []
    for package, wanted in PINNED.items():
        try:
            have = installed(package)
        except metadata.PackageNotFoundError:
            have = "not installed"
        if have != wanted:
            wrong.append(f"{package} {have} (needs {wanted})")
    if wrong:
        raise VersionMismatch(
            "wiredesk reads private state of faust-streaming, aiokafka and mode-streaming "
            "and was checked only on the pinned versions; found " + ", ".join(wrong) +
            ". Reinstall with `pip install -e .` (pyproject.toml pins them), or check "
            "streams/faust_private.py against the new versions before changing the pins.")


def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner (and faust's table router) gives ``key``.

    murmur2 of the UTF-8 key, as the Java client and aiokafka's DefaultPartitioner
    hash it: a view update sent there lands on the partition whose table entries
    the HTTP API routes ``key``'s lookups to.
    """
    return _key_partition(key.encode("utf-8"), partitions)


@lru_cache(maxsize=1 << 16)
def _key_partition(key: bytes, partitions: int) -> int:
    """murmur2 is pure Python in aiokafka (~2% of a worker's time); keys repeat a lot."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


# -- table stores ---------------------------------------------------------------------


def scan(table: Any, prefix: str, after: str | None = None,
         limit: int | None = None) -> list[tuple[str, Any]]:
    """Entries of ``table`` whose key starts with ``prefix``, in key order.

    Args:
        table: A faust table with ``str`` keys (raw serialised) and JSON values.
        prefix: The key prefix.
        after: Start after this key (a page's cursor).
        limit: At most this many entries.

    RocksDB: a seek into each local partition database (only the partition that
    owns the prefix's group holds it), merged in key order. The memory store of
    the tests: its dict, sorted.
    """
    data = table.data
    dbs = getattr(data, "_dbs", None)
    out: list[tuple[str, Any]] = []
    if dbs is None:  # memory:// (tests): a plain dict of decoded keys and values
        keys = sorted(k for k in data.data if k.startswith(prefix) and (after is None
                                                                         or k > after))
        return [(k, data.data[k]) for k in keys[:limit]]
    start = (after or prefix).encode()
    raw_prefix = prefix.encode()
    for db in list(dbs.values()):
        taken = 0
        for raw_key, raw_value in db.items(from_key=start):
            if not raw_key.startswith(raw_prefix):
                break
            if after is not None and raw_key == start:
                continue
            out.append((raw_key.decode(), raw_value))
            taken += 1
            if limit is not None and taken >= limit:
                break
    out.sort(key=lambda kv: kv[0])
    out = out[:limit] if limit is not None else out
    return [(k, data._decode_value(v)) for k, v in out]


def table_size(table: Any) -> int:
    """Keys in ``table``'s local partitions: RocksDB's own estimate, never a full scan.

    ``rocksdb.estimate-num-keys`` is exact enough for a size gauge (it counts a
    deleted key until compaction) and costs nothing, where ``len(table)`` would read
    every key. The memory store of the tests: its dict's length.
    """
    data = table.data
    dbs = getattr(data, "_dbs", None)
    if dbs is None:
        return len(getattr(data, "data", {}))
    return sum(int(db.property_int_value("rocksdb.estimate-num-keys") or 0)
               for db in list(dbs.values()))


def table_get(table: Any, partition: int, key: str) -> Any | None:
    """One entry of ``partition``'s local store: ``table.get(key)`` inside an agent, cheaper.

    faust's read of a table entry goes through four mapping layers, the current
    event's context, an LRU key index behind a lock and its serializer registry;
    the view agent reads ~100 entries an article. Same answer for a partitioned
    table read on the partition of the event being processed (which is where
    faust's ``Store._get`` reads too): the raw key, the JSON value, None if absent.
    """
    store = table.data
    if getattr(store, "_dbs", None) is None:  # memory:// (tests): decoded keys and values
        return store.data.get(key)
    raw = store._db_for_partition(partition).get(key.encode())
    return None if raw is None else orjson.loads(raw)


def table_put(table: Any, partition: int, key: str, value: Any | None) -> tuple[
        Any, bytes, bytes | None, Callable[[Any], None]]:
    """Write one table entry to the local store; return its changelog message to send.

    Why not ``table[key] = value``: faust then sends the changelog message through
    ``Topic.send_soon`` (a FutureMessage, its buffer, a callback that writes the
    persisted offset), ~40 µs a write. The views write ~100-180 entries per article,
    which made the changelog faust's largest cost in the worker's profile. Here the
    entry goes to the store (RocksDB, or the memory store of tests) exactly as faust's
    ``Store.__setitem__`` puts it (raw key, JSON value), and the caller sends the
    changelog message through the checked producer path (``streams/sends.py``),
    to the partition of the event being processed, as faust would. Restoring from
    the changelog reads these messages like faust's own.

    Returns:
        ``(changelog topic, key bytes, value bytes or None for a delete, on_sent)``;
        ``on_sent(metadata)`` records the changelog offset the store now holds, as
        faust's ``_on_changelog_sent`` does (recovery then starts after it).
    """
    return table_put_many(table, partition, {key: value})[0]


def table_put_many(table: Any, partition: int, writes: dict[str, Any | None]) -> list[tuple[
        Any, bytes, bytes | None, Callable[[Any], None]]]:
    """:func:`table_put` for several entries of one partition, in one RocksDB write.

    The view agent writes ~25 entries per update message; one ``WriteBatch`` is one
    write-ahead-log append instead of one each (and all of them or none land, should
    the worker die in between). Returns the changelog messages in ``writes``' order.
    """
    store = table.data
    encoded = [(key.encode(), None if value is None else orjson.dumps(value))
               for key, value in writes.items()]
    if getattr(store, "_dbs", None) is None:  # memory:// (tests): decoded keys and values
        for key, value in writes.items():
            if value is None:
                store.data.pop(key, None)
            else:
                store.data[key] = value
    elif len(encoded) == 1 and encoded[0][1] is not None:
        # faust's ``_set`` also fills an LRU key index under a lock: lookups work without
        store._db_for_partition(partition).put(*encoded[0])
    elif encoded:
        batch = WriteBatch(raw_mode=True)
        for raw_key, raw_value in encoded:
            if raw_value is None:
                batch.delete(raw_key)
            else:
                batch.put(raw_key, raw_value)
        store._db_for_partition(partition).write(batch)

    def on_sent(metadata: Any) -> None:
        # At once, as faust does: a restart replays the changelog from this offset over
        # the store, and a replayed older value would overwrite a newer one the store
        # already holds (the store can be ahead of the changelog after a SIGKILL).
        store.set_persisted_offset(metadata.topic_partition, metadata.offset)

    topic = table.changelog_topic
    return [(topic, raw_key, raw_value, on_sent) for raw_key, raw_value in encoded]


def unfutured_append(producer: Any, topic: str, key: bytes | None, value: bytes,
                     partition: int | None,
                     headers: list[tuple[str, bytes]] | None) -> tuple[Any, int] | None:
    """Append one message to its partition's open producer batch, with no future of its own.

    Why: aiokafka's ``send`` makes a future for every message and resolves each when
    its batch is acknowledged; with the ~300 messages a worker sends per article
    (outputs, alerts, view updates, changelog) that bookkeeping, and the callback
    that watched each future, were ~10% of a busy worker's time. The batch has one
    future of its own, which fails when any of its messages fails, so watching it
    (``streams/sends.py``) keeps at-least-once with one callback per batch.

    Exactly what ``AIOKafkaProducer.send`` does for a message that fits the open
    batch (a key partitioned as its DefaultPartitioner does, timestamp now), minus
    the future. Returns ``(batch future, offset of the message within the batch)``,
    or None whenever the plain ``send`` must take the message: a producer without
    aiokafka's internals (unit tests), a topic whose metadata is not known yet, a
    closed or failed producer, a full batch (``send`` waits for the drain), or a
    value large enough for ``send``'s size check to matter.
    """
    inner = getattr(producer, "_producer", None)
    accumulator = getattr(inner, "_message_accumulator", None)
    if accumulator is None or len(value) > _UNFUTURED_MAX_BYTES:
        return None
    if accumulator._closed or accumulator._exception is not None:
        return None
    partitions = inner._metadata.partitions_for_topic(topic)
    if not partitions:
        return None
    if partition is None:
        if key is None or type(inner._partitioner) is not DefaultPartitioner:
            return None
        partition = _key_partition(key, len(partitions))
    elif partition not in partitions:
        return None
    tp = TopicPartition(topic, partition)
    pending = accumulator._batches.get(tp)
    batch = pending[-1] if pending else accumulator._append_batch(
        accumulator.create_builder(), tp)
    appended = batch._builder.append(timestamp=None, key=key, value=value,
                                     headers=headers or [])
    if appended is None:  # full: ``send`` wakes the sender and waits for a new batch
        return None
    return batch.future, appended.offset


#: Above this a value goes through ``send`` (its max_request_size check and its error).
_UNFUTURED_MAX_BYTES = 256 * 1024


def speed_up_aiokafka() -> None:
    """Make aiokafka's ``get_running_loop`` the stdlib's (same contract, C speed).

    aiokafka 0.14's own calls ``asyncio.get_event_loop()`` and checks that it runs, for
    every message it batches (a new future each): 3-4% of a busy worker's time in the
    profile. ``asyncio.get_running_loop`` returns the running loop or raises
    ``RuntimeError`` when there is none, which is exactly that.
    """
    import asyncio

    import aiokafka.util

    aiokafka.util.get_running_loop = asyncio.get_running_loop


def share_rocksdb_memory(cache_bytes: int, memtable_bytes: int) -> tuple[Any, Any]:
    """One block cache and one memtable budget for every RocksDB database of the worker.

    faust opens one database per table partition (~48 here) and gives each its own
    block cache; memtables are per database too. So the worker's memory grew with
    the number of partitions it had written to and with how full each one's
    memtables and cache were, for hours (the 10-minute soak's RSS kept climbing).
    Kafka Streams users bound it the same way (its ``BoundedMemoryRocksDBConfig``):
    one LRU ``Cache`` shared by all databases, and a ``WriteBufferManager`` that
    charges every memtable to that cache and flushes the largest once the
    memtables pass ``memtable_bytes``. Index and filter blocks live in the cache
    too, so the total stays near ``cache_bytes`` whatever has been ingested.
    faust builds the options in ``RocksDBOptions.as_options`` (rocksdict driver);
    this wraps it to swap in the shared objects.

    Returns:
        The shared ``(Cache, WriteBufferManager)``, for tests and the curious.
    """
    import rocksdict
    from faust.stores import rocksdb as faust_rocksdb

    cache = rocksdict.Cache(cache_bytes)
    manager = rocksdict.WriteBufferManager.new_write_buffer_manager_with_cache(
        memtable_bytes, False, cache)
    cls = faust_rocksdb.RocksDBOptions
    original = getattr(cls, "_wiredesk_as_options", cls.as_options)

    def as_options(self: Any) -> Any:
        options = original(self)
        if self.use_rocksdict:
            table = rocksdict.BlockBasedOptions()
            table.set_bloom_filter(self.bloom_filter_size, True)
            table.set_block_cache(cache)
            table.set_cache_index_and_filter_blocks(True)
            table.set_pin_l0_filter_and_index_blocks_in_cache(True)
            table.set_index_type(rocksdict.BlockBasedIndexType.binary_search())
            options.set_block_based_table_factory(table)
            options.set_write_buffer_manager(manager)
        return options

    cls._wiredesk_as_options = original
    cls.as_options = as_options
    return cache, manager


# -- consumer state (the stall watchdog, /health) --------------------------------------


def committed_offset(app: Any, tp: Any) -> int | None:
    """faust's committed offset of ``tp`` (the next offset to process), if any."""
    return app.consumer._committed_offset.get(tp)


def _fetch_states(app: Any) -> dict[tuple[str, int], Any]:
    """aiokafka's fetch state per assigned partition, under faust (its own thread)."""
    kafka = app.consumer._thread._consumer
    assignment = kafka._subscription.subscription.assignment
    return {(tp.topic, tp.partition): assignment.state_value(tp) for tp in assignment.tps}


def fetch_positions(app: Any) -> dict[tuple[str, int], int]:
    """aiokafka's fetch position per partition (empty when its state moved)."""
    try:
        return {tp: state._position for tp, state in _fetch_states(app).items()}
    except Exception:  # diagnostics of private state: never fail /health
        return {}


def queued(app: Any, topic: str) -> int | None:
    """Events waiting in the queues of the streams that read ``topic`` (None: unknown)."""
    try:
        channels = app.topics._topic_name_index.get(topic, ())
        return sum(channel.queue.qsize() for channel in channels)
    except Exception:
        return None


def consumer_state(app: Any, tps: list[str]) -> dict[str, Any]:
    """What faust's consumer believes of these partitions (for the stall log)."""
    consumer: Any = app.consumer
    wanted = set(tps)

    def names(attr: str) -> list[str]:
        found = getattr(consumer, attr, None) or set()
        return sorted(f"{tp.topic}:{tp.partition}" for tp in found
                      if f"{tp.topic}:{tp.partition}" in wanted)

    topics = {tp.rsplit(":", 1)[0] for tp in tps}
    stacks = {}
    for agent in app.agents.values():
        if set(getattr(agent.channel, "topics", ())) & topics:
            stacks[agent.name] = agent.actor_tracebacks()
    fetch: dict[str, Any] = {}
    try:  # position and pause per partition, as aiokafka's fetcher sees them
        for (topic, partition), state in _fetch_states(app).items():
            name = f"{topic}:{partition}"
            if name in wanted:
                fetch[name] = {"position": getattr(state, "_position", None),
                               "paused": getattr(state, "_paused", None),
                               "status": str(getattr(state, "_status", None))}
    except Exception as exc:  # diagnostics only: never let them fail the watchdog
        fetch = {"error": repr(exc)}
    return {"paused": names("_paused_partitions"), "active": names("_active_partitions"),
            "buffered": names("_buffered_partitions"), "agents": stacks, "fetch": fetch}


# -- patches of faust's commit path ----------------------------------------------------


def _consumer_class() -> Any:
    """The consumer class a worker runs: the aiokafka driver's, which the wrappers go on.

    Not faust's base ``Consumer``: the driver's inherits ``_getmany`` from
    ``ThreadDelegateConsumer``, so a wrapper on the base class never ran.
    """
    from faust.transport.drivers.aiokafka import Consumer

    return Consumer


def install_skip_guard(plain: Callable[[str], bool], skips: Any) -> None:
    """Wrap faust's commit bookkeeping so that skipped offsets of ``plain`` topics are re-read.

    Why, and the ledger's rules: ``streams/skips.py``.

    Args:
        plain: True for a topic whose offsets are never missing (delete policy).
        skips: The ``SkipLedger`` where the holes are kept (the watchdog reads it too).
    """
    consumer = _consumer_class()
    # Wrap faust's own methods even when installed before (tests install their own ledger).
    add_gap = getattr(consumer._add_gap, "_faust", consumer._add_gap)
    new_offset = getattr(consumer._new_offset, "_faust", consumer._new_offset)
    perform_seek = getattr(consumer.perform_seek, "_faust", consumer.perform_seek)

    async def _perform_seek(self: Any) -> None:
        # faust keeps a committed offset of 0 as None ("offset if offset else None"), so a
        # partition committed at its start (``wiredesk worker`` seeds them) looked as if
        # it had no committed offset and a hole at its head went unnoticed (the benchmark
        # lost a partition's first four articles). The position it was sought to is kept.
        # faust's recovery resumes the partitions before this seek, which asks the broker
        # for each partition's committed offset in turn, so messages are processed (and
        # the commit timer runs) meanwhile: the benchmark lost a partition's first two
        # articles when a commit came before the start was known. No plain topic's
        # offset is committed until it is.
        self.__dict__["_wiredesk_seeking"] = True
        try:
            await perform_seek(self)
        finally:
            self.__dict__["_wiredesk_seeking"] = False
        starts = self.__dict__.setdefault("_wiredesk_starts", {})
        starts.update({tp: off for tp, off in self._read_offset.items() if off is not None})

    async def _add_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        if not plain(tp.topic):
            await add_gap(self, tp, offset_from, offset_to)
        # On a plain topic a jump is a skip, not a gap: ``_new_offset`` holds it.

    def _new_offset(self: Any, tp: Any) -> int | None:
        if self.__dict__.get("_wiredesk_seeking") and plain(tp.topic):
            return None  # where the partition starts is not known yet: commit later
        acked = self._acked[tp]
        committed = self._committed_offset.get(tp)
        if committed is None:  # committed at 0, or never: where the partition was sought to
            committed = self.__dict__.get("_wiredesk_starts", {}).get(tp)
        if plain(tp.topic) and acked and committed is not None:
            first = min(acked)
            if first > committed:
                if skips.hold(tp, committed, first, time.monotonic()):
                    return None
                missing = range(committed, first)  # given up: a real gap, as faust would
                acked.extend(missing)
                self._acked_index[tp].update(missing)
        skips.settle(tp, committed)
        return new_offset(self, tp)

    fetch = getattr(consumer._getmany, "_faust", consumer._getmany)
    getmany = getattr(consumer.getmany, "_faust", consumer.getmany)

    async def _getmany(self: Any, active_partitions: Any, timeout: float) -> Any:
        records = await fetch(self, active_partitions, timeout)
        self.__dict__["_wiredesk_fetched"] = {tp: (recs[0].offset, recs[-1].offset)
                                              for tp, recs in records.items() if recs}
        return records

    async def _getmany_checked(self: Any, timeout: float) -> Any:
        # faust's ``getmany`` hands out the records of a partition only while the
        # partition is in its set of active partitions, and that is the live set,
        # changed by every pause and resume (the recovery's, at each start): records
        # fetched meanwhile are dropped, and the fetch position has moved past them.
        # A replay's worker lost a whole partition so (found by the stall watchdog
        # 10 s later). Records fetched and not handed out, with the flow on, are
        # sought back to (with the flow off, faust's recovery seeks every partition
        # back to its committed offset itself).
        self.__dict__.pop("_wiredesk_fetched", None)
        handed: dict[Any, int] = {}
        try:
            async for tp, message in getmany(self, timeout=timeout):
                handed[tp] = message.offset
                yield tp, message
        finally:
            fetched = self.__dict__.pop("_wiredesk_fetched", None) or {}
            if self.flow_active:
                for tp, (first, last) in fetched.items():
                    got = handed.get(tp)
                    if (got is None or got < last) and plain(tp.topic):
                        skips.dropped(tp, first if got is None else got + 1,
                                      time.monotonic())

    drain = getattr(consumer._drain_messages, "_faust", consumer._drain_messages)

    async def _drain_messages(self: Any, fetcher: Any) -> None:
        # Seeking back to a hole reads everything after it again, and what was
        # processed after it is still in ``_acked_index`` (the hole holds the commit):
        # the replay benchmark re-processed ~85 articles of a partition after a hole
        # of 215. Those messages are not handed to the streams again. (faust's loop
        # reads ``self.callback`` once, when it starts: it is wrapped here, before.)
        callback = self.callback
        if not getattr(callback, "_wiredesk", False):
            async def on_message(message: Any) -> Any:
                done = self._acked_index.get(message.tp)
                if done and message.offset in done and plain(message.topic):
                    return None  # processed since the hole: read again by the seek back
                return await callback(message)

            on_message._wiredesk = True  # type: ignore[attr-defined]
            self.callback = on_message
        await drain(self, fetcher)

    from mode.utils.queues import ThrowableQueue

    clear = getattr(ThrowableQueue.clear, "_faust", ThrowableQueue.clear)

    def _clear(self: Any) -> None:
        # faust's recovery resumes the stream partitions, then asks the broker for their
        # committed offsets (messages arrive and are queued meanwhile), then resumes the
        # flow, which clears every stream's queue (``clear_on_resume``). Those messages
        # were read (faust's read offset is past them) and never processed: a replay
        # worker lost a whole partition so. Their offsets are sought back to instead,
        # on every topic an agent reads (a lost rule raises no alert), never on a
        # table's changelog (the recovery reads those itself).
        firsts: dict[Any, int] = {}
        for item in self._queue:
            message = getattr(item, "message", None)
            tp = getattr(message, "tp", None)
            if tp is not None and not tp.topic.endswith("-changelog"):
                firsts[tp] = min(message.offset, firsts.get(tp, message.offset))
        now = time.monotonic()
        for tp, offset in firsts.items():
            skips.dropped(tp, offset, now)
        clear(self)

    _clear._faust = clear  # type: ignore[attr-defined]
    ThrowableQueue.clear = _clear
    _add_gap._faust = add_gap  # type: ignore[attr-defined]
    _new_offset._faust = new_offset  # type: ignore[attr-defined]
    _perform_seek._faust = perform_seek  # type: ignore[attr-defined]
    _drain_messages._faust = drain  # type: ignore[attr-defined]
    _getmany._faust = fetch  # type: ignore[attr-defined]
    _getmany_checked._faust = getmany  # type: ignore[attr-defined]
    consumer._getmany = _getmany
    consumer.getmany = _getmany_checked
    consumer._add_gap = _add_gap
    consumer._new_offset = _new_offset
    consumer.perform_seek = _perform_seek
    consumer._drain_messages = _drain_messages


def install_commit_guard(before_commit: Callable[[Any], Any],
                         after_commit: Callable[[dict[Any, int]], None] | None = None) -> None:
    """Run ``await before_commit(consumer)`` before faust commits any offset.

    ``before_commit`` flushes the producer and raises when a send failed, so an
    offset is committed only once every output of the messages before it is on
    the broker (``streams/sends.py``). faust flushes the producer in
    ``Consumer._commit_offsets`` too, but never looks at whether the sends
    succeeded.

    ``after_commit(offsets)`` gets the offsets the broker accepted (faust's own
    ``_committed_offset`` is updated even when the commit failed in a rebalance).
    """
    consumer = _consumer_class()
    commit_offsets = getattr(consumer._commit_offsets, "_faust", consumer._commit_offsets)

    async def _commit_offsets(self: Any, offsets: Any, *args: Any, **kwargs: Any) -> bool:
        await before_commit(self)
        before = set(self.assignment())  # faust commits what is assigned when it sends
        done = bool(await commit_offsets(self, offsets, *args, **kwargs))
        if done and after_commit is not None:  # held throughout: surely committed
            held = before & set(self.assignment())
            after_commit({tp: off for tp, off in offsets.items() if tp in held})
        return done

    _commit_offsets._faust = commit_offsets  # type: ignore[attr-defined]
    consumer._commit_offsets = _commit_offsets


def iter_private_reads() -> Iterator[str]:
    """The private names this module reads (for the docs and the test that keeps them here)."""
    yield from ("_committed_offset", "_thread", "_subscription", "_position",
                "_topic_name_index", "_dbs", "_decode_value", "_add_gap", "_new_offset",
                "_commit_offsets", "_acked", "_acked_index", "_read_offset",
                "_wiredesk_starts", "_on_sigterm", "_on_sigint", "_producer",
                "_message_accumulator", "_closed", "_exception", "_metadata", "_partitioner",
                "_batches", "_append_batch", "_builder", "_db_for_partition",
                "_drain_messages", "_wiredesk_seeking", "_getmany", "_wiredesk_fetched",
                "flow_active", "_queue")


# -- the worker's signal handlers ------------------------------------------------------


def on_stop_signal(worker: Any, before: Callable[[int], None]) -> None:
    """Call ``before(signal)`` ahead of mode's own SIGTERM/SIGINT handling.

    mode's ``Worker`` registers ``_on_sigterm``/``_on_sigint`` with the event loop and
    ignores any signal after the first; wiredesk needs to see each one (to bound the
    shutdown and to exit at once on a second signal). Call after the worker installed
    its handlers (``install_signal_handlers``).
    """
    import signal

    for sig, handler in ((signal.SIGTERM, worker._on_sigterm),
                         (signal.SIGINT, worker._on_sigint)):
        def chained(sig: int = sig, handler: Callable[[], None] = handler) -> None:
            before(sig)
            handler()

        worker.loop.add_signal_handler(sig, chained)
