"""RSS 2.0 and Atom: a feed split into one document per item, each parsed into an Article."""

from __future__ import annotations

import pytest

from agents.errors import (
    DecodeError,
    EmptyArticle,
    InvalidArticle,
    MissingField,
    StageError,
    UnsupportedFormat,
)
from agents.formats.feed import parse_feed_items
from agents.parse import RawMeta, parse_article
from tests.conftest import FIXTURES, NOW

RSS = (FIXTURES / "formats" / "rss2_feed.xml").read_bytes()
ATOM = (FIXTURES / "formats" / "atom_feed.xml").read_bytes()
META = RawMeta(source="example-wire", format="rss")


def parse(raw: bytes):  # type: ignore[no-untyped-def]
    return parse_article(raw, META, now=NOW)


def one_item(body: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f"{head}<rss version=\"2.0\"><channel><title>T</title><item>"
            f"<title>Talks resume in Geneva</title><guid>g-1</guid>{body}</item></channel></rss>"
            ).encode()


def test_a_feed_splits_into_one_valid_feed_per_item() -> None:
    items = parse_feed_items(RSS)
    assert len(items) == 3
    for item in items:
        assert item.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert item.count(b"<item>") == 1 and item.endswith(b"</channel></rss>")
        assert b"xmlns:content=" in item and b"<language>en-us</language>" in item
    assert len(parse_feed_items(ATOM)) == 2


def test_splitting_a_single_item_gives_it_back_unchanged_in_content() -> None:
    first = parse_feed_items(RSS)[0]
    assert parse_feed_items(first) == [first]


def test_rss_item_with_content_encoded() -> None:
    a = parse(parse_feed_items(RSS)[0])
    assert a.format == "rss"
    assert a.source_id == "ew-2024-08-13-0041"
    assert a.url == "https://wire.example.com/world/2024/08/13/kenya-floods"
    assert a.headline == "Floods kill at least 40 in Kenya as rains continue"
    assert a.byline == ["Wanjiru Kamau"]
    assert a.published is not None and a.published.isoformat() == "2024-08-13T06:30:00+00:00"
    assert a.section == "Africa"
    assert a.dateline == "NAIROBI (Reuters)"
    assert a.language == "en"
    assert a.credit == "Reporting by Wanjiru Kamau; Editing by Frances Kerry"
    paragraphs = a.body.split("\n\n")
    assert len(paragraphs) == 3  # share widget dropped, content:encoded beats description
    assert paragraphs[1].startswith("“Entire villages have been cut off,”")
    assert "Share" not in a.body


def test_rss_item_with_escaped_html_description_and_email_author() -> None:
    a = parse(parse_feed_items(RSS)[1])
    assert a.source_id == a.url == "https://wire.example.com/world/2024/08/13/geneva-talks"
    assert a.byline == ["Jean Dupont"]
    assert a.body == ("GENEVA, Aug. 13 (AP) — Mediators reopened talks on Tuesday.\n\n"
                      "Both delegations arrived at the Palais des Nations before dawn.")
    assert a.dateline == "GENEVA, Aug. 13 (AP)"


def test_rss_item_without_guid_uses_its_link() -> None:
    a = parse(parse_feed_items(RSS)[2])
    assert a.source_id == "https://wire.example.com/business/2024/08/13/rates"
    assert a.dateline == "LONDON"
    assert a.byline == []


def test_atom_entry_with_html_title_and_content() -> None:
    a = parse(parse_feed_items(ATOM)[0])
    assert a.source_id == "tag:monitor.example.org,2024:entry-8812"
    assert a.headline == "Aid convoy reaches northern Gaza"
    assert a.published is not None and a.published.isoformat() == "2024-03-14T07:12:00+00:00"
    assert a.byline == ["Nour Haddad"]
    assert a.section == "Middle East"
    assert a.body.split("\n\n")[-1].endswith("for about 25,000 people.")  # "Follow us" dropped


