"""Signing in and out in Chromium: the form by its labels, by keyboard alone, in both
languages, checked with axe-core and photographed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.fixtures.browser import PASSWORD, check_accessibility, screenshot, sign_in


def test_the_sign_in_page_in_both_languages_is_accessible(console):
    page = console.context("id").new_page()
    page.goto("/signin")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "signin-id")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "signin-en")


def test_a_wrong_password_is_announced_and_the_form_stays_accessible(console):
    page = console.context("en").new_page()
    page.goto("/signin?lang=en")
    page.get_by_label("Username").fill("ani")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Unknown user name or wrong password.")
    expect(page.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)


def test_sign_in_and_out_by_keyboard_alone(console):
    page = console.context("en").new_page()
    page.goto("/signin?lang=en")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("citra")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/calendar"))
    expect(page.get_by_text("citra")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signin"))
    page.goto("/calendar")
    expect(page).to_have_url(re.compile(r"/signin\?next=/calendar"))


def tab_to(page, target, limit: int = 30) -> None:
    """Press Tab until ``target`` has the focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def test_a_page_asked_for_before_signing_in_opens_after(console):
    page = console.context("en").new_page()
    page.goto("/deliveries?status=failed")
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    sign_in(page, "citra")
    expect(page).to_have_url(re.compile(r"/deliveries\?status=failed$"))


def test_an_unknown_address_is_a_page_saying_so_in_both_languages(console):
    page = console.signed_in("citra", "id")
    response = page.goto("/tidak-ada")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Tidak ditemukan")).to_be_visible()
    expect(page.get_by_text("Tidak ada halaman di alamat ini.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "error-id")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("There is no page at this address.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "error-en")
