"""Subjects of reporting cues: who is speaking in "X said" and "said X".

Owns finding the speaker noun phrase next to a cue and turning it into a ``Who``: a
named person or organisation with the title written around the name, a pronoun's or
"the fighter"'s antecedent, a plural group phrase ("U.S. officials") or an unnamed
description ("a witness"). ``speakers.py`` decides which cue belongs to which quote.
"""

from __future__ import annotations

import re
from itertools import repeat

from agents.nlp.quote_context import QuoteContext, Who
from agents.nlp.quote_descriptions import describe
from agents.nlp.types import Mention, Span
from agents.nlp.wordsets import wordset

__all__ = ["MAIN_VERB", "strip_span", "subject_after", "subject_before"]


_HONORIFIC = re.compile(
    r"(?:\b(?:Lt|Maj|Brig|Gen|Col|Capt|Cmdr|Adm|Sgt|Cpl|Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Prof|Rev|"
    r"Pres|Supt|Insp|Amb|St|Hon)\.\s*)+$"
)
_LEAD = re.compile(
    r"^(?:(?:but|and|still|however|meanwhile|separately|also|earlier|later|then|yet|so|"
    r"now|on|late|early|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b[\s,]*)+",
    re.IGNORECASE,
)
# Clause boundaries before a subject: punctuation is found with str.rfind, the words
# with this pattern over the short stretch after the last punctuation mark.
_BOUNDARY_MARKS = tuple(",;:(\u2014\u2013")
_SPACED_DASH = re.compile(r"\s-\s")
_CONJUNCTIONS = wordset(
    "that but while whereas as because when after although though since where if before "
    "once until unless so what"
)
_WORD_RUN = re.compile(r"\w+")
_CONJUNCTION_WORDS = re.compile(
    r"\b(?:that|but|while|whereas|as|because|when|after|although|though|since|where|if|"
    r"before|once|until|unless|so|what)\b",
    re.IGNORECASE,
)
_WITH = re.compile(r"\bwith\b", re.IGNORECASE)
_ROLES = wordset(
    "spokesman spokeswoman spokesperson director head chief minister commander official "
    "president secretary coordinator representative member leader chairman chairwoman "
    "founder analyst researcher professor expert mayor governor ambassador envoy adviser "
    "advisor manager officer editor lawyer attorney general colonel captain"
)
# Between a place or organisation and a person after a cue, only a title's words:
# "U.S. special envoy Daniel Whitcomb", "UNICEF spokesperson James Elder".
_TITLE_GAP = re.compile(r"(?:['’]s)?\s+(?:(?!(?:and|or|with|to)\s)[A-Za-z-]+\s+){1,4}")
_QUOTED = re.compile(r"\b(?:quote[sd]?|quoting|cite[sd]?|citing)\s+")
_OF_ORG = re.compile(r",?\s+(?:of|from|at|with)\s+(?:the\s+)?")
_AGE_LEAD = re.compile(r"^\d{1,3},\s+")
_AND_TAIL = re.compile(r"\s+and\s*$")
_ARTICLES = frozenset(["a", "an", "the", "its", "his", "her", "their"])
_IRREGULAR = (
    "said|told|struck|hit|shot|took|made|gave|sent|met|held|led|fought|won|lost|began|broke|"
    "brought|built|drew|fled|found|kept|left|put|ran|rose|saw|set|spoke|stood|threw|withdrew|"
    "wrote|went|came|caught|fell|drove|flew|got"
)
_PAST_IRREGULAR = frozenset(_IRREGULAR.split("|"))
#: A main verb for "X <verb> ..., saying": a lower-case past form after a space.
MAIN_VERB = re.compile(rf"(?<=\s)(?:[a-z]+ed|{_IRREGULAR}|says|blames|accuses|denies|rejects)\b")
_THE = re.compile(r"^(?:the|The)\s+")
_SPACED_THE = re.compile(r"^\s*(?:the|The)\s+")
_NOT_AUX = wordset(
    "also had has have been was were is are will would could can may might should must did "
    "does do not never later earlier again previously repeatedly then further already once "
    "reportedly allegedly publicly privately separately often recently had_been each both"
)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where|when|whom)\b")
_APPOSITION = re.compile(r"(?:a|an|the|its|his|her|their|one|another)\s", re.IGNORECASE)
_MODIFIER = re.compile(r"\b(?:a|an|another|in|of|from|at|with|for|near|by)\s", re.IGNORECASE)
_AFTER_STOP = re.compile(r"[;!?]|\.\s*$|,\s+(?:according|adding|saying|while|as)\b")
_PREPOSITIONS = wordset(
    "in at on from with for of by near to into across inside outside within without against "
    "after before during under over between among like unlike about including than toward "
    "towards via per amid despite behind beyond around through throughout since until upon"
)
_RELATIVES = wordset("which who whose whom where when")
_DETERMINERS_SHORT = wordset("the a an")
# -ing and -ed words that open a title, not an aside: "acting head of ...".
_TITLE_WORDS = wordset("acting ranking outgoing incoming retired elected")
_LINKS = re.compile(r"\b(?:of|with|from|for|at|in|by|and)\b")
_JUNK = " \t\n,\"'\u201c\u201d\u2018\u2019"


