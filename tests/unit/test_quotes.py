"""Quote marks, reporting cues, the direct/partial decision and reported clauses."""

from __future__ import annotations

import pytest

from agents.nlp.quote_clauses import reported_clause, strip_dateline, trailing_clause
from agents.nlp.quote_cues import find_cues
from agents.nlp.quotes import find_quote_spans, is_name_quote, quote_kind


def texts(paragraph: str) -> list[str]:
    return [q.text for q in find_quote_spans(paragraph)]


# --- find_quote_spans -------------------------------------------------------------


def test_straight_marks_exclude_the_marks_and_keep_offsets() -> None:
    p = '"We will not surrender," the commander said.'
    [q] = find_quote_spans(p)
    assert q.text == "We will not surrender," and p[q.start : q.end] == q.text
    assert not q.open_end


def test_curly_marks_and_two_passages() -> None:
    p = "\u201cThe talks failed,\u201d he said. \u201cWe go home now.\u201d"
    assert texts(p) == ["The talks failed,", "We go home now."]


def test_apostrophes_are_not_quote_marks() -> None:
    p = "\"They're using VBIED's and drones,\" the officer said of the militants' tactics."
    assert texts(p) == ["They're using VBIED's and drones,"]


def test_nested_single_quotes_stay_inside() -> None:
    p = "\"He told us 'leave now' and then the shelling began,\" a resident said."
    assert texts(p) == ["He told us 'leave now' and then the shelling began,"]


def test_straight_mark_opens_after_bracket_or_dash() -> None:
    assert texts('The minister ("a disgrace") left.') == ["a disgrace"]
    assert texts('He was blunt \u2014"no deal" \u2014 and walked out.') == ["no deal"]


def test_unclosed_quote_at_paragraph_end_is_open_end() -> None:
    [q] = find_quote_spans('"The shelling went on all night and nobody slept.')
    assert q.open_end and q.text == "The shelling went on all night and nobody slept."


def test_partial_quotes_inside_a_sentence() -> None:
    p = 'The army called it a "decisive" push, but critics said it was "reckless."'
    assert texts(p) == ["decisive", "reckless."]


def test_blank_quotes_are_skipped() -> None:
    assert texts('He said "" and left.') == []


# --- cues ---------------------------------------------------------------------------


def test_cues_match_verbs_but_not_proper_names_or_nouns() -> None:
    text = "The Islamic State said the claim was false, according to a statement."
    assert [c.text for c in find_cues(text)] == ["said", "according to"]


def test_multiword_cue_and_flags() -> None:
    [c] = find_cues("Officials voiced concern that the truce would not hold.")
    assert c.text == "voiced concern" and not c.zero
    [t] = find_cues("He told reporters the vote would go ahead.")
    assert t.lemma == "tell" and t.zero and t.obj


# --- kind -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "quoted", "kind"),
    [
        ("", "We will respond,", "direct"),
        ("The minister said: ", "We will respond.", "direct"),
        ("Putin said, ", "Nobody wants a war.", "direct"),
        ("He called the deal a ", "disaster", "partial"),
        ("Officials say the group remains ", "well-positioned", "partial"),
        ("Biden told reporters ", "We are going to hold them accountable.", "direct"),
    ],
)
def test_quote_kind(before: str, quoted: str, kind: str) -> None:
    assert quote_kind(before, quoted) == kind


def test_open_ended_quote_is_direct() -> None:
    assert quote_kind("He said ", "we will", open_end=True) == "direct"


def test_name_and_scare_quotes() -> None:
    for text in (
        'the so-called "caliphate"',
        'the documentary "For Sama"',
        'an offensive dubbed "Operation Peace Spring"',
    ):
        assert is_name_quote(text, text.index('"'))
    text = 'death would be a "victory"'
    assert not is_name_quote(text, text.index('"'))


# --- reported clauses --------------------------------------------------------------


