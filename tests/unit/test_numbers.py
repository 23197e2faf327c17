"""find_numbers on wire-copy sentences."""

from __future__ import annotations

import pytest

from agents.nlp.numbers import find_numbers
from agents.nlp.types import NumberExpr


def _one(text: str) -> NumberExpr:
    found = find_numbers(text)
    assert len(found) == 1, found
    x = found[0]
    assert text[x.start : x.end] == x.text
    return x


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("Police said 20,000 people marched.", "20,000", 20000),
        ("The index fell 1.5 points.", "1.5", 1.5),
        ("Three soldiers were wounded.", "Three", 3),
        ("Twenty-five villagers were freed.", "Twenty-five", 25),
        ("one hundred and twenty prisoners were released", "one hundred and twenty", 120),
        ("The war displaced 2.5 million people.", "2.5 million", 2_500_000),
        ("About half a million people fled.", "About half a million", 500_000),
        ("Rebels freed one and a half thousand hostages.", "one and a half thousand", 1500),
    ],
)
def test_counts(text: str, surface: str, value: float) -> None:
    x = _one(text)
    assert (x.text, x.value, x.kind) == (surface, value, "count")


@pytest.mark.parametrize(
    ("text", "surface", "value", "bound"),
    [
        ("the SDF said about 3,000 people evacuated", "about 3,000", 3000, "about"),
        ("to allow more than 20,000 civilians to leave", "more than 20,000", 20000, "at_least"),
        ("IS could have as many as 30,000 followers", "as many as 30,000", 30000, "at_most"),
        ("At least 25 people were killed", "At least 25", 25, "at_least"),
        ("killing nearly 40 people", "nearly 40", 40, "about"),
        ("an estimated 9,000 homes", "an estimated 9,000", 9000, "about"),
        ("fewer than a thousand pandas", "fewer than a thousand", 1000, "at_most"),
        ("up to 700 contract workers", "up to 700", 700, "at_most"),
        ("some 300 migrants", "some 300", 300, "about"),
        ("100 or more trucks", "100 or more", 100, "at_least"),
        ("20-odd villages", "20-odd", 20, "about"),
        ("About a dozen protesters", "About a dozen", 12, "about"),
        (
            "put the cost closer to 30 billion shillings",
            "closer to 30 billion shillings",
            3e10,
            "about",
        ),
        ("Well over 1,000 homes were flooded", "Well over 1,000", 1000, "at_least"),
        ("a deficit of just under 5 percent", "just under 5 percent", 5, "at_most"),
    ],
)
def test_bounds(text: str, surface: str, value: float, bound: str) -> None:
    x = _one(text)
    assert (x.text, x.value, x.bound) == (surface, value, bound)
    assert x.approx


@pytest.mark.parametrize(
    ("text", "surface", "low", "high"),
    [
        ("Hundreds of fighters also surrendered.", "Hundreds", 200, 999),
        ('IS still has "tens of thousands" of fighters', "tens of thousands", 20_000, 99_999),
        ("left hundreds of thousands homeless", "hundreds of thousands", 200_000, 999_999),
        ("Dozens were wounded.", "Dozens", 24, 99),
        ("Thousands marched in the capital.", "Thousands", 2000, 9999),
        ("several hundred police officers", "several hundred", 200, 999),
    ],
)
def test_vague_amounts_are_approximate_ranges(text: str, surface: str, low: int, high: int) -> None:
    x = _one(text)
    assert (x.text, x.value, x.low, x.high, x.bound, x.approx) == (
        surface,
        None,
        low,
        high,
        "range",
        True,
    )


@pytest.mark.parametrize(
    ("text", "surface", "low", "high", "kind"),
    [
        ("between 150 and 200 migrants drowned", "between 150 and 200", 150, 200, "count"),
        ("12-15 people were detained", "12-15", 12, 15, "count"),
        ("from 3 to 5 million ballots", "from 3 to 5 million", 3e6, 5e6, "count"),
        ("growth of 2 to 3 percent", "2 to 3 percent", 2, 3, "percent"),
        ("more than 10 and less than 40 boats", "more than 10 and less than 40", 10, 40, "count"),
    ],
)
def test_explicit_ranges(text: str, surface: str, low: float, high: float, kind: str) -> None:
    x = _one(text)
    assert (x.text, x.low, x.high, x.bound, x.kind) == (surface, low, high, "range", kind)


