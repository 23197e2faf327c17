"""IPTC ninjs (News in JSON), versions 1.x and 2.x, into article fields.

Field mapping (the first present wins)::

    Article      ninjs 2.x                           ninjs 1.x
    source_id    uri                                 uri (Superdesk: guid)
    headline     headlines[role=main|headline|None]  headline
    body         bodies[role=main|body|None], HTML   body_html (through html.py),
                 through html.py, text as is         else body_text
    byline       bylines[].byline|name, else by      byline, else by
    published    versioncreated, else firstcreated   versioncreated, else firstcreated
    dateline     located, else places[0].name        located
    section      subjects[0].name                    subject[0].name
    language     language (primary subtag)           language
    url          uri when it is an http(s) URL       uri when it is an http(s) URL

``descriptions``/``description_text`` are summaries, never the body: an item
with no body (a picture, a summary-only alert) is rejected with ``MissingField``.
An object in the plain JSON article shape instead (``headline`` and ``body``,
agents/formats/jsonl.py) is read as that: one JSON article is accepted
whichever of the two JSON formats it is sent as. The headline is optional.
"""

from __future__ import annotations

from typing import Any

import orjson

from agents.errors import DecodeError, InvalidArticle, MissingField
from agents.formats import ParsedItem, finish_item, parse_iso_date, split_byline, text_paragraphs
from agents.formats.html import html_paragraphs, looks_like_html

__all__ = ["NINJS_BODY_KEYS", "load_object", "ninjs_item", "parse_ninjs"]

#: Keys that hold a ninjs body; an object with none of them is no ninjs story.
NINJS_BODY_KEYS = frozenset({"bodies", "body_html", "body_text"})
_PLAIN_BODY_KEYS = ("body", "text", "content")
_MAIN_ROLES = ("main", "headline", "body", "body-html", "body-text", None, "")


def load_object(text: str, what: str) -> dict[str, Any]:
    """One JSON object from text.

    Raises:
        DecodeError: not JSON (truncated, malformed).
        InvalidArticle: JSON, but not an object.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not valid JSON ({what}): {exc}") from None
    if not isinstance(value, dict):
        raise InvalidArticle(f"{what} must be a JSON object, not a {_kind(value)}")
    return value


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _string(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArticle(f"ninjs '{key}' must be a string, not a {_kind(value)}")
    return value


def _objects(item: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InvalidArticle(f"ninjs '{key}' must be a list of objects")
    return value


def _rank(obj: dict[str, Any]) -> int:
    role = obj.get("role")
    return _MAIN_ROLES.index(role) if role in _MAIN_ROLES else len(_MAIN_ROLES)


def _pick(objects: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Entries ordered main role first, each with a string ``value``."""
    for obj in objects:
        if not isinstance(obj.get("value"), str):
            raise InvalidArticle(f"ninjs '{key}' entries need a string 'value'")
    return sorted(objects, key=_rank)


def _body(item: dict[str, Any]) -> list[str]:
    bodies = _pick(_objects(item, "bodies"), "bodies")
    if bodies:
        # Of the main-role bodies, HTML first: its paragraph breaks are explicit.
        top = [b for b in bodies if _rank(b) == _rank(bodies[0])]
        best = next((b for b in top if "html" in str(b.get("contenttype") or "")), top[0])
        value, kind = best["value"], str(best.get("contenttype") or "")
        return html_paragraphs(value) if "html" in kind or (
            not kind and looks_like_html(value)) else text_paragraphs(value)
    body_html = _string(item, "body_html")
    if body_html and body_html.strip():
        return html_paragraphs(body_html)
    body_text = _string(item, "body_text")
    if body_text and body_text.strip():
        return text_paragraphs(body_text)
    raise MissingField("ninjs item has no body: no 'bodies', 'body_html' or 'body_text'")


def _byline(item: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for entry in _objects(item, "bylines"):
        value = entry.get("byline") or entry.get("name")
        if isinstance(value, str):
            names.append(value)
    if not names:
        value = _string(item, "byline") or _string(item, "by")
        names = [value] if value else []
    return split_byline(names)


def _first_name(item: dict[str, Any], key: str) -> str | None:
    for entry in _objects(item, key):
        if isinstance(entry.get("name"), str) and entry["name"].strip():
            return str(entry["name"])
    return None


def parse_ninjs(text: str) -> ParsedItem:
    """Parse one ninjs 1.x or 2.x item (decoded JSON text) into article fields.

    Raises:
        DecodeError: the text is not JSON.
        InvalidArticle: JSON of the wrong shape: not an object, or a field of
            the wrong type (a numeric headline, ``bodies`` not a list...).
        MissingField: no body.
        EmptyArticle: the body holds no story text.
    """
    item = load_object(text, "a ninjs item")
    if not NINJS_BODY_KEYS.intersection(item) and any(item.get(k) for k in _PLAIN_BODY_KEYS):
        from agents.formats.jsonl import json_article  # jsonl imports this module

        return json_article(item)
    return ninjs_item(item)


def ninjs_item(item: dict[str, Any]) -> ParsedItem:
    """Article fields of one decoded ninjs object (see :func:`parse_ninjs`)."""
    headlines = _pick(_objects(item, "headlines"), "headlines")
    headline = headlines[0]["value"] if headlines else _string(item, "headline")
    uri = _string(item, "uri") or _string(item, "guid")
    published = parse_iso_date(item.get("versioncreated"), "versioncreated") or parse_iso_date(
        item.get("firstcreated"), "firstcreated")
    return finish_item(
        headline or "",
        _body(item),
        source_id=uri,
        url=uri if uri and uri.startswith(("http://", "https://")) else None,
        byline=_byline(item),
        published=published,
        dateline=_string(item, "located") or _first_name(item, "places"),
        section=_first_name(item, "subjects") or _first_name(item, "subject"),
        language=_string(item, "language"),
    )
