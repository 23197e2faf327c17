"""``event_scan.word_starts`` finds what the needle regex finds, in C."""

from __future__ import annotations

import pytest

from agents.nlp.event_lexicon import load_lexicon
from agents.nlp.event_scan import spaced_bytes, word_starts


@pytest.mark.parametrize(
    "text",
    [
        "",
        "added",
        "by by by",
        "The government added on Monday that floods had struck.",
        "voted in the by-election, a run-off; floods_ floods2 flood's (floods)",
        "\u201cWe agreed,\u201d he said \u2014 the deal was announced",
    ],
)
def test_word_starts_equals_the_needle_scan(text: str) -> None:
    lex = load_lexicon()
    spaced = spaced_bytes(text.lower())
    regex = [(m.start(), m.group()[1:]) for m in lex.other_needles.finditer(spaced)]
    assert word_starts(spaced, lex.other_by_needle.keys()) == regex


def test_word_starts_leaves_latin1_letters_to_the_regex() -> None:
    # "é" is a word character for str regexes but not for bytes ones.
    assert word_starts(spaced_bytes("café added"), load_lexicon().other_by_needle.keys()) is None
