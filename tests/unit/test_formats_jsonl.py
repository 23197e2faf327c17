"""JSON lines: a file split into one object per message, each object parsed into an Article."""

from __future__ import annotations

import orjson
import pytest

from agents.errors import DecodeError, EmptyArticle, InvalidArticle, MissingField, StageError
from agents.formats.jsonl import parse_jsonl_lines
from agents.parse import RawMeta, article_id, parse_article
from tests.conftest import FIXTURES, NOW

JSONL = (FIXTURES / "formats" / "articles.jsonl").read_bytes()
META = RawMeta(source="desk", format="jsonl")


def parse(raw: bytes, meta: RawMeta = META):  # type: ignore[no-untyped-def]
    return parse_article(raw, meta, now=NOW)


def obj(**fields: object) -> bytes:
    base: dict[str, object] = {"headline": "Talks resume in Geneva",
                               "body": "Diplomats met on Friday."}
    base.update(fields)
    return orjson.dumps({k: v for k, v in base.items() if v is not None})


def test_lines_split_with_blank_lines_skipped() -> None:
    lines = parse_jsonl_lines(JSONL)
    assert len(lines) == 3
    assert all(line.startswith(b"{") and line.endswith(b"}") for line in lines)


def test_a_bad_line_is_named_by_number() -> None:
    raw = b'{"headline": "a", "body": "b"}\n\n{"headline": "c", "bo\n'
    with pytest.raises(DecodeError, match="line 3 is not valid JSON"):
        parse_jsonl_lines(raw)
    with pytest.raises(InvalidArticle, match="line 2 is not a JSON object"):
        parse_jsonl_lines(b'{"a": 1}\n[1, 2]\n')


def test_every_documented_field() -> None:
    a = parse(parse_jsonl_lines(JSONL)[0])
    assert a.source == "reuters"  # the payload's source overrides the header's
    assert a.source_id == "wd-2024-0412-001"
    assert a.id == article_id("reuters", "wd-2024-0412-001")
    assert a.headline == "Floods kill 40 in Kenya"
    assert a.byline == ["Jane Doe", "John Roe"]
    assert a.published is not None and a.published.isoformat() == "2024-04-12T09:30:00+00:00"
    assert a.url == "https://example.com/floods"
    assert a.dateline == "NAIROBI"
    assert a.section == "World"
    assert a.credit == "Information from Reuters was used in this report."
    assert a.body == ("NAIROBI (Reuters) — Floods killed at least 40 people in Kenya, the Red "
                      "Cross said on Friday.\n\n“Entire villages have been cut off,” an official "
                      "said.")


def test_html_body_numeric_id_string_byline_and_date_only() -> None:
    a = parse(parse_jsonl_lines(JSONL)[1])
    assert a.source == "desk" and a.source_id == "20240412002"
    assert a.byline == ["Mari Yamaguchi"]
    assert a.published is not None and a.published.isoformat() == "2024-04-12T00:00:00+00:00"
    assert a.dateline == "TOKYO (AP)"
    assert a.body.endswith("agency said.\n\nThere was no tsunami warning.")


def test_text_body_without_blank_lines_has_one_paragraph_per_line() -> None:
    a = parse(parse_jsonl_lines(JSONL)[2])
    assert a.body.count("\n\n") == 1 and a.published is not None
    assert a.published.isoformat() == "2024-04-12T05:05:00+00:00"


def test_aliases_and_a_pretty_printed_object() -> None:
    raw = orjson.dumps({"title": "Talks resume", "text": "Diplomats met.", "author": "By Ann Lee",
                        "date": "2024-04-12"}, option=orjson.OPT_INDENT_2)
    a = parse(raw)
    assert (a.headline, a.body, a.byline) == ("Talks resume", "Diplomats met.", ["Ann Lee"])


def test_without_id_the_header_source_id_is_used() -> None:
    a = parse(obj(), RawMeta(source="desk", source_id="line-7", format="jsonl"))
    assert a.source_id == "line-7"


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (JSONL, InvalidArticle, "holds 3 JSON lines"),
        (b'{"headline": "Talks", "body": "Diplo', DecodeError, "not valid JSON"),
        (b'["Talks", "Diplomats met."]', InvalidArticle, "must be a JSON object"),
        (obj(headline=7), InvalidArticle, "'headline' must be a string"),
        (obj(byline={"name": "Ann"}), InvalidArticle, "'byline' must be a string or a list"),
        (obj(published="yesterday"), InvalidArticle, "not an ISO 8601 date"),
        (obj(body=None), MissingField, "no 'body'"),
        (obj(body="<div><script>x()</script></div>"), EmptyArticle, "no story text"),
        (b"{}\xff", DecodeError, "not valid JSON"),
    ],
    ids=["whole-file", "truncated", "array", "numeric-headline", "byline-object", "bad-date",
         "no-body", "script-only-html", "invalid-utf8"],
)
def test_bad_objects_are_stage_errors(raw: bytes, error: type[StageError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse(raw)


PRETTY = orjson.dumps({"id": "p-1", "headline": "Talks resume in Geneva",
                       "body": "Diplomats met on Friday.\n\nThey meet again on Monday.",
                       "published": "2024-04-12"}, option=orjson.OPT_INDENT_2)


def test_a_pretty_printed_object_is_one_article_under_every_json_format() -> None:
    assert parse_jsonl_lines(PRETTY) == [PRETTY.strip()]
    for fmt in ("jsonl", "ninjs", "auto"):
        a = parse(PRETTY, RawMeta(source="desk", format=fmt))
        assert a.headline == "Talks resume in Geneva", fmt
        assert a.body == "Diplomats met on Friday.\n\nThey meet again on Monday."
        assert a.published is not None and a.published_source == "item"


def test_a_ninjs_object_sent_as_jsonl_is_read_as_ninjs() -> None:
    raw = orjson.dumps({"uri": "urn:x:2", "headlines": [{"value": "Floods in Kenya"}],
                        "body_text": "Floods killed 40 people."})
    a = parse(raw)
    assert (a.headline, a.body, a.source_id) == ("Floods in Kenya", "Floods killed 40 people.",
                                                 "urn:x:2")


def test_an_object_without_a_headline_is_a_story() -> None:
    a = parse(obj(headline=" "))
    assert a.headline == "" and a.body == "Diplomats met on Friday."
