"""A local multi-node KRaft cluster: N combined broker+controller nodes of ``streams/broker.py``.

``wiredesk broker start --nodes 3`` runs three JVMs on loopback, each a broker and a
controller, with a three-voter quorum: any one node can die (even the quorum leader)
and the cluster keeps serving, with topics replicated three times and
``min.insync.replicas=2``. It is the shape a deployment that outgrows one machine
runs across machines, here on one, so it can be tested.

Layout under the single-node broker's ``data_dir`` (the *base*)::

    cluster.json        the nodes (ids, ports, folders) and the shared cluster id
    node-1/ node-2/ ... each a BrokerConfig.data_dir: data/, server.properties,
                        broker.pid, broker.log, server.log

Node ``i`` listens on ``port + 2(i-1)`` and its controller on ``controller_port +
2(i-1)``: 9092/9093, 9094/9095, 9096/9097 with the defaults.

Public API (``streams/cli.py`` and the tests call these)::

    plan(base, nodes, ports=None) -> list[BrokerConfig]     # the node configs
    load(base) -> list[BrokerConfig] | None                 # the nodes cluster.json names
    start_cluster(nodes, timeout=180.0, progress=None) -> list[BrokerStatus]
    stop_cluster(nodes, timeout=60.0) -> int                # how many stopped
    cluster_status(nodes, timeout=5.0) -> list[BrokerStatus]
    bootstrap(nodes) -> str                                 # h:p,h:p,h:p for clients
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from streams import broker
from streams.broker import BrokerConfig, BrokerError, BrokerStatus

__all__ = [
    "MANIFEST",
    "bootstrap",
    "cluster_status",
    "load",
    "plan",
    "start_cluster",
    "stop_cluster",
]

logger = logging.getLogger(__name__)

MANIFEST = "cluster.json"
_MAX_NODES = 9


def plan(
    base: BrokerConfig, nodes: int, ports: Sequence[tuple[int, int]] | None = None
) -> list[BrokerConfig]:
    """The configs of an ``nodes``-node cluster derived from a single-node config.

    Args:
        base: Host, heap, version, cache and the base folder; its ports are node 1's.
        nodes: How many nodes (each a broker and a voter).
        ports: ``(port, controller_port)`` per node instead of the ``+2`` rule (tests
            use free ports).

    Raises:
        BrokerError: A bad node count, or two nodes would share a port.
    """
    if not 1 <= nodes <= _MAX_NODES:
        raise BrokerError(f"--nodes must be between 1 and {_MAX_NODES}, not {nodes}")
    if ports is None:
        ports = [(base.port + 2 * i, base.controller_port + 2 * i) for i in range(nodes)]
    if len(ports) != nodes:
        raise BrokerError(f"{len(ports)} port pairs for {nodes} nodes")
    flat = [p for pair in ports for p in pair]
    if len(set(flat)) != len(flat):
        raise BrokerError(f"the nodes' ports overlap: {list(ports)}; choose other ports")
    voters = ",".join(f"{i + 1}@{base.host}:{c}" for i, (_, c) in enumerate(ports))
    return [
        dataclasses.replace(
            base,
            data_dir=base.data_dir / f"node-{i + 1}",
            port=p,
            controller_port=c,
            node_id=i + 1,
            voters=voters,
            replication=min(3, nodes),
        )
        for i, (p, c) in enumerate(ports)
    ]


def _manifest(nodes: Sequence[BrokerConfig]) -> Path:
    return nodes[0].data_dir.parent / MANIFEST


def load(base: BrokerConfig) -> list[BrokerConfig] | None:
    """The nodes of the cluster last started under ``base.data_dir``; None when there is none.

    Raises:
        BrokerError: cluster.json is unreadable.
    """
    path = base.data_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        ports = [(int(n["port"]), int(n["controller_port"])) for n in data["nodes"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BrokerError(
            f"{path} is unreadable ({exc}); delete it and the node-* folders"
        ) from exc
    host = str(data.get("host", base.host))
    return plan(dataclasses.replace(base, host=host), len(ports), ports)


def _cluster_id(path: Path) -> str | None:
    try:
        return str(json.loads(path.read_text())["cluster_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_manifest(nodes: Sequence[BrokerConfig], cluster_id: str) -> None:
    path = _manifest(nodes)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "cluster_id": cluster_id,
        "host": nodes[0].host,
        "nodes": [
            {"node_id": n.node_id, "port": n.port, "controller_port": n.controller_port,
             "data_dir": str(n.data_dir)}
            for n in nodes
        ],
    }
    path.write_text(json.dumps(body, indent=2) + "\n")


def bootstrap(nodes: Sequence[BrokerConfig]) -> str:
    """Every node's address, for ``WIREDESK_BROKER_URL``: a client then starts with any up."""
    return ",".join(n.address for n in nodes)


