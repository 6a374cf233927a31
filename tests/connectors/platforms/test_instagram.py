"""InstagramConnector: real facebook-sdk through connectors.platforms.graph against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.base import MediaItem, RenderedPost
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.platforms.instagram import InstagramConnector
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials, secrets_of

IMAGE = MediaItem(url="https://setneg.go.id/media/poster.jpg", alt_text="Poster upacara")


def post(text: str = "Upacara HUT RI di Istana Merdeka. #HUTRI", *media: MediaItem
         ) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text,
                        media=media or (IMAGE,))


def connector(sandbox, account: str = "778", timeout: float = 2.0, **creds
              ) -> InstagramConnector:
    ig = build_connector("instagram", creds or credentials("instagram", account),
                         api_base=sandbox.url, timeout=timeout)
    ig.poll_interval = 0.01
    ig.poll_timeout = 1.0
    return ig


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def assert_no_secret(exc: PublishError) -> None:
    for text in (str(exc), exc.detail, exc.excerpt, repr(exc)):
        assert not any(s in text for s in secrets_of("instagram"))


def test_publish_walks_quota_container_status_publish(sandbox):
    result = connector(sandbox).publish(post(), key="d1")
    stored = sandbox.posts("instagram", "778")
    assert [p.id for p in stored] == [result.external_id]
    assert stored[0].text == post().text and stored[0].extra["alt_text"] == "Poster upacara"
    assert result.permalink.startswith("https://www.instagram.com/p/")
    steps = [(r.method, r.path.split("/", 2)[2]) for r in sandbox.requests("instagram")]
    container = steps[2][1]
    assert steps[:5] == [("GET", "778/content_publishing_limit"), ("POST", "778/media"),
                         ("GET", container), ("GET", container), ("POST", "778/media_publish")]


def test_container_polls_are_configurable(sandbox):
    account = dict(next(a for a in sandbox.state.accounts("instagram")["instagram"]
                        if a["ig_user_id"] == "778"), container_polls=4)
    sandbox.add_accounts({"instagram": [account]})
    connector(sandbox).publish(post(), key="d1")
    polls = [r for r in sandbox.requests("instagram") if r.path.startswith("/v21.0/179")]
    assert len(polls) == 5  # four IN_PROGRESS, then FINISHED


def test_carousel(sandbox):
    second = MediaItem(url="https://setneg.go.id/media/2.jpg", alt_text="Foto kedua")
    connector(sandbox).publish(post("Galeri kegiatan", IMAGE, second), key="d1")
    stored = sandbox.posts("instagram", "778")[0]
    assert stored.extra["media_type"] == "CAROUSEL" and len(stored.extra["children"]) == 2


def test_video_goes_as_reels(sandbox):
    video = MediaItem(url="https://setneg.go.id/media/v.mp4", mime="video/mp4")
    connector(sandbox).publish(post("Video", video), key="d1")
    assert sandbox.posts("instagram")[0].extra["media_type"] == "REELS"


def test_publishing_too_early_is_not_ready_9007(sandbox):
    ig = connector(sandbox)
    container = ig.graph.post("778", "media", image_url=IMAGE.url, caption="cepat")["id"]
    with pytest.raises(Unavailable, match="9007/2207027"):
        ig.graph.post("778", "media_publish", creation_id=container)
    raw = requests.post(f"{sandbox.url}/v21.0/778/media_publish", timeout=5,
                        params={"creation_id": container, "access_token": "SECRET-ig-token-778"})
    error = raw.json()["error"]
    assert raw.status_code == 400 and error["message"] == "Media ID is not available"
    assert error["error_user_msg"] == ("The media is not ready to be published. Please wait "
                                       "a moment.")
    assert sandbox.posts("instagram") == []


def test_container_stuck_in_progress_gives_up_without_publishing(sandbox):
    sandbox.add_fault("instagram", "container_stuck", count=1)
    with pytest.raises(Unavailable, match="still IN_PROGRESS"):
        connector(sandbox).publish(post(), key="d1")
    assert sandbox.posts("instagram") == []
    connector(sandbox).publish(post(), key="d1")  # the next container is fine


@pytest.mark.parametrize(("status_code", "error"), [("ERROR", ContentRejected),
                                                    ("EXPIRED", Unavailable)])
def test_container_error_or_expired(sandbox, status_code, error):
    sandbox.add_fault("instagram", "container_error", count=1, status_code=status_code)
    with pytest.raises(error):
        connector(sandbox).publish(post(), key="d1")
    assert sandbox.posts("instagram") == []


def test_containers_expire_after_24_hours(sandbox):
    ig = connector(sandbox)
    container = ig.graph.post("778", "media", image_url=IMAGE.url, caption="lama")["id"]
    sandbox.state.advance(24 * 3600 + 1)
    assert ig.graph.get(container, fields="status_code")["status_code"] == "EXPIRED"
    with pytest.raises(Unavailable, match="2207020"):
        ig.graph.post("778", "media_publish", creation_id=container)


def test_publishing_limit_is_a_rolling_24_hours(sandbox):
    account = dict(next(a for a in sandbox.state.accounts("instagram")["instagram"]
                        if a["ig_user_id"] == "778"), publish_limit=2, container_polls=0)
    sandbox.add_accounts({"instagram": [account]})
    ig = connector(sandbox)
    ig.publish(post("satu"), key="1")
    ig.publish(post("dua"), key="2")
    assert ig.quota() == (2, 2)
    with pytest.raises(RateLimited, match="publishing limit"):
        ig.publish(post("tiga"), key="3")
    # skipping the connector's own check: Instagram refuses with 9/2207042
    container = ig.graph.post("778", "media", image_url=IMAGE.url, caption="tiga")["id"]
    with pytest.raises(RateLimited, match="9/2207042"):
        ig.graph.post("778", "media_publish", creation_id=container)
    sandbox.state.advance(24 * 3600 + 1)
    assert ig.quota() == (0, 2)
    ig.publish(post("tiga"), key="3")


@pytest.mark.parametrize(("text", "problem"), [
    ("x" * 2201, "2201 characters"),
    (" ".join(f"#tag{i}" for i in range(31)), "31 hashtags"),
    (" ".join(f"@akun{i}" for i in range(21)), "21 mentions"),
])
def test_caption_limits(sandbox, text, problem):
    ig = connector(sandbox)
    assert any(problem in p.message for p in ig.validate(post(text)))
    with pytest.raises(ContentRejected):
        ig.publish(post(text), key="d1")
    with pytest.raises(ContentRejected):  # the sandbox refuses it too
        ig.graph.post("778", "media", image_url=IMAGE.url, caption=text)


def test_text_only_and_file_only_posts_are_refused(sandbox):
    ig = connector(sandbox)
    text_only = RenderedPost(post_id=1, delivery_id=1, title="t", text="hanya teks")
    with pytest.raises(ContentRejected, match="needs an image"):
        ig.publish(text_only, key="d1")
    local = post("berkas", MediaItem(path="/tmp/poster.jpg", alt_text="Poster"))
    assert any("public URL" in p.message for p in ig.validate(local))
    assert sandbox.requests("instagram") == []


def test_find_and_check(sandbox):
    ig = connector(sandbox)
    published = ig.publish(post(), key="d1")
    assert ig.find(post(), key="d1", since=an_hour_ago()) == published
    assert ig.find(post("lain"), key="d2", since=an_hour_ago()) is None
    assert ig.find(post(), key="d1", since=datetime.now(UTC) + timedelta(minutes=5)) is None
    assert ig.check().account == "@humas_prov"


def test_find_pages_back(sandbox):
    account = dict(next(a for a in sandbox.state.accounts("instagram")["instagram"]
                        if a["ig_user_id"] == "778"), container_polls=0, publish_limit=100)
    sandbox.add_accounts({"instagram": [account]})
    ig = connector(sandbox)
    first = ig.publish(post("paling lama"), key="d0")
    for i in range(60):
        ig.publish(post(f"isi {i}"), key=f"f{i}")
    assert ig.find(post("paling lama"), key="d0", since=an_hour_ago()) == first


@pytest.mark.parametrize(("kind", "params", "error"), [
    ("expired_token", {}, AuthExpired),
    ("quota_exhausted", {}, RateLimited),
    ("rate_limit", {"code": 4}, RateLimited),
    ("status", {"code": 2}, Unavailable),
    ("status", {"code": -1, "subcode": 2207001}, Unavailable),
])
def test_faults_map_to_errors(sandbox, kind, params, error):
    sandbox.add_fault("instagram", kind, endpoint="media_publish", count=1, **params)
    with pytest.raises(error) as info:
        connector(sandbox).publish(post(), key="d1")
    assert_no_secret(info.value)
    assert sandbox.posts("instagram") == []


def test_refused_token_fails_check(sandbox):
    ig = connector(sandbox, ig_user_id="778", access_token="wrong-token")
    assert not ig.check().ok
    sandbox.add_fault("instagram", "expired_token", count=1)
    health = connector(sandbox).check()
    assert not health.ok and "expired" in health.detail.lower()


def test_commit_then_hang_and_drop_leave_the_post(sandbox):
    sandbox.add_fault("instagram", "commit_then_hang", endpoint="media_publish", count=1,
                      seconds=3)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox, timeout=0.5).publish(post("hang"), key="d1")
    sandbox.add_fault("instagram", "commit_then_drop", endpoint="media_publish", count=1)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox).publish(post("drop"), key="d2")
    assert [p.text for p in sandbox.posts("instagram", "778")] == ["hang", "drop"]
    assert connector(sandbox).find(post("drop"), key="d2", since=an_hour_ago()) is not None


def test_instagram_and_facebook_share_graph_paths(sandbox):
    assert connector(sandbox).check().ok
    fb = build_connector("facebook", credentials("facebook", "556"), api_base=sandbox.url)
    assert fb.check().ok
    assert {r.platform for r in sandbox.requests()} == {"instagram", "facebook"}