def test_score_is_not_a_range() -> None:
    assert [x.value for x in find_numbers("They won 3-2 on Sunday.")] == [3, 2]


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("a $3.5 billion loan", "$3.5 billion", 3.5e9, "USD"),
        ("pledged €200 million in aid", "€200 million", 2e8, "EUR"),
        ("1.2 trillion yuan of debt", "1.2 trillion yuan", 1.2e12, "CNY"),
        ("revenue of US$4.2bn", "US$4.2bn", 4.2e9, "USD"),
        ("a loss of £300m", "£300m", 3e8, "GBP"),
        ("fined 500,000 rupees", "500,000 rupees", 5e5, "INR"),
    ],
)
def test_money(text: str, surface: str, value: float, unit: str) -> None:
    x = _one(text)
    assert (x.text, x.value, x.kind, x.unit) == (surface, value, "money", unit)


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("Inflation rose to 12% in March", "12%", 12),
        ("unemployment hit 7 percent", "7 percent", 7),
        ("turnout of 62.3 per cent", "62.3 per cent", 62.3),
        ("Ninety percent of homes", "Ninety percent", 90),
    ],
)
def test_percentages(text: str, surface: str, value: float) -> None:
    x = _one(text)
    assert (x.text, x.value, x.kind, x.unit) == (surface, value, "percent", "%")


@pytest.mark.parametrize(
    ("text", "surface", "kind"),
    [
        ("The law was passed in 2019 by parliament.", "2019", "year"),
        ("citing 2018 figures", "2018", "year"),
        ("the 2018-19 season", "2018-19", "year"),
        ("the third round of talks", "third", "ordinal"),
        ("on the 21st floor", "21st", "ordinal"),
        ("the blast at 10:30 a.m. shook", "10:30 a.m.", "time"),
        ("talks resume at 6 p.m. local time", "6 p.m.", "time"),
        ("the shelling began at 1am and lasted hours", "1am", "time"),
        ("a curfew from 9pm to dawn", "9pm", "time"),
        ("The vote was held on March 13 as planned.", "13", "other"),
    ],
)
def test_non_count_kinds(text: str, surface: str, kind: str) -> None:
    x = _one(text)
    assert (x.text, x.kind) == (surface, kind)


def test_bound_turns_a_year_like_number_into_a_count() -> None:
    assert _one("some 2000 troops").kind == "count"


@pytest.mark.parametrize(
    "text",
    [
        "One of the victims was a teenager.",
        "No one else was hurt and someone called police.",
        "The one he chose was older.",
        "Security forces used Covid-19 rules, F-16 jets and G20 talks.",
        "The 180ml bottles and 29km road.",
        "Call +1-222-2222-2222 for details.",
        "a previous version and a next of kin",
    ],
)
def test_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("the strike at 1am", 1), ("a ceasefire from 10:30 a.m.", 10), ("by 1030 GMT", 10)],
)
def test_clock_time_value_is_the_hour(text: str, value: float) -> None:
    (x,) = [x for x in find_numbers(text) if x.kind == "time"]
    assert x.value == value


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("Officials counted 1,250 dead, 3,400 injured and 12 missing.", ["1,250", "3,400", "12"]),
        ("He was born in 1962 and served 14 years.", ["1962", "14"]),
        ("“Seven people died,” she said.", ["Seven"]),
    ],
)
def test_several_numbers_in_one_paragraph(text: str, surfaces: list[str]) -> None:
    assert [x.text for x in find_numbers(text)] == surfaces


def test_minus() -> None:
    assert _one("temperatures of minus 5 degrees").value == -5


def test_offsets_follow_the_text() -> None:
    text = "Still, about 3,000 people left and four Yazidi children were rescued."
    assert [(x.start, x.end, x.text) for x in find_numbers(text)] == [
        (7, 18, "about 3,000"),
        (35, 39, "four"),
    ]
