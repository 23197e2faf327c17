"""The outage gate: one line per broker state change, client floods counted not logged."""

from __future__ import annotations

import logging

from streams.outage import OutageGate, probe_step


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _record(msg: str = "Unable connect to node with id %s: %s", level: int = logging.ERROR,
            name: str = "aiokafka") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, (1, "refused"), None)


def test_while_unreachable_every_client_warning_is_dropped_and_counted() -> None:
    clock = Clock()
    gate = OutageGate(clock)
    assert gate.down("no answer") is not None
    assert not any(gate.filter(_record()) for _ in range(500))
    assert gate.filter(_record(level=logging.INFO))  # below WARNING: untouched
    clock.now += 31
    line = gate.up()
    assert line is not None and "after 31.0s" in line and "suppressed_lines=500" in line


def test_state_changes_are_logged_once_and_reminders_back_off() -> None:
    clock, lines = Clock(), []
    gate = OutageGate(clock, first_reminder=10, max_reminder=40)
    for _ in range(200):  # 200 probes, one a second
        line = probe_step(gate, False, "127.0.0.1:9092")
        if line:
            lines.append((clock.now - 1000, line))
        clock.now += 1
    assert lines[0] == (1, lines[0][1]) and lines[0][1].startswith("Broker unreachable")
    assert [at for at, _ in lines[1:]] == [11, 31, 71, 111, 151, 191]  # 10, 20, 40, 40 ...
    assert probe_step(gate, True, "x").startswith("Broker reachable again")
    assert probe_step(gate, True, "x") is None


def test_while_reachable_a_template_passes_once_a_minute_with_its_count() -> None:
    clock = Clock()
    gate = OutageGate(clock, repeat_window=60)
    assert gate.filter(_record())
    assert not gate.filter(_record())
    assert not gate.filter(_record())
    assert gate.filter(_record("Heartbeat failed: %r"))  # another template
    clock.now += 61
    again = _record()
    assert gate.filter(again)
    assert "[and 2 more like it in 61s]" in again.getMessage()


def test_one_failed_probe_is_not_an_outage() -> None:
    gate = OutageGate(Clock())
    assert probe_step(gate, False, "x") is None and gate.reachable
    assert probe_step(gate, True, "x") is None
    assert probe_step(gate, False, "x") is None and gate.reachable
    assert probe_step(gate, False, "x") is not None and not gate.reachable
