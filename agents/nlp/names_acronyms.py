"""Acronyms: whether one fits a name, and merging them into the entities they abbreviate.

"Syrian Democratic Forces (SDF)" defines an acronym in the text; "OSCE" spells the
initials of "Organization for Security and Co-operation in Europe". Both fold the
acronym's mentions into the long form's entity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol

__all__ = ["ACRO_DEF_RE", "CAPS_RE", "Named", "acronym_fits", "initials", "merge_acronyms"]

_STOP = frozenset("of the and for in on at de du des al el la le da di".split())  # noqa: SIM905
ACRO_DEF_RE = re.compile(r"\s*[(\[]\s*([A-Z][A-Za-z&.-]{0,8}[A-Z])s?\s*[)\]]")
#: An all-caps word of 2-7 letters. The capital is consumed before the lookbehind so
#: the regex engine can skip ahead to capitals instead of trying every position.
CAPS_RE = re.compile(r"[A-Z](?<![\w.-].)[A-Z&]{1,6}(?![\w-])")
_PARTICLE_RE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|ul)[-‑]", re.I)
_HYPHENS_RE = re.compile(r"[\s\-‑]+")


@lru_cache(maxsize=4096)
def initials(name: str) -> str:
    """Return the initials of a multi-word name, skipping "of", "the", "and" and the like.

    Hyphenated parts count as words: "Co-operation" gives "C", "Organization for
    Security and Co-operation in Europe" gives "OSCE". Cached: every entity asks for
    every form it has, and the same names come back article after article.
    """
    return "".join(w[0] for w in name.split() if w[0].isalpha() and w.lower() not in _STOP).upper()


def acronym_fits(acronym: str, name: str) -> bool:
    """True when ``acronym`` could abbreviate ``name``.

    Its first letter must start the name (a leading "al-" aside) and its capitals
    must appear, in order, among the initials of the name's words, so "CDC" fits
    "Coalition for Democratic Change" but "AP" does not fit "Ukraine".
    """
    letters = [c for c in acronym if c.isupper()]
    words = [_PARTICLE_RE.sub("", w) for w in _HYPHENS_RE.split(name) if w]
    heads = [w[0].upper() for w in words if w and w[0].isalpha()]
    if not letters or not heads or letters[0] != heads[0]:
        return False
    it = iter(heads)
    return all(any(c == h for h in it) for c in letters)


class Named(Protocol):
    """What ``merge_acronyms`` needs of an entity being built (``aliases`` has one)."""

    name: str
    type: str
    known: bool
    surfaces: list[str]
    spans: list[tuple[int, int]]

    def add(self, surface: str, span: tuple[int, int] | None) -> None:
        """Record one more surface form and mention span."""


def merge_acronyms(body: str, ents: list[Named], remap: Callable[[Named, Named], None]) -> None:
    """Merge acronyms defined in the text or spelling an organisation's initials.

    An acronym defined in the text ("Coalition for Democratic Change (CDC)") beats the
    gazetteer's reading of it; one that merely matches initials only claims acronyms
    no other entity owns.

    Args:
        body: The article body.
        ents: The entities so far; an acronym's own entity is removed from it when it
            folds into its long form.
        remap: Called with ``(old, new)`` when ``old`` folds into ``new``.
    """
    defined: dict[str, Named] = {}
    guessed: dict[str, Named] = {}
    for e in ents:
        if e.type == "PERSON" or len(e.name.split()) < 2:
            continue
        for s, end in e.spans:
            m = ACRO_DEF_RE.match(body, end)
            if m and acronym_fits(m.group(1), body[s:end]):
                defined.setdefault(m.group(1), e)
        for form in (e.name, *e.surfaces):
            guessed.setdefault(initials(form), e)
        first = e.name.split()[0]
        if first.isupper() and len(first) > 1:
            guessed.setdefault(first, e)
    if not defined and not guessed:
        return
    starts: dict[int, Named] | None = None
    for m in CAPS_RE.finditer(body):
        acr = m.group()
        target = defined.get(acr) or guessed.get(acr)
        if target is None:
            continue
        if starts is None:
            starts = _starts(ents)
        owner = starts.get(m.start())
        if owner is target:
            continue
        if owner is not None and (owner.surfaces != [acr] or (owner.known and acr not in defined)):
            continue
        target.add(acr, m.span())
        if owner is not None:  # the acronym's own entity folds into its long form
            for span in owner.spans:
                target.add(acr, span)
            ents.remove(owner)
            remap(owner, target)
            starts = _starts(ents)


def _starts(ents: Sequence[Named]) -> dict[int, Named]:
    return {s[0]: e for e in ents for s in e.spans}
