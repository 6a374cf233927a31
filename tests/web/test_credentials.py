"""No answer of the API carries a credential: every response the web tests receive is scanned
(tests/fixtures/web.py) for every secret the SECRET test accounts store; here, the answers
most likely to leak one, and proof that the scan finds a planted secret."""

from __future__ import annotations

import json

from tests.fixtures.web import leaked, stored_secrets


def test_the_scan_finds_a_planted_secret(office):
    secrets = stored_secrets("http://127.0.0.1:1")
    assert "SECRET-token-1002" in secrets and "654321:SECRET-bot-token" in secrets
    body = json.dumps({"detail": "token 654321:SECRET-bot-token refused"}).encode()
    assert leaked(body, secrets) == ["654321:SECRET-bot-token"]
    assert leaked(b'{"ok": true}', secrets) == []


def test_channel_answers_name_credentials_and_never_show_them(office, sandbox):
    citra = office.api("citra")
    for name in [c["name"] for c in citra.get("/api/v1/channels").json()]:
        shown = citra.get(f"/api/v1/channels/{name}").json()
        assert shown["credential_keys"]
        assert citra.post(f"/api/v1/channels/{name}/check").status_code == 200
    sandbox.add_fault("telegram", "expired_token", account="@humas_prov", count=5)
    refused = citra.post("/api/v1/channels/telegram-prov/check").json()
    assert refused["ok"] is False and refused["detail"]


def test_every_answer_of_this_module_was_scanned(office):
    assert len(office.seen) > 10
    assert all(leaked(r.content, office.secrets) == [] for r in office.seen)
