"""Alerts: rules from ``rules.v1`` into a global table, output records into alerts.

``rules_agent`` folds ``wiredesk.rules.v1`` (keyed by rule id; an empty value
deletes the rule) into the ``alert-rules`` GlobalTable, so every worker holds
every rule and a changed rule applies to the next record, without a restart.
``record_alerts`` matches an output record against the active rules
(``agents.rules.match_rule``) and makes an ``AlertV1`` for
``wiredesk.alerts.v1`` keyed by rule id. At most once per (rule, record): the
alert id is a hash of both and ``alerts-sent`` remembers the ids sent, in the
partition of the article (an article always arrives on the same partition).
A rule whose conditions do not hold changes nothing, so a record never alerts
late once a rule is added: rules apply to records that arrive after them.

Why the enrich stage raises the alerts, as it makes the records, and not an
agent per output topic (as before): that agent read every output record back
from Kafka a hop later, behind the view folds of the same worker; the
benchmark measured alerts trailing their records by seconds under load, and
the second read of ~80 records per article was a third of the worker's
consumed messages. In enrich an alert leaves with its record, carries the
article's headline without a lookup table, and resolves names with the
article's own aliases before the shared table has them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from agents.errors import InvalidRecord
from agents.rules import (
    Resolver,
    Rule,
    RuleError,
    alert_id,
    make_alert,
    match_rule,
    parse_rule,
    rate_step,
)
from agents.runner import Out, run_stage
from streams import topics as t
from streams.alert_tail import read_sent_alerts
from streams.app import app, channels, settings
from streams.tables import make_table

__all__ = [
    "AlertLedger",
    "active_rules",
    "alert_rules",
    "alerts_topic",
    "forget_rules",
    "on_assigned",
    "read_back_alerts",
    "record_alerts",
    "rules_agent",
    "rules_topic",
]

logger = logging.getLogger(__name__)
_parts = settings.topic_partitions


def _topic(suffix: str) -> Any:
    return app.topic(t.full_name(settings, suffix), key_type=str, value_type=bytes,
                     value_serializer="raw", partitions=_parts)


rules_topic = _topic(t.RULES)
alerts_topic = _topic(t.ALERTS)


#: rule id -> the rule as plain JSON, on every worker; fed by ``rules.v1``.
alert_rules = make_table("alert-rules", "Active alert rules by rule id.", everywhere=True)
#: article id -> the ids of the alerts sent for its records: an alert goes out at most
#: once per (rule, record). One key per article, read once and written once per article
#: (one key per alert was ~23 changelog messages per article in the benchmark).
alerts_sent = make_table("alerts-sent", "Ids of the alerts sent, by article.")
#: ``<rule>|<kind>|<partition>`` -> the rule's recent matches (rate conditions).
alert_rate = make_table("alert-rate", "Recent matches of rate-limited rules.")


@functools.lru_cache(maxsize=512)
def _compiled(source: bytes) -> Rule:
    return parse_rule(orjson.loads(source))


class _RuleCache:
    """The parsed rule list, reused for ``ttl`` seconds.

    Reading every rule back from RocksDB for every output record was a tenth of
    the worker's CPU in the benchmark's profile. A rule changed on *this* worker
    applies at once (the cache is dropped); one changed through another worker
    within ``ttl``.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._at = 0.0
        self._rules: list[Rule] | None = None

    def forget(self) -> None:
        """Drop the cached list: the next record reads ``alert-rules`` again."""
        self._rules = None

    def get(self) -> list[Rule]:
        """The active rules, parsed once per distinct rule text."""
        now = time.monotonic()
        if self._rules is not None and now - self._at < self.ttl:
            return self._rules
        rules = []
        for value in list(alert_rules.values()):
            try:
                rules.append(_compiled(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)))
            except RuleError as exc:  # validated on the way in; only an old format gets here
                logger.warning("Rule skipped rule=%s error=%s", value.get("id"), exc)
        self._rules, self._at = rules, now
        return rules


_rule_cache = _RuleCache(ttl=0.5)
active_rules = _rule_cache.get
forget_rules = _rule_cache.forget


def _rule(event: Any) -> list[Out]:
    msg = event.message
    key = msg.key.decode() if isinstance(msg.key, bytes) else msg.key
    if not msg.value:
        if key and alert_rules.get(key) is not None:
            del alert_rules[key]
            forget_rules()
            logger.info("Rule deleted rule=%s", key)
        return []
    try:
        data = orjson.loads(msg.value)
    except orjson.JSONDecodeError as exc:
        raise InvalidRecord(f"rule is not JSON: {exc}") from None
    rule = parse_rule(data)
    if key and key != rule.id:
        raise RuleError(f"message key {key!r} is not the rule id", rule_id=rule.id)
    alert_rules[rule.id] = data
    forget_rules()
    logger.info("Rule set rule=%s watch=%s enabled=%s", rule.id, rule.watch, rule.enabled)
    return []


