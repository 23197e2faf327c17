"""The place of a wire dateline: "VAN, Turkey (Reuters) -" names the city Van.

Wire copy opens with the city in capitals, an optional country or state, an optional
agency in brackets and a dash. The gazetteer knows the big cities ("BEIRUT"), but
datelines name small ones too, and a city that datelines a story is a place every
annotator lists. So an all-capitals run in that exact shape at the start of the
first paragraph, not already a known name, is a GPE with a title-cased name.
"""

from __future__ import annotations

import re

from agents.nlp.types import Mention

__all__ = ["with_dateline_place"]

_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Z'’.-]+(?:\s[A-Z][A-Z'’.-]+){0,3})"  # VAN, EL GENEINA, AL-HASAKAH
    r"(?:,\s[A-Z][A-Za-z.’' -]{1,40}?)?"  # , Turkey / , Sudan
    r"(?:\s\([^)\n]{1,40}\))?"  # (Reuters)
    r"\s[-–—]\s"
)
_POSSESSIVE = re.compile(r"(['’])S\b")


def with_dateline_place(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` plus the dateline's city when the first paragraph ``text`` has one.

    Returns ``mentions`` itself when there is no dateline or a mention already
    covers the city.
    """
    m = _DATELINE.match(text)
    if m is None:
        return mentions
    start, end = m.span("city")
    if any(x.start < end and x.end > start for x in mentions):
        return mentions
    city = m.group("city")
    name = _POSSESSIVE.sub(r"\1s", city.title())  # ST. JOHN'S, not St. John'S
    place = Mention(start, end, city, "GPE", name, "dateline")
    return sorted([*mentions, place], key=lambda x: x.start)
