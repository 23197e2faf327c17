"""Issue 14's soak: does one worker stay as fast, as small and as exact as history grows?

``wiredesk bench --soak N`` feeds N articles of the skewed corpus (``bench.corpus.Skew``:
a few speakers, places and subjects carry most mentions, so their table keys are the
ones that grow) into one real ``wiredesk worker`` of a fresh deployment on the
benchmark's broker, and reports:

- ``first_aps`` / ``last_aps``: articles/s over the first and the last fifth of the
  articles, by the time their outputs appeared (:func:`fifth_rates`). A cost per
  article that grows with the tables shows as ``last_aps`` below ``first_aps``.
- ``max_value_bytes``: the largest value in any changelog of the deployment's app id,
  read from Kafka from the beginning to the end offsets (:func:`changelog_max_bytes`):
  what the worker wrote, whatever its store keeps in memory.
- ``lost`` / ``duplicated``: the records the tables should hold (from the in-process
  pipeline) against what the HTTP API returns for every key (``bench.soak_audit``).

The articles are sent all at once, as fast as the producer goes, before the clock
matters (as the end-to-end phase does): the worker always has a backlog, so each fifth's
rate is its capacity at that point of the history, not an offered rate it kept up with.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import psutil
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from agents.lexicon import load_lexicon
from agents.parse import RawMeta, article_id
from agents.pipeline import process_article
from bench.corpus import Skew, generate
from bench.run import (
    BENCH_RULE,
    Collector,
    Deployment,
    Log,
    RssSampler,
    _get,
    _send,
    _until,
    on_broker,
)
from bench.soak_audit import Expected, audit

__all__ = ["RECOMMENDED", "SoakOptions", "changelog_max_bytes", "fifth_rates", "run_soak"]

#: The soak size the issue asks for; ``--soak`` takes N explicitly (a typer option
#: cannot be both a flag and take a value), and --help recommends this one.
RECOMMENDED = 5_000
#: The target: no table value past 64 KB, whatever has been ingested.
MAX_VALUE_TARGET = 65_536


@dataclass
class SoakOptions:
    """What :func:`run_soak` feeds, on which broker."""

    articles: int = RECOMMENDED
    broker_url: str | None = None
    seed: int = 14
    skew: Skew = field(default_factory=Skew)
    #: Give up when no article completed for this long (the worker is stuck or dead).
    stall_seconds: float = 180.0
    log: Log = field(default=lambda _m: None)


def fifth_rates(start: float, done: list[float], total: int, parts: int = 5
                ) -> list[float | None]:
    """Articles/s over each of ``parts`` equal shares of ``total`` articles.

    Args:
        start: When the first article was sent (s).
        done: When each completed article's last output appeared (s), any order.
        total: Articles sent; a share with an article that never completed is None.
        parts: Shares (fifths).

    Articles are ranked by completion, so the shares tile the run's time: share k
    runs from the last completion of share k-1 (the first from ``start``) to its own
    last completion, and its rate is its articles over that time.
    """
    times = sorted(done)
    bounds = [round(total * k / parts) for k in range(parts + 1)]
    rates: list[float | None] = []
    prev = start
    for lo, hi in pairwise(bounds):
        if hi > len(times) or hi == lo:
            rates.append(None)
            continue
        end = times[hi - 1]
        rates.append((hi - lo) / (end - prev) if end > prev else None)
        prev = end
    return rates


async def changelog_max_bytes(bootstrap: str, app_id: str, timeout: float = 600.0
                              ) -> tuple[dict[str, int], bool]:
    """The largest value (bytes) per table, over every changelog of ``app_id``.

    Read with a group-less consumer from each partition's beginning to the end offset
    it had when the read started (so a still-running writer cannot keep it going).
    Returns the sizes and whether every changelog was read to its end within
    ``timeout`` (unbounded values make changelogs of many GB; what was read still
    bounds the answer from below, which is enough to miss the target).
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics()
                  if t.startswith(f"{app_id}-") and t.endswith("-changelog")]
        described = await admin.describe_topics(topics) if topics else []
    finally:
        await admin.close()
    tps = [TopicPartition(d["topic"], p["partition"]) for d in described
           for p in d.get("partitions", [])]
    sizes = {t.removeprefix(f"{app_id}-").removesuffix("-changelog"): 0 for t in topics}
    if not tps:
        return sizes, True
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                max_partition_fetch_bytes=8 * 2**20, fetch_max_bytes=32 * 2**20)
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        pending = {tp for tp in tps if ends[tp] > 0}
        deadline = time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                return sizes, False
            batch = await consumer.getmany(*pending, timeout_ms=500)
            for tp, records in batch.items():
                table = tp.topic.removeprefix(f"{app_id}-").removesuffix("-changelog")
                for r in records:
                    if r.offset < ends[tp]:
                        sizes[table] = max(sizes[table], len(r.value or b""))
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    return sizes, True


