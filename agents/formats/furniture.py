"""Site furniture: the lines around a story that are not the story.

Banners, donation appeals, newsletter and social prompts, copyright and
navigation lines appear above and below copy taken from news sites. They are
recognised by wording that no news paragraph uses as a whole block; a
paragraph that merely mentions a newsletter stays.
"""

from __future__ import annotations

import re

__all__ = ["is_furniture"]

_PATTERNS = [
    r"(?:make|give) a (?:charitable )?donation\b.*",
    r"(?:donate|support us|become a (?:member|subscriber|supporter))\b.{0,80}",
    r"join (?:the|our) [\w .-]{0,60}(?:mailing list|newsletter)\b.*",
    r"(?:sign up|subscribe)(?: now| today)?(?: to| for)? [\w .'-]{0,60}"
    r"(?:newsletter|mailing list|alerts|updates|briefing)\b.*",
    r"(?:follow us|like us|find us) on\b.{0,80}",
    r"(?:share|share this|share on|tweet this|email this|print this)(?: (?:article|story|page))?:?",
    r"(?:click here|read more|related(?: stories| articles| coverage)?|advertisement|"
    r"skip to (?:main )?content|back to top|most read|trending now)\b.{0,60}",
    r"(?:©|\(c\)|copyright)\s*\d{0,4}.{0,120}",
    r".{0,80}\ball rights reserved\.?",
    r"our standards:.{0,120}",
    r"(?:editor'?s note|corrections?)\s*:.{0,40}(?:trust principles|standards).*",
    r"(?:home|news|world|politics|business)(?:\s*[|>»/]\s*[\w &-]+){2,}",
]
_FURNITURE = re.compile("^(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + ")$", re.IGNORECASE)
# A banner line: SHOUTING brand, a dash, then an appeal ("UNITED24 - Make a ...").
_BANNER = re.compile(r"^[A-Z0-9][A-Z0-9 .&'-]{1,30}\s+[-–—|:]\s+.{0,120}[!]$")


def is_furniture(block: str) -> bool:
    """True if a whole block is site furniture rather than story text.

    Args:
        block: One paragraph-level block, line breaks folded to spaces.
    """
    text = block.strip()
    if len(text) > 300:
        return False
    return bool(_FURNITURE.match(text) or _BANNER.match(text))
