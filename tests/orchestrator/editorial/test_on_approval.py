"""A post without a time marked "publish on approval" falls due when it is approved, and
the scheduler's dispatch (embargo, channels' states and all) publishes it; everywhere else
such a post waits for "publish now"."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from connectors.errors import ValidationError
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.states import PostStatus as P
from orchestrator.editorial import views, workflow
from schedules.dispatch import dispatch_due
from tests.fixtures.sandbox import credentials
from tests.fixtures.services import run_cli


@pytest.fixture
def channel(ctx):
    channel_admin.add_channel(ctx, name="tg", platform="telegram", rate_limits=(),
                              api_base="http://127.0.0.1:9",
                              credentials=credentials("telegram", "@humas_prov"))
    return ctx


def _approved(ctx, **options) -> int:
    post_id = workflow.create_post(ctx, title="Siaran pers", text="Kabar terbaru",
                                   pillar="informatif", channels=["tg"], options=options)
    workflow.submit(ctx, post_id)
    workflow.approve(ctx, post_id)
    return post_id


def test_a_post_to_publish_on_approval_falls_due_when_approved(channel):
    ctx = channel
    moment = ctx.now()
    ctx.clock = lambda: moment
    post_id = _approved(ctx, on_approval=True)
    shown = views.show_post(ctx, post_id)
    assert shown["status"] == "approved"
    assert shown["scheduled_at"] is not None  # due at the approval
    assert dispatch_due(ctx) == 1
    assert views.show_post(ctx, post_id)["status"] == P.PUBLISHING.value


def test_a_post_without_a_time_otherwise_waits_for_publish_now(channel):
    ctx = channel
    post_id = _approved(ctx)
    ctx.clock = (lambda later: lambda: later)(ctx.now() + timedelta(hours=1))
    assert dispatch_due(ctx) == 0
    assert views.show_post(ctx, post_id)["scheduled_at"] is None


def test_on_approval_is_refused_beside_a_time(channel):
    with pytest.raises(ValidationError, match="publishing on approval is for a post without"):
        workflow.create_post(channel, title="T", text="Teks", pillar="informatif",
                             channels=["tg"], at=channel.now() + timedelta(days=1),
                             options={"on_approval": True})


def test_the_command_line_marks_a_post_to_publish_on_approval(channel, capsys):
    code, out, err = run_cli(capsys, "post", "create", "--title", "T", "--text", "Teks",
                             "--pillar", "informatif", "--channel", "tg", "--on-approval",
                             "--json")
    assert (code, err) == (0, "")
    post_id = json.loads(out)["id"]
    assert views.show_post(channel, post_id)["options"] == {"on_approval": True}