@dataclass
class AlertLedger:
    """The alerts of one article: those sent before (any revision) and those raised now.

    The enrich stage fills it while it makes the article's records; the agent
    calls ``commit`` once the alerts are with the producer, so an alert a crash
    kept from being sent is raised again on redelivery, and one that was sent
    is not. "Sent before" is the ``alerts-sent`` table plus the alerts read back
    from the alerts topic when this worker was given its partitions
    (``streams/alert_tail.py``): a crash between an alert reaching the broker and
    its mark in the table no longer sends it twice.
    """

    article_id: str = ""
    seen: frozenset[str] = frozenset()
    sent: list[str] = field(default_factory=list)

    def open(self, article_id: str) -> None:
        """Start on an article: read the ids already sent for it."""
        self.article_id = article_id
        self.seen = frozenset(alerts_sent.get(article_id) or ()).union(
            _on_topic.get(article_id, ()))

    def __contains__(self, aid: str) -> bool:
        return aid in self.seen or aid in self.sent

    def commit(self) -> None:
        """Remember the alerts raised now as sent (one table write for the article)."""
        if self.sent:
            alerts_sent[self.article_id] = sorted(self.seen.union(self.sent))


#: article id -> alert ids found on the alerts topic at the last partition assignment.
_on_topic: dict[str, set[str]] = {}
_read_back = {"pending": True}


@app.on_partitions_assigned.connect
async def on_assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
    """New partitions: read the alerts topic back before the next article (``read_back``)."""
    _read_back["pending"] = True


async def read_back_alerts(retry_s: float = 1.0) -> None:
    """After an assignment, before the enrich stage goes on: the alerts already on the topic.

    The enrich agent awaits this before each article; it costs nothing until the next
    assignment. It waits for the broker as long as it must (retrying every ``retry_s``):
    without the broker no article is processed anyway, and an article processed without
    the read-back could send an alert twice.
    """
    started, tries = time.monotonic(), 0
    while _read_back["pending"]:
        _read_back["pending"] = False  # an assignment during the read sets it again
        tries += 1
        try:
            found = await read_sent_alerts(settings.bootstrap_servers,
                                           alerts_topic.get_topic_name())
        except Exception as exc:
            _read_back["pending"] = True
            if tries == 1:  # once: the broker probe reports the outage itself
                logger.warning("Alerts topic not read back error=%r: retrying until it is",
                               exc)
            await asyncio.sleep(retry_s)
            continue
        _on_topic.clear()
        _on_topic.update(found)
        logger.info("Alerts read back articles=%s alerts=%s tries=%s seconds=%.2f", len(found),
                    sum(map(len, found.values())), tries, time.monotonic() - started)


def record_alerts(kind: str, record: Mapping[str, Any], *, partition: int,
                  headline: str | None, resolve: Resolver, ledger: AlertLedger,
                  now: datetime) -> list[Out]:
    """The alert messages one output record raises, against every active rule.

    Args:
        kind: The record's output (``events``, ``quotes``, ``figures``, ``entities``).
        record: The record exactly as it is on its output topic (decoded JSON).
        partition: The partition being processed (rate windows count per partition).
        headline: The article's headline, carried by the alert.
        resolve: Canonical name of a name or alias.
        ledger: The article's alerts so far; an alert raised here is added to it.
        now: The emission time.
    """
    outs, raised = [], []
    for rule in active_rules():
        if rule.watch != kind:
            continue
        aid = alert_id(rule.id, record["id"])
        if aid in ledger or not match_rule(rule, kind, record, resolve):
            continue
        if rule.rate is not None:
            key = f"{rule.id}|{kind}|{partition}"
            at = datetime.fromisoformat(str(record["received_at"])).timestamp()
            state, fires = rate_step(alert_rate.get(key), record["id"], at, rule.rate)
            alert_rate[key] = state
            if not fires:
                continue
        alert = make_alert(rule, kind, record, headline=headline, now=now)
        raised.append(aid)
        outs.append(Out(alerts_topic, rule.id, alert.dumps()))
        logger.debug("Alert rule=%s record=%s latency_ms=%s", rule.id, record["id"],
                     alert.latency_ms)
    # Only now: a rule that fails on the record drops its alerts and leaves none marked sent.
    ledger.sent.extend(raised)
    return outs


@app.agent(rules_topic, concurrency=1)
async def rules_agent(stream: Any) -> None:
    """``rules.v1`` into the ``alert-rules`` global table; a bad rule is a dead letter."""
    async for event in stream.events():
        await run_stage("alerts", event, functools.partial(_rule, event),
                        dlq=channels.dlq["alerts"])
