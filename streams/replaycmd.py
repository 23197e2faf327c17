"""``wiredesk replay``: the conversation around :mod:`streams.replay` (plan, ask, act, run, watch).

Kept apart from the CLI module so the command stays a few lines there, and
apart from :mod:`streams.replay` so the planning stays free of printing. The
worker processes it starts live in :mod:`streams.replayworkers`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from streams import replay as r
from streams import replayworkers as rw
from streams.settings import Settings

__all__ = ["ReplayOutcome", "follow", "run_replay", "watch"]


@dataclass
class ReplayOutcome:
    """How a replay ended: the exit code, and for one that ran workers, its timing."""

    code: int
    total: int = 0
    done: int = 0
    #: seconds from starting the workers (or the first progress seen) to caught up.
    seconds: float | None = None
    #: wall-clock times: workers started, and every one of them holding partitions.
    started_at: float | None = None
    ready_at: float | None = None
    workers: list[rw.SpawnedWorker] = field(default_factory=list)
    #: it gave up at ``timeout`` (code 1), rather than on a failure.
    timed_out: bool = False


def _show_plan(plan: r.ReplayPlan, console: Console) -> None:
    table = Table(title=f"{plan.topic} -> group {plan.group}", title_justify="left")
    for column in ("partition", "log start", "end", "replay from", "articles"):
        table.add_column(column, justify="right")
    for p in plan.partitions:
        table.add_row(str(p.partition), str(p.start), str(p.end), str(p.offset), str(p.count))
    table.add_row("all", "", "", "", f"[bold]{plan.total}[/]")
    console.print(table)
    since = f" since {plan.since.isoformat()}" if plan.since else " from the beginning"
    if plan.existing:
        console.print(f"Pipeline version {plan.version} has run before: the replay reads "
                      f"{plan.total} article(s){since} again with the same version "
                      "(same record ids).")
        if plan.rebuilds_tables:
            console.print(f"Its tables are rebuilt: {len(plan.changelogs)} changelog topic(s) "
                          "deleted, the local RocksDB folders of this version removed.")
        else:
            console.print("Its tables are kept (a replay since a time cannot rebuild them; "
                          "use --from-beginning for that); the replayed articles are folded "
                          "in again, which changes nothing for records already there.")
        if plan.in_flight:
            console.print(f"[yellow]{plan.in_flight} message(s) not yet consumed on the "
                          "derived topics are skipped:[/] they are re-derived only if their "
                          "article is in the replayed range.")
    else:
        console.print(f"Pipeline version {plan.version} has not run yet: its consumer group "
                      f"{plan.group!r} and its changelogs are new, so its worker reads the "
                      f"raw topic{since} and builds fresh tables; outputs carry "
                      f"pipeline_version={plan.version} and new ids. The group's offsets on "
                      "the derived topics are set to their end, so the new version never "
                      "reads the old version's intermediate records.")
        if plan.since:
            console.print("[yellow]Its tables will hold only the articles since that time.[/]")


def run_replay(settings: Settings, *, from_beginning: bool, since: str | None,
               version: int | None, dry_run: bool, yes: bool, watch_progress: bool,
               alerts: bool, console: Console, workers: int | None = None,
               keep_running: bool = False, timeout: float | None = None,
               on_started: Callable[[list[rw.SpawnedWorker]], None] | None = None
               ) -> ReplayOutcome:
    """Plan and run a replay; the outcome carries the exit code.

    Args:
        workers: Worker processes to start (None: one per core, at most one per raw
            partition); 0 only prepares the group and prints the worker command.
        keep_running: Leave the started workers running once the replay caught up.
        timeout: Give up (and stop the started workers) after this many seconds.
        on_started: Called with the started workers (the benchmark samples their memory).
    """
    if from_beginning and since:
        console.print("[bold red]error:[/] give --from-beginning or --since, not both")
        return ReplayOutcome(2)
    target = version or settings.pipeline_version
    group = r.group_id(settings.app_id, target)
    try:
        when = r.parse_since(since) if since else None
        if not (from_beginning or when):
            if watch_progress:
                plan = asyncio.run(_current_plan(settings, target))
                return follow(settings, plan, console)
            console.print("[bold red]error:[/] say what to replay: --from-beginning or "
                          "--since ISO (or only --watch to follow a running replay)")
            return ReplayOutcome(2)
        plan = asyncio.run(r.inspect(settings, target, when))
        members = asyncio.run(r.running_members(settings, group))
    except r.ReplayError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        return ReplayOutcome(2)
    except Exception as exc:
        console.print(f"[bold red]error:[/] cannot reach Kafka at {settings.broker_url}: {exc}")
        return ReplayOutcome(1)
    _show_plan(plan, console)
    count = rw.worker_count(workers, os.cpu_count(), len(plan.partitions))
    if workers is not None and workers > count:
        console.print(f"[yellow]note:[/] {workers} workers asked, but {plan.topic} has "
                      f"{len(plan.partitions)} partition(s) and each is read by one worker "
                      f"of the group: {count} will run (WIREDESK_TOPIC_PARTITIONS, "
                      "docs/replay.md).")
    if dry_run:
        if members:
            console.print(f"[yellow]note:[/] {r.stop_workers_message(group, members)}")
        console.print(f"Dry run: {plan.total} article(s) would be replayed; nothing changed.")
        return ReplayOutcome(0, plan.total)
    if members:
        console.print(f"Waiting up to {settings.session_timeout_seconds + 3:.0f}s for the "
                      f"{len(members)} member(s) of group {group!r} to leave (a stopped "
                      "worker stays a member until its session times out)")
        try:
            members = asyncio.run(r.members_after_leaving(settings, group))
        except Exception as exc:
            console.print(f"[bold red]error:[/] cannot reach Kafka at {settings.broker_url}: "
                          f"{exc}")
            return ReplayOutcome(1)
    if members:
        console.print(f"[bold red]error:[/] {r.stop_workers_message(group, members)}")
        return ReplayOutcome(1, plan.total)
    if not yes:
        if not sys.stdin.isatty():
            console.print("[bold red]error:[/] stdin is not a terminal: pass --yes to replay "
                          "without a prompt")
            return ReplayOutcome(2, plan.total)
        runs = f" on {count} worker process(es)" if count else ""
        if not typer.confirm(f"Replay {plan.total} article(s) with pipeline version "
                             f"{target}{runs}?"):
            return ReplayOutcome(1, plan.total)
    code = _prepare(settings, plan, console)
    if code:
        return ReplayOutcome(code, plan.total)
    if not count:
        console.print("Start the worker(s) for the replay with:")
        console.print(f"  {r.worker_command(target, alerts=alerts)}", highlight=False,
                      soft_wrap=True)
        if not alerts:
            console.print("Alerts skip the replayed records (replay=true); --alerts "
                          "delivers them.")
        return follow(settings, plan, console) if watch_progress else ReplayOutcome(0, plan.total)
    if not alerts:
        console.print("Alerts skip the replayed records (replay=true); --alerts delivers them.")
    try:
        started = rw.start_workers(settings, target, count, alerts=alerts,
                                   standby=keep_running)
    except OSError as exc:
        console.print(f"[bold red]error:[/] cannot start a worker process: {exc}")
        return ReplayOutcome(1, plan.total)
    console.print(f"Started {count} worker process(es) of pipeline version {target} "
                  "(WIREDESK_REPLAY=1), each with its own web port, data folder and log:")
    host = _local(settings.web_host)
    for w in started:
        console.print(f"  {w.name}: pid {w.pid}, http://{host}:{w.port}/health, log {w.log}",
                      highlight=False, soft_wrap=True)
    if on_started is not None:
        on_started(started)
    return follow(settings, plan, console, started, keep_running=keep_running, timeout=timeout)


def _prepare(settings: Settings, plan: r.ReplayPlan, console: Console) -> int:
    """Move the group, and for a rebuild delete the changelogs and local tables."""
    target, group = plan.version, plan.group
    local: list[Path] = []
    if plan.rebuilds_tables:  # this machine's worker folder and the replay workers' folders
        local = r.local_table_dirs(settings.data_dir, target)
        for folder in rw.worker_dirs(settings.data_dir, target):
            local += r.local_table_dirs(folder, target)
    try:
        asyncio.run(r.commit_offsets(settings, group, plan.offsets()))
        if plan.rebuilds_tables:
            asyncio.run(r.delete_changelogs(settings, plan.changelogs))
        began = time.monotonic()
        created = asyncio.run(r.create_changelogs(settings, target))
    except Exception as exc:
        console.print(f"[bold red]error:[/] the replay could not move group {group!r}: {exc} "
                      "(a worker that started meanwhile makes the commit fail; stop it and "
                      "run the replay again)")
        return 1
    console.print(f"Moved group {group!r}: {len(plan.partitions)} raw partition(s) to the "
                  f"replay start, {len(plan.derived_ends)} derived partition(s) to their end.")
    sources = sorted({topic for topic, _ in plan.source_starts})
    if sources and (plan.rebuilds_tables or not plan.existing):
        console.print(f"Other sources read again from their start into the fresh tables: "
                      f"{', '.join(sources)}.", highlight=False)
    if plan.rebuilds_tables:
        for name in plan.changelogs:
            console.print(f"  deleted changelog {name}", highlight=False)
        r.remove_local_tables(local)
        console.print(f"Removed {len(local)} local table folder(s) of version {target} under "
                      f"{settings.data_dir}.", highlight=False)
        console.print(f"[yellow]Workers with another WIREDESK_DATA_DIR (other machines, "
                      f"containers) must delete their own <data dir>/v{target}/tables/ "
                      "folder before they start, or they keep their old tables.[/]")
    if created:
        console.print(f"Created {len(created)} fresh changelog(s) of version {target} in "
                      f"{time.monotonic() - began:.1f}s, so the workers find them ready.",
                      highlight=False)
    return 0


async def _current_plan(settings: Settings, version: int) -> r.ReplayPlan:
    """A plan whose start is where the group is now: ``--watch`` alone follows from here."""
    plan = await r.inspect(settings, version, None)
    offsets = await r.committed_offsets(settings, plan.group)
    parts = [replace(p, offset=offsets.get((plan.topic, p.partition), p.start))
             for p in plan.partitions]
    return replace(plan, partitions=parts)


def _local(host: str) -> str:
    """Where this machine reaches a worker bound to ``host``."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def _sigterm_as_interrupt() -> Callable[[], None]:
    """Make SIGTERM stop the command like Ctrl-C (its workers are stopped too)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals reach only the main thread (the bench runs us in one)

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    return lambda: signal.signal(signal.SIGTERM, previous)


def watch(settings: Settings, plan: r.ReplayPlan, console: Console,
          interval: float = 1.0) -> int:
    """A progress bar of replayed articles, rate and time left, until the lag is gone."""
    return follow(settings, plan, console, interval=interval).code


def follow(settings: Settings, plan: r.ReplayPlan, console: Console,
           workers: list[rw.SpawnedWorker] | None = None, *, keep_running: bool = False,
           timeout: float | None = None, interval: float = 1.0) -> ReplayOutcome:
    """Show the replay's progress until it has caught up; run and stop its workers.

    Progress comes from the group's committed offsets (:func:`streams.replay.group_progress`),
    so it counts every worker of the group, started here or elsewhere. The workers
    started here are stopped when the replay has caught up (unless ``keep_running``),
    when one of them dies, on timeout, on Ctrl-C and on SIGTERM.
    """
    pool = list(workers or [])
    began = time.monotonic()
    progress = rw.ReplayProgress(plan.total, started=began if pool else None)
    outcome = ReplayOutcome(1, plan.total, workers=pool,
                            started_at=time.time() if pool else None)
    restore = _sigterm_as_interrupt() if pool else (lambda: None)
    try:
        deadline = None if timeout is None else began + timeout
        outcome.code = _poll(settings, plan, console, pool, progress, outcome, deadline,
                             interval)
    except KeyboardInterrupt:
        console.print("Interrupted: stopping the workers it started." if pool else
                      "Stopped watching; the worker goes on.")
        outcome.code = 130
    finally:
        restore()
        if pool and not (outcome.code == 0 and keep_running):
            rw.stop_workers(pool)
    outcome.done = progress.done
    if outcome.code != 0:
        return outcome
    outcome.seconds = progress.elapsed
    rate = f" in {progress.elapsed:.1f}s ({progress.rate:.1f} articles/s)" if progress.rate \
        else ""
    console.print(f"Replayed {progress.done} article(s){rate}; every stage has caught up.")
    if pool:
        held = ", ".join(f"{w.name} {w.partitions}" for w in pool)
        console.print(f"Partitions held per worker: {held}.", highlight=False)
        _after(pool, plan.version, keep_running, console)
    return outcome


def _poll(settings: Settings, plan: r.ReplayPlan, console: Console,
          pool: list[rw.SpawnedWorker], progress: rw.ReplayProgress, outcome: ReplayOutcome,
          deadline: float | None, interval: float) -> int:
    """The loop of :func:`follow`; returns the exit code."""
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
               TextColumn("left {task.fields[left]}"))
    host = _local(settings.web_host)
    ready = not pool
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("Replaying", total=plan.total, rate="", left=rw.clock(None))
        while True:
            dead = rw.exited(pool)
            if dead is not None:
                _report_death(dead, pool, plan.version, console)
                return 1
            if not ready:
                ready = _ready(pool, host)
                if ready:
                    outcome.ready_at = time.time()
                    bar.console.print(f"All {len(pool)} worker(s) hold partitions after "
                                      f"{progress.elapsed_at(time.monotonic()):.1f}s.")
            try:
                done, lag = asyncio.run(r.group_progress(settings, plan.group, plan))
            except Exception as exc:
                console.print(f"[bold red]error:[/] lost Kafka at {settings.broker_url} while "
                              f"following the replay: {exc}")
                return 1
            now = time.monotonic()
            progress.update(done, lag, now)
            bar.update(task, completed=progress.done, left=rw.clock(progress.left),
                       rate=f"{progress.rate:.1f} articles/s")
            # Caught up only once the group it started has formed: a worker still joining
            # would rebalance the partitions (and re-read uncommitted messages) after the
            # replay said it was done; with a fast pipeline a short replay ended first.
            if progress.caught_up and ready:
                return 0
            if deadline is not None and now > deadline:
                outcome.timed_out = True
                console.print(f"[bold red]error:[/] the replay has not caught up in time "
                              f"({progress.done} of {plan.total} articles, {lag} message(s) "
                              "unread)")
                return 1
            time.sleep(interval)


def _ready(pool: list[rw.SpawnedWorker], host: str) -> bool:
    """Ask each worker's /health; True once every one holds partitions."""
    for w in pool:
        body = rw.health(w, host)
        if body and body.get("assigned_partitions"):
            w.partitions = int(body["assigned_partitions"])
    return all(w.partitions for w in pool)


