"""Sending one alert message to one target: a signed webhook, a Telegram bot message, an
e-mail over SMTP. Every error is described without the secret (a bot token travels in
the request's path, so no library's message about the URL is ever passed on)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ops.alerts import signing

TELEGRAM_API = "https://api.telegram.org"
#: Telegram's limit for one message, in characters (UTF-16 units; kept well below).
TELEGRAM_MAX = 4000


@dataclass(frozen=True)
class Alert:
    """What one message says: a title, a text, and the JSON a webhook receives."""

    event: str
    title: str
    text: str
    payload: dict


class SendError(Exception):
    """The message did not get through; the text is safe to record."""


def recipient(kind: str, settings: dict) -> str:
    """Where a target's messages go, in words that carry no secret."""
    if kind == "webhook":
        parts = urlsplit(settings["url"])
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    if kind == "telegram":
        return f"telegram chat {settings['chat_id']}"
    return ", ".join(settings["to"])


def send(kind: str, settings: dict, secret: str, alert: Alert, timeout: float) -> None:
    """Send ``alert``; raise :class:`SendError` when it did not get through."""
    try:
        {"webhook": _webhook, "telegram": _telegram, "email": _email}[kind](
            settings, secret, alert, timeout)
    except SendError as error:
        raise SendError(_scrub(str(error), secret)) from None
    except Exception as error:  # noqa: BLE001 - every failure becomes a recorded outcome
        raise SendError(_scrub(_described(error), secret)) from None


def _described(error: Exception) -> str:
    import smtplib

    import requests

    if isinstance(error, requests.Timeout):
        return "no answer within the timeout"
    if isinstance(error, requests.ConnectionError):
        return "could not connect"
    if isinstance(error, requests.RequestException):
        return f"request failed ({type(error).__name__})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}: {error.smtp_error.decode(errors='replace')[:200]}"
    if isinstance(error, (TimeoutError, OSError)):
        return f"{type(error).__name__}: {error.strerror or 'network error'}"
    return type(error).__name__


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _webhook(settings: dict, secret: str, alert: Alert, timeout: float) -> None:
    import requests

    body = json.dumps(alert.payload, sort_keys=True, default=str).encode()
    answer = requests.post(settings["url"], data=body, timeout=(timeout, timeout),
                           headers=signing.headers(secret, body, time.time(), alert.event),
                           allow_redirects=False)
    if not 200 <= answer.status_code < 300:
        raise SendError(f"the webhook answered HTTP {answer.status_code}")


def _telegram(settings: dict, secret: str, alert: Alert, timeout: float) -> None:
    import requests

    base = settings.get("api_base") or TELEGRAM_API
    text = f"{alert.title}\n\n{alert.text}"
    if len(text) > TELEGRAM_MAX:
        text = text[:TELEGRAM_MAX - 1] + "…"
    answer = requests.post(f"{base}/bot{secret}/sendMessage", timeout=(timeout, timeout),
                           json={"chat_id": settings["chat_id"], "text": text,
                                 "disable_web_page_preview": True}, allow_redirects=False)
    try:
        found = answer.json()
    except ValueError:
        found = {}
    if answer.status_code != 200 or not found.get("ok"):
        description = str(found.get("description") or "no description")[:200]
        raise SendError(f"Telegram answered HTTP {answer.status_code}: {description}")


def _email(settings: dict, secret: str, alert: Alert, timeout: float) -> None:
    import smtplib
    import ssl
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = alert.title
    message["From"] = settings["from"]
    message["To"] = ", ".join(settings["to"])
    message.set_content(alert.text)
    with smtplib.SMTP(settings["host"], settings["port"], timeout=timeout) as smtp:
        smtp.ehlo()
        if settings.get("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.get("username"):
            smtp.login(settings["username"], secret)
        smtp.send_message(message)
