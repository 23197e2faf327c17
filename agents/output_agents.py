"""One agent per output topic: each record raises its alerts, then joins its view.

Why one agent per topic and not a view agent and an alerts agent each (as
before): every output record was then consumed twice, by two faust streams
of the same worker: ~80 of the ~220 Kafka messages per article the benchmark
counted were these second reads. One consumer per topic does both with one
fetch, one decode of the event and one offset. The two halves still dead-letter
apart (``dlq.alerts.v1`` and ``dlq.materialize.v1``): a rule that fails on a
record does not keep it from its view, nor a view the alerts. Alerts go first:
they are the latency users wait on (well under a second); the view is read later.
"""

from __future__ import annotations

from typing import Any

from agents.alerts import raise_alerts
from agents.views import ENTITIES, EVENTS, FIGURES, QUOTES, View, materialize
from streams.app import app, channels

__all__ = ["entities_agent", "events_agent", "figures_agent", "quotes_agent"]


async def _consume(stream: Any, kind: str, view: View) -> None:
    async for event in stream.events():
        await raise_alerts(event, kind)
        await materialize(event, view)


@app.agent(channels.quotes, concurrency=1)
async def quotes_agent(stream: Any) -> None:
    """``quotes.v1``: the rules that watch quotes, then ``quotes-by-speaker``."""
    await _consume(stream, "quotes", QUOTES)


@app.agent(channels.entities, concurrency=1)
async def entities_agent(stream: Any) -> None:
    """``entities.v1``: the rules that watch entities, then ``entity-mentions`` and aliases."""
    await _consume(stream, "entities", ENTITIES)


@app.agent(channels.events, concurrency=1)
async def events_agent(stream: Any) -> None:
    """``events.v1``: the rules that watch events, then ``events-by-place-day``."""
    await _consume(stream, "events", EVENTS)


@app.agent(channels.figures, concurrency=1)
async def figures_agent(stream: Any) -> None:
    """``figures.v1``: the rules that watch figures, then ``figures-by-subject``."""
    await _consume(stream, "figures", FIGURES)
