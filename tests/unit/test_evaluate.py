"""The evaluator: FORMAT.md's matching rules, micro totals, gold loading and reports."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from agents.evaluate import (
    EvalError,
    GoldArticle,
    evaluate,
    explain,
    load_gold,
    render_table,
    score_article,
    score_corpus,
)
from agents.scoring import content_words, jaccard, normalise_name, quote_tokens
from agents.scoring_text import names_a_person

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "eval"
SEED_GOLD = Path("/work/shared/gold/seed.json")


def quote(text: str, speaker: str | None = None, kind: str = "direct", **extra: Any) -> dict:
    return {"text": text, "kind": kind, "speaker": speaker, **extra}


def figure(
    text: str,
    value: float | None,
    unit: str | None,
    bound: str = "exact",
    low: float | None = None,
    high: float | None = None,
    **extra: Any,
) -> dict:
    return {
        "text": text,
        "value": value,
        "low": low,
        "high": high,
        "bound": bound,
        "unit": unit,
        **extra,
    }


def event(type_: str, place: str | None, date: str | None = None, **extra: Any) -> dict:
    return {"type": type_, "trigger": "x", "place": place, "date": date, **extra}


def predicted_for(gold_article: GoldArticle) -> dict:
    """The fixture prediction of a fixture gold file, as `wiredesk process` would print it."""
    return json.loads((FIXTURES / "pred" / gold_article.path.name).read_text())


# --- quotes -------------------------------------------------------------------------


def test_quote_tokens_ignore_case_and_punctuation() -> None:
    assert quote_tokens("They're here, NOW!") == quote_tokens("they’re here now")
    # Punctuation is dropped, not a word break: "al-Shabab" is one token on both sides.
    assert quote_tokens("Al-Shabab's $5 fee (100%)") == {"alshababs", "5", "fee", "100"}


@pytest.mark.parametrize(
    ("pred_text", "matched"),
    [
        ("one two three four five six seven eight nine ten", True),  # 6/10 = 0.6: on the edge
        ("one two three four five six seven eight nine ten eleven", False),  # 6/11 < 0.6
    ],
)
def test_quote_jaccard_threshold_is_inclusive(pred_text: str, matched: bool) -> None:
    gold = {"quotes": [quote("One, two three; four five six.")]}
    scores = score_article(gold, {"quotes": [quote(pred_text)]})["quotes"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == ((1, 0, 0) if matched else (0, 1, 1))


def test_quotes_match_one_to_one_by_best_jaccard() -> None:
    gold = {"quotes": [quote("a b c d e"), quote("a b c d e f")]}
    pred = {"quotes": [quote("a b c d e f"), quote("a b c d")]}
    # "a b c d e f" pairs with its exact twin (1.0), leaving "a b c d" for "a b c d e" (0.8).
    scores = score_article(gold, pred)["quotes"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 0, 0)
    one = score_article({"quotes": [quote("a b c d e")]}, pred)["quotes"]
    assert (one["tp"], one["fp"], one["fn"]) == (1, 1, 0)


@pytest.mark.parametrize(
    ("gold_speaker", "pred_speaker", "right"),
    [
        ("Mustafa Bali", "Bali", True),  # one is the other's last name
        ("Bali", "Mustafa Bali", True),
        ("Joseph Votel", "Gen. Joseph Votel", True),  # titles are dropped
        ("the mayor", "Mayor", True),  # a leading "the" is dropped
        ("U.S. defense officials", "US defense officials", True),
        (None, None, True),  # an unattributed quote predicted unattributed is right
        (None, "Bali", False),
        ("Mustafa Bali", None, False),
        ("Mustafa Bali", "Zana Amedi", False),
        ("Mustafa Bali", "Mustafa", False),  # a first name is not a last name
    ],
)
def test_speaker_rules(gold_speaker: str | None, pred_speaker: str | None, right: bool) -> None:
    scores = score_article(
        {"quotes": [quote("we held", gold_speaker)]}, {"quotes": [quote("we held", pred_speaker)]}
    )["quotes"]
    assert scores["speaker_acc"] == (1.0 if right else 0.0)


def test_speaker_matches_through_gold_aliases() -> None:
    gold = {
        "quotes": [quote("attacks were repelled", "Syrian Democratic Forces")],
        "entities": [{"name": "Syrian Democratic Forces", "type": "ORG", "aliases": ["SDF"]}],
    }
    assert (
        score_article(gold, {"quotes": [quote("attacks were repelled", "SDF")]})["quotes"][
            "speaker_acc"
        ]
        == 1.0
    )
    assert (
        score_article(gold, {"quotes": [quote("attacks were repelled", "YPG")]})["quotes"][
            "speaker_acc"
        ]
        == 0.0
    )


def test_speaker_aliases_are_the_articles_not_the_predictions() -> None:
    """FORMAT.md: "resolve to the same entity through the article's aliases" (the gold's)."""
    gold = {"quotes": [quote("both attacks had been repelled", "Syrian Democratic Forces")]}
    pred = {
        "quotes": [quote("both attacks had been repelled", "the Kurdish-led force")],
        "entities": [
            {"name": "Syrian Democratic Forces", "type": "ORG", "aliases": ["Kurdish-led force"]}
        ],
    }
    assert score_article(gold, pred)["quotes"]["speaker_acc"] == 0.0
    gold["entities"] = pred.pop("entities")
    assert score_article(gold, pred)["quotes"]["speaker_acc"] == 1.0
    assert normalise_name("The Kurdish-led force") == "kurdish led force"


def _speaker_right(gold_speaker: str, pred_speaker: str, entities: list | None = None) -> bool:
    gold: dict[str, Any] = {"quotes": [quote("we held", gold_speaker)]}
    if entities is not None:
        gold["entities"] = entities
    scores = score_article(gold, {"quotes": [quote("we held", pred_speaker)]})["quotes"]
    return bool(scores["speaker_acc"])


CBP = [{"name": "Customs and Border Protection", "type": "ORG", "aliases": ["CBP"]}]


@pytest.mark.parametrize(
    ("gold_speaker", "pred_speaker", "right"),
    [
        ("Customs and Border Protection (CBP)", "CBP", True),
        ("Customs and Border Protection (CBP)", "Customs and Border Protection", True),
        ("Customs and Border Protection (CBP)", "Border Patrol", False),
        ("Kenya Defense Forces (KDF)", "KDF", True),  # no entity list needed for the parts
    ],
)
def test_speaker_name_with_acronym_matches_either_part(
    gold_speaker: str, pred_speaker: str, right: bool
) -> None:
    assert _speaker_right(gold_speaker, pred_speaker) is right


@pytest.mark.parametrize(
    ("pred_speaker", "right"),
    [
        ("Abdulaziz bin Salman", True),
        ("Alexander Novak", True),
        ("Novak", True),  # a part's last name
        ("Prince Abdulaziz bin Salman", True),  # a part with a title
        ("Vladimir Putin", False),
    ],
)
def test_speaker_pair_matches_any_of_its_parts(pred_speaker: str, right: bool) -> None:
    entities = [
        {"name": "Abdulaziz bin Salman", "type": "PERSON", "aliases": []},
        {"name": "Alexander Novak", "type": "PERSON", "aliases": []},
    ]
    gold_speaker = "Abdulaziz bin Salman and Alexander Novak"
    assert _speaker_right(gold_speaker, pred_speaker, entities) is right


@pytest.mark.parametrize(
    ("gold_speaker", "pred_speaker", "right"),
    [
        ("province authorities", "authorities (province)", True),  # FORMAT.md's own example
        ("Mali health officials", "health officials", True),  # 2 of 3 and 2 of 2 shared
        ("local residents", "residents", True),  # 1 of 2 and 1 of 1: half is enough
        ("a local source", "local sources", True),  # articles dropped, plurals folded
        ("Residents", "residents in the town", True),  # "in the" are not content words
        ("Iranian state television", "Iranian media", False),  # 1 of 3 on the gold side
        ("officials", "a senior official in the Interior Ministry", False),  # 1 of 4 predicted
        ("witnesses", "officials", False),
    ],
)
def test_unnamed_source_descriptions_share_half_of_each_sides_words(
    gold_speaker: str, pred_speaker: str, right: bool
) -> None:
    assert _speaker_right(gold_speaker, pred_speaker, entities=[]) is right


def test_person_names_do_not_match_by_shared_words() -> None:
    people = [{"name": "John Smith", "type": "PERSON", "aliases": []}]
    assert not _speaker_right("John Smith", "John Doe", people)  # half the words, but a name
    # Without an entity list, capitalised words read as a name, lower-case ones as a description.
    assert not _speaker_right("Kyaw Hsan Aung", "Kyaw Hsan Win")
    assert _speaker_right("Kenyan defense officials", "Kenyan officials")
    assert names_a_person("John Smith", None) and not names_a_person("Officials", None)
    assert not names_a_person("John Smith", frozenset())  # entities annotated, none a person


@pytest.mark.parametrize(
    ("gold_speaker", "pred_speaker", "right"),
    [
        ("International Red Cross", "International Committee of the Red Cross", True),
        ("World Food Program", "World Food Programme", True),  # 2 of 3 words on each side
        ("Kenyan Defense Forces", "Kenyan forces", True),
        ("Kenyan Defense Forces", "Somali forces", False),
    ],
)
def test_organisations_match_by_description_like_unnamed_sources(
    gold_speaker: str, pred_speaker: str, right: bool
) -> None:
    orgs = [{"name": gold_speaker, "type": "ORG", "aliases": []}]
    assert _speaker_right(gold_speaker, pred_speaker, orgs) is right


def test_titles_are_not_part_of_a_speakers_name() -> None:
    assert _speaker_right("Mark Morgan", "Commissioner Mark Morgan")
    # A title with its office in front of the name: the name is the tail after it.
    assert _speaker_right("Kyaw Hsan", "Information Minister Kyaw Hsan")
    assert _speaker_right("Mohamed Hussein Isaak", "Deputy Gedo Governor Mohamed Hussein Isaak")
    assert _speaker_right("Mike Pompeo", "Secretary of State Mike Pompeo")
    assert not _speaker_right("Kyaw Hsan", "Kyaw Hsan Aung")  # a longer name, not a title


def test_quote_recall_by_kind_and_undefined_kinds() -> None:
    gold = {
        "quotes": [
            quote("we will win", kind="direct"),
            quote("a calculated decision", kind="partial"),
        ]
    }
    scores = score_article(gold, {"quotes": [quote("we will win")]})["quotes"]
    assert scores["recall_by_kind"] == {"direct": 1.0, "partial": 0.0, "indirect": None}


# --- figures ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_fig", "pred_fig", "matched"),
    [
        (
            figure("Hundreds of fighters", None, "fighters", "range", 200, 999),
            figure("500 fighters", 500, "fighters"),
            True,
        ),  # a point inside the range
        (
            figure("Hundreds of fighters", None, "fighters", "range", 200, 999),
            figure("1,500 fighters", 1500, "fighters"),
            False,
        ),  # a point outside it
        (
            figure("tens of thousands", None, "fighters", "range", 20000, 99999),
            figure("90,000 to 120,000 fighters", None, "fighters", "range", 90000, 120000),
            True,
        ),
        (
            figure("tens of thousands", None, "fighters", "range", 20000, 99999),
            figure("100,000 to 120,000 fighters", None, "fighters", "range", 100000, 120000),
            False,
        ),
        (figure("3,000 people", 3000, "people"), figure("3,000 people", 3000.0, "person"), True),
        (figure("3,000 people", 3000, "people"), figure("3,001 people", 3001, "people"), False),
    ],
)
def test_figure_values(gold_fig: dict, pred_fig: dict, matched: bool) -> None:
    scores = score_article({"figures": [gold_fig]}, {"figures": [pred_fig]})["figures"]
    assert scores["tp"] == int(matched)


