"""Stall detection for ``GET /health``: a partition with lag whose position does not move.

Why: faust-streaming can leave a partition unfetched after a rebalance (faust
issue 629); the benchmark saw it twice with two workers (docs/benchmarks.md).
The worker then looks alive and answers, but one partition's articles never
come out. Nothing inside the worker can be trusted to notice, so the health
endpoint does: across its calls it remembers where each assigned partition
stood, and a partition that had messages waiting and did not advance for
``after_s`` seconds is reported as stalled (and the endpoint answers 503, so a
liveness probe restarts the worker; a restart re-joins the group and resumes
from the committed offset, losing nothing).
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
