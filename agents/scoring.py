"""The matching rules of the gold format (/work/shared/gold/FORMAT.md) and their counts.

Owns *when a prediction matches a gold item* for every kind, the one-to-one
alignment built from those rules, and the counts one article contributes per
kind. The word-level comparisons (quote tokens, speakers, content words) live in
``agents.scoring_text``; article-field checks and scores in ``agents.evaluate``,
the text report in ``agents.eval_table``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agents.scoring_text import (
    content_words,
    jaccard,
    normalise_name,
    plain,
    quote_tokens,
    speakers_agree,
)

__all__ = [
    "KINDS",
    "QUOTE_KINDS",
    "Alignment",
    "Tally",
    "align",
    "align_kind",
    "content_words",
    "date_resolved_right",
    "entity_score",
    "entity_types",
    "event_score",
    "figure_score",
    "iso_day",
    "items_of",
    "jaccard",
    "normalise_name",
    "occurrence",
    "places_agree",
    "plain",
    "quote_tokens",
    "span_overlap",
    "speaker_groups",
    "speaker_people",
    "speakers_agree",
    "tally_kind",
    "values_agree",
]

Item = dict[str, Any]
Tally = dict[str, Any]
Score = Callable[[Item, Item], float | None]

KINDS = ("quotes", "figures", "entities", "dates", "events")
QUOTE_KINDS = ("direct", "partial", "indirect")
QUOTE_THRESHOLD = 0.6


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _interval(item: Item) -> tuple[float, float] | None:
    """``[low, high]`` of a figure; a point value is a one-point interval."""
    low, value, high = (_number(item.get(k)) for k in ("low", "value", "high"))
    lo = next((v for v in (low, value, high) if v is not None), None)
    hi = next((v for v in (high, value, low) if v is not None), None)
    return None if lo is None or hi is None else (min(lo, hi), max(lo, hi))


def values_agree(gold: Item, pred: Item) -> bool:
    """Same value: points equal, intervals overlap, or a point lies inside a range."""
    g, p = _interval(gold), _interval(pred)
    if g is None or p is None:
        return False
    tol = 1e-9 * max(1.0, abs(g[1]), abs(p[1]))
    return g[0] <= p[1] + tol and p[0] <= g[1] + tol


def figure_score(gold: Item, pred: Item) -> float | None:
    """Match strength of two figures, or None; ties prefer the same bound."""
    if not values_agree(gold, pred):
        return None
    gw = content_words(gold.get("unit")) | content_words(gold.get("counted"))
    pw = content_words(pred.get("unit")) | content_words(pred.get("text"))
    if not gw & pw:
        return None
    return 1.0 + 0.5 * (gold.get("bound") == pred.get("bound")) + 0.25 * len(gw & pw) / len(gw | pw)


def entity_types(value: Any) -> frozenset[str]:
    """The types an entity's ``type`` allows: gold may write ``"LOC|GPE"`` for either."""
    return frozenset(t.strip() for t in str(value or "").split("|") if t.strip())


def entity_score(gold: Item, pred: Item) -> float | None:
    """A type the gold allows and a shared name, case-insensitive.

    The predicted name may equal the gold name (1.0) or one of its aliases (0.9);
    a prediction may also name the gold entity through one of its own aliases
    (0.8): the pipeline writes a canonical name ("Myanmar") and keeps the story's
    form ("Burma") among the aliases, and the reference scorer counts that. The
    scores only break ties, so an exact name claims the gold entity first.
    """
    if str(pred.get("type") or "") not in entity_types(gold.get("type")):
        return None
    name = plain(pred.get("name"))
    gold_names = _names_of(gold, plain)
    if not name:
        return None
    if name == plain(gold.get("name")):
        return 1.0
    if name in gold_names:
        return 0.9
    return 0.8 if _names_of(pred, plain) & gold_names else None


def places_agree(
    gold: str | None, pred: str | None, aliases: Sequence[frozenset[str]] = ()
) -> bool:
    """One place name inside the other, case-insensitive; a missing place never agrees.

    ``aliases`` are the (plain) name groups of the article's entities, gold and
    predicted: a predicted "Myanmar" whose entity lists "Burma" agrees with the
    gold "Burma" (the pipeline canonicalises place names; the reference scorer
    resolves them back).
    """
    g, p = plain(gold), plain(pred)
    if not g or not p:
        return False
    names = {p}.union(*(group for group in aliases if p in group))
    return any(n in g or g in n for n in names)


