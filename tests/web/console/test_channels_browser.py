"""The channels pages in Chromium: every sandbox channel with its state, held deliveries,
last success and failure and posting-window use; pause and resume by keyboard; checking
credentials; new credentials for a channel that needs re-authorisation through write-only
fields (never shown back); checked with axe-core and photographed in both languages."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from orchestrator.channels import admin as channel_admin
from orchestrator.domain.limits import RateLimit
from orchestrator.domain.states import ChannelState
from orchestrator.editorial import publishing, workflow
from orchestrator.pipeline.outbox import relay_now
from orchestrator.store import deliveries as delivery_rows
from tests.fixtures.browser import CHANNELS, check_accessibility, screenshot
from tests.fixtures.sandbox import credentials, demo_account, secret_account, secrets_of
from tests.web.console.test_signin_browser import tab_to


def published(console, channel: str, text: str, timeout: float = 30) -> str:
    """Write, approve and publish a post to ``channel`` through the running workers; the
    status its delivery ends in."""
    author, approver = console.as_user("ani"), console.as_user("budi")
    post_id = workflow.create_post(author, title="Uji", text=text, pillar="informatif",
                                   channels=[channel])
    workflow.submit(author, post_id)
    workflow.approve(approver, post_id)
    publishing.publish_now(approver, post_id)
    relay_now(console.ctx)
    deadline = time.monotonic() + timeout
    while True:
        with console.ctx.db.read() as conn:
            (delivery,) = delivery_rows.for_post(conn, post_id)
        if delivery.status.value in {"published", "failed"} or time.monotonic() > deadline:
            return delivery.status.value
        time.sleep(0.2)


def state_of(console, channel: str) -> ChannelState:
    return channel_admin.get_channel(console.ctx, channel).state


def test_the_channels_page_lists_every_channel_with_state_and_window_use(console):
    admin = console.as_user("kepala")
    channel_admin.update_channel(admin, "telegram-humas", rate_limits=(RateLimit(10, 3600),))
    assert published(console, "telegram-humas", "Jadwal pelayanan publik pekan ini.") \
        == "published"
    channel_admin.pause(admin, "instagram-humas")
    try:
        for lang, heading in (("en", "Channels"), ("id", "Kanal")):
            page = console.signed_in("citra", lang)
            page.goto("/channels")
            expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
            rows = page.locator("tbody tr")
            expect(rows).to_have_count(len(CHANNELS))
            for name in CHANNELS:
                expect(page.get_by_role("row", name=re.compile(name))).to_be_visible()
            telegram = page.get_by_role("row", name=re.compile("telegram-humas"))
            if lang == "en":
                expect(telegram).to_contain_text("active")
                expect(telegram).to_contain_text("1 of 10 in the last hour")
                expect(telegram).to_contain_text("WIB")  # last success, office time
                expect(page.get_by_role("row", name=re.compile("instagram-humas"))
                       ).to_contain_text("paused")
            else:
                expect(telegram).to_contain_text("aktif")
                expect(telegram).to_contain_text("1 dari 10 dalam satu jam terakhir")
            check_accessibility(page)
            screenshot(page, f"channels-{lang}")
            page.context.close()
    finally:
        channel_admin.resume(admin, "instagram-humas")


def test_pause_then_resume_by_keyboard(console):
    page = console.signed_in("citra", "en")
    page.goto("/channels")
    row = page.get_by_role("row", name=re.compile("x-humas"))
    tab_to(page, row.get_by_role("button", name="Pause"))
    page.keyboard.press("Enter")
    expect(row.get_by_role("status")).to_contain_text("x-humas is paused")
    expect(row).to_contain_text("paused")
    assert state_of(console, "x-humas") is ChannelState.PAUSED
    # the Resume button that replaced Pause has the focus: Enter again resumes
    resume = row.get_by_role("button", name="Resume")
    expect(resume).to_be_focused()
    check_accessibility(page)
    page.keyboard.press("Enter")
    expect(row.get_by_role("status")).to_contain_text("x-humas publishes again")
    expect(row.get_by_role("button", name="Pause")).to_be_focused()
    assert state_of(console, "x-humas") is ChannelState.ACTIVE


def test_check_credentials_shows_the_account_inline(console):
    page = console.signed_in("citra", "en")
    page.goto("/channels/wordpress-humas")
    expect(page.get_by_role("heading", level=1, name=re.compile("wordpress-humas"))
           ).to_be_visible()
    page.get_by_role("button", name="Check credentials").click()
    expect(page.locator(".check-result")).to_contain_text("Credentials work.")
    assert page.url.endswith("/channels/wordpress-humas")  # shown in place
    check_accessibility(page)


def test_new_credentials_for_a_channel_that_needs_re_authorisation(console, sandbox_server):
    """The platform refuses the token: the channel needs re-authorisation; an admin gives
    the credentials of another account through the write-only form, checks them and
    resumes the channel. The values appear in no page."""
    channel, platform = "facebook-humas", "facebook"
    secrets = secrets_of(platform)
    assert secrets
    sandbox_server.add_fault(platform, "expired_token", account=demo_account(platform),
                             count=1)
    try:
        assert published(console, channel, "Token halaman kedaluwarsa.") == "failed"
    finally:
        sandbox_server.clear_faults()
    assert state_of(console, channel) is ChannelState.NEEDS_REAUTH
    page = console.signed_in("kepala", "en")
    seen: list[str] = []
    page.goto("/channels")
    row = page.get_by_role("row", name=re.compile(channel))
    expect(row).to_contain_text("needs re-authorisation")
    row.get_by_role("link", name=channel).click()
    expect(page.get_by_role("heading", name="New credentials")).to_be_visible()
    seen.append(page.content())
    fields = page.locator("form[action$='/credentials'] input[type=password]")
    expect(fields).to_have_count(2)  # page_access_token, page_id: write-only, empty
    for value in fields.evaluate_all("inputs => inputs.map(i => i.value)"):
        assert value == ""
    check_accessibility(page)
    screenshot(page, "channel-en")
    new = credentials(platform, secret_account(platform))
    for key, value in new.items():
        page.get_by_label(key, exact=True).fill(value)
    page.get_by_role("button", name="Save new credentials").click()
    expect(page.get_by_role("status").first).to_contain_text("New credentials saved. Check")
    seen.append(page.content())
    page.get_by_role("button", name="Check credentials").click()
    expect(page.locator(".check-result")).to_contain_text("Credentials work.")
    seen.append(page.content())
    page.get_by_role("button", name="Resume").click()
    expect(page.locator(".state-panel .badge")).to_have_text("active")
    seen.append(page.content())
    assert state_of(console, channel) is ChannelState.ACTIVE
    page.goto("/channels")
    seen.append(page.content())
    check_accessibility(page)
    leaked = [s for s in secrets for html in seen if s in html]
    assert not leaked, "a credential value reached a page"
    assert all(page.get_by_label(k, exact=True).count() == 0 for k in new)  # list: no form


def test_incomplete_credentials_are_refused_inline_and_not_echoed(console):
    page = console.signed_in("kepala", "en")
    page.goto("/channels/telegram-humas")
    page.get_by_label("bot_token", exact=True).fill("123:SECRET-half-a-set")
    page.get_by_role("button", name="Save new credentials").click()
    expect(page.get_by_role("alert")).to_contain_text("chat_id")
    assert "SECRET-half-a-set" not in page.content()
    expect(page.get_by_label("bot_token", exact=True)).to_have_value("")
    check_accessibility(page)
    assert state_of(console, "telegram-humas") is ChannelState.ACTIVE


def test_who_may_not_give_credentials_sees_no_form_and_is_refused(console):
    page = console.signed_in("budi", "en")  # an approver
    page.goto("/channels/x-humas")
    expect(page.get_by_role("heading", level=1, name=re.compile("x-humas"))).to_be_visible()
    expect(page.get_by_role("heading", name="New credentials")).to_have_count(0)
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = page.request.post("/channels/x-humas/credentials", form={
        "csrf": csrf, "credential-bearer_token": "SECRET-forged"})
    assert answer.status == 403
    assert "SECRET-forged" not in answer.text()
    assert state_of(console, "x-humas") is ChannelState.ACTIVE
