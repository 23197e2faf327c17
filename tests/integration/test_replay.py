"""Replay on a real broker: a new version with a changed gazetteer reprocesses everything
once (the change in every article, no duplicates, no alerts for old news), the same version
rebuilds identical tables, and ``--since`` covers only the later articles."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.lexicon import load_lexicon
from agents.parse import RawMeta
from agents.pipeline import process_article
from streams import replay as r
from streams.kafka_io import RawArticle, read_topic
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES
from tests.integration.http_helpers import get, wait_for
from tests.integration.kafka_helpers import send
from tests.integration.workers import ROOT, Deployment, new_deployment, running_worker

pytestmark = pytest.mark.integration

OUTPUTS = ("quotes.v1", "figures.v1", "events.v1", "entities.v1")
KINDS = {"quotes.v1": "quotes", "figures.v1": "figures", "events.v1": "events",
         "entities.v1": "entities"}
FILES = sorted((FIXTURES / "articles").glob("*.txt"))
#: The upgrade a newsroom replays for: two organisations renamed (WIREDESK_GAZETTEER).
GAZETTEER = (
    "# renamed for the replay test\n"
    "Kenya Red Cross Society\tORG\tKenya Red Cross|KRCS\n"
    "UN Migration Agency\tORG\tInternational Organization for Migration|IOM\n"
)
#: file -> (old canonical name, new canonical name): every article of the file must change.
RENAMED = {"flood_kenya.txt": ("Kenya Red Cross", "Kenya Red Cross Society"),
           "geneva_talks.txt": ("International Organization for Migration", "UN Migration Agency")}
#: A rule that matches the renamed speakers' quotes: replayed records must not alert.
RULES = """
rules:
  - id: renamed-speakers
    watch: quotes
    where: {speaker: {in: [Kenya Red Cross Society, UN Migration Agency]}}
