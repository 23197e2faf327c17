"""Every topic of the pipeline: its name, partitions, retention and clean-up policy.

A topic's name is spelled once, here, as the suffix constant below; the full
name is ``<prefix>.<suffix>`` (prefix from ``WIREDESK_TOPIC_PREFIX``, default
``wiredesk``) so a test or a second deployment gets its own set. Faust creates
only its internal topics, so wiredesk creates these itself at start-up
(:func:`ensure_topics`) with the right partition counts; the local broker has
auto-creation off, and a topic made by a stray producer would get the wrong
partition count and break co-partitioning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.settings import Settings

__all__ = [
    "ALERTS",
    "ARTICLES",
    "ARTICLES_RAW",
    "DLQ_STAGES",
    "ENTITIES",
    "EVENTS",
    "FIGURES",
    "QUOTES",
    "RULES",
    "VIEW_UPDATES",
    "TopicSpec",
    "create_missing",
    "dlq",
    "ensure_topics",
    "full_name",
    "replication_configs",
    "resolve_replication",
    "topic_specs",
]

logger = logging.getLogger(__name__)

ARTICLES_RAW = "articles.raw.v1"
ARTICLES = "articles.v1"
EVENTS = "events.v1"
QUOTES = "quotes.v1"
FIGURES = "figures.v1"
ENTITIES = "entities.v1"
ALERTS = "alerts.v1"
#: Internal: view updates, one message per table partition per article, sent to the
#: partition that owns their group keys (agents/viewfold.py).
VIEW_UPDATES = "view-updates.v1"
#: Alert rules, keyed by rule id (an empty value deletes the rule); compacted, kept forever.
RULES = "rules.v1"
#: Stages that consume a topic, each with a dead-letter topic of its own.
#: (Split and tag run inside the enrich stage, so their failures are enrich's dead letters.)
DLQ_STAGES = ("normalize", "enrich", "materialize", "alerts")

_DAY_MS = 86_400_000


def dlq(stage: str) -> str:
    """The dead-letter suffix of a stage: ``dlq.<stage>.v1``."""
    return f"dlq.{stage}.v1"


def full_name(settings: Settings, suffix: str) -> str:
    """``<prefix>.<suffix>``: the name on the broker."""
    return f"{settings.topic_prefix}.{suffix}"


@dataclass(frozen=True)
class TopicSpec:
    """How a topic is created: ``retention_ms=-1`` keeps everything."""

    name: str
    partitions: int
    retention_ms: int
    cleanup_policy: str = "delete"

    @property
    def config(self) -> dict[str, str]:
        """Topic-level configs for CreateTopics."""
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """Every topic wiredesk writes or reads, with its settings.

    The raw article topic and the dead letters keep everything: the raw topic
    is the event store every derived topic and table is rebuilt from, and a
    dead letter is kept until someone fixes and replays it.
    """
    parts = settings.topic_partitions
    derived = int(settings.derived_retention_days * _DAY_MS)
    keep = [ARTICLES_RAW, *(dlq(s) for s in DLQ_STAGES)]
    rolling = [ARTICLES, EVENTS, QUOTES, FIGURES, ENTITIES, ALERTS, VIEW_UPDATES]
    return [TopicSpec(full_name(settings, s), parts, -1) for s in keep] + [
        TopicSpec(full_name(settings, s), parts, derived) for s in rolling
    ] + [TopicSpec(full_name(settings, RULES), parts, -1, "compact")]


def replication_configs(replication: int) -> dict[str, str]:
    """Topic configs that go with a replication factor: ``min.insync.replicas=2`` from 3.

    With three replicas and acks=all (every producer of wiredesk, faust's included), a
    write is then stored on two brokers before it counts, and one broker can be down
    without stopping writes. Below 3 the broker's own default is left alone.
    """
    return {"min.insync.replicas": "2"} if replication >= 3 else {}


async def resolve_replication(settings: Settings, admin: AIOKafkaAdminClient) -> int:
    """``settings.topic_replication``, decided from the live brokers when it is unset.

    Stored back on ``settings``: the worker's Faust app (built after this, from the same
    cached Settings) creates the table changelogs with it.
    """
    if settings.topic_replication is None:
        brokers = len((await admin.describe_cluster()).get("brokers") or [])
        settings.topic_replication = max(1, min(3, brokers))
        logger.info("Topic replication from the cluster brokers=%s replication=%s",
                    brokers, settings.topic_replication)
    return settings.topic_replication


async def ensure_topics(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create every missing topic of :func:`topic_specs`; return the names created.

    Idempotent: topics that exist are left as they are (a partition count that
    differs from the settings is logged, never changed behind the user's back).
    An unset ``topic_replication`` is decided here (:func:`resolve_replication`).
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers,
                                request_timeout_ms=int(timeout * 1000))
    await asyncio.wait_for(admin.start(), timeout)
    try:
        replication = await resolve_replication(settings, admin)
        extra = replication_configs(replication)
        created = await create_missing(admin, [
            NewTopic(s.name, s.partitions, replication, topic_configs={**s.config, **extra})
            for s in topic_specs(settings)], timeout)
        if created:
            logger.info("Created topics count=%s names=%s", len(created), ",".join(created))
        return created
    finally:
        await admin.close()


async def create_missing(admin: AIOKafkaAdminClient, wanted: list[NewTopic],
                         timeout: float = 30.0) -> list[str]:
    """Create the topics of ``wanted`` the broker does not list; return their names.

    Topics that exist are left as they are; one created meanwhile by another worker
    (or ``wiredesk replay``) is not an error.
    """
    existing = set(await admin.list_topics())
    missing = [topic for topic in wanted if topic.name not in existing]
    if missing:
        with contextlib.suppress(TopicAlreadyExistsError):  # another worker was first
            await admin.create_topics(missing, timeout_ms=int(timeout * 1000))
    return [topic.name for topic in missing]
