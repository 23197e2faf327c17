"""The benchmark: in-process, pass-through, end-to-end, latency, replay, memory.

Everything runs in one call of :func:`run` on one machine against one broker (a
private one started on free ports in a temp dir, or ``broker_url`` when given), with
real ``wiredesk worker`` processes, each deployment on its own topic prefix and app id.
Completion is exact: the in-process pipeline gives every article's output count, and
a group-less consumer of the four output topics counts distinct record ids (ids are
deterministic, so at-least-once duplicates are not counted twice).

``python -m bench.run keys-app ...`` is the tiny Faust app of the 100,000-key memory
and recovery measurement (a RocksDB table, no NLP), ``python -m bench.run floor-app ...``
the one of the Faust per-message floor (consume one message, send one); :func:`run`
starts both itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from agents.kinds import KINDS
from agents.lexicon import load_lexicon
from agents.parse import RawMeta, article_id
from agents.pipeline import process_article
from agents.split import split_article
from bench.corpus import CorpusArticle, generate
from streams.replay import changelog_topics
from streams.topology import consumed_by_each_worker

__all__ = ["Options", "on_broker", "run"]

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("events.v1", "quotes.v1", "figures.v1", "entities.v1")
PARTITIONS = 4
#: Articles a fresh worker processes before the end-to-end clock starts.
WARMUP = 20
#: Articles of an end-to-end phase (the corpus cycled, fresh ids): ~6-12 s of work. A
#: burst of the corpus's 60 lasted 2-3 s, so the first fetch, the last commit and the
#: RocksDB flushes a burst sets off weighed as much as the work: 19-30 articles/s
#: from run to run for a worker that sustains ~57 (the soak).
E2E_ARTICLES = 300
Log = Callable[[str], None]


@dataclass
class Options:
    """What :func:`run` measures and on which broker."""

    articles: int = 60
    broker_url: str | None = None
    latency_rate: float = 20.0
    latency_seconds: float = 3.0
    table_keys: int = 100_000
    floor_messages: int = 12_000  # ~7 s at ~1,600/s; the phase (2 apps) stays under 30 s
    replay_seconds: float = 60.0
    seed: int = 8
    log: Log = field(default=lambda _m: None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pcts(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    v = sorted(values)

    def q(p: float) -> float:
        return round(v[min(len(v) - 1, int(p * len(v)))], 1)

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99)}


def _round(value: Any, digits: int) -> Any:
    return round(value, digits) if isinstance(value, float) else value


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


# --------------------------------------------------------------------------- in process
def in_process(corpus: list[CorpusArticle], log: Log) -> dict[str, Any]:
    """Articles/s of ``process_article`` on one core, expected outputs, and a profile."""
    lex = load_lexicon()
    now = datetime.now(UTC)

    def one(a: CorpusArticle) -> Any:
        return process_article(a.payload, RawMeta(source="bench", source_id=a.source_id),
                               lexicon=lex, now=now)

    for a in corpus[:5]:  # warm caches (lexicon compiled, regexes built)
        one(a)
    counts, paragraphs = [], []
    t = time.perf_counter()
    for a in corpus:
        r = one(a)
        e = r.enriched
        counts.append(len(e.quotes) + len(e.figures) + len(e.entities) + len(e.events))
        paragraphs.append(len(split_article(r.article, 1)))
    elapsed = time.perf_counter() - t
    log(f"in-process: {len(corpus) / elapsed:.1f} articles/s")
    prof = cProfile.Profile()
    sample = corpus[: min(len(corpus), 60)]
    prof.enable()
    for a in sample:
        one(a)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _) in sorted(
            stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:10]:  # type: ignore[attr-defined]
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
        rows.append({"function": f"{where}({fn})", "calls": nc,
                     "tottime_ms_per_article": round(tt / len(sample) * 1000, 3),
                     "share": round(tt / total, 3),
                     "cumtime_ms_per_article": round(ct / len(sample) * 1000, 3)})
    return {"aps": len(corpus) / elapsed, "counts": counts, "paragraphs": paragraphs,
            "ms_per_article": elapsed / len(corpus) * 1000,
            "words": statistics.mean(a.words for a in corpus), "profile": rows}


# --------------------------------------------------------------------------- kafka helpers
async def _create_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, PARTITIONS, 1) for n in names])
    finally:
        await admin.close()


async def _send(bootstrap: str, topic: str, items: list[tuple[str, bytes]],
                rate: float | None = None) -> float:
    """Send (source id, payload) as raw articles, paced at ``rate``/s; first send time (s)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all",
                                enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        first = time.time()
        futs = []
        for i, (sid, payload) in enumerate(items):
            if rate:
                delay = first + i / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            meta = RawMeta(source="bench", source_id=sid, received_at=datetime.now(UTC))
            futs.append(await producer.send(topic, payload,
                                            key=article_id("bench", sid).encode(),
                                            headers=meta.to_headers()))
        await asyncio.gather(*futs)
        return first
    finally:
        await producer.stop()


async def _message_count(bootstrap: str, match: Callable[[str], bool]) -> dict[str, int]:
    """Messages per topic (sum of high-water marks) of the topics ``match`` selects.

    The partitions come from the admin client: a group-less consumer's metadata holds
    only topics it was assigned, so it knew of no partitions here (the old count was empty).
    """
    from aiokafka import TopicPartition

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if match(t)]
        described = await admin.describe_topics(topics) if topics else []
    finally:
        await admin.close()
    tps = [TopicPartition(d["topic"], part["partition"]) for d in described
           for part in d.get("partitions", [])]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps) if tps else {}
    finally:
        await consumer.stop()
    out: dict[str, int] = {}
    for tp, off in ends.items():
        out[tp.topic] = out.get(tp.topic, 0) + off
    return out


