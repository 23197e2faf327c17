"""Reported clauses: the content of indirect speech around a reporting cue.

Owns where the reported words of "X told Reuters [that] <content>" and "<content>, X
said" begin and end, skipping listeners, time and medium adverbials and a dateline
("NAIROBI (Reuters) - ") that opens the story's first paragraph.
"""

from __future__ import annotations

import re

from agents.nlp.quote_cues import Cue
from agents.nlp.wordsets import wordset

__all__ = ["parenthetical_clause", "reported_clause", "strip_dateline", "trailing_clause"]


_LISTENER = re.compile(
    r"\s+(?:(?:the|a|an|U\.S\.|US|Western|foreign|local|state|visiting)\s+)*"
    r"(?:news\s+agency|agency|TV|television|radio|newspaper|daily|broadcaster|channel|"
    r"network|station|reporters?|journalists?|lawmakers|legislators|senators|parliament|"
    r"congress|audience|crowd|supporters|residents|delegates|diplomats|me|us|him|her|them|"
    r"you|news\s+conference|press\s+conference|court|council|assembly|committee)\b"
)
_DAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_ADVERBIAL = re.compile(
    r",?\s+(?:(?:on|late|early|earlier|later)\s+)?(?:"
    rf"(?:on\s+)?{_DAYS}(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:last|this|next)\s+(?:week|month|year|night|weekend)|yesterday|today|tonight"
    r"|in\s+recent\s+(?:days|weeks|months)|recently|also|again|repeatedly|separately"
    r"|privately|publicly|previously|earlier|later|late|early|once"
    r"|on\s+(?:Twitter|X|Facebook|Telegram|Instagram|television|TV|radio|state\s+TV)"
    r"|(?:in|during)\s+(?:a|an|his|her|their|its|the)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|speech|briefing|post|tweet|message|letter|address|video"
    r"|report|note|comments?|remarks)(?:\s+(?:on|to|with)\s+(?:the\s+)?[\w.-]+)?"
    r"|at\s+a\s+(?:news|press)\s+(?:conference|briefing))(?=[\s,.;]|$)"
)
_ADVERB_LEAD = wordset(
    "in on at by from during earlier later late early over via after before through "
    "under inside outside near"
)
_THAT = re.compile(r",?\s+that\b")
_NOT_CLAUSE_START = wordset("to of for on in at by with as and but or if from")
_CLAUSE_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|could|can|may|might|should|must|"
    r"did|does|do|remain|remains|need|needs|want|wants|[a-z]+ed)\b"
)
# What "said" takes that is no clause: "said nothing", "said goodbye to", "said prayers".
_NOT_SAID = wordset(
    "nothing something anything little much goodbye farewell hello yes no so sorry thanks "
    "thank prayers grace mass"
)
_SUBJECT_PRONOUN = wordset("he she they it we i there this")
_END_TRIM = " \t\n.;:,\"'\u201c\u201d"


def _skip_modifiers(text: str, cue: Cue, end: int, names: dict[int, int]) -> int:
    """Return the offset after a cue's listener ("told the AFP news agency") and adverbials."""
    pos = cue.end
    if cue.obj:
        lead = re.match(r"\s+(?:(?:the|a|an)\s+)?", text[pos:end], re.IGNORECASE)
        at = pos + (lead.end() if lead else 0)
        if at in names:
            pos = names[at]
        while (m := _LISTENER.match(text, pos, end)) is not None:
            pos = m.end()
    while (m := _ADVERBIAL.match(text, pos, end)) is not None:
        pos = m.end()
    return pos


def reported_clause(text: str, cue: Cue, end: int, names: dict[int, int]) -> tuple[int, int] | None:
    """Find the reported content after a cue: "told Reuters [that] <content>".

    Skips a listener for verbs that take one (a named mention, "reporters", "U.S.
    lawmakers"), time and medium adverbials ("on Tuesday", "in a statement") and
    "that". Without "that", only verbs that commonly drop it qualify, and the rest
    must look like a clause (an auxiliary, a past form or a subject pronoun) rather
    than an object ("claimed responsibility") or an infinitive ("urged people to").

    Args:
        text: The article body.
        cue: The reporting cue.
        end: End of the sentence.
        names: Start offset -> end offset of each name mention, to skip a listener.

    Returns:
        The content's ``(start, end)`` in ``text``, or None when there is none.
    """
    pos = _skip_modifiers(text, cue, end, names)
    that = _THAT.match(text, pos, end)
    if that is None:
        # an adverbial the list does not know, then "that": "said earlier in the day
        # that", "said by telephone that", "told reporters in Kano that"
        first = text[pos : pos + 12].split(None, 1)
        later = _THAT.search(text, pos, min(end, pos + 60)) \
            if first and first[0].lower() in _ADVERB_LEAD else None
        window = text[pos : later.start()].split() if later else []
        if later and window and len(window) <= 6 \
                and not any("," in w for w in window):
            that = later
    if that is None and not cue.zero:
        later = _THAT.search(text, pos, end)
        window = text[pos : later.start()] if later else ""
        if later is None or "," in window or len(window.split(None, 7)) > 6:
            return None
        that = later
    if that is not None:
        pos = that.end()
    start = pos + len(text[pos:end]) - len(text[pos:end].lstrip())
    stop = start + len(text[start:end].rstrip(_END_TRIM))
    words = text[start:stop].split(None, 3)
    if len(words) < 3 or not text[start].isalnum():
        return None
    first = words[0].lower()
    if that is None and (
        (first in _NOT_CLAUSE_START and not re.match(r"at\s+(?:least|most)\b", text[start:]))
        or not (
            first in _SUBJECT_PRONOUN
            or _CLAUSE_HINT.search(text, start, stop)
            or (
                cue.lemma == "say"
                and len(words) > 3
                and first.strip(",") not in _NOT_SAID
                and (cue.ing or not text[: cue.start].rstrip().endswith(","))  # ", said X,"
            )
        )
    ):
        # "say" is followed by a clause, not an object, whatever its verb's form: "the
        # gunmen wore masks", "the government stands ready"; other verbs need a sign.
        return None
    return start, stop


