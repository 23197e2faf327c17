"""Fuzzing every input parser and the rule loader (hypothesis; issue 16, item 5).

The contract a stream processor owes its feeds: whatever arrives, a parser either
returns an article (or its items) or raises a ``StageError`` that says why, which
the worker dead-letters with that reason. Any other exception is a bug that would
dead-letter as "internal error" at best. The strategies mix pure noise with
near-valid input (JSON of the right shape with wrong types, feeds with odd
elements, rule files with wrong fields), because noise alone rarely gets past a
parser's first check.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.errors import StageError
from agents.formats.feed import parse_feed_items
from agents.formats.jsonl import parse_jsonl_lines
from agents.parse import FORMATS, RawMeta, parse_article
from agents.rules import load_rule_file, parse_rule
from schemas.article import Article

pytestmark = pytest.mark.reliability

NOW = datetime(2024, 5, 1, tzinfo=UTC)
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# JSON values of any shape, with the keys the article formats look for.
KEYS = st.sampled_from(["headline", "title", "body", "body_text", "text", "description",
                        "byline", "by", "published", "versioncreated", "firstcreated",
                        "uri", "id", "language", "located", "items", "rules", "watch",
                        "where", "deliver", "webhook", "rate", "value", "entries"])
SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=40)
           | st.sampled_from(["2024-05-01T10:00:00Z", "Tuesday", "not a date", "", " ",
                              "Gaza (Reuters) - Three people were killed on Monday."]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=5),
                    max_leaves=20)

WORDS = st.sampled_from(["<rss>", "</rss>", "<channel>", "<item>", "</item>", "<title>",
                         "</title>", "<description>", "</description>", "<feed>", "<entry>",
                         "<![CDATA[", "]]>", "&amp;", "&bogus;", "<p>", "</p>", "<html>",
                         "<br/>", "pubDate", "<?xml version='1.0' encoding='latin-1'?>",
                         "\n", "\n\n", "By Jane Doe", "said", "\"", "KABUL (AP) -", "\x00",
                         "\u200b", "é", "—", "{", "}", "[", "]", ":", ",", "\"body\""])
NEAR_TEXT = st.lists(WORDS | st.text(max_size=12), max_size=40).map("".join)

RAW = (st.binary(max_size=600)
       | st.text(max_size=600).map(str.encode)
       | NEAR_TEXT.map(str.encode)
       | NEAR_TEXT.map(lambda s: s.encode("utf-16"))
       | JSON.map(orjson.dumps)
       | JSON.map(lambda v: json.dumps(v, indent=2).encode())
       | st.lists(JSON.map(orjson.dumps), max_size=4).map(b"\n".join))


def _article_or_stage_error(raw: bytes, fmt: str) -> None:
    try:
        article = parse_article(raw, RawMeta(source="fuzz", format=fmt), now=NOW)
    except StageError as exc:
        assert str(exc), "a dead letter needs a reason"
        return
    assert isinstance(article, Article)
    assert article.body.strip(), "an article has a body"


@FUZZ
@given(raw=RAW, fmt=st.sampled_from(FORMATS))
def test_every_format_gives_an_article_or_a_stage_error(raw: bytes, fmt: str) -> None:
    _article_or_stage_error(raw, fmt)


@FUZZ
@given(raw=RAW)
def test_feed_splitter_gives_items_or_a_stage_error(raw: bytes) -> None:
    try:
        items = parse_feed_items(raw)
    except StageError as exc:
        assert str(exc)
        return
    for item in items:  # each item is a payload the rss parser then takes
        _article_or_stage_error(item, "rss")


@FUZZ
@given(raw=RAW)
def test_jsonl_splitter_gives_lines_or_a_stage_error(raw: bytes) -> None:
    try:
        lines = parse_jsonl_lines(raw)
    except StageError as exc:
        assert str(exc)
        return
    for line in lines:
        _article_or_stage_error(line, "jsonl")


RULE_FIELDS = st.fixed_dictionaries(
    {"id": st.text(max_size=10) | SCALARS, "watch": st.sampled_from(
        ["events", "quotes", "figures", "entities", "bogus"]) | SCALARS},
    optional={"where": JSON, "deliver": JSON, "rate": JSON, "name": SCALARS, "title": SCALARS})


@FUZZ
@given(data=JSON | RULE_FIELDS)
def test_rule_objects_give_a_rule_or_a_rule_error(data: object) -> None:
    try:
        parse_rule(data)
    except StageError as exc:
        assert str(exc)


@FUZZ
@given(text=st.text(max_size=300) | NEAR_TEXT
       | st.lists(RULE_FIELDS, max_size=3).map(lambda r: yaml.safe_dump(r, allow_unicode=True))
       | st.lists(RULE_FIELDS, max_size=3).map(lambda r: yaml.safe_dump({"rules": r}))
       | JSON.map(lambda v: json.dumps(v)))
def test_rule_files_give_rules_or_a_rule_error(text: str) -> None:
    try:
        rules = load_rule_file(text)
    except StageError as exc:
        assert str(exc)
        return
    assert rules
