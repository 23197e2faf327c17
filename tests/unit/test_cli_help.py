"""Every ``wiredesk ... --help`` is plain: no type tags, no braces, no issue numbers."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

from streams.cli import command

TAG = re.compile(r"<[a-z_\[\]|, ]+>|\{[a-z_]+\}")


def _paths(cmd: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _paths(sub, [*path, name])


def _help(args: list[str]) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        command().main([*args, "--help"], prog_name="wiredesk", standalone_mode=False)
    return buf.getvalue()


ALL = [" ".join(p) for p in _paths(command(), [])]


def test_every_command_is_walked() -> None:
    assert {"", "bench", "ingest", "process", "dlq replay", "rules load"} <= set(ALL)


@pytest.mark.parametrize("path", ALL)
def test_help_has_no_type_tags_or_issue_numbers(path: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = _help(path.split())
    assert "Usage: wiredesk" in text
    assert not TAG.findall(text), TAG.findall(text)
    assert not re.search(r"\bissues?\b|#\d+", text, re.IGNORECASE)


def test_placeholders_name_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = _help(["process"])
    assert "Usage: wiredesk process [OPTIONS] FILE" in text
    assert "--source-id" in text and "SOURCE_ID" in text
    assert "--soak" in _help(["bench"]) and " N " in _help(["bench"])
