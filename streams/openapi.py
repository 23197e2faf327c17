"""The OpenAPI 3.1 description of the worker's HTTP API, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

__all__ = ["OPENAPI"]


def _param(name: str, where: str, desc: str, required: bool = True) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": desc,
            "schema": {"type": "string"}}


_PAGING = [
    {"name": "limit", "in": "query", "required": False,
     "description": "Items per page (1-500, default 50).",
     "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
    {"name": "cursor", "in": "query", "required": False,
     "description": "The next_cursor of the previous page.", "schema": {"type": "string"}},
]
_ERROR = {"type": "object", "properties": {"error": {"type": "string"},
                                           "message": {"type": "string"}}}
_PAGE = {"type": "object", "required": ["total", "items", "next_cursor"],
         "properties": {"total": {"type": "integer"}, "items": {"type": "array"},
                        "next_cursor": {"type": ["string", "null"]}}}


def _get(summary: str, params: list[dict[str, Any]], schema: dict[str, Any],
         not_found: bool = True) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": "OK", "content": {
        "application/json": {"schema": schema}}}}
    if not_found:
        responses["404"] = {"description": "Unknown key", "content": {
            "application/json": {"schema": _ERROR}}}
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


def _with_400(path: dict[str, Any], why: str) -> dict[str, Any]:
    path["get"]["responses"]["400"] = {"description": why, "content": {
        "application/json": {"schema": _ERROR}}}
    return path


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "wiredesk worker API", "version": "1",
             "description": "Read-only views over wiredesk's materialized tables. Names and "
                            "aliases resolve to canonical entities (IS -> Islamic State). "
                            "Every error, 404 and 405 included, answers JSON: "
                            '{"error": code, "message": sentence}.'},
    "paths": {
        "/health": _get("Status (ok, degraded; 503: no_partitions, broker_unreachable, "
                        "unavailable, stalled), lag, the group's unowned partitions", [],
                        {"type": "object"}, not_found=False),
        "/metrics": {"get": {
            "summary": "Prometheus metrics of this worker (text format; OpenMetrics when the "
                       "Accept header asks for it): stages, records, dead letters, lag, "
                       "latency, alerts, table sizes",
            "responses": {"200": {"description": "The metrics", "content": {
                "text/plain": {"schema": {"type": "string"}}}}}}},
        "/openapi.json": _get("This document", [], {"type": "object"}, not_found=False),
        "/speakers/{name}/quotes": _get(
            "Newest quotes of a speaker", [_param("name", "path", "Speaker or alias"),
                                           *_PAGING], _PAGE),
        "/entities/{name}": _get("An entity with mention totals",
                                 [_param("name", "path", "Entity name or alias")],
                                 {"type": "object"}),
        "/entities/{name}/daily": _get("Mentions per day",
                                       [_param("name", "path", "Entity name or alias")],
                                       {"type": "object"}),
        "/places/{place}/events": _with_400(_get(
            "Events at a place", [_param("place", "path", "Place name or alias"),
                                  {"name": "day", "in": "query", "required": False,
                                   "description": "One day, YYYY-MM-DD (anything else is a "
                                                  "400 that names the format).",
                                   "schema": {"type": "string", "format": "date"}},
                                  *_PAGING], _PAGE), "Bad day, limit or cursor"),
        "/figures/{subject}": _get("Figures about a subject",
                                   [_param("subject", "path", "What is counted"), *_PAGING],
                                   _PAGE),
        "/articles": {"post": {
            "summary": "Ingest one article or a batch (bearer token required)",
            "parameters": [_param("format", "query", "auto, text, ninjs, rss, jsonl, html",
                                  required=False),
                           _param("source", "query", "Source name (default http)",
                                  required=False),
                           _param("name", "query", "File-like name for the article id",
                                  required=False)],
            "requestBody": {"required": True, "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": ["object", "array"]}}}},
            "responses": {
                "202": {"description": "Accepted", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "accepted": {"type": "integer"},
                        "ids": {"type": "array", "items": {"type": "string"}}}}}}},
                "400": {"description": "Cannot be split into articles"},
                "401": {"description": "Missing or wrong bearer token"},
                "403": {"description": "No WIREDESK_API_TOKEN configured"},
                "413": {"description": "Body over WIREDESK_MAX_ARTICLE_BYTES"},
                "503": {"description": "Broker unavailable"}}}},
        "/articles/{article_id}": _get("Article status and output counts",
                                       [_param("article_id", "path", "Article id")],
                                       {"type": "object"}),
        "/articles/{article_id}/annotated": _get(
            "The newest processed revision's text with its records placed in it: paragraphs "
            "as trees of strings and marks ({mark, ref, anchor, nodes}), and the quotes, "
            "figures, entities (every mention), dates and events with their spans",
            [_param("article_id", "path", "Article id")], {"type": "object"}),
        "/desk/stream": {"get": {
            "summary": "Processed articles as server-sent events (event: article), after the "
                       "newest ?recent= of each partition and an event: ready; Last-Event-ID "
                       "resumes",
            "parameters": [
                {"name": "recent", "in": "query", "required": False,
                 "description": "Newest articles per partition sent first (0-1000, default 50).",
                 "schema": {"type": "integer", "minimum": 0, "maximum": 1000}},
                {"name": "Last-Event-ID", "in": "header", "required": False,
                 "description": "The id of the last event seen.", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "An event stream", "content": {
                "text/event-stream": {"schema": {"type": "string"}}}},
                          "400": {"description": "Bad recent or Last-Event-ID"},
                          "503": {"description": "The table's changelog does not exist yet"}}}},
        "/desk/assets/{name}": {"get": {
            "summary": "The desk page's stylesheet, script and icon",
            "parameters": [_param("name", "path", "desk.css, desk.js or desk.svg")],
            "responses": {"200": {"description": "The file"},
                          "404": {"description": "No such asset", "content": {
                              "application/json": {"schema": _ERROR}}}}}},
        "/alerts/stream": {"get": {
            "summary": "Alerts as server-sent events (each event's data is one alert record), "
                       "from the end of the alerts topic, from its beginning "
                       "(?from=beginning) or where Last-Event-ID says",
            "parameters": [
                _param("rule", "query", "Only these rule ids (comma-separated or repeated)",
                       required=False),
                {"name": "recent", "in": "query", "required": False,
                 "description": "First the N newest alerts of each partition (0-1000), then "
                                "`event: ready`, then each new alert (the desk page's reload).",
                 "schema": {"type": "integer", "minimum": 0, "maximum": 1000}},
                {"name": "from", "in": "query", "required": False,
                 "description": "latest (default) or beginning.",
                 "schema": {"type": "string", "enum": ["latest", "beginning"]}},
                {"name": "Last-Event-ID", "in": "header", "required": False,
                 "description": "The id of the last event seen.", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "An event stream", "content": {
                "text/event-stream": {"schema": {"type": "string"}}}},
                          "400": {"description": "Bad from or Last-Event-ID", "content": {
                              "application/json": {"schema": _ERROR}}}}}},
        "/alerts/webhooks": _get("Webhook delivery counters of this worker: queued, "
                                 "delivered, retries, failed, dropped", [],
                                 {"type": "object"}, not_found=False),
        "/alerts/rules": _get("The alert rules this worker holds (webhook secrets left out)",
                              [], {"type": "object", "properties": {
                                  "total": {"type": "integer"}, "rules": {"type": "array"}}},
                              not_found=False),
        "/ops": {"get": {"summary": "The operations view (HTML): throughput, lag, latency "
                                    "percentiles and dead letters, drawn from /ops/data",
                         "responses": {"200": {"description": "The page", "content": {
                             "text/html": {"schema": {"type": "string"}}}}}}},
        "/ops/assets/{name}": {"get": {
            "summary": "The operations view's stylesheet and script",
            "parameters": [_param("name", "path", "ops.css or ops.js")],
            "responses": {"200": {"description": "The file"},
                          "404": {"description": "No such asset", "content": {
                              "application/json": {"schema": _ERROR}}}}}},
        "/ops/data": _get(
            "The operations view's series: samples of this worker's own /metrics objects "
            "(every 2 s, the last 10 minutes): t (seconds before now), throughput per stage "
            "(messages/s over 10 s), lag per topic, received-to-output latency p50/p95/p99 "
            "(seconds over 60 s, null when nothing was observed), dead letters per "
            "stage/reason (new since the first sample) and the newest totals",
            [], {"type": "object", "required": ["t", "throughput", "lag", "latency",
                                                "dead_letters", "totals"],
                 "properties": {"t": {"type": "array", "items": {"type": "number"}},
                                "throughput": {"type": "object"}, "lag": {"type": "object"},
                                "latency": {"type": "object"},
                                "dead_letters": {"type": "object"},
                                "totals": {"type": "object"}}},
            not_found=False),
        "/": {"get": {"summary": "The desk page (HTML)", "responses": {"200": {
            "description": "The page", "content": {"text/html": {"schema": {
                "type": "string"}}}}}}},
    },
}
