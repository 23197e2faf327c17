"""The ingest boundary: plain wire text into an Article, and bad input into StageErrors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agents.errors import DecodeError, EmptyArticle, StageError, TooLarge
from agents.parse import RawMeta, article_id, parse_article
from tests.conftest import NOW

META = RawMeta(source="file", source_id="000_b2a761b75249ca77.txt")
RECEIVED = RawMeta(source="file", source_id="x.txt", received_at=NOW)  # 2019-03-13


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
        (b"\x00\x01\x02\x03\xff\xfe binary", DecodeError),
        (b"Join the GlobalSecurity.org mailing list", EmptyArticle),
        (b"Accessibility links\n\nBreaking News\n\nShare\n\nx", EmptyArticle),
        (b"By Jane Doe\n\ndate 2019-05-15", EmptyArticle),
    ],
    ids=["empty", "blank", "binary", "nul-bytes", "furniture-only", "page-chrome-only",
         "byline-and-metadata-only"],
)
def test_malformed_inputs_raise_stage_errors(raw: bytes, error: type[StageError]) -> None:
    with pytest.raises(error):
        parse(raw)


def test_five_megabytes_of_text_is_too_large() -> None:
    raw = b"Headline\n\n" + b"word " * 1_000_000
    with pytest.raises(TooLarge, match="limit"):
        parse(raw, max_bytes=2_000_000)


def test_large_but_allowed_text_parses() -> None:
    raw = b"Headline\n\n" + b"".join(
        b"Paragraph %d of the story. " % i + b"A sentence of the story. " * 40 + b"\n\n"
        for i in range(1000))
    assert parse(raw, max_bytes=5_000_000).body.count("\n\n") == 999


def test_raw_meta_round_trips_through_headers() -> None:
    meta = RawMeta(source="ap", source_id="x1", format="text", received_at=NOW)
    assert RawMeta.from_headers(meta.to_headers()) == meta
    dated = RawMeta(source="ap", source_id="x1", published=datetime(2008, 5, 7, tzinfo=UTC))
    assert RawMeta.from_headers(dated.to_headers()) == dated


def test_ap_dateline_without_year_dates_the_story_in_the_year_it_arrived() -> None:
    raw = (b"Talks resume\n\nGENEVA, Aug. 14 (AP) \xe2\x80\x94 Mediators reopened talks on "
           b"Wednesday.")
    a = parse(raw, meta=RECEIVED)  # Aug. 14 would be after 2019-03-13, so 2018
    assert a.published is not None and a.published.date().isoformat() == "2018-08-14"
    assert a.published_source == "text"
    assert a.dateline == "GENEVA, Aug. 14 (AP)"
    # Without a date the message carries, the year is unknown: never the clock's year.
    assert parse(raw).published is None


def test_a_reuters_dateline_with_two_cities_dates_the_story() -> None:
    # Reuters datelines name two cities when a story is reported from both.
    raw = (b"Strikes kill dozens\n\nCAIRO/GAZA, Jan 5 (Reuters) - Israeli air strikes killed "
           b"at least 45 Palestinians on Sunday, health officials said.")
    a = parse(raw, meta=RECEIVED)
    assert a.dateline == "CAIRO/GAZA, Jan 5 (Reuters)"
    assert a.published is not None and a.published.date().isoformat() == "2019-01-05"
    assert a.body.startswith("CAIRO/GAZA, Jan 5 (Reuters) - Israeli")


def test_the_outlet_after_a_byline_name_is_not_a_person() -> None:
    raw = (b"Protests in Nairobi\n\nBy Evelyne Musambi, Associated Press\n\nNAIROBI, Kenya (AP) "
           b"\xe2\x80\x94 Thousands marched on Tuesday.")
    assert parse(raw).byline == ["Evelyne Musambi"]
    raw2 = (b"Floods\n\nBy Reuters Staff\n\nVAN, Turkey (Reuters) - Floods hit the city.")
    assert parse(raw2).byline == []


# --- Real pages: furniture, metadata lines, bylines without "By", no headline ---------------
# (texts cut from the dev corpus, shared/gold/dev: VOA stories as copied from the web page)

def test_page_chrome_above_the_headline_is_dropped() -> None:
    raw = (b"Accessibility links\n\nBreaking News\n\nWorld Offers Aid to Burma as Cyclone Death "
           b"Toll Tops 22,000\n\nThe international community is offering aid to military-ruled "
           b"Burma as the death toll from Saturday's cyclone has risen to nearly 22,500.\n")
    a = parse(raw)
    assert a.headline == "World Offers Aid to Burma as Cyclone Death Toll Tops 22,000"
    assert a.body.startswith("The international community") and "Breaking" not in a.body


def test_a_text_that_starts_with_its_first_paragraph_has_no_headline() -> None:
    raw = (b"The electoral commission in the Central African Republic says the president has "
           b"been re-elected with nearly thirds of the vote. Opposition candidates are "
           b"challenging the results.\n\nThe electoral commission says provisional results "
           b"from January's vote show President Francois Bozize has won re-election.")
    a = parse(raw)
    assert a.headline == "" and a.body.startswith("The electoral commission in the Central")
    assert len(a.body.split("\n\n")) == 2


def test_a_lowercase_metadata_line_is_read_not_taken_for_the_headline() -> None:
    raw = ("date 2020-06-27\n\nBLANTYRE, MALAWI - In Malawi, the leader of the opposition "
           "Malawi Congress Party (MCP), Lazarus Chakwera, won the country\u2019s historic "
           "presidential election rerun.\n\nChifundo Kachale, chairperson for Malawi Electoral "
           "Commission announced the winner Saturday night in Blantyre.").encode()
    a = parse(raw)
    assert a.headline == "" and a.body.startswith("BLANTYRE, MALAWI - In Malawi")
    assert a.published is not None and a.published.date().isoformat() == "2020-06-27"
    assert a.published_source == "text" and "date 2020" not in a.body


def test_several_short_lines_without_full_stops_are_a_headline_and_a_story() -> None:
    raw = b"Storm warning for the coast\nSchools closed on Monday\nRoads flooded near the river"
    a = parse(raw)
    assert a.headline == "Storm warning for the coast"
    assert a.body == "Schools closed on Monday\n\nRoads flooded near the river"
    spaced = parse(raw.replace(b"\n", b"\n\n"))
    assert (spaced.headline, spaced.body) == (a.headline, a.body)


def test_one_line_is_a_one_line_story() -> None:
    a = parse(b"Quake of magnitude 6 hits eastern Turkey")
    assert a.headline == "" and a.body == "Quake of magnitude 6 hits eastern Turkey"


def test_single_newline_paragraphs_are_paragraphs_and_hard_wraps_are_joined() -> None:
    raw = (b"Talks resume in Geneva\nBy Jane Doe\nDiplomats met on Friday to reopen the talks.\n"
           b"They meet again on Monday.")
    a = parse(raw)
    assert (a.headline, a.byline) == ("Talks resume in Geneva", ["Jane Doe"])
    assert a.body == "Diplomats met on Friday to reopen the talks.\n\nThey meet again on Monday."
    wrapped = (b"Talks resume\n\nDiplomats from both sides met in Geneva on Friday to reopen\n"
               b"the talks that broke down in March, officials said, and they\n"
               b"agreed to meet again on Monday.")
    assert parse(wrapped).body.count("\n") == 0


def test_captions_printed_twice_video_players_and_a_bare_byline_are_read() -> None:
    caption = ("Former Liberian President Charles Taylor listens to the judge at the opening of "
               "the sentencing judgement hearing at the court in Leidschendam, near The Hague, "
               "May 30, 2012.")
    raw = "\n\n".join([
        "News / Africa", "Liberia's Taylor Sentenced to 50 Years for War Crimes",
        f"{caption} {caption}", "x", caption, caption, "Lisa Bryant",
        "PARIS - Former Liberian president Charles Taylor has been sentenced to 50 years in "
        "prison.", "Watch related video of Taylor sentencing", "|| 0:00:00", "X",
        "May 30, 2012 2:07 PM",
        "A special tribunal has sentenced former Liberian president Charles Taylor to 50 "
        "years in prison for war crimes.",
        "Dressed in a dark blue suit and yellow tie, Taylor listened somberly.",
    ]).encode()
    a = parse(raw)
    assert a.headline == "Liberia's Taylor Sentenced to 50 Years for War Crimes"
    assert a.byline == ["Lisa Bryant"] and a.section == "News / Africa"
    assert a.published is not None and a.published.date().isoformat() == "2012-05-30"
    assert a.body.split("\n\n") == [
        "PARIS - Former Liberian president Charles Taylor has been sentenced to 50 years in "
        "prison.", "Dressed in a dark blue suit and yellow tie, Taylor listened somberly."]
    assert a.dateline == "PARIS"


def test_an_outlet_line_under_the_headline_or_at_the_foot_is_the_byline() -> None:
    story = ("The Ebola epidemic\u2019s death toll has climbed to at least 4,922 out of 10,141 "
             "known cases in eight countries, the World Health Organization reported Saturday.")
    top = parse(f"Ebola Death Toll Nears 5,000 as Virus Advances\n\nVOA News\n\n{story}".encode())
    assert top.byline == ["VOA News"] and top.headline.startswith("Ebola Death Toll")
    foot = parse(("US Economy Advancing, but Less Than First Estimate\n\n" + story +
                  "\n\nThe U.S. economy grew modestly.\n\nVOA News\n\nThe Voice of America "
                  "provides news and information in more than 40 languages. Stories with the "
                  "VOA News byline are the work of multiple VOA journalists.").encode())
    assert foot.byline == ["VOA News"] and foot.body.endswith("The U.S. economy grew modestly.")


def test_related_links_sign_ons_and_credited_captions_are_furniture() -> None:
    raw = (b"European Ministers Agree to Loan Greece Another $172 Billion\n\n"
           b"Download this story as a PDF\n\nThis is the VOA Special English Economics Report.\n\n"
           b"European finance ministers agreed to loan Greece about one hundred seventy-two "
           b"billion dollars this week at a meeting in Brussels.\n\n"
           b"Malawi Electoral Commission chairperson Chifundo Kachale announces presidential "
           b"election rerun results in Blantyre, Malawi, June 27, 2020. (Lameck Masina/VOA)\n\n"
           b"Dozens of peacekeeping troops were killed in those attacks.\n\nYou May Like\n\n"
           b"US Leaders Who Served in Vietnam War Look Back and Ahead")
    a = parse(raw)
    assert a.headline.startswith("European Ministers Agree")
    assert a.body.split("\n\n") == [
        "European finance ministers agreed to loan Greece about one hundred seventy-two "
        "billion dollars this week at a meeting in Brussels.",
        "Dozens of peacekeeping troops were killed in those attacks."]


def test_a_reporter_sign_in_in_the_lead_is_the_byline() -> None:
    raw = (b"Taliban Claims Responsibility for Pakistan Bombings\n\nTwo powerful suicide bomb "
           b"blasts near the Pakistani capital have killed at least 64 people. VOA's Ayaz Gul "
           b"reports from the capital.")
    assert parse(raw).byline == ["Ayaz Gul"]


def test_a_contributor_line_above_the_story_is_the_credit() -> None:
    raw = (b"Trump Administration Touts Drop in US Border Arrivals\n\nVOA's Victoria Macchi "
           b"contributed to this report.\n\nThe Trump administration is touting a drop in "
           b"enforcement actions along the U.S.-Mexico border.")
    a = parse(raw)
    assert a.credit == "VOA's Victoria Macchi contributed to this report."
    assert a.body.startswith("The Trump administration")


# --- Encodings -------------------------------------------------------------------------------

def test_cp1252_and_latin1_text_is_decoded_and_the_encoding_recorded() -> None:
    text = ("Caf\u00e9 owners protest in Paris\n\nThe owners of the caf\u00e9s \u201cwill not "
            "close,\u201d said Ren\u00e9 Dupr\u00e9, whose cr\u00e8me br\u00fbl\u00e9e is famous.")
    a = parse(text.encode("cp1252"))
    assert a.headline == "Caf\u00e9 owners protest in Paris" and a.body == text.split("\n\n")[1]
    assert a.encoding == "cp1252"
    assert parse(b"caf\xe9 au lait").body == "caf\u00e9 au lait"
    assert parse(text.encode()).encoding == "utf-8"


def test_utf16_with_a_byte_order_mark_is_text() -> None:
    a = parse("Talks resume\n\nDiplomats met on Friday.".encode("utf-16"))
    assert (a.headline, a.body, a.encoding) == ("Talks resume", "Diplomats met on Friday.",
                                                "utf-16")


# --- The story's date: the text, then the message, never the clock ------------------------

STORY = b"Talks resume in Geneva\n\nDiplomats met on Tuesday to reopen the talks."


def test_without_any_date_the_story_is_undated() -> None:
    a = parse(STORY)
    assert a.published is None and a.published_source == "none"


def test_a_date_given_with_the_message_dates_an_undated_text() -> None:
    given = datetime(2008, 5, 7, tzinfo=UTC)
    a = parse(STORY, meta=RawMeta(source="file", source_id="x", published=given))
    assert (a.published, a.published_source) == (given, "header")


def test_the_texts_own_date_wins_over_a_given_one() -> None:
    raw = b"Talks resume in Geneva\n\nPublished March 13, 2019\n\nDiplomats met on Tuesday."
    meta = RawMeta(source="file", source_id="x", published=datetime(2008, 5, 7, tzinfo=UTC))
    a = parse(raw, meta=meta)
    assert a.published is not None and a.published.date().isoformat() == "2019-03-13"
    assert a.published_source == "text"


def test_the_received_at_header_is_the_date_of_last_resort() -> None:
    a = parse(STORY, meta=RECEIVED)
    assert (a.published, a.published_source) == (NOW, "received")


def test_other_legacy_code_pages_are_detected() -> None:
    text = "\u041c\u043e\u0441\u043a\u0432\u0430 \u0437\u0430\u044f\u0432\u0438\u043b\u0430 \u043e \u043d\u043e\u0432\u044b\u0445 \u0441\u0430\u043d\u043a\u0446\u0438\u044f\u0445 \u043f\u0440\u043e\u0442\u0438\u0432 \u0441\u0442\u0440\u0430\u043d\u044b."  # noqa: E501
    a = parse(text.encode("cp1251"))
    assert (a.body, a.encoding) == (text, "cp1251")


def test_a_list_of_headline_lines_of_different_lengths_is_not_one_wrapped_paragraph() -> None:
    raw = (b"Floods in Kenya: what we know so far about the rains\n"
           b"At least 38 people killed since Monday in Nairobi and the west\n"
           b"Schools closed for a week\n"
           b"Red Cross appeals for help for more than 11,000 families")
    a = parse(raw)
    assert a.headline == "Floods in Kenya: what we know so far about the rains"
    assert len(a.body.split("\n\n")) == 3


def test_a_name_and_date_line_without_by_is_the_byline_and_date() -> None:
    raw = (b"Liberia's Taylor Sentenced to 50 Years for War Crimes\n\nLisa Bryant | May 30, 2012 "
           b"2:07 PM\n\nPARIS - Former Liberian president Charles Taylor has been sentenced.")
    a = parse(raw)
    assert a.byline == ["Lisa Bryant"] and a.headline.startswith("Liberia's Taylor")
    assert a.published is not None and a.published.date().isoformat() == "2012-05-30"


def test_bylines_with_a_place_and_datelines_on_their_own_line() -> None:
    guardian = parse(b"Floods kill 40 in Kenya as rains batter east Africa\n\n"
                     b"Jane Doe in Nairobi\n\nMon 13 Mar 2019 10.41 GMT\n\n"
                     b"Floods have killed at least 40 people.")
    assert guardian.byline == ["Jane Doe"] and guardian.headline.startswith("Floods kill 40")
    assert guardian.published is not None and guardian.published.day == 13
    cnn = parse(b"Floods kill 40 in Kenya\n\nBy Jane Doe, CNN\n\nUpdated 10:41 AM EDT, Wed March "
                b"13, 2019\n\nNairobi, Kenya CNN \xe2\x80\x94\n\nFloods have killed 40 people.")
    assert (cnn.headline, cnn.byline, cnn.dateline) == ("Floods kill 40 in Kenya", ["Jane Doe"],
                                                        "Nairobi, Kenya CNN")
    assert cnn.published is not None and cnn.published.date().isoformat() == "2019-03-13"


def test_a_lead_that_mentions_writing_is_not_a_credit() -> None:
    raw = (b"Sea levels rising faster\n\nWriting in the journal Nature, scientists led by Jane "
           b"Doe said on Monday that seas are rising faster.\n\nThe study used satellite data.")
    a = parse(raw)
    assert a.credit is None and a.body.startswith("Writing in the journal Nature")


@pytest.mark.parametrize(
    "line",
    ["plain line", "two  spaces", "a\ttab", "nbsp\u00a0here", "thin\u2009space", "", " edge ",
     "curly “quotes” only", "em\u3000space"],
)
def test_fold_spaces_is_the_regex_fold(line: str) -> None:
    from agents.parse import _SPACES, _fold_spaces

    assert _fold_spaces(line) == _SPACES.sub(" ", line)
