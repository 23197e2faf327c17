"""An alert already on the alerts topic is never sent again, even when ``alerts-sent`` lacks it.

That is the state a crash between sending an alert and marking it sent leaves behind
(the alert on the broker, the article's offset not committed, no mark in the table):
the article is processed again after the restart. Here the state is made by hand,
which is exact where a well-timed SIGKILL would be luck: half of the article's alerts
are put on the alerts topic before the worker ever sees the article.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from agents.lexicon import load_lexicon
from agents.parse import RawMeta
from agents.pipeline import process_article, to_document
from agents.rules import alert_id
from streams.kafka_io import Outgoing, RawArticle, send_messages
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.http_helpers import wait_for
from tests.integration.kafka_helpers import collect, send
from tests.integration.test_alerts import load_rules
from tests.integration.workers import new_deployment, running_worker

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

RULE = "rules:\n  - id: every-entity\n    watch: entities\n"


def test_an_alert_on_the_topic_is_not_sent_again_after_a_redelivery(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    dep = new_deployment(kafka_bootstrap, tmp_path)
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    (tmp_path / "rules.yaml").write_text(RULE)
    assert load_rules(dep, tmp_path / "rules.yaml").returncode == 0
    raw = RawArticle((FIXTURES / "articles" / "geneva_talks.txt").read_bytes(), "file", "geneva")
    doc = to_document(process_article(raw.payload, RawMeta(source=raw.source,
                                                           source_id=raw.source_id,
                                                           received_at=datetime.now(UTC)),
                                      lexicon=load_lexicon(), now=datetime.now(UTC)))
    article_id = raw.key
    assert doc["article"]["id"] == article_id
    want = {alert_id("every-entity", rec["id"]) for rec in doc["entities"]}
    assert len(want) >= 2
    already = sorted(want)[: len(want) // 2]
    sent_before = [{"id": aid, "rule_id": "every-entity", "article_id": article_id}
                   for aid in already]
    topic = dep.topic("alerts.v1")
    asyncio.run(send_messages(kafka_bootstrap, [
        Outgoing(topic, b"every-entity", orjson.dumps(a), []) for a in sent_before]))
    with running_worker(dep) as (_, port):
        wait_for(port, "/alerts/rules", lambda s, b: s == 200 and b["total"] == 1)
        send(dep, raw)
        wait_for(port, f"/articles/{raw.key}",
                 lambda s, b: s == 200 and b["status"] == "processed")
        messages = collect(dep, "alerts.v1", lambda ms: len(ms) >= len(want))
    ids = [orjson.loads(m.value or b"{}")["id"] for m in messages]
    assert sorted(ids) == sorted(want), "an alert was sent twice, or not at all"