def test_atom_entry_with_xhtml_content_and_two_authors() -> None:
    a = parse(parse_feed_items(ATOM)[1])
    assert a.byline == ["Ana Lima", "Tomás Ruiz"]
    assert a.published is not None and a.published.isoformat() == "2024-03-14T10:05:00+00:00"
    assert a.body == ("Police detained dozens of people after a protest in the capital on "
                      "Wednesday evening, officials said.\n\nOrganisers said about 2,000 people "
                      "had marched.")


def test_undeclared_html_entities_and_a_declared_latin1_encoding_are_read() -> None:
    raw = one_item("<description>Diplomats met on Friday&nbsp;in Gen\xe8ve.</description>",
                   head='<?xml version="1.0" encoding="ISO-8859-1"?>')
    a = parse(raw.decode("utf-8").encode("latin-1"))
    assert a.body == "Diplomats met on Friday in Genève."


def test_a_whole_feed_in_one_message_is_rejected_with_advice() -> None:
    with pytest.raises(InvalidArticle, match=r"3 feed items.*parse_feed_items"):
        parse(RSS)


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (RSS[:1500], DecodeError, "not well-formed XML"),
        (b"<html><body><h1>500 Internal Server Error</h1></body></html>", UnsupportedFormat,
         "not an RSS or Atom feed"),
        (b"Service Unavailable", DecodeError, "not well-formed XML"),
        (b'<rss version="2.0"><channel><title>Empty</title></channel></rss>', MissingField,
         "no <item>"),
        (one_item(""), MissingField, "no content"),
        (one_item("<description>&lt;p&gt;&lt;/p&gt;</description>"), EmptyArticle, "no story text"),
        (b'<?xml version="1.0" encoding="x-unknown"?><rss/>', DecodeError, "encoding"),
        (b"\x00\x01\x02<rss>", DecodeError, "binary"),
        (b"  \n", EmptyArticle, "empty"),
    ],
    ids=["truncated", "html-error-page", "garbage", "no-items", "no-body", "empty-body",
         "unknown-encoding", "binary", "blank"],
)
def test_bad_feeds_are_stage_errors(raw: bytes, error: type[StageError], message: str) -> None:
    with pytest.raises(error, match=message):
        parse(raw)


def test_a_local_path_as_payload_is_never_opened() -> None:
    # feedparser opens a *string* that names a file; the parser hands it a stream instead.
    with pytest.raises(DecodeError):
        parse(str(FIXTURES / "formats" / "rss2_feed.xml").encode())


def test_external_entities_are_never_loaded() -> None:
    raw = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<rss><channel><item><title>Talks resume</title><description>before &x; after"
           b"</description></item></channel></rss>")
    assert parse(raw).body == "before after"


def test_entity_expansion_bombs_are_refused() -> None:
    entities = b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9))
    raw = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">' + entities +
           b"]><rss><channel><item><title>t</title><description>&j;</description></item>"
           b"</channel></rss>")
    with pytest.raises(DecodeError, match="amplification"):
        parse(raw)


def test_an_item_without_a_title_is_a_story_with_an_empty_headline() -> None:
    raw = one_item("<description>Diplomats met in Geneva on Monday.</description>").replace(
        b"Talks resume in Geneva", b"")
    a = parse(raw)
    assert a.headline == "" and a.body == "Diplomats met in Geneva on Monday."


def test_an_undeclared_cp1252_feed_is_decoded_and_says_so() -> None:
    # Older feeds: cp1252 bytes and no encoding declaration (XML's default is UTF-8).
    raw = one_item("<description>Diplomats met in Gen\u00e8ve \u2013 \u201cat last\u201d."
                   "</description>").decode("utf-8").encode("cp1252")
    a = parse(raw)
    assert a.body == "Diplomats met in Gen\u00e8ve \u2013 \u201cat last\u201d."
    assert a.encoding == "cp1252"
    assert parse(one_item("<description>x y</description>")).encoding == "utf-8"
