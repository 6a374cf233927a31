"""The service layer for posts, called alike by the CLI, the HTTP API and the console.

* :mod:`~orchestrator.editorial.workflow` — create, submit, approve (four eyes, bound to
  the content hash), reject, cancel.
* :mod:`~orchestrator.editorial.publishing` — start publishing, publish now, retry
  (reconcile first) and resolve deliveries.
* :mod:`~orchestrator.editorial.validation` — every platform rule a post breaks.
* :mod:`~orchestrator.editorial.views` — posts, deliveries and channels as JSON-ready dicts.
"""

__all__ = ["publishing", "validation", "views", "workflow"]
