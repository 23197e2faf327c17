"""The evaluator behind ``wiredesk eval``: gold files in, scores and explanations out.

Loads gold annotations, runs the pipeline through a caller-supplied ``process``,
and turns the alignments of ``agents.scoring`` into the counts and scores of
FORMAT.md (per article and micro-averaged in total), a plain-text table and a
per-item explanation of what was missed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents.scoring import (
    KINDS,
    QUOTE_KINDS,
    Tally,
    align_kind,
    date_resolved_right,
    iso_day,
    plain,
    speaker_groups,
    speakers_agree,
    tally_kind,
)

__all__ = [
    "FORMATS",
    "EvalError",
    "GoldArticle",
    "article_checks",
    "evaluate",
    "explain",
    "header_published",
    "load_gold",
    "render_table",
    "score_article",
    "score_corpus",
]

FORMATS = frozenset({"text", "ninjs", "jsonl", "rss-item"})
Doc = dict[str, Any]


class EvalError(Exception):
    """A gold file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class GoldArticle:
    """One gold annotation with the raw article it describes.

    Attributes:
        path: The gold JSON file.
        gold: The parsed gold document.
        raw: The article bytes exactly as the pipeline would ingest them.
        format: ``text``, ``ninjs``, ``jsonl`` or ``rss-item``: how to parse ``raw``.
    """

    path: Path
    gold: Doc
    raw: bytes
    format: str


def _read_gold(path: Path) -> GoldArticle:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{path}: not a readable JSON file ({exc})") from exc
    article = gold.get("article") if isinstance(gold, dict) else None
    if not isinstance(article, dict):
        raise EvalError(f"{path}: gold needs an 'article' object")
    for kind in KINDS:
        items = gold.get(kind)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(x, dict) for x in items)
        ):
            raise EvalError(f"{path}: '{kind}' must be a list of objects")
    fmt = article.get("format") or "text"
    if fmt not in FORMATS:
        raise EvalError(f"{path}: unknown article format {fmt!r}")
    if article.get("file"):
        source = path.parent / str(article["file"])
        try:
            raw = source.read_bytes()
        except OSError as exc:
            raise EvalError(f"{path}: article file {source} cannot be read") from exc
    elif isinstance(article.get("text"), str):
        raw = article["text"].encode("utf-8")
    else:
        raise EvalError(f"{path}: article needs a 'file' or a 'text'")
    return GoldArticle(path=path, gold=gold, raw=raw, format=fmt)


