"""Reporting cues: the words that introduce speech ("said", "told", "according to").

Owns the cue lexicon (``agents/data/speech_verbs.txt``) and ``find_cues``, the single
scan of an article body for cues that quote attribution and indirect speech build on.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from agents.nlp.wordsets import wordset

__all__ = ["Cue", "find_cues"]


_DATA = Path(__file__).resolve().parent.parent / "data" / "speech_verbs.txt"
# Determiners that turn a verb-or-noun form into a noun: "the claim", "a warning".
_DETERMINERS = wordset(
    "the a an this that these those its his her their our my your some any no every"
)
# Characters that join a word to its neighbours (with letters and digits): a cue word
# must not touch one, so "says" is no "say" and "re-told" no "told".
_JOINERS = frozenset("_'\u2019-")
# Everything else that may touch a word without a space between; it is turned into
# spaces before the body is split into candidate words.
_SEPARATORS = tuple(
    '!"#$%&()*+,./:;<=>?@[\\]^`{|}~'
    "\u201c\u201d\u2018\u201e\u00ab\u00bb\u2014\u2013\u2026\u2022\u00b7\u2032\u2033"
)


class Cue(NamedTuple):
    """A reporting cue found in text: ``said``, ``told``, ``according to``.

    A named tuple rather than a dataclass: an article has dozens and building them is
    on the hot path of every article.

    Attributes:
        start: First character of the cue.
        end: One past its last character.
        text: The cue as written ("voicing optimism" for a multi-word cue).
        lemma: Its dictionary form ("say" for "said").
        zero: True when the verb may drop "that" before its clause.
        obj: True when the verb takes a listener ("told Reuters") before its clause.
        ing: True for an -ing form ("saying"), which reports only in some clauses.
    """

    start: int
    end: int
    text: str
    lemma: str
    zero: bool
    obj: bool
    ing: bool = False


class _Entry(NamedTuple):
    """One form of a cue: the rest of a multi-word form (None for one word) and flags."""

    tail: re.Pattern[str] | None
    lemma: str
    zero: bool
    obj: bool
    noun: bool
    ing: bool


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[_Entry, ...]]:
    """Load the cue list once: entries keyed by first word, multi-word forms first."""
    lexicon: dict[str, list[_Entry]] = {}
    for raw in _DATA.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        lemma, words, flag_text = (part.strip() for part in (line + "||").split("|")[:3])
        flags = frozenset(flag_text.split())
        for form in words.split():
            first, *rest = form.split("_")
            tail = "".join(rf"\s+{re.escape(w)}" for w in rest)
            entry = _Entry(
                re.compile(tail + r"(?![\w-])") if rest else None,
                lemma,
                "zero" in flags,
                "obj" in flags,
                "noun" in flags,
                first.endswith("ing"),
            )
            lexicon.setdefault(first, []).append(entry)
    return {
        first: tuple(sorted(entries, key=lambda e: e.tail is None))
        for first, entries in lexicon.items()
    }


def _candidates(text: str, lexicon: dict[str, tuple[_Entry, ...]]) -> set[str]:
    """Return the lexicon's first words that occur in ``text`` as tokens.

    Punctuation becomes space and the text is split: C-speed string methods, several
    times faster than a regex scan of the body. ``find_cues`` then checks the edges of
    each occurrence of the few words found.
    """
    for ch in _SEPARATORS:
        if ch in text:
            text = text.replace(ch, " ")
    return lexicon.keys() & text.split()


def find_cues(text: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """Find reporting cues in ``text[start:end]``, in order.

    A cue's first word must stand alone (no letter, digit, underscore, apostrophe or
    hyphen joined to it); the rest of a multi-word form is checked after. A form that
    doubles as a noun ("the claim", "a warning") is skipped right after a determiner,
    because there it names a thing rather than reporting speech.

    Args:
        text: The text to search (usually the article body).
        start: Where to begin.
        end: Where to stop (default: the end of ``text``).

    Returns:
        The cues with offsets into ``text``.
    """
    lexicon = _lexicon()
    stop = len(text) if end is None else end
    window = text if start == 0 and stop == len(text) else text[start:stop]
    hits: list[tuple[int, str]] = []
    for word in _candidates(window, lexicon):
        i = text.find(word, start, stop)
        while i >= 0:
            j = i + len(word)
            if (i == 0 or not _is_word_char(text[i - 1])) and (
                j >= stop or not _is_word_char(text[j])
            ):
                hits.append((i, word))
            i = text.find(word, j, stop)
    hits.sort()
    cues: list[Cue] = []
    for i, first in hits:
        if cues and i < cues[-1].end:
            continue  # inside a longer cue: "saying" in "as saying"
        for entry in lexicon[first]:
            last = i + len(first)
            if entry.tail is not None:
                found = entry.tail.match(text, last, stop)
                if found is None:
                    continue
                last = found.end()
            if entry.noun and _previous_word(text, i) in _DETERMINERS:
                break
            cues.append(Cue(i, last, text[i:last], entry.lemma, entry.zero, entry.obj, entry.ing))
            break
    return cues


def _previous_word(text: str, index: int) -> str:
    """Return the lower-cased word ending just before ``index`` (empty when there is none).

    Only whitespace may separate it from ``index``: "the claim" has a determiner,
    "the, claim" does not.
    """
    low = max(0, index - 40)
    end = index
    while end > low and text[end - 1].isspace():
        end -= 1
    begin = end
    while begin > low and end - begin < 25 and _is_word_char(text[begin - 1]):
        begin -= 1
    return text[begin:end].lower()


def _is_word_char(ch: str) -> bool:
    """Tell whether ``ch`` belongs to a word: a letter, digit, underscore or joiner."""
    return ch.isalnum() or ch in _JOINERS
