"""The ingest boundary: plain wire text into an Article, and bad input into StageErrors."""

from __future__ import annotations

import pytest

from agents.errors import DecodeError, EmptyArticle, MissingField, StageError, TooLarge
from agents.parse import RawMeta, article_id, parse_article
from tests.conftest import NOW

META = RawMeta(source="file", source_id="000_b2a761b75249ca77.txt")


def parse(raw: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return parse_article(raw, kw.pop("meta", META), now=NOW, **kw)  # type: ignore[arg-type]


def test_seed_fields(seed_bytes: bytes) -> None:
    a = parse(seed_bytes)
    assert a.headline == "Islamic State Strikes Back in Last Stand at Baghuz"
    assert a.byline == ["Jeff Seldin"]
    assert a.published is not None and a.published.date().isoformat() == "2019-03-13"
    assert a.section == "Weapons of Mass Destruction (WMD)"
    assert a.credit == "Information from Reuters was used in this report."


def test_seed_body_is_the_story_only(seed_bytes: bytes) -> None:
    body = parse(seed_bytes).body
    paragraphs = body.split("\n\n")
    # 19 story paragraphs; the 20th block of the story, the credit line, is kept as credit.
    assert len(paragraphs) == 19
    assert paragraphs[0].startswith("Islamic State fighters launched new counterattacks")
    assert paragraphs[-1].endswith("to rebuild a physical caliphate.")
    for furniture in ("UNITED24", "mailing list", "By Jeff Seldin", "Information from Reuters",
                      "Weapons of Mass Destruction"):
        assert furniture not in body


def test_article_id_is_stable_per_source_and_id(seed_bytes: bytes) -> None:
    a, b = parse(seed_bytes), parse(seed_bytes.replace(b"Wednesday", b"Thursday"))
    assert a.id == b.id == article_id("file", "000_b2a761b75249ca77.txt")
    assert a.content_hash != b.content_hash


def test_id_without_source_id_comes_from_headline_and_date(seed_bytes: bytes) -> None:
    meta = RawMeta(source="feed")
    assert parse(seed_bytes, meta=meta).id == parse(seed_bytes, meta=meta).id


def test_crlf_and_curly_quotes_and_dateline() -> None:
    raw = ("Quake kills dozens in Turkey\r\n\r\nANKARA (Reuters) \u2014 A strong earthquake "
           "struck on Monday, \u201cit was terrible,\u201d a resident said.\r\n\r\n"
           "Reporting by Ali Kucukgocmen; Editing by Tom Hogue\r\n").encode()
    a = parse(raw)
    assert a.headline == "Quake kills dozens in Turkey"
    assert a.dateline == "ANKARA (Reuters)"
    assert "\r" not in a.body and "\u201cit was terrible,\u201d" in a.body
    assert a.credit == "Reporting by Ali Kucukgocmen; Editing by Tom Hogue"


def test_byline_with_two_names() -> None:
    raw = b"Talks resume in Geneva\n\nBy Jane Doe and John Roe\n\nDiplomats met on Friday."
    assert parse(raw).byline == ["Jane Doe", "John Roe"]


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"", EmptyArticle),
        (b"   \n\n  \t ", EmptyArticle),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", DecodeError),
        (b"caf\xe9 au lait\n\nbody", DecodeError),
        (b"The ministry said on Tuesday that 40 people had died in the floods, and that "
         b"rescue teams were still searching for survivors in the north of the country.",
         MissingField),
        (b"Join the GlobalSecurity.org mailing list", EmptyArticle),
        (b"Headline only", EmptyArticle),
    ],
    ids=["empty", "blank", "binary", "latin1", "no-headline", "furniture-only", "no-body"],
)
def test_malformed_inputs_raise_stage_errors(raw: bytes, error: type[StageError]) -> None:
    with pytest.raises(error):
        parse(raw)


def test_five_megabytes_of_text_is_too_large() -> None:
    raw = b"Headline\n\n" + b"word " * 1_000_000
    with pytest.raises(TooLarge, match="limit"):
        parse(raw, max_bytes=2_000_000)


def test_large_but_allowed_text_parses() -> None:
    raw = b"Headline\n\n" + (b"A sentence of the story. " * 40 + b"\n\n") * 1000
    assert parse(raw, max_bytes=5_000_000).body.count("\n\n") == 999


def test_raw_meta_round_trips_through_headers() -> None:
    meta = RawMeta(source="ap", source_id="x1", format="text", received_at=NOW)
    assert RawMeta.from_headers(meta.to_headers()) == meta


def test_ap_dateline_without_year_dates_the_story_in_the_year_it_arrived() -> None:
    raw = (b"Talks resume\n\nGENEVA, Aug. 14 (AP) \xe2\x80\x94 Mediators reopened talks on "
           b"Wednesday.")
    a = parse(raw)  # received 2019-03-13: Aug. 14 would be in the future, so 2018
    assert a.published is not None and a.published.date().isoformat() == "2018-08-14"
    assert a.dateline == "GENEVA, Aug. 14 (AP)"


def test_a_reuters_dateline_with_two_cities_dates_the_story() -> None:
    # Reuters datelines name two cities when a story is reported from both.
    raw = (b"Strikes kill dozens\n\nCAIRO/GAZA, Jan 5 (Reuters) - Israeli air strikes killed "
           b"at least 45 Palestinians on Sunday, health officials said.")
    a = parse(raw)  # received 2019-03-13
    assert a.dateline == "CAIRO/GAZA, Jan 5 (Reuters)"
    assert a.published is not None and a.published.date().isoformat() == "2019-01-05"
    assert a.body.startswith("CAIRO/GAZA, Jan 5 (Reuters) - Israeli")


def test_the_outlet_after_a_byline_name_is_not_a_person() -> None:
    raw = (b"Protests in Nairobi\n\nBy Evelyne Musambi, Associated Press\n\nNAIROBI, Kenya (AP) "
           b"\xe2\x80\x94 Thousands marched on Tuesday.")
    assert parse(raw).byline == ["Evelyne Musambi"]
    raw2 = (b"Floods\n\nBy Reuters Staff\n\nVAN, Turkey (Reuters) - Floods hit the city.")
    assert parse(raw2).byline == []
