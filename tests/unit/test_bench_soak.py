"""The soak's pure parts: the fifths' rates, the audit's comparison, the expected tables."""

from __future__ import annotations

from types import SimpleNamespace

from rich.console import Console

from bench.soak import fifth_rates
from bench.soak_audit import (
    Audit,
    Expected,
    Listing,
    compare_entities,
    compare_ids,
    merge_listings,
)
from streams.benchcmd import render


def test_fifths_tile_the_run_from_the_first_send() -> None:
    # 10 articles, done at 1..10 s after a send at 0: two per fifth, 2 s per fifth.
    assert fifth_rates(0.0, [float(t) for t in range(1, 11)], 10) == [1.0] * 5
    # Ranked by completion, not by the order given.
    assert fifth_rates(0.0, [float(t) for t in range(10, 0, -1)], 10) == [1.0] * 5


def test_fifths_show_a_slowdown_and_an_unfinished_tail() -> None:
    done = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 12.0, 16.0]  # the last two 4 s each
    rates = fifth_rates(0.0, done, 10)
    assert rates[0] == 1.0 and rates[-1] == 2 / 8
    # Two articles never completed: the last fifth has no rate, the others keep theirs.
    assert fifth_rates(0.0, done[:8], 10) == [1.0, 1.0, 1.0, 1.0, None]


def test_fifths_of_uneven_counts_cover_every_article() -> None:
    rates = fifth_rates(0.0, [float(t) for t in range(1, 13)], 12)
    assert all(r is not None for r in rates)
    # round(12 * k / 5): shares of 2, 3, 2, 3, 2 articles, each as many seconds.
    assert rates == [1.0] * 5


def test_compare_ids_counts_lost_doubled_and_unexpected() -> None:
    got = compare_ids({"a", "b", "c", "d"}, ["a", "b", "b", "x", "c", "c", "c"])
    assert got == {"expected": 4, "returned": 7, "lost": 1, "duplicated": 2, "unexpected": 1}
    assert compare_ids({"a"}, ["a"])["lost"] == compare_ids({"a"}, ["a"])["duplicated"] == 0


def test_a_listing_two_asked_keys_resolve_to_counts_once() -> None:
    # "Nasser" (a bare surname) resolves to "Peter Nasser": the same listing twice is
    # not a doubled record; the records under "Nasser" itself are out of reach (lost).
    peter = Listing("Peter Nasser", ["q1", "q2"])
    ids, redirected = merge_listings({"Peter Nasser": peter, "Nasser": peter,
                                      "Amina Okello": Listing("Amina Okello", ["q3", "q3"]),
                                      "Gone": None})
    assert sorted(ids) == ["q1", "q2", "q3", "q3"] and redirected == ["Nasser"]
    got = compare_ids({"q1", "q2", "q3", "q4"}, ids)
    assert (got["lost"], got["duplicated"]) == (1, 1)  # q4 (under "Nasser"); q3 twice


def test_compare_entities_sums_shortfalls_and_excesses() -> None:
    got = compare_entities({"Kenya": 5, "Geneva": 2, "NATO": 3, "Idris": 1},
                           {"Kenya": 5, "Geneva": 4, "NATO": 1, "Idris": None})
    assert got["lost"] == 2 + 1 and got["duplicated"] == 2 and got["mismatched"] == 3


def test_audit_totals_add_up_every_kind() -> None:
    a = Audit(kinds={"quotes": {"lost": 2, "duplicated": 1},
                     "entities": {"lost": 3, "duplicated": 0}}, requests=9, errors=[])
    assert (a.lost, a.duplicated) == (5, 1)


def _record(**fields: object) -> SimpleNamespace:
    return SimpleNamespace(**fields)


def test_expected_groups_ids_by_the_views_keys_and_skips_unkeyed_records() -> None:
    enriched = SimpleNamespace(
        quotes=[_record(id="q1", speaker="Amina Okello"), _record(id="q2", speaker=None)],
        figures=[_record(id="f1", unit="Yazidi  Women"), _record(id="f2", unit=None)],
        events=[_record(id="e1", place="Mosul"), _record(id="e2", place=None)],
        entities=[_record(name="Mosul", article_id="a1")])
    exp = Expected()
    exp.add(enriched)
    exp.add(SimpleNamespace(quotes=[], figures=[], events=[],
                            entities=[_record(name="Mosul", article_id="a2"),
                                      _record(name="Mosul", article_id="a2")]))
    assert exp.ids == {"quotes": {"Amina Okello": {"q1"}}, "figures": {"yazidi women": {"f1"}},
                       "events": {"Mosul": {"e1"}}}
    assert exp.entities == {"Mosul": {"a1", "a2"}}


def test_render_a_soak_only_result_with_its_targets() -> None:
    result = {"articles": 300, "kafka_version": "4.4.0", "machine": {"cores": 2},
              "soak": {"first_aps": 12.0, "last_aps": 9.0, "max_value_bytes": 70_000,
                       "lost": 0, "duplicated": 0, "rss_mb": 250.0}}
    console = Console(width=160, record=True)
    console.print(render(result))
    text = console.export_text()
    assert "75% of first" in text and "<= 65,536" in text and "70,000" in text
    assert "in-process" not in text
