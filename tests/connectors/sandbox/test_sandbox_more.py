"""The sandbox beyond X: Graph photos, videos and scheduling, fault kinds on every platform,
the inspection page."""

from __future__ import annotations

import json
import time

import pytest
import requests

from connectors import registry
from connectors.base import MediaItem, RenderedPost
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials, sandbox_accounts

GRAPH = "/v21.0"
FB_TOKEN = {"access_token": "SECRET-page-token-556"}


def graph(sandbox, method: str, path: str, **kw) -> requests.Response:
    return requests.request(method, f"{sandbox.url}{GRAPH}{path}", timeout=5, **kw)


def test_facebook_photo_by_url_and_by_upload(sandbox):
    by_url = graph(sandbox, "POST", "/556/photos", data={
        **FB_TOKEN, "url": "https://setneg.go.id/p.jpg", "message": "Foto"}).json()
    assert set(by_url) == {"id", "post_id"} and by_url["post_id"].startswith("556_")
    upload = graph(sandbox, "POST", "/556/photos", data={**FB_TOKEN, "published": "false"},
                   files={"source": ("p.jpg", b"\xff\xd8", "image/jpeg")}).json()
    assert set(upload) == {"id"}
    feed = graph(sandbox, "POST", "/556/feed", data={
        **FB_TOKEN, "message": "Album",
        "attached_media": json.dumps([{"media_fbid": upload["id"]}])})
    assert feed.status_code == 200
    bad = graph(sandbox, "POST", "/556/feed", data={
        **FB_TOKEN, "message": "x", "attached_media": json.dumps([{"media_fbid": "1"}])})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    assert [p.text for p in sandbox.posts("facebook", "556")] == ["Foto", "Album"]


def test_facebook_connector_with_several_images(sandbox):
    fb = build_connector("facebook", credentials("facebook", "556"), api_base=sandbox.url)
    items = (MediaItem(url="https://setneg.go.id/1.jpg"),
             MediaItem(url="https://setneg.go.id/2.jpg"))
    fb.publish(RenderedPost(1, 1, "t", "Dua foto", items), key="k")
    assert len(sandbox.posts("facebook", "556")[0].extra["media"]) == 2


def test_facebook_video(sandbox):
    video = graph(sandbox, "POST", "/556/videos", data={
        **FB_TOKEN, "file_url": "https://setneg.go.id/v.mp4", "description": "Video"})
    assert set(video.json()) == {"id"}
    assert sandbox.posts("facebook", "556")[0].text == "Video"


def test_facebook_scheduled_post_appears_when_its_time_comes(sandbox):
    at = int(time.time()) + 3600
    created = graph(sandbox, "POST", "/556/feed", data={
        **FB_TOKEN, "message": "Nanti", "published": "false", "scheduled_publish_time": at})
    assert created.status_code == 200
    feed = graph(sandbox, "GET", "/556/published_posts", params=FB_TOKEN).json()["data"]
    assert feed == []
    scheduled = graph(sandbox, "GET", "/556/scheduled_posts", params=FB_TOKEN).json()["data"]
    assert [p["message"] for p in scheduled] == ["Nanti"]
    sandbox.state.advance(3601)
    feed = graph(sandbox, "GET", "/556/feed", params=FB_TOKEN).json()["data"]
    assert [p["message"] for p in feed] == ["Nanti"]
    too_soon = graph(sandbox, "POST", "/556/feed", data={
        **FB_TOKEN, "message": "x", "published": "false",
        "scheduled_publish_time": int(sandbox.state.now()) + 60})
    assert "scheduled publish time is invalid" in too_soon.json()["error"]["message"]


@pytest.mark.parametrize(("kind", "params", "code", "subcode"), [
    ("expired_token", {}, 190, 463),
    ("expired_token", {"subcode": 460}, 190, 460),
    ("duplicate", {}, 506, None),
    ("quota_exhausted", {}, 4, None),
])
def test_facebook_fault_kinds_answer_real_bodies(sandbox, kind, params, code, subcode):
    sandbox.add_fault("facebook", kind, count=1, **params)
    answer = graph(sandbox, "POST", "/556/feed", data={**FB_TOKEN, "message": "x"})
    error = answer.json()["error"]
    assert answer.status_code == 400 and error["code"] == code
    assert error.get("error_subcode") == subcode and error["fbtrace_id"]
    if kind == "quota_exhausted":
        usage = json.loads(answer.headers["x-business-use-case-usage"])
        assert usage["556"][0]["estimated_time_to_regain_access"] == 60
        assert "x-app-usage" in answer.headers


def test_transient_errors_say_so(sandbox):
    sandbox.add_fault("facebook", "status", count=1, code=2)
    error = graph(sandbox, "GET", "/556", params=FB_TOKEN).json()["error"]
    assert error["is_transient"] is True


@pytest.mark.parametrize("platform", ["facebook", "telegram", "wordpress", "x"])
def test_container_faults_are_instagram_only(sandbox, platform):
    with pytest.raises(Exception, match="Instagram"):
        sandbox.add_fault(platform, "container_stuck")


def test_inspection_page_lists_posts_and_requests_escaped_and_without_secrets(sandbox):
    x = build_connector("x", credentials("x", "1002"), api_base=sandbox.url)
    x.publish(RenderedPost(1, 1, "t", "<script>alert('x')</script> & Kiriman"), key="k")
    tg = build_connector("telegram", credentials("telegram", "@humas_prov"),
                         api_base=sandbox.url)
    tg.publish(RenderedPost(1, 1, "t", "Halo kanal"), key="k")
    requests.get(f"{sandbox.url}/2/users/me", headers={"Authorization": "Bearer no"},
                 timeout=5)
    page = requests.get(f"{sandbox.url}/_sandbox/", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Kiriman" in html
    assert "<script>" not in html
    for label in ("Posts / Kiriman", "Requests / Permintaan", "Time / Waktu", "Halo kanal",
                  "POST /2/tweets", "/bot&lt;token&gt;/sendMessage", "<style>"):
        assert label in html
    assert "SECRET" not in html
    assert requests.get(f"{sandbox.url}/_sandbox", timeout=5).ok


def test_every_platform_has_accounts_in_defaults_and_tests():
    from connectors.sandbox import default_accounts
    for platform in registry.names():
        assert default_accounts()[platform] and len(sandbox_accounts()[platform]) == 2
