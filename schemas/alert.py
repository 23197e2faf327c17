"""The alert record: one rule matched one output record (``wiredesk.alerts.v1``).

An alert's ``id`` is a hash of the rule id and the matched record's id, so the
same (rule, record) pair always gives the same alert: a consumer that sees an
id twice (after a worker crash, at-least-once) drops the second copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schemas.base import PUBLIC, WireRecord

__all__ = ["Alert", "AlertV1"]


class AlertV1(WireRecord, namespace="wiredesk.alert.v1", **PUBLIC):
    """A rule matched an output record (``wiredesk.alerts.v1``, keyed by rule id)."""

    id: str
    rule_id: str
    kind: str  # events | quotes | figures | entities: the topic the record came from
    record_id: str
    record: dict[str, Any]  # the matched record, as it is on its output topic
    article_id: str
    received_at: datetime  # when the article reached the raw topic
    emitted_at: datetime  # when this alert was made
    latency_ms: float  # emitted_at - received_at
    headline: str | None = None  # the article's headline when the worker knows it


Alert = AlertV1
