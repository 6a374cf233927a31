"""The whole system driven over HTTP: real worker and scheduler processes, the sandbox, the
API served by uvicorn; users and tokens made with the CLI, as an office would."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest

from orchestrator.channels import admin as channel_admin
from orchestrator.cli.sample_image import FLAG_JPEG
from orchestrator.domain.actor import Actor
from orchestrator.media.server import MediaServer
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.web.server import BackgroundServer
from tests.fixtures.sandbox import credentials
from tests.fixtures.system import running_system
from tests.fixtures.web import leaked, stored_secrets

ACCOUNTS = {"x": "1002", "facebook": "556", "instagram": "778", "telegram": "@humas_prov",
            "wordpress": "humas"}
FINISHED = {"published", "partially_published", "failed", "cancelled"}


class Client:
    """One user's HTTP client; every answer is checked for credentials."""

    def __init__(self, url: str, token: str, secrets: list[str]) -> None:
        self.secrets = secrets
        self.http = httpx.Client(base_url=url, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"},
                                 event_hooks={"response": [self._scan]})

    def _scan(self, response: httpx.Response) -> None:
        response.read()
        assert not leaked(response.content, self.secrets)

    def __getattr__(self, name):
        return getattr(self.http, name)


@pytest.fixture(scope="module")
def api(tmp_path_factory, redis_url, sandbox_server):
    root = tmp_path_factory.mktemp("api-e2e")
    media = MediaServer(root / "data").start()
    with running_system(root, redis_url, sandbox_server.url,
                        SIARAN_MEDIA_BASE_URL=media.url) as system:
        system.cli("user", "add", "kepala", "--role", "admin", user="kepala")
        for name, role in (("ani", "author"), ("budi", "approver"), ("citra", "operator")):
            system.cli("user", "add", name, "--role", role, user="kepala")
        settings = config.load({**system.env})
        ctx = open_context(settings).acting_as(Actor("kepala"))
        for platform, account in ACCOUNTS.items():
            channel_admin.add_channel(ctx, name=f"{platform}-prov", platform=platform,
                                      api_base=sandbox_server.url, rate_limits=(),
                                      credentials=credentials(platform, account,
                                                              sandbox_server.url))
        ctx.db.dispose()
        server = BackgroundServer(settings).start()
        secrets = stored_secrets(sandbox_server.url)
        clients = {name: Client(server.url, json.loads(system.cli(
            "token", "create", "--user", name, "--label", "e2e", "--json",
            user="kepala").stdout)["token"], secrets) for name in ("ani", "budi", "citra")}
        yield system, clients
        server.stop()
    media.stop()


def wait_finished(client: Client, post_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        shown = client.get(f"/api/v1/posts/{post_id}").json()
        if shown["status"] in FINISHED or time.monotonic() > deadline:
            return shown
        time.sleep(0.2)


def test_image_post_written_approved_and_published_now_over_http(api, sandbox):
    system, users = api
    ani, budi = users["ani"], users["budi"]
    image = ani.post("/api/v1/media", files={"file": ("bendera.jpg", FLAG_JPEG, "image/jpeg")})
    assert image.status_code == 201
    text = f"Upacara Hari Pahlawan {uuid.uuid4().hex[:6]} pukul 08.00 WIB."
    created = ani.post("/api/v1/posts", json={
        "title": "Hari Pahlawan", "text": text, "pillar": "informatif",
        "channels": [f"{p}-prov" for p in ACCOUNTS],
        "media": [{"id": image.json()["id"], "alt": "Bendera Merah Putih"}]})
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    assert ani.post(f"/api/v1/posts/{post_id}/submit").json()["status"] == "in_review"
    assert ani.post(f"/api/v1/posts/{post_id}/approve").status_code == 403
    assert budi.post(f"/api/v1/posts/{post_id}/approve").json()["status"] == "approved"
    assert budi.post(f"/api/v1/posts/{post_id}/publish-now").status_code == 200
    shown = wait_finished(budi, post_id)
    assert shown["status"] == "published", shown["deliveries"]
    for platform, account in ACCOUNTS.items():
        held = [p for p in sandbox.posts(platform, account) if text in p.text]
        assert len(held) == 1, platform
    assert all(d["permalink"] and d["attempts"] == 1 for d in shown["deliveries"])
    actions = [(e["actor"], e["action"], e["origin"]) for e in shown["audit"]]
    assert actions == [("ani", "create", "127.0.0.1"), ("ani", "submit", "127.0.0.1"),
                       ("budi", "approve", "127.0.0.1"), ("budi", "publish_now", "127.0.0.1")]


def test_a_failed_delivery_is_retried_through_the_api(api, sandbox):
    system, users = api
    text = f"Pengumuman layanan {uuid.uuid4().hex[:6]}."
    sandbox.add_fault("telegram", "status", account="@humas_prov", count=1, status=400)
    post_id = users["ani"].post("/api/v1/posts", json={
        "title": "Layanan", "text": text, "pillar": "informatif",
        "channels": ["telegram-prov"]}).json()["id"]
    users["ani"].post(f"/api/v1/posts/{post_id}/submit")
    users["budi"].post(f"/api/v1/posts/{post_id}/approve")
    users["budi"].post(f"/api/v1/posts/{post_id}/publish-now")
    assert wait_finished(users["budi"], post_id)["status"] == "failed"
    citra = users["citra"]
    failed = citra.get("/api/v1/deliveries", params={"status": "failed",
                                                      "channel": "telegram-prov"}).json()
    delivery = next(d for d in failed if d["post_id"] == post_id)
    assert delivery["error_kind"]
    assert users["budi"].post(f"/api/v1/deliveries/{delivery['id']}/retry").status_code == 403
    retried = citra.post(f"/api/v1/deliveries/{delivery['id']}/retry")
    assert retried.json() == {"id": delivery["id"], "status": "queued"}
    assert wait_finished(citra, post_id)["status"] == "published"
    assert [p.text for p in sandbox.posts("telegram", "@humas_prov")] == [text]


def test_an_idempotency_key_replay_creates_nothing(api):
    _system, users = api
    ani = users["ani"]
    key = {"Idempotency-Key": f"cms-{uuid.uuid4().hex}"}
    body = {"title": "Dari CMS", "text": "Kiriman sistem luar.", "pillar": "informatif",
            "channels": ["x-prov"], "at": "2030-06-01 09:00"}
    first = ani.post("/api/v1/posts", json=body, headers=key)
    before = ani.get("/api/v1/posts", params={"author": "ani", "limit": 1000}).json()
    replays = [ani.post("/api/v1/posts", json=body, headers=key) for _ in range(3)]
    after = ani.get("/api/v1/posts", params={"author": "ani", "limit": 1000}).json()
    assert {r.json()["id"] for r in replays} == {first.json()["id"]}
    assert len(after) == len(before)
    assert first.json()["scheduled_at"].startswith("2030-06-01T09:00:00+07:00")
