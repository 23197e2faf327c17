"""Per-item view folds: idempotent, revision-aware, retracting, bounded, in order."""

from __future__ import annotations

from typing import Any

import orjson

from agents.kinds import MAX_TEXT, by_name
from agents.viewfold import (
    MAX_SEEN,
    SEP,
    Op,
    alias_count_key,
    alias_forms,
    alias_level,
    alias_table_writes,
    choose_alias,
    day_key,
    fold,
    group_prefix,
    head_key,
    index_key,
    ops_for,
)

QUOTES, EVENTS, ENTITIES = by_name("quotes"), by_name("events"), by_name("entities")


class Table(dict):  # type: ignore[type-arg]
    """A table as the view agent sees it: get, then apply the writes."""

    def apply(self, writes: dict[str, Any]) -> int:
        for key, value in writes.items():
            if value is None:
                self.pop(key, None)
            else:
                self[key] = value
        return len(writes)

    def fold(self, kind: Any, op: Op, at: tuple[int, int] | None = None) -> int:
        """Fold ``op`` as the next view-update message (or at the place ``at``)."""
        self.offset = getattr(self, "offset", -1) + 1
        return self.apply(fold(kind, op, self.get, at or (self.offset, 0)))

    def items_of(self, prefix: str) -> list[Any]:
        return [self[k] for k in sorted(self) if k.startswith(prefix)]


def quote(qid: str, article: str = "a1", revision: int = 1, day: str = "2019-03-13",
          **kw: Any) -> dict[str, Any]:
    return {"id": qid, "article_id": article, "revision": revision, "text": f"text {qid}",
            "published": f"{day}T08:00:00+00:00", "kind": "direct",
            "speaker": "Mustafa Bali", "sentence": "s", **kw}


def test_the_same_op_twice_changes_nothing_the_second_time() -> None:
    t = Table()
    (op,) = ops_for(QUOTES, "a1", 1, [quote("q1"), quote("q2")])
    assert t.fold(QUOTES, op) > 0
    before = dict(t)
    again = fold(QUOTES, op, t.get, (7, 0))  # the same op in a new message
    assert set(again) == {head_key("Mustafa Bali")}  # the total, written as it is
    t.apply(again)
    assert t == before
    assert t[head_key("Mustafa Bali")]["n"] == 2


def test_items_page_newest_story_first_across_articles() -> None:
    t = Table()
    for i, day in enumerate(["2019-03-10", "2019-03-14", "2019-03-12"]):
        (op,) = ops_for(QUOTES, f"a{i}", 1, [quote(f"q{i}", article=f"a{i}", day=day)])
        t.fold(QUOTES, op)
    assert [q["id"] for q in t.items_of(group_prefix("Mustafa Bali"))] == ["q1", "q2", "q0"]


def test_a_new_revision_replaces_the_old_items_and_an_old_one_is_ignored() -> None:
    t = Table()
    t.fold(QUOTES, ops_for(QUOTES, "a1", 1, [quote("old1"), quote("old2")])[0])
    t.fold(QUOTES, ops_for(QUOTES, "a1", 2, [quote("new1", revision=2)])[0])
    assert [q["id"] for q in t.items_of(group_prefix("Mustafa Bali"))] == ["new1"]
    assert t[head_key("Mustafa Bali")]["n"] == 1
    assert t.fold(QUOTES, ops_for(QUOTES, "a1", 1, [quote("old3")])[0]) == 0


def test_a_retraction_removes_the_article_and_an_empty_group() -> None:
    t = Table()
    t.fold(QUOTES, ops_for(QUOTES, "a1", 1, [quote("q1")])[0])
    (retract,) = ops_for(QUOTES, "a1", 2, [], retract=["Mustafa Bali"])
    assert retract.items == []
    t.fold(QUOTES, retract)
    assert t.items_of(group_prefix("Mustafa Bali")) == []
    assert head_key("Mustafa Bali") not in t
    assert t[index_key("Mustafa Bali", "a1")]["rev"] == 2  # remembers: rev 1 stays out


def test_a_retraction_is_only_sent_for_groups_the_new_revision_lacks() -> None:
    ops = ops_for(QUOTES, "a1", 2, [quote("q", speaker="A")], retract=["A", "B"])
    assert [(o.group, len(o.items)) for o in ops] == [("A", 1), ("B", 0)]


