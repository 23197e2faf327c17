"""The desk page's article view: the annotation fold, mark nesting and the feed line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agents.annotate import (
    Mark,
    annotate_article,
    annotated_view,
    feed_item,
    marks_of,
    place_marks,
)
from agents.enrich import enrich_article
from agents.lexicon import load_lexicon
from agents.parse import RawMeta, parse_article
from agents.split import split_article
from agents.tag import tag_paragraph
from tests.conftest import NOW, SEED

Seed = dict[str, Any]  # the seed article, its tagged paragraphs, enrich result, annotation


def flat(nodes: list[Any]) -> str:
    """The text of a node tree (what the page shows, marks removed)."""
    return "".join(n if isinstance(n, str) else flat(n["nodes"]) for n in nodes)


def marks_in(nodes: list[Any], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """(enclosing mark refs, text) of every string, for checking the nesting."""
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append((path, n))
        else:
            out.extend(marks_in(n["nodes"], (*path, n["ref"])))
    return out


def test_marks_nest_when_one_lies_inside_another() -> None:
    text = 'He said "we left on Tuesday" today.'
    quote, date = Mark(9, 27, "quote", "q"), Mark(20, 27, "date", "d")
    nodes = place_marks(text, 0, [date, quote])
    assert flat(nodes) == text
    assert marks_in(nodes) == [((), 'He said "'), (("q",), "we left on "), (("q", "d"), "Tuesday"),
                               ((), '" today.')]
    assert nodes[1]["mark"] == "quote" and nodes[1]["anchor"] is True


def test_a_crossing_mark_is_cut_and_only_its_first_piece_is_the_anchor() -> None:
    text = "abcdefghij"
    nodes = place_marks(text, 0, [Mark(0, 6, "quote", "q"), Mark(4, 9, "entity", "e")])
    assert flat(nodes) == text
    assert marks_in(nodes) == [(("q",), "abcd"), (("q", "e"), "ef"), (("e",), "ghi"), ((), "j")]
    anchors = [n["anchor"] for n in (nodes[0]["nodes"][1], nodes[1])]
    assert anchors == [True, False]


def test_equal_spans_put_the_quote_outside_and_offsets_are_body_offsets() -> None:
    body = "xxxxx" + "IS said"  # the paragraph starts at body offset 5
    nodes = place_marks(body[5:], 5, [Mark(5, 7, "entity", "e"), Mark(5, 12, "quote", "q"),
                                      Mark(0, 3, "date", "far away")])
    assert marks_in(nodes) == [(("q", "e"), "IS"), (("q",), " said")]


def test_marks_running_past_the_paragraph_are_clipped_and_anchored_once() -> None:
    seen: set[tuple[str, str]] = set()
    mark = Mark(3, 12, "quote", "q")
    first = place_marks("0123456", 0, [mark], seen)
    second = place_marks("89ab", 8, [mark], seen)
    assert marks_in(first) == [((), "012"), (("q",), "3456")]
    assert marks_in(second) == [(("q",), "89ab")]
    assert first[1]["anchor"] is True and second[0]["anchor"] is False


@pytest.fixture(scope="module")
def seed_annotation() -> Seed:
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    article = parse_article(SEED.read_bytes(), RawMeta(source="file", source_id=SEED.name),
                            now=NOW)
    lexicon = load_lexicon()
    tagged = [tag_paragraph(p, lexicon) for p in split_article(article, 1)]
    enriched = enrich_article(tagged, lexicon)
    value = annotate_article(None, tagged, enriched, source="file",
                             processed_at=NOW + timedelta(milliseconds=640))
    assert value is not None
    return {"article": article, "tagged": tagged, "enriched": enriched, "value": value}


def test_the_seed_annotation_keeps_every_record_and_mention(seed_annotation: Seed) -> None:
    value, enriched = seed_annotation["value"], seed_annotation["enriched"]
    assert value["latency_ms"] == 640.0 and value["source"] == "file"
    assert value["headline"] == "Islamic State Strikes Back in Last Stand at Baghuz"
    assert [q["id"] for q in value["quotes"]] == [q.id for q in enriched.quotes]
    islamic_state = next(e for e in value["entities"] if e["name"] == "Islamic State")
    assert len(islamic_state["spans"]) == islamic_state["mentions"] > 1
    assert "sentence" not in value["quotes"][0]  # the page does not need it


def test_the_view_gives_back_the_body_and_marks_bali_s_direct_quotes(seed_annotation: Seed) -> None:
    article, value = seed_annotation["article"], seed_annotation["value"]
    view = annotated_view(value)
    for p in view["paragraphs"]:
        assert flat(p["nodes"]) == article.body[p["start"]:p["end"]]
    bali = {q["id"]: q["text"] for q in value["quotes"]
            if q["speaker"] == "Mustafa Bali" and q["kind"] == "direct"}
    assert len(bali) == 2

    def anchored(nodes: list[Any]) -> dict[str, str]:
        found = {}
        for n in nodes:
            if isinstance(n, dict):
                if n["mark"] == "quote" and n["anchor"]:
                    found[n["ref"]] = flat(n["nodes"])
                found.update(anchored(n["nodes"]))
        return found

    marked = {}
    for p in view["paragraphs"]:
        marked.update(anchored(p["nodes"]))
    assert {ref: marked[ref] for ref in bali} == bali
    assert view["counts"]["quotes"] == len(value["quotes"])
    assert {m.kind for m in marks_of(value)} == {"quote", "figure", "entity", "date", "event"}


def test_a_redelivery_or_an_older_revision_changes_nothing(seed_annotation: Seed) -> None:
    value, tagged, enriched = (seed_annotation[k] for k in ("value", "tagged", "enriched"))
    later = NOW + timedelta(hours=1)
    assert annotate_article(value, tagged, enriched, source="file", processed_at=later) is value
    newer = {**value, "revision": 2}
    assert annotate_article(newer, tagged, enriched, source="file", processed_at=later) is newer
    older = {**value, "revision": 0}
    replaced = annotate_article(older, tagged, enriched, source="file", processed_at=later)
    assert replaced is not None and replaced["revision"] == 1


def test_a_value_too_large_for_a_kafka_message_keeps_only_the_summary(
        seed_annotation: Seed) -> None:
    value = annotate_article(None, seed_annotation["tagged"], seed_annotation["enriched"],
                             source="file", processed_at=datetime(2019, 3, 13, tzinfo=UTC),
                             max_bytes=5_000)
    assert value is not None and value["truncated"] is True
    assert value["paragraphs"] == [] and value["quotes"] == [] and value["headline"]
    assert annotated_view(value)["counts"]["quotes"] == 0


def test_the_feed_line_has_the_summary_and_counts_but_no_text(seed_annotation: Seed) -> None:
    item = feed_item(seed_annotation["value"])
    assert set(item) >= {"id", "headline", "source", "received_at", "processed_at", "latency_ms",
                         "counts"}
    assert "paragraphs" not in item and "quotes" not in item
    assert item["counts"]["quotes"] == len(seed_annotation["value"]["quotes"])
