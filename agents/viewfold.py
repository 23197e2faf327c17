"""Bounded query tables: one article's records under one key, folded as per-item entries.

Why per-item keys: the views used to hold one list per speaker, place or
entity and rewrite it for every record, so a value (and the cost of each
write) grew with history, and a busy place on a busy day would pass Kafka's
1 MB message limit. Now a table holds, for each group key ``G`` (a speaker, a
place, a subject, an entity):

- ``h␟G``: the head, the group's totals (items, mentions, type, aliases);
- ``a␟G␟A``: the index of article ``A`` in the group: its revision, the keys
  of its items and its contribution to the totals;
- ``i␟G␟S␟ID``: one item per record, where ``S`` sorts newest first (the
  story's time, or the item's day for events), so a range scan over the prefix
  ``i␟G␟`` pages through the group in order (``streams/faust_private.scan``);
- ``d␟G␟DAY``: the group's count on a day (events and entities);
- ``l␟G␟F``: in how many articles entity ``G`` went by the form ``F`` (an alias a
  lookup needs: :func:`alias_forms`); mirrored into the ``entity-aliases`` global
  table as ``F␟G`` (:func:`alias_table_writes`, :func:`choose_alias`).

Group keys fold case and spacing (``kinds.fold_name``: "mustafa bali" finds
"Mustafa Bali" without an alias entry); the head keeps the name as written.
Every value is one record or a few counters: the largest stays far under 64 KB
whatever has been ingested (texts are cut at ``kinds.MAX_TEXT``).

A view update says "in group G, article A at revision R has exactly these
items" (:class:`Op`). Folding it is idempotent (the same op twice writes
nothing), revision-aware (a newer revision replaces the older one's items and
corrects the totals; an older one is ignored), and an op with no items retracts
the article from the group: the enrich stage sends one for every group the
article's previous revision had and the new one has not. So at-least-once
delivery, crash recovery and replays leave the tables as a clean run would.

Pure functions: the state comes in as ``read`` and the result is the writes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from agents.kinds import Kind, fold_name, view_item

__all__ = [
    "MAX_ALIASES",
    "MAX_SEEN",
    "SEP",
    "Learn",
    "Op",
    "alias_count_key",
    "alias_forms",
    "alias_level",
    "alias_prefix",
    "alias_table_writes",
    "choose_alias",
    "day_key",
    "fold",
    "group_prefix",
    "head_key",
    "index_key",
    "item_day",
    "item_key",
    "ops_for",
]

SEP = "\x1f"
#: An entity's head keeps at most this many aliases (a bounded value).
MAX_ALIASES = 64
Value = dict[str, Any]
#: The folded forms of an entity (its name and aliases) that need an alias entry.
Learn = Callable[[str, Iterable[str]], Iterable[str]]
_INV = str.maketrans("0123456789", "9876543210")


def head_key(group: str) -> str:
    """The key of a group's totals (keys fold case and spaces: ``fold_name``)."""
    return f"h{SEP}{fold_name(group)}"


def index_key(group: str, article_id: str) -> str:
    """The key of one article's entry in a group."""
    return f"a{SEP}{fold_name(group)}{SEP}{article_id}"


def group_prefix(group: str, day: str | None = None) -> str:
    """The prefix of a group's items (of one day, for a view listed by day)."""
    return f"i{SEP}{fold_name(group)}{SEP}" + (f"{_inv(_day(day))}{SEP}" if day else "")


def day_key(group: str, day: str) -> str:
    """The key of a group's count on one day."""
    return f"d{SEP}{fold_name(group)}{SEP}{day}"


def _inv(text: str) -> str:
    # Digits complemented: ascending key order is then newest first.
    return text.translate(_INV)


def _day(day: str | None) -> str:
    return (day or "")[:10].ljust(10, "0")


def item_day(item: Value) -> str | None:
    """The day an item is listed under: its own date (events), else the story's."""
    stamp = item.get("date") or item.get("published")
    return str(stamp)[:10] if stamp else None


