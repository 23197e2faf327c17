"""streams.cluster and the replication settings without a broker: plans, configs, manifest.

The cluster itself is proved on three real JVMs in tests/integration/test_cluster.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from streams import cli
from streams.broker import BrokerConfig, BrokerError, render_properties
from streams.cluster import MANIFEST, bootstrap, load, plan, start_cluster
from streams.settings import Settings, get_settings
from streams.topics import replication_configs, resolve_replication
from tests.integration.conftest import free_ports

__all__: list[str] = []


def _props(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and line[0] not in "#!")
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture
def base(tmp_path: Path) -> BrokerConfig:
    return BrokerConfig(data_dir=tmp_path / "kafka", cache_dir=tmp_path / "cache", heap="320m")


def test_three_nodes_get_their_own_ids_ports_and_folders_and_one_quorum(
        base: BrokerConfig) -> None:
    nodes = plan(base, 3)
    assert [n.node_id for n in nodes] == [1, 2, 3]
    assert [(n.port, n.controller_port) for n in nodes] == [(9092, 9093), (9094, 9095),
                                                              (9096, 9097)]
    assert [n.data_dir for n in nodes] == [base.data_dir / f"node-{i}" for i in (1, 2, 3)]
    assert {n.quorum_voters for n in nodes} == {
        "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097"}
    assert all(n.heap == "320m" and n.replication == 3 for n in nodes)
    assert bootstrap(nodes) == "127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096"


def test_each_node_renders_a_voter_of_the_shared_quorum_with_replication_3(
        base: BrokerConfig) -> None:
    for node in plan(base, 3, [(21000, 21001), (21010, 21011), (21020, 21021)]):
        props = _props(render_properties(node))
        assert props["node.id"] == str(node.node_id)
        assert props["process.roles"] == "broker,controller"
        assert props["controller.quorum.voters"] == (
            "1@127.0.0.1:21001,2@127.0.0.1:21011,3@127.0.0.1:21021")
        assert props["listeners"] == (f"PLAINTEXT://127.0.0.1:{node.port},"
                                      f"CONTROLLER://127.0.0.1:{node.controller_port}")
        assert props["log.dirs"] == str(node.data_dir / "data")
        for key in ("default.replication.factor", "offsets.topic.replication.factor",
                    "transaction.state.log.replication.factor",
                    "share.coordinator.state.topic.replication.factor"):
            assert props[key] == "3", key
        for key in ("min.insync.replicas", "transaction.state.log.min.isr",
                    "share.coordinator.state.topic.min.isr"):
            assert props[key] == "2", key


def test_the_single_node_broker_is_unchanged(base: BrokerConfig) -> None:
    props = _props(render_properties(base))
    assert props["node.id"] == "1"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert props["default.replication.factor"] == props["min.insync.replicas"] == "1"


def test_overlapping_ports_and_bad_node_counts_are_refused(base: BrokerConfig) -> None:
    overlapping = BrokerConfig(data_dir=base.data_dir, port=9092, controller_port=9094)
    with pytest.raises(BrokerError, match="overlap"):
        plan(overlapping, 3)  # node 2's broker port would be node 1's controller port
    with pytest.raises(BrokerError, match="between 1 and"):
        plan(base, 0)
    with pytest.raises(BrokerError, match="voters must"):
        BrokerConfig(voters="1@localhost")


def test_the_manifest_gives_back_the_nodes_that_were_planned(base: BrokerConfig) -> None:
    assert load(base) is None
    nodes = plan(base, 3, [(21000, 21001), (21010, 21011), (21020, 21021)])
    (base.data_dir).mkdir(parents=True)
    (base.data_dir / MANIFEST).write_text(json.dumps({
        "cluster_id": "x", "host": "127.0.0.1",
        "nodes": [{"node_id": n.node_id, "port": n.port, "controller_port": n.controller_port}
                  for n in nodes]}))
    assert load(base) == nodes
    (base.data_dir / MANIFEST).write_text("{")
    with pytest.raises(BrokerError, match="unreadable"):
        load(base)


def test_a_cluster_of_another_size_is_not_started_over_existing_data(
        base: BrokerConfig) -> None:
    base.data_dir.mkdir(parents=True)
    (base.data_dir / MANIFEST).write_text(json.dumps({
        "cluster_id": "x", "nodes": [{"port": 1, "controller_port": 2}]}))
    with pytest.raises(BrokerError, match="1-node cluster"):
        start_cluster(plan(base, 3))


def test_three_replicas_come_with_min_insync_2() -> None:
    assert replication_configs(3) == {"min.insync.replicas": "2"}
    assert replication_configs(5) == {"min.insync.replicas": "2"}
    assert replication_configs(1) == replication_configs(2) == {}


class _FakeAdmin:
    """Just what ``resolve_replication`` asks of an admin client."""

    def __init__(self, brokers: int) -> None:
        self.brokers = brokers

    async def describe_cluster(self) -> dict[str, object]:
        return {"brokers": [{"node_id": i} for i in range(self.brokers)]}


@pytest.mark.parametrize(("brokers", "expected"), [(1, 1), (2, 2), (3, 3), (5, 3), (0, 1)])
def test_unset_replication_is_decided_from_the_live_brokers(brokers: int, expected: int) -> None:
    settings = Settings(broker_url="127.0.0.1:1")
    assert settings.topic_replication is None
    got = asyncio.run(resolve_replication(settings, _FakeAdmin(brokers)))  # type: ignore[arg-type]
    assert got == settings.topic_replication == expected


def test_a_replication_that_is_set_is_kept() -> None:
    settings = Settings(broker_url="127.0.0.1:1", topic_replication=2)
    assert asyncio.run(resolve_replication(settings, _FakeAdmin(3))) == 2  # type: ignore[arg-type]


@pytest.fixture
def cli_env(base: BrokerConfig, monkeypatch: pytest.MonkeyPatch) -> Iterator[BrokerConfig]:
    """The CLI's settings pointed at ``base`` (ports nobody listens on), cache cleared."""
    port, controller = free_ports(2)
    monkeypatch.setenv("WIREDESK_BROKER_DATA_DIR", str(base.data_dir))
    monkeypatch.setenv("WIREDESK_BROKER_PORT", str(port))
    monkeypatch.setenv("WIREDESK_CONTROLLER_PORT", str(controller))
    get_settings.cache_clear()
    yield BrokerConfig(data_dir=base.data_dir, port=port, controller_port=controller)
    get_settings.cache_clear()


