"""The operations view's numbers: samples of the worker's Prometheus metrics, kept briefly.

``/ops`` draws throughput, lag, latency percentiles and dead letters "over the
last minutes", but ``prometheus_client`` keeps only the current totals. So the
worker reads the very metric objects ``/metrics`` serves (``streams/metrics.py``)
every few seconds into a bounded ring (``Ring``) and derives the series from
those samples on request, the way PromQL's ``rate`` and ``histogram_quantile``
would from a scraper's history: no second bookkeeping, the page and Prometheus
see the same counters. Nothing here imports the app: the sampling and the
arithmetic are unit-tested on metrics built by hand.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from streams import metrics

__all__ = ["EVERY_S", "KEEP_S", "QUANTILES", "Ring", "Sample", "quantile", "series",
           "take_sample"]

#: Seconds between samples, and how much history the ring keeps (10 minutes).
EVERY_S = 2.0
KEEP_S = 600.0
#: Latency percentiles the page draws.
QUANTILES = (0.5, 0.95, 0.99)


@dataclass(frozen=True)
class Sample:
    """The totals of one moment (counters only go up within one worker process)."""

    t: float
    processed: dict[str, float] = field(default_factory=dict)  # stage -> messages
    failed: dict[str, float] = field(default_factory=dict)  # stage -> messages
    dead_letters: dict[str, float] = field(default_factory=dict)  # "stage/reason" -> messages
    lag: dict[str, float] = field(default_factory=dict)  # topic -> sum over its partitions
    records_out: dict[str, float] = field(default_factory=dict)  # kind -> records
    #: received->output latency: (upper bound, cumulative count), +Inf last.
    latency: tuple[tuple[float, float], ...] = ()


def _values(metric: Any, suffix: str = "") -> Iterable[tuple[dict[str, str], float]]:
    """(labels, value) of each series of a client metric object, as a scrape reads them."""
    for family in metric.collect():
        for s in family.samples:
            if s.name == family.name + suffix:
                yield s.labels, s.value


def _by(metric: Any, *labels: str, suffix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for got, value in _values(metric, suffix):
        key = "/".join(got[name] for name in labels)
        out[key] = out.get(key, 0.0) + value
    return out


def take_sample(t: float, *, processed: Any = metrics.STAGE_PROCESSED,
                failed: Any = metrics.STAGE_FAILED, dead: Any = metrics.DEAD_LETTERS,
                lag: Any = metrics.CONSUMER_LAG, records: Any = metrics.RECORDS_OUT,
                latency: Any = metrics.RECEIVED_TO_OUTPUT) -> Sample:
    """Read the metric objects (the defaults are the ones ``/metrics`` exports) at time ``t``."""
    buckets = sorted(((math.inf if labels["le"] == "+Inf" else float(labels["le"])), value)
                     for labels, value in _values(latency, "_bucket"))
    return Sample(t=t, processed=_by(processed, "stage", suffix="_total"),
                  failed=_by(failed, "stage", suffix="_total"),
                  dead_letters=_by(dead, "stage", "reason", suffix="_total"),
                  lag=_by(lag, "topic"), records_out=_by(records, "kind", suffix="_total"),
                  latency=tuple(buckets))


class Ring:
    """The newest samples, at most ``KEEP_S / EVERY_S`` of them (bounded memory)."""

    def __init__(self, keep_s: float = KEEP_S, every_s: float = EVERY_S) -> None:
        self.samples: deque[Sample] = deque(maxlen=int(keep_s / every_s) + 1)

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)


def quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """Prometheus' ``histogram_quantile`` over cumulative buckets (``None``: no observations).

    Linear interpolation inside the bucket that holds the rank; a rank in the ``+Inf``
    bucket answers the largest finite bound, as Prometheus does.
    """
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower
            if count == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower


def _delta(new: dict[str, float], old: dict[str, float]) -> dict[str, float]:
    return {k: v - old.get(k, 0.0) for k, v in new.items()}


def _window_start(samples: Sequence[Sample], i: int, window_s: float) -> int:
    """The oldest sample no more than ``window_s`` before sample ``i`` (``i`` itself if none)."""
    j = i
    while j > 0 and samples[i].t - samples[j - 1].t <= window_s + 1e-9:
        j -= 1
    return j


def series(samples: Sequence[Sample], *, now: float, rate_window_s: float = 10.0,
           latency_window_s: float = 60.0) -> dict[str, Any]:
    """What the page draws: one value per sample for each line, oldest first.

    Args:
        samples: The ring's samples, oldest first.
        now: The time the answer is for (sample times become seconds before it).
        rate_window_s: Throughput is the increase over this window, per second.
        latency_window_s: Percentiles of the latencies observed in this window.

    Returns:
        ``t`` (seconds relative to ``now``, negative), ``throughput`` (per stage, msg/s),
        ``lag`` (per topic, messages), ``latency`` (``p50``/``p95``/``p99`` seconds or
        ``None`` where nothing was observed), ``dead_letters`` (per stage/reason, the
        increase since the first sample) and ``totals`` (the newest counters).
    """
    out: dict[str, Any] = {"every_s": EVERY_S, "t": [], "throughput": {}, "lag": {},
                           "latency": {f"p{round(q * 100)}": [] for q in QUANTILES},
                           "dead_letters": {}, "totals": {}}
    if not samples:
        return out
    stages = sorted({k for s in samples for k in s.processed})
    topics = sorted({k for s in samples for k in s.lag})
    dead = sorted({k for s in samples for k in s.dead_letters})
    for name in stages:
        out["throughput"][name] = []
    for name in topics:
        out["lag"][name] = []
    for name in dead:
        out["dead_letters"][name] = []
    first = samples[0]
    for i, s in enumerate(samples):
        out["t"].append(round(s.t - now, 3))
        j = _window_start(samples, i, rate_window_s)
        span = s.t - samples[j].t
        moved = _delta(s.processed, samples[j].processed)
        for name in stages:
            out["throughput"][name].append(round(moved.get(name, 0.0) / span, 3)
                                           if span > 0 else None)
        for name in topics:
            out["lag"][name].append(s.lag.get(name))
        for name in dead:
            out["dead_letters"][name].append(
                s.dead_letters.get(name, 0.0) - first.dead_letters.get(name, 0.0))
        k = _window_start(samples, i, latency_window_s)
        old = dict(samples[k].latency)
        window = [(bound, count - old.get(bound, 0.0)) for bound, count in s.latency]
        for q in QUANTILES:
            value = quantile(q, window) if k < i else None
            out["latency"][f"p{round(q * 100)}"].append(
                None if value is None else round(value, 4))
    last = samples[-1]
    out["totals"] = {"processed": last.processed, "failed": last.failed,
                     "dead_letters": last.dead_letters, "records_out": last.records_out,
                     "lag": sum(last.lag.values()),
                     "latency_count": last.latency[-1][1] if last.latency else 0.0}
    return out
