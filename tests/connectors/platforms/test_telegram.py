"""TelegramConnector and the Bot API emulation."""

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
from connectors.platforms.telegram import TelegramConnector
from connectors.registry import build_connector
from tests.fixtures.sandbox import credentials, secrets_of

TOKEN = "654321:SECRET-bot-token"
PHOTO_URL = MediaItem(url="https://setneg.go.id/p.jpg", alt_text="Poster")


def post(text: str = "Info layanan: kantor tutup pada hari libur nasional.",
         *media: MediaItem) -> RenderedPost:
    return RenderedPost(post_id=1, delivery_id=1, title="t", text=text, media=media)


def connector(sandbox, chat: str = "@humas_prov", timeout: float = 2.0, **creds
              ) -> TelegramConnector:
    return build_connector("telegram", creds or credentials("telegram", chat),
                           api_base=sandbox.url, timeout=timeout)


def bot(sandbox, method: str, token: str = TOKEN, **kw) -> requests.Response:
    return requests.post(f"{sandbox.url}/bot{token}/{method}", timeout=5, **kw)


def assert_no_secret(exc: PublishError) -> None:
    for text in (str(exc), exc.detail, exc.excerpt, repr(exc)):
        assert not any(s in text for s in secrets_of("telegram"))


def test_send_message_returns_message_id_and_public_link(sandbox):
    result = connector(sandbox).publish(post(), key="d1")
    stored = sandbox.posts("telegram", "@humas_prov")
    assert [p.id for p in stored] == [result.external_id]
    assert result.permalink == f"https://t.me/humas_prov/{result.external_id}"


def test_numeric_chat_id_works_and_private_link(sandbox):
    tg = connector(sandbox, bot_token=TOKEN, chat_id="-1009876543210")
    result = tg.publish(post(), key="d1")
    assert result.permalink == f"https://t.me/c/9876543210/{result.external_id}"
    assert len(sandbox.posts("telegram", "@humas_prov")) == 1


def test_wire_format_of_success_and_errors(sandbox):
    ok = bot(sandbox, "sendMessage", json={"chat_id": "@humas_prov", "text": "halo"}).json()
    assert ok["ok"] is True
    assert ok["result"]["chat"] == {"id": -1009876543210, "title": "Humas Provinsi",
                                    "type": "channel", "username": "humas_prov"}
    assert ok["result"]["text"] == "halo"
    assert bot(sandbox, "getMe").json()["result"]["username"] == "humas_bot"
    unknown = bot(sandbox, "sendMessage", token="1:nope", data={"chat_id": "@x", "text": "a"})
    assert unknown.status_code == 401
    assert unknown.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    chat = bot(sandbox, "sendMessage", data={"chat_id": "@setneg", "text": "a"})
    assert chat.json()["description"] == "Bad Request: chat not found"
    empty = bot(sandbox, "sendMessage", data={"chat_id": "@humas_prov", "text": " "})
    assert empty.json()["description"] == "Bad Request: message text is empty"


def test_limits_4096_and_1024(sandbox):
    tg = connector(sandbox)
    assert tg.validate(post("a" * 4096)) == []
    assert tg.validate(post("a" * 4097))
    too_long = bot(sandbox, "sendMessage", data={"chat_id": "@humas_prov", "text": "a" * 4097})
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"
    with pytest.raises(ContentRejected):
        tg.publish(post("a" * 1025, PHOTO_URL), key="d1")
    caption = bot(sandbox, "sendPhoto", data={"chat_id": "@humas_prov", "caption": "a" * 1025,
                                              "photo": "https://setneg.go.id/p.jpg"})
    assert caption.json()["description"] == "Bad Request: message caption is too long"