def test_broker_status_reports_each_node_of_a_cluster_that_is_down(cli_env: BrokerConfig) -> None:
    nodes = plan(cli_env, 3)
    cli_env.data_dir.mkdir(parents=True)
    (cli_env.data_dir / MANIFEST).write_text(json.dumps({
        "cluster_id": "x", "nodes": [{"port": n.port, "controller_port": n.controller_port}
                                     for n in nodes]}))
    result = CliRunner().invoke(cli.app, ["broker", "status"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    for node in nodes:
        assert f"node {node.node_id} {node.address}: down (no process)" in result.stdout
    assert "0 of 3 nodes answer" in result.stdout
    stopped = CliRunner().invoke(cli.app, ["broker", "stop"])
    assert stopped.exit_code == 0 and "No broker of ours was running." in stopped.stdout


def test_broker_start_refuses_bad_node_counts_and_mixed_sizes(cli_env: BrokerConfig) -> None:
    result = CliRunner().invoke(cli.app, ["broker", "start", "--nodes", "12"])
    assert result.exit_code == 1 and "between 1 and 9" in result.output
    cli_env.data_dir.mkdir(parents=True)
    (cli_env.data_dir / MANIFEST).write_text(json.dumps({
        "cluster_id": "x", "nodes": [{"port": 21000 + 2 * i, "controller_port": 21001 + 2 * i}
                                     for i in range(5)]}))
    result = CliRunner().invoke(cli.app, ["broker", "start", "--nodes", "3"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "5-node cluster" in result.output
