"""The worker process: faust's ``Worker`` with a bounded shutdown and the outage log gate.

Why a deadline: faust's clean stop commits offsets, flushes the producer and
leaves the group, and each of those waits for the broker. With the broker down
it never finished (a worker ignored SIGTERM for 447 s, looping heartbeat
errors). After SIGTERM or SIGINT the worker now stops cleanly if it can and
exits after ``WIREDESK_SHUTDOWN_GRACE_SECONDS`` (8 s) if it cannot; a second
signal exits at once. Exiting without a clean stop is what a SIGKILL does, and
the pipeline is built for that: offsets are committed only after the outputs
are on the broker, a message read again makes the same ids, and the view
folds count each op once (the SIGKILL recovery test proves it).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from faust.worker import Worker as FaustWorker

from streams import faust_private as fp
from streams import outage

__all__ = ["EXIT_UNCLEAN", "ShutdownDeadline", "Worker", "freeze_startup_heap"]

logger = logging.getLogger(__name__)

#: Exit status when the grace period ran out (EX_TEMPFAIL: try again, nothing is lost).
EXIT_UNCLEAN = 75


class ShutdownDeadline:
    """Exit the process ``grace`` seconds after the first stop signal, at once on a second.

    A thread, not a task: the event loop may be the thing that hangs.

    Args:
        grace: Seconds the clean stop may take.
        exit: How to leave (``os._exit``; a test passes its own).
    """

    def __init__(self, grace: float, exit: Callable[[int], Any] = os._exit) -> None:
        self.grace = grace
        self._exit = exit
        self._timer: threading.Timer | None = None
        self._began = 0.0
        self._lock = threading.Lock()

    def arm(self, sig: int) -> None:
        """A stop signal arrived: start the clock, or give up at once if it already runs."""
        with self._lock:
            if self._timer is None:
                self._began = time.monotonic()
                logger.info("Stopping on %s: exiting at the latest in %.0fs",
                            signal.Signals(sig).name, self.grace)
                self._timer = threading.Timer(self.grace, self.expire, args=("time is up",))
                self._timer.daemon = True
                self._timer.start()
                return
        self.expire(f"second {signal.Signals(sig).name}")

    def expire(self, why: str) -> None:
        """Leave now: the clean stop did not finish."""
        down = outage.gate.unreachable_for()
        logger.critical(
            "Exiting without a clean stop (%s, %.1fs after the signal; broker %s): input not "
            "committed is read again on restart, and its outputs have the same ids", why,
            time.monotonic() - self._began,
            "reachable" if down is None else f"unreachable for {down:.0f}s")
        for handler in logging.getLogger().handlers:
            with contextlib.suppress(Exception):  # leaving anyway
                handler.flush()
        sys.stderr.flush()
        self._exit(EXIT_UNCLEAN)


def freeze_startup_heap() -> int:
    """Collect once, then leave every object alive now out of later collections.

    Why: what a worker holds once started (the lexicon and gazetteer, faust's
    services, the modules) lives as long as the process, yet each full collection
    walked all of it: measured on the bench's worker, a full collection took about
    50 ms and came every second or so under load, some 5% of its CPU, and each one
    stalls every article in flight. ``gc.freeze`` is the standard library's answer
    for a long-lived heap built at start. Returns the number of objects frozen.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class Worker(FaustWorker):  # type: ignore[misc]
    """faust's worker, with :class:`ShutdownDeadline` and :mod:`streams.outage`'s gate."""

    def __init__(self, *args: Any, shutdown_grace: float, bootstrap: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = ShutdownDeadline(shutdown_grace)
        self.bootstrap = bootstrap

    async def on_first_start(self) -> None:
        """Start the broker probe before the app: it must run while faust waits for Kafka.

        (faust starts an app's timers only once its tables are recovered, which never
        happens while the broker is down.)
        """
        await super().on_first_start()
        self.add_future(outage.watch(self.bootstrap, lambda: not self.should_stop,
                                     sleep=self.sleep))

    async def on_startup_finished(self) -> None:
        """faust's, then the startup heap frozen (:func:`freeze_startup_heap`)."""
        await super().on_startup_finished()
        logger.info("Startup heap frozen objects=%s", freeze_startup_heap())

    def install_signal_handlers(self) -> None:
        """mode's handlers, each preceded by the deadline's."""
        super().install_signal_handlers()
        if sys.platform != "win32":
            fp.on_stop_signal(self, self.deadline.arm)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        """After mode set up logging: the outage gate on aiokafka's loggers."""
        super().on_setup_root_logger(logger, level)
        outage.install()
