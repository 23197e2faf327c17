"""Records, their golden files and the published JSON Schemas agree."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from schemas.jsonschema import SCHEMA_DIR, TOPIC_RECORDS, render_all
from schemas.paragraph import TaggedParagraphs
from tests.conftest import FIXTURES

GOLDEN = sorted((FIXTURES / "schemas").glob("*.json"))
BY_NAMESPACE = {rec._options.namespace: rec for rec in TOPIC_RECORDS.values()}


def test_checked_in_schemas_match_the_records() -> None:
    rendered = render_all()
    on_disk = {p.name: p.read_text() for p in SCHEMA_DIR.glob("*.json")}
    assert on_disk == rendered, "run `python -m schemas.jsonschema` and commit the result"


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_golden_files_still_decode_and_validate(path: Path) -> None:
    record_type = BY_NAMESPACE[path.stem]
    payload = path.read_bytes()
    record = record_type.loads(payload)
    assert isinstance(record, record_type)
    suffix = next(s for s, r in TOPIC_RECORDS.items() if r is record_type)
    schema = json.loads((SCHEMA_DIR / f"wiredesk.{suffix}.json").read_text())
    jsonschema.validate(json.loads(record.dumps()), schema)


def test_public_outputs_carry_no_faust_metadata() -> None:
    for suffix in ("quotes.v1", "figures.v1", "events.v1", "entities.v1"):
        assert not TOPIC_RECORDS[suffix]._options.include_metadata


def test_old_readers_keep_unknown_fields() -> None:
    payload = (FIXTURES / "schemas" / "wiredesk.paragraphs.tagged.v2.json").read_bytes()
    data = json.loads(payload)
    data["added_in_a_later_minor"] = 1
    data["paragraphs"][0]["added_too"] = 2
    loaded = TaggedParagraphs.loads(json.dumps(data).encode())
    assert loaded.paragraphs[0].tags[0].label == "ORG"
