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

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each blank-line separated paragraph, white space trimmed."""
    spans = []
    for match in _PARAGRAPH.finditer(body):
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
    paragraphs = []
    for index, (start, end) in enumerate(spans):
        text = article.body[start:end]
        sentences = [[start + s.start, start + s.end] for s in split_sentences(text)]
        paragraphs.append(
            Paragraph.build(
                article_id=article.id,
                revision=article.revision,
                pipeline_version=pipeline_version,
                index=index,
                count=len(spans),
                start=start,
                end=end,
                text=text,
                sentences=sentences,
                received_at=article.received_at,
                # Relative dates need a reference: the story's date, from the
                # article or its message (see agents.parse); never the clock.
                published=article.published,
                headline=article.headline,
                byline=list(article.byline),
            )
        )
    return paragraphs


def split_message(article: Article, pipeline_version: int) -> Paragraphs:
    """The split stage's one message for an article: all its paragraphs, in order."""
    return Paragraphs.build(article_id=article.id, revision=article.revision,
                            pipeline_version=pipeline_version,
                            paragraphs=split_article(article, pipeline_version))
