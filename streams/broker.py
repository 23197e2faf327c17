"""The project's own local single-node KRaft Apache Kafka broker: resolve, start, stop.

No Docker engine on the development machines, so the broker runs from the official Maven
artifacts (``org.apache.kafka:kafka_2.13``), resolved once by ``deploy/kafka/pom.xml``
into ``cache_dir/kafka-<version>/libs`` and started as a detached ``java ... kafka.Kafka``
process bound to 127.0.0.1 with its data, pid file and logs in ``data_dir``.

Public API (``streams/cli.py`` calls these; there is no CLI here)::

    BrokerConfig(data_dir, cache_dir, host="127.0.0.1", port=9092, controller_port=9093,
                 kafka_version="4.4.0", heap="512m", jvm_flags=DEFAULT_JVM_FLAGS,
                 deploy_dir=<project>/deploy/kafka, node_id=1, voters="", replication=1)
    BrokerStatus(address, pid, answers, kafka_version, cluster_id, data_dir)
    BrokerError                                   # every failure, with what to do about it
    resolve_jars(cfg, progress=None) -> Path      # runs Maven once; cached afterwards
    render_properties(cfg) -> str                 # server.properties for this config
    start(cfg, timeout=120.0, progress=None) -> BrokerStatus   # idempotent
    launch(cfg, cluster_id=None, progress=None) -> Process      # spawn without waiting
    wait_until_ready(cfg, proc, deadline) -> BrokerStatus
    stop(cfg, timeout=60.0) -> bool               # True if it stopped our broker
    status(cfg, timeout=5.0) -> BrokerStatus      # answers=True only on a metadata reply

Files in ``data_dir``: ``server.properties`` (rendered on every start), ``data/`` (the
Kafka log dirs, ``meta.properties`` included), ``broker.pid``, ``broker.log`` (the JVM's
stdout/stderr: WARN and up, crashes), ``server.log`` (log4j2, INFO, rolled by size).
A node of a multi-node cluster (``streams/cluster.py``) is a BrokerConfig with its own
``node_id``, the shared ``voters`` and ``replication``; its nodes are launched first and
waited for together, since no node answers before a quorum of controllers is up.
Environment variables are not read here (settings.py owns them); PATH is consulted only
through ``shutil.which`` to find ``java`` and ``mvn``. POSIX only (fcntl, /bin/sh).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import logging
import re
import shutil
import socket
import string
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from aiokafka.admin import AIOKafkaAdminClient

__all__ = [
    "DEFAULT_JVM_FLAGS",
    "DEFAULT_KAFKA_VERSION",
    "BrokerConfig",
    "BrokerError",
    "BrokerStatus",
    "describe_cluster",
    "launch",
    "render_properties",
    "resolve_jars",
    "start",
    "status",
    "stop",
    "wait_until_ready",
]

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KAFKA_VERSION = "4.4.0"
MIN_JAVA = 17  # Kafka 4.x brokers need Java 17 (KIP-1013).
# A 2-core machine: the serial collector has no GC threads to compete with the request
# handlers, and at a 512 MB heap its pauses are a few ms. C1 only (TieredStopAtLevel=1)
# because a development broker is restarted far more often than it is pushed hard.
DEFAULT_JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
)
_INSTALL_HINT = (
    "Install them with `apt-get install openjdk-17-jre-headless maven`. "
    "Alternatives: `docker compose up -d kafka` with the project's docker-compose.yml, "
    "or WIREDESK_BROKER_URL=host:port pointing at an existing Kafka cluster."
)
_MAIN_CLASS = "kafka.Kafka"
_POLL_S = 0.25


class BrokerError(Exception):
    """The local broker cannot be resolved, started or inspected; the message says why."""


@dataclass(frozen=True)
class BrokerConfig:
    """Where and how the local broker runs.

    Paths are made absolute on creation: the pid check compares the running process's
    command line with ``properties_file``, so the same folder must give the same text.
    """

    data_dir: Path = field(default_factory=lambda: PROJECT_ROOT / ".wiredesk" / "kafka")
    cache_dir: Path = field(default_factory=lambda: PROJECT_ROOT / ".cache" / "kafka")
    host: str = "127.0.0.1"
    port: int = 9092
    controller_port: int = 9093
    kafka_version: str = DEFAULT_KAFKA_VERSION
    heap: str = "512m"
    jvm_flags: tuple[str, ...] = DEFAULT_JVM_FLAGS
    deploy_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "deploy" / "kafka")
    #: This node's KRaft id; 1 for the single-node broker.
    node_id: int = 1
    #: ``controller.quorum.voters`` of a cluster (``1@h:p,2@h:p,...``); empty: this node alone.
    voters: str = ""
    #: Replication of the internal topics and the broker's default for new topics.
    replication: int = 1

    def __post_init__(self) -> None:
        """Make paths absolute and reject values the broker would fail on later, less clearly."""
        for name in ("data_dir", "cache_dir", "deploy_dir"):
            object.__setattr__(self, name, Path(getattr(self, name)).expanduser().resolve())
        match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", self.kafka_version)
        if match is None or int(match.group(1)) < 4:
            # deploy/kafka holds a KRaft + log4j2 setup, which is what 4.x needs.
            raise BrokerError(
                f"kafka_version must be a 4.x release like 4.4.0, not {self.kafka_version!r}"
            )
        if not re.fullmatch(r"\d+[kKmMgG]?", self.heap):
            raise BrokerError(f"heap must be a JVM size like 512m, not {self.heap!r}")
        for port in (self.port, self.controller_port):
            if not 0 < port < 65536:
                raise BrokerError(f"port {port} is out of range")
        if self.port == self.controller_port:
            raise BrokerError(f"port and controller_port must differ (both {self.port})")
        if self.host in ("", "0.0.0.0", "::"):
            raise BrokerError("host must be an address clients can reach, e.g. 127.0.0.1")
        if self.node_id < 0 or self.replication < 1:
            raise BrokerError("node_id must be >= 0 and replication >= 1")
        if self.voters and not re.fullmatch(r"\d+@[^,@\s]+:\d+(,\d+@[^,@\s]+:\d+)*",
                                            self.voters):
            raise BrokerError(f"voters must read like 1@host:9093,2@host:9095, not {self.voters!r}")

    @property
    def quorum_voters(self) -> str:
        """``controller.quorum.voters``: the cluster's, else this node as the only voter."""
        return self.voters or f"{self.node_id}@{self.host}:{self.controller_port}"

    @property
    def min_insync_replicas(self) -> int:
        """2 once there are 3 replicas (one broker may be down, none lost), else 1."""
        return 2 if self.replication >= 3 else 1

    @property
    def address(self) -> str:
        """The bootstrap address clients use, ``host:port``."""
        return f"{self.host}:{self.port}"

    @property
    def libs_dir(self) -> Path:
        """The resolved jars of ``kafka_version``."""
        return self.cache_dir / f"kafka-{self.kafka_version}" / "libs"

    @property
    def log_dirs(self) -> Path:
        """Kafka's ``log.dirs``: topic data and ``meta.properties``."""
        return self.data_dir / "data"

    @property
    def properties_file(self) -> Path:
        """The rendered ``server.properties``."""
        return self.data_dir / "server.properties"

    @property
    def pid_file(self) -> Path:
        """The pid of the broker this config started."""
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        """The broker JVM's stdout and stderr."""
        return self.data_dir / "broker.log"


