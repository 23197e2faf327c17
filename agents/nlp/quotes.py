"""Quotation marks and reporting cues: where quoted words are and how they are introduced.

Owns the per-paragraph scan for double quotation marks, the reporting-cue lexicon
(``agents/data/speech_verbs.txt``) and the direct/partial/name decision for a quoted
span. Who said it is decided in ``speakers.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agents.nlp.types import QuoteKind, QuoteSpan

__all__ = [
    "Cue",
    "find_cues",
    "find_quote_spans",
    "is_name_quote",
    "quote_kind",
    "reported_clause",
    "trailing_clause",
]


def _wordset(words: str) -> frozenset[str]:
    """Build a word set from a space-separated string (keeps the lists readable)."""
    return frozenset(words.split())


_DATA = Path(__file__).resolve().parent.parent / "data" / "speech_verbs.txt"

_MARK = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_OPENERS = "\u201c\u201e\u00ab"
_CLOSERS = "\u201d\u00bb"
# A straight mark opens after these (or at the start); anywhere else it closes. An
# apostrophe is never a double mark, so "They're" and "VBIED's" need no special case.
_OPEN_BEFORE = frozenset(" \t\n([{\u2014\u2013-/")
_WORD = re.compile(r"[\w'\u2019-]+")
# Words right before a quote that make it a name, not speech: film and book titles,
# operation names, nicknames and scare quotes ("the so-called "caliphate"").
_NAMING = re.compile(
    r"(?:so-called|dubbed|nicknamed|codenamed|code-named|titled|entitled|named|called|"
    r"known\s+as|film|movie|documentary|book|novel|memoir|song|album|series|show|"
    r"programme|program|play|slogan|hashtag|operation|term|word|phrase|motto|banner|"
    r"headline)\s*[\"\u201c\u201e\u00ab]?\s*$",
    re.IGNORECASE,
)
_DETERMINERS = _wordset(
    "the a an this that these those its his her their our my your some any no every"
)


@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting cue found in text: ``said``, ``told``, ``according to``.

    Attributes:
        start: First character of the cue.
        end: One past its last character.
        text: The cue as written ("voicing optimism" for a multi-word cue).
        lemma: Its dictionary form ("say" for "said").
        zero: True when the verb may drop "that" before its clause.
        obj: True when the verb takes a listener ("told Reuters") before its clause.
    """

    start: int
    end: int
    text: str
    lemma: str
    zero: bool
    obj: bool


_Entry = tuple[re.Pattern[str] | None, str, frozenset[str]]
_Trie = dict[str, "_Trie"]
_EDGE = "[\\w'\u2019-]"


def _trie_pattern(words: list[str]) -> str:
    """Build a regex alternation factored by prefix, so matching stays fast."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: _Trie) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return walk(trie)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, list[_Entry]]]:
    """Load the cue list once: first words as one pattern, entries keyed by first word."""
    lexicon: dict[str, list[_Entry]] = {}
    for raw in _DATA.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        lemma, words, flags = (part.strip() for part in (line + "||").split("|")[:3])
        for form in words.split():
            first, *rest = form.split("_")
            tail = "".join(rf"\s+{re.escape(w)}" for w in rest)
            pattern = re.compile(tail + r"(?![\w-])") if rest else None
            lexicon.setdefault(first, []).append((pattern, lemma, frozenset(flags.split())))
    for entries in lexicon.values():
        entries.sort(key=lambda e: e[0] is None)
    first_words = _trie_pattern(sorted(lexicon))
    return re.compile(f"(?<!{_EDGE}){first_words}(?!{_EDGE})"), lexicon


def find_cues(text: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """Find reporting cues in ``text[start:end]``, in order.

    First words are matched by one prefix-factored pattern, the rest of a multi-word
    form is checked after. A form that doubles as a noun ("the
    claim", "a warning") is skipped right after a determiner, because there it names a
    thing rather than reporting speech.

    Args:
        text: The text to search (usually the article body).
        start: Where to begin.
        end: Where to stop (default: the end of ``text``).

    Returns:
        The cues with offsets into ``text``.
    """
    pattern, lexicon = _lexicon()
    stop = len(text) if end is None else end
    cues: list[Cue] = []
    for m in pattern.finditer(text, start, stop):
        for tail, lemma, flags in lexicon[m.group()]:
            found = tail.match(text, m.end(), stop) if tail is not None else m
            if found is None:
                continue
            if "noun" in flags and _previous_word(text, m.start()).lower() in _DETERMINERS:
                break
            last = found.end()
            cues.append(
                Cue(m.start(), last, text[m.start() : last], lemma, "zero" in flags, "obj" in flags)
            )
            break
    return cues


def _previous_word(text: str, index: int) -> str:
    """Return the word ending just before ``index`` (empty when there is none)."""
    head = text[max(0, index - 40) : index].rstrip()
    found = _WORD.findall(head[-25:])
    return found[-1] if found and head.endswith(found[-1]) else ""


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Find the words between double quotation marks in one paragraph.

    Curly marks say which way they face. A straight mark opens when it follows the
    start, a space, an opening bracket or a dash, and closes otherwise. Single marks
    are left alone, so nested 'quotes' and apostrophes stay inside the span. A quote
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
    return spans


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
    return _NAMING.search(text[max(0, mark_start - 40) : mark_start]) is not None


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
_THAT = re.compile(r",?\s+that\b")
_NOT_CLAUSE_START = _wordset("to of for on in at by with as and but or if from")
_CLAUSE_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|could|can|may|might|should|must|"
    r"did|does|do|remain|remains|need|needs|want|wants|[a-z]+ed)\b"
)
_SUBJECT_PRONOUN = _wordset("he she they it we i there this")
_END_TRIM = " \t\n.;:,\"'\u201c\u201d"


def _skip_modifiers(text: str, cue: Cue, end: int, names: dict[int, int]) -> int:
    """Return the offset after a cue's listener ("told the AFP news agency") and adverbials."""
    pos = cue.end
    if cue.obj:
        lead = re.match(r"\s+(?:(?:the|a|an)\s+)?", text[pos:end])
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
    if that is None and not cue.zero:
        later = _THAT.search(text, pos, end)
        window = text[pos : later.start()] if later else ""
        if later is None or "," in window or len(window.split()) > 6:
            return None
        that = later
    if that is not None:
        pos = that.end()
    start = pos + len(text[pos:end]) - len(text[pos:end].lstrip())
    stop = start + len(text[start:end].rstrip(_END_TRIM))
    words = text[start:stop].split()
    if len(words) < 3 or not text[start].isalnum():
        return None
    first = words[0].lower()
    if that is None and (
        (first in _NOT_CLAUSE_START and not re.match(r"at\s+(?:least|most)\b", text[start:]))
        or not (first in _SUBJECT_PRONOUN or _CLAUSE_HINT.search(text, start, stop))
    ):
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
    if comma < 0 or len(text[comma + 1 : cue.start].split()) > 8:
        return None
    rest = text[_skip_modifiers(text, cue, end, names) : end].strip(" \t\n.;\"'\u201d")
    if rest and not rest.startswith(","):  # ", as rescuers dug ..." may follow
        return None
    stop = start + len(text[start:comma].rstrip(_END_TRIM))
    return (start, stop) if len(text[start:stop].split()) >= 4 else None
