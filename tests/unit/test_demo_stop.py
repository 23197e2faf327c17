"""``make stop`` (deploy/demo.sh stop) against dummy workers: no broker, no wiredesk.

The dummies are small Python processes whose command line is not a worker's, so the
tests also show the script signals the pid in its pid file and nothing found by name.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "demo.sh"

# Listens on the port it is given; with "stubborn", SIGTERM does nothing. Its command
# line says "wiredesk" (as a real worker's does) unless it is started as a stranger.
DUMMY = """
import signal, socket, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("ready", flush=True)
while True:
    time.sleep(0.1)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dummies() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
        p.wait()
        if p.stdout is not None:
            p.stdout.close()


def start_dummy(dummies: list[subprocess.Popen[str]], port: int, mode: str,
                name: str = "wiredesk-dummy-worker") -> subprocess.Popen[str]:
    p = subprocess.Popen([sys.executable, "-c", DUMMY, str(port), mode, name],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    dummies.append(p)
    return p


def stop(state: Path, port: int, wait: int = 1) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WIREDESK_DEMO_STATE": str(state), "WIREDESK_WEB_PORT": str(port),
           "WIREDESK_STOP_WAIT": str(wait), "WIREDESK_BROKER_URL": "127.0.0.1:1"}
    return subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True,
                          text=True, timeout=60)


def test_a_worker_that_ignores_sigterm_is_killed_by_its_pid(
        tmp_path: Path, dummies: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    worker = start_dummy(dummies, port, "stubborn")
    (tmp_path / "worker.pid").write_text(f"{worker.pid}\n")
    started = time.monotonic()
    result = stop(tmp_path, port, wait=1)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sending SIGKILL" in result.stdout and "worker stopped" in result.stdout
    assert worker.wait(timeout=5) == -signal.SIGKILL
    assert not (tmp_path / "worker.pid").exists()
    assert time.monotonic() - started < 30
    with socket.socket() as s:  # the port is free again
        s.bind(("127.0.0.1", port))


def test_a_polite_worker_gets_sigterm_only(
        tmp_path: Path, dummies: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    worker = start_dummy(dummies, port, "polite")
    (tmp_path / "worker.pid").write_text(f"{worker.pid}\n")
    result = stop(tmp_path, port, wait=20)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sending SIGKILL" not in result.stdout
    assert worker.wait(timeout=5) == -signal.SIGTERM


def test_a_port_held_by_another_process_is_reported_and_that_process_left_alone(
        tmp_path: Path, dummies: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    stranger = start_dummy(dummies, port, "polite", "stranger")  # not in the pid file
    result = stop(tmp_path, port)
    assert result.returncode == 1
    assert f"port {port} is still in use" in result.stderr
    assert stranger.poll() is None


def test_each_demo_keeps_the_previous_worker_logs(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    script = f'source "{SCRIPT}"; rotate_log'
    env = {**os.environ, "WIREDESK_DEMO_STATE": str(tmp_path)}
    for run in range(7):
        log.write_text(f"run {run}\n")
        subprocess.run(["bash", "-c", script], env=env, check=True, timeout=30)
    assert not log.exists()
    kept = {p.name: p.read_text() for p in tmp_path.glob("worker.log.*")}
    assert kept == {f"worker.log.{i}": f"run {7 - i}\n" for i in range(1, 6)}


def test_a_stale_pid_file_naming_another_program_leaves_it_alone(
        tmp_path: Path, dummies: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    other = start_dummy(dummies, port, "polite", "someone-else")
    (tmp_path / "worker.pid").write_text(f"{other.pid}\n")
    result = stop(tmp_path, port)
    assert "not a wiredesk worker any more: left alone" in result.stdout
    assert result.returncode == 1  # and it still holds the port, which is said
    assert other.poll() is None
    assert not (tmp_path / "worker.pid").exists()
