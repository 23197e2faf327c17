"""Name mentions in one paragraph: gazetteer names plus shape rules for names it lacks.

One regex finds runs of capitalised words; each run is matched against the gazetteer,
then read by shape and context (a title before it, a speech verb after it, an
apposition, a place preposition: ``names_shapes``). Overlaps resolve longest-first.
The pluggable ``NerBackend`` interface lives in ``backends`` and is re-exported here.
"""

from __future__ import annotations

import re
from itertools import pairwise

from agents.nlp.aliases import acronym_fits
from agents.nlp.backends import (
    BackendUnavailableError,
    NerBackend,
    RuleBackend,
    SpacyBackend,
    get_backend,
)
from agents.nlp.gazetteer import Gazetteer
from agents.nlp.names_rules import (
    OF,
    PARTICLE_BEFORE_RE,
    PARTICLES,
    RUN_RE,
    TOK_RE,
    Rules,
    name_word,
    prev_words,
    rules_for,
    sentence_start,
    shouting,
)
from agents.nlp.names_shapes import classify, org_shapes
from agents.nlp.types import Mention

__all__ = [
    "BackendUnavailableError",
    "NerBackend",
    "RuleBackend",
    "SpacyBackend",
    "find_mentions",
    "get_backend",
]


def run_mentions(text: str, rs: int, re_: int, r: Rules, out: list[tuple[int, Mention]]) -> None:
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
        if not (end - rs <= 3 and word.isupper() and shouting(text, rs, end)):
            out.append((0, Mention(rs, end, text[rs:end], hit[1], hit[0], "gazetteer")))
        return
    toks = [m.span() for m in TOK_RE.finditer(text, rs, re_)]
    words = [text[a:b] for a, b in toks]
    n = len(toks)
    covered: list[str] = [""] * (n + 1)
    i = 0
    while i < n:
        hit2 = (None if words[i].islower() and not (i == 0 and words[i] in ("al", "el"))
                else r.gaz.match(text, toks, i))
        if hit2 is None:
            i += 1
            continue
        end, canonical, etype = hit2
        s = toks[i][0]
        if end - s <= 3 and text[s:end].isupper() and shouting(text, s, end):
            i += 1
            continue
        last = out[-1][1] if out else None
        if (
            etype == "ORG"
            and text[s:end] in _SOCIETIES
            and last is not None
            and last.type in ("GPE", "NORP")
            and last.end == s - 1
            and text[last.end] == " "
            and last.start >= rs
        ):
            # a national society is an organisation of its own: "Kenya Red Cross"
            out[-1] = (
                0,
                Mention(
                    last.start,
                    end,
                    text[last.start : end],
                    "ORG",
                    text[last.start : end],
                    "name-shape",
                ),
            )
            for k in range(i):
                if toks[k][0] >= last.start:
                    covered[k] = "ORG"
        else:
            out.append((0, Mention(s, end, text[s:end], etype, canonical, "gazetteer")))
        while i < n and toks[i][0] < end:
            covered[i] = etype
            i += 1
    if not r.org.isdisjoint(words) or (
        ("'s" in word or "’s" in word) and any(w.endswith(("'s", "’s")) for w in words)
    ):
        org_shapes(text, toks, words, r, out)
    prev: list[str] = []
    if words[0] not in r.function and not covered[0]:  # only a name at the run start reads them
        prev = prev_words(text, rs)
    i = 0
    while i < n:
        w = words[i]
        if covered[i] or w.islower() or w in r.function or (i and words[i - 1] in OF):
            i += 1
            continue
        lo = r.strip_title(words, i)
        titled = lo > i or (i == 0 and r.titled(prev))
        j = lo
        while (
            j < n
            and not covered[j]
            and ((not words[j].islower() and words[j] not in r.function) or words[j] in PARTICLES)
        ):
            j += 1
        while j > lo and words[j - 1] in PARTICLES:
            j -= 1
        if j == lo:
            i = max(j, i + 1)
            continue
        if " ".join(words[lo:j]).lower() in r.titles:
            i = j  # a title on its own names no one: "Luxembourg's Prime Minister, Juncker"
            continue
        inner = _inner_title(words, lo, j, r)
        if inner is not None:  # "Van Governor Murat Kaya": the place and title are his title
            lo, titled = inner, True
        given = words[lo] in r.given
        if lo and covered[lo - 1] and not (titled or given or words[lo - 1].endswith("s")):
            i = j  # a word after a known name is its head, not a new name: "Georgian Dream"
            continue
        while (titled or given) and j < n and covered[j] not in ("", "ORG") and not covered[j + 1]:
            # a one-word place or people name inside a person's name: "Mustafa Bali",
            # "George Washington", "Mohammed Shia al-Sudani"
            j += 1
            while j < n and not covered[j] and name_word(words[j], r):
                j += 1
        classify(
            text,
            toks,
            words,
            lo,
            j,
            titled,
            given,
            prev if i == 0 else [],
            lo == 0 and sentence_start(text, rs),
            r,
            out,
        )
        i = j


