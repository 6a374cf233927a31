"""The connector contract, for every platform of the registry (and the extra ones of
``tests/fixtures/platforms.py``), against the sandbox.

Each platform's own declarations say what to expect: whether it publishes text alone (its
validation), whether its posts can be read back (``supports_find``), what its sandbox
accounts are. The delivery guarantees under faults are the other half of the contract:
``tests/orchestrator/pipeline/test_guarantees.py``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from connectors import registry
from connectors.base import MediaItem, RenderedPost
from connectors.errors import ContentRejected
from tests.fixtures.platforms import connector_class, contract_platforms, sandbox_class
from tests.fixtures.sandbox import credentials, secret_account, secrets_of

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PLATFORMS = pytest.mark.parametrize("contract_platform", contract_platforms(), indirect=True)


def build(platform: str, sandbox):
    account = secret_account(platform)
    conn = registry.build_connector(platform, credentials(platform, account, sandbox.url),
                                    api_base=sandbox.url, timeout=3)
    return conn, account


def since() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
def image(tmp_path) -> MediaItem:
    path = tmp_path / "poster.jpg"
    path.write_bytes(JPEG)
    # Platforms that fetch by URL get the URL (the sandbox takes any http(s) URL as
    # reachable); the others upload the local file or hand the URL over.
    return MediaItem(path=str(path), url="https://setneg.go.id/media/poster.jpg",
                     alt_text="Poster HUT RI ke-81", mime="image/jpeg", digest="d" * 64,
                     size=len(JPEG))


def test_every_registered_platform_is_in_the_contract():
    assert set(registry.names()) <= set(contract_platforms())


@PLATFORMS
def test_the_sandbox_declares_accounts_the_connector_accepts(contract_platform, sandbox):
    api = sandbox_class(contract_platform)
    assert api.name == contract_platform and api.publish_endpoint and api.outage["kind"]
    demo, test = api.demo_account, api.test_account
    assert api.account_id(demo) and api.account_id(test) != api.account_id(demo)
    assert secrets_of(contract_platform) and any(
        "SECRET" in str(test[field]) for field in api.credential_fields)
    for account in (demo, test):
        connector_class(contract_platform).check_credentials(
            api.channel_credentials(account, sandbox.url))


@PLATFORMS
def test_publishes_text_and_finds_it_again(contract_platform, sandbox):
    platform = contract_platform
    conn, account = build(platform, sandbox)
    text = f"Pengumuman kontrak {uuid.uuid4().hex[:8]}"
    post = RenderedPost(post_id=1, delivery_id=1, title=text, text=text)
    blocking = [p.message for p in conn.validate(post) if p.blocking]
    if blocking:  # a platform that cannot publish text alone says so, and sends nothing
        with pytest.raises(ContentRejected, match=re.escape("; ".join(blocking))):
            conn.publish(post, key="k1")
        assert sandbox.requests(platform) == []
        return
    published = conn.publish(post, key="k1")
    assert published.external_id
    assert [p.id for p in sandbox.posts(platform, account)] == [published.external_id]
    found = conn.find(post, key="k1", since=since())
    if conn.supports_find:
        assert found is not None and found.external_id == published.external_id
    else:
        assert found is None


@PLATFORMS
def test_publishes_text_with_one_image_and_finds_it(contract_platform, sandbox, image):
    platform = contract_platform
    conn, account = build(platform, sandbox)
    text = f"Dengan gambar {uuid.uuid4().hex[:8]}"
    post = RenderedPost(post_id=1, delivery_id=1, title=text, text=text, media=(image,))
    assert conn.validate(post) == []
    published = conn.publish(post, key="k1")
    assert [p.id for p in sandbox.posts(platform, account)] == [published.external_id]
    found = conn.find(post, key="k1", since=since())
    if conn.supports_find:
        assert found is not None and found.external_id == published.external_id
    else:
        assert found is None


@PLATFORMS
def test_find_misses_a_post_that_is_not_there(contract_platform, sandbox):
    conn, _ = build(contract_platform, sandbox)
    post = RenderedPost(post_id=1, delivery_id=1, title="Tidak ada",
                        text=f"Tidak pernah dikirim {uuid.uuid4().hex[:8]}")
    assert conn.find(post, key="never-sent", since=since()) is None


@PLATFORMS
def test_check_names_the_account(contract_platform, sandbox):
    conn, _ = build(contract_platform, sandbox)
    health = conn.check()
    assert health.ok and health.account and not health.detail


@PLATFORMS
def test_refused_credentials_are_reported_redacted(contract_platform, sandbox):
    platform = contract_platform
    conn, account = build(platform, sandbox)
    sandbox.add_fault(platform, "expired_token", account=account)
    health = conn.check()
    assert not health.ok and health.detail and not health.account
    assert not any(secret in health.detail for secret in secrets_of(platform))


@PLATFORMS
def test_an_image_without_alt_text_is_refused_before_approval(contract_platform, image):
    cls = connector_class(contract_platform)
    post = RenderedPost(post_id=1, delivery_id=1, title="t", text="Tanpa alt",
                        media=(replace(image, alt_text=""),))
    problems = cls(credentials={k: "x" for k in cls.credential_keys[0]}).validate(post)
    assert [p.message for p in problems if p.blocking] == [
        "media 1 (poster.jpg): alt text is missing"]


@PLATFORMS
def test_limits_and_reuse_are_declared(contract_platform):
    cls = connector_class(contract_platform)
    assert cls.platform == contract_platform and cls.limits.max_text > 0
    assert cls.credential_keys and cls.media_id_ttl > 0 and cls.find_pages > 0
