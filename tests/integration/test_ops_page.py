"""The operations view (``/ops``) in a real headless Chromium, on a real worker and broker.

The page is opened on an idle worker, then a burst of articles is sent to the raw
topic; the throughput and lag panels must move (their peaks over the page's
history go above 0, the lag legend names the input topics) and the totals line
must count the articles, all from ``/ops/data``, i.e. from the worker's own
Prometheus metric objects. Like the desk page tests, the page may ask nothing of
anyone but the worker, and a screenshot goes to ``test-output/ops/``.
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.browser import chromium_or_give_up
from tests.integration.http_helpers import get, wait_for
from tests.integration.kafka_helpers import send
from tests.integration.workers import ROOT, new_deployment, running_worker

pytestmark = pytest.mark.integration

OUTPUT = ROOT / "test-output" / "ops"
#: Copies of each fixture article under distinct ids: enough work for the lag to show.
COPIES = 60
FLOW_S = 180  # a busy 2-core machine


def _burst() -> list[RawArticle]:
    files = sorted((FIXTURES / "articles").glob("*.txt"))
    return [RawArticle(p.read_bytes(), "file", f"ops-{i}-{p.name}")
            for i in range(COPIES) for p in files]


@pytest.fixture(scope="module")
def worker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(deployment, web port) of an idle worker."""
    tmp = tmp_path_factory.mktemp("ops")
    dep = new_deployment(kafka_bootstrap, tmp)
    settings = Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                        topic_partitions=dep.partitions)
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API runs a loop in this thread
        pool.submit(asyncio.run, ensure_topics(settings)).result()
    with running_worker(dep) as (_, port):
        yield dep, port


def test_the_throughput_and_lag_panels_move_as_articles_flow(worker: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    dep, port = worker
    articles = _burst()
    with chromium_or_give_up() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      reduced_motion="reduce")
        context.set_default_timeout(20_000)
        page = context.new_page()
        asked: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"http://127.0.0.1:{port}/ops")
            expect(page.locator("#status")).to_have_attribute("data-state", "live")
            for panel in ("throughput", "lag", "latency", "dead-letters"):
                expect(page.locator(f"#{panel} .chart svg")).to_be_attached()
            # Idle: nothing processed yet.
            assert float(page.locator("#throughput").get_attribute("data-peak") or 0) == 0
            expect(page.locator("#lag .legend li[data-name]").first).to_be_attached(
                timeout=30_000)  # the assigned input topics, at lag 0

            with ThreadPoolExecutor(1) as pool:
                pool.submit(send, dep, *articles).result()

            def peak(panel: str) -> float:
                return float(page.locator(f"#{panel}").get_attribute("data-peak") or 0)

            page.wait_for_function(
                "() => Number(document.querySelector('#lag').dataset.peak) > 0",
                timeout=FLOW_S * 1000, polling=500)
            page.wait_for_function(
                "() => Number(document.querySelector('#throughput').dataset.peak) > 0",
                timeout=FLOW_S * 1000, polling=500)
            # Every article through enrich, as /metrics counts it, then on the page too.
            n = len(articles)
            wait_for(port, "/ops/data", lambda s, b: s == 200 and b["totals"]["processed"].get(
                "enrich", 0) >= n, timeout=FLOW_S)
            expect(page.locator("#throughput .legend li[data-name='enrich']")).to_be_attached()
            expect(page.locator("#lag .legend li[data-name$='articles.raw.v1']")).to_be_attached()
            expect(page.locator("#throughput :is(polyline, circle)").first).to_be_attached()
            expect(page.locator("#latency .legend li[data-name='p50']")).to_be_attached()
            page.wait_for_function(
                "() => Number(document.querySelector('#latency').dataset.peak) > 0",
                timeout=30_000, polling=500)
            assert peak("throughput") > 0 and peak("lag") > 0
            # The same counter /metrics serves.
            status, data = get(port, "/ops/data")
            scraped = sum(float(line.rsplit(" ", 1)[1]) for line in _scrape(port)
                          if line.startswith('wiredesk_stage_processed_total{stage="enrich"'))
            assert status == 200 and scraped >= data["totals"]["processed"]["enrich"] >= n
            # Caught up: the page says so (and the screenshot shows the whole burst).
            expect(page.locator("#totals")).to_contain_text("lag now 0.", timeout=FLOW_S * 1000)
            OUTPUT.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUTPUT / "ops-1280.png"), full_page=True)
            (tmp_path / "ops-1280.png").write_bytes((OUTPUT / "ops-1280.png").read_bytes())
            assert errors == []
            assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in asked), asked
        finally:
            context.close()
        # At phone width: one column, nothing wider than the screen.
        phone = browser.new_context(viewport={"width": 375, "height": 800},
                                    reduced_motion="reduce")
        try:
            small = phone.new_page()
            small.goto(f"http://127.0.0.1:{port}/ops")
            expect(small.locator("#status")).to_have_attribute("data-state", "live",
                                                               timeout=20_000)
            expect(small.locator("#throughput polyline").first).to_be_attached(timeout=20_000)
            assert small.evaluate("document.documentElement.scrollWidth") <= 375
            small.screenshot(path=str(OUTPUT / "ops-375.png"), full_page=True)
        finally:
            phone.close()



def _scrape(port: int) -> list[str]:
    """The lines of the worker's ``/metrics`` (text format)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        return r.read().decode().splitlines()
