"""A deterministic corpus of wire-shaped articles for the benchmark.

Articles are built from templates and word lists written for wiredesk, shaped like
the seed (``../shared/seed/*.txt``): site furniture, a headline, a ``By <name>
<date>`` byline, a ``CITY (Agency) -`` dateline lead, then 300-1,200 words of
paragraphs with direct and partial quotes (speaker, title, cue verb), counted figures
(digits, number words, ranges, bounds), names of people, organisations and places,
and weekday and calendar dates. The same seed always gives the same bytes.

By default every name, place, organisation and figure subject is drawn uniformly. With
``skew=Skew()`` (the soak, issue 14) they are drawn the way news spreads its attention:
Zipf-like, the k-th most popular key weighted ``1 / k**exponent``, so a few speakers,
places and subjects carry most mentions and their table keys are the ones that grow.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import TypeVar

__all__ = ["CorpusArticle", "Skew", "generate", "generate_one", "zipf_weights"]

T = TypeVar("T")

FIRST = ["Amina", "Jeff", "Mustafa", "Kino", "Zana", "Peter", "Ahmed", "Maria", "Olena",
         "David", "Fatima", "Samuel", "Leila", "Thomas", "Grace", "Ibrahim", "Sofia",
         "Daniel", "Nadia", "Carlos", "Hannah", "Yusuf", "Elena", "Joseph", "Aisha"]
LAST = ["Okello", "Seldin", "Bali", "Gabriel", "Amedi", "Graff", "Idris", "Kovalenko",
        "Haddad", "Mensah", "Rahman", "Petrova", "Ochieng", "Alvarez", "Nasser", "Brennan",
        "Kamau", "Schultz", "Farouk", "Moreno", "Tadesse", "Lindqvist", "Osei", "Karimi"]
TITLES = ["spokesman for the interior ministry", "a senior military official",
          "the regional governor", "a spokeswoman for the United Nations",
          "head of the local Red Cross", "a commander with the Syrian Democratic Forces",
          "the country's foreign minister", "a police spokesman",
          "director of the World Food Programme office", "a member of parliament"]
PRE_TITLES = ["President", "Prime Minister", "Interior Minister", "General", "Colonel",
              "Defence Minister", "Governor", "Secretary General"]
ORGS = ["the United Nations", "the Red Cross", "the World Health Organization",
        "the Syrian Democratic Forces", "Islamic State", "the African Union",
        "Doctors Without Borders", "the European Union", "the Rapid Support Forces",
        "the World Food Programme", "NATO", "the International Organization for Migration"]
PLACES = [("NAIROBI", "Kenya", "Nairobi"), ("GENEVA", "Switzerland", "Geneva"),
          ("BEIRUT", "Lebanon", "Beirut"), ("KYIV", "Ukraine", "Kharkiv"),
          ("KHARTOUM", "Sudan", "El Fasher"), ("BAGHDAD", "Iraq", "Mosul"),
          ("DAMASCUS", "Syria", "Baghuz"), ("ADDIS ABABA", "Ethiopia", "Mekelle"),
          ("KABUL", "Afghanistan", "Kandahar"), ("BAMAKO", "Mali", "Gao"),
          ("MOGADISHU", "Somalia", "Kismayo"), ("SANAA", "Yemen", "Hodeidah")]
AGENCIES = ["Reuters", "AP", "AFP", "VOA"]
CUES = ["said", "told reporters", "said in a statement", "told Reuters", "added",
        "warned", "wrote on social media", "told a news conference"]
SUBJECTS = ["people", "civilians", "soldiers", "fighters", "families", "refugees",
            "children", "homes", "schools", "trucks of aid", "protesters", "patients"]
EVENTS = [
    "{org} fighters launched an attack on government positions near {town} {day}",
    "Security forces clashed with protesters in central {town} {day}",
    "An air strike hit a market in {town} {day}, witnesses said",
    "Heavy shelling struck residential districts of {town} {day}",
    "Floods swept through villages around {town} {day}",
    "Gunmen kidnapped aid workers on the road to {town} {day}",
    "Talks between {org} and the government resumed in {city} {day}",
    "A car bomb exploded outside a police station in {town} {day}",
]
QUOTES = [
    "We are doing everything we can, but the needs are growing faster than our response",
    "The situation is dire and the world cannot look away",
    "There is no military solution to this conflict",
    "Our teams reached the area this morning and found whole neighbourhoods destroyed",
    "We call on all parties to respect international humanitarian law",
    "The ceasefire is holding for now, but it is fragile",
    "Families have lost everything and they need shelter and clean water urgently",
    "We will not negotiate under fire",
    "Hospitals are running out of fuel and medicine",
    "This is the worst crisis we have seen in a decade",
]
FILLER = [
    "The fighting has displaced hundreds of thousands of people since the start of the year, "
    "and aid agencies say access to the worst-hit districts remains limited.",
    "Diplomats said a new round of talks could begin within weeks if both sides agreed to "
    "guarantee safe passage for humanitarian convoys.",
    "Residents described long queues for bread and fuel, and prices of basic goods have more "
    "than doubled in some markets.",
    "The government has imposed a curfew in several districts and restricted access for "
    "journalists, making casualty figures difficult to verify independently.",
    "Analysts said the latest escalation reflected a wider struggle for control of trade "
    "routes and border crossings in the region.",
    "Local officials said roads into the area had been cut by the fighting and by heavy rains, "
    "slowing the delivery of food and medical supplies.",
    "The conflict has drawn in regional powers, and several neighbouring states have closed "
    "their borders or reinforced troops along them.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "dozens of", "hundreds of"]
BOUNDS = ["at least", "about", "more than", "nearly", "up to", "almost", ""]
FURNITURE = [["Subscribe to our daily newsletter", "World"],
             ["UNITED24 - Make a charitable donation in support of Ukraine!", "Security"],
             ["Skip to main content", "Africa"], ["Sign in", "Middle East"]]
HEADLINES = ["{n} Killed as Fighting Spreads Near {town}",
             "Aid Groups Warn of Crisis in {country} After {event}",
             "{org} Says Talks With Government Resume in {city}",
             "Thousands Flee {town} as {org} Advances",
             "Floods Kill at Least {n} in {country}"]
EVENT_NOUNS = ["Floods", "Air Strikes", "Clashes", "Shelling", "Attacks"]


@dataclass(frozen=True)
class CorpusArticle:
    """One generated article: its stable source id, text and word count."""

    source_id: str
    text: str
    words: int

    @property
    def payload(self) -> bytes:
        """The UTF-8 bytes sent to the raw topic."""
        return self.text.encode("utf-8")


@dataclass(frozen=True)
class Skew:
    """How skewed a soak corpus is: Zipf ``exponent`` and the number of newsmakers.

    About 1 is what word and name frequencies in news follow; at 1.1 over 300 people
    the top 10 speakers get about half of the quotes, the top place about a third of
    the datelines. Each newsmaker keeps one title, as a real one does.
    """

    exponent: float = 1.1
    people: int = 300


def zipf_weights(n: int, exponent: float) -> list[float]:
    """Weights of ranks 1..n, ``1 / k**exponent``, normalised to sum to 1."""
    raw = [1 / k**exponent for k in range(1, n + 1)]
    total = sum(raw)
    return [w / total for w in raw]


@cache
def _cum_weights(n: int, exponent: float) -> list[float]:
    return list(accumulate(zipf_weights(n, exponent)))


@cache
def _newsmakers(seed: int, count: int) -> list[tuple[str, str]]:
    """The ranked (name, title) pool of a skewed corpus, the same for the same seed."""
    r = random.Random(seed)
    names = r.sample([f"{f} {la}" for f in FIRST for la in LAST], min(count, 600))
    return [(name, r.choice(TITLES)) for name in names]


class _Writer:
    def __init__(self, rng: random.Random, published: date, skew: Skew | None = None,
                 seed: int = 8) -> None:
        self.rng = rng
        self.published = published
        self.people: list[tuple[str, str]] = []
        self.skew = skew
        self.seed = seed

    def pick(self, seq: Sequence[T]) -> T:
        """One of ``seq``: uniform, or by rank (``seq``'s order) when skewed.

        Uniform is exactly ``rng.choice``, so the default corpus keeps its bytes.
        """
        if self.skew is None:
            return self.rng.choice(seq)
        cum = _cum_weights(len(seq), self.skew.exponent)
        return self.rng.choices(seq, cum_weights=cum)[0]

    def person(self) -> tuple[str, str]:
        r = self.rng
        if self.people and r.random() < 0.4:
            return r.choice(self.people)
        if self.skew is None:
            name = f"{r.choice(FIRST)} {r.choice(LAST)}"
            who = (name, r.choice(TITLES))
        else:
            who = self.pick(_newsmakers(self.seed, self.skew.people))
        self.people.append(who)
        return who

    def day(self) -> str:
        r = self.rng
        if r.random() < 0.75:
            return f"on {r.choice(WEEKDAYS)}"
        d = self.published - timedelta(days=r.randint(1, 40))
        return f"on {d.strftime('%B')} {d.day}"

    def figure(self) -> str:
        r = self.rng
        subject = self.pick(SUBJECTS)
        kind = r.random()
        if kind < 0.45:
            value = f"{r.randint(2, 99_000):,}"
        elif kind < 0.7:
            value = r.choice(NUM_WORDS)
        elif kind < 0.85:
            lo = r.randint(10, 500)
            value = f"between {lo} and {lo + r.randint(5, 300)}"
        else:
            value = f"{r.randint(1, 9)}.{r.randint(1, 9)} million"
        bound = "" if value.startswith(("between", "dozens", "hundreds")) else r.choice(BOUNDS)
        return f"{bound} {value} {subject}".strip()

    def quote_paragraph(self) -> str:
        r = self.rng
        (name, title), text = self.person(), r.choice(QUOTES)
        style = r.random()
        if style < 0.4:
            return f'"{text}," {name}, {title}, {r.choice(CUES)} {self.day()}.'
        if style < 0.65:
            return (f'"{text}," {name} {r.choice(CUES)}. "{r.choice(QUOTES)}," '
                    f"{name.split()[-1]} added.")
        if style < 0.85:
            pre = r.choice(PRE_TITLES)
            return (f"{pre} {name} said {self.figure()} had been affected, adding that "
                    f"the response would be \"{text.lower()}.\"")
        return f"{name}, {title}, told reporters that {text[0].lower()}{text[1:]}."

    def fact_paragraph(self, city: str, town: str) -> str:
        r = self.rng
        org = self.pick(ORGS).removeprefix("the ")
        event = r.choice(EVENTS).format(org=org, town=town, city=city.title(), day=self.day())
        source = self.pick(ORGS)
        return f"{event}. {source[0].upper()}{source[1:]} said {self.figure()} were affected " \
               f"and {self.figure()} had been moved to safer areas."


def generate_one(index: int, seed: int = 8, skew: Skew | None = None) -> CorpusArticle:
    """The ``index``-th article of the corpus for ``seed``; 300-1,200 words.

    ``skew``: draw speakers, places, organisations and figure subjects Zipf-like
    (the soak) instead of uniformly; the same seed and skew give the same bytes.
    """
    r = random.Random(seed * 1_000_003 + index)
    published = date(2024, 1, 1) + timedelta(days=r.randint(0, 365))
    w = _Writer(r, published, skew, seed)
    city, country, town = w.pick(PLACES)
    org = w.pick(ORGS)
    headline = r.choice(HEADLINES).format(n=r.randint(5, 90), town=town, country=country,
                                          org=org.removeprefix("the ").title(), city=city.title(),
                                          event=r.choice(EVENT_NOUNS))
    byline = f"{r.choice(FIRST)} {r.choice(LAST)}"
    lead = (f"{city} ({r.choice(AGENCIES)}) - {w.fact_paragraph(city, town)} "
            f"Officials said {w.day()} that {org} had been informed.")
    target = r.randint(300, 1_150)
    body = [lead]
    words = len(lead.split())
    while words < target:
        roll = r.random()
        if roll < 0.4:
            para = w.quote_paragraph()
        elif roll < 0.75:
            para = w.fact_paragraph(city, town)
        else:
            para = r.choice(FILLER)
        if words + len(para.split()) > 1_190:
            break
        body.append(para)
        words += len(para.split())
    credit = f"Reporting by {byline}; Editing by {r.choice(FIRST)} {r.choice(LAST)}"
    text = "\n\n".join([*r.choice(FURNITURE), headline,
                        f"By {byline} {published.strftime('%B')} {published.day}, "
                        f"{published.year}", *body, credit]) + "\n"
    return CorpusArticle(source_id=f"bench-{seed}-{index:06d}", text=text, words=words)


def generate(count: int, seed: int = 8, skew: Skew | None = None) -> list[CorpusArticle]:
    """``count`` articles, the same for the same ``seed`` (and ``skew``)."""
    return [generate_one(i, seed, skew) for i in range(count)]
