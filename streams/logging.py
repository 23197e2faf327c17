"""Logging set-up, done once per process from settings.

Lines are ``time level logger message key=value ...``; modules log through
``logging.getLogger(__name__)`` and never configure handlers themselves.
"""

from __future__ import annotations

import logging
import sys

from streams import outage
from streams.settings import Settings

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_configured = False


def configure_logging(settings: Settings) -> None:
    """Install one stderr handler at the configured level (idempotent)."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # aiokafka is chatty at INFO about every (re)connection; keep its warnings.
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    # Its connection errors while the broker is down: one line per state change instead.
    outage.install()
    _configured = True
