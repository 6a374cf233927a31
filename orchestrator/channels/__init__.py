"""The service layer for channels: add, update credentials and limits, pause, resume, check.

The CLI and the HTTP API manage channels only through :mod:`orchestrator.channels.admin`,
and show them with :mod:`orchestrator.channels.views` (which lists them without loading the
platform connectors or the write path).
"""

__all__ = ["admin", "views"]
