"""Every endpoint × every role, and no token, a revoked token and an expired token: each gets
exactly the answer it should. Every cell starts from fresh state (its own post, delivery or
user) so that the answer depends on who asks, nothing else."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.access import tokens
from orchestrator.channels import admin as channel_admin
from orchestrator.cli.sample_image import FLAG_JPEG
from orchestrator.domain.states import ChannelState, DeliveryStatus
from orchestrator.editorial import views
from orchestrator.store import channels as channel_rows
from orchestrator.store import deliveries as delivery_rows
from schedules import embargo, pillars, series, slots
from tests.fixtures.web import Office, running_office

A, W, P, OP = "adm", "ani", "budi", "citra"
ROLES = (A, W, P, OP)
BAD = ("no token", "revoked token", "expired token")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def only(status: int, *allowed: str) -> dict[str, int]:
    """``status`` for the admin and ``allowed``; 403 for every other role."""
    return {who: status if who in (A, *allowed) else 403 for who in ROLES}


def new_post() -> dict:
    return {"title": "Uji", "text": f"Pengumuman {uuid.uuid4().hex[:8]}",
            "pillar": "informatif", "channels": ["telegram-prov"]}


def delivery_in(office: Office, status: DeliveryStatus) -> int:
    """A delivery of a publishing post, moved to ``status`` as a worker would."""
    post_id = office.post("publishing")
    delivery = views.show_post(office.ctx, post_id)["deliveries"][0]["id"]
    if status is not DeliveryStatus.QUEUED:
        now = datetime.now(UTC)
        with office.ctx.db.write() as conn:
            delivery_rows.move(conn, delivery, [DeliveryStatus.QUEUED], DeliveryStatus.SENDING,
                               now)
            delivery_rows.move(conn, delivery, [DeliveryStatus.SENDING], status, now,
                               error_kind="unavailable", error="sandbox said no")
    return delivery


def channel_state(office: Office, name: str, state: ChannelState) -> str:
    with office.ctx.db.read() as conn:
        current = channel_rows.by_name(conn, name).state
    if current is not state:
        admin = office.as_user(A)
        channel_admin.pause(admin, name) if state is ChannelState.PAUSED else \
            channel_admin.resume(admin, name)
    return name


def edit(office: Office) -> tuple:
    post_id = office.post("draft")
    etag = views.show_post(office.ctx, post_id)["etag"]
    return ("PATCH", f"/api/v1/posts/{post_id}",
            {"json": {"title": "Judul baru"}, "headers": {"If-Match": f'"{etag}"'}})


def new_user(office: Office) -> tuple:
    return ("POST", "/api/v1/users",
            {"json": {"name": f"u{uuid.uuid4().hex[:8]}", "roles": ["author"]}})


def revoke_other(office: Office) -> tuple:
    return ("DELETE", f"/api/v1/tokens/{office.token_for('writer')['id']}", {})


def sign_in(office: Office) -> tuple:
    return ("POST", "/api/v1/auth/token",
            {"json": {"user": "writer", "password": "kopi tubruk di pagi hari"}})


def pillar(office: Office) -> str:
    """A fresh pillar with no target (the installed ones already add up to 100 %)."""
    return pillars.add_pillar(office.as_user(A), f"p{uuid.uuid4().hex[:8]}", target=0).name


def slotted(office: Office) -> str:
    """A channel with posting slots."""
    slots.set_slots(office.as_user(A), "facebook-prov", ["daily 09:00,19:00"])
    return "facebook-prov"


def a_series(office: Office) -> int:
    """A fresh draft series of three daily occurrences."""
    return series.create_series(
        office.as_user("writer"), rule="FREQ=DAILY;COUNT=3",
        at=datetime.now(UTC) + timedelta(days=5), title="Uji",
        text=f"Pengumuman {uuid.uuid4().hex[:8]}", pillar="informatif",
        channels=["telegram-prov"]).series_id


def planned_embargo(office: Office) -> int:
    """An embargo planned far ahead: lifting it leaves every other cell publishing."""
    start = datetime.now(UTC) + timedelta(days=3650)
    return embargo.pause_all(office.as_user(A), "uji", starts_at=start,
                             ends_at=start + timedelta(hours=1)).embargo.id


#: An embargo planned far ahead, so that no other cell is held by it.
EMBARGO = {"reason": "Masa tenang", "from": "2036-02-11 00:00", "until": "2036-02-14 13:00"}

CASES: dict[str, tuple] = {
    "list posts": (lambda o: ("GET", "/api/v1/posts", {}), everyone(200)),
    "create post": (lambda o: ("POST", "/api/v1/posts", {"json": new_post()}), only(201, W)),
    "show post": (lambda o: ("GET", f"/api/v1/posts/{o.post()}", {}), everyone(200)),
    "edit draft": (edit, only(200, W)),
    "submit": (lambda o: ("POST", f"/api/v1/posts/{o.post()}/submit", {}), only(200, W)),
    "approve": (lambda o: ("POST", f"/api/v1/posts/{o.post('in_review')}/approve", {}),
                only(200, P)),
    "reject": (lambda o: ("POST", f"/api/v1/posts/{o.post('in_review')}/reject",
                          {"json": {"reason": "belum lengkap"}}), only(200, P)),
    "cancel post": (lambda o: ("POST", f"/api/v1/posts/{o.post()}/cancel", {}),
                    only(200, W, P)),
    "publish now": (lambda o: ("POST", f"/api/v1/posts/{o.post('approved')}/publish-now", {}),
                    only(200, P)),
    "post audit": (lambda o: ("GET", f"/api/v1/posts/{o.post()}/audit", {}), everyone(200)),
    "calendar": (lambda o: ("GET", "/api/v1/calendar?from=2026-01-01&to=2036-01-01", {}),
                 everyone(200)),
    "list deliveries": (lambda o: ("GET", "/api/v1/deliveries?status=failed", {}),
                        everyone(200)),
    "retry delivery": (lambda o: ("POST", f"/api/v1/deliveries/"
                                  f"{delivery_in(o, DeliveryStatus.FAILED)}/retry", {}),
                       only(200, OP)),
    "resolve delivery": (lambda o: ("POST", f"/api/v1/deliveries/"
                                    f"{delivery_in(o, DeliveryStatus.UNKNOWN)}/resolve",
                                    {"json": {"published": False}}), only(200, OP)),
    "cancel delivery": (lambda o: ("POST", f"/api/v1/deliveries/"
                                   f"{delivery_in(o, DeliveryStatus.QUEUED)}/cancel", {}),
                        only(200, OP)),
    "list channels": (lambda o: ("GET", "/api/v1/channels", {}), everyone(200)),
    "show channel": (lambda o: ("GET", "/api/v1/channels/x-prov", {}), everyone(200)),
    "pause channel": (lambda o: ("POST", f"/api/v1/channels/"
                                 f"{channel_state(o, 'wordpress-prov', ChannelState.ACTIVE)}"
                                 "/pause", {}), only(200, OP)),
    "resume channel": (lambda o: ("POST", f"/api/v1/channels/"
                                  f"{channel_state(o, 'wordpress-prov', ChannelState.PAUSED)}"
                                  "/resume", {}), only(200, OP)),
    "check channel": (lambda o: ("POST", "/api/v1/channels/telegram-prov/check", {}),
                      only(200, OP)),
    "upload media": (lambda o: ("POST", "/api/v1/media",
                                {"files": {"file": ("bendera.jpg", FLAG_JPEG, "image/jpeg")}}),
                     only(201, W)),
    "me": (lambda o: ("GET", "/api/v1/me", {}), everyone(200)),
    "list users": (lambda o: ("GET", "/api/v1/users", {}), only(200)),
    "add user": (new_user, only(201)),
    "set another's password": (lambda o: ("PUT", "/api/v1/users/writer/password",
                                          {"json": {"password": "kopi tubruk di pagi hari"}}),
                               only(204)),
    "list tokens": (lambda o: ("GET", "/api/v1/tokens", {}), only(200)),
    "create token": (lambda o: ("POST", "/api/v1/tokens", {"json": {"user": "writer"}}),
                     only(201)),
    "revoke another's token": (revoke_other, only(200)),
    "audit log": (lambda o: ("GET", "/api/v1/audit", {}), only(200)),
    # the calendar
    "list pillars": (lambda o: ("GET", "/api/v1/pillars", {}), everyone(200)),
    "add pillar": (lambda o: ("POST", "/api/v1/pillars", {"json": {
        "name": f"p{uuid.uuid4().hex[:8]}", "target": 0}}), only(201, P)),
    "update pillar": (lambda o: ("PATCH", f"/api/v1/pillars/{pillar(o)}",
                                 {"json": {"target": 0, "color": "#1f77b4"}}),
                      only(200, P)),
    "mix": (lambda o: ("GET", "/api/v1/mix?from=2026-01-05&to=2036-01-07", {}),
            everyone(200)),
    "channel slots": (lambda o: ("GET", f"/api/v1/channels/{slotted(o)}/slots?next=3", {}),
                      everyone(200)),
    "set channel slots": (lambda o: ("PUT", "/api/v1/channels/facebook-prov/slots",
                                     {"json": {"rules": ["mon-fri 09:00,19:00"]}}),
                          only(200, P)),
    "list series": (lambda o: ("GET", "/api/v1/series", {}), everyone(200)),
    # reports
    "engagement report": (lambda o: ("GET", "/api/v1/reports/engagement?by=channel", {}),
                          everyone(200)),
    "growth report": (lambda o: ("GET", "/api/v1/reports/growth", {}), everyone(200)),
    "show series": (lambda o: ("GET", f"/api/v1/series/{a_series(o)}", {}), everyone(200)),
    "cancel series": (lambda o: ("POST", f"/api/v1/series/{a_series(o)}/cancel", {}),
                      only(200, W, P)),
    "status": (lambda o: ("GET", "/api/v1/status", {}), everyone(200)),
    "pause all": (lambda o: ("POST", "/api/v1/embargo", {"json": EMBARGO}), only(200, P)),
    "lift embargo": (lambda o: ("POST", "/api/v1/embargo/lift",
                                {"json": {"id": planned_embargo(o)}}), only(200, P)),
}
#: Answered without a token, whoever asks.
PUBLIC: dict[str, tuple] = {
    "health": (lambda o: ("GET", "/healthz", {}), 200),
    "openapi": (lambda o: ("GET", "/api/v1/openapi.json", {}), 200),
    "docs": (lambda o: ("GET", "/api/docs", {}), 200),
    "sign in by password": (sign_in, 201),
}


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    """A running API whose failure throttle does not get in the way of this many cells."""
    with running_office(tmp_path_factory.mktemp("matrix"), redis_url, sandbox_server.url,
                        SIARAN_WEB_AUTH_FAILURES="100000/60") as running:
        from orchestrator.access import passwords
        passwords.set_password(running.as_user("writer"), "writer", "kopi tubruk di pagi hari")
        revoked = running.token_for(A)
        tokens.revoke_token(running.as_user(A), revoked["id"])
        days_ago = replace(running.as_user(A),
                           clock=lambda: datetime.now(UTC) - timedelta(days=2))
        expired = tokens.create_token(days_ago, A, expires_days=1)
        running.tokens.update({"revoked token": revoked, "expired token": expired})
        yield running


def client(office: Office, who: str):
    if who == "no token":
        return office.api()
    if who in BAD:
        return office.api(token=office.tokens[who]["token"])
    return office.api(who)


@pytest.mark.parametrize("who", ROLES + BAD)
@pytest.mark.parametrize("case", CASES)
def test_each_endpoint_answers_each_caller_as_it_should(office, case, who):
    prepare, expected = CASES[case]
    method, path, kwargs = prepare(office)
    response = client(office, who).request(method, path, **kwargs)
    wanted = expected[who] if who in ROLES else 401
    assert response.status_code == wanted, (response.status_code, response.text)
    if wanted >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == wanted and problem["type"].startswith("urn:siaran:")
        assert problem["title"] and problem["detail"]
    if wanted == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("who", ROLES + BAD)
@pytest.mark.parametrize("case", PUBLIC)
def test_public_endpoints_answer_everyone(office, case, who):
    prepare, wanted = PUBLIC[case]
    method, path, kwargs = prepare(office)
    assert client(office, who).request(method, path, **kwargs).status_code == wanted


def test_every_operation_of_the_api_is_in_the_matrix(office):
    spec = office.api().get("/api/v1/openapi.json").json()
    operations = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    covered = set()
    for prepare, _ in [*CASES.values(), *PUBLIC.values()]:
        method, path, _kwargs = prepare(office)
        covered.add((method, _template(path.split("?")[0], spec)))
    assert operations - covered == set()


def _template(path: str, spec: dict) -> str:
    for template in spec["paths"]:
        parts, given = template.split("/"), path.split("/")
        if len(parts) == len(given) and all(
                t == g or t.startswith("{") for t, g in zip(parts, given, strict=True)):
            return template
    return path


@pytest.mark.parametrize("who", [A, "both"])
def test_nobody_approves_their_own_post(office, who):
    if who == "both" and "both" not in office.tokens:
        from orchestrator.access import accounts
        accounts.add_user(office.as_user(A), "both", ["author", "approver"])
        office.tokens["both"] = office.token_for("both")
    post_id = office.api(who).post("/api/v1/posts", json=new_post()).json()["id"]
    assert office.api(who).post(f"/api/v1/posts/{post_id}/submit").status_code == 200
    refused = office.api(who).post(f"/api/v1/posts/{post_id}/approve")
    assert refused.status_code == 403 and "another approver" in refused.json()["detail"]
    assert office.api(P).post(f"/api/v1/posts/{post_id}/approve").status_code == 200


def test_a_users_own_password_and_tokens_are_theirs_to_change(office):
    for who in (W, P, OP):
        assert office.api(who).request(
            "PUT", f"/api/v1/users/{who}/password",
            json={"password": "teh manis hangat sekali"}).status_code == 204
        own = office.token_for(who)
        gone = office.api(token=own["token"]).request("DELETE", f"/api/v1/tokens/{own['id']}")
        assert gone.status_code == 200 and gone.json()["state"] == "revoked"
        assert office.api(token=own["token"]).get("/api/v1/me").status_code == 401