def strip_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding spaces, commas and quote marks."""
    while start < end and body[start] in _JUNK:
        start += 1
    while end > start and body[end - 1] in _JUNK:
        end -= 1
    return start, end


def _drop_trailing_aux(body: str, start: int, end: int) -> int:
    """Move ``end`` back over auxiliaries and adverbs between a subject and its verb."""
    while True:
        text = body[start:end].rstrip()
        cut = text.rfind(" ")
        word = text[cut + 1 :]
        if not word or cut < 0 or not (
            word.lower() in _NOT_AUX
            or (word.islower() and len(word) > 4 and word.endswith("ly"))  # "unexpectedly"
        ):
            return start + len(text)
        end = start + cut


def _chunk_start(body: str, start: int, end: int, ing: bool) -> int:
    """Return where the clause holding the subject that ends at ``end`` begins.

    The last clause boundary wins: a mark (",", ";", a dash ...) or a conjunction
    ("that", "while", "as" ...). This runs at every cue over a short stretch, so it
    uses ``str.rfind`` and a token check instead of a regex scan.
    """
    start = max(start, end - 240)  # a subject noun phrase is never longer than this
    last = max(map(body.rfind, _BOUNDARY_MARKS, repeat(start, 6), repeat(end, 6))) + 1
    last = max(last, start)
    if "-" in body[last:end]:  # a spaced hyphen (" - ") is a dash
        for m in _SPACED_DASH.finditer(body, last, end):
            last = m.end()
    last = _after_conjunction(body, last, end)
    if ing:
        for m in _WITH.finditer(body, last, end):
            last = m.end()
    rest = body[last:end]
    stripped = rest.lstrip()
    lead = _LEAD.match(stripped)
    return last + len(rest) - len(stripped) + (lead.end() if lead else 0)


def _first_predicate(body: str, start: int, end: int) -> int | None:
    """Where the first verb starts when ``body[start:end]`` is "<subject> <verb> ... and".

    A cue after "and" shares its subject with an earlier predicate: "Police arrested
    two men on Monday and said ...". The verb is the first lower-case word after the
    subject that is a past form ("-ed" or a common irregular one), not right after an
    article ("the armed group" is a noun phrase).
    """
    seg = body[start:end]
    tail = _AND_TAIL.search(seg)
    if tail is None:
        return None
    words = seg[: tail.start()].split()
    at = 0
    for k, word in enumerate(words):
        at = seg.index(word, at)
        if k and word.islower() and (word.endswith("ed") or word in _PAST_IRREGULAR) \
                and words[k - 1].lower() not in _ARTICLES:
            return start + at
        at += len(word)
    return None


def _after_conjunction(body: str, start: int, end: int) -> int:
    """Return the end of the last conjunction word in ``body[start:end]``, else ``start``.

    A word counts only as a whole run of word characters ("that's" holds "that",
    "whatever" holds none), as a regex ``\\b`` would see it in the slice.
    """
    seg = body[start:end].lower()
    if len(seg) != end - start:  # lower-casing changed a length: offsets would drift
        found = list(_CONJUNCTION_WORDS.finditer(body[start:end]))
        return start + found[-1].end() if found else start
    limit = len(seg)
    for token in reversed(seg.split()):
        at = seg.rfind(token, 0, limit)
        limit = at
        if token.isalpha():
            if token in _CONJUNCTIONS:
                return start + at + len(token)
            continue
        for run in reversed(list(_WORD_RUN.finditer(token))):
            if run.group() in _CONJUNCTIONS:
                return start + at + run.end()
    return start


def _bare_role(text: str) -> bool:
    """True for an apposition that names a role without an article: "spokesman for the
    ministry", "communications director for UNRWA" (not "adding that ...")."""
    words = text.split(None, 3)[:3]
    return text[:1].islower() and any(w.strip(",").lower() in _ROLES for w in words)


