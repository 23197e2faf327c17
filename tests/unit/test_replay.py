"""The pure planning of ``wiredesk replay``: names, offsets, counts, messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from streams import replay as r
from streams.settings import Settings
from streams.topology import STAGES


def test_group_and_changelogs_are_named_as_faust_names_them() -> None:
    assert r.group_id("wiredesk", 1) == "wiredesk"
    assert r.group_id("wiredesk", 2) == "wiredesk-v2"
    logs = r.changelog_topics("wiredesk", 2, ["articles"])
    assert logs == ["wiredesk-v2-articles-changelog"]
    # Version 1's changelogs never match version 2's (a prefix match would).
    assert not set(r.changelog_topics("wiredesk", 1)) & set(r.changelog_topics("wiredesk", 2))


def test_faust_agrees_on_the_group_name() -> None:
    import faust

    app = faust.App("wiredesk-x", version=3, autodiscover=False)
    assert app.conf.id == r.group_id("wiredesk-x", 3)


def test_every_table_has_a_changelog_to_delete() -> None:
    tables = {t for s in STAGES for t in (*s.reads_tables, *s.writes_tables)}
    assert set(r.table_names()) == tables
    assert "article-revisions" in tables  # the dedup table must be rebuilt too


def test_the_replay_creates_changelogs_as_the_workers_faust_would() -> None:
    # A worker finds them made and skips its own CreateTopics; made differently, the
    # tables' changelogs would differ between a replayed and a fresh deployment.
    import importlib

    for module in ("agents.streaming", "agents.views", "agents.alerts"):  # every table
        importlib.import_module(module)
    from streams.app import app, settings

    specs = {s.name: s for s in r.changelog_specs(settings, settings.pipeline_version)}
    assert set(specs) == {t.changelog_topic.get_topic_name() for t in app.tables.values()}
    for table in app.tables.values():
        topic = table.changelog_topic
        spec = specs[topic.get_topic_name()]
        assert spec.partitions == topic.partitions == settings.topic_partitions
        assert topic.compacting and not topic.deleting and not topic.retention
        assert spec.config == {"cleanup.policy": "compact", **(topic.config or {})}


def test_the_raw_topic_comes_first_and_every_other_consumed_topic_is_derived() -> None:
    s = Settings(topic_prefix="p")
    consumed = r.consumed_topics(s)
    assert consumed[0] == "p.articles.raw.v1"
    assert set(consumed) == {f"p.{st.consumes}" for st in STAGES}
    assert "p.view-updates.v1" in r.derived_topics(s)  # the view agent's input


def test_topics_outside_the_raw_lineage_are_sources_not_derived() -> None:
    s = Settings(topic_prefix="p")
    derived, sources = set(r.derived_topics(s)), set(r.source_topics(s))
    assert {"p.articles.v1", "p.view-updates.v1"} <= derived
    assert not derived & sources and "p.articles.raw.v1" not in derived | sources
    assert derived | sources == set(r.consumed_topics(s)[1:])


def test_a_rebuild_reads_other_sources_again_and_a_since_replay_leaves_them() -> None:
    rules = {("p.rules.v1", 0): 3}
    full = _plan(sources=rules)
    assert full.offsets()[("p.rules.v1", 0)] == 3
    since = _plan(since=datetime(2019, 1, 1, tzinfo=UTC), sources=rules)
    assert ("p.rules.v1", 0) not in since.offsets()
    assert _plan(since=datetime(2019, 1, 1, tzinfo=UTC), existing=False,
                 sources=rules).offsets()[("p.rules.v1", 0)] == 3


def test_parse_since_reads_iso_times_as_utc() -> None:
    assert r.parse_since("2019-03-01T00:00Z") == datetime(2019, 3, 1, tzinfo=UTC)
    assert r.parse_since("2019-03-01") == datetime(2019, 3, 1, tzinfo=UTC)
    tz = timezone(timedelta(hours=2))
    assert r.parse_since("2019-03-01T02:00+02:00") == datetime(2019, 3, 1, 2, tzinfo=tz)
    with pytest.raises(r.ReplayError):
        r.parse_since("last tuesday")


def test_from_the_beginning_every_kept_message_is_replayed() -> None:
    plans = r.plan_partitions({0: 0, 1: 5}, {0: 10, 1: 7})
    assert [(p.partition, p.offset, p.count) for p in plans] == [(0, 0, 10), (1, 5, 2)]


def test_since_starts_at_the_first_offset_at_or_after_the_time() -> None:
    plans = r.plan_partitions({0: 0, 1: 0, 2: 4}, {0: 10, 1: 7, 2: 9},
                              {0: 6, 1: None, 2: 1})
    # Partition 1 has nothing that new: nothing to replay there. Partition 2's
    # answer is older than its log start (retention): the log start wins.
    assert [(p.offset, p.count) for p in plans] == [(6, 4), (7, 0), (4, 5)]


def _plan(since: datetime | None = None, existing: bool = True,
          committed: dict[tuple[str, int], int] | None = None,
          sources: dict[tuple[str, int], int] | None = None) -> r.ReplayPlan:
    return r.build_plan(topic="p.articles.raw.v1", group="g", version=1, since=since,
                        partitions=r.plan_partitions({0: 0, 1: 0}, {0: 3, 1: 4}),
                        existing=existing, derived_ends={("p.articles.v1", 0): 9,
                                                         ("p.quotes.v1", 1): 20},
                        derived_committed=committed or {("p.articles.v1", 0): 7,
                                                        ("p.quotes.v1", 1): 20},
                        changelogs=["g-b-changelog", "g-a-changelog"], source_starts=sources)


def test_the_offsets_move_raw_to_the_plan_and_derived_topics_to_their_end() -> None:
    plan = _plan()
    assert plan.total == 7
    assert plan.offsets() == {("p.articles.raw.v1", 0): 0, ("p.articles.raw.v1", 1): 0,
                              ("p.articles.v1", 0): 9, ("p.quotes.v1", 1): 20}
    assert plan.in_flight == 2  # articles.v1 was two messages behind
    assert plan.changelogs == ["g-a-changelog", "g-b-changelog"]


def test_only_a_replay_from_the_beginning_rebuilds_tables() -> None:
    assert _plan().rebuilds_tables
    assert not _plan(since=datetime(2019, 1, 1, tzinfo=UTC)).rebuilds_tables


def test_a_new_version_has_nothing_in_flight() -> None:
    assert _plan(existing=False, committed={}).in_flight == 0


def test_local_table_dirs_are_only_this_versions_tables(tmp_path: Path) -> None:
    tables = tmp_path / "v2" / "tables"
    for name in ("articles-0.db", "entity-mentions-v2-3.db", "not-a-table-0.db", "articles.txt"):
        (tables / name).mkdir(parents=True)
    (tmp_path / "v1" / "tables" / "articles-0.db").mkdir(parents=True)
    (tmp_path / "feeds").mkdir()
    found = r.local_table_dirs(tmp_path, 2)
    assert [p.name for p in found] == ["articles-0.db", "entity-mentions-v2-3.db"]
    r.remove_local_tables(found)
    assert (tables / "not-a-table-0.db").exists() and (tmp_path / "v1").exists()
    assert (tmp_path / "feeds").exists()
    assert r.local_table_dirs(tmp_path, 5) == []


def test_running_members_are_named_from_describe_groups() -> None:
    entry = (0, "g", "Stable", "consumer", "roundrobin",
             [("m-1", "faust-0.15.3", "/127.0.0.1", b"", b"")])
    assert r.running_members_of(entry) == ["faust-0.15.3@127.0.0.1"]
    assert r.running_members_of((0, "g", "Empty", "consumer", "", [])) == []
    message = r.stop_workers_message("g", ["faust@h"])
    assert "Stop every worker" in message and "'g'" in message


def test_the_worker_command_carries_the_replay_marker() -> None:
    assert r.worker_command(2) == ("WIREDESK_REPLAY=1 WIREDESK_PIPELINE_VERSION=2 "
                                   ".venv/bin/wiredesk worker")
    assert "WIREDESK_REPLAY_ALERTS=1" in r.worker_command(2, alerts=True)


def test_the_replay_setting_defaults_to_false(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().replay is False
    monkeypatch.setenv("WIREDESK_REPLAY", "1")
    assert Settings().replay is True


def test_articles_done_follows_the_slowest_stage() -> None:
    plan = _plan()  # 7 raw messages; articles.v1 p0 ended at 9, quotes.v1 p1 at 20
    raw_all = {("p.articles.raw.v1", 0): 3, ("p.articles.raw.v1", 1): 4}
    ends = {("p.articles.v1", 0): 16, ("p.quotes.v1", 1): 40}
    # Normalize read everything; split consumed all 7 new articles, the view half its input.
    committed = {**raw_all, ("p.articles.v1", 0): 16, ("p.quotes.v1", 1): 30}
    assert r.articles_done(plan, committed, ends) == 3  # int(7 * 0.5)
    committed[("p.quotes.v1", 1)] = 40
    assert r.articles_done(plan, committed, ends) == 7
    assert r.articles_done(plan, {}, {}) == 0
