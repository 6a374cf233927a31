"""The sandbox's request and response values, independent of the HTTP server, and the
ISO 8601 times the platforms' parameters carry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl


def iso_time(value: str) -> float | None:
    """An ISO 8601 time (``Z`` or an offset; none means UTC) as epoch seconds; None if invalid."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class Part:
    """One part of a ``multipart/form-data`` body."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str = ""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def parse_multipart(content_type_header: str, body: bytes) -> list[Part]:
    """Split a multipart body into its parts (empty when it is not multipart)."""
    if not content_type_header.lower().startswith("multipart/"):
        return []
    head = f"Content-Type: {content_type_header}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message: Message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts = []
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True) or b""
        parts.append(Part(str(name), payload,
                          part.get_param("filename", header="content-disposition"),
                          part.get_content_type() if part.get("content-type") else ""))
    return parts


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    query_string: str = ""
    #: An injected fault the platform applies itself (e.g. a container that never finishes).
    fault: Any = None
    _parts: list[Part] | None = field(default=None, repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """Form fields of an urlencoded body (empty for other bodies)."""
        if self.content_type != "application/x-www-form-urlencoded":
            return {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def parts(self) -> list[Part]:
        """Parts of a multipart body (parsed once)."""
        if self._parts is None:
            self._parts = parse_multipart(self.headers.get("content-type", ""), self.body)
        return self._parts

    def files(self) -> dict[str, Part]:
        """Multipart parts that carry a file, by field name."""
        return {p.name: p for p in self.parts() if p.filename is not None}

    def params(self) -> dict[str, str]:
        """Query, form and JSON-object fields and multipart text fields (body wins)."""
        fields = dict(self.query)
        if self.content_type == "application/x-www-form-urlencoded":
            fields.update(self.form())
        elif self.content_type == "application/json":
            body = self.json()
            if isinstance(body, dict):
                fields.update({k: v if isinstance(v, str) else json.dumps(v)
                               for k, v in body.items()})
        elif self.content_type.startswith("multipart/"):
            fields.update({p.name: p.text for p in self.parts() if p.filename is None})
        return fields

    @property
    def base_url(self) -> str:
        """The URL prefix the client used to reach the sandbox."""
        return f"http://{self.headers.get('host', 'localhost')}"


@dataclass
class Response:
    """An answer, plus what to do after storing: hang for some seconds or drop."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0
    drop: bool = False
    account: str | None = None

    @classmethod
    def json(
        cls, status: int, payload: Any, headers: dict[str, str] | None = None,
        content_type: str = "application/json; charset=utf-8",
    ) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, {"content-type": content_type, **(headers or {})})

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain") -> Response:
        return cls(status, text.encode(), {"content-type": f"{content_type}; charset=utf-8"})
