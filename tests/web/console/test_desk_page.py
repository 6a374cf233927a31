"""The deliveries desk over HTTP: a filter with more deliveries than the desk shows says so
rather than cutting the list off silently."""

from __future__ import annotations

import httpx
import pytest

from orchestrator.access import passwords
from orchestrator.channels import admin as channel_admin
from orchestrator.domain.actor import Actor
from orchestrator.web.console import desk
from tests.fixtures.web import USERS, running_office

PASSWORD = "kata-sandi-uji-2026"
HELD = 4


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    """Four posts published while their channel is paused: four held deliveries."""
    with running_office(tmp_path_factory.mktemp("console-desk"), redis_url,
                        sandbox_server.url) as running:
        for name in USERS:
            passwords.set_password(running.ctx.acting_as(Actor("adm")), name, PASSWORD)
        channel_admin.pause(running.as_user("adm"), "telegram-prov")
        for _ in range(HELD):
            running.post("publishing", channels=("telegram-prov",))
        yield running


@pytest.fixture
def client(office):
    with httpx.Client(base_url=office.url, follow_redirects=False, timeout=30) as made:
        made.post("/signin", data={"username": "citra", "password": PASSWORD})
        yield made


def test_the_desk_says_when_it_shows_only_the_newest(client, monkeypatch):
    everything = client.get("/deliveries?status=waiting&lang=en").text
    assert everything.count('<tr id="row-') == HELD
    assert "there are more" not in everything
    monkeypatch.setattr(desk, "SHOWN_MAX", HELD - 1)
    for lang, said in (("en", "Showing the newest 3 deliveries; there are more."),
                       ("id", "Menampilkan 3 pengiriman terbaru; masih ada yang lain.")):
        page = client.get(f"/deliveries?status=waiting&lang={lang}").text
        assert said in page
        assert page.count('<tr id="row-') == HELD - 1
    table = client.get("/deliveries/table?status=waiting&lang=en").text
    assert "Showing the newest 3 deliveries" in table
