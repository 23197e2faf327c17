"""The plain-text report of ``wiredesk eval``: every score per article and in total.

FORMAT.md asks for every score per article and in total, as a table and as JSON;
the JSON is the report itself (``agents.evaluate``), this module lays it out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["render_table"]

Scores = dict[str, Any]
Column = tuple[str, Callable[[Scores], Any]]

_SUMMARY = (
    ("quotes F1", "quotes", "f1"),
    ("speaker", "quotes", "speaker_acc"),
    ("figures F1", "figures", "f1"),
    ("entities F1", "entities", "f1"),
    ("dates res", "dates", "resolved"),
    ("events F1", "events", "f1"),
)
_EXTRAS = ("speaker_acc", "bound_acc", "found", "resolved", "date_acc")
_TYPE_ORDER = ("PERSON", "ORG", "GPE", "LOC", "NORP")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _key(name: str) -> Callable[[Scores], Any]:
    return lambda s: s.get(name)


def _prf_columns() -> list[Column]:
    return [(k.upper() if len(k) < 3 else k, _key(k)) for k in ("p", "r", "f1", "tp", "fp", "fn")]


def _type_cell(type_: str) -> Callable[[Scores], Any]:
    def cell(s: Scores) -> Any:
        t = s.get("by_type", {}).get(type_)
        return None if t is None else f"{t['p']:.2f}/{t['r']:.2f}/{t['f1']:.2f}"

    return cell


def _columns(kind: str, total: Scores) -> list[Column]:
    """The columns of one kind's table: its P/R/F1 and counts, then its own measures."""
    if kind == "article":
        return [(k, _key(k)) for k in total]
    cols = _prf_columns()
    if kind == "quotes":
        cols.append(("speaker", _key("speaker_acc")))
        cols += [
            (f"R {k}", lambda s, k=k: s.get("recall_by_kind", {}).get(k))
            for k in total.get("recall_by_kind", {})
        ]
    elif kind == "figures":
        cols.append(("bound", _key("bound_acc")))
    elif kind == "entities":
        types = sorted(
            total.get("by_type", {}),
            key=lambda t: (
                t not in _TYPE_ORDER,
                _TYPE_ORDER.index(t) if t in _TYPE_ORDER else 0,
                t,
            ),
        )
        cols += [(f"{t} P/R/F1", _type_cell(t)) for t in types]
    elif kind == "dates":
        cols += [("found", _key("found")), ("resolved", _key("resolved"))]
    elif kind == "events":
        cols.append(("date", _key("date_acc")))
    return cols


def _grid(title: str, rows: list[tuple[str, Scores | None]], cols: list[Column]) -> list[str]:
    """One table: a row per article (``-`` where the kind is not annotated) and TOTAL."""
    width = min(max(len(title), *(len(name) for name, _ in rows)), 40)
    cells = [[_fmt(None if s is None else get(s)) for _, get in cols] for _, s in rows]
    sizes = [max(len(head), *(len(r[i]) for r in cells)) for i, (head, _) in enumerate(cols)]
    header = f"{title:<{width}}" + "".join(
        f"  {h:>{n}}" for (h, _), n in zip(cols, sizes, strict=True)
    )
    lines = [header, "-" * len(header)]
    for (name, _), row in zip(rows, cells, strict=True):
        lines.append(
            f"{name[-width:]:<{width}}"
            + "".join(f"  {c:>{n}}" for c, n in zip(row, sizes, strict=True))
        )
    return lines


def _total_lines(total: Scores) -> list[str]:
    lines = []
    for kind, s in total.items():
        if kind == "article":
            lines.append(f"{kind:<9} " + "  ".join(f"{k} {_fmt(v)}" for k, v in s.items()))
            continue
        line = (
            f"{kind:<9} P {_fmt(s['p'])}  R {_fmt(s['r'])}  F1 {_fmt(s['f1'])}"
            f"  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})"
        )
        line += "".join(f"  {k} {_fmt(s[k])}" for k in _EXTRAS if k in s)
        if "recall_by_kind" in s:
            line += "  recall " + " ".join(f"{k}={_fmt(v)}" for k, v in s["recall_by_kind"].items())
        lines.append(line)
        for name, t in s.get("by_type", {}).items():
            lines.append(
                f"  {name:<7} P {_fmt(t['p'])}  R {_fmt(t['r'])}  F1 {_fmt(t['f1'])}"
                f"  (tp {t['tp']}, fp {t['fp']}, fn {t['fn']})"
            )
    return lines


def render_table(report: dict[str, Any]) -> str:
    """The report as text: a summary table, one table per kind, then the totals.

    The summary has one row per article and TOTAL with the headline measure of
    each kind; each kind's table then gives every measure of that kind per article
    and in total (entities: P/R/F1 per type too). A ``-`` cell means the kind is
    not annotated there (or the measure is undefined).
    """
    total = report["total"]
    named = [(Path(e["file"]).name, e["scores"]) for e in report["articles"]]
    summary = [(name, scores) for name, scores in named] + [("TOTAL", total)]
    lines = _grid(
        "article",
        summary,
        [(title, lambda s, k=kind, m=key: s.get(k, {}).get(m)) for title, kind, key in _SUMMARY],
    )
    for kind in total:
        rows = [(name, scores.get(kind)) for name, scores in named] + [("TOTAL", total[kind])]
        lines += ["", *_grid(kind, rows, _columns(kind, total[kind]))]
    lines += ["", *_total_lines(total)]
    lines.extend(
        f"error in {Path(e['file']).name}: {e['error']}" for e in report["articles"] if "error" in e
    )
    return "\n".join(lines) + "\n"