def _report_death(dead: rw.SpawnedWorker, pool: list[rw.SpawnedWorker], version: int,
                  console: Console) -> None:
    console.print(f"[bold red]error:[/] replay worker {dead.name} (pid {dead.pid}) exited with "
                  f"code {dead.popen.returncode} before the replay caught up; the other "
                  f"{len(pool) - 1} worker(s) are being stopped. Its log: {dead.log}",
                  highlight=False, soft_wrap=True)
    tail = rw.log_tail(dead.log)
    if tail:
        console.print("Last lines of its log:", highlight=False)
        console.print(tail, highlight=False, markup=False, soft_wrap=True)
    console.print("The group keeps the offsets it reached. Fix the cause, then go on from "
                  f"there with workers of your own ({r.worker_command(version)}) and "
                  f"`wiredesk replay --pipeline-version {version} --watch`, or replay again.",
                  highlight=False, soft_wrap=True)


def _after(pool: list[rw.SpawnedWorker], version: int, keep_running: bool,
           console: Console) -> None:
    """What happens to the workers once the replay has caught up."""
    if keep_running:
        pids = " ".join(str(w.pid) for w in pool)
        console.print(f"The {len(pool)} worker(s) keep running (--keep-running); stop them "
                      f"with `kill {pids}`. They mark every record replay=true: for live "
                      f"news run WIREDESK_PIPELINE_VERSION={version} workers without "
                      "WIREDESK_REPLAY.", highlight=False, soft_wrap=True)
        return
    console.print(f"Stopped the {len(pool)} replay worker(s). Serve version {version} with "
                  f"its usual workers: WIREDESK_PIPELINE_VERSION={version} .venv/bin/wiredesk "
                  "worker (they restore its tables from the changelogs).",
                  highlight=False, soft_wrap=True)
