"""Unit tests for agents.nlp.dates: spans follow the gold convention, news means the past."""

from __future__ import annotations

from datetime import date

import pytest

from agents.nlp.dates import find_dates, resolve_dates
from agents.nlp.types import DateExpr

PUB = date(2019, 3, 13)  # a Wednesday


def texts(text: str) -> list[str]:
    return [d.text for d in find_dates(text)]


def one(text: str, published: date | None = PUB) -> DateExpr:
    found = resolve_dates(find_dates(text), published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("By Jeff Seldin March 13, 2019", ["March 13, 2019"]),
        ("The vote was held on 13 March 2019 in Dhaka.", ["13 March 2019"]),
        ("The filing, dated 2019-03-13, was released.", ["2019-03-13"]),
        ("Talks resume on Dec. 5 in Geneva.", ["Dec. 5"]),
        ("The summit is set for March 20-21, 2019 in Hanoi.", ["March 20-21, 2019"]),
        ("Inflation rose in March 2019, the bank said.", ["March 2019"]),
        ("The video was likely recorded in February in the town.", ["February"]),
        ("The ceasefire has held since May, officials said.", ["May"]),
        ("The army launched an offensive in 2018.", ["2018"]),
        ("Rebels attacked the base Wednesday, officials said.", ["Wednesday"]),
        ("He told the station on Tuesday that talks failed.", ["Tuesday"]),
        ("Earlier Wednesday, the spokesman said the town fell.", ["Earlier Wednesday"]),
        ("Troops entered the enclave late Sunday.", ["late Sunday"]),
        ("Shelling resumed Sunday night after a lull.", ["Sunday night"]),
        ("Police arrested him last Friday in Lagos.", ["last Friday"]),
        ("Two soldiers died yesterday and more today.", ["yesterday", "today"]),
        ("The general briefed lawmakers last week.", ["last week"]),
        ("Prices fell this week and will rise next week.", ["this week", "next week"]),
        ("Floods struck two days ago; aid arrived three weeks ago.", ["two days ago",
                                                                      "three weeks ago"]),
        ("Protests erupted earlier this month in the capital.", ["earlier this month"]),
        ("Reports issued starting last year warned of a comeback.", ["last year"]),
        ("Fighting eased in mid-March, residents said.", ["mid-March"]),
        ("The truce collapsed in early March 2019.", ["early March 2019"]),
    ],
)
def test_find_dates_spans(sentence: str, expected: list[str]) -> None:
    assert texts(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Officials said the strike may have killed dozens.",
        "Thousands joined a march on the capital.",
        "Protesters planned to march to parliament.",
        "Prime Minister Theresa May met the envoy.",
        "Ministers loyal to May and Johnson met.",
        "The count rose to 2019 votes.",
        "March organisers said police blocked the route.",
        "June Almeida, a virologist, spoke to reporters.",
    ],
)
def test_find_dates_ignores_words_that_are_not_dates(sentence: str) -> None:
    assert texts(sentence) == []


