"""Every part of the app agrees with the registry of output kinds (agents/kinds.py)."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

from agents import annotate, rules
from agents.enrich import Enriched
from agents.kinds import KINDS, by_name
from schemas.jsonschema import SCHEMA_DIR, TOPIC_RECORDS
from streams import topics

ROOT = Path(__file__).resolve().parents[2]


def test_each_kind_has_its_record_type_topic_and_schema() -> None:
    declared = {getattr(topics, n) for n in topics.__all__ if n.isupper()
                and isinstance(getattr(topics, n), str)}
    for kind in KINDS:
        assert kind.topic in declared
        assert TOPIC_RECORDS[kind.topic] is kind.record
        assert (SCHEMA_DIR / f"wiredesk.{kind.topic}.json").exists()
        assert by_name(kind.name) is kind


def test_the_enrich_result_has_a_list_per_kind() -> None:
    fields = {f.name for f in dataclasses.fields(Enriched)}
    assert {k.name for k in KINDS} <= fields


def test_the_app_declares_a_channel_and_a_table_per_kind() -> None:
    importlib.import_module("agents.views")
    from streams.app import channels, settings
    from streams.tables import view_tables

    for kind in KINDS:
        assert channels.output(kind.name).get_topic_name() == topics.full_name(settings,
                                                                               kind.topic)
        assert view_tables[kind.name].name == kind.view.table


def test_rules_and_annotations_use_the_registry() -> None:
    assert tuple(k.name for k in KINDS) == rules.KINDS
    for kind in KINDS:
        assert set(kind.alert_fields) <= set(rules.FIELDS[kind.name])
        assert set(kind.view.fields) <= set(kind.record._options.fieldset) | {"published"}
        assert set(kind.annotation_fields) <= set(kind.record._options.fieldset)
    assert set(annotate.KINDS) - {"dates"} == {k.name for k in KINDS}


def test_no_module_spells_the_kinds_out_again() -> None:
    """Modules outside the registry loop over it instead of listing the four kinds."""
    kind = r"\"(?:events|quotes|figures|entities)\""
    listing = re.compile(rf"\(\s*{kind},\s*{kind},\s*{kind},\s*{kind}\s*,?\s*\)")
    allowed = {"agents/kinds.py"}
    for path in [*ROOT.glob("agents/*.py"), *ROOT.glob("streams/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel not in allowed:
            assert not listing.search(path.read_text()), rel
