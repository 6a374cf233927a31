"""Facebook media: several photos as one post, a video, photos reused by a retry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from connectors.base import MediaItem, RenderedPost
from connectors.errors import Unavailable
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def post(text: str, *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media)


def connector(sandbox):
    return build_connector("facebook", credentials("facebook", "556"), api_base=sandbox.url,
                           timeout=3)


@pytest.fixture
def photos(tmp_path) -> tuple[MediaItem, ...]:
    items = []
    for n in range(3):
        path = tmp_path / f"foto{n}.jpg"
        path.write_bytes(JPEG + bytes([n]))
        items.append(MediaItem(path=str(path), alt_text=f"Foto {n}", digest=f"{n}" * 64))
    return tuple(items)


def test_several_photos_become_one_post_with_attached_media(sandbox, photos):
    published = connector(sandbox).publish(post("Galeri kunjungan kerja", *photos), key="d1")
    (stored,) = sandbox.posts("facebook", "556")
    assert stored.id == published.external_id and stored.text == "Galeri kunjungan kerja"
    assert [m["kind"] for m in stored.extra["media"]] == ["photo"] * 3
    assert [m["alt_text"] for m in stored.extra["media"]] == ["Foto 0", "Foto 1", "Foto 2"]
    uploads = [r for r in sandbox.requests("facebook") if r.path.endswith("/photos")]
    assert len(uploads) == 3


def test_a_retry_reuses_the_photos_already_uploaded(sandbox, photos):
    fb = connector(sandbox)
    sandbox.add_fault("facebook", "status", endpoint=r"POST .*/feed$", count=1, status=503)
    first = post("Coba lagi", *photos)
    with pytest.raises(Unavailable):
        fb.publish(first, key="d1")
    assert set(first.uploads) == {p.digest for p in photos}
    retry = replace(first, uploads=dict(first.uploads))
    fb.publish(retry, key="d1")
    uploads = [r for r in sandbox.requests("facebook") if r.path.endswith("/photos")]
    assert len(uploads) == 3  # none a second time
    (stored,) = sandbox.posts("facebook", "556")
    assert [m["id"] for m in stored.extra["media"]] == [first.uploads[p.digest] for p in photos]


def test_a_remembered_photo_that_is_gone_is_uploaded_again(sandbox, photos):
    stale = post("Foto lama", *photos[:2])
    stale.uploads[photos[0].digest] = "999999"
    connector(sandbox).publish(stale, key="d1")
    assert stale.uploads[photos[0].digest] != "999999"
    assert len(sandbox.posts("facebook", "556")[0].extra["media"]) == 2


def test_one_photo_goes_straight_to_photos(sandbox, photos):
    published = connector(sandbox).publish(post("Satu foto", photos[0]), key="d1")
    (stored,) = sandbox.posts("facebook", "556")
    assert stored.id == published.external_id and stored.extra["media"][0]["size"] == 69


def test_video_by_upload_and_by_url(sandbox, tmp_path):
    clip = tmp_path / "klip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    fb = connector(sandbox)
    by_file = fb.publish(post("Video upacara", MediaItem(path=str(clip), mime="video/mp4")),
                         key="d1")
    by_url = fb.publish(post("Video pidato", MediaItem(url="https://setneg.go.id/v.mp4",
                                                       mime="video/mp4")), key="d2")
    stored = sandbox.posts("facebook", "556")
    assert [p.text for p in stored] == ["Video upacara", "Video pidato"]
    assert [p.extra["media"][0]["kind"] for p in stored] == ["video", "video"]
    assert stored[1].extra["media"][0]["url"] == "https://setneg.go.id/v.mp4"
    assert by_file.permalink == f"https://www.facebook.com/556/videos/{by_file.external_id}"
    assert by_url.external_id == stored[1].extra["media"][0]["id"]
    paths = [r.path for r in sandbox.requests("facebook")]
    assert paths.count("/v21.0/556/videos") == 2
