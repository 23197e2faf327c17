"""run_stage: results are sent, bad input and bugs become dead letters, outages crash."""

from __future__ import annotations

from types import SimpleNamespace
from unittest.mock import AsyncMock

import pytest
from aiokafka.errors import KafkaConnectionError

from agents.errors import DecodeError
from agents.runner import Out, run_stage


def event(value: bytes = b"payload") -> SimpleNamespace:
    message = SimpleNamespace(topic="wiredesk.articles.raw.v1", partition=2, offset=41,
                              key=b"k1", value=value,
                              headers=[("wiredesk.source", b"ap")])
    return SimpleNamespace(message=message)


async def test_outputs_are_sent_in_order() -> None:
    sink, dlq = AsyncMock(), AsyncMock()
    error = await run_stage("split", event(),
                            lambda: [Out(sink, "a", b"1"), Out(sink, "a", b"2")], dlq=dlq)
    assert error is None
    assert [c.kwargs["value"] for c in sink.send.await_args_list] == [b"1", b"2"]
    # Sent at once, not attached to the offset commit (a second of latency per hop).
    assert all(c.kwargs["force"] is True for c in sink.send.await_args_list)
    dlq.send.assert_not_awaited()


async def test_stage_error_sends_the_original_bytes_with_reason_headers() -> None:
    dlq = AsyncMock()

    def reject() -> list[Out]:
        raise DecodeError("not UTF-8 text")

    assert isinstance(await run_stage("normalize", event(b"\xff"), reject, dlq=dlq), DecodeError)
    kwargs = dlq.send.await_args.kwargs
    assert kwargs["key"] == b"k1" and kwargs["value"] == b"\xff"
    headers = dict(kwargs["headers"])
    assert headers["dlq.stage"] == b"normalize"
    assert headers["dlq.topic"] == b"wiredesk.articles.raw.v1"
    assert headers["dlq.partition"] == b"2" and headers["dlq.offset"] == b"41"
    assert headers["dlq.error-type"] == b"DecodeError"
    assert headers["dlq.error"] == b"not UTF-8 text"
    assert headers["wiredesk.source"] == b"ap"  # kept, so a replay parses the same way


async def test_a_bug_is_a_dead_letter_too_and_logged_as_error(
        caplog: pytest.LogCaptureFixture) -> None:
    dlq = AsyncMock()

    def bug() -> list[Out]:
        raise KeyError("oops")

    assert isinstance(await run_stage("tag", event(), bug, dlq=dlq), KeyError)
    assert dict(dlq.send.await_args.kwargs["headers"])["dlq.error-type"] == b"KeyError"
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


async def test_long_errors_are_cut_to_one_kilobyte() -> None:
    dlq = AsyncMock()

    def long_error() -> list[Out]:
        raise DecodeError("x" * 5000)

    await run_stage("normalize", event(), long_error, dlq=dlq)
    assert len(dict(dlq.send.await_args.kwargs["headers"])["dlq.error"]) == 1024


async def test_broker_errors_are_not_swallowed() -> None:
    sink, dlq = AsyncMock(), AsyncMock()
    sink.send.side_effect = KafkaConnectionError("broker down")
    with pytest.raises(KafkaConnectionError):
        await run_stage("split", event(), lambda: [Out(sink, "a", b"1")], dlq=dlq)
    dlq.send.assert_not_awaited()
