"""The worker's read-only HTTP API over the tables, plus the OpenAPI document.

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
import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from faust.exceptions import SameNode
from faust.web import Request, Response, View

from agents.annotate import annotated_view
from agents.kinds import fold_name, subject_key
from agents.viewfold import alias_prefix, choose_alias, day_key, group_prefix, head_key
from streams import faust_private as fp
from streams import metrics, outage, skips
from streams.app import app, lexicon, settings
from streams.openapi import OPENAPI
from streams.stall import HighWaters, Position, StallWatch, is_stranded
from streams.tables import aliases, article_annotations, articles, view_tables

__all__ = ["decode_cursor", "encode_cursor", "parse_day", "positions", "resolve_name",
           "stall_watch"]

logger = logging.getLogger(__name__)
MAX_LIMIT = 500


#: The last high-water marks the broker gave (``positions`` falls back on them).
_highwaters = HighWaters(stale_s=15.0)


async def positions(timeout: float = 3.0) -> dict[str, Position]:
    """Next offset to process and messages behind it, per assigned partition.

    Asks the broker for each partition's high-water mark, so it also proves
    the broker answers; raises ``TimeoutError`` when it does not within ``timeout``
    and no recent answer covers the assignment (``streams.stall.HighWaters``).
    """
    consumer = app.consumer
    # Changelog partitions are read to restore tables, never committed: not lag.
    assigned = sorted(tp for tp in consumer.assignment() if not tp.topic.endswith("-changelog"))
    if not assigned:
        return {}
    # Not asyncio.wait_for: it waits for the cancelled call to finish, and faust's call
    # into its consumer thread took ~3 s to give up once the broker was gone. A late
    # answer is remembered for the next ask instead.
    asking = asyncio.ensure_future(consumer.highwaters(*assigned))
    finished, _ = await asyncio.wait({asking}, timeout=timeout)
    if finished:
        highwaters = asking.result()
        _highwaters.remember(highwaters, time.monotonic())
    else:
        # A loaded worker or broker can take longer than a health check may wait: the
        # marks of a recent answer, even a late one, are better than "unavailable".
        _highwaters.remember_late(asking)
        known = _highwaters.covering(assigned, time.monotonic())
        if known is None:
            raise TimeoutError(f"no high-water marks from the broker in {timeout}s")
        highwaters = known
    fetched = fp.fetch_positions(app)
    out = {}
    for tp in assigned:
        done = fp.committed_offset(app, tp) or 0  # the next offset to process
        high = highwaters.get(tp, 0)
        lag = max(0, high - done)
        stranded = is_stranded(lag=lag, fetched=fetched.get((tp.topic, tp.partition)),
                               highwater=high, queued=fp.queued(app, tp.topic)) if lag else False
        out[f"{tp.topic}:{tp.partition}"] = Position(done, lag, stranded)
    return out


stall_watch = StallWatch(after_s=settings.stall_seconds, stranded_after_s=10.0)


def _settling() -> bool:
    """A rebalance, its recovery or a broker outage: the timers below leave offsets alone."""
    return app.in_recovery or app.rebalancing or not outage.gate.reachable


@app.timer(interval=1.0)
async def skip_rereader() -> None:
    """Every second: seek partitions with skipped offsets back (``streams/skips.py``).

    Not at the stall watchdog's 5 s: the messages after a hole wait for it (the
    commit is held), and a replay's worker found holes within its first second.
    """
    if _settling():
        return
    due = skips.ledger.due(time.monotonic())
    if not due:
        return
    consumer: Any = app.consumer
    assigned = set(consumer.assignment())
    for tp, offset in due:
        if tp not in assigned:
            skips.ledger.forget(tp)
            continue
        # Never forward of the committed offset: after a rebalance faust re-reads from
        # there, and a hole noted before it (records dropped) must not cut that short.
        committed = fp.committed_offset(app, tp)
        if committed is not None:
            offset = min(offset, committed)
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
    if _settling():
        return
    try:
        where = await positions()
    except Exception:  # no broker: /health reports that; nothing to resume
        return
    metrics.set_lag({tp: pos.lag for tp, pos in where.items()})
    stalled = stall_watch.update(where, time.monotonic())
    if not stalled:
        return
    logger.error("Partitions stalled with lag (%ss; stranded, i.e. read to the end with nothing "
                 "queued: %ss) partitions=%s stranded=%s consumer=%s: seeking them back to "
                 "their committed offsets (faust issue 629)", settings.stall_seconds,
                 stall_watch.stranded_after_s, stalled,
                 [tp for tp in stalled if where[tp].stranded],
                 fp.consumer_state(app, stalled))
    consumer: Any = app.consumer
    by_name = {f"{tp.topic}:{tp.partition}": tp for tp in consumer.assignment()}
    tps = [by_name[name] for name in stalled if name in by_name]
    consumer.resume_partitions(tps)
    for tp in tps:  # re-read what was fetched but never reached the stream
        await consumer.seek(tp, where[f"{tp.topic}:{tp.partition}"].done)
    stall_watch.restart(stalled, time.monotonic())  # one try per stall period, not every tick


def resolve_name(name: str) -> str:
    """The canonical name for a name or alias, as every worker sees it.

    Looks in the aliases learned from articles (the name most articles used the
    form for: ``agents.viewfold.choose_alias``, the same answer after any restart
    and with any number of workers), then the gazetteer; an unknown
    name is returned as given (speakers such as "U.S. defense officials" are
    not entities).
    """
    wanted = " ".join(name.split())
    learned = choose_alias(fp.scan(aliases, alias_prefix(wanted)))
    if learned:
        return learned
    known = lexicon().gazetteer.lookup(wanted)
    return str(known[0]) if known else wanted


def _not_found(web: Any, what: str, asked: str, key: str) -> Response:
    return web.json({"error": "not_found", "message": f"no {what} for {asked!r}",
                     "asked": asked, "resolved": key}, status=404)


def _bad_request(web: Any, message: str) -> Response:
    return web.json({"error": "bad_request", "message": message}, status=400)


def parse_day(text: str | None) -> str | None:
    """``?day=`` as the table keys it (``YYYY-MM-DD``); ``ValueError`` for anything else."""
    if text is None or text == "":
        return None
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return date.fromisoformat(text).isoformat()


def encode_cursor(key: str) -> str:
    """An opaque cursor: the last key a page returned."""
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The key a cursor names (``ValueError`` for one this API did not make)."""
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from None


