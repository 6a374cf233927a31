"""X media upload as the sandbox speaks it: v1.1 on ``/1.1/media/upload.json`` and v2.

v1.1 (``upload.twitter.com``, deprecated by X but still what tweepy's ``API`` uses):
simple multipart ``media`` (or base64 ``media_data``) → ``{"media_id","media_id_string",
"size","expires_after_secs","image"}``; chunked ``command=INIT`` (``total_bytes``,
``media_type``, ``media_category``) → 202, ``APPEND`` (``media_id``, ``segment_index``,
multipart ``media``) → 204, ``FINALIZE`` → the media, with ``processing_info``
(``pending``, ``check_after_secs``) for videos, and ``GET …?command=STATUS&media_id=``
→ ``succeeded``. ``POST /1.1/media/metadata/create.json`` stores alt text. Sources:
https://developer.x.com/en/docs/twitter-api/v1/media/upload-media/api-reference/post-media-upload-init
and …/post-media-upload-finalize.

v2: one-shot ``POST /2/media/upload`` (multipart ``media`` + ``media_category``; the
``command=`` form of the chunked steps is accepted on the same path),
``POST /2/media/upload/initialize`` (JSON), ``/{id}/append`` (multipart ``segment_index``,
``media``), ``/{id}/finalize``, ``GET /2/media/upload?command=STATUS&media_id=``; answers
``{"data":{"id","media_key","size","expires_after_secs",…}}``; alt text through
``POST /2/media/metadata`` (https://docs.x.com/x-api/media/create-media-metadata) —
https://docs.x.com/x-api/media/quickstart/media-upload-chunked and
https://github.com/xdevplatform/samples/pull/199 (the v2 sample's URLs).
"""

from __future__ import annotations

import base64
from typing import Any

from connectors.sandbox.state import SandboxState
from connectors.sandbox.wire import Request, Response

FIRST_MEDIA = 1_870_000_000_000_000_000
EXPIRES = 86_400
#: STATUS polls a video answers ``in_progress`` before ``succeeded``.
PROCESSING_POLLS = 1


def v1_error(status: int, code: int, message: str) -> Response:
    """X's v1.1 error body."""
    return Response.json(status, {"errors": [{"code": code, "message": message}]})


