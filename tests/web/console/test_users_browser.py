"""The users and tokens page in Chromium (admins): adding a user with roles, setting a
password by the command line's rules (what is wrong shown by the field), that user signing
in; a token shown once that works against the API, then revoked and refused; console
sign-ins listed as tokens; others refused. Checked with axe-core, photographed in both
languages."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.fixtures.browser import check_accessibility, screenshot, sign_in

NEW_PASSWORD = "lembar-kerja-humas-77"


def test_an_admin_adds_a_user_who_then_signs_in(console):
    page = console.signed_in("kepala", "en")
    page.goto("/users")
    expect(page.get_by_role("heading", level=1, name="Users and tokens")).to_be_visible()
    page.get_by_label("User name").fill("eka")
    page.get_by_role("group", name="Roles").get_by_label("author").check()
    page.get_by_role("group", name="Roles").get_by_label("approver").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("#main").get_by_role("status")).to_contain_text("User eka added")
    expect(page.get_by_role("row", name=re.compile("^eka"))).to_contain_text("approver, author")
    # the command line's password rules, said next to the field
    page.get_by_label("User", exact=True).select_option("eka")
    page.get_by_label("New password").fill("eka12345")
    page.get_by_role("button", name="Set password").click()
    errors = page.locator("#password-errors")
    expect(errors).to_contain_text("a password has at least 12 characters")
    expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("New password")).to_have_value("")
    check_accessibility(page)
    page.get_by_label("User", exact=True).select_option("eka")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#main").get_by_role("status")).to_contain_text(
        "The password of eka is set.")
    newcomer = console.context("en").new_page()
    sign_in(newcomer, "eka", "en", password=NEW_PASSWORD)
    expect(newcomer.get_by_text("eka", exact=True)).to_be_visible()
    # the newcomer's sign-in is a token labelled "console"
    page.goto("/users")
    expect(page.get_by_role("row", name=re.compile(r"^console #\d+")).filter(
        has_text="eka")).to_have_count(1)
    newcomer.context.close()


def test_a_weak_password_is_explained_in_indonesian(console):
    page = console.signed_in("kepala", "id")
    page.goto("/users")
    page.get_by_role("form", name="Atur kata sandi").get_by_label("Pengguna").select_option("dewi")
    page.get_by_label("Kata sandi baru").fill("1234567")
    page.get_by_role("button", name="Atur kata sandi").click()
    expect(page.locator("#password-errors")).to_contain_text(
        "kata sandi yang hanya angka mudah ditebak")
    check_accessibility(page)


def test_a_token_is_shown_once_works_and_is_refused_once_revoked(console):
    page = console.signed_in("kepala", "en")
    page.goto("/users")
    form = page.locator("form[action='/tokens']")
    form.get_by_label("For user").select_option("citra")
    form.get_by_label("Label").fill("pemantauan")
    form.get_by_label("Expires after (days)").fill("30")
    form.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", level=1, name="Token created")).to_be_visible()
    expect(page.get_by_text("Copy it now")).to_be_visible()
    token = page.get_by_label("The token").input_value()
    assert token.startswith("siaran_")
    check_accessibility(page)
    screenshot(page, "token-created-en")
    with httpx.Client(base_url=console.url, timeout=30) as api:
        me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["name"] == "citra"
        page.get_by_role("link", name="Back to users and tokens").click()
        assert token not in page.content()  # never shown again
        row = page.get_by_role("row", name=re.compile(r"^pemantauan #\d+"))
        expect(row).to_contain_text("citra")
        expect(row).to_contain_text("active")
        row.get_by_role("link", name="Revoke").click()
        expect(page.get_by_role("heading", level=1, name="Revoke token")).to_be_visible()
        check_accessibility(page)
        screenshot(page, "token-revoke-en")
        page.get_by_role("button", name="Revoke token").click()
        expect(page.locator("#main").get_by_role("status")).to_contain_text("revoked")
        expect(page.get_by_role("row", name=re.compile(r"^pemantauan #\d+"))
               ).to_contain_text("revoked")
        refused = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401


def test_the_page_in_both_languages(console):
    for lang, heading in (("en", "Users and tokens"), ("id", "Pengguna dan token")):
        page = console.signed_in("kepala", lang)
        page.goto("/users")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(page.get_by_role("link", name={"en": "Users", "id": "Pengguna"}[lang],
                                exact=True)).to_have_attribute("aria-current", "page")
        for name in ("kepala", "ani", "budi", "citra", "dewi"):
            expect(page.get_by_role("row", name=re.compile(f"^{name}"))).to_have_count(1)
        check_accessibility(page)
        screenshot(page, f"users-{lang}")
        page.context.close()


def test_someone_not_an_admin_is_refused_and_has_no_link(console):
    page = console.signed_in("citra", "en")
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    answer = page.goto("/users")
    assert answer.status == 403
    expect(page.get_by_role("heading", level=1, name="Not allowed")).to_be_visible()
    check_accessibility(page)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    refused = page.request.post("/tokens", form={"csrf": csrf, "user": "citra"})
    assert refused.status == 403
