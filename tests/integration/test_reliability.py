"""The reliability suite on the real broker: kills and a steady soak (issue 16, item 5).

Each test breaks something while the worker works and ends with every table answer
equal to a run where nothing went wrong (``tests/integration/reliability.py``):

- ten SIGKILLs of the worker while 500 articles stream in, each while it works;
- two workers, one killed for good mid-stream: the other takes its partitions;
- a 10-minute soak at a steady 5 articles/s: lag stays bounded, RSS within 10% of
  its value after the first minute (marker ``soak``: ``make reliability`` runs it,
  ``make test`` leaves it out; ``WIREDESK_SOAK_SECONDS`` shortens it for a try).

The broker-loss and three-broker cases live with their features
(``test_broker_loss.py``, ``test_cluster.py``) and carry the ``reliability`` marker too.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

import orjson
import psutil
import pytest

from bench.run import BENCH_RULE, Collector, _send
from streams.alert_delivery import publish_rules
from tests.integration.reliability import (
    Stream,
    Worker,
    deploy,
    duplicates,
    report,
    stopping,
    stream,
    tables_audit,
)
from tests.integration.workers import Deployment
from tests.integration.workers import _health_any as _health

pytestmark = [pytest.mark.integration, pytest.mark.reliability]


def _load_rule(dep: Deployment) -> None:
    asyncio.run(publish_rules(dep.bootstrap, dep.topic("rules.v1"),
                              [(BENCH_RULE["id"], orjson.dumps(BENCH_RULE))]))


async def _wait_done(col: Collector, s: Stream, at_least: int, timeout: float,
                     workers: list[Worker]) -> float:
    """Seconds until ``at_least`` articles have all their outputs (or fail)."""
    t0 = time.monotonic()
    while (n := col.done(1, s.counts)) < at_least:
        for w in workers:
            assert w.proc is not None and w.proc.poll() is None, f"{w.name} exited"
        assert time.monotonic() - t0 < timeout, f"{n}/{at_least} articles in {timeout}s"
        await asyncio.sleep(0.1)
    return time.monotonic() - t0


def test_ten_sigkills_while_500_articles_stream_in(kafka_bootstrap: str,
                                                   tmp_path: Path) -> None:
    s = stream(500)
    dep = deploy(kafka_bootstrap, tmp_path)
    _load_rule(dep)
    w = Worker(dep)
    kills: list[dict[str, float]] = []

    async def run() -> None:
        async with Collector(kafka_bootstrap, dep.prefix) as col:
            sender = asyncio.create_task(_send(kafka_bootstrap, dep.topic("articles.raw.v1"),
                                               s.items, rate=25.0))
            step = len(s.items) // 12
            for k in range(10):
                # Kill only while it works: after it has finished more articles since
                # its (re)start, with articles still to go.
                before = col.done(1, s.counts)
                await _wait_done(col, s, before + step, 300, [w])
                done_at_kill = col.done(1, s.counts)
                assert done_at_kill < len(s.items), "the stream ended before the kills"
                w.kill()
                restarted = time.monotonic()
                w.start()
                ready = await asyncio.to_thread(w.wait_ready)
                # Processing again: the new process has enriched an article (its own
                # counter; the collector's view of the outputs lags behind under load).
                while await asyncio.to_thread(w.enriched) == 0:
                    assert time.monotonic() - restarted < 300, "not processing after 300 s"
                    await asyncio.sleep(0.1)
                kills.append({"kill": k + 1, "done_at_kill": done_at_kill,
                              "ready_s": round(ready, 1),
                              "processing_again_s": round(time.monotonic() - restarted, 1)})
            await sender
            await _wait_done(col, s, len(s.items), 600, [w])

    w.start()
    w.wait_ready()
    with stopping(w):
        asyncio.run(run())
        result = tables_audit(w, s.expected)
        dups = duplicates(dep)
    again = [k["processing_again_s"] for k in kills]
    report("ten_sigkills", {
        "articles": len(s.items), "kills": len(kills), "lost": result.lost,
        "duplicated": result.duplicated, "processing_again_s_max": max(again),
        "processing_again_s_median": statistics.median(again), "per_kill": kills,
        "output_messages": dups, "api_errors": result.errors})
    assert len(kills) == 10
    # The target is 15 s (met here: see docs/reliability.md); the margin is for a
    # CI machine busy with other work.
    assert max(again) <= 30, kills
    assert result.lost == 0 and result.duplicated == 0, result.kinds


def test_two_workers_one_killed_mid_stream(kafka_bootstrap: str, tmp_path: Path) -> None:
    s = stream(240, seed=17)
    dep = deploy(kafka_bootstrap, tmp_path)
    w1, w2 = Worker(dep, "w1"), Worker(dep, "w2")
    figures: dict[str, object] = {}

    async def run() -> None:
        async with Collector(kafka_bootstrap, dep.prefix) as col:
            sender = asyncio.create_task(_send(kafka_bootstrap, dep.topic("articles.raw.v1"),
                                               s.items, rate=20.0))
            await _wait_done(col, s, 60, 300, [w1, w2])
            figures["done_at_kill"] = col.done(1, s.counts)
            owned = [(_health(w.port) or {}).get("assigned_partitions", 0) for w in (w1, w2)]
            assert all(owned), f"both workers hold partitions before the kill: {owned}"
            w2.kill()
            killed = time.monotonic()
            while (_health(w1.port) or {}).get("assigned_partitions", 0) < sum(owned):
                assert time.monotonic() - killed < 300, "w1 never took w2's partitions"
                await asyncio.sleep(0.5)
            figures["takeover_s"] = round(time.monotonic() - killed, 1)
            await sender
            await _wait_done(col, s, len(s.items), 600, [w1])

    with stopping(w1, w2):
        # One after the other, as a deployment scales out (two first joins at once left
        # the second without partitions for 120 s in a loaded clean-clone run).
        w1.start()
        w1.wait_ready()
        w2.start()
        w2.wait_ready(timeout=240.0)
        asyncio.run(run())
        result = tables_audit(w1, s.expected)
        dups = duplicates(dep)
    report("two_workers_one_killed", {
        "articles": len(s.items), "lost": result.lost, "duplicated": result.duplicated,
        **figures, "output_messages": dups, "api_errors": result.errors})
    assert result.lost == 0 and result.duplicated == 0, result.kinds


@pytest.mark.soak
def test_steady_soak_keeps_lag_and_memory_flat(kafka_bootstrap: str, tmp_path: Path) -> None:
    seconds = float(os.environ.get("WIREDESK_SOAK_SECONDS", "600"))
    rate = 5.0
    s = stream(int(seconds * rate), seed=18)
    dep = deploy(kafka_bootstrap, tmp_path)
    # The one memory meant to grow after the first minute is RocksDB's shared cache and
    # memtables filling up to their bound (WIREDESK_ROCKSDB_MEMORY_MB, 128 MB by default:
    # at 5 articles/s that takes minutes). A 16 MB bound is full within the first minute,
    # so what the soak checks is that nothing else grows: no leak anywhere else.
    w = Worker(dep, extra_env={"WIREDESK_ROCKSDB_MEMORY_MB": "16"})
    samples: list[dict[str, float]] = []

    async def run() -> None:
        async with Collector(kafka_bootstrap, dep.prefix) as col:
            assert w.proc is not None
            proc = psutil.Process(w.proc.pid)
            t0 = time.monotonic()
            sender = asyncio.create_task(_send(kafka_bootstrap, dep.topic("articles.raw.v1"),
                                               s.items, rate=rate))
            while not sender.done():
                health = await asyncio.to_thread(_health, w.port) or {}
                samples.append({"t": round(time.monotonic() - t0, 1),
                                "lag": float(health.get("total_lag", -1)),
                                "rss_mb": round(proc.memory_info().rss / 2**20, 1),
                                "done": col.done(1, s.counts)})
                await asyncio.sleep(5.0)
            await sender
            await _wait_done(col, s, len(s.items), 300, [w])

    w.start()
    w.wait_ready()
    with stopping(w):
        asyncio.run(run())
        result = tables_audit(w, s.expected)
    after_first_minute = [x for x in samples if x["t"] >= min(60.0, seconds / 5)]
    base_rss = after_first_minute[0]["rss_mb"]
    lags = [x["lag"] for x in samples if x["lag"] >= 0]
    half = len(lags) // 2
    report("steady_soak", {
        "seconds": seconds, "rate": rate, "articles": len(s.items), "lost": result.lost,
        "duplicated": result.duplicated, "rss_mb_after_first_minute": base_rss,
        "rss_mb_max": max(x["rss_mb"] for x in after_first_minute),
        "lag_max_first_half": max(lags[:half] or [0]), "lag_max_second_half": max(lags[half:]),
        "samples": samples})
    assert result.lost == 0 and result.duplicated == 0, result.kinds
    assert all(abs(x["rss_mb"] - base_rss) <= 0.10 * base_rss for x in after_first_minute), \
        "RSS moved more than 10% from its value after the first minute"
    # Bounded: the lag at the end of the soak is no worse than early on (plus a margin
    # of a few seconds of articles' messages: a commit interval, a slow article).
    assert max(lags[half:]) <= max(2 * max(lags[:half] or [0]), 60), lags