def v2_invalid(message: str, parameter: str, value: Any) -> Response:
    return Response.json(400, {
        "errors": [{"parameters": {parameter: [value]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    })


class MediaStore:
    """Uploads of one sandbox, shared by the v1.1 and v2 routes."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _new(self, user_id: str, media_type: str, total: int, category: str) -> dict:
        return self.state.new_object(
            "x-media", lambda n: str(FIRST_MEDIA + n), owner=user_id, media_type=media_type,
            total_bytes=total, category=category, chunks={}, state="init", polls=0, alt="")

    def _owned(self, user_id: str, media_id: str) -> dict | None:
        obj = self.state.get_object("x-media", str(media_id))
        return obj if obj is not None and obj["owner"] == user_id else None

    def usable(self, user_id: str, media_id: str) -> bool:
        """May ``user_id`` attach this media to a post now?"""
        obj = self._owned(user_id, media_id)
        return obj is not None and obj["state"] == "succeeded" and (
            self.state.now() < obj["created"] + EXPIRES)

    def describe(self, media_id: str) -> dict[str, Any]:
        obj = self.state.get_object("x-media", str(media_id)) or {}
        return {k: obj.get(k) for k in ("media_type", "total_bytes", "alt")}

    # the steps, platform-neutral --------------------------------------------------
    def simple(self, user_id: str, data: bytes, media_type: str, category: str) -> dict:
        obj = self._new(user_id, media_type, len(data), category)
        with self.state.locked():
            obj["chunks"][0] = len(data)
            obj["state"] = "succeeded"
        return obj

    def append(self, obj: dict, index: int, data: bytes) -> None:
        with self.state.locked():
            obj["chunks"][index] = len(data)

    def finalize(self, obj: dict) -> str | None:
        """Finish an upload; an error message when the bytes do not add up."""
        with self.state.locked():
            size = sum(obj["chunks"].values())
            if size != obj["total_bytes"]:
                return (f"File size mismatch: expected {obj['total_bytes']} bytes, "
                        f"received {size}.")
            video = obj["media_type"].startswith("video/") or "video" in obj["category"]
            obj["state"] = "pending" if video else "succeeded"
        return None

    def status(self, obj: dict) -> None:
        with self.state.locked():
            if obj["state"] in ("pending", "in_progress"):
                obj["polls"] += 1
                obj["state"] = "succeeded" if obj["polls"] > PROCESSING_POLLS else "in_progress"

    @staticmethod
    def processing(obj: dict) -> dict[str, Any] | None:
        if obj["state"] == "succeeded" and not obj["polls"]:
            return None
        info: dict[str, Any] = {"state": obj["state"]}
        if obj["state"] in ("pending", "in_progress"):
            info["check_after_secs"] = 1
            info["progress_percent"] = 0 if obj["state"] == "pending" else 50
        else:
            info["progress_percent"] = 100
        return info

    # v1.1 ------------------------------------------------------------------------
    def v1_body(self, obj: dict) -> dict[str, Any]:
        body: dict[str, Any] = {"media_id": int(obj["id"]), "media_id_string": obj["id"],
                                "expires_after_secs": EXPIRES}
        if obj["state"] != "init":
            body["size"] = obj["total_bytes"]
        if obj["media_type"].startswith("image/") and obj["state"] == "succeeded":
            body["image"] = {"image_type": obj["media_type"], "w": 1200, "h": 675}
        info = self.processing(obj)
        if info:
            body["processing_info"] = info
        return body

    def v1(self, req: Request, user_id: str) -> Response:
        """``/1.1/media/upload.json`` and ``/1.1/media/metadata/create.json``."""
        if req.path == "/1.1/media/metadata/create.json":
            body = req.json() or {}
            obj = self._owned(user_id, str(body.get("media_id", "")))
            if obj is None:
                return v1_error(400, 324, "Invalid media id.")
            obj["alt"] = str((body.get("alt_text") or {}).get("text", ""))[:1000]
            return Response(200)
        params, files = req.params(), req.files()
        command = params.get("command")
        if command is None and req.method == "POST":
            if "media" in files:
                data, media_type = files["media"].data, files["media"].content_type
            elif "media_data" in params:
                data, media_type = base64.b64decode(params["media_data"]), ""
            else:
                return v1_error(400, 38, "media parameter is missing.")
            obj = self.simple(user_id, data, sniff(data, media_type),
                              params.get("media_category", "tweet_image"))
            return Response.json(200, self.v1_body(obj))
        if command == "INIT":
            try:
                total = int(params["total_bytes"])
                media_type = params["media_type"]
            except (KeyError, ValueError):
                return v1_error(400, 38, "total_bytes or media_type parameter is missing.")
            obj = self._new(user_id, media_type, total, params.get("media_category", ""))
            return Response.json(202, self.v1_body(obj))
        obj = self._owned(user_id, params.get("media_id", ""))
        if obj is None:
            return v1_error(400, 324, "Invalid media id.")
        if command == "APPEND":
            part = files.get("media")
            if part is None:
                return v1_error(400, 38, "media parameter is missing.")
            self.append(obj, int(params.get("segment_index", 0)), part.data)
            return Response(204)
        if command == "FINALIZE":
            problem = self.finalize(obj)
            if problem:
                return v1_error(400, 324, problem)
            return Response.json(201, self.v1_body(obj))
        if command == "STATUS" and req.method == "GET":
            self.status(obj)
            return Response.json(200, self.v1_body(obj))
        return v1_error(400, 38, "command parameter is invalid.")

    # v2 --------------------------------------------------------------------------
    def v2_metadata(self, req: Request, user_id: str) -> Response:
        """``POST /2/media/metadata``: ``{"id", "metadata": {"alt_text": {"text"}}}``."""
        body = req.json() if isinstance(req.json(), dict) else {}
        media_id = str(body.get("id", ""))
        obj = self._owned(user_id, media_id)
        if obj is None:
            return v2_invalid(f"Invalid media id [{media_id}].", "id", media_id)
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
        if len(str(alt)) > 1000:
            return v2_invalid("alt_text.text must be at most 1000 characters", "alt_text", alt)
        with self.state.locked():
            obj["alt"] = str(alt)
        return Response.json(200, {"data": {"id": media_id, "associated_metadata": {
            "alt_text": {"text": obj["alt"]}}}})

    def v2_body(self, obj: dict) -> dict[str, Any]:
        data: dict[str, Any] = {"id": obj["id"], "media_key": f"3_{obj['id']}",
                                "expires_after_secs": EXPIRES}
        if obj["state"] != "init":
            data["size"] = obj["total_bytes"]
        info = self.processing(obj)
        if info:
            data["processing_info"] = info
        return {"data": data}

    def v2(self, req: Request, user_id: str, rest: str) -> Response:
        """``/2/media/upload`` and its sub-paths; ``rest`` is what follows ``upload``."""
        params, files = req.params(), req.files()
        parts = [p for p in rest.split("/") if p]
        command = params.get("command")
        if parts == ["initialize"] or command == "INIT":
            body = req.json() if req.content_type == "application/json" else params
            try:
                total = int(body["total_bytes"])
                media_type = str(body["media_type"])
            except (KeyError, TypeError, ValueError):
                return v2_invalid("total_bytes and media_type are required", "total_bytes",
                                  None)
            obj = self._new(user_id, media_type, total, str(body.get("media_category", "")))
            return Response.json(200, self.v2_body(obj))
        if not parts and command is None and req.method == "POST":
            part = files.get("media")
            if part is None:
                return v2_invalid("$.media: is missing but it is required", "media", None)
            obj = self.simple(user_id, part.data, sniff(part.data, part.content_type),
                              params.get("media_category", "tweet_image"))
            return Response.json(200, self.v2_body(obj))
        media_id = parts[0] if parts else params.get("media_id", "")
        obj = self._owned(user_id, media_id)
        if obj is None:
            return v2_invalid(f"Invalid media id [{media_id}].", "media_id", media_id)
        step = parts[1] if len(parts) > 1 else (command or "").lower()
        if step == "append":
            part = files.get("media")
            if part is None:
                return v2_invalid("$.media: is missing but it is required", "media", None)
            self.append(obj, int(params.get("segment_index", 0)), part.data)
            return Response.json(200, {"data": {
                "expires_at": int(obj["created"] + EXPIRES)}})
        if step == "finalize":
            problem = self.finalize(obj)
            if problem:
                return v2_invalid(problem, "media_id", media_id)
            return Response.json(200, self.v2_body(obj))
        if step == "status" and req.method == "GET":
            self.status(obj)
            return Response.json(200, self.v2_body(obj))
        return v2_invalid("command parameter is invalid.", "command", command)


def sniff(data: bytes, declared: str) -> str:
    """The media type of an upload, from its magic bytes when not declared."""
    if declared and declared != "application/octet-stream":
        return declared
    for magic, kind in ((b"\x89PNG", "image/png"), (b"\xff\xd8", "image/jpeg"),
                        (b"GIF8", "image/gif"), (b"RIFF", "image/webp")):
        if data.startswith(magic):
            return kind
    return "image/jpeg"
