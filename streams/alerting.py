"""Alert delivery on the worker: ``GET /alerts/stream`` (SSE) and the webhook dispatcher.

Both read ``wiredesk.alerts.v1`` with aiokafka consumers of their own, so a
slow client or a dead webhook never slows the agents. The stream joins no
consumer group: it starts at the end of the topic (``?from=beginning`` for
all that is kept), or where a ``Last-Event-ID`` says (every event id is the
next offset of each partition). ``?recent=N`` starts at the ``N`` newest
alerts of each partition instead and sends ``event: ready`` once it has
caught up with what the topic held: this is how the desk page gets its
recent alerts back after a reload (see :class:`AlertStream`). The webhook
dispatcher joins the group
``<app id>-webhooks`` (each alert to one worker) and hands each alert whose
rule has a ``webhook`` to :class:`~streams.alert_delivery.WebhookSender`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from aiohttp import web as aioweb
from aiokafka import AIOKafkaConsumer
from faust.web import Request, Response, View

from agents.alerts import alert_rules
from streams.alert_delivery import WebhookSender, format_event_id, resume_positions, sse_event
from streams.app import app, settings
from streams.desk_feed import READY, caught_up, start_positions
from streams.metrics import ALERTS_DELIVERED, ALERTS_FAILED, labelled
from streams.topics import ALERTS, full_name

__all__ = ["ActiveRules", "AlertStream", "WebhookStatus", "sender", "webhook_dispatcher"]

logger = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
#: Most alerts per partition ``?recent=`` may ask for.
RECENT_MAX = 1000
sender = WebhookSender()
_webhook_state: dict[str, Any] = {"assigned": 0}


async def _assigned(consumer: AIOKafkaConsumer, timeout: float = 10.0) -> set[Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not consumer.assignment():
        if loop.time() > deadline:
            raise TimeoutError("no partitions of the alerts topic were assigned")
        await asyncio.sleep(0.05)
    return set(consumer.assignment())


def _recent(query: Any) -> tuple[int | None, str | None]:
    """``?recent=`` as ``(count, None)``, ``(None, None)`` when absent, else ``(None, problem)``."""
    text = query.get("recent")
    if text is None:
        return None, None
    try:
        recent = int(text)
    except ValueError:
        recent = -1
    if not 0 <= recent <= RECENT_MAX:
        return None, f"recent is a whole number from 0 to {RECENT_MAX}"
    return recent, None


@app.page("/alerts/stream")
class AlertStream(View):
    """Alerts as server-sent events; ``?rule=a,b`` filters, ``Last-Event-ID`` resumes.

    ``?recent=N`` first sends the ``N`` newest alerts of each partition (before the
    ``rule`` filter), then ``event: ready``, then each new alert; the desk page
    uses it to show the recent alerts again after a reload and sorts them newest
    first by ``emitted_at``. Why read them back from the topic and not keep a
    table of recent alerts: the topic already holds every worker's alerts in
    order, and seeking each partition to ``end - N`` reads at most ``N`` messages
    a partition however long the history grows (flat cost), while nothing is held
    in the worker's memory between requests (a table would add a changelog, a
    write per alert and state to restore, for the same answer). And why in the
    stream and not a separate JSON endpoint: one consumer reads the recent
    alerts and then the new ones from the same positions, so an alert raised
    between a page's two requests is neither lost nor shown twice.
    """

    async def get(self, request: Request) -> Response:
        raw: Any = request  # faust's aiohttp driver hands us aiohttp's request
        rules = {r for value in raw.query.getall("rule", []) for r in value.split(",") if r}
        positions, problem = resume_positions(raw.headers, raw.query)
        recent, bad_recent = _recent(raw.query)
        problem = problem or bad_recent
        if problem:
            return self.json({"error": "bad_request", "message": problem}, status=400)
        start = raw.query.get("from", "latest")
        if start not in ("latest", "beginning"):
            return self.json({"error": "bad_request",
                              "message": "from is latest or beginning"}, status=400)
        topic = full_name(settings, ALERTS)
        # With ?recent= the partitions are sought before the first fetch counts; a first
        # fetch from the end would wait out fetch_max_wait_ms (~1 s before the recent
        # alerts showed), one from the beginning answers at once and is thrown away, so
        # it starts there and reads at most 64 KiB a partition (alerts are ~1 KiB).
        early = start == "beginning" or recent is not None
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.bootstrap_servers,
                                    group_id=None, enable_auto_commit=False,
                                    auto_offset_reset="earliest" if early else "latest",
                                    max_partition_fetch_bytes=64 * 1024 if recent is not None
                                    else 1024 * 1024)
        await consumer.start()
        response = aioweb.StreamResponse(headers={
            "Content-Type": "text/event-stream", "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no"})
        writing = False  # an alert was being written when the client went away
        try:
            offsets: dict[int, int] = {}
            tps = await _assigned(consumer)
            ends: dict[int, int] | None = None
            if recent is not None:
                ends = {tp.partition: o for tp, o in (await consumer.end_offsets(tps)).items()}
            if positions is None and recent is not None and ends is not None:
                firsts = {tp.partition: o
                          for tp, o in (await consumer.beginning_offsets(tps)).items()}
                positions = start_positions(firsts, ends, recent)
            for tp in tps:
                if positions is not None:  # a partition new since the id: from its start
                    consumer.seek(tp, positions.get(tp.partition, 0))
                offsets[tp.partition] = await consumer.position(tp)  # fixed before we answer
            await response.prepare(raw)
            await response.write(b"retry: 2000\n: streaming " + topic.encode() + b"\n\n")
            ready = ends is None  # no ready event unless ?recent= asked for one
            while True:
                if not ready and ends is not None and caught_up(
                        {tp.partition: await consumer.position(tp) for tp in tps}, ends):
                    ready = True
                    await response.write(READY)
                wait = KEEPALIVE_S if ready else 1.0
                batch = await consumer.getmany(timeout_ms=int(wait * 1000))
                if not batch:
                    if ready:
                        await response.write(b": keep-alive\n\n")
                    continue
                for tp, messages in batch.items():
                    for m in messages:
                        offsets[tp.partition] = m.offset + 1
                        key = (m.key or b"").decode("utf-8", "replace")
                        if rules and key not in rules:
                            continue
                        writing = True
                        await response.write(sse_event(format_event_id(offsets), m.value or b""))
                        writing = False
                        labelled(ALERTS_DELIVERED, "sse").inc()
        except ConnectionResetError:  # the client went away
            if writing:
                labelled(ALERTS_FAILED, "sse").inc()
            logger.debug("Alert stream closed by the client")
            return response
        finally:
            await consumer.stop()


@app.page("/alerts/webhooks")
class WebhookStatus(View):
    """Webhook delivery counters: queued, delivered, retries, failed, dropped."""

    async def get(self, request: Request) -> Response:
        return self.json({**sender.snapshot(), **_webhook_state})


def _webhook(rule_id: str) -> dict[str, Any] | None:
    rule = alert_rules.get(rule_id)
    hook = rule.get("webhook") if isinstance(rule, dict) else None
    return hook if isinstance(hook, dict) and hook.get("url") else None


@app.task
async def webhook_dispatcher() -> None:
    """Read the alerts topic (group ``<app id>-webhooks``) and queue each rule's webhook."""
    consumer = AIOKafkaConsumer(full_name(settings, ALERTS),
                                bootstrap_servers=settings.bootstrap_servers,
                                group_id=f"{settings.app_id}-webhooks",
                                # Committed every second (aiokafka's default is 5 s): after a
                                # crash the next dispatcher posts again at most the alerts of
                                # the last second (docs/reliability.md).
                                enable_auto_commit=True, auto_commit_interval_ms=1000,
                                auto_offset_reset="latest")
    await consumer.start()
    logger.info("Webhook dispatcher started group=%s-webhooks", settings.app_id)
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            _webhook_state["assigned"] = len(consumer.assignment())
            hooks: dict[str, dict[str, Any] | None] = {}  # a batch reads each rule once
            for messages in batch.values():
                for m in messages:
                    try:
                        alert = orjson.loads(m.value or b"")
                        rule_id = str(alert["rule_id"])
                        if rule_id not in hooks:
                            hooks[rule_id] = _webhook(rule_id)
                        hook = hooks[rule_id]
                    except (orjson.JSONDecodeError, KeyError, TypeError):
                        logger.warning("Not an alert topic=%s partition=%s offset=%s",
                                       m.topic, m.partition, m.offset)
                        continue
                    if hook:
                        sender.submit(hook["url"], hook.get("secret"), alert.get("id", ""),
                                      m.value or b"")
    finally:
        await consumer.stop()
        await sender.close()


@app.page("/alerts/rules")
class ActiveRules(View):
    """The rules this worker holds (webhook secrets left out)."""

    async def get(self, request: Request) -> Response:
        rules = []
        for value in sorted(alert_rules.values(), key=lambda v: str(v.get("id"))):
            rule = dict(value)
            if isinstance(rule.get("webhook"), dict):
                rule["webhook"] = {"url": rule["webhook"].get("url")}
            rules.append(rule)
        return self.json({"total": len(rules), "rules": rules})
