"""HTML article pages and HTML bodies reduced to story paragraphs."""

from __future__ import annotations

import pytest

from agents.errors import DecodeError, EmptyArticle, StageError
from agents.formats.html import html_paragraphs, looks_like_html
from agents.parse import RawMeta, parse_article
from tests.conftest import FIXTURES, NOW

PAGE = (FIXTURES / "formats" / "article_page.html").read_bytes()
META = RawMeta(source="times", format="html")


def parse(raw: bytes):  # type: ignore[no-untyped-def]
    return parse_article(raw, META, now=NOW)


def test_page_metadata() -> None:
    a = parse(PAGE)
    assert a.format == "html"
    assert a.headline == "Dam collapse forces thousands from homes"
    assert a.byline == ["Olena Kovalenko"]
    assert a.published is not None and a.published.isoformat() == "2023-06-06T04:45:00+00:00"
    assert a.section == "Europe"
    assert a.url == a.source_id == "https://times.example.com/europe/2023/06/06/dam-collapse"
    assert a.language == "en"
    assert a.dateline == "KYIV (Reuters)"
    assert a.credit == "Additional reporting by Pavel Polityuk; editing by Mark Heinrich"


def test_page_body_keeps_the_story_and_drops_the_furniture() -> None:
    paragraphs = parse(PAGE).body.split("\n\n")
    assert paragraphs == [
        "KYIV (Reuters) — Thousands of people were ordered to leave their homes on Tuesday "
        "after a Soviet-era dam on the Dnipro river collapsed, officials said.",
        "“The water is rising fast,” the regional governor said in a video message, urging "
        "residents of 24 villages to move to higher ground.",
        "About 16,000 people live in the area at risk of flooding, according to the "
        "prosecutor’s office & local authorities.",
        "Evacuation",
        "Trains were laid on to take residents to Mykolaiv and Odesa.",
        "Buses followed in the afternoon.",
    ]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One <b>bold</b> <a href='#'>link</a>.</p><p>Two</p>", ["One bold link.", "Two"]),
        ("Line one<br><br>Line two", ["Line one", "Line two"]),
        ("<ul><li>first</li><li>second</li></ul>", ["first", "second"]),
        ("<div>outer<p>inner</p>tail</div>", ["outer", "inner", "tail"]),
        ("<p>caf&eacute; &#8220;x&#8221; &amp; y</p>", ["café “x” & y"]),
        ("<p>a</p><style>p{}</style><script>alert(1)</script><nav>Home</nav>", ["a"]),
        ("<p>a</p><div class='social-share'>Share</div><p hidden>secret</p>", ["a"]),
        ("<figure><img src=x><figcaption>Caption</figcaption></figure><p>b</p>", ["b"]),
        ("<p>unclosed <i>markup", ["unclosed markup"]),
    ],
    ids=["inline", "br", "list", "mixed", "entities", "scripts", "widgets", "figure", "broken"],
)
def test_html_paragraphs(markup: str, expected: list[str]) -> None:
    assert [" ".join(p.split()) for p in html_paragraphs(markup)] == expected


def test_deeply_nested_markup_does_not_recurse() -> None:
    markup = "<div>" * 20_000 + "<p>deep</p>" + "</div>" * 20_000
    assert html_paragraphs(markup) == ["deep"]


def test_looks_like_html() -> None:
    assert looks_like_html("<p>Hello</p>") and looks_like_html("Fish &amp; chips")
    assert not looks_like_html("3 < 4 and 5 > 2, said the teacher.")


def test_headline_falls_back_to_og_title_then_title() -> None:
    og = b'<html><head><meta property="og:title" content="From OG"></head><body><p>x</p></body>'
    assert parse(og).headline == "From OG"
    title = b"<html><head><title>Storm hits coast | Example News</title></head><body><p>x</p>"
    assert parse(title).headline == "Storm hits coast"


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"<html><body><h1>Title</h1><script>x()</script><nav>Home</nav></body></html>",
         EmptyArticle),
        (b"<html><body>\x00\xff\xfe</body></html>", DecodeError),
        (b"", EmptyArticle),
    ],
    ids=["no-text", "binary", "empty"],
)
def test_bad_pages_are_stage_errors(raw: bytes, error: type[StageError]) -> None:
    with pytest.raises(error):
        parse(raw)


def test_a_page_without_a_headline_is_a_story_with_an_empty_headline() -> None:
    a = parse(b"<html><body><p>Only a paragraph.</p></body></html>")
    assert a.headline == "" and a.body == "Only a paragraph."


def test_a_cp1252_page_is_decoded_and_says_so() -> None:
    a = parse("<html><body><h1>Caf\u00e9 reopens</h1><p>The caf\u00e9 \u201cis back,\u201d "
              "its owner said.</p></body></html>".encode("cp1252"))
    assert a.headline == "Caf\u00e9 reopens" and "\u201cis back,\u201d" in a.body
    assert a.encoding == "cp1252"
