"""X in depth: real tweepy API v1.1 media upload (simple and chunked), v2 upload, OAuth 1.0a
nonce replay, weighted length, replies, 24-hour caps and the new fault kinds."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace

import pytest
import requests
import tweepy
from requests_oauthlib import OAuth1

from connectors.base import MediaItem, RenderedPost
from connectors.errors import (
    AuthExpired,
    ConfigError,
    ContentRejected,
    RateLimited,
    Unavailable,
)
from connectors.http import RebasingSession
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def post(text: str, *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media)


def connector(sandbox, account: str = "1001", **creds):
    return build_connector("x", creds or credentials("x", account), api_base=sandbox.url,
                           timeout=5)


def v1_api(sandbox) -> tweepy.API:
    api = tweepy.API(tweepy.OAuth1UserHandler("ck", "cs", "at", "ats"))
    api.session = RebasingSession(sandbox.url, 5)
    return api


def test_tweepy_v1_simple_upload_then_post_with_media(sandbox):
    api = v1_api(sandbox)
    media = api.media_upload("poster.png", file=io.BytesIO(PNG))
    assert media.media_id_string == str(media.media_id) and media.size == len(PNG)
    assert media.image["image_type"] == "image/png"
    api.create_media_metadata(media.media_id, "Poster HUT RI")
    client = tweepy.Client(consumer_key="ck", consumer_secret="cs", access_token="at",
                           access_token_secret="ats")
    client.session = RebasingSession(sandbox.url, 5)
    created = client.create_tweet(text="Dengan gambar", media_ids=[media.media_id])
    stored = sandbox.posts("x", "1001")[0]
    assert stored.id == created.data["id"]
    assert stored.extra["media"] == [{"media_type": "image/png", "total_bytes": len(PNG),
                                      "alt": "Poster HUT RI"}]
    # upload.twitter.com was rebased onto the sandbox like api.twitter.com
    assert [r.path for r in sandbox.requests("x")][:2] == [
        "/1.1/media/upload.json", "/1.1/media/metadata/create.json"]


def test_tweepy_v1_chunked_upload_with_processing(sandbox):
    api = v1_api(sandbox)
    media = api.chunked_upload("clip.mp4", file=io.BytesIO(VIDEO), file_type="video/mp4",
                               media_category="tweet_video", chunk_size=4096)
    assert media.processing_info["state"] == "succeeded"
    log = sandbox.requests("x")
    appends = -(-len(VIDEO) // 4096)
    # INIT 202, APPENDs 204, FINALIZE 201 (pending), STATUS in_progress then succeeded
    assert [r.status for r in log] == [202] + [204] * appends + [201, 200, 200]
    assert {r.method for r in log[-2:]} == {"GET"}


def test_v1_finalize_with_missing_bytes_is_refused(sandbox):
    api = v1_api(sandbox)
    init = api.chunked_upload_init(len(VIDEO), "video/mp4")
    api.chunked_upload_append(init.media_id, ("clip.mp4", VIDEO[:100]), 0)
    with pytest.raises(tweepy.BadRequest, match="File size mismatch"):
        api.chunked_upload_finalize(init.media_id)


def test_unusable_media_ids_are_refused(sandbox):
    api = v1_api(sandbox)
    init = api.chunked_upload_init(len(VIDEO), "video/mp4")  # never finished
    response = requests.post(f"{sandbox.url}/2/tweets", auth=OAuth1("ck", "cs", "at", "ats"),
                             json={"text": "x", "media": {"media_ids": [str(init.media_id)]}},
                             timeout=5)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Your media IDs are invalid."


def test_v2_chunked_upload_over_http(sandbox):
    auth = OAuth1("ck", "cs", "at", "ats")
    base = f"{sandbox.url}/2/media/upload"
    init = requests.post(f"{base}/initialize", auth=auth, timeout=5, json={
        "media_type": "video/mp4", "total_bytes": len(VIDEO), "media_category": "tweet_video"})
    media_id = init.json()["data"]["id"]
    assert init.json()["data"]["media_key"] == f"3_{media_id}"
    for index, start in enumerate(range(0, len(VIDEO), 5000)):
        appended = requests.post(f"{base}/{media_id}/append", auth=auth, timeout=5,
                                 data={"segment_index": index},
                                 files={"media": ("c", VIDEO[start:start + 5000])})
        assert appended.status_code == 200
    final = requests.post(f"{base}/{media_id}/finalize", auth=auth, timeout=5).json()["data"]
    assert final["processing_info"]["state"] == "pending"
    status = requests.get(base, auth=auth, timeout=5,
                          params={"command": "STATUS", "media_id": media_id}).json()["data"]
    assert status["processing_info"]["state"] in ("in_progress", "succeeded")


def test_connector_uploads_through_v2_by_default_and_v1_when_configured(sandbox, tmp_path):
    image = tmp_path / "poster.png"
    image.write_bytes(PNG)
    item = MediaItem(path=str(image), alt_text="Poster", mime="image/png")
    connector(sandbox).publish(post("Satu gambar", item), key="d1")
    bearer = connector(sandbox, bearer_token="SECRET-bearer-1002")
    bearer.publish(post("Gambar lewat v2", item), key="d2")
    assert [r.path for r in sandbox.requests("x")].count("/2/media/upload") == 2
    v1 = connector(sandbox, **credentials("x", "1001"), media_upload="v1.1")
    v1.publish(post("Gambar lewat v1.1", item), key="d3")
    paths = [r.path for r in sandbox.requests("x")]
    assert paths.count("/1.1/media/upload.json") == 1
    assert "/1.1/media/metadata/create.json" in paths
    stored = sandbox.posts("x", "1001")
    assert [p.extra["media"][0]["alt"] for p in stored] == ["Poster", "Poster"]
    assert sandbox.posts("x", "1002")[0].extra["media"][0]["total_bytes"] == len(PNG)


def test_v1_upload_needs_oauth1():
    with pytest.raises(ConfigError, match="OAuth 1.0a"):
        build_connector("x", {"bearer_token": "t", "media_upload": "v1.1"})


def test_connector_uploads_video_in_chunks_through_v2(sandbox, tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(VIDEO)
    x = connector(sandbox)
    x.uploader.chunk_size = 4096
    x.uploader.poll_cap = 0.01
    video = MediaItem(path=str(clip), mime="video/mp4", digest="v" * 64)
    x.publish(post("Video kegiatan", video), key="d1")
    log = [(r.method, re.sub(r"/\d{6,}/", "/ID/", r.path)) for r in sandbox.requests("x")]
    appends = -(-len(VIDEO) // 4096)
    assert log[:appends + 4] == [("POST", "/2/media/upload/initialize")] + [
        ("POST", "/2/media/upload/ID/append")] * appends + [
        ("POST", "/2/media/upload/ID/finalize"), ("GET", "/2/media/upload"),
        ("GET", "/2/media/upload")]  # STATUS: in_progress, then succeeded
    stored = sandbox.posts("x", "1001")[0]
    assert stored.extra["media"] == [{"media_type": "video/mp4", "total_bytes": len(VIDEO),
                                      "alt": ""}]


def test_uploads_from_an_earlier_attempt_are_reused(sandbox, tmp_path):
    image = tmp_path / "poster.png"
    image.write_bytes(PNG)
    item = MediaItem(path=str(image), alt_text="Poster", mime="image/png", digest="a" * 64)
    x = connector(sandbox)
    sandbox.add_fault("x", "status", endpoint="POST /2/tweets$", count=1, status=503)
    first = post("Coba lagi", item)
    with pytest.raises(Unavailable):
        x.publish(first, key="d1")
    media_id = first.uploads["a" * 64]
    retry = replace(first, uploads=dict(first.uploads))
    x.publish(retry, key="d1")
    uploads = [r for r in sandbox.requests("x") if r.path == "/2/media/upload"]
    assert len(uploads) == 1
    assert sandbox.posts("x", "1001")[0].extra["request"]["media"]["media_ids"] == [media_id]
def test_replayed_nonce_is_refused(sandbox):
    prepared = requests.Request("POST", f"{sandbox.url}/2/tweets", json={"text": "sekali"},
                                auth=OAuth1("ck", "cs", "at", "ats")).prepare()
    session = requests.Session()
    assert session.send(prepared, timeout=5).status_code == 201
    replay = session.send(prepared, timeout=5)
    assert replay.status_code == 401
    assert replay.json() == {"title": "Unauthorized", "detail": "Unauthorized",
                             "type": "about:blank", "status": 401}
    assert len(sandbox.posts("x")) == 1


def test_141_cjk_characters_are_too_long_but_140_fit(sandbox):
    x = connector(sandbox)
    assert x.validate(post("漢" * 141))[0].message == "text weighs 282 characters, limit 280"
    with pytest.raises(ContentRejected, match="too long") as info:
        x.publish(post("漢" * 141), key="d1")
    assert info.value.status == 403
    x.publish(post("漢" * 140), key="d2")
    long_url = "https://setneg.go.id/" + "a" * 300
    x.publish(post(f"{long_url} {'b' * 256}"), key="d3")  # 23 + 1 + 256
    assert len(sandbox.posts("x")) == 2


def test_reply_to_missing_post_is_refused(sandbox):
    auth = OAuth1("ck", "cs", "at", "ats")
    first = requests.post(f"{sandbox.url}/2/tweets", auth=auth, json={"text": "utas 1"},
                          timeout=5).json()["data"]["id"]
    reply = requests.post(f"{sandbox.url}/2/tweets", auth=auth, timeout=5, json={
        "text": "utas 2", "reply": {"in_reply_to_tweet_id": first}, "quote_tweet_id": first})
    assert reply.status_code == 201
    gone = requests.post(f"{sandbox.url}/2/tweets", auth=auth, timeout=5, json={
        "text": "utas 3", "reply": {"in_reply_to_tweet_id": "1"}})
    assert gone.status_code == 403 and "deleted or not visible" in gone.json()["detail"]


def test_user_24_hour_cap_rolls_with_the_clock(sandbox):
    sandbox.add_accounts({"x": [dict(next(a for a in sandbox.state.accounts("x")["x"]
                                          if a["user_id"] == "1001"), user_24h_limit=2)]})
    x = connector(sandbox)
    x.publish(post("satu"), key="1")
    x.publish(post("dua"), key="2")
    with pytest.raises(RateLimited) as info:
        x.publish(post("tiga"), key="3")
    assert 86000 < info.value.retry_after <= 86400
    assert sandbox.requests("x")[-1].status == 429
    sandbox.state.advance(86401)
    x.publish(post("tiga"), key="3")
    assert len(sandbox.posts("x", "1001")) == 3


def test_success_carries_24_hour_headers(sandbox):
    response = requests.post(f"{sandbox.url}/2/tweets", json={"text": "hi"},
                             auth=OAuth1("ck", "cs", "at", "ats"), timeout=5)
    assert int(response.headers["x-user-limit-24hour-remaining"]) == int(
        response.headers["x-user-limit-24hour-limit"]) - 1
    assert int(response.headers["x-app-limit-24hour-reset"]) > time.time()


@pytest.mark.parametrize(("kind", "error", "status"), [
    ("expired_token", AuthExpired, 401),
    ("duplicate", ContentRejected, 403),
    ("quota_exhausted", RateLimited, 429),
])
def test_fault_kinds(sandbox, kind, error, status):
    sandbox.add_fault("x", kind, endpoint="POST /2/tweets", count=1)
    with pytest.raises(error) as info:
        connector(sandbox, "1002").publish(post("isi"), key="d1")
    assert info.value.status == status
    if kind == "quota_exhausted":
        assert info.value.retry_after > 80000
    assert sandbox.posts("x") == []
