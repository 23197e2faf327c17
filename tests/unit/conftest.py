"""Fixtures the unit tests of the command line share."""

from __future__ import annotations

from typing import Any

import pytest

from streams import kafka_io, topics


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[kafka_io.RawArticle]:
    """Ingest with Kafka replaced: the articles it would send."""
    out: list[kafka_io.RawArticle] = []

    async def send(bootstrap: str, topic: str, articles: Any, **_: Any) -> int:
        out.extend(articles)
        return len(out)

    async def ensure(settings: Any) -> None:
        return None

    monkeypatch.setattr(kafka_io, "send_raw_articles", send)
    monkeypatch.setattr(topics, "ensure_topics", ensure)
    return out
