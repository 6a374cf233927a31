"""The service layer for channels: add, update credentials and limits, pause, resume, check.

The CLI and the HTTP API manage channels only through :mod:`orchestrator.channels.admin`.
"""

__all__ = ["admin"]
