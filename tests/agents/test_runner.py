"""run_stage: results are sent, bad input and bugs become dead letters, outages crash."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError

from agents.errors import DecodeError
from agents.runner import Out, run_stage


class Producer:
    """A producer that records what it was handed and confirms (or fails) each send."""

    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.error = error

    async def send(self, topic: str, key: bytes | None, value: bytes | None,
                   partition: int | None, timestamp: float | None,
                   headers: list[tuple[str, bytes]] | None) -> asyncio.Future[Any]:
        if self.error is not None:
            raise self.error
        self.sent.append({"topic": topic, "key": key, "value": value, "partition": partition,
                          "headers": headers})
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def topic(name: str, producer: Producer) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(producer=producer), get_topic_name=lambda: name)


def event(value: bytes = b"payload") -> SimpleNamespace:
    message = SimpleNamespace(topic="wiredesk.articles.raw.v1", partition=2, offset=41,
                              key=b"k1", value=value,
                              headers=[("wiredesk.source", b"ap")])
    return SimpleNamespace(message=message)


async def test_outputs_are_handed_to_the_producer_in_order() -> None:
    producer = Producer()
    sink, dlq = topic("out", producer), topic("dlq", producer)
    error = await run_stage("split", event(), lambda: [Out(sink, "a", b"1"),
                                                       Out(sink, "a", b"2", partition=3)],
                            dlq=dlq)
    assert error is None
    assert [(m["topic"], m["key"], m["value"], m["partition"]) for m in producer.sent] == [
        ("out", b"a", b"1", None), ("out", b"a", b"2", 3)]


async def test_stage_error_sends_the_original_bytes_with_reason_headers() -> None:
    producer = Producer()

    def reject() -> list[Out]:
        raise DecodeError("not UTF-8 text")

    error = await run_stage("normalize", event(b"\xff"), reject, dlq=topic("dlq", producer))
    assert isinstance(error, DecodeError)
    (sent,) = producer.sent
    assert sent["topic"] == "dlq" and sent["key"] == b"k1" and sent["value"] == b"\xff"
    headers = dict(sent["headers"])
    assert headers["dlq.stage"] == b"normalize"
    assert headers["dlq.topic"] == b"wiredesk.articles.raw.v1"
    assert headers["dlq.partition"] == b"2" and headers["dlq.offset"] == b"41"
    assert headers["dlq.error-type"] == b"DecodeError"
    assert headers["dlq.error"] == b"not UTF-8 text"
    assert headers["wiredesk.source"] == b"ap"  # kept, so a replay parses the same way


async def test_a_bug_is_a_dead_letter_too_and_logged_as_error(
        caplog: pytest.LogCaptureFixture) -> None:
    producer = Producer()

    def bug() -> list[Out]:
        raise KeyError("oops")

    assert isinstance(await run_stage("tag", event(), bug, dlq=topic("dlq", producer)), KeyError)
    assert dict(producer.sent[0]["headers"])["dlq.error-type"] == b"KeyError"
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


async def test_long_errors_are_cut_to_one_kilobyte() -> None:
    producer = Producer()

    def long_error() -> list[Out]:
        raise DecodeError("x" * 5000)

    await run_stage("normalize", event(), long_error, dlq=topic("dlq", producer))
    assert len(dict(producer.sent[0]["headers"])["dlq.error"]) == 1024


async def test_broker_errors_are_not_swallowed() -> None:
    producer = Producer(KafkaConnectionError("broker down"))
    with pytest.raises(KafkaConnectionError):
        await run_stage("split", event(), lambda: [Out(topic("out", producer), "a", b"1")],
                        dlq=topic("dlq", producer))


def _sample(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_processed_failed_and_dead_letters_by_reason() -> None:
    producer = Producer()
    sink, dlq = topic("out", producer), topic("dlq", producer)
    before = (_sample("wiredesk_stage_processed_total", stage="m-test"),
              _sample("wiredesk_stage_failed_total", stage="m-test"),
              _sample("wiredesk_dead_letters_total", stage="m-test", reason="DecodeError"),
              _sample("wiredesk_dead_letters_total", stage="m-test", reason="unexpected"))

    def reject() -> list[Out]:
        raise DecodeError("not JSON")

    def bug() -> list[Out]:
        raise ZeroDivisionError

    await run_stage("m-test", event(), lambda: [Out(sink, "a", b"1")], dlq=dlq)
    await run_stage("m-test", event(), lambda: [Out(sink, "a", b"2")], dlq=dlq)
    await run_stage("m-test", event(), reject, dlq=dlq)
    await run_stage("m-test", event(), bug, dlq=dlq)
    after = (_sample("wiredesk_stage_processed_total", stage="m-test"),
             _sample("wiredesk_stage_failed_total", stage="m-test"),
             _sample("wiredesk_dead_letters_total", stage="m-test", reason="DecodeError"),
             _sample("wiredesk_dead_letters_total", stage="m-test", reason="unexpected"))
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 2, 1, 1]
