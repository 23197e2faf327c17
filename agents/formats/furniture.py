"""Site furniture: the lines around a story that are not the story.

Banners, donation appeals, newsletter and social prompts, copyright and
navigation lines, accessibility links, video-player controls, image credits
and photo captions appear above, inside and below copy taken from news sites.
They are recognised by wording or shape that no news paragraph has as a whole
block; a paragraph that merely mentions a newsletter or a video stays.

Some furniture is only recognisable by where it sits, and the text parser
handles it (agents/formats/text.py): a block printed twice (a photo caption
and its copy), the headline list after a "You May Like" heading, the
description under an embedded video's timestamp.
"""

from __future__ import annotations

import re

__all__ = ["MEDIA", "NAV", "RELATED_HEADING", "is_furniture"]

_PATTERNS = [
    r"(?:make|give) a (?:charitable )?donation\b.*",
    r"(?:donate|support us|become a (?:member|subscriber|supporter))\b.{0,80}",
    r"join (?:the|our) [\w .-]{0,60}(?:mailing list|newsletter)\b.*",
    r"(?:sign up|subscribe)(?: now| today)?(?: to| for)? [\w .'-]{0,60}"
    r"(?:newsletter|mailing list|alerts|updates|briefing)\b.*",
    r"(?:follow us|like us|find us) on\b.{0,80}",
    r"(?:share|share this|share on|tweet this|email this|print this)(?: (?:article|story|page))?:?",
    r"(?:click here|read more|related(?: stories| articles| coverage)?|advertisement|"
    r"skip to (?:main )?(?:content|navigation)|back to top|most read|trending now)\b.{0,60}",
    r"(?:©|\(c\)|copyright)\s*\d{0,4}.{0,120}",
    r"our standards:.{0,120}",
    r"(?:editor'?s note|corrections?)\s*:.{0,40}(?:trust principles|standards).*",
    r"(?:home|news|world|politics|business)(?:\s*[|>»/]\s*[\w &-]+){2,}",
    # Page chrome that is a whole line on its own: accessibility and site menus,
    # banners and the single-word buttons around a story.
    r"accessibility links|breaking news|live(?: updates| blog)?|toggle navigation|main menu|"
    r"menu|search|sign in|log in|log out|register|print|email|e-mail|comments?|embed|listen|"
    r"loading\.{0,3}|close|next|previous|more|see all|show more|load more|top stories|"
    r"latest(?: news| stories)?|just in|click to copy|copy link|link copied|copied",
    r"(?:share|post|send)(?: (?:on|to|via|this on))? (?:facebook|twitter|x|whatsapp|linkedin|"
    r"telegram|reddit|email|e-mail)",
    # Audio, video and image widgets.
    r"(?:watch|listen|play|view|see)(?: the)?(?: related| full| latest)?"
    r" (?:video|audio|clip|report|photos?|gallery|slideshow)\b.{0,80}",
    r"(?:no media source currently available|download (?:this|the) (?:story|article|report|"
    r"audio|video|episode|pdf)\b.{0,40}|download (?:mp3|audio|video|pdf)\b.{0,40})",
    r"(?:•\s*)?\d+x\d+ image|(?:photo|image|picture|video|graphic) gallery",
    r"(?:photo|image|picture|photograph|file photo|video|graphic|credit|illustration)s?"
    r"(?: credit)?\s*:\s*.{1,80}",
    r"(?:getty images|file photo|handout|ap photo|reuters photo|afp photo|epa)(?:/[\w .'-]+)?",
    r"(?:image|photo|video|media) (?:source|caption|copyright)\s*[,:].{0,300}",
    r"in this (?:file |handout |undated |aerial )?(?:image|photo|photograph|picture|"
    r"video grab|frame grab|still)\b.{10,280}",
]
_FURNITURE = re.compile("^(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + ")$", re.IGNORECASE)
# A banner line: SHOUTING brand, a dash, then an appeal ("UNITED24 - Make a ...").
_BANNER = re.compile(r"^[A-Z0-9][A-Z0-9 .&'-]{1,30}\s+[-–—|:]\s+.{0,120}[!]$")
# A broadcast script's sign-on: "This is the VOA Special English Economics Report."
# Case matters: the programme's name is capitalised ("This is the first report" is prose).
_SIGN_ON = re.compile(
    r"^This is (?:the )?(?:[A-Z][\w.'’-]*\s+){1,6}"
    r"(?:Report|Program|Programme|Broadcast|Podcast|Show|Bulletin|Newscast)\.?$"
)
# A photo caption ending in its credit: "... June 27, 2020. (Lameck Masina/VOA)",
# "(AP Photo/Jane Doe)". Case matters: the credit names people and outlets.
_CREDITED_CAPTION = re.compile(
    r"^.{0,400}\((?:[A-Z][\w.'’-]*\s?){1,5}/\s?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}\)$"
)
# A wire photo caption: "FILE - Former President X listens ..." (AP style).
_FILE_CAPTION = re.compile(r"^FILE\s*[-–—]\s+\S.{10,400}$")
#: A navigation trail or section path: "News / Africa", "Europe | Ukraine war",
#: "Home > World > Africa" (short parts, separators with spaces around them).
NAV = re.compile(
    r"^[\w&'’.,()-]+(?: [\w&'’.,()-]+){0,3}"
    r"(?:\s+[|>»/]\s+[\w&'’.,()-]+(?: [\w&'’.,()-]+){0,3}){1,4}$"
)
#: Player controls and time codes: "|| 0:00:00", "▶ 02:13", "0:00 / 3:12".
MEDIA = re.compile(
    r"^[|▶►❚⏸ ]*(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\s*/\s*(?:\d{1,2}:)?\d{1,2}:\d{2})?$|"
    r"^(?:watch|listen|play|related)\b.{0,10}\b(?:video|audio|clip)\b.{0,80}$",
    re.IGNORECASE,
)
#: A heading that starts a list of links to other stories; the headline-shaped
#: lines after it are furniture too.
RELATED_HEADING = re.compile(
    r"^(?:you may (?:also )?like|you might (?:also )?like|recommended(?: for you| stories)?|"
    r"related(?: stories| articles| coverage| content| news| links)?|more (?:stories|news|"
    r"from [\w .'-]{1,40})|most (?:popular|read|viewed|shared)|see also|also read|"
    r"read (?:more|also|next)|top stories|latest (?:news|stories)|what to read next)\s*:?$",
    re.IGNORECASE,
)


