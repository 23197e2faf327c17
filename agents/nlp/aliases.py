"""Alias merging: one entity per real-world thing, with every name the article used.

Merges gazetteer aliases (IS = Daesh), acronyms defined in the text ("Syrian
Democratic Forces (SDF)") or matching initials (``names_acronyms``), singular/plural
and possessive variants, titled forms and last-name references to people ("Bali"
after "Mustafa Bali").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from agents.nlp.gazetteer import Gazetteer
from agents.nlp.names_acronyms import Named, acronym_fits, initials, merge_acronyms
from agents.nlp.types import Doc, EntityType, Mention, ResolvedEntity, Span

__all__ = ["acronym_fits", "canonical_map", "canonical_of", "initials", "resolve_entities"]

_FAMILY = {"GPE": "place", "LOC": "place"}
_POSSESSIVE = ("'s", "’s")
_SPACE_RE = re.compile(r"[\s\-‑]+")
_PARTICLE_RE = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|ul)[-‑]", re.I)
_NOT_BEFORE = frozenset("'’-_")  # with letters and digits: a surname never follows these
_START = itemgetter(0)
_SOCIETIES = ("Red Cross", "Red Crescent")


def _surface(text: str) -> str:
    text = text[:-2] if text.endswith(_POSSESSIVE) else text
    return text[4:] if text[:4].lower() == "the " else text


@lru_cache(maxsize=4096)  # a pure function of a name, asked for every mention
def _key(text: str, etype: str) -> str:
    text = _surface(text).replace("’", "'")
    # plain ASCII with single spaces is the common case and needs no regex
    if "-" in text or not (text.isascii() and text.isprintable()) or "  " in text:
        text = _SPACE_RE.sub(" ", text)
    key = text.lower()
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
    spans: list[tuple[int, int]] = field(default_factory=list)

    seen: set[str] = field(default_factory=set)
    span_set: set[tuple[int, int]] = field(default_factory=set)

    def add(self, surface: str, span: tuple[int, int] | None) -> None:
        if surface:
            low = surface.lower()
            if low not in self.seen:
                self.seen.add(low)
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
        Entities in order of first mention. A byline name the body never uses is no
        entity (a credit, not part of the story). ``name`` is the gazetteer's canonical
        name when the story uses it, else the longest full form seen; ``aliases`` are
        the other forms seen.
    """
    ents: list[_Entity] = []
    by_key: dict[tuple[str, str], _Entity] = {}
    people: list[_Entity] = []
    singles: list[tuple[Mention, str]] = []
    societies: dict[str, _Entity] = {}
    for name in doc.byline:
        ent = _Entity(name, "PERSON", -1)
        ent.add(name, None)
        ents.append(ent)
        people.append(ent)
        by_key[("PERSON", name.lower())] = ent
    mentions = sorted(doc.mentions, key=lambda m: m.start)
    off = _off_story(doc)
    if off:
        mentions = [m for m in mentions if not any(a <= m.start < b for a, b in off)]
    for m in mentions:
        surface = _surface(m.text)
        span = (m.start, m.end)
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
        society = societies.get(surface) if m.type == "ORG" else None
        if society is not None:  # "Red Cross" after "Kenya Red Cross" is that society
            society.add(surface, span)
            continue
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
            if m.type == "ORG" and known is None:
                for tail in _SOCIETIES:
                    if surface.endswith(" " + tail):
                        societies.setdefault(tail, ent)
        elif not ent.known and len(surface) > len(ent.name):
            ent.name = surface
        ent.add(surface, span)
    _attach_singles(singles, people, ents, by_key)

    def remap(old: Named, new: Named) -> None:
        for k in [k for k, v in by_key.items() if v is old]:
            by_key[k] = new  # type: ignore[assignment]

    merge_acronyms(doc.body, ents, remap)  # type: ignore[arg-type]
    _surnames(doc.body, ents)
    ents.sort(key=lambda e: e.first)
    out = []
    for e in ents:
        if not e.spans:
            continue  # a byline name the story never uses: a credit, not an entity
        if e.known and e.name not in gazetteer.chosen:  # a newsroom's own name stands
            e.name = _story_name(e.name, e.surfaces)
        low = e.name.lower()
        out.append(
            ResolvedEntity(
                name=e.name,
                type=e.type,
                aliases=tuple(s for s in e.surfaces if s.lower() != low),
                mentions=tuple(Span(a, b) for a, b in sorted(e.spans, key=_START)),
            )
        )
    return out


# Credit and programme lines: "X contributed to this report", "This is the VOA ... Report",
# "Stories with the VOA News byline ...", "Reporting by ...; Editing by ...".
_CREDIT_RE = re.compile(
    r"contributed (?:to )?(?:this |the )?report|contributed reporting|\b(?:reporting|writing|"
    r"editing|additional reporting) by\b|\bbyline\b|provides news and information"
    r"|^this is the\b[^.\n]*\breport\.?\s*$",
    re.I | re.M,
)
_CREDIT_WORDS = ("ontributed", "eporting by", "riting by", "diting by", "byline",
                 "provides news", "his is the", "HIS IS THE", "ONTRIBUTED", "EPORTING BY")
# A photo caption ends with its credit: "(Lameck Masina/VOA)", "(AP Photo/Ben Curtis)".
_PHOTO_CREDIT_RE = re.compile(r"\((?:[A-Z][\w.'’-]*\s?){1,4}/\s?(?:[A-Z][\w.'’-]*\s?){1,4}\)\s*$")
_LIST_ITEM_RE = re.compile(r"(?:\d+[.)]|[-*•–])\s")
_SMALL = frozenset("a an and at by for from in of on or the to with who".split())  # noqa: SIM905


