"""The one edit rule, at the service the CLI, the API and the console call: an approved post
that is changed goes back to draft with its waiting deliveries withdrawn, an unchanged edit
changes nothing, a post whose delivery has started is not edited, variants change per
platform, a stale version is refused; on a real SQLite database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.errors import AccessDenied, InvalidTransition, ValidationError
from orchestrator.access import accounts
from orchestrator.domain.actor import Actor
from orchestrator.domain.states import DeliveryStatus, PostStatus
from orchestrator.domain.variants import applied
from orchestrator.editorial import editing, publishing, views, workflow
from orchestrator.store import deliveries as delivery_rows
from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli


@pytest.fixture
def office(ctx, capsys):
    for name, platform in (("x-main", "x"), ("tg-main", "telegram")):
        code, _, err = run_cli(capsys, "channel", "add", name, "--platform", platform,
                               *credential_args(platform))
        assert code == 0, err
    accounts.add_user(ctx.acting_as(Actor("adm")), "adm", ["admin"])
    admin = ctx.acting_as(Actor("adm"))
    for name, roles in (("ani", ["author"]), ("budi", ["approver"]),
                        ("eko", ["author", "approver"]), ("citra", ["operator"])):
        accounts.add_user(admin, name, roles)
    return ctx


def as_(ctx, name: str):
    return ctx.acting_as(Actor(name))


def approved_post(ctx, **extra) -> int:
    ani = as_(ctx, "ani")
    post_id = workflow.create_post(ani, title="Layanan", text="Buka Sabtu.",
                                   pillar="informatif", channels=["x-main", "tg-main"],
                                   at=ctx.now() + timedelta(days=2, seconds=7), **extra)
    workflow.submit(ani, post_id)
    workflow.approve(as_(ctx, "budi"), post_id)
    return post_id


def test_a_changed_approved_post_goes_back_to_draft_without_its_deliveries(office):
    post_id = approved_post(office)
    assert len(views.show_post(office, post_id)["deliveries"]) == 2
    edited = editing.edit_post(as_(office, "eko"), post_id, text="Buka Sabtu 08.00.")
    assert (edited.previous, edited.status) == (PostStatus.APPROVED, PostStatus.DRAFT)
    assert edited.changed == ("text",) and edited.withdrawn == 2
    shown = views.show_post(office, post_id)
    assert shown["status"] == "draft" and shown["approver"] is None
    assert shown["deliveries"] == [] and shown["etag"] == edited.version
    event = shown["audit"][-1]
    assert event["action"] == "edit" and event["actor"] == "eko"
    assert event["detail"] == {"changed": ["text"], "previous": "approved",
                               "withdrawn_deliveries": 2}
    workflow.submit(as_(office, "ani"), post_id)
    with pytest.raises(AccessDenied, match="edited this post"):  # four eyes: not its editor
        workflow.approve(as_(office, "eko"), post_id)
    workflow.approve(as_(office, "budi"), post_id)
    assert len(views.show_post(office, post_id)["deliveries"]) == 2


def test_an_edit_that_changes_nothing_leaves_the_approved_post_as_it_is(office):
    post_id = approved_post(office, variants={"x": {"text": "Versi X"}})
    before = views.show_post(office, post_id)
    edited = editing.edit_post(as_(office, "ani"), post_id, version=before["etag"],
                               title=" Layanan ", text="Buka Sabtu.", pillar="Informatif",
                               channels=["tg-main", "x-main"],
                               variants={"x": {"text": "Versi X"}, "telegram": None},
                               options={}, media=[])
    assert edited.changed == () and edited.status is PostStatus.APPROVED
    assert edited.version == before["etag"] and edited.withdrawn == 0
    assert views.show_post(office, post_id) == before  # same deliveries, no audit event
    with pytest.raises(ValidationError, match="nothing to change"):
        editing.edit_post(as_(office, "ani"), post_id)


def test_a_post_whose_delivery_started_is_not_edited(office):
    post_id = approved_post(office)
    now = office.now()
    with office.db.write() as conn:  # a delivery under way while the post reads approved
        first = delivery_rows.for_post(conn, post_id)[0]
        delivery_rows.move(conn, first.id, [DeliveryStatus.PENDING], DeliveryStatus.QUEUED,
                           now)
        delivery_rows.move(conn, first.id, [DeliveryStatus.QUEUED], DeliveryStatus.SENDING,
                           now)
    with pytest.raises(InvalidTransition, match="already started"):
        editing.edit_post(as_(office, "ani"), post_id, text="Terlambat")
    shown = views.show_post(office, post_id)
    assert shown["status"] == "approved" and shown["text"] == "Buka Sabtu."
    assert sorted(d["status"] for d in shown["deliveries"]) == ["pending", "sending"]

    publishing_id = approved_post(office)
    publishing.publish_now(as_(office, "budi"), publishing_id)
    with pytest.raises(InvalidTransition, match="publishing"):
        editing.edit_post(as_(office, "ani"), publishing_id, text="Terlambat")
    assert views.show_post(office, publishing_id)["text"] == "Buka Sabtu."


def test_a_stale_version_or_a_stranger_writes_nothing(office):
    ani = as_(office, "ani")
    post_id = workflow.create_post(ani, title="Lomba", text="Lomba foto.",
                                   pillar="informatif", channels=["x-main"])
    first = views.show_post(office, post_id)["etag"]
    editing.edit_post(ani, post_id, version=first, text="Lomba foto HUT RI.")
    with pytest.raises(editing.StaleVersion):
        editing.edit_post(ani, post_id, version=first, text="Tertimpa")
    with pytest.raises(AccessDenied):
        editing.edit_post(as_(office, "citra"), post_id, text="Bukan penulis")
    assert views.show_post(office, post_id)["text"] == "Lomba foto HUT RI."


def test_variants_change_per_platform(office):
    ani = as_(office, "ani")
    post_id = workflow.create_post(
        ani, title="Info", text="Info.", pillar="informatif", channels=["x-main", "tg-main"],
        variants={"x": {"text": "X", "hashtags": "#Info"}, "telegram": {"text": "TG"}})
    editing.edit_post(ani, post_id, variants={"x": {"hashtags": "#Baru"}})
    assert views.show_post(office, post_id)["variants"] == {
        "x": {"hashtags": "#Baru"}, "telegram": {"text": "TG"}}
    editing.edit_post(ani, post_id, variants={"telegram": None, "x": {"text": " "}})
    assert views.show_post(office, post_id)["variants"] == {}
    with pytest.raises(ValidationError, match="unknown platform 'myspace'"):
        editing.edit_post(ani, post_id, variants={"myspace": None})
    assert applied({"x": {"text": "A"}}, {"wordpress": {"title": "T", "text": ""}}) == {
        "x": {"text": "A"}, "wordpress": {"title": "T"}}
