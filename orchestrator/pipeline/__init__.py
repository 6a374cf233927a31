"""What happens to a delivery, from the outbox to the platform and back.

* :mod:`~orchestrator.pipeline.outbox` relays outbox rows as messages after their commit,
  through :mod:`~orchestrator.pipeline.transport` on the broker of
  :mod:`~orchestrator.pipeline.broker` (queue names from :mod:`~orchestrator.pipeline.queues`).
* :mod:`~orchestrator.pipeline.actors` — every Dramatiq actor; each calls
  :func:`orchestrator.pipeline.delivery.deliver`: claim, ask the
  :mod:`~orchestrator.pipeline.guards`, publish through a connector from
  :mod:`~orchestrator.pipeline.connections` with content from
  :mod:`~orchestrator.pipeline.rendering`, record, and :mod:`~orchestrator.pipeline.rollup`.
* :mod:`~orchestrator.pipeline.sweeper` finds stale claims and lost messages, and hands
  unknown outcomes to :mod:`~orchestrator.pipeline.reconcile`.
* :mod:`~orchestrator.pipeline.worker_main` is what ``siaran worker`` runs.

What happens after an error is decided by :mod:`connectors.retry`, never here.
"""

__all__ = ["actors", "broker", "connections", "delivery", "guards", "outbox", "queues",
           "reconcile", "rendering", "rollup", "sweeper", "transport", "worker_main"]
