"""Public peer test sets: pySBD's Golden Rules and Recognizers-Text number specs.

The sets are read from the shared gold folder (never copied into the repo);
the tests skip when it is absent. Floors sit at what the code reaches.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from agents.nlp.numbers import find_numbers
from agents.nlp.sentences import split_sentences
from agents.nlp.types import NumberExpr

PEER = Path("/work/shared/gold/peer")
pytestmark = pytest.mark.skipif(not PEER.is_dir(), reason="shared peer sets not present")


def _cases(name: str) -> list[dict[str, Any]]:
    with (PEER / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _interval(x: NumberExpr) -> tuple[float | None, float | None]:
    if x.bound == "range":
        return x.low, x.high
    if x.bound == "at_least":
        return x.value, None
    if x.bound == "at_most":
        return None, x.value
    return x.value, x.value


def _score(name: str, ranges: bool) -> tuple[float, float]:
    """Recall and precision: a prediction matches a case value by value or by both range ends."""
    gold = pred = hit_gold = hit_pred = 0
    misses = []
    for case in _cases(name):
        xs = [x for x in find_numbers(case["text"]) if x.kind not in ("year", "ordinal", "time")]
        if ranges:  # the range spec only lists comparisons, ranges and "equal to" amounts
            xs = [
                x
                for x in xs
                if x.bound in ("at_least", "at_most", "range") or x.text.lower().startswith("equal")
            ]
        used: set[int] = set()
        for x in xs:
            for j, g in enumerate(case["values"]):
                if j in used:
                    continue
                lo, hi = _interval(x)
                ok = (
                    _same(lo, g["min"]) and _same(hi, g["max"])
                    if ranges
                    else x.value is not None and _same(x.value, g["value"])
                )
                if ok:
                    used.add(j)
                    hit_pred += 1
                    break
        if len(used) < len(case["values"]) or len(used) < len(xs):
            misses.append((case["id"], case["text"], [x.text for x in xs]))
        gold += len(case["values"])
        pred += len(xs)
        hit_gold += len(used)
    recall, precision = hit_gold / gold, hit_pred / max(pred, 1)
    print(f"\n{name}: recall {recall:.3f} precision {precision:.3f}")
    for miss in misses:
        print("  miss:", miss)
    return recall, precision


def test_golden_rules() -> None:
    exact = 0
    for case in _cases("golden_rules_en.jsonl"):
        text = case["text"]
        got = [text[s.start : s.end] for s in split_sentences(text)]
        if got == case["sentences"]:
            exact += 1
        else:
            print("golden rule failed:", case["id"], got)
    print(f"golden rules exact: {exact}/48")
    assert exact >= 47


def test_msrt_numbers() -> None:
    recall, precision = _score("msrt_number_en_news.jsonl", ranges=False)
    assert recall >= 0.98
    assert precision >= 0.98


def test_msrt_number_ranges() -> None:
    recall, precision = _score("msrt_numberrange_en_news.jsonl", ranges=True)
    assert recall >= 0.97
    assert precision >= 0.96


def test_msrt_percentages() -> None:
    recall, precision = _score("msrt_percent_en_news.jsonl", ranges=False)
    assert recall == 1.0
    assert precision == 1.0
