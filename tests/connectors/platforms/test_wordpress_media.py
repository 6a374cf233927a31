"""WordPress: featured image with alt text, excerpt, categories and tags by name."""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests

from connectors.base import MediaItem, RenderedPost
from connectors.errors import Unavailable
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials

AUTH = ("humas", "SECRET wp01 pass")


def article(*media: MediaItem, **fields) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="Peresmian Bendungan",
                        text="<p>Presiden meresmikan bendungan.</p>", media=media,
                        excerpt="Bendungan diresmikan.", **fields)


def connector(sandbox):
    return build_connector("wordpress", credentials("wordpress", "humas", sandbox.url),
                           timeout=3)


@pytest.fixture
def image(tmp_path) -> MediaItem:
    path = tmp_path / "bendungan.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    return MediaItem(path=str(path), alt_text="Bendungan dari udara", digest="f" * 64)


def test_article_with_featured_image_excerpt_and_terms(sandbox, image):
    requests.post(f"{sandbox.url}/wp-json/wp/v2/categories", auth=AUTH, timeout=5,
                  json={"name": "Berita"})
    wp = connector(sandbox)
    sent = article(image, categories=("Berita", "Infrastruktur"), tags=("bendungan", "PUPR"))
    published = wp.publish(sent, key="siaran-7-abc")
    (stored,) = sandbox.posts("wordpress", "humas")
    assert published.permalink == f"{sandbox.url}/?p={stored.id}"
    assert stored.extra["excerpt"] == "Bendungan diresmikan."
    media = sandbox.state.get_object("wordpress", str(stored.extra["featured_media"]))
    assert media["alt_text"] == "Bendungan dari udara"
    assert sent.uploads == {"f" * 64: str(stored.extra["featured_media"])}
    names = {t["id"]: t["name"] for tax in ("categories", "tags")
             for t in requests.get(f"{sandbox.url}/wp-json/wp/v2/{tax}", timeout=5,
                                   params={"per_page": 100}).json()}
    assert [names[i] for i in stored.extra["categories"]] == ["Berita", "Infrastruktur"]
    assert [names[i] for i in stored.extra["tags"]] == ["bendungan", "PUPR"]
    creates = [r for r in sandbox.requests("wordpress")
               if r.method == "POST" and r.path.endswith(("/categories", "/tags"))]
    assert len(creates) == 4  # Berita existed: made by the test, not by the connector


def test_terms_are_matched_by_name_not_created_twice(sandbox):
    wp = connector(sandbox)
    wp.publish(article(categories=("Siaran Pers & Berita",)), key="k1")
    wp.publish(replace(article(categories=("siaran pers & berita",)), title="Dua"), key="k2")
    first, second = sandbox.posts("wordpress", "humas")
    assert first.extra["categories"] == second.extra["categories"]
    assert len(requests.get(f"{sandbox.url}/wp-json/wp/v2/categories", timeout=5).json()) == 1


def test_term_created_meanwhile_is_taken_from_term_exists(sandbox):
    made = requests.post(f"{sandbox.url}/wp-json/wp/v2/tags", auth=AUTH, timeout=5,
                         json={"name": "Kabinet"}).json()
    again = requests.post(f"{sandbox.url}/wp-json/wp/v2/tags", auth=AUTH, timeout=5,
                          json={"name": "Kabinet"})
    assert again.status_code == 400 and again.json()["code"] == "term_exists"
    assert again.json()["data"] == {"status": 400, "term_id": made["id"]}


def test_a_retry_reuses_the_featured_image(sandbox, image):
    wp = connector(sandbox)
    sandbox.add_fault("wordpress", "status", endpoint="POST .*/posts", count=1, status=503)
    first = article(image)
    with pytest.raises(Unavailable):
        wp.publish(first, key="k1")
    wp.publish(replace(first, uploads=dict(first.uploads)), key="k1")
    uploads = [r for r in sandbox.requests("wordpress")
               if r.method == "POST" and r.path == "/wp-json/wp/v2/media"]
    assert len(uploads) == 1
    assert str(sandbox.posts("wordpress")[0].extra["featured_media"]) == first.uploads["f" * 64]


def test_a_remembered_image_that_is_gone_is_uploaded_again(sandbox, image):
    stale = article(image, uploads={"f" * 64: "424242"})
    connector(sandbox).publish(stale, key="k1")
    assert stale.uploads["f" * 64] != "424242"
    assert sandbox.posts("wordpress")[0].extra["featured_media"] == int(stale.uploads["f" * 64])


def test_only_the_first_image_is_used(sandbox, image):
    problems = connector(sandbox).validate(article(image, replace(image, digest="g" * 64)))
    assert [(p.message, p.blocking) for p in problems] == [
        ("only the first image becomes the featured image; 1 other media items are not "
         "published", False)]
