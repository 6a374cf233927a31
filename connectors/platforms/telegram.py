"""A Telegram channel through the Bot API, in plain HTTP (:class:`connectors.http.PlainHttp`).

``POST https://api.telegram.org/bot<token>/<method>``: ``sendMessage`` (text 1–4,096
characters after entity parsing), ``sendPhoto`` (a file_id, a URL or a multipart upload;
at most 10 MB; caption ≤ 1,024), ``sendVideo`` (uploads up to 50 MB), ``sendMediaGroup``
(2–10 photos and videos, files as ``attach://<name>``, the caption on the first),
``getMe``, ``getChat``; ``chat_id`` may be ``@channelname`` —
https://core.telegram.org/bots/api. Telegram measures text in UTF-16 code units (entity
offsets and lengths are UTF-16 — https://core.telegram.org/api/entities), so an emoji
outside the BMP counts 2. A sent photo or video comes back with a ``file_id`` the bot can
send again without uploading; it is remembered in ``post.uploads``.

Answers ``{"ok":true,"result":…}``; errors
``{"ok":false,"error_code","description","parameters":{"retry_after"}}`` with the HTTP
status equal to ``error_code`` (401 bad token, 403 bot not in the channel, 429 flood wait
with ``retry_after`` seconds).

No read-back: a bot cannot list a channel's past messages (the Bot API has no such method;
``getUpdates`` only delivers updates addressed to the bot), so :meth:`find` returns None
and a Telegram delivery whose outcome is unknown has to be settled by a person.

No engagement either: the Bot API has no method that reads a channel post's view count
(views are shown to people in the apps and are readable through the user-account MTProto
API, not by a bot), so :meth:`metrics` keeps the contract's default — every number None,
shown "n/a", never 0. The audience is ``getChatMemberCount`` (the channel's subscribers) —
https://core.telegram.org/bots/api#getchatmembercount.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar

import requests

from connectors.base import (
    MB,
    PERMANENT,
    Connector,
    Counter,
    MediaItem,
    PlatformLimits,
    Problem,
    Published,
    RenderedPost,
)
from connectors.engagement import count
from connectors.errors import (
    AuthExpired,
    OutcomeUnknown,
    PermissionDenied,
    Unavailable,
)
from connectors.http import PlainHttp, excerpt, json_or_none, status_error
from connectors.wording import Said

PLATFORM = "telegram"
API_BASE = "https://api.telegram.org"


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts text (an emoji outside the BMP is 2)."""
    return len(text.encode("utf-16-le")) // 2


def file_id_of(message: dict) -> str | None:
    """The file_id of a sent message's photo (its largest size) or video."""
    if message.get("photo"):
        return str(message["photo"][-1]["file_id"])
    if message.get("video"):
        return str(message["video"]["file_id"])
    return None


class TelegramConnector(Connector):
    """One bot posting to one channel."""

    platform: ClassVar[str] = PLATFORM
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_text=4096, max_media=10,
        image_types=frozenset({"image/jpeg", "image/png", "image/webp"}),
        max_image_bytes=10 * MB, video_types=frozenset({"video/mp4"}),
        max_video_bytes=50 * MB)
    max_caption: ClassVar[int] = 1024
    #: A file_id stays valid for the bot that received it.
    media_id_ttl: ClassVar[float] = PERMANENT
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

    def text_length(self, text: str) -> int:
        return utf16_length(text)

    def counters(self, post: RenderedPost) -> list[Counter]:
        """The text in UTF-16 code units: a caption (≤ 1,024) when media go with it."""
        media = Counter("media", len(post.media), self.limits.max_media)
        if post.media:
            return [Counter("caption", utf16_length(post.text), self.max_caption), media]
        return [Counter("text", utf16_length(post.text), self.limits.max_text), media]

    def text_problems(self, post: RenderedPost) -> list[Problem]:
        """Text ≤ 4,096 UTF-16 code units; with media, the caption ≤ 1,024."""
        if not post.media:
            return super().text_problems(post)
        length = utf16_length(post.text)
        if length > self.max_caption:
            return [Problem(PLATFORM, Said("caption is {length} characters, limit {limit}",
                                           length=length, limit=self.max_caption))]
        return []

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
        body = json_or_none(response)
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
    def _input(self, post: RenderedPost, item: MediaItem, name: str, files: dict) -> str:
        """A media parameter: a file_id sent before, the URL, or an attached upload."""
        known = self.uploaded(post, item)
        if known or item.url:
            return known or str(item.url)
        files[name] = (item.filename, item.read(), item.mime)
        return f"attach://{name}"

    def _send(self, post: RenderedPost) -> list[dict]:
        """The sent messages: sendMessage, sendPhoto, sendVideo or sendMediaGroup."""
        files: dict = {}
        if not post.media:
            return [self.call("sendMessage", publishes=True, chat_id=self.chat_id,
                              text=post.text)]
        if len(post.media) == 1:
            item = post.media[0]
            kind = "video" if item.is_video else "photo"
            value = self._input(post, item, kind, files)
            params = {"chat_id": self.chat_id, "caption": post.text}
            if not value.startswith("attach://"):
                params[kind] = value  # uploads travel as the multipart field itself
            return [self.call(f"send{kind.title()}", publishes=True, files=files or None,
                              **params)]
        media = [{"type": "video" if m.is_video else "photo",
                  "media": self._input(post, m, f"file{i}", files)}
                 for i, m in enumerate(post.media)]
        media[0]["caption"] = post.text
        sent = self.call("sendMediaGroup", publishes=True, files=files or None,
                         chat_id=self.chat_id, media=json.dumps(media))
        return sent if isinstance(sent, list) else []

    def publish(self, post: RenderedPost, *, key: str) -> Published:
        """Send the post; remember the file_id of every medium for a later attempt."""
        self.refuse_invalid(post)
        messages = self._send(post)
        for item, message in zip(post.media, messages, strict=False):
            self.remember(post, item, file_id_of(message) if isinstance(message, dict) else None)
        try:
            message_id = str(messages[0]["message_id"])
        except (IndexError, KeyError, TypeError):
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

    def audience(self) -> int | None:
        """getChatMemberCount: the channel's subscribers."""
        return count(self.call("getChatMemberCount", chat_id=self.chat_id))

    def whoami(self) -> str:
        """getMe, then getChat: ``@channel via @bot``."""
        bot = self.call("getMe")
        chat = self.call("getChat", chat_id=self.chat_id)
        name = chat.get("username") or chat.get("title") or self.chat_id
        return f"@{name} via @{bot.get('username', 'bot')}"
