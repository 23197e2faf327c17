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

from agents.kinds import KINDS
from streams.app import app, settings
from streams.topics import replication_configs

__all__ = [
    "VIEW_TABLES",
    "aliases",
    "article_annotations",
    "article_revisions",
    "articles",
    "make_table",
    "view_tables",
]

_parts = settings.topic_partitions


def _store_options() -> dict[str, Any]:
    """RocksDB options for one table partition (the memory is shared: see below).

    Faust's defaults are sized for one big table: 3 memtables of 64 MB and a 2 GB
    block cache for *each* RocksDB database, and wiredesk has 12 tables of 4
    partitions (48 databases). Memtables here are ``WIREDESK_ROCKSDB_WRITE_BUFFER_MB``
    (2 at most per partition), and every partition's block cache and memtables come
    out of one budget, ``WIREDESK_ROCKSDB_MEMORY_MB``
    (``streams.faust_private.share_rocksdb_memory``, installed by ``streams/app.py``).
    A fresh dict per table: faust's store pops keys from it.
    """
    return {"write_buffer_size": settings.rocksdb_write_buffer_mb * 2**20,
            "max_write_buffer_number": 2}


def _schema() -> faust.Schema:
    # Values are plain JSON (no value_type): a model type here makes faust call
    # ``from_data`` on it when it restores the table from its changelog.
    return faust.Schema(key_type=str, key_serializer="raw", value_serializer="json")


def _raw_keys(table: Any) -> Any:
    """Serialise the table's ``str`` keys as raw UTF-8, like the topics' keys.

    Faust derives a table's key serializer from ``key_type`` alone (``str`` gives
    JSON: ``"abc"`` with its quotes) and ignores the schema's. Then the table
    router hashes ``"abc"`` where the producer hashed ``abc`` and sends HTTP
    lookups to the wrong worker. Set before the store and changelog topic exist.
    """
    table.key_serializer = "raw"
    table.changelog_topic.key_serializer = "raw"  # made when the app registered the table
    return table


def make_table(name: str, help_text: str, *, everywhere: bool = False) -> Any:
    """A table of the pipeline: raw ``str`` keys, JSON values, bounded RocksDB memory.

    ``everywhere``: a GlobalTable, every worker holds all of it, and applies each
    changelog event as it comes (``recovery_buffer_size=1``). Why: faust's assignor
    lists every partition of a global table's changelog as *active* on every worker
    (the ones it does not own as standbys too), and its recovery buffers an active
    partition's events ``recovery_buffer_size`` (1,000) at a time, flushed only while
    a recovery runs. A rule written by the worker owning its ``rules.v1`` partition
    therefore never reached the other one, which raised no alert on its articles (the
    benchmark's two-worker phase: 3,527 alerts of 6,715). A buffer of 1 is also
    faust's own switch to keep tailing the partitions a worker owns (faust-streaming
    issue 283); a global table is small and written rarely.
    """
    kind = app.GlobalTable if everywhere else app.Table
    extra = {"recovery_buffer_size": 1} if everywhere else {}
    return _raw_keys(kind(name, schema=_schema(), partitions=_parts, options=_store_options(),
                          extra_topic_configs=replication_configs(settings.topic_replication or 1),
                          help=help_text, **extra))


#: article id -> revision counter, content hashes seen (with where they were first
#: read) and a duplicate count; fed by the raw topic (keyed by article id) in the
#: normalize stage. ``<app>-article-revisions-changelog``.
article_revisions = make_table("article-revisions", "Content hashes and revisions per article.")

#: article id -> revision, headline, published, status, reason, counts; fed by the
#: raw topic (received/failed) and the enrich stage (processed). ``<app>-articles-changelog``.
articles = make_table("articles", "Article status by article id.")

#: article id -> the newest processed revision's paragraphs and every record with its
#: span (quotes, figures, entities with all their mentions, dates, events), plus when it
#: was received and processed; fed by the enrich stage, read by the desk page
#: (``/articles/{id}/annotated``, and ``/desk/stream`` reads its changelog).
#: ``<app>-article-annotations-changelog``.
article_annotations = make_table("article-annotations",
                                 "Each processed article's text and records with their spans.")

#: The query tables of the output kinds, one per kind (``agents/kinds.py`` names them):
#: per-item keys under each group key (a speaker, a subject, a place, an entity), a head
#: with the group's totals and daily counts; every value bounded (agents/viewfold.py).
#: Fed by ``view-updates.v1``. ``<app>-<table>-changelog``.
view_tables = {kind.name: make_table(kind.view.table, f"The {kind.name} view: one entry per "
                                     "item, totals per group key.")
               for kind in KINDS}

#: ``<folded alias>␟<folded entity name>`` -> ``{"n": level}`` (the entity's articles
#: with that alias, rounded down to 1, 2, 3, 4, 6, 8, ...), on every worker (a
#: GlobalTable), so any worker can resolve "IS" or a surname before routing a lookup to
#: the owner: the answer is the entity most articles used the alias for
#: (``agents.viewfold.choose_alias``). Each key has one writer, the partition that owns
#: the entity, so the answers are the same after any restart, restore order or number
#: of workers (``agents.viewfold.alias_table_writes`` says why). Entries of the old shape
#: (``alias -> name``, no ␟) are never read. ``<app>-entity-aliases-changelog``.
aliases = make_table("entity-aliases", "Aliases of entities and speakers, lower-cased.",
                     everywhere=True)

#: The query-side tables (the HTTP API reads them).
VIEW_TABLES = ("articles", "article-annotations", *(k.view.table for k in KINDS),
               "entity-aliases")
