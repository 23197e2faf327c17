"""The Faust app, built from ``Settings``, and the channels the agents use.

``faust -A streams.app worker`` and ``wiredesk worker`` both load this module.
The stage functions live in ``agents/`` and never import it; only the thin
agents (``agents/streaming.py``) and the web views (``streams/web.py``) do,
and the app discovers both.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust
from faust.types import TopicT

from agents.lexicon import Lexicon, load_lexicon
from streams import sends, skips
from streams import topics as t
from streams.faust_private import (
    check_versions,
    install_commit_guard,
    install_skip_guard,
    share_rocksdb_memory,
    speed_up_aiokafka,
)
from streams.http_errors import json_errors
from streams.logging import configure_logging
from streams.settings import Settings, get_settings

__all__ = ["Channels", "app", "channels", "create_app", "lexicon", "settings"]


def lexicon() -> Lexicon:
    """The worker's lexicon: the backend and newsroom gazetteer its settings name (cached)."""
    return load_lexicon(settings.ner_backend, settings.gazetteer)


def create_app(settings: Settings) -> faust.App:
    """Build the Faust app from settings.

    The app id with its version names the consumer group and every changelog
    (``{id}-v{version}`` from version 2), so a new pipeline version is a new
    group that reads the raw topic from the beginning and builds fresh tables.
    """
    return faust.App(
        settings.app_id,
        version=settings.pipeline_version,
        broker=settings.kafka_url,
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.topic_partitions,
        # Decided from the cluster by ensure_topics, which `wiredesk worker` runs first.
        topic_replication_factor=settings.topic_replication or 1,
        topic_allow_declare=True,
        topic_disable_leader=True,
        table_standby_replicas=settings.standby_replicas,
        consumer_auto_offset_reset="earliest",
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_in_thread=False,
        # Every HTTP error answers JSON, aiohttp's own 404/405/500 too (streams/http_errors.py).
        web_application_options={"middlewares": [json_errors]},
        # faust's /router and /table debug views are not this API (and /table/alert-rules/
        # would show webhook secrets); the table router forwards requests without them.
        web_router_enabled=False,
        web_tables_enabled=False,
        # Reliability (docs/reliability.md): a restarted worker takes its partitions back at
        # once (static membership), a dead one is replaced after 15 s, not 60.
        consumer_group_instance_id=settings.static_member_id,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=settings.heartbeat_seconds,
        # Commit often: a crash then re-delivers little, and ids make re-delivery harmless.
        broker_commit_interval=1.0,
        producer_linger_ms=1,
        autodiscover=["agents.streaming", "agents.views", "agents.alerts", "streams.web",
                      "streams.health", "streams.http_ingest", "streams.alerting", "streams.desk",
                      "streams.ops"],
        origin="streams.app",
    )


@dataclass(frozen=True)
class Channels:
    """The Faust topic objects of the pipeline (names from ``streams.topics``)."""

    raw: TopicT
    articles: TopicT
    events: TopicT
    quotes: TopicT
    figures: TopicT
    entities: TopicT
    views: TopicT
    dlq: dict[str, TopicT]

    def output(self, kind: str) -> TopicT:
        """The public topic of an output kind (``agents/kinds.py``)."""
        return getattr(self, kind)  # type: ignore[no-any-return]


def declare_channels(app: faust.App, settings: Settings) -> Channels:
    """Declare every topic on the app: bytes in and out, records between stages.

    Every topic is bytes at the agent boundary (``value_serializer="raw"``), the
    public outputs too (their records are plain JSON, sent as bytes):
    decoding happens in the stage function, so a payload that does not decode
    is a ``StageError`` and a dead letter, not an exception thrown inside the
    agent's ``async for`` (where Faust would ack and drop it silently).
    """
    def raw(suffix: str) -> TopicT:
        return app.topic(t.full_name(settings, suffix), key_type=str, value_type=bytes,
                         value_serializer="raw", partitions=settings.topic_partitions)

    return Channels(
        raw=raw(t.ARTICLES_RAW),
        articles=raw(t.ARTICLES),
        events=raw(t.EVENTS),
        quotes=raw(t.QUOTES),
        figures=raw(t.FIGURES),
        entities=raw(t.ENTITIES),
        views=raw(t.VIEW_UPDATES),
        dlq={
            stage: app.topic(t.full_name(settings, t.dlq(stage)), key_type=bytes,
                             value_type=bytes, key_serializer="raw", value_serializer="raw",
                             partitions=settings.topic_partitions)
            for stage in t.DLQ_STAGES
        },
    )


check_versions()
settings = get_settings()
configure_logging(settings)
if settings.store.startswith("rocksdb"):
    share_rocksdb_memory(settings.rocksdb_memory_mb * 2**20, settings.rocksdb_memory_mb * 2**19)
app = create_app(settings)
channels = declare_channels(app, settings)
# The two guards of faust's commit path (streams/skips.py, streams/sends.py). Topics whose
# offsets are never missing (delete policy): a jump in them is a skip, not a gap.
_PLAIN = frozenset(s.name for s in t.topic_specs(settings) if s.cleanup_policy == "delete")
install_skip_guard(lambda topic: topic in _PLAIN, skips.ledger)
install_commit_guard(sends.before_commit, sends.after_commit)
speed_up_aiokafka()
