"""The README's alert walkthrough, run as written against a worker on the test broker.

First the test does what ``make demo`` (deploy/demo.sh) does, on a deployment
of its own: a worker, the example rules loaded (and held by the worker), then
the sample articles ingested (``tests/fixtures/articles`` and
``../shared/seed``). Then it runs every ``$`` command of the README's
``<!-- walkthrough: alerts -->`` block (``tests/walkthrough.py``), with the
environment that points ``wiredesk`` at this deployment, and checks that each
exits 0 and that what the README shows holds: each alert line it prints is one
the rules really raised (times and latencies aside), and a command prints as
many lines as the README shows for it.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streams.settings import Settings
from streams.topics import ensure_topics
from tests.conftest import FIXTURES, SHARED
from tests.integration.http_helpers import wait_for
from tests.integration.kafka_helpers import collect
from tests.integration.workers import ROOT, new_deployment, running_worker
from tests.walkthrough import argv, steps

pytestmark = pytest.mark.integration

RULES = ROOT / "docs" / "rules.example.yaml"
#: "06:37:26 [rule] kind: ... (590.7 ms)": the alert without its clock time and latency.
ALERT_LINE = re.compile(r"^\d\d:\d\d:\d\d (\[[^\]]+\] .*?)(?: \([\d.]+ (?:ms|s)\))?$")


def _wiredesk(dep: Any, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT,
                          env=dep.env(), capture_output=True, text=True, timeout=timeout)


def _alert(line: str) -> str:
    m = ALERT_LINE.match(line)
    assert m, f"not an alert line: {line!r}"
    return m.group(1)


@pytest.fixture(scope="module")
def after_demo(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(deployment, every alert line) once the demo's steps are done and the alerts settled."""
    seed = SHARED / "seed"
    if not seed.is_dir():
        pytest.skip("../shared/seed is not beside this checkout (the walkthrough shows its alerts)")
    tmp = tmp_path_factory.mktemp("walkthrough")
    dep = new_deployment(kafka_bootstrap, tmp)
    asyncio.run(ensure_topics(Settings(broker_url=kafka_bootstrap, topic_prefix=dep.prefix,
                                       topic_partitions=dep.partitions)))
    with running_worker(dep) as (_, port):
        # deploy/demo.sh's order: the rules first, held by the worker, then the articles.
        loaded = _wiredesk(dep, "rules", "load", str(RULES.relative_to(ROOT)))
        assert loaded.returncode == 0, loaded.stderr
        want = len(re.findall(r"^  - id:", RULES.read_text(), re.M))
        wait_for(port, "/alerts/rules", lambda s, b: s == 200 and b["total"] >= want)
        samples = [FIXTURES / "articles", seed]
        ingested = _wiredesk(dep, "ingest", *(str(p) for p in samples))
        assert ingested.returncode == 0, ingested.stderr
        n = sum(1 for d in samples for p in Path(d).iterdir() if p.is_file())
        # The first samples may have no totals yet: the sampler runs every 2 s.
        wait_for(port, "/ops/data", lambda s, b: s == 200 and (b.get("totals") or {}).get(
            "processed", {}).get("enrich", 0) >= n, timeout=180)
        # Alerts settle: the same count twice, 3 s apart.
        count = -1
        deadline = time.monotonic() + 120
        while True:
            now = len(collect(dep, "alerts.v1", lambda m: True, timeout=30))
            if now == count and now > 0:
                break
            assert time.monotonic() < deadline, f"alerts never settled (last {now})"
            count = now
            time.sleep(3)
        listing = _wiredesk(dep, "alerts", "tail", "--from-beginning", "-n", str(count))
        assert listing.returncode == 0, listing.stderr
        alerts = listing.stdout.splitlines()
        assert len(alerts) == count
        yield dep, alerts


def test_the_alert_walkthrough_runs_as_written(after_demo: Any) -> None:
    dep, alerts = after_demo
    raised = Counter(_alert(line) for line in alerts)
    walk = steps("alerts")
    shown: Counter[str] = Counter()
    for step in walk:
        done = subprocess.run(argv(step.command), cwd=ROOT, env=dep.env(), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"{step.command}\n{done.stdout}{done.stderr}"
        if not step.output:
            continue
        printed = done.stdout.splitlines()
        assert len(printed) == len(step.output), (step.command, printed)
        if " alerts tail" in step.command:
            assert Counter(_alert(line) for line in printed) <= raised, printed
            shown += Counter(_alert(line) for line in step.output)
        else:
            assert printed == step.output, step.command
    # Every alert the README shows is one the example rules raise on the sample articles.
    assert shown, "the walkthrough shows no alerts"
    missing = shown - raised
    assert not missing, f"README shows alerts the rules did not raise: {sorted(missing)}\n" \
                        f"raised: {sorted(raised)}"
