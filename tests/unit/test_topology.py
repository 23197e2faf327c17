"""The stage graph in streams/topology.py matches what the app really declares."""

from __future__ import annotations

import importlib

from streams.topics import DLQ_STAGES, topic_specs
from streams.topology import GLOBAL_TABLES, STAGES, describe


def test_every_agent_topic_and_table_is_in_the_graph() -> None:
    # they register the agents
    for module in ("agents.streaming", "agents.views", "agents.alerts"):
        importlib.import_module(module)
    from streams.app import app, channels, settings
    from streams.topics import full_name

    agent_names = {name.rsplit(".", 1)[-1] for name in app.agents}
    assert agent_names == {s.agent for s in STAGES}
    for stage in STAGES:
        agent = next(a for n, a in app.agents.items() if n.endswith(stage.agent))
        assert agent.channel.get_topic_name() == full_name(settings, stage.consumes)
    assert set(app.tables) == {t for s in STAGES for t in (*s.reads_tables, *s.writes_tables)}
    assert {s.dlq_stage or s.name for s in STAGES} == set(DLQ_STAGES) == set(channels.dlq)
    assert {n for n, t in app.tables.items() if t.is_global} == set(GLOBAL_TABLES)


def test_every_topic_in_the_graph_is_created() -> None:
    from streams.settings import Settings

    settings = Settings()
    created = {spec.name for spec in topic_specs(settings)}
    for stage in STAGES:
        for suffix in (stage.consumes, *stage.produces, stage.dead_letters):
            assert f"{settings.topic_prefix}.{suffix}" in created


def test_the_raw_topic_and_dead_letters_keep_everything() -> None:
    from streams.settings import Settings

    specs = {s.name: s for s in topic_specs(Settings())}
    assert specs["wiredesk.articles.raw.v1"].retention_ms == -1
    assert specs["wiredesk.dlq.normalize.v1"].retention_ms == -1
    assert specs["wiredesk.quotes.v1"].retention_ms > 0


def test_describe_names_every_stage() -> None:
    text = describe()
    assert all(s.name in text and s.consumes in text for s in STAGES)
