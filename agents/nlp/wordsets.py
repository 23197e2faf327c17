"""``wordset``: the one way the NLP modules write their word lists.

A long list of words reads best as one space-separated string; every module
that keeps such lists builds its frozenset with this helper.
"""

from __future__ import annotations

__all__ = ["wordset"]


def wordset(words: str) -> frozenset[str]:
    """A word set written as one space-separated string (keeps long lists readable)."""
    return frozenset(words.split())
