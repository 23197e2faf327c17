"""The Grafana dashboard's queries answer on a real Prometheus scraping a real worker.

``tests/unit/test_monitoring.py`` checks the names; this runs the compose
profile's own ``deploy/prometheus/prometheus.yml`` in Debian's ``prometheus``
(only the target is moved to the test's worker, and scraping made faster), lets
articles (and one dead letter) flow, and then asks Prometheus every query of
every panel of ``deploy/grafana/dashboards/wiredesk.json``, as Grafana would
(``$__rate_interval`` as 1m): each must answer without error and with series.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.http_helpers import wait_for
from tests.integration.kafka_helpers import send
from tests.integration.test_metrics import (  # noqa: F401 (prometheus_for is a fixture)
    ARTICLES,
    JUNK,
    Prometheus,
    prometheus_for,
)
from tests.integration.workers import ROOT, new_deployment, running_worker

pytestmark = pytest.mark.integration

CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "wiredesk.json"


def test_every_dashboard_query_answers_with_series(
        kafka_bootstrap: str, tmp_path: Path,
        prometheus_for: Callable[..., Prometheus]) -> None:  # noqa: F811
    (tmp_path / "deploy").mkdir()
    dep = new_deployment(kafka_bootstrap, tmp_path / "deploy")
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    with running_worker(dep) as (_, port):
        config = yaml.safe_load(CONFIG.read_text())
        config["global"].update(scrape_interval="1s", scrape_timeout="1s")
        (job,) = config["scrape_configs"]
        job["static_configs"] = [{"targets": [f"127.0.0.1:{port}"]}]
        prom = prometheus_for(port, config=config)
        prom.wait("the worker up", lambda: prom.value('up{job="wiredesk"}') == 1)
        send(dep, *ARTICLES, JUNK)
        for raw in ARTICLES:
            wait_for(port, f"/articles/{raw.key}",
                     lambda s, b: s == 200 and b["status"] == "processed", timeout=120)
        prom.wait("the articles scraped", lambda: prom.value(
            'sum(wiredesk_stage_processed_total{stage="enrich"})') >= len(ARTICLES))
        prom.wait("the dead letter scraped", lambda: prom.value(
            "sum(wiredesk_dead_letters_total)") >= 1)
        queries = [(panel["title"], target["expr"].replace("$__rate_interval", "1m"))
                   for panel in json.loads(DASHBOARD.read_text())["panels"]
                   for target in panel["targets"]]
        assert len(queries) >= 8
        for title, expr in queries:
            prom.wait(f"{title}: {expr}", lambda e=expr: bool(prom.query(e)), timeout=60)
