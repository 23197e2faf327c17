"""Errors a stage raises for input it rejects.

Every data error is a :class:`StageError`; the runner sends the original
message to the stage's dead-letter topic with the error's type and message in
headers and carries on. Anything else is a bug or an outage and is treated as
such by the runner (see ``agents/runner.py``)::

    StageError                  input this stage cannot turn into records
    ├── DecodeError             not text: binary, no encoding reads it, bad JSON or XML
    ├── TooLarge                over the configured size limit
    ├── EmptyArticle            nothing left after the furniture is removed
    ├── MissingField            structured input without a body (a headline is optional)
    ├── InvalidArticle          structured input of the wrong shape: a field of the wrong
    │                           type, a JSON array, a feed of several items in one message
    ├── UnsupportedFormat       a format wiredesk does not read (yet)
    └── InvalidRecord           a record on an internal topic that does not decode
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "EmptyArticle",
    "InvalidArticle",
    "InvalidRecord",
    "MissingField",
    "StageError",
    "TooLarge",
    "UnsupportedFormat",
]


class StageError(Exception):
    """Input a stage rejects; the message says why, for a person reading the DLQ."""


class DecodeError(StageError):
    """The bytes are not the text or JSON the format needs."""


class TooLarge(StageError):
    """The input is larger than the configured limit."""


class EmptyArticle(StageError):
    """No story text is left once site furniture is removed."""


class MissingField(StageError):
    """A structured item (JSON, ninjs, a feed item) has no body; a headline is optional."""


class InvalidArticle(StageError):
    """Structured input (JSON, a feed item) that decodes but has the wrong shape or types."""


class UnsupportedFormat(StageError):
    """The declared format is not one wiredesk reads."""


class InvalidRecord(StageError):
    """A record on an internal topic does not decode to its schema."""