def test_offsets_point_into_text() -> None:
    text = "Clashes broke out on Tuesday near the border."
    (found,) = find_dates(text)
    assert text[found.start:found.end] == "Tuesday"


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("told al-Hadath TV on Tuesday", date(2019, 3, 12)),
        ("tweeted Wednesday", date(2019, 3, 13)),
        ("Earlier Wednesday, he said", date(2019, 3, 13)),
        ("posted online Sunday", date(2019, 3, 10)),
        ("the enclave late Sunday", date(2019, 3, 10)),
        ("arrested last Wednesday", date(2019, 3, 6)),
        ("will vote next Tuesday", date(2019, 3, 19)),
        ("died yesterday", date(2019, 3, 12)),
        ("attacked last night", date(2019, 3, 12)),
        ("spoke today", date(2019, 3, 13)),
        ("struck two days ago", date(2019, 3, 11)),
        ("fell three weeks ago", date(2019, 2, 20)),
        ("signed on March 1", date(2019, 3, 1)),
        ("elections due on March 20", date(2019, 3, 20)),
    ],
)
def test_resolve_single_days(sentence: str, day: date) -> None:
    found = one(sentence)
    assert (found.date, found.range_start, found.relative) == (day, None, True)


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("lawmakers last week", date(2019, 3, 4), date(2019, 3, 10)),
        ("talks this week", date(2019, 3, 11), date(2019, 3, 17)),
        ("recorded in February", date(2019, 2, 1), date(2019, 2, 28)),
        ("began in May", date(2018, 5, 1), date(2018, 5, 31)),
        ("starting last year", date(2018, 1, 1), date(2018, 12, 31)),
        ("last month", date(2019, 2, 1), date(2019, 2, 28)),
        ("earlier this month", date(2019, 3, 1), date(2019, 3, 12)),  # before the story's day
        ("last weekend", date(2019, 3, 9), date(2019, 3, 10)),
    ],
)
def test_resolve_relative_ranges(sentence: str, low: date, high: date) -> None:
    found = one(sentence)
    assert (found.date, found.range_start, found.range_end, found.relative) == (
        None, low, high, True)


def test_absolute_forms_resolve_without_article_date() -> None:
    assert one("By Jeff Seldin March 13, 2019", None).date == date(2019, 3, 13)
    assert one("on 2019-03-13", None).date == date(2019, 3, 13)
    full = one("the war: in 2018", None)
    assert (full.range_start, full.range_end, full.relative) == (
        date(2018, 1, 1), date(2018, 12, 31), False)
    month = one("in March 2019", None)
    assert (month.range_start, month.range_end) == (date(2019, 3, 1), date(2019, 3, 31))


def test_relative_forms_stay_unresolved_without_article_date() -> None:
    found = one("clashes on Tuesday", None)
    assert (found.date, found.range_start, found.relative) == (None, None, True)


def test_month_day_near_new_year_picks_previous_year() -> None:
    assert one("attacked on Dec. 28", date(2019, 1, 4)).date == date(2018, 12, 28)


def test_resolve_keeps_order_and_offsets() -> None:
    text = "On Tuesday troops advanced; by Sunday night they had withdrawn."
    found = resolve_dates(find_dates(text), PUB)
    assert [(d.text, d.date) for d in found] == [
        ("Tuesday", date(2019, 3, 12)), ("Sunday night", date(2019, 3, 10))]
    assert all(text[d.start:d.end] == d.text for d in found)


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("The Security Council will hold an emergency meeting on Thursday.", date(2019, 3, 14)),
        ("Parliament is due to vote on the deal on Monday, officials said.", date(2019, 3, 18)),
        ("The envoy is scheduled to arrive in Khartoum on Saturday.", date(2019, 3, 16)),
        ("Ministers will meet after fighting on Sunday killed 12 people.", date(2019, 3, 10)),
        ("He said on Tuesday that the army will withdraw.", date(2019, 3, 12)),
        ("The talks, which were held on Monday, will resume later.", date(2019, 3, 11)),
    ],
)
def test_future_markers_resolve_forward_with_text(sentence: str, day: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), PUB, sentence)
    assert found.date == day


def test_future_month_and_past_default() -> None:
    text = "The electoral commission said the vote will take place in December."
    (ahead,) = resolve_dates(find_dates(text), PUB, text)
    assert (ahead.range_start, ahead.range_end) == (date(2019, 12, 1), date(2019, 12, 31))
    (past,) = resolve_dates(find_dates(text), PUB)  # without the text: news means the past
    assert past.range_start == date(2018, 12, 1)


