"""One edit rule through the three doors: the command line, the HTTP API and the console's
edit form change an approved post the same way (back to draft, its waiting deliveries
withdrawn, its variants changed per platform) and leave it exactly as it is when nothing
changes; a real API and console served over HTTP, the CLI in this process."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from orchestrator.access import passwords
from orchestrator.cli.main import main
from orchestrator.domain.actor import Actor
from orchestrator.editorial import views, workflow
from orchestrator.web.console.draft_form import from_post
from tests.fixtures.web import running_office

DOORS = ("cli", "api", "console")
PASSWORD = "kata-sandi-uji-2026"


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    with running_office(tmp_path_factory.mktemp("editing"), redis_url,
                        sandbox_server.url) as running:
        passwords.set_password(running.ctx.acting_as(Actor("adm")), "writer", PASSWORD)
        yield running


@pytest.fixture
def cli(office, monkeypatch, capsys):
    for key, value in (("SIARAN_DATA_DIR", str(office.ctx.settings.data_dir)),
                       ("SIARAN_DATABASE_URL", office.ctx.settings.database_url)):
        monkeypatch.setenv(key, value)

    def run(*args: str) -> str:
        code = main(["--user", "writer", *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out
    return run


def approved(office) -> int:
    """An approved post with a variant on X and one on Telegram, due in two days (and seven
    seconds: a time the console's minute field cannot show)."""
    writer = office.as_user("writer")
    post_id = workflow.create_post(
        writer, title="Layanan libur", text="Layanan tutup 17 Agustus.", pillar="informatif",
        channels=["telegram-prov", "x-prov"],
        at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=2, seconds=7),
        variants={"x": {"text": "X lama"}, "telegram": {"text": "TG lama"}})
    workflow.submit(writer, post_id)
    workflow.approve(office.as_user("reviewer"), post_id)
    return post_id


def console_save(office, post_id: int, **changed: str) -> None:
    """Open the edit page as the writer, change the named fields, save as draft."""
    with httpx.Client(base_url=office.url, follow_redirects=False, timeout=30) as client:
        signed = client.post("/signin", data={"username": "writer", "password": PASSWORD,
                                              "next": "/calendar"})
        assert signed.status_code == 303
        page = client.get(f"/posts/{post_id}/edit")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        version = re.search(r'name="version" value="([0-9a-f]*)"', page.text).group(1)
        platforms = sorted(set(re.findall(r'name="variant_([a-z]+)"', page.text)))
        draft = from_post(views.show_post(office.ctx, post_id), office.ctx.settings.timezone)
        form = {"csrf": csrf, "version": version, "title": draft.title, "text": draft.text,
                "pillar": draft.pillar, "channels": draft.channels, "timing": draft.timing,
                "at": draft.at, "kept_variants": draft.kept_json(), "action": "draft",
                **{f"variant_{p}": draft.variants.get(p, "") for p in platforms}, **changed}
        saved = client.post(f"/posts/{post_id}/edit", data=form)
        assert saved.status_code == 303, saved.text[:2000]


def edit(office, cli, door: str, post_id: int, *, x: str | None, drop_telegram: bool,
         text: str | None = None) -> None:
    """The same edit through one door: X's variant text, Telegram's removed, the text."""
    if door == "cli":
        args = [*(["--variant", f"x={x}"] if x else []),
                *(["--no-variant", "telegram"] if drop_telegram else []),
                *(["--text", text] if text else [])]
        cli("post", "edit", str(post_id), *args)
    elif door == "api":
        writer = office.api("writer")
        etag = writer.get(f"/api/v1/posts/{post_id}").headers["etag"]
        variants = {**({"x": x} if x else {}), **({"telegram": None} if drop_telegram else {})}
        body = {**({"variants": variants} if variants else {}),
                **({"text": text} if text else {})}
        assert writer.patch(f"/api/v1/posts/{post_id}", json=body,
                            headers={"If-Match": etag}).status_code == 200
    else:
        console_save(office, post_id, **({"variant_x": x} if x else {}),
                     **({"variant_telegram": ""} if drop_telegram else {}),
                     **({"text": text} if text else {}))


@pytest.mark.parametrize("door", DOORS)
def test_a_changed_approved_post_goes_back_to_draft_the_same_way_from_every_door(
        office, cli, door):
    post_id = approved(office)
    before = views.show_post(office.ctx, post_id)
    assert before["status"] == "approved" and len(before["deliveries"]) == 2
    edit(office, cli, door, post_id, x="X baru", drop_telegram=True)
    shown = views.show_post(office.ctx, post_id)
    assert shown["status"] == "draft" and shown["approver"] is None
    assert shown["deliveries"] == []
    assert shown["variants"] == {"x": {"text": "X baru"}}
    assert (shown["text"], shown["scheduled_at"], shown["channels"]) == (
        before["text"], before["scheduled_at"], before["channels"])
    event = shown["audit"][-1]
    assert (event["action"], event["actor"]) == ("edit", "writer")
    assert event["detail"] == {"changed": ["variants"], "previous": "approved",
                               "withdrawn_deliveries": 2}


@pytest.mark.parametrize("door", DOORS)
def test_an_edit_that_changes_nothing_leaves_the_approved_post_alone_from_every_door(
        office, cli, door):
    post_id = approved(office)
    before = views.show_post(office.ctx, post_id)
    edit(office, cli, door, post_id, x="X lama", drop_telegram=False, text=before["text"])
    assert views.show_post(office.ctx, post_id) == before
