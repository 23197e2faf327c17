"""The soak's audit: which records the tables should hold, and which they lost or doubled.

The expected records come from the in-process pipeline (``process_article``, the
same stage functions the worker runs, so the same ids). What the tables hold is
asked of the worker's HTTP API only, through its public contract: a list answers
``{"items": [{"id": ...}, ...], "next_cursor": str | null}`` and the cursor is
passed back opaque, so the audit does not care how the tables store their items
(one list per key, one key per item, time buckets). Entities answer a summary
whose ``articles`` is compared with the distinct articles that named the entity.

The API resolves the name it is asked (an alias, a bare surname such as "Nasser") to a
canonical key, so two asked keys can get one and the same listing. It counts once
(:func:`merge_listings`); else every id in it would look doubled. The records under
the asked key itself are then out of the API's reach, and count as lost.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from agents.kinds import subject_key

__all__ = [
    "KINDS",
    "ApiClient",
    "Audit",
    "Expected",
    "Listing",
    "audit",
    "compare_entities",
    "compare_ids",
    "expect",
    "merge_listings",
]

#: The listed kinds: kind -> (the group key of a record, the API path of a key, the
#: answer's field naming the key it resolved to, if the answer has it). A record whose
#: key is empty is in no table (a quote without a speaker, a figure without a unit, an
#: event without a place), as the views keep it.
KINDS: dict[str, tuple[Callable[[Any], str | None], Callable[[str], str], str]] = {
    "quotes": (lambda r: r.speaker, lambda k: f"/speakers/{quote(k, safe='')}/quotes",
               "speaker"),
    "figures": (lambda r: subject_key(r.unit), lambda k: f"/figures/{quote(k, safe='')}",
                "subject"),
    "events": (lambda r: r.place, lambda k: f"/places/{quote(k, safe='')}/events", "place"),
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
        for kind, (key_of, _, _) in KINDS.items():
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


@dataclass(frozen=True)
class Listing:
    """The API's answer for one asked key: the key it answered for, and the item ids."""

    resolved: str
    ids: list[str]


def merge_listings(listings: dict[str, Listing | None]) -> tuple[list[str], list[str]]:
    """The ids of every distinct listing, and the asked keys answered for another key.

    A listing that two asked keys resolved to counts once; an asked key answered with
    404 (None) adds nothing, so its records count as lost.
    """
    ids: list[str] = []
    redirected: list[str] = []
    taken: set[str] = set()
    for asked, listing in sorted(listings.items()):
        if listing is None:
            continue
        if listing.resolved != asked:
            redirected.append(asked)
        if listing.resolved not in taken:
            taken.add(listing.resolved)
            ids.extend(listing.ids)
    return ids, redirected


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

    async def listing(self, key: str, path: str, field: str) -> Listing | None:
        """Every item id of a key's paged list, following ``next_cursor`` until it is
        null; None when the key is unknown (404). ``field``: the answer's name for the
        key it resolved to (the asked key when the answer has no such field)."""
        out: list[str] = []
        cursor: str | None = None
        resolved = key
        for page in range(MAX_PAGES):
            params = {"limit": str(self.page)}
            if cursor is not None:
                params["cursor"] = cursor
            body = await self._get(path, params)
            if body is None:
                return Listing(resolved, out) if page else None
            resolved = str(body.get(field) or resolved)
            out.extend(str(item["id"]) for item in body.get("items", []))
            cursor = body.get("next_cursor")
            if cursor is None:
                return Listing(resolved, out)
        self.errors.append(f"GET {path}: still a next_cursor after {MAX_PAGES} pages")
        return Listing(resolved, out)

    async def entity_articles(self, name: str) -> tuple[str, int] | None:
        """(name answered for, ``articles``) of ``GET /entities/{name}``; None on 404."""
        body = await self._get(f"/entities/{quote(name, safe='')}", {})
        if body is None:
            return None
        return str(body.get("name") or name), int(body.get("articles") or 0)


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
        for kind, (_, path, field) in KINDS.items():
            keys = sorted(expected.ids[kind])
            answers = await asyncio.gather(*(api.listing(k, path(k), field) for k in keys))
            ids, redirected = merge_listings(dict(zip(keys, answers, strict=True)))
            want = set().union(*expected.ids[kind].values()) if keys else set()
            kinds[kind] = {**compare_ids(want, ids), "keys": len(keys),
                           "redirected": _redirects(redirected, keys, answers)}
        names = sorted(expected.entities)
        found = dict(zip(names, await asyncio.gather(*(api.entity_articles(n) for n in names)),
                         strict=True))
        # An entity answered under another name is out of reach: its articles are lost.
        moved = [n for n, a in found.items() if a is not None and a[0] != n]
        counts = {n: None if n in moved or a is None else a[1] for n, a in found.items()}
        kinds["entities"] = {**compare_entities(
            {n: len(a) for n, a in expected.entities.items()}, counts), "keys": len(names),
            "redirected": _redirects(moved, names, [found[n] and found[n][0] for n in names])}
    return Audit(kinds=kinds, requests=api.requests, errors=api.errors[:20])


def _redirects(asked: list[str], keys: list[str], answers: list[Any]) -> dict[str, Any]:
    """How many asked keys the API answered for another key, with a few examples."""
    to = {k: a.resolved if isinstance(a, Listing) else a for k, a in zip(keys, answers,
                                                                         strict=True)}
    return {"keys": len(asked), "examples": [f"{k} -> {to[k]}" for k in asked[:5]]}