def item_key(kind: Kind, group: str, item: Value) -> str:
    """Where an item lives: newest first within its group, then by id."""
    if kind.view.by_day:
        order = _inv(_day(item_day(item)))
    else:
        order = _inv(str(item.get("published") or "")[:19].ljust(19, "0"))
    return f"i{SEP}{fold_name(group)}{SEP}{order}{SEP}{item['id']}"


@dataclass(frozen=True)
class Op:
    """In ``group`` of ``kind``'s view, article ``article_id`` at ``revision`` has ``items``.

    An empty ``items`` retracts the article from the group.
    """

    kind: str
    group: str
    article_id: str
    revision: int
    items: list[Value]

    def to_json(self) -> Value:
        """The op on the ``view-updates`` topic."""
        return {"kind": self.kind, "group": self.group, "article_id": self.article_id,
                "revision": self.revision, "items": self.items}

    @classmethod
    def from_json(cls, data: Value) -> Op:
        """An op read back (raises ``KeyError``/``TypeError`` on a malformed one)."""
        return cls(str(data["kind"]), str(data["group"]), str(data["article_id"]),
                   int(data["revision"]), list(data["items"]))


def _contribution(kind: Kind, items: list[Value], group: str = "",
                  learn: Learn | None = None) -> Value:
    """What an article adds to its group's totals and daily counts (and alias counts)."""
    days: dict[str, int] = {}
    if kind.view.listed:
        for item in items:
            if kind.view.by_day:
                day = item_day(item) or "unknown"
                days[day] = days.get(day, 0) + 1
        return {"n": len(items), "m": 0, "days": days}
    mentions = sum(max(1, int(i.get("mentions") or 1)) for i in items)
    day = next((item_day(i) for i in items if item_day(i)), None)
    if items and day:
        days[day] = mentions
    out: Value = {"n": 1 if items else 0, "m": mentions, "days": days}
    if learn is not None and items:
        out["al"] = sorted(set(learn(group, [a for i in items for a in i.get("aliases") or ()])))
    return out


_ZERO: Value = {"n": 0, "m": 0, "days": {}}


#: Places a total remembers having counted: more than a hot group gets between a message
#: faust skipped and its re-read (``streams/skips.py``), or since the last commit.
MAX_SEEN = 256


def _count(total: Value | None, at: list[int], n: int, m: int,
           base: Value, floor: int = 0) -> tuple[Value | None, bool]:
    """``total`` with ``n`` and ``m`` added, unless it has counted the op at ``at``.

    ``at`` is the op's place in the view-update log (message offset, op index); a
    group's ops all arrive on one partition. A total remembers the places it counted
    (the newest ``MAX_SEEN``): not only the last one, because messages faust skipped
    are re-read *after* newer ones (``streams/skips.py``). A place older than all it
    remembers was counted long ago.

    ``floor`` is the partition's committed offset: Kafka never delivers a message
    below it again (the skip guard holds the commit below a hole), so the places
    under it are forgotten and an op under it is a redelivery, counted already.
    """
    # Kept sorted, so one binary search answers both questions; the list is not copied
    # pair by pair (a hot group's total remembers all MAX_SEEN places, and converting
    # and re-sorting them on every op made the view fold three times dearer late in a
    # soak than early). Pairs are lists, as JSON gives them back.
    seen: list[list[int]] = (total or {}).get("seen") or []
    if at[0] < floor:
        return total, False  # committed, so counted: a redelivery
    if seen and seen[0][0] < floor:
        seen = seen[bisect_left(seen, [floor]):]
    k = bisect_left(seen, at)
    if (k < len(seen) and seen[k] == at) or (k == 0 and len(seen) >= MAX_SEEN):
        return total, False  # this op is counted already (a redelivery)
    out = dict(total or base)
    out["n"] = int(out.get("n", 0)) + n
    out["m"] = int(out.get("m", 0)) + m
    places = [*seen[:k], at, *seen[k:]]
    out["seen"] = places[-MAX_SEEN:] if len(places) > MAX_SEEN else places
    return (out if out["n"] > 0 else None), True


