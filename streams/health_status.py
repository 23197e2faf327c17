"""What ``GET /health`` concludes, as pure functions (``streams/health.py`` serves it).

No app import, so the unit tests check the rules without a worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

__all__ = ["GroupView", "assess", "owned_partitions"]


@dataclass(frozen=True)
class GroupView:
    """The consumer group as the broker describes it."""

    state: str
    members: int
    owned: frozenset[str]
    expected: frozenset[str]
    #: Other members' partitions with messages waiting and no commit for a while.
    unattended: tuple[str, ...] = ()
    at: float = field(default_factory=time.monotonic)

    @property
    def unowned(self) -> list[str]:
        """Partitions of the consumed topics that no member holds, sorted."""
        return sorted(self.expected - self.owned)


def owned_partitions(assignment: bytes) -> set[str]:
    """``topic:partition`` names of one member's assignment (the consumer protocol's bytes)."""
    if not assignment:
        return set()
    decoded = ConsumerProtocolMemberAssignment.decode(assignment)
    return {f"{topic}:{p}" for topic, parts in decoded.assignment for p in parts}


def assess(*, reachable: bool, assigned: int, stalled: list[str],
           unowned: list[str]) -> tuple[str, int]:
    """The status word and HTTP code of a worker (the table in the module docstring)."""
    if not reachable:
        return "broker_unreachable", 503
    if not assigned:
        return "no_partitions", 503
    if stalled:
        return "stalled", 503
    if unowned:
        return "degraded", 200
    return "ok", 200
