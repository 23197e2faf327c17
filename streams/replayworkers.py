"""The worker processes ``wiredesk replay`` runs itself: how many, their settings, their life.

The pure part decides how many workers (one per core, never more than the raw topic
has partitions), the environment of each (the replay's own settings plus the new
version, the replay marker, a web port and a data folder of its own) and what the
progress numbers say (rate, time left, caught up). The rest starts ``wiredesk worker``
subprocesses, asks them for ``/health``, notices one that died and stops them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import SecretStr

from streams.settings import Settings

__all__ = [
    "ReplayProgress",
    "SpawnedWorker",
    "clock",
    "default_workers",
    "exited",
    "health",
    "log_tail",
    "settings_env",
    "start_barrier",
    "start_workers",
    "stop_workers",
    "worker_count",
    "worker_dir",
    "worker_dirs",
    "worker_env",
]

#: Polls in a row that must find every article done and no lag: offsets are committed
#: a little after a stage's sends, so one quiet poll can come just before the last sends.
SETTLE_POLLS = 2


# --------------------------------------------------------------------------- pure
def default_workers(cores: int | None) -> int:
    """One worker process per core (``os.cpu_count()``; 1 when it is unknown).

    A worker runs the NLP in one Python process, so it uses about one core; more
    processes than cores only take turns on them.
    """
    return max(1, cores or 1)


def worker_count(asked: int | None, cores: int | None, partitions: int) -> int:
    """How many workers to start: ``asked`` (None: one per core), at most one per partition.

    Kafka gives each partition to one member of the group, so a worker beyond the
    raw topic's partition count would hold nothing and only cost memory. 0 stays 0
    (the replay then only prepares the group).
    """
    wanted = default_workers(cores) if asked is None else asked
    return min(wanted, partitions) if partitions > 0 else wanted


def worker_dir(data_dir: Path, version: int, index: int) -> Path:
    """The data folder of replay worker ``index`` (from 1): tables, then its log."""
    return data_dir / "replay" / f"v{version}-w{index}"


def worker_dirs(data_dir: Path, version: int) -> list[Path]:
    """The replay workers' data folders of a version that exist in ``data_dir``."""
    folder = data_dir / "replay"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"v{version}-w*")
                  if p.is_dir() and p.name.rpartition("-w")[2].isdigit())


def _env_value(value: Any) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        return str(value.absolute())  # the worker must not depend on our working folder
    return str(value)


def settings_env(settings: Settings) -> dict[str, str]:
    """Every setting as its ``WIREDESK_*`` variable, so a subprocess reads the same settings.

    Unset optional settings (None) are left out; paths are made absolute.
    """
    env = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is not None:
            env[f"WIREDESK_{name.upper()}"] = _env_value(value)
    return env


def worker_env(settings: Settings, *, version: int, index: int, port: int,
               alerts: bool = False, standby: bool = False) -> dict[str, str]:
    """The ``WIREDESK_*`` variables of replay worker ``index``.

    The replay's settings (broker, app id, topics, gazetteer...), with the version
    replayed into, the replay marker (alerts skip replayed records unless
    ``alerts``), and the worker's own web port and data folder. Without
    ``standby`` (workers that stop when the replay has caught up) no standby
    replicas: a warm copy of another worker's tables is for fail-over while
    serving, and keeping it costs each worker every other worker's changelogs
    (on the bench, peak RSS 480-710 MB per worker with them, ~190 MB without).
    """
    env = settings_env(settings)
    env.update(WIREDESK_PIPELINE_VERSION=str(version), WIREDESK_REPLAY="true",
               WIREDESK_WEB_PORT=str(port),
               WIREDESK_DATA_DIR=_env_value(worker_dir(settings.data_dir, version, index)))
    if alerts:
        env["WIREDESK_REPLAY_ALERTS"] = "true"
    if not standby:
        env["WIREDESK_STANDBY_REPLICAS"] = "0"
        # Workers that stop once caught up leave the group as they stop (dynamic
        # membership); a static member would stay until its session timed out, and the
        # worker started next would wait for it (docs/reliability.md).
        env["WIREDESK_GROUP_INSTANCE_ID"] = "off"
    return env


def start_barrier(spec: str, name: str, timeout: float = 60.0, poll: float = 0.05,
                  sleep: Callable[[float], None] = time.sleep) -> bool:
    """Wait until the ``N`` workers of ``FOLDER:N`` have all reached this point.

    Why: the replay starts its workers together, but one that finishes starting
    first joins the consumer group alone, takes every partition and starts
    replaying; the next one's join then rebalances the group a few seconds in
    (the first gives back half its partitions, the second restores their fresh
    tables from the changelogs). Measured on the bench: 54 articles/s with that
    rebalance, ~120 without. Each worker marks itself ready (a file ``name`` in
    FOLDER) and waits for the others; a worker that never comes (it died: the
    replay command reports it) holds the others back ``timeout`` seconds at most.

    Returns True when all ``N`` came, False on the timeout.
    """
    folder_text, _, count_text = spec.rpartition(":")
    folder, count = Path(folder_text), int(count_text)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.ready").touch()
    deadline = time.monotonic() + timeout
    while sum(1 for _ in folder.glob("*.ready")) < count:
        if time.monotonic() > deadline:
            return False
        sleep(poll)
    return True


