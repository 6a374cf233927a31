"""Who may call: closed until an admin exists, tokens and passwords, and the throttle on
failed authentications per client address and per user name."""

from __future__ import annotations

import uuid

import httpx

from orchestrator.access import accounts, passwords
from orchestrator.runtime import config
from orchestrator.runtime.context import open_context
from orchestrator.runtime.installation import initialise
from orchestrator.web.server import BackgroundServer
from orchestrator.web.throttle import FailureLimiter
from tests.fixtures.web import running_office

PASSWORD = "sate ayam madura pedas"


def test_the_api_is_closed_until_an_admin_exists(tmp_path, redis_url):
    settings = config.load({"SIARAN_DATA_DIR": str(tmp_path),
                            "SIARAN_REDIS_URL": redis_url,
                            "SIARAN_REDIS_NAMESPACE": f"siaran-web-{uuid.uuid4().hex[:8]}"})
    initialise(settings)
    server = BackgroundServer(settings).start()
    try:
        closed = httpx.get(f"{server.url}/api/v1/posts")
        assert closed.status_code == 503
        assert "no admin user" in closed.json()["detail"]
        assert "siaran user add NAME --role admin" in closed.json()["detail"]
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok", "api": "closed"}
        ctx = open_context(settings)
        accounts.add_user(ctx, "kepala", ["admin"])
        assert httpx.get(f"{server.url}/api/v1/posts").status_code == 401
        assert httpx.get(f"{server.url}/healthz").json()["api"] == "open"
        ctx.db.dispose()
    finally:
        server.stop()


def test_sign_in_by_password_gives_a_token_of_that_user(office):
    passwords.set_password(office.as_user("adm"), "citra", PASSWORD)
    signed = office.api().post("/api/v1/auth/token", json={"user": "citra",
                                                          "password": PASSWORD})
    assert signed.status_code == 201
    me = office.api(token=signed.json()["token"]).get("/api/v1/me").json()
    assert me == {"name": "citra", "roles": ["operator"], "token_id": signed.json()["id"]}
    listed = office.api("adm").get("/api/v1/tokens").json()
    mine = next(t for t in listed if t["id"] == signed.json()["id"])
    assert mine["expires_at"] is not None and "token" not in mine
    wrong = office.api().post("/api/v1/auth/token", json={"user": "citra", "password": "x"})
    assert wrong.status_code == 401
    nobody = office.api().post("/api/v1/auth/token", json={"user": "nobody", "password": "x"})
    assert nobody.json()["detail"] == wrong.json()["detail"]


def test_failed_sign_ins_are_throttled_per_user_and_per_address(tmp_path, redis_url,
                                                                  sandbox_server):
    with running_office(tmp_path, redis_url, sandbox_server.url,
                        SIARAN_WEB_AUTH_FAILURES="3/300") as office:
        passwords.set_password(office.as_user("adm"), "ani", PASSWORD)
        api = office.api()
        for _ in range(3):
            assert api.post("/api/v1/auth/token",
                            json={"user": "ani", "password": "salah sekali"}).status_code == 401
        blocked = api.post("/api/v1/auth/token", json={"user": "ani", "password": PASSWORD})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert blocked.json()["type"] == "urn:siaran:problem:too-many-failures"
        # The address is refused too, even with a valid token: a guess cannot be told apart.
        assert office.api("adm").get("/api/v1/me").status_code == 429


def test_bad_tokens_are_throttled_per_address(tmp_path, redis_url, sandbox_server):
    with running_office(tmp_path, redis_url, sandbox_server.url,
                        SIARAN_WEB_AUTH_FAILURES="2/300") as office:
        guess = office.api(token="siaran_" + "A" * 43)
        assert [guess.get("/api/v1/me").status_code for _ in range(3)] == [401, 401, 429]
        # Asking without any token is not a failed authentication.
        assert office.api().get("/api/v1/me").status_code == 429


def test_the_limiter_forgets_failures_after_its_window():
    now = [0.0]
    limiter = FailureLimiter(2, 60, clock=lambda: now[0])
    limiter.failed("a")
    limiter.failed("a", "b")
    assert limiter.wait("a") == 60 and limiter.wait("b") == 0
    now[0] = 30
    assert limiter.wait("c", "a") == 30
    now[0] = 60.5
    assert limiter.wait("a") == 0


def test_a_token_is_not_usable_in_another_scheme(office):
    token = office.tokens["adm"]["token"]
    basic = httpx.get(f"{office.url}/api/v1/me", headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 401
    assert httpx.get(f"{office.url}/api/v1/me",
                     params={"token": token}).status_code == 401
