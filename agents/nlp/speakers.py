"""Speaker attribution: who said each quote, plus reported speech without marks.

Owns ``attribute_quotes``: quote spans become direct and partial ``Quote``s (joined
across paragraphs), sentences like "X told Reuters that ..." become indirect ones, and
each gets a speaker: a named person or organisation, a pronoun's antecedent, a plural
group phrase ("U.S. officials") or, for an unnamed individual ("a witness"), no name
and the description as ``speaker_title``.

Conventions (the gold follows them):
    * one quote per quoted passage: ``"A. B," he said.`` is one quote, ``"A," he said.
      "B."`` is two (the second inherits the first's speaker and cue); a passage left
      open at a paragraph end is joined with the next paragraph's;
    * partial quotes need a reporting cue in their sentence; names and scare quotes
      ("the so-called "caliphate"", a film title) are never quotes;
    * a sentence that holds quote marks yields no indirect quote;
    * an organisation's official voice ("the SDF press office", "Hamas officials")
      is the organisation; a plural group without one ("U.S. defense officials") is
      the group phrase itself; an unnamed individual has ``speaker=None``;
    * pronouns and "the fighter"-style descriptions refer back to the last speaker of
      the fitting kind; the byline author never speaks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from agents.nlp.quotes import (
    Cue,
    find_cues,
    is_name_quote,
    quote_kind,
    reported_clause,
    trailing_clause,
)
from agents.nlp.types import Doc, Mention, Quote, QuoteKind, ResolvedEntity, Span

__all__ = ["attribute_quotes"]


def _wordset(words: str) -> frozenset[str]:
    """Build a word set from a space-separated string (keeps the lists readable)."""
    return frozenset(words.split())


_SPEAKING = ("PERSON", "ORG", "GPE")
_HONORIFIC = re.compile(
    r"(?:\b(?:Lt|Maj|Brig|Gen|Col|Capt|Cmdr|Adm|Sgt|Cpl|Dr|Mr|Mrs|Ms|Sen|Rep|Gov|Prof|Rev|"
    r"Pres|Supt|Insp|Amb|St|Hon)\.\s*)+$"
)
_LEAD = re.compile(
    r"^(?:(?:but|and|still|however|meanwhile|separately|also|earlier|later|then|yet|so|"
    r"now|on|late|early|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b[\s,]*)+",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(
    r"(?:[,;:(\u2014\u2013]|\s-\s|\b(?:that|but|while|whereas|as|because|when|after|although|"
    r"though|since|where|if|before|once|until|unless|so)\b)",
    re.IGNORECASE,
)
_WITH = re.compile(r"\bwith\b", re.IGNORECASE)
_NOT_AUX = _wordset(
    "also had has have been was were is are will would could can may might should must did "
    "does do not never later earlier again previously repeatedly then further already once "
    "reportedly allegedly publicly privately separately often recently had_been"
)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where|when|whom)\b")
_HEAD_STOP = re.compile(
    r"\s(?:of|with|in|from|for|at|on|by|who|which|that|near|inside|outside|based|"
    r"\w+ing|\w+ed(?=\s+(?:in|on|at|by|last|this|from|to|online|earlier|late)\b))\b|\s\(",
    re.IGNORECASE,
)
_OFFICIAL = _wordset(
    "office officials official spokesman spokeswoman spokesperson spokesmen representative "
    "representatives statement command leadership ministry authorities media service "
    "headquarters sources source administration government"
)
_DOCUMENTS = _wordset(
    "report reports statement statements study survey document documents video videos "
    "recording recordings series analysis data figures letter website post posts tweet "
    "message messages footage audio translation account"
)
_GROUP_PLURALS = _wordset("police people personnel staff military media clergy")
_ORG_ANAPHORS = _wordset(
    "group militia organisation organization ministry movement agency army military "
    "government company party alliance coalition force forces office council"
)
_PRONOUNS = {"he": "person", "she": "person", "it": "org", "they": "group"}
_APPOSITION = re.compile(r"(?:a|an|the|its|his|her|their|one|another)\s", re.IGNORECASE)
_MODIFIER = re.compile(r"\b(?:a|an|another|in|of|from|at|with|for|near|by)\s", re.IGNORECASE)
_AFTER_STOP = re.compile(r"[;!?]|\.\s*$|,\s+(?:according|adding|saying|while|as)\b")


@dataclass(frozen=True, slots=True)
class _Who:
    """One speaker as understood at one cue."""

    speaker: str | None
    title: str | None
    span: Span | None
    kind: str  # person | org | group | desc | doc
    head: str = ""


@dataclass(slots=True)
class _Memory:
    """The article's speakers so far, for pronouns and "the fighter" anaphora."""

    last: dict[str, _Who] = field(default_factory=dict)
    descs: list[_Who] = field(default_factory=list)

    def note(self, who: _Who) -> None:
        """Remember ``who`` as the latest speaker of its kind."""
        self.last[who.kind] = who
        self.last["any"] = who
        if who.kind == "desc":
            self.descs.append(who)


