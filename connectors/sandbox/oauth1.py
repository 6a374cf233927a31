"""OAuth 1.0a HMAC-SHA1 signature checking (RFC 5849 §3.4), as X verifies it.

The signed URL is the one the client actually requested — for a rebased client, the
sandbox's own address — rebuilt from the ``Host`` header and the request path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl, quote, unquote

from connectors.sandbox.wire import Request

_PARAM = re.compile(r'([A-Za-z0-9_\-]+)="([^"]*)"')


def escape(value: str) -> str:
    """RFC 3986 percent-encoding as RFC 5849 §3.6 requires."""
    return quote(value, safe="~")


def parse_authorization(header: str) -> dict[str, str] | None:
    """The oauth_* parameters of an ``Authorization: OAuth …`` header."""
    if not header.lower().startswith("oauth "):
        return None
    return {unquote(k): unquote(v) for k, v in _PARAM.findall(header[6:])}


def base_uri(req: Request) -> str:
    """Scheme, lower-case authority without default port, and path (§3.4.1.2)."""
    host = req.headers.get("host", "").lower()
    if host.endswith(":80"):
        host = host[:-3]
    return f"http://{host}{req.path}"


def signature_base(req: Request, oauth: dict[str, str]) -> str:
    """The signature base string of ``req`` (§3.4.1)."""
    pairs = parse_qsl(req.query_string, keep_blank_values=True)
    if req.content_type == "application/x-www-form-urlencoded":
        pairs += parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True)
    pairs += [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((escape(k), escape(v)) for k, v in pairs))
    return "&".join((req.method.upper(), escape(base_uri(req)), escape(normalized)))


def sign(base: str, consumer_secret: str, token_secret: str) -> str:
    """HMAC-SHA1 signature (§3.4.2)."""
    key = f"{escape(consumer_secret)}&{escape(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def verify(req: Request, oauth: dict[str, str], consumer_secret: str, token_secret: str) -> bool:
    """Does the request carry a valid HMAC-SHA1 signature for these secrets?"""
    if oauth.get("oauth_signature_method", "HMAC-SHA1") != "HMAC-SHA1":
        return False
    expected = sign(signature_base(req, oauth), consumer_secret, token_secret)
    return hmac.compare_digest(expected, oauth.get("oauth_signature", ""))
