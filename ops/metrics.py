"""``/metrics``: every process's counters and histograms, and gauges read at scrape time.

The counters and histograms (deliveries, attempts, lateness, request and tick durations)
are written by the worker and scheduler processes into the metrics directory
(:mod:`orchestrator.runtime.metrics`); one scrape sums every process's files with
prometheus-client's ``MultiProcessCollector``. The gauges are read when scraped, by
:class:`StateCollector`: readiness and each check, queue depth and oldest message's age,
the outbox backlog, deliveries in each open state, channel states and held deliveries, the
scheduler's last pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from ops import health
from orchestrator.channels.views import list_channels
from orchestrator.domain.states import OPEN_DELIVERY, ChannelState, DeliveryStatus
from orchestrator.runtime.context import Context
from orchestrator.store import health as rows

#: The states ``siaran_deliveries`` counts (closed ones grow for ever: workers count them).
OPEN_STATES = tuple(s.value for s in DeliveryStatus if s in OPEN_DELIVERY)


class StateCollector:
    """Gauges read from the database and Redis on every scrape."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily as Gauge

        ctx = self.ctx
        found = health.readiness(ctx)
        yield Gauge("siaran_ready", "1 when every readiness check passes (as /readyz)",
                    value=int(found.ready))
        checks = Gauge("siaran_check_ok", "1 when this readiness check passes", labels=["check"])
        for check in found.checks:
            checks.add_metric([check.name], int(check.ok))
        yield checks
        depth = Gauge("siaran_queue_messages", "Messages waiting in a queue", labels=["queue"])
        age = Gauge("siaran_queue_oldest_message_age_seconds",
                    "How long the oldest waiting message of a queue has waited (0: none)",
                    labels=["queue"])
        for queue in found.queues:
            depth.add_metric([queue.queue], queue.depth)
            age.add_metric([queue.queue], queue.oldest_age or 0.0)
        yield depth
        yield age
        if found.scheduler_age is not None:
            yield Gauge("siaran_scheduler_last_tick_timestamp_seconds",
                        "Unix time of the scheduler's last completed pass (its heartbeat)",
                        value=ctx.now().timestamp() - found.scheduler_age)
        if found.check("database").ok:
            yield from self._database()

    def _database(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily as Gauge

        ctx = self.ctx
        now = ctx.now()
        with ctx.db.read() as conn:
            counts = rows.deliveries_by_status(conn, OPEN_STATES)
            backlog, oldest = rows.outbox_backlog(conn)
            held = rows.held_by_channel(conn)
        channels = list_channels(ctx)
        states = Gauge("siaran_deliveries", "Deliveries in each open state", labels=["status"])
        for status, n in counts.items():
            states.add_metric([status], n)
        yield states
        yield Gauge("siaran_outbox_backlog", "Outbox rows written but not yet sent as messages",
                    value=backlog)
        yield Gauge("siaran_outbox_oldest_age_seconds",
                    "Age of the oldest outbox row (0: none)",
                    value=0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
        by_state = Gauge("siaran_channels", "Channels in each state", labels=["state"])
        for state in ChannelState:
            by_state.add_metric([state.value], sum(c.state is state for c in channels))
        yield by_state
        each = Gauge("siaran_channel_state", "1 for a channel's current state, 0 for the others",
                     labels=["channel", "platform", "state"])
        holding = Gauge("siaran_channel_held_deliveries", "Held deliveries of a channel",
                        labels=["channel", "platform"])
        for c in channels:
            for state in ChannelState:
                each.add_metric([c.name, c.platform, state.value], int(c.state is state))
            holding.add_metric([c.name, c.platform], held.get(c.id, 0))
        yield each
        yield holding


def exposition(ctx: Context) -> tuple[bytes, str]:
    """The text a scrape receives, and its content type."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.exposition import CONTENT_TYPE_LATEST
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry(auto_describe=False)
    directory = ctx.settings.metrics_dir
    if directory.is_dir():
        MultiProcessCollector(registry, path=str(directory))
    registry.register(StateCollector(ctx))
    return generate_latest(registry), CONTENT_TYPE_LATEST
