"""``wiredesk bench``: run the benchmark (``bench/run.py``) and print the results.

``--soak N`` runs the soak (``bench/soak.py``) instead, reported under ``soak``.

Progress goes to stderr; the table (or, with ``--json``, one JSON object) to stdout.
A broker set with ``WIREDESK_BROKER_URL`` is used as it is; otherwise the benchmark
starts a private broker on free ports in a temp dir and stops it at the end.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

__all__ = ["render", "run_bench"]

TARGETS: dict[str, str] = {
    "end_to_end_aps": ">= 50% of in-process (or >= 60)",
    "latency_ms": "p99 <= 250 ms",
    "alert_latency_ms": "p99 <= 300 ms",
    "replay_aps": ">= 80",
    "rss_mb": "<= 400",
    "messages_consumed_per_article": "<= 10",
}
#: The soak's targets, by key of the ``soak`` object.
SOAK_TARGETS: dict[str, str] = {
    "last_aps": ">= 0.8 x first",
    "max_value_bytes": "<= 65,536",
    "lost": "0",
    "duplicated": "0",
}
SOAK_ROWS = [
    ("first_aps", "soak: articles/s, first fifth"),
    ("last_aps", "soak: articles/s, last fifth"),
    ("max_value_bytes", "soak: largest table value, bytes"),
    ("lost", "soak: records lost in the tables"),
    ("duplicated", "soak: records doubled in the tables"),
    ("rss_mb", "soak: worker peak RSS, MB"),
]


def _fmt(value: Any, key: str = "") -> str:
    if isinstance(value, dict):
        return " / ".join(f"{k} {v:,.0f}" if v is not None else f"{k} -"
                          for k, v in value.items() if k.startswith("p"))
    if value is None:
        return "n/a: no alert arrived" if key == "alert_latency_ms" else "failed"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:,.1f}" if isinstance(value, float) else str(value)


def render(result: dict[str, Any]) -> Table:
    """The results as a rich table with the data path's targets beside them.

    A ``--soak`` run has only the soak's rows; a full run only the benchmark's.
    """
    table = Table(title=f"wiredesk bench: {result['articles']} articles, Kafka "
                        f"{result['kafka_version']}, {result['machine']['cores']} cores")
    table.add_column("measurement")
    table.add_column("value", justify="right")
    table.add_column("target")
    if "in_process_aps" in result:
        _bench_rows(table, result)
    if "soak" in result:
        _soak_rows(table, result["soak"])
    return table


def _soak_rows(table: Table, soak: dict[str, Any]) -> None:
    for key, label in SOAK_ROWS:
        value = soak.get(key)
        if key == "last_aps" and value is not None and soak.get("first_aps"):
            label += f" ({value / soak['first_aps']:.0%} of first)"
        table.add_row(label, "n/a" if value is None else _fmt(value), SOAK_TARGETS.get(key, ""))
    if soak.get("error"):
        table.add_row("soak: stopped early", str(soak["error"]), "")


def _bench_rows(table: Table, result: dict[str, Any]) -> None:
    rows = [
        ("in_process_aps", "in-process, articles/s (1 core)"),
        ("passthrough_aps", "pass-through aiokafka, articles/s"),
        ("end_to_end_aps", "end-to-end, 1 worker, articles/s"),
        ("end_to_end_2w_aps", "end-to-end, 2 workers, articles/s"),
        ("latency_ms", f"received->output ms at {result['latency_rate']:g}/s"),
        ("alert_latency_ms", f"received->alert ms at {result['latency_rate']:g}/s"),
        ("replay_aps", "replay (new pipeline version), articles/s"),
        ("rss_mb", "worker peak RSS, MB"),
        ("rss_100k_keys_mb", "RSS with 100,000 table keys, MB"),
        ("recovery_100k_s", "recover 100,000 keys from changelog, s"),
    ]
    for key, label in rows:
        table.add_row(label, _fmt(result[key], key), TARGETS.get(key, ""))
    l80 = result["latency_80pct"]
    table.add_row(f"received->output ms at {l80['rate']:.1f}/s (80% of max)",
                  _fmt(l80["latency_ms"]), "")
    table.add_row(f"received->alert ms at {l80['rate']:.1f}/s (80% of max)",
                  _fmt(l80.get("alert_latency_ms"), "alert_latency_ms"), "")
    table.add_row("messages per article (all topics)", _fmt(result["messages_per_article_total"]),
                  "")
    table.add_row("messages a worker consumes per article",
                  _fmt(result["messages_consumed_per_article"]),
                  TARGETS["messages_consumed_per_article"])
    table.add_row("Faust floor, messages/s (1 agent: consume, send)",
                  _fmt(result["faust_floor_msgs_per_s"]), "")
    table.add_row("Faust floor with a table write, messages/s",
                  _fmt(result["faust_floor_msgs_per_s_with_table"]), "")


def run_bench(articles: int, as_json: bool, console: Console, soak: int | None = None) -> int:
    """Run the benchmark with ``articles`` articles (or the soak of ``soak``); exit code."""
    from bench.run import Options, run
    from bench.soak import SoakOptions, run_soak
    from streams.settings import get_settings

    # Only an explicitly set WIREDESK_BROKER_URL is used; Settings cannot tell a set value
    # from its default, and a demo broker on the default port must not be benchmarked
    # by accident (the benchmark creates topics and consumer groups of its own).
    url = get_settings().bootstrap_servers if os.environ.get("WIREDESK_BROKER_URL") else None
    with console.status("benchmark running") as status:
        def log(message: str) -> None:
            console.log(message)
            status.update(message)

        try:
            if soak:
                result = run_soak(SoakOptions(articles=soak, broker_url=url, log=log))
            else:
                result = run(Options(articles=articles, broker_url=url, log=log))
        except Exception as exc:  # report and fail; everything started is already stopped
            console.print(f"[bold red]error:[/] benchmark failed: {type(exc).__name__}: {exc}")
            return 1
    if as_json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
    else:
        Console().print(render(result))
    return 0
