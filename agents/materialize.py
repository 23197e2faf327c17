"""Materialized views: pure functions that fold one output record into a table value.

Each function takes the current table value (``None`` for a new key) and one
record as a plain dict (the JSON on the output topic) and returns the new
value. Every fold is idempotent by record id and revision-aware: the same
record twice changes nothing, and records of a newer revision of an article
replace the older revision's records instead of adding to them. That is what
makes at-least-once delivery, crash recovery and replays leave the tables
exactly as a clean run would.

Values are plain JSON objects (their shapes are documented in
``schemas/views.py``) so the HTTP API can return them as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "MAX_LIST",
    "add_entity",
    "add_event",
    "add_figure",
    "add_quote",
    "article_failed",
    "article_processed",
    "article_received",
    "day_of",
    "entity_summary",
    "is_current",
    "subject_key",
]

#: Newest items kept per key in list-valued views (quotes by speaker, figures).
MAX_LIST = 200

Value = dict[str, Any]


def day_of(record: Value) -> str | None:
    """The ISO day a record belongs to: the story's date, else its arrival."""
    stamp = record.get("published") or record.get("received_at")
    return str(stamp)[:10] if stamp else None


def subject_key(unit: str | None) -> str:
    """What a figure counts, normalised for lookup: "Yazidi Women" -> "yazidi women"."""
    return " ".join((unit or "").lower().split())


def _replace_article_items(items: list[Value], record: Value) -> list[Value] | None:
    """Items without this record's article at an older revision, or None if stale.

    Returns None when the list already holds this record's id (a duplicate) or
    a newer revision of its article (the record is stale): nothing changes.
    """
    aid, rev = record["article_id"], record.get("revision", 1)
    kept = []
    for item in items:
        if item["id"] == record["id"]:
            return None
        if item["article_id"] == aid:
            if item.get("revision", 1) > rev:
                return None
            if item.get("revision", 1) < rev:
                continue
        kept.append(item)
    return kept


def _newest_first(items: list[Value]) -> list[Value]:
    # By the story's own time, then id: the order never depends on when a copy
    # arrived, so a replay or a recovered worker builds the very same list.
    items.sort(key=lambda i: (i.get("published") or "", i["id"]), reverse=True)
    return items[:MAX_LIST]


def _item(record: Value, *fields: str) -> Value:
    """A list item: what every view item carries, plus the record's own ``fields``."""
    return {
        "id": record["id"], "article_id": record["article_id"],
        "revision": record.get("revision", 1), "day": day_of(record),
        "published": str(record.get("published") or ""), "text": record["text"],
        **{f: record.get(f) for f in fields},
    }


def add_quote(value: Value | None, quote: Value) -> Value:
    """Fold a quote into ``quotes-by-speaker`` (key: the canonical speaker)."""
    value = value or {"speaker": quote.get("speaker"), "quotes": []}
    kept = _replace_article_items(value["quotes"], quote)
    if kept is None:
        return value
    kept.append(_item(quote, "kind", "speaker_title", "cue", "sentence"))
    return {**value, "quotes": _newest_first(kept)}


def add_figure(value: Value | None, figure: Value) -> Value:
    """Fold a figure into ``figures-by-subject`` (key: ``subject_key(unit)``)."""
    value = value or {"subject": subject_key(figure.get("unit")), "figures": []}
    kept = _replace_article_items(value["figures"], figure)
    if kept is None:
        return value
    kept.append(_item(figure, "value", "low", "high", "approx", "bound", "unit", "sentence"))
    return {**value, "figures": _newest_first(kept)}


