"""The ways in and the way back, on a real broker: POST /articles, --feed, dead letters, replay.

One worker (with ``WIREDESK_API_TOKEN`` and a 200 KB article limit, so the size
limit is reachable under Kafka's 1 MB message limit) serves the module.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from streams.ingest import raw_articles
from streams.kafka_io import RawArticle, TopicMessage
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.kafka_helpers import collect, send
from tests.integration.workers import ROOT, Deployment, new_deployment, running_worker

pytestmark = pytest.mark.integration

TOKEN = "s3cret-" + uuid.uuid4().hex
LIMIT = 200_000
FEED = (FIXTURES / "formats" / "rss2_feed.xml").read_bytes()


@pytest.fixture(scope="module")
def deployment(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[Deployment, int]]:
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("ingest"))
    settings = Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                        topic_partitions=dep.partitions)
    asyncio.run(ensure_topics(settings))
    with running_worker(dep, WIREDESK_API_TOKEN=TOKEN,
                        WIREDESK_MAX_ARTICLE_BYTES=str(LIMIT)) as (_, port):
        yield dep, port


def post(port: int, body: bytes, content_type: str = "text/plain", token: str | None = TOKEN,
         query: str = "") -> tuple[int, dict[str, object]]:
    """POST /articles; a large body the server refuses early may be cut off: still read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("POST", f"/articles{query}")
        conn.putheader("Content-Type", content_type)
        conn.putheader("Content-Length", str(len(body)))
        if token is not None:
            conn.putheader("Authorization", f"Bearer {token}")
        conn.endheaders()
        try:
            for start in range(0, len(body), 1 << 16):
                conn.send(body[start:start + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            pass  # answered before the whole body was read (413)
        response = conn.getresponse()
        return response.status, orjson.loads(response.read() or b"null")
    finally:
        conn.close()


def wire_text(tag: str) -> bytes:
    """A unique plain-text wire article (unique content: dedup never drops it)."""
    return (f"Talks on Sudan resume in Geneva, round {tag}\n\nGENEVA (Reuters) — Delegations "
            f"met again on Friday for round {tag}, mediators said.\n\n\"We are hopeful,\" "
            "said Ramtane Lamamra, the UN envoy.").encode()


def json_article(tag: str) -> dict[str, object]:
    return {"id": f"wd-{tag}", "headline": f"Floods hit Kenya, report {tag}",
            "body": f"NAIROBI — Floods killed 40 people, report {tag} said on Tuesday."}


def keys(messages: list[TopicMessage]) -> list[str]:
    return [(m.key or b"").decode() for m in messages]


def has_all(wanted: list[str]) -> object:
    return lambda msgs: set(wanted) <= set(keys(msgs))


def cli(dep: Deployment, *args: str, timeout: float = 120, **env: str
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT,
                          env=dep.env(**env), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


# --------------------------------------------------------------------------- POST /articles
def test_posted_article_and_batch_come_out_with_the_ids_of_ingest(
        deployment: tuple[Deployment, int]) -> None:
    dep, port = deployment
    tag = uuid.uuid4().hex[:8]
    text = wire_text(tag)
    status, one = post(port, text, query=f"?source=file&name=round-{tag}.txt")
    assert status == 202, one
    # The same id `wiredesk ingest round-<tag>.txt` gives the same bytes.
    assert one["ids"] == [raw_articles(text, f"round-{tag}.txt", "auto", "file")[0].key]

    batch = [json_article(f"{tag}-a"), json_article(f"{tag}-b"),
             orjson.loads((FIXTURES / "formats" / "ninjs2_item.json").read_bytes())]
    batch[2]["uri"] = f"urn:test:{tag}"  # a fresh story, not a dedup of another test's
    status, many = post(port, orjson.dumps(batch), "application/json; charset=utf-8")
    assert status == 202, many
    assert many["accepted"] == 3 and len(set(many["ids"])) == 3  # type: ignore[arg-type]

    wanted = [*one["ids"], *many["ids"]]  # type: ignore[misc]
    out = collect(dep, "articles.v1", has_all(wanted))
    headlines = {(m.key or b"").decode(): orjson.loads(m.value or b"{}")["headline"]
                 for m in out}
    assert headlines[one["ids"][0]] == f"Talks on Sudan resume in Geneva, round {tag}"  # type: ignore[index]
    assert headlines[many["ids"][0]] == f"Floods hit Kenya, report {tag}-a"  # type: ignore[index]


def test_post_needs_the_bearer_token(deployment: tuple[Deployment, int]) -> None:
    _, port = deployment
    for token in (None, "wrong", ""):
        status, body = post(port, wire_text("x"), token=token)
        assert status == 401, body
        assert body["error"] == "unauthorized"  # type: ignore[index]


def test_without_a_configured_token_posts_are_forbidden(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    dep = new_deployment(kafka_bootstrap, tmp_path)
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    with running_worker(dep, name="no-token") as (_, port):
        for token in (None, "anything"):
            status, body = post(port, wire_text("x"), token=token)
            assert status == 403, body
            assert "WIREDESK_API_TOKEN" in str(body["message"])  # type: ignore[index]


def test_too_large_and_unsplittable_bodies_are_refused(deployment: tuple[Deployment, int]
                                                       ) -> None:
    _, port = deployment
    assert post(port, b"x" * (LIMIT + 1))[0] == 413
    status, body = post(port, b"A" * 20_000_000)  # 20 MB: refused before it is read
    assert status == 413 and "200,000" in str(body["message"])  # type: ignore[index]
    for payload, ctype, reason in [
        (b"", "text/plain", "empty"),
        (b'{"headline": "x", "body": "trunc', "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not a JSON article object"),
        (b"<rss><channel><item><title>x</ti", "application/rss+xml", "DecodeError"),
        (b"x", "image/png", "content type"),
    ]:
        status, body = post(port, payload, ctype)
        assert status == 400, (payload, body)
        assert reason in str(body["message"]), body  # type: ignore[index]


# --------------------------------------------------------------------------- dead letters
BAD = {
    "empty.txt": (b"", "text", "EmptyArticle"),
    "binary.bin": (b"\x00\x01\x02\x03\xff\xfe binary", "text", "DecodeError"),
    # Latin-1 is decoded now (a legacy encoding); a broken UTF-16 text is undecodable.
    "bad-utf16.txt": (b"\xff\xfeH\x00e\x00l", "text", "DecodeError"),
    "truncated.jsonl": (b'{"id": "x1", "headline": "Talks", "body": "Diplomats me', "jsonl",
                        "DecodeError"),
    "huge.txt": (b"Headline\n\n" + b"word " * 60_000, "text", "TooLarge"),
    "nav-only.html": (b"<html><body><script>var a=1;</script><div class='nav'><a href='/'>"
                      b"Home</a></div></body></html>", "html", "EmptyArticle"),
    "wrong-types.json": (orjson.dumps({"uri": "urn:x:1", "headlines": [{"value": 42}],
                                       "bodies": "nope", "versioncreated": 5}), "ninjs",
                         "InvalidArticle"),
}


@pytest.fixture(scope="module")
def corpus(deployment: tuple[Deployment, int]) -> tuple[list[RawArticle], list[RawArticle]]:
    """The bad inputs with good articles between them, sent once for the module."""
    dep, _ = deployment
    tag = uuid.uuid4().hex[:8]
    bad = [RawArticle(payload, "corpus", name, fmt) for name, (payload, fmt, _) in BAD.items()]
    good = [RawArticle(wire_text(f"{tag}-{i}"), "corpus", f"good-{tag}-{i}.txt")
            for i in range(len(bad) + 1)]
    mixed = [good[0]]
    for b, g in zip(bad, good[1:], strict=True):
        mixed += [b, g]
    send(dep, *mixed)
    return bad, good


def test_each_bad_input_is_a_dead_letter_and_every_good_article_comes_out(
        deployment: tuple[Deployment, int],
        corpus: tuple[list[RawArticle], list[RawArticle]]) -> None:
    dep, port = deployment
    bad, good = corpus
    letters = collect(dep, "dlq.normalize.v1", has_all([b.key for b in bad]))
    for art in bad:
        letter = next(m for m in letters if m.key == art.key.encode())
        headers = {k: v.decode("utf-8", "replace") for k, v in letter.headers}
        assert letter.value == art.payload, art.source_id
        assert headers["dlq.error-type"] == BAD[art.source_id][2], (art.source_id, headers)
        assert headers["dlq.error"], art.source_id
        assert headers["dlq.topic"] == dep.topic("articles.raw.v1")
        assert headers["wiredesk.source-id"] == art.source_id
    collect(dep, "articles.v1", has_all([g.key for g in good]))
    assert health(port)["status"] == "ok"  # the worker kept running


def health(port: int) -> dict[str, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/health")
        return orjson.loads(conn.getresponse().read())
    finally:
        conn.close()


def test_replay_re_sends_the_dead_letters_and_they_fail_again(
        deployment: tuple[Deployment, int],
        corpus: tuple[list[RawArticle], list[RawArticle]]) -> None:
    dep, _ = deployment
    bad, _ = corpus
    n = len(bad)
    collect(dep, "dlq.normalize.v1", lambda m: len(m) >= n)

    unknown = cli(dep, "dlq", "replay", "--stage", "parse", "--yes")
    assert unknown.returncode == 2 and "unknown stage 'parse'" in unknown.stderr

    dry = cli(dep, "dlq", "replay", "--stage", "normalize", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"{n} to {dep.topic('articles.raw.v1')}" in dry.stderr
    assert f"Dry run: {n} dead letter(s)" in dry.stderr

    no_tty = cli(dep, "dlq", "replay", "--stage", "normalize")
    assert no_tty.returncode == 2 and "--yes" in no_tty.stderr

    time.sleep(1.5)  # nothing was sent by the runs above
    assert len(collect(dep, "dlq.normalize.v1", lambda m: True)) == n

    done = cli(dep, "dlq", "replay", "--stage", "normalize", "--yes")
    assert done.returncode == 0, done.stderr
    assert f"Re-sent {n} dead letter(s)" in done.stderr
    letters = collect(dep, "dlq.normalize.v1", lambda m: len(m) >= 2 * n)
    assert len(letters) == 2 * n
    by_key: dict[bytes | None, list[TopicMessage]] = {}
    for m in letters:
        by_key.setdefault(m.key, []).append(m)
    for art in bad:
        first, again = by_key[art.key.encode()]
        assert first.value == again.value == art.payload
        h1, h2 = dict(first.headers), dict(again.headers)
        assert h1["dlq.error-type"] == h2["dlq.error-type"]
        assert int(h2["dlq.offset"]) > int(h1["dlq.offset"])  # a new raw message
        assert h2["wiredesk.source-id"] == art.source_id.encode()

    # A second replay sends each failing message once, not once per failure.
    again = cli(dep, "dlq", "replay", "--stage", "normalize", "--yes")
    assert f"Re-sent {n} dead letter(s)" in again.stderr, again.stderr
    collect(dep, "dlq.normalize.v1", lambda m: len(m) >= 3 * n)


# --------------------------------------------------------------------------- --feed
class FeedServer(http.server.ThreadingHTTPServer):
    """Serves /feed.xml (ETag, 304), /error (500), /garbage and /flaky (500, then the feed)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.feed = FEED
        self.etag = '"v1"'
        self.flaky_failures = 1
        self.seen: list[tuple[str, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class FeedHandler(http.server.BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        srv = self.server
        srv.seen.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/error" or (self.path == "/flaky" and srv.flaky_failures > 0):
            srv.flaky_failures -= self.path == "/flaky"
            self._answer(500, b"Internal Server Error")
        elif self.path == "/garbage":
            self._answer(200, b"\x89PNG\r\n\x1a\n\x00\x00garbage", "image/png")
        elif self.headers.get("If-None-Match") == srv.etag:
            self.send_response(304)
            self.send_header("ETag", srv.etag)
            self.end_headers()
        else:
            self._answer(200, srv.feed, "application/rss+xml", ETag=srv.etag)

    def _answer(self, status: int, body: bytes, ctype: str = "text/plain", **extra: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_feed_polls_send_new_and_changed_items_only(
        deployment: tuple[Deployment, int], feed_server: FeedServer, tmp_path: Path) -> None:
    dep, _ = deployment
    tag = uuid.uuid4().hex[:8]
    feed_server.feed = FEED.replace(b"ew-2024-08-13-0041", f"ew-{tag}".encode()).replace(
        b"https://wire.example.com/world/2024", f"https://wire.example.com/{tag}/2024".encode())
    url = f"{feed_server.url}/feed.xml"
    data = {"WIREDESK_DATA_DIR": str(tmp_path / "data")}
    expected = [a.key for a in raw_articles(feed_server.feed, url, "rss", "127.0.0.1")]
    assert len(expected) == 3

    first = cli(dep, "ingest", "--feed", url, **data)
    assert first.returncode == 0, first.stderr
    assert "3 item(s), sent 3" in first.stderr
    assert sorted(line.split()[0] for line in first.stdout.splitlines()) == sorted(expected)
    collect(dep, "articles.raw.v1", has_all(expected))

    second = cli(dep, "ingest", "--feed", url, **data)
    assert second.returncode == 0 and "not modified (304)" in second.stderr
    assert feed_server.seen[-1] == ("/feed.xml", '"v1"')  # a conditional GET

    # A new build: one story corrected, the others unchanged (only lastBuildDate moved).
    feed_server.feed = feed_server.feed.replace(b"killed at least 40 people",
                                                b"killed at least 45 people").replace(
        b"10:05:00 GMT", b"11:05:00 GMT")
    feed_server.etag = '"v2"'
    third = cli(dep, "ingest", "--feed", url, **data)
    assert third.returncode == 0, third.stderr
    assert "3 item(s), sent 1" in third.stderr
    assert third.stdout.split()[0] == expected[0]
    raw = collect(dep, "articles.raw.v1", lambda m: keys(m).count(expected[0]) == 2)
    assert [keys(raw).count(k) for k in expected] == [2, 1, 1]


def test_feed_errors_are_clear_and_polling_goes_on(
        deployment: tuple[Deployment, int], feed_server: FeedServer, tmp_path: Path) -> None:
    dep, _ = deployment
    data = {"WIREDESK_DATA_DIR": str(tmp_path / "data")}
    error = cli(dep, "ingest", "--feed", f"{feed_server.url}/error", **data)
    assert error.returncode == 1 and "HTTP 500" in error.stderr
    garbage = cli(dep, "ingest", "--feed", f"{feed_server.url}/garbage", **data)
    assert garbage.returncode == 1 and "not a feed" in garbage.stderr
    refused = cli(dep, "ingest", "--feed", "http://127.0.0.1:9/feed.xml", **data)
    assert refused.returncode == 1 and "cannot fetch" in refused.stderr

    # --every: a 500, then (after the 5 s backoff) the feed; Ctrl-C stops cleanly.
    tag = uuid.uuid4().hex[:8]
    feed_server.feed = FEED.replace(b"ew-2024-08-13-0041", f"ew-{tag}".encode()).replace(
        b"https://wire.example.com/world/2024", f"https://wire.example.com/{tag}/2024".encode())
    url = f"{feed_server.url}/flaky"
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "ingest", "--feed", url,
                             "--every", "1"], cwd=ROOT, env=dep.env(**data),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        expected = [a.key for a in raw_articles(feed_server.feed, url, "rss", "127.0.0.1")]
        collect(dep, "articles.raw.v1", has_all(expected), timeout=60)
        deadline = time.monotonic() + 20
        while sum(p == "/flaky" for p, _ in feed_server.seen) < 3:  # polls go on: 304s
            assert time.monotonic() < deadline, feed_server.seen
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "HTTP 500" in stderr and "sent 3" in stderr and "not modified" in stderr
    assert "Stopped." in stderr
    assert sorted(stdout.split()[0::3]) == sorted(expected)


def test_ingest_of_a_20_mb_file_is_a_clear_cli_error(deployment: tuple[Deployment, int],
                                                     tmp_path: Path) -> None:
    dep, _ = deployment
    big = tmp_path / "big.txt"
    big.write_bytes(b"Headline\n\n" + b"word " * 4_000_000)
    result = cli(dep, "ingest", str(big))
    assert result.returncode == 1
    assert "MessageSizeTooLarge" in result.stderr or "too large" in result.stderr.lower()
    assert os.path.getsize(big) > 20_000_000 - 100
