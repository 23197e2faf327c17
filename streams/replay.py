"""Replay: reprocess the raw article topic (the event store) from the start or a time.

The pure part plans: which consumer group and changelogs a pipeline version owns,
which offsets to commit, how many articles per partition a replay covers, what
to tell the user. The async part talks to the broker with plain aiokafka
clients: it lists offsets, checks that no worker of the group runs, commits the
group's offsets (a consumer of that group with partitions assigned by hand,
never a subscription, so it never joins the group), deletes changelogs and
creates the fresh ones before the workers start.

Why the derived topics are reset too, and to their end: every stage after
normalize consumes a topic that the replay refills (``articles.v1`` and on,
and the output topics the view agents read). Left where they were, a stage
would read the old messages and then the replayed ones; a new version (a
group with no offsets) would even read them from the start, because the app
resets to ``earliest``. At their end, each stage sees each replayed message
once.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from streams import topics as t
from streams.settings import Settings
from streams.topology import STAGES

__all__ = [
    "ChangelogSpec",
    "PartitionPlan",
    "ReplayError",
    "ReplayPlan",
    "articles_done",
    "build_plan",
    "changelog_specs",
    "changelog_topics",
    "commit_offsets",
    "committed_offsets",
    "consumed_topics",
    "create_changelogs",
    "delete_changelogs",
    "derived_topics",
    "group_id",
    "group_progress",
    "inspect",
    "local_table_dirs",
    "members_after_leaving",
    "parse_since",
    "plan_partitions",
    "remove_local_tables",
    "running_members",
    "running_members_of",
    "seed_group_offsets",
    "source_topics",
    "stop_workers_message",
    "table_names",
    "worker_command",
]


class ReplayError(Exception):
    """A replay that must not go ahead (bad option, running workers, missing topic)."""


# --------------------------------------------------------------------------- pure planning
def group_id(app_id: str, version: int) -> str:
    """The consumer group (and changelog prefix) of a pipeline version, as Faust names it.

    Faust's ``id_format`` is ``{id}-v{version}``, applied only from version 2.
    """
    return f"{app_id}-v{version}" if version > 1 else app_id


def table_names() -> list[str]:
    """Every table of the pipeline (the topology lists them; a unit test keeps it true)."""
    names = {n for s in STAGES for n in (*s.reads_tables, *s.writes_tables)}
    return sorted(names)


def changelog_topics(app_id: str, version: int, tables: Iterable[str] | None = None) -> list[str]:
    """The changelog topic of each table of a version: ``<group>-<table>-changelog``."""
    group = group_id(app_id, version)
    return [f"{group}-{name}-changelog" for name in (tables or table_names())]


@dataclass(frozen=True)
class ChangelogSpec:
    """A table's changelog topic as a worker's faust creates it."""

    name: str
    partitions: int
    config: dict[str, str]


def changelog_specs(settings: Settings, version: int) -> list[ChangelogSpec]:
    """Every changelog of a version: compacted, never deleted by age (faust's defaults for
    a table without a window), one partition per topic partition, and the replication
    configs ``streams/tables.py`` gives them. A unit test holds this to the app's tables.
    """
    config = {"cleanup.policy": "compact",
              **t.replication_configs(settings.topic_replication or 1)}
    return [ChangelogSpec(name, settings.topic_partitions, dict(config))
            for name in changelog_topics(settings.app_id, version)]


def consumed_topics(settings: Settings) -> list[str]:
    """Every topic an agent of the pipeline consumes (full names), the raw topic first."""
    raw = t.full_name(settings, t.ARTICLES_RAW)
    rest = sorted({t.full_name(settings, s.consumes) for s in STAGES} - {raw})
    return [raw, *rest]


def derived_topics(settings: Settings) -> list[str]:
    """The consumed topics a replay refills: those the stages derive from the raw topic."""
    derived: set[str] = set()
    frontier = {t.ARTICLES_RAW}
    while frontier:
        produced = {o for s in STAGES if s.consumes in frontier for o in s.produces}
        frontier = produced - derived
        derived |= produced
    consumed = set(consumed_topics(settings))
    return sorted(t.full_name(settings, d) for d in derived if t.full_name(settings, d) in consumed)


def source_topics(settings: Settings) -> list[str]:
    """Consumed topics that are sources of their own, not derived from the raw topic.

    Alert rules (``rules.v1``) are one: a rebuild must read them again from their
    start into the fresh tables; moving them to their end would lose every rule.
    """
    others = set(consumed_topics(settings)[1:]) - set(derived_topics(settings))
    return sorted(others)


def parse_since(text: str) -> datetime:
    """An ISO 8601 time (``2019-03-01``, ``2019-03-01T00:00Z``); UTC if it has no offset.

    Raises:
        ReplayError: The text is not an ISO time.
    """
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ReplayError(f"--since wants an ISO time such as 2019-03-01T00:00Z, got {text!r}"
                          ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class PartitionPlan:
    """One partition of the raw topic: its offsets and where the replay starts."""

    partition: int
    start: int  # log start offset (the oldest message kept)
    end: int  # high-water mark (the next offset to be written)
    offset: int  # the offset the group is moved to

    @property
    def count(self) -> int:
        """Raw messages (articles) the replay reads on this partition."""
        return max(0, self.end - self.offset)


@dataclass(frozen=True)
class ReplayPlan:
    """What a replay does, computed before anything is changed."""

    topic: str
    group: str
    version: int
    since: datetime | None
    partitions: list[PartitionPlan]
    #: the group already has offsets on the raw topic: this version ran before.
    existing: bool
    derived_ends: dict[tuple[str, int], int] = field(default_factory=dict)
    #: changelogs of this version that exist on the broker (deleted by a full replay).
    changelogs: list[str] = field(default_factory=list)
    #: messages of the derived topics the group has not consumed yet (skipped).
    in_flight: int = 0
    #: log start of the consumed topics that are sources of their own (alert rules).
    source_starts: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Raw messages the replay reads in all."""
        return sum(p.count for p in self.partitions)

    @property
    def rebuilds_tables(self) -> bool:
        """A replay from the beginning rebuilds the tables; one ``--since`` keeps them.

        Tables hold every article, so a replay of only the later ones cannot
        rebuild them: it reprocesses those articles into the tables as they are
        (the normalize stage takes the same raw offset as a redelivery, with its
        revision, and the views fold records idempotently by id).
        """
        return self.since is None

    def offsets(self) -> dict[tuple[str, int], int]:
        """Every offset to commit for the group.

        Raw at the plan, derived topics at their end; with tables rebuilt (or new),
        the other sources (alert rules) at their start, so the tables get them back.
        A replay since a time keeps the tables, so it leaves those sources alone.
        """
        raw = {(self.topic, p.partition): p.offset for p in self.partitions}
        sources = self.source_starts if self.rebuilds_tables or not self.existing else {}
        return {**raw, **self.derived_ends, **sources}