@pytest.mark.parametrize(
    ("gold_fig", "pred_fig", "matched"),
    [
        (figure("three Yazidi women", 3, "Yazidi women"), figure("three women", 3, "woman"), True),
        (figure("four children", 4, "children"), figure("four", 4, None), False),
        (figure("four children", 4, "children"), figure("four Yazidi child", 4, None), True),
        (figure("2 fighters", 2, "fighters"), figure("2", 2, "fighter"), True),
        (figure("5 casualties", 5, "casualties"), figure("5 casualty", 5, None), True),
        # Number and quantity words are not what is counted: no shared content word here.
        (
            figure("tens of thousands", None, "fighters", "range", 20000, 99999),
            figure("tens of thousands of civilians", None, "civilians", "range", 20000, 99999),
            False,
        ),
        # The optional longer description counts as the gold's unit words too.
        (
            figure("30,000", 30000, "followers", counted="followers and fighters"),
            figure("30,000 fighters", 30000, "fighters"),
            True,
        ),
    ],
)
def test_figure_unit_words(gold_fig: dict, pred_fig: dict, matched: bool) -> None:
    scores = score_article({"figures": [gold_fig]}, {"figures": [pred_fig]})["figures"]
    assert scores["tp"] == int(matched)


@pytest.mark.parametrize(
    ("gold_fig", "pred_fig", "matched"),
    [
        (figure("63%", 63, "percent"), figure("63%", 63, None), True),
        (figure("$172 billion", 172e9, "dollars"), figure("$172 billion", 172e9, "USD"), True),
        (figure("63 percent", 63, "percent"), figure("63 points", 63, "points"), False),
    ],
)
def test_unit_symbols_read_as_their_words(gold_fig: dict, pred_fig: dict, matched: bool) -> None:
    scores = score_article({"figures": [gold_fig]}, {"figures": [pred_fig]})["figures"]
    assert scores["tp"] == int(matched)


