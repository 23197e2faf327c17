"""RSS 2.0, RSS 1.0 (RDF) and Atom: one feed item per raw message, read with feedparser.

A fetched feed holds many items, but one raw message is one article, so the
ingest side splits it first with :func:`parse_feed_items`. Each piece is a
minimal feed document, cut from the original bytes (nothing re-serialised):
the prolog (XML declaration, so the encoding still applies), the root and
channel start tags (so namespace declarations still apply), the channel's own
metadata elements (title, link, language...), one ``<item>``/``<entry>``, and
the closing tags. The piece is a valid feed any reader can parse, and
replaying it gives the same article.

Field mapping (feedparser's normalised names)::

    source_id   guid (RSS) / id (Atom), else link      url        link (http/https only)
    headline    title (HTML titles flattened)          published  pubDate / published, else updated
    body        content:encoded / content, else description / summary; HTML through html.py
    byline      author / dc:creator names (e-mails dropped)
    section     the first category / term              language   the channel's / feed's language
"""

from __future__ import annotations

import codecs
import io
import re
import xml.parsers.expat
from datetime import UTC, datetime
from typing import Any

import feedparser

from agents.errors import DecodeError, EmptyArticle, InvalidArticle, MissingField, UnsupportedFormat
from agents.formats import ParsedItem, finish_item, split_byline, text_paragraphs
from agents.formats.encoding import decode_bytes
from agents.formats.html import html_paragraphs

__all__ = ["parse_feed", "parse_feed_items"]

_ITEMS = ("item", "entry")
_FEED_ROOTS = ("rss", "feed", "RDF")
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_EMAIL = re.compile(r"\S+@\S+")


def _check_bytes(raw: bytes) -> bytes:
    """The feed's bytes in an encoding its declaration names (UTF-8 if none).

    A feed that declares no encoding (or UTF-8) but is not UTF-8, as older feeds
    in cp1252 often are, is decoded with the detected encoding and re-encoded
    as UTF-8; :func:`feed_encoding` says what was assumed.
    """
    if not raw.strip():
        raise EmptyArticle("the payload is empty")
    if b"\x00" in raw[:65536]:
        raise DecodeError("binary data (or UTF-16, which is not read): the payload has NUL bytes")
    declared = _DECLARED.match(raw)
    name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if name.replace("_", "-") in ("utf-8", "utf8"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            text, _encoding = decode_bytes(raw)
            return text.encode("utf-8")
        return raw
    try:
        ascii_compatible = "<?>/='\"".encode(codecs.lookup(name).name) == b"<?>/='\""
    except (LookupError, UnicodeError):
        raise DecodeError(f"the XML declares an encoding Python does not know: {name}") from None
    if not ascii_compatible:
        raise DecodeError(f"the XML declares {name}, which is not ASCII-compatible; "
                          "send feeds as UTF-8")
    return raw


def feed_encoding(raw: bytes) -> str | None:
    """The encoding a feed's bytes are read in: declared, UTF-8, or detected (cp1252...)."""
    declared = _DECLARED.match(raw)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name.replace("_", "-") not in ("utf-8", "utf8"):
            return name
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(raw)[1]
    return "utf-8"


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _scan(raw: bytes) -> list[list[Any]]:
    """Every element as [name, start, end-of-start-tag, end, parent index], in document order."""
    parser = xml.parsers.expat.ParserCreate()
    # An external DTD we never read: undeclared HTML entities (&nbsp;), common in
    # feeds, are skipped rather than fatal. Nothing is fetched.
    parser.UseForeignDTD(True)
    elements: list[list[Any]] = []
    open_: list[int] = []

    def start(name: str, _attrs: object) -> None:
        begin = parser.CurrentByteIndex
        tag = _START_TAG.match(raw, begin)
        tag_end = tag.end() if tag else raw.index(b">", begin) + 1
        elements.append([name, begin, tag_end, None, open_[-1] if open_ else -1])
        open_.append(len(elements) - 1)

    def end(_name: str) -> None:
        element = elements[open_.pop()]
        if raw[element[2] - 2 : element[2]] == b"/>":
            element[3] = element[2]
        else:
            element[3] = raw.index(b">", parser.CurrentByteIndex) + 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code)
        raise DecodeError(
            f"not well-formed XML (line {exc.lineno}, column {exc.offset}: {message})") from None
    except (LookupError, ValueError) as exc:  # an encoding expat cannot use
        raise DecodeError(f"the XML cannot be decoded: {exc}") from None
    return elements


