"""streams.broker without a broker: config rendering, validation and the safety checks.

These never start Java: a missing or old ``java`` is simulated with a PATH of fake
scripts, and "not our broker" with ordinary processes.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from streams.broker import (
    DEFAULT_KAFKA_VERSION,
    BrokerConfig,
    BrokerError,
    render_properties,
    resolve_jars,
    start,
    status,
    stop,
)

__all__: list[str] = []


def _props(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and line[0] not in "#!")
    return {key.strip(): value.strip() for key, value in pairs}


def _fake_bin(tmp_path: Path, **scripts: str) -> Path:
    """A folder of executable shell scripts to use as the whole PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, body in scripts.items():
        path = folder / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return folder


def _java_saying(version: str) -> str:
    return f"echo 'openjdk version \"{version}\" 2025-04-15' >&2"


@pytest.fixture
def cfg(tmp_path: Path) -> BrokerConfig:
    return BrokerConfig(
        data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", port=19192, controller_port=19193
    )


def test_properties_for_a_single_node_kraft_broker(cfg: BrokerConfig) -> None:
    props = _props(render_properties(cfg))
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19193"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19192,CONTROLLER://127.0.0.1:19193"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19192"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["log.dirs"] == str(cfg.data_dir / "data")
    assert props["auto.create.topics.enable"] == "false"
    # replay workers started together share the first assignment (docs/replay.md)
    assert props["group.initial.rebalance.delay.ms"] == "500"
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "default.replication.factor",
    ):
        assert props[key] == "1", key


def test_properties_have_no_unfilled_placeholder(cfg: BrokerConfig) -> None:
    assert "${" not in render_properties(cfg)


def test_default_config_matches_the_design(tmp_path: Path) -> None:
    cfg = BrokerConfig(data_dir=tmp_path, cache_dir=tmp_path)
    assert (cfg.host, cfg.port, cfg.controller_port) == ("127.0.0.1", 9092, 9093)
    assert cfg.kafka_version == DEFAULT_KAFKA_VERSION == "4.4.0"
    assert cfg.heap == "512m"
    assert cfg.libs_dir == tmp_path / "kafka-4.4.0" / "libs"
    assert cfg.address == "127.0.0.1:9092"


def test_relative_paths_become_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The pid check compares command lines, which hold the absolute properties path.
    monkeypatch.chdir(tmp_path)
    cfg = BrokerConfig(data_dir=Path("k"), cache_dir=Path("c"))
    assert cfg.data_dir == tmp_path.resolve() / "k"
    assert cfg.properties_file.is_absolute()


@pytest.mark.parametrize(
    "overrides",
    [
        {"kafka_version": "3.9.1"},
        {"kafka_version": "latest"},
        {"heap": "lots"},
        {"port": 9093, "controller_port": 9093},
        {"port": 70000},
        {"host": "0.0.0.0"},
    ],
)
def test_bad_config_is_refused(tmp_path: Path, overrides: dict[str, object]) -> None:
    with pytest.raises(BrokerError):
        BrokerConfig(data_dir=tmp_path, cache_dir=tmp_path, **overrides)  # type: ignore[arg-type]


def test_missing_java_names_what_to_install(
    cfg: BrokerConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path)))
    with pytest.raises(BrokerError) as caught:
        start(cfg)
    message = str(caught.value)
    assert "`java`" in message
    assert "apt-get install openjdk-17-jre-headless maven" in message
    assert "docker compose up -d kafka" in message
    assert "WIREDESK_BROKER_URL=host:port" in message
    assert not cfg.data_dir.exists()


def test_old_java_is_refused(
    cfg: BrokerConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path, java=_java_saying("1.8.0_392"))))
    with pytest.raises(BrokerError, match=r"Java 8; Kafka 4\.x needs Java 17"):
        start(cfg)


def test_missing_maven_names_what_to_install(
    cfg: BrokerConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path, java=_java_saying("17.0.15"))))
    with pytest.raises(BrokerError, match="`mvn` is not on PATH") as caught:
        resolve_jars(cfg)
    assert "apt-get install openjdk-17-jre-headless maven" in str(caught.value)


def test_resolved_jars_are_reused_without_maven(
    cfg: BrokerConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg.libs_dir.mkdir(parents=True)
    (cfg.libs_dir.parent / "resolved.txt").write_text("kafka_2.13-4.4.0.jar\n")
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path)))
    assert resolve_jars(cfg) == cfg.libs_dir


def test_port_taken_by_another_program(
    cfg: BrokerConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(_fake_bin(tmp_path, java=_java_saying("17.0.15"))))
    with socket.socket() as squatter:
        squatter.bind((cfg.host, cfg.port))  # bound, not listening: no 2 s Kafka probe
        with pytest.raises(BrokerError, match=f"Port {cfg.port} on 127.0.0.1 is in use"):
            start(cfg)


def test_status_when_nothing_runs(cfg: BrokerConfig) -> None:
    st = status(cfg)
    assert (st.answers, st.pid, st.running, st.kafka_version) == (False, None, False, None)


def test_stop_without_pid_file(cfg: BrokerConfig) -> None:
    assert stop(cfg) is False


def test_stop_refuses_to_kill_a_pid_that_is_not_ours(cfg: BrokerConfig) -> None:
    # A live process that is not java running kafka.Kafka on our properties file, as when
    # the broker died and its pid was handed to something else.
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        cfg.data_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{bystander.pid}\n")
        assert stop(cfg, timeout=1) is False
        assert bystander.poll() is None, "the bystander was signalled"
        assert not cfg.pid_file.exists(), "the stale pid file should be removed"
        cfg.pid_file.write_text(f"{os.getpid()}\n")
        assert stop(cfg, timeout=1) is False
        assert status(cfg).pid is None
    finally:
        bystander.kill()
        bystander.wait()


def _look_alike(properties: Path) -> subprocess.Popen[bytes]:
    """A process whose command line reads ``java ... kafka.Kafka <properties>`` (it is Python)."""
    argv = ["java", "-c", "import time; time.sleep(60)", "kafka.Kafka", str(properties)]
    return subprocess.Popen(argv, executable=sys.executable)


def test_stop_refuses_another_data_dirs_broker(cfg: BrokerConfig, tmp_path: Path) -> None:
    # Same main class, other properties file: another data dir's broker is not ours either.
    bystander = _look_alike(tmp_path / "other" / "server.properties")
    try:
        cfg.data_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{bystander.pid}\n")
        assert stop(cfg, timeout=1) is False
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_stop_signals_our_broker(cfg: BrokerConfig) -> None:
    # The positive case of the same check, still without Java: SIGTERM ends the look-alike.
    ours = _look_alike(cfg.properties_file)
    try:
        cfg.data_dir.mkdir(parents=True)
        cfg.pid_file.write_text(f"{ours.pid}\n")
        assert status(cfg).pid == ours.pid
        assert stop(cfg, timeout=10) is True
        assert ours.wait(timeout=10) == -signal.SIGTERM
        assert not cfg.pid_file.exists()
    finally:
        ours.kill()
        ours.wait()
