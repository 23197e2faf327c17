"""The table folds: idempotent by record id, revision-aware, bounded."""

from __future__ import annotations

from agents.materialize import (
    MAX_LIST,
    add_entity,
    add_event,
    add_figure,
    add_quote,
    article_failed,
    article_processed,
    article_received,
    entity_summary,
    subject_key,
)


def quote(qid: str, article: str = "a1", revision: int = 1, day: str = "2019-03-13",
          **kw: object) -> dict:  # type: ignore[type-arg]
    return {"id": qid, "article_id": article, "revision": revision, "span": [0, 5],
            "published": f"{day}T00:00:00+00:00", "received_at": f"{day}T10:00:00Z",
            "text": f"text {qid}", "kind": "direct", "speaker": "Mustafa Bali", **kw}


def test_a_quote_twice_changes_nothing() -> None:
    once = add_quote(None, quote("q1"))
    assert add_quote(once, quote("q1")) is once
    assert [q["id"] for q in once["quotes"]] == ["q1"]


def test_quotes_are_newest_first_and_bounded() -> None:
    value = None
    for i in range(MAX_LIST + 5):
        value = add_quote(value, quote(f"q{i:04d}", article=f"a{i}",
                                       day=f"2019-03-{1 + i % 28:02d}"))
    assert len(value["quotes"]) == MAX_LIST
    days = [q["day"] for q in value["quotes"]]
    assert days == sorted(days, reverse=True)


def test_a_new_revision_replaces_the_old_revisions_quotes() -> None:
    value = add_quote(add_quote(None, quote("old1")), quote("old2"))
    value = add_quote(value, quote("new1", revision=2))
    assert [q["id"] for q in value["quotes"]] == ["new1"]
    # ... and a late quote of the old revision is ignored
    assert add_quote(value, quote("old3")) is value


def test_entity_counts_are_per_article_so_duplicates_do_not_inflate() -> None:
    rec = {"id": "e1", "article_id": "a1", "revision": 1, "span": [0, 2], "name": "Islamic State",
           "type": "ORG", "aliases": ["IS"], "mentions": 16, "published": "2019-03-13T00:00:00Z"}
    value = add_entity(None, rec)
    assert add_entity(value, rec) is value
    value = add_entity(value, {**rec, "id": "e2", "article_id": "a2", "mentions": 2,
                               "aliases": ["Daesh"], "published": "2019-03-14T00:00:00Z"})
    summary = entity_summary(value)
    assert summary["mentions"] == 18 and summary["articles"] == 2
    assert summary["aliases"] == ["Daesh", "IS"]
    assert summary["first_seen"] == "2019-03-13" and summary["last_seen"] == "2019-03-14"
    assert summary["daily"] == {"2019-03-13": 16, "2019-03-14": 2}
    # a new revision of a1 replaces its count
    value = add_entity(value, {**rec, "id": "e3", "revision": 2, "mentions": 4})
    assert entity_summary(value)["mentions"] == 6


def test_events_group_by_the_events_own_date_else_the_story_date() -> None:
    base = {"article_id": "a1", "revision": 1, "span": [0, 1], "type": "Battles",
            "trigger": "clashes", "place": "Baghuz", "published": "2019-03-13T00:00:00Z"}
    value = add_event(None, {**base, "id": "e1", "date": "2019-03-10"})
    value = add_event(value, {**base, "id": "e2", "date": None})
    assert set(value["days"]) == {"2019-03-10", "2019-03-13"}
    assert add_event(value, {**base, "id": "e1", "date": "2019-03-10"}) is value


def test_figures_are_keyed_by_a_normalised_subject() -> None:
    assert subject_key("  Yazidi  Women ") == "yazidi women"
    fig = {"id": "f1", "article_id": "a1", "revision": 1, "span": [0, 3],
           "text": "about 3,000 people", "value": 3000.0, "bound": "about", "unit": "people"}
    value = add_figure(None, fig)
    assert value["subject"] == "people"
    assert add_figure(value, fig) is value


def test_article_status_moves_forward_and_records_failures() -> None:
    art = {"id": "a1", "revision": 1, "headline": "H", "published": "2019-03-13T00:00:00Z",
           "source": "file"}
    received = article_received(None, art)
    assert received["status"] == "received" and received["published"] == "2019-03-13"
    done = article_processed(received, "a1", 1, {"quotes": 3})
    assert done["status"] == "processed" and done["counts"] == {"quotes": 3}
    assert article_received(done, art) is done  # a redelivery does not undo it
    failed = article_failed(None, "a2", "normalize", "DecodeError: binary data")
    assert failed["status"] == "failed" and failed["reason"].startswith("normalize: Decode")

