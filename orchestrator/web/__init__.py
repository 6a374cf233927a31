"""The HTTP app: the JSON API under ``/api/v1`` (FastAPI, OpenAPI 3.1 from the code), served
by uvicorn; the top layer beside the CLI, calling only the service layer.

* :mod:`~orchestrator.web.app` — the app factory: routers, middleware, error handlers.
* :mod:`~orchestrator.web.auth` — bearer tokens, the per-request context, sign-in throttling.
* :mod:`~orchestrator.web.problems` — every error as RFC 9457 problem+json.
* one router module per resource: posts, calendar, deliveries, channels, media, accounts,
  audit; their shapes in :mod:`~orchestrator.web.schemas`.
"""
