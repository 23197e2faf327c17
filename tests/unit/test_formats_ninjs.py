"""IPTC ninjs 1.x and 2.x items into the same Article as plain text."""

from __future__ import annotations

import orjson
import pytest

from agents.errors import DecodeError, EmptyArticle, InvalidArticle, MissingField, StageError
from agents.formats.ninjs import parse_ninjs
from agents.parse import RawMeta, article_id, parse_article
from tests.conftest import FIXTURES, NOW

NINJS1 = (FIXTURES / "formats" / "ninjs1_item.json").read_bytes()
NINJS2 = (FIXTURES / "formats" / "ninjs2_item.json").read_bytes()
META = RawMeta(source="wire", format="ninjs")


def parse(raw: bytes, meta: RawMeta = META):  # type: ignore[no-untyped-def]
    return parse_article(raw, meta, now=NOW)


def item(**fields: object) -> bytes:
    base: dict[str, object] = {"uri": "urn:x:1", "headline": "Talks resume in Geneva",
                               "body_text": "GENEVA (Reuters) - Diplomats met on Friday."}
    base.update(fields)
    return orjson.dumps({k: v for k, v in base.items() if v is not None})


def test_ninjs1_fields() -> None:
    a = parse(NINJS1)
    assert a.format == "ninjs"
    assert a.source_id == "urn:newsml:wire.example.org:20190312:ko-syria-baghuz:3"
    assert a.id == article_id("wire", a.source_id)
    assert a.headline == "Kurdish-led forces resume assault on Islamic State’s last Syrian enclave"
    assert a.byline == ["Ellen Francis", "Rodi Said"]
    assert a.published is not None and a.published.isoformat() == "2019-03-12T17:42:07+00:00"
    assert a.dateline == "BAGHUZ, Syria"
    assert a.section == "war"
    assert a.language == "en"
    assert a.url is None  # a urn is an id, not a link


def test_ninjs1_body_from_html_with_credit_moved_out() -> None:
    a = parse(NINJS1)
    paragraphs = a.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("BAGHUZ, Syria (Reuters) — U.S.-backed fighters")
    assert "surrendered & their families." in paragraphs[2]  # entity decoded
    assert "“The clashes are continuing,”" in paragraphs[1]  # curly quotes kept
    assert a.credit == "Reporting by Ellen Francis and Rodi Said; Editing by Angus MacSwan"
    assert "<p>" not in a.body and "Reporting by" not in a.body


def test_ninjs1_body_text_gives_the_same_body_as_body_html() -> None:
    doc = orjson.loads(NINJS1)
    del doc["body_html"]
    assert parse(orjson.dumps(doc)).body == parse(NINJS1).body


def test_ninjs2_fields() -> None:
    a = parse(NINJS2)
    assert a.headline == "Anti-doping measures at the Tour Down Under will be the toughest ever"
    assert a.byline == ["Sam Whitaker", "Priya Nair"]
    assert a.published is not None and a.published.isoformat() == "2023-10-08T03:25:41+00:00"
    assert a.dateline == "ADELAIDE"
    assert a.section == "cycling"
    assert a.url == a.source_id == "https://news.example.net/items/2023/10/08/tour-down-under-doping"


def test_ninjs2_prefers_the_html_body_and_drops_its_figure() -> None:
    paragraphs = parse(NINJS2).body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[-1] == "“We want clean racing, full stop,” O’Grady told reporters."
    assert not any("Photo: AAP" in p for p in paragraphs)


def test_ninjs2_places_give_the_dateline_when_located_is_absent() -> None:
    doc = orjson.loads(NINJS2)
    del doc["located"]
    assert parse(orjson.dumps(doc)).dateline == "Adelaide"


def test_payload_uri_wins_over_the_header_source_id() -> None:
    a = parse(NINJS2, RawMeta(source="wire", source_id="file-17.json", format="ninjs"))
    assert a.source_id == "https://news.example.net/items/2023/10/08/tour-down-under-doping"


def test_firstcreated_when_versioncreated_is_absent() -> None:
    got = parse_ninjs(item(firstcreated="2024-01-02T03:04:05Z").decode())
    assert got.published is not None and got.published.isoformat() == "2024-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"headline": 42}, InvalidArticle, "'headline' must be a string"),
        ({"bodies": "text"}, InvalidArticle, "'bodies' must be a list"),
        ({"bodies": [{"value": 3}], "body_text": None}, InvalidArticle, "string 'value'"),
        ({"headlines": [{"role": "main"}]}, InvalidArticle, "string 'value'"),
        ({"versioncreated": 20240101}, InvalidArticle, "ISO 8601"),
        ({"versioncreated": "last Tuesday"}, InvalidArticle, "not an ISO 8601 date"),
        ({"body_text": None}, MissingField, "no body"),
        ({"body_text": "<p>  </p>", "body_html": "<p> </p>"}, EmptyArticle, "no story text"),
    ],
)
def test_wrong_shapes_are_stage_errors(fields: dict[str, object], error: type[StageError],
                                       message: str) -> None:
    with pytest.raises(error, match=message):
        parse(item(**fields))


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (NINJS1[: len(NINJS1) // 2], DecodeError),
        (b"[1, 2, 3]", InvalidArticle),
        (b'"just a string"', InvalidArticle),
        (b"", EmptyArticle),
        (b"\xff\xfe{\x00}", DecodeError),
    ],
    ids=["truncated", "array", "string", "empty", "binary"],
)
def test_bad_json_is_a_stage_error(raw: bytes, error: type[StageError]) -> None:
    with pytest.raises(error):
        parse(raw)


def test_an_item_without_a_headline_is_a_story() -> None:
    a = parse(item(headline=None))
    assert a.headline == "" and a.body.startswith("GENEVA (Reuters)")


def test_a_plain_json_article_sent_as_ninjs_is_read() -> None:
    raw = orjson.dumps({"headline": "Talks resume", "body": "Diplomats met on Friday.",
                        "published": "2024-04-12T09:30:00Z"}, option=orjson.OPT_INDENT_2)
    a = parse(raw)
    assert (a.headline, a.body) == ("Talks resume", "Diplomats met on Friday.")
    assert a.published is not None and a.published.date().isoformat() == "2024-04-12"
