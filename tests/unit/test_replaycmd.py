"""``wiredesk replay`` following its own workers: a worker that dies stops the rest, clearly.

The group's progress is stubbed (no broker); the workers are tiny Python processes.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from streams import replay as r
from streams import replayworkers as rw
from streams.replaycmd import follow
from streams.settings import Settings


def _plan() -> r.ReplayPlan:
    return r.build_plan(topic="p.articles.raw.v1", group="g-v2", version=2, since=None,
                        partitions=r.plan_partitions({0: 0}, {0: 10}), existing=False,
                        derived_ends={}, derived_committed={}, changelogs=[])


def _worker(tmp_path: Path, name: str, code: str) -> rw.SpawnedWorker:
    log = tmp_path / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen([sys.executable, "-c", code], stdout=out,
                                 stderr=subprocess.STDOUT)
    return rw.SpawnedWorker(name, 0, tmp_path, log, popen)


def _progress(monkeypatch: pytest.MonkeyPatch, *polls: tuple[int, int],
              held: int = 2) -> None:
    """The group's progress polls, and every worker's /health holding ``held`` partitions."""
    answers = iter(polls)

    async def group_progress(*_args: object) -> tuple[int, int]:
        return next(answers, polls[-1])

    monkeypatch.setattr(r, "group_progress", group_progress)
    monkeypatch.setattr(rw, "health", lambda *_a: {"assigned_partitions": held})


def test_a_worker_that_dies_stops_the_others_and_names_its_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _progress(monkeypatch, (0, 10))
    dying = _worker(tmp_path, "w1", "import sys; print('bad gazetteer row 3'); sys.exit(2)")
    other = _worker(tmp_path, "w2", "import time; time.sleep(60)")
    dying.popen.wait()
    text = io.StringIO()
    outcome = follow(Settings(), _plan(), Console(file=text, width=200), [dying, other],
                     interval=0.01)
    assert outcome.code == 1 and not outcome.timed_out
    said = text.getvalue()
    assert "replay worker w1" in said and "exited with code 2" in said
    assert str(dying.log) in said and "bad gazetteer row 3" in said
    assert other.popen.poll() is not None, "the other worker was left running"


def test_caught_up_stops_the_workers_unless_they_keep_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for keep in (False, True):
        _progress(monkeypatch, (4, 30), (10, 0))
        worker = _worker(tmp_path, f"w-{keep}", "import time; time.sleep(60)")
        text = io.StringIO()
        try:
            outcome = follow(Settings(), _plan(), Console(file=text, width=200), [worker],
                             keep_running=keep, interval=0.01)
            assert outcome.code == 0 and outcome.done == 10
            assert "Replayed 10 article(s)" in text.getvalue()
            assert (worker.popen.poll() is None) is keep
        finally:
            rw.stop_workers([worker])


def test_the_timeout_stops_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    _progress(monkeypatch, (3, 30))
    worker = _worker(tmp_path, "w1", "import time; time.sleep(60)")
    text = io.StringIO()
    outcome = follow(Settings(), _plan(), Console(file=text, width=200), [worker],
                     timeout=0.05, interval=0.01)
    assert outcome.code == 1 and outcome.timed_out and outcome.done == 3
    assert "has not caught up in time" in text.getvalue()
    assert worker.popen.poll() is not None


def test_it_has_not_caught_up_while_a_worker_it_started_holds_no_partition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _progress(monkeypatch, (10, 0), held=0)
    worker = _worker(tmp_path, "w1", "import time; time.sleep(60)")
    try:
        outcome = follow(Settings(), _plan(), Console(file=io.StringIO(), width=200), [worker],
                         interval=0.01, timeout=0.3)
        assert outcome.timed_out and outcome.code == 1
    finally:
        rw.stop_workers([worker])
