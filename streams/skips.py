"""Messages faust's fetcher skipped around a rebalance: never commit past them.

What happens (the benchmark's two-worker phase lost an article with lag 0 in
about one run in three; the raw topic held it, ``articles.v1`` never did):
while a rebalance is under way, faust's ``Consumer.getmany`` drops fetched
records of a partition that is not in its snapshot of active partitions (or
stops iterating when the generation changes), although aiokafka's fetch
position has moved past them. The partition's next message then arrives with a
jump in offsets, and faust commits past the jump: its drain loop records the
jump as a "gap" (``Consumer._add_gap``, made for compacted topics and
transaction markers, where offsets really are missing), and its
``_new_offset`` lets a hole of one offset right after the committed offset
through anyway (it checks ``min(acked) - committed > 1``). The skipped
messages are never processed, and nothing says so.

Here, on the pipeline's own topics (delete policy: offsets are never missing
unless a producer writes transactions), a hole is held: ``_new_offset`` does
not commit past it, the hole is logged, and within a second the worker's
``skip_rereader`` timer seeks the partition back to its committed offset, which
reads the skipped messages again (at-least-once; the deterministic ids make
repeats harmless). The messages after the hole that were processed are not
handed to the streams a second time. Records faust fetched and never handed
out, and messages a flow resume cleared from the streams' queues
(``SkipLedger.dropped``), are sought back to the same way: faust's recovery
resumes the stream partitions, asks the broker for their committed offsets
(messages arrive and are queued meanwhile) and then resumes the flow, which
clears every stream's queue; a replay worker lost a whole partition so until
the stall watchdog found it. A hole still there after ``give_up_s`` is taken
for a real gap (a transaction marker) and committed past, as faust would.
Compacted topics (``rules.v1``, the table changelogs) keep faust's behaviour,
except that a rule cleared from its queue is read again too.

A hole is measured from the partition's committed offset, or, for a partition
committed at its start (faust keeps 0 as "none"), from the position faust's
recovery sought it to. That seek asks the broker for every partition in turn
after the partitions were resumed, so messages are processed meanwhile; no
commit of a plain topic is made until it is done (a commit made before the
start was known once let a hole at a partition's head through).

The bookkeeping is pure (``SkipLedger``);
``streams.faust_private.install_skip_guard`` wraps private methods of faust's
``Consumer`` with it (its fetch, its drain loop's callback, the recovery's seek
and the commit's bookkeeping) and mode's queue clearing, which is why
faust-streaming and mode are pinned exactly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SkipLedger", "ledger"]

logger = logging.getLogger(__name__)


@dataclass
class SkipLedger:
    """Holes (skipped offsets) per partition: since when held, when last sought back to.

    Attributes:
        retry_s: Time between two seeks back to the same hole.
        give_up_s: After this long a hole is taken for a real gap and committed past.
    """

    retry_s: float = 30.0
    give_up_s: float = 180.0
    #: partition -> (the hole's first offset, first seen, last sought back to or None)
    holes: dict[Any, tuple[int, float, float | None]] = field(default_factory=dict)

    def hold(self, tp: Any, committed: int, first_acked: int, now: float) -> bool:
        """Offsets ``committed .. first_acked - 1`` were never acked: hold the commit?

        True (hold) until the hole has been open ``give_up_s``; then False, once, and
        the hole is forgotten.
        """
        held = self.holes.get(tp)
        if held is None or held[0] != committed:
            self.holes[tp] = (committed, now, None)
            logger.error("Offsets skipped partition=%s offsets=%s-%s: not committing past "
                         "them; the skip re-reader seeks back to read them", tp, committed,
                         first_acked - 1)
            return True
        if now - held[1] < self.give_up_s:
            return True
        del self.holes[tp]
        logger.warning("Offsets %s-%s of %s stayed missing after %.0fs of re-reading: a real "
                       "gap (transaction markers?); committing past them", committed,
                       first_acked - 1, tp, now - held[1])
        return False

    def dropped(self, tp: Any, offset: int, now: float) -> None:
        """faust dropped ``tp``'s records from ``offset`` on, unprocessed: seek back to them.

        Its fetch drops records of a partition paused meanwhile, and a flow resume
        clears the streams' queues (``faust_private.install_skip_guard``).

        A hole below it (held already) is re-read first; its re-read reads these too.
        """
        held = self.holes.get(tp)
        if held is None or held[0] > offset:
            self.holes[tp] = (offset, now, None)
            logger.warning("Records dropped before processing partition=%s from offset=%s: "
                           "seeking back to read them", tp, offset)

    def due(self, now: float) -> list[tuple[Any, int]]:
        """Partitions to seek back to their hole now: once, then every ``retry_s``."""
        out = []
        for tp, (first, since, sought) in list(self.holes.items()):
            if sought is None or now - sought >= self.retry_s:
                self.holes[tp] = (first, since, now)
                out.append((tp, first))
        return out

    def forget(self, tp: Any) -> None:
        """Drop a revoked partition's hole: its new owner starts at the committed offset."""
        self.holes.pop(tp, None)

    def settle(self, tp: Any, committed: int | None) -> None:
        """Forget a hole the committed offset has passed (it was read)."""
        held = self.holes.get(tp)
        if held is not None and committed is not None and committed > held[0]:
            del self.holes[tp]


ledger = SkipLedger()