def test_events_are_listed_and_counted_by_their_own_day() -> None:
    t = Table()
    base = {"article_id": "a1", "revision": 1, "type": "Battles", "trigger": "clashes",
            "place": "Baghuz", "published": "2019-03-13T00:00:00+00:00"}
    ops = ops_for(EVENTS, "a1", 1, [{**base, "id": "e1", "date": "2019-03-10"},
                                    {**base, "id": "e2", "date": None}])
    t.fold(EVENTS, ops[0])
    assert [e["id"] for e in t.items_of(group_prefix("Baghuz"))] == ["e2", "e1"]
    assert [e["id"] for e in t.items_of(group_prefix("Baghuz", "2019-03-10"))] == ["e1"]
    assert t[day_key("Baghuz", "2019-03-10")]["n"] == 1
    assert t[day_key("Baghuz", "2019-03-13")]["n"] == 1


def entity(article: str, mentions: int, day: str, revision: int = 1,
           aliases: tuple[str, ...] = ("IS",)) -> dict[str, Any]:
    return {"id": f"e-{article}-{revision}", "article_id": article, "revision": revision,
            "name": "Islamic State", "type": "ORG", "aliases": list(aliases),
            "mentions": mentions, "published": f"{day}T00:00:00+00:00"}


def test_entity_totals_and_daily_counts_follow_revisions_exactly() -> None:
    t = Table()
    t.fold(ENTITIES, ops_for(ENTITIES, "a1", 1, [entity("a1", 16, "2019-03-13")])[0])
    t.fold(ENTITIES, ops_for(ENTITIES, "a2", 1, [entity("a2", 2, "2019-03-14",
                                                        aliases=("Daesh",))])[0])
    head = t[head_key("Islamic State")]
    assert (head["n"], head["m"], head["type"]) == (2, 18, "ORG")
    assert head["aliases"] == ["Daesh", "IS"]
    # a new revision of a1 moves to another day with other counts
    t.fold(ENTITIES, ops_for(ENTITIES, "a1", 2, [entity("a1", 4, "2019-03-14", 2)])[0])
    head = t[head_key("Islamic State")]
    assert (head["n"], head["m"]) == (2, 6)
    assert day_key("Islamic State", "2019-03-13") not in t
    day = t[day_key("Islamic State", "2019-03-14")]
    assert (day["n"], day["m"]) == (2, 6)


def test_no_value_grows_with_history() -> None:
    t = Table()
    long_text = "word " * 10_000
    for i in range(2_000):
        (op,) = ops_for(QUOTES, f"a{i}", 1, [quote(f"q{i}", article=f"a{i}", text=long_text,
                                                    sentence=long_text)])
        t.fold(QUOTES, op)
    largest = max(len(orjson.dumps(v)) for v in t.values())
    assert largest < 2 * MAX_TEXT + 1_000
    assert t[head_key("Mustafa Bali")]["n"] == 2_000


def test_ops_survive_their_json_round_trip() -> None:
    (op,) = ops_for(QUOTES, "a1", 1, [quote("q1")])
    assert Op.from_json(orjson.loads(orjson.dumps(op.to_json()))) == op


def test_group_keys_fold_case_and_spacing_and_keep_the_name_as_written() -> None:
    t = Table()
    t.fold(QUOTES, ops_for(QUOTES, "a1", 1, [quote("q1", speaker="Al-Shabab")])[0])
    t.fold(QUOTES, ops_for(QUOTES, "a2", 1, [quote("q2", article="a2",
                                                   speaker="al-Shabab  ")])[0])
    head = t[head_key("AL-SHABAB")]
    assert (head["group"], head["n"], head["m"]) == ("Al-Shabab", 2, 0)
    assert len(t.items_of(group_prefix("al-shabab"))) == 2


def test_only_aliases_a_lookup_needs_are_learned() -> None:
    gazetteer = {"Burma": "Myanmar", "IS": "Islamic State", "Daesh": "Islamic State"}.get
    # the name itself, and the gazetteer's own aliases, need no entry ...
    assert alias_forms("Islamic State", ["IS", "Daesh", "islamic state"], gazetteer) == []
    # ... a learned acronym or surname does, and a name the gazetteer would send elsewhere
    assert alias_forms("Syrian Democratic Forces", ["SDF", "sdf"], gazetteer) == ["sdf"]
    assert alias_forms("Burma", [], gazetteer) == ["burma"]
    assert alias_forms("Ahmed Bali", ["Bali"], gazetteer) == ["bali"]


