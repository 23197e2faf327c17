"""JSON lines: one article object per line; one object per raw message.

A JSON-lines file is split at ingest with :func:`parse_jsonl_lines`; each
message then holds one object (one line, or one pretty-printed object)::

    {"id": "wd-2024-0412-001", "headline": "Floods kill 40 in Kenya",
     "body": "NAIROBI (Reuters) — Floods killed ...\\n\\nThe Red Cross said ...",
     "byline": ["Jane Doe", "John Roe"], "published": "2024-04-12T09:30:00Z",
     "source": "reuters", "url": "https://example.com/floods", "dateline": "NAIROBI",
     "section": "World"}

Fields (all strings unless said; only ``body`` is required):

    id         the source's own id of the story (a number is accepted); alias ``guid``
    headline   alias ``title``
    body       plain text (paragraphs separated by blank lines, else one per line)
               or HTML (reduced to paragraphs by html.py); aliases ``text``, ``content``
    byline     a string ("By Jane Doe and John Roe") or a list of names; alias ``author``
    published  ISO 8601 date or date-time (UTC if no offset); alias ``date``
    source     the feed or agency; overrides the ingest header's source
    url, dateline, section, credit, language   as in the Article record

Unknown fields are ignored. An object in ninjs shape (``bodies``, ``body_html``
or ``body_text``) is read as ninjs, so one JSON article is accepted whichever of
the two JSON formats it is sent as; one pretty-printed object is one article.
"""

from __future__ import annotations

from typing import Any

import orjson

from agents.errors import DecodeError, InvalidArticle, MissingField
from agents.formats import ParsedItem, finish_item, parse_iso_date, split_byline, text_paragraphs
from agents.formats.html import html_paragraphs, looks_like_html
from agents.formats.ninjs import NINJS_BODY_KEYS, load_object, ninjs_item

__all__ = ["json_article", "parse_jsonl", "parse_jsonl_lines"]


def parse_jsonl_lines(raw: bytes) -> list[bytes]:
    """Split a JSON-lines payload into one raw message per article object (ingest side).

    Blank lines are skipped; each returned item is the line's bytes, unchanged
    apart from surrounding white space. A payload that is one JSON object as a
    whole (pretty-printed over many lines, or one line) is one article.

    Raises:
        DecodeError: a line is not valid JSON; the message names its line number.
        InvalidArticle: a line is valid JSON but not an object.
    """
    whole = raw.strip().removeprefix(b"\xef\xbb\xbf").strip()
    if whole.startswith(b"{") and b"\n" in whole:
        try:
            if isinstance(orjson.loads(whole), dict):
                return [whole]
        except orjson.JSONDecodeError:
            pass  # JSON lines, or broken: the line loop names the bad line
    items: list[bytes] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        line = line.strip()
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:].strip()
        if not line:
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise DecodeError(f"JSON lines: line {number} is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise InvalidArticle(f"JSON lines: line {number} is not a JSON object")
        items.append(line)
    return items


def _field(obj: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and name in (
                "id", "guid"):
            return str(value)
        if not isinstance(value, str):
            raise InvalidArticle(f"JSON article field '{name}' must be a string, "
                                 f"not {type(value).__name__}")
        return value
    return None


def _byline(obj: dict[str, Any]) -> list[str]:
    value = obj.get("byline", obj.get("author"))
    if value is None:
        return []
    if isinstance(value, str):
        return split_byline(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return split_byline(value)
    raise InvalidArticle("JSON article field 'byline' must be a string or a list of strings")


def parse_jsonl(text: str) -> ParsedItem:
    """Parse one JSON article object (the fields above) into article fields.

    Raises:
        DecodeError: not JSON, or truncated.
        InvalidArticle: not an object, several JSON lines in one message, or a
            field of the wrong type.
        MissingField: no body.
        EmptyArticle: the body holds no story text.
    """
    try:
        obj = load_object(text, "a JSON article")
    except DecodeError:
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) > 1:
            try:
                parse_jsonl_lines(text.encode())
            except (DecodeError, InvalidArticle):
                pass
            else:
                raise InvalidArticle(
                    f"the message holds {len(lines)} JSON lines; one message is one article "
                    "(split the file with parse_jsonl_lines at ingest)") from None
        raise
    return json_article(obj)


def json_article(obj: dict[str, Any]) -> ParsedItem:
    """Article fields of one decoded JSON article object (the fields above)."""
    if NINJS_BODY_KEYS.intersection(obj):
        return ninjs_item(obj)
    headline = _field(obj, "headline", "title") or ""
    body = _field(obj, "body", "text", "content")
    if not body or not body.strip():
        raise MissingField("JSON article has no 'body'")
    paragraphs = html_paragraphs(body) if looks_like_html(body) else text_paragraphs(body)
    return finish_item(
        headline,
        paragraphs,
        source_id=_field(obj, "id", "guid"),
        source=_field(obj, "source"),
        url=_field(obj, "url"),
        byline=_byline(obj),
        published=parse_iso_date(obj.get("published", obj.get("date")), "published"),
        dateline=_field(obj, "dateline"),
        section=_field(obj, "section"),
        credit=_field(obj, "credit"),
        language=_field(obj, "language"),
    )
