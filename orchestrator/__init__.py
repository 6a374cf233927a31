"""Siaran's core, one subpackage per concern; imports point down this list only.

* :mod:`orchestrator.cli` — the ``siaran`` command (the top layer).
* :mod:`orchestrator.editorial` — the service layer for posts: write, review, publish now,
  retry, views. The CLI and the HTTP API call these functions and nothing below them.
* :mod:`orchestrator.channels` — the service layer for channels: add, update, pause,
  resume, check.
* :mod:`orchestrator.pipeline` — what happens to a delivery: outbox, transport, actors,
  claim and publish, guards, roll-up, sweeper, reconciliation.
* :mod:`orchestrator.access` — who may do what (roles, four eyes) and the audit trail.
* :mod:`orchestrator.runtime` — settings, the process context, logging, secrets, Redis.
* :mod:`orchestrator.media` — the content-addressed media files and their HTTP server.
* :mod:`orchestrator.store` — every SQL statement, the tables and their migrations.
* :mod:`orchestrator.domain` — plain records and state machines; no infrastructure.

The calendar (:mod:`schedules`) sits above the service layer, operations (:mod:`ops`)
above the calendar; the platform connectors (:mod:`connectors`) below everything.
"""

__all__ = ["access", "channels", "cli", "domain", "editorial", "media", "pipeline", "runtime",
           "store"]
