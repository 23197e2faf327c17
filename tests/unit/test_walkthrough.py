"""tests/walkthrough.py finds the README's marked walkthroughs and their commands."""

from __future__ import annotations

import sys

import pytest

from tests.walkthrough import argv, steps

TEXT = """
Intro.

<!-- walkthrough: demo (checked by a test) -->
```console
$ .venv/bin/wiredesk rules load x.yaml   # what make demo did
rules: 2 loaded
$ .venv/bin/wiredesk alerts tail -n 2
a
b
```
"""


def test_steps_split_commands_and_their_output() -> None:
    (load, tail) = steps("demo", TEXT)
    assert load.command.startswith(".venv/bin/wiredesk rules load x.yaml")
    assert load.output == ["rules: 2 loaded"] and tail.output == ["a", "b"]
    assert argv(load.command) == [sys.executable, "-m", "streams.cli", "rules", "load",
                                  "x.yaml"]


def test_a_missing_mark_or_another_program_is_an_error() -> None:
    with pytest.raises(ValueError, match="no <!-- walkthrough: other"):
        steps("other", TEXT)
    with pytest.raises(ValueError, match=r"runs \.venv/bin/wiredesk only"):
        argv("curl http://127.0.0.1:6066/")


def test_the_readme_has_the_alerts_walkthrough() -> None:
    walk = steps("alerts")
    assert [argv(s.command)[3:5] for s in walk][:2] == [["rules", "load"], ["alerts", "tail"]]