def _strip_honorific(text: str) -> str:
    """Drop honorifics ("Brig. Gen.") that end ``text``; they belong to the name."""
    # Every honorific ends in a period: skip the regex for the usual case without one.
    return _HONORIFIC.sub("", text) if text.rstrip().endswith(".") else text


def _title_before(art: QuoteContext, start: int, m: Mention, appositive: bool) -> str | None:
    """The role written before a name: "SDF spokesman", "commander of U.S. forces ..."."""
    body = art.body
    chunk = _chunk_start(body, start, m.start, False)
    text = _strip_honorific(body[chunk : m.start].rstrip()).strip()
    if not text and appositive:
        lead = _strip_honorific(body[start : m.start].rstrip()).rstrip()
        if lead.endswith(","):
            comma = start + len(lead) - 1
            prev = _chunk_start(body, start, comma, False)
            text = body[prev:comma].strip()
    text = _THE.sub("", text).strip(" ,")
    if not text or len(text.split(None, 11)) > 10 or art.cues_in(chunk, m.start):
        return None
    return text


def _named(art: QuoteContext, m: Mention, title: str | None) -> Who:
    """A speaker named by mention ``m`` (a person, or an organisation or country)."""
    kind = "person" if m.type == "PERSON" else "org"
    return Who(art.name(m), title, Span(m.start, m.end), kind, m.text.split()[-1].lower())


def _appositive_subject(art: QuoteContext, start: int, end: int) -> Who | None:
    """The subject of "Name, apposition, said" or "The statement, posted online, said".

    The speaker is the first name followed by the apposition's comma that is not part
    of an introductory phrase ("In Gaza, Hamas, which ..., said"; "After meeting
    Erdogan, Putin, ..., said"): people before organisations and places. An aside
    that is a participle, relative or prepositional phrase is no title; with no name
    before it, the noun phrase before the aside is the subject.
    """
    body = art.body
    inside = art.within(start, end)
    people = [m for m in inside if m.type == "PERSON"]
    for m in people or [m for m in inside if m.type != "PERSON"]:
        if not (body.startswith(",", m.end) or body[m.end : end].strip() == ""):
            continue
        if _introduced(body, start, m.start) or (
            m.type != "PERSON" and _in_phrase(body, max(start, body.rfind(",", start, m.start)), m)
        ):
            continue
        app = body[m.end : end].strip(" ,")
        rel = _RELATIVE.search(app)
        app = (app[: rel.start()] if rel else app).strip(" ,") or None
        pre = _title_before(art, start, m, True)
        return _named(art, m, _as_title(pre) or _as_title(app))
    opening = body.rfind(",", start, end)
    if opening > start:
        aside = body[opening + 1 : end].lstrip()
        if _is_aside(aside) or _APPOSITION.match(aside):
            # "Activists in El Fasher, the capital of North Darfur, said"
            return subject_before(art, start, opening)
    return None


def _in_phrase(body: str, start: int, m: Mention) -> bool:
    """Tell whether a place or organisation is the object of a preposition in its phrase.

    "the capital of North Darfur" names Darfur only to describe something else.
    """
    return any(w.lower() in _PREPOSITIONS for w in body[start : m.start].split())


def _introduced(body: str, start: int, at: int) -> bool:
    """Tell whether the name at ``at`` sits in a prepositional or participle phrase."""
    words = body[max(start, at - 60) : at].split()
    while words and words[-1].lower() in _DETERMINERS_SHORT:
        words.pop()
    if not words:
        return False
    word = words[-1].lower()
    return word in _PREPOSITIONS or _is_participle(word)


def _is_participle(word: str) -> bool:
    """Tell whether a lower-case word is an -ing or -ed participle ("speaking", "posted")."""
    return word.endswith(("ing", "ed")) and word.isalpha() and word not in _TITLE_WORDS


def _is_aside(text: str) -> bool:
    """Tell whether ``text`` is an aside rather than a title: "posted online", "who ..."."""
    words = text.split(None, 1)
    if not words:
        return False
    first = words[0]
    low = first.lower()
    return low in _PREPOSITIONS or low in _RELATIVES or (first.islower() and _is_participle(low))