def _live_brokers(nodes: Sequence[BrokerConfig], timeout: float) -> int:
    """How many brokers the cluster reports live, asking any node that answers."""

    async def ask() -> int:
        return (await broker.describe_cluster(bootstrap(nodes), timeout))[1]

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:  # the caller may run a loop
            return pool.submit(asyncio.run, ask()).result()
    except Exception as exc:  # any failure means "not yet"
        logger.debug("Kafka cluster probe failed error=%r", exc)
        return 0


def start_cluster(
    nodes: Sequence[BrokerConfig],
    timeout: float = 180.0,
    progress: Callable[[str], None] | None = None,
) -> list[BrokerStatus]:
    """Start every node (idempotent) and wait until the cluster reports all of them live.

    Every node is launched before any is waited for: a node answers only once a quorum
    of controllers (2 of 3) runs. A node already running is left alone, so this also
    brings back a node that died.

    Raises:
        BrokerError: A node failed to start, or the cluster did not gather in time (the
            nodes this call spawned are then stopped; those that ran before keep running).
    """
    deadline = time.monotonic() + timeout
    began = time.monotonic()
    path = _manifest(nodes)
    known = load(dataclasses.replace(nodes[0], data_dir=path.parent))
    if known is not None and len(known) != len(nodes):
        raise BrokerError(
            f"{path.parent} holds a {len(known)}-node cluster; stop it and delete "
            f"{path} and the node-* folders to start one of {len(nodes)} nodes"
        )
    cluster_id = _cluster_id(path) or broker._new_cluster_id()
    _write_manifest(nodes, cluster_id)
    resolved = broker.resolve_jars(nodes[0], progress)
    logger.debug("Kafka jars for the cluster dir=%s", resolved)
    procs, spawned = [], []
    try:
        for node in nodes:
            running = broker.status(node, timeout=2.0).running
            procs.append(broker.launch(node, cluster_id=cluster_id, progress=progress))
            if not running:
                spawned.append(node)
        if progress is not None:
            progress(f"Waiting for {len(nodes)} nodes to elect a controller and register")
        for node, proc in zip(nodes, procs, strict=True):
            broker.wait_until_ready(node, proc, deadline)
        while _live_brokers(nodes, 5.0) < len(nodes):
            if time.monotonic() >= deadline:
                raise BrokerError(
                    f"the cluster did not report {len(nodes)} live brokers in {timeout:.0f} s; "
                    f"see the server.log of each node under {path.parent}"
                )
            time.sleep(0.5)
    except BrokerError:
        stop_cluster(spawned, timeout=10.0)  # the nodes that ran before are left running
        raise
    logger.info("Kafka cluster up nodes=%s bootstrap=%s seconds=%.1f",
                len(nodes), bootstrap(nodes), time.monotonic() - began)
    return cluster_status(nodes)


def stop_cluster(nodes: Sequence[BrokerConfig], timeout: float = 60.0) -> int:
    """Stop every node of ours at once; return how many were running.

    All together, not one by one: the last nodes of a quorum would otherwise wait for
    controllers that are already gone before they finish a controlled shutdown.
    """
    if not nodes:
        return 0
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        return sum(pool.map(lambda n: broker.stop(n, timeout=timeout), nodes))


def cluster_status(nodes: Sequence[BrokerConfig], timeout: float = 5.0) -> list[BrokerStatus]:
    """The status of each node (asked in parallel)."""
    if not nodes:
        return []
    with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
        return list(pool.map(lambda n: broker.status(n, timeout=timeout), nodes))