@pytest.mark.parametrize(
    ("sentence", "span", "low", "high"),
    [
        ("Gunmen killed 12 villagers over the weekend, police said.", "the weekend",
         date(2019, 3, 9), date(2019, 3, 10)),
        ("Protests spread during the weekend to three more cities.", "the weekend",
         date(2019, 3, 9), date(2019, 3, 10)),
    ],
)
def test_the_weekend_is_the_last_one(sentence: str, span: str, low: date, high: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), PUB, sentence)
    assert (found.text, found.range_start, found.range_end) == (span, low, high)


def test_the_weekend_ahead_with_future_marker() -> None:
    text = "Opposition leaders will rally supporters over the weekend."
    (found,) = resolve_dates(find_dates(text), PUB, text)
    assert (found.range_start, found.range_end) == (date(2019, 3, 16), date(2019, 3, 17))


def test_overnight_is_the_article_date() -> None:
    # The night that ends on the article date: wire copy reports overnight strikes the
    # morning they end.
    text = "Russian drones struck energy facilities in Odesa overnight, officials said."
    (found,) = resolve_dates(find_dates(text), PUB, text)
    assert (found.text, found.date) == ("overnight", PUB)


@pytest.mark.parametrize(
    "sentence",
    [
        "Authorities imposed an overnight curfew in the capital.",
        "The central bank left the overnight rate unchanged.",
        "The minister made an overnight visit to Kyiv.",
    ],
)
def test_overnight_as_adjective_is_not_a_date(sentence: str) -> None:
    assert texts(sentence) == []


@pytest.mark.parametrize(("sentence", "low", "high"), [
    # "earlier this month" is before the story's day, not including it.
    ("Earlier this month, a guided bomb hit a school.", date(2019, 3, 1), date(2019, 3, 12)),
    ("Talks collapsed in December last year.", date(2018, 12, 1), date(2018, 12, 31)),
    ("The war began in April last year.", date(2018, 4, 1), date(2018, 4, 30)),
])
def test_earlier_this_month_and_a_month_last_year(sentence: str, low: date, high: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), PUB, sentence)
    assert (found.range_start, found.range_end) == (low, high)


@pytest.mark.parametrize(("sentence", "day"), [
    # Reported future: "said X would ..." looks ahead from the day it was said.
    ("He said President Tayyip Erdogan would visit the region on Saturday.", date(2019, 3, 16)),
    ("The LSK said it would file a petition on Friday.", date(2019, 3, 15)),
])
def test_would_looks_ahead(sentence: str, day: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), PUB, sentence)
    assert found.date == day


def test_an_expected_or_threatened_month_is_ahead() -> None:
    text = "Analysts said they expected the first rate cut in July."
    (found,) = resolve_dates(find_dates(text), PUB, text)
    assert found.range_start == date(2019, 7, 1)
    text = "It warned that it could be forced to cut rations from January."
    (found,) = resolve_dates(find_dates(text), date(2024, 11, 27), text)
    assert found.range_start == date(2025, 1, 1)


