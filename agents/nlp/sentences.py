"""Sentence boundaries inside one paragraph of wire copy.

A hand-written splitter: one compiled regex finds candidate terminators and a
few cheap rules (abbreviations, initials, quotes, ellipses, list markers)
decide which ones end a sentence. pySBD scores one Golden Rule better but is
two orders of magnitude too slow for the stream's throughput budget.
"""

from __future__ import annotations

import re
from itertools import pairwise

from agents.nlp.types import Span
from agents.nlp.wordsets import wordset

__all__ = ["split_sentences"]


# Titles stand before a name, so a capital after them never starts a sentence.
_TITLES = wordset(
    """
    mr mrs ms messrs dr prof gen lt col maj capt cmdr cmdt adm brig sgt cpl pvt gov sen rep
    rev fr sr st mt ft pres supt det insp hon amb atty ald vs v
    """
)
# Abbreviations that stand before a number ("No. 5", "p. 55", "Aug. 5").
_BEFORE_NUMBER = wordset(
    """
    no nos n° nº p pp vol art fig sec ch para approx ca est tel ext op jan feb mar apr jun
    jul aug sep sept oct nov dec
    """
)
# Abbreviations that may end a sentence: they break only before a typical starter.
_SOFT = wordset("co corp inc ltd bros llc plc jr etc al dept univ assn")
# Words that typically open a sentence (pragmatic_segmenter's list, widened for news).
_STARTERS = wordset(
    """
    A After Also An And As At Being But By Did During For From He Her His How However I If
    In It Its Meanwhile Millions More Most Officials On One Our She Since So Some That The
    Their There These They This Those Thousands Today Under We What When Where While Who Why
    With Yet You
    """
)
# "a.m."/"p.m." end a sentence before a capital unless it names the day, month or zone
# ("10 a.m. Tuesday", "6 a.m. GMT") or is a title ("at 5 a.m. Mr. Smith went").
_CLOCK = frozenset({"a.m", "p.m"})
_AFTER_CLOCK = wordset(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May
    June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept
    Oct Nov Dec GMT UTC EST EDT CST CDT MST MDT PST PDT BST CET CEST EET EEST IST JST AEST AEDT
    ET PT CT MT Eastern Pacific Central Mountain Local
    """
) | {t.capitalize() for t in _TITLES}
_SPEECH = r"(?:said|says|asked|asks|added|adds|told|tells|wrote|writes|tweeted|replied|shouted)"

# A terminator: a spaced ellipsis after a space, dots, "…" or [.!?] runs, plus closers.
# Every alternative opens with a literal character, so the regex engine skips to the
# next "." "!" "?" or "…" in C instead of trying a match at every character.
_CANDIDATE = re.compile(
    r"(?:\.(?<=\s\.)(?:\s\.)+|\.\.+|……*|\.[.!?]*|![.!?]*|\?[.!?]*)(['\"”’)\]]*)(?=\s|$)"
)
_NEXT = re.compile(r"\s+([\"'“‘(\[]*)(\S*)")
_SPACED_ELLIPSIS_THEN_CAP = re.compile(r"\s+\.(?:\s\.)+\s+[\"“]?[A-Z]")
_SPEECH_AFTER = re.compile(r"\s+(?:[A-Z][\w.'’-]*\s+){1,4}" + _SPEECH + r"\b")
_OPENERS = "([\"'\u201c\u2018"
_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")
_BULLETS = "•⁃▪◦‣·*"
_MARKER = re.compile(r"([•⁃▪◦‣·*]\s?)?(\d{1,2}|[a-z])(\.\)|\.|\))\s")
_ONLY_MARKER = re.compile(r"\W*(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)]*\W*")


def _token_before(text: str, lo: int, pos: int) -> int:
    """Start of the whitespace-delimited token ending at ``pos`` (openers excluded)."""
    i = pos
    while i > lo and not text[i - 1].isspace() and text[i - 1] not in _OPENERS:
        i -= 1
    return i


def _is_boundary(text: str, m: re.Match[str], sent_start: int, hi: int) -> bool:
    """Decide whether the candidate terminator ``m`` ends the sentence begun at ``sent_start``."""
    start, end, close = m.start(), m.end(), m.group(1)
    term = text[start : m.start(1)]
    if not text[sent_start].isalnum() and not any(ch.isalnum() for ch in text[sent_start:start]):
        return False  # a leading ". . ." or a bare list marker opens the next sentence
    if _ONLY_MARKER.fullmatch(text, sent_start, end):
        return False
    if end >= hi:
        return True
    if start > 0 and text[start - 1] == "[":
        return False  # "[...]" marks an omission, never an end
    nxt = _NEXT.match(text, end, hi)
    if nxt is None or not nxt.group(2):
        return False
    opener, word = nxt.group(1), nxt.group(2)
    first = word[0]
    dots = term.count(".") + term.count("…") * 3
    if first == ".":
        # "compounds. . . . The" ends at the attached period; the ellipsis opens the next.
        return term == "." and bool(_SPACED_ELLIPSIS_THEN_CAP.match(text, end, hi))
    if not (first.isupper() or first.isdigit() or first in '"“'):
        return False  # a lower-case continuation: "Yahoo! in", "'Great.' she said"
    if dots == 3 and not close:
        return False  # a bare three-dot ellipsis marks an omission inside a sentence
    if close and term in ("?", "!") and _SPEECH_AFTER.match(text, end, hi):
        return False  # '"Why?" Smith asked.'
    if term != "." or close:
        return True
    tok_start = _token_before(text, sent_start, start)
    abbr = text[tok_start:start].lower()
    if not abbr:
        return True
    if abbr in _TITLES:
        return False
    bare = word.strip("\"'“‘”’.,;:!?()")
    if abbr in _BEFORE_NUMBER:
        return not first.isdigit() and bare in _STARTERS
    if abbr in _CLOCK:
        return first.isupper() and bare not in _AFTER_CLOCK
    if abbr in _SOFT or _INITIALISM.fullmatch(abbr):
        return bare in _STARTERS or (opener != "" and first.isupper())
    if len(abbr) == 1 and abbr.isalpha():
        # An initial ("Jonas E. Smith") unless a lower-case word precedes it ("you and I.").
        j = tok_start
        while j > sent_start and text[j - 1].isspace():
            j -= 1
        prev_start = _token_before(text, sent_start, j)
        prev_lower = j > prev_start and text[prev_start].islower()
        return bare in _STARTERS or prev_lower
    return True


def _split_plain(text: str, lo: int, hi: int) -> list[Span]:
    spans: list[Span] = []
    sent_start = lo
    for m in _CANDIDATE.finditer(text, lo, hi):
        if _is_boundary(text, m, sent_start, hi):
            spans.append(Span(sent_start, m.end()))
            nxt = m.end()
            while nxt < hi and text[nxt].isspace():
                nxt += 1
            sent_start = nxt
    if sent_start < hi:
        spans.append(Span(sent_start, hi))
    return spans


def _list_items(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Cut a paragraph that opens with a list marker ("1.", "a)", "• 9.") at each next one."""
    first = text[lo]
    if not (first.isdecimal() or "a" <= first <= "z" or first in _BULLETS):
        return [(lo, hi)]  # the common case, decided without the regex
    m = _MARKER.match(text, lo, hi)
    if m is None:
        return [(lo, hi)]
    bullet, label, delim = (m.group(1) or "").strip(), m.group(2), m.group(3)
    cuts = [lo]
    pos = m.end()
    while True:
        label = str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)
        head = re.escape(bullet) + r"\s?" if bullet else ""
        nxt = re.compile(r"\s(" + head + re.escape(label + delim) + r")\s").search(text, pos, hi)
        if nxt is None:
            break
        cuts.append(nxt.start(1))
        pos = nxt.end(1)
    cuts.append(hi)
    return list(pairwise(cuts))


def split_sentences(text: str) -> list[Span]:
    """Split one paragraph into sentence spans.

    Args:
        text: A paragraph's text.

    Returns:
        Spans in text order, each trimmed of surrounding whitespace; together they
        cover every non-space character of ``text`` exactly once.
    """
    hi = len(text.rstrip())
    if hi == 0:
        return []
    lo = len(text) - len(text.lstrip())
    spans: list[Span] = []
    for a, b in _list_items(text, lo, hi):
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.extend(_split_plain(text, a, b))
    return spans
