"""streams/metrics.py: names follow Prometheus' conventions; lag series follow assignment."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from streams import metrics


def _families(registry: CollectorRegistry | None = None) -> dict[str, object]:
    body, content_type = metrics.render(registry=registry) if registry else metrics.render()
    assert content_type.startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(body.decode())}


def test_every_wiredesk_metric_follows_the_naming_conventions() -> None:
    names = set(_families())
    ours = [n for n in names if n.startswith("wiredesk_")]
    assert len(ours) >= 10
    assert all(n.endswith(("_seconds", "_messages", "_keys")) or n in (
        "wiredesk_stage_processed", "wiredesk_stage_failed", "wiredesk_records_out",
        "wiredesk_dead_letters", "wiredesk_alerts_delivered", "wiredesk_alerts_failed",
        "wiredesk_alerts_raised") for n in ours), ours
    for name in ("wiredesk_stage_processed", "wiredesk_stage_failed", "wiredesk_records_out",
                 "wiredesk_dead_letters", "wiredesk_alerts_delivered", "wiredesk_alerts_failed",
                 "wiredesk_alerts_raised"):
        assert name in names  # counters: the parser drops the _total suffix
    assert {"wiredesk_received_to_output_seconds", "wiredesk_received_to_alert_seconds",
            "wiredesk_consumer_lag_messages"} <= names


def test_lag_gauges_follow_the_assignment() -> None:
    metrics.set_lag({"t.raw:0": 5, "t.raw:1": 0})
    metrics.set_lag({"t.raw:1": 7})
    samples = {(s.labels["topic"], s.labels["partition"]): s.value
               for s in _families()["wiredesk_consumer_lag_messages"].samples}  # type: ignore[attr-defined]
    assert samples.get(("t.raw", "1")) == 7 and ("t.raw", "0") not in samples
    metrics.set_lag({})


def test_table_sizes_are_read_at_scrape_time() -> None:
    registry = CollectorRegistry()
    sizes = {"articles": 3}
    registry.register(metrics.TableSizes(lambda: sizes.items()))
    sizes["articles"] = 4
    family = _families(registry)["wiredesk_table_keys"]
    assert [(s.labels["table"], s.value) for s in family.samples] == [("articles", 4)]  # type: ignore[attr-defined]


def test_openmetrics_when_the_scraper_asks_for_it() -> None:
    _, content_type = metrics.render("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text")
