"""The enrich stage's bookkeeping: one article's paragraphs gathered exactly once."""

from __future__ import annotations

from agents.enrich import track_paragraph


def test_paragraphs_in_any_order_complete_the_article_once() -> None:
    state = None
    actions = []
    for index in (2, 0, 1):
        progress = track_paragraph(state, 1, index, 3)
        state, actions = progress.state, [*actions, progress.action]
    assert actions == ["wait", "wait", "complete"]
    assert state == {"revision": 1, "count": 3, "have": [0, 1, 2]}


def test_a_redelivered_paragraph_does_not_count_twice() -> None:
    first = track_paragraph(None, 1, 0, 2)
    again = track_paragraph(first.state, 1, 0, 2)
    assert again.action == "wait" and again.state["have"] == [0]


def test_a_newer_revision_starts_over_and_discards_the_old_paragraphs() -> None:
    old = track_paragraph(track_paragraph(None, 1, 0, 3).state, 1, 1, 3)
    new = track_paragraph(old.state, 2, 0, 2)
    assert new.discard == (0, 1)
    assert new.state == {"revision": 2, "count": 2, "have": [0]}
    assert track_paragraph(new.state, 1, 2, 3).action == "stale"
