"""The ``articles`` status folds: forward only, failures recorded with their reason."""

from __future__ import annotations

from agents.materialize import article_failed, article_processed, article_received


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

