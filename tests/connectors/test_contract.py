"""The connector contract, for every platform in the registry, against the sandbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import MediaItem, RenderedPost
from connectors.registry import CONNECTORS, build_connector
from tests.fixtures.sandbox import SECRET_ACCOUNTS, credentials

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def build(platform: str, sandbox):
    account = SECRET_ACCOUNTS[platform]
    conn = build_connector(platform, credentials(platform, account, sandbox.url),
                           api_base=sandbox.url, timeout=3)
    if platform == "instagram":
        conn.poll_interval = 0.01
    return conn, account


@pytest.fixture
def image(tmp_path) -> MediaItem:
    path = tmp_path / "poster.png"
    path.write_bytes(PNG)
    return MediaItem(path=str(path), url="https://setneg.go.id/media/poster.png",
                     alt_text="Poster", mime="image/png")


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
    if platform != "telegram":
        assert found is not None and found.external_id == published.external_id


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_limits_are_class_attributes(platform):
    cls = CONNECTORS[platform]
    assert cls.platform == platform and cls.limits.max_text > 0 and cls.credential_keys
