"""Dead letters: the original message plus why it failed, for a later replay.

The dead-letter message is the original key and value bytes unchanged, so a
replay is a plain re-send; the context rides in headers named as Spring Kafka
names them (``dlq.stage``, ``dlq.topic``, ``dlq.partition``, ``dlq.offset``,
``dlq.error-type``, ``dlq.error``, ``dlq.failed-at``), plus the original
headers (source, format) so the re-sent message parses the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["MAX_ERROR_BYTES", "dlq_headers"]

MAX_ERROR_BYTES = 1024


def dlq_headers(
    *,
    stage: str,
    topic: str,
    partition: int,
    offset: int,
    error: BaseException,
    original: list[tuple[str, bytes]] | None = None,
    failed_at: datetime | None = None,
) -> list[tuple[str, bytes]]:
    """The headers of a dead letter.

    Args:
        stage: The stage that rejected the message.
        topic: Where the message was read from (where a replay re-sends it).
        partition: Its partition.
        offset: Its offset.
        error: Why it failed; the message is cut to 1 KB.
        original: The message's own headers, kept first.
        failed_at: When (defaults to now, UTC).
    """
    when = failed_at or datetime.now(UTC)
    reason = str(error).encode("utf-8", "replace")[:MAX_ERROR_BYTES]
    own = [(k, v) for k, v in (original or []) if not k.startswith("dlq.")]
    return [
        *own,
        ("dlq.stage", stage.encode()),
        ("dlq.topic", topic.encode()),
        ("dlq.partition", str(partition).encode()),
        ("dlq.offset", str(offset).encode()),
        ("dlq.error-type", type(error).__name__.encode()),
        ("dlq.error", reason),
        ("dlq.failed-at", when.isoformat().encode()),
    ]
