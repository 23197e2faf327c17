"""The desk page in a real headless Chromium, on a real worker and broker.

One deployment for the module: a worker with two alert rules, the page opened
before anything is ingested (the empty state), then the seed article ingested
with ``wiredesk ingest``, as the empty state says. The page must show the
article arriving live, open it with Mustafa Bali's two direct quotes marked in
the text, answer "Daesh" with the Islamic State, work by keyboard and at phone
width, show the broker-lost state, and fetch nothing from anywhere but the
worker; the feed behind it must resume from an event id. Screenshots go to
``test-output/desk/`` (git-ignored) and the test's tmp dir; the README's
``docs/desk.png`` is a copy of ``desk-1280.png``. Playwright is imported inside
the tests, so a machine without it skips (or, under CI, fails) in the
``browser`` fixture with a message instead of an import error.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.browser import chromium_or_give_up
from tests.integration.http_helpers import get, wait_for
from tests.integration.workers import ROOT, new_deployment, running_worker

pytestmark = pytest.mark.integration

HEADLINE = "Islamic State Strikes Back in Last Stand at Baghuz"
OUTPUT = ROOT / "test-output" / "desk"
ARRIVAL_S = 120  # ingest to the page, on a busy 2-core machine
RULES = """
rules:
  - id: votel-quotes
    watch: quotes
    where: {speaker: Joseph Votel}
  - id: syria-explosions
    watch: events
    where: {type: Explosions/Remote violence, place: {in: [Syria, Baghuz]}}
