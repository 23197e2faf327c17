"""A three-broker KRaft cluster loses a broker mid-stream: nothing is lost or counted twice.

Three real Kafka JVMs (``streams.cluster``, the nodes of ``wiredesk broker start
--nodes 3``) on free loopback ports, each a broker and a controller. A clean run (one
worker, nothing broken) is the baseline. A second deployment streams the same articles in
at a steady rate while the active controller, which also leads a third of the partitions,
is killed with SIGKILL; the stream goes on through the two others (replication 3,
min.insync.replicas 2, acks=all), and the node is started again on its data. Every table
answer and the set of output records must equal the baseline's.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from streams.broker import BrokerConfig, BrokerError
from streams.cluster import bootstrap, plan, start_cluster, stop_cluster
from streams.kafka_io import RawArticle, read_topic
from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES, SEED
from tests.integration.conftest import free_ports
from tests.integration.http_helpers import get
from tests.integration.kafka_helpers import send
from tests.integration.workers import ROOT, Deployment, new_deployment, running_worker

pytestmark = [pytest.mark.integration, pytest.mark.reliability]

COPIES = 16
SOURCES = [p for p in [SEED, *sorted((FIXTURES / "articles").glob("*.txt"))] if p.exists()]
ARTICLES = [RawArticle(p.read_bytes(), "wire", f"{p.stem}-{i}")
            for i in range(COPIES) for p in SOURCES]
QUERIES = [
    "/entities/Rapid Support Forces", "/entities/Kenya", "/entities/Kenya/daily",
    "/speakers/Tom Perriello/quotes", "/speakers/Ahmed Idris/quotes", "/figures/civilians",
    "/figures/people", "/places/El Fasher/events", f"/articles/{ARTICLES[-1].key}",
    f"/articles/{ARTICLES[0].key}",
    *(["/entities/Islamic State", "/speakers/Mustafa Bali/quotes"] if SEED.exists() else []),
]
OUTPUTS = ("events.v1", "quotes.v1", "figures.v1", "entities.v1", "articles.v1")
HEAP = "320m"  # three JVMs, a worker and the test on two cores
RATE_S = 0.5  # one article every half second: the stream lasts ~20 s
DOWN_S = 15.0  # how long the killed broker stays down, the stream still running


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[BrokerConfig]]:
    ports = free_ports(6)
    base = BrokerConfig(data_dir=tmp_path_factory.mktemp("cluster"), heap=HEAP)
    nodes = plan(base, 3, list(zip(ports[::2], ports[1::2], strict=True)))
    began = time.monotonic()
    try:
        start_cluster(nodes, timeout=240.0)
    except BrokerError as exc:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI needs the three-node Kafka cluster: {exc}", pytrace=False)
        pytest.skip(f"could not start the three-node Kafka cluster: {exc}")
    print(f"\ncluster of 3 nodes up in {time.monotonic() - began:.1f}s")
    try:
        yield nodes
    finally:
        stop_cluster(nodes)


def _deploy(nodes: list[BrokerConfig], root: Path) -> Deployment:
    dep = new_deployment(bootstrap(nodes), root, partitions=4)
    # No replication given: decided from the cluster (3), as `wiredesk worker` does.
    asyncio.run(ensure_topics(Settings(broker_url=dep.bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=4)))
    return dep


def _processed(port: int) -> int:
    count = 0
    for art in ARTICLES:
        status, body = get(port, f"/articles/{art.key}")
        count += status == 200 and body["status"] == "processed"
    return count


def _wait_processed(port: int, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while (done := _processed(port)) < len(ARTICLES):
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(ARTICLES) - done} articles not processed")
        time.sleep(1.0)


def _settled(port: int, timeout: float = 180.0) -> None:
    """Lag 0 on every partition, twice in a row."""
    deadline, zero, body = time.monotonic() + timeout, 0, None
    while zero < 2:
        status, body = get(port, "/health")
        zero = zero + 1 if status == 200 and body.get("total_lag") == 0 else 0
        if time.monotonic() > deadline:
            raise AssertionError(f"worker did not catch up: {body}")
        time.sleep(1.0)


def _outputs(dep: Deployment) -> dict[str, tuple[int, frozenset[bytes]]]:
    """Per output topic: the message count and the set of distinct (key, record id)."""

    async def read(suffix: str) -> tuple[int, frozenset[bytes]]:
        seen, count = set(), 0
        async for m in read_topic(dep.bootstrap, dep.topic(suffix), idle_timeout=2.0):
            count += 1
            record = orjson.loads(m.value or b"null")
            rid = record.get("id") if isinstance(record, dict) else None
            seen.add((m.key or b"") + b"|" + str(rid).encode())
        return count, frozenset(seen)

    return {s: asyncio.run(read(s)) for s in OUTPUTS}


def _answers(port: int) -> dict[str, object]:
    _settled(port)
    return {q: get(port, q, limit=500) for q in QUERIES}


async def _describe(dep: Deployment, topics: list[str]) -> dict[str, tuple[set[int], str]]:
    """Per topic: the replica counts of its partitions and its min.insync.replicas."""
    admin = AIOKafkaAdminClient(bootstrap_servers=dep.bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
        resources = [ConfigResource(ConfigResourceType.TOPIC, t, {"min.insync.replicas": None})
                     for t in topics]
        configs: dict[str, str] = {}
        for response in await admin.describe_configs(resources):
            for _code, _msg, _type, name, entries in response.resources:
                configs[name] = next(e[1] for e in entries if e[0] == "min.insync.replicas")
    finally:
        await admin.close()
    return {t["topic"]: ({len(p["replicas"]) for p in t["partitions"]}, configs[t["topic"]])
            for t in described}


async def _under_replicated(dep: Deployment) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=dep.bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if t.startswith((dep.prefix, dep.app_id))]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    return sum(len(p["isr"]) < len(p["replicas"]) for t in described for p in t["partitions"])


def _quorum_leader(nodes: list[BrokerConfig]) -> BrokerConfig | None:
    """The active controller: the node whose last KRaft state change made it the leader.

    Kafka tells clients a random broker as "controller" in KRaft mode, and aiokafka has
    no DescribeQuorum, so the nodes' own server.log says who leads the quorum.
    """
    for node in nodes:
        text = (node.data_dir / "server.log").read_text(errors="replace")
        states = re.findall(r"Completed transition to (\w+)\(", text)
        if states and states[-1] == "Leader":
            return node
    return None


def _cli(nodes: list[BrokerConfig], *args: str) -> subprocess.CompletedProcess[str]:
    """``wiredesk broker ...`` on the test cluster (found through its cluster.json)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREDESK_")}
    env.update(WIREDESK_BROKER_DATA_DIR=str(nodes[0].data_dir.parent), COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "streams.cli", "broker", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def baseline(cluster: list[BrokerConfig], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[dict[str, object], dict[str, tuple[int, frozenset[bytes]]]]:
    dep = _deploy(cluster, tmp_path_factory.mktemp("baseline"))
    began = time.monotonic()
    with running_worker(dep) as (_, port):
        send(dep, *ARTICLES)
        _wait_processed(port)
        answers = _answers(port)
    outputs = _outputs(dep)
    print(f"baseline: {len(ARTICLES)} articles in {time.monotonic() - began:.1f}s")
    assert all(status == 200 for status, _ in answers.values()), answers
    return answers, outputs


def test_topics_and_changelogs_have_three_replicas_and_min_insync_2(
        cluster: list[BrokerConfig], tmp_path: Path,
        baseline: tuple[dict[str, object], dict[str, tuple[int, frozenset[bytes]]]]) -> None:
    dep = _deploy(cluster, tmp_path)
    with running_worker(dep) as _:
        topics = [dep.topic(s) for s in ("articles.raw.v1", *OUTPUTS)]
        changelogs = [f"{dep.app_id}-articles-changelog",
                      f"{dep.app_id}-entity-aliases-changelog"]
        described = asyncio.run(_describe(dep, topics + changelogs))
    assert described == {t: ({3}, "2") for t in topics + changelogs}


def test_a_broker_killed_mid_stream_and_brought_back_loses_and_doubles_nothing(
        cluster: list[BrokerConfig], tmp_path: Path,
        baseline: tuple[dict[str, object], dict[str, tuple[int, frozenset[bytes]]]]) -> None:
    answers0, outputs0 = baseline
    dep = _deploy(cluster, tmp_path)
    sent: list[float] = []
    errors: list[BaseException] = []

    def stream() -> None:  # the articles arrive one by one, through whichever nodes are up
        try:
            for art in ARTICLES:
                send(dep, art)
                sent.append(time.monotonic())
                time.sleep(RATE_S)
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    began = time.monotonic()
    with running_worker(dep) as (_, port):
        streamer = threading.Thread(target=stream, daemon=True)
        streamer.start()
        while _processed(port) == 0:
            assert time.monotonic() - began < 120, "nothing processed before the kill"
            time.sleep(0.5)
        leader = _quorum_leader(cluster)
        victim = leader or cluster[0]
        pid = int(victim.pid_file.read_text())
        os.kill(pid, signal.SIGKILL)
        killed_at, done_at_kill = time.monotonic(), _processed(port)
        # Right after the active controller dies the others elect a new one, and a node
        # can miss a metadata request meanwhile (seen in a loaded CI run): ask again.
        status = _cli(cluster, "status")
        while "2 of 3 nodes answer" not in status.stdout \
                and time.monotonic() - killed_at < DOWN_S - 3:
            time.sleep(1.0)
            status = _cli(cluster, "status")
        time.sleep(max(0.0, DOWN_S - (time.monotonic() - killed_at)))
        done_while_down = _processed(port)
        sent_while_down = sum(killed_at <= t for t in sent)
        restart = time.monotonic()
        start_cluster(cluster, timeout=180.0)  # only the dead node is started
        back_in = time.monotonic() - restart
        streamer.join(timeout=180)
        assert not errors, errors
        _wait_processed(port)
        answers = _answers(port)
    outputs = _outputs(dep)
    in_sync = time.monotonic()
    while asyncio.run(_under_replicated(dep)):
        assert time.monotonic() - in_sync < 120, "the restarted node never caught up"
        time.sleep(1.0)
    role = "the active controller" if leader else "no leader found in the logs"
    print(f"killed node {victim.node_id} ({role}, pid {pid}) with "
          f"{done_at_kill}/{len(ARTICLES)} processed; {sent_while_down} sent and "
          f"{done_while_down - done_at_kill} processed in the {DOWN_S:.0f}s it was down; "
          f"back in {back_in:.1f}s; all replicas in sync {time.monotonic() - in_sync:.1f}s "
          f"after the outputs were read; whole run {time.monotonic() - began:.1f}s; "
          f"output messages {({s: c for s, (c, _) in outputs.items()})} vs baseline "
          f"{({s: c for s, (c, _) in outputs0.items()})}")
    assert status.returncode == 1, status
    assert f"node {victim.node_id} {victim.address}: down" in status.stdout
    assert "2 of 3 nodes answer" in status.stdout
    assert done_at_kill < len(ARTICLES), "the stream was done before the kill"
    assert done_while_down > done_at_kill, "nothing was processed while a broker was down"
    assert answers == answers0
    assert {s: ids for s, (_, ids) in outputs.items()} == {
        s: ids for s, (_, ids) in outputs0.items()}


def test_broker_status_and_stop_from_the_command_line_cover_every_node(
        cluster: list[BrokerConfig]) -> None:
    status = _cli(cluster, "status")
    assert status.returncode == 0, status
    assert "3 of 3 nodes answer" in status.stdout
    stopped = _cli(cluster, "stop")
    assert stopped.returncode == 0 and "Stopped 3 broker(s)." in stopped.stdout, stopped
    assert not any(n.pid_file.exists() for n in cluster)
    assert _cli(cluster, "status").returncode == 1