def plan_partitions(starts: Mapping[int, int], ends: Mapping[int, int],
                    since_offsets: Mapping[int, int | None] | None = None) -> list[PartitionPlan]:
    """Per-partition replay offsets: the log start, or the first offset at/after a time.

    Args:
        starts: Log start offset per partition.
        ends: High-water mark per partition.
        since_offsets: With ``--since``: the first offset whose timestamp is at or
            after the time, per partition; None where no message is that new
            (nothing to replay there: the offset is the end).
    """
    plans = []
    for p in sorted(ends):
        if since_offsets is None:
            offset = starts.get(p, 0)
        else:
            found = since_offsets.get(p)
            offset = ends[p] if found is None else max(found, starts.get(p, 0))
        plans.append(PartitionPlan(p, starts.get(p, 0), ends[p], offset))
    return plans


def build_plan(*, topic: str, group: str, version: int, since: datetime | None,
               partitions: list[PartitionPlan], existing: bool,
               derived_ends: Mapping[tuple[str, int], int],
               derived_committed: Mapping[tuple[str, int], int],
               changelogs: Iterable[str],
               source_starts: Mapping[tuple[str, int], int] | None = None) -> ReplayPlan:
    """Put a plan together; counts the derived messages the reset skips."""
    in_flight = 0
    if existing:
        in_flight = sum(max(0, end - derived_committed.get(tp, 0))
                        for tp, end in derived_ends.items())
    return ReplayPlan(topic, group, version, since, partitions, existing, dict(derived_ends),
                      sorted(changelogs), in_flight, dict(source_starts or {}))


