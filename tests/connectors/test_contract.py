"""The connector contract, for every platform in the registry, against the sandbox."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import MediaItem, RenderedPost
from connectors.registry import CONNECTORS, build_connector
from tests.fixtures.sandbox import SECRET_ACCOUNTS, credentials

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def build(platform: str, sandbox):
    account = SECRET_ACCOUNTS[platform]
    conn = build_connector(platform, credentials(platform, account, sandbox.url),
                           api_base=sandbox.url, timeout=3)
    if platform == "instagram":
        conn.poll_interval = 0.01
    return conn, account


@pytest.fixture
def image(tmp_path) -> MediaItem:
    path = tmp_path / "poster.jpg"
    path.write_bytes(JPEG)
    # Instagram fetches by URL (the sandbox takes any http(s) URL as reachable); the others
    # upload the local file or hand the URL over.
    return MediaItem(path=str(path), url="https://setneg.go.id/media/poster.jpg",
                     alt_text="Poster HUT RI ke-81", mime="image/jpeg", digest="d" * 64,
                     size=len(JPEG))


def test_every_platform_is_covered():
    assert set(CONNECTORS) == set(SECRET_ACCOUNTS)


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_publishes_text_and_finds_it_again(platform, sandbox):
    conn, account = build(platform, sandbox)
    text = f"Pengumuman kontrak {uuid.uuid4().hex[:8]}"
    post = RenderedPost(post_id=1, delivery_id=1, title=text, text=text)
    if platform == "instagram":  # Instagram cannot publish text alone
        assert conn.validate(post)
        return
    assert conn.validate(post) == []
    published = conn.publish(post, key="k1")
    assert published.external_id
    held = sandbox.posts(platform, account)
    assert [p.id for p in held] == [published.external_id]
    found = conn.find(post, key="k1", since=datetime.now(UTC) - timedelta(hours=1))
    if platform == "telegram":
        assert found is None  # no read-back on the Bot API
    else:
        assert found is not None and found.external_id == published.external_id
    assert conn.check().ok


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_publishes_text_with_one_image_and_finds_it(platform, sandbox, image):
    conn, account = build(platform, sandbox)
    text = f"Dengan gambar {uuid.uuid4().hex[:8]}"
    post = RenderedPost(post_id=1, delivery_id=1, title=text, text=text, media=(image,))
    assert conn.validate(post) == []
    published = conn.publish(post, key="k1")
    held = sandbox.posts(platform, account)
    assert [p.id for p in held] == [published.external_id]
    found = conn.find(post, key="k1", since=datetime.now(UTC) - timedelta(hours=1))
    if platform == "telegram":
        assert found is None  # no read-back on the Bot API
    else:
        assert found is not None and found.external_id == published.external_id


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_an_image_without_alt_text_is_refused_before_approval(platform, image):
    conn = CONNECTORS[platform]
    post = RenderedPost(post_id=1, delivery_id=1, title="t", text="Tanpa alt",
                        media=(replace(image, alt_text=""),))
    problems = conn(credentials={k: "x" for k in conn.credential_keys[0]}).validate(post)
    assert [p.message for p in problems if p.blocking] == [
        "media 1 (poster.jpg): alt text is missing"]


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_media_id_ttl_is_declared(platform):
    assert CONNECTORS[platform].media_id_ttl > 0


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_limits_are_class_attributes(platform):
    cls = CONNECTORS[platform]
    assert cls.platform == platform and cls.limits.max_text > 0 and cls.credential_keys