#: The rule the benchmark loads: every figure with a value alerts (about 23 per article).
BENCH_RULE = {"id": "bench-every-figure", "watch": "figures", "where": {"value": {">": 0}}}


class Collector:
    """Reads the output topics of a deployment (no group) and indexes records by article."""

    def __init__(self, bootstrap: str, prefix: str) -> None:
        self.bootstrap = bootstrap
        self.alerts_topic = f"{prefix}.alerts.v1"
        self.topics = [f"{prefix}.{t}" for t in OUTPUTS] + [self.alerts_topic]
        self.seen: set[tuple[int, str]] = set()
        # (pipeline version, article id) -> list of (received ms, kafka ts ms)
        self.records: dict[tuple[int, str], list[tuple[float, int]]] = {}
        # article id -> list of (received ms, alert kafka ts ms), one per alert
        self.alerts: dict[str, list[tuple[float, int]]] = {}
        self._alert_ids: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Collector:
        self._consumer = AIOKafkaConsumer(*self.topics, bootstrap_servers=self.bootstrap,
                                          group_id=None, auto_offset_reset="earliest")
        await self._consumer.start()
        self._task = asyncio.create_task(self._loop())
        return self

    @contextlib.asynccontextmanager
    async def paused(self) -> Any:
        """Read nothing while the worker is measured (then catch up from the log).

        The collector decodes every output message (~100 per article); doing that
        live took ~30% of a core from the worker on this 2-core machine and so
        measured the benchmark as much as the worker. Every figure it gives comes
        from the messages' Kafka timestamps, so reading them afterwards changes none.
        """
        parts = list(self._consumer.assignment())
        self._consumer.pause(*parts)
        try:
            yield
        finally:
            self._consumer.resume(*parts)

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _loop(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                for r in recs:
                    d = orjson.loads(r.value)
                    if r.topic == self.alerts_topic:
                        if d["id"] not in self._alert_ids:
                            self._alert_ids.add(d["id"])
                            recv = datetime.fromisoformat(d["received_at"]).timestamp() * 1000
                            self.alerts.setdefault(d["article_id"], []).append(
                                (recv, r.timestamp))
                        continue
                    key = (int(d.get("pipeline_version", 1)), d["id"])
                    if key in self.seen:
                        continue
                    self.seen.add(key)
                    recv = datetime.fromisoformat(d["received_at"]).timestamp() * 1000
                    self.records.setdefault((key[0], d["article_id"]), []).append(
                        (recv, r.timestamp))

    def done(self, version: int, expected: dict[str, int]) -> int:
        """How many of the ``expected`` articles have all their output records."""
        return sum(len(self.records.get((version, a), ())) >= n for a, n in expected.items())

    async def wait(self, version: int, expected: dict[str, int], log: Log, what: str,
                   timeout: float, partial: bool = False) -> int:
        """Wait until every expected article has all its outputs; return how many did.

        After ``timeout`` seconds: fail, or with ``partial`` return the count so far.
        """
        deadline, last = time.monotonic() + timeout, -1
        while (n := self.done(version, expected)) < len(expected):
            if time.monotonic() > deadline:
                if partial:
                    log(f"{what}: stopped after {timeout}s with {n}/{len(expected)} done")
                    return n
                raise TimeoutError(f"{what}: {n}/{len(expected)} articles done in {timeout}s")
            if n != last and n % 25 == 0:
                log(f"{what}: {n}/{len(expected)} articles done")
                last = n
            await asyncio.sleep(0.2)
        return n

    def last_ts(self, version: int, articles: list[str]) -> int:
        """Kafka timestamp (ms) of the last output record of these articles."""
        return max(ts for a in articles for _, ts in self.records[(version, a)])

    def first_ts(self, version: int, articles: list[str]) -> int:
        """Kafka timestamp (ms) of the first output record of these articles."""
        return min(ts for a in articles for _, ts in self.records[(version, a)])

    def latencies(self, version: int, articles: list[str]) -> list[float]:
        """received_at -> output Kafka timestamp, ms, per output record."""
        return [ts - recv for a in articles for recv, ts in self.records[(version, a)]]

    def alert_latencies(self, articles: list[str]) -> list[float]:
        """received_at -> alert Kafka timestamp, ms, per alert of these articles."""
        return [ts - recv for a in articles for recv, ts in self.alerts.get(a, ())]

    async def settle_alerts(self, articles: list[str], quiet: float = 1.5,
                            timeout: float = 30.0) -> None:
        """Wait until no new alert of these articles arrived for ``quiet`` seconds."""
        deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
        while time.monotonic() < deadline:
            n = sum(len(self.alerts.get(a, ())) for a in articles)
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            await asyncio.sleep(0.2)


# --------------------------------------------------------------------------- processes
class RssSampler:
    """Peak RSS per pid, sampled every 0.25 s in a thread."""

    def __init__(self) -> None:
        self.peak: dict[int, int] = {}
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(0.25):
            for pid in list(self.pids):
                with contextlib.suppress(psutil.Error):
                    rss = psutil.Process(pid).memory_info().rss
                    self.peak[pid] = max(self.peak.get(pid, 0), rss)

    def close(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


#: Paths whose error answers are read too: a ``/health`` 503 still says what the worker
#: holds (``unavailable`` on a loaded machine comes with ``assigned_partitions``).
_ERROR_BODIES = frozenset({"/health"})


def _get(port: int, path: str) -> dict[str, Any] | None:
    """The JSON body of a GET (None when there is none to read)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return orjson.loads(r.read())  # type: ignore[no-any-return]
    except urllib.error.HTTPError as exc:
        if path not in _ERROR_BODIES:
            return None
        try:
            return orjson.loads(exc.read())  # type: ignore[no-any-return]
        except orjson.JSONDecodeError:
            return None
    except Exception:
        return None


@dataclass
class Proc:
    """A process we started: its Popen, web port, spawn and ready times."""

    popen: subprocess.Popen[bytes]
    port: int
    spawned: float
    ready: float = 0.0


def _spawn(args: list[str], env: dict[str, str], log_path: Path, port: int) -> Proc:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        popen = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT)
    return Proc(popen, port, time.time())


async def _until(proc: Proc, path: str, ok: Callable[[dict[str, Any]], bool],
                 timeout: float, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = await asyncio.to_thread(_get, proc.port, path)
        if body is not None and ok(body):
            return body
        if proc.popen.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.popen.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready in {timeout}s (last {body})")
        await asyncio.sleep(0.25)


def _stop(proc: Proc) -> None:
    if proc.popen.poll() is None:
        proc.popen.send_signal(signal.SIGTERM)
        try:
            proc.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait()


@dataclass
class Deployment:
    """One wiredesk deployment: topic prefix, app id, data root, its worker processes."""

    bootstrap: str
    root: Path
    prefix: str = field(default_factory=lambda: f"b{uuid.uuid4().hex[:10]}")
    procs: list[Proc] = field(default_factory=list)

    @property
    def app_id(self) -> str:
        """The Faust app id (consumer group and changelog prefix)."""
        return f"wiredesk-{self.prefix}"

    async def create(self) -> None:
        """Create the pipeline's topics, as ``wiredesk worker`` would."""
        from streams.settings import Settings
        from streams.topics import ensure_topics

        await ensure_topics(Settings(broker_url=self.bootstrap, topic_prefix=self.prefix,
                                     topic_partitions=PARTITIONS))

    async def worker(self, name: str, sampler: RssSampler, **extra: str) -> Proc:
        """Start a ``wiredesk worker`` and wait until it holds partitions."""
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
        env.update(WIREDESK_BROKER_URL=self.bootstrap, WIREDESK_TOPIC_PREFIX=self.prefix,
                   WIREDESK_APP_ID=self.app_id, WIREDESK_TOPIC_PARTITIONS=str(PARTITIONS),
                   WIREDESK_WEB_PORT=str(port), WIREDESK_DATA_DIR=str(self.root / name),
                   **extra)
        proc = _spawn(["-m", "streams.cli", "worker"], env, self.root / f"{name}.log", port)
        self.procs.append(proc)
        sampler.pids.add(proc.popen.pid)
        await _until(proc, "/health", lambda b: bool(b.get("assigned_partitions")), 120,
                     f"worker {name}")
        proc.ready = time.time()
        return proc

    async def load_rule(self, rule: dict[str, Any]) -> None:
        """Publish an alert rule, as ``wiredesk rules load`` does."""
        from streams.alert_delivery import publish_rules

        await publish_rules(self.bootstrap, f"{self.prefix}.rules.v1",
                            [(rule["id"], orjson.dumps(rule))])

    def settings(self, **extra: Any) -> Any:
        """The deployment's settings, as its workers read them from the environment."""
        from streams.settings import Settings

        return Settings(broker_url=self.bootstrap, topic_prefix=self.prefix, app_id=self.app_id,
                        topic_partitions=PARTITIONS, data_dir=self.root, **extra)

    def stop(self) -> None:
        """Stop every worker of this deployment."""
        for p in self.procs:
            _stop(p)


# --------------------------------------------------------------------------- phases
async def passthrough(bootstrap: str, corpus: list[CorpusArticle], log: Log) -> float:
    """Articles/s of a bare aiokafka consumer -> producer copy between two topics."""
    tag = uuid.uuid4().hex[:8]
    src, dst = f"bench-pt-{tag}-in", f"bench-pt-{tag}-out"
    await _create_topics(bootstrap, [src, dst])
    await _send(bootstrap, src, [(a.source_id, a.payload) for a in corpus])
    consumer = AIOKafkaConsumer(src, bootstrap_servers=bootstrap, group_id=f"bench-pt-{tag}",
                                auto_offset_reset="earliest", enable_auto_commit=False)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                enable_idempotence=True)
    await consumer.start()
    await producer.start()
    try:
        copied, start, futs = 0, 0.0, []
        while copied < len(corpus):
            batch = await consumer.getmany(timeout_ms=1000)
            if not start and batch:
                start = time.perf_counter()
            for recs in batch.values():
                for r in recs:
                    futs.append(await producer.send(dst, r.value, key=r.key,
                                                    headers=list(r.headers or [])))
                    copied += 1
            await asyncio.gather(*futs)
            futs.clear()
            await consumer.commit()
        aps = copied / (time.perf_counter() - start)
    finally:
        await consumer.stop()
        await producer.stop()
    log(f"pass-through: {aps:.0f} articles/s")
    return aps


def _items(corpus: list[CorpusArticle], tag: str, start: int, count: int
           ) -> list[tuple[str, bytes, int]]:
    """``count`` raw articles cycling through the corpus, with fresh source ids."""
    return [(f"{tag}-{i:06d}", corpus[i % len(corpus)].payload, i % len(corpus))
            for i in range(start, start + count)]


async def drained(settings: Any, timeout: float, quiet: float = 0.25) -> bool:
    """Wait until the deployment's group has committed every message of its input topics.

    Asks the broker only (committed offsets and end offsets), so a paused collector
    leaves the cores to the workers. Outputs are flushed before an input offset is
    committed (``streams/sends.py``), so no lag on any input means every output is in
    its topic. False after ``timeout`` (the collector's own wait then decides).
    """
    from streams.replay import _admin, consumed_topics, group_id

    group = group_id(settings.app_id, 1)
    admin, consumer = _admin(settings), AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        await consumer.topics()  # metadata of every topic
        tps = [TopicPartition(t, p) for t in consumed_topics(settings)
               for p in sorted(consumer.partitions_for_topic(t) or ())]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ends = await consumer.end_offsets(tps)
            done = await admin.list_consumer_group_offsets(group, partitions=tps)
            if all(end == 0 or (tp in done and done[tp].offset >= end)
                   for tp, end in ends.items()):
                return True
            await asyncio.sleep(quiet)
        return False
    finally:
        await consumer.stop()
        await admin.close()


async def end_to_end(dep: Deployment, col: Collector, items: list[tuple[str, bytes, int]],
                     counts: list[int], log: Log, what: str, rate: float | None = None,
                     timeout: float = 240) -> dict[str, Any]:
    """Send ``items`` (at ``rate``/s or all at once) and wait for every output."""
    expected = {article_id("bench", sid): counts[i] for sid, _, i in items}
    async with col.paused():
        first = await _send(dep.bootstrap, f"{dep.prefix}.articles.raw.v1",
                            [(sid, p) for sid, p, _ in items], rate)
        await drained(dep.settings(), timeout)
    await col.wait(1, expected, log, what, timeout)
    ids = list(expected)
    elapsed = (col.last_ts(1, ids) - first * 1000) / 1000
    lat = col.latencies(1, ids)
    await col.settle_alerts(ids)
    result = {"aps": len(items) / elapsed, "seconds": elapsed, "latency_ms": _pcts(lat),
              "alert_latency_ms": _pcts(col.alert_latencies(ids)),
              "alerts": len(col.alert_latencies(ids))}
    log(f"{what}: {result['aps']:.2f} articles/s over {elapsed:.1f}s, "
        f"latency {result['latency_ms']}, {result['alerts']} alerts, "
        f"alert latency {result['alert_latency_ms']}")
    return result


def _start_app(app: str, bootstrap: str, app_id: str, root: Path, name: str,
               sampler: RssSampler, *extra: str) -> Proc:
    """Spawn one of this module's tiny Faust apps: ``python -m bench.run <app> ...``."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
    proc = _spawn(["-m", "bench.run", app, bootstrap, app_id, str(root / name), str(port),
                   *extra], env, root / f"{name}.log", port)
    sampler.pids.add(proc.popen.pid)
    return proc


def _tiny_app(bootstrap: str, app_id: str, data_dir: str, port: str, **conf: Any) -> Any:
    """The faust.App of a measurement app: 4 partitions, no standbys, web on loopback."""
    import faust

    return faust.App(app_id, broker=f"kafka://{bootstrap}", datadir=data_dir,
                     topic_partitions=PARTITIONS, topic_replication_factor=1,
                     topic_disable_leader=True, table_standby_replicas=0,
                     consumer_auto_offset_reset="earliest", web_host="127.0.0.1",
                     web_bind="127.0.0.1", web_port=int(port), web_in_thread=False,
                     broker_commit_interval=1.0, **conf)


def _serve(app: Any) -> None:
    """Run a measurement app as a faust worker in this process, until it is stopped."""
    sys.argv = [sys.argv[0], "worker", "-l", "warn"]
    app.main()


async def table_keys(bootstrap: str, root: Path, keys: int, sampler: RssSampler,
                     log: Log) -> dict[str, Any]:
    """RSS of a Faust app with ``keys`` RocksDB table keys; cold recovery time of them."""
    app_id = f"bench-keys-{uuid.uuid4().hex[:8]}"
    await _create_topics(bootstrap, [f"{app_id}-src"])

    def start(name: str) -> Proc:
        return _start_app("keys-app", bootstrap, app_id, root, name, sampler)

    writer = start("keys-w")
    try:
        await _until(writer, "/state", lambda b: b["recovered"], 120, "keys app")
        per = 100
        await _send_plain(bootstrap, f"{app_id}-src",
                          [f"{i}:{min(per, keys - i)}".encode() for i in range(0, keys, per)])
        t = time.time()
        await _until(writer, "/state", lambda b: b["keys"] >= keys, 300, "keys app write")
        wrote = time.time() - t
        await asyncio.sleep(3)  # the commit interval: changelog flushed, offsets committed
        rss = psutil.Process(writer.popen.pid).memory_info().rss
    finally:
        _stop(writer)
    log(f"{keys} keys written in {wrote:.1f}s; RSS {rss / 2**20:.0f} MB")
    # Cold recovery: a fresh data dir, so the whole changelog is read back.
    reader = start("keys-r")
    try:
        web = await _until(reader, "/state", lambda b: True, 120, "keys app (restart)")
        web_up = time.time()
        body = await _until(reader, "/state", lambda b: b["recovered"] and b["keys"] >= keys,
                            300, "keys app recovery")
        done = time.time()
        rss_after = psutil.Process(reader.popen.pid).memory_info().rss
    finally:
        _stop(reader)
    del web
    log(f"recovered {body['keys']} keys in {done - reader.spawned:.1f}s from spawn")
    return {"rss_mb": rss / 2**20, "rss_recovered_mb": rss_after / 2**20,
            "write_s": wrote, "recovery_s": done - reader.spawned,
            "recovery_after_web_s": done - web_up}


async def _send_plain(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        futs = [await producer.send(topic, v, key=str(i).encode()) for i, v in enumerate(values)]
        await asyncio.gather(*futs)
    finally:
        await producer.stop()


def keys_app(bootstrap: str, app_id: str, data_dir: str, port: str) -> None:
    """The tiny Faust app of the 100,000-key measurement (``python -m bench.run keys-app``).

    Each message ``start:count`` on ``<app id>-src`` writes ``count`` keys of about
    150 bytes of JSON each, like the view tables' values, to a RocksDB table.
    """
    app = _tiny_app(bootstrap, app_id, data_dir, port, store="rocksdb://")
    table = app.Table("keys", partitions=PARTITIONS)
    src = app.topic(f"{app_id}-src", key_type=bytes, value_type=bytes,
                    key_serializer="raw", value_serializer="raw")

    @app.agent(src)
    async def fill(stream: Any) -> None:
        async for value in stream:
            first, count = (int(x) for x in value.split(b":"))
            for i in range(first, first + count):
                table[f"article-{i:07d}"] = {"id": f"article-{i:07d}", "status": "processed",
                                              "headline": "Floods Kill at Least 38 in Kenya",
                                              "counts": {"quotes": 12, "figures": 9}}

    @app.page("/state")
    async def state(web: Any, request: Any) -> Any:
        recovered = app.tables.recovery.completed.is_set()
        return web.json({"recovered": recovered, "keys": len(table) if recovered else 0})

    _serve(app)


#: Size of a floor message: about one output record (a quote or figure with its sentence).
FLOOR_MESSAGE_BYTES = 600


def _floor_payload(i: int) -> bytes:
    head = orjson.dumps({"id": f"floor-{i:07d}", "article_id": f"article-{i // 80:07d}",
                         "kind": "figure", "text": ""})
    return head[:-3] + b'"' + b"x" * (FLOOR_MESSAGE_BYTES - len(head)) + b'"}'


async def faust_floor(bootstrap: str, root: Path, messages: int, sampler: RssSampler,
                      log: Log) -> dict[str, Any]:
    """Messages/s of one Faust worker whose one agent consumes a message and sends one.

    The physical limit of the framework on this machine, to set against the messages
    per article: articles/s <= floor / messages per article. ``messages`` of ~600
    bytes are in the source topic *before* the app starts, so the producer does not
    compete for the CPU; the rate is messages / (last processed - first processed), as
    the app clocks them. Twice: the bare agent, then (``_with_table``, on half the
    messages, to keep the phase under 30 s) an agent that also writes one key per
    message to a RocksDB table, as the view agents do.
    """
    out: dict[str, Any] = {}
    for variant, n in (("", messages), ("table", messages // 2)):
        count, seconds = await _floor_run(bootstrap, root, variant, n, sampler, log)
        suffix = "_with_table" if variant else ""
        out.update({f"msgs_per_s{suffix}": count / seconds, f"messages{suffix}": count,
                    f"seconds{suffix}": seconds})
    return out


async def _floor_run(bootstrap: str, root: Path, variant: str, messages: int,
                     sampler: RssSampler, log: Log) -> tuple[int, float]:
    """One floor app over ``messages`` preloaded messages: (count, first->last seconds)."""
    name = f"floor-{variant}" if variant else "floor"
    app_id = f"bench-{name}-{uuid.uuid4().hex[:8]}"
    await _create_topics(bootstrap, [f"{app_id}-src", f"{app_id}-sink"])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        # Keys spread over the partitions; 1,000 of them, so the table variant rewrites keys.
        futs = [await producer.send(f"{app_id}-src", _floor_payload(i),
                                    key=f"k{i % 1000:04d}".encode()) for i in range(messages)]
        await asyncio.gather(*futs)
    finally:
        await producer.stop()
    proc = _start_app("floor-app", bootstrap, app_id, root, name, sampler, variant)
    try:
        body = await _until(proc, "/state", lambda b: b["count"] >= messages, 120, f"{name} app")
        proc.ready = time.time()
    finally:
        _stop(proc)
    seconds = body["last"] - body["first"]
    log(f"faust floor{' with a table write' if variant else ''}: "
        f"{body['count'] / seconds:,.0f} messages/s ({body['count']} in {seconds:.1f}s, "
        f"{proc.ready - proc.spawned:.1f}s from spawn)")
    return body["count"], seconds


def floor_app(bootstrap: str, app_id: str, data_dir: str, port: str, variant: str = "") -> None:
    """The Faust app of the per-message floor (``python -m bench.run floor-app``).

    One agent on ``<app id>-src`` sends each message on to ``<app id>-sink`` the way
    wiredesk's agents do (``run_stage``: ``stream.events()``, concurrency 1, raw bytes,
    ``send(..., force=True)``), with the worker's producer and commit settings. With
    ``variant == "table"`` it also writes one key per message (~150 bytes of JSON) to a
    RocksDB table, like a view agent. ``/state`` gives the count and the wall-clock
    times of the first and the last message processed.
    """
    import faust

    app = _tiny_app(bootstrap, app_id, data_dir, port, store="memory://", producer_linger_ms=1)
    src = app.topic(f"{app_id}-src", key_type=str, value_type=bytes, value_serializer="raw",
                    partitions=PARTITIONS)
    sink = app.topic(f"{app_id}-sink", key_type=str, value_type=bytes, value_serializer="raw",
                     partitions=PARTITIONS)
    table = None
    if variant == "table":
        # As streams/tables.py builds the view tables: raw str keys, JSON values.
        table = app.Table("floor", partitions=PARTITIONS, store="rocksdb://",
                          schema=faust.Schema(key_type=str, key_serializer="raw",
                                              value_serializer="json"))
        table.key_serializer = "raw"
        table.changelog_topic.key_serializer = "raw"
    seen = {"count": 0, "first": 0.0, "last": 0.0}

    @app.agent(src, concurrency=1)
    async def forward(stream: Any) -> None:
        async for event in stream.events():
            if table is not None:
                table[event.key] = {"id": event.key, "status": "processed",
                                    "offset": event.message.offset,
                                    "headline": "Floods Kill at Least 38 in Kenya",
                                    "counts": {"quotes": 12, "figures": 9}}
            await sink.send(key=event.key, value=event.value, force=True)
            now = time.time()
            seen["count"] += 1
            seen["first"] = seen["first"] or now
            seen["last"] = now

    @app.page("/state")
    async def state(web: Any, request: Any) -> Any:
        try:
            held = any(tp.topic == src.get_topic_name() for tp in app.consumer.assignment())
        except Exception:  # the consumer is not up yet
            held = False
        return web.json({**seen, "ready": held and app.tables.recovery.completed.is_set()})

    _serve(app)


async def replay_phase(dep: Deployment, col: Collector, expected: dict[str, int],
                       sampler: RssSampler, seconds: float, log: Log, log_path: Path
                       ) -> dict[str, Any]:
    """``wiredesk replay --from-beginning --pipeline-version 2 --yes`` with its defaults.

    The same function the command calls (``streams.replaycmd.run_replay``), with its
    default worker count (one per core, at most one per partition), run in a thread
    with its console written to ``log_path``. Time-boxed by ``seconds``: it then stops
    its workers. The rate is as it always was: articles with all their outputs on
    the topics, over the time from every worker holding partitions to the last output.
    """
    from rich.console import Console

    from streams.replaycmd import run_replay

    pids: list[int] = []

    def started(workers: list[Any]) -> None:
        pids.extend(w.pid for w in workers)
        sampler.pids.update(pids)

    with log_path.open("w") as out:
        outcome = await asyncio.to_thread(
            run_replay, dep.settings(), from_beginning=True, since=None, version=2,
            dry_run=False, yes=True, watch_progress=False, alerts=False,
            console=Console(file=out, width=120), timeout=seconds, on_started=started)
    if (outcome.code != 0 and not outcome.timed_out) or not outcome.workers:
        raise RuntimeError(f"wiredesk replay exited with {outcome.code}; see {log_path}")
    # The outputs are on the topics by now; give the collector a moment to read them.
    done = await col.wait(2, expected, log, "replay (pipeline version 2)", 10.0, partial=True)
    finished = [a for a, c in expected.items() if len(col.records.get((2, a), ())) >= c]
    end = col.last_ts(2, finished) if finished else time.time() * 1000
    ready = outcome.ready_at or outcome.started_at or time.time()
    # From every worker holding partitions, or from the first output if that came first:
    # the first worker starts on all partitions while the second is still starting, and
    # a short replay can be mostly done by the time both are seen holding partitions.
    start = min(ready * 1000, col.first_ts(2, finished)) if finished else ready * 1000
    # None, not 0, when no article finished in the time box: the rate is unknown.
    aps = done / ((end - start) / 1000) if done else None
    log(f"replay ({len(outcome.workers)} workers): {aps:.2f} articles/s" if aps is not None
        else f"replay: no article finished in {seconds:.0f}s")
    # The command's own clock, views included: from every worker holding partitions to the
    # poll that found every stage caught up (a second poll in a row confirms it; offsets
    # are committed every second, so this rate is a lower bound on a short replay).
    caught_up_s = (outcome.started_at + outcome.seconds - ready
                   if outcome.code == 0 and outcome.started_at and outcome.seconds else None)
    # And exactly when the tables had it all: the last view-table changelog write.
    views_end = await _last_write(dep.bootstrap, changelog_topics(
        dep.settings().app_id, 2, [k.view.table for k in KINDS]))
    views_s = (views_end - start) / 1000 if done and views_end else None
    return {"aps": aps, "done": done, "in_topic": len(expected),
            "views_done_aps": _round(done / views_s, 2) if views_s else None,
            "caught_up_s": _round(caught_up_s, 2),
            "caught_up_aps": _round(done / caught_up_s, 2) if caught_up_s else None,
            "workers": len(outcome.workers), "caught_up": outcome.code == 0,
            "command_s": _round(outcome.seconds, 2), "pids": pids}


async def _last_write(bootstrap: str, topics: list[str]) -> int | None:
    """Kafka timestamp (ms) of the newest message of these topics of the benchmark's
    ``PARTITIONS`` partitions (None if all are empty)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t in topics for p in range(PARTITIONS)]
        ends = {tp: end for tp, end in (await consumer.end_offsets(tps)).items() if end}
        if not ends:
            return None
        consumer.assign(list(ends))
        for tp, end in ends.items():
            consumer.seek(tp, end - 1)
        newest: dict[TopicPartition, int] = {}
        deadline = time.monotonic() + 30
        while len(newest) < len(ends) and time.monotonic() < deadline:
            for tp, messages in (await consumer.getmany(timeout_ms=500)).items():
                for m in messages:
                    newest[tp] = max(newest.get(tp, 0), m.timestamp)
        return max(newest.values()) if newest else None
    finally:
        await consumer.stop()


