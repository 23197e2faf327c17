"""Clear answers on the command line, without a broker: stages, ingest's verdicts, status.

The unknown-topic answers need a cluster's metadata: tests/integration/test_cli_answers.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from streams import broker, kafka_io, topics
from streams.broker import BrokerStatus
from streams.brokertext import status_json, status_line
from streams.cli import app
from streams.ingest import raw_articles

runner = CliRunner()
GOOD = b"Talks resume in Geneva\n\nDiplomats met on Tuesday to reopen the talks."


@pytest.mark.parametrize("args", [["dlq", "list", "--stage", "bogus"],
                                  ["dlq", "replay", "--stage", "bogus", "--yes"]])
def test_an_unknown_stage_is_one_line_and_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)  # the stage is checked before Kafka is asked
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "unknown stage 'bogus'" in result.output
    assert "normalize" in result.output and "Traceback" not in result.output


def test_raw_articles_says_why_normalize_will_refuse_a_piece() -> None:
    (good,) = raw_articles(GOOD, "good.txt", "auto", "file")
    (empty,) = raw_articles(b"", "empty.txt", "auto", "file")
    (binary,) = raw_articles(b"\x00\x01\x02\x03\xff\xfe binary", "bin.bin", "auto", "file")
    (big,) = raw_articles(b"Headline\n\n" + b"word " * 100, "big.txt", "text", "file", 100)
    assert good.refused is None
    assert empty.refused is not None and empty.refused.startswith("EmptyArticle: ")
    assert binary.refused is not None and binary.refused.startswith("DecodeError: ")
    assert big.refused is not None and big.refused.startswith("TooLarge: ")


def test_ingest_lists_each_refused_input_sends_it_and_exits_1(
        tmp_path: Path, sent: list[kafka_io.RawArticle]) -> None:
    (tmp_path / "a-good.txt").write_bytes(GOOD)
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-binary.bin").write_bytes(b"\x00\x01\x02\x03\xff\xfe binary")
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert [a.source_id for a in sent] == ["a-good.txt", "b-empty.txt", "c-binary.bin"]
    lines = {line.split()[2]: line for line in result.stdout.splitlines()}
    assert "dead letter" not in lines["a-good.txt"]
    assert "dead letter (normalize): EmptyArticle" in lines["b-empty.txt"]
    assert "dead letter (normalize): DecodeError" in lines["c-binary.bin"]
    assert "2 of them will be dead letters" in result.output


def test_ingest_of_good_inputs_exits_0(tmp_path: Path,
                                       sent: list[kafka_io.RawArticle]) -> None:
    (tmp_path / "good.txt").write_bytes(GOOD)
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "dead letter" not in result.output


def status(pid: int | None, answers: bool) -> BrokerStatus:
    return BrokerStatus("127.0.0.1:9092", pid, answers, "4.4.0" if pid else None,
                        "abc123" if answers else None, Path("/data/kafka"))


def test_broker_status_is_one_readable_line() -> None:
    assert status_line(status(42, True)) == (
        "up: our Kafka 4.4.0 (pid 42, data in /data/kafka) answers on 127.0.0.1:9092, "
        "cluster abc123")
    assert status_line(status(None, True)).startswith("up: a broker answers on 127.0.0.1:9092")
    assert status_line(status(42, False)).startswith("starting or stuck: our Kafka 4.4.0")
    assert status_line(status(None, False)) == (
        "down: nothing answers on 127.0.0.1:9092; start it with `wiredesk broker start`")
    for st in (status(42, True), status(None, True), status(42, False), status(None, False)):
        assert "\n" not in status_line(st)


def test_broker_status_json_is_plain_json() -> None:
    doc = orjson.loads(orjson.dumps(status_json(status(42, True))))
    assert doc == {"state": "up", "address": "127.0.0.1:9092", "answers": True,
                   "running": True, "pid": 42, "kafka_version": "4.4.0",
                   "cluster_id": "abc123", "data_dir": "/data/kafka"}
    assert status_json(status(None, False))["state"] == "down"


@pytest.mark.parametrize(("answers", "code"), [(True, 0), (False, 1)])
def test_broker_status_command_exits_0_only_when_it_answers(
        monkeypatch: pytest.MonkeyPatch, answers: bool, code: int) -> None:
    monkeypatch.setattr(broker, "status", lambda cfg: status(None, answers))
    result = runner.invoke(app, ["broker", "status"])
    assert result.exit_code == code
    assert result.stdout.strip() == status_line(status(None, answers))
    result = runner.invoke(app, ["broker", "status", "--json"])
    assert orjson.loads(result.stdout) == status_json(status(None, answers))


def test_the_unknown_topic_line_names_the_topics_of_its_prefix() -> None:
    line = kafka_io._unknown("wiredesk.bogus.v1", ["wiredesk.quotes.v1", "other.x",
                                                   "wiredesk.events.v1"])
    assert line == ("no topic 'wiredesk.bogus.v1' on the cluster; wiredesk.* topics: "
                    "events.v1, quotes.v1")
    assert kafka_io._unknown("t1.quotes.v1", ["wiredesk.quotes.v1"]).endswith(
        "no t1.* topics exist (run `wiredesk topics create`)")


def test_a_feed_poll_marks_refused_items_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from streams import feedpoll

    good = kafka_io.RawArticle(GOOD, "feed", "item-1", "rss")
    bad = kafka_io.RawArticle(b"", "feed", "item-2", "rss", refused="EmptyArticle: empty")

    async def poll_forever(url: str, state: Any, source: str, max_bytes: int, send: Any,
                           every: float, report: Any) -> int:
        report(feedpoll.PollResult(items=2, sent=[good, bad]))
        return 0

    async def ensure(settings: Any) -> None:
        return None

    monkeypatch.setattr(feedpoll, "poll_forever", poll_forever)
    monkeypatch.setattr(topics, "ensure_topics", ensure)
    result = runner.invoke(app, ["ingest", "--feed", "http://127.0.0.1:9/feed.xml"])
    assert result.exit_code == 1, result.output
    assert "item-2  -> dead letter (normalize): EmptyArticle" in result.stdout
    assert "dead letter" not in result.stdout.splitlines()[0]