"""


def _batch(tag: str, copies: int) -> list[RawArticle]:
    return [RawArticle(f.read_bytes(), "replay-test", f"{tag}-{i}-{f.name}")
            for i in range(copies) for f in FILES]


@dataclass
class Ingested:
    dep: Deployment
    early: list[RawArticle]
    late: list[RawArticle]
    between: datetime
    v1_counts: dict[str, dict[str, int]]

    @property
    def all(self) -> list[RawArticle]:
        return self.early + self.late


def _processed(port: int, articles: list[RawArticle], timeout: float = 180.0
               ) -> dict[str, dict[str, Any]]:
    done = {a.key: wait_for(port, f"/articles/{a.key}",
                            lambda s, b: s == 200 and b["status"] == "processed",
                            timeout=timeout) for a in articles}
    wait_for(port, "/health", lambda s, b: s == 200 and b["total_lag"] == 0, timeout=timeout)
    return done


def _replay(dep: Deployment, *args: str, data_dir: str | None = None, timeout: float = 120.0
            ) -> subprocess.CompletedProcess[str]:
    extra = {"WIREDESK_DATA_DIR": data_dir} if data_dir else {}
    proc = subprocess.run([sys.executable, "-m", "streams.cli", "replay", *args], cwd=ROOT,
                          env=dep.env(COLUMNS="200", **extra), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)
    print(proc.stderr)
    return proc


def _records(dep: Deployment, suffix: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        return [orjson.loads(m.value) async for m in
                read_topic(dep.bootstrap, dep.topic(suffix), idle_timeout=1.5)]
    return asyncio.run(read())


@pytest.fixture(scope="module")
def ingested(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Ingested]:
    dep = new_deployment(kafka_bootstrap, tmp_path_factory.mktemp("replay"))
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    early, late = _batch("early", 4), _batch("late", 2)
    send(dep, *early)
    time.sleep(1.5)
    between = datetime.now(UTC)
    time.sleep(1.5)
    send(dep, *late)
    with running_worker(dep, "w1") as (_, port):
        answers = _processed(port, early + late)
    yield Ingested(dep, early, late, between, {k: a["counts"] for k, a in answers.items()})


def test_since_touches_only_the_later_articles(ingested: Ingested) -> None:
    dep = ingested.dep
    since = _replay(dep, "--since", ingested.between.isoformat(), "--dry-run")
    assert since.returncode == 0, since.stderr
    assert f"Dry run: {len(ingested.late)} article(s)" in since.stderr
    everything = _replay(dep, "--from-beginning", "--dry-run")
    assert f"Dry run: {len(ingested.all)} article(s)" in everything.stderr


def test_replay_refuses_while_a_worker_runs_and_without_yes(ingested: Ingested) -> None:
    dep = ingested.dep
    with running_worker(dep, "w1"):
        busy = _replay(dep, "--from-beginning", "--yes")
        assert busy.returncode == 1 and "Stop every worker" in busy.stderr
    no_tty = _replay(dep, "--from-beginning")
    assert no_tty.returncode == 2 and "--yes" in no_tty.stderr


def _expected_counts(gazetteer: Path | None) -> dict[str, dict[str, int]]:
    """file name -> output counts of the pure pipeline (with a new gazetteer)."""
    lexicon = load_lexicon("rules", gazetteer)
    return {f.name: process_article(f.read_bytes(), RawMeta(source="x", source_id=f.name),
                                    lexicon=lexicon, now=datetime.now(UTC)).enriched.counts
            for f in FILES}


def test_a_new_version_with_a_changed_gazetteer_reprocesses_every_article_once(
        ingested: Ingested, tmp_path: Path) -> None:
    dep = ingested.dep
    gazetteer = tmp_path / "newsroom.tsv"
    gazetteer.write_text(GAZETTEER)
    (tmp_path / "rules.yaml").write_text(RULES)
    loaded = subprocess.run([sys.executable, "-m", "streams.cli", "rules", "load",
                             str(tmp_path / "rules.yaml")], cwd=ROOT, env=dep.env(),
                            capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    plan = _replay(dep, "--from-beginning", "--pipeline-version", "2", "--yes", "--workers", "0")
    assert plan.returncode == 0, plan.stderr
    assert "WIREDESK_PIPELINE_VERSION=2" in plan.stderr
    started = time.monotonic()
    with running_worker(dep, "w-v2", WIREDESK_PIPELINE_VERSION="2", WIREDESK_REPLAY="1",
                        WIREDESK_GAZETTEER=str(gazetteer)) as (_, port):
        wait_for(port, "/alerts/rules", lambda st, b: st == 200 and b["total"] == 1)
        answers = _processed(port, ingested.all)
        elapsed = time.monotonic() - started
        rate = len(ingested.all) / elapsed
        print(f"\nREPLAY RATE (new version, worker start to all processed): "
              f"{len(ingested.all)} articles in {elapsed:.1f}s = {rate:.2f} articles/s")
        # The tables: the new names, each record once, every article counted once.
        by_file = Counter(a.source_id.split("-", 2)[2] for a in ingested.all)
        for file, (_, new) in RENAMED.items():
            status, entity = get(port, f"/entities/{new}")
            assert status == 200 and entity["name"] == new
            assert entity["articles"] == by_file[file]
            status, quotes = get(port, f"/speakers/{new}/quotes", limit=1000)
            ids = [q["id"] for q in quotes["items"]]
            assert status == 200 and ids and len(ids) == len(set(ids))
            assert {q["article_id"] for q in quotes["items"]} <= {
                a.key for a in ingested.all if a.source_id.endswith(file)}
    expected = _expected_counts(gazetteer)
    for a in ingested.all:
        assert answers[a.key]["counts"] == expected[a.source_id.split("-", 2)[2]], a.source_id
    keys = {a.key for a in ingested.all}
    file_of = {a.key: a.source_id.split("-", 2)[2] for a in ingested.all}
    v2_ids: set[str] = set()
    for suffix in OUTPUTS:
        records = [r for r in _records(dep, suffix) if r["article_id"] in keys]
        v1 = [r for r in records if r["pipeline_version"] == 1]
        v2 = [r for r in records if r["pipeline_version"] == 2]
        v2_ids |= {r["id"] for r in v2}
        duplicated = [i for i, n in Counter(r["id"] for r in v2).items() if n > 1]
        assert not duplicated, f"{suffix}: {len(duplicated)} v2 ids sent twice"
        assert all(r["replay"] is True for r in v2)
        assert not {r["id"] for r in v2} & {r["id"] for r in v1}  # new ids
        per_article = Counter(r["article_id"] for r in v2)
        for key in keys:
            assert per_article[key] == answers[key]["counts"][KINDS[suffix]], (suffix, key)
        if suffix == "entities.v1":  # the change shows in every article
            for key in keys:
                old, new = RENAMED[file_of[key]]
                names = {r["name"] for r in v2 if r["article_id"] == key}
                assert new in names and old not in names, (key, names)
                assert old in {r["name"] for r in v1 if r["article_id"] == key}
    alerts = _records(dep, "alerts.v1")
    assert not [a for a in alerts if a.get("record_id") in v2_ids], "replayed records alerted"


def _answers(port: int, ingested: Ingested, names: list[str]) -> dict[str, Any]:
    out = {a.key: get(port, f"/articles/{a.key}") for a in ingested.all}
    out.update({n: get(port, f"/entities/{n}") for n in names})
    return out


def test_the_same_version_replayed_twice_changes_nothing(ingested: Ingested) -> None:
    dep = ingested.dep
    data = str(dep.data_root / "w1")
    names = sorted({r["name"] for r in _records(dep, "entities.v1")
                    if r["pipeline_version"] == 1})[:15]
    with running_worker(dep, "w1") as (_, port):
        _processed(port, ingested.all)
        before = _answers(port, ingested, names)
    assert all(status == 200 for status, _ in before.values())
    for _ in range(2):
        done = _replay(dep, "--from-beginning", "--yes", "--workers", "0", data_dir=data)
        assert done.returncode == 0, done.stderr
        assert "deleted changelog" in done.stderr
        # Made again before any worker starts, every partition with a leader.
        made = re.search(r"Created (\d+) fresh changelog\(s\) of version 1", done.stderr)
        assert made and int(made.group(1)) == len(r.table_names()), done.stderr
        settings = Settings(broker_url=dep.bootstrap, topic_prefix=dep.prefix,
                            app_id=dep.app_id, topic_partitions=dep.partitions)
        assert asyncio.run(r.create_changelogs(settings, 1, timeout=5)) == []  # all there
        with running_worker(dep, "w1") as (_, port):
            _processed(port, ingested.all)
            assert _answers(port, ingested, names) == before


def test_a_worker_seeds_its_group_at_the_start_of_every_partition(kafka_bootstrap: str,
                                                                  tmp_path: Path) -> None:
    # Without a committed offset faust cannot tell a message its fetcher skipped in a
    # rebalance from none (streams/skips.py): the worker commits every partition's start.
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from streams.replay import consumed_topics, group_id, seed_group_offsets

    dep = new_deployment(kafka_bootstrap, tmp_path)
    settings = Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix, app_id=dep.app_id,
                        topic_partitions=dep.partitions)
    asyncio.run(ensure_topics(settings))
    send(dep, *_batch("seed", 1)[:2])

    async def committed() -> dict[TopicPartition, int | None]:
        consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap,
                                    group_id=group_id(dep.app_id, 1), enable_auto_commit=False)
        await consumer.start()
        try:
            tps = [TopicPartition(t, p) for t in consumed_topics(settings)
                   for p in range(dep.partitions)]
            return {tp: await consumer.committed(tp) for tp in tps}
        finally:
            await consumer.stop()

    assert set(asyncio.run(committed()).values()) == {None}
    assert asyncio.run(seed_group_offsets(settings)) == len(consumed_topics(settings)) * 2
    assert set(asyncio.run(committed()).values()) == {0}  # the start, not the end
    assert asyncio.run(seed_group_offsets(settings)) == 0  # never moves a committed offset


def test_replay_with_two_workers_of_its_own_processes_every_article_once(
        kafka_bootstrap: str, tmp_path: Path) -> None:
    # `wiredesk replay --workers 2`: the command starts two worker processes of the new
    # version and follows the group until every stage has caught up. --keep-running
    # leaves them up so their tables can be asked; without it they are stopped.
    dep = new_deployment(kafka_bootstrap, tmp_path)
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    articles = _batch("workers", 8)
    send(dep, *articles)
    started = time.monotonic()
    done = _replay(dep, "--from-beginning", "--pipeline-version", "2", "--yes", "--workers", "2",
                   "--keep-running", "--timeout", "300", data_dir=str(tmp_path / "data"),
                   timeout=400)
    elapsed = time.monotonic() - started
    workers = re.findall(r"(w\d): pid (\d+), http://127\.0\.0\.1:(\d+)/health, log (\S+)",
                         done.stderr)
    try:
        assert done.returncode == 0, done.stderr
        print(f"\nREPLAY RATE (wiredesk replay --workers 2, command start to caught up): "
              f"{len(articles)} articles in {elapsed:.1f}s = {len(articles) / elapsed:.2f} "
              "articles/s")
        assert [name for name, *_ in workers] == ["w1", "w2"]
        assert all(Path(log).is_relative_to(tmp_path / "data") for *_, log in workers)
        held = re.search(r"Partitions held per worker: w1 (\d+), w2 (\d+)", done.stderr)
        assert held and all(int(n) > 0 for n in held.groups()), "a worker held no partition"
        assert f"Replayed {len(articles)} article(s)" in done.stderr
        # Both joined the group together, past the start barrier.
        assert len(list((tmp_path / "data" / "replay" / "v2-start").glob("*.ready"))) == 2
        expected = _expected_counts(None)
        keys = {a.key: a.source_id.split("-", 2)[2] for a in articles}
        # The tables, from either worker: every article processed, each counted once.
        port = int(workers[1][2])
        answers = _processed(port, articles, timeout=60)
        for key, file in keys.items():
            assert answers[key]["counts"] == expected[file], key
        mentions: dict[str, set[str]] = {}
        for suffix in OUTPUTS:
            records = [r for r in _records(dep, suffix) if r["article_id"] in keys]
            assert all(r["pipeline_version"] == 2 and r["replay"] for r in records)
            # Every record of every article, once by id. A record sent twice (a worker
            # that joined late took over a partition whose last batch was not committed
            # yet) is at-least-once delivery; the tables fold by id and count it once.
            ids = {r["id"]: r for r in records}
            doubled = len(records) - len(ids)
            print(f"{suffix}: {len(ids)} records, {doubled} sent twice")
            per_article = Counter(r["article_id"] for r in ids.values())
            for key, file in keys.items():
                assert per_article[key] == expected[file][KINDS[suffix]], (suffix, key)
            if suffix == "entities.v1":
                for r in ids.values():
                    mentions.setdefault(r["name"], set()).add(r["article_id"])
        for name in sorted(mentions)[:10]:
            status, entity = get(port, f"/entities/{name}")
            assert status == 200 and entity["articles"] == len(mentions[name]), name
    finally:
        _stop([int(pid) for _, pid, _, _ in workers])


def _stop(pids: list[int], timeout: float = 30.0) -> None:
    """SIGTERM processes that are not our children, and wait until they are gone."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.2)
            os.kill(pid, signal.SIGKILL)