def local_table_dirs(data_dir: Path, version: int, tables: Iterable[str] | None = None
                     ) -> list[Path]:
    """The RocksDB folders of a version's tables in a worker's data folder.

    Faust keeps them at ``<data dir>/v<version>/tables/<table>-<partition>.db``;
    only those are returned (feeds state and other versions stay untouched).
    """
    folder = data_dir / f"v{version}" / "tables"
    if not folder.is_dir():
        return []
    names = set(tables or table_names())
    found = []
    for path in sorted(folder.iterdir()):
        stem, _, part = path.name.removesuffix(".db").rpartition("-")
        if path.name.endswith(".db") and stem in names and part.isdigit():
            found.append(path)
    return found


def stop_workers_message(group: str, members: list[str]) -> str:
    """Why the replay refuses to run while workers of the group are up, and what to do."""
    hosts = ", ".join(sorted(set(members)))
    return (f"{len(members)} worker(s) of consumer group {group!r} are running ({hosts}). "
            "A replay moves the group's offsets and deletes its changelogs, which only "
            "works while the group is empty. Stop every worker of this pipeline version "
            "first: Ctrl-C (or SIGTERM) each `wiredesk worker`, `make stop` for the demo, "
            "`docker compose stop worker` with Docker, then run the replay again.")


def worker_command(version: int, *, alerts: bool = False) -> str:
    """The command that starts a worker for the replay, with its marker variables."""
    env = ["WIREDESK_REPLAY=1"]
    if alerts:
        env.append("WIREDESK_REPLAY_ALERTS=1")
    env.append(f"WIREDESK_PIPELINE_VERSION={version}")
    return " ".join(env) + " .venv/bin/wiredesk worker"


def _member_name(member: Any) -> str:
    # DescribeGroups members: (member_id, [group_instance_id,] client_id, client_host, ...)
    parts = [p for p in member if isinstance(p, str)]
    return f"{parts[-2]}@{parts[-1].lstrip('/')}" if len(parts) >= 3 else str(parts[:1])


def running_members_of(description: Any) -> list[str]:
    """Members (``client@host``) of a group from a raw DescribeGroups group entry."""
    members = description[5] if len(description) > 5 else []
    return [_member_name(m) for m in members]


# --------------------------------------------------------------------------- broker side
def _admin(settings: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers,
                               request_timeout_ms=30_000)


async def _retrying(call: Callable[[], Awaitable[Any]], timeout: float = 30.0) -> Any:
    """Await ``call()`` again while it fails with a retriable Kafka error, up to ``timeout``.

    A broker that has just started answers group requests with "coordinator not
    available" until it has created its offsets topic, which takes a few seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await call()
        except KafkaError as exc:
            if not exc.retriable or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def running_members(settings: Settings, group: str) -> list[str]:
    """The members of a consumer group right now (empty when no worker runs)."""
    admin = _admin(settings)
    await admin.start()
    try:
        responses = await _retrying(lambda: admin.describe_consumer_groups([group]))
    finally:
        await admin.close()
    members: list[str] = []
    for response in responses:
        for entry in response.groups:
            if entry[1] == group:
                members += running_members_of(entry)
    return members


async def members_after_leaving(settings: Settings, group: str,
                                timeout: float | None = None) -> list[str]:
    """The group's members once those of stopped workers are gone (at most ``timeout``).

    Workers are static group members (docs/reliability.md): one that stopped sends no
    LeaveGroup and stays a member until its session times out. A running worker stays
    for good, so after ``timeout`` (default: the session timeout and 3 s) whoever is
    still there is running.
    """
    wait = settings.session_timeout_seconds + 3 if timeout is None else timeout
    deadline = time.monotonic() + wait
    while True:
        members = await running_members(settings, group)
        if not members or time.monotonic() > deadline:
            return members
        await asyncio.sleep(1.0)


async def committed_offsets(settings: Settings, group: str) -> dict[tuple[str, int], int]:
    """The group's committed offsets, ``(topic, partition) -> offset``."""
    admin = _admin(settings)
    await admin.start()
    try:
        offsets = await _retrying(lambda: admin.list_consumer_group_offsets(group))
    finally:
        await admin.close()
    return {(tp.topic, tp.partition): om.offset for tp, om in offsets.items() if om.offset >= 0}