# Periods, spans and bare years: sentences from real wire copy (VOA, 2008-2020).
@pytest.mark.parametrize(("sentence", "published", "span", "low", "high"), [
    ("Consumer spending surged 3.4 percent in the first quarter.", date(2013, 5, 30),
     "the first quarter", date(2013, 1, 1), date(2013, 3, 31)),
    ("The economy advanced 2.4 percent in the January-to-March period.", date(2013, 5, 30),
     "the January-to-March period", date(2013, 1, 1), date(2013, 3, 31)),
    ("Growth may be two percent or less in the April-to-June quarter.", date(2013, 5, 30),
     "the April-to-June quarter", date(2013, 4, 1), date(2013, 6, 30)),
    ("Profits fell in the third quarter of 2019.", date(2020, 2, 1),
     "the third quarter of 2019", date(2019, 7, 1), date(2019, 9, 30)),
    ("Sales rose in the fourth quarter, the company said.", date(2020, 2, 1),
     "the fourth quarter", date(2019, 10, 1), date(2019, 12, 31)),
    ("It was the fastest growth in the past two years.", date(2013, 5, 30),
     "the past two years", date(2011, 5, 30), date(2013, 5, 30)),
    ("It was the worst slump since the Great Depression of the 1930s.", date(2013, 5, 30),
     "the 1930s", date(1930, 1, 1), date(1939, 12, 31)),
    ("Economists expect growth to pick up in the latter half of the year.", date(2013, 5, 30),
     "the latter half of the year", date(2013, 7, 1), date(2013, 12, 31)),
    ("Output shrank in the first three months of the year.", date(2013, 5, 30),
     "the first three months of the year", date(2013, 1, 1), date(2013, 3, 31)),
    ("2014 has been marked by a drastic decline in freedom.", date(2015, 2, 12),
     "2014", date(2014, 1, 1), date(2014, 12, 31)),
    ("Bozize first seized power in a 2003 coup.", date(2011, 2, 2),
     "2003", date(2003, 1, 1), date(2003, 12, 31)),
    ("Apprehensions reached the highest total of the 2019 fiscal year.", date(2019, 10, 8),
     "the 2019 fiscal year", date(2018, 10, 1), date(2019, 9, 30)),
    ("Kepler was launched in March of 2009.", date(2016, 7, 19),
     "March of 2009", date(2009, 3, 1), date(2009, 3, 31)),
    ("Kenyan troops entered Somalia two years ago.", date(2013, 9, 22),
     "two years ago", date(2011, 1, 1), date(2011, 12, 31)),
    ("Earlier this year, the administration announced a deal.", date(2019, 10, 8),
     "Earlier this year", date(2019, 1, 1), date(2019, 10, 8)),
    ("Prices rose between 2010 and 2015.", date(2019, 3, 13),
     "2010 and 2015", date(2010, 1, 1), date(2015, 12, 31)),
    ("Rains fell from March to May.", date(2019, 6, 13),
     "March to May", date(2019, 3, 1), date(2019, 5, 31)),
    ("Refugee numbers swelled this summer.", date(2019, 9, 13),
     "this summer", date(2019, 6, 1), date(2019, 8, 31)),
    ("Shortages began last winter.", date(2019, 9, 13),
     "last winter", date(2018, 12, 1), date(2019, 2, 28)),
    ("Producers agreed to extend cuts of nearly 10 million barrels a day through July.",
     date(2020, 6, 6), "July", date(2020, 7, 1), date(2020, 7, 31)),
])
def test_periods_spans_and_bare_years(
    sentence: str, published: date, span: str, low: date, high: date
) -> None:
    (found,) = resolve_dates(find_dates(sentence), published, sentence)
    assert (found.text, found.range_start, found.range_end) == (span, low, high)


@pytest.mark.parametrize(("sentence", "published", "span", "day"), [
    ("Greece must make a payment on its debt by March twentieth.", date(2012, 2, 23),
     "March twentieth", date(2012, 3, 20)),
    ("OPEC extended the cuts until the end of June.", date(2020, 6, 6),
     "the end of June", date(2020, 6, 30)),
    ("He addressed a news conference earlier in the day.", date(2020, 6, 27),
     "earlier in the day", date(2020, 6, 27)),
])
def test_single_days_of_longer_forms(sentence: str, published: date, span: str, day: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), published, sentence)
    assert (found.text, found.date) == (span, day)


def test_the_day_before_is_next_to_the_day_last_named() -> None:
    text = ("Protesters gathered Sunday, a day after deadly protests. Mousavi had urged "
            "supporters to stay calm after the deadly protests the day before.")
    found = resolve_dates(find_dates(text), date(2009, 6, 22), text)
    assert [(d.text, d.date) for d in found] == [
        ("Sunday", date(2009, 6, 21)), ("the day before", date(2009, 6, 20))]


