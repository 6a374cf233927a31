"""Entry module of Dramatiq worker processes: JSON logs, then the actors."""

from orchestrator.runtime import config
from orchestrator.runtime.logging import configure

configure(config.load().log_format or "json")

from orchestrator.pipeline import actors  # noqa: E402,F401 - registers the actors and the broker