# Patterns that look for words anywhere in the block: tried only when the word is there.
_RESERVED = re.compile(r"^.{0,80}\ball rights reserved\.?$", re.IGNORECASE)
# An outlet's own description in an author box.
_AUTHOR_BOX = re.compile(
    r"^.{0,200}\b(?:stories|articles|reports) (?:with|under|carrying) the [\w .'’-]{1,40} "
    r"byline (?:are|is)\b.{0,200}$", re.IGNORECASE)
# One pattern for all of them (a single match per block is most of the saving on a
# long story); the case-blind ones keep their flag in a scoped group. NAV stays apart:
# its backtracking over the first words is a third of the match, and it needs one of
# its separators, which a plain ``in`` test rules out for almost every block.
_ANY = re.compile("|".join(
    f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})"
    for p in (_FURNITURE, _BANNER, _SIGN_ON, _FILE_CAPTION, MEDIA, RELATED_HEADING)))
_NAV_SEPARATORS = "|>»/"


def is_furniture(block: str) -> bool:
    """True if a whole block is site furniture rather than story text.

    Args:
        block: One paragraph-level block, line breaks folded to spaces.
    """
    text = block.strip()
    if len(text) > 480:
        return False
    if _ANY.match(text):
        return True
    if any(sep in text for sep in _NAV_SEPARATORS) and NAV.match(text):
        return True
    if text.endswith(")") and _CREDITED_CAPTION.match(text):
        return True
    if ("eserved" in text or "ESERVED" in text) and _RESERVED.match(text):
        return True
    return ("yline" in text or "YLINE" in text) and _AUTHOR_BOX.match(text) is not None