@dataclass(frozen=True)
class BrokerStatus:
    """What is known about the broker of a config.

    ``pid`` is set only for a live process that is our broker for this config;
    ``answers`` only when a metadata request to ``address`` got a reply, whoever runs it.
    """

    address: str
    pid: int | None
    answers: bool
    kafka_version: str | None
    cluster_id: str | None
    data_dir: Path

    @property
    def running(self) -> bool:
        """True when our broker process for this config is alive."""
        return self.pid is not None


# --------------------------------------------------------------------------- tools


def _find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise BrokerError(
            f"`java` (version {MIN_JAVA} or newer) is not on PATH; the local Kafka broker "
            f"needs it and `mvn`. {_INSTALL_HINT}"
        )
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BrokerError(f"`{java} -version` failed ({exc}). {_INSTALL_HINT}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match is None:
        raise BrokerError(
            f"Cannot tell the version of {java}: {(out.stderr or out.stdout).strip()!r}. "
            f"{_INSTALL_HINT}"
        )
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392" is Java 8
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise BrokerError(
            f"{java} is Java {major}; Kafka 4.x needs Java {MIN_JAVA} or newer. {_INSTALL_HINT}"
        )
    return java


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise start/stop/resolve across processes (two terminals, xdist workers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} is missing)"
    return "\n".join(text.splitlines()[-lines:]) or f"({path} is empty)"


