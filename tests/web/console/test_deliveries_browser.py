"""The deliveries desk in Chromium, on a running Siaran and the sandbox: a channel failing
on purpose shows up, Retry sends it once, an unknown delivery says to check the account
(its Retry asks the platform and sends nothing twice) and is resolved by hand, a selection
is retried with a progress bar, and others see the desk read-only."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from orchestrator.editorial import publishing, views, workflow
from orchestrator.pipeline.outbox import relay_now
from tests.fixtures.browser import check_accessibility, screenshot
from tests.fixtures.sandbox import demo_account

FAILING = ("facebook-humas", "x-humas", "wordpress-humas")
UNKNOWN = "telegram-humas"


def settled(console, post_id: int, timeout: float = 30) -> dict[str, dict]:
    """The post's deliveries by channel once none is queued or sending any more."""
    deadline = time.monotonic() + timeout
    while True:
        shown = {d["channel"]: d for d in views.show_post(console.ctx, post_id)["deliveries"]}
        moving = [d for d in shown.values() if d["status"] in ("pending", "queued", "sending")]
        if not moving or time.monotonic() > deadline:
            return shown
        time.sleep(0.2)


def received(sandbox, platform: str, text: str) -> int:
    return sum(text in str(p.text) for p in sandbox.posts(platform, demo_account(platform)))


@pytest.fixture
def troubled(console, sandbox) -> tuple[int, str, dict[str, dict]]:
    """A post published now to four channels: three refuse it once, Telegram stores it and
    drops the connection (outcome unknown)."""
    for name in FAILING:
        sandbox.add_fault(name.split("-")[0], "status", count=1, status=400)
    sandbox.add_fault("telegram", "commit_then_drop", count=1)
    text = f"Pemadaman listrik terjadwal di kecamatan Anda. {uuid.uuid4().hex[:6]}"
    author = console.as_user("ani")
    post_id = workflow.create_post(
        author, title="Pemadaman listrik terjadwal", text=text, pillar="informatif",
        channels=[*FAILING, UNKNOWN], at=datetime.now(UTC) + timedelta(days=1))
    workflow.submit(author, post_id)
    workflow.approve(console.as_user("budi"), post_id)
    publishing.publish_now(console.as_user("budi"), post_id)
    relay_now(console.ctx)  # as the command line does after publish-now
    shown = settled(console, post_id, timeout=60)
    assert {n: shown[n]["status"] for n in shown} == {
        **{n: "failed" for n in FAILING}, UNKNOWN: "unknown"}, shown
    return post_id, text, shown


def row(page, delivery_id: int):
    return page.locator(f"#row-{delivery_id}")


def test_the_desk_retries_resolves_and_retries_a_selection(console, sandbox, troubled):
    post_id, text, shown = troubled
    page = console.signed_in("citra", "en")
    page.goto("/deliveries")
    for name in (*FAILING, UNKNOWN):
        expect(row(page, shown[name]["id"])).to_be_visible()
    unknown = row(page, shown[UNKNOWN]["id"])
    expect(unknown).to_contain_text("Check the account before retrying.")
    expect(unknown.get_by_role("link", name=f"The channel {UNKNOWN}")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "deliveries-en")
    page.goto("/deliveries?lang=id")
    expect(page.get_by_role("heading", name="Pengiriman", level=1)).to_be_visible()
    expect(row(page, shown[UNKNOWN]["id"])).to_contain_text("Periksa akunnya")
    check_accessibility(page)
    screenshot(page, "deliveries-id")
    page.goto("/deliveries?status=failed&lang=en")
    expect(row(page, shown[UNKNOWN]["id"])).to_have_count(0)

    # one failed delivery: Retry sends it, once
    facebook = row(page, shown["facebook-humas"]["id"])
    facebook.get_by_role("button", name="Retry").click()
    expect(facebook.get_by_role("status")).to_have_text("Queued again: it is being sent.")
    assert settled(console, post_id)["facebook-humas"]["status"] == "published"
    assert received(sandbox, "facebook", text) == 1

    # the unknown one: Retry asks the platform (Telegram cannot be asked), sends nothing
    page.goto("/deliveries?status=unknown")
    unknown = row(page, shown[UNKNOWN]["id"])
    unknown.get_by_role("button", name="Retry").click()
    expect(unknown.get_by_role("status")).to_contain_text("could not tell")
    expect(unknown.locator(".badge")).to_have_text(re.compile("unknown"))
    assert received(sandbox, "telegram", text) == 1
    # ... so a person checks the account and resolves it by hand
    stored = next(p for p in sandbox.posts("telegram", demo_account("telegram"))
                  if text in str(p.text))
    permalink = f"https://t.me/setneg/{stored.id}"
    unknown.get_by_text("Settle by hand").click()
    unknown.get_by_label("It is there: published").check()
    unknown.get_by_label("Permalink (if published)").fill(permalink)
    check_accessibility(page)
    unknown.get_by_role("button", name="Resolve").click()
    expect(unknown.get_by_role("status")).to_have_text("Resolved as published.")
    expect(unknown.get_by_role("link", name="Open the post")).to_have_attribute("href",
                                                                                permalink)
    resolved = settled(console, post_id)[UNKNOWN]
    assert (resolved["status"], resolved["permalink"]) == ("published", permalink)
    assert received(sandbox, "telegram", text) == 1

    # the rest, as a selection, with a progress bar
    page.goto("/deliveries?status=failed")
    for name in ("x-humas", "wordpress-humas"):
        page.get_by_label(f"Select delivery {shown[name]['id']}").check()
    page.get_by_role("button", name="Retry selected").click()
    bar = page.get_by_label("Retrying the selected deliveries")
    expect(bar).to_have_attribute("max", "2")
    expect(bar).to_have_attribute("value", "2")
    expect(page.locator("#bulk-progress .results li")).to_have_count(2)
    expect(page.locator("#bulk-progress")).to_contain_text("Finished: 2 of 2 done.")
    check_accessibility(page)
    final = settled(console, post_id)
    assert {n: d["status"] for n, d in final.items()} == {n: "published" for n in final}
    assert views.show_post(console.ctx, post_id)["status"] == "published"
    for platform in ("x", "wordpress", "facebook", "telegram"):
        assert received(sandbox, platform, text) == 1, platform
    expect(page.locator("#desk-groups")).not_to_contain_text(text[:20])


def test_an_author_sees_the_desk_read_only(console, sandbox, troubled):
    _post_id, _text, shown = troubled
    page = console.signed_in("dewi", "en")
    page.goto("/deliveries?status=failed")
    expect(row(page, shown["x-humas"]["id"])).to_be_visible()
    expect(page.get_by_text("retrying, resolving and cancelling are for operators")).to_be_visible()
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    expect(page.get_by_role("button", name="Retry selected")).to_have_count(0)
    check_accessibility(page)
