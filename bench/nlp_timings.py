"""Where the in-process time goes: milliseconds per article for each NLP function.

``python -m bench.nlp_timings [FILES...]`` runs every function of the pipeline
over the given wire-text articles (default: the project's fixtures and the
shared seed) and prints the mean time per article of each, best of 5 rounds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from agents.enrich import build_doc
from agents.lexicon import load_lexicon
from agents.nlp.aliases import resolve_entities
from agents.nlp.dates import find_dates, resolve_dates
from agents.nlp.events import extract_events
from agents.nlp.figures import extract_figures
from agents.nlp.numbers import find_numbers
from agents.nlp.quotes import find_quote_spans
from agents.nlp.sentences import split_sentences
from agents.nlp.speakers import attribute_quotes
from agents.parse import RawMeta, parse_article
from agents.pipeline import process_article
from agents.split import split_article
from agents.tag import tag_paragraph

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [*sorted((ROOT / "tests/fixtures/articles").glob("*.txt")),
           *sorted((ROOT.parent / "shared/seed").glob("*.txt"))]
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def best(fn: Callable[[], object], rounds: int = 5, inner: int = 20) -> float:
    """Best mean seconds per call over ``rounds`` rounds of ``inner`` calls."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t) / inner)
    return min(times)


def main(paths: list[Path]) -> None:
    lex = load_lexicon()
    raws = [p.read_bytes() for p in paths]
    arts = [parse_article(r, RawMeta(source="b", source_id=str(i)), now=NOW)
            for i, r in enumerate(raws)]
    paras = [split_article(a, 1) for a in arts]
    tagged = [[tag_paragraph(p, lex) for p in ps] for ps in paras]
    docs = [build_doc(t) for t in tagged]
    for d in docs:
        d.dates = resolve_dates(d.dates, d.published)
    ents = [resolve_entities(d, lex.gazetteer) for d in docs]
    texts = [[p.text for p in ps] for ps in paras]
    words = sum(len(a.body.split()) for a in arts) / len(arts)

    def each(f: Callable[[int], object]) -> Callable[[], None]:
        return lambda: [f(i) for i in range(len(arts))] and None

    rows = {
        "parse_article": each(lambda i: parse_article(raws[i], RawMeta(source="b"), now=NOW)),
        "split_sentences": each(lambda i: [split_sentences(t) for t in texts[i]]),
        "find_mentions": each(lambda i: [lex.ner.mentions(t) for t in texts[i]]),
        "find_numbers": each(lambda i: [find_numbers(t) for t in texts[i]]),
        "find_dates": each(lambda i: [find_dates(t) for t in texts[i]]),
        "find_quote_spans": each(lambda i: [find_quote_spans(t) for t in texts[i]]),
        "tag_paragraph (all of the above + records)":
            each(lambda i: [tag_paragraph(p, lex) for p in paras[i]]),
        "build_doc": each(lambda i: build_doc(tagged[i])),
        "resolve_entities": each(lambda i: resolve_entities(docs[i], lex.gazetteer)),
        "attribute_quotes": each(lambda i: attribute_quotes(docs[i], ents[i])),
        "extract_figures": each(lambda i: extract_figures(docs[i])),
        "extract_events": each(lambda i: extract_events(docs[i], ents[i])),
        "process_article (whole pipeline)": each(lambda i: process_article(
            raws[i], RawMeta(source="b", source_id=str(i)), lexicon=lex, now=NOW)),
    }
    print(f"{len(arts)} articles, {words:.0f} words on average; ms per article (best of 5)")
    for name, fn in rows.items():
        ms = best(fn, inner=5) / len(arts) * 1000
        print(f"  {name:45} {ms:7.3f}")
    total = best(rows["process_article (whole pipeline)"], inner=5) / len(arts)
    print(f"  => {1 / total:.0f} articles/s in process on one core")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
