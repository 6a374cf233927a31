"""Every platform rule, one test each, and a post breaking several rules at once."""

from __future__ import annotations

import pytest

from connectors.base import MB, MediaItem, Problem, RenderedPost
from connectors.registry import CONNECTORS


def conn(platform: str):
    cls = CONNECTORS[platform]
    return cls(credentials={k: "x" for k in cls.credential_keys[0]})


def image(name: str = "a.jpg", **kw) -> MediaItem:
    fields = {"path": f"/srv/media/{name}", "url": f"https://setneg.go.id/{name}",
              "alt_text": "Foto", "mime": "image/jpeg", "size": 1000, **kw}
    return MediaItem(**fields)


def video(name: str = "v.mp4", **kw) -> MediaItem:
    return image(name, mime="video/mp4", alt_text="", **kw)


def post(text: str = "Siaran pers.", *media: MediaItem, thread: bool = False) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="Judul", text=text, media=media,
                        thread=thread)


def messages(problems: list[Problem], blocking: bool = True) -> list[str]:
    return [p.message for p in problems if p.blocking is blocking]


@pytest.mark.parametrize("platform", sorted(CONNECTORS))
def test_alt_text_is_required_on_images_everywhere(platform):
    problems = conn(platform).validate(post("Foto", image(alt_text=" ")))
    assert messages(problems) == ["media 1 (a.jpg): alt text is missing"]


@pytest.mark.parametrize(("platform", "media", "limit"), [
    ("x", 5, 4), ("facebook", 11, 10), ("instagram", 11, 10), ("telegram", 11, 10)])
def test_too_many_media(platform, media, limit):
    items = [image(f"{n}.jpg") for n in range(media)]
    assert messages(conn(platform).validate(post("Galeri", *items))) == [
        f"{media} media items, limit {limit}"]


@pytest.mark.parametrize(("platform", "mime", "accepted"), [
    ("x", "image/bmp", "image/gif, image/jpeg, image/png, image/webp"),
    ("facebook", "image/webp", "image/bmp, image/gif, image/jpeg, image/png, image/tiff"),
    ("instagram", "image/png", "image/jpeg"),
    ("telegram", "image/gif", "image/jpeg, image/png, image/webp"),
    ("wordpress", "image/tiff", "image/gif, image/jpeg, image/png, image/webp"),
])
def test_image_type(platform, mime, accepted):
    problems = conn(platform).validate(post("Foto", image("a.img", mime=mime)))
    assert messages(problems) == [f"media 1 (a.img): {mime} is not accepted "
                                  f"(accepted: {accepted})"]


@pytest.mark.parametrize(("platform", "limit_mb"), [
    ("x", 5), ("instagram", 8), ("telegram", 10), ("wordpress", 64)])
def test_image_size(platform, limit_mb):
    big = image(size=limit_mb * MB + 1)
    assert messages(conn(platform).validate(post("Foto", big))) == [
        f"media 1 (a.jpg): image is {limit_mb:.1f} MB, limit {limit_mb} MB"]
    assert conn(platform).validate(post("Foto", image(size=limit_mb * MB))) == []


@pytest.mark.parametrize(("platform", "limit_mb"), [
    ("x", 512), ("instagram", 300), ("telegram", 50)])
def test_video_size(platform, limit_mb):
    big = video(size=limit_mb * MB + 1)
    assert messages(conn(platform).validate(post("Video", big))) == [
        f"media 1 (v.mp4): video is {limit_mb:.1f} MB, limit {limit_mb} MB"]


def test_size_is_read_from_the_file_when_not_given(tmp_path):
    path = tmp_path / "besar.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * (5 * MB))
    item = MediaItem(path=str(path), alt_text="Foto besar")
    assert messages(conn("x").validate(post("Foto", item))) == [
        "media 1 (besar.jpg): image is 5.0 MB, limit 5 MB"]


# X ---------------------------------------------------------------------------------------
def test_x_weighted_length():
    assert messages(conn("x").validate(post("漢" * 141))) == [
        "text weighs 282 characters, limit 280"]


def test_x_images_and_video_do_not_mix():
    assert messages(conn("x").validate(post("Campur", image(), video()))) == [
        "X posts carry images or one video, not both"]


def test_x_one_video_at_most():
    assert messages(conn("x").validate(post("Dua video", video("1.mp4"), video("2.mp4")))) == [
        "2 videos, limit 1"]


def test_x_needs_local_files():
    remote = MediaItem(url="https://setneg.go.id/a.jpg", alt_text="Foto")
    assert messages(conn("x").validate(post("Foto", remote))) == [
        "X uploads media from local files only"]