def parse_feed_items(raw: bytes) -> list[bytes]:
    """Split an RSS/Atom feed into one minimal feed document per item (ingest side).

    Returns:
        One payload per ``<item>``/``<entry>``, in feed order; empty for a feed
        with no items.

    Raises:
        DecodeError: bytes no encoding reads (declared or detected), or not
            well-formed XML (a truncated feed, an HTML error page).
        UnsupportedFormat: well-formed XML whose root is not rss, feed or rdf:RDF.
        EmptyArticle: no bytes at all.
    """
    raw = _check_bytes(raw)
    elements = _scan(raw)
    root = elements[0]
    if _local(root[0]) not in _FEED_ROOTS:
        raise UnsupportedFormat(f"XML with root <{root[0]}> is not an RSS or Atom feed")
    depth = [0] * len(elements)
    inside_item = [False] * len(elements)
    for i, (_name, _b, _t, _e, parent) in enumerate(elements):
        if parent >= 0:
            depth[i] = depth[parent] + 1
            inside_item[i] = inside_item[parent] or _local(elements[parent][0]) in _ITEMS
    items = [i for i, el in enumerate(elements)
             if _local(el[0]) in _ITEMS and depth[i] <= 2 and not inside_item[i]]
    prolog = raw[: root[1]]
    # Each container's own metadata (channel title, link, language...): its non-item children.
    children: dict[int, list[int]] = {}
    for j, el in enumerate(elements):
        if el[4] >= 0 and not inside_item[j] and _local(el[0]) not in _ITEMS:
            children.setdefault(el[4], []).append(j)
    docs = []
    for i in items:
        chain: list[int] = []
        at = elements[i][4]
        while at >= 0:
            chain.insert(0, at)
            at = elements[at][4]
        parts = [prolog]
        for a in chain:
            parts.append(raw[elements[a][1] : elements[a][2]])
            parts.extend(raw[elements[j][1] : elements[j][3]]
                         for j in children.get(a, []) if j not in chain)
        parts.append(raw[elements[i][1] : elements[i][3]])
        parts.extend(f"</{elements[a][0]}>".encode() for a in reversed(chain))
        docs.append(b"".join(parts))
    return docs


def _datetime(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)


def _body(entry: Any) -> list[str]:
    candidates = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if not candidates and (entry.get("summary") or "").strip():
        candidates = [{"value": entry["summary"],
                       "type": (entry.get("summary_detail") or {}).get("type", "text/html")}]
    if not candidates:
        raise MissingField("the feed item has no content, description or summary")
    best = max(candidates, key=lambda c: len(c["value"]))
    if "html" in (best.get("type") or "text/html"):
        return html_paragraphs(best["value"])
    return text_paragraphs(best["value"])


def _byline(entry: Any) -> list[str]:
    names = [a.get("name") or "" for a in entry.get("authors") or []]
    names = [_EMAIL.sub("", n).strip(" ()") for n in names if n]
    if not names and entry.get("author"):
        names = [_EMAIL.sub("", entry["author"]).strip(" ()")]
    return split_byline([n for n in names if n])


def parse_feed(raw: bytes) -> ParsedItem:
    """Parse one RSS or Atom item (a feed document holding exactly one) into article fields.

    Raises:
        DecodeError: bytes no encoding reads (declared or detected), or not well-formed XML.
        UnsupportedFormat: XML that is not RSS or Atom.
        InvalidArticle: the document holds several items (split them at ingest).
        MissingField: no item or no body (a title is optional).
        EmptyArticle: the body holds no story text.
    """
    checked = _check_bytes(raw)
    encoding, raw = feed_encoding(raw), checked
    items = parse_feed_items(raw)
    if not items:
        raise MissingField("the feed holds no <item> or <entry>")
    if len(items) > 1:
        raise InvalidArticle(f"the message holds {len(items)} feed items; one message is one "
                             "article (split the feed with parse_feed_items at ingest)")
    # A stream, never bytes or str: feedparser treats a string as a path or URL to open.
    parsed = feedparser.parse(io.BytesIO(raw), resolve_relative_uris=False, sanitize_html=False)
    if not parsed.entries:
        raise MissingField("the feed item could not be read as an RSS or Atom entry")
    entry = parsed.entries[0]
    title = entry.get("title") or ""
    if "html" in (entry.get("title_detail") or {}).get("type", ""):
        title = " ".join(html_paragraphs(title))
    tags = [t.get("term") or t.get("label") for t in entry.get("tags") or []]
    link = entry.get("link") or None
    # A guid counts as a permalink unless it says otherwise: an id such as "g-1" is no URL.
    url = link if link and link.startswith(("http://", "https://")) else None
    return finish_item(
        title,
        _body(entry),
        source_id=entry.get("id") or link,
        url=url,
        byline=_byline(entry),
        published=_datetime(entry),
        section=next((t for t in tags if t), None),
        language=parsed.feed.get("language") or None,
        encoding=encoding,
    )
