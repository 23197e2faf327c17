"""The health endpoint's stall detection: lag that does not move for too long."""

from __future__ import annotations

import asyncio

from streams.stall import HighWaters, Position, StallWatch, is_stranded


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


def test_a_stranded_partition_is_stalled_sooner() -> None:
    # Seen when a second worker joins: the fetcher has read the partition to its end,
    # nothing waits in the stream's queue, and the committed offset does not move.
    watch = StallWatch(after_s=120, stranded_after_s=20)
    stranded = Position(done=5, lag=10, stranded=True)
    assert watch.update({"raw:0": stranded}, now=0) == []
    assert watch.update({"raw:0": stranded}, now=10) == []
    assert watch.update({"raw:0": stranded}, now=20) == ["raw:0"]


def test_a_busy_partition_waits_the_whole_limit() -> None:
    # Messages still queued for the stream (a backlog) are not stranded: only the long limit.
    watch = StallWatch(after_s=120, stranded_after_s=20)
    busy = Position(done=5, lag=10, stranded=False)
    watch.update({"raw:0": busy}, now=0)
    assert watch.update({"raw:0": busy}, now=60) == []
    assert watch.update({"raw:0": busy}, now=120) == ["raw:0"]


def test_stranded_only_now_counts_from_when_it_stopped_moving() -> None:
    watch = StallWatch(after_s=120, stranded_after_s=20)
    watch.update({"raw:0": Position(5, 10)}, now=0)
    assert watch.update({"raw:0": Position(5, 10, stranded=True)}, now=25) == ["raw:0"]
    assert watch.update({"raw:0": Position(6, 9, stranded=True)}, now=30) == []


def test_is_stranded_needs_everything_fetched_and_nothing_queued() -> None:
    assert is_stranded(lag=3, fetched=20, highwater=20, queued=0)
    assert not is_stranded(lag=3, fetched=18, highwater=20, queued=0)  # still fetching
    assert not is_stranded(lag=3, fetched=20, highwater=20, queued=2)  # waiting its turn
    assert not is_stranded(lag=0, fetched=20, highwater=20, queued=0)  # done
    assert not is_stranded(lag=3, fetched=None, highwater=20, queued=0)  # unknown: no
    assert not is_stranded(lag=3, fetched=20, highwater=20, queued=None)


def test_recent_high_water_marks_stand_in_only_when_fresh_and_covering() -> None:
    marks = HighWaters(stale_s=15)
    assert marks.covering(["raw:0"], now=0) is None
    marks.remember({"raw:0": 7, "raw:1": 3}, now=10)
    assert marks.covering(["raw:0"], now=20) == {"raw:0": 7, "raw:1": 3}
    assert marks.covering(["raw:0", "raw:2"], now=20) is None  # a partition it never saw
    assert marks.covering(["raw:0"], now=26) is None  # older than 15 s


def test_an_answer_that_comes_after_the_wait_is_still_remembered() -> None:
    # A loaded broker answered every ask in 0.3-1 s, after the health check gave up; each
    # late answer was dropped, so the check answered 503 for a minute (a CI failure).
    async def scenario() -> dict[str, int] | None:
        marks = HighWaters(stale_s=15)
        asking: asyncio.Future[dict[str, int]] = asyncio.get_running_loop().create_future()
        marks.remember_late(asking, clock=lambda: 5.0)
        asking.set_result({"raw:0": 9})
        await asyncio.sleep(0)
        failed: asyncio.Future[dict[str, int]] = asyncio.get_running_loop().create_future()
        marks.remember_late(failed, clock=lambda: 6.0)
        failed.set_exception(TimeoutError("gone"))
        await asyncio.sleep(0)
        return marks.covering(["raw:0"], now=6)

    assert asyncio.run(scenario()) == {"raw:0": 9}
