"""Broker outages: is the broker reachable, and one log line per change instead of a flood.

Why a logging gate and not a setting: while the broker is down, aiokafka retries
its metadata, coordinator and heartbeat requests every ~100 ms and logs each
failure at ERROR (``Unable connect to node``, ``Unable to update metadata``,
``Group Coordinator Request failed``): about 80 lines a second in a worker, and
no aiokafka or faust setting changes that (the back-off is the 100 ms
``retry_backoff_ms``, which is also how quickly a worker reconnects, so it stays).
Those lines carry no news after the first: the news is "the broker is
unreachable" and "it is back". So the worker probes the broker itself
(:func:`broker_reachable`, a TCP connect every second; two failures in a row
make it unreachable) and :class:`OutageGate`
turns the probe into state-change lines, with reminders that back off (10 s,
20 s, 40 s ... 5 min) and the number of client lines it held back. While the
broker is unreachable the gate drops the client's warnings and errors; while it
is reachable it lets each message template through once a minute (so a real
problem still shows, with a count of its repeats). Nothing of wiredesk's own is
ever filtered: the gate sits on aiokafka's loggers only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = [
    "CLIENT_LOGGERS", "OutageGate", "broker_reachable", "gate", "install", "probe_step", "watch",
]

logger = logging.getLogger(__name__)

#: Failed probes in a row before the broker counts as unreachable.
FAILS_TO_DOWN = 2

#: aiokafka's loggers that report connection trouble (``aiokafka`` is its client's).
CLIENT_LOGGERS = ("aiokafka", "aiokafka.conn", "aiokafka.cluster", "aiokafka.consumer.consumer",
                  "aiokafka.consumer.group_coordinator", "aiokafka.consumer.fetcher",
                  "aiokafka.producer.producer", "aiokafka.producer.sender",
                  "aiokafka.admin.client")


class OutageGate(logging.Filter):
    """Broker reachability as a state, and a filter for the client's log lines.

    Args:
        clock: Monotonic seconds (a test passes its own).
        first_reminder: Seconds after going down of the first "still unreachable" line;
            each next one waits twice as long, up to ``max_reminder``.
        repeat_window: While the broker is reachable, a client message template is
            logged at most once per this many seconds.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, first_reminder: float = 10.0,
                 max_reminder: float = 300.0, repeat_window: float = 60.0) -> None:
        super().__init__()
        self.clock = clock
        self.first_reminder = first_reminder
        self.max_reminder = max_reminder
        self.repeat_window = repeat_window
        self.reachable = True
        self.failures = 0  # failed probes in a row
        self.since = clock()
        self.suppressed = 0
        self._next_reminder = 0.0
        self._interval = first_reminder
        self._seen: dict[tuple[str, object], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep or drop one client record (INFO and below always pass)."""
        if record.levelno < logging.WARNING:
            return True
        if not self.reachable:
            self.suppressed += 1
            return False
        key = (record.name, record.msg)
        now = self.clock()
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.repeat_window:
            self._seen[key] = (last[0], last[1] + 1)
            self.suppressed += 1
            return False
        if last is not None and last[1]:
            record.msg = f"{record.msg} [and {last[1]} more like it in {now - last[0]:.0f}s]"
        self._seen[key] = (now, 0)
        return True

    def down(self, reason: str) -> str | None:
        """The broker did not answer: the line to log when that is news, else None."""
        if not self.reachable:
            return None
        now = self.clock()
        self.reachable, self.since, self.suppressed = False, now, 0
        self._interval = self.first_reminder
        self._next_reminder = now + self._interval
        return (f"Broker unreachable ({reason}); client errors are counted, not logged, "
                "until it answers")

    def up(self) -> str | None:
        """The broker answered: the line to log when it was unreachable, else None."""
        if self.reachable:
            return None
        now = self.clock()
        line = (f"Broker reachable again after {now - self.since:.1f}s "
                f"suppressed_lines={self.suppressed}")
        self.reachable, self.since, self.suppressed = True, now, 0
        self._seen.clear()
        return line

    def reminder(self) -> str | None:
        """While unreachable, a "still unreachable" line when one is due (backing off)."""
        now = self.clock()
        if self.reachable or now < self._next_reminder:
            return None
        self._interval = min(self.max_reminder, self._interval * 2)
        self._next_reminder = now + self._interval
        return (f"Broker still unreachable after {now - self.since:.0f}s "
                f"suppressed_lines={self.suppressed}")

    def unreachable_for(self) -> float | None:
        """Seconds since the broker stopped answering; None while it answers."""
        return None if self.reachable else self.clock() - self.since


async def broker_reachable(bootstrap: str, timeout: float = 2.0) -> bool:
    """True when any bootstrap server accepts a TCP connection within ``timeout``.

    A connect, not a Kafka request: it never queues behind the client's retries, so
    it answers within ``timeout`` per server whatever the client is doing.
    """
    for server in (s.strip() for s in bootstrap.split(",") if s.strip()):
        host, _, port = server.rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        return True
    return False


#: The worker's one gate (``streams/health.py`` drives it, ``/health`` reads it).
gate = OutageGate()


def install(the_gate: OutageGate = gate) -> None:
    """Put the gate on aiokafka's loggers (idempotent)."""
    for name in CLIENT_LOGGERS:
        client = logging.getLogger(name)
        if the_gate not in client.filters:
            client.addFilter(the_gate)


async def watch(bootstrap: str, running: Callable[[], bool],
                sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                the_gate: OutageGate = gate, interval: float = 1.0) -> None:
    """Probe the broker every ``interval`` seconds while ``running()``; log state changes."""
    while running():
        ok = await broker_reachable(bootstrap)
        line = probe_step(the_gate, ok, bootstrap)
        if line:
            (logger.info if ok else logger.warning)("%s broker=%s", line, bootstrap)
        await sleep(interval)


def probe_step(the_gate: OutageGate, ok: bool, where: str) -> str | None:
    """Feed one probe result to the gate; the line to log, if any.

    Down only after :data:`FAILS_TO_DOWN` failed probes in a row: on a machine loaded
    far beyond its cores one connect could miss its timeout while the broker is fine
    (seen at load 15 on 2 cores). A stopped broker refuses at once, so this costs a
    second.
    """
    if ok:
        the_gate.failures = 0
        return the_gate.up()
    the_gate.failures += 1
    if the_gate.failures < FAILS_TO_DOWN:
        return None
    return the_gate.down(f"no answer from {where}") or the_gate.reminder()
