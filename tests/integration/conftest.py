"""The real Kafka broker behind every test in tests/integration/.

``kafka_bootstrap`` is ``WIREDESK_BROKER_URL`` when set; otherwise the project's own
single-node broker (streams.broker) is started once per session on free ports with its
data in a pytest temp dir, and stopped at the end. Free ports keep a developer's demo
broker on 9092 out of the way. A broker that cannot be started fails the session under
``CI=true`` (the integration tests are the proof that the streaming works) and skips it
elsewhere. Every test collected from this folder gets the ``integration`` marker.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from streams.broker import BrokerConfig, BrokerError, start, stop

__all__ = ["free_ports", "kafka_bootstrap", "local_broker", "start_or_give_up"]

HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here too, so this folder also runs without pyproject's list."""
    config.addinivalue_line("markers", "integration: needs a real Kafka broker")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/integration/ so `-m "not integration"` leaves them out."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on right now, all distinct (held open together while picked)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _give_up(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI needs a Kafka broker: {reason}", pytrace=False)
    pytest.skip(reason)


def start_or_give_up(data_dir: Path, timeout: float = 180.0) -> BrokerConfig:
    """Start a broker of the project's own on free ports, or fail (CI) / skip (elsewhere)."""
    port, controller_port = free_ports(2)
    cfg = BrokerConfig(data_dir=data_dir, port=port, controller_port=controller_port)
    try:
        start(cfg, timeout=timeout)
    except BrokerError as exc:
        _give_up(f"could not start the local Kafka broker: {exc}")
    return cfg


@pytest.fixture(scope="session")
def local_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerConfig | None]:
    """The config of the session's own broker; None when WIREDESK_BROKER_URL is used."""
    if os.environ.get("WIREDESK_BROKER_URL"):
        yield None
        return
    cfg = start_or_give_up(tmp_path_factory.mktemp("kafka"))
    try:
        yield cfg
    finally:
        stop(cfg)


@pytest.fixture(scope="session")
def kafka_bootstrap(local_broker: BrokerConfig | None) -> str:
    """``host:port`` of a real Kafka broker for this test session."""
    if local_broker is None:
        return os.environ["WIREDESK_BROKER_URL"]
    return local_broker.address
