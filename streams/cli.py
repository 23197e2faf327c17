"""The ``wiredesk`` command: broker, worker, ingest, process, eval, topics, tail, dlq.

Each sub-command imports what it needs when it runs, so ``wiredesk --help``
and ``wiredesk process`` start fast and never build the Faust app.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from streams.settings import Settings, get_settings

__all__ = ["app", "command", "main"]

app = typer.Typer(
    name="wiredesk",
    help=(
        "wiredesk: an event-sourced stream processor that turns wire copy into events, "
        "quotes and figures. Settings come from WIREDESK_* environment variables "
        "(see README); WIREDESK_BROKER_URL points every command at a Kafka cluster."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
broker_app = typer.Typer(help="Run the local Apache Kafka broker (KRaft): one node, or a "
                         "cluster of three with --nodes 3.",
                         no_args_is_help=True)
topics_app = typer.Typer(help="Create and list the pipeline's topics.", no_args_is_help=True)
dlq_app = typer.Typer(help="Look at dead letters: messages a stage rejected, with why.",
                      no_args_is_help=True)
app.add_typer(broker_app, name="broker")
app.add_typer(topics_app, name="topics")
app.add_typer(dlq_app, name="dlq")

err = Console(stderr=True)
out = Console()

#: Short-lived client commands: each says what went wrong in its own one line, so
#: aiokafka's own log lines (retries, "Unable connect to ...") are only noise there.
#: The worker (and what runs workers) keeps them: that is where they are looked for.
_QUIET = {"tail", "dlq", "ingest", "alerts", "topics", "rules", "broker"}


@app.callback()
def _main(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand in _QUIET:
        import logging

        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)


def _fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: message`` on one line (never wrapped, no markup in it); the exit."""
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
    return typer.Exit(code)


def _read_topics(run: Any, what: str, broker_url: str) -> Any:
    """``asyncio.run(run())`` for a command that reads topics: an unknown topic is one
    ``error:`` line with exit 2, any other failure one line with exit 1."""
    from streams.kafka_io import UnknownTopicError

    try:
        return asyncio.run(run())
    except UnknownTopicError as exc:
        raise _fail(str(exc), code=2) from None
    except Exception as exc:
        raise _fail(f"cannot read {what} from {broker_url}: {exc}") from None


def _lexicon(s: Any) -> Any:
    """The settings' lexicon, or a clear error (a bad WIREDESK_GAZETTEER, a missing spaCy)."""
    from agents.lexicon import load_lexicon
    from agents.nlp.backends import BackendUnavailableError
    from agents.nlp.gazetteer import GazetteerFileError

    try:
        return load_lexicon(s.ner_backend, s.gazetteer)
    except (GazetteerFileError, BackendUnavailableError) as exc:
        raise _fail(str(exc), code=2) from None