# --------------------------------------------------------------------------- the run
def on_broker(url: str | None, root: Path, log: Log, what: str,
              measure: Callable[[str, RssSampler], Any]) -> tuple[Any, str]:
    """Run ``measure(bootstrap, sampler)`` (a coroutine) on the broker; (result, Kafka version).

    The broker is ``url``, or a private one in ``root`` stopped at the end. ``root`` is
    removed after a success and kept (its folder printed) after a failure, so whoever
    reads the error has the workers' and the broker's logs.
    """
    sampler = RssSampler()
    try:
        with _broker(url, root, log) as (bootstrap, kafka_version):
            result = asyncio.run(measure(bootstrap, sampler))
    except BaseException:
        log(f"{what} failed: the worker and broker logs are kept in {root}")
        raise
    else:
        shutil.rmtree(root, ignore_errors=True)
    finally:
        sampler.close()
    return result, kafka_version


@contextlib.contextmanager
def _broker(url: str | None, root: Path, log: Log) -> Iterator[tuple[str, str]]:
    if url:
        yield url, "external"
        return
    from streams.broker import BrokerConfig, start, stop

    ports = []
    while len(set(ports)) < 2:
        ports = [_free_port(), _free_port()]
    cfg = BrokerConfig(data_dir=root / "kafka", port=ports[0], controller_port=ports[1],
                       cache_dir=ROOT / ".cache" / "kafka")
    log(f"starting a private Kafka {cfg.kafka_version} broker on {cfg.address}")
    st = start(cfg)
    try:
        yield cfg.address, st.kafka_version or cfg.kafka_version
    finally:
        stop(cfg)
        log("broker stopped")


