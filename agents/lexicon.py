"""The lexicon: every piece of shipped knowledge a stage needs, loaded once.

Stages take a ``Lexicon`` as an argument instead of loading data themselves,
so tests can pass a small one and a lexicon upgrade is one object to version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from agents.nlp.entities import NerBackend, get_backend
from agents.nlp.gazetteer import Gazetteer, load_gazetteer

__all__ = ["Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """The gazetteer and the NER backend that reads names with it."""

    gazetteer: Gazetteer
    ner: NerBackend


@cache
def load_lexicon(ner_backend: str = "rules") -> Lexicon:
    """Load the shipped lexicon once per process.

    Args:
        ner_backend: ``rules`` (default, no model download) or ``spacy``.
    """
    return Lexicon(gazetteer=load_gazetteer(), ner=get_backend(ner_backend))
