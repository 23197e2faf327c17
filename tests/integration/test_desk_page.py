"""The desk page in a real headless Chromium, on a real worker and broker.

One deployment for the module: a worker with two alert rules, the page opened
before anything is ingested (the empty state), then the seed article ingested
with ``wiredesk ingest``, as the empty state says. The page must show the
article arriving live, open it with Mustafa Bali's two direct quotes marked in
the text, answer "Daesh" with the Islamic State, work by keyboard and at phone
width, show the broker-lost state, and fetch nothing from anywhere but the
worker; the feed behind it must resume from an event id. The page keeps what
it showed: the recent alerts come back after a reload (read from the alerts
topic), an entity search prints no "null" and draws the entity's daily
mentions, and when the session's broker is really stopped (the module's last
test) the live column stays, marked stale, and comes back live when the broker
is started again. Screenshots go to
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

from streams.broker import BrokerConfig, start, stop
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.browser import chromium_or_give_up
from tests.integration.http_helpers import get, wait_for
from tests.integration.workers import ROOT, new_deployment, running_worker

pytestmark = pytest.mark.integration

HEADLINE = "Islamic State Strikes Back in Last Stand at Baghuz"
LATER = ROOT / "tests" / "fixtures" / "articles" / "geneva_talks.txt"
LATER_HEADLINE = "Sudan Talks Resume in Geneva as Fighting Rages in Darfur"
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


def _feed_until_ready(port: int, query: str = "", path: str = "/desk/stream",
                      **headers: str) -> list[tuple[str, str, Any]]:
    """(event, id, data) of an event stream up to and including its ``ready`` event."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}{query}",
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


def _whens(page: Any) -> list[int]:
    return [int(w) for w in page.eval_on_selector_all(
        "#feed li", "items => items.map((li) => li.dataset.when)")]


def test_recent_alerts_come_back_after_a_reload_newest_first(browser: Any, worker: Any) -> None:
    from playwright.sync_api import expect

    _, port = worker
    wait_for(port, "/speakers/Joseph Votel/quotes", lambda s, b: s == 200, timeout=ARRIVAL_S)
    raised = [e for e in _feed_until_ready(port, "?recent=25", path="/alerts/stream")
              if e[0] == "alert"]
    assert raised
    opened = _open(browser, port)
    fresh = None
    try:
        page = opened.page
        alerts = page.locator("#feed li.alert")
        votel = alerts.filter(has_text="votel-quotes")
        expect(alerts).to_have_count(len(raised), timeout=ARRIVAL_S * 1000)
        # They were raised before this page opened: recent, not new.
        expect(votel.first).not_to_have_class(re.compile(r"\bnew\b"))
        page.reload()
        expect(alerts).to_have_count(len(raised))
        expect(page.locator("#feed li.article", has_text=HEADLINE)).to_be_visible()
        whens = _whens(page)
        assert whens == sorted(whens, reverse=True), whens
        assert opened.errors == []
        # A new tab keeps nothing of the first one's: the alerts come from the topic.
        fresh = _open(browser, port)
        expect(fresh.page.locator("#feed li.alert")).to_have_count(len(raised))
        expect(fresh.page.locator("#feed li.alert", has_text="votel-quotes").first) \
            .to_be_visible()
        assert _whens(fresh.page) == sorted(_whens(fresh.page), reverse=True)
        assert fresh.errors == []
    finally:
        opened.context.close()
        if fresh is not None:
            fresh.context.close()


def test_the_alert_stream_sends_recent_alerts_then_ready(worker: Any) -> None:
    _, port = worker
    first = _feed_until_ready(port, "?recent=3", path="/alerts/stream")
    assert first[-1] == ("ready", "", {})
    alerts = [e for e in first if e[0] == "alert"]
    assert alerts and all(e[2]["rule_id"] in ("votel-quotes", "syria-explosions")
                          for e in alerts)
    assert len(alerts) <= 3 * 2  # at most three of each of the two partitions
    filtered = _feed_until_ready(port, "?recent=1000&rule=votel-quotes", path="/alerts/stream")
    assert {e[2]["rule_id"] for e in filtered if e[0] == "alert"} == {"votel-quotes"}
    assert _feed_until_ready(port, "?recent=5", path="/alerts/stream",
                             **{"Last-Event-ID": alerts[-1][1]})[-1][0] == "ready"
    assert get(port, "/alerts/stream", recent="many")[0] == 400
    assert get(port, "/alerts/stream", recent="5000")[0] == 400