def resolve_jars(cfg: BrokerConfig, progress: Callable[[str], None] | None = None) -> Path:
    """Resolve the broker's jars with Maven, once per Kafka version.

    Maven copies into a scratch folder that is renamed only on success, so an interrupted
    download is never mistaken for a complete cache. Maven's own downloads stay in ~/.m2.

    Args:
        cfg: Which Kafka version, and the cache folder.
        progress: Called with one-line messages while Maven runs (it takes ~20 s cold).

    Returns:
        The folder of jars, for ``java -cp '<folder>/*'``.

    Raises:
        BrokerError: ``mvn`` is missing or Maven failed (its output tail is included).
    """
    libs = cfg.libs_dir
    marker = libs.parent / "resolved.txt"
    if marker.is_file() and libs.is_dir():
        return libs
    with _locked(libs.parent.parent / f"kafka-{cfg.kafka_version}.lock"):
        if marker.is_file() and libs.is_dir():
            return libs
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError(
                f"`mvn` is not on PATH; it resolves the Kafka {cfg.kafka_version} jars on "
                f"first use. {_INSTALL_HINT}"
            )
        scratch = libs.parent / "libs.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        pom = cfg.deploy_dir / "pom.xml"
        goal = ["dependency:copy-dependencies", f"-DoutputDirectory={scratch}"]
        cmd = [mvn, "-q", "-B", "-f", str(pom), f"-Dkafka.version={cfg.kafka_version}", *goal]
        if progress is not None:
            progress(
                f"Resolving Kafka {cfg.kafka_version} jars with Maven into {libs} (first run only)"
            )
        began = time.monotonic()
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrokerError(
                f"Maven did not resolve Kafka {cfg.kafka_version} within 20 minutes"
            ) from exc
        main_jar = scratch / f"kafka_2.13-{cfg.kafka_version}.jar"
        if out.returncode != 0 or not main_jar.is_file():
            tail = "\n".join((out.stdout + out.stderr).splitlines()[-30:])
            raise BrokerError(
                f"Maven could not resolve org.apache.kafka:kafka_2.13:{cfg.kafka_version} "
                f"(exit {out.returncode}); is Maven Central reachable?\n{tail}"
            )
        shutil.rmtree(libs, ignore_errors=True)
        scratch.rename(libs)
        marker.write_text("\n".join(sorted(p.name for p in libs.glob("*.jar"))) + "\n")
        logger.info(
            "Kafka jars resolved version=%s dir=%s seconds=%.1f",
            cfg.kafka_version,
            libs,
            time.monotonic() - began,
        )
        if progress is not None:
            progress(
                f"Resolved {len(list(libs.glob('*.jar')))} jars in {time.monotonic() - began:.0f} s"
            )
        return libs


# --------------------------------------------------------------------------- config


def render_properties(cfg: BrokerConfig) -> str:
    """Fill ``deploy/kafka/server.properties.template`` for this config.

    Raises:
        BrokerError: The template is missing or has a placeholder this function lacks.
    """
    template = cfg.deploy_dir / "server.properties.template"
    try:
        text = template.read_text()
    except OSError as exc:
        raise BrokerError(f"Cannot read the broker config template {template}: {exc}") from exc
    values = {
        "host": cfg.host,
        "port": str(cfg.port),
        "controller_port": str(cfg.controller_port),
        "node_id": str(cfg.node_id),
        "quorum_voters": cfg.quorum_voters,
        "replication": str(cfg.replication),
        "min_insync": str(cfg.min_insync_replicas),
        # Backslashes are escapes in a .properties file.
        "log_dirs": str(cfg.log_dirs).replace("\\", "\\\\"),
    }
    try:
        return string.Template(text).substitute(values)
    except (KeyError, ValueError) as exc:
        raise BrokerError(f"{template} has an unknown placeholder: {exc}") from exc