async def _partitions(settings: Settings, topics: list[str] | None = None
                      ) -> dict[str, list[int]]:
    """Every topic on the broker (or only ``topics``) with its partition numbers."""
    admin = _admin(settings)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {d["topic"]: sorted(p["partition"] for p in d["partitions"]) for d in described}


def _tps(partitions: Mapping[str, list[int]], topics: Iterable[str]) -> list[TopicPartition]:
    return [TopicPartition(name, p) for name in topics for p in partitions.get(name, ())]


async def inspect(settings: Settings, version: int, since: datetime | None) -> ReplayPlan:
    """Read the broker's offsets and the group's state; change nothing."""
    topics = consumed_topics(settings)
    raw = topics[0]
    group = group_id(settings.app_id, version)
    partitions = await _partitions(settings)
    if not partitions.get(raw):
        raise ReplayError(f"topic {raw} does not exist on {settings.broker_url}: "
                          "nothing was ever ingested (wiredesk topics create)")
    raw_tps = _tps(partitions, [raw])
    derived = derived_topics(settings)
    source_tps = _tps(partitions, source_topics(settings))
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        starts = await consumer.beginning_offsets(raw_tps + source_tps)
        ends = await consumer.end_offsets(_tps(partitions, [raw, *derived]))
        since_offsets = None
        if since is not None:
            found = await consumer.offsets_for_times(
                {tp: int(since.timestamp() * 1000) for tp in raw_tps})
            since_offsets = {tp.partition: (o.offset if o is not None else None)
                             for tp, o in found.items()}
    finally:
        await consumer.stop()
    committed = await committed_offsets(settings, group)
    existing = any(topic == raw for topic, _ in committed)
    derived_ends = {(tp.topic, tp.partition): off for tp, off in ends.items() if tp.topic != raw}
    source_starts = {(tp.topic, tp.partition): o for tp, o in starts.items() if tp.topic != raw}
    raw_plan = plan_partitions({tp.partition: o for tp, o in starts.items() if tp.topic == raw},
                               {tp.partition: o for tp, o in ends.items() if tp.topic == raw},
                               since_offsets)
    changelogs = [c for c in changelog_topics(settings.app_id, version) if c in partitions]
    return build_plan(topic=raw, group=group, version=version, since=since,
                      partitions=raw_plan, existing=existing, derived_ends=derived_ends,
                      derived_committed=committed, changelogs=changelogs,
                      source_starts=source_starts)


