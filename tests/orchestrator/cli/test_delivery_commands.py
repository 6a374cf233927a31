"""``siaran deliveries retry``: a waiting delivery is queued and its message sent at once."""

from __future__ import annotations

import json

from orchestrator.cli.main import main
from orchestrator.domain.states import DeliveryStatus as D
from orchestrator.pipeline.broker import make_broker
from orchestrator.pipeline.delivery import deliver
from orchestrator.pipeline.queues import queue_for
from orchestrator.pipeline.transport import Transport
from orchestrator.store import audit
from orchestrator.store import deliveries as rows
from tests.fixtures.deliveries import outbox_of


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()  # what the fixtures printed
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_retry_queues_a_waiting_delivery_and_sends_its_message_now(
        ctx, capsys, redis_url, siaran_env, waiting_delivery):
    delivery_id = waiting_delivery.delivery_id
    code, out, err = run(capsys, "deliveries", "retry", str(delivery_id), "--json")
    assert code == 0, err
    assert json.loads(out) == {"id": delivery_id, "status": "queued",
                               "outcome": "queued"}
    with ctx.db.read() as conn:
        delivery = rows.get(conn, delivery_id)
        events = audit.events(conn, "delivery", delivery_id)
    assert delivery.status is D.QUEUED and delivery.next_attempt_at is None
    assert [(e["action"], e["detail"]) for e in events] == [("retry", {"previous": "retry_wait"})]
    assert outbox_of(ctx, delivery_id) == []  # relayed by the command itself
    transport = Transport(make_broker(redis_url, siaran_env["SIARAN_REDIS_NAMESPACE"]))
    try:
        assert transport.alive([(queue_for("x"), delivery.transport_id)]) == [True]
    finally:
        transport.close()
    assert deliver(ctx, delivery_id).status is D.PUBLISHED


def test_retry_in_plain_text(ctx, capsys, waiting_delivery):
    code, out, _ = run(capsys, "deliveries", "retry", str(waiting_delivery.delivery_id))
    shown = f"delivery {waiting_delivery.delivery_id}: queued: it will be sent again\n"
    assert code == 0 and out == shown


def test_retry_of_a_waiting_delivery_by_an_author_is_refused(ctx, capsys, waiting_delivery):
    for name, role in (("admin", "admin"), ("ani", "author")):
        assert run(capsys, "--user", "admin", "user", "add", name, "--role", role)[0] == 0
    code, out, err = run(capsys, "--user", "ani", "deliveries", "retry",
                         str(waiting_delivery.delivery_id))
    assert code == 1 and out == "" and "needs role admin or operator" in err
    with ctx.db.read() as conn:
        assert rows.get(conn, waiting_delivery.delivery_id).status is D.RETRY_WAIT
    assert outbox_of(ctx, waiting_delivery.delivery_id) == []


def test_retry_of_an_unknown_delivery_asks_the_platform_first(ctx, capsys, sandbox,
                                                              waiting_delivery):
    delivery_id = waiting_delivery.delivery_id
    assert run(capsys, "deliveries", "retry", str(delivery_id))[0] == 0
    sandbox.add_fault("x", "commit_then_drop", account="1001", count=1)
    assert deliver(ctx, delivery_id).status is D.UNKNOWN
    assert len(sandbox.posts("x", "1001")) == 1  # the platform has it; Siaran cannot tell
    code, out, _ = run(capsys, "deliveries", "retry", str(delivery_id))
    assert code == 0
    assert "on the platform already: recorded as published, not sent again" in out
    with ctx.db.read() as conn:
        assert rows.get(conn, delivery_id).status is D.PUBLISHED
    assert outbox_of(ctx, delivery_id) == []
    assert len(sandbox.posts("x", "1001")) == 1  # never sent twice
