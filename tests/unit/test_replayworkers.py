"""The pure parts of the workers ``wiredesk replay`` runs: how many, their env, the progress."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from streams import replayworkers as rw
from streams.settings import Settings


def test_one_worker_per_core_by_default() -> None:
    assert rw.default_workers(2) == 2
    assert rw.default_workers(16) == 16
    assert rw.default_workers(None) == 1  # os.cpu_count() may not know
    assert rw.default_workers(0) == 1


def test_never_more_workers_than_raw_partitions() -> None:
    assert rw.worker_count(None, cores=2, partitions=4) == 2
    assert rw.worker_count(None, cores=8, partitions=4) == 4
    assert rw.worker_count(3, cores=2, partitions=4) == 3  # asked beats the cores
    assert rw.worker_count(6, cores=2, partitions=4) == 4
    assert rw.worker_count(0, cores=8, partitions=4) == 0  # only prepare the group
    assert rw.worker_count(None, cores=2, partitions=0) == 2


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(broker_url="kafka-1:9092,kafka-2:9092", app_id="desk", topic_prefix="p",
                    topic_partitions=6, data_dir=tmp_path / "data", **extra)


def _read_back(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in [k for k in os.environ if k.startswith("WIREDESK_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_a_worker_reads_back_the_replays_settings_with_its_own_port_and_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(tmp_path, api_token=SecretStr("s3cret"), log_level="DEBUG")
    envs = [rw.worker_env(settings, version=3, index=i, port=7000 + i) for i in (1, 2)]
    one, two = (_read_back(env, monkeypatch) for env in envs)
    assert (one.web_port, two.web_port) == (7001, 7002)
    assert one.data_dir == tmp_path / "data" / "replay" / "v3-w1"
    assert two.data_dir == rw.worker_dir(tmp_path / "data", 3, 2) != one.data_dir
    for worker in (one, two):
        assert worker.pipeline_version == 3 and worker.replay and not worker.replay_alerts
        assert worker.api_token is not None and worker.api_token.get_secret_value() == "s3cret"
        assert worker.gazetteer is None  # unset stays unset
        assert worker.standby_replicas == 0  # they stop when caught up: no warm copies
        assert worker.static_member_id is None  # and leave the group as they stop
        same = {"pipeline_version", "replay", "web_port", "data_dir", "api_token",
                "standby_replicas", "group_instance_id"}
        assert worker.model_dump(exclude=same) == settings.model_dump(exclude=same)
    kept = rw.worker_env(settings, version=3, index=1, port=7001, standby=True)
    assert _read_back(kept, monkeypatch).standby_replicas == settings.standby_replicas == 1


def test_alerts_and_a_relative_gazetteer_reach_the_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = _settings(tmp_path, gazetteer=Path("newsroom.tsv"))
    env = rw.worker_env(settings, version=2, index=1, port=7001, alerts=True)
    assert env["WIREDESK_GAZETTEER"] == str(tmp_path / "newsroom.tsv")  # not cwd-bound
    assert env["WIREDESK_REPLAY_ALERTS"] == "true"
    assert "WIREDESK_REPLAY_ALERTS=true" not in " ".join(
        rw.worker_env(settings, version=2, index=1, port=7001))
    assert _read_back(env, monkeypatch).replay_alerts is True


def test_worker_dirs_are_only_this_versions_replay_workers(tmp_path: Path) -> None:
    for name in ("v2-w1", "v2-w2", "v3-w1", "v2-wx"):
        (tmp_path / "replay" / name).mkdir(parents=True)
    assert [p.name for p in rw.worker_dirs(tmp_path, 2)] == ["v2-w1", "v2-w2"]
    assert rw.worker_dirs(tmp_path / "none", 2) == []


def test_progress_gives_rate_and_time_left_from_the_start() -> None:
    p = rw.ReplayProgress(total=100, started=10.0)
    p.update(0, lag=500, now=12.0)
    assert (p.rate, p.left) == (0.0, None)  # no rate yet: time left unknown
    p.update(40, lag=300, now=20.0)
    assert p.elapsed == 10.0 and p.rate == 4.0 and p.left == 15.0
    p.update(30, lag=200, now=21.0)  # the estimate dipped: the bar does not run back
    assert p.done == 40
    p.update(130, lag=10, now=25.0)  # never past the total
    assert p.done == 100 and p.left == 0.0


def test_watching_someone_elses_replay_starts_the_clock_at_the_first_article() -> None:
    p = rw.ReplayProgress(total=10)
    p.update(0, lag=5, now=3.0)
    assert p.started is None and p.rate == 0.0
    p.update(2, lag=5, now=4.0)
    p.update(6, lag=5, now=6.0)
    assert p.started == 4.0 and p.rate == 3.0


def test_caught_up_takes_every_article_and_no_lag_on_two_polls_in_a_row() -> None:
    p = rw.ReplayProgress(total=10, started=0.0)
    p.update(10, lag=3, now=1.0)
    assert not p.caught_up
    p.update(10, lag=0, now=2.0)
    assert not p.caught_up  # the last sends may still be on their way
    p.update(10, lag=2, now=3.0)  # they were: a stage has more to read
    p.update(10, lag=0, now=4.0)
    assert not p.caught_up
    p.update(10, lag=0, now=5.0)
    assert p.caught_up


def test_clock() -> None:
    assert rw.clock(None) == "-:--:--"
    assert rw.clock(0) == "0:00:00"
    assert rw.clock(3725.4) == "1:02:05"


@pytest.mark.parametrize(("code", "body", "expected"), [
    (200, b'{"status": "ok", "assigned_partitions": 2}', 2),
    # a loaded machine: the broker slow to answer, but the worker says what it holds
    (503, b'{"status": "unavailable", "assigned_partitions": 3}', 3),
    (503, b"not json", None),
])
def test_health_reads_what_a_worker_holds_from_a_503_too(code: int, body: bytes,
                                                         expected: int | None) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(code)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    worker = SimpleNamespace(port=server.server_address[1])
    try:
        answer = rw.health(worker)  # type: ignore[arg-type]
    finally:
        thread.join(5)
        server.server_close()
    assert (answer or {}).get("assigned_partitions") == expected


def test_start_barrier_waits_for_every_worker(tmp_path: Path) -> None:
    spec = f"{tmp_path / 'start'}:3"
    waited: list[float] = []

    def others_arrive(seconds: float) -> None:  # the other two workers get there meanwhile
        waited.append(seconds)
        (tmp_path / "start" / f"w{len(waited) + 1}.ready").touch()

    assert rw.start_barrier(spec, "w1", sleep=others_arrive) is True
    assert len(waited) == 2


def test_start_barrier_gives_up_on_a_worker_that_never_comes(tmp_path: Path) -> None:
    assert rw.start_barrier(f"{tmp_path}:2", "w1", timeout=0.2, poll=0.01) is False
    assert (tmp_path / "w1.ready").exists()

