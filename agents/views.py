"""The view agents: keep the query tables current from the output topics.

Each agent decodes an output record and folds it into its table with a pure
function of ``agents.materialize``; a record that does not decode goes to
``dlq.materialize.v1`` like any stage's bad input. Each agent reads one
output topic and writes the table keyed like that topic, so the worker that
owns a topic partition owns the matching table partition. (Alerts are not
raised here but in the enrich stage, with the records: ``agents.alerts``.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from agents.errors import InvalidRecord
from agents.materialize import (
    add_entity,
    add_event,
    add_figure,
    add_quote,
    subject_key,
)
from agents.runner import Out, run_stage
from streams.app import app, channels
from streams.tables import (
    aliases,
    entity_mentions,
    events_by_place_day,
    figures_by_subject,
    quotes_by_speaker,
)

__all__ = [
    "View",
    "decode_output",
    "entities_view_agent",
    "events_view_agent",
    "figures_view_agent",
    "quotes_view_agent",
]

_REQUIRED = ("id", "article_id", "span")


def decode_output(payload: bytes | None, *fields: str) -> dict[str, Any]:
    """An output record as a plain dict, or ``InvalidRecord``."""
    try:
        record = orjson.loads(payload or b"")
    except orjson.JSONDecodeError as exc:
        raise InvalidRecord(f"not JSON: {exc}") from None
    if not isinstance(record, dict):
        raise InvalidRecord(f"expected a JSON object, got {type(record).__name__}")
    missing = [f for f in (*_REQUIRED, *fields) if f not in record]
    if missing:
        raise InvalidRecord(f"missing field(s): {', '.join(missing)}")
    return record


#: Why one record at a time and not batches with ``stream.take_events``: a batch
#: lets a key be written once per batch instead of once per record, but it acks
#: its events by hand, and faust's manual acks have lost and stalled offsets
#: across rebalances (faust issues 604 and 629), and two benchmark runs with two
#: workers stalled while batches were in use (the cause is not proven). The views
#: stay per record and write only what changed.
Record = dict[str, Any]


@dataclass(frozen=True)
class View:
    """How one output topic becomes table entries.

    Attributes:
        key: The table key of a decoded record (None: the record is not kept,
            e.g. a quote without a speaker). It is also the record's message key,
            so the key's changelog partition is the partition its records come from.
        write: Folds one record into the table(s) under its key, writing only what
            changed.
        fields: The record fields the view needs (a record without them is a dead letter).
    """

    key: Callable[[Record], str | None]
    write: Callable[[str, Record], None]
    fields: tuple[str, ...]


def _write(table: Any, fold: Callable[[Any, Record], Any]) -> Callable[[str, Record], None]:
    def write(key: str, record: Record) -> None:
        old = table.get(key)
        new = fold(old, record)
        if new is not old:  # the folds return the very same value when nothing changed
            table[key] = new
    return write


_write_mentions = _write(entity_mentions, add_entity)


def _write_entities(name: str, record: Record) -> None:
    _write_mentions(name, record)
    for alias in (name, *(record.get("aliases") or [])):
        if aliases.get(alias.lower()) != name:
            aliases[alias.lower()] = name


QUOTES = View(key=lambda r: r["speaker"], write=_write(quotes_by_speaker, add_quote),
              fields=("text", "kind", "speaker"))
ENTITIES = View(key=lambda r: r["name"], write=_write_entities, fields=("name", "type"))
EVENTS = View(key=lambda r: r["place"], write=_write(events_by_place_day, add_event),
              fields=("type", "trigger", "place"))
FIGURES = View(key=lambda r: subject_key(r["unit"]), write=_write(figures_by_subject, add_figure),
               fields=("text", "unit"))


def _fold(event: Any, view: View) -> Iterator[Out]:
    record = decode_output(event.message.value, *view.fields)
    key = view.key(record)
    if key:
        view.write(key, record)
    return iter(())


async def _run(stream: Any, view: View) -> None:
    async for event in stream.events():
        await run_stage("materialize", event, partial(_fold, event, view),
                        dlq=channels.dlq["materialize"])


@app.agent(channels.quotes, concurrency=1)
async def quotes_view_agent(stream: Any) -> None:
    """``quotes.v1`` into ``quotes-by-speaker``."""
    await _run(stream, QUOTES)


@app.agent(channels.entities, concurrency=1)
async def entities_view_agent(stream: Any) -> None:
    """``entities.v1`` into ``entity-mentions`` and the ``entity-aliases`` global table."""
    await _run(stream, ENTITIES)


@app.agent(channels.events, concurrency=1)
async def events_view_agent(stream: Any) -> None:
    """``events.v1`` into ``events-by-place-day``."""
    await _run(stream, EVENTS)


@app.agent(channels.figures, concurrency=1)
async def figures_view_agent(stream: Any) -> None:
    """``figures.v1`` into ``figures-by-subject``."""
    await _run(stream, FIGURES)
