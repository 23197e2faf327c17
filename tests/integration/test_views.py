"""Materialized tables and the HTTP API on a real broker: exact contents, aliases, 404s."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import orjson
import pytest

from agents.lexicon import load_lexicon
from agents.parse import RawMeta
from agents.pipeline import process_article, to_document
from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES, SEED
from tests.integration.http_helpers import get, wait_for
from tests.integration.kafka_helpers import send
from tests.integration.workers import new_deployment, running_worker

pytestmark = pytest.mark.integration

ARTICLES = [RawArticle(p.read_bytes(), "file", p.name)
            for p in [SEED, FIXTURES / "articles" / "geneva_talks.txt"] if p.exists()]


def expected(raw: RawArticle) -> dict:  # type: ignore[type-arg]
    # As on the broker, where the ingest's received-at header dates an undated story.
    doc = to_document(process_article(raw.payload, RawMeta(source=raw.source,
                                                           source_id=raw.source_id,
                                                           received_at=datetime.now(UTC)),
                                      lexicon=load_lexicon(), now=datetime.now(UTC)))
    return orjson.loads(orjson.dumps(doc))


@pytest.fixture(scope="module")
def api(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("views"))
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    with running_worker(dep) as (_, port):
        send(dep, *ARTICLES)
        for raw in ARTICLES:
            wait_for(port, f"/articles/{raw.key}",
                     lambda s, b: s == 200 and b["status"] == "processed")
        # the views are fed by the output topics: wait for the last kind to land
        wait_for(port, "/figures/civilians", lambda s, b: s == 200 and b["total"] >= 2)
        yield port


def test_article_status_and_counts(api: int) -> None:
    doc = expected(ARTICLES[0])
    status, body = get(api, f"/articles/{ARTICLES[0].key}")
    assert status == 200
    assert body["status"] == "processed" and body["revision"] == 1
    assert body["headline"] == doc["article"]["headline"]
    assert body["counts"] == {k: len(doc[k]) for k in ("entities", "quotes", "figures", "events")}


def test_quotes_by_speaker_hold_exactly_the_speakers_quotes(api: int) -> None:
    want = {q["id"] for q in expected(ARTICLES[0])["quotes"] if q["speaker"] == "Mustafa Bali"}
    body = wait_for(api, "/speakers/Mustafa Bali/quotes", lambda s, b: s == 200)
    assert {q["id"] for q in body["items"]} == want and body["total"] == len(want)
    # the last name and any case resolve through the aliases
    assert get(api, "/speakers/mustafa bali/quotes")[1]["speaker"] == "Mustafa Bali"


def test_pagination_with_limit_and_cursor(api: int) -> None:
    whole = get(api, "/speakers/Syrian Democratic Forces/quotes", limit=500)[1]
    assert whole["total"] >= 2 and whole["next_cursor"] is None
    first = get(api, "/speakers/Syrian Democratic Forces/quotes", limit=1)[1]
    assert len(first["items"]) == 1 and first["next_cursor"]  # an opaque cursor
    pages, cursor = [first["items"]], first["next_cursor"]
    while cursor:  # page by page, through an alias, gives the whole list once, in order
        page = get(api, "/speakers/SDF/quotes", limit=1, cursor=cursor)[1]
        pages.append(page["items"])
        cursor = page["next_cursor"]
    assert [q["id"] for p in pages for q in p] == [q["id"] for q in whole["items"]]
    assert get(api, "/speakers/SDF/quotes", limit="x")[0] == 400
    assert get(api, "/speakers/SDF/quotes", cursor="not-ours")[0] == 400


def test_entities_resolve_aliases_and_count_mentions(api: int) -> None:
    doc = expected(ARTICLES[0])
    islamic_state = next(e for e in doc["entities"] if e["name"] == "Islamic State")
    for alias in ("Islamic State", "IS", "Daesh", "islamic state"):
        status, body = get(api, f"/entities/{alias}")
        assert status == 200, alias
        assert body["name"] == "Islamic State" and body["type"] == "ORG"
        assert body["mentions"] == islamic_state["mentions"]
        assert body["first_seen"] == body["last_seen"] == "2019-03-13"
    daily = get(api, "/entities/Daesh/daily")[1]
    assert daily == {"name": "Islamic State", "daily": {"2019-03-13": islamic_state["mentions"]}}


def test_events_by_place_and_day(api: int) -> None:
    doc = expected(ARTICLES[0])
    day = "2019-03-12"
    want = {e["id"] for e in doc["events"] if e["place"] == "Baghuz"
            and (e["date"] or doc["article"]["published"][:10]) == day}
    assert want
    body = get(api, "/places/Baghuz/events", day=day)[1]
    assert {e["id"] for e in body["items"]} == want
    everything = get(api, "/places/baghuz/events", limit=500)[1]
    assert everything["total"] == sum(1 for e in doc["events"] if e["place"] == "Baghuz")


def test_figures_by_subject_across_articles(api: int) -> None:
    want = {f["id"] for raw in ARTICLES for f in expected(raw)["figures"]
            if (f["unit"] or "").lower() == "civilians"}
    body = get(api, "/figures/Civilians")[1]
    assert {f["id"] for f in body["items"]} == want and len(want) >= 2


def test_unknown_keys_answer_404_with_a_clear_body(api: int) -> None:
    status, body = get(api, "/speakers/Nobody Known/quotes")
    assert status == 404
    assert body["error"] == "not_found" and "Nobody Known" in body["message"]
    assert get(api, "/articles/0000")[0] == 404
    assert get(api, "/places/Atlantis/events")[0] == 404


def test_openapi_document_lists_every_endpoint(api: int) -> None:
    status, body = get(api, "/openapi.json")
    assert status == 200 and body["openapi"].startswith("3.")
    assert {"/speakers/{name}/quotes", "/entities/{name}", "/entities/{name}/daily",
            "/places/{place}/events", "/figures/{subject}", "/articles/{article_id}"} \
        <= set(body["paths"])