def _new_cluster_id() -> str:
    """A Kafka Uuid string (base64url of 16 random bytes), as ``kafka-storage random-uuid`` makes.

    Made here rather than by the tool to save a JVM start (~1 s). Kafka never hands out ids
    starting with "-" (they read as command-line flags), so neither do we.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def _java_command(
    java: str, cfg: BrokerConfig, libs: Path, main: str, *args: str, heap: str | None = None
) -> list[str]:
    size = heap or cfg.heap
    logging_flags = [
        f"-Dkafka.logs.dir={cfg.data_dir}",
        f"-Dlog4j2.configurationFile={cfg.deploy_dir / 'log4j2.yaml'}",
    ]
    jvm = [f"-Xms{size}", f"-Xmx{size}", *cfg.jvm_flags, *logging_flags]
    return [java, *jvm, "-cp", f"{libs}/*", main, *args]


def _format_storage(java: str, cfg: BrokerConfig, libs: Path, cluster_id: str | None) -> None:
    """Format the log dirs once; a formatted dir keeps its cluster id and topics.

    The nodes of one cluster must be formatted with the same ``cluster_id``.
    """
    if (cfg.log_dirs / "meta.properties").is_file():
        return
    cluster_id = cluster_id or _new_cluster_id()
    # No --standalone: the config names a static voter set (controller.quorum.voters),
    # which the 4.x tool refuses to combine with a dynamic-quorum flag.
    args = ["format", "--cluster-id", cluster_id, "--config", str(cfg.properties_file)]
    tool = "kafka.tools.StorageTool"
    cmd = _java_command(java, cfg, libs, tool, *args, "--ignore-formatted", heap="256m")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    if out.returncode != 0:
        raise BrokerError(
            f"Formatting {cfg.log_dirs} failed (exit {out.returncode}):\n"
            f"{(out.stdout + out.stderr).strip()}"
        )
    logger.info("Kafka storage formatted dir=%s cluster_id=%s", cfg.log_dirs, cluster_id)


# --------------------------------------------------------------------------- processes


def _cmdline(proc: psutil.Process) -> list[str] | None:
    """The arguments of a live process; None when it is gone, a zombie or not ours to read."""
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.cmdline()
    except psutil.Error:
        return None


def _is_our_broker(proc: psutil.Process, cfg: BrokerConfig) -> bool:
    """True only for a java process running kafka.Kafka on this config's properties file.

    This is what keeps ``stop`` from signalling a recycled pid.
    """
    args = _cmdline(proc)
    return (
        args is not None
        and len(args) >= 3  # java ... kafka.Kafka <properties>
        and Path(args[0]).name.startswith("java")
        and args[-2:] == [_MAIN_CLASS, str(cfg.properties_file)]
    )


def _read_pid(cfg: BrokerConfig) -> int | None:
    try:
        return int(cfg.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _our_process(cfg: BrokerConfig, pid: int | None = None) -> psutil.Process | None:
    """Our live broker for ``cfg`` (pid from the pid file unless given), else None.

    psutil remembers the process's start time, so a signal sent through the returned
    object never reaches a process that took the pid over after this check.
    """
    pid = _read_pid(cfg) if pid is None else pid
    if pid is None:
        return None
    try:
        proc = psutil.Process(pid)
    except psutil.Error:
        return None
    return proc if _is_our_broker(proc, cfg) else None


def _spawn(cmd: list[str], cfg: BrokerConfig) -> int:
    """Start ``cmd`` detached: its own session, reparented to init, output to broker.log.

    A shell backgrounds it and exits, so the broker is never our child: no zombie when it
    stops while we still run, no ResourceWarning for a Popen we never wait for, and it
    outlives the CLI that started it.
    """
    if cfg.log_file.exists():
        cfg.log_file.replace(cfg.log_file.with_name("broker.log.1"))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    cfg.log_file.write_text(f"# {stamp} wiredesk starts: {' '.join(cmd)}\n")
    script = 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!'
    out = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(cfg.log_file), *cmd],
        capture_output=True,
        text=True,
        cwd=cfg.data_dir,
        start_new_session=True,
        timeout=60,
        check=False,
    )
    try:
        return int(out.stdout.strip())
    except ValueError as exc:
        raise BrokerError(
            f"Could not start the broker process: {out.stderr.strip() or out.stdout.strip()}"
        ) from exc


def _wait_gone(proc: psutil.Process, cfg: BrokerConfig, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _is_our_broker(proc, cfg):  # a zombie no longer counts (it may have no reaper)
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _terminate(proc: psutil.Process, cfg: BrokerConfig, timeout: float) -> None:
    """SIGTERM (Kafka's clean shutdown), then SIGKILL if it is still there after ``timeout``."""
    with contextlib.suppress(psutil.Error):
        proc.terminate()
    if not _wait_gone(proc, cfg, timeout):
        logger.warning(
            "Kafka broker ignored SIGTERM, killing pid=%s after %.0f s", proc.pid, timeout
        )
        with contextlib.suppress(psutil.Error):
            proc.kill()
        _wait_gone(proc, cfg, 10.0)


# --------------------------------------------------------------------------- probing


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # SO_REUSEADDR as Kafka sets it: a TIME_WAIT left by the last broker is no conflict.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


async def describe_cluster(address: str, timeout: float) -> tuple[str | None, int]:
    """The cluster id and the number of live brokers, as the broker at ``address`` sees them."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=address,
        request_timeout_ms=int(timeout * 1000),
        client_id="wiredesk-broker-probe",
    )
    try:
        await asyncio.wait_for(admin.start(), timeout)
        info = await asyncio.wait_for(admin.describe_cluster(), timeout)
    finally:
        await admin.close()
    brokers = info.get("brokers") or []
    return (str(info.get("cluster_id")) if brokers else None), len(brokers)


async def _describe_cluster(address: str, timeout: float) -> str | None:
    return (await describe_cluster(address, timeout))[0]


def _probe(cfg: BrokerConfig, timeout: float) -> tuple[bool, str | None]:
    """Send a metadata request; a listening socket alone proves nothing about Kafka.

    The TCP check first keeps aiokafka from logging connection errors while the broker is
    still coming up. ``asyncio.run`` needs a thread of its own when the caller is async.
    """
    if not _port_open(cfg.host, cfg.port):
        return False, None

    def run() -> str | None:
        return asyncio.run(_describe_cluster(cfg.address, timeout))

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            cluster_id = run()
        else:
            with ThreadPoolExecutor(max_workers=1) as pool:
                cluster_id = pool.submit(run).result()
    except Exception as exc:  # any failure means "does not answer"
        logger.debug("Kafka metadata request failed address=%s error=%r", cfg.address, exc)
        return False, None
    return cluster_id is not None, cluster_id


def _version_of(proc: psutil.Process) -> str | None:
    """The Kafka version in the broker's class path (``.../kafka-<version>/libs/*``)."""
    match = re.search(r"kafka-([0-9][^/]*)/libs/\*", " ".join(_cmdline(proc) or []))
    return match.group(1) if match else None


def status(cfg: BrokerConfig, timeout: float = 5.0) -> BrokerStatus:
    """Report on the broker at ``cfg.address`` and our process for ``cfg``.

    Args:
        cfg: The broker to look at.
        timeout: Seconds for the metadata request.

    Returns:
        ``pid`` is our live broker's (None otherwise); ``answers`` is True only if a
        metadata request got a reply, which may come from a broker we did not start.
    """
    proc = _our_process(cfg)
    answers, cluster_id = _probe(cfg, timeout)
    if proc is None:
        return BrokerStatus(cfg.address, None, answers, None, cluster_id, cfg.data_dir)
    version = _version_of(proc) or cfg.kafka_version
    return BrokerStatus(cfg.address, proc.pid, answers, version, cluster_id, cfg.data_dir)


# --------------------------------------------------------------------------- lifecycle


def wait_until_ready(cfg: BrokerConfig, proc: psutil.Process, deadline: float) -> BrokerStatus:
    """Wait until the broker of ``cfg`` answers a metadata request (``deadline``: monotonic).

    Raises:
        BrokerError: It exited, or did not answer by the deadline (it is then stopped).
    """
    # The shell prints the pid before the fork has exec'd java: give it a moment to
    # become recognisably ours before calling it dead.
    exec_grace = time.monotonic() + 10.0
    while True:
        if not _is_our_broker(proc, cfg):
            alive = proc.is_running() and _cmdline(proc) is not None
            if not alive or time.monotonic() >= exec_grace:
                cfg.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"The Kafka broker (pid {proc.pid}) exited during start-up. Last lines of "
                    f"{cfg.log_file} (more in {cfg.data_dir / 'server.log'}):\n"
                    f"{_tail(cfg.log_file)}"
                )
        elif _probe(cfg, timeout=max(1.0, min(5.0, deadline - time.monotonic())))[0]:
            return status(cfg)
        if time.monotonic() >= deadline:
            _terminate(proc, cfg, 10.0)
            cfg.pid_file.unlink(missing_ok=True)
            raise BrokerError(
                f"The Kafka broker did not answer on {cfg.address} in time and was stopped. "
                f"Last lines of {cfg.log_file}:\n{_tail(cfg.log_file)}"
            )
        time.sleep(_POLL_S)


