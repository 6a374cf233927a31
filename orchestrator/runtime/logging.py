"""structlog setup: JSON lines (or a readable console), stdlib and Dramatiq lines included.

Every line passes :func:`redact`, which blanks any key that could hold a credential, so a
token cannot reach a log even by mistake.
"""

from __future__ import annotations

import logging
import sys

import structlog
from dramatiq.middleware import Middleware

SECRET_WORDS = ("token", "secret", "password", "credential", "authorization", "consumer_key")


def redact(_logger, _name, event: dict) -> dict:
    """Blank the value of every key that names a secret."""
    for key in event:
        if any(word in key.lower() for word in SECRET_WORDS):
            event[key] = "[redacted]"
    return event


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
        redact,
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
                    structlog.processors.format_exc_info, renderer],
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
