"""The inputs people have, through the command line: stdin, one JSON object, --published.

Typer's CliRunner drives ``wiredesk process`` and ``wiredesk ingest``; ingest's
Kafka calls are replaced, so no broker is needed.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from agents.parse import RawMeta, article_id
from streams import kafka_io
from streams.cli import app

runner = CliRunner()
STORY = b"Talks resume in Geneva\n\nDiplomats met on Tuesday to reopen the talks."
OTHER = b"Floods hit Nairobi\n\nFloods killed 40 people in Nairobi on Monday, police said."


def process(*args: str, stdin: bytes | None = None) -> Any:
    result = runner.invoke(app, ["process", *args, "--compact"], input=stdin)
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_stdin_articles_with_different_content_get_different_ids() -> None:
    a, b = process("-", stdin=STORY), process("-", stdin=OTHER)
    assert a["article"]["id"] != b["article"]["id"]
    assert process("-", stdin=STORY)["article"]["id"] == a["article"]["id"]


def test_source_id_is_the_callers_own_id() -> None:
    doc = process("-", "--source-id", "desk-42", "--source", "desk", stdin=STORY)
    assert doc["article"]["id"] == article_id("desk", "desk-42")


def test_published_dates_an_undated_text_and_its_relative_dates() -> None:
    undated = process("-", stdin=STORY)["article"]
    assert undated["published"] is None and undated["published_source"] == "none"
    doc = process("-", "--published", "2019-03-13", stdin=STORY)
    assert doc["article"]["published"].startswith("2019-03-13")
    assert doc["article"]["published_source"] == "header"
    assert [d["date"] for d in doc["dates"]] == ["2019-03-12"]


def test_a_bad_published_date_is_a_usage_error() -> None:
    result = runner.invoke(app, ["process", "-", "--published", "last week"], input=STORY)
    assert result.exit_code == 2 and "ISO date" in result.output


@pytest.mark.parametrize("fmt", ["auto", "jsonl", "ninjs"])
def test_one_pretty_printed_json_article_is_one_article(fmt: str) -> None:
    raw = orjson.dumps({"headline": "Talks resume in Geneva",
                        "body": "Diplomats met on Tuesday.\n\nThey meet again on Monday.",
                        "published": "2024-04-12"}, option=orjson.OPT_INDENT_2)
    doc = process("-", "--format", fmt, stdin=raw)
    assert doc["article"]["headline"] == "Talks resume in Geneva"
    assert doc["article"]["published_source"] == "item"


def test_a_latin1_file_is_processed(tmp_path: Any) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes("Caf\u00e9 reopens\n\nThe caf\u00e9 reopened on Monday.".encode("latin-1"))
    doc = process(str(path))
    assert doc["article"]["body"] == "The caf\u00e9 reopened on Monday."
    assert doc["article"]["encoding"] == "cp1252"


def test_ingest_stdin_gives_different_content_different_ids(
        sent: list[kafka_io.RawArticle]) -> None:
    for raw in (STORY, OTHER):
        result = runner.invoke(app, ["ingest", "-"], input=raw)
        assert result.exit_code == 0, result.output
    assert len(sent) == 2 and sent[0].key != sent[1].key


def test_ingest_takes_a_source_id_and_a_published_date(
        sent: list[kafka_io.RawArticle]) -> None:
    result = runner.invoke(app, ["ingest", "-", "--source-id", "desk-42", "--published",
                                 "2008-05-07"], input=STORY)
    assert result.exit_code == 0, result.output
    (art,) = sent
    assert art.key == article_id("file", "desk-42")
    assert art.published is not None and art.published.date().isoformat() == "2008-05-07"
    headers = dict(RawMeta(source=art.source, source_id=art.source_id,
                           published=art.published).to_headers())
    assert headers["wiredesk.published"].startswith(b"2008-05-07")


def test_ingest_reads_one_pretty_printed_json_article(sent: list[kafka_io.RawArticle]) -> None:
    raw = orjson.dumps({"id": "j-1", "headline": "Talks resume", "body": "Diplomats met."},
                       option=orjson.OPT_INDENT_2)
    result = runner.invoke(app, ["ingest", "-"], input=raw)
    assert result.exit_code == 0, result.output
    assert [a.source_id for a in sent] == ["j-1"]
