"""The health endpoint's stall detection: lag that does not move for too long."""

from __future__ import annotations

from streams.stall import Position, StallWatch


def test_a_partition_with_lag_that_does_not_move_is_stalled_after_the_limit() -> None:
    watch = StallWatch(after_s=60)
    assert watch.update({"raw:0": Position(done=5, lag=10)}, now=0) == []
    assert watch.update({"raw:0": Position(done=5, lag=12)}, now=59) == []
    assert watch.update({"raw:0": Position(done=5, lag=12)}, now=61) == ["raw:0"]


def test_progress_or_no_lag_resets_the_clock() -> None:
    watch = StallWatch(after_s=60)
    watch.update({"raw:0": Position(5, 10), "raw:1": Position(3, 0)}, now=0)
    assert watch.update({"raw:0": Position(6, 10), "raw:1": Position(3, 0)}, now=100) == []
    assert watch.update({"raw:0": Position(6, 10), "raw:1": Position(3, 0)}, now=159) == []
    assert watch.update({"raw:0": Position(6, 9), "raw:1": Position(3, 0)}, now=161) == ["raw:0"]


def test_a_revoked_partition_is_forgotten() -> None:
    watch = StallWatch(after_s=10)
    watch.update({"raw:0": Position(5, 10)}, now=0)
    watch.update({}, now=5)
    assert watch.update({"raw:0": Position(5, 10)}, now=20) == []  # its clock starts again


def test_a_partition_acted_on_gets_a_new_period_before_the_next_try() -> None:
    watch = StallWatch(after_s=60)
    watch.update({"raw:0": Position(5, 10)}, now=0)
    assert watch.update({"raw:0": Position(5, 10)}, now=61) == ["raw:0"]
    watch.restart(["raw:0"], now=61)
    assert watch.update({"raw:0": Position(5, 10)}, now=100) == []
    assert watch.update({"raw:0": Position(5, 10)}, now=122) == ["raw:0"]
