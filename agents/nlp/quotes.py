"""Quotation marks: where quoted words are and whether they are speech at all.

Owns the per-paragraph scan for quotation marks (double, and single outside them) and
the direct/partial/name decision for a quoted span. Reporting cues live in
``quote_cues.py``, reported clauses in ``quote_clauses.py``, and who said it is decided
in ``speakers.py``.
"""

from __future__ import annotations

import re

from agents.nlp.types import QuoteKind, QuoteSpan
from agents.nlp.wordsets import wordset

__all__ = ["find_quote_spans", "is_name_quote", "quote_kind"]


_MARK = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_OPENERS = "\u201c\u201e\u00ab"
# A straight mark opens after these (or at the start); anywhere else it closes. An
# apostrophe is never a double mark, so "They're" and "VBIED's" need no special case.
_OPEN_BEFORE = frozenset(" \t\n([{\u2014\u2013-/")
# Words right before a quote that make it a name, not speech: film and book titles,
# operation names, nicknames and scare quotes ("the so-called "caliphate"").
# Matched as suffixes of the lower-cased text before the mark, so "renamed" counts.
_NAMING_ENDS = tuple(
    wordset(
        "so-called dubbed nicknamed codenamed code-named titled entitled named called "
        "film movie documentary book novel memoir song album series show programme program "
        "play slogan hashtag operation term word phrase motto banner headline"
    )
)
_KNOWN_AS = re.compile(r"known\s+as$")
_OPEN_MARKS = '"\u201c\u201e\u00ab'


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Find the words between double quotation marks in one paragraph.

    Curly marks say which way they face. A straight mark opens when it follows the
    start, a space, an opening bracket or a dash, and closes otherwise. Single marks
    inside a double-marked span are left alone (nested 'quotes' stay inside it); outside
    one, a phrase of up to 12 words in single marks is a quote too, and apostrophes
    ("Kenya’s", "the Kurds' leaders") are never marks. A quote
    still open at the end of the paragraph gets ``open_end=True``: wire copy leaves a
    multi-paragraph quote unclosed and reopens it in the next paragraph.

    Args:
        text: One paragraph's text.

    Returns:
        The quoted spans, marks excluded and whitespace trimmed, offsets into ``text``.
    """
    spans: list[QuoteSpan] = []
    opened: int | None = None
    for m in _MARK.finditer(text):
        i, mark = m.start(), m.group()
        if opened is None:
            if mark in _OPENERS or (mark == '"' and (i == 0 or text[i - 1] in _OPEN_BEFORE)):
                opened = i + 1
        elif mark in _OPENERS:
            opened = i + 1  # an unclosed quote followed by a new one: keep the newer
        else:
            _add_span(spans, text, opened, i, False)
            opened = None
    if opened is not None:
        _add_span(spans, text, opened, len(text), True)
    if "\u2018" in text or " '" in text or text.startswith("'"):
        singles = [q for q in _single_spans(text)
                   if not any(d.start - 1 <= q.start < d.end + 1 for d in spans)]
        if singles:
            spans = sorted(spans + singles, key=lambda q: q.start)
    return spans


# A single-marked quote: the opener starts a word after a space or bracket; the closer
# ends one (a letter or digit after it would make it an apostrophe: "Kenya’s", "’90s").
_SINGLE_RE = re.compile(
    r"(?:^|(?<=[\s(\[\u2014\u2013]))([\u2018'])(?=[A-Za-z])"
    r"([^\u2018\n\"\u201c\u201d]{2,120}?[\w.,!?])[\u2019'](?!\w)"
)


def _single_spans(text: str) -> list[QuoteSpan]:
    """Quotes in single marks (‘calculated decision’, 'grave violation'), at most 12 words.

    The closer must match the opener's kind (‘ with ’, ' with ') and end a word, so
    apostrophes inside ("Kenya’s") or after a plural ("the Kurds' leaders") are no marks.
    """
    out: list[QuoteSpan] = []
    for m in _SINGLE_RE.finditer(text):
        opener, inner = m.group(1), m.group(2)
        closer = text[m.end(2) : m.end(2) + 1]
        if closer != ("\u2019" if opener == "\u2018" else "'") or len(inner.split()) > 12:
            continue
        out.append(QuoteSpan(m.start(2), m.end(2), inner, False))
    return out


def _add_span(spans: list[QuoteSpan], text: str, start: int, end: int, open_end: bool) -> None:
    """Append the trimmed span ``text[start:end]`` unless it is blank."""
    inner = text[start:end]
    left = len(inner) - len(inner.lstrip())
    right = len(inner.rstrip())
    if right > left:
        spans.append(QuoteSpan(start + left, start + right, inner[left:right], open_end))


def is_name_quote(text: str, mark_start: int) -> bool:
    """Tell whether the quote opening at ``mark_start`` is a name or scare quote.

    "the so-called "caliphate"", "the film "Lost in Mosul"" and "an operation
    dubbed "Olive Branch"" put a name in marks; nobody is being quoted.

    Args:
        text: The text holding the quote.
        mark_start: Offset of the opening mark.

    Returns:
        True when the words just before the mark introduce a name.
    """
    # Suffix tests instead of a regex search: this runs for every partial quote.
    lead = text[max(0, mark_start - 40) : mark_start].rstrip()
    if lead[-1:] in _OPEN_MARKS:
        lead = lead[:-1].rstrip()
    lead = lead.lower()
    return lead.endswith(_NAMING_ENDS) or (
        lead.endswith("as") and _KNOWN_AS.search(lead) is not None
    )


def quote_kind(before: str, quoted: str, open_end: bool = False) -> QuoteKind:
    """Decide whether quoted words are a direct quote or a partial one.

    A direct quote stands as its own clause: it opens the sentence, follows a colon,
    comma or dash ("he said, "..."") or runs on into the next paragraph. Quoted words
    that sit inside the writer's own clause (a "calculated decision") are partial,
    unless they are a long capitalised sentence of their own.

    Args:
        before: The sentence text before the opening mark.
        quoted: The quoted words.
        open_end: True when the quote continues into the next paragraph.

    Returns:
        ``"direct"`` or ``"partial"``.
    """
    lead = before.rstrip().rstrip("\"\u201c\u201e\u00ab'\u2018").rstrip()
    if open_end or not lead or lead[-1] in ":,;(\u2014\u2013-":
        return "direct"
    words = quoted.split()
    if len(words) >= 6 and quoted[0].isupper() and quoted.rstrip()[-1] in ".?!,":
        return "direct"
    return "partial"
