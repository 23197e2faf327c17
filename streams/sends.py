"""The cheapest send that keeps at-least-once: straight to the producer, checked at commit.

Why not ``Topic.send(force=True)``: it costs 33-52 µs a message in faust's
layers (futures, callbacks, codec lookups) over the ~7 µs of aiokafka's
``send``, which only appends the message to a batch. An enriched article is
~80 output messages, so this was a good part of a worker's time per article.

What keeps it safe: before faust commits an offset, :func:`before_commit`
flushes the producer and looks at every send since the last commit; if one
failed (the broker refused it, or it timed out), the worker crashes instead
of committing, so the messages are read and processed again after a restart.
Nothing is lost silently, and the deterministic record ids make the repeats
harmless. The guard is installed through ``streams/faust_private.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from streams.faust_private import unfutured_append

__all__ = ["Deliveries", "DeliveryFailed", "after_commit", "before_commit", "committed",
           "deliveries", "send"]

logger = logging.getLogger(__name__)


class DeliveryFailed(RuntimeError):
    """A message handed to the producer never reached the broker."""


class Deliveries:
    """The producer futures of messages not yet confirmed, and the first failure."""

    def __init__(self) -> None:
        self.pending: set[asyncio.Future[Any]] = set()
        self.failure: BaseException | None = None
        self.sent = 0
        #: Per watched batch future: (topic, offset in the batch, on_sent) of its last
        #: message that has an ``on_sent``.
        self._last: dict[asyncio.Future[Any], tuple[str, int, Callable[[Any], None] | None]] = {}

    def track(self, future: asyncio.Future[Any], where: str,
              on_sent: Callable[[Any], None] | None = None) -> None:
        """Watch one send's delivery future (``where`` names the topic for the log).

        ``on_sent(metadata)`` runs once the broker has the message.
        """
        self.sent += 1
        self.pending.add(future)
        future.add_done_callback(lambda f: self._done(f, where, on_sent))

    def track_in_batch(self, future: asyncio.Future[Any], where: str, offset: int,
                       on_sent: Callable[[Any], None] | None = None) -> None:
        """Watch a message appended to a producer batch whose future is ``future``.

        One callback per batch, however many of its messages are tracked. ``on_sent``
        marks a position (the changelog offset a table store holds, ``table_put``): of
        a batch's messages, only the last one's runs, with that message's offset, as
        the batch's messages share one topic partition and the last position wins.
        """
        self.sent += 1
        last = self._last.get(future)
        if last is None:
            self.pending.add(future)
            future.add_done_callback(self._batch_done)
        if last is None or on_sent is not None:
            self._last[future] = (where, offset, on_sent)

    def _batch_done(self, future: asyncio.Future[Any]) -> None:
        where, offset, on_sent = self._last.pop(future, ("?", 0, None))
        self._done(future, where, None if on_sent is None else
                   lambda metadata: on_sent(metadata._replace(offset=metadata.offset + offset)))

    def _done(self, future: asyncio.Future[Any], where: str,
              on_sent: Callable[[Any], None] | None = None) -> None:
        if future not in self.pending:
            return  # already looked at (by ``check``)
        self.pending.discard(future)
        exc = future.exception() if not future.cancelled() else asyncio.CancelledError()
        if exc is None:
            if on_sent is not None:
                on_sent(future.result())
        elif self.failure is None:
            self.failure = exc
            logger.critical("Delivery failed topic=%s error=%r: stopping before the next "
                            "offset commit, so the input is read again", where, exc)

    def check(self) -> None:
        """Raise :class:`DeliveryFailed` if any send failed (done futures are looked at now)."""
        for future in list(self.pending):
            if future.done() and not future.cancelled() and future.exception() is not None:
                self._done(future, "?")
        if self.failure is not None:
            raise DeliveryFailed(f"a send failed: {self.failure!r}") from self.failure


#: The worker's one ledger of sends (one producer per worker process).
deliveries = Deliveries()


#: The offsets the broker accepted from this worker, by (topic, partition). Kafka never
#: delivers a message below them to the group again: the view fold forgets the places
#: of the ops under them (``agents.viewfold._count``).
committed: dict[tuple[str, int], int] = {}


def after_commit(offsets: dict[Any, int]) -> None:
    """Note the offsets a commit made (``faust_private.install_commit_guard``)."""
    for tp, offset in offsets.items():
        committed[(tp.topic, tp.partition)] = offset


async def before_commit(consumer: Any, ledger: Deliveries = deliveries) -> None:
    """Flush the producer and refuse to commit after a failed send (crashing the app)."""
    app = consumer.app
    await app.producer.flush()
    await asyncio.sleep(0)  # let the delivery callbacks of the flushed batches run
    try:
        ledger.check()
    except DeliveryFailed as exc:
        await app.crash(exc)
        raise


async def send(producer: Any, topic: str, key: str | bytes | None, value: bytes | None, *,
               partition: int | None = None, headers: list[tuple[str, bytes]] | None = None,
               on_sent: Callable[[Any], None] | None = None,
               ledger: Deliveries = deliveries) -> None:
    """Hand one message to the producer and track its delivery.

    Appended to its partition's open batch without a future of its own where
    aiokafka allows it (``faust_private.unfutured_append``); through the
    producer's ``send`` otherwise. Either way the commit guard sees its fate.
    """
    raw_key = key.encode() if isinstance(key, str) else key
    if value is not None:
        appended = unfutured_append(producer, topic, raw_key, value, partition, headers)
        if appended is not None:
            ledger.track_in_batch(appended[0], topic, appended[1], on_sent)
            return
    future = await producer.send(topic, raw_key, value, partition, None, headers)
    ledger.track(future, topic, on_sent)
