"""Alert rules: file validation with line numbers, every condition, aliases, rate windows."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.rules import (
    Rate,
    RuleError,
    alert_id,
    alert_line,
    load_rule_file,
    make_alert,
    match_rule,
    parse_rule,
    rate_step,
)
from streams.alert_delivery import (
    backoff_delays,
    format_event_id,
    parse_event_id,
    resume_positions,
    sign,
    sse_event,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "rules.example.yaml"
ALIASES = {"sdf": "Syrian Democratic Forces", "ypg": "People's Protection Units",
           "daesh": "Islamic State", "is": "Islamic State"}


def resolve(name: str) -> str:
    return ALIASES.get(name.lower(), name)


def rule(**data: Any) -> Any:
    return parse_rule({"id": "r", **data})


def record(**fields: Any) -> dict[str, Any]:
    base = {"id": "rec1", "article_id": "a1", "received_at": "2019-03-13T10:00:00+00:00",
            "sentence": "", "replay": False}
    return {**base, **fields}


# --------------------------------------------------------------------------- files
def test_the_example_file_and_the_issue_rules_validate() -> None:
    ids = [r.id for r in load_rule_file(EXAMPLE.read_text())]
    assert ids[:4] == ["syria-explosions", "votel-quotes", "big-displacement", "ypg"]
    as_json = orjson.dumps([
        {"id": "syria-explosions", "watch": "events",
         "where": {"type": "Explosions/Remote violence", "place": {"in": ["Syria", "Baghuz"]}}},
        {"id": "big-displacement", "watch": "figures",
         "where": {"value": {">": 1000}, "text": {"contains": "displaced"}}},
    ], option=orjson.OPT_INDENT_2).decode().replace("  ", "\t")
    assert [r.watch for r in load_rule_file(as_json)] == ["events", "figures"]


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("- id: a\n  watch: events\n  where:\n    speaker: Bob\n", 4, "not a field of events"),
    ("- id: a\n  watch: figures\n  where:\n    value: {'>': high}\n", 4, "takes numbers"),
    ("- id: a\n  watch: figures\n  where:\n    unit: {'>': 3}\n", 4, "does not apply"),
    ("- id: a\n  watch: quotes\n  wher: {}\n", 3, "unknown key 'wher'"),
    ("- id: a\n  watch: tweets\n", 2, "watch must be one of"),
    ("- id: a\n  watch: quotes\n- id: a\n  watch: events\n", 3, "duplicate rule id"),
    ("- id: 'bad id!'\n  watch: quotes\n", 1, "id must be"),
    ("- id: a\n  watch: events\n  rate: {more_than: 3, within: soon}\n", 3, "rate.within"),
    ("- id: a\n  watch: events\n  webhook: {url: 'ftp://x'}\n", 3, "webhook takes url"),
    ("- id: a\n  watch: quotes\n  where:\n    speaker: {in: []}\n", 4, "non-empty list"),
    ("- id: a\n  watch: quotes\n  where:\n    speaker: A\n    speaker: B\n", 5, "duplicate key"),
    ("rules: [\n  {id: a,\n", 3, "not valid YAML"),
    ("[]\n", 1, "no rules"),
])
def test_invalid_files_name_the_line_and_the_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(RuleError) as err:
        load_rule_file(text)
    assert err.value.line == line
    assert reason in str(err.value)


def test_a_json_syntax_error_names_its_line() -> None:
    with pytest.raises(RuleError) as err:
        load_rule_file('[\n {"id": "a",\n  "watch": "events"\n  "where": {}}\n]')
    assert err.value.line == 4


# --------------------------------------------------------------------------- conditions
def test_equality_and_set_membership_ignore_case_and_spacing() -> None:
    r = rule(watch="events", where={"type": "Explosions/Remote violence",
                                    "place": {"in": ["Syria", "Baghuz"]}})
    assert match_rule(r, "events", record(type="explosions/remote  violence", place="Baghuz"))
    assert not match_rule(r, "events", record(type="Battles", place="Baghuz"))
    assert not match_rule(r, "events", record(type="Explosions/Remote violence", place="Raqqa"))
    assert not match_rule(r, "events", record(type="Explosions/Remote violence", place=None))
    assert not match_rule(r, "quotes", record(type="Explosions/Remote violence", place="Syria"))


def test_ne_and_not_in_hold_for_missing_values() -> None:
    r = rule(watch="quotes", where={"speaker": {"not_in": ["SDF"]}, "kind": {"ne": "indirect"}})
    assert match_rule(r, "quotes", record(speaker=None, kind="direct"), resolve)
    assert not match_rule(r, "quotes", record(speaker="Syrian Democratic Forces",
                                              kind="direct"), resolve)


def test_names_resolve_aliases_both_ways() -> None:
    r = rule(watch="quotes", where={"speaker": "SDF"})
    assert match_rule(r, "quotes", record(speaker="Syrian Democratic Forces"), resolve)
    assert not match_rule(r, "quotes", record(speaker="Syrian Democratic Forces"))  # no resolver
    r = rule(watch="events", where={"actor": "Syrian Democratic Forces"})
    assert match_rule(r, "events", record(actor="SDF"), resolve)


def test_entity_matches_its_name_or_any_of_its_aliases() -> None:
    r = rule(watch="entities", where={"entity": "YPG"})
    ent = record(name="People's Protection Units", aliases=["YPG"], type="ORG")
    assert match_rule(r, "entities", ent)  # through the record's own aliases
    assert match_rule(r, "entities", {**ent, "aliases": []}, resolve)  # through the resolver
    assert not match_rule(r, "entities", record(name="Islamic State", aliases=["IS"]), resolve)


def test_country_falls_back_to_the_place() -> None:
    r = rule(watch="events", where={"country": "Syria"})
    assert match_rule(r, "events", record(place="Syria"))
    assert match_rule(r, "events", record(place="Baghuz", country="Syria"))
    assert not match_rule(r, "events", record(place="Baghuz"))


@pytest.mark.parametrize(("cond", "fig", "hit"), [
    ({">": 1000}, {"value": 3000.0}, True),
    ({">": 1000}, {"value": 1000.0}, False),
    ({">=": 1000}, {"value": 1000.0}, True),
    ({"<": 10, ">": 2}, {"value": 3.0}, True),
    ({">": 1000}, {"value": None, "low": 20000, "high": 99999}, True),  # all of the range
    ({">": 500}, {"value": None, "low": 200, "high": 999}, False),
    ({">": 1000}, {"value": None}, False),
    ({"in": [3, 4]}, {"value": 4.0}, True),
])
def test_numeric_comparisons_on_figures(cond: dict[str, Any], fig: dict[str, Any],
                                        hit: bool) -> None:
    r = rule(watch="figures", where={"value": cond})
    assert match_rule(r, "figures", record(text="x", **fig)) is hit


def test_bound_and_low_high_fields() -> None:
    r = rule(watch="figures", where={"bound": {"in": ["about", "at_least"]}, "high": {"<": 100}})
    assert match_rule(r, "figures", record(bound="about", high=50))
    assert not match_rule(r, "figures", record(bound="exact", high=50))


def test_phrases_match_whole_words_in_sentence_and_text() -> None:
    r = rule(watch="figures", where={"sentence": {"contains": "displaced people"}})
    assert match_rule(r, "figures", record(sentence="Some 3,000 Displaced\n people fled."))
    assert not match_rule(r, "figures", record(sentence="the undisplaced people"))
    any_of = rule(watch="quotes", where={"text": {"contains_any": ["repelled", "retreat"]}})
    assert match_rule(any_of, "quotes", record(text="both attacks had been repelled"))
    all_of = rule(watch="quotes", where={"text": {"contains_all": ["attacks", "retreat"]}})
    assert not match_rule(all_of, "quotes", record(text="both attacks had been repelled"))


def test_replayed_records_only_for_rules_that_ask_and_disabled_rules_never() -> None:
    r = rule(watch="quotes", where={})
    assert match_rule(r, "quotes", record())
    assert not match_rule(r, "quotes", record(replay=True))
    assert match_rule(rule(watch="quotes", replay=True), "quotes", record(replay=True))
    assert not match_rule(rule(watch="quotes", enabled=False), "quotes", record())


# --------------------------------------------------------------------------- rates
def test_rate_fires_only_above_the_count_within_the_window() -> None:
    rate = rule(watch="events", rate={"more_than": 2, "within": "1h"}).rate
    assert rate == Rate(2, 3600.0)
    state, fires = None, []
    for i, at in enumerate([0, 600, 1200, 1800]):
        state, fired = rate_step(state, f"e{i}", at, rate)
        fires.append(fired)
    assert fires == [False, False, True, True]
    state, fired = rate_step(state, "late", 1200 + 3600 + 1, rate)  # only 1800 still inside
    assert not fired and len(state) == 2


def test_rate_counts_a_redelivered_record_once() -> None:
    rate = Rate(1, 60)
    state, fired = rate_step(None, "e1", 10, rate)
    state, fired = rate_step(state, "e1", 10, rate)
    assert not fired and len(state) == 1
    assert rate_step(state, "e2", 20, rate)[1]


# --------------------------------------------------------------------------- alerts
def test_alerts_have_deterministic_ids_and_latency() -> None:
    r = rule(watch="quotes")
    rec = record(speaker="Joseph Votel", text="…")
    now = datetime(2019, 3, 13, 10, 0, 0, 250000, tzinfo=UTC)
    alert = make_alert(r, "quotes", rec, headline="H", now=now)
    assert alert.id == alert_id("r", "rec1") == make_alert(r, "quotes", rec, headline=None,
                                                             now=now).id
    assert alert.id != alert_id("r2", "rec1")
    assert alert.latency_ms == 250.0
    data = orjson.loads(alert.dumps())
    assert "__faust" not in data and data["record"]["speaker"] == "Joseph Votel"
    assert "[r] quotes: Joseph Votel" in alert_line(data) and "| H" in alert_line(data)


# --------------------------------------------------------------------------- delivery
def test_signature_backoff_and_sse_framing() -> None:
    body = b'{"id":"x"}'
    assert sign("k", body) == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert backoff_delays(5, 0.5) == [0.5, 1.0, 2.0, 4.0]
    assert backoff_delays(10, 1, cap=8)[-1] == 8
    assert format_event_id({1: 7, 0: 15}) == "0:15,1:7"
    assert parse_event_id("0:15,1:7") == {0: 15, 1: 7}
    assert parse_event_id("nonsense") is None and parse_event_id("0:-1") is None
    assert sse_event("0:1", body) == b'id: 0:1\nevent: alert\ndata: {"id":"x"}\n\n'


def test_a_stream_resumes_from_the_header_or_the_query_and_a_bad_id_is_a_problem() -> None:
    assert resume_positions({"Last-Event-ID": "0:15"}, {}) == ({0: 15}, None)
    assert resume_positions({}, {"last_event_id": "1:7"}) == ({1: 7}, None)
    assert resume_positions({}, {}) == (None, None)
    positions, problem = resume_positions({"Last-Event-ID": "nonsense"}, {})
    assert positions is None and problem == "Last-Event-ID 'nonsense' is not an event id"