def test_content_words_fold_plurals_and_drop_stop_words() -> None:
    assert content_words("the Yazidi women and children") == {"yazidi", "woman", "child"}
    assert content_words("about 3,000 people") == {"person"}


def test_figure_bound_accuracy_over_matches() -> None:
    gold = {
        "figures": [
            figure("about 300 fighters", 300, "fighters", "about"),
            figure("12 protesters", 12, "protesters", "exact"),
        ]
    }
    pred = {
        "figures": [
            figure("300 fighters", 300, "fighters", "exact"),
            figure("12 protesters", 12, "protesters", "exact"),
        ]
    }
    assert score_article(gold, pred)["figures"]["bound_acc"] == 0.5


# --- optional items and annotation coverage -------------------------------------------


def test_optional_gold_is_neither_missed_nor_a_false_positive_when_matched() -> None:
    gold = {
        "figures": [
            figure("nearly a week", 1, "week", "about", optional=True),
            figure("two counterattacks", 2, "counterattacks"),
        ]
    }
    matched = score_article(gold, {"figures": [figure("a week", 1, "week")]})["figures"]
    assert (matched["tp"], matched["fp"], matched["fn"]) == (0, 0, 1)
    unmatched = score_article(gold, {"figures": [figure("two counterattacks", 2, "attacks")]})
    assert (unmatched["figures"]["tp"], unmatched["figures"]["fn"]) == (1, 0)