def clause(text: str, names: dict[int, int] | None = None) -> str | None:
    cue = find_cues(text)[0]
    found = reported_clause(text, cue, len(text), names or {})
    return text[found[0] : found[1]] if found else None


def test_clause_after_that_and_a_named_listener() -> None:
    text = "A police spokesman told Reuters that four people had been arrested."
    names = {text.index("Reuters"): text.index("Reuters") + len("Reuters")}
    assert clause(text, names) == "four people had been arrested"


def test_clause_without_that_after_listener_noun_and_time() -> None:
    text = "The ministry told the news agency on Tuesday both attacks had been repelled."
    assert clause(text) == "both attacks had been repelled"
    text = "The general warned U.S. lawmakers last week the group was regrouping."
    assert clause(text) == "the group was regrouping"


def test_clause_zero_that_needs_a_verb() -> None:
    text = "The army said about 300 fighters surrendered near the border on Sunday."
    assert clause(text) == "about 300 fighters surrendered near the border on Sunday"
    assert clause("The army said in a statement.") is None


def test_no_clause_for_objects_or_infinitives() -> None:
    assert clause("Islamic State claimed responsibility for the bombing in Kabul.") is None
    assert clause("The governor urged residents to leave the coastal towns.") is None


def test_that_may_follow_adverbials() -> None:
    text = "Rebel leaders voiced optimism in recent days that a deal was within reach."
    assert clause(text) == "a deal was within reach"


def test_trailing_clause_before_the_attribution() -> None:
    text = "Both attacks were repelled overnight, the army said on Wednesday."
    cue = find_cues(text)[0]
    assert trailing_clause(text, 0, cue, len(text), {}) == (0, text.index(","))
    text = "Officials said the attack, which killed four, was a warning to the government."
    assert trailing_clause(text, 0, find_cues(text)[0], len(text), {}) is None


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("NAIROBI (Reuters) - Flash floods have killed 38", "Flash floods have killed 38"),
        ("KYIV, Ukraine (AP) \u2014 Russian drones struck", "Russian drones struck"),
        ("CONAKRY, Guinea, Feb. 19 (AP) \u2014 Security forces fired", "Security forces fired"),
        ("WASHINGTON -- The Senate voted on Tuesday", "The Senate voted on Tuesday"),
        ("U.S. officials said the talks failed", "U.S. officials said the talks failed"),
        ("NATO allies - and Ukraine - disagree", "NATO allies - and Ukraine - disagree"),
    ],
)
def test_strip_dateline(text: str, content: str) -> None:
    assert text[strip_dateline(text, 0, len(text)) :] == content


def test_said_before_an_inverted_subject_is_no_clause() -> None:
    # fixture 01: ", said Ivan Hordiienko, head of ..." names the speaker, not a clause
    text = (
        "A drone slammed into a block, setting the upper floors ablaze, said Ivan "
        "Hordiienko, head of the Kharkiv regional police."
    )
    assert clause(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "The ministry said earlier in the day that four people had been arrested.",
        "The ministry said late on Tuesday that four people had been arrested.",
        "The minister said in a televised address that four people had been arrested.",
        "A police officer said by telephone that four people had been arrested.",
        "An official said on condition of anonymity that four people had been arrested.",
        "The governor told reporters in Kano that four people had been arrested.",
    ],
)
def test_adverbials_between_cue_and_clause(text: str) -> None:
    # the "said earlier in the day that" and its kin
    assert clause(text) == "four people had been arrested"


def test_partial_quotes_in_single_marks() -> None:
    # the "partial quotes in single quotation marks"
    p = "The ministry called the move a \u2018calculated decision\u2019, Kenya\u2019s envoy said."
    assert texts(p) == ["calculated decision"]
    p = "Officials called it a 'grave violation' of the truce, the army's spokesman said."
    assert texts(p) == ["grave violation"]


def test_apostrophes_make_no_single_quotes() -> None:
    p = "The Kurds' leaders met in the '90s and Kenya\u2019s envoy rock \u2019n\u2019 rolled."
    assert texts(p) == []
