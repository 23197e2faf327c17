"""What ``wiredesk broker status`` prints: one readable line, or a JSON object.

Pure functions of a :class:`streams.broker.BrokerStatus`, so the wording is tested
without a broker (the dataclass's ``repr`` was printed before, which nobody reads).
"""

from __future__ import annotations

from typing import Any

from streams.broker import BrokerStatus

__all__ = ["status_json", "status_line"]


def status_line(st: BrokerStatus) -> str:
    """One line: does a broker answer at the address, and is it the one we started."""
    kafka = f"Kafka {st.kafka_version}" if st.kafka_version else "Kafka"
    ours = f"our {kafka} (pid {st.pid}, data in {st.data_dir})"
    cluster = f", cluster {st.cluster_id}" if st.cluster_id else ""
    if st.answers and st.running:
        return f"up: {ours} answers on {st.address}{cluster}"
    if st.answers:
        return (f"up: a broker answers on {st.address}{cluster}; it is not one this "
                f"checkout started (no live pid in {st.data_dir})")
    if st.running:
        return (f"starting or stuck: {ours} runs but {st.address} does not "
                "answer a metadata request (see broker.log in the data folder)")
    return f"down: nothing answers on {st.address}; start it with `wiredesk broker start`"


def status_json(st: BrokerStatus) -> dict[str, Any]:
    """The status as plain JSON types (``--json``)."""
    return {"state": "up" if st.answers else ("starting" if st.running else "down"),
            "address": st.address, "answers": st.answers, "running": st.running,
            "pid": st.pid, "kafka_version": st.kafka_version, "cluster_id": st.cluster_id,
            "data_dir": str(st.data_dir)}