class _Article:
    """Per-article lookups: mentions by offset and the canonical name of each."""

    def __init__(self, doc: Doc, entities: list[ResolvedEntity]) -> None:
        self.doc = doc
        self.body = doc.body
        byline = {name.lower() for name in doc.byline}
        self.by_span: dict[tuple[int, int], str] = {}
        self.by_alias: dict[str, str] = {}
        for ent in entities:
            for alias in (ent.name, *ent.aliases):
                self.by_alias.setdefault(alias.lower(), ent.name)
            for sp in ent.mentions:
                self.by_span[(sp.start, sp.end)] = ent.name
        self.mentions = sorted(
            (
                m
                for m in doc.mentions
                if m.type in _SPEAKING and not (byline and self._is_byline(m, byline))
            ),
            key=lambda m: m.start,
        )
        self.para_starts = [p.start for p in doc.paragraphs]
        self.starts = [m.start for m in self.mentions]
        self.cues = find_cues(self.body)
        self.cue_starts = [c.start for c in self.cues]
        self.memory = _Memory()

    def cues_in(self, start: int, end: int) -> list[Cue]:
        """Return the article's reporting cues lying inside ``[start, end)``."""
        i = bisect_right(self.cue_starts, start - 1)
        found: list[Cue] = []
        while i < len(self.cues) and self.cues[i].start < end:
            if self.cues[i].end <= end:
                found.append(self.cues[i])
            i += 1
        return found

    def _is_byline(self, m: Mention, byline: set[str]) -> bool:
        return m.text.lower() in byline or m.canonical.lower() in byline

    def name(self, m: Mention) -> str:
        """Return the canonical entity name for mention ``m``."""
        return (
            self.by_span.get((m.start, m.end))
            or self.by_alias.get(m.text.lower())
            or self.by_alias.get(m.canonical.lower())
            or m.canonical
        )

    def within(self, start: int, end: int) -> list[Mention]:
        """Return the speaking-type mentions lying inside ``[start, end)``."""
        i = bisect_right(self.starts, start - 1)
        found: list[Mention] = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding spaces, commas and quote marks."""
    junk = " \t\n,\"'\u201c\u201d\u2018\u2019"
    while start < end and body[start] in junk:
        start += 1
    while end > start and body[end - 1] in junk:
        end -= 1
    return start, end


def _drop_trailing_aux(body: str, start: int, end: int) -> int:
    """Move ``end`` back over auxiliaries and adverbs between a subject and its verb."""
    while True:
        text = body[start:end].rstrip()
        cut = text.rfind(" ")
        word = text[cut + 1 :]
        if not word or word.lower() not in _NOT_AUX or cut < 0:
            return start + len(text)
        end = start + cut


def _chunk_start(body: str, start: int, end: int, ing: bool) -> int:
    """Return where the clause holding the subject that ends at ``end`` begins."""
    start = max(start, end - 240)  # a subject noun phrase is never longer than this
    text = body[start:end]
    last = 0
    for m in _BOUNDARY.finditer(text):
        last = m.end()
    if ing:
        for m in _WITH.finditer(text, last):
            last = m.end()
    rest = text[last:]
    offset = len(rest) - len(rest.lstrip())
    lead = _LEAD.match(rest.lstrip())
    return start + last + offset + (lead.end() if lead else 0)


def _title_before(art: _Article, start: int, m: Mention, appositive: bool) -> str | None:
    """The role written before a name: "SDF spokesman", "commander of U.S. forces ..."."""
    body = art.body
    chunk = _chunk_start(body, start, m.start, False)
    text = _HONORIFIC.sub("", body[chunk : m.start].rstrip()).strip()
    lead = _HONORIFIC.sub("", body[start : m.start].rstrip()).rstrip()
    if not text and appositive and lead.endswith(","):
        comma = start + len(lead) - 1
        prev = _chunk_start(body, start, comma, False)
        text = body[prev:comma].strip()
    text = re.sub(r"^(?:the|The)\s+", "", text).strip(" ,")
    if not text or len(text.split()) > 10 or art.cues_in(chunk, m.start):
        return None
    return text


def _head(np: str) -> str:
    """Return the head noun of a short noun phrase ("fighter" for "an IS fighter ...")."""
    stop = _HEAD_STOP.search(" " + np)
    core = np[: stop.start() - 1] if stop and stop.start() > 0 else np
    words = core.split()
    return words[-1].lower().strip(".,") if words else ""


def _named(art: _Article, m: Mention, title: str | None) -> _Who:
    """A speaker named by mention ``m`` (a person, or an organisation or country)."""
    kind = "person" if m.type == "PERSON" else "org"
    return _Who(art.name(m), title, Span(m.start, m.end), kind, m.text.split()[-1].lower())


def _describe(art: _Article, start: int, end: int) -> _Who | None:
    """Classify an unnamed subject noun phrase ``body[start:end]``."""
    np = art.body[start:end].strip()
    words = np.split()
    if not words or len(words) > 14:
        return None
    low = np.lower()
    if low in _PRONOUNS or (
        len(words) == 2 and words[0].lower() == "the" and words[1].lower() in _ORG_ANAPHORS
    ):
        kind = _PRONOUNS.get(low, "org")
        found = art.memory.last.get(kind) or (
            art.memory.last.get("org") if kind == "group" else None
        )
        if found is None:
            found = _last_mention(art, start, "PERSON" if kind == "person" else "ORG")
            if found is not None or low in _PRONOUNS:
                return found
        else:
            return _Who(
                found.speaker,
                found.title if found.speaker is None else None,
                None,
                found.kind,
                found.head,
            )
    head = _head(np)
    orgs = [m for m in art.within(start, end) if m.type == "ORG"]
    if orgs and (head in _OFFICIAL or head in _DOCUMENTS):
        title = re.sub(r"^(?:the|The)\s+", "", np)
        return _Who(art.name(orgs[0]), title, Span(orgs[0].start, orgs[0].end), "org", head)
    if head in _DOCUMENTS:
        return _Who(None, np, Span(start, end), "doc", head)
    if not head.isalpha():
        return None
    if all(w[:1].isupper() for w in words) and len(words) <= 3 and head != words[0].lower():
        return _Who(np, None, Span(start, end), "person", head)  # a name the tagger missed
    if (head.endswith("s") and not head.endswith("ss")) or head in _GROUP_PLURALS:
        phrase = re.sub(r"^(?:the|The)\s+", "", np)
        return _Who(phrase, None, Span(end - len(phrase), end), "group", head)
    if words[0].lower() == "the":
        for prior in reversed(art.memory.descs):
            if prior.head == head:
                return prior
        person = art.memory.last.get("person")
        if person and person.title and _head(person.title) == head:
            return person
    return _Who(None, np, Span(start, end), "desc", head)


def _last_mention(art: _Article, before: int, etype: str) -> _Who | None:
    """Fall back to the last ``etype`` mention before ``before`` for a pronoun."""
    for m in reversed(art.within(0, before)):
        if m.type == etype:
            return _Who(art.name(m), None, None, "person" if etype == "PERSON" else "org")
    return None


def _subject_before(art: _Article, start: int, end: int, ing: bool = False) -> _Who | None:
    """Find the subject that ends right before a cue at ``end`` (looking back to ``start``).

    Handles "SDF spokesman Kino Gabriel told", "Zana Amedi, a media official with the
    YPG, which ..., tweeted", "The commander of U.S. forces, Gen. Joseph Votel, warned",
    pronouns and unnamed descriptions.
    """
    body = art.body
    start, end = _strip(body, start, end)
    end = _drop_trailing_aux(body, start, end)
    start, end = _strip(body, start, end)
    if end <= start:
        return None
    tail = body[start : end + 1].rstrip()
    if tail.endswith(","):  # "Name, apposition," before the verb
        people = [m for m in art.within(start, end) if m.type == "PERSON"]
        orgs = [m for m in art.within(start, end) if m.type != "PERSON"]
        for m in people[::-1] if people else orgs:
            if body.startswith(",", m.end) or body[m.end : end].strip() == "":
                app = body[m.end : end].strip(" ,")
                rel = _RELATIVE.search(app)
                app = (app[: rel.start()] if rel else app).strip(" ,") or None
                pre = _title_before(art, start, m, True)
                return _named(art, m, pre or app)
    chunk = _chunk_start(body, start, end, ing)
    inside = art.within(chunk, end)
    if inside and inside[-1].end >= end - 1:
        m = inside[-1]
        lead = body[chunk : m.start].strip()
        if m.type == "PERSON":
            return _named(art, m, _title_before(art, start, m, False))
        if not re.search(r"\b(?:of|with|from|for|at|in|by|and)\b", lead):
            return _named(art, m, None)
    return _describe(art, chunk, end)


def _subject_after(art: _Article, start: int, end: int) -> _Who | None:
    """Find an inverted subject after a cue: ``said Prime Minister X, ...``."""
    body = art.body
    stop = len(body[start:end]) if end > start else 0
    for m_end in re.finditer(_AFTER_STOP, body[start:end]):
        stop = m_end.start()
        break
    limit = start + stop
    for m in art.within(start, limit):
        if len(body[start : m.start].split()) > 6 or _MODIFIER.search(body, start, m.start):
            break  # "said a farmer in the village of X": X only modifies the speaker
        pre = re.sub(r"^\s*(?:the|The)\s+", "", _HONORIFIC.sub("", body[start : m.start]))
        app = None
        if body.startswith(",", m.end):
            app = body[m.end + 1 : limit].strip(" ,")
            rel = _RELATIVE.search(", " + app)
            app = (app[: rel.start() - 2] if rel else app).strip(" ,") or None
            if app and (len(app.split()) > 12 or not _APPOSITION.match(app)):
                app = None
        return _named(art, m, pre.strip(" ,") or app)
    comma = body.find(",", start, limit)
    return _describe(art, start, comma if comma > 0 else limit)


@dataclass(frozen=True, slots=True)
class _Unit:
    """One quoted passage, possibly joined across paragraphs."""

    start: int
    end: int
    text: str
    open_end: bool
    mark: int  # offset of the opening mark
    close: int  # one past the closing mark (or the paragraph end)


_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'


def _units(doc: Doc) -> list[_Unit]:
    """Join quote spans that run on across paragraphs into passages."""
    body = doc.body
    para_starts = [p.start for p in doc.paragraphs]
    spans = sorted(doc.quote_spans, key=lambda q: q.start)
    units: list[_Unit] = []
    i = 0
    while i < len(spans):
        first = last = spans[i]
        parts = [first.text]
        while last.open_end and i + 1 < len(spans):
            nxt = spans[i + 1]
            p = bisect_right(para_starts, nxt.start) - 1
            if p < 1 or bisect_right(para_starts, last.start) - 1 != p - 1:
                break
            if body[para_starts[p] : nxt.start].strip(" " + _MARKS):
                break
            parts.append(nxt.text)
            last = nxt
            i += 1
        mark = first.start - 1
        while mark > 0 and body[mark] not in _MARKS and first.start - mark < 4:
            mark -= 1
        close = last.end
        while close < len(body) and body[close] in " " + _MARKS and close - last.end < 3:
            close += 1
        units.append(_Unit(first.start, last.end, " ".join(parts), last.open_end, mark, close))
        i += 1
    return units


def _sentence(doc: Doc, starts: list[int], pos: int) -> Span:
    """Return the sentence (else the paragraph) holding offset ``pos``."""
    k = bisect_right(starts, pos) - 1
    if k >= 0 and doc.sentences[k].start <= pos < doc.sentences[k].end:
        return doc.sentences[k]
    return _paragraph(doc, pos)


def _after_quote(art: _Article, unit: _Unit, stop: int) -> tuple[_Who, Cue] | None:
    """Attribution after a quote: ``"...," Zana Amedi, a media official, tweeted``."""
    body = art.body
    terminal = unit.text.rstrip()[-1:] in ".?!"
    if terminal and body[unit.close : stop].lstrip()[:1].isupper():
        terminal = None  # "...now." The army said ... starts a new sentence unless it is short
    for cue in art.cues_in(unit.close, stop):
        if terminal is None and len(body[cue.end : stop].split()) > 3:
            return None
        if cue.lemma == "according to":
            who = _subject_after(art, cue.end, stop)
        else:
            gap = len(body[unit.close : cue.start].split())
            if gap > (30 if terminal is False else 4):
                return None
            who = (
                _subject_before(art, unit.close, cue.start)
                if gap
                else _subject_after(art, cue.end, stop)
            )
        if who is not None:
            return who, cue
    return None


_ING_OK = re.compile(
    r"(?:\b(?:is|are|was|were|been|be|am)\s+|\bwith\s+(?:[\w.'-]+\s+){1,5})$", re.IGNORECASE
)


def _ing(body: str, start: int, cue: Cue) -> bool | None:
    """Classify an -ing cue: True in "with officials cautioning", None when it is no verb.

    "an IS fighter claiming to be ..." is a noun modifier, not a reporting verb; an -ing
    cue reports only after a form of "be" or in a "with X -ing" clause. Returns False
    for cues that are not -ing forms.
    """
    if not cue.text.split()[0].endswith("ing"):
        return False
    return True if _ING_OK.search(body, start, cue.start) else None


def _before_quote(art: _Article, sent: Span, mark: int, nearest: bool) -> tuple[_Who, Cue] | None:
    """Attribution before a quote: ``Votel said: "..."`` or a partial quote's cue."""
    body = art.body
    lead = body[sent.start : mark].rstrip()
    if not nearest and not lead.endswith((":", ",")):
        return None
    for cue in reversed(art.cues_in(sent.start, mark)):
        if not nearest and len(body[cue.end : mark].split()) > 6:
            return None
        if cue.lemma == "according to":
            who = _subject_after(art, cue.end, mark)
        else:
            ing = _ing(art.body, sent.start, cue)
            if ing is None:
                continue
            who = _subject_before(art, sent.start, cue.start, ing)
        if who is not None:
            return who, cue
    return None