def _prepare(o: SoakOptions) -> tuple[list[tuple[str, bytes]], dict[str, int], Expected, float]:
    """The soak's articles, each one's output count, the expected tables, in-process a/s."""
    corpus = generate(o.articles, o.seed, o.skew)
    o.log(f"soak corpus: {len(corpus)} skewed articles, "
          f"{statistics.mean(a.words for a in corpus):.0f} words on average")
    lex, now = load_lexicon(), datetime.now(UTC)
    items = [(f"soak-{i:06d}", a.payload) for i, a in enumerate(corpus)]
    counts: dict[str, int] = {}
    expected = Expected()
    t = time.perf_counter()
    for sid, payload in items:
        e = process_article(payload, RawMeta(source="bench", source_id=sid), lexicon=lex,
                            now=now).enriched
        counts[article_id("bench", sid)] = sum(e.counts.values())
        expected.add(e)
    aps = len(items) / (time.perf_counter() - t)
    o.log(f"soak in-process (expected records): {aps:.1f} articles/s, "
          f"{sum(counts.values())} records")
    return items, counts, expected, aps


async def _wait(col: Collector, counts: dict[str, int], worker: Any, o: SoakOptions) -> str | None:
    """Wait until every article has its outputs; the reason it stopped early, or None."""
    last, since, step = -1, time.monotonic(), max(1, len(counts) // 10)
    while (n := col.done(1, counts)) < len(counts):
        if n != last:
            if n // step != last // step:
                o.log(f"soak: {n}/{len(counts)} articles done")
            last, since = n, time.monotonic()
        if worker.popen.poll() is not None:
            return f"the worker exited with {worker.popen.returncode} after {n} articles"
        if time.monotonic() - since > o.stall_seconds:
            return f"no article completed for {o.stall_seconds:.0f}s after {n}"
        await asyncio.sleep(0.5)
    return None


async def _soak(o: SoakOptions, bootstrap: str, root: Path, sampler: RssSampler
                ) -> dict[str, Any]:
    items, counts, expected, inproc_aps = _prepare(o)
    dep = Deployment(bootstrap, root / "soak")
    await dep.create()
    await dep.load_rule(BENCH_RULE)  # as in the end-to-end phase: the alert stage works too
    out: dict[str, Any] = {"articles": len(items), "in_process_aps": round(inproc_aps, 1)}
    try:
        w = await dep.worker("w1", sampler)
        async with Collector(bootstrap, dep.prefix) as col:
            start = await _send(bootstrap, f"{dep.prefix}.articles.raw.v1", items)
            error = await _wait(col, counts, w, o)
            done = [max(ts for _, ts in col.records[(1, a)]) / 1000 for a in counts
                    if len(col.records.get((1, a), ())) >= counts[a]]
        rates = fifth_rates(start, done, len(items))
        out.update(completed=len(done), error=error, first_aps=_r(rates[0]),
                   last_aps=_r(rates[-1]), fifths_aps=[_r(r) for r in rates],
                   seconds=_r(max(done) - start if done else None))
        o.log(f"soak: {len(done)}/{len(items)} articles, fifths {out['fifths_aps']} articles/s"
              + (f"; stopped: {error}" if error else ""))
        if w.popen.poll() is None:
            # The view agents fold the outputs after they appear: wait for no lag, then
            # for the commit interval (changelogs flushed), before asking the tables.
            try:
                await _until(w, "/health", lambda h: h.get("total_lag") == 0, 300,
                             "soak drain")
            except (TimeoutError, RuntimeError) as exc:  # audit what is there; say so
                out["drain_error"] = str(exc)
                o.log(f"soak: the tables did not drain: {exc}")
            await asyncio.sleep(3)
            result = await audit(w.port, expected)
            out.update(lost=result.lost, duplicated=result.duplicated, audit=result.kinds,
                       api_requests=result.requests, api_errors=result.errors)
            o.log(f"soak audit: lost {result.lost}, duplicated {result.duplicated} "
                  f"({result.requests} requests)")
        else:
            out.update(lost=None, duplicated=None)
        out["health"] = await asyncio.to_thread(_get, w.port, "/health")
    finally:
        dep.stop()
    out["rss_mb"] = _r(max((sampler.peak.get(p.popen.pid, 0) for p in dep.procs), default=0)
                       / 2**20)
    sizes, complete = await changelog_max_bytes(bootstrap, dep.app_id)
    out["max_value_bytes"] = max(sizes.values(), default=0)
    out["changelogs_read_to_end"] = complete
    out["max_value_bytes_by_table"] = dict(sorted(sizes.items(), key=lambda kv: -kv[1]))
    o.log(f"soak: largest table value {out['max_value_bytes']:,} bytes "
          f"({next(iter(out['max_value_bytes_by_table']), '-')})")
    if out.get("health"):  # keep only what says where the worker stood
        out["health"] = {k: out["health"].get(k) for k in ("status", "total_lag", "stalled")}
    return out


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run_soak(o: SoakOptions) -> dict[str, Any]:
    """Run the soak once; the JSON document of ``wiredesk bench --soak N``."""
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="wiredesk-soak-"))
    soak, kafka_version = on_broker(o.broker_url, root, o.log, "the soak",
                                    lambda bootstrap, sampler: _soak(o, bootstrap, root,
                                                                     sampler))
    return {
        "articles": o.articles,
        "kafka_version": kafka_version,
        "soak": {**soak, "seed": o.seed, "skew": {"exponent": o.skew.exponent,
                                                  "people": o.skew.people}},
        "machine": {"cores": os.cpu_count(), "memory_gb": round(
            psutil.virtual_memory().total / 2**30, 1), "python": sys.version.split()[0]},
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1),
    }
