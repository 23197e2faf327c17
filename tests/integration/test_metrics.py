"""A real Prometheus scrapes a worker on the real broker and sees the counters move.

The test starts Debian's ``prometheus`` on loopback (a free port, a temporary
config and data folder, scraping every second), points it at one worker's
``/metrics`` and reads the numbers back through Prometheus' own query API, as
an operator's dashboard would. Like Chromium for the desk page tests, a missing
``prometheus`` binary fails the run under ``CI=true`` and skips it elsewhere
(``make test`` installs the package).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn

import orjson
import pytest

from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.http_helpers import wait_for
from tests.integration.kafka_helpers import send
from tests.integration.test_alerts import Receiver, SseClient, load_rules
from tests.integration.workers import free_port, new_deployment, running_worker

pytestmark = pytest.mark.integration

ARTICLES = [RawArticle(p.read_bytes(), "file", p.name)
            for p in sorted((FIXTURES / "articles").glob("*.txt"))]
#: Not an article: the normalize stage makes it a dead letter.
JUNK = RawArticle(b"   \n\n  ", "file", "blank.txt")


def rules_yaml(hook: str, dead: str) -> str:
    """One alert each from geneva_talks.txt: to a live webhook and to a dead one."""
    return f"""
rules:
  - id: sudan
    watch: entities
    where: {{entity: Sudan}}
    webhook: {{url: "{hook}"}}
  - id: rsf
    watch: entities
    where: {{entity: Rapid Support Forces}}
    webhook: {{url: "{dead}"}}
"""


def _give_up(reason: str) -> NoReturn:
    """As for the broker and Chromium: fail under CI, skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI needs Prometheus for the metrics test: {reason}", pytrace=False)
    pytest.skip(reason)


def _prometheus_binary() -> str:
    found = shutil.which("prometheus") or (
        "/usr/bin/prometheus" if Path("/usr/bin/prometheus").exists() else None)
    if found is None:
        _give_up("no prometheus: apt-get install -y prometheus (make test does it as root)")
    return found


