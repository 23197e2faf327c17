"""The desk page: ``GET /`` (one static page), its assets and its live article feed.

The page is plain HTML, CSS and JavaScript shipped in ``streams/static/``
(package data, no build step) and talks only to this worker: ``/desk/stream``
and ``/alerts/stream?recent=`` (server-sent events, each starting with its
recent items, so a reload shows them again) for the live column, the table
API (``/speakers/…``, ``/entities/…`` and ``/entities/…/daily`` for the chart,
``/places/…``, ``/articles/{id}/annotated``) for searches and the article
view, and ``/health`` for the broker-lost state (the column then stays, marked
stale). A Content-Security-Policy of
``'self'`` makes the browser refuse anything from elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from faust.web import Request, Response, View

from streams.alert_delivery import resume_positions
from streams.app import app, settings
from streams.desk_feed import stream_feed
from streams.tables import article_annotations

__all__ = ["ASSETS", "CSP", "DeskAsset", "DeskFeed", "DeskPage", "serve_asset", "serve_page"]

STATIC = Path(__file__).resolve().parent / "static"
#: Served files and their content types; nothing else under static/ is reachable.
ASSETS = {"desk.css": "text/css", "desk.js": "text/javascript", "desk.svg": "image/svg+xml"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: Newest articles per changelog partition a new page gets before the live ones.
RECENT_DEFAULT, RECENT_MAX = 50, 1000


def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def serve_page(view: View, name: str) -> Response:
    """A static HTML page of ``streams/static/`` under the pages' CSP (``/``, ``/ops``)."""
    return view.text(_read(name), content_type="text/html",
                     headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache",
                              "X-Content-Type-Options": "nosniff"})


def serve_asset(view: View, name: str, assets: dict[str, str]) -> Response:
    """One of a page's ``assets`` (name -> content type); any other name is a JSON 404."""
    if name not in assets:
        return view.json({"error": "not_found", "message": f"no asset {name!r}"}, status=404)
    return view.text(_read(name), content_type=assets[name],
                     headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


@app.page("/")
class DeskPage(View):
    """The desk page (this route takes ``/`` over from faust's ``{"status": "OK"}`` index)."""

    async def get(self, request: Request) -> Response:
        return serve_page(self, "desk.html")


@app.page("/desk/assets/{name}")
class DeskAsset(View):
    """The page's stylesheet, script and icon."""

    async def get(self, request: Request, name: str) -> Response:
        return serve_asset(self, name, ASSETS)


@app.page("/desk/stream")
class DeskFeed(View):
    """Processed articles as server-sent events (``event: article``), newest last.

    First the ``?recent=`` newest of each changelog partition (default 50),
    then ``event: ready``, then each article as it is processed;
    ``Last-Event-ID`` resumes exactly where a dropped connection stopped.
    """

    async def get(self, request: Request) -> Response:
        raw: Any = request  # faust's aiohttp driver hands us aiohttp's request
        positions, problem = resume_positions(raw.headers, raw.query)
        if problem:
            return self.json({"error": "bad_request", "message": problem}, status=400)
        try:
            recent = int(raw.query.get("recent", RECENT_DEFAULT))
        except ValueError:
            recent = -1
        if not 0 <= recent <= RECENT_MAX:
            return self.json({"error": "bad_request",
                              "message": f"recent is a whole number from 0 to {RECENT_MAX}"},
                             status=400)
        topic = article_annotations.changelog_topic.get_topic_name()
        # An aiohttp response, which faust's aiohttp driver sends as it is.
        return cast(Response, await stream_feed(raw, settings.bootstrap_servers, topic,
                                                recent=recent, resume=positions))
