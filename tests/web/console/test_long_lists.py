"""Long lists over HTTP: the deliveries desk and the tokens list show the newest rows and say
when there are more, rather than cutting the list off silently."""

from __future__ import annotations

import pytest

from orchestrator.access import tokens
from orchestrator.channels import admin as channel_admin
from orchestrator.web.console import desk, users
from tests.fixtures.web import console_client, console_office

HELD = 4


@pytest.fixture(scope="module")
def office(tmp_path_factory, redis_url, sandbox_server):
    """Four posts published while their channel is paused: four held deliveries."""
    with console_office(tmp_path_factory.mktemp("console-desk"), redis_url,
                        sandbox_server.url) as running:
        channel_admin.pause(running.as_user("adm"), "telegram-prov")
        for _ in range(HELD):
            running.post("publishing", channels=("telegram-prov",))
        yield running


@pytest.fixture
def client(office):
    with console_client(office, "citra") as made:
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


def test_the_tokens_list_shows_the_newest_and_says_there_are_more(office, monkeypatch):
    admin = office.as_user("adm")
    newest = tokens.create_token(admin, "ani", label="paling-baru")["id"]
    monkeypatch.setattr(users, "TOKENS_SHOWN", 2)
    with console_client(office, "adm") as client:
        page = client.get("/users?lang=en").text
        assert page.count('<tr id="token-') == 2
        assert f'id="token-{newest + 1}"' in page  # this sign-in's own session, then
        assert f'id="token-{newest}"' in page
        assert "Showing the newest 2 tokens; `siaran token list` lists them all." in page
        oldest = tokens.list_tokens(admin, limit=1)[0]["id"]
        confirm = client.get(f"/tokens/{oldest}/revoke?lang=en")  # not listed, still found
        assert confirm.status_code == 200 and f"#{oldest}<" in confirm.text
        assert client.get("/tokens/99999/revoke?lang=en").status_code == 404
