"""The desk's live feed: where it starts reading, when it is caught up, what it sends."""

from __future__ import annotations

import orjson

from streams.desk_feed import article_event, caught_up, start_positions


def test_a_new_page_starts_at_the_recent_end_of_each_partition() -> None:
    starts = start_positions({0: 0, 1: 40}, {0: 120, 1: 45, 2: 0}, recent=50)
    assert starts == {0: 70, 1: 40, 2: 0}  # never before a partition's first kept offset
    assert start_positions({0: 3}, {0: 9}, recent=0) == {0: 9}  # live only


def test_caught_up_once_every_partition_reached_its_target() -> None:
    assert caught_up({0: 5, 1: 7}, {0: 5, 1: 7})
    assert not caught_up({0: 5}, {0: 5, 1: 1})
    assert caught_up({}, {0: 0})  # an empty topic: nothing to wait for


def test_the_feed_sends_the_summary_and_skips_deletions_and_junk() -> None:
    value = {"id": "a1", "revision": 2, "headline": "H", "source": "file", "latency_ms": 12.5,
             "received_at": "2019-03-13T00:00:00+00:00", "paragraphs": [[0, 4, "Text"]],
             "quotes": [{"id": "q"}]}
    sent = orjson.loads(article_event(orjson.dumps(value)) or b"")
    assert sent["id"] == "a1" and sent["counts"]["quotes"] == 1 and "paragraphs" not in sent
    assert article_event(None) is None and article_event(b"") is None
    assert article_event(b"not json") is None and article_event(b"[1]") is None