def fold(kind: Kind, op: Op, read: Callable[[str], Any],
         at: tuple[int, int], learn: Learn | None = None,
         floor: int = 0) -> dict[str, Value | None]:
    """The table writes that fold ``op`` into ``kind``'s view (``None`` deletes a key).

    Redelivery is at least once, in two ways, and both are harmless:

    - the same view-update message again (a crash before its offset was committed, or
      a re-read after faust skipped messages): every total and daily count remembers
      the places (``at``) it counted, so it counts each message once whatever part of
      the op's writes survived a crash (the local store can be ahead of the changelog
      a restart replays, or behind it);
    - the same op in a new message (the enrich stage redid the article): the index
      entry (the op's last write) already says what the op says, so nothing is counted.

    The index keeps the contribution (and item keys) the article had *before* its
    current revision, so the difference to add is known even when the index was
    written and a total was not.

    Args:
        kind: The op's kind (its view spec).
        op: One article's items in one group.
        read: The table's current value of a key (``None`` when absent).
        at: The op's place: (view-update message offset, index of the op in it).
        learn: For entities: the forms of the entity that need an alias entry
            (:func:`alias_forms` with the gazetteer); each gets a count of the
            articles that used it (``l␟G␟F``), kept like the daily counts.
        floor: The committed offset of the op's view-update partition: the places
            below it are forgotten (see ``_count``); 0 keeps them all.

    Returns:
        Key to new value; empty when nothing changes (a stale revision).
    """
    here = list(at)
    g, idx = op.group, index_key(op.group, op.article_id)
    held: Value | None = read(idx)
    if held is not None and held["rev"] > op.revision:
        return {}  # a stale revision: the newer one stands
    items = {item_key(kind, g, i): i for i in op.items} if kind.view.listed else {}
    new_c = _contribution(kind, op.items, g, learn)
    if held is None:
        before, before_keys = _ZERO, []
    elif held["rev"] < op.revision:
        before, before_keys = held["c"], held["keys"]
    else:  # this revision's index is written already: what came before it is kept there
        before, before_keys = held.get("p", _ZERO), held.get("pk", [])
    entry = {"rev": op.revision, "keys": sorted(items), "c": new_c, "p": before,
             "pk": before_keys}
    days = sorted(set(before["days"]) | set(new_c["days"]))
    if held is not None and {k: v for k, v in held.items() if k != "at"} == entry \
            and held.get("at") != here:
        # The same op in a new message: folded before, to the end. Its totals are
        # written again as they are, so a changelog that missed them gets them now.
        return {head_key(g): read(head_key(g)),
                **{day_key(g, d): read(day_key(g, d)) for d in days},
                **{key: count for key in (alias_count_key(g, f) for f in new_c.get("al", ()))
                   if (count := read(key)) is not None}}
    writes: dict[str, Value | None] = {}
    head, changed = _count(read(head_key(g)), here, new_c["n"] - before["n"],
                           new_c["m"] - before["m"], {"group": g, "n": 0, "m": 0}, floor)
    if changed:
        if head is not None and not kind.view.listed and op.items:
            head["type"] = op.items[0].get("type") or head.get("type")
            aliases = set(head.get("aliases") or ()) | {a for i in op.items
                                                        for a in i.get("aliases") or ()}
            head["aliases"] = sorted(aliases)[:MAX_ALIASES]
        writes[head_key(g)] = head
    for day in days:
        old_day, new_day = before["days"].get(day, 0), new_c["days"].get(day, 0)
        if old_day == new_day:
            continue
        n_delta = (new_day - old_day) if kind.view.listed else \
            (day in new_c["days"]) - (day in before["days"])
        m_delta = 0 if kind.view.listed else new_day - old_day
        bucket, changed = _count(read(day_key(g, day)), here, n_delta, m_delta,
                                 {"n": 0, "m": 0}, floor)
        if changed:
            writes[day_key(g, day)] = bucket
    writes.update(_alias_counts(g, here, read, before.get("al", ()), new_c.get("al", ()),
                                floor))
    writes.update({k: None for k in before_keys if k not in items})
    writes.update(items)
    writes[idx] = {**entry, "at": here}  # last: once written, so was every other write
    return writes


