"""``wiredesk replay``: the conversation around :mod:`streams.replay` (plan, ask, act, watch).

Kept apart from the CLI module so the command stays a few lines there, and
apart from :mod:`streams.replay` so the planning stays free of printing.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import replace

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from streams import replay as r
from streams.settings import Settings

__all__ = ["run_replay", "watch"]


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
               alerts: bool, console: Console) -> int:
    """Plan and run a replay; return the exit code."""
    if from_beginning and since:
        console.print("[bold red]error:[/] give --from-beginning or --since, not both")
        return 2
    target = version or settings.pipeline_version
    group = r.group_id(settings.app_id, target)
    try:
        when = r.parse_since(since) if since else None
        if not (from_beginning or when):
            if watch_progress:
                return watch(settings, asyncio.run(_current_plan(settings, target)), console)
            console.print("[bold red]error:[/] say what to replay: --from-beginning or "
                          "--since ISO (or only --watch to follow a running replay)")
            return 2
        plan = asyncio.run(r.inspect(settings, target, when))
        members = asyncio.run(r.running_members(settings, group))
    except r.ReplayError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        return 2
    except Exception as exc:
        console.print(f"[bold red]error:[/] cannot reach Kafka at {settings.broker_url}: {exc}")
        return 1
    _show_plan(plan, console)
    if dry_run:
        if members:
            console.print(f"[yellow]note:[/] {r.stop_workers_message(group, members)}")
        console.print(f"Dry run: {plan.total} article(s) would be replayed; nothing changed.")
        return 0
    if members:
        console.print(f"[bold red]error:[/] {r.stop_workers_message(group, members)}")
        return 1
    if not yes:
        if not sys.stdin.isatty():
            console.print("[bold red]error:[/] stdin is not a terminal: pass --yes to replay "
                          "without a prompt")
            return 2
        if not typer.confirm(f"Replay {plan.total} article(s) with pipeline version "
                             f"{target}?"):
            return 1
    local = r.local_table_dirs(settings.data_dir, target) if plan.rebuilds_tables else []
    try:
        asyncio.run(r.commit_offsets(settings, group, plan.offsets()))
        if plan.rebuilds_tables:
            asyncio.run(r.delete_changelogs(settings, plan.changelogs))
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
                      f"{settings.data_dir / f'v{target}' / 'tables'}.", highlight=False)
        console.print(f"[yellow]Workers with another WIREDESK_DATA_DIR (other machines, "
                      f"containers) must delete their own <data dir>/v{target}/tables/ "
                      "folder before they start, or they keep their old tables.[/]")
    console.print("Start the worker(s) for the replay with:")
    console.print(f"  {r.worker_command(target, alerts=alerts)}", highlight=False, soft_wrap=True)
    if not alerts:
        console.print("Alerts skip the replayed records (replay=true); --alerts delivers them.")
    if watch_progress:
        return watch(settings, plan, console)
    return 0


async def _current_plan(settings: Settings, version: int) -> r.ReplayPlan:
    """A plan whose start is where the group is now: ``--watch`` alone follows from here."""
    plan = await r.inspect(settings, version, None)
    offsets = await r.committed_offsets(settings, plan.group)
    parts = [replace(p, offset=offsets.get((plan.topic, p.partition), p.start))
             for p in plan.partitions]
    return replace(plan, partitions=parts)


def watch(settings: Settings, plan: r.ReplayPlan, console: Console,
          interval: float = 1.0) -> int:
    """A progress bar of replayed articles, rate and time left, until the lag is gone."""
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
               TimeRemainingColumn())
    started: float | None = None
    done = 0
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("Replaying", total=plan.total, rate="")
        try:
            while True:
                done, lag = asyncio.run(r.group_progress(settings, plan.group, plan))
                if started is None and done:
                    started = time.monotonic()
                rate = done / (time.monotonic() - started) if started else 0.0
                progress.update(task, completed=done, rate=f"{rate:.1f} articles/s")
                if done >= plan.total and lag == 0:
                    break
                time.sleep(interval)
        except KeyboardInterrupt:
            console.print("Stopped watching; the worker goes on.")
            return 130
    elapsed = time.monotonic() - started if started else 0.0
    rate_text = f" ({done / elapsed:.1f} articles/s)" if elapsed else ""
    console.print(f"Replayed {done} article(s){rate_text}; every stage has caught up.")
    return 0