def clock(seconds: float | None) -> str:
    """``h:mm:ss`` for a duration; ``-:--:--`` when unknown."""
    if seconds is None:
        return "-:--:--"
    s = max(0, round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclass
class ReplayProgress:
    """Articles done, rate and time left of a replay, from successive polls of the group.

    ``started`` is when the clock starts: when the workers were started, or (None)
    at the first poll that finds an article done, for a replay someone else runs.
    """

    total: int
    started: float | None = None
    done: int = 0
    lag: int | None = None
    now: float = 0.0
    settled: int = 0

    def update(self, done: int, lag: int, now: float) -> None:
        """Take one poll: articles through the pipeline and messages still unread."""
        if self.started is None and done:
            self.started = now
        self.now = now
        # The count is an estimate from offsets: never let the bar run backwards.
        self.done = max(self.done, min(done, self.total))
        self.lag = lag
        self.settled = self.settled + 1 if self.done >= self.total and lag == 0 else 0

    def elapsed_at(self, now: float) -> float:
        """Seconds from the clock's start to ``now`` (0 before it started)."""
        return max(0.0, now - self.started) if self.started is not None else 0.0

    @property
    def elapsed(self) -> float:
        """Seconds from the clock's start to the last poll."""
        return self.elapsed_at(self.now)

    @property
    def rate(self) -> float:
        """Articles per second since the clock started."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def left(self) -> float | None:
        """Seconds left at the current rate (None until there is a rate)."""
        if self.done >= self.total:
            return 0.0
        return (self.total - self.done) / self.rate if self.rate > 0 else None

    @property
    def caught_up(self) -> bool:
        """Every article done and every consumed topic read, on enough polls in a row."""
        return self.settled >= SETTLE_POLLS


# --------------------------------------------------------------------------- processes
@dataclass
class SpawnedWorker:
    """A ``wiredesk worker`` subprocess the replay started."""

    name: str
    port: int
    data_dir: Path
    log: Path
    popen: subprocess.Popen[bytes]
    #: partitions it held the last time its /health answered with some.
    partitions: int = 0

    @property
    def pid(self) -> int:
        """The process id."""
        return self.popen.pid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_workers(settings: Settings, version: int, count: int, *, alerts: bool = False,
                  standby: bool = False) -> list[SpawnedWorker]:
    """Start ``count`` replay workers; each logs to ``<its data dir>/worker.log``.

    ``standby``: keep the settings' standby replicas (workers that go on serving).

    Each runs in a session of its own, so a Ctrl-C on the terminal reaches only
    the replay command, which then stops them in order (SIGTERM, then wait).
    """
    # The subprocess needs PATH, PYTHONPATH, HOME...; every WIREDESK_* comes from settings.
    base = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
    # They join the group together (``start_barrier``); the folder is this replay's own.
    barrier = worker_dir(settings.data_dir, version, 1).parent / f"v{version}-start"
    shutil.rmtree(barrier, ignore_errors=True)
    workers: list[SpawnedWorker] = []
    try:
        for index in range(1, count + 1):
            port = _free_port()
            env = worker_env(settings, version=version, index=index, port=port, alerts=alerts,
                             standby=standby)
            if count > 1:
                env["WIREDESK_START_BARRIER"] = f"{barrier}:{count}"
            folder = Path(env["WIREDESK_DATA_DIR"])
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / "worker.log"
            with log.open("ab") as out:
                popen = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                         env={**base, **env}, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            workers.append(SpawnedWorker(f"w{index}", port, folder, log, popen))
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def health(worker: SpawnedWorker, host: str = "127.0.0.1") -> dict[str, Any] | None:
    """The worker's ``/health`` body, a 503's too (None while it does not answer).

    A 503 still says what the worker holds: on a loaded machine ``unavailable`` (the
    broker slow to give high-water marks) comes with ``assigned_partitions``.
    """
    try:
        with urllib.request.urlopen(f"http://{host}:{worker.port}/health", timeout=1) as r:
            raw = r.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
    except Exception:  # not up yet, or busy: the next poll asks again
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def exited(workers: Iterable[SpawnedWorker]) -> SpawnedWorker | None:
    """The first worker whose process has ended, if any."""
    return next((w for w in workers if w.popen.poll() is not None), None)


def stop_workers(workers: Iterable[SpawnedWorker], timeout: float = 30.0) -> None:
    """SIGTERM every worker still running, then wait; SIGKILL one that outlasts ``timeout``."""
    running = [w for w in workers if w.popen.poll() is None]
    for w in running:
        with contextlib.suppress(ProcessLookupError):
            w.popen.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for w in running:
        try:
            w.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.popen.kill()
            w.popen.wait()


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file ('' when there is none)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])
