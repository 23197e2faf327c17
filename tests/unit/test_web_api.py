"""The worker's HTTP surface in-process: the spec matches the routes, every error is JSON.

The aiohttp application faust builds is served by aiohttp's test server (no
broker: these requests never reach a table).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from streams.openapi import OPENAPI
from streams.web import parse_day

# One event loop for the module: faust's aiohttp application binds to the first it runs on.
module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def web_app() -> Any:
    from streams.app import app

    app.discover()
    app.web.init_server()
    return app.web.web_app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(web_app: Any) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    async with TestClient(TestServer(web_app)) as c:
        yield c


def _served(web_app: Any) -> set[tuple[str, str]]:
    return {(r.resource.canonical, r.method.lower()) for r in web_app.router.routes()
            if r.method != "HEAD"}


def test_openapi_lists_exactly_the_served_routes(web_app: Any) -> None:
    spec = {(path, method) for path, ops in OPENAPI["paths"].items() for method in ops}
    served = _served(web_app)
    assert served - spec == set(), "served but not in /openapi.json"
    assert spec - served == set(), "in /openapi.json but not served"


def test_faust_debug_views_are_not_served(web_app: Any) -> None:
    paths = {path for path, _ in _served(web_app)}
    assert not any(p.startswith(("/table", "/router")) for p in paths)


@module_loop
async def test_wrong_method_is_a_json_405_with_allow(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/articles")
    assert response.status == 405
    assert response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == "method_not_allowed" and "POST" in body["message"]
    assert "POST" in response.headers["Allow"]


@module_loop
async def test_unknown_path_is_a_json_404(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/no/such/thing")
    assert response.status == 404 and response.content_type == "application/json"
    body = await response.json()
    assert body["error"] == "not_found" and "/openapi.json" in body["message"]


@module_loop
@pytest.mark.parametrize("day", ["yesterday", "2019-3-12", "2019-02-30", "20190312"])
async def test_bad_day_is_a_400_that_names_the_format(client: TestClient, day: str) -> None:  # type: ignore[type-arg]
    response = await client.get("/places/Baghuz/events", params={"day": day})
    assert response.status == 400
    body = await response.json()
    assert body["error"] == "bad_request" and "YYYY-MM-DD" in body["message"]


@module_loop
async def test_openapi_is_served(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/openapi.json")
    assert response.status == 200 and (await response.json())["openapi"].startswith("3.")


def test_parse_day() -> None:
    assert parse_day("2019-03-12") == "2019-03-12"
    assert parse_day(None) is None and parse_day("") is None
    for bad in ("yesterday", "2019-3-12", "2019-02-30", "2019-03-12T00:00"):
        with pytest.raises(ValueError):
            parse_day(bad)


@module_loop
async def test_metrics_are_served_in_prometheus_text_format(client: TestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    text = await response.text()
    assert "# TYPE wiredesk_stage_processed_total counter" in text
    assert "# TYPE wiredesk_received_to_output_seconds histogram" in text
    assert 'wiredesk_table_keys{table="articles"}' in text


async def test_faust_error_bodies_are_reshaped() -> None:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from streams.http_errors import json_errors

    async def faust_style(request: web.Request) -> web.Response:
        return web.json_response({"error": "Service unavailable. Try again later."},
                                 status=503)

    response = await json_errors(make_mocked_request("GET", "/entities/x"), faust_style)
    assert isinstance(response, web.Response) and response.status == 503
    assert orjson.loads(response.body) == {  # type: ignore[arg-type]
        "error": "service_unavailable", "message": "Service unavailable. Try again later."}


async def test_a_views_own_error_body_stays_whole() -> None:
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from streams.http_errors import json_errors

    health = {"status": "broker_unreachable", "broker_connected": False, "error": "no answer"}

    async def own_503(request: web.Request) -> web.Response:
        return web.json_response(health, status=503)

    response = await json_errors(make_mocked_request("GET", "/health"), own_503)
    assert isinstance(response, web.Response) and response.status == 503
    assert orjson.loads(response.body) == health  # type: ignore[arg-type]


@module_loop
async def test_the_ops_page_its_assets_and_its_data(client: TestClient) -> None:  # type: ignore[type-arg]
    page = await client.get("/ops")
    assert page.status == 200 and page.content_type == "text/html"
    assert "'self'" in page.headers["Content-Security-Policy"]
    html = await page.text()
    for name in ("ops.css", "ops.js"):
        assert f"/ops/assets/{name}" in html
        assert (await client.get(f"/ops/assets/{name}")).status == 200
    assert (await client.get("/ops/assets/desk.html")).status == 404
    data = await client.get("/ops/data")
    assert data.status == 200
    body = await data.json()
    assert {"t", "throughput", "lag", "latency", "dead_letters", "totals"} <= body.keys()
