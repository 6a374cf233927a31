"""The post page in Chromium: content, deliveries and their attempts, the audit trail, and
"Publish now" with its confirmation step, the deliveries turning published live (real
worker and scheduler processes, the sandbox's accounts counted)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from orchestrator.cli.sample_image import write_flag
from orchestrator.editorial import workflow
from tests.fixtures.browser import CHANNELS, check_accessibility, screenshot, sign_in
from tests.fixtures.sandbox import demo_account


def approved_post(console, tmp_path, text: str) -> int:
    """A post on every sandbox channel with an image, approved through the service layer."""
    image = write_flag(tmp_path / "bendera.jpg")
    author = console.as_user("ani")
    post_id = workflow.create_post(
        author, title="Jadwal vaksinasi keliling", text=text, pillar="informatif",
        channels=sorted(CHANNELS), at=datetime.now(UTC) + timedelta(days=2),
        media=[(str(image), "Bendera Merah Putih berkibar di halaman kantor")],
        variants={"wordpress": {"title": "Jadwal vaksinasi keliling pekan ini"}})
    workflow.submit(author, post_id)
    workflow.approve(console.as_user("budi"), post_id)
    return post_id


def test_publish_now_from_the_post_page_publishes_every_delivery_live(console, tmp_path,
                                                                      sandbox):
    text = f"Vaksinasi keliling hadir di kelurahan Anda pekan ini. {uuid.uuid4().hex[:6]}"
    post_id = approved_post(console, tmp_path, text)
    page = console.signed_in("budi", "en")
    page.goto(f"/posts/{post_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jadwal vaksinasi keliling")
    expect(page.get_by_text("Bendera Merah Putih berkibar di halaman kantor")).to_be_visible()
    image = page.get_by_role("img", name="Bendera Merah Putih berkibar di halaman kantor")
    expect(image).to_be_visible()  # the image itself, its alt text as its name
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    check_accessibility(page)

    page.get_by_role("button", name="Publish now").click()
    confirm = page.get_by_role("button", name="Yes, publish now")
    expect(confirm).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("now\\?"))).to_be_focused()
    check_accessibility(page)
    confirm.click()

    expect(page.get_by_role("status").filter(has_text="Publishing started")).to_be_visible()
    deliveries = page.locator(".delivery")
    expect(deliveries).to_have_count(len(CHANNELS))
    expect(page.locator(".delivery .s-published")).to_have_count(len(CHANNELS), timeout=60_000)
    # once nothing is in flight the page stops asking
    expect(page.locator("[hx-trigger='every 1s']")).to_have_count(0)
    expect(page.locator("#live")).to_contain_text("published")
    expect(page.locator("#post-status")).to_contain_text("published")
    for name, platform in CHANNELS.items():
        card = deliveries.filter(has=page.get_by_role("heading", name=f"{name} ({platform})"))
        expect(card.get_by_role("link", name=re.compile("^View on"))).to_have_attribute(
            "href", re.compile("^https?://"))
        expect(card.locator(".timeline li")).to_have_count(1)
    expect(page.get_by_role("cell", name="published now publish_now")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "post-en")
    for platform in set(CHANNELS.values()):
        received = [p for p in sandbox.posts(platform, demo_account(platform))
                    if text[:40] in str(p.text)]
        assert len(received) == 1, (platform, received)

    page.goto(f"/posts/{post_id}?lang=id")
    expect(page.get_by_role("heading", name="Jejak audit")).to_be_visible()
    expect(page.locator("dl").get_by_text("Informatif", exact=True)).to_be_visible()  # label
    for said, code in (("disetujui", "approve"), ("diterbitkan sekarang", "publish_now")):
        expect(page.get_by_role("cell", name=f"{said} {code}")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "post-id")


def test_the_confirmation_step_works_without_javascript(console, tmp_path, sandbox):
    post_id = approved_post(console, tmp_path, f"Tanpa skrip {uuid.uuid4().hex[:6]}")
    context = console.context("en", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "budi")
    page.goto(f"/posts/{post_id}")
    page.get_by_role("button", name="Publish now").click()
    expect(page).to_have_url(re.compile(f"/posts/{post_id}/publish\\??$"))
    scripted = console.signed_in("budi", "en")
    scripted.goto(f"/posts/{post_id}/publish")
    check_accessibility(scripted)  # axe needs scripts; the page is the same
    screenshot(scripted, "post-publish-en")
    page.get_by_role("button", name="Yes, publish now").click()
    expect(page).to_have_url(re.compile(f"/posts/{post_id}\\?queued=5$"))
    expect(page.get_by_text("Publishing started: 5 deliveries queued.")).to_be_visible()


def test_publish_now_is_not_offered_to_an_author(console, tmp_path, sandbox):
    post_id = approved_post(console, tmp_path, f"Hanya dilihat {uuid.uuid4().hex[:6]}")
    page = console.signed_in("dewi", "en")
    page.goto(f"/posts/{post_id}")
    expect(page.get_by_role("heading", name="Deliveries")).to_be_visible()
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
