"""A real headless Chromium for the desk page tests: Debian's ``chromium`` driven by Playwright.

Playwright's own browser download is never used (``playwright install`` cannot
reach the internet here): the tests launch the system Chromium through
``executable_path``. ``make test`` installs it with apt-get when it is missing.
Like the broker, a missing browser fails the run under ``CI=true`` and skips
the tests elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

__all__ = ["CHROMIUM_ARGS", "chromium_or_give_up", "find_chromium"]

#: Flags for a closed network: no GPU, no QUIC, no background downloads or sync.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _give_up(reason: str) -> NoReturn:
    """As for the broker (tests/integration/conftest.py): fail under CI, skip elsewhere."""
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"CI needs Chromium for the desk page tests: {reason}", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> Path | None:
    """Debian's Chromium (``/usr/bin/chromium``), else one on the PATH."""
    default = Path("/usr/bin/chromium")
    if default.exists():
        return default
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


@contextmanager
def chromium_or_give_up() -> Iterator[Any]:
    """A launched Playwright Chromium browser, or fail (CI) / skip (elsewhere)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _give_up("playwright is not installed: pip install -e '.[dev]' (or make setup)")
    executable = find_chromium()
    if executable is None:
        _give_up("no Chromium: apt-get install -y chromium (make test does it as root)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(executable),
                                                 args=CHROMIUM_ARGS)
        except Error as exc:
            _give_up(f"Chromium at {executable} did not start: {exc}")
        try:
            yield browser
        finally:
            browser.close()
