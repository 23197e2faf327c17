"""The soak's audit: which records the tables should hold, and which they lost or doubled.

The expected records come from the in-process pipeline (``process_article``, the
same stage functions the worker runs, so the same ids). What the tables hold is
asked of the worker's HTTP API only, through its public contract: a list answers
``{"items": [{"id": ...}, ...], "next_cursor": str | null}`` and the cursor is
passed back opaque, so the audit does not care how the tables store their items
(one list per key, one key per item, time buckets). Entities answer a summary
whose ``articles`` is compared with the distinct articles that named the entity.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from agents.materialize import subject_key

__all__ = [
    "KINDS",
    "ApiClient",
    "Audit",
    "Expected",
    "audit",
    "compare_entities",
    "compare_ids",
    "expect",
]

#: The listed kinds: kind -> (the group key of a record, the API path of a key). A
#: record whose key is empty is in no table (a quote without a speaker, a figure
#: without a unit, an event without a place), as the views keep it.
KINDS: dict[str, tuple[Callable[[Any], str | None], Callable[[str], str]]] = {
    "quotes": (lambda r: r.speaker, lambda k: f"/speakers/{quote(k, safe='')}/quotes"),
    "figures": (lambda r: subject_key(r.unit), lambda k: f"/figures/{quote(k, safe='')}"),
    "events": (lambda r: r.place, lambda k: f"/places/{quote(k, safe='')}/events"),
}
#: At most this many pages per key: a cursor that never ends is a bug to report, not to
#: follow for ever (5,000 articles give well under 100,000 items of one key).
MAX_PAGES = 1_000


@dataclass
class Expected:
    """What the tables must hold after the soak's articles."""

    #: kind -> group key -> record ids
    ids: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: {k: {} for k in KINDS})
    #: entity name -> ids of the articles that name it
    entities: dict[str, set[str]] = field(default_factory=dict)

    def add(self, enriched: Any) -> None:
        """Add one article's records (an ``agents.enrich.Enriched``)."""
        for kind, (key_of, _) in KINDS.items():
            for record in getattr(enriched, kind):
                key = key_of(record)
                if key:
                    self.ids[kind].setdefault(key, set()).add(record.id)
        for entity in enriched.entities:
            self.entities.setdefault(entity.name, set()).add(entity.article_id)


def expect(results: Iterable[Any]) -> Expected:
    """The expected table contents of these ``process_article`` results."""
    out = Expected()
    for r in results:
        out.add(r.enriched)
    return out


def compare_ids(expected: set[str], returned: list[str]) -> dict[str, int]:
    """Lost (expected, never returned), duplicated (returned more than once) and
    unexpected (returned, never expected) ids of one kind, over all its keys."""
    seen = Counter(returned)
    return {"expected": len(expected), "returned": len(returned),
            "lost": len(expected - seen.keys()),
            "duplicated": sum(1 for n in seen.values() if n > 1),
            "unexpected": len(seen.keys() - expected)}


def compare_entities(expected: dict[str, int], returned: dict[str, int | None]
                     ) -> dict[str, int]:
    """Entities: article counts the API gives against the expected ones, per name.

    A shortfall counts as lost articles (a missing entity loses all of its), an
    excess as duplicated ones; ``mismatched`` is the number of names that differ.
    """
    lost = dup = mismatched = 0
    for name, want in expected.items():
        got = returned.get(name) or 0
        lost += max(0, want - got)
        dup += max(0, got - want)
        mismatched += got != want
    return {"expected": sum(expected.values()), "returned": sum(
        v or 0 for v in returned.values()), "lost": lost, "duplicated": dup,
        "mismatched": mismatched}


class ApiClient:
    """The worker's HTTP API, a few requests at a time (the worker has cores to share)."""

    def __init__(self, port: int, concurrency: int = 2, page: int = 500) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.page = page
        self._sem = asyncio.Semaphore(concurrency)
        self.requests = 0
        self.errors: list[str] = []

    async def __aenter__(self) -> ApiClient:
        import aiohttp

        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._session.close()

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        """One GET: its JSON, or None for a 404; anything else is noted as an error."""
        async with self._sem, self._session.get(self.base + path, params=params) as resp:
            self.requests += 1
            if resp.status == 404:
                return None
            if resp.status != 200:
                self.errors.append(f"GET {path} {params}: {resp.status}")
                return None
            body: dict[str, Any] = await resp.json()
            return body

    async def ids(self, path: str) -> list[str]:
        """Every item id of a paged list, following ``next_cursor`` until it is null."""
        out: list[str] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = {"limit": str(self.page)}
            if cursor is not None:
                params["cursor"] = cursor
            body = await self._get(path, params)
            if body is None:
                return out
            out.extend(str(item["id"]) for item in body.get("items", []))
            cursor = body.get("next_cursor")
            if cursor is None:
                return out
        self.errors.append(f"GET {path}: still a next_cursor after {MAX_PAGES} pages")
        return out

    async def entity_articles(self, name: str) -> int | None:
        """``articles`` of ``GET /entities/{name}``; None when the entity is unknown."""
        body = await self._get(f"/entities/{quote(name, safe='')}", {})
        return None if body is None else int(body.get("articles") or 0)


@dataclass
class Audit:
    """The audit's result: per kind counts, and the two totals the issue targets."""

    kinds: dict[str, dict[str, int]]
    requests: int
    errors: list[str]

    @property
    def lost(self) -> int:
        """Records (entity articles) expected and missing, all kinds."""
        return sum(k["lost"] for k in self.kinds.values())

    @property
    def duplicated(self) -> int:
        """Records (entity articles) returned more than once, all kinds."""
        return sum(k["duplicated"] for k in self.kinds.values())


async def audit(port: int, expected: Expected) -> Audit:
    """Ask the worker for every expected key and compare, kind by kind."""
    kinds: dict[str, dict[str, int]] = {}
    async with ApiClient(port) as api:
        for kind, (_, path) in KINDS.items():
            keys = sorted(expected.ids[kind])
            pages = await asyncio.gather(*(api.ids(path(k)) for k in keys))
            want = set().union(*expected.ids[kind].values()) if keys else set()
            kinds[kind] = {**compare_ids(want, [i for p in pages for i in p]), "keys": len(keys)}
        names = sorted(expected.entities)
        counts = await asyncio.gather(*(api.entity_articles(n) for n in names))
        kinds["entities"] = {**compare_entities(
            {n: len(a) for n, a in expected.entities.items()}, dict(zip(names, counts,
                                                                          strict=True))),
            "keys": len(names)}
    return Audit(kinds=kinds, requests=api.requests, errors=api.errors[:20])
