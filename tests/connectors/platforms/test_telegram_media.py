"""Telegram media: albums of photos and videos, sendVideo, file_ids reused."""

from __future__ import annotations

from connectors.base import MediaItem, RenderedPost
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials


def post(text: str, *media: MediaItem, uploads: dict | None = None) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media,
                        uploads=dict(uploads or {}))


def connector(sandbox):
    return build_connector("telegram", credentials("telegram", "@humas_prov"),
                           api_base=sandbox.url, timeout=3)


def files(tmp_path):
    photo, video = tmp_path / "foto.jpg", tmp_path / "klip.mp4"
    photo.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    return (MediaItem(path=str(photo), alt_text="Foto", digest="p" * 64),
            MediaItem(path=str(video), mime="video/mp4", digest="v" * 64))


def test_album_of_photos_and_a_video_with_the_caption_on_the_first(sandbox, tmp_path):
    photo, video = files(tmp_path)
    url = MediaItem(url="https://setneg.go.id/2.jpg", alt_text="Foto dua", digest="u" * 64)
    sent = post("Album kegiatan", photo, url, video)
    published = connector(sandbox).publish(sent, key="d1")
    stored = sandbox.posts("telegram", "@humas_prov")
    assert [p.text for p in stored] == ["Album kegiatan", "", ""]
    assert published.external_id == stored[0].id
    assert ["photo" in p.extra for p in stored] == [True, True, False]
    assert "video" in stored[2].extra
    assert sent.uploads == {"p" * 64: stored[0].extra["photo"]["file_id"],
                            "u" * 64: stored[1].extra["photo"]["file_id"],
                            "v" * 64: stored[2].extra["video"]["file_id"]}


def test_one_video_goes_through_send_video(sandbox, tmp_path):
    _, video = files(tmp_path)
    connector(sandbox).publish(post("Video", video), key="d1")
    assert [r.path for r in sandbox.requests("telegram")] == ["/bot<token>/sendVideo"]
    assert sandbox.posts("telegram")[0].extra["video"]["mime_type"] == "video/mp4"


def test_file_ids_from_an_earlier_send_are_reused(sandbox, tmp_path):
    photo, video = files(tmp_path)
    first = post("Pertama", photo, video)
    tg = connector(sandbox)
    tg.publish(first, key="d1")
    again = post("Kedua", photo, video, uploads=first.uploads)
    tg.publish(again, key="d2")
    uploads = [o for o in sandbox.state.objects("telegram") if o["source"] == "upload"]
    assert len(uploads) == 2  # the second album sent file_ids, no files
    stored = sandbox.posts("telegram")
    assert stored[2].extra["photo"]["file_id"] == stored[0].extra["photo"]["file_id"]


def test_caption_is_counted_in_utf16_code_units(sandbox):
    tg = connector(sandbox)
    item = MediaItem(url="https://setneg.go.id/p.jpg", alt_text="Poster")
    assert tg.validate(post("🇮🇩" * 256, item)) == []  # 4 code units each: 1,024
    problems = tg.validate(post("🇮🇩" * 256 + "!", item))
    assert [p.message for p in problems] == ["caption is 1025 characters, limit 1024"]
    assert tg.validate(post("😀" * 2048)) == []
    assert tg.validate(post("😀" * 2049))[0].message == "text is 4098 characters, limit 4096"
