"""The worker's read-only HTTP API over the tables, plus health and the OpenAPI document.

Every lookup resolves the name first (aliases: "IS" and "Daesh" find the
Islamic State) through the ``entity-aliases`` global table and the gazetteer,
which every worker holds, then routes the request to the worker that owns the
key's partition (Faust's table router) and answers there. Lists take
``?limit=`` and an opaque ``?cursor=``; unknown keys answer 404 with a JSON body
that says what was looked up. The server binds to 127.0.0.1 unless
``WIREDESK_WEB_HOST`` says otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from faust.exceptions import SameNode
from faust.web import Request, Response, View

from agents.annotate import annotated_view
from agents.materialize import entity_summary, is_current, subject_key
from streams import skips
from streams.app import app, settings
from streams.openapi import OPENAPI
from streams.stall import Position, StallWatch, is_stranded
from streams.tables import (
    aliases,
    article_annotations,
    articles,
    entity_mentions,
    events_by_place_day,
    figures_by_subject,
    latest_revisions,
    quotes_by_speaker,
)
from streams.topics import topic_specs

__all__ = ["positions", "resolve_name"]

logger = logging.getLogger(__name__)
MAX_LIMIT = 500


async def positions(timeout: float = 3.0) -> dict[str, Position]:
    """Next offset to process and messages behind it, per assigned partition.

    Asks the broker for each partition's high-water mark, so it also proves
    the broker answers; raises ``TimeoutError`` when it does not.
    """
    consumer = app.consumer
    # Changelog partitions are read to restore tables, never committed: not lag.
    assigned = sorted(tp for tp in consumer.assignment() if not tp.topic.endswith("-changelog"))
    if not assigned:
        return {}
    highwaters = await asyncio.wait_for(consumer.highwaters(*assigned), timeout)
    fetched = _fetch_positions()
    out = {}
    for tp in assigned:
        done = consumer._committed_offset.get(tp) or 0  # the next offset to process
        high = highwaters.get(tp, 0)
        lag = max(0, high - done)
        stranded = is_stranded(lag=lag, fetched=fetched.get((tp.topic, tp.partition)),
                               highwater=high, queued=_queued(tp.topic)) if lag else False
        out[f"{tp.topic}:{tp.partition}"] = Position(done, lag, stranded)
    return out


def _fetch_states() -> dict[tuple[str, int], Any]:
    """aiokafka's fetch state per assigned partition, under faust (its own thread).

    Private state: raises when aiokafka or faust moved it, and callers only diagnose.
    """
    kafka = app.consumer._thread._consumer  # type: ignore[attr-defined]
    assignment = kafka._subscription.subscription.assignment
    return {(tp.topic, tp.partition): assignment.state_value(tp) for tp in assignment.tps}


def _fetch_positions() -> dict[tuple[str, int], int]:
    """aiokafka's fetch position per partition (empty when its state moved)."""
    try:
        return {tp: state._position for tp, state in _fetch_states().items()}
    except Exception:  # diagnostics of private state: never fail /health
        return {}


def _queued(topic: str) -> int | None:
    """Events waiting in the queues of the streams that read ``topic`` (None: unknown)."""
    try:
        channels_ = app.topics._topic_name_index.get(topic, ())  # type: ignore[attr-defined]
        return sum(channel.queue.qsize() for channel in channels_)
    except Exception:
        return None


#: Topics whose offsets are never missing (delete policy): a jump in them is a skip.
_PLAIN = frozenset(s.name for s in topic_specs(settings) if s.cleanup_policy == "delete")
skips.install(lambda topic: topic in _PLAIN)

_stalls = StallWatch(after_s=settings.stall_seconds, stranded_after_s=10.0)


def _consumer_state(tps: list[str]) -> dict[str, Any]:
    """What faust's consumer believes of these partitions (for the stall log)."""
    consumer: Any = app.consumer
    wanted = set(tps)

    def names(attr: str) -> list[str]:
        found = getattr(consumer, attr, None) or set()
        return sorted(f"{tp.topic}:{tp.partition}" for tp in found
                      if f"{tp.topic}:{tp.partition}" in wanted)

    topics = {tp.rsplit(":", 1)[0] for tp in tps}
    stacks = {}
    for agent in app.agents.values():
        if set(getattr(agent.channel, "topics", ())) & topics:
            stacks[agent.name] = agent.actor_tracebacks()
    fetch: dict[str, Any] = {}
    try:  # position and pause per partition, as aiokafka's fetcher sees them
        for (topic, partition), state in _fetch_states().items():
            name = f"{topic}:{partition}"
            if name in wanted:
                fetch[name] = {"position": getattr(state, "_position", None),
                               "paused": getattr(state, "_paused", None),
                               "status": str(getattr(state, "_status", None))}
    except Exception as exc:  # diagnostics only: never let them fail the watchdog
        fetch = {"error": repr(exc)}
    return {"paused": names("_paused_partitions"), "active": names("_active_partitions"),
            "buffered": names("_buffered_partitions"), "agents": stacks, "fetch": fetch}


