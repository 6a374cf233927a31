"""The alerts' Prometheus counter."""

from __future__ import annotations

from prometheus_client import Counter

SENT = Counter("siaran_alerts_sent_total",
               "Alert messages sent, by target kind, event and outcome "
               "(sent, retry, failed)", ["target", "event", "outcome"])


def count(kind: str, event: str, outcome: str) -> None:
    SENT.labels(target=kind, event=event, outcome=outcome).inc()