def trailing_clause(
    text: str, start: int, cue: Cue, end: int, names: dict[int, int]
) -> tuple[int, int] | None:
    """Find reported content that comes before its attribution: "<content>, X said."

    The attribution must be a short subject after the sentence's last comma, and only a
    listener and adverbials ("told AFP on Wednesday", "said in a statement") may follow
    the cue.

    Args:
        text: The article body.
        start: Start of the sentence.
        cue: The reporting cue.
        end: End of the sentence.
        names: Start offset -> end offset of each name mention, to skip a listener.

    Returns:
        The content's ``(start, end)``, or None when the sentence is not of that shape.
    """
    comma = text.rfind(",", start, cue.start)
    if comma < 0 or len(text[comma + 1 : cue.start].split(None, 9)) > 8:
        return None
    rest = text[_skip_modifiers(text, cue, end, names) : end].strip(" \t\n.;\"'\u201d")
    if rest and not rest.startswith(","):  # ", as rescuers dug ..." may follow
        return None
    stop = start + len(text[start:comma].rstrip(_END_TRIM))
    return (start, stop) if len(text[start:stop].split(None, 4)) >= 4 else None


_NOT_RESUMING = wordset(
    "as and but while whereas according which who whom when after before since because "
    "though although citing noting adding saying if unless so"
)
_OPENERS = wordset("but and however still yet so meanwhile instead")


def parenthetical_clause(
    text: str, start: int, cue: Cue, end: int, names: dict[int, int]
) -> list[tuple[int, int]] | None:
    """Find reported content split by its attribution: "Two of the planets, researchers
    said, are exposed to ..." or "But, X said, there are differences ...".

    Returns:
        The content's pieces in order (one when only "But" stands before the
        attribution, else two), or None when the sentence is not of that shape.
    """
    comma = text.rfind(",", start, cue.start)
    if comma < 0 or len(text[comma + 1 : cue.start].split(None, 7)) > 6:
        return None
    after = _skip_modifiers(text, cue, end, names)
    rest = text[after:end]
    if not rest.lstrip().startswith(","):
        return None
    resume = after + len(rest) - len(rest.lstrip()) + 1
    resume += len(text[resume:end]) - len(text[resume:end].lstrip())
    words = text[resume:end].split(None, 3)
    first = words[0].strip(",") if words else ""
    if len(words) < 3 or first in _NOT_RESUMING or not (
        _CLAUSE_HINT.fullmatch(first) or first in _SUBJECT_PRONOUN
    ):
        return None  # the sentence must resume with its verb: ", are exposed to ..."
    stop = resume + len(text[resume:end].rstrip(_END_TRIM))
    lead = text[start:comma].strip()
    if lead.lower() in _OPENERS:
        return [(resume, stop)]
    if len(lead.split(None, 2)) < 2:
        return None
    return [(start, start + len(text[start:comma].rstrip())), (resume, stop)]


_DATELINE = re.compile(
    r"[A-Z][A-Z'\u2019./-]{2,}(?:\s+[A-Z][A-Z'\u2019./-]+)*"  # NAIROBI, ST. LOUIS, CAIRO/GAZA
    r"(?:,\s*(?:[A-Z][\w.'\u2019-]*|of|the|\d{1,2})(?:\s+(?:[A-Z][\w.'\u2019-]*|of|the|\d{1,2}))*)*"
    r"\s*(?:\((?:AP|Reuters|AFP|VOA|UPI|dpa|Xinhua|Bloomberg|Anadolu)\)\s*)?"
    r"(?:\u2014|\u2013|--?)\s+"
)


def strip_dateline(text: str, start: int, end: int) -> int:
    """Return where reported content begins once a story dateline is skipped.

    Wire stories open with a dateline ("NAIROBI (Reuters) - ", "KYIV, Ukraine (AP)
    \u2014 "); when reported content starts a story, the dateline belongs to the story,
    not to what the source said.

    Args:
        text: The article body.
        start: Where the content begins.
        end: Where it ends.

    Returns:
        The offset after the dateline, or ``start`` when there is none.
    """
    found = _DATELINE.match(text, start, end)
    return found.end() if found else start