def _progress() -> Any:
    """A progress bar on stderr with counts, rate and time left, for long CLI work."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f}/s" if speed else "-/s", style="progress.data.speed")

    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), Rate(), TimeElapsedColumn(), TimeRemainingColumn(),
                    console=err, transient=True)


# --------------------------------------------------------------------------- broker
def _broker_config():  # type: ignore[no-untyped-def]
    from streams.broker import BrokerConfig

    s = get_settings()
    return BrokerConfig(port=s.broker_port, controller_port=s.controller_port,
                        data_dir=s.broker_data_dir, cache_dir=s.cache_dir,
                        kafka_version=s.kafka_version, heap=s.broker_heap)


def _cluster_nodes(cfg):  # type: ignore[no-untyped-def]
    """The nodes of the local cluster (cluster.json), or a clear error when unreadable."""
    from streams.broker import BrokerError
    from streams.cluster import load

    try:
        return load(cfg)
    except BrokerError as exc:
        raise _fail(str(exc)) from None


@broker_app.command("start")
def broker_start(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the broker.")] = 180.0,
    nodes: Annotated[int, typer.Option(
        help="1: one broker. 3: a cluster of three broker+controller nodes (ports "
             "WIREDESK_BROKER_PORT+0/+2/+4, controllers WIREDESK_CONTROLLER_PORT+0/+2/+4); "
             "topics then get replication 3 and min.insync.replicas=2.")] = 1,
) -> None:
    """Start the local broker (resolving Kafka with Maven the first time); idempotent."""
    from streams.broker import BrokerError, start

    cfg = _broker_config()
    if nodes > 1:
        _cluster_start(cfg, nodes, timeout)
        return
    known = _cluster_nodes(cfg)
    if known and any(st.running for st in _statuses(known)):
        raise _fail(f"a {len(known)}-node cluster of ours runs from {cfg.data_dir}; "
                    "`wiredesk broker stop` it first, or start it with "
                    f"`wiredesk broker start --nodes {len(known)}`")
    try:
        with err.status(f"Starting Apache Kafka {cfg.kafka_version} on "
                        f"{cfg.host}:{cfg.port} ..."):
            st = start(cfg, timeout=timeout)
    except BrokerError as exc:
        raise _fail(str(exc)) from None
    out.print(f"Kafka {cfg.kafka_version} answers on [bold]{cfg.host}:{cfg.port}[/] "
              f"(pid {st.pid}); data in {cfg.data_dir}")


def _statuses(nodes):  # type: ignore[no-untyped-def]
    from streams.cluster import cluster_status

    return cluster_status(nodes)


#: Heap of each node of a local cluster unless WIREDESK_BROKER_HEAP says otherwise.
CLUSTER_NODE_HEAP = "384m"


def _cluster_start(cfg, nodes: int, timeout: float) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import time

    from streams.broker import BrokerError, status
    from streams.cluster import bootstrap, plan, start_cluster

    if "broker_heap" not in get_settings().model_fields_set:
        cfg = dataclasses.replace(cfg, heap=CLUSTER_NODE_HEAP)  # N JVMs on one machine
    try:
        configs = plan(cfg, nodes)
        if status(cfg).running:
            raise BrokerError(f"the single-node broker of ours runs from {cfg.data_dir}; "
                              "`wiredesk broker stop` it first")
        began = time.monotonic()
        with err.status(f"Starting a {nodes}-node Apache Kafka {cfg.kafka_version} cluster "
                        f"on {bootstrap(configs)} ..."):
            statuses = start_cluster(configs, timeout=timeout)
    except BrokerError as exc:
        raise _fail(str(exc)) from None
    for node, st in zip(configs, statuses, strict=True):
        out.print(f"node {node.node_id}: answers on [bold]{node.address}[/] (pid {st.pid}, "
                  f"controller port {node.controller_port}); data in {node.data_dir}")
    out.print(f"{nodes} nodes up in {time.monotonic() - began:.0f} s. Topics created now get "
              f"replication {configs[0].replication} and min.insync.replicas="
              f"{configs[0].min_insync_replicas}. So that clients start while any node is "
              f"down:\n  export WIREDESK_BROKER_URL={bootstrap(configs)}")


@broker_app.command("stop")
def broker_stop(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a clean shutdown.")] = 60.0,
) -> None:
    """Stop the local broker this project started (by its pid file), every node of a cluster."""
    from streams.broker import stop
    from streams.cluster import stop_cluster

    cfg = _broker_config()
    stopped = int(stop(cfg, timeout=timeout))
    nodes = _cluster_nodes(cfg)
    if nodes:
        stopped += stop_cluster(nodes, timeout=timeout)
    if not stopped:
        out.print("No broker of ours was running.")
    elif nodes:
        out.print(f"Stopped {stopped} broker(s).")
    else:
        out.print("Broker stopped.")


@broker_app.command("status")
def broker_status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Say whether the local broker (every node of a local cluster) answers: exit 0 or 1."""
    from streams.broker import status
    from streams.brokertext import status_json, status_line

    cfg = _broker_config()
    nodes = _cluster_nodes(cfg)
    if not nodes:
        st = status(cfg)
        if as_json:
            sys.stdout.buffer.write(orjson.dumps(status_json(st)) + b"\n")
        else:
            out.print(status_line(st), highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(0 if st.answers else 1)
    statuses = _statuses(nodes)
    up = sum(st.answers for st in statuses)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps({
            "state": "up" if up == len(nodes) else ("degraded" if up else "down"),
            "nodes_answering": up, "nodes": [{"node_id": node.node_id, **status_json(st)}
                                             for node, st in zip(nodes, statuses, strict=True)],
        }) + b"\n")
        raise typer.Exit(0 if up == len(nodes) else 1)
    for node, st in zip(nodes, statuses, strict=True):
        state = "answers" if st.answers else ("running, not answering" if st.running
                                              else "down")
        pid = f"pid {st.pid}" if st.pid else "no process"
        out.print(f"node {node.node_id} {node.address}: {state} ({pid}); data in "
                  f"{node.data_dir}", highlight=False, markup=False, soft_wrap=True)
    out.print(f"{up} of {len(nodes)} nodes answer")
    raise typer.Exit(0 if up == len(nodes) else 1)


