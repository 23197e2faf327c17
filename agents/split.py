"""The split stage: an article into paragraphs with sentence spans.

Invariant: every paragraph's ``text`` equals ``body[start:end]`` and its
sentence spans lie inside it, so joining the paragraphs with the separators
between them gives back the body.
"""

from __future__ import annotations

import re

from agents.nlp.sentences import split_sentences
from schemas.article import Article
from schemas.paragraph import Paragraph, Paragraphs

__all__ = ["paragraph_spans", "split_article", "split_message"]

_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# ~20 paragraphs an article: made positionally, their field names checked once (maker).
_PARAGRAPH = Paragraph.maker("article_id", "revision", "pipeline_version", "received_at",
                             "published", "headline", "index", "count", "start", "end", "text",
                             "sentences", "byline")


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each blank-line separated paragraph, white space trimmed."""
    spans = []
    for match in _PARAGRAPH_RE.finditer(body):
        text = match.group()
        if not text.strip():
            continue
        start = match.start() + (len(text) - len(text.lstrip()))
        end = match.end() - (len(text) - len(text.rstrip()))
        spans.append((start, end))
    return spans


def split_article(article: Article, pipeline_version: int) -> list[Paragraph]:
    """Split an article body into paragraphs, each with its sentence spans.

    Args:
        article: The normalised article.
        pipeline_version: Stamped on every paragraph so later stages and the
            ids they make know which pipeline produced it.

    Returns:
        The paragraphs in order; an empty list for an empty body.
    """
    spans = paragraph_spans(article.body)
    # Relative dates need a reference: the story's date, from the article or its
    # message (see agents.parse); never the clock.
    shared = (article.id, article.revision, pipeline_version, article.received_at,
              article.published, article.headline)
    paragraphs = []
    for index, (start, end) in enumerate(spans):
        text = article.body[start:end]
        sentences = [[start + s.start, start + s.end] for s in split_sentences(text)]
        paragraphs.append(_PARAGRAPH(*shared, index, len(spans), start, end, text, sentences,
                                     list(article.byline)))
    return paragraphs


def split_message(article: Article, pipeline_version: int) -> Paragraphs:
    """The split stage's one message for an article: all its paragraphs, in order."""
    return Paragraphs.build(article_id=article.id, revision=article.revision,
                            pipeline_version=pipeline_version,
                            paragraphs=split_article(article, pipeline_version))