async def _measure(o: Options, bootstrap: str, root: Path, corpus: list[CorpusArticle],
                   inproc: dict[str, Any], sampler: RssSampler) -> dict[str, Any]:
    log, counts, n = o.log, inproc["counts"], len(corpus)
    res: dict[str, Any] = {"passthrough_aps": await passthrough(bootstrap, corpus, log)}
    one = Deployment(bootstrap, root / "one")
    await one.create()
    await one.load_rule(BENCH_RULE)  # a desk has rules: the alert stage does real work
    replay_pids: list[int] = []
    try:
        w = await one.worker("w1", sampler)
        # Started once the worker is up: the topics' leaders are elected by then (a
        # consumer started on brand-new topics can keep failing its offset fetches).
        async with Collector(bootstrap, one.prefix) as col:
            res["worker_start_s"] = w.ready - w.spawned
            # Warm-up, not measured (as the in-process phase warms up on 5 articles): a new
            # worker's first articles pay once for opening its table partitions' RocksDB
            # databases and the producer's metadata for ~20 topics (about 3 s on this box).
            warm = _items(corpus, "warm", 0, min(WARMUP, n))
            await end_to_end(one, col, warm, counts, log, "warm-up (not measured)")
            e2e_n = max(n, E2E_ARTICLES)
            e2e = await end_to_end(one, col, _items(corpus, "e2e", 0, e2e_n), counts, log,
                                   "end-to-end, 1 worker")
            res["end_to_end_aps"], res["end_to_end_s"] = e2e["aps"], e2e["seconds"]
            res["end_to_end_latency_ms"] = e2e["latency_ms"]
            msgs = await _message_count(
                bootstrap, lambda t: t.startswith((one.prefix + ".", one.app_id + "-")))
            res["messages"] = {t.removeprefix(one.prefix + ".").removeprefix(one.app_id + "-"): c
                               for t, c in msgs.items()}
            res["articles_in_topics"] = e2e_n + len(warm)
            k = int(o.latency_rate * o.latency_seconds)
            lat = await end_to_end(one, col, _items(corpus, "lat20", 0, k), counts, log,
                                   f"latency at {o.latency_rate:g}/s", o.latency_rate)
            res["latency_ms"], res["latency_run_aps"] = lat["latency_ms"], lat["aps"]
            res["alert_latency_ms"] = lat["alert_latency_ms"]
            rate80 = 0.8 * e2e["aps"]
            k80 = max(10, int(rate80 * 10))
            lat80 = await end_to_end(one, col, _items(corpus, "lat80", 0, k80), counts, log,
                                     f"latency at {rate80:.1f}/s (80% of max)", rate80)
            res["latency_80pct"] = {"rate": rate80, "latency_ms": lat80["latency_ms"],
                                    "alert_latency_ms": lat80["alert_latency_ms"]}
            one.stop()
            # Replay: a new pipeline version is a new group that reads the raw topic again.
            sent = (warm + _items(corpus, "e2e", 0, e2e_n) + _items(corpus, "lat20", 0, k)
                    + _items(corpus, "lat80", 0, k80))
            expected = {article_id("bench", sid): counts[i] for sid, _, i in sent}
            replay = await replay_phase(one, col, expected, sampler, o.replay_seconds, log,
                                        root / "replay.log")
            replay_pids += replay.pop("pids")
            res["replay_aps"] = replay.pop("aps")
            res["replay_articles"] = replay
    finally:
        one.stop()
    res["rss_mb"] = max(sampler.peak.get(pid, 0)
                        for pid in [p.popen.pid for p in one.procs] + replay_pids) / 2**20
    two = Deployment(bootstrap, root / "two")
    await two.create()
    await two.load_rule(BENCH_RULE)
    try:
        a = await two.worker("w1", sampler)
        b = await two.worker("w2", sampler)
        async with Collector(bootstrap, two.prefix) as col:
            await _until(a, "/health", lambda h: h.get("assigned_partitions", 0) > 0, 60, "w1")
            res["two_worker_partitions"] = [
                (await asyncio.to_thread(_get, p.port, "/health") or {}).get(
                    "assigned_partitions") for p in (a, b)]
            try:
                await end_to_end(two, col, _items(corpus, "warm", 0, min(WARMUP, n)), counts,
                                 log, "warm-up, 2 workers (not measured)")
                e2e2 = await end_to_end(two, col, _items(corpus, "e2e", 0, max(n, E2E_ARTICLES)),
                                        counts, log,
                                        "end-to-end, 2 workers")
                res["end_to_end_2w_aps"] = e2e2["aps"]
            except TimeoutError as exc:  # keep the other results; say why, with the lag
                lag = {f"w{i}": {tp: n for tp, n in ((await asyncio.to_thread(
                    _get, p.port, "/health")) or {}).get("lag", {}).items() if n}
                    for i, p in enumerate((a, b), 1)}
                log(f"end-to-end, 2 workers: failed: {exc}; partitions with lag: {lag}")
                res["end_to_end_2w_aps"] = None
                res["end_to_end_2w_error"] = {"error": str(exc), "lag": lag}
    finally:
        two.stop()
    res["rss_2w_mb"] = max(sampler.peak.get(p.popen.pid, 0) for p in two.procs) / 2**20
    try:
        keys = await table_keys(bootstrap, root / "keys", o.table_keys, sampler, log)
    except (RuntimeError, TimeoutError) as exc:  # keep the other results; say why
        log(f"table keys: failed: {exc}")
        keys = {"error": str(exc), "rss_mb": None, "recovery_s": None}
    res.update(rss_100k_keys_mb=keys["rss_mb"], recovery_100k_s=keys["recovery_s"],
               table_keys=keys)
    try:
        res["faust_floor"] = await faust_floor(bootstrap, root / "floor", o.floor_messages,
                                               sampler, log)
    except (RuntimeError, TimeoutError) as exc:  # keep the other results; say why
        log(f"faust floor: failed: {exc}")
        res["faust_floor"] = {"error": str(exc), "msgs_per_s": None,
                              "msgs_per_s_with_table": None}
    return res


