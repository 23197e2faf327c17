"""``--format auto``: which format raw bytes are in, from their first bytes and shape.

Rules, in order (leading BOM and white space ignored)::

    starts with "{"             one JSON object: "ninjs" if it has a ninjs-only key
                                (uri, headlines, bodies, body_html, body_text,
                                versioncreated, firstcreated), else "jsonl"; several
                                objects, one per line: "jsonl"
    starts with "["             rejected: a JSON array is not one article
    starts with "<"             root element rss / feed / rdf:RDF: "rss"; html, head,
                                body or any other HTML element (or <!DOCTYPE html>):
                                "html"; any other XML root: rejected
    anything else               "text"

Sniffing reads at most the first 64 KB for markup; a JSON object is parsed
whole, since a key can be anywhere in it.
"""

from __future__ import annotations

import re

import orjson

from agents.errors import InvalidArticle, UnsupportedFormat

__all__ = ["detect_format"]

_NINJS_KEYS = frozenset({
    "uri", "headlines", "bodies", "body_html", "body_text", "versioncreated", "firstcreated",
})
_SKIP = re.compile(rb"(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>|\s+)*", re.S)
_ROOT = re.compile(rb"<([A-Za-z_][\w:.-]*)")
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html\b", re.IGNORECASE)
_HTML_TAGS = frozenset({
    "html", "head", "body", "p", "div", "article", "section", "main", "span", "h1", "h2", "h3",
    "br", "a", "b", "i", "em", "strong", "ul", "ol", "table", "meta", "title", "link", "script",
    "style", "header", "nav", "figure",
})


def _detect_json(raw: bytes) -> str:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # Not one JSON document: a JSON-lines file, or broken JSON that the
        # jsonl parser will reject with the line number.
        return "jsonl"
    if isinstance(value, dict) and _NINJS_KEYS.intersection(value):
        return "ninjs"
    return "jsonl"


def detect_format(raw: bytes) -> str:
    """The format of raw article bytes: ``text``, ``ninjs``, ``jsonl``, ``rss`` or ``html``.

    Raises:
        InvalidArticle: a JSON array (several articles, or not an article).
        UnsupportedFormat: XML that is neither a feed nor HTML (NewsML, NITF...).
    """
    head = raw[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return _detect_json(raw.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if head.startswith(b"["):
        raise InvalidArticle("a JSON array is not one article: send one JSON object per message")
    if not head.startswith(b"<"):
        return "text"
    if _HTML_DOCTYPE.search(head[:1024]):
        return "html"
    skipped = _SKIP.match(head)
    root = _ROOT.match(head, skipped.end() if skipped else 0)
    if root is None:
        return "text"  # "<" then no tag name: prose that starts with a bracket
    name = root.group(1).decode("ascii", "replace")
    local = name.rsplit(":", 1)[-1]
    if local in ("rss", "feed", "RDF"):
        return "rss"
    if name.lower() in _HTML_TAGS:
        return "html"
    raise UnsupportedFormat(f"XML with root <{name}> is not a format wiredesk reads "
                            "(RSS, Atom, ninjs, JSON lines, HTML or plain text)")
