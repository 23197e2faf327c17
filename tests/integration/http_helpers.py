"""Small HTTP helpers for the integration tests (stdlib only)."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

__all__ = ["get", "wait_for"]


def get(port: int, path: str, **query: object) -> tuple[int, Any]:
    """GET a JSON endpoint of a worker; return (status, body)."""
    parts = "/".join(urllib.parse.quote(p, safe="") for p in path.strip("/").split("/"))
    qs = f"?{urllib.parse.urlencode(query)}" if query else ""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{parts}{qs}", timeout=10) as r:
            return r.status, orjson.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, orjson.loads(err.read() or b"null")


def wait_for(port: int, path: str, ok: Any, timeout: float = 60.0, **query: object) -> Any:
    """Poll an endpoint until ``ok(status, body)`` holds; return the body."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = get(port, path, **query)
        if ok(status, body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: last answer {status} {body}")
        time.sleep(0.5)
