"""Deterministic record ids.

An id is a hash of everything that makes a record what it is: the article and
its revision, the pipeline version, the record kind and its span. The same
input through the same pipeline always gives the same ids (replays are
idempotent downstream); a new pipeline version gives new ids.
"""

from __future__ import annotations

import hashlib

__all__ = ["record_id"]


def record_id(
    article_id: str, revision: int, pipeline_version: int, kind: str, *span: int | str
) -> str:
    """A 20-hex-digit id for one derived record (``span`` may add a name to tell apart
    records that share a span, such as two byline-only entities)."""
    key = "\x1f".join([article_id, str(revision), str(pipeline_version), kind, *map(str, span)])
    return hashlib.sha256(key.encode()).hexdigest()[:20]