def test_optional_quote_neither_counts_nor_judges_its_speaker() -> None:
    gold = {
        "quotes": [
            quote("we will never give up", "Ahmed Karim", optional=True),
            quote("the town is quiet", "residents", kind="indirect"),
        ]
    }
    pred = {
        "quotes": [
            quote("we will never give up", "Zana Amedi"),
            quote("the town is quiet", "residents"),
        ]
    }
    scores = score_article(gold, pred)["quotes"]
    assert (scores["tp"], scores["fp"], scores["fn"], scores["speaker_acc"]) == (1, 0, 0, 1.0)
    assert scores["recall_by_kind"] == {"direct": None, "partial": None, "indirect": 1.0}
    missed = score_article(gold, {"quotes": pred["quotes"][1:]})["quotes"]
    assert (missed["fn"], missed["r"]) == (0, 1.0)


def test_every_prediction_matching_an_optional_item_is_excused() -> None:
    gold = {"entities": [{"name": "Hajin", "type": "GPE", "aliases": [], "optional": True}]}
    pred = {"entities": [{"name": "Hajin", "type": "GPE"}, {"name": "hajin", "type": "GPE"}]}
    scores = score_article(gold, pred)["entities"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (0, 0, 0)


def test_missing_list_is_not_annotated_and_empty_list_is() -> None:
    pred = {"quotes": [quote("we will win")], "figures": [figure("2 men", 2, "men")]}
    scores = score_article({"quotes": []}, pred)
    assert set(scores) == {"quotes"}  # figures are predicted but not annotated: not scored
    assert scores["quotes"] == {
        "p": 0.0,
        "r": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 1,
        "fn": 0,
        "speaker_acc": None,
        "recall_by_kind": {"direct": None, "partial": None, "indirect": None},
    }


# --- entities -----------------------------------------------------------------------


def test_entities_by_name_or_alias_and_same_type_with_duplicates_as_fp() -> None:
    gold = {
        "entities": [
            {"name": "Islamic State", "type": "ORG", "aliases": ["IS", "Daesh"]},
            {"name": "Baghuz", "type": "GPE", "aliases": []},
        ]
    }
    pred = {
        "entities": [
            {"name": "daesh", "type": "ORG", "aliases": []},
            {"name": "Islamic State", "type": "ORG", "aliases": []},
            {"name": "Baghuz", "type": "LOC", "aliases": []},
        ]
    }
    scores = score_article(gold, pred)["entities"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 2, 1)
    assert scores["by_type"]["ORG"] == {
        "p": 0.5,
        "r": 1.0,
        "f1": pytest.approx(2 / 3),
        "tp": 1,
        "fp": 1,
        "fn": 0,
    }
    assert (scores["by_type"]["GPE"]["fn"], scores["by_type"]["LOC"]["fp"]) == (1, 1)
    # The exact name, not the alias, claims the gold entity: "daesh" is the duplicate.
    assert explain(gold, pred)["entities"]["false_positives"][0]["name"] == "daesh"


def test_entity_types_leave_out_predictions_of_unmarked_types() -> None:
    gold = {
        "entity_types": ["PERSON", "GPE"],
        "entities": [{"name": "Baghuz", "type": "GPE", "aliases": []}],
    }
    pred = {
        "entities": [
            {"name": "Baghuz", "type": "GPE"},
            {"name": "Kurdish", "type": "NORP"},  # not marked: neither hit nor FP
            {"name": "Hajin", "type": "GPE"},  # marked and wrong: FP
        ]
    }
    scores = score_article(gold, pred)["entities"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (1, 1, 0)
    assert set(scores["by_type"]) == {"GPE"}
    # Without the field every type counts.
    del gold["entity_types"]
    assert score_article(gold, pred)["entities"]["fp"] == 2


@pytest.mark.parametrize(("pred_type", "matched"), [("LOC", True), ("GPE", True), ("ORG", False)])
def test_gold_entity_with_either_type_matches_both(pred_type: str, matched: bool) -> None:
    gold = {"entities": [{"name": "Rio Grande", "type": "LOC|GPE", "aliases": []}]}
    pred = {"entities": [{"name": "Rio Grande", "type": pred_type}]}
    scores = score_article(gold, pred)["entities"]
    assert scores["tp"] == int(matched)
    assert set(scores["by_type"]) == ({pred_type} if matched else {"LOC", pred_type})


def test_prediction_names_the_gold_entity_through_its_own_aliases() -> None:
    """The pipeline's canonical "Myanmar" keeps the story's "Burma" among its aliases."""
    gold = {"entities": [{"name": "Burma", "type": "GPE", "aliases": []}]}
    pred = {"entities": [{"name": "Myanmar", "type": "GPE", "aliases": ["Burma"]}]}
    assert score_article(gold, pred)["entities"]["tp"] == 1
    pred["entities"].insert(0, {"name": "burma", "type": "GPE", "aliases": []})
    detail = explain(gold, pred)["entities"]  # the exact name claims the gold entity first
    assert [e["name"] for e in detail["false_positives"]] == ["Myanmar"]
    wrong_type = {"entities": [{"name": "Myanmar", "type": "NORP", "aliases": ["Burma"]}]}
    assert score_article(gold, wrong_type)["entities"]["tp"] == 0


# --- dates --------------------------------------------------------------------------

TUESDAYS = "Gabriel spoke on Tuesday. About 3,000 people evacuated Baghuz on Tuesday, he said."


def _span_of(needle: str, nth: int) -> list[int]:
    start = -1
    for _ in range(nth + 1):
        start = TUESDAYS.index(needle, start + 1)
    return [start, start + len(needle)]


@pytest.mark.parametrize(("nth", "found"), [(0, False), (1, True)])
def test_date_context_pins_the_second_tuesday(nth: int, found: bool) -> None:
    gold = {
        "dates": [
            {
                "text": "Tuesday",
                "context": "evacuated Baghuz on Tuesday",
                "date": "2019-03-12",
                "start": None,
                "end": None,
            }
        ]
    }
    pred = {
        "article": {"body": TUESDAYS},
        "dates": [
            {
                "text": "Tuesday",
                "date": "2019-03-12",
                "start": None,
                "end": None,
                "span": _span_of("Tuesday", nth),
            }
        ],
    }
    scores = score_article(gold, pred)["dates"]
    assert (scores["found"], scores["resolved"]) == ((1.0, 1.0) if found else (0.0, 0.0))
    assert (scores["tp"], scores["fp"]) == ((1, 0) if found else (0, 1))


def test_second_prediction_on_a_found_date_is_not_a_false_positive() -> None:
    gold = {
        "dates": [
            {
                "text": "Tuesday",
                "context": "evacuated Baghuz on Tuesday",
                "date": "2019-03-12",
                "start": None,
                "end": None,
            }
        ]
    }
    start, end = _span_of("Tuesday", 1)
    pred = {
        "article": {"body": TUESDAYS},
        "dates": [
            {"date": "2019-03-11", "span": [start + 3, end + 5]},  # "sday, he"
            {"date": "2019-03-12", "span": [start, end]},
        ],
    }
    scores = score_article(gold, pred)["dates"]
    # Only predictions overlapping no gold occurrence are FP; the larger overlap is judged.
    assert (scores["tp"], scores["fp"], scores["found"], scores["resolved"]) == (1, 0, 1.0, 1.0)


def test_date_ranges_resolve_on_start_and_end() -> None:
    body = "The video was likely recorded in February in Baghuz."
    gold = {
        "dates": [
            {
                "text": "February",
                "context": "recorded in February",
                "date": None,
                "start": "2019-02-01",
                "end": "2019-02-28",
            }
        ]
    }
    span = [body.index("February"), body.index("February") + 8]

    def resolved(start: str) -> float | None:
        pred = {
            "article": {"body": body},
            "dates": [{"date": None, "start": start, "end": "2019-02-28", "span": span}],
        }
        return score_article(gold, pred)["dates"]["resolved"]

    assert (resolved("2019-02-01"), resolved("2019-02-02")) == (1.0, 0.0)


@pytest.mark.parametrize(
    ("gold_when", "pred_when", "right"),
    [
        ({"date": "2019-03-12"}, {"date": "2019-03-12"}, True),
        ({"date": "2019-03-12"}, {"date": "2019-03-12T09:00:00+00:00"}, True),  # the day counts
        ({"date": "2019-03-12"}, {"start": "2019-03-12", "end": "2019-03-12"}, True),
        ({"date": "2019-03-12"}, {"start": "2019-03-11", "end": "2019-03-12"}, False),
        (
            {"start": "1983-01-01", "end": "1983-12-31"},
            {"start": "1983-01-01", "end": "1983-12-31"},
            True,
        ),
        ({"start": "1983-01-01", "end": "1983-12-31"}, {"date": "1983-01-01"}, False),
    ],
)
def test_date_resolved_right_by_iso_day_or_start_and_end(
    gold_when: dict, pred_when: dict, right: bool
) -> None:
    body = "The talks began on Tuesday in Geneva."
    span = [body.index("Tuesday"), body.index("Tuesday") + 7]
    gold = {"dates": [{"text": "Tuesday", "context": "began on Tuesday", **gold_when}]}
    pred = {"article": {"body": body}, "dates": [{"span": span, **pred_when}]}
    scores = score_article(gold, pred)["dates"]
    assert (scores["found"], scores["resolved"]) == (1.0, 1.0 if right else 0.0)


def test_optional_date_is_neither_found_missed_nor_a_false_positive() -> None:
    body = "The talks began on Tuesday in Geneva."
    gold = {
        "dates": [
            {"text": "Tuesday", "context": "on Tuesday", "date": "2019-03-12", "optional": True}
        ]
    }
    span = [body.index("Tuesday"), body.index("Tuesday") + 7]
    pred = {"article": {"body": body}, "dates": [{"span": span, "date": "2019-03-12"}]}
    scores = score_article(gold, pred)["dates"]
    assert (scores["tp"], scores["fp"], scores["fn"], scores["found"]) == (0, 0, 0, None)
    assert score_article(gold, {"article": {"body": body}, "dates": []})["dates"]["fn"] == 0


def test_date_context_outside_body_is_not_found_and_explained() -> None:
    gold = {
        "dates": [
            {
                "text": "March 13, 2019",
                "context": "By Jeff Seldin March 13, 2019",
                "date": "2019-03-13",
                "start": None,
                "end": None,
            }
        ]
    }
    pred = {
        "article": {"body": "Fighters launched counterattacks Wednesday."},
        "dates": [{"date": "2019-03-13", "span": [0, 8]}],
    }
    assert score_article(gold, pred)["dates"]["found"] == 0.0
    miss = explain(gold, pred)["dates"]["misses"][0]
    assert (miss["text"], miss["why"]) == ("March 13, 2019", "context not in article body")


# --- events -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_place", "pred_place", "matched"),
    [
        ("Maka al-Mukarama hotel, Mogadishu, Somalia", "mogadishu", True),  # predicted in gold
        ("Baghuz", "the Baghuz enclave", True),  # gold in predicted
        ("Baghuz", "Hajin", False),
        (None, None, False),  # a missing place never agrees
        ("Baghuz", None, False),
    ],
)
def test_event_place_agreement(
    gold_place: str | None, pred_place: str | None, matched: bool
) -> None:
    scores = score_article(
        {"events": [event("Battles", gold_place)]}, {"events": [event("Battles", pred_place)]}
    )["events"]
    assert scores["tp"] == int(matched)


def test_event_place_agrees_through_entity_aliases() -> None:
    gold = {"events": [event("Other", "Burma")]}
    pred = {
        "events": [event("Other", "Myanmar")],
        "entities": [{"name": "Myanmar", "type": "GPE", "aliases": ["Burma"]}],
    }
    assert score_article(gold, pred)["events"]["tp"] == 1
    pred["entities"] = [{"name": "Myanmar", "type": "GPE", "aliases": []}]
    assert score_article(gold, pred)["events"]["tp"] == 0
    gold["entities"] = [{"name": "Burma", "type": "GPE", "aliases": ["Myanmar"]}]
    assert score_article(gold, pred)["events"]["tp"] == 1  # the gold's aliases count too


def test_events_need_the_same_type_and_match_one_to_one() -> None:
    gold = {"events": [event("Battles", "Baghuz", "2019-03-13")]}
    pred = {
        "events": [
            event("Battles", "Baghuz", None),
            event("Battles", "Baghuz", "2019-03-13"),
            event("Riots", "Baghuz", "2019-03-13"),
        ]
    }
    scores = score_article(gold, pred)["events"]
    # The same-date candidate wins the tie, so date accuracy judges the best pairing.
    assert (scores["tp"], scores["fp"], scores["fn"], scores["date_acc"]) == (1, 2, 0, 1.0)
    nones = score_article(
        {"events": [event("Battles", "Baghuz")]}, {"events": [event("Battles", "Baghuz")]}
    )
    assert nones["events"]["date_acc"] == 1.0  # None == None is right


# --- article fields -----------------------------------------------------------------


def test_article_checks() -> None:
    gold = {
        "article": {
            "headline": "Islamic State Strikes Back",
            "byline": ["Jeff Seldin"],
            "published": "2019-03-13",
            "boilerplate": ["Join the mailing list"],
        }
    }
    pred = {
        "article": {
            "headline": "islamic state  strikes back",
            "byline": ["JEFF SELDIN"],
            "published": "2019-03-13T00:00:00+00:00",
            "body": "Fighters launched counterattacks.\n\nJoin the mailing list",
        }
    }
    assert score_article(gold, pred)["article"] == {
        "headline_ok": True,
        "byline_ok": True,
        "published_ok": True,
        "boilerplate_gone": False,
    }
    assert explain(gold, pred)["article"] == {
        "boilerplate": {"gold": ["Join the mailing list"], "predicted": ["Join the mailing list"]}
    }
    assert "article" not in score_article({"article": {"format": "text"}}, pred)


# --- corpus, loading, reports ---------------------------------------------------------


def test_load_gold_reads_a_folder_recursively() -> None:
    golds = load_gold([FIXTURES / "gold"])
    assert [g.path.name for g in golds] == ["a.json", "b.json"]
    assert golds[0].raw.startswith(b"Rebels vow to take Baghuz\n\nBy Jane Doe")
    assert golds[1].raw == (FIXTURES / "articles" / "b.txt").read_bytes()
    assert {g.format for g in golds} == {"text"}
    assert load_gold([FIXTURES / "gold", FIXTURES / "gold" / "a.json"]) == golds


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a readable JSON file"),
        ('{"quotes": []}', "needs an 'article' object"),
        ('{"article": {"text": "x"}, "quotes": {"text": "x"}}', "'quotes' must be a list"),
        ('{"article": {"text": "x", "format": "pdf"}}', "unknown article format"),
        ('{"article": {"file": "missing.txt"}}', "cannot be read"),
        ('{"article": {"format": "text"}}', "needs a 'file' or a 'text'"),
    ],
)
def test_load_gold_errors_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "nested").mkdir()
    bad = tmp_path / "nested" / "bad.json"
    bad.write_text(content)
    with pytest.raises(EvalError, match=message) as caught:
        load_gold([tmp_path])
    assert str(bad) in str(caught.value)


