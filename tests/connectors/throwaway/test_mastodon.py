"""What the Mastodon-like platform does beyond the contract."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connectors import registry
from connectors.base import MediaItem, RenderedPost
from connectors.errors import Unavailable
from tests.fixtures.sandbox import credentials

MASTODON = pytest.mark.parametrize("contract_platform", ["mastodon"], indirect=True)


def post(text: str, *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media)


@MASTODON
def test_text_is_limited_to_500_characters(contract_platform):
    conn = registry.build_connector("mastodon", {"access_token": "t"})
    assert [p.message for p in conn.validate(post("a" * 501))] == [
        "text is 501 characters, limit 500"]


@MASTODON
def test_a_retry_reuses_the_uploaded_image(contract_platform, sandbox, tmp_path):
    path = tmp_path / "p.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    image = MediaItem(path=str(path), alt_text="Poster", digest="e" * 64)
    conn = registry.build_connector("mastodon", credentials("mastodon", "110"),
                                    api_base=sandbox.url)
    sandbox.add_fault("mastodon", "status", endpoint="POST /api/v1/statuses$", count=1)
    first = post("Dengan gambar", image)
    with pytest.raises(Unavailable):
        conn.publish(first, key="k")
    retry = replace(post("Dengan gambar", image), uploads=dict(first.uploads))
    conn.publish(retry, key="k")
    uploads = [r for r in sandbox.requests("mastodon") if r.path == "/api/v2/media"]
    assert len(uploads) == 1
    (held,) = sandbox.posts("mastodon", "110")
    assert [m["description"] for m in held.extra["media"]] == ["Poster"]
