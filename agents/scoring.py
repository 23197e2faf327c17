"""The matching rules of the gold format (/work/shared/gold/FORMAT.md) and their counts.

Owns *when a prediction matches a gold item* for every kind, the one-to-one
alignment built from those rules, and the counts one article contributes per
kind. Article-field checks, scores and reports live in ``agents.evaluate``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "KINDS",
    "QUOTE_KINDS",
    "Alignment",
    "Tally",
    "align",
    "align_kind",
    "content_words",
    "date_occurrence",
    "date_resolved_right",
    "entity_score",
    "event_score",
    "figure_score",
    "iso_day",
    "items_of",
    "jaccard",
    "normalise_name",
    "places_agree",
    "plain",
    "quote_tokens",
    "speaker_groups",
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

_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[a-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLES = _words("""
    mr mrs ms miss dr prof gen general lt col colonel maj capt captain sgt adm admiral
    sen senator rep gov governor president pres rev sheikh sir dame lord
""")
# Quantity and number words are not "what is counted": sharing "thousands" must not
# let "tens of thousands of civilians" match "tens of thousands of fighters".
_STOP = _words("""
    a an the of and or in on at to for from by with as than more less over under up
    about nearly some roughly around almost approximately least most many much few fewer
    their its his her our all other who which that were was are is be been
    one two three four five six seven eight nine ten eleven twelve twenty thirty forty
    fifty hundred hundreds thousand thousands million millions billion billions
    dozen dozens tens scores
""")
_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "persons": "person",
    "feet": "foot",
    "mice": "mouse",
    "geese": "goose",
}


def quote_tokens(text: str) -> frozenset[str]:
    """Lower-cased word tokens; punctuation splits words so curly and straight marks agree."""
    return frozenset(_WORD.findall(text.casefold()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Token-set Jaccard; 0.0 for two empty sets (nothing to agree on)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def normalise_name(name: str | None) -> str:
    """Lower-case, drop punctuation, a leading "the" and leading titles ("Gen.")."""
    # Dots and apostrophes vanish ("U.S." -> "us"); other marks split ("al-Hadath").
    words = _WORD.findall(re.sub(r"[.'’]", "", (name or "").casefold()))
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def speakers_agree(gold: str | None, pred: str | None, groups: Sequence[frozenset[str]]) -> bool:
    """Whether two speakers name the same source.

    ``groups`` holds the normalised names of each entity (gold and predicted); two
    names agree through aliases when their alias groups share a name. No speaker on
    both sides is agreement: an unattributed quote predicted as unattributed is right.
    """
    g, p = normalise_name(gold), normalise_name(pred)
    if not g or not p:
        return not g and not p
    if g == p or g.split()[-1] == p or p.split()[-1] == g:
        return True

    def expand(name: str) -> set[str]:
        names = {name}
        for group in groups:
            if name in group:
                names |= group
        return names

    return bool(expand(g) & expand(p))


def _fold(word: str) -> str:
    """Fold a plural to its singular, crudely but identically on both sides."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_words(text: str | None) -> frozenset[str]:
    """Content words of a unit or figure text, plural-folded, stop and number words dropped."""
    words = (w for w in _LETTERS.findall((text or "").casefold()) if len(w) > 1)
    return frozenset(_fold(w) for w in words if w not in _STOP)


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


def plain(text: Any) -> str:
    """Collapse whitespace and case-fold, for case-insensitive comparisons."""
    return " ".join(str(text or "").split()).casefold()


def entity_score(gold: Item, pred: Item) -> float | None:
    """Same type and the predicted name is the gold name (1.0) or one of its aliases (0.9)."""
    if gold.get("type") != pred.get("type") or not plain(pred.get("name")):
        return None
    name = plain(pred.get("name"))
    if name == plain(gold.get("name")):
        return 1.0
    return 0.9 if name in {plain(a) for a in gold.get("aliases") or ()} else None


def places_agree(gold: str | None, pred: str | None) -> bool:
    """One place name inside the other, case-insensitive; a missing place never agrees."""
    g, p = plain(gold), plain(pred)
    return bool(g and p) and (p in g or g in p)


def iso_day(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` part of a date or datetime string, None when empty."""
    return str(value)[:10] if value else None


def event_score(gold: Item, pred: Item) -> float | None:
    """Same type and agreeing place; ties prefer the same date, then a shared trigger word."""
    if plain(gold.get("type")) != plain(pred.get("type")):
        return None
    if not places_agree(gold.get("place"), pred.get("place")):
        return None
    same_date = iso_day(gold.get("date")) == iso_day(pred.get("date"))
    trigger = jaccard(
        quote_tokens(str(gold.get("trigger") or "")), quote_tokens(str(pred.get("trigger") or ""))
    )
    return 1.0 + 0.5 * same_date + 0.25 * trigger


def _loose(text: str) -> re.Pattern[str]:
    """A pattern for ``text`` that tolerates different runs of whitespace."""
    return re.compile(r"\s+".join(re.escape(w) for w in text.split()))


def date_occurrence(gold: Item, body: str) -> tuple[int, int] | str:
    """The ``[start, end)`` of a gold date's text inside its context in ``body``.

    Returns a reason string instead when the occurrence cannot be pinned, so the
    caller can count the date as not found and ``explain`` can say why.
    """
    context, text = str(gold.get("context") or ""), str(gold.get("text") or "")
    if not context.strip() or not text.strip():
        return "gold date lacks text or context"
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


def _overlap(span: Any, occurrence: tuple[int, int]) -> int:
    if not isinstance(span, list | tuple) or len(span) != 2:
        return 0
    start, end = (_number(v) for v in span)
    if start is None or end is None:
        return 0
    return max(0, int(min(end, occurrence[1]) - max(start, occurrence[0])))


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


def speaker_groups(gold: Item, pred: Item) -> list[frozenset[str]]:
    """The normalised names of each gold and predicted entity, for ``speakers_agree``."""
    groups = []
    for entity in items_of(gold, "entities") + items_of(pred, "entities"):
        names = [entity.get("name"), *(entity.get("aliases") or ())]
        groups.append(frozenset(n for n in map(normalise_name, names) if n))
    return groups


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
        gold_items = [{**g, "_occurrence": date_occurrence(g, body)} for g in gold_items]

        def overlap(g: Item, p: Item) -> float | None:
            occ = g["_occurrence"]
            size = _overlap(p.get("span"), occ) if isinstance(occ, tuple) else 0
            return float(size) if size else None

        alignment = align(gold_items, pred_items, overlap, duplicates_are_fp=False)
        return alignment, gold_items, pred_items
    rules: dict[str, Score] = {
        "figures": figure_score,
        "entities": entity_score,
        "events": event_score,
    }
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
        groups = speaker_groups(gold, pred)
        tally["speaker_right"] = sum(
            speakers_agree(a.get("speaker"), b.get("speaker"), groups) for a, b in pairs
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
        counted = (
            [(a, "tp") for a, _ in pairs]
            + [(g[i], "fn") for i in alignment.misses]
            + [(p[j], "fp") for j in alignment.false_positives]
        )
        for item, key in counted:
            types.setdefault(str(item.get("type")), {"tp": 0, "fp": 0, "fn": 0})[key] += 1
        tally["types"] = types
    elif kind == "dates":
        tally["resolved_right"] = sum(date_resolved_right(a, b) for a, b in pairs)
    elif kind == "events":
        tally["date_right"] = sum(
            iso_day(a.get("date")) == iso_day(b.get("date")) for a, b in pairs
        )
    return tally