# The literal words one of _CREDIT_RE's alternatives needs (lower case), but for the
# "^this is the ... report" line, which _may_credit checks by itself.
_CREDIT_NEEDS = ("contributed", "reporting by", "writing by", "editing by", "byline",
                 "provides news and information")


def _may_credit(body: str) -> bool:
    """False only when _CREDIT_RE cannot match ``body``: it saves that regex's pass.

    The case-insensitive regex has no literal prefix, so it steps through every offset
    (~0.3 ms an article, a third of issue 15's slow-down), and the cheap _CREDIT_WORDS
    gate lets it run on ~2 articles in 3 ("This is the worst crisis ..." in a quote).
    Plain ``in`` checks on the lowered body tell the rest. Exactness: ``lower()``
    matches the regex's case folding letter by letter unless it changes the length
    ("İ") or the text holds the regex's extra folds of i and s ("ı", "ſ"); then it
    answers True and the regex decides, as before.
    """
    low = body.lower()
    if len(low) != len(body) or "ı" in body or "ſ" in body:
        return True
    if any(word in low for word in _CREDIT_NEEDS):
        return True
    at = low.find("this is the")
    while at >= 0:  # "^this is the ... report": a line that starts so and says "report"
        line_end = low.find("\n", at)
        line = low[at:] if line_end < 0 else low[at:line_end]
        if (at == 0 or low[at - 1] == "\n") and "report" in line:
            return True
        at = low.find("this is the", at + 1)
    return False


def _heading(text: str) -> bool:
    """True for a paragraph that is a title-case line without a full stop: a related-story
    heading, a section or outlet line ("VOA News"), not one of the story's sentences."""
    text = text.strip()
    if not text or text[-1] in '.!?:;"”’)' or "\n" in text or _LIST_ITEM_RE.match(text):
        return False  # a numbered or bulleted line is the story's own list
    words = [w for w in text.split() if w.lower() not in _SMALL]
    return bool(words) and all(w[0].isupper() or not w[0].isalpha() for w in words)


def _off_story(doc: Doc) -> list[tuple[int, int]]:
    """Spans of the body that are page furniture or credits, whose names are no entities.

    One regex pass over the body finds credits; each paragraph is checked for a heading
    shape or a closing photo credit. Most articles have none, so this stays cheap.
    """
    body = doc.body
    off = []
    for p in doc.paragraphs:
        text = body[p.start : p.end]
        if _heading(text) or (
            text.rstrip().endswith(")") and _PHOTO_CREDIT_RE.search(text) is not None
        ):
            off.append((p.start, p.end))
    if not any(word in body for word in _CREDIT_WORDS) or not _may_credit(body):
        return off  # the usual case: no credit line, no regex pass over the body
    starts = [s.start for s in doc.sentences]
    for m in _CREDIT_RE.finditer(body):
        k = bisect_left(starts, m.start() + 1) - 1
        if k >= 0:
            off.append((doc.sentences[k].start, doc.sentences[k].end))
    return off


def _story_name(canonical: str, surfaces: list[str]) -> str:
    """The name as the story writes it: the gazetteer's own name only when the story uses it.

    A reader (and the annotation rules) name an entity by the article's own words:
    "Burma" stays Burma, "World Food Program" is not respelled "Programme". The longest
    full form used wins over acronyms and short forms ("U.N. World Food Program" over WFP).
    """
    low = canonical.lower()
    if not surfaces or any(s.lower() == low for s in surfaces):
        return canonical
    full = [s for s in surfaces if not s.replace(".", "").isupper()] or surfaces
    return max(full, key=len)


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
        ent.add(surface, (m.start, m.end))


def _surnames(body: str, ents: list[_Entity]) -> None:
    """Add uncovered later uses of a person's last name ("Assad has not spoken")."""
    owners: dict[str, list[_Entity]] = {}
    for e in ents:
        if e.type == "PERSON" and len(e.name.split()) > 1:
            last = _PARTICLE_RE.sub("", e.name.split()[-1])
            if len(last) > 2 and last[0].isupper():
                owners.setdefault(last, []).append(e)
    # every whole-word use of each unique last name, leftmost first (str.find, no regex
    # compiled per article); at one position the first-listed name wins
    found: list[tuple[int, int, str]] = []
    for order, (name, es) in enumerate(owners.items()):
        if len(es) != 1:
            continue
        pos = body.find(name)
        while pos >= 0:
            end = pos + len(name)
            before = body[pos - 1] if pos else " "
            after = body[end] if end < len(body) else " "
            if not (before.isalnum() or before in _NOT_BEFORE) and not (
                after.isalnum() or after in "_-"
            ):
                found.append((pos, order, name))
            pos = body.find(name, pos + 1)
    if not found:
        return
    found.sort()
    spans = sorted((s for e in ents for s in e.spans if s[0] < s[1]), key=_START)
    starts = [s[0] for s in spans]
    reach = list(accumulate((s[1] for s in spans), max))  # furthest end so far
    last_end = -1
    for pos, _, name in found:
        end = pos + len(name)
        if pos < last_end:
            continue  # overlaps the previous use, as a regex scan would skip it
        last_end = end
        ent = owners[name][0]
        i = bisect_left(starts, end)
        if ent.first < pos and not (i and reach[i - 1] > pos):
            ent.add(name, (pos, end))


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
