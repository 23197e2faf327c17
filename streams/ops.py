"""The operations view: ``GET /ops`` (one static page), its assets and ``GET /ops/data``.

The page (``streams/static/ops.*``, no build step, no dependencies) polls
``/ops/data`` and draws throughput per stage, lag per topic, latency
percentiles and dead letters as inline SVG. ``/ops/data`` answers from samples
of the same ``prometheus_client`` objects ``/metrics`` serves
(``streams/opsdata.py``), taken every ``EVERY_S`` seconds by a timer and kept
for ``KEEP_S``. While a page is open (it polled in the last minute) the timer
also refreshes the lag gauges first, as ``/health`` does, so the lag line is
not up to 5 s old (the stall watchdog's period); nobody watching, no extra
broker round trips.
"""

from __future__ import annotations

import logging
import time

from faust.web import Request, Response, View

from streams import metrics
from streams.app import app
from streams.desk import serve_asset, serve_page
from streams.opsdata import EVERY_S, Ring, series, take_sample
from streams.web import positions

__all__ = ["ASSETS", "RING", "OpsAsset", "OpsData", "OpsPage", "ops_sampler"]

logger = logging.getLogger(__name__)

#: Served files and their content types; nothing else under static/ is reachable here.
ASSETS = {"ops.css": "text/css", "ops.js": "text/javascript"}
#: The samples of this worker (bounded: ``KEEP_S / EVERY_S`` of them).
RING = Ring()
#: A page that polled within this many seconds keeps the lag refreshed each sample.
WATCHED_S = 60.0
_polled_at = [float("-inf")]


@app.timer(interval=EVERY_S)
async def ops_sampler() -> None:
    """Every ``EVERY_S``: one sample of the metrics into the ring (lag refreshed if watched)."""
    watched = time.monotonic() - _polled_at[0] < WATCHED_S
    if watched and not (app.in_recovery or app.rebalancing):
        try:
            where = await positions(timeout=EVERY_S)
        except Exception as exc:  # no broker: the gauges keep their last values
            logger.debug("Lag refresh for /ops failed error=%s", exc)
        else:
            metrics.set_lag({tp: pos.lag for tp, pos in where.items()})
    RING.add(take_sample(time.time()))


@app.page("/ops")
class OpsPage(View):
    """The operations view (HTML)."""

    async def get(self, request: Request) -> Response:
        return serve_page(self, "ops.html")


@app.page("/ops/assets/{name}")
class OpsAsset(View):
    """The operations view's stylesheet and script."""

    async def get(self, request: Request, name: str) -> Response:
        return serve_asset(self, name, ASSETS)


@app.page("/ops/data")
class OpsData(View):
    """The series the page draws, from this worker's samples of its own metrics."""

    async def get(self, request: Request) -> Response:
        _polled_at[0] = time.monotonic()
        body = series(list(RING.samples), now=time.time())
        body["worker"] = {"app": app.conf.id, "web_port": app.conf.web_port}
        return self.json(body, headers={"Cache-Control": "no-store"})
