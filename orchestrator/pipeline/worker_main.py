"""Entry module of Dramatiq worker processes: JSON logs, metrics, then the actors.

The process opens its context at once: without the database's schema or its secret key
(or with another key) it exits before it takes any message."""

from orchestrator.runtime import config, metrics
from orchestrator.runtime.logging import configure

_settings = config.load()
configure(_settings.log_format or "json")
metrics.start(_settings)

from orchestrator.pipeline import actors  # noqa: E402 - registers the actors and the broker

actors.context()