def _alias_counts(group: str, here: list[int], read: Callable[[str], Any],
                  before: Iterable[str], after: Iterable[str],
                  floor: int = 0) -> dict[str, Value | None]:
    """The alias counts of the forms an article used before or uses now.

    +1 for a form it now uses, -1 for one it dropped (a new revision, a retraction),
    each remembering the places it counted. Every such count is written, changed or
    not: the ``entity-aliases`` mirror of a count can miss its last change (a crash
    after the view table's changelog message was sent and before the alias table's
    was), and the redelivered message, counted already, must still send it.
    """
    writes: dict[str, Value | None] = {}
    was, now = set(before), set(after)
    for form in sorted(was | now):
        key = alias_count_key(group, form)
        if form in was and form in now:
            writes[key] = read(key)
            continue
        writes[key], _ = _count(read(key), here, 1 if form in now else -1, 0,
                                {"n": 0, "m": 0}, floor)
    return writes


def alias_count_key(group: str, form: str) -> str:
    """The key of the count of articles in which entity ``group`` went by ``form``."""
    return f"l{SEP}{fold_name(group)}{SEP}{fold_name(form)}"


def alias_prefix(form: str) -> str:
    """The prefix of every candidate of ``form`` in the ``entity-aliases`` table."""
    return f"{fold_name(form)}{SEP}"


def alias_forms(group: str, aliases: Iterable[str],
                gazetteer: Callable[[str], str | None]) -> list[str]:
    """The folded forms of an entity that need an entry in the alias table.

    Only what the lookups need: an alias the gazetteer does not already resolve to
    this name ("SDF" learned from "Syrian Democratic Forces (SDF)", a surname), and
    the name itself when the gazetteer would send it elsewhere ("Burma" as written,
    which the gazetteer calls "Myanmar").

    Args:
        group: The entity's name.
        aliases: Its other forms in the article.
        gazetteer: The gazetteer's canonical name for a form, or None.
    """
    name = fold_name(group)
    out: list[str] = []
    for alias in (group, *aliases):
        key = fold_name(alias)
        known = gazetteer(alias)
        found = fold_name(known) if known else key  # where a lookup of the form lands
        if key and key not in out and found != name:
            out.append(key)
    return out


