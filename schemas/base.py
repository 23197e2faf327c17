"""Shared options of every wiredesk record.

All records are JSON (faust's json codec, which uses orjson when installed),
carry ISO-8601 dates, and live in a versioned namespace. Records on public
output topics set ``include_metadata=False`` so any Kafka consumer, in any
language, reads plain JSON without Faust's ``__faust`` block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

import faust
import orjson
from faust.utils.json import on_default

__all__ = ["INTERNAL", "PUBLIC", "WireRecord"]

#: Record options for topics only wiredesk reads (Faust metadata kept).
INTERNAL: dict[str, Any] = {"serializer": "json", "isodates": True}
#: Record options for public output topics: plain JSON.
PUBLIC: dict[str, Any] = {"serializer": "json", "isodates": True, "include_metadata": False}


#: The options of faust's json codec when orjson is installed (``faust.utils.json``).
_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z

#: Each record class's required field names (fields without a default), for ``build``.
_REQUIRED: dict[type, frozenset[str]] = {}


class WireRecord(faust.Record, abstract=True):
    """Base of every wiredesk record; ``to_json_dict`` gives the wire form.

    ``build`` and ``replace`` are the fast paths the pipeline uses for records
    it makes itself. Faust's generated ``__init__`` sends every field through
    a descriptor (coercion hooks, ``isodates``): the benchmark profiled that at
    ~17% of the in-process pipeline (~2,500 field sets per article). Values the
    pipeline builds already have their field's type, so nothing needs coercing;
    anything decoded or typed by a user still goes through the constructor.
    """

    @classmethod
    def build(cls, **fields: Any) -> Self:
        """A record from values already of their fields' types (no coercion).

        The same record as ``cls(**fields)`` (a test compares their encodings
        for every record the pipeline makes); unknown or missing fields raise
        ``TypeError`` like the constructor.
        """
        options = cls._options
        given = fields.keys()
        required = _REQUIRED.get(cls)
        if required is None:  # per class, once: the set difference cost ~10% of a build
            required = _REQUIRED[cls] = options.fieldset - options.optionalset
        if not given <= options.fieldset or not required <= given:
            unknown = sorted(given - options.fieldset)
            missing = sorted(options.fieldset - options.optionalset - given)
            raise TypeError(f"{cls.__name__}: unknown {unknown}, missing {missing}")
        record = cls.__new__(cls)
        data = record.__dict__
        data["__evaluated_fields__"] = set()
        data.update(options.defaults)
        data.update(fields)
        return record

    @classmethod
    def maker(cls, *names: str) -> Callable[..., Self]:
        """``make(*values)``: ``build`` with these field names, for a hot loop.

        ``build(**fields)`` checks the names on every call; a loop that makes many
        records of one shape (the tag stage makes ~150 tags an article) checks them
        once here and passes the values in ``names`` order. Same records as ``build``.
        """
        options = cls._options
        given = frozenset(names)
        if len(given) != len(names) or not given <= options.fieldset \
                or not options.fieldset - options.optionalset <= given:
            raise TypeError(f"{cls.__name__}: fields {sorted(names)} do not make a record")
        new, defaults, count = cls.__new__, options.defaults, len(names)

        def make(*values: Any) -> Self:
            if len(values) != count:  # checked here: zip(strict=True) cost 15% of a make
                raise TypeError(f"{cls.__name__}: {count} values expected, got {len(values)}")
            record = new(cls)
            data = record.__dict__
            data["__evaluated_fields__"] = set()
            data.update(defaults)
            for name, value in zip(names, values):  # noqa: B905 (lengths checked above)
                data[name] = value  # item by item: faster than update() from pairs
            return record

        return make

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (values of their fields' types), like a fast ``derive``."""
        unknown = changes.keys() - self._options.fieldset
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown {sorted(unknown)}")
        record = type(self).__new__(type(self))
        data = record.__dict__
        data.update(self.__dict__)
        data["__evaluated_fields__"] = self.__evaluated_fields__ | changes.keys()
        data.update(changes)
        return record

    def dumps_with(self, **changes: Any) -> bytes:
        """``self.replace(**changes).dumps()`` for a public record, without its detours.

        The enrich stage encodes ~80 output records an article; faust's ``dumps``
        copies the record and goes through its codec registry first. This is the
        same encoding (faust's json codec is orjson with these options and default;
        a test compares the bytes), at half the cost.
        """
        if self._options.include_metadata:
            return self.replace(**changes).dumps()
        data = self.asdict()
        unknown = changes.keys() - self._options.fieldset
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown {sorted(unknown)}")
        data.update(changes)
        return orjson.dumps(data, default=on_default, option=_JSON_OPTIONS)

    def to_json_dict(self) -> dict[str, Any]:
        """The record as the plain JSON object it is on the wire (no Faust metadata)."""
        data: dict[str, Any] = self.to_representation()
        data.pop("__faust", None)
        return data
