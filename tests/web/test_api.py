"""The API's HTTP contract: problem+json errors with every broken rule, idempotent creation,
edits guarded by ETags, pages, body limits, the audit of who acted from where, and shapes
equal to the CLI's."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from orchestrator.cli.main import main
from orchestrator.cli.sample_image import FLAG_JPEG
from tests.fixtures.web import running_office


def new_post(**extra) -> dict:
    return {"title": "Uji", "text": f"Pengumuman {uuid.uuid4().hex[:8]}",
            "pillar": "informatif", "channels": ["telegram-prov"], **extra}


def test_create_answers_with_the_post_as_shown_and_its_etag(office):
    ani = office.api("ani")
    created = ani.post("/api/v1/posts", json=new_post(variants={"x": "Teks X"},
                                                       channels=["telegram-prov", "x-prov"]))
    assert created.status_code == 201
    shown = ani.get(f"/api/v1/posts/{created.json()['id']}")
    assert shown.json() == created.json()
    assert shown.headers["etag"] == f'"{shown.json()["etag"]}"'
    assert created.json()["variants"] == {"x": {"text": "Teks X"}}
    assert created.json()["author"] == "ani" and created.json()["status"] == "draft"


def test_post_shape_is_the_clis_plus_nothing_missing(office, capsys, monkeypatch):
    post_id = office.post("approved")
    for key, value in (("SIARAN_DATA_DIR", str(office.ctx.settings.data_dir)),
                       ("SIARAN_DATABASE_URL", office.ctx.settings.database_url)):
        monkeypatch.setenv(key, value)
    assert main(["post", "show", str(post_id), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    api = office.api("budi").get(f"/api/v1/posts/{post_id}").json()
    assert api == cli
    assert main(["calendar", "--json"]) == 0
    cli_calendar = json.loads(capsys.readouterr().out)
    api_calendar = office.api("budi").get("/api/v1/calendar?limit=1000").json()
    assert api_calendar == cli_calendar


def test_validation_lists_every_broken_rule_by_field(office):
    ani = office.api("ani")
    refused = ani.post("/api/v1/posts", json=new_post(title=" ", pillar="", channels=[],
                                                       at="2001-01-01T00:00+07:00",
                                                       variants={"myspace": "hai"}))
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"] == "urn:siaran:problem:validation" and problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"title", "pillar", "channels", "at",
                                                      "variants/myspace"}
    schema = ani.post("/api/v1/posts", json={"title": 1, "channels": "x"})
    assert schema.status_code == 422 and schema.json()["errors"]
    assert {e["field"] for e in schema.json()["errors"]} >= {"body/title", "body/text"}


def test_submit_lists_each_platform_rule_the_post_breaks(office):
    ani = office.api("ani")
    image = ani.post("/api/v1/media", files={"file": ("f.jpg", FLAG_JPEG, "image/jpeg")})
    post = ani.post("/api/v1/posts", json=new_post(
        text="x" * 5000, channels=["telegram-prov", "x-prov"],
        media=[{"id": image.json()["id"], "alt": "Bendera"}])).json()
    refused = ani.post(f"/api/v1/posts/{post['id']}/submit")
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert "channels/telegram-prov" in fields and "channels/x-prov" in fields


def test_an_image_needs_its_alt_text_and_media_must_exist(office):
    ani = office.api("ani")
    image = ani.post("/api/v1/media", files={"file": ("f.jpg", FLAG_JPEG, "image/jpeg")})
    assert image.status_code == 201 and image.json()["mime"] == "image/jpeg"
    again = ani.post("/api/v1/media", files={"file": ("g.jpg", FLAG_JPEG, "image/jpeg")})
    assert again.json()["id"] == image.json()["id"]
    refused = ani.post("/api/v1/posts", json=new_post(media=[
        {"id": image.json()["id"], "alt": "  "}, {"id": "f" * 64, "alt": "x"}]))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["media/0/alt", "media/1/id"]
    text = ani.post("/api/v1/media", files={"file": ("a.jpg", b"not an image", "image/jpeg")})
    assert text.status_code == 422 and "a.jpg" in text.json()["detail"]


def test_idempotency_key_replays_and_refuses_another_body(office):
    ani = office.api("ani")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = new_post()
    first = ani.post("/api/v1/posts", json=body, headers=key)
    before = len(ani.get("/api/v1/posts?limit=1000").json())
    again = ani.post("/api/v1/posts", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert len(ani.get("/api/v1/posts?limit=1000").json()) == before
    other = ani.post("/api/v1/posts", json={**body, "title": "Lain"}, headers=key)
    assert other.status_code == 409
    assert other.json()["type"] == "urn:siaran:problem:idempotency-key-reused"
    mine = office.api("writer").post("/api/v1/posts", json=body, headers=key)
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]


def test_a_failed_request_lets_go_of_its_key(office):
    ani = office.api("ani")
    key = {"Idempotency-Key": uuid.uuid4().hex}
    bad = ani.post("/api/v1/posts", json=new_post(channels=["nowhere"]), headers=key)
    assert bad.status_code == 422
    assert ani.post("/api/v1/posts", json=new_post(), headers=key).status_code == 201


def test_edits_need_the_current_etag(office):
    ani = office.api("ani")
    post = ani.post("/api/v1/posts", json=new_post()).json()
    path = f"/api/v1/posts/{post['id']}"
    assert ani.patch(path, json={"title": "Baru"}).status_code == 428
    first = ani.patch(path, json={"title": "Baru"}, headers={"If-Match": f'"{post["etag"]}"'})
    assert first.status_code == 200 and first.json()["title"] == "Baru"
    assert first.json()["etag"] != post["etag"]
    stale = ani.patch(path, json={"title": "Tertimpa"},
                      headers={"If-Match": f'"{post["etag"]}"'})
    assert stale.status_code == 412
    assert ani.get(path).json()["title"] == "Baru"
    assert ani.post(f"{path}/submit").status_code == 200
    submitted = ani.patch(path, json={"title": "X"},
                          headers={"If-Match": first.headers["etag"]})
    assert submitted.status_code == 412  # the status is part of the version
    current = ani.get(path).headers["etag"]
    back = ani.patch(path, json={"title": "X"}, headers={"If-Match": current})
    assert back.status_code == 200 and back.json()["status"] == "draft"
    publishing = office.post("publishing")
    current = ani.get(f"/api/v1/posts/{publishing}").headers["etag"]
    late = ani.patch(f"/api/v1/posts/{publishing}", json={"title": "X"},
                     headers={"If-Match": current})
    assert late.status_code == 409 and late.json()["type"].endswith("invalid-transition")


def test_an_edit_that_changes_nothing_keeps_the_approval_and_the_etag(office):
    post_id = office.post("approved")
    writer = office.api("writer")
    shown = writer.get(f"/api/v1/posts/{post_id}")
    same = writer.patch(f"/api/v1/posts/{post_id}", headers={"If-Match": shown.headers["etag"]},
                        json={"title": "Uji", "text": shown.json()["text"]})
    assert same.status_code == 200 and same.json() == shown.json()
    assert same.headers["etag"] == shown.headers["etag"]
    empty = writer.patch(f"/api/v1/posts/{post_id}", headers={"If-Match": shown.headers["etag"]},
                         json={})
    assert empty.status_code == 422 and "nothing to change" in empty.json()["detail"]


def test_variants_are_replaced_or_removed_per_platform(office):
    ani = office.api("ani")
    post = ani.post("/api/v1/posts", json=new_post(
        channels=["telegram-prov", "x-prov"],
        variants={"x": {"text": "X", "hashtags": "#Info"}, "telegram": "TG"})).json()
    path = f"/api/v1/posts/{post['id']}"
    edited = ani.patch(path, headers={"If-Match": post["etag"]},
                       json={"variants": {"x": {"hashtags": "#Baru"}, "facebook": None}})
    assert edited.status_code == 200
    assert edited.json()["variants"] == {"x": {"hashtags": "#Baru"}, "telegram": {"text": "TG"}}
    removed = ani.patch(path, headers={"If-Match": edited.headers["etag"]},
                        json={"variants": {"telegram": None}})
    assert removed.json()["variants"] == {"x": {"hashtags": "#Baru"}}
    cleared = ani.patch(path, headers={"If-Match": removed.headers["etag"]},
                        json={"variants": None})
    assert cleared.status_code == 200 and cleared.json()["variants"] == {}
    audit = [e["detail"].get("changed") for e in cleared.json()["audit"]
             if e["action"] == "edit"]
    assert audit == [["variants"]] * 3


def test_editing_a_rejected_post_makes_it_a_draft_again(office):
    post_id = office.post("rejected")
    writer = office.api("writer")
    etag = writer.get(f"/api/v1/posts/{post_id}").headers["etag"]
    edited = writer.patch(f"/api/v1/posts/{post_id}", headers={"If-Match": etag},
                          json={"text": "Sudah diperbaiki.", "at": None})
    assert edited.status_code == 200
    assert edited.json()["status"] == "draft" and edited.json()["scheduled_at"] is None
    assert [e["action"] for e in edited.json()["audit"]][-1] == "edit"


def test_lists_are_pages_with_a_link_to_the_next(office):
    for _ in range(3):
        office.post()
    budi = office.api("budi")
    first = budi.get("/api/v1/posts?limit=2")
    assert len(first.json()) == 2 and 'rel="next"' in first.headers["link"]
    following = first.headers["link"].split(";")[0].strip("<>")
    second = budi.get(following)
    assert second.status_code == 200
    assert not {p["id"] for p in first.json()} & {p["id"] for p in second.json()}
    assert "link" not in budi.get("/api/v1/posts?limit=1000").headers
    assert budi.get("/api/v1/posts?limit=0").status_code == 422


def test_calendar_filters_by_channel_pillar_and_status(office):
    budi = office.api("budi")
    post_id = office.post("approved", channels=("x-prov",))
    found = budi.get("/api/v1/calendar", params={"from": "2026-01-01", "to": "2099-01-01",
                                                 "channel": "x-prov", "status": "approved"})
    assert post_id in [p["id"] for p in found.json()]
    assert all("x-prov" in p["channels"] and p["status"] == "approved" for p in found.json())
    assert budi.get("/api/v1/calendar", params={"pillar": "tidak-ada"}).json() == []
    backwards = budi.get("/api/v1/calendar", params={"from": "2030-01-02", "to": "2030-01-01"})
    assert backwards.status_code == 422
    overflow = budi.get("/api/v1/calendar", params={"from": "9999-12-31T23:00-12:00"})
    assert overflow.status_code == 422


def test_deliveries_filter_by_status_channel_platform_and_error_kind(office):
    post_id = office.post("publishing", channels=("x-prov", "telegram-prov"))
    budi = office.api("budi")
    found = budi.get("/api/v1/deliveries", params={"status": "queued", "platform": "x"})
    assert post_id in [d["post_id"] for d in found.json()]
    assert all(d["platform"] == "x" and d["status"] == "queued" for d in found.json())
    by_channel = budi.get("/api/v1/deliveries", params={"channel": "telegram-prov",
                                                        "post_id": post_id}).json()
    assert [d["channel"] for d in by_channel] == ["telegram-prov"]
    assert budi.get("/api/v1/deliveries", params={"error_kind": "nothing-like-it"}).json() == []


def test_channel_show_lists_credential_names_and_health(office):
    shown = office.api("citra").get("/api/v1/channels/x-prov").json()
    assert shown["credential_keys"] == ["access_token", "access_token_secret",
                                        "consumer_key", "consumer_secret"]
    assert set(shown["health"]["deliveries"]) >= {"queued", "published", "failed"}
    assert office.api("citra").get("/api/v1/channels/nope").status_code == 404


def test_every_write_is_audited_with_user_token_and_address(office, capsys, monkeypatch):
    budi = office.api("budi")
    post_id = office.post("in_review")
    assert budi.post(f"/api/v1/posts/{post_id}/approve").status_code == 200
    trail = budi.get(f"/api/v1/posts/{post_id}/audit").json()
    approve = trail[-1]
    assert approve["action"] == "approve" and approve["actor"] == "budi"
    assert approve["token_id"] == office.tokens["budi"]["id"]
    assert approve["origin"] == "127.0.0.1"
    monkeypatch.setenv("SIARAN_DATA_DIR", str(office.ctx.settings.data_dir))
    monkeypatch.setenv("SIARAN_DATABASE_URL", office.ctx.settings.database_url)
    assert main(["--user", "reviewer", "post", "cancel", str(post_id)]) == 0
    capsys.readouterr()
    by_cli = budi.get(f"/api/v1/posts/{post_id}/audit").json()[-1]
    assert (by_cli["action"], by_cli["origin"], by_cli["token_id"]) == ("cancel", "cli", None)
    log = office.api("adm").get("/api/v1/audit", params={"actor": "budi"}).json()
    assert log[0]["entity"] == "post" and log[0]["origin"] == "127.0.0.1"


def test_request_bodies_are_size_limited(office):
    ani = office.api("ani")
    huge = ani.post("/api/v1/posts", content=b"{" + b" " * (2 << 20) + b"}",
                    headers={"content-type": "application/json"})
    assert huge.status_code == 413 and huge.json()["status"] == 413

    def chunks():
        yield json.dumps(new_post()).encode()

    chunked = ani.post("/api/v1/posts", content=chunks(),
                       headers={"content-type": "application/json"})
    assert chunked.status_code == 411


def test_unknown_routes_and_methods_answer_in_problem_json(office):
    adm = office.api("adm")
    missing = adm.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert adm.request("DELETE", "/api/v1/posts").status_code == 405
    assert adm.get("/api/v1/posts/99999999").json()["type"] == "urn:siaran:problem:not-found"
    assert adm.get("/api/v1/posts/abc").status_code == 422


def test_docs_load_nothing_from_elsewhere(office):
    page = office.api().get("/api/docs").text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert f'"/api/static/swagger-ui/{asset}"' in page
        assert office.api().get(f"/api/static/swagger-ui/{asset}").status_code == 200
    assert "http://" not in page and "https://" not in page
    assert office.api().get("/api/static/swagger-ui/LICENSE").status_code == 200


def test_cors_is_off_unless_configured(office, tmp_path, redis_url, sandbox_server):
    asked = {"Origin": "https://humas.example.go.id", "Access-Control-Request-Method": "GET"}
    plain = httpx.options(f"{office.url}/api/v1/posts", headers=asked)
    assert "access-control-allow-origin" not in plain.headers
    with running_office(tmp_path, redis_url, sandbox_server.url,
                        SIARAN_WEB_CORS_ORIGINS="https://humas.example.go.id") as other:
        allowed = httpx.options(f"{other.url}/api/v1/posts", headers=asked)
        assert allowed.headers["access-control-allow-origin"] == asked["Origin"]
        elsewhere = httpx.options(f"{other.url}/api/v1/posts",
                                  headers={**asked, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in elsewhere.headers


@pytest.mark.parametrize("missing", ["channels", "text"])
def test_a_missing_field_is_named(office, missing):
    body = new_post()
    del body[missing]
    refused = office.api("ani").post("/api/v1/posts", json=body)
    assert refused.status_code == 422
    assert f"body/{missing}" in [e["field"] for e in refused.json()["errors"]]


def test_the_api_says_the_services_messages_in_english(office):
    ani = office.api("ani")
    post = ani.post("/api/v1/posts", json=new_post(text="x" * 300, channels=["x-prov"])).json()
    refused = ani.post(f"/api/v1/posts/{post['id']}/submit")
    assert refused.status_code == 422
    assert refused.json()["detail"] == (f"post {post['id']} breaks 1 platform rule: x-prov: "
                                        "text weighs 300 characters, limit 280")
    assert refused.json()["errors"] == [
        {"field": "channels/x-prov", "detail": "text weighs 300 characters, limit 280"}]
