"""The dateline's city is a place even when the gazetteer does not know it."""

from __future__ import annotations

import pytest

from agents.nlp.datelines import with_dateline_place
from agents.nlp.types import Mention


@pytest.mark.parametrize(("text", "place"), [
    ("VAN, Turkey (Reuters) - Flash floods killed at least 23 people.", "Van"),
    ("EL GENEINA, Sudan (AP) — Fighters stormed the market on Friday.", "El Geneina"),
    ("AL-HASAKAH (Reuters) - Kurdish forces said on Tuesday ...", "Al-Hasakah"),
])
def test_an_unknown_dateline_city_becomes_a_place(text: str, place: str) -> None:
    [m] = [m for m in with_dateline_place(text, []) if m.source == "dateline"]
    assert (m.text, m.type, m.canonical) == (text[: m.end], "GPE", place)
    assert text[m.start : m.end] == m.text


def test_a_known_name_or_a_sentence_is_left_alone() -> None:
    known = Mention(0, 14, "UNITED NATIONS", "ORG", "United Nations", "gazetteer")
    text = "UNITED NATIONS (Reuters) - The Security Council met on Monday."
    assert with_dateline_place(text, [known]) == [known]
    assert with_dateline_place("The UN said on Monday (Reuters) - nothing.", []) == []
    assert with_dateline_place("NATO said (in a statement) that it would act.", []) == []