def _quote(unit: _Unit, kind: QuoteKind, who: _Who | None, cue: str | None, sent: Span) -> Quote:
    named = who is not None and who.kind != "desc" and who.speaker is not None
    return Quote(
        start=unit.start,
        end=unit.end,
        text=unit.text,
        kind=kind,
        speaker=who.speaker if who else None,
        speaker_title=who.title if who else None,
        cue=cue,
        sentence=sent,
        speaker_span=who.span if named and who else None,
    )


def _indirect(art: _Article, sent: Span, names: dict[int, int]) -> Quote | None:
    """Reported speech without marks in sentence ``sent``, if any."""
    body = art.body
    noted: list[_Who] = []
    for cue in art.cues_in(sent.start, sent.end):
        if cue.lemma == "according to":
            who = _subject_after(art, cue.end, sent.end)
            comma = body.find(",", cue.end, sent.end)
            lead = body[sent.start : cue.start].strip()
            if not lead and comma > 0:
                content: tuple[int, int] | None = _strip(body, comma, sent.end)
            elif lead.endswith(","):
                content = _strip(body, sent.start, cue.start)
            else:
                content = None
        else:
            ing = _ing(art.body, sent.start, cue)
            if ing is None:
                continue
            who = _subject_before(art, sent.start, cue.start, ing)
            content = reported_clause(body, cue, sent.end, names)
            if content is None and who is not None:
                content = trailing_clause(body, sent.start, cue, sent.end, names)
        if who is None:
            continue
        if who.kind != "doc" and who not in noted:
            art.memory.note(who)
            noted.append(who)
        if content is not None and who.kind != "doc":
            start, end = _strip(body, *content)
            end = start + len(body[start:end].rstrip(". "))
            span = who.span if who.kind != "desc" else None
            return Quote(
                start,
                end,
                body[start:end],
                "indirect",
                who.speaker,
                who.title,
                cue.text,
                sent,
                span,
            )
    return None


