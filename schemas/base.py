"""Shared options of every wiredesk record.

All records are JSON (faust's json codec, which uses orjson when installed),
carry ISO-8601 dates, and live in a versioned namespace. Records on public
output topics set ``include_metadata=False`` so any Kafka consumer, in any
language, reads plain JSON without Faust's ``__faust`` block.
"""

from __future__ import annotations

from typing import Any

import faust

__all__ = ["INTERNAL", "PUBLIC", "WireRecord"]

#: Record options for topics only wiredesk reads (Faust metadata kept).
INTERNAL: dict[str, Any] = {"serializer": "json", "isodates": True}
#: Record options for public output topics: plain JSON.
PUBLIC: dict[str, Any] = {"serializer": "json", "isodates": True, "include_metadata": False}


class WireRecord(faust.Record, abstract=True):
    """Base of every wiredesk record; ``to_json_dict`` gives the wire form."""

    def to_json_dict(self) -> dict[str, Any]:
        """The record as the plain JSON object it is on the wire (no Faust metadata)."""
        data: dict[str, Any] = self.to_representation()
        data.pop("__faust", None)
        return data
