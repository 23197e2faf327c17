"""The lexicon: every piece of shipped knowledge a stage needs, loaded once.

Stages take a ``Lexicon`` as an argument instead of loading data themselves,
so tests can pass a small one and a lexicon upgrade is one object to version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agents.nlp.entities import NerBackend, get_backend
from agents.nlp.gazetteer import Gazetteer, load_gazetteer

__all__ = ["Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """The gazetteer and the NER backend that reads names with it."""

    gazetteer: Gazetteer
    ner: NerBackend


@cache
def load_lexicon(ner_backend: str = "rules", gazetteer_file: Path | None = None) -> Lexicon:
    """Load the shipped lexicon once per process.

    Args:
        ner_backend: ``rules`` (default, no model download) or ``spacy``.
        gazetteer_file: A newsroom's own names (``WIREDESK_GAZETTEER``), read
            before the shipped gazetteer so its entries win.
    """
    gazetteer = load_gazetteer(gazetteer_file)
    return Lexicon(gazetteer=gazetteer, ner=get_backend(ner_backend, gazetteer))
