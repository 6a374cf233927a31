"""Stored media over HTTP: a signed-in user sees an image as stored, with its checked type;
nobody else, and nothing the store does not hold."""

from __future__ import annotations

import httpx
import pytest

from orchestrator.cli.sample_image import write_flag
from orchestrator.editorial import media as post_media
from tests.fixtures.web import console_client, console_office


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    with console_office(tmp_path_factory.mktemp("console-media"), redis_url,
                        sandbox_server.url) as running:
        yield running


def test_a_stored_image_is_shown_to_signed_in_users_only(office, tmp_path):
    image = write_flag(tmp_path / "bendera.jpg")
    with image.open("rb") as handle:
        stored = post_media.upload(office.as_user("ani"), handle, "bendera.jpg")
    address = f"/media/{stored['id']}"
    with httpx.Client(base_url=office.url, follow_redirects=False) as stranger:
        refused = stranger.get(address)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin")
    with console_client(office, "citra") as client:
        shown = client.get(address)
        assert shown.status_code == 200
        assert shown.content == image.read_bytes()
        assert shown.headers["content-type"] == "image/jpeg"
        assert shown.headers["x-content-type-options"] == "nosniff"
        assert "immutable" in shown.headers["cache-control"]
        assert client.get("/media/" + "0" * 64).status_code == 404
        assert client.get("/media/../secret.key").status_code == 404
        assert client.get("/media/NOT-A-DIGEST").status_code in (404, 422)
