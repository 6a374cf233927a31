"""Rotating the secret key re-seals alert targets' secrets with the channels'."""

from __future__ import annotations

import json

from ops.alerts import targets
from orchestrator.channels import keys as key_admin
from orchestrator.store import alert_targets
from tests.fixtures.alerts import WEBHOOK_SECRET


def test_rotation_reseals_alert_secrets(ctx, webhook_receiver):
    targets.add_target(ctx, "ops", targets.TargetSpec(kind="webhook", url=webhook_receiver.url,
                                                      secret=WEBHOOK_SECRET))
    with ctx.db.read() as conn:
        before = alert_targets.sealed_secrets(conn)
    key_admin.rotate(ctx)
    with ctx.db.read() as conn:
        after = alert_targets.sealed_secrets(conn)
    assert before.keys() == after.keys() and before != after
    assert len(ctx.box.ring) == 1  # the old key is gone: only the new one opens it
    assert targets.test_target(ctx, "ops")["outcome"] == "sent"
    assert json.loads(webhook_receiver.received[0].body)["event"] == "test"
