"""The output kinds, each defined once: record type, topic, message key, view, alerts, marks.

Like spaCy's ``@Language.factory`` entries (a component says what it
``assigns``), an output kind is one :class:`Kind` in :data:`KINDS`. The enrich
agent, the view agent, the alert rules, the annotation (desk page), the HTTP
API and the JSON Schemas loop over this registry instead of spelling the four
kinds out, so a new kind ("claims") is its extractor plus one entry here, and
``tests/unit/test_kinds.py`` fails when any part of the app disagrees with it.

Pure data and pure functions: no app import (the Faust layer reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemas.base import WireRecord
from schemas.outputs import Entity, Event, Figure, Quote

__all__ = ["BOOL", "KINDS", "MAX_TEXT", "NAME", "NUM", "TEXT", "Kind", "ViewSpec", "by_name",
           "fold_name", "subject_key", "view_item"]

Record = dict[str, Any]

#: Long texts are cut in view items, so one item (one table value) stays far below
#: 64 KB whatever an article holds; the public topics keep the whole record.
MAX_TEXT = 4_000


def subject_key(unit: str | None) -> str:
    """What a figure counts, normalised for lookup: "Yazidi Women" -> "yazidi women"."""
    return " ".join((unit or "").lower().split())


def fold_name(name: str) -> str:
    """A name as a table key: spaces collapsed, case folded ("Al-Shabab" = "al-shabab").

    The views and the alias table key names this way, so any spelling that differs
    only in case or spacing finds the same entry (and needs no alias of its own).
    """
    return " ".join(name.split()).casefold()


def _cut(text: Any) -> Any:
    return text[:MAX_TEXT] if isinstance(text, str) else text


@dataclass(frozen=True)
class ViewSpec:
    """How a kind's records become entries of its query table.

    Attributes:
        table: The Faust table's name (its changelog is ``<app>-<table>-changelog``).
        group: The table key a record is listed under (the speaker, the place, ...),
            ``None`` for a record that is not listed (a quote without a speaker).
        fields: The record fields an item keeps (the view's answer per record).
        listed: True when each record is an item of a list answered page by page;
            False for a kind counted per article (entities: totals and a daily series).
        by_day: True when items sort and count by their own day (events), else by
            the story's time.
    """

    table: str
    group: Callable[[Record], str | None]
    fields: tuple[str, ...]
    listed: bool = True
    by_day: bool = False


@dataclass(frozen=True)
class Kind:
    """One output kind.

    Attributes:
        name: The plural used everywhere (``quotes``): topic, table and API words.
        record: The record type on the public topic.
        topic: The public topic's suffix (``quotes.v1``; the prefix is a setting).
        key: The message key of a record on the public topic (``None``: the article id).
        view: How the kind's query table is fed.
        alert_fields: The record fields an alert rule may test, with their sort
            (``name`` fields resolve aliases; ``entity`` is a name or any alias).
        mark: The mark the desk page draws around the record's span.
        annotation_fields: What the desk page keeps of a record (besides id and span).
    """

    name: str
    record: type[WireRecord]
    topic: str
    key: Callable[[Record], str | None]
    view: ViewSpec
    alert_fields: dict[str, str]
    mark: str
    annotation_fields: tuple[str, ...]

    def message_key(self, record: Record) -> str:
        """The public topic's message key: what consumers group by, else the article."""
        return self.key(record) or str(record["article_id"])


#: The sorts of fields an alert rule tests (agents/rules.py).
NAME, TEXT, NUM, BOOL = "name", "text", "number", "bool"
_BASE = ("id", "article_id", "revision", "published", "sentence")

KINDS: tuple[Kind, ...] = (
    Kind(
        name="events", record=Event, topic="events.v1", key=lambda r: r.get("place"),
        view=ViewSpec("events-by-place-v2", lambda r: r.get("place"),
                      (*_BASE, "type", "trigger", "actor", "target", "place", "date"),
                      by_day=True),
        alert_fields={"type": TEXT, "trigger": TEXT, "actor": NAME, "target": NAME,
                      "place": NAME, "country": NAME, "date": TEXT, "sentence": TEXT},
        mark="event", annotation_fields=("type", "trigger", "actor", "target", "place", "date"),
    ),
    Kind(
        name="quotes", record=Quote, topic="quotes.v1", key=lambda r: r.get("speaker"),
        view=ViewSpec("quotes-by-speaker-v2", lambda r: r.get("speaker"),
                      (*_BASE, "text", "kind", "speaker", "speaker_title", "cue")),
        alert_fields={"speaker": NAME, "speaker_title": TEXT, "kind": TEXT, "cue": TEXT,
                      "text": TEXT, "sentence": TEXT},
        mark="quote", annotation_fields=("text", "kind", "speaker", "speaker_title", "cue"),
    ),
    Kind(
        name="figures", record=Figure, topic="figures.v1",
        key=lambda r: subject_key(r.get("unit")) or None,
        view=ViewSpec("figures-by-subject-v2", lambda r: subject_key(r.get("unit")) or None,
                      (*_BASE, "text", "value", "low", "high", "approx", "bound", "unit")),
        alert_fields={"value": NUM, "low": NUM, "high": NUM, "bound": TEXT, "unit": TEXT,
                      "approx": BOOL, "text": TEXT, "sentence": TEXT},
        mark="figure",
        annotation_fields=("text", "value", "low", "high", "approx", "bound", "unit"),
    ),
    Kind(
        name="entities", record=Entity, topic="entities.v1", key=lambda r: r.get("name"),
        view=ViewSpec("entity-mentions-v2", lambda r: r.get("name"),
                      ("id", "article_id", "revision", "published", "name", "type", "aliases",
                       "mentions"), listed=False),
        alert_fields={"entity": NAME, "type": TEXT, "mentions": NUM, "sentence": TEXT},
        mark="entity", annotation_fields=("name", "type", "aliases", "mentions"),
    ),
)

_BY_NAME = {kind.name: kind for kind in KINDS}


def by_name(name: str) -> Kind:
    """The kind called ``name`` (``KeyError`` for an unknown one)."""
    return _BY_NAME[name]


def view_item(kind: Kind, record: Record) -> Record:
    """What the kind's view keeps of one record: its fields, long texts cut."""
    return {f: _cut(record.get(f)) for f in kind.view.fields}
