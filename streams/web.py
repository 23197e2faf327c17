"""Read-only HTTP views of the worker: health (broker connectivity and lag).

The web server binds to 127.0.0.1 unless ``WIREDESK_WEB_HOST`` says otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from streams.app import app, settings

__all__ = ["consumer_lag", "health"]

logger = logging.getLogger(__name__)


async def consumer_lag(timeout: float = 3.0) -> dict[str, int]:
    """Messages not yet processed per assigned partition (``topic:partition``).

    Asks the broker for each partition's high-water mark, so it also proves
    the broker answers; raises ``TimeoutError`` when it does not.
    """
    consumer = app.consumer
    assigned = sorted(consumer.assignment())
    if not assigned:
        return {}
    highwaters = await asyncio.wait_for(consumer.highwaters(*assigned), timeout)
    lag = {}
    for tp in assigned:
        committed = consumer._committed_offset.get(tp)  # last offset processed and committed
        done = committed + 1 if committed is not None else 0
        lag[f"{tp.topic}:{tp.partition}"] = max(0, highwaters.get(tp, 0) - done)
    return lag


@app.page("/health")
async def health(web: Any, request: Any) -> Any:
    """``200`` with lag per partition when the broker answers, ``503`` otherwise."""
    body: dict[str, Any] = {
        "app": settings.app_id,
        "pipeline_version": settings.pipeline_version,
        "broker": settings.broker_url,
    }
    try:
        lag = await consumer_lag()
    except Exception as exc:  # any failure to reach the broker is "unhealthy"
        logger.warning("Health check failed error=%s", exc)
        body.update(status="unavailable", broker_connected=False, error=str(exc))
        return web.json(body, status=503)
    body.update(
        status="ok",
        broker_connected=True,
        assigned_partitions=len(lag),
        total_lag=sum(lag.values()),
        lag=lag,
    )
    return web.json(body)
