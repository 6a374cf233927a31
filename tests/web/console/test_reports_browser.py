"""The reports page in Chromium: engagement per pillar beside the mix, per channel, and
audience growth, read back from the sandbox after real publications."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_skeleton
from playwright.sync_api import expect

from ops.engagement import audience, pull
from orchestrator.editorial import publishing, views, workflow
from tests.fixtures.browser import check_accessibility, screenshot

HOURS = 6
CHANNELS = {"informatif": ["x-humas", "facebook-humas", "telegram-humas"],
            "interaktif": ["x-humas", "wordpress-humas"]}


@pytest.fixture(scope="module")
def read_back(console, sandbox_server):
    """Two posts published for real on the sandbox, their engagement and the channels'
    audience read back."""
    posts = []
    for pillar, channels in CHANNELS.items():
        author = console.as_user("ani")
        post_id = workflow.create_post(
            author, title=f"Laporan {pillar}", text=f"Kabar {pillar} hari ini",
            pillar=pillar, channels=channels, at=datetime.now(UTC) + timedelta(days=1))
        workflow.submit(author, post_id)
        workflow.approve(console.as_user("budi"), post_id)
        publishing.publish_now(console.as_user("budi"), post_id)
        posts.append(post_id)
    deadline = time.monotonic() + 60
    while any(views.show_post(console.ctx, p)["status"] != "published" for p in posts):
        assert time.monotonic() < deadline, \
            f"the posts were not published; the worker's log:\n{console.system.log('worker')}"
        time.sleep(0.3)
    operator = console.as_user("citra")
    audience.snapshot(operator, again=True)
    sandbox_server.state.advance(HOURS * 3600)  # the posts have been seen for a while
    try:
        pulled = pull.pull_now(operator)
    finally:
        sandbox_server.state.advance(-HOURS * 3600)
    return posts, pulled


def test_engagement_per_pillar_beside_the_mix_and_growth(console, read_back):
    page = console.signed_in("kepala", "en")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Engagement by pillar, beside the mix")).to_be_visible()
    pillar_rows = page.locator("section[aria-labelledby=by-pillar] tbody tr")
    informatif = pillar_rows.filter(has=page.get_by_role("rowheader", name="Informative"))
    expect(informatif).to_contain_text("target 60%")
    expect(informatif.locator("td").nth(1)).to_have_text("1")  # one post
    channel_rows = page.locator("section[aria-labelledby=by-channel] tbody tr")
    expect(channel_rows).to_have_count(4)
    telegram = channel_rows.filter(has_text="telegram-humas")
    expect(telegram.locator("td").nth(1)).to_have_text("n/a")  # never a zero
    x = channel_rows.filter(has_text="x-humas")
    expect(x.locator("td").first).to_have_text("2")
    assert int(x.locator("td").nth(1).inner_text().replace(",", "")) > 0  # views read back
    growth = page.locator("section[aria-labelledby=growth] tbody tr")
    expect(growth).to_have_count(5)
    day = date.fromisoformat(audience.today(console.ctx))
    expect(growth.first).to_contain_text(format_skeleton("yMMMd", day, locale="en"))
    check_accessibility(page)
    screenshot(page, "reports-en")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Keterlibatan per pilar, di samping bauran")
           ).to_be_visible()
    expect(growth.first).to_contain_text(format_skeleton("yMMMd", day, locale="id"))
    check_accessibility(page)
    screenshot(page, "reports-id")


def test_a_bad_date_is_said_plainly(console, read_back):
    page = console.signed_in("citra", "en")
    response = page.goto("/reports?start=kemarin")
    assert response.status == 422
    expect(page.get_by_text("from must be a date like 2026-12-01")).to_be_visible()
