"""deploy/demo.sh demonstrates: rules before articles, whole records, an optional webhook."""

from __future__ import annotations

from pathlib import Path

from agents.rules import load_rule_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = (ROOT / "deploy" / "demo.sh").read_text()


def test_rules_are_loaded_before_the_sample_articles() -> None:
    # A rule only sees records made after it is loaded; re-ingesting is dropped as a duplicate.
    assert DEMO.index("wiredesk rules load") < DEMO.index("wiredesk ingest")
    assert "docs/rules.example.yaml" in DEMO


def test_sample_records_are_not_cut() -> None:
    assert "cut -c" not in DEMO


def test_the_example_rules_post_to_no_webhook_unless_asked() -> None:
    # Nothing listens at the example's address; the webhook is commented out, marked optional.
    text = (ROOT / "docs" / "rules.example.yaml").read_text()
    assert all(rule.webhook is None for rule in load_rule_file(text))
    assert "# webhook:" in text and "Optional" in text
