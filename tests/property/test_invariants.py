"""Stage invariants over generated input (hypothesis)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.errors import StageError
from agents.lexicon import load_lexicon
from agents.parse import RawMeta, parse_article
from agents.split import split_article
from agents.tag import tag_paragraph
from schemas.outputs import Figure, Quote

NOW = datetime(2020, 1, 1, tzinfo=UTC)
words = st.sampled_from(
    ["the", "army", "said", "Reuters", "3,000", "people", "fled", "Gaza", "on", "Tuesday",
     '"we', 'won,"', "he", "told", "U.S.", "Gen.", "John", "Smith", "about", "tens", "of",
     "thousands", "in", "Syria", "killed", "2019", "March", "13,", "percent", "12.5"])
sentence = st.lists(words, min_size=3, max_size=25).map(lambda w: " ".join(w).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
article = st.tuples(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
                    st.lists(paragraph, min_size=1, max_size=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_parse_or_raise_a_stage_error(raw: bytes) -> None:
    with contextlib.suppress(StageError):
        parse_article(raw, RawMeta(source="fuzz"), now=NOW)


@settings(max_examples=40, deadline=None)
@given(article)
def test_paragraphs_rebuild_the_body_and_tags_stay_inside(parts: tuple[str, list[str]]) -> None:
    headline, paragraphs = parts
    raw = ("Headline " + " ".join(headline.split()) + "\n\n" + "\n\n".join(paragraphs)).encode()
    try:
        art = parse_article(raw, RawMeta(source="fuzz"), now=NOW)
    except StageError:
        return
    split = split_article(art, 1)
    assert "\n\n".join(p.text for p in split) == art.body
    lexicon = load_lexicon()
    for p in split:
        assert art.body[p.start:p.end] == p.text
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end
        for tag in tag_paragraph(p, lexicon).tags:
            assert p.start <= tag.start < tag.end <= p.end
            assert art.body[tag.start:tag.end] == tag.text


@given(st.builds(Quote, id=st.text(), article_id=st.text(), revision=st.integers(1, 9),
                 pipeline_version=st.integers(1, 9), span=st.lists(st.integers(0, 99), min_size=2,
                                                                    max_size=2),
                 sentence=st.text(), received_at=st.just(NOW), text=st.text(),
                 kind=st.sampled_from(["direct", "partial", "indirect"]),
                 speaker=st.none() | st.text()))
def test_quotes_survive_the_codec(quote: Quote) -> None:
    assert Quote.loads(quote.dumps()) == quote


@given(st.builds(Figure, id=st.text(), article_id=st.text(), revision=st.just(1),
                 pipeline_version=st.just(1), span=st.just([0, 1]), sentence=st.text(),
                 received_at=st.just(NOW), text=st.text(),
                 value=st.none() | st.floats(allow_nan=False, allow_infinity=False),
                 bound=st.sampled_from(["exact", "about", "at_least", "at_most", "range"])))
def test_figures_survive_the_codec(figure: Figure) -> None:
    assert Figure.loads(figure.dumps()) == figure
