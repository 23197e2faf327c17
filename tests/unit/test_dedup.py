"""Duplicates are dropped, changed content is a new revision, redelivery is neither."""

from __future__ import annotations

from agents.dedup import assign_revision


def test_first_sight_is_revision_one() -> None:
    first = assign_revision(None, "h1", "0:10")
    assert first.revision == 1 and first.state["seen"] == {"h1": [1, "0:10"]}


def test_the_same_content_sent_again_is_a_counted_duplicate() -> None:
    first = assign_revision(None, "h1", "0:10")
    again = assign_revision(first.state, "h1", "0:11")
    assert again.revision is None and again.state["duplicates"] == 1


def test_changed_content_is_the_next_revision() -> None:
    first = assign_revision(None, "h1", "0:10")
    second = assign_revision(first.state, "h2", "0:12")
    assert second.revision == 2
    # the first version sent once more is still a duplicate, not revision 3
    assert assign_revision(second.state, "h1", "0:13").revision is None


def test_a_redelivered_message_keeps_its_revision() -> None:
    first = assign_revision(None, "h1", "0:10")
    assert assign_revision(first.state, "h1", "0:10").revision == 1