def run(o: Options) -> dict[str, Any]:
    """Run every measurement once; return the JSON document of ``wiredesk bench``."""
    started = time.time()
    corpus = generate(o.articles, o.seed)
    o.log(f"corpus: {len(corpus)} articles, {statistics.mean(a.words for a in corpus):.0f} "
          "words on average")
    inproc = in_process(corpus, o.log)
    root = Path(tempfile.mkdtemp(prefix="wiredesk-bench-"))
    res, kafka_version = on_broker(
        o.broker_url, root, o.log, "the run",
        lambda bootstrap, sampler: _measure(o, bootstrap, root, corpus, inproc, sampler))
    n, paras = len(corpus), inproc["paragraphs"]
    outputs = sum(inproc["counts"]) / n
    msgs, in_topics = res.pop("messages"), res.pop("articles_in_topics")
    per_article = {t: round(c / in_topics, 1) for t, c in sorted(msgs.items()) if c}
    consumed = consumed_by_each_worker()
    return {
        "articles": n,
        "words_mean": round(inproc["words"]),
        "paragraphs_mean": round(statistics.mean(paras), 1),
        "outputs_mean": round(outputs, 1),
        "kafka_version": kafka_version,
        "in_process_aps": round(inproc["aps"], 1),
        "in_process_ms_per_article": round(inproc["ms_per_article"], 2),
        "passthrough_aps": round(res["passthrough_aps"], 1),
        "end_to_end_aps": round(res["end_to_end_aps"], 2),
        "end_to_end_2w_aps": _round(res["end_to_end_2w_aps"], 2),
        "end_to_end_2w_error": res.get("end_to_end_2w_error"),
        "latency_ms": res["latency_ms"],
        "latency_rate": o.latency_rate,
        "latency_run_aps": round(res["latency_run_aps"], 2),
        "latency_80pct": res["latency_80pct"],
        "alert_latency_ms": res["alert_latency_ms"],
        "alert_rule": BENCH_RULE,
        "replay_aps": _round(res["replay_aps"], 2),
        "replay_articles": res["replay_articles"],
        "rss_mb": round(res["rss_mb"], 1),
        "rss_2w_mb": round(res["rss_2w_mb"], 1),
        "rss_100k_keys_mb": _round(res["rss_100k_keys_mb"], 1),
        "recovery_100k_s": _round(res["recovery_100k_s"], 2),
        "table_keys": {k: _round(v, 2) for k, v in res["table_keys"].items()},
        "faust_floor_msgs_per_s": _int(res["faust_floor"]["msgs_per_s"]),
        "faust_floor_msgs_per_s_with_table": _int(res["faust_floor"]["msgs_per_s_with_table"]),
        "faust_floor": {k: _round(v, 2) for k, v in res["faust_floor"].items()},
        "worker_start_s": round(res["worker_start_s"], 1),
        "messages_per_article": per_article,
        "messages_per_article_total": round(sum(msgs.values()) / in_topics, 1),
        # One worker reads every message of the topics it consumes and of the global
        # tables' changelogs once: their sum per article is what it consumed.
        "messages_consumed_per_article": round(sum(c for t, c in msgs.items()
                                                   if t in consumed) / in_topics, 1),
        "profile_top10": inproc["profile"],
        "machine": {"cores": os.cpu_count(), "memory_gb": round(
            psutil.virtual_memory().total / 2**30, 1), "python": sys.version.split()[0]},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["keys-app"]:
        keys_app(*sys.argv[2:6])
    elif sys.argv[1:2] == ["floor-app"]:
        floor_app(*sys.argv[2:7])
    else:
        out = run(Options(articles=int(sys.argv[1]) if len(sys.argv) > 1 else 60,
                          log=lambda m: print(m, file=sys.stderr)))
        print(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode())
