"""Entry module of Dramatiq worker processes: JSON logs, then the actors."""

from orchestrator import config
from orchestrator.logging import configure

configure(config.load().log_format or "json")

from orchestrator import actors  # noqa: E402,F401 - registers the actors and the broker