async def _reread_skipped() -> None:
    """Seek partitions with skipped offsets (``streams/skips.py``) back to read them."""
    consumer: Any = app.consumer
    assigned = set(consumer.assignment())
    for tp, offset in skips.ledger.due(time.monotonic()):
        if tp not in assigned:
            skips.ledger.forget(tp)
            continue
        logger.warning("Seeking back to skipped offsets topic=%s partition=%s offset=%s",
                       tp.topic, tp.partition, offset)
        await consumer.seek(tp, offset)


@app.timer(interval=5.0)
async def stall_watchdog() -> None:
    """Every 5 s: find partitions that wait without moving, say why, and re-read them.

    Seen after a SIGKILL and restart: the fetcher had read a partition to its end
    while faust's streams never got the messages (faust's flow control clears its
    queues around recovery), so nothing was processed or committed and nothing
    would be fetched again. Seeking the partition back to its committed offset
    re-delivers those messages (at-least-once: ids make repeats harmless). If that
    does not help, ``/health`` keeps answering 503 for a liveness probe.
    """
    if app.in_recovery or app.rebalancing:
        return
    await _reread_skipped()
    try:
        where = await positions()
    except Exception:  # no broker: /health reports that; nothing to resume
        return
    stalled = _stalls.update(where, time.monotonic())
    if not stalled:
        return
    logger.error("Partitions stalled with lag (%ss; stranded, i.e. read to the end with nothing "
                 "queued: %ss) partitions=%s stranded=%s consumer=%s: seeking them back to "
                 "their committed offsets (faust issue 629)", settings.stall_seconds,
                 _stalls.stranded_after_s, stalled, [tp for tp in stalled if where[tp].stranded],
                 _consumer_state(stalled))
    consumer: Any = app.consumer
    by_name = {f"{tp.topic}:{tp.partition}": tp for tp in consumer.assignment()}
    tps = [by_name[name] for name in stalled if name in by_name]
    consumer.resume_partitions(tps)
    for tp in tps:  # re-read what was fetched but never reached the stream
        await consumer.seek(tp, where[f"{tp.topic}:{tp.partition}"].done)
    _stalls.restart(stalled, time.monotonic())  # one try per stall period, not every tick


def resolve_name(name: str) -> str:
    """The canonical name for a name or alias, as every worker sees it.

    Looks in the aliases learned from articles, then the gazetteer; an unknown
    name is returned as given (speakers such as "U.S. defense officials" are
    not entities).
    """
    from agents.lexicon import load_lexicon

    wanted = " ".join(name.split())
    learned = aliases.get(wanted.lower())
    if learned:
        return str(learned)
    known = load_lexicon(settings.ner_backend, settings.gazetteer).gazetteer.lookup(wanted)
    return str(known[0]) if known else wanted


def _latest(article_id: str) -> int | None:
    value = latest_revisions.get(article_id)
    return int(value) if value is not None else None


def _current(items: list[Any]) -> list[Any]:
    """Only records of each article's newest revision."""
    return [i for i in items if is_current(i, _latest)]


def _not_found(web: Any, what: str, asked: str, key: str) -> Response:
    return web.json({"error": "not_found", "message": f"no {what} for {asked!r}",
                     "asked": asked, "resolved": key}, status=404)


def _page(web: Any, request: Request, items: list[Any], **extra: Any) -> Response:
    try:
        limit = min(int(request.query.get("limit", 50)), MAX_LIMIT)
        start = int(request.query.get("cursor", 0) or 0)
    except ValueError:
        return web.json({"error": "bad_request",
                         "message": "limit and cursor must be whole numbers"}, status=400)
    if limit < 1 or start < 0:
        return web.json({"error": "bad_request", "message": "limit >= 1, cursor >= 0"},
                        status=400)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    return web.json({**extra, "total": len(items), "items": chunk,
                     "next_cursor": str(start + limit) if more else None})


async def _routed(view: View, request: Request, table: Any, key: str,
                  serve: Callable[[], Awaitable[Response]]) -> Response:
    """Answer here if this worker owns ``key``, else forward to the worker that does."""
    try:
        return await app.router.route_req(table.name, key, view.web, request)
    except SameNode:
        return await serve()


