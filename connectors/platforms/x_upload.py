"""X media upload on top of tweepy's authenticated session (tweepy's ``Client`` has none).

v2, the default — https://docs.x.com/x-api/media/quickstart/media-upload-chunked and the
v2 sample's URLs (https://github.com/xdevplatform/samples/pull/199):

- images: one-shot ``POST /2/media/upload`` (multipart ``media``, ``media_category``)
  → ``{"data":{"id","media_key","expires_after_secs",…}}``;
- videos: ``POST /2/media/upload/initialize`` (JSON ``media_type``, ``total_bytes``,
  ``media_category``), ``POST /2/media/upload/{id}/append`` (multipart ``segment_index``,
  ``media``) per chunk, ``POST /2/media/upload/{id}/finalize``; when the answer carries
  ``processing_info``, poll ``GET /2/media/upload?command=STATUS&media_id=`` after
  ``check_after_secs`` until ``succeeded`` (``failed`` → refused);
- alt text: ``POST /2/media/metadata`` ``{"id", "metadata": {"alt_text": {"text"}}}``
  (≤ 1,000 characters) — https://docs.x.com/x-api/media/create-media-metadata.

v1.1 (deprecated by X, kept for channels configured with ``media_upload=v1.1``): tweepy's
own ``API.media_upload`` (simple, or chunked INIT/APPEND/FINALIZE/STATUS for videos) and
``create_media_metadata``; OAuth 1.0a only.

Requests are signed exactly as tweepy's ``Client.request`` signs them (OAuth 1.0a through
``OAuth1UserHandler.apply_auth()``, else the OAuth 2.0 user token as a Bearer header) and
go through the connector's rebasing session. Sizes: images ≤ 5 MB, GIFs ≤ 15 MB, videos
≤ 512 MB — https://docs.x.com/x-api/media. An upload creates nothing visible, so its
failures are retryable or permanent, never unknown.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import requests
import tweepy

from connectors.base import MB, MediaItem
from connectors.errors import ContentRejected, Unavailable
from connectors.http import RebasingSession

HOST = "https://api.twitter.com"
ALT_TEXT_MAX = 1000
_HTTP_ERRORS = {400: tweepy.BadRequest, 401: tweepy.Unauthorized, 403: tweepy.Forbidden,
                404: tweepy.NotFound, 429: tweepy.TooManyRequests}


def raise_for_status(response: requests.Response) -> None:
    """Raise the tweepy exception tweepy's own client raises for this status."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status >= 500:
        raise tweepy.TwitterServerError(response)
    raise _HTTP_ERRORS.get(status, tweepy.HTTPException)(response)


class MediaUploader:
    """Uploads one file and returns its media id (v2, or v1.1 through tweepy's ``API``)."""

    #: Bytes per APPEND (X accepts up to 5 MB per segment).
    chunk_size: int = 4 * MB
    #: Longest sleep between STATUS polls, and the most to wait for processing in total.
    poll_cap: float = 5.0
    processing_timeout: float = 300.0

    def __init__(self, client: tweepy.Client, session: RebasingSession, *, user_auth: bool,
                 api: tweepy.API | None = None) -> None:
        self.client = client
        self.session = session
        self.user_auth = user_auth
        self.api = api  # set: upload through v1.1

    def __repr__(self) -> str:
        return f"MediaUploader(v{'1.1' if self.api else '2'})"

    def upload(self, item: MediaItem) -> str:
        """Upload ``item`` (a local file) with its alt text; the media id."""
        if self.api is not None:
            return self._v1(item)
        if item.is_video:
            media_id = self._chunked(item)
        else:
            answer = self._send("POST", "/2/media/upload", data={
                "media_category": "tweet_gif" if item.mime == "image/gif" else "tweet_image"},
                files={"media": (item.filename, item.read(), item.mime)})
            media_id = str(answer["data"]["id"])
        if item.is_image and item.alt_text:
            self._send("POST", "/2/media/metadata", json={
                "id": media_id, "metadata": {"alt_text": {"text": item.alt_text[:ALT_TEXT_MAX]}}})
        return media_id

    # v2 --------------------------------------------------------------------------------
    def _chunked(self, item: MediaItem) -> str:
        data = item.read()
        init = self._send("POST", "/2/media/upload/initialize", json={
            "media_type": item.mime, "total_bytes": len(data), "media_category": "tweet_video"})
        media_id = str(init["data"]["id"])
        for index, start in enumerate(range(0, len(data), self.chunk_size)):
            self._send("POST", f"/2/media/upload/{media_id}/append",
                       data={"segment_index": str(index)},
                       files={"media": ("chunk", data[start:start + self.chunk_size],
                                        "application/octet-stream")})
        final = self._send("POST", f"/2/media/upload/{media_id}/finalize")
        self._await_processing(media_id, final["data"].get("processing_info"))
        return media_id

    def _await_processing(self, media_id: str, info: dict | None) -> None:
        deadline = time.monotonic() + self.processing_timeout
        while info and info.get("state") not in (None, "succeeded"):
            if info.get("state") == "failed":
                error = info.get("error") or {}
                raise ContentRejected(f"X could not process the video: "
                                      f"{error.get('message') or error.get('name') or 'failed'}",
                                      platform="x")
            wait = min(float(info.get("check_after_secs") or 1), self.poll_cap)
            if time.monotonic() + wait > deadline:
                raise Unavailable(f"video still {info.get('state')} after "
                                  f"{self.processing_timeout:.0f}s", platform="x")
            time.sleep(wait)
            status = self._send("GET", "/2/media/upload",
                                params={"command": "STATUS", "media_id": media_id})
            info = status["data"].get("processing_info")

    def _send(self, method: str, route: str, **kwargs: Any) -> dict:
        """One request signed like tweepy's ``Client.request``; tweepy's errors on failure."""
        headers = {"User-Agent": self.client.user_agent}
        auth = None
        if self.user_auth:
            auth = tweepy.OAuth1UserHandler(
                self.client.consumer_key, self.client.consumer_secret,
                self.client.access_token, self.client.access_token_secret).apply_auth()
        else:
            headers["Authorization"] = f"Bearer {self.client.bearer_token}"
        response = self.session.request(method, HOST + route, headers=headers, auth=auth,
                                        **kwargs)
        raise_for_status(response)
        return response.json() if response.content else {}

    # v1.1 ------------------------------------------------------------------------------
    def _v1(self, item: MediaItem) -> str:
        assert self.api is not None
        with open(item.path or "", "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # tweepy's imghdr
            media = self.api.media_upload(item.filename, file=handle, chunked=item.is_video,
                                          media_category="tweet_video" if item.is_video
                                          else None)
        if item.is_image and item.alt_text:
            self.api.create_media_metadata(media.media_id, item.alt_text[:ALT_TEXT_MAX])
        return str(media.media_id)
