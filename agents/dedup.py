"""Duplicates and revisions: the normalize stage's memory of every article it has seen.

A wire feed resends stories: the same content under the same id is a
duplicate and is dropped (and counted); changed content under the same id is a
new revision, numbered 1, 2, 3... and processed again, and the views replace the
older revision's records with the newer ones. The state per article id is kept
in the ``article-revisions`` table (changelog-backed), keyed like the raw topic.

Redelivery is not duplication: a message that the worker processed but could
not commit before a crash comes back with the same offset. It keeps its
revision and is processed again (the deterministic ids make that harmless),
so a crash never turns an article into a dropped "duplicate".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Revision", "assign_revision"]


@dataclass(frozen=True)
class Revision:
    """What to do with one raw article.

    Attributes:
        state: The article's new dedup record for the table.
        revision: The revision to stamp on the article, or None for a duplicate.
    """

    state: dict[str, Any]
    revision: int | None


def assign_revision(state: dict[str, Any] | None, content_hash: str, where: str) -> Revision:
    """Decide whether content is new, a new revision, a duplicate or a redelivery.

    Args:
        state: The article's record (``{"revision", "seen": {hash: [revision,
            where]}, "duplicates"}``), or None for an article never seen.
        content_hash: Hash of the normalised headline and body.
        where: The raw message's ``partition:offset``: equal for a redelivery.
    """
    state = state or {"revision": 0, "seen": {}, "duplicates": 0}
    seen = state["seen"].get(content_hash)
    if seen is not None:
        revision, first_where = seen
        if first_where == where:
            return Revision(state, revision)  # redelivered after a crash: same revision
        return Revision({**state, "duplicates": state["duplicates"] + 1}, None)
    revision = state["revision"] + 1
    return Revision({"revision": revision, "duplicates": state["duplicates"],
                     "seen": {**state["seen"], content_hash: [revision, where]}}, revision)