@pytest.mark.parametrize("sentence", [
    "The count rose to 2019 votes.",
    "The Arab Spring swept the region.",
    "Prices saw a fall in March.",
])
def test_counts_and_names_are_no_periods(sentence: str) -> None:
    assert texts(sentence) in ([], ["March"])


def test_the_month_after_next_is_ahead_when_the_lead_in_points_forward() -> None:
    text = "WFP said it cuts rations for refugees in Chad from January."
    (found,) = resolve_dates(find_dates(text), date(2024, 11, 27), text)
    assert found.range_start == date(2025, 1, 1)
    text = "The rebellion began in May."
    (found,) = resolve_dates(find_dates(text), date(2019, 3, 13), text)
    assert found.range_start == date(2018, 5, 1)


def test_the_past_24_hours_touches_two_days() -> None:
    text = "Officials said fighting eased in the past 24 hours."
    (found,) = resolve_dates(find_dates(text), date(2019, 3, 13), text)
    assert (found.text, found.range_start, found.range_end) == (
        "the past 24 hours", date(2019, 3, 12), date(2019, 3, 13))


@pytest.mark.parametrize(("sentence", "span", "low", "high"), [
    ("Talks will continue in the coming weeks.", "the coming weeks",
     date(2019, 10, 8), date(2019, 11, 5)),
    ("Violence has grown in recent years.", "recent years",
     date(2016, 1, 1), date(2019, 10, 8)),
    ("The war ended two decades ago.", "two decades ago", date(1999, 1, 1), date(1999, 12, 31)),
    ("Sales fell 5 percent from a year earlier.", "a year earlier",
     date(2018, 1, 1), date(2018, 12, 31)),
])
def test_vague_and_counted_spans(sentence: str, span: str, low: date, high: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), date(2019, 10, 8), sentence)
    assert (found.text, found.range_start, found.range_end) == (span, low, high)


def test_later_and_the_same_year_follow_the_story() -> None:
    text = "The army entered on Monday. Two days later, the army withdrew."
    found = resolve_dates(find_dates(text), date(2019, 10, 8), text)
    assert [(d.text, d.date) for d in found] == [
        ("Monday", date(2019, 10, 7)), ("Two days later", date(2019, 10, 9))]
    text = "They met in 2015 and married the following year."
    found = resolve_dates(find_dates(text), date(2019, 10, 8), text)
    assert [(d.text, d.range_start) for d in found] == [
        ("2015", date(2015, 1, 1)), ("the following year", date(2016, 1, 1))]


def test_that_year_is_the_year_last_named() -> None:
    text = ("Mass protests against tax increases last year left at least 60 people dead and "
            "forced Ruto to withdraw that year's finance bill.")
    found = resolve_dates(find_dates(text), date(2025, 3, 6), text)
    assert [(d.text, d.range_start) for d in found] == [
        ("last year", date(2024, 1, 1)), ("that year", date(2024, 1, 1))]


def test_a_season_of_a_year() -> None:
    text = "The region was hit by floods in the spring of 2010 and by a smaller quake in 2003."
    found = resolve_dates(find_dates(text), date(2011, 10, 25), text)
    assert [(d.text, d.range_start, d.range_end) for d in found] == [
        ("the spring of 2010", date(2010, 3, 1), date(2010, 5, 31)),
        ("2003", date(2003, 1, 1), date(2003, 12, 31)),
    ]


def test_the_end_of_the_year_is_its_last_day() -> None:
    text = "Aid agencies appealed for $203 million to cover needs through the end of the year."
    (found,) = resolve_dates(find_dates(text), date(2021, 7, 10), text)
    assert (found.text, found.date) == ("end of the year", date(2021, 12, 31))


@pytest.mark.parametrize(("sentence", "span", "low", "high"), [
    ("For the first nine months, the economy expanded 6.9 percent.", "the first nine months",
     date(2015, 1, 1), date(2015, 9, 30)),
    ("The central bank has cut interest rates five times since November.", "November",
     date(2014, 11, 1), date(2014, 11, 30)),
])
def test_first_months_and_since_next_month(
    sentence: str, span: str, low: date, high: date
) -> None:
    (found,) = resolve_dates(find_dates(sentence), date(2015, 10, 19), sentence)
    assert (found.text, found.range_start, found.range_end) == (span, low, high)


