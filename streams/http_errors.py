"""JSON bodies for every HTTP error the worker's web server answers.

The views answer their own errors as ``{"error": ..., "message": ...}``, but
aiohttp's router answers an unknown path (404) or a method a route lacks
(``GET /articles``: 405) in plain text, and an exception nobody caught becomes
a plain-text 500. :func:`json_errors` is an aiohttp middleware (installed
through faust's public ``web_application_options`` setting) that turns all of
those into the same JSON shape, keeping their headers (``Allow`` on a 405), and
gives faust's own ``{"error": sentence}`` errors the same shape too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

__all__ = ["error_body", "json_errors"]

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_body(status: int, reason: str, message: str) -> dict[str, str]:
    """The JSON body of an error: a snake_case code and a sentence."""
    code = "_".join(reason.lower().replace("-", " ").split()) or f"http_{status}"
    return {"error": code, "message": message}


def _message(request: web.Request, exc: web.HTTPException) -> str:
    if exc.status == 404:
        return f"no such path: {request.path} (GET /openapi.json lists the API)"
    if exc.status == 405:
        allowed = ", ".join(sorted(getattr(exc, "allowed_methods", ()) or ()))
        return f"{request.method} is not allowed on {request.path}; allowed: {allowed}"
    text = exc.text or ""
    detail = text.split(":", 1)[-1].strip() if text.startswith(f"{exc.status}:") else text
    return detail or exc.reason


def _as_json(status: int, reason: str, message: str,
             headers: Any = None) -> web.Response:
    keep = {k: v for k, v in (headers or {}).items()
            if k.lower() not in ("content-type", "content-length")}
    return web.json_response(error_body(status, reason, message), status=status,
                             headers=keep)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every HTTP error as JSON; leave successful and streamed responses alone."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _as_json(exc.status, exc.reason, _message(request, exc), exc.headers)
    except Exception:
        logger.exception("Unhandled error in a web view path=%s method=%s", request.path,
                         request.method)
        return _as_json(500, "internal error", "the worker failed to answer; see its log")
    if response.status < 400 or not isinstance(response, web.Response):
        return response
    if response.content_type != "application/json":
        text = response.text if response.body is not None and response.charset else None
        return _as_json(response.status, response.reason,
                        (text or response.reason).strip(), response.headers)
    return _reshaped(response)


def _reshaped(response: web.Response) -> web.Response:
    """faust's own errors (``{"error": "Service unavailable. Try again later."}``, from
    ``View.error``) in this API's shape: a code and the sentence as the message."""
    try:
        body = orjson.loads(response.body) if isinstance(response.body, bytes) else None
    except orjson.JSONDecodeError:
        body = None
    # Only faust's own shape, ``{"error": sentence}`` and nothing else: a view's own error
    # body with more in it (``/health``'s 503 says ``status``, ``lag``, ...) stays whole.
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], str):
        return response
    return _as_json(response.status, response.reason, body["error"], response.headers)
