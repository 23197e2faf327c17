"""``wiredesk eval``: run the pure pipeline on gold articles and print the scores.

The scoring itself is pure (``agents.evaluate``); this module only wires the
pipeline in as the ``process`` function and prints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console

__all__ = ["process_gold", "run_eval"]


def process_gold(article: Any, pipeline_version: int = 1) -> dict[str, Any]:
    """Run the pipeline on one gold article and return the ``process`` document."""
    from agents.evaluate import header_published
    from agents.lexicon import load_lexicon
    from agents.parse import RawMeta
    from agents.pipeline import process_article, to_document

    fmt = "text" if article.format == "text" else article.format
    # The gold's answer ("published") is never handed to the pipeline; the headers the
    # article arrives with (FORMAT.md: article.headers) are, as a feed's would be.
    meta = RawMeta(source="gold", source_id=article.path.name, format=fmt,
                   published=header_published(article.gold))
    result = process_article(article.raw, meta, lexicon=load_lexicon(), now=datetime.now(UTC),
                             pipeline_version=pipeline_version)
    doc: dict[str, Any] = orjson.loads(orjson.dumps(to_document(result)))
    return doc


def run_eval(paths: list[Path], *, as_json: bool, explain: bool, console: Console) -> int:
    """Score every gold article under ``paths``; return the exit code."""
    from agents.evaluate import EvalError, evaluate, load_gold, render_table
    from agents.evaluate import explain as explain_one

    try:
        gold = load_gold(paths)
    except EvalError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        return 2
    if not gold:
        console.print(f"[bold red]error:[/] no gold files under {', '.join(map(str, paths))}")
        return 2
    predictions: dict[Path, dict[str, Any]] = {}

    def process(article: Any) -> dict[str, Any]:
        predictions[article.path] = process_gold(article)
        return predictions[article.path]

    report = evaluate(gold, process)
    if explain:
        report["explain"] = {
            str(g.path): explain_one(g.gold, predictions[g.path])
            for g in gold if g.path in predictions
        }
    if as_json:
        print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
    else:
        # Plain print: the table is already laid out and must not be re-wrapped.
        print(render_table(report))
        if explain:
            print(orjson.dumps(report["explain"], option=orjson.OPT_INDENT_2).decode())
    return 0
