"""The alias table on a real broker: the answer the most articles give, after a restart too.

"Nasser" is an alias of two people whose view updates go to different partitions
("hassan nasser" to 0, "ahmed nasser" to 1, of 2). Hassan's article is processed
first, so the old "first name wins" table said Hassan; two articles name Ahmed, so
every answer must now be Ahmed: on the worker that saw it happen, and on two fresh
workers that restore the global table from its changelog (any partition order).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

import pytest

from streams.faust_private import partition_for
from streams.kafka_io import RawArticle
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.integration.http_helpers import get, wait_for
from tests.integration.kafka_helpers import send
from tests.integration.workers import new_deployment, running_worker

pytestmark = pytest.mark.integration


def story(person: str, tag: str) -> RawArticle:
    text = (f"Strike in Giza, day {tag}\n\nGIZA (Reuters) - {person}, a union leader, said on "
            f"Monday the strike would go on for day {tag}. Nasser told reporters the workers "
            "were united.")
    return RawArticle(text.encode(), "alias-test", f"{person}-{tag}.txt")


def nasser(port: int) -> str:
    body = wait_for(port, "/entities/Nasser", lambda s, b: s == 200)
    return str(body["name"])


def test_an_alias_resolves_to_the_name_most_articles_used_after_a_restart(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    dep = new_deployment(kafka_bootstrap, tmp_path, partitions=2)
    assert partition_for("hassan nasser", 2) != partition_for("ahmed nasser", 2)
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    tag = uuid.uuid4().hex[:8]
    first, *then = [story("Hassan Nasser", tag), story("Ahmed Nasser", f"{tag}-1"),
                    story("Ahmed Nasser", f"{tag}-2")]
    with running_worker(dep, "w1") as (_, port):
        send(dep, first)
        wait_for(port, f"/articles/{first.key}", lambda s, b: s == 200
                 and b["status"] == "processed")
        assert nasser(port) == "Hassan Nasser"  # the only candidate so far
        send(dep, *then)
        for art in then:
            wait_for(port, f"/articles/{art.key}", lambda s, b: s == 200
                     and b["status"] == "processed")
        wait_for(port, "/entities/Nasser", lambda s, b: s == 200
                 and b["name"] == "Ahmed Nasser")
    # Two fresh workers (empty data dirs): the table is restored from its changelog.
    with contextlib.ExitStack() as stack:
        ports = [stack.enter_context(running_worker(dep, name))[1] for name in ("w2", "w3")]
        for port in ports:
            wait_for(port, "/entities/Ahmed Nasser", lambda s, b: s == 200)
            assert nasser(port) == "Ahmed Nasser"
            status, body = get(port, "/entities/Hassan Nasser")
            assert status == 200 and body["name"] == "Hassan Nasser"
