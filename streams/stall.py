"""Stall detection: a partition with lag whose position does not move.

Why: after a restart or a rebalance, faust-streaming can leave a partition whose
messages were fetched but never reached the stream (its queues are cleared around
recovery; faust issue 629 is the same family). The worker looks alive and
answers, but that partition's articles never come out. The SIGKILL recovery test
and two benchmark runs with two workers hit it. A watchdog timer in the worker
(``streams/web.py``) and ``GET /health`` feed this watch; a partition that had
messages waiting and did not advance for ``after_s`` seconds is stalled: the
watchdog logs why and seeks it back to its committed offset (at-least-once, ids
make repeats harmless), and ``/health`` answers 503 for a liveness probe.

A partition that shows the stall's own signature (read to its end by the
fetcher, nothing queued for its stream, committed offset behind) is stalled
after ``stranded_after_s`` (10 s) instead: the benchmark's two-worker phase hit
it on most runs at the second worker's join, and two minutes of a partition's
articles held back is too long for a wire desk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HighWaters", "Position", "StallWatch", "is_stranded"]


@dataclass(frozen=True)
class Position:
    """Where one partition stands: the next offset to process, and messages behind it.

    ``stranded``: the partition shows the stall's own signature (``is_stranded``).
    """

    done: int
    lag: int
    stranded: bool = False


def is_stranded(*, lag: int, fetched: int | None, highwater: int, queued: int | None) -> bool:
    """Messages wait, yet the fetcher has read them all and none waits for the stream.

    That is the stall itself (fetched messages that never reached the stream), not a
    busy worker: a backlog either still has messages to fetch or messages queued.
    Unknown values (faust or aiokafka internals changed) never count as stranded.
    """
    return lag > 0 and fetched is not None and queued is not None \
        and fetched >= highwater and queued == 0


@dataclass
class StallWatch:
    """Remembers since when each partition has waited without moving.

    Attributes:
        after_s: How long a partition with lag may stand still before it is stalled.
        stranded_after_s: The same for a partition that is stranded (``is_stranded``):
            nothing can move it, so there is no reason to wait the whole ``after_s``.
    """

    after_s: float
    stranded_after_s: float | None = None
    _since: dict[str, tuple[int, float]] = field(default_factory=dict)

    def update(self, positions: dict[str, Position], now: float) -> list[str]:
        """Record the partitions' positions at ``now``; return the stalled ones, sorted."""
        stalled = []
        for tp, pos in positions.items():
            held = self._since.get(tp)
            if pos.lag == 0 or held is None or held[0] != pos.done:
                self._since[tp] = (pos.done, now)
            elif now - held[1] >= self._limit(pos):
                stalled.append(tp)
        for gone in set(self._since) - set(positions):  # revoked: forget it
            del self._since[gone]
        return sorted(stalled)

    def _limit(self, pos: Position) -> float:
        if pos.stranded and self.stranded_after_s is not None:
            return min(self.after_s, self.stranded_after_s)
        return self.after_s

    def restart(self, tps: list[str], now: float) -> None:
        """Give partitions that were just acted on a whole new ``after_s`` before the next try."""
        for tp in tps:
            if tp in self._since:
                self._since[tp] = (self._since[tp][0], now)


class HighWaters:
    """The last high-water marks the broker gave, to stand in for a slow answer.

    A loaded worker or broker can take longer than a health check may wait. The
    check then uses marks no older than ``stale_s`` that cover every partition it
    asks about. An answer that comes after the check gave up is remembered too:
    when every answer takes a little longer than the wait (a busy CI machine took
    0.3-1 s), dropping them left ``/health`` at 503 for a whole minute.
    """

    def __init__(self, stale_s: float) -> None:
        self.stale_s = stale_s
        self._at = float("-inf")
        self._marks: dict[Hashable, int] = {}

    def remember(self, marks: Mapping[Any, int], now: float) -> None:
        """Keep the broker's latest answer."""
        self._at, self._marks = now, dict(marks)

    def remember_late(self, asking: asyncio.Future[Any],
                      clock: Callable[[], float] = time.monotonic) -> None:
        """Keep ``asking``'s answer when it comes; a failed or cancelled ask is ignored."""
        def done(future: asyncio.Future[Any]) -> None:
            if not future.cancelled() and future.exception() is None:
                self.remember(future.result(), clock())
        asking.add_done_callback(done)

    def covering(self, partitions: Iterable[Hashable], now: float) -> dict[Hashable, int] | None:
        """The remembered marks, if fresh and covering ``partitions``; else None."""
        if now - self._at > self.stale_s or not set(partitions) <= self._marks.keys():
            return None
        return self._marks
