"""``wiredesk dlq replay``: choose dead letters and re-send them where they came from.

A dead letter is the original key and value bytes plus ``dlq.*`` headers
(streams/deadletter.py), so a replay is a plain re-send of key, value and the
original (non-``dlq.*``) headers to the topic named in ``dlq.topic``; the stage
then processes the message again, and if it still fails it becomes a new dead
letter. The selection is pure (:func:`select_letters`, :func:`replay_target`,
:func:`summarize`); :func:`read_letters` and :func:`resend` do the I/O with
plain aiokafka clients (no consumer group, so nothing moves the pipeline's offsets).

Letters that failed more than once (a replay that failed again) are identical
messages; the selection keeps each one once, so replaying twice never doubles
the traffic.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from streams.kafka_io import TopicMessage, read_topic

__all__ = [
    "ReplayError",
    "Target",
    "check_stage",
    "failed_at",
    "parse_since",
    "read_letters",
    "replay_target",
    "resend",
    "select_letters",
    "summarize",
]

#: (topic, key, value, headers): one message to re-send.
Target = tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]]]


class ReplayError(Exception):
    """A replay that cannot be done: unknown stage, bad time, a letter with no source."""


def check_stage(stage: str, stages: Sequence[str]) -> str:
    """The stage, if it has a dead-letter topic.

    Raises:
        ReplayError: naming the stages that have one.
    """
    if stage not in stages:
        raise ReplayError(f"unknown stage {stage!r}: dead-letter stages are "
                          f"{', '.join(stages)}")
    return stage


def parse_since(text: str) -> datetime:
    """An ISO 8601 date or date-time; one without an offset is UTC.

    Raises:
        ReplayError: not ISO 8601.
    """
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ReplayError(f"--since {text!r} is not an ISO 8601 date or time "
                          "(e.g. 2024-08-13 or 2024-08-13T09:30:00Z)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _header(message: TopicMessage, name: str) -> str | None:
    for key, value in message.headers:
        if key == name:
            return value.decode("utf-8", "replace")
    return None


def failed_at(message: TopicMessage) -> datetime | None:
    """When the letter failed (its ``dlq.failed-at`` header), or None if unknown."""
    text = _header(message, "dlq.failed-at")
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def replay_target(message: TopicMessage) -> Target:
    """Where and what to re-send: the ``dlq.topic``, the key, the value, the own headers.

    Raises:
        ReplayError: the letter has no ``dlq.topic`` header.
    """
    topic = _header(message, "dlq.topic")
    if not topic:
        raise ReplayError(f"dead letter {message.topic}:{message.partition}@{message.offset} "
                          "has no dlq.topic header; it cannot be replayed")
    headers = [(k, v) for k, v in message.headers if not k.startswith("dlq.")]
    return topic, message.key, message.value, headers


def _identity(target: Target) -> bytes:
    topic, key, value, headers = target
    digest = hashlib.sha256()
    for part in (topic.encode(), key or b"", value or b"",
                 *(k.encode() + b"=" + v for k, v in headers)):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.digest()


def select_letters(messages: Iterable[TopicMessage],
                   since: datetime | None = None) -> list[TopicMessage]:
    """The letters to replay, in (partition, offset) order.

    Keeps letters that failed at or after ``since`` (all when None; a letter
    whose failure time is unknown only when None), and each distinct message
    (same target topic, key, value and headers) once: a letter that failed
    again after a replay is not sent twice.

    Raises:
        ReplayError: a selected letter has no ``dlq.topic`` header.
    """
    chosen: list[TopicMessage] = []
    seen: set[bytes] = set()
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        if since is not None:
            when = failed_at(message)
            if when is None or when < since:
                continue
        identity = _identity(replay_target(message))
        if identity in seen:
            continue
        seen.add(identity)
        chosen.append(message)
    return chosen


def summarize(letters: Iterable[TopicMessage]) -> dict[str, int]:
    """How many letters go back to each source topic, most first."""
    counts = Counter(replay_target(m)[0] for m in letters)
    return dict(counts.most_common())


async def read_letters(bootstrap: str, topic: str,
                       idle_timeout: float = 2.0) -> list[TopicMessage]:
    """Every message of a dead-letter topic, read without a consumer group."""
    return [m async for m in read_topic(bootstrap, topic, idle_timeout=idle_timeout)]


async def resend(bootstrap: str, targets: Iterable[Target],
                 on_sent: Callable[[Target], None] | None = None) -> int:
    """Send each target (acks=all, idempotent); return how many the broker stored."""
    from streams.kafka_io import Outgoing, send_messages

    return await send_messages(
        bootstrap,
        (Outgoing(topic, key, value, list(headers), (topic, key, value, headers))
         for topic, key, value, headers in targets),
        on_sent=on_sent,
    )
