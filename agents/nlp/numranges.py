"""Ranges made of two neighbouring numbers of one paragraph.

"between 150 and 200", "12-15", "two or three", "$3-5 billion", "from 3 to 5 million", "more than
10 and less than 40" become one ``NumberExpr`` with ``bound="range"``.
"""

from __future__ import annotations

import re

from agents.nlp.types import NumberExpr

__all__ = ["merge_ranges"]

_CONNECT = re.compile(r"(?i)\s*(?:-|–|—|to|through|and|or)\s*")
_PAIR = re.compile(r"(?i)\s*(?:,|and|,\s*and|but)\s*")
_RANGE_PRE = re.compile(r"(?i)\b(between|from)\s+$")
_COUNTED = ("count", "money", "percent")


def merge_ranges(text: str, items: list[tuple[NumberExpr, int]]) -> list[NumberExpr]:
    """Join "20 to 30", "between 20 and 30", "$3-5 billion", "more than 10 and less than 40".

    Args:
        text: The paragraph.
        items: Number expressions in text order, each with the largest scale word
            its phrase used (1 for none): "3 to 5 million" gives 5's scale to 3.

    Returns:
        The expressions with each joinable neighbouring pair made one range.
    """
    if len(items) < 2:
        return [x for x, _ in items]
    out: list[NumberExpr] = []
    i = 0
    while i < len(items):
        x, xs = items[i]
        if i + 1 < len(items):
            y, ys = items[i + 1]
            merged = _pair(text, x, xs, y, ys)
            if merged is not None:
                out.append(merged)
                i += 2
                continue
        out.append(x)
        i += 1
    return out


def _pair(text: str, x: NumberExpr, xs: int, y: NumberExpr, ys: int) -> NumberExpr | None:
    if x.kind not in _COUNTED or y.kind not in _COUNTED or x.value is None or y.value is None:
        return None
    if x.kind != "count" and y.kind != "count" and x.kind != y.kind:
        return None
    lo, hi, start = x.value, y.value, x.start
    approx = x.approx or y.approx
    if (
        x.bound == "exact"
        and y.bound == "exact"
        and (c := _CONNECT.fullmatch(text, x.end, y.start)) is not None
    ):
        pre = _RANGE_PRE.search(text, max(0, x.start - 10), x.start)
        conn = c.group().strip().lower()
        if conn == "and" and (pre is None or pre.group(1).lower() != "between"):
            return None
        approx = approx or conn == "or"  # "thirteen or fourteen hours": a guess between two
        if pre is not None:
            start = pre.start()
        if ys > 1 and xs == 1 and lo * ys < hi:
            lo *= ys  # "3 to 5 million": the scale belongs to both ends
    elif x.bound == "at_least" and y.bound == "at_most" and _PAIR.fullmatch(text, x.end, y.start):
        pass
    elif x.bound == "at_most" and y.bound == "at_least" and _PAIR.fullmatch(text, x.end, y.start):
        lo, hi = hi, lo
    else:
        return None
    if not lo < hi:
        return None
    kind = y.kind if x.kind == "count" else x.kind
    unit = y.unit or x.unit
    return NumberExpr(
        start, y.end, text[start : y.end], None, lo, hi, approx, "range", kind, unit
    )  # type: ignore[arg-type]