class Prometheus:
    """A Prometheus server of the test's own, answering PromQL over HTTP."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"

    def query(self, promql: str) -> list[dict[str, object]]:
        """The instant vector ``promql`` gives now (``[]`` when it has no series yet)."""
        qs = urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{qs}", timeout=5) as r:
            body = orjson.loads(r.read())
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    def value(self, promql: str) -> float:
        """The one number ``promql`` gives (0 when it has no series yet)."""
        result = self.query(promql)
        return float(result[0]["value"][1]) if result else 0.0  # type: ignore[index]

    def wait(self, what: str, ok: Callable[[], bool], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while not ok():
            if time.monotonic() > deadline:
                raise AssertionError(f"Prometheus never saw: {what}")
            time.sleep(1.0)


@pytest.fixture
def prometheus_for(tmp_path: Path) -> Iterator[Callable[..., Prometheus]]:
    """Start a Prometheus that scrapes a worker's port every second (stopped at the end)."""
    binary = _prometheus_binary()
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[BinaryIO] = []

    def start(worker_port: int, config: dict[str, object] | None = None) -> Prometheus:
        """``config``: a whole Prometheus config (default: scrape the worker every second)."""
        port = free_port()
        path = tmp_path / "prometheus.yml"
        if config is not None:
            path.write_text(orjson.dumps(config).decode())  # JSON is YAML
        else:
            path.write_text(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: wiredesk\n    metrics_path: /metrics\n"
                f"    static_configs:\n      - targets: ['127.0.0.1:{worker_port}']\n")
        log = (tmp_path / "prometheus.log").open("ab")
        logs.append(log)
        procs.append(subprocess.Popen(
            [binary, f"--config.file={path}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
            stdout=log, stderr=subprocess.STDOUT))
        server = Prometheus(port)

        def ready() -> bool:
            if procs[-1].poll() is not None:
                raise AssertionError(f"prometheus exited; see {log.name}")
            try:
                with urllib.request.urlopen(f"{server.url}/-/ready", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        server.wait("its own start (/-/ready)", ready, timeout=60)
        return server

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for log in logs:
        log.close()


def test_prometheus_sees_the_counters_move_as_articles_flow(
        kafka_bootstrap: str, tmp_path: Path,
        prometheus_for: Callable[[int], Prometheus]) -> None:
    _prometheus_binary()
    (tmp_path / "deploy").mkdir()
    dep = new_deployment(kafka_bootstrap, tmp_path / "deploy")
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    rules = tmp_path / "rules.yaml"
    rules.write_text(rules_yaml(f"http://127.0.0.1:{receiver.server_address[1]}/hook",
                                f"http://127.0.0.1:{free_port()}/nobody-listens"))
    with running_worker(dep) as (_, port), contextlib.ExitStack() as stack:
        stack.callback(receiver.server_close)
        stack.callback(receiver.shutdown)
        prom = prometheus_for(port)
        prom.wait("the worker up", lambda: prom.value('up{job="wiredesk"}') == 1)
        enriched = 'sum(wiredesk_stage_processed_total{stage="enrich"})'
        assert prom.value(enriched) == 0  # nothing has flowed yet
        wait_for(port, "/alerts/webhooks", lambda s, b: s == 200 and b["assigned"] > 0)
        loaded = load_rules(dep, rules)
        assert loaded.returncode == 0, loaded.stderr
        wait_for(port, "/alerts/rules", lambda s, b: s == 200 and b["total"] == 2)
        sse = SseClient(port)
        stack.callback(sse.response.close)
        sse.start()

        send(dep, *ARTICLES, JUNK)
        for raw in ARTICLES:
            wait_for(port, f"/articles/{raw.key}",
                     lambda s, b: s == 200 and b["status"] == "processed")

        n = len(ARTICLES)
        prom.wait(f"{n} articles enriched", lambda: prom.value(enriched) >= n)
        assert prom.value('sum(wiredesk_stage_processed_total{stage="normalize"})') >= n
        prom.wait("records out per kind", lambda: {
            s["metric"]["kind"] for s in prom.query("wiredesk_records_out_total > 0")  # type: ignore[index]
        } >= {"quotes", "entities", "figures"})
        prom.wait("the dead letter of the blank article", lambda: prom.value(
            'sum(wiredesk_dead_letters_total{stage="normalize"})') >= 1)
        assert prom.value('sum(wiredesk_stage_failed_total{stage="normalize"})') >= 1
        prom.wait("received->output latencies", lambda: prom.value(
            "wiredesk_received_to_output_seconds_count") >= n)
        p50 = prom.value("histogram_quantile(0.5, wiredesk_received_to_output_seconds_bucket)")
        assert 0 < p50 < 120
        prom.wait("lag per topic-partition", lambda: len(prom.query(
            "wiredesk_consumer_lag_messages")) >= dep.partitions)
        prom.wait("table sizes", lambda: prom.value(
            'wiredesk_table_keys{table="articles"}') >= n)
        prom.wait("two alerts raised", lambda: prom.value("wiredesk_alerts_raised_total") >= 2)
        assert prom.value("wiredesk_received_to_alert_seconds_count") >= 2
        prom.wait("webhook and SSE deliveries", lambda: prom.value(
            'wiredesk_alerts_delivered_total{channel="webhook"}') >= 1 and prom.value(
            'wiredesk_alerts_delivered_total{channel="sse"}') >= 2)
        prom.wait("the dead webhook's failure (after its retries)", lambda: prom.value(
            'wiredesk_alerts_failed_total{channel="webhook"}') >= 1)
        assert len(receiver.posts) == 1
        # Counters only go up: a later scrape never shows fewer enriched articles.
        assert prom.value(enriched) >= n
