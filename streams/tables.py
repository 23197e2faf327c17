"""Every Faust table of the pipeline, each with the changelog topic that backs it.

Tables are RocksDB (through rocksdict) outside tests. Faust names a changelog
``<app id>[-v<version>]-<table>-changelog``, so a new pipeline version starts
with fresh tables rebuilt from the raw topic. Each table is keyed like the
topic that feeds it (same key, same partition count), so the worker that owns
a topic partition owns the table partition and the HTTP API can route a
lookup to it by key. Keys are serialised raw (``str`` as UTF-8), exactly like
topic keys, so table routing hashes a key the way the producer did.
"""

from __future__ import annotations

from typing import Any

import faust

from schemas.paragraph import ArticleBuffer
from streams.app import app, settings

__all__ = [
    "VIEW_TABLES",
    "aliases",
    "article_context",
    "articles",
    "entity_mentions",
    "events_by_place_day",
    "figures_by_subject",
    "quotes_by_speaker",
]

_parts = settings.topic_partitions


def _schema(value_type: type, value_serializer: str) -> faust.Schema:
    return faust.Schema(key_type=str, value_type=value_type, key_serializer="raw",
                        value_serializer=value_serializer)


def _view(name: str, help_text: str) -> Any:
    return app.Table(name, schema=_schema(dict, "json"), partitions=_parts, help=help_text)


#: article id -> tagged paragraphs received so far; fed by ``paragraphs.tagged.v1``.
#: Changelog ``<app>-article-context-changelog``.
article_context = app.Table(
    "article-context", schema=_schema(ArticleBuffer, "json"), partitions=_parts,
    help="Tagged paragraphs of articles still in flight, by article id.")

#: article id -> revision, headline, published, status, reason, counts; fed by the
#: raw topic (received/failed) and the enrich stage (processed). ``<app>-articles-changelog``.
articles = _view("articles", "Article status by article id.")

#: canonical speaker -> newest quotes; fed by ``quotes.v1`` (keyed by speaker).
quotes_by_speaker = _view("quotes-by-speaker", "Latest quotes by canonical speaker.")

#: canonical entity -> per-article mention counts (totals, first/last seen and the
#: daily tumbling-window counts are derived from them); fed by ``entities.v1``.
entity_mentions = _view("entity-mentions", "Mentions of each canonical entity.")

#: place -> {day: events}; fed by ``events.v1`` (keyed by place).
events_by_place_day = _view("events-by-place-day", "Events by place and day.")

#: normalised subject ("civilians") -> newest figures; fed by ``figures.v1``.
figures_by_subject = _view("figures-by-subject", "Figures by what they count.")

#: lower-cased alias -> canonical name, on every worker (a GlobalTable), so any
#: worker can resolve "IS" or "Daesh" before routing a lookup to the owner.
aliases = app.GlobalTable("entity-aliases", schema=_schema(str, "json"), partitions=_parts,
                          help="Aliases of entities and speakers, lower-cased.")

#: The query-side tables (the HTTP API reads them).
VIEW_TABLES = ("articles", "quotes-by-speaker", "entity-mentions", "events-by-place-day",
               "figures-by-subject", "entity-aliases")