def _check_ports(cfg: BrokerConfig) -> None:
    if _probe(cfg, timeout=2.0)[0]:
        raise BrokerError(
            f"A Kafka broker that wiredesk did not start (no live pid in {cfg.pid_file}) "
            f"already answers on {cfg.address}. Use it with WIREDESK_BROKER_URL={cfg.address}, "
            "stop it, or pick another port."
        )
    for port in (cfg.port, cfg.controller_port):
        if not _port_free(cfg.host, port):
            raise BrokerError(
                f"Port {port} on {cfg.host} is in use by another program; "
                "free it or choose other ports."
            )


def launch(
    cfg: BrokerConfig,
    cluster_id: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> psutil.Process:
    """Spawn the broker of ``cfg`` unless ours already runs; do not wait for it to answer.

    A node of a cluster cannot answer before a quorum of its controllers runs, so the
    cluster launches every node first and then waits (:func:`wait_until_ready`).

    Args:
        cfg: Where and how to run it.
        cluster_id: The id to format fresh storage with (a cluster's nodes share one);
            None: a new random id. Storage formatted before keeps its id.
        progress: One-line messages for a CLI.

    Returns:
        The broker's process (the running one when it was already up).

    Raises:
        BrokerError: java/mvn missing, a port in use by something else, or the process
            exited at once.
    """
    java = _find_java()
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    with _locked(cfg.data_dir / "broker.lock"):
        proc = _our_process(cfg)
        if proc is not None:
            logger.info("Kafka broker already running pid=%s address=%s", proc.pid, cfg.address)
            return proc
        cfg.pid_file.unlink(missing_ok=True)  # stale: that process is gone or not ours
        _check_ports(cfg)
        libs = resolve_jars(cfg, progress)
        cfg.properties_file.write_text(render_properties(cfg))
        _format_storage(java, cfg, libs, cluster_id)
        if progress is not None:
            progress(f"Starting Kafka {cfg.kafka_version} on {cfg.address}")
        pid = _spawn(_java_command(java, cfg, libs, _MAIN_CLASS, str(cfg.properties_file)), cfg)
        cfg.pid_file.write_text(f"{pid}\n")
        try:
            return psutil.Process(pid)
        except psutil.Error as exc:
            cfg.pid_file.unlink(missing_ok=True)
            raise BrokerError(
                f"The Kafka broker exited at once. Last lines of {cfg.log_file}:\n"
                f"{_tail(cfg.log_file)}"
            ) from exc


def start(
    cfg: BrokerConfig, timeout: float = 120.0, progress: Callable[[str], None] | None = None
) -> BrokerStatus:
    """Start the local broker, or return at once if ours already answers (idempotent).

    Args:
        cfg: Where and how to run it.
        timeout: Seconds to wait for the first metadata reply (~4 s on 2 cores, plus
            ~20 s for Maven the very first time).
        progress: One-line messages for a CLI (the first run resolves jars with Maven).

    Returns:
        The status of the running broker, ``answers`` True.

    Raises:
        BrokerError: java/mvn missing, a port in use by something else, or the broker
            died or hung during start-up (the tail of broker.log is in the message).
    """
    deadline = time.monotonic() + timeout
    began = time.monotonic()
    proc = launch(cfg, progress=progress)
    result = wait_until_ready(cfg, proc, deadline)
    logger.info(
        "Kafka broker up pid=%s address=%s seconds=%.1f",
        proc.pid,
        cfg.address,
        time.monotonic() - began,
    )
    return result


def stop(cfg: BrokerConfig, timeout: float = 60.0) -> bool:
    """Stop our broker for ``cfg``: SIGTERM, then SIGKILL after ``timeout`` seconds.

    Only the pid in our pid file is signalled, and only while it is still a java process
    running kafka.Kafka on our properties file, so a recycled pid is never killed.

    Returns:
        True if a broker of ours was running and has stopped; False if there was none.
    """
    if not cfg.pid_file.is_file():
        return False
    with _locked(cfg.data_dir / "broker.lock"):
        pid = _read_pid(cfg)
        proc = _our_process(cfg, pid)
        if proc is None:
            if pid is not None:
                logger.warning(
                    "Not signalling pid=%s: it is not our Kafka broker; removing pid_file=%s",
                    pid,
                    cfg.pid_file,
                )
            cfg.pid_file.unlink(missing_ok=True)
            return False
        began = time.monotonic()
        _terminate(proc, cfg, timeout)
        cfg.pid_file.unlink(missing_ok=True)
        logger.info("Kafka broker stopped pid=%s seconds=%.1f", pid, time.monotonic() - began)
        return True
