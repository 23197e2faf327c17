"""Deterministic record ids.

An id is a hash of everything that makes a record what it is: the article and
its revision, the pipeline version, the record kind and its span. The same
input through the same pipeline always gives the same ids (replays are
idempotent downstream); a new pipeline version gives new ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

__all__ = ["record_id", "record_ids"]


def record_id(
    article_id: str, revision: int, pipeline_version: int, kind: str, *span: int | str
) -> str:
    """A 20-hex-digit id for one derived record (``span`` may add a name to tell apart
    records that share a span, such as two byline-only entities)."""
    key = "\x1f".join([article_id, str(revision), str(pipeline_version), kind, *map(str, span)])
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def record_ids(article_id: str, revision: int, pipeline_version: int) -> Callable[..., str]:
    """``ident(kind, *span)``: ``record_id`` for the many records of one article.

    The enrich stage makes ~100 ids an article that all share their first three
    parts, so those are hashed once and each id only hashes its kind and span
    (the same ids as ``record_id``: SHA-256 of the same bytes).
    """
    head = hashlib.sha256(f"{article_id}\x1f{revision}\x1f{pipeline_version}\x1f".encode())

    def ident(kind: str, *span: int | str) -> str:
        h = head.copy()
        h.update("\x1f".join([kind, *map(str, span)]).encode())
        return h.hexdigest()[:20]

    return ident
