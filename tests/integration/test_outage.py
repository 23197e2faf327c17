"""Broker loss on a real broker: the worker says so, logs little, stops on time, resumes whole.

Each test runs its own broker (stopping the session's would disturb the other tests),
so it can be stopped and started again on the same data folder and ports.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import BrokerConfig, start, stop
from tests.integration.conftest import start_or_give_up
from tests.integration.http_helpers import get, wait_for
from tests.integration.kafka_helpers import send
from tests.integration.test_recovery import ARTICLES, _all_processed, _answers, _deploy
from tests.integration.test_recovery import baseline as baseline  # the fixture, reused
from tests.integration.workers import running_worker

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

#: WARNING-or-worse log lines a worker may write while the broker is away ~30 s and comes
#: back: the state changes, the back-off reminders, the client errors before the probe
#: noticed and those of the reconnection (measured 6-19: docs/reliability.md). Before the
#: gate: ~80 a second.
MAX_OUTAGE_LINES = 40


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[BrokerConfig]:
    """A broker of this test's own, stopped at the end whatever state the test left it in."""
    cfg = start_or_give_up(tmp_path / "kafka")
    try:
        yield cfg
    finally:
        stop(cfg)


def _lines(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines()


def _loud(lines: list[bytes]) -> list[bytes]:
    """Lines at WARNING or worse, with their traceback lines (not faust's INFO chatter)."""
    return [line for line in lines if b"] [INFO] " not in line and b"] [DEBUG] " not in line]


def _timed_health(port: int) -> tuple[float, int, dict[str, object]]:
    began = time.monotonic()
    status, body = get(port, "/health")
    return time.monotonic() - began, status, body


def _wait_unreachable(port: int, timeout: float = 20.0) -> list[float]:
    """Poll /health until it says the broker is unreachable; return every answer's time."""
    took: list[float] = []
    deadline = time.monotonic() + timeout
    while True:
        seconds, status, body = _timed_health(port)
        took.append(seconds)
        if status == 503 and body["status"] == "broker_unreachable":
            assert body["broker_connected"] is False
            return took
        if time.monotonic() > deadline:
            raise AssertionError(f"/health never said the broker is unreachable: {body}")
        time.sleep(0.5)


def test_sigterm_with_the_broker_down_exits_within_10s(own_broker: BrokerConfig,
                                                       tmp_path: Path) -> None:
    dep = _deploy(own_broker.address, tmp_path)
    log = tmp_path / "w1.log"
    with running_worker(dep) as (proc, port):
        before = len(_lines(log))
        stop(own_broker)
        took = _wait_unreachable(port)
        time.sleep(15)  # long enough for aiokafka's retry loop to have flooded the log
        took += [_timed_health(port)[0] for _ in range(3)]
        during = _lines(log)[before:]
        loud = _loud(during)
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("the worker ignored SIGTERM with the broker down")
        stopped_in = time.monotonic() - began
    print(f"broker down: /health answered in at most {max(took):.2f}s; {len(during)} log "
          f"lines ({len(loud)} WARNING or worse); SIGTERM to exit {stopped_in:.1f}s (exit "
          f"status {proc.returncode})")
    assert max(took) < 1.0
    assert len(loud) <= MAX_OUTAGE_LINES, b"\n".join(loud).decode()
    assert stopped_in < 10.0


def test_broker_stopped_30s_mid_stream_loses_and_doubles_nothing(
        own_broker: BrokerConfig, tmp_path: Path, baseline: dict[str, object]) -> None:
    dep = _deploy(own_broker.address, tmp_path)
    log = tmp_path / "w1.log"
    with running_worker(dep) as (_, port):
        send(dep, *ARTICLES)
        wait_for(port, f"/articles/{ARTICLES[0].key}",
                 lambda s, b: s == 200 and b["status"] == "processed")
        before = len(_lines(log))
        mid_stream = get(port, f"/articles/{ARTICLES[-1].key}")
        stop(own_broker)
        down_at = time.monotonic()
        took = _wait_unreachable(port)
        time.sleep(max(0.0, 30 - (time.monotonic() - down_at)))
        start(own_broker)
        back_at = time.monotonic()
        during = _lines(log)[before:]
        loud = _loud(during)
        wait_for(port, "/health", lambda s, b: s == 200 and b["status"] in ("ok", "degraded"),
                 timeout=120)
        _all_processed(port)
        resumed_in = time.monotonic() - back_at
        after = _answers(port)
    assert mid_stream[0] == 404 or mid_stream[1]["status"] != "processed", \
        "the stream was done before the broker stopped; the test proves nothing"
    print(f"broker down {back_at - down_at:.0f}s: {len(during)} log lines ({len(loud)} "
          f"WARNING or worse), /health at most {max(took):.2f}s; all processed "
          f"{resumed_in:.1f}s after the broker came back")
    assert max(took) < 1.0
    assert len(loud) <= MAX_OUTAGE_LINES, b"\n".join(loud).decode()
    assert after == baseline