def _as_title(text: str | None) -> str | None:
    """Return ``text`` as a title, or None when it is an aside ("in a recording ...")."""
    return None if text is None or _is_aside(text) else text


def subject_before(art: QuoteContext, start: int, end: int, ing: bool = False) -> Who | None:
    """Find the subject that ends right before a cue at ``end`` (looking back to ``start``).

    Handles "SDF spokesman Kino Gabriel told", "Zana Amedi, a media official with the
    YPG, which ..., tweeted", "The commander of U.S. forces, Gen. Joseph Votel, warned",
    pronouns and unnamed descriptions.

    Args:
        art: The article's lookups and speaker memory.
        start: How far back the subject may reach (the sentence or clause start).
        end: Where the cue begins.
        ing: True for an -ing cue in a "with X cautioning" clause, whose subject
            starts after "with".

    Returns:
        The speaker, or None when nothing before the cue can speak.
    """
    body = art.body
    if body.startswith("as ", end):  # "the agency quoted Kim as saying": Kim speaks
        found = list(_QUOTED.finditer(body, start, end))
        if found:
            start = found[-1].end()
    start, end = strip_span(body, start, end)
    end = _drop_trailing_aux(body, start, end)
    start, end = strip_span(body, start, end)
    if end <= start:
        return None
    if body.startswith(",", end):  # "Name, apposition," before the verb
        found = _appositive_subject(art, start, end)
        if found is not None:
            return found
    chunk = _chunk_start(body, start, end, ing)
    verb = _first_predicate(body, chunk, end)
    if verb is not None:  # "Police arrested two men and said": the subject of "arrested"
        return subject_before(art, chunk, verb)
    inside = art.within(chunk, end)
    if len(inside) > 1 and inside[-1].end >= end - 1 and inside[-1].type != "PERSON":
        for p in inside[:-1]:
            if p.type == "PERSON" and _OF_ORG.fullmatch(body, p.end, inside[-1].start):
                # "Elif Tuncer of Bogazici University warned": the person speaks
                title = _title_before(art, start, p, False)
                return _named(art, p, title)
    if inside and inside[-1].end >= end - 1:
        m = inside[-1]
        if m.type == "GPE" and len(inside) > 1 and inside[-2].type == "ORG" \
                and body[inside[-2].end : m.start] == " ":
            m = inside[-2]  # "Amnesty International Kenya": the organisation's branch
        if m.type == "PERSON":
            return _named(art, m, _title_before(art, start, m, False))
        if not _LINKS.search(body[chunk : m.start].strip()):
            return _named(art, m, None)
    return describe(art, chunk, end)


def subject_after(art: QuoteContext, start: int, end: int) -> Who | None:
    """Find an inverted subject after a cue: ``said Prime Minister X, ...``.

    Args:
        art: The article's lookups and speaker memory.
        start: Where the cue ends.
        end: How far the subject may reach (the sentence end or the next quote).

    Returns:
        The speaker, or None when nothing after the cue can speak.
    """
    body = art.body
    stop = _AFTER_STOP.search(body, start, end) if end > start else None
    limit = stop.start() if stop else max(start, end)
    found = art.within(start, limit)
    for k, m in enumerate(found):
        if m.type != "PERSON" and k + 1 < len(found) and found[k + 1].type == "PERSON" \
                and _TITLE_GAP.fullmatch(body, m.end, found[k + 1].start):
            continue  # "said U.S. special envoy Daniel Whitcomb": the envoy speaks
        if len(body[start : m.start].split(None, 7)) > 6 or _MODIFIER.search(body, start, m.start):
            break  # "said a farmer in the village of X": X only modifies the speaker
        pre = _SPACED_THE.sub("", _strip_honorific(body[start : m.start]))
        app = None
        if body.startswith(",", m.end):
            app = _AGE_LEAD.sub("", body[m.end + 1 : limit].strip(" ,"))  # "X, 52, a mother"
            rel = _RELATIVE.search(", " + app)
            app = (app[: rel.start() - 2] if rel else app).strip(" ,") or None
            if app and not _APPOSITION.match(app) and _bare_role(app):
                app = app.split(",", 1)[0].strip()  # "director for UNRWA, the U.N. agency"
            elif app and (len(app.split(None, 13)) > 12 or not _APPOSITION.match(app)):
                app = None
        return _named(art, m, pre.strip(" ,") or app)
    comma = body.find(",", start, limit)
    return describe(art, start, comma if comma > 0 else limit)
