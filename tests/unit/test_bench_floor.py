"""The Faust floor phase's broker-free pieces: its messages and its rows in the table."""

from __future__ import annotations

from io import StringIO
from typing import Any

import orjson
from rich.console import Console

from bench.run import FLOOR_MESSAGE_BYTES, _floor_payload
from streams.benchcmd import render


def test_floor_messages_are_json_of_the_record_size_with_distinct_ids() -> None:
    payloads = [_floor_payload(i) for i in (0, 1, 19_999)]
    assert {len(p) for p in payloads} == {FLOOR_MESSAGE_BYTES}
    assert len({orjson.loads(p)["id"] for p in payloads}) == 3


def _result(**floor: Any) -> dict[str, Any]:
    return {"articles": 60, "kafka_version": "4.4.0", "machine": {"cores": 2},
            "latency_rate": 20.0, "in_process_aps": 66.0, "passthrough_aps": 345.0,
            "end_to_end_aps": 7.3, "end_to_end_2w_aps": 11.6,
            "latency_ms": {"p50": 1.0, "p95": 2.0, "p99": 3.0},
            "alert_latency_ms": {"p50": 1.0, "p95": 2.0, "p99": 3.0}, "replay_aps": 4.8,
            "rss_mb": 402.0, "rss_100k_keys_mb": 102.0, "recovery_100k_s": 39.9,
            "latency_80pct": {"rate": 5.9, "latency_ms": None, "alert_latency_ms": None},
            "messages_per_article_total": 220.7, "messages_consumed_per_article": 8.0,
            **floor}


def _text(result: dict[str, Any]) -> str:
    out = StringIO()
    Console(file=out, width=140).print(render(result))
    return out.getvalue()


def test_render_shows_the_floor_rows_and_failed_when_a_variant_failed() -> None:
    text = _text(_result(faust_floor_msgs_per_s=1_761, faust_floor_msgs_per_s_with_table=None))
    floor = next(line for line in text.splitlines() if "Faust floor, messages/s" in line)
    table = next(line for line in text.splitlines() if "with a table write" in line)
    assert "1,761" in floor
    assert "failed" in table
