"""The plain value types the NLP functions exchange.

Every span is a half-open ``[start, end)`` pair of character offsets into the
string the function was given (a paragraph's text when tagging, the article
body when resolving). These types are deliberately plain frozen dataclasses,
not Faust records: the NLP never imports Faust, and the stage modules in
``agents/`` convert them to the records of ``schemas/`` at the boundary.

The pipeline in two steps:

1. *tag* (per paragraph, no article context): ``Mention``, ``NumberExpr``,
   ``DateExpr`` and ``QuoteSpan`` found in one paragraph's text;
2. *resolve* (per article, in ``Doc``): aliases merged, speakers attributed,
   relative dates resolved against the article date, figures and events built.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date
from typing import Literal, TypeVar

__all__ = [
    "Bound",
    "DateExpr",
    "Doc",
    "EntityType",
    "EventRecord",
    "Figure",
    "Mention",
    "NumberExpr",
    "Quote",
    "QuoteKind",
    "QuoteSpan",
    "ResolvedEntity",
    "Span",
    "shift",
]

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "NORP"]
Bound = Literal["exact", "about", "at_least", "at_most", "range"]
QuoteKind = Literal["direct", "partial", "indirect"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in text.

    Attributes:
        start: First character of the name.
        end: One past the last character.
        text: The surface form exactly as written (``text == source[start:end]``).
        type: Entity type.
        canonical: The gazetteer's canonical name when known ("Islamic State"
            for "Daesh"), else the surface form; alias merging may change it.
        source: Which rule found it: ``gazetteer``, ``title``, ``byline``,
            ``speech``, ``apposition``, ``name-shape`` or a backend name.
    """

    start: int
    end: int
    text: str
    type: EntityType
    canonical: str
    source: str = "gazetteer"


@dataclass(frozen=True, slots=True)
class NumberExpr:
    """A number expression: "about 3,000", "tens of thousands", "12.5%".

    ``value`` is the point value when there is one; ``low``/``high`` are set for
    ranges and vague amounts ("tens of thousands" is 20,000-99,999 with
    ``approx=True``). ``kind`` tells counts from years, percentages, money,
    ordinals and times so figures can skip what is not a count.
    """

    start: int
    end: int
    text: str
    value: float | None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    bound: Bound = "exact"
    kind: Literal["count", "percent", "money", "year", "ordinal", "time", "other"] = "count"
    unit: str | None = None  # currency code for money, "%" for percent


@dataclass(frozen=True, slots=True)
class DateExpr:
    """A date expression and, once resolved, the calendar date or range it means.

    ``date`` is set for a single day, ``start``/``end`` for a range ("last
    week", "March 2019"); both are None while unresolved or when the
    expression cannot be resolved (no article date).
    """

    start: int
    end: int
    text: str
    date: date | None = None
    range_start: date | None = None
    range_end: date | None = None
    relative: bool = False


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Quoted words as marked in one paragraph.

    ``start``/``end`` cover the words *inside* the marks; ``open_end`` is True
    when the paragraph ends without a closing mark (wire style for a quote
    that continues in the next paragraph).
    """

    start: int
    end: int
    text: str
    open_end: bool = False


@dataclass(frozen=True, slots=True)
class Quote:
    """A resolved quotation with its speaker."""

    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None
    speaker_title: str | None
    cue: str | None
    sentence: Span
    speaker_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A counted quantity: 3,000 people, more than 20,000 civilians."""

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    approx: bool
    bound: Bound
    unit: str | None  # what is counted: "people", "Yazidi women"
    sentence: Span


@dataclass(frozen=True, slots=True)
class EventRecord:
    """An ACLED-typed event: who did what to whom, where, when."""

    start: int
    end: int
    type: str
    trigger: str
    actor: str | None
    target: str | None
    place: str | None
    date: date | None
    sentence: Span


@dataclass(frozen=True, slots=True)
class ResolvedEntity:
    """One entity of an article with every alias it was named by."""

    name: str
    type: EntityType
    aliases: tuple[str, ...]
    mentions: tuple[Span, ...]


@dataclass(slots=True)
class Doc:
    """An article being resolved: the body and every tag, in body offsets.

    ``published`` is the article date that relative dates resolve against.
    ``headline`` and ``byline`` help attribution (the byline author never
    speaks a quote) and entity finding.
    """

    body: str
    published: date | None
    paragraphs: list[Span]
    sentences: list[Span]
    mentions: list[Mention] = field(default_factory=list)
    numbers: list[NumberExpr] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    quote_spans: list[QuoteSpan] = field(default_factory=list)
    headline: str = ""
    byline: tuple[str, ...] = ()


_Tagged = TypeVar("_Tagged", Mention, NumberExpr, DateExpr, QuoteSpan)


def shift(item: _Tagged, offset: int) -> _Tagged:
    """Return ``item`` with its span moved by ``offset`` (paragraph to body offsets)."""
    return replace(item, start=item.start + offset, end=item.end + offset)


def _fast_init(cls: type) -> None:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots directly.

    The pipeline makes ~400 of these values an article, and the ``__init__`` that
    ``dataclass(frozen=True)`` generates sets every field with
    ``object.__setattr__`` looked up afresh (measured ~4% of the pipeline). This one
    has the same signature and defaults and calls each slot's own descriptor: the
    same values, ~40% faster, and the instances stay frozen (assignment still raises).
    """
    params, lines = [], []
    env: dict[str, object] = {}
    for f in fields(cls):
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        lines.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines), env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]


for _value_type in (Span, Mention, NumberExpr, DateExpr, QuoteSpan, Quote, Figure, EventRecord,
                    ResolvedEntity):
    _fast_init(_value_type)
