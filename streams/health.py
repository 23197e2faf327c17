"""``GET /health``: a truthful, fast answer about this worker and its group.

Why it answers from state kept by timers rather than asking the broker per
request: a request that waits on the broker answered in 3 s while the broker
was down (the client was busy retrying). Now a 1 s probe (``streams/outage.py``,
started by the worker before the app, so it runs during start-up and recovery
too) says whether the broker is reachable, a 5 s timer describes the consumer group
(which member holds which partition, and whether its committed offsets move), and
the request itself asks only for the high-water marks, with a 0.3 s limit (then it
uses the last marks, if under 15 s old), so ``/health`` answers within a second
whatever the broker does.

``status`` is ``ok`` only for a worker that is connected, holds partitions and
moves them (not stalled) while every partition of its group has an owner:

=================== ===== ================================================================
status              HTTP  when
=================== ===== ================================================================
ok                  200   holds partitions, none stalled, the group leaves none unowned
degraded            200   this worker is fine, but partitions of its group have no owner
                          (``unowned_partitions``: a rebalance) or an owner that does not
                          move them (``unattended_partitions``: messages wait and the
                          committed offset has not moved for 6 s; a killed worker, until
                          its session times out)
no_partitions       503   this worker holds none (a rebalance, or more workers than
                          partitions)
stalled             503   a partition with lag has not moved (``streams/stall.py``)
broker_unreachable  503   the probe gets no TCP answer from any bootstrap server
unavailable         503   the broker is reachable but did not answer within 0.3 s, and
                          the last marks it gave are over 15 s old
=================== ===== ================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faust.web import Request, Response, View

from streams import metrics, outage
from streams.app import app, settings
from streams.health_status import GroupView, assess, owned_partitions
from streams.replay import consumed_topics, group_id
from streams.stall import Position, StallWatch
from streams.web import positions, stall_watch

__all__ = ["Health", "describe_group", "group_watch"]

logger = logging.getLogger(__name__)
GROUP_S = 5.0
GROUP_STALE_S = 30.0
HIGHWATER_TIMEOUT_S = 0.3


class _Admin:
    """An admin client and a group-less consumer for the worker's life (started on first
    use, again after a failure).

    The consumer only asks for end offsets: not faust's, whose calls into its consumer
    thread queue one behind the other, so a slow one here would hold up the stream's.
    """

    def __init__(self) -> None:
        self.client: AIOKafkaAdminClient | None = None
        self.offsets: AIOKafkaConsumer | None = None

    async def get(self) -> AIOKafkaAdminClient:
        if self.client is None:
            client = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers,
                                         request_timeout_ms=5_000)
            await client.start()
            self.client = client
        return self.client

    async def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        if self.offsets is None:
            consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers,
                                        group_id=None, enable_auto_commit=False,
                                        request_timeout_ms=5_000)
            await consumer.start()
            self.offsets = consumer
        return dict(await self.offsets.end_offsets(tps))

    async def reset(self) -> None:
        client, self.client = self.client, None
        offsets, self.offsets = self.offsets, None
        with contextlib.suppress(Exception):  # a broken client is dropped either way
            if client is not None:
                await client.close()
        with contextlib.suppress(Exception):
            if offsets is not None:
                await offsets.stop()


_admin = _Admin()
_group: dict[str, GroupView] = {}


async def describe_group() -> GroupView:
    """Ask the broker who holds which partition of this worker's group, and how far it is."""
    admin = await _admin.get()
    group = group_id(settings.app_id, settings.pipeline_version)
    topics = consumed_topics(settings)
    described = await admin.describe_topics(topics)
    tps = [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]
    owned: set[str] = set()
    state, members = "unknown", 0
    for response in await admin.describe_consumer_groups([group]):
        for entry in response.groups:
            if entry[1] != group:
                continue
            state, members = str(entry[2]), len(entry[5])
            for member in entry[5]:
                owned |= owned_partitions(member[-1])  # member_assignment is the last field
    committed = await admin.list_consumer_group_offsets(group)
    highs = await _admin.end_offsets(tps) if tps else {}
    mine = {f"{tp.topic}:{tp.partition}" for tp in app.consumer.assignment()}
    progress = {}
    for tp in tps:
        name = f"{tp.topic}:{tp.partition}"
        if name in mine:
            continue  # this worker's own: its stall watch covers them
        done = max(0, committed[tp].offset) if tp in committed else 0
        progress[name] = Position(done, max(0, highs.get(tp, 0) - done))
    unattended = tuple(_others.update(progress, time.monotonic()))
    return GroupView(state, members, frozenset(owned), frozenset(f"{tp.topic}:{tp.partition}"
                                                                  for tp in tps), unattended)


#: Other members' partitions: messages waiting and the group's committed offset not moving
#: for UNATTENDED_S (a member commits every second while it works; a dead one does not).
UNATTENDED_S = 6.0
_others = StallWatch(after_s=UNATTENDED_S)


@app.timer(interval=GROUP_S)
async def group_watch() -> None:
    """Every 5 s: the group's members, owned and unattended partitions, for ``/health``."""
    if not outage.gate.reachable:
        return
    try:
        _group["view"] = await asyncio.wait_for(describe_group(), GROUP_S - 0.5)
    except Exception as exc:  # a slow or lost broker: the last view stands a while
        logger.debug("Group not described error=%r", exc)
        view = _group.get("view")
        if view is not None and time.monotonic() - view.at > GROUP_STALE_S:
            _group.pop("view", None)
        await _admin.reset()


@app.page("/health")
class Health(View):
    """This worker's status, lag per partition and its group's unowned partitions."""

    async def get(self, request: Request) -> Response:
        body: dict[str, Any] = {"app": settings.app_id,
                                "pipeline_version": settings.pipeline_version,
                                "broker": settings.broker_url}
        down = outage.gate.unreachable_for()
        if down is not None:
            body.update(status="broker_unreachable", broker_connected=False,
                        unreachable_for_s=round(down, 1),
                        error=f"no answer from {settings.broker_url} for {down:.0f}s")
            return self.json(body, status=503)
        try:
            where = await positions(timeout=HIGHWATER_TIMEOUT_S)
        except Exception as exc:  # reachable, but not answering: "unavailable"
            # What the worker holds needs no broker call: a loaded machine's slow answer
            # must not make a working worker look like one without partitions.
            body.update(status="unavailable", broker_connected=False,
                        error=str(exc) or type(exc).__name__,
                        assigned_partitions=len(app.consumer.assignment()))
            return self.json(body, status=503)
        lag = {tp: pos.lag for tp, pos in where.items()}
        metrics.set_lag(lag)
        stalled = stall_watch.update(where, time.monotonic())
        view = _group.get("view")
        unowned = view.unowned if view is not None else []
        unattended = list(view.unattended) if view is not None else []
        status, code = assess(reachable=True, assigned=len(lag), stalled=stalled,
                              unowned=unowned + unattended)
        body.update(status=status, broker_connected=True, assigned_partitions=len(lag),
                    total_lag=sum(lag.values()), lag=lag, stalled=stalled,
                    group={"state": view.state if view else "unknown",
                           "members": view.members if view else None,
                           "unowned_partitions": unowned,
                           "unattended_partitions": unattended,
                           "age_s": round(time.monotonic() - view.at, 1) if view else None})
        return self.json(body, status=code)
