"""The calendar driven over HTTP, with real worker and scheduler processes, Redis and the
sandbox: an embargo holds a due post and lifting it publishes it exactly once (an admin's
override publishes through it); a queued post gets a posting slot; approving an occurrence
approves its series."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.actor import Actor
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.web.server import BackgroundServer
from tests.fixtures.sandbox import credentials
from tests.fixtures.system import running_system
from tests.fixtures.web import leaked, stored_secrets

TG = "@humas_prov"
USERS = (("ani", "author"), ("budi", "approver"))


@pytest.fixture(scope="module")
def api(tmp_path_factory, redis_url, sandbox_server):
    """Worker, scheduler and the API on one installation; a token per user."""
    with running_system(tmp_path_factory.mktemp("calendar-api"), redis_url,
                        sandbox_server.url) as system:
        system.cli("user", "add", "kepala", "--role", "admin", user="kepala")
        for name, role in USERS:
            system.cli("user", "add", name, "--role", role, user="kepala")
        settings = config.load({**system.env})
        ctx = open_context(settings).acting_as(Actor("kepala"))
        channel_admin.add_channel(ctx, name="tg-prov", platform="telegram",
                                  api_base=sandbox_server.url, rate_limits=(),
                                  credentials=credentials("telegram", TG, sandbox_server.url))
        ctx.db.dispose()
        server = BackgroundServer(settings).start()
        secrets = stored_secrets(sandbox_server.url)
        clients = {}
        for name in ("kepala", "ani", "budi"):
            token = json.loads(system.cli("token", "create", "--user", name, "--label", "e2e",
                                          "--json", user="kepala").stdout)["token"]
            clients[name] = httpx.Client(
                base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {token}"},
                event_hooks={"response": [lambda r: _no_secret(r, secrets)]})
        yield clients
        for client in clients.values():
            client.close()
        server.stop()


def _no_secret(response: httpx.Response, secrets: list[str]) -> None:
    response.read()
    assert not leaked(response.content, secrets)


def _wait(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _approved(users: dict, **fields) -> dict:
    ani, budi = users["ani"], users["budi"]
    created = ani.post("/api/v1/posts", json={
        "title": "Uji", "text": f"Pengumuman {uuid.uuid4().hex[:8]}", "pillar": "informatif",
        "channels": ["tg-prov"], **fields})
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    assert ani.post(f"/api/v1/posts/{post_id}/submit").json()["status"] == "in_review"
    approved = budi.post(f"/api/v1/posts/{post_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert isinstance(approved.json()["warnings"], list)
    return created.json()


def _texts(sandbox) -> list[str]:
    return [p.text for p in sandbox.posts("telegram", TG)]


def test_an_embargo_over_http_holds_a_due_post_and_lifting_it_publishes_it_once(api, sandbox):
    kepala, budi = api["kepala"], api["budi"]
    due = _approved(api, at=(datetime.now(UTC) + timedelta(seconds=4)).isoformat())
    paused = budi.post("/api/v1/embargo", json={"reason": "Hari berkabung nasional"})
    assert paused.status_code == 200, paused.text
    assert paused.json()["in_force"] is True and paused.json()["in_flight"] == []
    status = budi.get("/api/v1/status").json()
    assert status["embargo"]["id"] == paused.json()["id"]
    assert status["embargo"]["since"] == paused.json()["since"] and status["flag"] is True

    def held():
        shown = budi.get(f"/api/v1/posts/{due['id']}").json()
        return shown["deliveries"][0]["status"] == "held" and shown
    shown = _wait(held)
    assert shown, budi.get(f"/api/v1/posts/{due['id']}").json()
    assert shown["deliveries"][0]["error"] == "embargo: Hari berkabung nasional"
    assert budi.get("/api/v1/status").json()["held"] == 1
    # Only an admin publishes through an embargo, and says why.
    urgent = _approved(api, at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    refused = budi.post(f"/api/v1/posts/{urgent['id']}/publish-now",
                        json={"override_embargo": "peringatan bencana"})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert kepala.post(f"/api/v1/posts/{urgent['id']}/publish-now").status_code == 403
    assert kepala.post(f"/api/v1/posts/{urgent['id']}/publish-now",
                       json={"override_embargo": "peringatan bencana"}).status_code == 200
    assert _wait(lambda: urgent["text"] in _texts(sandbox))
    assert due["text"] not in _texts(sandbox)

    lifted = budi.post("/api/v1/embargo/lift")
    assert lifted.status_code == 200, lifted.text
    assert lifted.json() == {"lifted": [paused.json()["id"]], "released": 1, "missed": 0,
                             "still": None}
    assert _wait(lambda: budi.get(f"/api/v1/posts/{due['id']}").json()["status"]
                 == "published")
    time.sleep(1)
    assert _texts(sandbox).count(due["text"]) == 1
    assert _texts(sandbox).count(urgent["text"]) == 1
    assert budi.get("/api/v1/status").json() == {**status, "embargo": None, "held": 0,
                                                 "flag": False}
    again = budi.post("/api/v1/embargo/lift")
    assert again.status_code == 422 and "no embargo" in again.json()["detail"]


def test_a_queued_post_gets_the_first_free_posting_slot(api):
    ani, budi = api["ani"], api["budi"]
    assert ani.put("/api/v1/channels/tg-prov/slots",
                   json={"rules": ["daily 09:00,19:00"]}).status_code == 403
    changed = budi.put("/api/v1/channels/tg-prov/slots", json={"rules": ["daily 09:00,19:00"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["slots"] == ["daily 09:00,19:00"]
    free = budi.get("/api/v1/channels/tg-prov/slots?next=2").json()["next"]
    assert len(free) == 2
    queued = ani.post("/api/v1/posts", json={
        "title": "Uji", "text": "Antre di slot berikutnya", "pillar": "informatif",
        "channels": ["tg-prov"], "queue": True})
    assert queued.status_code == 201, queued.text
    assert queued.json()["scheduled_at"] == free[0]["at"]
    after = budi.get("/api/v1/channels/tg-prov/slots?next=1").json()["next"]
    assert after == free[1:]
    both = ani.post("/api/v1/posts", json={
        "title": "Uji", "text": "Antre", "pillar": "informatif", "channels": ["tg-prov"],
        "queue": True, "at": "2031-01-01 09:00"})
    assert both.status_code == 422
    assert budi.put("/api/v1/channels/tg-prov/slots", json={"rules": []}).json()["slots"] == []


def test_a_series_approved_over_http_approves_its_occurrences(api):
    ani, budi = api["ani"], api["budi"]
    first = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    made = ani.post("/api/v1/posts", json={
        "title": "Senam pagi", "text": "Senam pagi bersama setiap hari", "pillar": "interaktif",
        "channels": ["tg-prov"], "at": first.isoformat(), "repeat": "FREQ=DAILY;COUNT=4",
        "missed_after": "30m"})
    assert made.status_code == 201, made.text
    series_id = made.json()["series_id"]
    assert datetime.fromisoformat(made.json()["scheduled_at"]) == first
    shown = budi.get(f"/api/v1/series/{series_id}").json()
    assert shown["status"] == "draft" and len(shown["occurrences"]) == 4
    assert any(s["id"] == series_id for s in budi.get("/api/v1/series").json())
    post_id = made.json()["id"]
    assert ani.post(f"/api/v1/posts/{post_id}/submit").json()["status"] == "in_review"
    approved = budi.post(f"/api/v1/posts/{post_id}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    shown = budi.get(f"/api/v1/series/{series_id}").json()
    assert shown["status"] == "approved" and shown["approver"] == "budi"
    assert [o["status"] for o in shown["occurrences"]] == ["approved"] * 4
    mix = budi.get("/api/v1/mix", params={"from": first.date().isoformat(),
                                          "to": (first + timedelta(days=4)).date().isoformat()})
    assert mix.status_code == 200
    interaktif = next(p for p in mix.json()["pillars"] if p["pillar"] == "interaktif")
    assert interaktif["planned"] >= 3
    cancelled = ani.post(f"/api/v1/series/{series_id}/cancel")
    assert cancelled.status_code == 200
    assert sorted(cancelled.json()["cancelled_posts"]) == sorted(
        o["id"] for o in shown["occurrences"])
    assert budi.get(f"/api/v1/series/{series_id}").json()["status"] == "cancelled"