def attribute_quotes(doc: Doc, entities: list[ResolvedEntity]) -> list[Quote]:
    """Build the article's quotes and attribute each to its speaker.

    Invariant: quotes come out in body order; ``start``/``end`` are body offsets of the
    quoted words (a quote joined across paragraphs spans all of them and its ``text``
    joins the parts with a space); ``sentence`` holds the quote's start.

    Args:
        doc: The article with paragraphs, sentences, mentions and quote spans in body
            offsets.
        entities: The article's resolved entities, used to name speakers canonically.

    Returns:
        Direct, partial and indirect quotes.
    """
    art = _Article(doc, entities)
    body = doc.body
    starts = [s.start for s in doc.sentences]
    names = {m.start: m.end for m in doc.mentions}
    units: list[tuple[_Unit, Span, QuoteKind]] = []
    for u in _units(doc):
        sent = _sentence(doc, starts, u.start)
        kind = quote_kind(body[sent.start : u.mark], u.text, u.open_end)
        if kind == "direct" or not is_name_quote(body, u.mark + 1):
            units.append((u, sent, kind))
    covered = {_key(sent) for _, sent, _ in units}
    covered |= {_key(_sentence(doc, starts, max(u.start, u.end - 1))) for u, _, _ in units}
    items: list[tuple[int, Span, _Unit | None, QuoteKind]] = [
        (u.start, s, u, k) for u, s, k in units
    ]
    items += [(s.start, s, None, "indirect") for s in doc.sentences if _key(s) not in covered]
    items.sort(key=lambda item: item[0])
    quotes: list[Quote] = []
    prev: Quote | None = None
    marks = [u.mark for u, _, _ in units]
    for _, sent, unit, kind in items:
        if unit is None:
            found = _indirect(art, sent, names)
            if found is not None:
                quotes.append(found)
            continue
        para = _paragraph(doc, max(unit.close - 1, 0), art.para_starts)
        nxt = [m for m in marks if unit.close <= m < para.end]
        stop = min([_sentence(doc, starts, max(unit.close - 1, 0)).end, para.end, *nxt])
        if kind == "partial":
            found_cue = _before_quote(art, sent, unit.mark, True) or _after_quote(art, unit, stop)
            if found_cue is None:
                continue
        else:
            found_cue = _after_quote(art, unit, stop) or _before_quote(art, sent, unit.mark, False)
        if found_cue is not None:
            who, cue = found_cue
            art.memory.note(who)
            prev = _quote(unit, kind, who, cue.text, sent)
        else:
            prev = _inherit(
                art, unit, kind, sent, prev, _paragraph(doc, unit.start, art.para_starts)
            )
        quotes.append(prev)
    return quotes


def _key(span: Span) -> tuple[int, int]:
    return span.start, span.end


def _paragraph(doc: Doc, pos: int, starts: list[int] | None = None) -> Span:
    """Return the paragraph holding offset ``pos`` (``starts``: paragraph starts)."""
    starts = starts if starts is not None else [p.start for p in doc.paragraphs]
    k = bisect_right(starts, pos) - 1
    return doc.paragraphs[k] if k >= 0 else Span(0, len(doc.body))


def _inherit(
    art: _Article, unit: _Unit, kind: QuoteKind, sent: Span, prev: Quote | None, para: Span
) -> Quote:
    """A quote with no cue of its own continues the last speaker."""
    if prev is not None and para.start <= prev.start < para.end:
        return replace(
            prev, start=unit.start, end=unit.end, text=unit.text, kind=kind, sentence=sent
        )
    who = art.memory.last.get("any")
    if who is not None and who.speaker is not None:
        who = _Who(who.speaker, None, None, who.kind, who.head)
    return _quote(unit, kind, who, None, sent)
