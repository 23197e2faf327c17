"""The "monitoring" compose profile, checked without Docker: Prometheus scrapes the worker,
Grafana reads that Prometheus, and every dashboard panel queries metrics the worker exports.

The metric names are parsed out of each panel's PromQL and compared with what
``streams/metrics.py`` registers (as a scrape names them: ``_total`` on counters,
``_bucket``/``_count``/``_sum`` on histograms), so renaming a metric without the
dashboard, or the other way round, fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams import metrics

__all__: list[str] = []

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
PROMETHEUS = ROOT / "deploy" / "prometheus" / "prometheus.yml"
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "wiredesk.json"

#: PromQL words that are not metric names (functions are told apart by their "(").
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
            "or", "unless", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings (label values, legends)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges, $__rate_interval included
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word, rest = m.group(0), text[m.end():].lstrip()
        if rest.startswith("(") or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def exported() -> set[str]:
    """Every series name the worker's ``/metrics`` can carry for our metrics."""
    names = set()
    objects = [getattr(metrics, n) for n in metrics.__all__]
    objects.append(metrics.TableSizes(lambda: [("articles", 1)]))
    for obj in objects:
        if not hasattr(obj, "collect") or isinstance(obj, type):
            continue
        for family in obj.collect():
            if family.type == "counter":
                names.add(family.name + "_total")
            elif family.type == "histogram":
                names.update(family.name + s for s in ("_bucket", "_count", "_sum"))
            else:
                names.add(family.name)
    return names


def _services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]  # type: ignore[no-any-return]


def _panels() -> list[dict[str, Any]]:
    return json.loads(DASHBOARD.read_text())["panels"]  # type: ignore[no-any-return]


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host path (relative to the compose file) of bind mounts."""
    out = {}
    for volume in service.get("volumes", []):
        host, container = volume.split(":")[:2]
        if host.startswith("./"):
            out[container] = host[2:]
    return out


def test_the_name_parser() -> None:
    assert metric_names('histogram_quantile(0.95, sum by (le) (rate(a_bucket{x="y"}'
                        '[$__rate_interval])))') == {"a_bucket"}
    assert metric_names("sum(rate(a_total[5m])) / ignoring(x) b") == {"a_total", "b"}


def test_every_panel_queries_only_metrics_the_worker_exports() -> None:
    ours = exported()
    assert {"wiredesk_stage_processed_total", "wiredesk_consumer_lag_messages",
            "wiredesk_received_to_output_seconds_bucket", "wiredesk_table_keys"} <= ours
    used = set()
    for panel in _panels():
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            names = metric_names(target["expr"])
            assert names, (panel["title"], target["expr"])
            assert names <= ours, (panel["title"], names - ours)
            used |= names
    # The four views are there: throughput, lag, latency, dead letters.
    assert {"wiredesk_stage_processed_total", "wiredesk_consumer_lag_messages",
            "wiredesk_received_to_output_seconds_bucket", "wiredesk_dead_letters_total"} <= used


def test_the_panels_use_the_provisioned_datasource() -> None:
    sources = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml")
                             .read_text())["datasources"]
    uids = {s["uid"] for s in sources}
    for panel in _panels():
        assert panel["datasource"]["uid"] in uids
        assert all(t["datasource"]["uid"] in uids for t in panel["targets"])


def test_the_profile_is_optional_and_leaves_the_others_alone() -> None:
    services = _services()
    assert {n for n, s in services.items() if "monitoring" in s.get("profiles", [])} == {
        "prometheus", "grafana"}
    assert "profiles" not in services["worker"] and "profiles" not in services["kafka"]
    assert {n for n, s in services.items() if "cluster" in s.get("profiles", [])} == {
        "kafka-1", "kafka-2", "kafka-3", "worker-cluster"}


def test_prometheus_scrapes_the_worker_where_it_listens() -> None:
    services = _services()
    prom = services["prometheus"]
    config_path = next(a.split("=", 1)[1] for a in prom["command"]
                       if a.startswith("--config.file="))
    assert _mounts(prom)[config_path] == "deploy/prometheus/prometheus.yml"
    config = yaml.safe_load(PROMETHEUS.read_text())
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    targets = [t for group in job["static_configs"] for t in group["targets"]]
    assert targets
    for target in targets:
        host, port = target.split(":")
        assert host in services, f"{target}: no such compose service"
        assert str(services[host]["environment"]["WIREDESK_WEB_PORT"]) == port
        assert services[host]["environment"]["WIREDESK_WEB_HOST"] == "0.0.0.0"
    listen = next(a.split("=", 1)[1] for a in prom["command"]
                  if a.startswith("--web.listen-address="))
    assert any(p.endswith(f"{listen}") for p in prom["ports"])  # host 127.0.0.1:9090 -> :9090


@pytest.mark.parametrize("published", ["prometheus", "grafana"])
def test_published_on_loopback_only(published: str) -> None:
    assert all(p.startswith("127.0.0.1:") for p in _services()[published]["ports"])


def test_grafana_reads_that_prometheus_and_finds_the_dashboard() -> None:
    services = _services()
    grafana = services["grafana"]
    mounts = _mounts(grafana)
    assert mounts["/etc/grafana/provisioning"] == "deploy/grafana/provisioning"
    (source,) = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml")
                               .read_text())["datasources"]
    host, port = source["url"].removeprefix("http://").split(":")
    assert host == "prometheus" and host in services
    listen = next(a.split("=", 1)[1] for a in services["prometheus"]["command"]
                  if a.startswith("--web.listen-address="))
    assert listen == f":{port}"
    (provider,) = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "wiredesk.yml")
                                 .read_text())["providers"]
    assert mounts[provider["options"]["path"]] == "deploy/grafana/dashboards"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"
    assert str(grafana["environment"]["GF_SERVER_HTTP_PORT"]) == grafana["ports"][0].split(":")[-1]


def test_promtool_accepts_the_config_and_every_panel_query(tmp_path: Path) -> None:
    """Syntax, by Prometheus' own checker (Debian's prometheus package ships it)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("no promtool (apt-get install prometheus)")
    exprs = [t["expr"].replace("$__rate_interval", "1m")
             for panel in _panels() for t in panel["targets"]]
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query{i}", "expr": e} for i, e in enumerate(exprs)]}]}
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules))
    for args in (["check", "config", str(PROMETHEUS)],
                 ["check", "rules", str(tmp_path / "rules.yml")]):
        done = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
