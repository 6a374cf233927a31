"""Entry module of Dramatiq worker processes: JSON logs, then the actors.

The process opens its context at once: without the database's schema or its secret key
(or with another key) it exits before it takes any message."""

from orchestrator.runtime import config
from orchestrator.runtime.logging import configure

configure(config.load().log_format or "json")

from orchestrator.pipeline import actors  # noqa: E402 - registers the actors and the broker

actors.context()
