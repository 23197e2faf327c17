"""Shared fixtures: paths to the shared seed and gold, and record factories."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_b2a761b75249ca77.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2019, 3, 13, 15, 0, tzinfo=UTC)


@pytest.fixture
def seed_bytes() -> bytes:
    """The seed wire article exactly as shipped in ../shared/seed/."""
    if not SEED.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    return SEED.read_bytes()
