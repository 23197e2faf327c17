"""The NLP value types keep their dataclass behaviour with the faster ``__init__``."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, fields

import pytest

from agents.nlp import types
from agents.nlp.types import DateExpr, Mention, NumberExpr, Span

_VALUE_TYPES = [types.Span, types.Mention, types.NumberExpr, types.DateExpr, types.QuoteSpan,
                types.Quote, types.Figure, types.EventRecord, types.ResolvedEntity]


@pytest.mark.parametrize("cls", _VALUE_TYPES)
def test_init_takes_the_dataclass_signature_and_stays_frozen(cls: type) -> None:
    values = {f.name: f"v{i}" for i, f in enumerate(fields(cls))}
    by_keyword, by_position = cls(**values), cls(*values.values())
    assert by_keyword == by_position
    assert dataclasses.asdict(by_keyword) == values
    with pytest.raises(FrozenInstanceError):
        setattr(by_keyword, fields(cls)[0].name, 1)
    with pytest.raises(TypeError):
        cls()
    assert hash(by_keyword) == hash(by_position)


def test_defaults_are_the_declared_ones() -> None:
    assert Mention(1, 2, "a", "PERSON", "a").source == "gazetteer"
    n = NumberExpr(0, 1, "5", 5.0)
    assert (n.low, n.high, n.approx, n.bound, n.kind, n.unit) == \
        (None, None, False, "exact", "count", None)
    assert DateExpr(0, 3, "May") == DateExpr(0, 3, "May", None, None, None, False)
    assert dataclasses.replace(Span(1, 2), end=5) == Span(1, 5)
    assert repr(Span(1, 2)) == "Span(start=1, end=2)"
