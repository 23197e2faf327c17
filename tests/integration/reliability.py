"""What the reliability suite shares: a news-skewed stream, killable workers, the audit.

Every test of ``test_reliability*.py`` streams articles of the benchmark's skewed
corpus (``bench/corpus.py``: a few hot speakers, places and names carry most of the
mentions, as in news) into a fresh deployment, breaks something while the worker
works, and ends by asking the worker's HTTP API for **every** record the articles
should have left in the tables (``bench/soak_audit.py``): the expected records come
from the in-process pipeline, i.e. a run where nothing went wrong. ``lost`` and
``duplicated`` must both be 0.

Each test also writes its figures (kills, restart times, duplicate output messages
in the topics, lag, RSS) to ``test-output/reliability/<test>.json`` and prints
them; ``docs/reliability.md`` records a run of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

from agents.lexicon import load_lexicon
from agents.parse import RawMeta, article_id
from agents.pipeline import process_article
from bench.corpus import Skew, generate
from bench.soak_audit import Audit, Expected, audit
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.workers import ROOT, Deployment, free_port, new_deployment
from tests.integration.workers import _health_any as _health

__all__ = ["OUTPUTS", "Stream", "Worker", "deploy", "duplicates", "report", "stream"]

OUTPUTS = ("events.v1", "quotes.v1", "figures.v1", "entities.v1", "alerts.v1")
REPORTS = ROOT / "test-output" / "reliability"


@dataclass
class Stream:
    """Raw articles to send, each one's output count, and the tables they must leave."""

    items: list[tuple[str, bytes]]
    counts: dict[str, int]
    expected: Expected = field(default_factory=Expected)


def stream(articles: int, seed: int = 16) -> Stream:
    """``articles`` skewed articles, processed in process for the expected tables."""
    lex, now = load_lexicon(), datetime.now(UTC)
    out = Stream(items=[], counts={})
    for i, a in enumerate(generate(articles, seed, Skew())):
        sid = f"rel-{seed}-{i:05d}"
        enriched = process_article(a.payload, RawMeta(source="bench", source_id=sid),
                                   lexicon=lex, now=now).enriched
        out.items.append((sid, a.payload))
        out.counts[article_id("bench", sid)] = sum(enriched.counts.values())
        out.expected.add(enriched)
    return out


def deploy(bootstrap: str, root: Path, partitions: int = 4) -> Deployment:
    """A fresh deployment with its topics created, as ``wiredesk worker`` would."""
    dep = new_deployment(bootstrap, root, partitions=partitions)
    asyncio.run(ensure_topics(Settings(broker_url=bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=partitions)))
    return dep


@dataclass
class Worker:
    """One ``wiredesk worker`` process of a deployment, on a fixed data folder and port."""

    dep: Deployment
    name: str = "w1"
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        """Spawn it (the log appends, so every life of the worker is kept)."""
        env = self.dep.env(WIREDESK_WEB_PORT=str(self.port),
                           WIREDESK_DATA_DIR=str(self.dep.data_root / self.name),
                           **self.extra_env)
        with (self.dep.data_root / f"{self.name}.log").open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                         cwd=ROOT, env=env, stdout=log,
                                         stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120.0) -> float:
        """Seconds until it holds partitions (or fail)."""
        t0 = time.monotonic()
        while True:
            health = _health(self.port)
            if health and health.get("assigned_partitions"):
                return time.monotonic() - t0
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"worker {self.name} exited with {self.proc.returncode}")
            if time.monotonic() - t0 > timeout:
                raise AssertionError(f"worker {self.name} not ready in {timeout}s")
            time.sleep(0.25)

    def enriched(self) -> int:
        """Articles this worker process has enriched since it started (its /metrics)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics",
                                        timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return 0
        m = re.search(r'^wiredesk_stage_processed_total\{stage="enrich"\} (\S+)$', text, re.M)
        return int(float(m.group(1))) if m else 0

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no commit."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def settled(self, timeout: float = 300.0) -> None:
        """Wait until it has consumed everything (lag 0 twice, a second apart)."""
        deadline, zero, health = time.monotonic() + timeout, 0, None
        while zero < 2:
            health = _health(self.port)
            zero = zero + 1 if health and health.get("total_lag") == 0 else 0
            assert time.monotonic() < deadline, f"worker did not catch up: {health}"
            time.sleep(1.0)


@contextlib.contextmanager
def stopping(*workers: Worker) -> Iterator[None]:
    """Stop the workers at the end, whatever happened."""
    try:
        yield
    finally:
        for w in workers:
            w.stop()


def tables_audit(worker: Worker, expected: Expected) -> Audit:
    """Every expected record asked of the worker's API: lost and doubled counts."""
    worker.settled()
    time.sleep(2.5)  # one commit interval: the last changelog entries flushed
    return asyncio.run(audit(worker.port, expected))


async def _read_ids(bootstrap: str, topics: list[str]) -> dict[str, Counter[str]]:
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: dict[str, Counter[str]] = {t: Counter() for t in topics}
    try:
        idle = 0
        while idle < 3:
            batch = await consumer.getmany(timeout_ms=1000)
            idle = 0 if batch else idle + 1
            for records in batch.values():
                for r in records:
                    seen[r.topic][orjson.loads(r.value)["id"]] += 1
    finally:
        await consumer.stop()
    return seen


def duplicates(dep: Deployment) -> dict[str, dict[str, int]]:
    """Per output topic: messages, distinct record ids, and repeats (at-least-once)."""
    seen = asyncio.run(_read_ids(dep.bootstrap, [dep.topic(t) for t in OUTPUTS]))
    return {t.removeprefix(dep.prefix + "."): {
        "messages": sum(c.values()), "distinct": len(c), "repeats": sum(c.values()) - len(c)}
        for t, c in seen.items()}


def report(name: str, figures: dict[str, Any]) -> None:
    """Print the test's figures and keep them in test-output/reliability/."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    figures = {"test": name, "date": datetime.now(UTC).isoformat(timespec="seconds"),
               **figures}
    (REPORTS / f"{name}.json").write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    print(f"\nreliability {name}: {orjson.dumps(figures).decode()}")