async def commit_offsets(settings: Settings, group: str,
                         offsets: Mapping[tuple[str, int], int]) -> None:
    """Commit offsets for a group without joining it (partitions assigned by hand).

    The broker accepts such a commit only while the group has no members, so a
    worker that started meanwhile makes this fail instead of being overruled.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        tps = {TopicPartition(topic, p): off for (topic, p), off in offsets.items()}
        consumer.assign(list(tps))
        await consumer.commit(tps)
    finally:
        await consumer.stop()


async def seed_group_offsets(settings: Settings) -> int:
    """Commit the start of every consumed partition that has no committed offset yet.

    Why: faust can drop messages its fetcher read while a rebalance is under way
    and then commit past them; ``streams/skips.py`` holds such a commit, but only
    where the partition has a committed offset to measure the hole from. A new
    group has none until its first commit, and the benchmark's second worker lost
    the first messages of a partition exactly then. The partition's start is what
    ``auto_offset_reset=earliest`` reads anyway, so this changes nothing else.
    Called by ``wiredesk worker`` before the app starts; the broker refuses the
    commit while other workers of the group run (they have seeded it already).

    Returns:
        How many partitions were seeded.
    """
    group = group_id(settings.app_id, settings.pipeline_version)
    topics = consumed_topics(settings)
    have = await committed_offsets(settings, group)
    missing = [tp for tp in _tps(await _partitions(settings, topics), topics)
               if (tp.topic, tp.partition) not in have]
    if not missing:
        return 0
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers)
    await consumer.start()
    try:
        starts = await consumer.beginning_offsets(missing)
    finally:
        await consumer.stop()
    await commit_offsets(settings, group, {(tp.topic, tp.partition): off
                                           for tp, off in starts.items()})
    return len(missing)


async def delete_changelogs(settings: Settings, names: list[str], timeout: float = 60.0) -> None:
    """Delete changelog topics and wait until the broker no longer lists them.

    Waiting matters: a worker started while a topic is still being deleted
    cannot create its fresh changelog.
    """
    if not names:
        return
    admin = _admin(settings)
    await admin.start()
    try:
        await admin.delete_topics(names)
        deadline = time.monotonic() + timeout
        while set(names) & set(await admin.list_topics()):
            if time.monotonic() > deadline:
                raise ReplayError(f"changelogs still listed after {timeout:g}s: "
                                  + ", ".join(sorted(set(names))))
            await asyncio.sleep(0.5)
    finally:
        await admin.close()


async def create_changelogs(settings: Settings, version: int, timeout: float = 60.0
                            ) -> list[str]:
    """Create the version's missing changelogs and wait until every partition has a leader.

    Why the replay does it, not the workers: the broker took 5.4 s to show 12 fresh
    topics of 24 partitions each (measured on the 2-core machine; 0.1 s with the
    benchmark's 4), and a worker that creates them itself waits that long into its
    recovery, after it joined the group. Made here, before the workers start, they
    find the topics and skip faust's own CreateTopics. Returns the names created.
    """
    admin = _admin(settings)
    await admin.start()
    try:
        replication = await t.resolve_replication(settings, admin)
        specs = changelog_specs(settings, version)
        created = await t.create_missing(admin, [
            NewTopic(s.name, s.partitions, replication, topic_configs=s.config) for s in specs])
        deadline = time.monotonic() + timeout
        while not _all_led(await admin.describe_topics([s.name for s in specs]), specs):
            if time.monotonic() > deadline:
                raise ReplayError(f"changelogs without a leader after {timeout:g}s: "
                                  + ", ".join(s.name for s in specs))
            await asyncio.sleep(0.1)
        return created
    finally:
        await admin.close()


def _all_led(described: list[dict[str, Any]], specs: list[ChangelogSpec]) -> bool:
    """Every topic of ``specs`` listed with all its partitions, each with a leader."""
    found = {d["topic"]: d for d in described if d.get("error_code") == 0}
    return all(s.name in found and len(found[s.name]["partitions"]) >= s.partitions
               and all(p.get("leader", -1) >= 0 for p in found[s.name]["partitions"])
               for s in specs)


def remove_local_tables(paths: list[Path]) -> None:
    """Delete the RocksDB folders :func:`local_table_dirs` found (nothing else)."""
    for path in paths:
        shutil.rmtree(path)


def articles_done(plan: ReplayPlan, committed: Mapping[tuple[str, int], int],
                  ends: Mapping[tuple[str, int], int]) -> int:
    """Articles through the whole pipeline, estimated from the group's offsets.

    Normalize reads the raw topic far faster than tag and enrich follow, so raw
    offsets alone would finish the bar early. Each derived topic tells what
    share of the messages written to it since the replay began has been
    consumed; the slowest share scales the raw count.
    """
    raw = sum(max(0, min(committed.get((plan.topic, p.partition), p.offset), p.end) - p.offset)
              for p in plan.partitions)
    produced: dict[str, int] = {}
    consumed: dict[str, int] = {}
    for (topic, part), start in plan.derived_ends.items():
        end = ends.get((topic, part), start)
        produced[topic] = produced.get(topic, 0) + max(0, end - start)
        done = min(max(committed.get((topic, part), start), start), end)
        consumed[topic] = consumed.get(topic, 0) + done - start
    shares = [consumed[topic] / n for topic, n in produced.items() if n]
    return int(raw * min(shares, default=1.0))


async def group_progress(settings: Settings, group: str, plan: ReplayPlan
                         ) -> tuple[int, int]:
    """(articles through the pipeline since the replay began, lag left on every topic)."""
    committed = await committed_offsets(settings, group)
    tps = _tps(await _partitions(settings), consumed_topics(settings))
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        ends = {(tp.topic, tp.partition): o for tp, o in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()
    lag = sum(max(0, end - committed.get(tp, 0)) for tp, end in ends.items())
    done = articles_done(plan, committed, ends)
    return (plan.total if lag == 0 else done), lag
