"""The thin Faust agents: one per stage, each a few lines around ``run_stage``.

Why the agents are here and not at the bottom of each stage module (as the
style guide's first draft had it): the stage modules are imported by
``wiredesk process``, ``eval``, the benchmark and the unit tests, none of which
should build a Faust app or read settings. Only this module imports the app.

Every agent runs with ``concurrency=1``: with more, faust's offset commit can
skip in-flight messages (faust issue 606). Order within an article is kept by
keying every internal topic by article id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

import orjson

from agents.alerts import AlertLedger, active_rules, read_back_alerts, record_alerts
from agents.annotate import annotate_article
from agents.dedup import assign_revision
from agents.kinds import KINDS, fold_name
from agents.materialize import article_failed, article_processed, article_received
from agents.parse import RawMeta, parse_article
from agents.pipeline import analyse_article, decode_record
from agents.runner import Out, dead_letter, message_headers, run_stage, send_out, table_write
from agents.viewfold import Op, ops_for
from schemas.article import Article
from streams.app import app, channels, lexicon, settings
from streams.faust_private import partition_for, table_get
from streams.metrics import (
    ALERTS_RAISED,
    RECEIVED_TO_ALERT,
    RECEIVED_TO_OUTPUT,
    RECORDS_OUT,
    labelled,
)
from streams.tables import article_annotations, article_revisions, articles
from streams.web import resolve_name

__all__ = ["enrich_agent", "normalize_agent", "view_updates"]

logger = logging.getLogger(__name__)


def _timestamp(event: Any) -> datetime:
    return datetime.fromtimestamp(event.message.timestamp, UTC)


async def _record_failure(event: Any, stage: str, error: Exception | None) -> None:
    """Mark the article failed in the ``articles`` table when a stage dead-lettered it.

    Every internal topic is keyed by article id, so the message key names the article.
    Sent by the path the stages' own entries take, so the changelog keeps their order.
    """
    key = event.message.key
    if error is None or not key:
        return
    article_id = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
    partition = event.message.partition
    failed = article_failed(table_get(articles, partition, article_id), article_id, stage,
                            f"{type(error).__name__}: {error}")
    await send_out(table_write(articles, partition, article_id, failed))


def _normalize(event: Any) -> Iterator[Out]:
    msg = event.message
    meta = RawMeta.from_headers(message_headers(event))
    if meta.received_at is None:
        # A producer that sets no received-at header: the message's own timestamp is
        # when it arrived (replays agree), and a story date of last resort.
        meta = replace(meta, received_at=_timestamp(event))
    article = parse_article(msg.value, meta, now=_timestamp(event),
                            max_bytes=settings.max_article_bytes)
    decision = assign_revision(table_get(article_revisions, msg.partition, article.id),
                               article.content_hash,
                               f"{msg.partition}:{msg.offset}")
    # Sent first, as faust's ``table[key] = ...`` would have (a duplicate's count too).
    yield table_write(article_revisions, msg.partition, article.id, decision.state)
    if decision.revision is None:
        logger.info("Duplicate dropped article_id=%s duplicates=%s", article.id,
                    decision.state["duplicates"])
        return
    article = article.derive(revision=decision.revision)
    yield Out(channels.articles, article.id, article.dumps())


def _enrich(event: Any, ledger: AlertLedger) -> list[Out]:
    article = decode_record(Article, event.message.value)
    # Recorded here, on a topic keyed by the article id, so the table partition
    # is the article's whatever key the raw message was sent with.
    # To the store only: the "processed" entry below (or the "failed" one written by
    # ``_record_failure``) is made from it, and is the one its changelog needs.
    partition = event.message.partition
    table_write(articles, partition, article.id,
                article_received(table_get(articles, partition, article.id),
                                 article.to_json_dict()))
    message, result = analyse_article(article, lexicon(), settings.pipeline_version)
    key = message.article_id
    # A crash before the offset commit redelivers this message: the outputs are
    # sent again with the same ids (harmless) and "processed" is written again.
    status = article_processed(table_get(articles, partition, key), key, message.revision,
                               result.counts)
    now = datetime.now(UTC)
    held = table_get(article_annotations, partition, key)
    annotated = annotate_article(held, message.paragraphs, result, source=status.get("source"),
                                 processed_at=now)
    outs: list[Out] = []
    # Outputs are keyed by what their consumers group by (agents/kinds.py).
    records = [(kind, getattr(result, kind.name)) for kind in KINDS]
    article_names = {alias.lower(): e.name for e in result.entities
                     for alias in (e.name, *e.aliases)}

    def resolve(name: str) -> str:  # this article's aliases first: the table may lag
        return article_names.get(" ".join(name.split()).lower()) or resolve_name(name)

    headline = (message.paragraphs[0].headline if message.paragraphs else "") or None
    watched = {rule.watch for rule in active_rules()}  # decode records only for these
    if watched:
        ledger.open(key)
    alerts = 0
    failure: Exception | None = None
    ops: list[Op] = []
    previous = held if held is not None and held.get("revision", 0) < message.revision else None
    for kind, kind_records in records:
        topic = channels.output(kind.name)
        decoded = []
        labelled(RECORDS_OUT, kind.name).inc(len(kind_records))  # one inc per kind and article
        for record in kind_records:
            payload = record.dumps_with(emitted_at=now, replay=settings.replay)
            data = orjson.loads(payload)
            decoded.append(data)
            outs.append(Out(topic, kind.message_key(data), payload))
            if kind.name not in watched:
                continue
            try:
                raised = record_alerts(kind.name, data, headline=headline,
                                       partition=event.message.partition, resolve=resolve,
                                       ledger=ledger, now=now)
                outs.extend(raised)
                alerts += len(raised)
            except Exception as exc:  # a rule engine bug must not cost the article its outputs
                logger.error("Alerts failed article_id=%s record=%s", key, record.id,
                             exc_info=exc)
                failure = failure or exc
        before = [kind.view.group(r) for r in (previous or {}).get(kind.name, [])]
        ops += ops_for(kind, key, message.revision, decoded, [g for g in before if g])
    outs += view_updates(channels.views, key, message.revision, ops, settings.topic_partitions)
    if failure is not None:  # once per article: `wiredesk dlq replay` re-enriches it
        outs.append(dead_letter("alerts", event, failure, channels.dlq["alerts"]))
    # The article's own entries last: written to the store only once nothing can fail.
    mine = [table_write(articles, partition, key, status)]
    if annotated is not held:  # a redelivered article is not written (nor fed) twice
        mine.append(table_write(article_annotations, partition, key, annotated))
    outs[:0] = mine
    _observe_latency(article.received_at, now, alerts)
    logger.debug("Enriched article_id=%s counts=%s alerts=%s", key, result.counts,
                 len(ledger.sent))
    return outs


def _observe_latency(received_at: datetime | None, now: datetime, alerts: int) -> None:
    """received -> output (once per article) and received -> alert (per alert) histograms.

    A replay re-reads old articles (their received-at is the original arrival), so
    its latencies would say nothing about the worker: they are not observed.
    """
    if alerts:
        ALERTS_RAISED.inc(alerts)
    if settings.replay or received_at is None:
        return
    if received_at.tzinfo is None:  # never so from parse_article; a metric must not fail one
        received_at = received_at.replace(tzinfo=UTC)
    seconds = max(0.0, (now - received_at).total_seconds())
    RECEIVED_TO_OUTPUT.observe(seconds)
    for _ in range(alerts):
        RECEIVED_TO_ALERT.observe(seconds)


def view_updates(topic: Any, article_id: str, revision: int, ops: list[Op],
                 partitions: int) -> list[Out]:
    """The article's view ops as at most one message per table partition.

    Each message goes to the partition that owns its ops' group keys (the
    producer's own hash of the key), keyed by the article for the log's sake.
    """
    by_partition: dict[int, list[dict[str, Any]]] = {}
    for op in ops:
        by_partition.setdefault(partition_for(fold_name(op.group), partitions),
                                []).append(op.to_json())
    return [Out(topic, article_id, orjson.dumps({"article_id": article_id, "revision": revision,
                                                 "ops": part_ops}), partition=p)
            for p, part_ops in sorted(by_partition.items())]


@app.agent(channels.raw, concurrency=1)
async def normalize_agent(stream: Any) -> None:
    """Raw bytes to ``Article`` records (bad input to ``dlq.normalize``)."""
    async for event in stream.events():
        error = await run_stage("normalize", event, partial(_normalize, event),
                                dlq=channels.dlq["normalize"])
        await _record_failure(event, "normalize", error)


@app.agent(channels.articles, concurrency=1)
async def enrich_agent(stream: Any) -> None:
    """An article to events, quotes, figures, entities, their alerts and view updates.

    Split, tag and enrich run here one after the other, as ``wiredesk process`` runs
    them: every internal topic after normalize was keyed by the article id, so the
    topics between them (``paragraphs.v2``, ``paragraphs.tagged.v2``) repartitioned
    nothing and only cost two Kafka round trips and two encodings of the article's
    paragraphs and tags per article (Kafka Streams fuses such operators into one
    sub-topology for the same reason).
    """
    async for event in stream.events():
        await read_back_alerts()  # after an assignment: alerts already sent (at once otherwise)
        ledger = AlertLedger()
        error = await run_stage("enrich", event, partial(_enrich, event, ledger),
                                dlq=channels.dlq["enrich"])
        await _record_failure(event, "enrich", error)
        if error is None:  # only once the alerts are with the producer
            ledger.commit()
