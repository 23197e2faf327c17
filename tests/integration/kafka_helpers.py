"""Reading and writing the test broker's topics from tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from streams.kafka_io import (
    RawArticle,
    TopicMessage,
    UnknownTopicError,
    read_topic,
    send_raw_articles,
)
from tests.integration.workers import Deployment

__all__ = ["collect", "send"]


def send(dep: Deployment, *articles: RawArticle) -> None:
    """Send raw articles to the deployment's raw topic (acks=all)."""
    asyncio.run(send_raw_articles(dep.bootstrap, dep.topic("articles.raw.v1"), articles))


def collect(
    dep: Deployment,
    suffix: str,
    until: Callable[[list[TopicMessage]], bool],
    timeout: float = 60.0,
) -> list[TopicMessage]:
    """Read a topic from the start until ``until(messages)`` holds, or fail after timeout."""

    async def read_all() -> list[TopicMessage]:
        try:
            return [m async for m in read_topic(dep.bootstrap, dep.topic(suffix),
                                                idle_timeout=1.0)]
        except UnknownTopicError:  # a worker that creates it has not started yet
            return []

    deadline = time.monotonic() + timeout
    while True:
        messages = asyncio.run(read_all())
        if until(messages):
            return messages
        if time.monotonic() > deadline:
            raise AssertionError(f"{suffix}: condition not met in {timeout}s "
                                 f"({len(messages)} messages)")
        time.sleep(0.5)