def header_published(gold: Doc) -> datetime | None:
    """The date ``article.headers.published`` gives the article, as a feed item would.

    FORMAT.md: the headers are the metadata the article arrives with, handed to
    the pipeline with the text (RawMeta.published); ``article.published`` is the
    answer and never is. ``None`` when absent or not an ISO date.
    """
    headers = (gold.get("article") or {}).get("headers")
    value = headers.get("published") if isinstance(headers, dict) else None
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def load_gold(paths: Iterable[Path]) -> list[GoldArticle]:
    """Load gold files, and every ``*.json`` under folders (recursively, sorted).

    Args:
        paths: Gold files or folders, in the order to evaluate them.

    Returns:
        One ``GoldArticle`` per distinct file; empty when the folders hold none.

    Raises:
        EvalError: A path does not exist, a gold file is malformed, or its article
            file is missing. Failing early beats scoring a corpus with a hole in it.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.rglob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise EvalError(f"{path}: no such gold file or folder")
    return [_read_gold(path) for path in dict.fromkeys(files)]


def _listed(value: Any) -> list[Any]:
    """A list field that a hand-written file may give as one string or null."""
    return [value] if isinstance(value, str) else list(value or ())


def article_checks(gold: Doc, pred: Doc) -> dict[str, tuple[Any, Any, bool]]:
    """Each article field the gold annotates: (gold value, predicted value, agrees)."""
    ga, pa = gold.get("article") or {}, pred.get("article") or {}
    checks: dict[str, tuple[Any, Any, bool]] = {}
    if "headline" in ga:
        checks["headline_ok"] = (
            ga["headline"],
            pa.get("headline"),
            plain(ga["headline"]) == plain(pa.get("headline")),
        )
    if "byline" in ga:
        g_names = {plain(n) for n in _listed(ga["byline"])} - {""}
        p_names = {plain(n) for n in _listed(pa.get("byline"))} - {""}
        checks["byline_ok"] = (ga["byline"], pa.get("byline"), g_names == p_names)
    if "published" in ga:
        g_day, p_day = iso_day(ga["published"]), iso_day(pa.get("published"))
        checks["published_ok"] = (ga["published"], pa.get("published"), g_day == p_day)
    if "boilerplate" in ga:
        body = plain(pa.get("body"))
        left = [line for line in _listed(ga["boilerplate"]) if plain(line) and plain(line) in body]
        checks["boilerplate_gone"] = (ga["boilerplate"], left, not left)
    return checks


def _tallies(gold: Doc, pred: Doc) -> dict[str, Tally]:
    tallies = {
        kind: tally_kind(kind, gold, pred) for kind in KINDS if isinstance(gold.get(kind), list)
    }
    checks = article_checks(gold, pred)
    if checks:
        tallies["article"] = {k: {"ok": int(ok), "n": 1} for k, (_, _, ok) in checks.items()}
    return tallies


def _add(a: Tally, b: Tally) -> Tally:
    out = dict(a)
    for key, value in b.items():
        out[key] = (
            _add(out.get(key, {}), value) if isinstance(value, dict) else (out.get(key, 0) + value)
        )
    return out


def _share(part: int, whole: int) -> float | None:
    """A share that is undefined (None) when there is nothing to measure."""
    return part / whole if whole else None


def _prf(t: Tally) -> dict[str, Any]:
    tp, fp, fn = t["tp"], t["fp"], t["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _finish(kind: str, t: Tally, total: bool) -> dict[str, Any]:
    """Scores from counts: the same for one article and for the summed corpus."""
    if kind == "article":
        return {k: (c["ok"] / c["n"] if total else bool(c["ok"])) for k, c in t.items()}
    out = _prf(t)
    if kind == "quotes":
        out["speaker_acc"] = _share(t["speaker_right"], t["tp"])
        kinds = {k: {"tp": 0, "fn": 0} for k in QUOTE_KINDS} | t["kinds"]
        out["recall_by_kind"] = {k: _share(c["tp"], c["tp"] + c["fn"]) for k, c in kinds.items()}
    elif kind == "figures":
        out["bound_acc"] = _share(t["bound_right"], t["tp"])
    elif kind == "entities":
        out["by_type"] = {k: _prf(c) for k, c in sorted(t["types"].items())}
    elif kind == "dates":
        out["found"] = _share(t["tp"], t["tp"] + t["fn"])
        out["resolved"] = _share(t["resolved_right"], t["tp"] + t["fn"])
    elif kind == "events":
        out["date_acc"] = _share(t["date_right"], t["tp"])
    return out


def _finish_all(tallies: dict[str, Tally], total: bool) -> dict[str, Any]:
    return {k: _finish(k, tallies[k], total) for k in (*KINDS, "article") if k in tallies}


def score_article(gold: Doc, predicted: Doc) -> dict[str, Any]:
    """Score one prediction document against its gold.

    Returns:
        One entry per annotated kind (see ``score_corpus``); ``article`` holds a
        bool per annotated article field.
    """
    return _finish_all(_tallies(gold, predicted), total=False)


def score_corpus(results: list[tuple[str, Doc, Doc]]) -> dict[str, Any]:
    """Score ``(name, gold, predicted)`` triples per article and micro-averaged in total.

    Returns:
        ``{"total": scores, "articles": [{"file": name, "scores": scores}]}``; each
        kind has ``p``, ``r``, ``f1`` (0.0 when undefined), ``tp``, ``fp``, ``fn`` and
        its extra measures (None when undefined). Totals sum the counts first, so a
        large article weighs more than a small one. Total ``article`` values are shares.
    """
    articles: list[dict[str, Any]] = []
    summed: dict[str, Tally] = {}
    for name, gold, predicted in results:
        tallies = _tallies(gold, predicted)
        articles.append({"file": name, "scores": _finish_all(tallies, total=False)})
        for kind, tally in tallies.items():
            summed[kind] = _add(summed.get(kind, {}), tally)
    return {"total": _finish_all(summed, total=True), "articles": articles}


def evaluate(
    gold_articles: list[GoldArticle], process: Callable[[GoldArticle], Doc]
) -> dict[str, Any]:
    """Run ``process`` on every gold article and score what it returns.

    Args:
        gold_articles: From ``load_gold``.
        process: The pipeline: a gold article (its ``raw`` bytes and ``format``) to a
            prediction document as ``wiredesk process`` prints it.

    Returns:
        The ``score_corpus`` report. An article whose ``process`` raised (or returned
        no dict) is scored as an empty prediction and its entry gets an ``error``:
        one broken article must not hide the scores of the rest.
    """
    results: list[tuple[str, Doc, Doc]] = []
    errors: list[str | None] = []
    for article in gold_articles:
        try:
            predicted = process(article)
            error = None if isinstance(predicted, dict) else "process returned no dict"
        except Exception as exc:  # the pipeline's failure is a measured outcome here
            predicted, error = {}, f"{type(exc).__name__}: {exc}"
        results.append((str(article.path), article.gold, predicted if error is None else {}))
        errors.append(error)
    report = score_corpus(results)
    for entry, error in zip(report["articles"], errors, strict=True):
        if error is not None:
            entry["error"] = error
    return report


_COLUMNS = (
    ("quotes F1", "quotes", "f1"),
    ("speaker", "quotes", "speaker_acc"),
    ("figures F1", "figures", "f1"),
    ("entities F1", "entities", "f1"),
    ("dates res", "dates", "resolved"),
    ("events F1", "events", "f1"),
)
_EXTRAS = ("speaker_acc", "bound_acc", "found", "resolved", "date_acc")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_table(report: dict[str, Any]) -> str:
    """A plain-text table: one row per article and TOTAL, then the total per kind.

    A ``-`` cell means the kind is not annotated there (or the measure is undefined).
    """
    rows = [(Path(e["file"]).name, e["scores"]) for e in report["articles"]]
    rows.append(("TOTAL", report["total"]))
    width = min(max(len(name) for name, _ in rows), 40)
    header = f"{'article':<{width}}" + "".join(f"  {title:>11}" for title, _, _ in _COLUMNS)
    lines = [header, "-" * len(header)]
    for name, scores in rows:
        cells = (_fmt(scores.get(kind, {}).get(key)) for _, kind, key in _COLUMNS)
        lines.append(f"{name[-width:]:<{width}}" + "".join(f"  {c:>11}" for c in cells))
    lines.append("")
    for kind, s in report["total"].items():
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
    lines.extend(
        f"error in {Path(e['file']).name}: {e['error']}" for e in report["articles"] if "error" in e
    )
    return "\n".join(lines) + "\n"


def _mismatches(
    pairs: list[tuple[Doc, Doc]], key: str, same: Callable[[Any, Any], bool], label: str = "text"
) -> list[dict[str, Any]]:
    return [
        {label: a.get(label), "gold": a.get(key), "predicted": b.get(key)}
        for a, b in pairs
        if not same(a.get(key), b.get(key))
    ]


def explain(gold: Doc, predicted: Doc) -> dict[str, Any]:
    """What went wrong, item by item: the detail behind ``wiredesk eval --explain``.

    Returns:
        Per annotated kind ``misses`` (required gold items left unmatched) and
        ``false_positives`` (predictions counted as FP), plus the disagreements
        inside matches: quotes ``speaker_mismatches``, figures ``bound_mismatches``,
        dates ``misresolved``, events ``date_mismatches``. Date misses carry a
        ``why`` (e.g. the context lies outside the body). ``article`` lists the
        failing article checks with the gold and predicted values.
    """
    out: dict[str, Any] = {}
    groups = speaker_groups(gold, predicted)
    for kind in KINDS:
        if not isinstance(gold.get(kind), list):
            continue
        alignment, g, p = align_kind(kind, gold, predicted)
        pairs = [(g[i], p[j]) for i, j in alignment.pairs]
        misses = [{k: v for k, v in g[i].items() if k != "_occurrence"} for i in alignment.misses]
        entry: dict[str, Any] = {
            "misses": misses,
            "false_positives": [p[j] for j in alignment.false_positives],
        }
        if kind == "quotes":
            entry["speaker_mismatches"] = _mismatches(
                pairs, "speaker", lambda a, b: speakers_agree(a, b, groups)
            )
        elif kind == "figures":
            entry["bound_mismatches"] = _mismatches(pairs, "bound", lambda a, b: a == b)
        elif kind == "events":
            entry["date_mismatches"] = _mismatches(
                pairs, "date", lambda a, b: iso_day(a) == iso_day(b), label="trigger"
            )
        elif kind == "dates":
            for miss, i in zip(misses, alignment.misses, strict=True):
                occurrence = g[i]["_occurrence"]
                miss["why"] = (
                    occurrence
                    if isinstance(occurrence, str)
                    else (f"no predicted span overlaps {list(occurrence)}")
                )
            entry["misresolved"] = [
                {
                    "text": a.get("text"),
                    "context": a.get("context"),
                    "gold": {k: a.get(k) for k in ("date", "start", "end")},
                    "predicted": {k: b.get(k) for k in ("date", "start", "end")},
                }
                for a, b in pairs
                if not date_resolved_right(a, b)
            ]
        out[kind] = entry
    failing = {
        k[: k.rindex("_")]: {"gold": gv, "predicted": pv}
        for k, (gv, pv, ok) in article_checks(gold, predicted).items()
        if not ok
    }
    if failing:
        out["article"] = failing
    return out
