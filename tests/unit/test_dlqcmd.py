"""``dlq replay``: which dead letters are chosen and what is re-sent where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.errors import DecodeError
from streams.deadletter import dlq_headers
from streams.dlqcmd import (
    ReplayError,
    check_stage,
    failed_at,
    parse_since,
    replay_target,
    select_letters,
    summarize,
)
from streams.kafka_io import TopicMessage
from streams.topics import DLQ_STAGES

T0 = datetime(2024, 8, 13, 9, 0, tzinfo=UTC)
RAW = "wiredesk.articles.raw.v1"
OWN = [("wiredesk.source", b"file"), ("wiredesk.source-id", b"bad.bin"),
       ("wiredesk.format", b"text")]


def letter(offset: int, *, key: bytes | None = b"k1", value: bytes | None = b"\x00bad",
           minutes: int = 0, topic: str = RAW, partition: int = 0,
           own: list[tuple[str, bytes]] | None = None) -> TopicMessage:
    headers = dlq_headers(stage="normalize", topic=topic, partition=1, offset=offset * 10,
                          error=DecodeError("binary data"), original=OWN if own is None else own,
                          failed_at=T0 + timedelta(minutes=minutes))
    return TopicMessage("wiredesk.dlq.normalize.v1", partition, offset, 0, key, value, headers)


def test_replay_target_is_the_original_message_to_its_source_topic() -> None:
    topic, key, value, headers = replay_target(letter(0))
    assert (topic, key, value) == (RAW, b"k1", b"\x00bad")
    assert headers == OWN  # own headers, in order, and no dlq.* header


def test_a_stale_dlq_header_among_the_originals_is_not_re_sent() -> None:
    msg = letter(0)
    msg.headers.insert(0, ("dlq.error", b"old reason"))
    assert all(not k.startswith("dlq.") for k, _ in replay_target(msg)[3])


def test_a_letter_without_a_source_topic_cannot_be_replayed() -> None:
    msg = TopicMessage("wiredesk.dlq.tag.v1", 0, 7, 0, b"k", b"v", [("dlq.stage", b"tag")])
    with pytest.raises(ReplayError, match=r"no dlq\.topic"):
        replay_target(msg)


def test_all_letters_are_selected_without_since_in_partition_offset_order() -> None:
    msgs = [letter(2, key=b"b", partition=1), letter(5, key=b"c"), letter(1, key=b"a")]
    chosen = select_letters(msgs, None)
    assert [(m.partition, m.offset) for m in chosen] == [(0, 1), (0, 5), (1, 2)]


def test_since_keeps_letters_that_failed_at_or_after_it() -> None:
    msgs = [letter(0, key=b"old", minutes=-1), letter(1, key=b"edge"),
            letter(2, key=b"new", minutes=30)]
    assert [m.key for m in select_letters(msgs, T0)] == [b"edge", b"new"]


def test_since_drops_letters_whose_failure_time_is_unknown() -> None:
    msg = letter(0)
    msg.headers[:] = [(k, v) for k, v in msg.headers if k != "dlq.failed-at"]
    assert failed_at(msg) is None
    assert select_letters([msg], T0) == []
    assert select_letters([msg], None) == [msg]


def test_a_message_that_failed_again_after_a_replay_is_selected_once() -> None:
    first, again = letter(0, minutes=0), letter(9, minutes=5)  # same message, failed twice
    other = letter(3, value=b"\xffother")
    assert select_letters([first, again, other], None) == [first, other]


def test_same_bytes_with_other_headers_are_different_messages() -> None:
    a = letter(0)
    b = letter(1, own=[("wiredesk.source", b"reuters")])
    assert len(select_letters([a, b], None)) == 2


def test_null_key_and_value_survive() -> None:
    assert replay_target(letter(0, key=None, value=None))[1:3] == (None, None)


def test_summary_counts_letters_per_source_topic() -> None:
    msgs = [letter(0, key=b"a"), letter(1, key=b"b"),
            letter(2, key=b"c", topic="wiredesk.articles.v1")]
    assert summarize(msgs) == {RAW: 2, "wiredesk.articles.v1": 1}


def test_since_accepts_dates_times_and_z() -> None:
    assert parse_since("2024-08-13") == datetime(2024, 8, 13, tzinfo=UTC)
    assert parse_since("2024-08-13T09:30:00Z") == datetime(2024, 8, 13, 9, 30, tzinfo=UTC)
    assert parse_since("2024-08-13T11:30:00+02:00") == datetime(2024, 8, 13, 9, 30, tzinfo=UTC)
    with pytest.raises(ReplayError, match="ISO 8601"):
        parse_since("yesterday")


def test_an_unknown_stage_names_the_stages_that_have_dead_letters() -> None:
    assert check_stage("normalize", DLQ_STAGES) == "normalize"
    with pytest.raises(ReplayError, match=r"unknown stage 'parse'.*normalize, enrich"):
        check_stage("parse", DLQ_STAGES)
