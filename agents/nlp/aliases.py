"""Alias merging: one entity per real-world thing, with every name the article used.

Merges gazetteer aliases (IS = Daesh), acronyms defined in the text ("Syrian
Democratic Forces (SDF)") or matching initials, singular/plural and possessive
variants, titled forms and last-name references to people ("Bali" after "Mustafa Bali").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from agents.nlp.gazetteer import Gazetteer
from agents.nlp.types import Doc, EntityType, Mention, ResolvedEntity, Span

__all__ = ["acronym_fits", "canonical_map", "canonical_of", "initials", "resolve_entities"]

_FAMILY = {"GPE": "place", "LOC": "place"}
_STOP = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "at",
        "de",
        "du",
        "des",
        "al",
        "el",
        "la",
        "le",
        "da",
        "di",
    ]
)
_ACRO_DEF_RE = re.compile(r"\s*\(\s*([A-Z][A-Za-z&.-]{0,8}[A-Z])s?\s*\)")
_CAPS_RE = re.compile(r"(?<![\w.-])[A-Z][A-Z&]{1,6}(?![\w-])")
_POSSESSIVE = ("'s", "’s")
_SPACE_RE = re.compile(r"[\s\-‑]+")
_PARTICLE_RE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|ul)[-‑]", re.I)


def initials(name: str) -> str:
    """Return the initials of a multi-word name, skipping "of", "the", "and" and the like.

    Hyphenated parts count as words: "Co-operation" gives "C", "Organization for
    Security and Co-operation in Europe" gives "OSCE".
    """
    words = [w for w in re.split(r"[\s]+", name) if w and w.lower() not in _STOP]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def acronym_fits(acronym: str, name: str) -> bool:
    """True when ``acronym`` could abbreviate ``name``.

    Its first letter must start the name (a leading "al-" aside) and its capitals
    must appear, in order, among the initials of the name's words, so "CDC" fits
    "Coalition for Democratic Change" but "AP" does not fit "Ukraine".
    """
    letters = [c for c in acronym if c.isupper()]
    words = [_PARTICLE_RE.sub("", w) for w in re.split(r"[\s\-‑]+", name) if w]
    heads = [w[0].upper() for w in words if w and w[0].isalpha()]
    if not letters or not heads or letters[0] != heads[0]:
        return False
    it = iter(heads)
    return all(any(c == h for h in it) for c in letters)


def _surface(text: str) -> str:
    text = text[:-2] if text.endswith(_POSSESSIVE) else text
    return text[4:] if text.lower().startswith("the ") else text


def _key(text: str, etype: str) -> str:
    key = _SPACE_RE.sub(" ", _surface(text).replace("’", "'")).lower()
    if etype in ("ORG", "NORP") and key.endswith("s") and not key.endswith("ss") and len(key) > 4:
        key = key[:-1]
    return key


def _last(name: str) -> str:
    word = name.split()[-1] if name.split() else name
    return _PARTICLE_RE.sub("", word).lower()


@dataclass(slots=True)
class _Entity:
    name: str
    type: EntityType
    first: int
    known: bool = False
    surfaces: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    seen: set[str] = field(default_factory=set)
    span_set: set[Span] = field(default_factory=set)

    def add(self, surface: str, span: Span | None) -> None:
        if surface and surface.lower() not in self.seen:
            self.seen.add(surface.lower())
            self.surfaces.append(surface)
        if span is not None and span not in self.span_set:
            self.span_set.add(span)
            self.spans.append(span)


@lru_cache(maxsize=4)
def _titles(gaz: Gazetteer) -> frozenset[str]:
    return frozenset(t.lower() for t in gaz.lexicon.titles)


def _strip_title(text: str, gaz: Gazetteer) -> str:
    words = text.split()
    titles = _titles(gaz)
    while len(words) > 1 and words[0].lower() in titles:
        words = words[1:]
    return " ".join(words)


def _gazetteer_name(m: Mention, surface: str, gaz: Gazetteer) -> tuple[str, EntityType] | None:
    if m.source == "gazetteer" or m.canonical != m.text:
        return m.canonical, m.type
    for variant in (surface, surface + "s", surface[:-1] if surface.endswith("s") else ""):
        hit = gaz.lookup(variant) if variant else None
        if hit is not None and _FAMILY.get(hit[1], hit[1]) == _FAMILY.get(m.type, m.type):
            return hit
    return None


def resolve_entities(doc: Doc, gazetteer: Gazetteer) -> list[ResolvedEntity]:
    """Merge the article's mentions into entities.

    Args:
        doc: The article with ``mentions`` in body offsets (``byline`` names count
            as people even when the body never names them).
        gazetteer: Known names and aliases.

    Returns:
        Entities in order of first mention (byline first). ``name`` is the gazetteer's
        canonical name or the longest full form seen; ``aliases`` are the other forms seen.
    """
    ents: list[_Entity] = []
    by_key: dict[tuple[str, str], _Entity] = {}
    people: list[_Entity] = []
    singles: list[tuple[Mention, str]] = []
    for name in doc.byline:
        ent = _Entity(name, "PERSON", -1)
        ent.add(name, None)
        ents.append(ent)
        people.append(ent)
        by_key[("PERSON", name.lower())] = ent
    for m in sorted(doc.mentions, key=lambda m: m.start):
        surface = _surface(m.text)
        span = Span(m.start, m.end)
        if m.type == "PERSON":
            surface = _strip_title(surface, gazetteer)
            if len(surface.split()) == 1:
                singles.append((m, surface))
                continue
            key = (
                "PERSON",
                " ".join(w for w in surface.lower().split() if len(w) > 2 or not w.endswith(".")),
            )
            ent = by_key.get(key)
            if ent is None:
                ent = by_key[key] = _Entity(surface, "PERSON", m.start)
                ents.append(ent)
                people.append(ent)
            if len(surface) > len(ent.name):
                ent.name = surface
            ent.add(surface, span)
            continue
        family = _FAMILY.get(m.type, m.type)
        known = _gazetteer_name(m, surface, gazetteer)
        key = (family, _key(known[0] if known else surface, m.type))
        ent = by_key.get(key)
        if ent is None:
            ent = _Entity(
                known[0] if known else surface,
                known[1] if known else m.type,
                m.start,
                known=known is not None,
            )
            ents.append(ent)
            by_key[key] = ent
        elif not ent.known and len(surface) > len(ent.name):
            ent.name = surface
        ent.add(surface, span)
    _attach_singles(singles, people, ents, by_key)
    _acronyms(doc, ents, by_key)
    _surnames(doc, ents)
    ents.sort(key=lambda e: e.first)
    return [
        ResolvedEntity(
            name=e.name,
            type=e.type,
            aliases=tuple(s for s in e.surfaces if s.lower() != e.name.lower()),
            mentions=tuple(sorted(e.spans, key=lambda s: s.start)),
        )
        for e in ents
    ]


def _attach_singles(
    singles: list[tuple[Mention, str]],
    people: list[_Entity],
    ents: list[_Entity],
    by_key: dict[tuple[str, str], _Entity],
) -> None:
    """Attach one-word person mentions to the person whose last (or first) name they are."""
    for m, surface in singles:
        word = _last(surface)
        matches = [p for p in people if len(p.name.split()) > 1 and _last(p.name) == word]
        if not matches:
            matches = [p for p in people if p.name.split()[0].lower() == surface.lower()]
        before = [p for p in matches if p.first <= m.start]
        ent = (before[-1] if before else matches[0]) if matches else None
        if ent is None:
            ent = by_key.get(("PERSON", surface.lower()))
        if ent is None:
            ent = by_key[("PERSON", surface.lower())] = _Entity(surface, "PERSON", m.start)
            ents.append(ent)
            people.append(ent)
        ent.add(surface, Span(m.start, m.end))


def _acronyms(doc: Doc, ents: list[_Entity], by_key: dict[tuple[str, str], _Entity]) -> None:
    """Merge acronyms defined in the text or spelling an organisation's initials.

    An acronym defined in the text ("Coalition for Democratic Change (CDC)") beats the
    gazetteer's reading of it; one that merely matches initials only claims acronyms
    no other entity owns.
    """
    orgs = [e for e in ents if e.type != "PERSON" and len(e.name.split()) > 1]
    defined: dict[str, _Entity] = {}
    guessed: dict[str, _Entity] = {}
    for e in orgs:
        for span in e.spans:
            m = _ACRO_DEF_RE.match(doc.body, span.end)
            if m and acronym_fits(m.group(1), doc.body[span.start : span.end]):
                defined.setdefault(m.group(1), e)
        for form in (e.name, *e.surfaces):
            guessed.setdefault(initials(form), e)
        first = e.name.split()[0]
        if first.isupper() and len(first) > 1:
            guessed.setdefault(first, e)
    if not defined and not guessed:
        return
    starts = {s.start: e for e in ents for s in e.spans}
    for m in _CAPS_RE.finditer(doc.body):
        acr = m.group()
        target = defined.get(acr) or guessed.get(acr)
        owner = starts.get(m.start())
        if target is None or owner is target:
            continue
        if owner is not None and (owner.surfaces != [acr] or (owner.known and acr not in defined)):
            continue
        target.add(acr, Span(m.start(), m.end()))
        if owner is not None:  # the acronym's own entity folds into its long form
            for span in owner.spans:
                target.add(acr, span)
            ents.remove(owner)
            for k in [k for k, v in by_key.items() if v is owner]:
                by_key[k] = target
            starts = {s.start: e for e in ents for s in e.spans}


def _surnames(doc: Doc, ents: list[_Entity]) -> None:
    """Add uncovered later uses of a person's last name ("Assad has not spoken")."""
    owners: dict[str, list[_Entity]] = {}
    for e in ents:
        if e.type == "PERSON" and len(e.name.split()) > 1:
            last = _PARTICLE_RE.sub("", e.name.split()[-1])
            if len(last) > 2 and last[0].isupper():
                owners.setdefault(last, []).append(e)
    names = [n for n, es in owners.items() if len(es) == 1]
    if not names:
        return
    covered = bytearray(len(doc.body) + 1)
    for e in ents:
        for s in e.spans:
            covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    for m in pattern.finditer(doc.body):
        ent = owners[m.group()][0]
        if ent.first < m.start() and not any(covered[m.start() : m.end()]):
            ent.add(m.group(), Span(m.start(), m.end()))


def canonical_map(entities: list[ResolvedEntity]) -> dict[str, str]:
    """Map every name and alias, lower-cased, to its entity's canonical name."""
    out: dict[str, str] = {}
    for e in entities:
        for form in (e.name, *e.aliases):
            out.setdefault(form.lower(), e.name)
    return out


def canonical_of(mention: Mention, entities: list[ResolvedEntity]) -> str:
    """Return the canonical name of the entity ``mention`` belongs to.

    Looks the span up first, then the surface form and the mention's own canonical
    name among names and aliases; falls back to ``mention.canonical``.
    """
    span = Span(mention.start, mention.end)
    for e in entities:
        if span in e.mentions:
            return e.name
    names = canonical_map(entities)
    return names.get(mention.text.lower()) or names.get(
        mention.canonical.lower(), mention.canonical
    )
