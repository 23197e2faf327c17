"""Name mentions in one paragraph: gazetteer names plus shape rules for names it lacks.

One regex finds runs of capitalised words; each run is matched against the gazetteer,
then read by shape and context (a title before it, a speech verb after it, an
apposition, a place preposition). Overlaps resolve longest-first. Also the pluggable
``NerBackend`` interface, so a statistical model can replace the rules.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import Any, Protocol

from agents.nlp.aliases import acronym_fits
from agents.nlp.gazetteer import Gazetteer, load_gazetteer
from agents.nlp.types import EntityType, Mention

__all__ = [
    "BackendUnavailableError",
    "NerBackend",
    "RuleBackend",
    "SpacyBackend",
    "find_mentions",
    "get_backend",
]

_PARTICLE = r"(?:[Aa][lnrstdz]|[Aa]sh|[Ee][lnrstdz]|[Uu]l)[-‑]"
_CAPTOK = (
    r"(?:Gen|Sen|Rep|Gov|Lt|Col|Maj|Brig|Capt|Sgt|Adm|Dr|Mr|Mrs|Ms|Jr|Sr|St|Mt|Ft|Cpl|Pvt"
    r"|Cmdr|Rev|Prof|Insp|Supt|Gens|Sens|Reps|Corp|Inc|Ltd|Co)\.(?=\s)"
    r"|(?:[A-Z]\.)+(?:[A-Z][a-z]+)?"
    rf"|(?:{_PARTICLE})?[A-Z]\w*(?:['’]\w+)*(?:-(?:[A-Z0-9]\w*|[a-z]{{1,2}}-[A-Z]\w*))*"
)
_CONNECTOR = r"of|the|and|for|on|de|du|des|da|di|do|dos|la|le|bin|ibn|bint|van|von|der|den|al|el|y"
_ABBRS = "Gen Sen Rep Gov Lt Col Maj Brig Capt Sgt Adm Dr Mr Mrs Ms Jr Sr St Mt Ft Cpl Pvt Cmdr Rev"
# The first token starts with a consumed capital so the regex engine can skip ahead to
# capitals; the lookbehinds then check what stands before it. Leading particles
# ("al-Hadath") are added back in Python.
_FIRST = (
    r"[A-Z](?<![\w'’].)(?:[a-z]{1,4}\.(?=\s)(?:"
    + "|".join(rf"(?<={a}\.)" for a in _ABBRS.split())
    + r")|\.(?:[A-Z]\.)*(?:[A-Z][a-z]+)?|\w*(?:['’]\w+)*(?:-(?:[A-Z0-9]\w*|[a-z]{1,2}-[A-Z]\w*))*)"
)
_RUN_RE = re.compile(rf"{_FIRST}(?:(?:\s+(?:{_CONNECTOR}))*\s+(?:{_CAPTOK}))*")
_PARTICLE_BEFORE_RE = re.compile(rf"(?<![\w'’]){_PARTICLE}$")
_TOK_RE = re.compile(rf"{_CAPTOK}|[a-z]+")
_PARTICLES = frozenset(
    "bin ibn bint van von de da di du dos der den al el la le y".split()  # noqa: SIM905
)
_SPEECH = (
    r"said|says|say|told|tells|added|adds|tweeted|wrote|writes|stated|noted|explained|warned"
    r"|insisted|claimed|announced|posted|confirmed|denied|acknowledged|argued|asked|replied"
    r"|recalled|declared|stressed|urged|cautioned|conceded|admitted|testified|emphasi[sz]ed"
    r"|commented|responded|alleged|disclosed|revealed|vowed|pledged|accused|told"
)
_SPEECH_AFTER_RE = re.compile(rf"(?:,[^,.;\"“”]{{0,60}},)?\s+(?:has\s+|had\s+)?(?:{_SPEECH})\b")
_SPEECH_WORDS = frozenset(_SPEECH.split("|")) - {"told", "tells"}
_OF = frozenset(("of", "for", "the", "on"))
_ORG_OF = _OF | {"de", "du", "des", "del", "la", "el"}
_PLACE_NOUNS = (
    r"town|city|village|hamlet|province|district|region|state|capital|port|suburb|area"
    r"|neighbou?rhood|county|governorate|enclave|island|camp|settlement|municipality|oblast"
    r"|territory|stronghold|country|nation|commune|locality|prefecture|valley|border town"
)
_APPOS_RE = re.compile(r",\s+(?:(?:a|an|the)\s+|\d{1,3},)")
_AGE_RE = re.compile(r",\s+\d{1,3},")
_PLACE_AFTER_RE = re.compile(
    r"\s+(?:district|province|region|governorate|county|town|village|city|oblast|prefecture"
    r"|municipality)\b"
)
_APPOS_PLACE_RE = re.compile(
    rf",\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?(?:{_PLACE_NOUNS})\b(?!\s+(?:official|council))"
)
_PLACE_BEFORE = frozenset(
    [
        "in",
        "near",
        "outside",
        "around",
        "across",
        "towards",
        "toward",
        "from",
        "into",
        "inside",
        *_PLACE_NOUNS.split("|"),
    ]
)
_PLACE_OF = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northern",
        "southern",
        "eastern",
        "western",
        "outskirts",
        "centre",
        "center",
        "heart",
        "edge",
        "part",
        "parts",
        "suburbs",
    ]
)
_PLACE_OF_BEFORE = _PLACE_OF | _PLACE_BEFORE
_QUOTE_SPACE = " \t\n\"'“‘([—–-"


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in _QUOTE_SPACE:
        i -= 1
    return i < 0 or text[i] in ".!?:;…”"


def _prev_words(text: str, pos: int, n: int = 3) -> list[str]:
    return text[max(0, pos - 48) : pos].lower().replace("’", "'").split()[-n:]


def _shouting(text: str, start: int, end: int) -> bool:
    """True when a short all-caps name sits among all-caps words ("THIS IS WAR")."""
    before = text[max(0, start - 3) : start].rstrip(" \"“”'(),")[-2:]
    after = text[end : end + 3].lstrip(" \"“”'(),")[:2]
    near = [w for w in (before, after) if len(w) == 2 and w.isalpha()]
    return bool(near) and all(w.isupper() for w in near)


class _Rules:
    """Per-gazetteer lookups for the shape rules (built once per gazetteer)."""

    def __init__(self, gaz: Gazetteer) -> None:
        lex = gaz.lexicon
        self.gaz = gaz
        self.titles = frozenset(t.lower() for t in lex.titles)
        self.title_first = frozenset(t.split()[0] for t in self.titles)
        self.title_last = frozenset(t.split()[-1] for t in self.titles)
        self.title_max = max((len(t.split()) for t in lex.titles), default=1)
        self.given = lex.given_names
        self.org = lex.org_words
        self.function = lex.function_words
        self.no_person = lex.function_words | lex.common_words | lex.nameparts | lex.org_words

    def strip_title(self, words: list[str], lo: int) -> int:
        """Return the index after any title words at ``words[lo:]`` ("Prime Minister")."""
        while lo < len(words) - 1 and words[lo].lower() in self.title_first:
            for n in range(min(self.title_max, len(words) - lo - 1), 0, -1):
                if " ".join(words[lo : lo + n]).lower() in self.titles:
                    lo += n
                    break
            else:
                break
        return lo

    def titled(self, prev: list[str]) -> bool:
        """True when the words before a name end with a title ("SDF spokesman")."""
        if not prev or prev[-1] not in self.title_last:
            return False
        return any(" ".join(prev[-n:]) in self.titles for n in range(1, len(prev) + 1))


@lru_cache(maxsize=4)
def _rules(gaz: Gazetteer) -> _Rules:
    return _Rules(gaz)


def _run_mentions(text: str, rs: int, re_: int, r: _Rules, out: list[tuple[int, Mention]]) -> None:
    # Fast paths: most runs are function words before one known name ("The SDF").
    sp = text.find(" ", rs, re_)
    while sp > 0 and text[rs:sp] in r.function:
        rs = sp + 1
        sp = text.find(" ", rs, re_)
    word = text[rs:re_]
    if sp < 0 and word in r.function:
        return
    hit = r.gaz.lookup(word)
    if hit is not None:
        end = re_ - 2 if word.endswith(("'s", "’s")) and hit[0] != word else re_
        if not (end - rs <= 3 and word.isupper() and _shouting(text, rs, end)):
            out.append((0, Mention(rs, end, text[rs:end], hit[1], hit[0], "gazetteer")))
        return
    toks = [(m.start(), m.end()) for m in _TOK_RE.finditer(text, rs, re_)]
    words = [text[a:b] for a, b in toks]
    n = len(toks)
    covered: list[str] = [""] * (n + 1)
    i = 0
    while i < n:
        hit2 = None if words[i].islower() else r.gaz.match(text, toks, i)
        if hit2 is None:
            i += 1
            continue
        end, canonical, etype = hit2
        s = toks[i][0]
        if end - s <= 3 and text[s:end].isupper() and _shouting(text, s, end):
            i += 1
            continue
        out.append((0, Mention(s, end, text[s:end], etype, canonical, "gazetteer")))
        while i < n and toks[i][0] < end:
            covered[i] = etype
            i += 1
    if not r.org.isdisjoint(words) or any(w.endswith(("'s", "’s")) for w in words):
        _org_shapes(text, toks, words, r, out)
    prev = _prev_words(text, rs)
    at_start = _sentence_start(text, rs)
    i = 0
    while i < n:
        w = words[i]
        if covered[i] or w.islower() or w in r.function or (i and words[i - 1] in _OF):
            i += 1
            continue
        lo = r.strip_title(words, i)
        titled = lo > i or (i == 0 and r.titled(prev))
        j = lo
        while (
            j < n
            and not covered[j]
            and ((not words[j].islower() and words[j] not in r.function) or words[j] in _PARTICLES)
        ):
            j += 1
        while j > lo and words[j - 1] in _PARTICLES:
            j -= 1
        if j == lo:
            i = max(j, i + 1)
            continue
        given = words[lo] in r.given
        if lo and covered[lo - 1] and not (titled or given or words[lo - 1].endswith("s")):
            i = j  # a word after a known name is its head, not a new name: "Georgian Dream"
            continue
        while (titled or given) and j < n and covered[j] not in ("", "ORG") and not covered[j + 1]:
            # a one-word place or people name inside a person's name: "Mustafa Bali",
            # "George Washington", "Mohammed Shia al-Sudani"
            j += 1
            while j < n and not covered[j] and _name_word(words[j], r):
                j += 1
        _classify(
            text,
            toks,
            words,
            lo,
            j,
            titled,
            given,
            prev if i == 0 else [],
            at_start and lo == 0,
            r,
            out,
        )
        i = j


def _classify(
    text: str,
    toks: list[tuple[int, int]],
    words_: list[str],
    lo: int,
    hi: int,
    titled: bool,
    given: bool,
    prev: list[str],
    at_start: bool,
    r: _Rules,
    out: list[tuple[int, Mention]],
) -> None:
    s, e = toks[lo][0], toks[hi - 1][1]
    if text.endswith(("'s", "’s"), s, e):
        e -= 2
    words = words_[lo:hi]
    n = hi - lo
    plain = not any(w in r.no_person or (w.isupper() and len(w) > 2) for w in words)
    etype: EntityType = "PERSON"
    source = ""
    if titled and (plain or given):
        source = "title"
    elif prev == ["by"] and s <= 4 and plain:
        source = "byline"
    elif plain and n <= 3 and (_APPOS_PLACE_RE.match(text, e) or _PLACE_AFTER_RE.match(text, e)):
        etype, source = "GPE", "apposition"
    elif (
        (n >= 2 and plain)
        or (n == 1 and plain and not (at_start and e - s > 3 and text[e - 1] == "s"))
    ) and (_SPEECH_AFTER_RE.match(text, e) or (prev and prev[-1] in _SPEECH_WORDS)):
        source = "speech"
    elif plain and ((n >= 2 and _APPOS_RE.match(text, e)) or _AGE_RE.match(text, e)):
        source = "apposition"  # "Zana Amedi, a media official", "Faye, 44,"
    elif (
        prev
        and n <= 3
        and plain
        and (
            prev[-1] in _PLACE_BEFORE
            or (prev[-1] == "of" and len(prev) > 1 and prev[-2] in _PLACE_OF_BEFORE)
        )
        and not given
        and not text.startswith(("'s", "’s"), e)
    ):
        etype, source = "GPE", "name-shape"
    elif n >= 2 and plain and (given or not at_start):
        source = "name-shape"
    if source:
        out.append(
            (1 if source != "name-shape" else 3, Mention(s, e, text[s:e], etype, text[s:e], source))
        )


def _org_shapes(
    text: str,
    toks: list[tuple[int, int]],
    words: list[str],
    r: _Rules,
    out: list[tuple[int, Mention]],
) -> None:
    """ORG for runs headed by an organisation word: "the Interior Ministry", "X Group"."""
    n = len(toks)
    k = n - 1
    while k >= 0:
        word = words[k][:-2] if words[k].endswith(("'s", "’s")) else words[k]
        if word not in r.org:
            k -= 1
            continue
        lo = k
        while lo > 0 and _name_word(words[lo - 1], r) and not words[lo - 1].endswith(("'s", "’s")):
            lo -= 1
        hi = k + 1
        if hi + 1 < n and words[hi] in _ORG_OF and _name_word(words[hi + 1], r):
            hi += 2
            while hi < n and (_name_word(words[hi], r) or words[hi] in _ORG_OF):
                hi += 1
            while words[hi - 1] in _ORG_OF:
                hi -= 1
        if hi - lo >= 2:
            s, e = toks[lo][0], toks[hi - 1][1]
            if text.endswith(("'s", "’s"), s, e):
                e -= 2
            out.append((2, Mention(s, e, text[s:e], "ORG", text[s:e], "name-shape")))
        k = lo - 1


def _name_word(word: str, r: _Rules) -> bool:
    return not word.islower() and word not in r.function


_ACRONYM_RE = re.compile(r"\s*\(\s*([A-Z][A-Za-z&.]{0,8}[A-Z]s?)\s*\)")


def _select(cands: list[tuple[int, Mention]]) -> list[Mention]:
    """Keep the longest of overlapping candidates (ties: the more reliable source)."""
    ordered = sorted((c[1] for c in cands), key=lambda m: m.start)
    if all(a.end <= b.start for a, b in pairwise(ordered)):
        return ordered
    cands.sort(key=lambda c: (c[1].start - c[1].end, c[0], c[1].start))
    taken: list[Mention] = []
    for _, m in cands:
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Find the names in one paragraph.

    Args:
        text: One paragraph.
        gazetteer: Known names and word lists (``load_gazetteer()``).

    Returns:
        Non-overlapping mentions in text order; ``text[m.start:m.end] == m.text``.
        Titles ("Gen.", "spokesman") and possessive endings are never part of a name.
    """
    r = _rules(gazetteer)
    cands: list[tuple[int, Mention]] = []
    for run in _RUN_RE.finditer(text):
        rs = run.start()
        if rs > 1 and text[rs - 1] in "-‑":
            particle = _PARTICLE_BEFORE_RE.search(text, max(0, rs - 4), rs)
            rs = particle.start() if particle else rs
        _run_mentions(text, rs, run.end(), r, cands)
    found = _select(cands)
    out: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type != "PERSON"
            and m.start > prev.end
            and "(" in text[prev.end : prev.end + 3]
        ):
            acr = _ACRONYM_RE.match(text, prev.end)
            if acr and not acronym_fits(acr.group(1), prev.text):
                acr = None
            if acr and (acr.start(1), acr.end(1)) == (m.start, m.end):
                # an acronym defined in the text beats the gazetteer's reading of it
                m = Mention(m.start, m.end, m.text, prev.type, prev.canonical, m.source)
            elif acr and m.start >= acr.end():
                out.append(
                    Mention(
                        acr.start(1),
                        acr.end(1),
                        acr.group(1),
                        prev.type,
                        prev.canonical,
                        "name-shape",
                    )
                )
        out.append(m)
    last = out[-1] if out else None
    acr = _ACRONYM_RE.match(text, last.end) if last and last.type != "PERSON" else None
    if last is not None and acr and acronym_fits(acr.group(1), last.text):
        out.append(
            Mention(acr.start(1), acr.end(1), acr.group(1), last.type, last.canonical, "name-shape")
        )
    return out


