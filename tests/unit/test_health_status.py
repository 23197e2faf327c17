"""What /health concludes from the worker's and the group's state."""

from __future__ import annotations

from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

from streams.health_status import GroupView, assess, owned_partitions


def test_ok_only_with_partitions_none_stalled_and_none_unowned() -> None:
    assert assess(reachable=True, assigned=4, stalled=[], unowned=[]) == ("ok", 200)
    assert assess(reachable=True, assigned=0, stalled=[], unowned=[]) == ("no_partitions", 503)
    assert assess(reachable=True, assigned=4, stalled=["t:1"], unowned=[]) == ("stalled", 503)
    assert assess(reachable=True, assigned=2, stalled=[], unowned=["t:3"]) == ("degraded", 200)
    assert assess(reachable=False, assigned=4, stalled=[], unowned=[])[0] == "broker_unreachable"


def test_owned_partitions_decodes_a_member_assignment() -> None:
    raw = ConsumerProtocolMemberAssignment(0, [("raw", [0, 2]), ("views", [1])], b"{}").encode()
    assert owned_partitions(raw) == {"raw:0", "raw:2", "views:1"}
    assert owned_partitions(b"") == set()


def test_unowned_are_the_expected_partitions_nobody_holds() -> None:
    view = GroupView("Stable", 1, frozenset({"raw:0"}), frozenset({"raw:0", "raw:1", "a:0"}))
    assert view.unowned == ["a:0", "raw:1"]
