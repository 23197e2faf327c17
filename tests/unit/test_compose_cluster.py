"""docker-compose.yml's "cluster" profile, checked without Docker: the three nodes agree.

No Docker engine on the development machines, so the file is parsed (YAML anchors and
merge keys as compose reads them) and the nodes' quorum, ids, listeners and ports are
checked against each other and against the worker that uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__: list[str] = []

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
NODES = ("kafka-1", "kafka-2", "kafka-3")


def _services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]  # type: ignore[no-any-return]


def _listeners(text: str) -> dict[str, str]:
    """``NAME://host:port,...`` -> {NAME: "host:port"}."""
    return dict(item.split("://", 1) for item in text.split(","))


def test_the_cluster_profile_has_three_nodes_and_a_worker_and_leaves_the_default_alone(
        ) -> None:
    services = _services()
    in_profile = {name for name, svc in services.items() if "cluster" in svc.get("profiles", [])}
    assert in_profile == {*NODES, "worker-cluster"}
    assert "profiles" not in services["kafka"] and "profiles" not in services["worker"]


def test_the_nodes_share_one_quorum_that_names_each_of_them() -> None:
    services = _services()
    envs = {name: services[name]["environment"] for name in NODES}
    voters = {env["KAFKA_CONTROLLER_QUORUM_VOTERS"] for env in envs.values()}
    assert len(voters) == 1
    voter_map = {}
    for item in voters.pop().split(","):
        node_id, endpoint = item.split("@")
        voter_map[int(node_id)] = endpoint
    assert len({env["CLUSTER_ID"] for env in envs.values()}) == 1
    assert len(envs["kafka-1"]["CLUSTER_ID"]) == 22  # a Kafka uuid: base64 of 16 bytes
    for name, env in envs.items():
        node_id = int(env["KAFKA_NODE_ID"])
        host, port = voter_map[node_id].split(":")
        assert host == services[name]["hostname"] == name
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        listeners = _listeners(env["KAFKA_LISTENERS"])
        assert listeners["CONTROLLER"] == f":{port}"
        advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        assert advertised["INTERNAL"] == f"{name}{listeners['INTERNAL']}"
        assert "CONTROLLER" not in advertised
    assert sorted(int(e["KAFKA_NODE_ID"]) for e in envs.values()) == sorted(voter_map) == [1, 2, 3]


def test_published_ports_match_what_each_node_advertises_and_never_clash() -> None:
    services = _services()
    published = [p for svc in services.values() for p in svc.get("ports", [])]
    assert len(published) == len({p.rsplit(":", 1)[0] for p in published})
    for name in NODES:
        (mapping,) = services[name]["ports"]
        _, host_port, container_port = mapping.split(":")
        env = services[name]["environment"]
        assert _listeners(env["KAFKA_LISTENERS"])["HOST"] == f":{container_port}"
        assert _listeners(env["KAFKA_ADVERTISED_LISTENERS"])["HOST"] == f"localhost:{host_port}"
        assert services[name]["volumes"][0].startswith(f"{name}-data:")


def test_three_replicas_with_min_insync_2_and_a_worker_that_knows_every_node() -> None:
    services = _services()
    for name in NODES:
        env = services[name]["environment"]
        for key in ("KAFKA_DEFAULT_REPLICATION_FACTOR", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"):
            assert int(env[key]) == 3, key
        assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == 2
        assert int(env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]) == 2
    worker = services["worker-cluster"]
    internal = [f"{n}{_listeners(services[n]['environment']['KAFKA_LISTENERS'])['INTERNAL']}"
                for n in NODES]
    assert worker["environment"]["WIREDESK_BROKER_URL"].split(",") == internal
    assert int(worker["environment"]["WIREDESK_TOPIC_REPLICATION"]) == 3
    assert set(worker["depends_on"]) == set(NODES)
