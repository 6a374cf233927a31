"""A Telegram channel through the Bot API, in plain HTTP (:class:`connectors.http.PlainHttp`).

``POST https://api.telegram.org/bot<token>/<method>``: ``sendMessage`` (text ≤ 4,096),
``sendPhoto`` (a URL or a multipart upload, caption ≤ 1,024), ``sendMediaGroup`` (2–10
items, the caption on the first), ``getMe``, ``getChat`` —
https://core.telegram.org/bots/api. Answers ``{"ok":true,"result":…}``; errors
``{"ok":false,"error_code","description","parameters":{"retry_after"}}`` with the HTTP
status equal to ``error_code`` (401 bad token, 403 bot not in the channel, 429 flood wait
with ``retry_after`` seconds).

No read-back: a bot cannot list a channel's past messages (the Bot API has no such method;
``getUpdates`` only delivers updates addressed to the bot), so :meth:`find` returns None
and a Telegram delivery whose outcome is unknown has to be settled by a person.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

import requests

from connectors.base import (
    ChannelHealth,
    Connector,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.http import PlainHttp, excerpt, redact, status_error
from orchestrator.errors import (
    AuthExpired,
    ContentRejected,
    OutcomeUnknown,
    PermissionDenied,
    Unavailable,
)

PLATFORM = "telegram"
API_BASE = "https://api.telegram.org"


class TelegramConnector(Connector):
    """One bot posting to one channel."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_text=4096, max_media=10)
    max_caption: ClassVar[int] = 1024
    credential_keys: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset({"bot_token", "chat_id"}),
    )
    #: The Bot API cannot read a channel's history: an unknown outcome waits for an operator.
    supports_find: ClassVar[bool] = False

    def __post_init__(self) -> None:
        super().__post_init__()
        self.http = PlainHttp(platform=PLATFORM, api_base=self.api_base, timeout=self.timeout)
        self.chat_id = str(self.credentials["chat_id"])
        self._token = str(self.credentials["bot_token"])

    def validate(self, post: RenderedPost) -> list[Problem]:
        """Text ≤ 4,096 characters; with media, caption ≤ 1,024 and at most 10 items."""
        if post.media and len(post.text) > self.max_caption:
            return [Problem(PLATFORM, f"caption is {len(post.text)} characters, "
                                      f"limit {self.max_caption}")]
        if len(post.media) > self.limits.max_media:
            return [Problem(PLATFORM, f"{len(post.media)} media items, limit "
                                      f"{self.limits.max_media}")]
        return super().validate(post)

    # the wire ----------------------------------------------------------------------------
    def call(self, method: str, *, publishes: bool = False, files: dict | None = None,
             **params: Any) -> Any:
        """Call one Bot API method and return its ``result``."""
        url = f"{API_BASE}/bot{self._token}/{method}"
        if files:
            response = self.http.send("POST", url, data=params, files=files,
                                      sent_is_unknown=publishes)
        else:
            response = self.http.send("POST", url, json=params, sent_is_unknown=publishes)
        return self._result(response, publishes)

    def _result(self, response: requests.Response, publishes: bool) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 500:
                raise status_error(response, f"HTTP {response.status_code}",
                                   platform=PLATFORM)
            cls = OutcomeUnknown if publishes and response.ok else Unavailable
            raise cls("unreadable answer", platform=PLATFORM, status=response.status_code,
                      excerpt=excerpt(response))
        if body.get("ok") is True and "result" in body:
            return body["result"]
        description = str(body.get("description") or f"HTTP {response.status_code}")
        retry_after = (body.get("parameters") or {}).get("retry_after")
        if response.status_code == 404 and "not found" in description.lower():
            raise AuthExpired(f"bot token refused: {description}", platform=PLATFORM,
                              status=404, excerpt=excerpt(response))
        if response.status_code == 400 and "chat not found" in description.lower():
            raise PermissionDenied(description, platform=PLATFORM, status=400,
                                   excerpt=excerpt(response))
        if response.ok:
            raise OutcomeUnknown(f"ok=false on HTTP {response.status_code}: {description}",
                                 platform=PLATFORM, excerpt=excerpt(response))
        raise status_error(response, description, platform=PLATFORM,
                           retry_after=float(retry_after) if retry_after else None)

    # contract ----------------------------------------------------------------------------
    def _photo_param(self, item: MediaItem, name: str, files: dict) -> str:
        if item.url:
            return item.url
        files[name] = (item.filename, item.read(), item.mime)
        return f"attach://{name}"

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """sendMessage, sendPhoto or sendMediaGroup, by the number of media items."""
        problems = self.validate(post)
        if problems:
            raise ContentRejected(problems[0].message, platform=PLATFORM)
        if not post.media:
            message = self.call("sendMessage", publishes=True, chat_id=self.chat_id,
                                text=post.text)
        elif len(post.media) == 1:
            item = post.media[0]
            files: dict = {}
            photo = item.url or None
            if not photo:
                files["photo"] = (item.filename, item.read(), item.mime)
            params = {"chat_id": self.chat_id, "caption": post.text}
            if photo:
                params["photo"] = photo
            message = self.call("sendPhoto", publishes=True, files=files or None, **params)
        else:
            files = {}
            media = [{"type": "photo", "media": self._photo_param(m, f"file{i}", files)}
                     for i, m in enumerate(post.media)]
            media[0]["caption"] = post.text
            messages = self.call("sendMediaGroup", publishes=True, files=files or None,
                                 chat_id=self.chat_id, media=json.dumps(media))
            message = messages[0] if isinstance(messages, list) and messages else None
        try:
            message_id = str(message["message_id"])
        except (KeyError, TypeError):
            raise OutcomeUnknown("accepted without a message id", platform=PLATFORM) from None
        return Published(external_id=message_id, permalink=self.permalink(message_id))

    def permalink(self, message_id: str) -> str | None:
        """``t.me/<channel>/<id>`` for public channels; private ones have no public link."""
        if self.chat_id.startswith("@"):
            return f"https://t.me/{self.chat_id[1:]}/{message_id}"
        if self.chat_id.startswith("-100"):
            return f"https://t.me/c/{self.chat_id[4:]}/{message_id}"
        return None

    def find(self, post: RenderedPost, *, key: str, since: datetime) -> Published | None:
        """Always None: the Bot API cannot read a channel's history (see the module doc)."""
        return None

    def check(self) -> ChannelHealth:
        """getMe, then getChat; refused tokens or chats give ok=False, outages raise."""
        try:
            bot = self.call("getMe")
            chat = self.call("getChat", chat_id=self.chat_id)
        except (AuthExpired, PermissionDenied) as exc:
            return ChannelHealth(ok=False, detail=redact(exc.detail))
        name = chat.get("username") or chat.get("title") or self.chat_id
        return ChannelHealth(ok=True, account=f"@{name} via @{bot.get('username', 'bot')}")
