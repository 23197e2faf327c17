"""The ``articles`` status table: pure folds of an article's progress through the stages.

Each function takes the current table value (``None`` for a new key) and
returns the new one; a redelivered or stale revision never undoes a newer
state. (The query tables of the output kinds are folded in ``agents/viewfold.py``.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["article_failed", "article_processed", "article_received", "day_of"]

Value = dict[str, Any]


def day_of(record: Value) -> str | None:
    """The ISO day a record belongs to: the story's date, else its arrival."""
    stamp = record.get("published") or record.get("received_at")
    return str(stamp)[:10] if stamp else None


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
