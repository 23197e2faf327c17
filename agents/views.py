"""The view agents: keep the query tables current from the output topics.

Each agent decodes an output record and folds it into its table with a pure
function of ``agents.materialize``; a record that does not decode goes to
``dlq.materialize.v1`` like any stage's bad input. Each agent reads one
output topic and writes the table keyed like that topic, so the worker that
owns a topic partition owns the matching table partition.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import orjson

from agents.errors import InvalidRecord
from agents.materialize import add_entity, add_event, add_figure, add_quote, subject_key
from agents.runner import Out, run_stage
from streams.app import app, channels
from streams.tables import (
    aliases,
    entity_mentions,
    events_by_place_day,
    figures_by_subject,
    quotes_by_speaker,
)

__all__ = ["entities_view_agent", "events_view_agent", "figures_view_agent", "quotes_view_agent"]

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


def _quote(event: Any) -> Iterator[Out]:
    quote = decode_output(event.message.value, "text", "kind", "speaker")
    if quote["speaker"]:
        quotes_by_speaker[quote["speaker"]] = add_quote(
            quotes_by_speaker.get(quote["speaker"]), quote)
    return iter(())


def _entity(event: Any) -> Iterator[Out]:
    entity = decode_output(event.message.value, "name", "type")
    name = entity["name"]
    entity_mentions[name] = add_entity(entity_mentions.get(name), entity)
    for alias in (name, *(entity.get("aliases") or [])):
        if aliases.get(alias.lower()) != name:
            aliases[alias.lower()] = name
    return iter(())


def _event(event: Any) -> Iterator[Out]:
    record = decode_output(event.message.value, "type", "trigger", "place")
    if record["place"]:
        place = record["place"]
        events_by_place_day[place] = add_event(events_by_place_day.get(place), record)
    return iter(())


def _figure(event: Any) -> Iterator[Out]:
    figure = decode_output(event.message.value, "text", "unit")
    key = subject_key(figure["unit"])
    if key:
        figures_by_subject[key] = add_figure(figures_by_subject.get(key), figure)
    return iter(())


async def _run(stream: Any, fold: Any) -> None:
    async for event in stream.events():
        await run_stage("materialize", event, partial(fold, event),
                        dlq=channels.dlq["materialize"])


@app.agent(channels.quotes, concurrency=1)
async def quotes_view_agent(stream: Any) -> None:
    """``quotes.v1`` into ``quotes-by-speaker``."""
    await _run(stream, _quote)


@app.agent(channels.entities, concurrency=1)
async def entities_view_agent(stream: Any) -> None:
    """``entities.v1`` into ``entity-mentions`` and the ``entity-aliases`` global table."""
    await _run(stream, _entity)


@app.agent(channels.events, concurrency=1)
async def events_view_agent(stream: Any) -> None:
    """``events.v1`` into ``events-by-place-day``."""
    await _run(stream, _event)


@app.agent(channels.figures, concurrency=1)
async def figures_view_agent(stream: Any) -> None:
    """``figures.v1`` into ``figures-by-subject``."""
    await _run(stream, _figure)
