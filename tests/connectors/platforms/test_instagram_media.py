"""Instagram media: carousel with slow containers, reels, containers reused by a retry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connectors.base import MediaItem, RenderedPost
from connectors.errors import RateLimited, Unavailable
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

IMAGES = tuple(MediaItem(url=f"https://setneg.go.id/media/{n}.jpg", alt_text=f"Foto {n}",
                         digest=f"{n}" * 64) for n in range(3))
REEL = MediaItem(url="https://setneg.go.id/media/reel.mp4", mime="video/mp4", digest="r" * 64)


def post(text: str, *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media)


def connector(sandbox):
    ig = build_connector("instagram", credentials("instagram", "778"), api_base=sandbox.url,
                         timeout=3)
    ig.poll_interval, ig.poll_timeout = 0.01, 2.0
    return ig


def slow_containers(sandbox, polls: int) -> None:
    account = next(a for a in sandbox.state.accounts("instagram")["instagram"]
                   if a["ig_user_id"] == "778")
    sandbox.add_accounts({"instagram": [dict(account, container_polls=polls)]})


def test_carousel_waits_for_every_container(sandbox):
    slow_containers(sandbox, 3)
    published = connector(sandbox).publish(post("Galeri", *IMAGES), key="d1")
    (stored,) = sandbox.posts("instagram", "778")
    assert stored.id == published.external_id and stored.extra["media_type"] == "CAROUSEL"
    assert stored.extra["children"] == [
        {"url": m.url, "media_type": "IMAGE", "alt_text": m.alt_text} for m in IMAGES]
    creates = [r for r in sandbox.requests("instagram")
               if r.method == "POST" and r.path.endswith("/media")]
    polls = [r for r in sandbox.requests("instagram")
             if r.method == "GET" and r.path.split("/")[-1].startswith("179")]
    assert len(creates) == 4  # three children, one carousel
    assert len(polls) == 4 * 4  # each container: three IN_PROGRESS, then FINISHED


def test_carousel_may_mix_images_and_a_video(sandbox):
    connector(sandbox).publish(post("Campuran", IMAGES[0], REEL), key="d1")
    children = sandbox.posts("instagram", "778")[0].extra["children"]
    assert [c["media_type"] for c in children] == ["IMAGE", "VIDEO"]
    assert children[1]["alt_text"] == ""  # Instagram takes alt text on images only


def test_one_video_is_a_reel(sandbox):
    connector(sandbox).publish(post("Reel HUT RI", REEL), key="d1")
    (stored,) = sandbox.posts("instagram", "778")
    assert stored.extra["media_type"] == "REELS" and stored.extra["media_url"] == REEL.url


def test_a_retry_reuses_finished_containers(sandbox):
    ig = connector(sandbox)
    sandbox.add_fault("instagram", "status", endpoint="media_publish", count=1, code=2)
    first = post("Coba lagi", *IMAGES[:2])
    with pytest.raises(Unavailable):
        ig.publish(first, key="d1")
    assert {IMAGES[0].digest, IMAGES[1].digest} <= set(first.uploads)
    ig.publish(replace(first, uploads=dict(first.uploads)), key="d1")
    creates = [r for r in sandbox.requests("instagram")
               if r.method == "POST" and r.path.endswith("/media")]
    assert len(creates) == 3  # not created again
    assert len(sandbox.posts("instagram", "778")) == 1


def test_an_expired_container_is_made_again(sandbox):
    ig = connector(sandbox)
    first = post("Kedaluwarsa", IMAGES[0])
    sandbox.add_fault("instagram", "status", endpoint="media_publish", count=1, code=2)
    with pytest.raises(Unavailable):
        ig.publish(first, key="d1")
    sandbox.state.advance(24 * 3600 + 1)
    ig.publish(replace(first, uploads=dict(first.uploads)), key="d1")
    creates = [r for r in sandbox.requests("instagram")
               if r.method == "POST" and r.path.endswith("/media")]
    assert len(creates) == 2 and len(sandbox.posts("instagram", "778")) == 1


def test_publishing_limit_is_checked_before_any_container(sandbox):
    account = next(a for a in sandbox.state.accounts("instagram")["instagram"]
                   if a["ig_user_id"] == "778")
    sandbox.add_accounts({"instagram": [dict(account, publish_limit=0)]})
    with pytest.raises(RateLimited):
        connector(sandbox).publish(post("Penuh", IMAGES[0]), key="d1")
    assert [r.path.rsplit("/", 1)[1] for r in sandbox.requests("instagram")] == [
        "content_publishing_limit"]


def test_a_url_the_platform_cannot_fetch_is_refused(sandbox):
    ig = connector(sandbox)
    with pytest.raises(Exception, match="9004/2207052"):
        ig.graph.post("778", "media", image_url="file:///tmp/poster.jpg", caption="x")
