"""The gazetteer: known names, their types, canonical forms and aliases, plus word lists.

Owns the data files in ``agents/data/gazetteer/`` (loaded once, cached) and the
longest-match lookup over word tokens that ``entities.find_mentions`` runs per paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from agents.nlp.types import EntityType

__all__ = [
    "DATA_DIR",
    "ENTITY_TYPES",
    "WORD_RE",
    "Gazetteer",
    "GazetteerFileError",
    "Lexicon",
    "load_gazetteer",
    "norm_key",
    "read_user_entries",
]

#: The types a gazetteer row may give.
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP")


class GazetteerFileError(ValueError):
    """A user gazetteer file that cannot be read; the message names file and line."""


def read_user_entries(path: Path) -> list[tuple[str, str, list[str]]]:
    """``(name, type, aliases)`` rows of a newsroom's own gazetteer file.

    The format is the shipped ``orgs.tsv``: ``name<TAB>TYPE<TAB>alias|alias``,
    ``#`` comments, blank lines ignored; an alias starting with ``=`` matches
    case-sensitively.

    Raises:
        GazetteerFileError: unreadable file, or a row without a name or with an
            unknown type (the message gives the line number).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerFileError(f"{path}: cannot read the gazetteer file: {exc}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        name = cells[0].strip()
        type_ = cells[1].strip() if len(cells) > 1 else ""
        if not name or type_ not in ENTITY_TYPES:
            raise GazetteerFileError(
                f"{path}:{number}: expected name<TAB>TYPE[<TAB>alias|alias] with TYPE one of "
                f"{', '.join(ENTITY_TYPES)}, got {line!r}")
        rows.append((name, type_, _split(cells[2]) if len(cells) > 2 else []))
    return rows

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

#: Word tokens: initialisms with dots ("U.S.", "D.C.") or runs of word characters with
#: inner apostrophes ("People's"). Hyphens split tokens so "IS-held" yields "IS"; keys
#: treat a hyphen like a space, so "al-Hadath" and "Al Hadath" are one name.
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:['’]\w+)*")

_NORM_TABLE = str.maketrans({"’": "'", "-": " ", "–": " ", "‑": " ", "\t": " "})
_POSSESSIVE = ("'s", "’s")
_MEMO_MAX = 50_000  # lookups remembered before the memo is cleared
_SHORT_CAPS_MAX = 3  # all-caps aliases this short ("IS", "US", "AP") are case-sensitive


def norm_key(surface: str) -> str:
    """Return the case-preserving lookup key: curly quotes and hyphens normalised.

    Args:
        surface: A name as written.

    Returns:
        The key with ``’`` as ``'`` and any run of spaces or hyphens as one space,
        so spelling variants that differ only there share a key.
    """
    key = surface.translate(_NORM_TABLE)
    if "  " in key or "\n" in key or key[:1] == " " or key[-1:] == " ":
        return " ".join(key.split())
    return key


def _short_caps(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return 0 < len(letters) <= _SHORT_CAPS_MAX and all(c.isupper() for c in letters)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word lists that shape names: see the data README for what each holds."""

    given_names: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()
    org_words: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    nameparts: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Gazetteer:
    """Known names with fast longest-match lookup.

    Lookup is a dict probe per candidate token span, not a regex alternation: a
    paragraph costs a few probes per capitalised word whatever the list size.
    """

    lexicon: Lexicon = field(default_factory=Lexicon, repr=False)
    _ci: dict[str, tuple[str, EntityType, bool]] = field(default_factory=dict, repr=False)
    _cs: dict[str, tuple[str, EntityType]] = field(default_factory=dict, repr=False)
    _first: dict[str, int] = field(default_factory=dict, repr=False)
    _aliases: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _memo: dict[str, tuple[str, EntityType] | None] = field(default_factory=dict, repr=False)
    _first_memo: dict[str, int] = field(default_factory=dict, repr=False)
    #: Canonical names from a newsroom's own file: they rename entities on purpose, so
    #: they are kept even where the story spells the entity otherwise.
    chosen: set[str] = field(default_factory=set, repr=False)

    def add(self, canonical: str, type_: EntityType, aliases: Iterable[str] = ()) -> None:
        """Register a name and its aliases; the first registration of a key wins."""
        forms = [canonical, *aliases]
        if canonical.startswith("The "):
            forms.append(canonical[4:])
        known = self._aliases.setdefault(canonical, [])
        for form in forms:
            cs = form.startswith("=")
            form = form.lstrip("=").strip()
            if not form:
                continue
            key = norm_key(form)
            tokens = WORD_RE.findall(key)
            if not tokens:
                continue
            if form != canonical and form not in known:
                known.append(form)
            if cs or _short_caps(form):
                self._cs.setdefault(key, (canonical, type_))
            else:
                old = self._ci.setdefault(key.lower(), (canonical, type_, form[0].islower()))
                if old[0] == canonical and form[0].islower() and not old[2]:
                    self._ci[key.lower()] = (canonical, type_, True)
            first = tokens[0].lower()
            self._first[first] = max(self._first.get(first, 0), len(tokens))
        self._memo.clear()
        self._first_memo.clear()

    def lookup(self, surface: str) -> tuple[str, EntityType] | None:
        """Return ``(canonical, type)`` for a name as written, or None.

        A trailing possessive is ignored ("SDF's"); short all-caps aliases match
        only in capitals, so "Is" or "us" never read as "IS" or "US".
        """
        try:
            return self._memo[surface]
        except KeyError:
            pass
        if len(self._memo) >= _MEMO_MAX:  # bounded: a stream sees endless new words
            self._memo.clear()
        hit = self._memo[surface] = self._lookup(surface)
        return hit

    def _lookup(self, surface: str) -> tuple[str, EntityType] | None:
        key = norm_key(surface)
        if key.endswith(_POSSESSIVE):
            key = key[:-2]
        hit = self._cs.get(key)
        if hit is not None:
            return hit
        ci = self._ci.get(key.lower())
        if ci is None or not key or (key[0].islower() and not ci[2]):
            return None
        return ci[0], ci[1]

    def aliases(self, canonical: str) -> tuple[str, ...]:
        """Return every other registered form of ``canonical`` (empty if unknown)."""
        return tuple(self._aliases.get(canonical, ()))

    def match(
        self, text: str, spans: Sequence[tuple[int, int]], i: int
    ) -> tuple[int, str, EntityType] | None:
        """Find the longest known name starting at token ``i``.

        Args:
            text: The paragraph.
            spans: Word-token spans of ``text`` (from ``WORD_RE``).
            i: Index of the first token to try.

        Returns:
            ``(end, canonical, type)`` where ``end`` is the character end of the match
            (a trailing possessive excluded), or None.
        """
        start = spans[i][0]
        longest = self._longest(text[start : spans[i][1]])
        if not longest:
            return None
        for j in range(min(len(spans), i + longest) - 1, i - 1, -1):
            end = spans[j][1]
            if text.endswith(_POSSESSIVE, start, end) and end - start > 2:
                end -= 2
            hit = self.lookup(text[start:end])
            if hit is not None:
                return end, hit[0], hit[1]
        return None

    def _longest(self, token: str) -> int:
        """Return how many tokens the longest name starting with ``token`` has (0: none).

        Memoised per token as written: a paragraph probes every capitalised word, and
        the same words recur across a stream.
        """
        try:
            return self._first_memo[token]
        except KeyError:
            pass
        if len(self._first_memo) >= _MEMO_MAX:
            self._first_memo.clear()
        first = WORD_RE.match(token.lower().replace("’", "'"))
        longest = 0
        if first is not None:
            word = first.group()
            bare = word[:-2] if "'" in word else ""
            longest = self._first.get(word) or self._first.get(bare) or 0
        self._first_memo[token] = longest
        return longest

    def __len__(self) -> int:
        return len(self._ci) + len(self._cs)


def _rows(name: str) -> list[list[str]]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _split(cell: str) -> list[str]:
    return [a for a in cell.split("|") if a]


def _words(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [w for line in lines if not line.startswith("#") for w in line.split()]


def _sections(name: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    current = out.setdefault("", set())
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = out.setdefault(line.strip("[] "), set())
        elif not line.startswith("#"):
            current.update(line.split())
    return {k: frozenset(v) for k, v in out.items()}


def _titles() -> tuple[str, ...]:
    lines = (DATA_DIR / "titles.txt").read_text(encoding="utf-8").splitlines()
    found = {t.strip() for line in lines if not line.startswith("#") for t in line.split("|")}
    return tuple(sorted((t for t in found if t), key=lambda t: (-len(t), t)))


@cache
def load_gazetteer(user_file: Path | None = None) -> Gazetteer:
    """Load the shipped gazetteer (and a newsroom's own file) once per process.

    Countries and places register before demonyms and organisations, so where two
    files share a spelling ("Myanmar") the place wins. ``user_file``
    (``WIREDESK_GAZETTEER``) registers first, so its entries win over the
    shipped ones: the way to rename a canonical entity or add aliases, followed
    by a replay with a new pipeline version (docs/replay.md).

    Raises:
        GazetteerFileError: the user file cannot be read or has a bad row.

    Returns:
        The process-wide Gazetteer (treat it as read-only).
    """
    sections = _sections("nonnames.txt")
    gaz = Gazetteer(
        Lexicon(
            given_names=frozenset(_words("given_names.txt")),
            titles=_titles(),
            org_words=frozenset(_words("org_words.txt")),
            function_words=sections.get("function", frozenset()),
            common_words=sections.get("common", frozenset()),
            nameparts=sections.get("namepart", frozenset()),
        )
    )
    for name, type_, aliases in read_user_entries(user_file) if user_file else ():
        gaz.add(name, type_, aliases)  # type: ignore[arg-type]
        gaz.chosen.add(name)
    countries, regions = _rows("countries.tsv"), _rows("regions.tsv")
    for row in countries:
        gaz.add(row[0], "GPE", _split(row[1]))
    for row in _rows("places.tsv"):
        gaz.add(row[0], "GPE", _split(row[2]) if len(row) > 2 else ())
    for row in regions:
        gaz.add(row[0], "LOC", _split(row[1]))
    for row in countries + regions:
        if len(row) > 2 and row[2]:
            gaz.add(row[2], "NORP", _split(row[3]) if len(row) > 3 else ())
    for name in ("norp.tsv", "orgs.tsv"):
        for row in _rows(name):
            gaz.add(row[0], row[1], _split(row[2]) if len(row) > 2 else ())  # type: ignore[arg-type]
    return gaz
