"""Every Faust table of the pipeline, each with the changelog topic that backs it.

Tables are RocksDB (through rocksdict) outside tests and ``memory://`` in the
agent tests. Faust names a changelog ``<app id>[-v<version>]-<table>-changelog``,
so a new pipeline version starts with fresh tables rebuilt from the raw topic.
"""

from __future__ import annotations

from schemas.paragraph import ArticleBuffer
from streams.app import app, settings

__all__ = ["article_context"]

#: article id -> tagged paragraphs received so far (changelog:
#: ``wiredesk[-vN]-article-context-changelog``). Co-partitioned with
#: ``paragraphs.tagged.v1`` (same key, same partition count).
article_context = app.Table(
    "article-context",
    key_type=str,
    value_type=ArticleBuffer,
    partitions=settings.topic_partitions,
    help="Tagged paragraphs of articles still in flight, by article id.",
)
