"""Delivering alerts: SSE framing, resume positions, signed webhooks with retries.

No app import, so the CLI and the unit tests use it without a worker.
:class:`WebhookSender` keeps one bounded queue and one sender task per
webhook URL: a dead or slow endpoint fills (then drops from) its own queue
and never holds up another URL's alerts, nor the pipeline, which does not
wait for delivery at all (webhooks read the alerts topic with their own
consumer group).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from streams.metrics import ALERTS_DELIVERED, ALERTS_FAILED, labelled

__all__ = [
    "SIGNATURE_HEADER",
    "WebhookSender",
    "backoff_delays",
    "format_event_id",
    "parse_event_id",
    "publish_rules",
    "resume_positions",
    "sign",
    "sse_event",
]

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Wiredesk-Signature"


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of the body>``: the value of ``X-Wiredesk-Signature``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff_delays(attempts: int, base: float = 0.5, cap: float = 30.0) -> list[float]:
    """Seconds to wait before each retry: ``base``, doubling, at most ``cap``."""
    return [min(cap, base * 2**i) for i in range(max(0, attempts - 1))]


def format_event_id(positions: dict[int, int]) -> str:
    """An SSE event id: the next offset of every partition, ``0:15,1:7``."""
    return ",".join(f"{p}:{o}" for p, o in sorted(positions.items()))


def parse_event_id(text: str) -> dict[int, int] | None:
    """Positions from a ``Last-Event-ID``; None when it is not one of ours."""
    try:
        pairs = [part.split(":") for part in text.strip().split(",") if part]
        positions = {int(p): int(o) for p, o in pairs}
    except ValueError:
        return None
    return positions if positions and all(o >= 0 for o in positions.values()) else None


def resume_positions(headers: Any, query: Any) -> tuple[dict[int, int] | None, str | None]:
    """Where a server-sent event stream resumes: ``Last-Event-ID`` (or ``?last_event_id=``).

    Returns:
        ``(positions, None)``; ``(None, None)`` for a fresh stream; ``(None, problem)``
        when the id is not one of ours (the caller answers 400 with the problem).
    """
    resume = headers.get("Last-Event-ID") or query.get("last_event_id")
    if not resume:
        return None, None
    positions = parse_event_id(resume)
    return (positions, None) if positions is not None else (
        None, f"Last-Event-ID {resume!r} is not an event id")


def sse_event(event_id: str, data: bytes, event: str = "alert") -> bytes:
    """One server-sent event (``data`` is one line of JSON)."""
    return b"id: %s\nevent: %s\ndata: %s\n\n" % (event_id.encode(), event.encode(),
                                                 data.replace(b"\n", b" "))


@dataclass
class _Job:
    url: str
    secret: str | None
    alert_id: str
    body: bytes


@dataclass
class WebhookSender:
    """POST alerts to webhooks: per-URL bounded queues, retries with backoff, counters."""

    queue_size: int = 1000
    attempts: int = 5
    base_delay: float = 0.5
    timeout: float = 5.0
    stats: Counter[str] = field(default_factory=Counter)
    last_error: dict[str, str] = field(default_factory=dict)
    _queues: dict[str, asyncio.Queue[_Job]] = field(default_factory=dict)
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None

    def submit(self, url: str, secret: str | None, alert_id: str, body: bytes) -> None:
        """Queue one alert for ``url``; never waits (a full queue drops its oldest)."""
        queue = self._queues.get(url)
        if queue is None:
            queue = self._queues[url] = asyncio.Queue(self.queue_size)
            self._tasks[url] = asyncio.create_task(self._run(queue), name=f"webhook {url}")
        if queue.full():
            dropped = queue.get_nowait()
            self.stats["dropped"] += 1
            labelled(ALERTS_FAILED, "webhook").inc()
            logger.warning("Webhook queue full, alert dropped url=%s alert=%s", url,
                           dropped.alert_id)
        queue.put_nowait(_Job(url, secret, alert_id, body))
        self.stats["queued"] += 1

    async def _run(self, queue: asyncio.Queue[_Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await self._deliver(job)
            finally:
                queue.task_done()

    async def _deliver(self, job: _Job) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout))
        headers = {"Content-Type": "application/json", "X-Wiredesk-Alert-Id": job.alert_id}
        if job.secret:
            headers[SIGNATURE_HEADER] = sign(job.secret, job.body)
        delays = [*backoff_delays(self.attempts, self.base_delay), None]
        for attempt, delay in enumerate(delays, start=1):
            try:
                async with self._session.post(job.url, data=job.body, headers=headers) as resp:
                    if 200 <= resp.status < 300:
                        self.stats["delivered"] += 1
                        labelled(ALERTS_DELIVERED, "webhook").inc()
                        return
                    error = f"HTTP {resp.status}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            self.last_error[job.url] = error
            if delay is None:
                break
            self.stats["retries"] += 1
            logger.info("Webhook retry url=%s alert=%s attempt=%s error=%s", job.url,
                        job.alert_id, attempt, error)
            await asyncio.sleep(delay)
        self.stats["failed"] += 1
        labelled(ALERTS_FAILED, "webhook").inc()
        logger.warning("Webhook failed url=%s alert=%s attempts=%s error=%s", job.url,
                       job.alert_id, self.attempts, self.last_error.get(job.url))

    def snapshot(self) -> dict[str, Any]:
        """Counters and per-URL backlog and last error, for ``GET /alerts/webhooks``."""
        return {"counts": dict(self.stats),
                "queues": {u: q.qsize() for u, q in self._queues.items()},
                "last_error": dict(self.last_error)}

    async def close(self) -> None:
        """Stop the sender tasks and close the HTTP session."""
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()


async def publish_rules(bootstrap: str, topic: str, rules: list[tuple[str, bytes | None]]) -> int:
    """Send rules to the rules topic keyed by rule id (None deletes); acks from all replicas."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        for rule_id, value in rules:
            await producer.send_and_wait(topic, value, key=rule_id.encode())
    finally:
        await producer.stop()
    return len(rules)