# --------------------------------------------------------------------------- topics
@topics_app.command("create")
def topics_create() -> None:
    """Create every missing pipeline topic (partitions and retention from settings)."""
    from streams.topics import ensure_topics

    s = get_settings()
    try:
        created = asyncio.run(ensure_topics(s))
    except Exception as exc:
        raise _fail(f"cannot reach Kafka at {s.broker_url}: {exc}") from None
    out.print(f"Created {len(created)} topics." if created else "All topics exist.")


@topics_app.command("list")
def topics_list() -> None:
    """List the pipeline's topics with partitions and retention."""
    from streams.topics import topic_specs

    for spec in topic_specs(get_settings()):
        keep = "forever" if spec.retention_ms < 0 else f"{spec.retention_ms / 86_400_000:g} days"
        out.print(f"{spec.name:45} partitions={spec.partitions} retention={keep}")


# --------------------------------------------------------------------------- worker
@app.command()
def worker(
    loglevel: Annotated[str | None, typer.Option(help="Override WIREDESK_LOG_LEVEL.")] = None,
) -> None:
    """Run the Faust worker: every stage agent plus the HTTP server (GET /health)."""
    from streams.topics import ensure_topics

    s = get_settings()
    try:
        asyncio.run(ensure_topics(s))
    except Exception as exc:
        raise _fail(f"cannot reach Kafka at {s.broker_url}: {exc}. Start it with "
                    "`wiredesk broker start` or set WIREDESK_BROKER_URL.") from None
    _lexicon(s)  # a bad gazetteer stops here, and the first article does not pay the load
    _seed_offsets(s)
    from streams.app import app as faust_app
    from streams.worker import Worker

    err.print(f"wiredesk worker: http://{s.web_host}:{s.web_port}/health")
    if s.start_barrier:  # a replay's workers join the group together
        from streams.replayworkers import start_barrier

        if not start_barrier(s.start_barrier, f"{os.getpid()}"):
            err.print("wiredesk worker: the other replay workers did not start within 60 s; "
                      "joining without them")
    Worker(faust_app, loglevel=(loglevel or s.log_level).lower(),
           shutdown_grace=s.shutdown_grace_seconds,
           bootstrap=s.bootstrap_servers).execute_from_commandline()


def _seed_offsets(s: Settings) -> None:
    """Give the group a committed offset everywhere (``replay.seed_group_offsets``).

    A failure does not stop the worker: the usual one is a group that other workers
    already run (they seeded it, and the broker refuses a non-member's commit).
    """
    from streams.replay import seed_group_offsets

    try:
        seeded = asyncio.run(seed_group_offsets(s))
    except Exception as exc:
        err.print(f"wiredesk worker: offsets not seeded ({type(exc).__name__}: {exc}); "
                  "fine when other workers of this group run")
        return
    if seeded:
        err.print(f"wiredesk worker: {seeded} partitions start at their beginning")