def alias_table_writes(writes: dict[str, Value | None],
                       read: Callable[[str], Any]) -> dict[str, Value | None]:
    """The ``entity-aliases`` writes that mirror a fold's alias counts.

    ``l␟G␟F`` (count ``n``) becomes ``F␟G`` -> ``{"n": alias_level(n)}``, written
    when the level changes; a count that fell to zero deletes the entry. ``read`` is
    the view table *before* the fold's writes: a count the fold leaves as it was (a
    redelivered message, counted already, whose alias write a crash may have lost; a
    new revision that keeps the form) writes its entry again. Why this shape, and
    not "alias -> the first name it was seen with" (as before):

    The alias table is a GlobalTable: every worker holds all of it, restored from a
    changelog of several partitions, and faust writes an entry to the changelog
    partition of the view update being processed. When several partitions wrote the
    same alias with different names, the answer was whichever partition was read
    last: after a restart "Nasser" could move from "Ahmed Nasser" to a place (23 of
    644 keys in the issue's run), and it differed with the number of workers.

    Here every key has exactly one writer: ``F␟G`` is written only where the group
    ``G``'s view updates arrive (one partition, in offset order), and its value, a
    count of articles, is a sum of per-article contributions (each counted once, a
    new revision replacing its old one), so it does not depend on the order the
    articles came in. The answer for ``F`` is then chosen when it is read, over all
    of its candidates (:func:`choose_alias`): a function of the set of entries, not
    of the order any partition, restore or worker delivered them. The answer is the
    folded name ``G`` (the key's, so no spelling depends on which article came first);
    the view page shows the group's head as written.

    The price is traffic on a table every worker reads. Exact counts wrote one entry
    per (alias, entity) an article used, where "first wins" wrote only new aliases (on
    200 articles of the benchmark corpus: 4.6 alias changelog messages per article
    against 0.14, which put the benchmark's messages consumed per article over its
    limit of 10). Levels (:func:`alias_level`) write an entry about twice per doubling
    of its count: 2.7 per article on those 200, and falling as history grows (~1.6 on
    the benchmark's corpus, which repeats). The changelog is compacted, so a restore
    reads one message per key (329 there).
    A repartition by alias key (a votes topic and table owned by the alias's
    partition, writing the global entry only when the choice changes) would give the
    same answers with about the old global traffic, for a topic, a table and an agent
    more; worth it if the global table's traffic ever shows in the benchmark.
    """
    out: dict[str, Value | None] = {}
    for key, value in writes.items():
        if not key.startswith(f"l{SEP}"):
            continue
        held = read(key)
        new, old = _n(value), _n(held)
        if held == value or alias_level(new) != alias_level(old):
            _, group, form = key.split(SEP, 2)
            level = alias_level(new)
            out[f"{form}{SEP}{group}"] = {"n": level} if level else None
    return out


def _n(value: Value | None) -> int:
    return int((value or {}).get("n") or 0)


def alias_level(n: int) -> int:
    """A count of articles rounded down to 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, ...

    What the ``entity-aliases`` table holds instead of the exact count: a form's
    entry changes about twice per doubling of its articles, not with every article,
    so the global table's traffic (which every worker reads) falls as history grows.
    Ranking by level keeps "the entity most articles used it for" to within a
    factor of 1.5; within a level, the smallest name wins.
    """
    if n <= 0:
        return 0
    top = 1 << (n.bit_length() - 1)
    return top + top // 2 if top >= 2 and n >= top + top // 2 else top


def choose_alias(candidates: Iterable[tuple[str, Any]]) -> str | None:
    """The (folded) name a form resolves to: the entity most articles used it for.

    Ties go to the smallest folded name, so the answer never depends on the order
    the candidates were written or restored in.

    Args:
        candidates: ``(F␟G, {"n": count})`` entries of the alias table for one form.
    """
    best: tuple[int, str] | None = None
    for key, value in candidates:
        if not isinstance(value, dict) or int(value.get("n") or 0) <= 0:
            continue
        rank = (-int(value["n"]), key.rsplit(SEP, 1)[-1])
        if best is None or rank < best:
            best = rank
    return best[1] if best else None


def ops_for(kind: Kind, article_id: str, revision: int, records: Iterable[Value],
            retract: Iterable[str] = ()) -> list[Op]:
    """One op per group of an article's records of ``kind``, plus a retraction per
    group in ``retract`` (the previous revision's groups) that the records lack."""
    groups: dict[str, tuple[str, list[Value]]] = {}  # folded key -> (first display, items)
    for record in records:
        group = kind.view.group(record)
        if group:
            groups.setdefault(fold_name(group), (group, []))[1].append(view_item(kind, record))
    ops = [Op(kind.name, g, article_id, revision, items) for g, items in groups.values()]
    gone = {fold_name(g): g for g in sorted(set(retract))}
    ops += [Op(kind.name, g, article_id, revision, []) for key, g in sorted(gone.items())
            if key not in groups]
    return ops