def _page(web: Any, request: Request, table: Any, prefix: str, total: int,
          **extra: Any) -> Response:
    """One page of the entries under ``prefix``, in key order, with the next cursor."""
    try:
        limit = int(request.query.get("limit", 50))
        cursor = request.query.get("cursor") or None
        after = decode_cursor(cursor) if cursor else None
    except ValueError:
        return _bad_request(web, "limit must be a whole number and cursor one this API gave")
    if limit < 1:
        return _bad_request(web, "limit >= 1")
    if after is not None and not after.startswith(prefix):
        return _bad_request(web, "the cursor belongs to another list")
    limit = min(limit, MAX_LIMIT)
    entries = fp.scan(table, prefix, after=after, limit=limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return web.json({**extra, "total": total, "items": [v for _, v in entries],
                     "next_cursor": encode_cursor(entries[-1][0]) if more else None})


async def _routed(view: View, request: Request, table: Any, key: str,
                  serve: Callable[[], Awaitable[Response]]) -> Response:
    """Answer here if this worker owns ``key``, else forward to the worker that does."""
    try:
        return await app.router.route_req(table.name, key, view.web, request)
    except SameNode:
        return await serve()


def _table_sizes() -> list[tuple[str, int]]:
    return [(table.name, fp.table_size(table)) for table in app.tables.values()]


metrics.watch_tables(_table_sizes)


@app.page("/metrics")
class Metrics(View):
    """Prometheus metrics of this worker (text exposition format; ``streams/metrics.py``)."""

    async def get(self, request: Request) -> Response:
        body, content_type = metrics.render(request.headers.get("Accept"))
        return self.bytes(body, headers={"Content-Type": content_type})


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


async def _group(view: View, request: Request, kind: str, asked: str,
                 render: Callable[[Any, Any, str], Response], *,
                 resolve: Callable[[str], str] | None = None) -> Response:
    """Answer ``render(table, head, group)`` for the group ``asked`` names in ``kind``'s view.

    The group called ``asked`` itself comes first (a bare "Gabriel" a story quoted has
    its own list); only when there is none does ``resolve`` turn an alias into the
    canonical name ("Daesh" -> "Islamic State", "Gabriel" -> "Nadia Gabriel"), and the
    request goes on to that group's owner once, with ``?resolved=`` so it stops there.
    """
    table = view_tables[kind]
    forced = request.query.get("resolved")
    group = forced or asked

    async def serve() -> Response:
        head = table.get(head_key(group))
        if head:
            return render(table, head, group)
        other = resolve(group) if resolve and not forced else group
        if fold_name(other) == fold_name(group):
            return _not_found(view, kind, asked, other)
        return await _forward(view, request, table, other)

    return await _routed(view, request, table, fold_name(group), serve)


async def _forward(view: View, request: Request, table: Any, group: str) -> Response:
    """Ask the owner of ``group`` (perhaps this worker) for the same page, resolved."""
    url = request.url.update_query(resolved=group)
    try:
        dest = app.router.key_store(table.name, fold_name(group))
    except KeyError:
        return view.json({"error": "unavailable", "message": "the table is being rebalanced"},
                         status=503)
    target = url.with_host(dest.host or "127.0.0.1").with_port(dest.port)
    async with app.http_client.get(target, headers=request.headers) as response:
        return view.text(await response.text(), content_type=response.content_type,
                         status=response.status)


def _daily(table: Any, group: str) -> dict[str, int]:
    """A group's mentions (entities) or items per day, oldest first."""
    prefix = day_key(group, "")
    return {k[len(prefix):]: v.get("m") or v["n"] for k, v in fp.scan(table, prefix)}


@app.page("/speakers/{name}/quotes")
class SpeakerQuotes(View):
    """The newest quotes of a speaker (an alias finds the canonical speaker)."""

    async def get(self, request: Request, name: str) -> Response:
        return await _group(self, request, "quotes", name, lambda table, head, g: _page(
            self, request, table, group_prefix(g), head["n"], speaker=head["group"]),
            resolve=resolve_name)


@app.page("/entities/{name}")
class EntityView(View):
    """An entity: type, aliases, mention totals, first and last seen."""

    async def get(self, request: Request, name: str) -> Response:
        def render(table: Any, head: Any, group: str) -> Response:
            days = list(_daily(table, group))
            return self.json({"name": head["group"], "type": head.get("type"),
                              "aliases": head.get("aliases", []), "mentions": head["m"],
                              "articles": head["n"], "first_seen": days[0] if days else None,
                              "last_seen": days[-1] if days else None})

        return await _group(self, request, "entities", name, render, resolve=resolve_name)


@app.page("/entities/{name}/daily")
class EntityDaily(View):
    """Mentions of an entity per day (a one-day tumbling window on the story's date)."""

    async def get(self, request: Request, name: str) -> Response:
        return await _group(self, request, "entities", name, lambda table, head, g: self.json(
            {"name": head["group"], "daily": _daily(table, g)}), resolve=resolve_name)


@app.page("/places/{place}/events")
class PlaceEvents(View):
    """Events at a place, newest day first, or of one day with ``?day=YYYY-MM-DD``."""

    async def get(self, request: Request, place: str) -> Response:
        try:
            day = parse_day(request.query.get("day"))
        except ValueError:
            return _bad_request(self, f"day must be a date as YYYY-MM-DD (such as 2019-03-12), "
                                      f"not {request.query.get('day')!r}")

        def render(table: Any, head: Any, group: str) -> Response:
            if day:
                bucket = table.get(day_key(group, day)) or {"n": 0}
                return _page(self, request, table, group_prefix(group, day), bucket["n"],
                             place=head["group"], day=day)
            return _page(self, request, table, group_prefix(group), head["n"],
                         place=head["group"], day=None)

        return await _group(self, request, "events", place, render, resolve=resolve_name)


@app.page("/figures/{subject}")
class SubjectFigures(View):
    """Figures about what they count ("civilians", "people"), newest first."""

    async def get(self, request: Request, subject: str) -> Response:
        return await _group(self, request, "figures", subject_key(subject),
                            lambda table, head, g: _page(self, request, table, group_prefix(g),
                                                         head["n"], subject=head["group"]))


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