@app.page("/health")
class Health(View):
    """``200`` with lag per partition; ``503`` without the broker or with a stalled partition."""

    async def get(self, request: Request) -> Response:
        body: dict[str, Any] = {"app": settings.app_id,
                                "pipeline_version": settings.pipeline_version,
                                "broker": settings.broker_url}
        try:
            where = await positions()
        except Exception as exc:  # any failure to reach the broker is "unhealthy"
            logger.warning("Health check failed error=%s", exc)
            body.update(status="unavailable", broker_connected=False, error=str(exc))
            return self.json(body, status=503)
        lag = {tp: pos.lag for tp, pos in where.items()}
        stalled = _stalls.update(where, time.monotonic())
        body.update(status="stalled" if stalled else "ok", broker_connected=True,
                    assigned_partitions=len(lag), total_lag=sum(lag.values()), lag=lag,
                    stalled=stalled)
        if stalled:
            return self.json(body, status=503)
        return self.json(body)


@app.page("/openapi.json")
class OpenApi(View):
    """The OpenAPI 3.1 document of this API."""

    async def get(self, request: Request) -> Response:
        return self.json(OPENAPI)


async def _lookup(view: View, request: Request, table: Any, key: str, asked: str, what: str,
                  render: Callable[[Any], Response]) -> Response:
    """Route to the key's owner, then answer ``render(value)`` or a 404 naming the lookup."""

    async def serve() -> Response:
        value = table.get(key)
        return render(value) if value else _not_found(view, what, asked, key)

    return await _routed(view, request, table, key, serve)


@app.page("/speakers/{name}/quotes")
class SpeakerQuotes(View):
    """The newest quotes of a speaker (names and aliases resolve to the canonical one)."""

    async def get(self, request: Request, name: str) -> Response:
        key = resolve_name(name)

        def render(value: Any) -> Response:
            return _page(self, request, _current(value["quotes"]), speaker=key)

        return await _lookup(self, request, quotes_by_speaker, key, name, "quotes", render)


@app.page("/entities/{name}")
class EntityView(View):
    """An entity: type, aliases, mention totals, first and last seen."""

    async def get(self, request: Request, name: str) -> Response:
        def render(value: Any) -> Response:
            summary = entity_summary(value, _latest)
            summary.pop("daily")
            return self.json(summary)

        return await _lookup(self, request, entity_mentions, resolve_name(name), name, "entity",
                             render)


@app.page("/entities/{name}/daily")
class EntityDaily(View):
    """Mentions of an entity per day (a one-day tumbling window on the story's date)."""

    async def get(self, request: Request, name: str) -> Response:
        key = resolve_name(name)

        def render(value: Any) -> Response:
            return self.json({"name": key, "daily": entity_summary(value, _latest)["daily"]})

        return await _lookup(self, request, entity_mentions, key, name, "entity", render)


@app.page("/places/{place}/events")
class PlaceEvents(View):
    """Events at a place, all days or ``?day=YYYY-MM-DD``."""

    async def get(self, request: Request, place: str) -> Response:
        key, day = resolve_name(place), request.query.get("day")

        def render(value: Any) -> Response:
            days = value["days"]
            items = days.get(day, []) if day else [e for d in sorted(days, reverse=True)
                                                   for e in days[d]]
            return _page(self, request, _current(items), place=key, day=day)

        return await _lookup(self, request, events_by_place_day, key, place, "events", render)


@app.page("/figures/{subject}")
class SubjectFigures(View):
    """Figures about what they count ("civilians", "people"), newest first."""

    async def get(self, request: Request, subject: str) -> Response:
        key = subject_key(subject)
        return await _lookup(self, request, figures_by_subject, key, subject, "figures",
                             lambda v: _page(self, request, _current(v["figures"]), subject=key))


@app.page("/articles/{article_id}")
class ArticleStatus(View):
    """An article's revision, headline, status (received, processed, failed) and counts."""

    async def get(self, request: Request, article_id: str) -> Response:
        return await _lookup(self, request, articles, article_id, article_id, "article",
                             self.json)


@app.page("/articles/{article_id}/annotated")
class ArticleAnnotated(View):
    """The newest processed revision's text with every record placed in it (the desk page)."""

    async def get(self, request: Request, article_id: str) -> Response:
        return await _lookup(self, request, article_annotations, article_id, article_id,
                             "processed article",
                             lambda value: self.json(annotated_view(value)))