"""


@pytest.fixture(scope="module")
def worker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(deployment, web port) of a worker with the rules loaded and nothing ingested."""
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    tmp = tmp_path_factory.mktemp("desk")
    dep = new_deployment(kafka_bootstrap, tmp)
    settings = Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                        topic_partitions=dep.partitions)
    # In a thread: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, ensure_topics(settings)).result()
    (tmp / "rules.yaml").write_text(RULES)
    with running_worker(dep) as (_, port):
        loaded = subprocess.run([sys.executable, "-m", "streams.cli", "rules", "load",
                                 str(tmp / "rules.yaml")], cwd=ROOT, env=dep.env(),
                                capture_output=True, text=True, timeout=60)
        assert loaded.returncode == 0, loaded.stderr
        wait_for(port, "/alerts/rules", lambda s, b: s == 200 and b["total"] == 2)
        yield dep, port


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched headless by Playwright, for the whole module."""
    with chromium_or_give_up() as launched:
        yield launched


@pytest.fixture
def shots(tmp_path: Path) -> Any:
    """Save a page's screenshot under test-output/desk/ and the test's tmp dir."""
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def shoot(page: Any, name: str, **options: Any) -> Path:
        path = OUTPUT / name
        page.screenshot(path=str(path), **options)
        (tmp_path / name).write_bytes(path.read_bytes())
        return path

    return shoot


@dataclass
class Opened:
    """A fresh browser context and page on the worker, with what the page asked and threw."""

    context: Any
    page: Any
    asked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _open(browser: Any, port: int, width: int = 1280, height: int = 900) -> Opened:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  reduced_motion="reduce")
    context.set_default_timeout(20_000)
    opened = Opened(context, context.new_page())
    opened.page.on("request", lambda request: opened.asked.append(request.url))
    opened.page.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.page.goto(f"http://127.0.0.1:{port}/")
    return opened


def test_the_seed_arrives_live_and_opens_with_bali_s_quotes_marked(
        browser: Any, worker: Any, shots: Any) -> None:
    from playwright.sync_api import expect

    dep, port = worker
    opened = _open(browser, port)
    page = opened.page
    try:
        # Nothing ingested yet: the page says what to do.
        empty = page.locator("#empty")
        expect(empty).to_be_visible()
        expect(empty).to_contain_text("wiredesk ingest")
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
        shots(page, "desk-empty.png")

        ingest = subprocess.run([sys.executable, "-m", "streams.cli", "ingest", str(SEED)],
                                cwd=ROOT, env=dep.env(), capture_output=True, text=True,
                                timeout=120)
        assert ingest.returncode == 0, ingest.stderr
        item = page.locator("#feed li.article", has_text=HEADLINE)
        expect(item).to_be_visible(timeout=ARRIVAL_S * 1000)
        expect(item).to_have_class(re.compile(r"\bnew\b"))  # it came after the page loaded
        expect(empty).to_be_hidden()
        expect(item.locator(".source")).to_have_text("file")
        expect(item.locator(".latency")).to_have_text(re.compile(r"^in [\d.]+ (ms|s)$"))
        expect(item.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
        alert = page.locator("#feed li.alert", has_text="votel-quotes")
        expect(alert).to_be_visible(timeout=60_000)
        expect(alert).to_contain_text("Joseph Votel")

        item.locator("a").click()
        expect(page.locator("#article-title")).to_have_text(HEADLINE)
        bali = page.locator('#article li.speaker[data-speaker="Mustafa Bali"]')
        expect(bali.locator("h4")).to_contain_text("Mustafa Bali")
        direct = bali.locator("button").filter(has=page.get_by_text("direct", exact=True))
        expect(direct).to_have_count(2)
        for button in direct.all():
            ref = button.get_attribute("data-ref")
            quote = button.locator("q").inner_text()
            pieces = page.locator(f'#article-body mark[data-kind="quote"][data-ref="{ref}"]')
            assert "".join(pieces.all_text_contents()) == quote
            anchor = page.locator(f"#r-quote-{ref}")
            expect(anchor).to_be_visible()
            colour = anchor.evaluate("mark => getComputedStyle(mark).backgroundColor")
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
        page.evaluate("window.scrollTo(0, 0)")
        page.mouse.move(0, 0)
        shots(page, "desk-1280.png")  # the README's docs/desk.png

        # Clicking an item of the side list scrolls to it in the text and focuses it.
        last = direct.nth(1)
        last.click()
        anchor = page.locator(f"#r-quote-{last.get_attribute('data-ref')}")
        expect(anchor).to_be_focused()
        expect(anchor).to_be_in_viewport()

        page.fill("#entity", "Daesh")
        page.press("#entity", "Enter")
        expect(page.locator("#results-title")).to_have_text("Islamic State")
        expect(page.locator("#results-body")).to_contain_text("Daesh")
        expect(page.locator("#results-body")).to_contain_text("ORG")

        page.fill("#place", "Baghuz")
        page.fill("#day", "2019-03-12")
        page.click("#search-place button")
        expect(page.locator("#results-title")).to_have_text(
            re.compile(r"^Events at Baghuz on 2019-03-12 \(\d+\)$"))
        expect(page.locator("#results-body li").first).to_be_visible()
        shots(page, "desk-search.png", full_page=True)

        base = f"http://127.0.0.1:{port}/"
        assert opened.asked and all(url.startswith(base) for url in opened.asked), \
            [u for u in opened.asked if not u.startswith(base)]
        assert opened.errors == []
    finally:
        opened.context.close()


def test_the_keyboard_reaches_a_quote_from_the_speaker_search(browser: Any,
                                                              worker: Any) -> None:
    from playwright.sync_api import expect

    _, port = worker
    wait_for(port, "/speakers/Mustafa Bali/quotes", lambda s, b: s == 200 and b["total"] == 3,
             timeout=ARRIVAL_S)
    opened = _open(browser, port)
    page = opened.page
    try:
        expect(page.locator("#feed li.article", has_text=HEADLINE)).to_be_visible()
        page.keyboard.press("Tab")
        expect(page.locator("a.skip")).to_be_focused()  # the first stop skips the feed
        page.keyboard.press("/")
        expect(page.locator("#speaker")).to_be_focused()
        page.keyboard.type("mustafa bali")
        page.keyboard.press("Enter")
        expect(page.locator("#results-title")).to_have_text("Quotes by Mustafa Bali (3)")
        expect(page.locator("#results-title")).to_be_focused()
        page.keyboard.press("Tab")
        link = page.locator("#results-body a").first
        expect(link).to_be_focused()
        ref = (link.get_attribute("href") or "").rsplit("/", 1)[-1]
        page.keyboard.press("Enter")
        expect(page.locator(f"#r-quote-{ref}")).to_be_focused()
        assert opened.errors == []
    finally:
        opened.context.close()


def test_the_article_reads_at_phone_width(browser: Any, worker: Any, shots: Any) -> None:
    from playwright.sync_api import expect

    _, port = worker
    opened = _open(browser, port, width=390, height=844)
    page = opened.page
    try:
        item = page.locator("#feed li.article", has_text=HEADLINE)
        expect(item).to_be_visible(timeout=ARRIVAL_S * 1000)
        item.locator("a").click()
        expect(page.locator("#article-title")).to_have_text(HEADLINE)
        expect(page.locator('#article li.speaker[data-speaker="Mustafa Bali"]')).to_be_visible()
        scroll, inner = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"horizontal scrolling at phone width: {scroll} > {inner}"
        shots(page, "desk-phone.png")
        assert opened.errors == []
    finally:
        opened.context.close()


def test_a_lost_broker_and_a_silent_worker_are_shown(browser: Any, worker: Any) -> None:
    from playwright.sync_api import expect

    _, port = worker
    opened = _open(browser, port)
    page = opened.page
    try:
        banner = page.locator("#broker-error")
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
        expect(banner).to_be_hidden()
        # What /health answers when the worker cannot reach Kafka (streams/health.py).
        lost = {"status": "unavailable", "broker_connected": False, "broker": "127.0.0.1:9",
                "error": "KafkaConnectionError: Unable to bootstrap"}
        page.route("**/health", lambda route: route.fulfill(status=503, json=lost))
        expect(banner).to_be_visible(timeout=15_000)
        expect(banner).to_contain_text("lost the Kafka broker")
        expect(banner).to_contain_text("127.0.0.1:9")
        expect(page.locator("#status")).to_have_attribute("data-state", "error")
        page.unroute("**/health")
        page.route("**/health", lambda route: route.abort())
        expect(page.locator("#broker-error-title")).to_have_text("The worker does not answer",
                                                                 timeout=15_000)
        page.unroute("**/health")
        expect(banner).to_be_hidden(timeout=15_000)
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
    finally:
        opened.context.close()


def _feed_until_ready(port: int, query: str = "", **headers: str) -> list[tuple[str, str, Any]]:
    """(event, id, data) of /desk/stream up to and including its ``ready`` event."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/desk/stream{query}",
                                     headers=headers)
    events: list[tuple[str, str, Any]] = []
    fields: dict[str, str] = {}
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        for raw in response:
            line = raw.decode().rstrip("\r\n")
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value
            elif not line and "event" in fields:
                events.append((fields["event"], fields.get("id", ""),
                               orjson.loads(fields.get("data") or "null")))
                if fields["event"] == "ready":
                    return events
                fields = {}
    raise AssertionError(f"the stream ended before ready: {events}")


def test_the_feed_sends_recent_articles_then_ready_and_resumes(worker: Any) -> None:
    _, port = worker
    wait_for(port, "/speakers/Mustafa Bali/quotes", lambda s, b: s == 200, timeout=ARRIVAL_S)
    first = _feed_until_ready(port, "?recent=5")
    articles = [e for e in first if e[0] == "article"]
    assert [a[2]["headline"] for a in articles] == [HEADLINE]
    assert articles[0][2]["source"] == "file" and articles[0][2]["counts"]["quotes"] == 17
    # Resuming from the last event id sends nothing old; recent=0 only what comes next.
    assert _feed_until_ready(port, **{"Last-Event-ID": articles[0][1]}) == [("ready", "", {})]
    assert _feed_until_ready(port, "?recent=0") == [("ready", "", {})]
    assert get(port, "/desk/stream", recent="many")[0] == 400
    assert get(port, "/desk/stream", last_event_id="x")[0] == 400
