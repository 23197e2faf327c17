"""Unnamed speakers: what a subject noun phrase without a name refers to.

Owns ``describe`` (a pronoun's or "the group"'s antecedent, an organisation's official
voice, a plural group phrase, a document, or an unnamed individual such as "a
witness") and ``head_noun``. Kept apart from ``subjects.py``, which finds where the
subject is; this decides what it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from agents.nlp.quote_context import QuoteContext, Who
from agents.nlp.types import Span
from agents.nlp.wordsets import wordset

__all__ = ["describe", "head_noun"]


_THE = re.compile(r"^(?:the|The)\s+")
_HEAD_STOP = re.compile(
    r"\s(?:of|with|in|from|for|at|on|by|who|which|that|near|inside|outside|based|"
    r"\w+ing|\w+ed(?=\s+(?:in|on|at|by|last|this|from|to|online|earlier|late)\b))\b|\s\(",
    re.IGNORECASE,
)
_OFFICIAL = wordset(
    "office officials official spokesman spokeswoman spokesperson spokesmen representative "
    "representatives statement command leadership ministry authorities media service "
    "headquarters sources source administration government analysts analyst economists "
    "economist strategists strategist researchers researcher"
)
_DOCUMENTS = wordset(
    "report reports statement statements study survey document documents video videos "
    "recording recordings series analysis data figures letter website post posts tweet "
    "message messages footage audio translation account"
)
#: Documents a speaker issues, so "the statement" is the last speaker's.
_ISSUED = wordset("statement statements letter message messages post posts tweet")
#: Words that make a subject a clause or an indefinite, never a source's description.
_SOURCE_WORDS = wordset(
    "he she they we i it what who whom whose which those everyone everybody nobody "
    "anyone anybody someone somebody not"
)
#: Titles that "the <title>" takes up again for the person who holds it.
_ROLE_HEADS = wordset(
    "president minister governor mayor commander general spokesman spokeswoman chief "
    "leader secretary envoy ambassador premier chancellor king prince senator director "
    "chairman chairwoman commissioner"
)
_ONE_PERSON = wordset(
    "spokesman spokeswoman spokesperson official representative source analyst economist "
    "strategist researcher"
)
_INDEFINITE = wordset("a an one another")
_GROUP_PLURALS = wordset("police people personnel staff military media clergy")
_ORG_ANAPHORS = wordset(
    "group militia organisation organization ministry movement agency army military "
    "government company party alliance coalition force forces office council association "
    "mission commission committee union federation institute foundation"
)
#: Heads that a described organisation takes up again: "the aid group", "the rights group".
_GROUPISH = wordset("group organisation organization agency movement militia alliance coalition "
                     "charity party")
#: Heads of an institution that speaks for itself once it is named ("the Kenyan army").
_BODIES = wordset(
    "ministry government army military police agency council court office authority "
    "authorities parliament cabinet presidency command navy force forces guard department "
    "service bureau commission committee board"
)
#: A country's own institutions: "the army said" is that army, not the last organisation.
_NATIONAL = wordset("army military government police navy cabinet parliament presidency")
#: Institutions whose place may be dropped from their description.
_INSTITUTIONS = wordset(
    "commission committee ministry government council court office authority agency "
    "parliament cabinet presidency"
)
_PLACE_TAIL = re.compile(r"\s+in\s+(?:the\s+)?[A-Z][^,;]*$")
_RELATIVE_NP = re.compile(r",?\s+(?:who|whom|whose|which)\s")
_PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "group"}


def head_noun(np: str) -> str:
    """Return the head noun of a short noun phrase ("fighter" for "an IS fighter ...")."""
    stop = _HEAD_STOP.search(" " + np)
    core = np[: stop.start() - 1] if stop and stop.start() > 0 else np
    words = core.split()
    return words[-1].lower().strip(".,") if words else ""


def _anaphor(art: QuoteContext, start: int, low: str) -> Who | None:
    """Resolve a pronoun or "the group"-style phrase to the last fitting speaker.

    Returns the speaker remembered for the pronoun's kind, else the last named
    person or organisation before ``start``, else None.
    """
    kind = _PRONOUNS.get(low, "org")
    if kind == "person":
        subject = _subject_person(art, start)
        if subject is not None:
            return subject
    memory = art.memory.last
    found = memory.get(kind) or (memory.get("org") if kind == "group" else None)
    if found is not None:
        return Who(
            found.speaker,
            found.title if found.speaker is None or found.kind == "desc" else None,
            None,
            found.kind,
            found.head,
        )
    return _last_mention(art, start, "PERSON" if kind == "person" else "ORG")


_LEAD_PLACE = re.compile(r"(?:In|in|At|at|Across|across)\s+(the\s+)?")


def _placed_group(art: QuoteContext, start: int, end: int, np: str) -> Who | None:
    """ "In the neighboring X Province authorities": the authorities in X, named in
    FORMAT.md's form "authorities in the X Province" (the place is what identifies them).
    """
    lead = _LEAD_PLACE.match(np)
    if lead is None:
        return None
    at = start + art.body[start:end].index(np)
    places = [m for m in art.within(at, end) if m.type in ("GPE", "LOC")]
    if not places:
        return None
    place = places[-1]
    rest = art.body[place.end : end].strip(" ,")
    if not rest or not rest.split()[-1].islower() or len(rest.split()) > 4:
        return None
    the = "the " if lead.group(1) else ""
    phrase = f"{rest} {lead.group().split()[0].lower()} {the}{place.text}"
    head = head_noun(rest)
    return Who(phrase, phrase, Span(place.start, end), "group" if head.endswith("s") else "desc",
               head)


def _person_by_word(art: QuoteContext, word: str) -> str | None:
    """The one person entity with ``word`` as its first or last name ("Kim" for "Kim Jong
    Un", "Trump" for "Donald Trump"), else None."""
    low = word.lower()
    found = {
        e.name for e in art.entities
        if e.type == "PERSON" and len(e.name.split()) > 1
        and low in (e.name.split()[0].lower(), e.name.split()[-1].lower())
    }
    return found.pop() if len(found) == 1 else None


def _titled_person(art: QuoteContext, start: int, head: str) -> Who | None:
    """ "The president" after "Kenyan President Uhuru Kenyatta": the last person named
    with that title before ``start``."""
    body = art.body
    for m in reversed(art.within(max(0, start - 1500), start)):
        if m.type == "PERSON" and head in body[max(0, m.start - 40) : m.start].lower().split():
            return Who(art.name(m), None, Span(m.start, m.end), "person",
                       m.text.split()[-1].lower())
    return None


def _named_by_head(art: QuoteContext, start: int, head: str) -> Who | None:
    """ "The association" after "the Association of Ghana Industries": the last
    organisation named before ``start`` whose name holds the head word."""
    head = head.lower()
    for m in reversed(art.within(max(0, start - 1500), start)):
        if m.type == "ORG" and head in m.text.lower().split():
            return Who(art.name(m), None, None, "org", head)
    return None


def _subject_person(art: QuoteContext, start: int) -> Who | None:
    """The person a "he" or "she" at ``start`` most likely is: the nearest one named as
    the subject of one of the three sentences before it ("President Uhuru Kenyatta
    visited the mall. He said ..."), unless a person spoke after that sentence.

    Subject position: only capitalised title words (and "of", "the") stand before the
    name in its sentence, so "Police arrested John Mbadi" names no subject.
    """
    body = art.body
    last = art.memory.last.get("person")
    floor = -1
    if last is not None and last.span is not None:
        floor = last.span.start
    elif last is not None:  # a pronoun spoke last: its person's last mention bounds the search
        floor = next((m.start for m in reversed(art.within(0, start))
                      if m.type == "PERSON" and art.name(m) == last.speaker), -1)
    k = bisect_right(art.sent_starts, start) - 1
    for j in range(k - 1, max(-1, k - 4), -1):
        sent = art.doc.sentences[j]
        if sent.end <= floor:
            break
        for m in art.within(sent.start, sent.end):
            if m.type != "PERSON":
                continue
            lead = body[sent.start : m.start].split()
            if m.start > floor and len(lead) <= 6 and all(
                w[:1].isupper() or w in ("of", "the", "and") for w in lead
            ):
                return Who(art.name(m), None, Span(m.start, m.end), "person",
                           m.text.split()[-1].lower())
            break
    return None


def _names_its_body(words: list[str]) -> bool:
    """True when a capitalised word says which institution: "the Gaza health ministry".

    Up to six words, none of them "a"/"an" ("a ministry" is no particular one).
    """
    lead = words[1:] if words[0].lower() == "the" else words
    return (len(words) <= 6 and words[0].lower() not in ("a", "an")
            and any(w[:1].isupper() for w in lead[:-1]))


def _org_anaphor(words: list[str]) -> bool:
    """ "the group", "the aid group", "the rights group": an organisation named before.

    Only lower-case words between "the" and a group-like head: "the Syrian government"
    and "the regional prosecutor's office" name bodies of their own, not the last
    organisation that spoke.
    """
    if len(words) == 2:
        return words[0].lower() == "the" and words[1].lower() in _ORG_ANAPHORS
    return (len(words) <= 4 and words[0].lower() == "the" and words[-1].lower() in _GROUPISH
            and all(w.islower() and not w.endswith(("'s", "’s")) for w in words[1:-1]))


def describe(art: QuoteContext, start: int, end: int) -> Who | None:
    """Classify an unnamed subject noun phrase ``body[start:end]``.

    Args:
        art: The article's lookups and speaker memory.
        start: Where the noun phrase begins.
        end: Where it ends (the cue, or a comma before it).

    Returns:
        The speaker it names or refers to, or None when it cannot speak.
    """
    rel = _RELATIVE_NP.search(art.body, start, end)
    if rel is not None and art.body[start : rel.start()].strip():
        end = rel.start()  # "Residents who fled Sinja in June": the residents
    np = art.body[start:end].strip()
    words = np.split()
    if not words or len(words) > 14:
        return None
    place = _PLACE_TAIL.search(np) if " in " in np else None
    if place is not None and head_noun(np) in _INSTITUTIONS and \
            len([w for w in np[: place.start()].split() if w.lower() != "the"]) >= 2:
        # "The electoral commission in the Central African Republic": the commission,
        # named by the shortest form that identifies it (FORMAT.md)
        end = start + art.body[start:end].index(np) + place.start()
        np = np[: place.start()]
        words = np.split()
    low = np.lower()
    placed = _placed_group(art, start, end, np) if low.startswith(("in ", "at ", "across ")) \
        else None
    if placed is not None:
        return placed
    if low in _PRONOUNS:
        return _anaphor(art, start, low)
    if not _SOURCE_WORDS.isdisjoint(low.split()) or (
        words[0].islower() and words[0].endswith("ing")
    ):
        return None  # a clause or an indefinite ("Not everyone", "what he"), no source
    if _org_anaphor(words):
        found = _named_by_head(art, start, words[-1])
        if found is None and words[-1].lower() not in _NATIONAL:
            # "the group" takes up the last organisation; "the army" or "the government"
            # is the country's own institution unless one with that head was named
            found = _anaphor(art, start, low)
        if found is not None:
            return found
    if len(words) == 1 and words[0][:1].isupper():
        person = _person_by_word(art, words[0])
        if person is not None:
            return Who(person, None, Span(start, end), "person", words[0].lower())
    head = head_noun(np)
    if words[0].lower() == "the" and len(words) == 2 and head in _ROLE_HEADS:
        titled = _titled_person(art, start, head)
        if titled is not None:
            return titled
    if (head in _OFFICIAL or head in _DOCUMENTS) and not (
        head in _ONE_PERSON and words[0].lower() in _INDEFINITE
    ):  # "A Treasury spokeswoman" is an unnamed person, "the Treasury" the body
        orgs = [m for m in art.within(start, end) if m.type == "ORG"]
        if orgs:
            title = _THE.sub("", np)
            return Who(art.name(orgs[0]), title, Span(orgs[0].start, orgs[0].end), "org", head)
    if head in _BODIES and _names_its_body(words):
        phrase = _THE.sub("", np)  # "the Gaza health ministry": that ministry speaks
        return Who(phrase, None, Span(end - len(phrase), end), "org", head)
    if head in _DOCUMENTS:
        if head in _ISSUED and words[0].lower() == "the" and \
                f"a {head}" in art.body[max(0, start - 400) : start]:
            # "X said in a statement ... The statement said": X's statement
            issuer = art.memory.last.get("any")
            if issuer is not None and issuer.kind in ("person", "org", "group"):
                return Who(issuer.speaker, None, None, issuer.kind, issuer.head)
        # "the report said": a document is the source of what it says
        return Who(np, np, Span(start, end), "doc", head)
    if not head.isalpha():
        return None
    if all(w[:1].isupper() for w in words) and len(words) <= 3 and head != words[0].lower():
        return Who(np, None, Span(start, end), "person", head)  # a name the tagger missed
    if (head.endswith("s") and not head.endswith("ss")) or head in _GROUP_PLURALS:
        phrase = _THE.sub("", np)
        return Who(phrase, None, Span(end - len(phrase), end), "group", head)
    if words[0].lower() == "the":
        for prior in reversed(art.memory.descs):
            if prior.head == head:
                return prior
        person = art.memory.last.get("person")
        if person and person.title and head_noun(person.title) == head:
            return person
        last = art.memory.last.get("any")
        if head in _ONE_PERSON and len(words) == 2 and last is not None and last.kind == "person":
            return last  # "The spokesman said": the person who just spoke
    # An unnamed source is named by its description as written ("a local source",
    # "Witnesses in Tehran"): FORMAT.md's speaker for a source without a name.
    return Who(np, np, Span(start, end), "desc", head)


def _last_mention(art: QuoteContext, before: int, etype: str) -> Who | None:
    """Fall back to the last ``etype`` mention before ``before`` for a pronoun."""
    body = art.body
    for m in reversed(art.within(0, before)):
        if m.type == etype and not body[max(0, m.start - 5) : m.start].endswith((" on ", "via ")):
            # "said on Twitter": a platform carries speech, it does not speak
            return Who(art.name(m), None, None, "person" if etype == "PERSON" else "org")
    return None
