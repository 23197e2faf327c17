"""Run real ``wiredesk worker`` processes against the test broker.

Each worker gets its own topic prefix and app id (so its own consumer group
and changelogs), a free web port and a data folder, exactly as a user would
configure a second deployment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

__all__ = ["Deployment", "answers", "free_port", "holds_partitions", "new_deployment",
           "running_worker"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Deployment:
    """The settings one test deployment shares between its workers and clients."""

    bootstrap: str
    prefix: str
    app_id: str
    data_root: Path
    partitions: int = 2

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a wiredesk process of this deployment."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
        env.update(
            WIREDESK_BROKER_URL=self.bootstrap,
            WIREDESK_TOPIC_PREFIX=self.prefix,
            WIREDESK_APP_ID=self.app_id,
            WIREDESK_TOPIC_PARTITIONS=str(self.partitions),
            WIREDESK_LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def topic(self, suffix: str) -> str:
        """Full topic name for a suffix such as ``quotes.v1``."""
        return f"{self.prefix}.{suffix}"


def new_deployment(bootstrap: str, data_root: Path, partitions: int = 2) -> Deployment:
    """A deployment with a fresh uuid topic prefix and app id."""
    tag = uuid.uuid4().hex[:10]
    return Deployment(bootstrap, f"t{tag}", f"wiredesk-test-{tag}", data_root, partitions)


def _health_any(port: int) -> dict[str, object] | None:
    """The ``/health`` body, 503 answers included (None: no answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return orjson.loads(r.read())
    except urllib.error.HTTPError as err:
        return orjson.loads(err.read() or b"null")
    except Exception:
        return None


def holds_partitions(health: dict[str, object] | None) -> bool:
    """The default readiness: ``/health`` answers 200 with partitions assigned."""
    return bool(health and health.get("status") in ("ok", "degraded")
                and health.get("assigned_partitions"))


def answers(health: dict[str, object] | None) -> bool:
    """Readiness for a worker expected to hold nothing: it answers at all (200 or 503)."""
    return health is not None


@contextlib.contextmanager
def running_worker(dep: Deployment, name: str = "w1", timeout: float = 90.0,
                   ready: Callable[[dict[str, object] | None], bool] = holds_partitions,
                   port: int | None = None,
                   **extra_env: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Start ``wiredesk worker``, wait until ``ready(/health)``, stop it at the end.

    ``port``: the web port (default: a free one). A worker restarted with the same name
    and port is the same static group member (``Settings.static_member_id``).
    """
    port = port or free_port()
    data = dep.data_root / name
    log = (dep.data_root / f"{name}.log").open("ab")  # a restart appends: both runs kept
    env = dep.env(WIREDESK_WEB_PORT=str(port), WIREDESK_DATA_DIR=str(data), **extra_env)
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if ready(_health_any(port)):
                break
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited with {proc.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker not ready in {timeout}s; see {log.name}")
            time.sleep(0.5)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
