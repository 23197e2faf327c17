"""The alert agents: rules from ``rules.v1`` into a global table, output records into alerts.

``rules_agent`` folds ``wiredesk.rules.v1`` (keyed by rule id; an empty value
deletes the rule) into the ``alert-rules`` GlobalTable, so every worker holds
every rule and a changed rule applies to the next record, without a restart.
``raise_alerts``, called by each output topic's agent
(``agents.output_agents``), matches a record against the active rules
(``agents.rules.match_rule``) and sends an ``AlertV1`` to
``wiredesk.alerts.v1`` keyed by rule id. At most once per (rule, record): the
alert id is a hash of both and ``alerts-sent`` remembers the ids sent, in the
partition of the record (a record id always arrives on the same partition).
A rule whose conditions do not hold changes nothing, so a record never alerts
late once a rule is added: rules apply to records that arrive after them.
"""

from __future__ import annotations

import functools
import logging
import time
from datetime import UTC, datetime
from typing import Any

import faust
import orjson

from agents.errors import InvalidRecord
from agents.rules import Rule, RuleError, alert_id, make_alert, match_rule, parse_rule, rate_step
from agents.runner import Out, run_stage
from agents.views import decode_output
from streams import topics as t
from streams.app import app, channels, settings
from streams.tables import _raw_keys, store_options
from streams.web import resolve_name

__all__ = [
    "active_rules",
    "alert_rules",
    "alerts_topic",
    "forget_rules",
    "headlines_agent",
    "raise_alerts",
    "rules_agent",
    "rules_topic",
]

logger = logging.getLogger(__name__)
_parts = settings.topic_partitions


def _topic(suffix: str) -> Any:
    return app.topic(t.full_name(settings, suffix), key_type=str, value_type=bytes,
                     value_serializer="raw", partitions=_parts)


def _schema() -> faust.Schema:
    return faust.Schema(key_type=str, key_serializer="raw", value_serializer="json")


rules_topic = _topic(t.RULES)
alerts_topic = _topic(t.ALERTS)

def _table(kind: Any, name: str, help_text: str) -> Any:
    return _raw_keys(kind(name, schema=_schema(), partitions=_parts, options=store_options(),
                          help=help_text))


#: rule id -> the rule as plain JSON, on every worker; fed by ``rules.v1``.
alert_rules = _table(app.GlobalTable, "alert-rules", "Active alert rules by rule id.")
#: article id -> headline, on every worker, so an alert can name its article.
headlines = _table(app.GlobalTable, "alert-headlines", "Article headlines for alerts.")
#: alert id -> when it was sent: an alert goes out at most once per (rule, record).
alerts_sent = _table(app.Table, "alerts-sent", "Ids of the alerts sent.")
#: ``<rule>|<kind>|<partition>`` -> the rule's recent matches (rate conditions).
alert_rate = _table(app.Table, "alert-rate", "Recent matches of rate-limited rules.")


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


def _match(event: Any, kind: str, sent: list[str]) -> list[Out]:
    record = decode_output(event.message.value, "received_at")
    outs = []
    now = datetime.now(UTC)
    for rule in active_rules():
        if rule.watch != kind:
            continue
        aid = alert_id(rule.id, record["id"])
        if alerts_sent.get(aid) is not None or not match_rule(rule, kind, record, resolve_name):
            continue
        if rule.rate is not None:
            key = f"{rule.id}|{kind}|{event.message.partition}"
            at = datetime.fromisoformat(str(record["received_at"])).timestamp()
            state, fires = rate_step(alert_rate.get(key), record["id"], at, rule.rate)
            alert_rate[key] = state
            if not fires:
                continue
        alert = make_alert(rule, kind, record, headline=headlines.get(record["article_id"]),
                           now=now)
        sent.append(aid)
        outs.append(Out(alerts_topic, rule.id, alert.dumps()))
        logger.debug("Alert rule=%s record=%s latency_ms=%s", rule.id, record["id"],
                     alert.latency_ms)
    return outs


async def raise_alerts(event: Any, kind: str) -> None:
    """Match one output record against the rules that watch ``kind``; send the alerts.

    A record that does not decode, or a rule that fails on it, becomes a dead letter
    of the alerts stage; an alert is remembered as sent only once it is with the producer.
    """
    sent: list[str] = []
    error = await run_stage("alerts", event, functools.partial(_match, event, kind, sent),
                            dlq=channels.dlq["alerts"])
    if error is None:
        stamp = datetime.now(UTC).isoformat()
        for aid in sent:
            alerts_sent[aid] = stamp


@app.agent(rules_topic, concurrency=1)
async def rules_agent(stream: Any) -> None:
    """``rules.v1`` into the ``alert-rules`` global table; a bad rule is a dead letter."""
    async for event in stream.events():
        await run_stage("alerts", event, functools.partial(_rule, event),
                        dlq=channels.dlq["alerts"])


def _headline(event: Any) -> list[Out]:
    article = orjson.loads(event.message.value or b"{}")
    if article.get("id") and headlines.get(article["id"]) != article.get("headline"):
        headlines[article["id"]] = article.get("headline")
    return []


@app.agent(channels.articles, concurrency=1)
async def headlines_agent(stream: Any) -> None:
    """``articles.v1`` headlines into the ``alert-headlines`` global table."""
    async for event in stream.events():
        await run_stage("alerts", event, functools.partial(_headline, event),
                        dlq=channels.dlq["alerts"])
