"""Framework internals live in streams/faust_private.py, behind a version check."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from aiokafka.partitioner import DefaultPartitioner

from streams import faust_private as fp
from streams.faust_private import (
    PINNED,
    VersionMismatch,
    check_versions,
    iter_private_reads,
    partition_for,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_versions_are_the_pinned_ones() -> None:
    check_versions()
    pyproject = (ROOT / "pyproject.toml").read_text()
    for package, version in PINNED.items():
        assert f'"{package}=={version}"' in pyproject


def test_another_version_refuses_to_run_and_says_what_to_do() -> None:
    with pytest.raises(VersionMismatch, match=r"faust-streaming 0\.16\.0 \(needs 0\.15\.3\)"):
        check_versions(lambda p: "0.16.0" if p == "faust-streaming" else PINNED[p])


def test_partition_for_is_the_producers_partitioner() -> None:
    for key in ("Mustafa Bali", "Baghuz", "civilians", "Islamic State", "é€"):
        for n in (1, 4, 12):
            assert partition_for(key, n) == DefaultPartitioner()(key.encode(), list(range(n)),
                                                                  list(range(n)))


def test_no_other_module_reads_framework_private_state() -> None:
    names = "|".join(re.escape(n) for n in iter_private_reads())
    private = re.compile(rf"\.({names})\b")
    for path in [*ROOT.glob("streams/*.py"), *ROOT.glob("agents/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "streams/faust_private.py":
            continue
        code = re.sub(r"``[^`]*``", "", path.read_text())  # names in docs are fine
        assert not private.search(code), rel


def test_every_rocksdb_database_shares_one_cache_and_memtable_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from faust.stores.rocksdb import RocksDBOptions

    monkeypatch.setattr(RocksDBOptions, "as_options", RocksDBOptions.as_options)
    cache, manager = fp.share_rocksdb_memory(64 * 2**20, 32 * 2**20)
    dbs = [RocksDBOptions(write_buffer_size=4 * 2**20, max_write_buffer_number=2,
                          use_rocksdict=True).open(tmp_path / f"p{i}") for i in range(3)]
    try:
        for db in dbs:
            for k in range(2_000):
                db.put(b"key%05d" % k, b"v" * 200)
        # Three databases' memtables, one manager counting them all, charged to one cache.
        assert manager.get_usage() >= 3 * 2_000 * 200
        assert cache.get_usage() >= manager.get_usage()
    finally:
        for db in dbs:
            db.close()
        with contextlib.suppress(AttributeError):
            del RocksDBOptions._wiredesk_as_options


def test_every_wrapper_is_what_the_workers_consumer_calls() -> None:
    # The fetch wrapper once sat on faust's base Consumer, but the aiokafka driver's
    # consumer inherits ``_getmany`` from ThreadDelegateConsumer, so it never ran: records
    # faust fetched and dropped were not sought back to, and a replay worker's partition
    # waited 10 s for the stall watchdog (the first replay of most benchmark runs).
    from streams.app import app  # installs them

    used = app.transport.Consumer
    for name in ("_getmany", "getmany", "_add_gap", "_new_offset", "perform_seek",
                 "_drain_messages", "_commit_offsets"):
        assert hasattr(getattr(used, name), "_faust"), name
