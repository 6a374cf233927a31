"""The calendar in Chromium: month, week and list views of a month with posts in every
state and pillar, in the office's zone; filters; a failed delivery that cannot be missed and
tells its reason on focus; tiles that open their post; both languages; axe-core on each view
and screenshots for the documentation."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from orchestrator.domain.states import DeliveryStatus as D
from tests.fixtures.browser import check_accessibility, screenshot
from tests.fixtures.calendar import Planned, write

FAILED_REASON = "403 Forbidden: Status is a duplicate. (code 187)"
UNKNOWN_REASON = "timed out after 30 s waiting for the platform's answer"
TITLES = ["Jadwal layanan SIM keliling", "Imbauan waspada banjir rob",
          "Kuis Hari Pahlawan", "Rapat koordinasi percepatan vaksinasi",
          "Pembukaan pendaftaran beasiswa daerah", "Tanya jawab langsung bersama Bupati",
          "Tips hemat energi di rumah", "Penutupan sementara Jalan Merdeka",
          "Laporan realisasi anggaran triwulan", "Lomba foto kearifan lokal"]
PILLARS = ["informatif", "informatif", "interaktif", "informatif", "edukasi-hiburan"]
CHANNEL_SETS = [("x-humas", "facebook-humas"), ("instagram-humas", "facebook-humas"),
                ("telegram-humas", "wordpress-humas", "x-humas"), ("facebook-humas",)]


@pytest.fixture(scope="module")
def month(console):
    """This month (the office's zone), 1–3 posts a day: the past published, the future
    scheduled, one held; a failed and an unknown delivery on fixed days."""
    tz = console.ctx.settings.timezone
    now = datetime.now(tz)
    first = now.date().replace(day=1)
    planned, n = [], 0
    for day in range(28):
        for slot in range(1 + day % 3):
            at = datetime.combine(first + timedelta(days=day), time(8 + 4 * slot, (30 * slot) % 60),
                                  tzinfo=tz)
            channels = CHANNEL_SETS[n % len(CHANNEL_SETS)]
            done = at < now + timedelta(hours=1)
            states = dict.fromkeys(channels, D.PUBLISHED if done else D.PENDING)
            if not done and n % 9 == 4:
                states[channels[0]] = D.HELD
            planned.append(Planned(TITLES[n % len(TITLES)], at, PILLARS[n % len(PILLARS)],
                                   states, "channel paused by the operator" if n % 9 == 4
                                   else None))
            n += 1
    failed_at = datetime.combine(first + timedelta(days=2), time(7, 15), tzinfo=tz)
    unknown_at = datetime.combine(first + timedelta(days=4), time(6, 45), tzinfo=tz)
    planned += [Planned("Pengumuman seleksi CPNS", failed_at, "informatif",
                        {"x-humas": D.FAILED, "facebook-humas": D.PUBLISHED}, FAILED_REASON),
                Planned("Siaran pers penanganan kebakaran", unknown_at, "informatif",
                        {"telegram-humas": D.UNKNOWN}, UNKNOWN_REASON)]
    ids = write(console.ctx, planned)
    return {"first": first, "failed": ids[-2], "unknown": ids[-1], "failed_at": failed_at,
            "count": len(ids)}


def test_the_month_in_english_shows_tiles_with_badges_in_the_office_zone(console, month):
    page = console.signed_in("ani", "en")
    expect(page).to_have_url(re.compile(r"/calendar$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calendar")
    expect(page.get_by_text("Times in WIB (Asia/Jakarta)")).to_be_visible()
    tile = page.locator(f"a[href='/posts/{month['failed']}']")
    expect(tile).to_contain_text("07:15")
    expect(tile).to_contain_text("Pengumuman seleksi CPNS")
    expect(tile).to_contain_text("Informative")
    expect(tile.locator("p > .failed")).to_have_text("failed")
    expect(tile.locator("p > .published")).to_have_text("published")
    expect(page.locator(f"a[href='/posts/{month['unknown']}'] p > .unknown")).to_have_text(
        "unknown")
    expect(page.locator(".ts p .scheduled").first).to_have_text("scheduled")
    expect(page.get_by_role("complementary", name="Pillar mix")).to_contain_text("Edutainment")
    check_accessibility(page)
    screenshot(page, "calendar-month-en")


def test_the_language_switch_keeps_the_period_in_both_directions(console, month):
    page = console.signed_in("budi", "id")
    previous = page.get_by_role("link", name=re.compile("Sebelumnya"))
    previous.click()
    expect(page).to_have_url(re.compile(r"view=month&date="))
    page.get_by_role("link", name="Berikutnya →").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kalender")
    expect(page.get_by_text("Waktu dalam WIB (Asia/Jakarta)")).to_be_visible()
    expect(page.locator(f"a[href='/posts/{month['failed']}'] p > .failed")).to_have_text(
        "gagal")
    check_accessibility(page)
    screenshot(page, "calendar-month-id")
    asked = page.url
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("link", name="Month")).to_have_attribute("aria-current", "true")
    expect(page).to_have_url(re.compile(re.escape(asked.split("?")[1]) + "&lang=en$"))
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.get_by_role("link", name="Bulan")).to_be_visible()


def test_week_and_list_views_and_the_period_in_the_address(console, month):
    page = console.signed_in("citra", "en")
    page.goto(f"/calendar?view=month&date={month['failed_at'].date().isoformat()}")
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=week&date=" + month["failed_at"].date()
                                        .isoformat()))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week")
    expect(page.locator(f"a[href='/posts/{month['failed']}']")).to_contain_text("07:15")
    check_accessibility(page)
    screenshot(page, "calendar-week-en")
    page.get_by_role("link", name="Next →").click()
    monday = month["failed_at"].date() - timedelta(days=month["failed_at"].weekday())
    expect(page).to_have_url(re.compile(r"date=" + (monday + timedelta(days=7)).isoformat()))
    page.get_by_role("link", name="List", exact=True).click()
    expect(page).to_have_url(re.compile(r"view=list"))
    page.goto(f"/calendar?view=list&date={month['first'].isoformat()}")
    expect(page.locator("section.day h2").first).to_be_visible()
    expect(page.locator(".tiles > li")).to_have_count(month["count"])
    check_accessibility(page)
    screenshot(page, "calendar-list-en")


def test_filters_by_channel_pillar_and_status_without_script(console, month):
    page = console.context("en", java_script_enabled=False).new_page()
    from tests.fixtures.browser import sign_in
    sign_in(page, "dewi")
    page.goto(f"/calendar?view=list&date={month['first'].isoformat()}")
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=failed"))
    expect(page.locator(".tiles > li")).to_have_count(1)
    expect(page.locator(".tiles > li a")).to_have_attribute("href", f"/posts/{month['failed']}")
    page.get_by_label("Status").select_option("")
    page.get_by_label("Channel").select_option("telegram-humas")
    page.get_by_label("Pillar", exact=True).select_option("informatif")
    page.get_by_role("button", name="Filter").click()
    tiles = page.locator(".tiles > li")
    expect(tiles.first).to_be_visible()
    for text in tiles.all_inner_texts():
        assert "telegram-humas" in text and "Informative" in text
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator(".tiles > li")).to_have_count(month["count"])


def test_a_failed_delivery_is_ringed_and_its_reason_comes_with_keyboard_focus(console, month):
    page = console.signed_in("citra", "en")
    page.goto(f"/calendar?view=month&date={month['first'].isoformat()}")
    tile = page.locator(f"a[href='/posts/{month['failed']}']")
    ring = tile.evaluate("a => getComputedStyle(a).borderTopColor")
    assert ring == "rgb(164, 14, 38)"
    icon = tile.locator("time").evaluate("t => getComputedStyle(t, '::before').content")
    assert "⚠" in icon
    reason = page.locator(f"#{tile.get_attribute('aria-describedby')}")
    expect(reason).to_have_text("x-humas: " + FAILED_REASON)
    expect(reason).to_be_hidden()
    page.get_by_role("link", name=re.compile("^Next")).focus()
    for _ in range(400):
        if tile.evaluate("node => node === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(tile).to_be_focused()
    expect(reason).to_be_visible()
    expect(tile).to_have_accessible_description("x-humas: " + FAILED_REASON)
    page.keyboard.press("Escape")
    expect(reason).to_be_hidden()
    unknown = page.locator(f"a[href='/posts/{month['unknown']}']")
    # the scheduler's reconciler may add its own note to the platform's words
    expect(unknown).to_have_accessible_description(
        re.compile("^telegram-humas: " + re.escape(UNKNOWN_REASON)))
    unknown.hover()
    expect(page.get_by_role("tooltip", name=re.compile("timed out"))).to_be_visible()


def test_a_tile_opens_its_post(console, month):
    page = console.signed_in("ani", "en")
    page.goto(f"/calendar?view=week&date={month['failed_at'].date().isoformat()}")
    page.locator(f"a[href='/posts/{month['failed']}']").click()
    expect(page).to_have_url(re.compile(rf"/posts/{month['failed']}$"))
