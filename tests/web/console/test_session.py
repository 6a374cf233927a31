"""Signing in and out of the console over HTTP: the cookie's flags, CSRF, throttling, the
language choice, where errors go."""

from __future__ import annotations

import re

import httpx
import pytest

from orchestrator.access import tokens
from tests.fixtures.web import CONSOLE_PASSWORD as PASSWORD
from tests.fixtures.web import console_office


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    with console_office(tmp_path_factory.mktemp("console-session"), redis_url,
                        sandbox_server.url) as running:
        yield running


def browser(office) -> httpx.Client:
    return httpx.Client(base_url=office.url, follow_redirects=False, timeout=30)


def sign_in(client: httpx.Client, user: str = "ani", password: str = PASSWORD,
            next_path: str = "/calendar") -> httpx.Response:
    return client.post("/signin", data={"username": user, "password": password,
                                        "next": next_path})


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def test_the_sign_in_page_speaks_indonesian_unless_english_is_asked_for(office):
    with browser(office) as client:
        page = client.get("/signin")
        assert page.status_code == 200
        assert '<html lang="id">' in page.text
        assert ">Nama pengguna</label>" in page.text and ">Masuk</button>" in page.text
        english = client.get("/signin?lang=en")
        assert ">Username</label>" in english.text and ">Sign in</button>" in english.text
        assert "siaran_lang=en" in english.headers["set-cookie"]
        # the choice sticks
        assert ">Password</label>" in client.get("/signin").text
        assert ">Kata sandi</label>" in client.get("/signin?lang=id").text


def test_a_wrong_password_is_refused_with_the_same_words_as_an_unknown_user(office):
    with browser(office) as client:
        wrong = sign_in(client, "budi", "bukan-kata-sandinya")
        unknown = sign_in(client, "tidak-ada", "bukan-kata-sandinya")
    assert wrong.status_code == unknown.status_code == 401
    assert "Nama pengguna tidak dikenal atau kata sandi salah." in wrong.text
    assert "siaran_session" not in wrong.headers.get("set-cookie", "")
    assert 'value="budi"' in wrong.text and "bukan-kata-sandinya" not in wrong.text


def test_signing_in_sets_an_http_only_lax_cookie_and_returns_to_the_page_asked_for(office):
    with browser(office) as client:
        answer = sign_in(client, next_path="/deliveries?status=failed")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/deliveries?status=failed"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("siaran_session=siaran_")
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie
        # the session is a token of its user, listed with the others (as a hash only)
        listed = tokens.list_tokens(office.as_user("adm"))
        assert any(t["user"] == "ani" and t["label"] == "console" and t["state"] == "active"
                   for t in listed)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "/signin?next=/x"])
def test_sign_in_never_sends_the_browser_off_site(office, target):
    with browser(office) as client:
        assert sign_in(client, next_path=target).headers["location"] == "/calendar"


def test_a_sign_in_form_posted_from_another_site_is_refused(office):
    with browser(office) as client:
        answer = client.post("/signin", data={"username": "ani", "password": PASSWORD},
                             headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert "siaran_session" not in answer.headers.get("set-cookie", "")


def test_pages_need_a_session_and_send_the_browser_to_sign_in(office):
    with browser(office) as client:
        answer = client.get("/deliveries?status=failed")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/deliveries%3Fstatus%3Dfailed"


def test_sign_out_needs_the_csrf_token_and_revokes_the_session(office):
    with browser(office) as client:
        sign_in(client, "citra")
        session = client.cookies["siaran_session"]
        refused = client.post("/signout", data={"csrf": "0" * 64})
        assert refused.status_code == 403
        assert "reload the page" in refused.text
        form = client.get("/signin?next=/signin")  # signed in: sent on, so read a page
        assert form.status_code == 303
        page = client.get("/no-such-page")
        assert page.status_code == 404 and "citra" in page.text
        out = client.post("/signout", data={"csrf": csrf_of(page)})
        assert out.status_code == 303 and out.headers["location"] == "/signin"
    # the old cookie is worth nothing now
    with httpx.Client(base_url=office.url, cookies={"siaran_session": session}) as stale:
        assert stale.get("/deliveries").status_code == 303
    with pytest.raises(Exception, match="revoked"):
        tokens.authenticate(office.ctx, session)


def test_failed_sign_ins_are_throttled(tmp_path, redis_url, sandbox_server):
    with console_office(tmp_path, redis_url, sandbox_server.url,
                        SIARAN_WEB_AUTH_FAILURES="3/300") as office, browser(office) as client:
        for _ in range(3):
            assert sign_in(client, "budi", "salah-salah-salah").status_code == 401
        throttled = sign_in(client, "budi", PASSWORD)
    assert throttled.status_code == 429
    assert "Coba lagi dalam" in throttled.text
    assert "siaran_session" not in throttled.headers.get("set-cookie", "")


def test_errors_are_pages_on_the_console_and_problems_on_the_api(office):
    with browser(office) as client:
        stranger = client.get("/no-such-page")
        sign_in(client, "ani")
        page = client.get("/no-such-page")
        api = client.get("/api/v1/no-such-thing")
    assert stranger.status_code == 303  # addresses are not told to strangers
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Tidak ada halaman di alamat ini." in page.text
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_every_page_carries_a_content_security_policy(office):
    with browser(office) as client:
        page = client.get("/signin")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script anywhere
    assert page.headers["x-content-type-options"] == "nosniff"
