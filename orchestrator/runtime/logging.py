"""structlog setup: JSON lines (or a readable console), stdlib and Dramatiq lines included.

Every line passes :func:`redact` just before it is rendered (after a traceback is turned
into text): at any depth of nested mappings and lists it blanks the value of every key
that names a secret, and in every text it hides what looks like one (bearer and basic
credentials, bot tokens, credential-named query values, passwords in URLs), so a token
cannot reach a log even by mistake.
"""

from __future__ import annotations

import logging
import sys

import structlog
from dramatiq.middleware import Middleware

from connectors.http import redact as redact_text

SECRET_WORDS = ("token", "secret", "password", "passwd", "credential", "authorization",
                "consumer_key", "api_key", "apikey", "cookie", "session", "private_key",
                "signature")
SECRET_KEYS = frozenset({"auth", "key", "pass", "pwd"})
REDACTED = "[redacted]"
#: Nested deeper than this, a value is dropped rather than walked.
MAX_DEPTH = 20


def redact(_logger, _name, event: dict) -> dict:
    """Blank secrets in an event, at any depth; hide secret-looking text in every string."""
    return {k: _clean(k, v, 0) for k, v in event.items()}


def _secret_key(key: object) -> bool:
    name = str(key).lower()
    return name in SECRET_KEYS or any(word in name for word in SECRET_WORDS)


def _clean(key: object, value: object, depth: int) -> object:
    if _secret_key(key):
        return REDACTED
    return _value(value, depth)


def _value(value: object, depth: int) -> object:
    if depth > MAX_DEPTH:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _clean(k, v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_value(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes | bytearray):
        return REDACTED
    return redact_text(str(value))  # an object shows as its text: that text is checked


def configure(fmt: str | None = None, level: int = logging.INFO, stream=None) -> None:
    """Route structlog and stdlib logging to ``stream`` in one format."""
    stream = stream or sys.stderr
    if fmt is None:
        fmt = "console" if stream.isatty() else "json"
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (structlog.processors.JSONRenderer() if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=stream.isatty()))
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, redact, renderer],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("urllib3", "alembic", "requests_oauthlib", "oauthlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class LogContext(Middleware):
    """Binds the Dramatiq message id, actor and queue to every line logged while it runs."""

    def before_process_message(self, broker, message) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            message_id=message.message_id, actor=message.actor_name, queue=message.queue_name)

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message
