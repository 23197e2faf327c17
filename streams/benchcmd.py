"""``wiredesk bench``: run the benchmark (``bench/run.py``) and print the results.

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
    """The results as a rich table with the data path's targets beside them."""
    table = Table(title=f"wiredesk bench: {result['articles']} articles, Kafka "
                        f"{result['kafka_version']}, {result['machine']['cores']} cores")
    table.add_column("measurement")
    table.add_column("value", justify="right")
    table.add_column("target")
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
    return table


def run_bench(articles: int, as_json: bool, console: Console) -> int:
    """Run the benchmark with ``articles`` articles; return the exit code."""
    from bench.run import Options, run
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
            result = run(Options(articles=articles, broker_url=url, log=log))
        except Exception as exc:  # report and fail; everything started is already stopped
            console.print(f"[bold red]error:[/] benchmark failed: {type(exc).__name__}: {exc}")
            return 1
    if as_json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
    else:
        Console().print(render(result))
    return 0
