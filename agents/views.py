"""The view agent: folds view updates into the query tables, key by key.

The enrich stage sends, per article, at most one ``view-updates.v1`` message
per table partition, to the partition that owns its group keys
(``agents/viewfold.py``). This agent folds each op of the message into its
kind's table with the pure :func:`agents.viewfold.fold` and writes what it
returns. Because the message arrived on the partition that owns the keys,
faust writes the entries to that partition's RocksDB database and changelog,
and the HTTP API's router finds them by the group key.

Why not one view agent per output topic, as before: every output record was
consumed a second time, one message each (~78 per article), and each write
re-folded a whole list. The public per-record topics stay as they are for
outside consumers; the tables no longer read them.

A message that does not decode goes to ``dlq.materialize.v1`` like any stage's
bad input. (Alerts are not raised here but in the enrich stage: ``agents.alerts``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import orjson

from agents.errors import InvalidRecord
from agents.kinds import by_name
from agents.runner import Out, run_stage
from agents.viewfold import Op, alias_forms, alias_table_writes, fold
from streams import sends
from streams.app import app, channels, lexicon
from streams.faust_private import table_get, table_put_many
from streams.tables import aliases, view_tables

__all__ = ["decode_ops", "views_agent"]


def decode_ops(payload: bytes | None) -> list[Op]:
    """The ops of one ``view-updates.v1`` message, or ``InvalidRecord``."""
    try:
        data = orjson.loads(payload or b"")
        ops = [Op.from_json(op) for op in data["ops"]]
        for op in ops:
            by_name(op.kind)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidRecord(f"not a view update: {type(exc).__name__}: {exc}") from None
    return ops


def _write(table: Any, partition: int, writes: dict[str, Any]) -> Iterator[Out]:
    """Put the writes in the local store (one RocksDB write); yield their changelog messages."""
    for topic, raw_key, raw_value, on_sent in table_put_many(table, partition, writes):
        yield Out(topic, raw_key, raw_value, partition=partition, on_sent=on_sent)


def _gazetteer(name: str) -> str | None:
    known = lexicon().gazetteer.lookup(name)
    return str(known[0]) if known else None


def _learn(group: str, aliases: Iterable[str]) -> list[str]:
    return alias_forms(group, aliases, _gazetteer)


def _mirror_aliases(writes: dict[str, Any], read: Any) -> None:
    """Every worker resolves an entity's aliases (the ``entity-aliases`` global table).

    Written through faust (``table[key] = ...``), so the changelog message goes to this
    view update's partition: the one partition that owns the entity, hence the entry's
    only writer (see :func:`agents.viewfold.alias_table_writes`).
    """
    for key, value in alias_table_writes(writes, read).items():
        if value is not None:
            aliases[key] = value
        elif key in aliases:
            del aliases[key]


def _fold(event: Any) -> Iterator[Out]:
    """Fold a message's ops; each table's writes land together once all are folded.

    An op reads what the ops before it in the message wrote (``pending`` first).
    """
    partition, offset = event.message.partition, event.message.offset
    floor = sends.committed.get((event.message.topic, partition), 0)
    pending: dict[str, dict[str, Any]] = {}  # table name -> key -> value (None: delete)
    for i, op in enumerate(decode_ops(event.message.value)):
        table = view_tables[op.kind]
        mine = pending.setdefault(op.kind, {})

        def read(key: str, table: Any = table, mine: dict[str, Any] = mine) -> Any:
            return mine[key] if key in mine else table_get(table, partition, key)

        entities = op.kind == "entities"
        writes = fold(by_name(op.kind), op, read, (offset, i),
                      learn=_learn if entities else None, floor=floor)
        if entities:  # before the writes: the mirror compares with the counts they replace
            _mirror_aliases(writes, read)
        mine.update(writes)
    for kind, writes in pending.items():
        yield from _write(view_tables[kind], partition, writes)


@app.agent(channels.views, concurrency=1)
async def views_agent(stream: Any) -> None:
    """``view-updates.v1`` into the per-kind query tables and ``entity-aliases``."""
    async for event in stream.events():
        await run_stage("materialize", event, partial(_fold, event),
                        dlq=channels.dlq["materialize"])