def iso_day(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` part of a date or datetime string, None when empty."""
    return str(value)[:10] if value else None


def event_score(gold: Item, pred: Item, aliases: Sequence[frozenset[str]] = ()) -> float | None:
    """Same type and agreeing place; ties prefer the same date, then a shared trigger word."""
    if plain(gold.get("type")) != plain(pred.get("type")):
        return None
    if not places_agree(gold.get("place"), pred.get("place"), aliases):
        return None
    same_date = iso_day(gold.get("date")) == iso_day(pred.get("date"))
    trigger = jaccard(
        quote_tokens(str(gold.get("trigger") or "")), quote_tokens(str(pred.get("trigger") or ""))
    )
    return 1.0 + 0.5 * same_date + 0.25 * trigger


def _loose(text: str) -> re.Pattern[str]:
    """A pattern for ``text`` that tolerates different runs of whitespace."""
    return re.compile(r"\s+".join(re.escape(w) for w in text.split()))


def occurrence(gold: Item, body: str) -> tuple[int, int] | str:
    """The ``[start, end)`` of a gold item's ``text`` inside its ``context`` in ``body``.

    Dates and ``excluded`` items carry a context that occurs once in the article;
    it pins which occurrence of the text is meant. Returns a reason string instead
    when the occurrence cannot be pinned, so a date counts as not found and
    ``explain`` can say why.
    """
    context, text = str(gold.get("context") or ""), str(gold.get("text") or "")
    if not context.strip() or not text.strip():
        return "gold item lacks text or context"
    where = _loose(context).search(body)
    if where is None:
        return "context not in article body"
    found = _loose(text).search(body, where.start(), where.end())
    if found is None:
        return "text not inside context"
    return found.start(), found.end()


def date_resolved_right(gold: Item, pred: Item) -> bool:
    """Right ISO date (a one-day range on that day also counts) or right start and end."""
    g_day, p_day = iso_day(gold.get("date")), iso_day(pred.get("date"))
    g_range = (iso_day(gold.get("start")), iso_day(gold.get("end")))
    p_range = (iso_day(pred.get("start")), iso_day(pred.get("end")))
    if g_day:
        return p_day == g_day or (p_day is None and p_range == (g_day, g_day))
    if any(g_range):
        return p_range == g_range
    return p_day is None and not any(p_range)


def span_overlap(span: Any, where: tuple[int, int]) -> int:
    """How many characters a predicted ``[start, end]`` span shares with ``where``."""
    if not isinstance(span, list | tuple) or len(span) != 2:
        return 0
    start, end = (_number(v) for v in span)
    if start is None or end is None:
        return 0
    return max(0, int(min(end, where[1]) - max(start, where[0])))


@dataclass(frozen=True, slots=True)
class Alignment:
    """A one-to-one alignment of gold items to predictions (indices into both lists).

    ``pairs`` excludes optional gold items; ``misses`` are required gold items left
    unmatched; ``false_positives`` are predictions that match nothing they may match.
    """

    pairs: tuple[tuple[int, int], ...]
    misses: tuple[int, ...]
    false_positives: tuple[int, ...]


def align(
    gold: Sequence[Item], pred: Sequence[Item], score: Score, *, duplicates_are_fp: bool = True
) -> Alignment:
    """Greedy one-to-one matching by best score (ties: earlier gold, then earlier prediction).

    An unmatched prediction that matches an optional gold item is not a false
    positive; with ``duplicates_are_fp=False`` neither is one that matches any gold item.
    """
    table = {
        (gi, pi): s
        for gi, g in enumerate(gold)
        for pi, p in enumerate(pred)
        if (s := score(g, p)) is not None
    }
    chosen: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for gi, pi in sorted(table, key=lambda k: (-table[k], k)):
        if gi not in used_g and pi not in used_p:
            chosen.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    optional = {gi for gi, g in enumerate(gold) if g.get("optional")}
    excused = used_p | {pi for gi, pi in table if gi in optional or not duplicates_are_fp}
    return Alignment(
        pairs=tuple(sorted(pair for pair in chosen if pair[0] not in optional)),
        misses=tuple(gi for gi in range(len(gold)) if gi not in used_g and gi not in optional),
        false_positives=tuple(pi for pi in range(len(pred)) if pi not in excused),
    )


def items_of(doc: Item, kind: str) -> list[Item]:
    """The dict items of one kind; a missing or malformed list reads as empty."""
    value = doc.get(kind)
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def speaker_groups(gold: Item) -> list[frozenset[str]]:
    """The normalised names of each of the article's gold entities, for ``speakers_agree``."""
    return [_names_of(entity, normalise_name) for entity in items_of(gold, "entities")]


def speaker_people(gold: Item) -> frozenset[str] | None:
    """The normalised names of the article's PERSON entities; None when none are annotated."""
    if not isinstance(gold.get("entities"), list):
        return None
    people = (e for e in items_of(gold, "entities") if "PERSON" in entity_types(e.get("type")))
    return frozenset().union(*(_names_of(e, normalise_name) for e in people))


def _names_of(entity: Item, norm: Callable[[Any], str]) -> frozenset[str]:
    """An entity's name and aliases, normalised by ``norm``, empty ones dropped."""
    names = [entity.get("name"), *(entity.get("aliases") or ())]
    return frozenset(n for n in map(norm, names) if n)


def align_kind(kind: str, gold: Item, pred: Item) -> tuple[Alignment, list[Item], list[Item]]:
    """Align one kind of a gold document with a prediction document.

    Returns the alignment with the gold and predicted item lists it indexes. For
    ``dates`` each gold item gets an ``_occurrence`` key (a span or a reason) and
    predictions overlapping an already matched gold date are not false positives.
    """
    gold_items, pred_items = items_of(gold, kind), items_of(pred, kind)
    if kind == "quotes":

        def quote(g: Item, p: Item) -> float | None:
            j = jaccard(
                quote_tokens(str(g.get("text") or "")), quote_tokens(str(p.get("text") or ""))
            )
            return j if j >= QUOTE_THRESHOLD else None

        return align(gold_items, pred_items, quote), gold_items, pred_items
    if kind == "dates":
        article = pred.get("article") if isinstance(pred.get("article"), dict) else {}
        body = str(article.get("body") or "")
        gold_items = [{**g, "_occurrence": occurrence(g, body)} for g in gold_items]

        def overlap(g: Item, p: Item) -> float | None:
            occ = g["_occurrence"]
            size = span_overlap(p.get("span"), occ) if isinstance(occ, tuple) else 0
            return float(size) if size else None

        alignment = align(gold_items, pred_items, overlap, duplicates_are_fp=False)
        return alignment, gold_items, pred_items
    if kind == "entities" and isinstance(gold.get("entity_types"), list):
        # The annotators marked only these types: others are neither hits nor FPs.
        marked = frozenset(map(str, gold["entity_types"]))
        pred_items = [p for p in pred_items if str(p.get("type") or "") in marked]
    if kind == "events":
        groups = [
            _names_of(e, plain) for e in items_of(gold, "entities") + items_of(pred, "entities")
        ]
        return (
            align(gold_items, pred_items, lambda g, p: event_score(g, p, groups)),
            gold_items,
            pred_items,
        )
    rules: dict[str, Score] = {"figures": figure_score, "entities": entity_score}
    return align(gold_items, pred_items, rules[kind]), gold_items, pred_items


def tally_kind(kind: str, gold: Item, pred: Item) -> Tally:
    """The counts one article contributes to one kind; totals are sums of these."""
    alignment, g, p = align_kind(kind, gold, pred)
    pairs = [(g[i], p[j]) for i, j in alignment.pairs]
    tally: Tally = {
        "tp": len(pairs),
        "fp": len(alignment.false_positives),
        "fn": len(alignment.misses),
    }
    if kind == "quotes":
        groups, people = speaker_groups(gold), speaker_people(gold)
        tally["speaker_right"] = sum(
            speakers_agree(a.get("speaker"), b.get("speaker"), groups, people) for a, b in pairs
        )
        matched = {i for i, _ in alignment.pairs}
        kinds: dict[str, dict[str, int]] = {}
        for i, quote in enumerate(g):
            if not quote.get("optional"):
                counts = kinds.setdefault(str(quote.get("kind")), {"tp": 0, "fn": 0})
                counts["tp" if i in matched else "fn"] += 1
        tally["kinds"] = kinds
    elif kind == "figures":
        tally["bound_right"] = sum(a.get("bound") == b.get("bound") for a, b in pairs)
    elif kind == "entities":
        types: dict[str, dict[str, int]] = {}
        # A hit counts under the predicted type (one the gold allows); a miss of a
        # "LOC|GPE" gold entity under the first type it lists.
        counted = (
            [(str(b.get("type")), "tp") for _, b in pairs]
            + [(str(g[i].get("type")).split("|")[0], "fn") for i in alignment.misses]
            + [(str(p[j].get("type")), "fp") for j in alignment.false_positives]
        )
        for type_, key in counted:
            types.setdefault(type_, {"tp": 0, "fp": 0, "fn": 0})[key] += 1
        tally["types"] = types
    elif kind == "dates":
        tally["resolved_right"] = sum(date_resolved_right(a, b) for a, b in pairs)
    elif kind == "events":
        tally["date_right"] = sum(
            iso_day(a.get("date")) == iso_day(b.get("date")) for a, b in pairs
        )
    return tally