class BackendUnavailableError(LookupError):
    """The named NER backend is unknown or its library or model is not installed."""


class NerBackend(Protocol):
    """Anything that finds name mentions in one paragraph."""

    def mentions(self, text: str) -> list[Mention]:
        """Return the mentions in ``text`` (paragraph offsets, no overlaps)."""
        ...


class RuleBackend:
    """The default backend: gazetteer plus shape rules; needs no model download."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()

    def mentions(self, text: str) -> list[Mention]:
        """Return ``find_mentions(text, gazetteer)``."""
        return find_mentions(text, self.gazetteer)


_SPACY_TYPES: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "NORP": "NORP",
    "FAC": "LOC",
}


class SpacyBackend:
    """A spaCy pipeline as backend; only usable where spaCy and the model are installed."""

    def __init__(self, model: str = "en_core_web_sm") -> None:
        try:
            import spacy
        except ImportError as exc:
            raise BackendUnavailableError("spaCy is not installed") from exc
        try:
            self._nlp: Any = spacy.load(model)
        except OSError as exc:
            raise BackendUnavailableError(f"spaCy model {model!r} is not installed") from exc

    def mentions(self, text: str) -> list[Mention]:
        """Return the model's PERSON/ORG/GPE/LOC/NORP entities as mentions."""
        return [
            Mention(e.start_char, e.end_char, e.text, _SPACY_TYPES[e.label_], e.text, "spacy")
            for e in self._nlp(text).ents
            if e.label_ in _SPACY_TYPES
        ]


def get_backend(name: str = "rules") -> NerBackend:
    """Return the named backend ("rules" or "spacy").

    Raises:
        BackendUnavailableError: For an unknown name, or "spacy" without spaCy and a model.
    """
    if name == "rules":
        return RuleBackend()
    if name == "spacy":
        return SpacyBackend()
    raise BackendUnavailableError(f"unknown NER backend {name!r}")
