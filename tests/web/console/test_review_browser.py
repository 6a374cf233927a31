"""The review queue in Chromium: rejecting with a reason, the author's edit shown word by
word when the post comes back, the four-eyes rule on the page and on the server, approving
by keyboard alone; both languages checked with axe-core and photographed."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from orchestrator.editorial import views, workflow
from schedules import approval
from tests.fixtures.browser import check_accessibility, screenshot
from tests.web.console.test_signin_browser import tab_to


def written(console, author: str, title: str, text: str) -> int:
    """A post submitted for review by ``author`` through the service layer."""
    ctx = console.as_user(author)
    post_id = workflow.create_post(ctx, title=title, text=text, pillar="informatif",
                                   channels=["facebook-humas", "x-humas"],
                                   at=ctx.now() + timedelta(days=3))
    approval.submit(ctx, post_id)
    return post_id


def article(page, title: str):
    return page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(title))))


def test_rejected_edited_and_resubmitted_shows_what_changed(console):
    post_id = written(console, "ani", "Vaksinasi gratis di puskesmas",
                      "Vaksinasi gratis hari Sabtu di semua puskesmas kota.")
    budi = console.signed_in("budi", "en")
    budi.goto("/review")
    check_accessibility(budi)
    item = article(budi, "Vaksinasi gratis di puskesmas")
    expect(item).to_contain_text("ani")
    item.get_by_label("Reason for rejecting (shown to the author)").fill(
        "Sebutkan jam layanan.")
    item.get_by_role("button", name="Reject").click()
    expect(budi.locator(".alert-ok")).to_contain_text(f"Post #{post_id} was rejected")

    ani = console.signed_in("ani", "en")
    ani.goto(f"/posts/{post_id}/edit")
    expect(ani.get_by_text("Sebutkan jam layanan.")).to_be_visible()
    ani.get_by_label("Text", exact=True).fill(
        "Vaksinasi gratis hari Sabtu pukul 08.00–12.00 di semua puskesmas kota.")
    ani.get_by_role("button", name="Submit for review").click()
    ani.wait_for_url(re.compile(r"/review\?submitted="))

    budi.goto("/review")
    item = article(budi, "Vaksinasi gratis di puskesmas")
    diff = item.locator(".diff")
    expect(diff).to_contain_text("Changes since budi rejected it")
    expect(diff).to_contain_text("Sebutkan jam layanan.")
    expect(diff.locator("ins")).to_contain_text("pukul 08.00–12.00")
    expect(diff.locator("del")).to_have_count(0)
    check_accessibility(budi)
    screenshot(budi, "review-en")
    budi.goto("/review?lang=id")
    expect(budi.get_by_role("heading", name="Tinjauan", level=1)).to_be_visible()
    expect(article(budi, "Vaksinasi gratis di puskesmas").locator(".diff")).to_contain_text(
        "Perubahan sejak budi menolaknya")
    check_accessibility(budi)
    screenshot(budi, "review-id")


def test_nobody_approves_their_own_post_on_the_page_or_by_force(console):
    own = written(console, "kepala", "Rapat koordinasi bulanan", "Rapat koordinasi Senin.")
    boss = console.signed_in("kepala", "en")
    boss.goto("/review")
    item = article(boss, "Rapat koordinasi bulanan")
    expect(item.get_by_role("button", name="Approve")).to_have_count(0)
    expect(item).to_contain_text("You wrote this post, so you cannot approve it")
    check_accessibility(boss)
    token = boss.locator('input[name="csrf"]').first.get_attribute("value")
    forced = boss.request.post(f"/review/{own}/approve", form={"csrf": token},
                               max_redirects=0)
    assert forced.status == 403
    assert "another approver must approve it" in forced.text()
    assert views.show_post(console.ctx, own)["status"] == "in_review"

    ani_post = written(console, "ani", "Lomba foto kota", "Lomba foto dibuka.")
    ani = console.signed_in("ani", "en")
    ani.goto("/review")
    expect(article(ani, "Lomba foto kota").get_by_role("button", name="Approve")
           ).to_have_count(0)
    token = ani.locator('input[name="csrf"]').first.get_attribute("value")
    forced = ani.request.post(f"/review/{ani_post}/approve", form={"csrf": token},
                              max_redirects=0)
    assert forced.status == 403
    assert views.show_post(console.ctx, ani_post)["status"] == "in_review"


def test_an_approver_approves_by_keyboard_alone(console):
    post_id = written(console, "dewi", "Jam layanan Ramadan", "Layanan buka 08.00–14.00.")
    page = console.signed_in("budi", "en")
    page.goto("/review")
    button = article(page, "Jam layanan Ramadan").get_by_role("button", name="Approve")
    page.keyboard.press("Tab")
    tab_to(page, button, limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/review\?approved={post_id}"))
    expect(page.locator(".alert-ok")).to_contain_text(f"Post #{post_id} was approved")
    assert views.show_post(console.ctx, post_id)["status"] == "approved"
    check_accessibility(page)
