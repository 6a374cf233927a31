"""Every write is authorised: roles once users exist, four eyes on approval, all audited."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.sandbox import credential_args
from tests.fixtures.services import run_cli

X_CREDS = credential_args("x")


@pytest.fixture
def cli(ctx, capsys):
    def run(*args: str, user: str = "admin") -> tuple[int, str, str]:
        return run_cli(capsys, "--user", user, *args)
    return run


def test_open_mode_until_the_first_user(cli):
    assert cli("user", "list")[1].startswith("no users: open mode")
    assert cli("channel", "add", "x", "--platform", "x", *X_CREDS, user="anyone")[0] == 0
    code, _, err = cli("user", "add", "ani", "--role", "author")
    assert code == 1 and "first user must have the admin role" in err


@pytest.fixture
def office(cli):
    assert cli("user", "add", "admin", "--role", "admin")[0] == 0
    for name, role in (("ani", "author"), ("budi", "approver"), ("citra", "operator")):
        assert cli("user", "add", name, "--role", role)[0] == 0
    assert cli("channel", "add", "x", "--platform", "x", *X_CREDS)[0] == 0
    return cli


def _draft(cli, user="ani") -> str:
    code, out, err = cli("post", "create", "--title", "T", "--text", "Halo", "--pillar=informatif",
                         "--channel", "x", "--json", user=user)
    assert code == 0, err
    return str(json.loads(out)["id"])


@pytest.mark.parametrize(("user", "args", "needs"), [
    ("budi", ["post", "create", "--title", "T", "--text", "t", "--pillar", "informatif",
              "--channel", "x"], "author"),
    ("ani", ["channel", "add", "y", "--platform", "x", *X_CREDS], "admin"),
    ("citra", ["user", "add", "dodi", "--role", "author"], "admin"),
    ("stranger", ["channel", "pause", "x"], "not known"),
    ("ani", ["channel", "pause", "x"], "operator"),
])
def test_roles_are_enforced_and_nothing_is_written(office, user, args, needs):
    before = office("channel", "list", "--json")[1], office("user", "list", "--json")[1]
    code, out, err = office(*args, user=user)
    assert code == 1 and needs in err and err.count("\n") == 1
    assert (office("channel", "list", "--json")[1], office("user", "list", "--json")[1]) == before


def test_the_workflow_with_separate_roles_and_four_eyes(office):
    post_id = _draft(office)
    assert office("post", "submit", post_id, user="ani")[0] == 0
    code, _, err = office("post", "approve", post_id, user="ani")
    assert code == 1 and "approver" in err
    assert office("post", "approve", post_id, user="budi")[0] == 0
    shown = json.loads(office("post", "show", post_id, "--json")[1])
    assert shown["approver"] == "budi"
    assert [(e["actor"], e["action"]) for e in shown["audit"]] == [
        ("ani", "create"), ("ani", "submit"), ("budi", "approve")]


def test_an_approver_who_wrote_the_post_cannot_approve_it(office):
    office("user", "add", "eko", "--role", "author", "--role", "approver")
    post_id = _draft(office, user="eko")
    office("post", "submit", post_id, user="eko")
    code, _, err = office("post", "approve", post_id, user="eko")
    assert code == 1 and "another approver" in err
    assert json.loads(office("post", "show", post_id, "--json")[1])["status"] == "in_review"


def test_an_approver_who_edited_the_post_cannot_approve_it(office):
    office("user", "add", "eko", "--role", "author", "--role", "approver")
    post_id = _draft(office)
    assert office("post", "edit", post_id, "--text", "Disunting eko", user="eko")[0] == 0
    assert office("post", "submit", post_id, user="ani")[0] == 0
    code, _, err = office("post", "approve", post_id, user="eko")
    assert code == 1 and "edited this post" in err
    assert office("post", "approve", post_id, user="budi")[0] == 0


def test_only_authors_edit_posts(office):
    post_id = _draft(office)
    code, _, err = office("post", "edit", post_id, "--text", "Bukan penulis", user="citra")
    assert code == 1 and "needs role admin or author" in err
    assert json.loads(office("post", "show", post_id, "--json")[1])["text"] == "Halo"
