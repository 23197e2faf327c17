"""The pipeline on a real Kafka broker: raw bytes in, articles, outputs and dead letters out."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from agents.lexicon import load_lexicon
from agents.parse import RawMeta
from agents.pipeline import process_article, to_document
from schemas.article import Article
from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES, SEED
from tests.integration.kafka_helpers import collect, send
from tests.integration.workers import Deployment, new_deployment, running_worker

pytestmark = pytest.mark.integration

SEED_ARTICLE = RawArticle(SEED.read_bytes() if SEED.exists() else b"", "file", SEED.name)
GENEVA = FIXTURES / "articles" / "geneva_talks.txt"


@pytest.fixture(scope="module")
def deployment(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[Deployment, int]]:
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("pipeline"))
    settings = Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                        topic_partitions=dep.partitions)
    asyncio.run(ensure_topics(settings))
    with running_worker(dep) as (_, port):
        yield dep, port


def _keyed(key: str) -> object:
    return lambda msgs: any(m.key == key.encode() for m in msgs)


def test_seed_article_comes_out_on_the_articles_topic(deployment: tuple[Deployment, int]
                                                      ) -> None:
    dep, _ = deployment
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    send(dep, SEED_ARTICLE)
    msgs = collect(dep, "articles.v1", _keyed(SEED_ARTICLE.key))
    article = Article.loads(next(m.value for m in msgs if m.key == SEED_ARTICLE.key.encode()))
    assert article.id == SEED_ARTICLE.key
    assert article.headline == "Islamic State Strikes Back in Last Stand at Baghuz"
    assert article.byline == ["Jeff Seldin"]
    assert article.published is not None and article.published.date().isoformat() == "2019-03-13"
    assert len(article.body.split("\n\n")) == 19
    assert "mailing list" not in article.body


def test_garbage_goes_to_the_dead_letters_and_the_worker_goes_on(
        deployment: tuple[Deployment, int]) -> None:
    dep, port = deployment
    garbage = RawArticle(b"\x00\x01\x02 not an article \xff\xfe", "file", "garbage.bin")
    good = RawArticle(GENEVA.read_bytes(), "file", GENEVA.name)
    send(dep, garbage, good)

    dead = collect(dep, "dlq.normalize.v1", _keyed(garbage.key))
    letter = next(m for m in dead if m.key == garbage.key.encode())
    headers = {k: v.decode() for k, v in letter.headers}
    assert letter.value == garbage.payload  # the original bytes, unchanged
    assert headers["dlq.stage"] == "normalize"
    assert headers["dlq.topic"] == dep.topic("articles.raw.v1")
    assert headers["dlq.error-type"] == "DecodeError"
    assert "binary" in headers["dlq.error"]
    assert {"dlq.partition", "dlq.offset", "dlq.failed-at", "wiredesk.source-id"} <= set(headers)

    # The good article sent after the garbage still comes through ...
    collect(dep, "articles.v1", _keyed(good.key))
    # ... and the worker is healthy.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
        assert orjson.loads(r.read())["broker_connected"] is True


_VOLATILE = {"emitted_at", "received_at"}


def _strip(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(({k: v for k, v in r.items() if k not in _VOLATILE} for r in records),
                  key=lambda r: str(r["id"]))


def test_outputs_through_kafka_equal_process_output(deployment: tuple[Deployment, int],
                                                    tmp_path: Path) -> None:
    dep, _ = deployment
    raw = RawArticle(GENEVA.read_bytes(), "file", "geneva-outputs.txt")
    send(dep, raw)
    # The ingest stamps a received-at header, which dates an undated story (the Geneva
    # dateline has no year): give the pure pipeline one too.
    expected = to_document(process_article(
        raw.payload, RawMeta(source=raw.source, source_id=raw.source_id,
                             received_at=datetime.now(UTC)),
        lexicon=load_lexicon(), now=datetime.now(UTC)))
    expected = orjson.loads(orjson.dumps(expected))
    assert expected["quotes"] and expected["events"] and expected["figures"]

    for kind in ("quotes", "figures", "events", "entities"):
        want = len(expected[kind])

        def enough(msgs: list, want: int = want) -> bool:
            mine = [m for m in msgs if orjson.loads(m.value)["article_id"] == raw.key]
            return len(mine) >= want

        msgs = collect(dep, f"{kind}.v1", enough)
        got = [orjson.loads(m.value) for m in msgs]
        got = [r for r in got if r["article_id"] == raw.key]
        assert "__faust" not in got[0]  # public topics carry plain JSON
        assert _strip(got) == _strip(expected[kind]), kind
