"""The same event by e-mail to a real SMTP server (STARTTLS on a self-signed certificate,
AUTH LOGIN) and by Telegram to the operations chat on the sandbox."""

from __future__ import annotations

from ops.alerts import targets, watch
from orchestrator.channels import admin as channel_admin
from orchestrator.store import alert_events
from tests.fixtures.alerts import (
    OPS_BOT_TOKEN,
    SMTP_PASSWORD,
    SMTP_USER,
    alerting,
    publish_in_process,
)
from tests.fixtures.sandbox import credentials


def test_a_failure_reaches_email_and_telegram(ctx, sandbox, smtp_server, ops_chat):
    ctx = alerting(ctx, group_wait=0, public_url="https://siaran.example.go.id")
    targets.add_target(ctx, "ops-mail", targets.TargetSpec(
        kind="email", smtp_host=smtp_server.host, smtp_port=smtp_server.port,
        starttls=True, username=SMTP_USER, password=SMTP_PASSWORD,
        sender="siaran@humas.example.go.id",
        recipients=("ops@humas.example.go.id", "kepala@humas.example.go.id")))
    targets.add_target(ctx, "ops-tg", targets.TargetSpec(
        kind="telegram", bot_token=OPS_BOT_TOKEN, chat_id=ops_chat, api_base=sandbox.url))
    channel_admin.add_channel(ctx, name="x-main", platform="x", api_base=sandbox.url,
                              rate_limits=(), credentials=credentials("x", "1001"))
    sandbox.add_fault("x", "status", account="1001", status=400)
    (post_id,) = publish_in_process(ctx, "x-main", 1, "Siaran pers")

    done = watch.run_once(ctx)
    assert sorted(a.outcome for a in done) == ["sent", "sent"]

    (mail,) = smtp_server.messages
    assert smtp_server.logins == [SMTP_USER]
    assert mail["Subject"] == "[Siaran] Delivery failed for good: x-main"
    assert mail["To"] == "ops@humas.example.go.id, kepala@humas.example.go.id"
    body = mail.get_payload()
    assert f"#{post_id} 'Siaran pers 1'" in body
    assert f"https://siaran.example.go.id/posts/{post_id}" in body
    assert "Channel: x-main (x)" in body

    (message,) = sandbox.posts("telegram", ops_chat)
    assert message.text.startswith("[Siaran] Delivery failed for good: x-main")
    assert f"https://siaran.example.go.id/posts/{post_id}" in message.text
    with ctx.db.read() as conn:
        sent = {s.target_name: s for s in alert_events.sends(conn)}
    assert sent["ops-tg"].recipient == f"telegram chat {ops_chat}"
    assert sent["ops-mail"].attempts == 1
    assert all(OPS_BOT_TOKEN not in s.recipient + (s.error or "") for s in sent.values())


def test_a_refused_login_is_recorded_without_the_password(
        ctx, sandbox, smtp_server):
    ctx = alerting(ctx, group_wait=0)
    targets.add_target(ctx, "ops-mail", targets.TargetSpec(
        kind="email", smtp_host=smtp_server.host, smtp_port=smtp_server.port,
        starttls=True, username=SMTP_USER, password="SECRET-wrong-password",
        sender="siaran@humas.example.go.id", recipients=("ops@humas.example.go.id",)))
    result = targets.test_target(ctx, "ops-mail")
    assert result["outcome"] == "failed"
    assert result["error"].startswith("SMTP 535")
    assert "SECRET" not in result["error"]
    assert smtp_server.messages == []
