"""The README's walkthroughs as data: the commands of a marked ``console`` block and their output.

A walkthrough is the first fenced ``console`` block after an HTML comment
``<!-- walkthrough: NAME -->`` in README.md. Lines starting with ``$ `` are
commands (a ``# comment`` after one is prose); the lines after a command, up
to the next, are the output the README shows for it. The integration test
``tests/integration/test_readme_walkthrough.py`` runs them.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["README", "Step", "argv", "steps"]

README = Path(__file__).resolve().parents[1] / "README.md"
#: How the README spells the command (the venv `make demo` made).
WIREDESK = ".venv/bin/wiredesk"


@dataclass
class Step:
    """One ``$`` command of a walkthrough and the output lines the README shows for it."""

    command: str
    output: list[str] = field(default_factory=list)


def steps(name: str, text: str | None = None) -> list[Step]:
    """The commands of walkthrough ``name`` (``ValueError`` when README has none)."""
    text = README.read_text(encoding="utf-8") if text is None else text
    mark = re.search(rf"<!--\s*walkthrough:\s*{re.escape(name)}\b[^>]*-->", text)
    if mark is None:
        raise ValueError(f"README.md has no <!-- walkthrough: {name} --> mark")
    fence = re.compile(r"^```console\n(.*?)^```", re.S | re.M).search(text, mark.end())
    if fence is None:
        raise ValueError(f"no ```console block after the walkthrough mark {name!r}")
    out: list[Step] = []
    for line in fence.group(1).splitlines():
        if line.startswith("$ "):
            out.append(Step(line[2:].strip()))
        elif out and line.strip():
            out[-1].output.append(line)
    if not out:
        raise ValueError(f"walkthrough {name!r} has no $ commands")
    return out


def argv(command: str) -> list[str]:
    """The process to run for a README command: ``wiredesk`` as this interpreter runs it."""
    words = shlex.split(command, comments=True)
    if not words or words[0] != WIREDESK:
        raise ValueError(f"a walkthrough runs {WIREDESK} only, not {command!r}")
    return [sys.executable, "-m", "streams.cli", *words[1:]]
