"""split_sentences on wire-copy sentences (the Golden Rules run in test_peer_sets.py)."""

from __future__ import annotations

import pytest

from agents.nlp.sentences import split_sentences


def _texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The commander of U.S. forces in the Middle East, Gen. Joseph Votel, warned U.S. "
            "lawmakers last week. Officials agreed.",
            [
                "The commander of U.S. forces in the Middle East, Gen. Joseph Votel, warned U.S. "
                "lawmakers last week.",
                "Officials agreed.",
            ],
        ),
        (
            '"There were suicide vest attacks by a group of bombers," he said. "Our forces '
            'targeted and killed them before they reached our positions."',
            [
                '"There were suicide vest attacks by a group of bombers," he said.',
                '"Our forces targeted and killed them before they reached our positions."',
            ],
        ),
        (
            '"My brothers in Europe ... be fierce and hard on the crusaders," the fighter said.',
            ['"My brothers in Europe ... be fierce and hard on the crusaders," the fighter said.'],
        ),
        (
            "Lt. Col. Sarah Jones and Dr. Ahmed Ali met Mr. Smith at 10 a.m. Tuesday. They talked.",
            [
                "Lt. Col. Sarah Jones and Dr. Ahmed Ali met Mr. Smith at 10 a.m. Tuesday.",
                "They talked.",
            ],
        ),
        (
            "The vote is set for Aug. 5 in Washington, D.C. The result is due No. 2 in line.",
            ["The vote is set for Aug. 5 in Washington, D.C.", "The result is due No. 2 in line."],
        ),
        (
            "Growth slowed to 1.5 percent in the U.S. The Fed held rates at 5.25%.",
            ["Growth slowed to 1.5 percent in the U.S.", "The Fed held rates at 5.25%."],
        ),
        (
            '"Is it over?" asked one resident. "Not yet!" The curfew stays.',
            ['"Is it over?" asked one resident.', '"Not yet!"', "The curfew stays."],
        ),
        (
            '"Why now?" Smith asked reporters on Monday.',
            ['"Why now?" Smith asked reporters on Monday.'],
        ),
        (
            "Apple Inc. Chief Executive Tim Cook visited Beijing. Sales at Foxconn Co. rose.",
            ["Apple Inc. Chief Executive Tim Cook visited Beijing.", "Sales at Foxconn Co. rose."],
        ),
        (
            "Former President George W. Bush spoke. It was brief.",
            ["Former President George W. Bush spoke.", "It was brief."],
        ),
        # A clock time ends a sentence before a capital, unless a day, month or zone follows.
        (
            "The quake struck at 11:42 p.m. Rescuers worked through the night.",
            ["The quake struck at 11:42 p.m.", "Rescuers worked through the night."],
        ),
        (
            "Polls close at 8 P.M. Officials expect results by Friday.",
            ["Polls close at 8 P.M.", "Officials expect results by Friday."],
        ),
        (
            "The truce took effect at 6 a.m. GMT on Sunday. Shelling stopped.",
            ["The truce took effect at 6 a.m. GMT on Sunday.", "Shelling stopped."],
        ),
        (
            "Shares of Tesla Inc. fell 3%. Analysts cited weak demand.",
            ["Shares of Tesla Inc. fell 3%.", "Analysts cited weak demand."],
        ),
        (
            "Gov. Kathy Hochul said the St. Lawrence River rose 2 ft. overnight. Crews stood by.",
            [
                "Gov. Kathy Hochul said the St. Lawrence River rose 2 ft. overnight.",
                "Crews stood by.",
            ],
        ),
        (
            'KYIV, Ukraine (AP) - "Where is the aid?" asked Amina Yusuf, 42. "We have nothing."',
            [
                'KYIV, Ukraine (AP) - "Where is the aid?" asked Amina Yusuf, 42.',
                '"We have nothing."',
            ],
        ),
    ],
)
def test_news_sentences(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_offsets_are_trimmed_and_point_into_the_text() -> None:
    text = "  Rebels seized the town.   Troops withdrew.  "
    spans = split_sentences(text)
    assert [(s.start, s.end) for s in spans] == [(2, 25), (28, 44)]


def test_empty_and_blank_paragraphs() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


def test_unterminated_paragraph_is_one_sentence() -> None:
    assert _texts("UNITED24 - Make a charitable donation in support of Ukraine") == [
        "UNITED24 - Make a charitable donation in support of Ukraine"
    ]


def test_numbered_list() -> None:
    assert _texts("1. Troops withdraw. 2. Talks resume.") == [
        "1. Troops withdraw.",
        "2. Talks resume.",
    ]
