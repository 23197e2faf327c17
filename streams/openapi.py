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


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "wiredesk worker API", "version": "1",
             "description": "Read-only views over wiredesk's materialized tables. Names and "
                            "aliases resolve to canonical entities (IS -> Islamic State)."},
    "paths": {
        "/health": _get("Status (ok, degraded; 503: no_partitions, broker_unreachable, "
                        "unavailable, stalled), lag, the group's unowned partitions", [],
                        {"type": "object"}, not_found=False),
        "/speakers/{name}/quotes": _get(
            "Newest quotes of a speaker", [_param("name", "path", "Speaker or alias"),
                                           *_PAGING], _PAGE),
        "/entities/{name}": _get("An entity with mention totals",
                                 [_param("name", "path", "Entity name or alias")],
                                 {"type": "object"}),
        "/entities/{name}/daily": _get("Mentions per day",
                                       [_param("name", "path", "Entity name or alias")],
                                       {"type": "object"}),
        "/places/{place}/events": _get(
            "Events at a place", [_param("place", "path", "Place name or alias"),
                                  _param("day", "query", "YYYY-MM-DD", required=False),
                                  *_PAGING], _PAGE),
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
        "/": {"get": {"summary": "The desk page (HTML)", "responses": {"200": {
            "description": "The page", "content": {"text/html": {"schema": {
                "type": "string"}}}}}}},
    },
}