def test_x_thread_of_more_than_25_parts():
    text = " ".join(["Kalimat yang cukup panjang untuk mengisi sebuah utas di X."] * 130)
    assert messages(conn("x").validate(post(text, thread=True)))[0].endswith("limit 25")


# Facebook --------------------------------------------------------------------------------
def test_facebook_text_length():
    assert messages(conn("facebook").validate(post("a" * 63207))) == [
        "text is 63207 characters, limit 63206"]


def test_facebook_photos_and_video_do_not_mix():
    assert messages(conn("facebook").validate(post("Campur", image(), video()))) == [
        "a Facebook post carries photos or one video, not both"]


def test_facebook_one_video_at_most():
    problems = conn("facebook").validate(post("Dua", video("1.mp4"), video("2.mp4")))
    assert messages(problems) == ["2 videos, limit 1"]


def test_facebook_big_photo_is_a_warning():
    problems = conn("facebook").validate(post("Foto", image(size=4 * MB + 1)))
    assert messages(problems) == []
    assert messages(problems, blocking=False) == [
        "media 1 (a.jpg) is over 4 MB; Facebook may compress it visibly"]


# Instagram -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "problem"), [
    ("x" * 2201, "text is 2201 characters, limit 2200"),
    (" ".join(f"#tag{i}" for i in range(31)), "31 hashtags, limit 30"),
    (" ".join(f"@akun{i}" for i in range(21)), "21 mentions, limit 20"),
])
def test_instagram_caption_rules(text, problem):
    assert messages(conn("instagram").validate(post(text, image()))) == [problem]


def test_instagram_needs_media():
    assert messages(conn("instagram").validate(post("Teks saja"))) == [
        "Instagram needs an image or a video"]


def test_instagram_needs_public_urls():
    local = MediaItem(path="/srv/media/a.jpg", alt_text="Foto")
    assert messages(conn("instagram").validate(post("Foto", local))) == [
        "Instagram fetches media by public URL only: set SIARAN_MEDIA_BASE_URL to the public "
        "address of the media store"]


def test_instagram_link_in_caption_is_a_warning():
    problems = conn("instagram").validate(post("Baca di https://setneg.go.id/berita", image()))
    assert messages(problems) == []
    assert messages(problems, blocking=False) == [
        "links in an Instagram caption are not clickable"]


# Telegram --------------------------------------------------------------------------------
def test_telegram_text_in_utf16_code_units():
    assert messages(conn("telegram").validate(post("😀" * 2049))) == [
        "text is 4098 characters, limit 4096"]


def test_telegram_caption_limit():
    assert messages(conn("telegram").validate(post("a" * 1025, image()))) == [
        "caption is 1025 characters, limit 1024"]


# WordPress -------------------------------------------------------------------------------
def test_wordpress_featured_image_must_be_a_local_file():
    remote = MediaItem(url="https://setneg.go.id/a.jpg", alt_text="Foto")
    assert messages(conn("wordpress").validate(post("Artikel", remote))) == [
        "the featured image must be a local file"]


def test_wordpress_featured_media_must_be_an_image():
    assert messages(conn("wordpress").validate(post("Artikel", video()))) == [
        "media 1 (v.mp4): video/mp4 is not accepted (accepted: none)"]


# every problem at once -------------------------------------------------------------------
def test_a_post_breaking_several_rules_reports_all_of_them():
    items = (image("1.jpg", alt_text=""), image("2.jpg", size=6 * MB), video(),
             image("3.jpg"), image("4.jpg"))
    problems = conn("x").validate(post("漢" * 150, *items))
    assert messages(problems) == [
        "text weighs 300 characters, limit 280",
        "5 media items, limit 4",
        "media 1 (1.jpg): alt text is missing",
        "media 2 (2.jpg): image is 6.0 MB, limit 5 MB",
        "X posts carry images or one video, not both",
    ]


def test_instagram_reports_blocking_problems_and_warnings_together():
    local = MediaItem(path="/srv/media/a.png", mime="image/png")
    text = "Lihat www.setneg.go.id " + " ".join(f"#t{i}" for i in range(31))
    problems = conn("instagram").validate(post(text, local))
    assert messages(problems) == [
        "31 hashtags, limit 30",
        "media 1 (a.png): image/png is not accepted (accepted: image/jpeg)",
        "media 1 (a.png): alt text is missing",
        "Instagram fetches media by public URL only: set SIARAN_MEDIA_BASE_URL to the public "
        "address of the media store",
    ]
    assert messages(problems, blocking=False) == [
        "links in an Instagram caption are not clickable"]