def test_photo_by_url_by_upload_and_by_file_id(sandbox, tmp_path):
    tg = connector(sandbox)
    tg.publish(post("lewat URL", PHOTO_URL), key="d1")
    image = tmp_path / "p.jpg"
    image.write_bytes(b"\xff\xd8" + b"\x00" * 100)
    tg.publish(post("unggahan", MediaItem(path=str(image), alt_text="Poster")), key="d2")
    first = sandbox.posts("telegram")[0].extra["photo"]["file_id"]
    again = bot(sandbox, "sendPhoto", json={"chat_id": "@humas_prov", "photo": first})
    assert again.json()["result"]["photo"][0]["file_id"] == first
    bad = bot(sandbox, "sendPhoto", json={"chat_id": "@humas_prov", "photo": "no-such-id"})
    assert bad.json()["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
    assert [p.text for p in sandbox.posts("telegram")] == ["lewat URL", "unggahan", ""]


def test_media_group(sandbox, tmp_path):
    image = tmp_path / "p.jpg"
    image.write_bytes(b"\xff\xd8" + b"\x00" * 100)
    items = (MediaItem(url="https://setneg.go.id/1.jpg", alt_text="Foto"),
             MediaItem(path=str(image), alt_text="Poster"))
    result = connector(sandbox).publish(post("album", *items), key="d1")
    stored = sandbox.posts("telegram")
    assert len(stored) == 2 and stored[0].id == result.external_id
    assert stored[0].text == "album" and stored[1].text == ""


def test_find_returns_none_by_design(sandbox):
    tg = connector(sandbox)
    tg.publish(post(), key="d1")
    assert tg.find(post(), key="d1", since=datetime.now(UTC) - timedelta(hours=1)) is None


def test_check(sandbox):
    assert connector(sandbox).check().account == "@humas_prov via @humas_bot"
    assert not connector(sandbox, bot_token="1:wrong", chat_id="@humas_prov").check().ok
    wrong_chat = connector(sandbox, bot_token=TOKEN, chat_id="@setneg").check()
    assert not wrong_chat.ok and "chat not found" in wrong_chat.detail


@pytest.mark.parametrize(("kind", "params", "error", "status"), [
    ("rate_limit", {"reset_in": 17}, RateLimited, 429),
    ("quota_exhausted", {}, RateLimited, 429),
    ("expired_token", {}, AuthExpired, 401),
    ("status", {"status": 403}, PermissionDenied, 403),
    ("status", {"status": 400, "description": "Bad Request: can't parse entities"},
     ContentRejected, 400),
    ("status", {"status": 500}, Unavailable, 500),
    ("status", {"status": 502, "html": True}, Unavailable, 502),
])
def test_faults_map_to_errors(sandbox, kind, params, error, status):
    sandbox.add_fault("telegram", kind, account="@humas_prov", count=1, **params)
    with pytest.raises(error) as info:
        connector(sandbox).publish(post(), key="d1")
    assert info.value.status == status
    assert_no_secret(info.value)
    if kind == "rate_limit":
        assert info.value.retry_after == 17
    assert sandbox.posts("telegram") == []


def test_duplicate_fault_does_not_exist_for_telegram(sandbox):
    with pytest.raises(Exception, match="does not refuse duplicate"):
        sandbox.add_fault("telegram", "duplicate")


def test_commit_then_hang_and_drop(sandbox):
    sandbox.add_fault("telegram", "commit_then_hang", count=1, seconds=3)
    with pytest.raises(OutcomeUnknown) as info:
        connector(sandbox, timeout=0.5).publish(post("hang"), key="d1")
    assert_no_secret(info.value)
    sandbox.add_fault("telegram", "commit_then_drop", count=1)
    with pytest.raises(OutcomeUnknown):
        connector(sandbox).publish(post("drop"), key="d2")
    assert [p.text for p in sandbox.posts("telegram")] == ["hang", "drop"]


def test_connection_refused_is_unavailable_without_token(unused_port):
    tg = build_connector("telegram", credentials("telegram", "@humas_prov"),
                         api_base=f"http://127.0.0.1:{unused_port}", timeout=1)
    with pytest.raises(Unavailable) as info:
        tg.publish(post(), key="d1")
    assert_no_secret(info.value)
    assert "SECRET" not in repr(tg)


def test_request_log_masks_the_token(sandbox):
    connector(sandbox).publish(post(), key="d1")
    assert sandbox.requests("telegram")[0].path == "/bot<token>/sendMessage"
