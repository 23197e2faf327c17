"""Every Prometheus metric the worker exports at ``GET /metrics``, defined in one place.

The places that count import the metric objects from here and increment them
(the stage runner, the enrich agent, the dead letters, the webhook sender, the
alert stream); the lag gauges are set by the stall watchdog, which asks the
broker for high-water marks every 5 s anyway, and the table sizes are read
when Prometheus scrapes. Counting stays cheap on the hot path: a worker reads
one message per article per stage, so the counters move per message or per
batch of records (one ``inc(n)`` per kind and article), never per Kafka
message an article fans out to. ``prometheus_client`` keeps the values in this
process; every worker serves its own.

Names follow Prometheus' conventions: the ``wiredesk_`` prefix, ``_total`` for
counters, base units (``_seconds``) and labels for the dimensions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

__all__ = [
    "ALERTS_DELIVERED",
    "ALERTS_FAILED",
    "ALERTS_RAISED",
    "CONSUMER_LAG",
    "CONTENT_TYPE",
    "DEAD_LETTERS",
    "LATENCY_BUCKETS",
    "RECEIVED_TO_ALERT",
    "RECEIVED_TO_OUTPUT",
    "RECORDS_OUT",
    "STAGE_FAILED",
    "STAGE_PROCESSED",
    "TableSizes",
    "labelled",
    "render",
    "set_lag",
    "watch_tables",
]

# No `*_created` series beside every counter and histogram: Prometheus does not need
# them in the text format, and they double what a scrape carries.
disable_created_metrics()

#: The classic text format's content type (what a browser or curl gets).
CONTENT_TYPE = CONTENT_TYPE_LATEST

#: Seconds: an article takes ~10-50 ms through a warm worker; a backlog, minutes.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                   60.0, 300.0)

STAGE_PROCESSED = Counter(
    "wiredesk_stage_processed_total",
    "Messages a stage processed and sent on (normalize and enrich: one per article; "
    "materialize: one per table partition an article's view updates touch; alerts: one "
    "per rule message).",
    ["stage"])
STAGE_FAILED = Counter(
    "wiredesk_stage_failed_total",
    "Messages a stage rejected (each became a dead letter).", ["stage"])
RECORDS_OUT = Counter(
    "wiredesk_records_out_total",
    "Records sent to the public output topics, per kind (events, quotes, figures, "
    "entities).", ["kind"])
DEAD_LETTERS = Counter(
    "wiredesk_dead_letters_total",
    "Messages sent to a dead-letter topic, per stage and reason class (the StageError "
    "subclass, or 'unexpected' for a bug).", ["stage", "reason"])
CONSUMER_LAG = Gauge(
    "wiredesk_consumer_lag_messages",
    "Messages behind the high-water mark, per assigned input topic-partition (changelogs "
    "left out), as of the last check (every 5 s).", ["topic", "partition"])
RECEIVED_TO_OUTPUT = Histogram(
    "wiredesk_received_to_output_seconds",
    "From an article's arrival (its received-at) to its records being sent, per article "
    "(replays are not observed).", buckets=LATENCY_BUCKETS)
RECEIVED_TO_ALERT = Histogram(
    "wiredesk_received_to_alert_seconds",
    "From an article's arrival (its received-at) to an alert it raised being sent, per "
    "alert (replays are not observed).", buckets=LATENCY_BUCKETS)
ALERTS_RAISED = Counter(
    "wiredesk_alerts_raised_total", "Alerts the rules raised and sent to the alerts topic.")
ALERTS_DELIVERED = Counter(
    "wiredesk_alerts_delivered_total",
    "Alerts delivered, per channel (webhook: a 2xx answer; sse: written to a "
    "/alerts/stream client).", ["channel"])
ALERTS_FAILED = Counter(
    "wiredesk_alerts_failed_total",
    "Alerts that could not be delivered, per channel (webhook: every retry failed, or "
    "dropped from a full queue; sse: the client went away).", ["channel"])

for _channel in ("webhook", "sse"):  # the series exist (at 0) before the first alert
    ALERTS_DELIVERED.labels(_channel)
    ALERTS_FAILED.labels(_channel)


_children: dict[tuple[object, tuple[str, ...]], Any] = {}


def labelled(metric: Any, *values: str) -> Any:
    """``metric.labels(*values)``, looked up once: the client's ``labels()`` validates and
    locks on every call (about 2x the cost of the ``inc()`` itself)."""
    key = (metric, values)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*values)
    return child


_lag_series: set[tuple[str, str]] = set()


def set_lag(lag: dict[str, int]) -> None:
    """Set the lag gauges to ``{"topic:partition": messages}``; drop partitions not in it."""
    wanted = {}
    for name, value in lag.items():
        topic, partition = name.rsplit(":", 1)
        wanted[(topic, partition)] = value
    for labels in _lag_series - wanted.keys():  # partitions revoked since the last check
        CONSUMER_LAG.remove(*labels)
    for (topic, partition), value in wanted.items():
        CONSUMER_LAG.labels(topic, partition).set(value)
    _lag_series.clear()
    _lag_series.update(wanted)


class TableSizes(Collector):
    """``wiredesk_table_keys{table}``: keys held by this worker, read at scrape time."""

    def __init__(self, sizes: Callable[[], Iterable[tuple[str, int]]]) -> None:
        self._sizes = sizes

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "wiredesk_table_keys",
            "Keys in each table's local partitions on this worker (RocksDB's estimate; "
            "global tables hold every partition).", labels=["table"])
        for name, size in self._sizes():
            family.add_metric([name], size)
        yield family


_tables: list[TableSizes] = []


def watch_tables(sizes: Callable[[], Iterable[tuple[str, int]]],
                 registry: CollectorRegistry = REGISTRY) -> TableSizes:
    """Export table sizes from ``sizes()`` (once per process: a second call replaces it)."""
    for old in _tables:
        registry.unregister(old)
    _tables.clear()
    collector = TableSizes(sizes)
    registry.register(collector)
    _tables.append(collector)
    return collector


def render(accept: str | None = None,
           registry: CollectorRegistry = REGISTRY) -> tuple[bytes, str]:
    """Every metric (and the process's own, from the client) and its content type.

    ``accept`` is the scraper's ``Accept`` header: Prometheus asks for OpenMetrics
    when it can; anything else gets the classic text format.
    """
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type