def test_load_gold_missing_path(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="no such gold file"):
        load_gold([tmp_path / "absent"])


def test_micro_totals_over_two_articles() -> None:
    report = evaluate(load_gold([FIXTURES / "gold"]), predicted_for)
    total = report["total"]
    assert [a["file"].rsplit("/", 1)[-1] for a in report["articles"]] == ["a.json", "b.json"]
    # quotes: a 2 tp (speakers by last name and by "the"); b 1 tp (speaker missing) + 1 fp.
    assert (total["quotes"]["tp"], total["quotes"]["fp"], total["quotes"]["fn"]) == (3, 1, 0)
    assert total["quotes"]["p"] == 0.75
    assert total["quotes"]["f1"] == pytest.approx(6 / 7)
    assert total["quotes"]["speaker_acc"] == pytest.approx(2 / 3)
    assert total["quotes"]["recall_by_kind"] == {"direct": 1.0, "partial": None, "indirect": 1.0}
    assert (total["figures"]["tp"], total["figures"]["bound_acc"]) == (3, pytest.approx(2 / 3))
    # Only a annotates entities and dates: b adds nothing to those totals.
    a_scores = report["articles"][0]["scores"]
    assert total["entities"] == a_scores["entities"]
    assert (total["entities"]["tp"], total["entities"]["fp"], total["entities"]["fn"]) == (2, 2, 1)
    assert "entities" not in report["articles"][1]["scores"]
    assert (total["dates"]["tp"], total["dates"]["fp"], total["dates"]["resolved"]) == (1, 1, 1.0)
    assert (total["events"]["tp"], total["events"]["fp"]) == (3, 1)
    assert total["events"]["date_acc"] == pytest.approx(2 / 3)
    assert total["article"] == {
        "headline_ok": 1.0,
        "byline_ok": 1.0,
        "published_ok": 1.0,
        "boilerplate_gone": 0.0,
    }
    assert report["articles"][1]["scores"]["article"]["boilerplate_gone"] is False


