"""Threads on X: splitting, replies in order, resuming after a failure, finding them again."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import MediaItem, RenderedPost
from connectors.errors import OutcomeUnknown, Unavailable
from connectors.platforms.x_text import split_thread, weighted_length
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

SENTENCE = "Pelayanan paspor di kantor imigrasi dibuka kembali mulai hari Senin pukul 08.00."
LONG = " ".join(f"{SENTENCE[:-1]} (bagian {i})." for i in range(12))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def thread(text: str = LONG, *media: MediaItem, uploads: dict | None = None) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media,
                        thread=True, uploads=dict(uploads or {}))


def connector(sandbox):
    return build_connector("x", credentials("x", "1001"), api_base=sandbox.url, timeout=3)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def test_split_keeps_short_text_whole_and_numbers_long_text():
    assert split_thread("Satu kalimat saja.") == ["Satu kalimat saja."]
    parts = split_thread(LONG)
    assert len(parts) == 6  # two sentences of ~90 characters fit in each part
    assert all(weighted_length(p) <= 280 for p in parts)
    assert [p.rsplit(" ", 1)[1] for p in parts] == [f"({i}/6)" for i in range(1, 7)]
    assert all(p[:-6].rstrip().endswith(").") for p in parts)  # cut at sentence ends
    assert " ".join(p.rsplit(" ", 1)[0] for p in parts) == LONG


def test_split_cuts_words_too_long_for_one_part():
    parts = split_thread("a" * 600)
    assert len(parts) == 3 and "".join(p.rsplit(" ", 1)[0] for p in parts) == "a" * 600


def test_thread_is_posted_as_replies_in_order(sandbox):
    published = connector(sandbox).publish(thread(), key="d1")
    stored = sandbox.posts("x", "1001")
    assert [p.text for p in stored] == split_thread(LONG)
    assert published.external_id == stored[0].id
    assert [p.extra.get("in_reply_to_tweet_id") for p in stored] == [
        None, *(p.id for p in stored[:-1])]
    assert {p.extra.get("conversation_id") for p in stored[1:]} == {stored[0].id}


def test_media_go_on_the_first_part(sandbox, tmp_path):
    image = tmp_path / "p.png"
    image.write_bytes(PNG)
    item = MediaItem(path=str(image), alt_text="Antrean paspor", mime="image/png")
    connector(sandbox).publish(thread(LONG, item), key="d1")
    stored = sandbox.posts("x", "1001")
    assert [len(p.extra["media"]) for p in stored] == [1, 0, 0, 0, 0, 0]


def test_failure_part_way_then_retry_continues_without_duplicates(sandbox, tmp_path):
    image = tmp_path / "p.png"
    image.write_bytes(PNG)
    item = MediaItem(path=str(image), alt_text="Antrean paspor", mime="image/png",
                     digest="b" * 64)
    x = connector(sandbox)
    attempt = thread(LONG, item)
    # the first two parts go through, the third meets an outage
    calls = {"n": 0}
    original = x.client.create_tweet

    def fail_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            sandbox.add_fault("x", "status", endpoint="POST /2/tweets$", count=1, status=503)
        return original(*args, **kwargs)

    x.client.create_tweet = fail_third
    with pytest.raises(Unavailable):
        x.publish(attempt, key="d1")
    assert len(sandbox.posts("x", "1001")) == 2
    assert set(attempt.uploads) == {"b" * 64, "thread:1", "thread:2"}
    # the caller stores attempt.uploads; the retry starts from them
    x.client.create_tweet = original
    retry = thread(LONG, item, uploads=attempt.uploads)
    published = x.publish(retry, key="d1")
    stored = sandbox.posts("x", "1001")
    assert [p.text for p in stored] == split_thread(LONG)  # each part once, in order
    assert stored[2].extra["in_reply_to_tweet_id"] == stored[1].id
    assert published.external_id == stored[0].id == attempt.uploads["thread:1"]
    assert [r.path for r in sandbox.requests("x")].count("/2/media/upload") == 1


def test_a_part_posted_by_an_uncertain_attempt_is_adopted(sandbox):
    x = connector(sandbox)
    sandbox.add_fault("x", "commit_then_drop", endpoint="POST /2/tweets$", count=1)
    attempt = thread()
    with pytest.raises(OutcomeUnknown):
        x.publish(attempt, key="d1")
    assert attempt.uploads == {} and len(sandbox.posts("x", "1001")) == 1
    # the part exists although the attempt never heard so; X refuses it as a duplicate and
    # the connector takes the existing post instead
    assert x.find(attempt, key="d1", since=an_hour_ago()) is None  # incomplete
    published = x.publish(thread(), key="d1")
    stored = sandbox.posts("x", "1001")
    assert [p.text for p in stored] == split_thread(LONG)
    assert published.external_id == stored[0].id


def test_find_matches_a_complete_thread_by_its_first_part(sandbox):
    x = connector(sandbox)
    published = x.publish(thread(), key="d1")
    found = x.find(thread(), key="d1", since=an_hour_ago())
    assert found is not None and found.external_id == published.external_id
    assert x.find(thread(LONG + " Tambahan."), key="d2", since=an_hour_ago()) is None


def test_without_thread_a_long_text_is_one_refused_post(sandbox):
    x = connector(sandbox)
    post = replace(thread(), thread=False)
    assert x.validate(post)[0].message.startswith("text weighs")
    assert x.validate(thread()) == []


def test_a_thread_longer_than_25_parts_is_a_problem(sandbox):
    text = " ".join([SENTENCE] * 100)
    problems = connector(sandbox).validate(thread(text))
    assert [p.message for p in problems] == ["the thread needs 34 posts, limit 25"]