def test_a_crash_anywhere_in_an_ops_writes_then_folding_it_again_counts_it_once() -> None:
    """After a SIGKILL the agent folds its uncommitted messages again, and each key may
    hold any part of their writes (RocksDB ahead of, or behind, the changelog)."""
    ops = [ops_for(ENTITIES, "a1", 1, [entity("a1", 3, "2019-03-13")])[0],
           ops_for(ENTITIES, "a2", 1, [entity("a2", 2, "2019-03-13")])[0],
           ops_for(ENTITIES, "a1", 2, [entity("a1", 5, "2019-03-14", 2)])[0]]
    clean = Table()
    for j, op in enumerate(ops):
        clean.fold(ENTITIES, op, (j, 0))
    for crash_after in range(len(ops)):
        for kept in range(0, 6):  # how many of that op's writes reached the store
            t = Table()
            for j, op in enumerate(ops[:crash_after]):
                t.fold(ENTITIES, op, (j, 0))
            writes = list(fold(ENTITIES, ops[crash_after], t.get, (crash_after, 0)).items())
            t.apply(dict(writes[:kept]))
            for j, op in enumerate(ops):  # nothing was committed: every message comes again
                t.fold(ENTITIES, op, (j, 0))
            for key in (head_key("Islamic State"), day_key("Islamic State", "2019-03-13"),
                        day_key("Islamic State", "2019-03-14")):
                got, want = t.get(key), clean.get(key)
                assert (got or {}).get("n") == (want or {}).get("n"), (crash_after, kept, key)
                assert (got or {}).get("m") == (want or {}).get("m"), (crash_after, kept, key)


def test_a_total_that_lost_its_last_write_counts_the_redelivered_op_again() -> None:
    """The restart replayed an older changelog value of the total over the store while
    the op's index (its last write) survived: the redelivered message is counted."""
    t = Table()
    t.fold(QUOTES, ops_for(QUOTES, "a1", 1, [quote("q1")])[0], (0, 0))
    older = dict(t[head_key("Mustafa Bali")])
    t.fold(QUOTES, ops_for(QUOTES, "a2", 1, [quote("q2", article="a2")])[0], (1, 0))
    t[head_key("Mustafa Bali")] = older  # the total went back; a2's index did not
    t.fold(QUOTES, ops_for(QUOTES, "a2", 1, [quote("q2", article="a2")])[0], (1, 0))
    assert t[head_key("Mustafa Bali")]["n"] == 2
    # ... and the same op in a later message (the article redone) is not counted again
    t.fold(QUOTES, ops_for(QUOTES, "a2", 1, [quote("q2", article="a2")])[0], (2, 0))
    assert t[head_key("Mustafa Bali")]["n"] == 2


def test_a_message_re_read_after_newer_ones_is_counted_once() -> None:
    """faust skipped offset 1; 2 and 3 were folded; the watchdog re-reads 1, 2, 3."""
    t = Table()
    ops = [ops_for(QUOTES, f"a{i}", 1, [quote(f"q{i}", article=f"a{i}")])[0] for i in range(4)]
    for j in (0, 2, 3, 1, 2, 3):
        t.fold(QUOTES, ops[j], (j, 0))
    assert t[head_key("Mustafa Bali")]["n"] == 4


def test_a_total_remembers_a_bounded_number_of_places() -> None:
    t = Table()
    for i in range(MAX_SEEN + 10):
        (op,) = ops_for(QUOTES, f"a{i}", 1, [quote(f"q{i}", article=f"a{i}")])
        t.fold(QUOTES, op, (i, 0))
    head = t[head_key("Mustafa Bali")]
    assert len(head["seen"]) == MAX_SEEN and head["n"] == MAX_SEEN + 10
    (op,) = ops_for(QUOTES, "a0", 1, [quote("q0", article="a0")])
    t.fold(QUOTES, op, (0, 0))  # older than all it remembers: counted long ago
    assert t[head_key("Mustafa Bali")]["n"] == MAX_SEEN + 10


