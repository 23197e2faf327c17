"""Pluggable NER backends: anything that finds name mentions in one paragraph.

The rule backend (gazetteer plus shape rules, no model download) is the default; a
spaCy pipeline can replace it where spaCy and a model are installed. Kept apart from
the rules so that choosing a backend never imports the rule internals' dependents.
"""

from __future__ import annotations

from typing import Any, Protocol

from agents.nlp.gazetteer import Gazetteer, load_gazetteer
from agents.nlp.types import EntityType, Mention

__all__ = ["BackendUnavailableError", "NerBackend", "RuleBackend", "SpacyBackend", "get_backend"]


class BackendUnavailableError(LookupError):
    """The named NER backend is unknown or its library or model is not installed."""


class NerBackend(Protocol):
    """Anything that finds name mentions in one paragraph."""

    def mentions(self, text: str) -> list[Mention]:
        """Return the mentions in ``text`` (paragraph offsets, no overlaps)."""
        ...


class RuleBackend:
    """The default backend: gazetteer plus shape rules; needs no model download."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        # imported here: ``entities`` re-exports this module's names, so a top-level
        # import would be circular
        from agents.nlp.entities import find_mentions

        self.gazetteer = gazetteer or load_gazetteer()
        self._find = find_mentions

    def mentions(self, text: str) -> list[Mention]:
        """Return ``find_mentions(text, gazetteer)``."""
        return self._find(text, self.gazetteer)


_SPACY_TYPES: dict[str, EntityType] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "NORP": "NORP",
    "FAC": "LOC",
}


class SpacyBackend:
    """A spaCy pipeline as backend; only usable where spaCy and the model are installed."""

    def __init__(self, model: str = "en_core_web_sm") -> None:
        try:
            import spacy
        except ImportError as exc:
            raise BackendUnavailableError("spaCy is not installed") from exc
        try:
            self._nlp: Any = spacy.load(model)
        except OSError as exc:
            raise BackendUnavailableError(f"spaCy model {model!r} is not installed") from exc

    def mentions(self, text: str) -> list[Mention]:
        """Return the model's PERSON/ORG/GPE/LOC/NORP entities as mentions."""
        return [
            Mention(e.start_char, e.end_char, e.text, _SPACY_TYPES[e.label_], e.text, "spacy")
            for e in self._nlp(text).ents
            if e.label_ in _SPACY_TYPES
        ]


def get_backend(name: str = "rules", gazetteer: Gazetteer | None = None) -> NerBackend:
    """Return the named backend ("rules" or "spacy"); ``gazetteer`` defaults to the shipped one.

    Raises:
        BackendUnavailableError: For an unknown name, or "spacy" without spaCy and a model.
    """
    if name == "rules":
        return RuleBackend(gazetteer)
    if name == "spacy":
        return SpacyBackend()
    raise BackendUnavailableError(f"unknown NER backend {name!r}")