# --------------------------------------------------------------------------- ingest
def _published(value: str | None) -> datetime | None:
    """``--published``: an ISO date or date-time (UTC when it has no offset)."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date such as 2019-03-13 or "
                                 "2019-03-13T09:30:00Z", param_hint="--published") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


_PUBLISHED_HELP = (
    "The story's date as a feed's metadata gives it (ISO: 2019-03-13 or "
    "2019-03-13T09:30:00Z). Used when the text prints no date of its own (a date in the "
    "text wins); relative dates (\"Tuesday\") resolve against it.")
_SOURCE_ID_HELP = (
    "Your own id of the story (with --source it makes the article id; send the same id "
    "again to revise it). Default: the file name; for stdin, a hash of the content. An id "
    "the article carries (ninjs uri, feed guid, JSON id) wins.")


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if str(p) == "-":
            files.append(p)
        elif p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()
                                and not f.name.startswith(".")))
        elif p.is_file():
            files.append(p)
        else:
            raise _fail(f"no such file or folder: {p}")
    return files


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders; - reads stdin.", show_default=False)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="auto (sniff each file), text, ninjs, rss (RSS/Atom feed: one "
        "message per item), jsonl (one message per line; one JSON object, even "
        "pretty-printed, is one article) or html.")] = "auto",
    source: Annotated[str | None, typer.Option(
        help="Source name; with the file name (or --source-id, or the item's own id) it "
        "makes the stable article id. Default: 'file', or the feed's host name with --feed.",
        show_default=False)] = None,
    feed: Annotated[str | None, typer.Option(
        help="Poll this RSS/Atom URL instead of reading files: conditional GET, only new "
        "or changed items are sent (state in WIREDESK_DATA_DIR/feeds/).")] = None,
    every: Annotated[str, typer.Option(
        help="With --feed: poll every N seconds (60, 60s, 5m, 1h) until Ctrl-C; 0 polls "
        "once.")] = "0",
    published: Annotated[str | None, typer.Option(
        help=_PUBLISHED_HELP, show_default=False)] = None,
    source_id: Annotated[str | None, typer.Option(
        "--source-id", help=_SOURCE_ID_HELP, show_default=False)] = None,
) -> None:
    """Send articles to the raw topic (the event store), keyed by stable article id.

    Each input is parsed here as the normalize stage will parse it; one it will
    refuse is still sent (the raw topic keeps every input) and listed with the
    reason, and the exit status is then 1.
    """

    from agents.errors import StageError
    from streams.ingest import raw_articles, stdin_name
    from streams.kafka_io import send_raw_articles
    from streams.topics import ARTICLES_RAW, ensure_topics, full_name

    if feed is not None:
        if paths:
            raise _fail("give files or --feed URL, not both")
        if published is not None or source_id is not None:
            raise _fail("--published and --source-id are for files: a feed item carries "
                        "its own date and id")
        _ingest_feed(feed, every, source)
        return
    if not paths:
        raise _fail("give files or folders to ingest (- reads stdin), or --feed URL")
    source = source or "file"
    given = _published(published)
    files = _expand(paths)
    if source_id is not None and len(files) > 1:
        raise _fail("--source-id names one story: give one file (or -)")
    s = get_settings()
    articles = []
    for f in files:
        raw = sys.stdin.buffer.read() if str(f) == "-" else f.read_bytes()
        name = source_id or (stdin_name(raw) if str(f) == "-" else f.name)
        try:
            articles.extend(raw_articles(raw, name, fmt, source, s.max_article_bytes,
                                         published=given))
        except StageError as exc:
            raise _fail(f"{f}: {type(exc).__name__}: {exc}") from None
    topic = full_name(s, ARTICLES_RAW)
    try:
        asyncio.run(ensure_topics(s))
        with _progress() as progress:
            task = progress.add_task("Sending", total=len(articles))
            sent = asyncio.run(send_raw_articles(
                s.bootstrap_servers, topic, articles,
                on_sent=lambda _: progress.advance(task)))
    except Exception as exc:
        raise _fail(f"cannot send to Kafka at {s.broker_url}: {exc}") from None
    for art in articles:
        refused = f"  -> dead letter (normalize): {art.refused}" if art.refused else ""
        out.print(f"{art.key}  {art.format:5}  {art.source_id}{refused}", highlight=False,
                  markup=False, soft_wrap=True)
    err.print(f"Sent {sent} article(s) to {topic}.")
    bad = sum(1 for art in articles if art.refused)
    if bad:
        err.print(f"{bad} of them will be dead letters of the normalize stage (marked "
                  "above; `wiredesk dlq list --stage normalize` lists them).",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(1)


def _ingest_feed(url: str, every_text: str, source: str | None) -> None:
    """``ingest --feed``: poll with streams.feedpoll until Ctrl-C (once with --every 0)."""
    from urllib.parse import urlsplit

    from streams.feedpoll import PollResult, parse_interval, poll_forever, state_path
    from streams.kafka_io import send_raw_articles
    from streams.topics import ARTICLES_RAW, ensure_topics, full_name

    try:
        every = parse_interval(every_text)
    except ValueError as exc:
        raise _fail(str(exc), code=2) from None
    s = get_settings()
    source = source or urlsplit(url).hostname or "feed"
    topic = full_name(s, ARTICLES_RAW)

    async def send(articles: list) -> int:  # type: ignore[type-arg]
        return await send_raw_articles(s.bootstrap_servers, topic, articles)

    refused = 0

    def report(result: PollResult | Exception) -> None:
        nonlocal refused
        stamp = datetime.now(UTC).strftime("%H:%M:%S")
        if isinstance(result, Exception):
            err.print(f"{stamp} [yellow]poll failed:[/] {result}", highlight=False)
        elif result.not_modified:
            err.print(f"{stamp} not modified (304)")
        else:
            for art in result.sent:
                why = f"  -> dead letter (normalize): {art.refused}" if art.refused else ""
                refused += bool(art.refused)
                out.print(f"{art.key}  {art.format:5}  {art.source_id}{why}",
                          highlight=False, markup=False, soft_wrap=True)
            err.print(f"{stamp} {result.items} item(s), sent {len(result.sent)} new or "
                      f"changed to {topic}")

    try:
        asyncio.run(ensure_topics(s))
    except Exception as exc:
        raise _fail(f"cannot reach Kafka at {s.broker_url}: {exc}") from None
    if every:
        err.print(f"Polling {url} every {every:g}s; Ctrl-C stops.")
    try:
        failures = asyncio.run(poll_forever(url, state_path(s.data_dir, url), source,
                                            s.max_article_bytes, send, every, report))
    except KeyboardInterrupt:
        err.print("Stopped.")
        return
    if refused:
        err.print(f"{refused} item(s) will be dead letters of the normalize stage (marked "
                  "above).", highlight=False, soft_wrap=True)
    if failures or refused:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- process
@app.command()
def process(
    file: Annotated[Path, typer.Argument(help="An article file; - reads stdin.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, text, ninjs, rss, jsonl or "
                                     "html.")] = "auto",
    source: Annotated[str, typer.Option(help="Source name for the article id.")] = "file",
    compact: Annotated[bool, typer.Option(help="One line of JSON.")] = False,
    published: Annotated[str | None, typer.Option(
        help=_PUBLISHED_HELP, show_default=False)] = None,
    source_id: Annotated[str | None, typer.Option(
        "--source-id", help=_SOURCE_ID_HELP, show_default=False)] = None,
) -> None:
    """Run one article through the pure pipeline (no broker) and print JSON.

    A feed or JSON-lines file holding several articles prints a JSON array, one
    document per article. Without --published, a text that prints no date has
    none (article.published_source "none") and its relative dates stay unresolved.
    """
    from agents.errors import StageError
    from agents.parse import RawMeta
    from agents.pipeline import process_article, to_document
    from streams.ingest import split_payload, stdin_name

    given = _published(published)
    s = get_settings()
    lexicon = _lexicon(s)
    raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    name = source_id or (stdin_name(raw) if str(file) == "-" else file.name)
    try:
        fmt, pieces = split_payload(raw, fmt)
        docs = []
        for i, piece in enumerate(pieces, start=1):
            meta = RawMeta(source=source, source_id=name if len(pieces) == 1 else f"{name}#{i}",
                           format=fmt, published=given)
            result = process_article(piece, meta, lexicon=lexicon,
                                     now=datetime.now(UTC), pipeline_version=s.pipeline_version,
                                     max_bytes=s.max_article_bytes)
            docs.append(to_document(result))
    except StageError as exc:
        raise _fail(f"{type(exc).__name__}: {exc}", code=2) from None
    option = 0 if compact else orjson.OPT_INDENT_2
    payload = docs[0] if len(docs) == 1 else docs
    sys.stdout.buffer.write(orjson.dumps(payload, option=option) + b"\n")


# --------------------------------------------------------------------------- eval
@app.command("eval")
def evaluate_cmd(
    gold: Annotated[list[Path], typer.Argument(help="Gold files or folders (FORMAT.md).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    explain: Annotated[bool, typer.Option(help="List misses and false positives.")] = False,
) -> None:
    """Score the pipeline against gold annotations and print the scores.

    Scoring follows ../shared/gold/FORMAT.md; each article's "headers" (its
    message metadata, such as "published") go to the pipeline with its text.
    """
    from streams.evalcmd import run_eval

    raise typer.Exit(run_eval(gold, as_json=as_json, explain=explain, console=out))


# --------------------------------------------------------------------------- tail / dlq
@app.command()
def tail(
    topic: Annotated[str, typer.Argument(help="Topic suffix (quotes.v1) or full name.")],
    limit: Annotated[int | None, typer.Option("-n", "--limit", metavar="N",
                                              help="At most N.")] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Wait for more.")] = False,
    headers: Annotated[bool, typer.Option(help="Show headers.")] = False,
) -> None:
    """Print a topic's messages from the beginning, one JSON line each.

    An unknown topic is an error (exit status 2) naming the topics that exist.
    """
    from streams.kafka_io import read_topic

    s = get_settings()
    name = topic if topic.startswith(f"{s.topic_prefix}.") else f"{s.topic_prefix}.{topic}"

    async def run() -> int:
        n = 0
        async for m in read_topic(s.bootstrap_servers, name, follow=follow, limit=limit):
            n += 1
            line: dict[str, object] = {"partition": m.partition, "offset": m.offset,
                                       "key": (m.key or b"").decode("utf-8", "replace")}
            try:
                line["value"] = orjson.loads(m.value or b"null")
            except orjson.JSONDecodeError:
                line["value"] = (m.value or b"")[:200].decode("utf-8", "replace")
            if headers:
                line["headers"] = {k: v.decode("utf-8", "replace") for k, v in m.headers}
            sys.stdout.buffer.write(orjson.dumps(line) + b"\n")
        return n

    count = _read_topics(run, name, s.broker_url)
    err.print(f"{count} message(s) in {name}")


@dlq_app.command("list")
def dlq_list(
    stage: Annotated[str | None, typer.Option(help="Only this stage's dead letters.")] = None,
) -> None:
    """List dead letters with their stage, source offset, error type and reason.

    An unknown stage, or a dead-letter topic that does not exist, is an error (exit 2).
    """
    from streams.dlqcmd import ReplayError, check_stage
    from streams.kafka_io import read_topic
    from streams.topics import DLQ_STAGES, dlq, full_name

    s = get_settings()
    try:
        stages = [check_stage(stage, DLQ_STAGES)] if stage else list(DLQ_STAGES)
    except ReplayError as exc:
        raise _fail(str(exc), code=2) from None

    async def run() -> int:
        n = 0
        for st in stages:
            async for m in read_topic(s.bootstrap_servers, full_name(s, dlq(st)),
                                      idle_timeout=1.5):
                h = {k: v.decode("utf-8", "replace") for k, v in m.headers}
                out.print(f"[bold]{st}[/] {h.get('dlq.topic')}:{h.get('dlq.partition')}@"
                          f"{h.get('dlq.offset')} {h.get('dlq.error-type')}: "
                          f"{h.get('dlq.error')} ({len(m.value or b'')} bytes, "
                          f"{h.get('dlq.failed-at')})", highlight=False)
                n += 1
        return n

    count = _read_topics(run, "dead letters", s.broker_url)
    err.print(f"{count} dead letter(s)")


@dlq_app.command("replay")
def dlq_replay(
    stage: Annotated[str, typer.Option(help="The stage whose dead letters to re-send.")],
    since: Annotated[str | None, typer.Option(
        help="Only letters that failed at or after this ISO time (UTC if no offset).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be "
                                          "re-sent.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed when stdin "
                                      "is not a terminal.")] = False,
) -> None:
    """Re-send dead letters to the topic they came from, so the stage tries them again.

    Key, value and own headers go back to dlq.topic; a letter that failed twice is sent once.
    """

    from streams.dlqcmd import (
        ReplayError,
        check_stage,
        parse_since,
        read_letters,
        replay_target,
        resend,
        select_letters,
        summarize,
    )
    from streams.kafka_io import UnknownTopicError
    from streams.topics import DLQ_STAGES, dlq, full_name

    s = get_settings()
    try:
        check_stage(stage, DLQ_STAGES)
        when = parse_since(since) if since else None
    except ReplayError as exc:
        raise _fail(str(exc), code=2) from None
    name = full_name(s, dlq(stage))
    try:
        letters = select_letters(asyncio.run(read_letters(s.bootstrap_servers, name)), when)
        targets = [replay_target(m) for m in letters]
    except ReplayError as exc:
        raise _fail(str(exc)) from None
    except UnknownTopicError as exc:
        raise _fail(str(exc), code=2) from None
    except Exception as exc:
        raise _fail(f"cannot read {name} from {s.broker_url}: {exc}") from None
    foreign = sorted({t[0] for t in targets if not t[0].startswith(f"{s.topic_prefix}.")})
    if foreign:
        raise _fail(f"refusing to replay to topics outside prefix {s.topic_prefix!r}: "
                    f"{', '.join(foreign)}")
    if not letters:
        err.print(f"No dead letters to replay in {name}"
                  + (f" since {when.isoformat()}." if when else "."))
        return
    if dry_run:
        for m in letters:
            h = {k: v.decode("utf-8", "replace") for k, v in m.headers}
            out.print(f"{h.get('dlq.topic')}:{h.get('dlq.partition')}@{h.get('dlq.offset')} "
                      f"key={(m.key or b'').decode('utf-8', 'replace')} "
                      f"{h.get('dlq.error-type')}: {h.get('dlq.error')} "
                      f"({h.get('dlq.failed-at')})", highlight=False, soft_wrap=True)
    for topic, count in summarize(letters).items():
        err.print(f"{count:6} to {topic}", highlight=False)
    if dry_run:
        err.print(f"Dry run: {len(letters)} dead letter(s) would be re-sent.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise _fail("stdin is not a terminal: pass --yes to replay without a prompt",
                        code=2)
        if not typer.confirm(f"Re-send {len(letters)} dead letter(s)?"):
            raise typer.Exit(1)
    try:
        with _progress() as progress:
            task = progress.add_task("Replaying", total=len(targets))
            sent = asyncio.run(resend(s.bootstrap_servers, targets,
                                      on_sent=lambda _: progress.advance(task)))
    except Exception as exc:
        raise _fail(f"cannot send to Kafka at {s.broker_url}: {exc}") from None
    err.print(f"Re-sent {sent} dead letter(s) from {name}.")


# --------------------------------------------------------------------------- replay
@app.command()
def replay(
    from_beginning: Annotated[bool, typer.Option(
        "--from-beginning", help="Replay every article the raw topic holds.")] = False,
    since: Annotated[str | None, typer.Option(
        help="Replay the articles received at or after this ISO time (UTC if no offset).",
        show_default=False)] = None,
    pipeline_version: Annotated[int | None, typer.Option(
        "--pipeline-version", min=1, help="Replay into this version (default: "
        "WIREDESK_PIPELINE_VERSION). A version that never ran is a new consumer group with "
        "new changelogs: the clean way to reprocess after an upgrade.", show_default=False)
    ] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only show how many articles per partition would be replayed.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; needed when stdin "
                                      "is not a terminal.")] = False,
    watch: Annotated[bool, typer.Option(
        "--watch", help="With --workers 0: then show a progress bar (articles done, rate, "
        "time left) until the workers have caught up; alone, follow a replay already "
        "running.")] = False,
    alerts: Annotated[bool, typer.Option(
        "--alerts", help="Deliver alerts for replayed records (by default alerts skip "
        "records marked replay=true, so subscribers are not flooded with old news).")
    ] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=0, help="Worker processes of the version to run over the "
        "partitions until the replay has caught up (default: one per core, at most one per "
        "partition of the raw topic); 0 only prepares the group and prints the worker "
        "command.", show_default=False)] = None,
    keep_running: Annotated[bool, typer.Option(
        "--keep-running", help="Leave the workers it started running once the replay has "
        "caught up.")] = False,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0, help="Give up after this many seconds: stop the workers it "
        "started and exit 1.", show_default=False)] = None,
) -> None:
    """Reprocess the raw topic (the event store): all of it, or since a time.

    With no worker of the version running, moves the version's consumer group to
    the start (or the time) of wiredesk.articles.raw.v1 and the derived topics to
    their end; from the beginning it also deletes the version's changelogs and
    local tables so they are rebuilt. Then runs worker processes of the version
    (one per core) with a progress bar and stops them when every stage has caught
    up (see docs/replay.md).
    """
    from streams.replaycmd import run_replay

    outcome = run_replay(get_settings(), from_beginning=from_beginning, since=since,
                         version=pipeline_version, dry_run=dry_run, yes=yes,
                         watch_progress=watch, alerts=alerts, console=err, workers=workers,
                         keep_running=keep_running, timeout=timeout)
    raise typer.Exit(outcome.code)


# --------------------------------------------------------------------------- rules / alerts
rules_app = typer.Typer(help="Alert rules: validate a rule file and publish it.",
                        no_args_is_help=True)
alerts_app = typer.Typer(help="Watch the alerts the rules raise.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(alerts_app, name="alerts")


@rules_app.command("load")
def rules_load(
    file: Annotated[Path, typer.Argument(help="A YAML or JSON rule file (docs/alerts.md).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only validate.")] = False,
) -> None:
    """Validate a rule file, then publish every rule to the rules topic (none if invalid)."""
    from agents.rules import RuleError, load_rule_file
    from streams.alert_delivery import publish_rules
    from streams.topics import RULES, ensure_topics, full_name

    try:
        rules = load_rule_file(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {file}: {exc}", code=2) from None
    except RuleError as exc:
        where = f"{file}:{exc.line}" if exc.line else str(file)
        rule = f" (rule {exc.rule_id})" if exc.rule_id else ""
        err.print(f"[bold red]error:[/] {where}: {exc.reason}{rule}; nothing was published",
                  soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    if dry_run:
        out.print(f"{len(rules)} valid rule(s): {', '.join(r.id for r in rules)}")
        return
    s = get_settings()
    topic = full_name(s, RULES)
    try:
        asyncio.run(ensure_topics(s))
        sent = asyncio.run(publish_rules(s.bootstrap_servers, topic,
                                         [(r.id, orjson.dumps(r.source)) for r in rules]))
    except Exception as exc:
        raise _fail(f"cannot send to Kafka at {s.broker_url}: {exc}") from None
    for r in rules:
        out.print(f"{r.id:30} watch={r.watch}", highlight=False)
    err.print(f"Published {sent} rule(s) to {topic}.")


@alerts_app.command("tail")
def alerts_tail(
    rule: Annotated[list[str] | None, typer.Option("--rule", "-r", help="Only this rule "
                                                   "(repeat for more).")] = None,
    from_beginning: Annotated[bool, typer.Option("--from-beginning", help="Start with the "
                                                 "alerts already kept.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The alert JSON, one a line.")] = False,
    limit: Annotated[int | None, typer.Option("-n", "--limit", metavar="N",
                                              help="Stop after N.")] = None,
) -> None:
    """Print alerts as they arrive, one readable line each (Ctrl-C stops)."""
    from agents.rules import alert_line
    from streams.kafka_io import read_topic
    from streams.topics import ALERTS, full_name

    s = get_settings()
    name = full_name(s, ALERTS)
    wanted = set(rule or [])

    async def run() -> int:
        n = 0
        async for m in read_topic(s.bootstrap_servers, name, from_beginning=from_beginning,
                                  follow=True):
            if wanted and (m.key or b"").decode() not in wanted:
                continue
            if as_json:
                sys.stdout.buffer.write((m.value or b"") + b"\n")
            else:
                out.print(alert_line(orjson.loads(m.value or b"{}")), highlight=False, markup=False,
                          soft_wrap=True)
            sys.stdout.flush()
            n += 1
            if limit is not None and n >= limit:
                break
        return n

    try:
        count = _read_topics(run, name, s.broker_url)
    except KeyboardInterrupt:
        return
    err.print(f"{count} alert(s)")



# --------------------------------------------------------------------------- bench
@app.command()
def bench(
    articles: Annotated[int, typer.Option(help="Articles in the corpus.")] = 60,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    soak: Annotated[int | None, typer.Option(
        "--soak", min=1, metavar="N",
        help="Run only the soak: N news-skewed articles through one worker; "
             "flat speed, bounded table values, nothing lost or doubled. 5000 is the "
             "recommended N.")] = None,
) -> None:
    """Measure throughput, latency, replay and memory on a real broker."""
    from streams.benchcmd import run_bench

    raise typer.Exit(run_bench(articles, as_json=as_json, console=err, soak=soak))


def command() -> Any:
    """The click command behind ``app``, with plain ``--help`` (``streams/cli_help.py``)."""
    from streams.cli_help import plain_help

    return plain_help(typer.main.get_command(app))


def main() -> None:
    """Console-script entry point."""
    command()(prog_name="wiredesk")


if __name__ == "__main__":
    main()