def test_a_total_forgets_the_places_below_the_committed_offset() -> None:
    """Kafka never redelivers a committed message: its place need not be remembered.

    Without this a hot group's totals carried MAX_SEEN places each, read and written
    (JSON) on every op: the view fold cost three times more late in a soak than early.
    """
    t = Table()
    ops = [ops_for(QUOTES, f"a{i}", 1, [quote(f"q{i}", article=f"a{i}")])[0]
           for i in range(12)]
    for i in range(10):
        t.apply(fold(QUOTES, ops[i], t.get, (i, 0)))
    assert len(t[head_key("Mustafa Bali")]["seen"]) == 10
    t.apply(fold(QUOTES, ops[10], t.get, (10, 0), floor=8))  # offsets 0-7 committed
    head = t[head_key("Mustafa Bali")]
    assert head["seen"] == [[8, 0], [9, 0], [10, 0]] and head["n"] == 11
    t.apply(fold(QUOTES, ops[9], t.get, (9, 0), floor=8))  # a redelivery: counted once
    t.apply(fold(QUOTES, ops[11], t.get, (11, 0), floor=8))
    assert t[head_key("Mustafa Bali")]["n"] == 12


def test_alias_counts_follow_articles_revisions_and_redeliveries() -> None:
    t = Table()

    def learn(group: str, forms: Any) -> list[str]:
        return alias_forms(group, forms, lambda name: None)

    def fold_at(op: Op, at: tuple[int, int]) -> dict[str, Any]:
        writes = fold(ENTITIES, op, t.get, at, learn=learn)
        mirror = alias_table_writes(writes, t.get)
        t.apply(writes)
        return mirror

    a1 = ops_for(ENTITIES, "a1", 1, [entity("a1", 1, "2019-03-13", aliases=("Daesh",))])[0]
    a2 = ops_for(ENTITIES, "a2", 1, [entity("a2", 1, "2019-03-13", aliases=("Daesh",))])[0]
    assert fold_at(a1, (0, 0)) == {f"daesh{SEP}islamic state": {"n": 1}}
    assert fold_at(a2, (1, 0)) == {f"daesh{SEP}islamic state": {"n": 2}}
    # Redelivered: counted once, and its alias entry written again (a crash may have
    # lost it after the view table's write went out).
    assert fold_at(a2, (1, 0)) == {f"daesh{SEP}islamic state": {"n": 2}}
    assert t[alias_count_key("Islamic State", "Daesh")]["n"] == 2
    a1v2 = ops_for(ENTITIES, "a1", 2, [entity("a1", 1, "2019-03-13", 2, aliases=())])[0]
    fold_at(a1v2, (2, 0))  # the new revision no longer says "Daesh"
    assert t[alias_count_key("Islamic State", "Daesh")]["n"] == 1
    retract = ops_for(ENTITIES, "a2", 2, [], retract=["Islamic State"])[0]
    assert fold_at(retract, (3, 0))[f"daesh{SEP}islamic state"] is None
    assert alias_count_key("Islamic State", "Daesh") not in t


def test_alias_entries_change_only_when_the_count_changes_level() -> None:
    levels = [alias_level(n) for n in range(0, 26)]
    assert levels == [0, 1, 2, 3, 4, 4, 6, 6, 8, 8, 8, 8, 12, 12, 12, 12, 16, 16, 16, 16,
                      16, 16, 16, 16, 24, 24]
    t = Table()
    learn = lambda group, forms: alias_forms(group, forms, lambda name: None)  # noqa: E731
    written = 0
    for i in range(40):
        (op,) = ops_for(ENTITIES, f"a{i}", 1, [entity(f"a{i}", 1, "2019-03-13",
                                                      aliases=("Daesh",))])
        writes = fold(ENTITIES, op, t.get, (i, 0), learn=learn)
        written += len(alias_table_writes(writes, t.get))
        t.apply(writes)
    assert written == len({alias_level(n) for n in range(1, 41)}) == 10  # not 40


def test_an_alias_resolves_to_the_most_articles_then_the_smallest_name() -> None:
    assert choose_alias([(f"nasser{SEP}lake nasser", {"n": 3}),
                         (f"nasser{SEP}ahmed nasser", {"n": 5})]) == "ahmed nasser"
    assert choose_alias([(f"nasser{SEP}lake nasser", {"n": 5}),
                         (f"nasser{SEP}ahmed nasser", {"n": 5})]) == "ahmed nasser"
    assert choose_alias([(f"nasser{SEP}ahmed nasser", {"n": 0}), ("nasser", "Old Shape")]) \
        is None
