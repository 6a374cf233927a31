"""The Telegram Bot API as the sandbox speaks it.

``/bot<token>/<method>`` with parameters in the query, a form, JSON or multipart —
https://core.telegram.org/bots/api#making-requests. Methods: ``getMe``, ``getChat``,
``sendMessage`` (``text`` 1–4,096 characters), ``sendPhoto`` / ``sendVideo`` (``photo`` /
``video`` as a file_id, an HTTP URL or a multipart upload; ``caption`` ≤ 1,024),
``sendMediaGroup`` (2–10 ``media`` items of type photo or video, files as
``attach://<name>``). Lengths are counted in UTF-16 code units, as Telegram counts them
(https://core.telegram.org/api/entities). A file_id names a photo or a video; sending it
as the other kind is refused. Answers are ``{"ok":true,"result":…}``; errors
``{"ok":false,"error_code":N,"description":"…","parameters":{"retry_after":N}}`` with the
HTTP status equal to ``error_code`` — e.g. ``{"ok":false,"error_code":429,"description":
"Too Many Requests: retry after 15","parameters":{"retry_after":15}}``
(https://pastebin.com/cK9kmwfh, a logged real answer; https://core.telegram.org/bots/api#responseparameters).

A sandbox Telegram account is one bot (``bot_token``) posting to one channel (``chat_id``,
``@name``, or its ``chat_numeric_id``); the account is identified by ``chat_id``. A chat
the bot is not set up for answers "Bad Request: chat not found".
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from connectors.sandbox import engagement
from connectors.sandbox.faults import FaultRule
from connectors.sandbox.platform import Identity, PlatformAPI
from connectors.sandbox.wire import Part, Request, Response

PATH = re.compile(r"^/bot([^/]+)/(\w+)$")
BOT_TOKEN = re.compile(r"^/bot[^/]+/")
MAX_TEXT, MAX_CAPTION = 4096, 1024
DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot is not a member of the channel chat",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def error(code: int, description: str, retry_after: int | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return Response.json(code, body)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def ok(result: Any) -> Response:
    return Response.json(200, {"ok": True, "result": result})


def too_many(seconds: int) -> Response:
    return error(429, f"Too Many Requests: retry after {seconds}", seconds)


class TelegramAPI(PlatformAPI):
    """The Bot API emulation."""

    name = "telegram"
    title = "Telegram"
    id_key = "chat_id"
    credential_fields = ("bot_token", "chat_id")
    demo_account: ClassVar[dict[str, Any]] = {
        "bot_token": "123456:ABC", "chat_id": "@setneg", "chat_numeric_id": -1001234567890,
        "title": "Setneg Sandbox", "bot_username": "setneg_bot"}
    demo_channel = "tg-setneg"
    test_account: ClassVar[dict[str, Any]] = {
        "bot_token": "654321:SECRET-bot-token", "chat_id": "@humas_prov",
        "chat_numeric_id": -1009876543210, "title": "Humas Provinsi",
        "bot_username": "humas_bot"}
    publish_endpoint = r"^POST /bot[^/]+/send\w+$"
    outage: ClassVar[dict[str, Any]] = {"kind": "status", "status": 502}
    refuses_duplicates = False
    unsupported_faults: ClassVar[dict[str, str]] = {
        "duplicate": "Telegram does not refuse duplicate messages"}
    rate_limit_reset = 30

    def handles(self, req: Request) -> bool:
        return PATH.match(req.path) is not None

    def logged_path(self, path: str) -> str:
        return BOT_TOKEN.sub("/bot<token>/", path)  # the token travels in the path

    def _chat_matches(self, account: dict, chat: str) -> bool:
        return chat in (str(account.get("chat_id")), str(account.get("chat_numeric_id")))

    def identify(self, req: Request) -> Identity | Response:
        token = PATH.match(req.path).group(1)  # type: ignore[union-attr]
        chat = req.params().get("chat_id")
        accounts = [a for a in self.state.accounts("telegram").get("telegram", [])
                    if a.get("bot_token") == token]
        if not accounts:
            return error(401, "Unauthorized")
        chosen = next((a for a in accounts if chat and self._chat_matches(a, chat)),
                      accounts[0])
        return ("telegram", str(chosen["chat_id"]))

    def error(self, status: int, message: str, headers: dict[str, str] | None = None
              ) -> Response:
        answer = error(status, message)
        answer.headers.update(headers or {})
        return answer

    def rate_limited(self, wait: float, rule: FaultRule, who: Identity) -> Response:
        return too_many(int(wait))

    def error_answer(self, status: int | None, rule: FaultRule) -> Response:
        status = status or 500
        return error(status, rule.params.get("description") or DESCRIPTIONS.get(status, "Error"))

    # methods ---------------------------------------------------------------------------
    def dispatch(self, req: Request, who: Identity) -> Response:
        token, method = PATH.match(req.path).groups()  # type: ignore[union-attr]
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return error(404, "Not Found")
        account = self.state.find_account("telegram", lambda a: (
            a.get("bot_token") == token and str(a.get("chat_id")) == who[1])) or {}
        params = req.params()
        if method.lower() not in ("getme",):
            chat = params.get("chat_id")
            if not chat:
                return error(400, "Bad Request: chat_id is empty")
            if not self._chat_matches(account, chat):
                return error(400, "Bad Request: chat not found")
        return handler(req, account, params)

    def _chat(self, account: dict) -> dict[str, Any]:
        chat = {"id": int(account.get("chat_numeric_id", -1000000000000)),
                "title": account.get("title", str(account.get("chat_id"))), "type": "channel"}
        if str(account.get("chat_id", "")).startswith("@"):
            chat["username"] = str(account["chat_id"])[1:]
        return chat

    def _m_getme(self, req: Request, account: dict, params: dict) -> Response:
        bot_id = str(account.get("bot_token", "0:")).split(":")[0]
        return ok({"id": int(bot_id) if bot_id.isdigit() else 0, "is_bot": True,
                   "first_name": account.get("title", "Sandbox Bot"),
                   "username": account.get("bot_username", f"bot{bot_id}"),
                   "can_join_groups": True, "can_read_all_group_messages": False,
                   "supports_inline_queries": False})

    def _m_getchat(self, req: Request, account: dict, params: dict) -> Response:
        return ok(self._chat(account))

    def _m_getchatmembercount(self, req: Request, account: dict, params: dict) -> Response:
        """The channel's subscribers (grows with sandbox time)."""
        return ok(engagement.followers(account, self.state.now()))

    def _message(self, account: dict, text: str, extra: dict[str, Any],
                 group: str | None = None) -> dict[str, Any]:
        post = self.state.store_post("telegram", str(account["chat_id"]), text,
                                     make_id=str, extra=extra)
        assert post is not None
        chat = self._chat(account)
        message: dict[str, Any] = {"message_id": int(post.id), "sender_chat": chat,
                                   "chat": chat, "date": int(post.time)}
        if group:
            message["media_group_id"] = group
        if "photo" in extra or "video" in extra:
            if "photo" in extra:
                message["photo"] = [extra["photo"]]
            else:
                message["video"] = extra["video"]
            if text:
                message["caption"] = text
        else:
            message["text"] = text
        return message

    def _m_sendmessage(self, req: Request, account: dict, params: dict) -> Response:
        text = params.get("text", "")
        if not text.strip():
            return error(400, "Bad Request: message text is empty")
        if utf16_length(text) > MAX_TEXT:
            return error(400, "Bad Request: message is too long")
        return ok(self._message(account, text, {"parse_mode": params.get("parse_mode")}))

    def _file(self, kind: str, value: str | None, upload: Part | None
              ) -> dict[str, Any] | None:
        """A PhotoSize or Video for a file_id, a URL or an upload (None when unusable)."""
        prefix = "AgACAgUAAx" if kind == "photo" else "BAACAgUAAx"
        if upload is not None:
            obj = self.state.new_object("telegram", lambda n: f"{prefix}{n:012d}", kind=kind,
                                        size=len(upload.data), source="upload")
        elif value and value.startswith(("http://", "https://")):
            obj = self.state.new_object("telegram", lambda n: f"{prefix}{n:012d}", kind=kind,
                                        size=None, source=value)
        elif value:
            obj = self.state.get_object("telegram", value)
            if obj is None or obj.get("kind", "photo") != kind:
                return None
        else:
            return None
        found = {"file_id": obj["id"], "file_unique_id": obj["id"][-10:], "width": 1280,
                 "height": 720, "file_size": obj.get("size") or 0}
        if kind == "video":
            found.update(duration=30, mime_type="video/mp4")
        return found

    def _send_file(self, kind: str, req: Request, account: dict, params: dict) -> Response:
        caption = params.get("caption", "")
        if utf16_length(caption) > MAX_CAPTION:
            return error(400, "Bad Request: message caption is too long")
        sent = self._file(kind, params.get(kind), req.files().get(kind))
        if sent is None:
            return error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return ok(self._message(account, caption, {kind: sent}))

    def _m_sendphoto(self, req: Request, account: dict, params: dict) -> Response:
        return self._send_file("photo", req, account, params)

    def _m_sendvideo(self, req: Request, account: dict, params: dict) -> Response:
        return self._send_file("video", req, account, params)

    def _m_sendmediagroup(self, req: Request, account: dict, params: dict) -> Response:
        try:
            items = json.loads(params.get("media", ""))
        except ValueError:
            return error(400, "Bad Request: can't parse media JSON object")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            return error(400, "Bad Request: wrong number of media items")
        files = req.files()
        sent = []
        for item in items:
            if not isinstance(item, dict) or item.get("type") not in ("photo", "video"):
                return error(400, "Bad Request: unsupported media type in the media group")
            media, caption = str(item.get("media", "")), str(item.get("caption", ""))
            if utf16_length(caption) > MAX_CAPTION:
                return error(400, "Bad Request: message caption is too long")
            upload = files.get(media[9:]) if media.startswith("attach://") else None
            found = self._file(item["type"], None if upload else media, upload)
            if found is None:
                return error(400, "Bad Request: wrong file identifier/HTTP URL specified")
            sent.append(({item["type"]: found}, caption))
        group = str(abs(hash((account.get("chat_id"), self.state.now()))))
        return ok([self._message(account, caption, extra, group) for extra, caption in sent])
