"""streams/opsdata.py: the /ops series come from the /metrics objects, as PromQL derives them."""

from __future__ import annotations

import math

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from streams import metrics
from streams.opsdata import Ring, Sample, quantile, series, take_sample


def _metrics() -> dict[str, object]:
    """Fresh metric objects shaped like streams/metrics.py's (a registry of their own)."""
    reg = CollectorRegistry()
    return {
        "processed": Counter("p_total", "", ["stage"], registry=reg),
        "failed": Counter("f_total", "", ["stage"], registry=reg),
        "dead": Counter("d_total", "", ["stage", "reason"], registry=reg),
        "lag": Gauge("l", "", ["topic", "partition"], registry=reg),
        "records": Counter("r_total", "", ["kind"], registry=reg),
        "latency": Histogram("h_seconds", "", buckets=(0.1, 1.0), registry=reg),
    }


def test_a_sample_reads_the_metric_objects_and_sums_lag_per_topic() -> None:
    m = _metrics()
    m["processed"].labels("enrich").inc(3)  # type: ignore[attr-defined]
    m["dead"].labels("normalize", "EmptyArticle").inc()  # type: ignore[attr-defined]
    m["lag"].labels("x.raw", "0").set(4)  # type: ignore[attr-defined]
    m["lag"].labels("x.raw", "1").set(2)  # type: ignore[attr-defined]
    m["latency"].observe(0.05)  # type: ignore[attr-defined]
    m["latency"].observe(0.5)  # type: ignore[attr-defined]
    s = take_sample(10.0, **m)
    assert s.processed == {"enrich": 3} and s.dead_letters == {"normalize/EmptyArticle": 1}
    assert s.lag == {"x.raw": 6}
    assert s.latency == ((0.1, 1), (1.0, 2), (math.inf, 2))


def test_the_default_sample_reads_what_metrics_exports() -> None:
    before = take_sample(0.0).processed.get("opsdata-test", 0.0)
    metrics.STAGE_PROCESSED.labels("opsdata-test").inc(2)
    assert take_sample(1.0).processed["opsdata-test"] == before + 2


def test_quantile_interpolates_like_histogram_quantile() -> None:
    buckets = [(0.1, 2.0), (1.0, 4.0), (math.inf, 4.0)]
    assert quantile(0.5, buckets) == pytest.approx(0.1)
    assert quantile(0.75, buckets) == pytest.approx(0.55)
    assert quantile(0.5, [(0.1, 0.0), (math.inf, 0.0)]) is None
    assert quantile(0.99, [(0.1, 0.0), (math.inf, 3.0)]) == 0.1  # +Inf: the largest bound


def test_series_rates_lag_latency_and_dead_letters() -> None:
    samples = [
        Sample(t=100.0, processed={"enrich": 0}, lag={"x.raw": 5},
               latency=((0.1, 0), (math.inf, 0))),
        Sample(t=102.0, processed={"enrich": 10}, lag={"x.raw": 0},
               dead_letters={"normalize/EmptyArticle": 1}, latency=((0.1, 10), (math.inf, 10))),
        Sample(t=104.0, processed={"enrich": 30, "normalize": 4}, lag={"x.raw": 0},
               dead_letters={"normalize/EmptyArticle": 3}, latency=((0.1, 10), (math.inf, 12))),
    ]
    out = series(samples, now=105.0, rate_window_s=2.0, latency_window_s=60.0)
    assert out["t"] == [-5.0, -3.0, -1.0]
    assert out["throughput"]["enrich"] == [None, 5.0, 10.0]
    assert out["throughput"]["normalize"] == [None, 0.0, 2.0]
    assert out["lag"]["x.raw"] == [5, 0, 0]
    assert out["dead_letters"]["normalize/EmptyArticle"] == [0.0, 1.0, 3.0]
    assert out["latency"]["p50"][0] is None and out["latency"]["p50"][1] == pytest.approx(0.05)
    assert out["latency"]["p99"][2] == pytest.approx(0.1)  # 2 of 12 above the last bound
    assert out["totals"]["processed"] == {"enrich": 30, "normalize": 4}
    assert out["totals"]["lag"] == 0


def test_series_of_nothing_and_the_ring_is_bounded() -> None:
    assert series([], now=0.0)["t"] == []
    ring = Ring(keep_s=10.0, every_s=2.0)
    for i in range(50):
        ring.add(Sample(t=float(i)))
    assert len(ring.samples) == 6 and ring.samples[-1].t == 49.0