def test_an_entity_search_shows_its_daily_mentions_and_no_null(browser: Any, worker: Any,
                                                                shots: Any) -> None:
    from playwright.sync_api import expect

    _, port = worker
    wait_for(port, "/entities/Islamic State", lambda s, b: s == 200, timeout=ARRIVAL_S)
    daily = get(port, "/entities/Islamic State/daily")[1]["daily"]
    opened = _open(browser, port)
    page = opened.page
    try:
        for typed in ("Islamic State", "islamic state", "Daesh"):  # canonical, case, alias
            page.fill("#entity", typed)
            page.press("#entity", "Enter")
            expect(page.locator("#results-title")).to_have_text("Islamic State")
            bars = page.locator("#results-body svg.bars rect.bar:not(.zero)")
            expect(bars).to_have_count(len(daily))
            for day, count in daily.items():
                bar = page.locator(f'#results-body rect[data-day="{day}"]')
                expect(bar).to_have_attribute("data-count", str(count))
            expect(page.locator("#results-body svg.bars")).to_have_attribute(
                "aria-label", re.compile(r"^Islamic State: \d+ mentions? over \d+ days?"))
            hint = page.locator("#results-body > p.hint")
            if typed == "Daesh":
                expect(hint).to_have_text("“Daesh” is Islamic State.")
            else:
                expect(hint).to_have_count(0)
            text = page.locator("body").inner_text()
            assert not re.search(r"\b(null|undefined|NaN)\b", text), text
        shots(page, "desk-entity-chart.png", full_page=True)
        assert opened.errors == []
    finally:
        opened.context.close()


def test_a_stopped_broker_leaves_the_column_stale_until_it_is_back(
        browser: Any, worker: Any, local_broker: BrokerConfig | None, shots: Any) -> None:
    """Stops the session's real broker: the module's last test, it starts it again."""
    from playwright.sync_api import expect

    if local_broker is None:
        pytest.skip("the broker is WIREDESK_BROKER_URL's, not this session's to stop")
    dep, port = worker
    opened = _open(browser, port)
    page = opened.page
    try:
        items = page.locator("#feed li")
        expect(page.locator("#feed li.article", has_text=HEADLINE)).to_be_visible()
        expect(page.locator("#feed li.alert").first).to_be_visible()
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
        expect(page.locator("#stale")).to_be_hidden()
        before = items.all_inner_texts()
        assert stop(local_broker)
        try:
            stale = page.locator("#stale")
            expect(stale).to_be_visible(timeout=60_000)
            expect(page.locator("#feed-section")).to_have_attribute("data-stale", "true")
            expect(stale.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
            expect(page.locator("#status")).to_have_attribute("data-state", "error")
            expect(page.locator("#broker-error")).to_be_visible()
            page.wait_for_timeout(8_000)  # some health checks and stream retries later
            assert items.all_inner_texts() == before  # nothing emptied
            shots(page, "desk-stale.png")
            # A reload while the broker is away still shows the column, marked stale.
            page.reload()
            expect(page.locator("#stale")).to_be_visible(timeout=30_000)
            expect(items).to_have_count(len(before))
            assert items.all_inner_texts() == before
        finally:
            start(local_broker, timeout=180)
        expect(page.locator("#stale")).to_be_hidden(timeout=ARRIVAL_S * 1000)
        expect(page.locator("#feed-section")).not_to_have_attribute("data-stale", "true")
        expect(page.locator("#status")).to_have_attribute("data-state", "live")
        assert items.all_inner_texts()[-len(before):] == before
        # Live again: an article ingested now arrives in the same page.
        ingest = subprocess.run([sys.executable, "-m", "streams.cli", "ingest", str(LATER)],
                                cwd=ROOT, env=dep.env(), capture_output=True, text=True,
                                timeout=120)
        assert ingest.returncode == 0, ingest.stderr
        later = page.locator("#feed li.article", has_text=LATER_HEADLINE)
        expect(later).to_be_visible(timeout=ARRIVAL_S * 1000)
        expect(later).to_have_class(re.compile(r"\bnew\b"))
        assert opened.errors == []
    finally:
        opened.context.close()
