"""``--format auto`` sniffing, dispatch by format, and the promise every format keeps:
any bytes either parse into an Article or raise a StageError, never anything else."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.errors import InvalidArticle, StageError, TooLarge, UnsupportedFormat
from agents.formats.detect import detect_format
from agents.formats.feed import parse_feed_items
from agents.parse import FORMATS, RawMeta, parse_article
from tests.conftest import FIXTURES, NOW

SAMPLES = {p.name: p.read_bytes() for p in sorted((FIXTURES / "formats").iterdir())}
RSS_ITEM = parse_feed_items(SAMPLES["rss2_feed.xml"])[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (SAMPLES["ninjs1_item.json"], "ninjs"),
        (SAMPLES["ninjs2_item.json"], "ninjs"),
        (SAMPLES["articles.jsonl"], "jsonl"),
        (b'{"headline": "a", "body": "b"}', "jsonl"),
        (b'\xef\xbb\xbf  {"headline": "a", "body": "b"', "jsonl"),
        (SAMPLES["rss2_feed.xml"], "rss"),
        (SAMPLES["atom_feed.xml"], "rss"),
        (b'<?xml version="1.0"?>\n<!-- feed --><rdf:RDF xmlns:rdf="x"></rdf:RDF>', "rss"),
        (SAMPLES["article_page.html"], "html"),
        (b"<p>Diplomats met on Friday.</p>", "html"),
        (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="x"></html>', "html"),
        (b"Talks resume in Geneva\n\nDiplomats met on Friday.", "text"),
        (b"<3 this story", "text"),
    ],
    ids=["ninjs1", "ninjs2", "jsonl-file", "jsonl-object", "bom-broken-json", "rss", "atom",
         "rdf", "page", "fragment", "xhtml", "text", "bracket-text"],
)
def test_detect(raw: bytes, expected: str) -> None:
    assert detect_format(raw) == expected


def test_detect_rejects_what_is_not_one_article() -> None:
    with pytest.raises(InvalidArticle, match="JSON array"):
        detect_format(b'[{"headline": "a"}]')
    with pytest.raises(UnsupportedFormat, match="newsMessage"):
        detect_format(b'<?xml version="1.0"?><newsMessage xmlns="http://iptc.org/std/nar/"/>')


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("ninjs1_item.json", "ninjs"), ("ninjs2_item.json", "ninjs"), ("article_page.html", "html")],
)
def test_auto_gives_the_same_article_as_the_declared_format(name: str, fmt: str) -> None:
    auto = parse_article(SAMPLES[name], RawMeta(source="s", format="auto"), now=NOW)
    declared = parse_article(SAMPLES[name], RawMeta(source="s", format=fmt), now=NOW)
    assert auto.format == fmt
    assert auto.asdict() == declared.asdict()


def test_auto_on_a_feed_item_and_the_eval_alias() -> None:
    assert parse_article(RSS_ITEM, RawMeta(format="auto"), now=NOW).format == "rss"
    assert parse_article(RSS_ITEM, RawMeta(format="rss-item"), now=NOW).format == "rss"


def test_formats_and_an_unknown_one() -> None:
    assert FORMATS == ("text", "ninjs", "rss", "jsonl", "html", "auto")
    with pytest.raises(UnsupportedFormat, match="'newsml' is not one of"):
        parse_article(b"x", RawMeta(format="newsml"), now=NOW)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_20_megabyte_body_is_too_large_in_every_format(fmt: str) -> None:
    raw = b'{"headline": "h", "body": "' + b"word " * 4_000_000 + b'"}'
    with pytest.raises(TooLarge, match="limit is 2,000,000"):
        parse_article(raw, RawMeta(format=fmt), now=NOW, max_bytes=2_000_000)


def _parse_or_stage_error(raw: bytes, fmt: str) -> None:
    with contextlib.suppress(StageError):
        parse_article(raw, RawMeta(source="fuzz", format=fmt), now=NOW)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=600) | st.text(max_size=400).map(str.encode),
       fmt=st.sampled_from(FORMATS))
def test_any_bytes_parse_or_raise_a_stage_error(raw: bytes, fmt: str) -> None:
    _parse_or_stage_error(raw, fmt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), fmt=st.sampled_from(FORMATS), data=st.data())
def test_damaged_samples_parse_or_raise_a_stage_error(name: str, fmt: str,
                                                     data: st.DataObject) -> None:
    raw = bytearray(SAMPLES[name])
    cut = data.draw(st.integers(0, len(raw)))
    for _ in range(data.draw(st.integers(0, 6))):
        raw[data.draw(st.integers(0, max(len(raw) - 1, 0)))] = data.draw(st.integers(0, 255))
    _parse_or_stage_error(bytes(raw[:cut]) if data.draw(st.booleans()) else bytes(raw), fmt)
