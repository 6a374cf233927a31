"""WordPressConnector and the WordPress REST emulation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from connectors.base import MediaItem, RenderedPost
from connectors.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PermissionDenied,
    PublishError,
    RateLimited,
    Unavailable,
)
from connectors.platforms.wordpress import WordPressConnector
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials, secrets_of

AUTH = ("humas", "SECRET wp01 pass")


def post(text: str = "<p>Siaran pers lengkap tentang layanan publik.</p>",
         title: str = "Siaran Pers 12/2026", *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title=title, text=text, media=media)


def connector(sandbox, user: str = "humas", timeout: float = 2.0, **creds
              ) -> WordPressConnector:
    return build_connector("wordpress", creds or credentials("wordpress", user, sandbox.url),
                           timeout=timeout)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def assert_no_secret(exc: PublishError) -> None:
    for text in (str(exc), exc.detail, exc.excerpt, repr(exc)):
        assert not any(s in text for s in secrets_of("wordpress"))


def test_publish_creates_a_published_post(sandbox):
    result = connector(sandbox).publish(post(), key="d1")
    stored = sandbox.posts("wordpress", "humas")
    assert [p.id for p in stored] == [result.external_id]
    assert stored[0].extra["status"] == "publish" and stored[0].extra["title"] == post().title
    assert result.permalink == f"{sandbox.url}/?p={result.external_id}"


def test_featured_image_raw_upload_with_alt_text(sandbox, tmp_path):
    image = tmp_path / "foto rapat.png"
    image.write_bytes(b"\x89PNG" + b"\x00" * 50)
    item = MediaItem(path=str(image), alt_text="Rapat kabinet", mime="image/png")
    connector(sandbox).publish(post("isi", "Judul", item), key="d1")
    stored = sandbox.posts("wordpress")[0]
    media = sandbox.state.get_object("wordpress", str(stored.extra["featured_media"]))
    assert media["filename"] == "foto rapat.png" and media["alt_text"] == "Rapat kabinet"
    assert media["mime"] == "image/png" and media["size"] == 54


def test_multipart_media_upload_and_wire_format(sandbox):
    created = requests.post(f"{sandbox.url}/wp-json/wp/v2/media", auth=AUTH, timeout=5,
                            files={"file": ("a.jpg", b"\xff\xd8data", "image/jpeg")})
    assert created.status_code == 201
    body = created.json()
    assert body["media_type"] == "image" and body["source_url"].endswith("/a.jpg")
    missing = requests.post(f"{sandbox.url}/wp-json/wp/v2/media", auth=AUTH, timeout=5,
                            data=b"raw", headers={"Content-Type": "image/jpeg"})
    assert missing.json() == {"code": "rest_upload_no_content_disposition",
                              "message": "No Content-Disposition supplied.",
                              "data": {"status": 400}}


def test_post_fields_status_and_future(sandbox):
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    answer = requests.post(f"{sandbox.url}/wp-json/wp/v2/posts", auth=AUTH, timeout=5, json={
        "title": "Terjadwal", "content": "isi", "excerpt": "ringkas", "status": "publish",
        "date_gmt": future, "categories": [3], "tags": [7]})
    assert answer.status_code == 201 and answer.headers["location"].endswith(
        f"/wp-json/wp/v2/posts/{answer.json()['id']}")
    body = answer.json()
    assert body["status"] == "future" and body["date_gmt"] == future
    assert body["categories"] == [3] and body["tags"] == [7]
    assert body["title"] == {"rendered": "Terjadwal"}
    draft = requests.post(f"{sandbox.url}/wp-json/wp/v2/posts", auth=AUTH, timeout=5,
                          json={"title": "Draf"}).json()
    assert draft["status"] == "draft"  # WordPress's default
    bad = requests.post(f"{sandbox.url}/wp-json/wp/v2/posts", auth=AUTH, timeout=5,
                        json={"title": "x", "status": "live"})
    assert bad.status_code == 400 and bad.json()["code"] == "rest_invalid_param"
    public = requests.get(f"{sandbox.url}/wp-json/wp/v2/posts", timeout=5)
    assert public.json() == [] and public.headers["x-wp-total"] == "0"


def test_auth_errors_are_wordpress_envelopes(sandbox):
    url = f"{sandbox.url}/wp-json/wp/v2/users/me"
    wrong = requests.get(url, auth=("humas", "nope"), timeout=5)
    assert wrong.status_code == 401 and wrong.json() == {
        "code": "incorrect_password",
        "message": "The provided password is an invalid application password.",
        "data": {"status": 401}}
    assert requests.get(url, auth=("nobody", "x"), timeout=5).json()["code"] == \
        "invalid_username"
    anonymous = requests.post(f"{sandbox.url}/wp-json/wp/v2/posts", json={"title": "x"},
                              timeout=5)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "rest_cannot_create"
    assert requests.get(url, auth=("humas", "SECRETwp01pass"), timeout=5).ok  # spaces ignored
    assert requests.get(f"{sandbox.url}/wp-json/nothing", timeout=5).json()["code"] == \
        "rest_no_route"


def test_users_are_told_apart_by_basic_auth(sandbox):
    connector(sandbox).publish(post("dari humas", "A"), key="d1")
    connector(sandbox, "editor").publish(post("dari editor", "B"), key="d2")
    assert [p.text for p in sandbox.posts("wordpress", "humas")] == ["dari humas"]
    assert [p.text for p in sandbox.posts("wordpress", "editor")] == ["dari editor"]
    assert connector(sandbox, "editor").check().account == "Redaksi Setneg"


def test_find_by_search_after_and_raw_fields(sandbox):
    wp = connector(sandbox)
    published = wp.publish(post(), key="d1")
    assert wp.find(post(), key="d1", since=an_hour_ago()) == published
    assert wp.find(post("lain", "Judul lain"), key="d2", since=an_hour_ago()) is None
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert wp.find(post(), key="unmarked", since=later) is None  # search keeps the window


def test_the_slug_comes_from_the_title_and_the_key_rides_in_a_comment(sandbox):
    wp = connector(sandbox)
    published = wp.publish(post("isi", "Siaran Pers: Beasiswa 2027"), key="siaran-41-abcdef012345")
    again = wp.publish(post("isi lain", "Siaran Pers: Beasiswa 2027"), key="siaran-42-abcdef012346")
    first, second = sandbox.posts("wordpress")
    assert [first.extra["slug"], second.extra["slug"]] == [
        "siaran-pers-beasiswa-2027", "siaran-pers-beasiswa-2027-2"]
    assert first.text == "isi"  # readers do not see the comment
    assert first.extra["content"] == "isi\n<!-- siaran:siaran-41-abcdef012345 -->"
    later = datetime.now(UTC) + timedelta(minutes=5)  # outside the search window: found by key
    assert wp.find(post("isi", "Siaran Pers: Beasiswa 2027"), key="siaran-41-abcdef012345",
                   since=later) == published
    assert wp.find(post("isi lain", "Siaran Pers: Beasiswa 2027"), key="siaran-42-abcdef012346",
                   since=later) == again


def test_a_post_published_with_its_key_as_slug_is_still_found(sandbox):
    wp = connector(sandbox)
    created = requests.post(f"{sandbox.url}/wp-json/wp/v2/posts", json={
        "title": "Lama", "content": "isi lama", "status": "publish",
        "slug": "siaran-7-abcdef012345"}, auth=("editor", "abcd efgh ijkl"), timeout=5).json()
    later = datetime.now(UTC) + timedelta(minutes=5)
    found = wp.find(post("isi lama", "Lama"), key="siaran-7-abcdef012345", since=later)
    assert found is not None and found.external_id == str(created["id"])


def test_find_pages_through_results(sandbox):
    wp = connector(sandbox)
    first = wp.publish(post("yang pertama", "Pengumuman"), key="d0")
    for i in range(120):
        wp.publish(post(f"isi {i}", "Pengumuman"), key=f"f{i}")
    assert wp.find(post("yang pertama", "Pengumuman"), key="d0", since=an_hour_ago()) == first


def test_check_with_a_revoked_password(sandbox):
    assert connector(sandbox).check().ok
    creds = dict(credentials("wordpress", "humas", sandbox.url), application_password="x")
    health = connector(sandbox, **creds).check()
    assert not health.ok and "incorrect_password" in health.detail


@pytest.mark.parametrize(("kind", "params", "error", "status"), [
    ("expired_token", {}, AuthExpired, 401),
    ("duplicate", {}, ContentRejected, 400),
    ("rate_limit", {"reset_in": 42}, RateLimited, 429),
    ("quota_exhausted", {}, RateLimited, 429),
    ("status", {"status": 403}, PermissionDenied, 403),
    ("status", {"status": 500}, Unavailable, 500),
    ("status", {"status": 503}, Unavailable, 503),
])
def test_faults_map_to_errors(sandbox, kind, params, error, status):
    sandbox.add_fault("wordpress", kind, account="humas", endpoint="POST .*/posts", count=1,
                      **params)
    with pytest.raises(error) as info:
        connector(sandbox).publish(post(), key="d1")
    assert info.value.status == status
    assert_no_secret(info.value)
    if kind == "rate_limit":
        assert info.value.retry_after == 42
    assert sandbox.posts("wordpress") == []


def test_commit_then_hang_and_drop(sandbox):
    sandbox.add_fault("wordpress", "commit_then_hang", endpoint="POST .*/posts", count=1,
                      seconds=3)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox, timeout=0.5).publish(post("hang", "Hang"), key="d1")
    sandbox.add_fault("wordpress", "commit_then_drop", endpoint="POST .*/posts", count=1)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox).publish(post("drop", "Drop"), key="d2")
    assert [p.text for p in sandbox.posts("wordpress")] == ["hang", "drop"]
    assert connector(sandbox).find(post("drop", "Drop"), key="d2",
                                   since=an_hour_ago()) is not None


def test_upload_failure_is_not_unknown(sandbox, tmp_path):
    image = tmp_path / "a.png"
    image.write_bytes(b"\x89PNG")
    sandbox.add_fault("wordpress", "commit_then_drop", endpoint="POST .*/media", count=1)
    with pytest.raises(Unavailable):
        connector(sandbox).publish(post("x", "y", MediaItem(path=str(image), alt_text="A")),
                                   key="d1")
    assert sandbox.posts("wordpress") == []


def test_channel_credentials_need_the_sandbox_url():
    with pytest.raises(Exception, match="site_url"):
        credentials("wordpress", "humas")