def test_micro_totals_weigh_articles_by_counts() -> None:
    gold_big = {"quotes": [quote(f"w{i} x{i} y{i}") for i in range(4)]}
    pred_big = {"quotes": [quote(f"w{i} x{i} y{i}") for i in range(4)]}
    gold_small = {"quotes": [quote("lost words here")]}
    report = score_corpus([("big", gold_big, pred_big), ("small", gold_small, {})])
    assert report["total"]["quotes"]["r"] == 0.8  # micro 4/5, not the macro mean 0.5
    assert [a["scores"]["quotes"]["r"] for a in report["articles"]] == [1.0, 0.0]


def test_evaluate_scores_a_failing_process_as_empty_and_says_why() -> None:
    def broken(_: GoldArticle) -> dict:
        raise RuntimeError("parser exploded")

    report = evaluate(load_gold([FIXTURES / "gold" / "a.json"]), broken)
    entry = report["articles"][0]
    assert entry["error"] == "RuntimeError: parser exploded"
    assert entry["scores"]["quotes"]["fn"] == 2


def test_render_table_has_a_row_per_article_and_total() -> None:
    report = evaluate(load_gold([FIXTURES / "gold"]), predicted_for)
    table = render_table(report)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["article", "quotes", "F1"]
    a_row = next(line for line in lines if line.startswith("a.json")).split()
    b_row = next(line for line in lines if line.startswith("b.json")).split()
    assert a_row == ["a.json", "1.000", "1.000", "1.000", "0.571", "1.000", "1.000"]
    assert b_row[4:6] == ["-", "-"]  # entities and dates are not annotated in b
    assert any(line.startswith("TOTAL") for line in lines)
    assert "speaker_acc 0.667" in table and "  ORG " in table