def add_event(value: Value | None, event: Value) -> Value:
    """Fold an event into ``events-by-place-day`` (key: place; grouped by the event's day).

    The day is the event's own date when the text gives one, else the story's
    date: a one-day tumbling window on event time, never on processing time.
    """
    value = value or {"place": event.get("place"), "days": {}}
    day = event.get("date") or day_of(event) or "unknown"
    days = {d: list(items) for d, items in value["days"].items()}
    # The event may have moved day in a new revision: look for it on every day.
    for d in list(days):
        kept = _replace_article_items(days[d], event)
        if kept is None:
            return value
        days[d] = kept
    days.setdefault(day, []).append({
        "id": event["id"], "article_id": event["article_id"],
        "revision": event.get("revision", 1), "type": event["type"],
        "trigger": event["trigger"], "actor": event.get("actor"), "target": event.get("target"),
        "place": event.get("place"), "date": event.get("date"), "sentence": event.get("sentence"),
    })
    days = {d: sorted(items, key=lambda i: i["id"]) for d, items in days.items() if items}
    return {**value, "days": days}


def add_entity(value: Value | None, entity: Value) -> Value:
    """Fold an article's entity record into ``entity-mentions`` (key: canonical name).

    The value keeps one entry per article (its revision, mention count and day),
    so counts are sums that a duplicate or a re-sent revision cannot inflate.
    """
    value = value or {"name": entity["name"], "type": entity["type"], "aliases": [],
                      "articles": {}}
    aid, rev = entity["article_id"], entity.get("revision", 1)
    held = value["articles"].get(aid)
    if held is not None and held["revision"] > rev:
        return value
    entry = {"revision": rev, "mentions": max(1, int(entity.get("mentions") or 1)),
             "day": day_of(entity)}
    aliases = sorted(set(value["aliases"]) | set(entity.get("aliases") or []))
    if held == entry and aliases == value["aliases"]:
        return value
    return {**value, "aliases": aliases, "articles": {**value["articles"], aid: entry}}


def is_current(item: Value, latest: Callable[[str], int | None]) -> bool:
    """False for a record of an article revision that a newer revision replaced."""
    newest = latest(item["article_id"])
    return newest is None or item.get("revision", 1) >= newest


def entity_summary(value: Value, latest: Callable[[str], int | None] = lambda _: None) -> Value:
    """The public view of an ``entity-mentions`` value: totals, first/last seen, daily.

    ``latest`` gives an article's newest revision, so articles whose newest
    revision no longer names the entity stop counting.
    """
    entries = [e for aid, e in value["articles"].items()
               if is_current({"article_id": aid, "revision": e["revision"]}, latest)]
    days = sorted(e["day"] for e in entries if e.get("day"))
    daily: dict[str, int] = {}
    for e in entries:
        if e.get("day"):
            daily[e["day"]] = daily.get(e["day"], 0) + e["mentions"]
    return {
        "name": value["name"], "type": value["type"], "aliases": value["aliases"],
        "mentions": sum(e["mentions"] for e in entries), "articles": len(entries),
        "first_seen": days[0] if days else None, "last_seen": days[-1] if days else None,
        "daily": dict(sorted(daily.items())),
    }


def article_received(value: Value | None, article: Value) -> Value:
    """``articles`` after normalize: the article is in, not yet processed."""
    if value and value.get("revision", 1) > article.get("revision", 1):
        return value
    if value and value.get("revision") == article.get("revision", 1) and \
            value.get("status") == "processed":
        return value  # a redelivered article must not undo "processed"
    return {
        "id": article["id"], "revision": article.get("revision", 1),
        "headline": article.get("headline"), "published": day_of(article),
        "source": article.get("source"), "status": "received", "reason": None, "counts": {},
    }


def article_processed(value: Value | None, article_id: str, revision: int,
                      counts: dict[str, int]) -> Value:
    """``articles`` after enrich: the article's outputs are out."""
    base = value or {"id": article_id, "headline": None, "published": None, "source": None}
    if base.get("revision", revision) > revision:
        return base
    return {**base, "revision": revision, "status": "processed", "reason": None,
            "counts": counts}


def article_failed(value: Value | None, article_id: str, stage: str, reason: str) -> Value:
    """``articles`` when a stage dead-lettered the article, with the reason."""
    base = value or {"id": article_id, "revision": None, "headline": None, "published": None,
                     "source": None, "counts": {}}
    return {**base, "status": "failed", "reason": f"{stage}: {reason}"[:1024]}
