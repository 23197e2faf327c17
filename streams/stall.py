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
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Position", "StallWatch"]


@dataclass(frozen=True)
class Position:
    """Where one partition stands: the next offset to process, and messages behind it."""

    done: int
    lag: int


@dataclass
class StallWatch:
    """Remembers since when each partition has waited without moving.

    Attributes:
        after_s: How long a partition with lag may stand still before it is stalled.
    """

    after_s: float
    _since: dict[str, tuple[int, float]] = field(default_factory=dict)

    def update(self, positions: dict[str, Position], now: float) -> list[str]:
        """Record the partitions' positions at ``now``; return the stalled ones, sorted."""
        stalled = []
        for tp, pos in positions.items():
            held = self._since.get(tp)
            if pos.lag == 0 or held is None or held[0] != pos.done:
                self._since[tp] = (pos.done, now)
            elif now - held[1] >= self.after_s:
                stalled.append(tp)
        for gone in set(self._since) - set(positions):  # revoked: forget it
            del self._since[gone]
        return sorted(stalled)

    def restart(self, tps: list[str], now: float) -> None:
        """Give partitions that were just acted on a whole new ``after_s`` before the next try."""
        for tp in tps:
            if tp in self._since:
                self._since[tp] = (self._since[tp][0], now)
