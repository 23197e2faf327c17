"""Dedup and revisions on a real broker: a resend is dropped, a correction replaces."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from schemas.article import Article
from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.http_helpers import wait_for
from tests.integration.kafka_helpers import collect, send
from tests.integration.workers import Deployment, new_deployment, running_worker

pytestmark = pytest.mark.integration

ORIGINAL = (FIXTURES / "articles" / "geneva_talks.txt").read_bytes()
# The correction names a different envoy: his quotes must leave the views.
CORRECTED = ORIGINAL.replace(b"Tom Perriello", b"Daniel Whitcomb")


@pytest.fixture(scope="module")
def worker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Deployment, int]]:
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("revisions"))
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    with running_worker(dep) as (_, port):
        yield dep, port


def _revisions(dep: Deployment, key: str, want: int) -> list[int]:
    msgs = collect(dep, "articles.v1",
                   lambda ms: sum(m.key == key.encode() for m in ms) >= want)
    return [Article.loads(m.value).revision for m in msgs if m.key == key.encode()]


def test_a_resend_is_dropped_and_a_correction_is_a_new_revision(
        worker: tuple[Deployment, int]) -> None:
    dep, port = worker
    first = RawArticle(ORIGINAL, "ap", "geneva-1")
    send(dep, first)
    assert _revisions(dep, first.key, 1) == [1]
    wait_for(port, "/speakers/Tom Perriello/quotes", lambda s, b: s == 200 and b["total"])

    send(dep, RawArticle(ORIGINAL, "ap", "geneva-1"))  # the feed resends the same story
    send(dep, RawArticle(CORRECTED, "ap", "geneva-1"))  # then a correction under its id
    assert _revisions(dep, first.key, 2) == [1, 2]  # the resend never reached articles.v1

    wait_for(port, f"/articles/{first.key}",
             lambda s, b: s == 200 and b["revision"] == 2 and b["status"] == "processed")
    body = wait_for(port, "/speakers/Daniel Whitcomb/quotes",
                    lambda s, b: s == 200 and b["total"] > 0)
    assert {q["revision"] for q in body["items"]} == {2}
    # The old revision's quotes by the old name are gone from the view.
    old = wait_for(port, "/speakers/Tom Perriello/quotes",
                   lambda s, b: s == 404 or (s == 200 and b["total"] == 0))
    assert old.get("total", 0) == 0
