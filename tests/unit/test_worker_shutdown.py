"""The shutdown deadline: exit after the grace period, or at once on a second signal."""

from __future__ import annotations

import signal
import threading
import time

from streams.settings import Settings
from streams.worker import EXIT_UNCLEAN, ShutdownDeadline


def test_the_deadline_exits_after_the_grace_period() -> None:
    exited = threading.Event()
    codes: list[int] = []
    deadline = ShutdownDeadline(0.2, exit=lambda code: (codes.append(code), exited.set()))
    began = time.monotonic()
    deadline.arm(signal.SIGTERM)
    assert exited.wait(5)
    assert codes == [EXIT_UNCLEAN] and time.monotonic() - began >= 0.2


def test_a_second_signal_exits_at_once() -> None:
    codes: list[int] = []
    deadline = ShutdownDeadline(60, exit=codes.append)
    deadline.arm(signal.SIGTERM)
    assert codes == []
    deadline.arm(signal.SIGINT)
    assert codes == [EXIT_UNCLEAN]


def test_static_member_id_is_stable_per_data_folder_and_can_be_switched_off(tmp_path) -> None:
    a = Settings(data_dir=tmp_path / "w1").static_member_id
    assert a == Settings(data_dir=tmp_path / "w1").static_member_id
    assert a != Settings(data_dir=tmp_path / "w2").static_member_id
    assert a != Settings(data_dir=tmp_path / "w1", web_port=6067).static_member_id
    assert Settings(group_instance_id="desk-1").static_member_id == "desk-1"
    assert Settings(group_instance_id="off").static_member_id is None
    assert Settings().heartbeat_seconds == 3.0
    assert Settings(session_timeout_seconds=10).heartbeat_seconds == 2.0


def test_a_started_worker_moves_its_startup_heap_out_of_the_collectors_way() -> None:
    # A worker's heap after start (lexicon, gazetteer, faust, modules) lives as long as
    # the process; each full collection walked all of it, 50 ms every second or so of a
    # busy worker, about 5% of its time and a 50 ms stall in its latency.
    import gc

    from streams.worker import freeze_startup_heap

    try:
        frozen = freeze_startup_heap()
        assert frozen == gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