def _acronym_of(acronym: str, name: Mention) -> bool:
    """True when a bracketed ``acronym`` right after ``name`` abbreviates it.

    Its letters fit the name's initials ("Syrian Democratic Forces (SDF)"), or the
    name is an organisation and the acronym four capitals or more: agencies keep the
    acronym of their own language ("Disaster and Emergency Management Authority
    (AFAD)", "MONUSCO").
    """
    return acronym_fits(acronym, name.text) or (
        name.type == "ORG" and len(acronym) >= 4 and acronym.isupper())


# "Disaster and Emergency Management Authority": capitalised words and "and" before an
# organisation's name-shape, not themselves a known name.
_AND_PREFIX = re.compile(r"(?:[A-Z][a-z]+\s){1,3}and\s$")


def _with_and_prefix(text: str, mentions: list[Mention]) -> list[Mention]:
    """Organisation name-shapes extended over "X and" before them (one name, not two)."""
    out: list[Mention] = []
    for m in mentions:
        if m.type == "ORG" and m.source == "name-shape":
            prefix = _AND_PREFIX.search(text, max(0, m.start - 40), m.start)
            if prefix and (not out or out[-1].end <= prefix.start()):
                start = prefix.start()
                m = Mention(start, m.end, text[start : m.end], "ORG", text[start : m.end],
                            m.source)
        out.append(m)
    return out


# Organisations posted to a country take it into their name: "African Union Mission in
# Somalia", "UN Office in Geneva".
_POSTED = ("Mission", "Office", "Delegation", "Embassy", "Representation")
_IN_RE = re.compile(r" in (?:the )?")


def _with_place(text: str, mentions: list[Mention]) -> list[Mention]:
    """Join "<organisation> Mission in <place>" into one organisation name."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type == "ORG"
            and m.type in ("GPE", "LOC")
            and prev.text.endswith(_POSTED)
            and _IN_RE.fullmatch(text, prev.end, m.start)
        ):
            name = text[prev.start : m.end]
            out[-1] = Mention(prev.start, m.end, name, "ORG", name, "name-shape")
            continue
        out.append(m)
    return out


def _inner_title(words: list[str], lo: int, hi: int, r: Rules) -> int | None:
    """Where the name starts when a title stands inside a capitalised run, else None.

    Wire copy puts a place or an office before a title: "Van Governor Murat Kaya",
    "Lagos State Governor Babajide Sanwo-Olu". What follows the title is the name
    when it is a known given name or at least two name words ("Governor's Office"
    stays as it is).
    """
    for k in range(lo + 1, hi - 1):
        after = r.strip_title(words, k)
        if after > k and (hi - after >= 2 or words[after] in r.given):
            return after
    return None


_REGION_AFTER_RE = re.compile(r"\s+(?:region|province|state|regional\s+state)\b")
_ADJECTIVE_ENDS = ("ish", "ian", "ese", "ean", "an", "ic", "s")
_SOCIETIES = frozenset(["Red Cross", "Red Crescent", "Red Cross Society", "Red Crescent Society"])
_ACRONYM_RE = re.compile(r"\s*[(\[]\s*([A-Z][A-Za-z&.]{0,8}[A-Z]s?)\s*[)\]]")


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
    r = rules_for(gazetteer)
    cands: list[tuple[int, Mention]] = []
    for run in RUN_RE.finditer(text):
        rs, run_end = run.span()
        if rs > 1 and text[rs - 1] in "-‑":
            particle = PARTICLE_BEFORE_RE.search(text, max(0, rs - 4), rs)
            rs = particle.start() if particle else rs
        elif rs > 2 and text[rs - 3 : rs] in ("al ", "el ") and (rs == 3 or text[rs - 4] == " ") \
                and r.gaz.lookup(text[rs - 3 : run_end].split(" ", 2)[0] + " "
                                 + text[rs:run_end].split(" ", 1)[0]) is not None:
            rs -= 3  # "al Qaeda": the particle written apart still starts the name
        run_mentions(text, rs, run_end, r, cands)
    found = _select(cands)
    out: list[Mention] = []
    for m in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type != "PERSON"
            and m.start > prev.end
            and ("(" in text[prev.end : prev.end + 3] or "[" in text[prev.end : prev.end + 3])
        ):
            acr = _ACRONYM_RE.match(text, prev.end)
            if acr and not _acronym_of(acr.group(1), prev):
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
    out = _with_and_prefix(text, _with_place(text, out))
    for k, m in enumerate(out):
        if m.type == "NORP" and not m.text.endswith(_ADJECTIVE_ENDS) \
                and _REGION_AFTER_RE.match(text, m.end):
            # "the Amhara region": a people's own name names their region ("the Kurdish
            # region" and "the Syrian city" keep the adjective)
            out[k] = Mention(m.start, m.end, m.text, "GPE", m.text, m.source)
    last = out[-1] if out else None
    acr = _ACRONYM_RE.match(text, last.end) if last and last.type != "PERSON" else None
    if last is not None and acr and _acronym_of(acr.group(1), last):
        out.append(
            Mention(acr.start(1), acr.end(1), acr.group(1), last.type, last.canonical, "name-shape")
        )
    return out