def test_explain_lists_misses_false_positives_and_speaker_mismatches() -> None:
    gold_b = load_gold([FIXTURES / "gold" / "more" / "b.json"])[0]
    detail = explain(gold_b.gold, predicted_for(gold_b))
    assert detail["quotes"]["speaker_mismatches"] == [
        {"text": "This is a sad day,", "gold": "the mayor", "predicted": None}
    ]
    assert [q["id"] for q in detail["quotes"]["false_positives"]] == ["q2"]
    assert detail["figures"]["bound_mismatches"] == [
        {"text": "12 protesters", "gold": "exact", "predicted": "about"}
    ]
    assert [e["type"] for e in detail["events"]["false_positives"]] == ["Riots"]
    assert set(detail) == {"quotes", "figures", "events", "article"}


def test_explain_article_a_names_each_wrong_item() -> None:
    gold_a = load_gold([FIXTURES / "gold" / "a.json"])[0]
    detail = explain(gold_a.gold, predicted_for(gold_a))
    assert [e["name"] for e in detail["entities"]["false_positives"]] == ["FA", "Baghuz"]
    assert [e["name"] for e in detail["entities"]["misses"]] == ["Baghuz"]  # Hajin is optional
    assert [d["id"] for d in detail["dates"]["false_positives"]] == ["d1"]  # the first Tuesday
    assert detail["dates"]["misses"] == [] and detail["dates"]["misresolved"] == []
    assert detail["events"]["date_mismatches"] == [
        {"trigger": "fled", "gold": None, "predicted": "2019-03-13"}
    ]
    assert detail["quotes"] == {"misses": [], "false_positives": [], "speaker_mismatches": []}
    assert "article" not in detail  # headline and byline (case-insensitive) agree


