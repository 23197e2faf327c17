"""Word-level pieces of the name rules: capitalised runs, tokens, titles, word lists.

``entities.find_mentions`` cuts a paragraph into runs of capitalised words with
``RUN_RE`` and reads each run with the lookups of ``Rules`` (built once per gazetteer):
titles before a name, given names, organisation head words, function words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agents.nlp.gazetteer import Gazetteer

__all__ = [
    "OF",
    "PARTICLES",
    "PARTICLE_BEFORE_RE",
    "RUN_RE",
    "TOK_RE",
    "Rules",
    "name_word",
    "prev_words",
    "rules_for",
    "sentence_start",
    "shouting",
]

_PARTICLE = r"(?:[Aa][lnrstdz]|[Aa]sh|[Ee][lnrstdz]|[Uu]l)[-‑]"
# A lower-case syllable after a hyphen is part of a Korean or similar given name
# ("Ban Ki-moon", "Kim Jong-un"); compounds such as "Taliban-led" are not.
_SYLLABLE = (
    r"(?:-(?!(?:led|run|era|born|like|held|made|type|wide|only|old|based|backed|style|free"
    r"|linked|owned|allied|armed|hit|bred|wise|area|zone|size)\b)[a-z]{2,5}\b)"
)
_CAPTOK = (
    r"(?:Gen|Sen|Rep|Gov|Lt|Col|Maj|Brig|Capt|Sgt|Adm|Dr|Mr|Mrs|Ms|Jr|Sr|St|Mt|Ft|Cpl|Pvt"
    r"|Cmdr|Rev|Prof|Insp|Supt|Gens|Sens|Reps|Corp|Inc|Ltd|Co)\.(?=\s)"
    r"|(?:[A-Z]\.)+(?:[A-Z][a-z]+)?"
    rf"|(?:{_PARTICLE})?[A-Z]\w*(?:['’]\w+)*(?:-(?:[A-Z0-9]\w*|[a-z]{{1,2}}-[A-Z]\w*))*"
    rf"{_SYLLABLE}?"
)
_CONNECTOR = r"of|the|and|for|on|de|du|des|da|di|do|dos|la|le|bin|ibn|bint|van|von|der|den|al|el|y"
_ABBRS = "Gen Sen Rep Gov Lt Col Maj Brig Capt Sgt Adm Dr Mr Mrs Ms Jr Sr St Mt Ft Cpl Pvt Cmdr Rev"
# The first token starts with a consumed capital so the regex engine can skip ahead to
# capitals; the lookbehinds then check what stands before it. Leading particles
# ("al-Hadath") are added back in Python.
_FIRST = (
    r"[A-Z](?<![\w'’].)(?:[a-z]{1,4}\.(?=\s)(?:"
    + "|".join(rf"(?<={a}\.)" for a in _ABBRS.split())
    + r")|\.(?:[A-Z]\.)*(?:[A-Z][a-z]+)?|\w*(?:['’]\w+)*(?:-(?:[A-Z0-9]\w*|[a-z]{1,2}-[A-Z]\w*))*"
    + _SYLLABLE
    + "?)"
)
RUN_RE = re.compile(rf"{_FIRST}(?:(?:\s+(?:{_CONNECTOR}))*\s+(?:{_CAPTOK}))*")
PARTICLE_BEFORE_RE = re.compile(rf"(?<![\w'’]){_PARTICLE}$")
TOK_RE = re.compile(rf"{_CAPTOK}|[a-z]+")
PARTICLES = frozenset(
    "bin ibn bint van von de da di du dos der den al el la le y".split()  # noqa: SIM905
)
OF = frozenset(("of", "for", "the", "on"))
_QUOTE_SPACE = " \t\n\"'“‘([—–-"


def sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in _QUOTE_SPACE:
        i -= 1
    return i < 0 or text[i] in ".!?:;…”"


def prev_words(text: str, pos: int, n: int = 3) -> list[str]:
    return text[max(0, pos - 48) : pos].lower().replace("’", "'").split()[-n:]


def shouting(text: str, start: int, end: int) -> bool:
    """True when a short all-caps name sits among all-caps words ("THIS IS WAR")."""
    before = text[max(0, start - 3) : start].rstrip(" \"“”'(),")[-2:]
    after = text[end : end + 3].lstrip(" \"“”'(),")[:2]
    near = [w for w in (before, after) if len(w) == 2 and w.isalpha()]
    return bool(near) and all(w.isupper() for w in near)


class Rules:
    """Per-gazetteer lookups for the shape rules (built once per gazetteer)."""

    def __init__(self, gaz: Gazetteer) -> None:
        lex = gaz.lexicon
        self.gaz = gaz
        self.titles = frozenset(t.lower() for t in lex.titles)
        self.title_first = frozenset(t.split()[0] for t in self.titles)
        self.title_last = frozenset(t.split()[-1] for t in self.titles)
        self.title_max = max((len(t.split()) for t in lex.titles), default=1)
        self.given = lex.given_names
        self.org = lex.org_words
        self.function = lex.function_words
        self.no_person = lex.function_words | lex.common_words | lex.nameparts | lex.org_words

    def strip_title(self, words: list[str], lo: int) -> int:
        """Return the index after any title words at ``words[lo:]`` ("Prime Minister")."""
        while lo < len(words) - 1 and words[lo].lower() in self.title_first:
            for n in range(min(self.title_max, len(words) - lo - 1), 0, -1):
                if " ".join(words[lo : lo + n]).lower() in self.titles:
                    lo += n
                    break
            else:
                break
        return lo

    def titled(self, prev: list[str]) -> bool:
        """True when the words before a name end with a title ("SDF spokesman")."""
        if not prev or prev[-1] not in self.title_last:
            return False
        return any(" ".join(prev[-n:]) in self.titles for n in range(1, len(prev) + 1))


@lru_cache(maxsize=4)
def rules_for(gaz: Gazetteer) -> Rules:
    return Rules(gaz)


def name_word(word: str, r: Rules) -> bool:
    return not word.islower() and word not in r.function
