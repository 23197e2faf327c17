"""``ingest --feed``: what a poll sends given what was sent before, and the state it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.feedpoll import (
    FeedError,
    FeedState,
    Fetched,
    backoff,
    content_hash,
    fetch,
    items_to_send,
    load_state,
    parse_interval,
    remember,
    save_state,
    state_path,
)
from streams.ingest import raw_articles
from streams.kafka_io import RawArticle
from tests.conftest import FIXTURES

URL = "https://wire.example.com/world/rss.xml"
FEED = (FIXTURES / "formats" / "rss2_feed.xml").read_bytes()
LIMIT = 2_000_000


def items(feed: bytes = FEED) -> tuple[list[RawArticle], list[str]]:
    arts = raw_articles(feed, URL, "rss", "wire.example.com", LIMIT)
    return arts, [content_hash(a, LIMIT) for a in arts]


def test_a_first_poll_sends_every_item() -> None:
    arts, hashes = items()
    assert len(arts) == 3
    todo = items_to_send(arts, hashes, FeedState(URL))
    assert [a for a, _ in todo] == arts


def test_a_re_poll_of_the_same_feed_sends_nothing() -> None:
    arts, hashes = items()
    state = remember(FeedState(URL), items_to_send(arts, hashes, FeedState(URL)), Fetched(FEED))
    assert items_to_send(arts, hashes, state) == []


def test_a_rebuilt_feed_with_the_same_stories_sends_nothing() -> None:
    # lastBuildDate changes on every build and is part of each item's piece.
    arts, hashes = items()
    state = remember(FeedState(URL), list(zip(arts, hashes, strict=True)), Fetched(FEED))
    rebuilt = FEED.replace(b"Tue, 13 Aug 2024 10:05:00 GMT", b"Tue, 13 Aug 2024 11:00:00 GMT")
    arts2, hashes2 = items(rebuilt)
    assert [a.payload for a in arts2] != [a.payload for a in arts]
    assert items_to_send(arts2, hashes2, state) == []


def test_a_changed_item_and_a_new_item_are_sent_and_nothing_else() -> None:
    arts, hashes = items()
    state = remember(FeedState(URL), list(zip(arts, hashes, strict=True)), Fetched(FEED))
    changed = FEED.replace(b"killed at least 40 people", b"killed at least 45 people")
    new_item = (b"<item><title>Central bank holds rates</title><guid>ew-new-1</guid>"
                b"<description>ACCRA \xe2\x80\x94 The central bank held its rate on "
                b"Monday.</description></item></channel>")
    changed = changed.replace(b"</channel>", new_item)
    arts2, hashes2 = items(changed)
    todo = items_to_send(arts2, hashes2, state)
    assert [a.source_id for a, _ in todo] == ["ew-2024-08-13-0041", "ew-new-1"]
    assert todo[0][0].key == arts[0].key  # same id: a new revision downstream


def test_an_id_twice_in_one_feed_is_sent_once() -> None:
    arts, hashes = items()
    todo = items_to_send([arts[0], arts[0]], [hashes[0], "other"], FeedState(URL))
    assert len(todo) == 1


def test_remember_keeps_validators_and_forgets_the_oldest_items() -> None:
    arts, hashes = items()
    state = FeedState(URL, etag='"v1"', last_modified="Tue, 13 Aug 2024 10:00:00 GMT",
                      items={"old": "h"})
    after = remember(state, list(zip(arts, hashes, strict=True)), Fetched(b"", etag='"v2"'),
                     limit=3)
    assert after.etag == '"v2"'
    assert after.last_modified == "Tue, 13 Aug 2024 10:00:00 GMT"  # not sent again: kept
    assert list(after.items) == [a.key for a in arts]  # "old" forgotten first
    assert state.items == {"old": "h"}  # the old state is unchanged


def test_an_item_that_does_not_parse_is_hashed_by_its_bytes() -> None:
    broken = RawArticle(b"<rss><channel><item><title></title></item></channel></rss>",
                        "s", "x", "rss")
    assert content_hash(broken, LIMIT).startswith("raw:")


def test_state_round_trips_through_its_file(tmp_path: Path) -> None:
    path = state_path(tmp_path, URL)
    assert path.parent == tmp_path / "feeds"
    assert state_path(tmp_path, URL + "?x") != path
    state = FeedState(URL, '"e"', None, {"a": "1", "b": "2"})
    save_state(path, state)
    assert load_state(path, URL) == state
    assert not list(path.parent.glob("*.tmp"))


def test_a_missing_damaged_or_foreign_state_file_is_an_empty_state(tmp_path: Path) -> None:
    path = state_path(tmp_path, URL)
    assert load_state(path, URL) == FeedState(URL)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{not json")
    assert load_state(path, URL) == FeedState(URL)
    save_state(path, FeedState("https://other.example/feed", items={"a": "1"}))
    assert load_state(path, URL) == FeedState(URL)


def test_backoff_doubles_from_the_interval_up_to_a_cap() -> None:
    assert backoff(60, 0) == 60
    assert [backoff(60, n) for n in (1, 2, 3, 5, 10)] == [60, 120, 240, 900, 900]
    assert backoff(0, 1) == 5  # a poll-once run still waits between retries
    assert backoff(3600, 4) == 3600  # never above the interval when it is the larger


@pytest.mark.parametrize(("text", "seconds"), [("60", 60), ("60s", 60), ("5m", 300),
                                                ("1h", 3600), ("0", 0), ("1.5", 1.5)])
def test_intervals(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-5", "5d", "", "nan"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ValueError, match="--every"):
        parse_interval(text)


def test_only_http_feeds_are_fetched() -> None:
    with pytest.raises(FeedError, match="only http"):
        fetch("file:///etc/passwd", FeedState("file:///etc/passwd"))