@pytest.mark.parametrize(("sentence", "span", "low", "high"), [
    ("Profits fell last quarter.", "last quarter", date(2015, 7, 1), date(2015, 9, 30)),
    ("Sales should rise in the current quarter.", "the current quarter",
     date(2015, 10, 1), date(2015, 12, 31)),
])
def test_quarters_named_from_the_article_date(
    sentence: str, span: str, low: date, high: date
) -> None:
    (found,) = resolve_dates(find_dates(sentence), date(2015, 10, 19), sentence)
    assert (found.text, found.range_start, found.range_end) == (span, low, high)


def test_a_year_shaped_compound_is_no_year() -> None:
    assert texts("The army deployed a 2000-strong force.") == []


def test_the_following_week_follows_the_day_last_named() -> None:
    text = "He was arrested on Sept. 3 and resigned the following week."
    found = resolve_dates(find_dates(text), date(2019, 10, 8), text)
    assert [(d.text, d.date, d.range_start, d.range_end) for d in found] == [
        ("Sept. 3", date(2019, 9, 3), None, None),
        ("the following week", None, date(2019, 9, 9), date(2019, 9, 15)),
    ]


def test_centuries() -> None:
    text = "It was the worst famine of the 20th century, not a 21st-century one."
    (found,) = resolve_dates(find_dates(text), date(2019, 10, 8), text)
    assert (found.text, found.range_start, found.range_end) == (
        "the 20th century", date(1900, 1, 1), date(1999, 12, 31))


@pytest.mark.parametrize("sentence", [
    "It happened 999 decades ago.",
    "Records go back over the past 999 decades.",
])
def test_spans_before_the_calendar_stay_unresolved(sentence: str) -> None:
    (found,) = resolve_dates(find_dates(sentence), date(2019, 1, 10), sentence)
    assert (found.date, found.range_start, found.relative) == (None, None, True)


def test_last_winter_in_january_is_the_one_before() -> None:
    (found,) = resolve_dates(find_dates("Snow fell last winter."), date(2019, 1, 10))
    assert (found.range_start, found.range_end) == (date(2017, 12, 1), date(2018, 2, 28))


@pytest.mark.parametrize(("sentence", "span", "day"), [
    ("The talks opened on the 5th of January 2020.", "the 5th of January 2020",
     date(2020, 1, 5)),
    ("Shops closed on Christmas Day.", "Christmas Day", date(2019, 12, 25)),
    ("Fireworks lit the sky on New Year's Eve.", "New Year's Eve", date(2019, 12, 31)),
])
def test_day_of_month_and_holidays(sentence: str, span: str, day: date) -> None:
    (found,) = resolve_dates(find_dates(sentence), date(2019, 12, 28), sentence)
    assert (found.text, found.date) == (span, day)


@pytest.mark.parametrize(
    "window",
    ["the minister will chair", "THEY SHALL MEET", "it'll open", "they’ll vote",
     "talks would resume", "It Could Close", "the bank expects", "is due to\tmeet",
     "are scheduled\nto", "plans to hold", "has vowed to strike", "the ınquiry intends to",
     "ıt's set to"],
)
def test_future_precheck_never_hides_a_marker(window: str) -> None:
    from agents.nlp.date_resolve import _FUTURE_RE, _may_look_ahead

    assert _FUTURE_RE.search(window) is not None
    assert _may_look_ahead(window)


def test_future_precheck_skips_a_plain_past_clause() -> None:
    from agents.nlp.date_resolve import _may_look_ahead

    assert not _may_look_ahead("Rockets struck districts of Kharkiv, witnesses said on")
