"""``run_stage``: the one loop body every agent shares (call, send, dead-letter).

A stage call either returns the messages to send or raises. A ``StageError``
(bad input) sends the original message to the stage's dead-letter topic, logs
a WARNING and goes on; any other exception from the stage function is a bug:
the message goes to the dead letters too, logged at ERROR with its traceback,
so one bad article never stops an agent. Errors while *sending* (the broker
is down, the producer failed) and cancellation are re-raised: the worker
should crash and be restarted rather than hide an outage and lose messages.

Every send goes straight to the producer (``streams/sends.py``): handed over
at once, not attached to the event until its offset is committed (faust's
default inside an agent, which put up to a second on every hop), and without
faust's ~40 µs of per-message layers. Nothing is lost: before faust commits an
offset the producer is flushed and every delivery checked, and a failed one
crashes the worker instead of committing. A crash in between may send an
output twice; the deterministic ids make that harmless (views and consumers
drop records they have seen).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka.errors import KafkaError

from agents.errors import StageError
from streams import sends
from streams.deadletter import dlq_headers
from streams.faust_private import table_put
from streams.metrics import DEAD_LETTERS, STAGE_FAILED, STAGE_PROCESSED, labelled

__all__ = ["Out", "dead_letter", "message_headers", "run_stage", "send_out", "table_write"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Out:
    """One message a stage wants sent."""

    topic: Any  # a faust TopicT
    key: str | bytes | None
    value: Any  # bytes, or a faust Record for a typed topic
    headers: list[tuple[str, bytes]] | None = None
    partition: int | None = None  # None: the key's partition (the producer's partitioner)
    on_sent: Callable[[Any], None] | None = None  # runs with the broker's RecordMetadata


def table_write(table: Any, partition: int, key: str, value: Any | None) -> Out:
    """Write a table entry to the local store now; its changelog message is the ``Out``.

    The cheap path of ``table[key] = value`` (``faust_private.table_put``): the
    changelog message goes out with the stage's other results, to ``partition``
    (the partition of the event being processed, as faust would send it).
    """
    topic, raw_key, raw_value, on_sent = table_put(table, partition, key, value)
    return Out(topic, raw_key, raw_value, partition=partition, on_sent=on_sent)


def message_headers(event: Any) -> list[tuple[str, bytes]]:
    """The event's headers as a list of ``(str, bytes)`` pairs."""
    raw = event.message.headers or []
    pairs = raw.items() if isinstance(raw, dict) else raw
    return [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in pairs]


def dead_letter(stage: str, event: Any, error: Exception, dlq: Any) -> Out:
    """The event's message as a dead letter of ``stage``: its bytes, and why in the headers."""
    msg = event.message
    labelled(DEAD_LETTERS, stage, type(error).__name__ if isinstance(error, StageError)
             else "unexpected").inc()
    headers = dlq_headers(stage=stage, topic=msg.topic, partition=msg.partition,
                          offset=msg.offset, error=error, original=message_headers(event))
    return Out(dlq, msg.key, msg.value, headers)


async def run_stage(
    stage: str, event: Any, call: Callable[[], Iterable[Out]], *, dlq: Any
) -> Exception | None:
    """Run one stage call for one event and send its results.

    Args:
        stage: The stage name (``normalize``, ``split``, ``tag``, ``enrich``).
        event: The Faust event being processed.
        call: A no-argument callable wrapping the pure stage function.
        dlq: The stage's dead-letter topic.

    Returns:
        None when the results were sent; the error when the message became a dead
        letter (so the agent can record the failure, e.g. in the articles table).
    """
    msg = event.message
    try:
        outputs = list(call())
    except (asyncio.CancelledError, KafkaError):
        raise
    except Exception as exc:
        if isinstance(exc, StageError):
            logger.warning(
                "Dead letter stage=%s topic=%s partition=%s offset=%s error_type=%s error=%s",
                stage, msg.topic, msg.partition, msg.offset, type(exc).__name__, exc,
            )
        else:
            logger.error(
                "Unexpected error, dead letter stage=%s topic=%s partition=%s offset=%s",
                stage, msg.topic, msg.partition, msg.offset, exc_info=exc,
            )
        letter = dead_letter(stage, event, exc, dlq)
        await send_out(letter)
        labelled(STAGE_FAILED, stage).inc()
        return exc
    for out in outputs:
        await send_out(out)
    labelled(STAGE_PROCESSED, stage).inc()
    return None


async def send_out(out: Out) -> None:
    """Send one message through the producer of its topic's app (checked at commit)."""
    await sends.send(out.topic.app.producer, out.topic.get_topic_name(), out.key, out.value,
                     partition=out.partition, headers=out.headers, on_sent=out.on_sent)