def test_explain_reports_misresolved_dates() -> None:
    body = "The SDF launched its final assault late Sunday."
    gold = {
        "dates": [
            {
                "text": "late Sunday",
                "context": "assault late Sunday",
                "date": "2019-03-10",
                "start": None,
                "end": None,
            }
        ]
    }
    pred = {
        "article": {"body": body},
        "dates": [{"date": "2019-03-17", "span": [body.index("Sunday"), len(body) - 1]}],
    }
    assert explain(gold, pred)["dates"]["misresolved"] == [
        {
            "text": "late Sunday",
            "context": "assault late Sunday",
            "gold": {"date": "2019-03-10", "start": None, "end": None},
            "predicted": {"date": "2019-03-17", "start": None, "end": None},
        }
    ]


def test_dev_style_gold_file_scores_by_every_rule() -> None:
    """A gold file shaped like ../shared/gold/dev (headers, entity_types, excluded, LOC|GPE)."""
    [gold] = load_gold([FIXTURES / "rules" / "c.json"])
    assert gold.published == dt.datetime(2019, 10, 8, tzinfo=dt.UTC)
    scores = score_article(gold.gold, predicted_for(gold))
    q, f, e, d, v = (scores[k] for k in ("quotes", "figures", "entities", "dates", "events"))
    # "CBP" is a part of "Customs and Border Protection (CBP)"; "residents" shares
    # half of "local residents".
    assert (q["tp"], q["fp"], q["fn"], q["speaker_acc"]) == (2, 0, 0, 1.0)
    # "63%" shares "percent"; the ordinal "second" is an FP (excluded is not excused).
    assert (f["tp"], f["fp"], f["fn"]) == (2, 1, 0)
    # CBP by alias, Rio Grande as LOC for "LOC|GPE"; the NORP prediction is not marked.
    assert (e["tp"], e["fp"], e["fn"]) == (3, 0, 0)
    # Both dates found; "May" resolved to a day, not the month's start and end.
    assert (d["found"], d["resolved"]) == (1.0, 0.5)
    # The only event is optional: its match is neither a hit nor an FP.
    assert (v["tp"], v["fp"], v["fn"]) == (0, 0, 0)
    detail = explain(gold.gold, predicted_for(gold))
    assert detail["figures"]["false_positives"][0]["excluded"] == "ordinal"


def test_headers_published_is_read_and_checked(tmp_path: Path) -> None:
    [plain_gold] = load_gold([FIXTURES / "gold" / "a.json"])
    assert plain_gold.published is None  # no headers: the text is all there is
    bad = tmp_path / "bad.json"
    bad.write_text('{"article": {"text": "x", "headers": {"published": "last week"}}}')
    with pytest.raises(EvalError, match=r"headers\.published"):
        load_gold([bad])
    bad.write_text('{"article": {"text": "x"}, "entity_types": "PERSON"}')
    with pytest.raises(EvalError, match="entity_types"):
        load_gold([bad])


def test_eval_gives_the_pipeline_the_headers_not_the_gold_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import agents.lexicon
    import agents.pipeline
    from streams.evalcmd import process_gold

    seen: list[Any] = []

    def fake_process(raw: bytes, meta: Any, **_: Any) -> None:
        seen.append(meta)
        raise RuntimeError("stop here")

    monkeypatch.setattr(agents.pipeline, "process_article", fake_process)
    monkeypatch.setattr(agents.lexicon, "load_lexicon", lambda: None)
    [with_headers] = load_gold([FIXTURES / "rules" / "c.json"])
    [without] = load_gold([FIXTURES / "gold" / "a.json"])
    for gold in (with_headers, without):
        with pytest.raises(RuntimeError):
            process_gold(gold)
    assert seen[0].published == dt.datetime(2019, 10, 8, tzinfo=dt.UTC)
    assert seen[1].published is None


def test_render_table_has_a_table_per_kind_with_every_measure() -> None:
    report = evaluate(load_gold([FIXTURES / "gold", FIXTURES / "rules"]), predicted_for)
    table = render_table(report)
    heads: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line.strip():
            heads.setdefault(line.split()[0], line.split()[1:])  # the first: a table's header
    assert heads["quotes"][:7] == ["P", "R", "F1", "TP", "FP", "FN", "speaker"]
    assert "bound" in heads["figures"] and heads["events"][-1] == "date"
    assert heads["dates"][-2:] == ["found", "resolved"]
    assert "PERSON" in heads["entities"] and "P/R/F1" in heads["entities"]
    c_rows = [line.split() for line in table.splitlines() if line.startswith("c.json")]
    assert len(c_rows) == 7  # the summary, five kinds and the article checks
    assert ["c.json", "0.667", "1.000", "0.800", "2", "1", "0", "1.000"] in c_rows


def test_jaccard_of_nothing_is_zero() -> None:
    assert jaccard(frozenset(), frozenset()) == 0.0


@pytest.mark.skipif(not SEED_GOLD.exists(), reason="shared gold not mounted")
def test_perfect_prediction_of_the_seed_scores_one() -> None:
    gold = json.loads(SEED_GOLD.read_text())
    pred = {kind: copy.deepcopy(gold[kind]) for kind in ("quotes", "figures", "entities", "events")}
    scores = score_article({k: gold[k] for k in pred}, pred)
    for kind in pred:
        assert scores[kind]["f1"] == 1.0, kind
        assert scores[kind]["fp"] == 0, kind
    assert scores["quotes"]["speaker_acc"] == 1.0
    assert scores["figures"]["bound_acc"] == 1.0
    assert scores["events"]["date_acc"] == 1.0


